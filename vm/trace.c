/*
** trace.c — `asy --trace` (see trace.h; the format is in docs/TRACE.md).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/future.h"
#include "vm/gen.h"
#include "vm/loop.h"
#include "vm/obj/str.h"
#include "vm/timeline.h"
#include "vm/trace.h"

void asy_trace_enable(VM *vm) {
  vm->trace = true;
  vm->observe = true;
}

static bool is_library(const ObjCode *code) {
  return code->filename && strncmp(code->filename->chars, "<frozen ", 8) == 0;
}

static const char *base_name(const ObjCode *code) {
  const char *f = code->filename ? code->filename->chars : "?";
  const char *slash = strrchr(f, '/');
  return slash ? slash + 1 : f;
}


/* " at file:line" when a location is known, else nothing: `"...%s%s", AT(where)`. */
#define AT(where) ((where)[0] ? " at " : ""), (where)

void asy_trace_where_now(VM *vm, char *out, size_t n) {
  Fiber *f = vm->fiber;
  for (int i = f->frame_count - 1; i >= 0; i--) {
    Frame *fr = &f->frames[i];
    if (is_library(fr->code)) continue;
    snprintf(out, n, "%s:%d", base_name(fr->code),
             asy_code_line_before(fr->code, (uint32_t)(fr->ip - fr->code->code)));
    return;
  }
  if (n) out[0] = '\0';
}

const char *asy_trace_task_name(VM *vm, Value task) {
  if (!IS_OBJ_TYPE(task, OBJ_FUTURE) || !AS_FUTURE(task)->is_task) return "main";
  Value n = asy_task_name(vm, AS_FUTURE(task));
  return IS_STR(n) ? AS_STR(n)->chars : "?";
}

static void flush_lines(VM *vm) {
  if (!vm->trace_len) return;
  if (vm->before_console_write) vm->before_console_write(vm);
  fwrite(vm->trace_buf, 1, vm->trace_len, stderr);
  fflush(stderr);
  vm->trace_len = 0;
}

/* One line: clock, the task indented by its group depth, the event. Program output
** written so far comes first, as for tracebacks. */
static void emit(VM *vm, Value task, const char *event) {
  if (!vm->trace) return;
  int depth = IS_OBJ_TYPE(task, OBJ_FUTURE) ? AS_FUTURE(task)->trace_depth : 0;
  char who[96];
  snprintf(who, sizeof who, "%*s%s", 2 * depth, "", asy_trace_task_name(vm, task));
  if (vm->trace_stdout_dirty) {
    fflush(stdout);
    vm->trace_stdout_dirty = false;
  }
  char line[600];
  int k = snprintf(line, sizeof line, "%8.3f  %-14s %s\n", asy_loop_time(vm) - vm->trace_origin,
                   who, event);
  if (k < 0) return;
  if ((size_t)k >= sizeof line) k = (int)sizeof line - 1, line[k - 1] = '\n';
  if (vm->trace_len + (size_t)k > vm->trace_cap) {
    flush_lines(vm);
    if ((size_t)k > vm->trace_cap) {
      size_t cap = 64 * 1024;
      char *b = realloc(vm->trace_buf, cap);
      if (!b) return;
      vm->trace_buf = b;
      vm->trace_cap = cap;
    }
  }
  memcpy(vm->trace_buf + vm->trace_len, line, (size_t)k);
  vm->trace_len += (size_t)k;
}

void asy_trace_console(VM *vm, bool to_stdout) {
  flush_lines(vm);
  if (to_stdout) vm->trace_stdout_dirty = true;
}

void asy_trace_finish(VM *vm) {
  flush_lines(vm);
  free(vm->trace_buf);
  vm->trace_buf = NULL;
  vm->trace_cap = 0;
}

/* A short repr for the log (reprs may be long or fail). */
static void short_repr(VM *vm, Value v, char *out, size_t n) {
  Value saved = vm->fiber->exc;
  Value r = asy_repr(vm, v);
  if (IS_EXC(r) || !IS_STR(r)) {
    vm->fiber->exc = saved;
    snprintf(out, n, "<unprintable>");
    return;
  }
  const char *s = AS_STR(r)->chars;
  if (strlen(s) < n) snprintf(out, n, "%s", s);
  else snprintf(out, n, "%.*s...", (int)n - 4, s);
}

void asy_trace_group_next(VM *vm, int depth, int group) {
  vm->trace_group_depth = depth;
  vm->trace_group = group;
}

/* Tasks the library makes for itself (asyncio.run's shutdown steps) are not narrated. */
static bool hidden(ObjFuture *t) {
  if (!IS_OBJ_TYPE(t->coro, OBJ_GEN)) return false;
  ObjGen *g = AS_GEN(t->coro);
  return is_library(g->code) && g->qualname && strstr(g->qualname->chars, ".shutdown_");
}

