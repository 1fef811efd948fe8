/*
** finalize.c — finalizers and the never-awaited warning (see finalize.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/finalize.h"
#include "vm/future.h"
#include "vm/gc.h"
#include "vm/gen.h"
#include "vm/vm.h"

enum { FIN_NONE = 0, FIN_WANTED = 1, FIN_DONE = 2 };

/* ---- the never-awaited warning ------------------------------------------------------- */

/* True the first time (file, line) asks: the default warnings filter shows a warning
** once per location. */
static bool first_at(VM *vm, const char *file, int line) {
  AsyFinalizer *F = &vm->fin;
  for (size_t i = 0; i < F->nwarned; i++)
    if (F->warned[i].line == line && strcmp((const char *)F->warned[i].file, file) == 0)
      return false;
  if (F->nwarned == F->warned_cap) {
    size_t cap = F->warned_cap ? F->warned_cap * 2 : 16;
    void *w = realloc(F->warned, cap * sizeof *F->warned);
    if (!w) return true;
    F->warned = w;
    F->warned_cap = cap;
  }
  char *copy = strdup(file);
  if (!copy) return true;
  F->warned[F->nwarned].file = copy;
  F->warned[F->nwarned].line = line;
  F->nwarned++;
  return true;
}

/* Printed straight to the process's stderr: the collector may not allocate. */
static void warn_never_awaited(VM *vm, ObjGen *g) {
  ObjCode *co = g->origin_code;
  const char *file = "sys";
  int line = 1;
  if (co && co->positions && g->origin_ip > 0 && (int)g->origin_ip <= co->ncode) {
    file = co->filename->chars;
    line = co->positions[g->origin_ip - 1].line;
  }
  if (!first_at(vm, file, line)) return;
  fflush(stdout);
  fprintf(stderr, "%s:%d: RuntimeWarning: coroutine '%s' was never awaited\n", file, line,
          g->qualname->chars);
  size_t len = 0;
  const char *text = co && co->source ? asy_source_line(co->source, line, &len) : NULL;
  if (text) {
    while (len && (*text == ' ' || *text == '\t')) text++, len--;
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ')) len--;
    if (len) fprintf(stderr, "  %.*s\n", (int)len, text);
  }
  fprintf(stderr, "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n");
  fflush(stderr);
}

/* ---- scanning and queueing --------------------------------------------------------------- */

/* Append o to a growing array; false without memory (the object then just goes
** unfinalized). */
static bool push_obj(Obj ***items, size_t *count, size_t *capacity, Obj *o) {
  if (*count == *capacity) {
    size_t cap = *capacity ? *capacity * 2 : 64;
    Obj **grown = realloc(*items, cap * sizeof *grown);
    if (!grown) return false;
    *items = grown;
    *capacity = cap;
  }
  (*items)[(*count)++] = o;
  return true;
}

static void enqueue(VM *vm, Obj *o) {
  AsyFinalizer *F = &vm->fin;
  if (push_obj(&F->queue, &F->count, &F->capacity, o)) o->finalized = FIN_DONE;
}

static bool has_del(Obj *o) { return o->type == OBJ_INSTANCE && (o->cls->flags & CLASS_HAS_DEL); }

void asy_finalize_track(VM *vm, Obj *o) {
  AsyFinalizer *F = &vm->fin;
  push_obj(&F->tracked, &F->ntracked, &F->tracked_cap, o);
}

bool asy_finalize_untrack(VM *vm, Obj *o) {
  AsyFinalizer *F = &vm->fin;
  if (o->finalized != FIN_NONE) return false;
  /* Objects mostly die in the order they were made: look among the newest few. */
  size_t stop = F->ntracked > 8 ? F->ntracked - 8 : 0;
  for (size_t i = F->ntracked; i-- > stop;) {
    if (F->tracked[i] != o) continue;
    memmove(&F->tracked[i], &F->tracked[i + 1], (F->ntracked - i - 1) * sizeof(Obj *));
    F->ntracked--;
    return true;
  }
  return false;
}

void asy_finalize_want(VM *vm, Obj *o) {
  if (o->finalized != FIN_NONE) return;
  o->finalized = FIN_WANTED;
  asy_finalize_track(vm, o);
}

void asy_finalize_scan(VM *vm) {
  size_t first = vm->fin.count;
  /* Oldest first, as CPython's collector finalizes (a coroutine before its task). */
  for (size_t i = 0; i < vm->fin.ntracked; i++) {
    Obj *o = vm->fin.tracked[i];
    if (o->marked || o->finalized == FIN_DONE) continue;
    if (o->type == OBJ_GEN) {
      ObjGen *g = (ObjGen *)o;
      if (g->kind == GEN_COROUTINE && g->state == GEN_CREATED) {
        o->finalized = FIN_DONE;
        warn_never_awaited(vm, g);
      } else if (g->state == GEN_SUSPENDED) {
        enqueue(vm, o); /* close() runs its finally blocks */
      }
    } else if (o->type == OBJ_FUTURE) {
      if (asy_future_has_report((ObjFuture *)o)) enqueue(vm, o);
    } else if (has_del(o)) {
      enqueue(vm, o);
    }
  }
  /* Resurrect the queued objects (and all they reach) until their finalizer ran. */
  for (size_t i = first; i < vm->fin.count; i++) asy_gc_mark_obj(vm, vm->fin.queue[i]);
}