void asy_trace_task_created(VM *vm, ObjFuture *t) {
  if (hidden(t)) return;
  Value creator = vm->loop.current_task;
  int depth = IS_OBJ_TYPE(creator, OBJ_FUTURE) ? AS_FUTURE(creator)->trace_depth : 0;
  char where[160], group[32] = "";
  asy_trace_where_now(vm, where, sizeof where);
  int group_number = vm->trace_group;
  if (vm->trace_group) {
    depth = vm->trace_group_depth;
    snprintf(group, sizeof group, " in group %d", vm->trace_group);
    vm->trace_group = 0;
  }
  t->trace_depth = (uint8_t)(depth > 40 ? 40 : depth);
  char event[320];
  snprintf(event, sizeof event, "created by %s%s%s%s", asy_trace_task_name(vm, creator), group, AT(where));
  emit(vm, OBJ_VAL(t), event);
  if (vm->timeline)
    asy_timeline_created(vm, t, asy_trace_task_name(vm, OBJ_VAL(t)),
                         IS_OBJ(creator) ? (const void *)AS_OBJ(creator) : NULL,
                         group_number, t->trace_depth, where);
}

void asy_trace_step(VM *vm, ObjFuture *t, Value exc) {
  if (hidden(t)) return;
  if (vm->timeline) asy_timeline_segment(vm, t, TL_RUN, "running");
  if (!t->trace_started) {
    t->trace_started = true;
    emit(vm, OBJ_VAL(t), IS_UNDEF(exc) ? "started" : "started with an exception thrown in");
    return;
  }
  if (IS_UNDEF(exc)) {
    emit(vm, OBJ_VAL(t), "resumed");
    return;
  }
  /* Where the exception lands: the innermost program frame the task is suspended in. */
  char where[160] = "";
  Value v = t->coro;
  while (IS_OBJ_TYPE(v, OBJ_GEN)) {
    ObjGen *g = AS_GEN(v);
    if (!is_library(g->code))
      snprintf(where, sizeof where, "%s:%d", base_name(g->code), asy_code_line_before(g->code, g->ip));
    v = asy_gen_delegate(g);
  }
  char name[96];
  ObjClass *cls = asy_class_of(vm, exc);
  snprintf(name, sizeof name, "%s", cls->name->chars);
  char event[320];
  snprintf(event, sizeof event, "%s delivered%s%s", name, AT(where));
  emit(vm, OBJ_VAL(t), event);
  if (vm->timeline)
    asy_timeline_mark(vm, t,
                      asy_isinstance(vm, exc, vm->exc.CancelledError) ? TL_MARK_CANCELLED
                                                                      : TL_MARK_NOTE,
                      event);
}

/* What the library function a task waits in means, in words. */
static const char *wait_words(const char *qualname) {
  static const struct {
    const char *fn, *words;
  } table[] = {
      {"Lock.acquire", "waits for a lock"},
      {"Event.wait", "waits for an event"},
      {"Condition.wait", "waits on a condition"},
      {"Condition.wait_for", "waits on a condition"},
      {"Semaphore.acquire", "waits for a semaphore"},
      {"BoundedSemaphore.acquire", "waits for a semaphore"},
      {"Barrier.wait", "waits at a barrier"},
      {"Queue.get", "waits to get from a queue"},
      {"Queue.put", "waits to put into a full queue"},
      {"Queue.join", "waits for a queue to be processed"},
      {"TaskGroup.__aexit__", "waits for the tasks of its group"},
      {"wait_for", "waits with a timeout (wait_for)"},
      {"wait", "waits (asyncio.wait)"},
      {"shield", "waits behind a shield"},
      {NULL, NULL}};
  for (int i = 0; table[i].fn; i++)
    if (strcmp(qualname, table[i].fn) == 0) return table[i].words;
  return NULL;
}

void asy_trace_describe_wait(VM *vm, ObjFuture *t, char *event, size_t event_size) {
  char where[160] = "";
  /* The library frame that says what the task waits for: the outermost one the table
  ** knows (Lock.acquire under `async with lock`), or sleep, or else the outermost. */
  ObjGen *library = NULL, *known = NULL, *sleeping = NULL;
  Value v = t->coro;
  while (IS_OBJ_TYPE(v, OBJ_GEN)) {
    ObjGen *g = AS_GEN(v);
    if (!is_library(g->code)) {
      snprintf(where, sizeof where, "%s:%d", base_name(g->code), asy_code_line_before(g->code, g->ip));
    } else {
      if (!library) library = g;
      if (!known && wait_words(g->qualname->chars)) known = g;
      if (!sleeping && strcmp(g->qualname->chars, "sleep") == 0) sleeping = g;
    }
    v = asy_gen_delegate(g);
  }
  if (known) library = known;
  else if (sleeping) library = sleeping;
  Value w = t->fut_waiter;
  if (IS_NONE(w)) {
    snprintf(event, event_size, "yields to the loop%s%s", AT(where));
  } else if (IS_OBJ_TYPE(w, OBJ_FUTURE) && AS_FUTURE(w)->is_task) {
    snprintf(event, event_size, "awaits %s%s%s", asy_trace_task_name(vm, w), AT(where));
  } else if (library && strcmp(library->qualname->chars, "sleep") == 0) {
    /* sleep(delay): its timer handle `h` knows the deadline. */
    double when = -1;
    ObjCode *co = library->code;
    for (int i = 0; co->varnames && i < co->nlocals && (size_t)i < co->varnames->size; i++) {
      Value nm = co->varnames->items[i];
      if (IS_STR(nm) && strcmp(AS_STR(nm)->chars, "h") == 0 && (uint32_t)i < library->nslots &&
          IS_OBJ_TYPE(library->slots[i], OBJ_HANDLE))
        when = ((ObjHandle *)AS_OBJ(library->slots[i]))->when;
    }
    if (when >= 0)
      snprintf(event, event_size, "sleeps until %.3f%s%s", when - vm->trace_origin, AT(where));
    else snprintf(event, event_size, "sleeps%s%s", AT(where));
  } else {
    const char *words = library ? wait_words(library->qualname->chars) : NULL;
    if (words) {
      snprintf(event, event_size, "%s%s%s", words, AT(where));
    } else if (library) {
      snprintf(event, event_size, "waits in %s%s%s", library->qualname->chars, AT(where));
    } else {
      ObjClass *cls = asy_class_of(vm, w);
      const char *n = cls->name->chars;
      if (strcmp(n, "_GatheringFuture") == 0)
        snprintf(event, event_size, "waits for gather()%s%s", AT(where));
      else snprintf(event, event_size, "awaits a %s%s%s", n, AT(where));
    }
  }
}

void asy_trace_suspended(VM *vm, ObjFuture *t) {
  if (hidden(t)) return;
  char event[400];
  asy_trace_describe_wait(vm, t, event, sizeof event);
  emit(vm, OBJ_VAL(t), event);
  if (vm->timeline) asy_timeline_segment(vm, t, asy_timeline_kind_of(event), event);
}

void asy_trace_finished(VM *vm, ObjFuture *t) {
  if (hidden(t)) return;
  char event[320], r[160];
  if (t->state == FUT_CANCELLED) {
    snprintf(event, sizeof event, "cancelled");
  } else if (!IS_UNDEF(t->exception) && !IS_NONE(t->exception)) {
    short_repr(vm, t->exception, r, sizeof r);
    snprintf(event, sizeof event, "failed with %s", r);
  } else {
    short_repr(vm, t->result, r, sizeof r);
    snprintf(event, sizeof event, "finished -> %s", r);
  }
  emit(vm, OBJ_VAL(t), event);
  if (vm->timeline)
    asy_timeline_finished(vm, t,
                          t->state == FUT_CANCELLED ? TL_MARK_CANCELLED
                          : strncmp(event, "failed", 6) == 0 ? TL_MARK_FAILED
                                                             : TL_MARK_DONE,
                          event);
}

void asy_trace_cancel(VM *vm, ObjFuture *t, Value msg) {
  if (hidden(t)) return;
  char event[320], by[200], m[140] = "";
  if (IS_OBJ_TYPE(vm->loop.current_task, OBJ_FUTURE)) {
    char where[160];
    asy_trace_where_now(vm, where, sizeof where);
    snprintf(by, sizeof by, "by %s%s%s", asy_trace_task_name(vm, vm->loop.current_task), AT(where));
  } else {
    snprintf(by, sizeof by, "by the loop (a callback)");
  }
  if (!IS_NONE(msg) && !IS_UNDEF(msg)) {
    char r[120];
    short_repr(vm, msg, r, sizeof r);
    snprintf(m, sizeof m, ", message %s", r);
  }
  snprintf(event, sizeof event, "cancel requested %s%s", by, m);
  emit(vm, OBJ_VAL(t), event);
  if (vm->timeline) asy_timeline_mark(vm, t, TL_MARK_CANCEL_REQUEST, event);
}

void asy_trace_note(VM *vm, Value t, const char *text) {
  Value who = IS_NONE(t) ? vm->loop.current_task : t;
  emit(vm, who, text);
  if (vm->timeline && IS_OBJ(who))
    asy_timeline_mark(vm, AS_OBJ(who),
                      strncmp(text, "timeout expires", 15) == 0 ? TL_MARK_TIMEOUT : TL_MARK_NOTE,
                      text);
}