bool asy_finalize_has_candidates(VM *vm) {
  AsyFinalizer *F = &vm->fin;
  for (size_t i = 0; i < F->ntracked; i++) {
    Obj *o = F->tracked[i];
    if (o->finalized == FIN_DONE) continue;
    if (o->type == OBJ_GEN      ? ((ObjGen *)o)->state != GEN_CLOSED
        : o->type == OBJ_FUTURE ? asy_future_has_report((ObjFuture *)o)
                                : true)
      return true;
  }
  return false;
}

void asy_finalize_prune(VM *vm) {
  AsyFinalizer *F = &vm->fin;
  size_t kept = 0;
  for (size_t i = 0; i < F->ntracked; i++) {
    Obj *o = F->tracked[i];
    if (!o->marked || o->finalized == FIN_DONE) continue;
    if (o->type == OBJ_GEN && ((ObjGen *)o)->state == GEN_CLOSED) continue;
    if (o->type == OBJ_FUTURE && ((ObjFuture *)o)->state != FUT_PENDING &&
        !((ObjFuture *)o)->log_traceback) {
      o->finalized = FIN_NONE; /* nothing to report now; asy_finalize_want may re-track */
      continue;
    }
    F->tracked[kept++] = o;
  }
  F->ntracked = kept;
}

void asy_finalize_mark(VM *vm) {
  for (size_t i = vm->fin.head; i < vm->fin.count; i++) asy_gc_mark_obj(vm, vm->fin.queue[i]);
}

/* ---- running ------------------------------------------------------------------------------ */

static void report_ignored(VM *vm, Value culprit) {
  Value exc = asy_pending(vm);
  asy_clear_pending(vm);
  asy_push_root(vm, exc);
  Value r = asy_repr(vm, culprit);
  fflush(stdout);
  if (IS_EXC(r)) {
    asy_clear_pending(vm);
    fprintf(stderr, "Exception ignored in: <object repr() failed>\n");
  } else {
    fprintf(stderr, "Exception ignored in: %s\n", AS_STR(r)->chars);
  }
  asy_print_exception(vm, exc);
}

void asy_finalize_run(VM *vm) {
  AsyFinalizer *F = &vm->fin;
  if (F->running) return;
  F->running = true;
  while (F->head < F->count) {
    size_t mark = asy_temp_mark(vm);
    Obj *o = F->queue[F->head++];
    if (F->head == F->count) F->head = F->count = 0;
    Value v = OBJ_VAL(o);
    asy_push_root(vm, v);
    if (o->type == OBJ_GEN) {
      Value r = asy_gen_close(vm, (ObjGen *)o);
      if (IS_EXC(r)) report_ignored(vm, v);
    } else if (o->type == OBJ_FUTURE) {
      if (IS_EXC(asy_future_finalize(vm, (ObjFuture *)o))) report_ignored(vm, v);
    } else {
      Value meth = asy_getattr(vm, v, vm->names.del);
      Value r = IS_EXC(meth) ? meth : asy_call(vm, meth, 0, NULL, NULL);
      if (IS_EXC(r)) report_ignored(vm, IS_EXC(meth) ? v : meth);
    }
    asy_temp_reset(vm, mark);
  }
  F->running = false;
}

void asy_finalize_dropped(VM *vm, Value v) {
  ObjGen *g = AS_GEN(v);
  if (g->kind != GEN_COROUTINE || g->state != GEN_CREATED || g->obj.finalized) return;
  asy_gc_collect(vm);
}

void asy_finalize_note_unretrieved(VM *vm, int delta) {
  vm->fin.unretrieved += delta;
  if (delta > 0) vm->fin.unretrieved_seen = -1;
}

void asy_finalize_after_iteration(VM *vm) {
  AsyFinalizer *F = &vm->fin;
  if (F->unretrieved > 0 && F->unretrieved_seen < 0) {
    F->unretrieved_seen = 0;
    asy_gc_collect(vm);
  }
  if (F->count) asy_finalize_run(vm);
}

void asy_finalize_free(VM *vm) {
  AsyFinalizer *F = &vm->fin;
  free(F->queue);
  free(F->tracked);
  for (size_t i = 0; i < F->nwarned; i++) free((void *)F->warned[i].file);
  free(F->warned);
  memset(F, 0, sizeof *F);
}
