/*
** gen.c — generators, coroutines and async generators (see gen.h for the design):
** creating them from a call, moving their frames between the object and the fiber
** stack, driving them from C, and their Python-visible methods.
*/
#include <string.h>

#include "vm/except.h"
#include "vm/finalize.h"
#include "vm/future.h"
#include "vm/gen.h"
#include "vm/obj/func.h"

static const char *kind_word(const ObjGen *g) {
  switch (g->kind) {
  case GEN_COROUTINE: return "coroutine";
  case GEN_ASYNC_GENERATOR: return "async generator";
  default: return "generator";
  }
}

static ObjClass *kind_class(VM *vm, int kind) {
  switch (kind) {
  case GEN_COROUTINE: return vm->types.coroutine;
  case GEN_ASYNC_GENERATOR: return vm->types.async_generator;
  default: return vm->types.generator;
  }
}

/* ---- frames in and out ------------------------------------------------------------ */

/* A new generator (coroutine, async generator) for a call of co, created by the frame
** `caller` (NULL: unknown), with room for co's locals and operand stack: inside the
** object when that fits the small-object pool, so that most generators are one block. */
static ObjGen *gen_alloc(VM *vm, ObjFunction *fn, ObjCode *co, ObjDict *globals,
                         const Frame *caller) {
  int kind = (co->flags & CODE_ASYNC_GENERATOR) ? GEN_ASYNC_GENERATOR
             : (co->flags & CODE_GENERATOR)     ? GEN_GENERATOR
                                                : GEN_COROUTINE;
  uint32_t cap = (uint32_t)asy_nlocalsplus(co) + (uint32_t)co->stacksize;
  uint32_t room = sizeof(ObjGen) + sizeof(Value) * cap <= ASY_POOL_MAX ? cap : 0;
  ObjGen *g = (ObjGen *)asy_alloc_obj(vm, sizeof(ObjGen) + sizeof(Value) * room, OBJ_GEN,
                                      kind_class(vm, kind));
  /* The block comes zeroed: the flags, counts, ip and links start at 0 / NULL. */
  g->inline_cap = room;
  g->slots = room ? asy_gen_inline_slots(g) : NULL;
  g->capacity = room;
  asy_finalize_track(vm, &g->obj);
  g->kind = (uint8_t)kind;
  g->state = GEN_CREATED;
  g->func = fn;
  g->code = co;
  g->globals = globals;
  g->name = fn ? fn->name : co->name;
  g->qualname = fn ? fn->qualname : co->qualname;
  g->exc_state = UNDEF_VAL;
  if (caller) { /* the caller's position, for the never-awaited warning */
    g->origin_code = caller->code;
    g->origin_ip = (uint32_t)(caller->ip - caller->code->code);
  }
  if (cap > room) { /* too big for the pool: the values get a buffer of their own */
    g->slots = asy_pool_realloc(vm, NULL, 0, sizeof(Value) * cap);
    g->capacity = cap;
  }
  return g;
}

Value asy_gen_from_frame(VM *vm) {
  Fiber *f = vm->fiber;
  Frame *fr = &f->frames[f->frame_count - 1];
  ObjCode *co = fr->code;
  /* The frame's slots stay on the fiber (rooted) until copied below. */
  ObjGen *g = gen_alloc(vm, fr->func, co, fr->globals, f->frame_count >= 2 ? fr - 1 : NULL);
  g->locals = fr->locals;
  uint32_t n = (uint32_t)asy_nlocalsplus(co);
  if (n) memcpy(g->slots, fr->base, sizeof(Value) * n);
  g->nslots = n;
  f->frame_count--;
  f->stack_top = fr->ret;
  return OBJ_VAL(g);
}

bool asy_gen_direct_call_ok(const ObjFunction *fn, int argc) {
  const ObjCode *co = fn->code;
  return (co->flags & (CODE_GENERATOR | CODE_COROUTINE | CODE_ASYNC_GENERATOR)) &&
         argc == co->argcount && asy_code_plain_params(co) &&
         (co->nfree == 0 || (fn->closure && (int)fn->closure->size >= co->nfree));
}

bool asy_gen_iter_direct(VM *vm, Value *slot, bool for_send) {
  if (!IS_OBJ_TYPE(*slot, OBJ_INSTANCE)) return false;
  Value m = asy_class_lookup_cached(vm, AS_OBJ(*slot)->cls, vm->names.iter);
  if (!IS_FUNCTION(m) || !asy_gen_direct_call_ok(AS_FUNCTION(m), 1)) return false;
  *slot = asy_gen_new_direct(vm, AS_FUNCTION(m), slot, 1);
  AS_GEN(*slot)->stack_owned = for_send && AS_GEN(*slot)->kind == GEN_GENERATOR;
  return true;
}

void asy_gen_drop_sent(VM *vm, Frame *fr, ObjGen *g) {
  ObjGen *p = asy_frame_gen(fr);
  if (!g->stack_owned || g->escaped || g->state != GEN_CLOSED || !p) return;
  /* The delegator's saved copy of its stack and its shortcut link still name g. */
  Value *stale = p->slots;
  if (p->delegate == g) p->delegate = NULL;
  for (uint32_t i = 0; i < p->nslots; i++)
    if (IS_OBJ(stale[i]) && AS_OBJ(stale[i]) == &g->obj) stale[i] = NONE_VAL;
  asy_gc_free_now(vm, &g->obj);
}

Value asy_gen_new_direct(VM *vm, ObjFunction *fn, const Value *args, int argc) {
  ObjCode *co = fn->code;
  Fiber *f = vm->fiber;
  if (!(args >= f->stack && args + argc <= f->stack_top)) /* a C caller's array */
    for (int i = 0; i < argc; i++) asy_push_root(vm, args[i]);
  if (!co->name_cache) asy_code_caches(vm, co);
  ObjGen *g = gen_alloc(vm, fn, co, fn->globals,
                        f->frame_count ? &f->frames[f->frame_count - 1] : NULL);
  Value *v = g->slots;
  for (int i = 0; i < argc; i++) v[i] = args[i];
  asy_fill_fast_frame(v, fn, co, argc); /* (the closure was checked: cannot fail) */
  g->nslots = (uint32_t)asy_nlocalsplus(co);
  return OBJ_VAL(g);
}

/* A frame's few saved values in or out (a loop: most are under a dozen, where calling
** memcpy costs more than the copy). Copying by 8-byte halves, as the loop reads them,
** measured no faster and took more instructions. */
static inline void copy_values(Value *dst, const Value *src, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) dst[i] = src[i];
}

static Value already_executing(VM *vm, ObjGen *g) {
  return asy_raise(vm, vm->exc.ValueError, "%s already executing", kind_word(g));
}

bool asy_gen_push(VM *vm, ObjGen *g, Value *slot, int flags) {
  Fiber *f = vm->fiber;
  if (g->state == GEN_RUNNING) return already_executing(vm, g), false;
  if (g->state == GEN_CLOSED) {
    asy_raise(vm, vm->exc.RuntimeError, "cannot resume a finished %s", kind_word(g));
    return false;
  }
  Frame *next = f->frames + f->frame_count;
  if (!asy_frame_fits_at(f, next, g->code, slot) && !asy_frame_room(vm, f, g->code, slot))
    return false;
  copy_values(slot, g->slots, g->nslots);
  Frame *fr = asy_push_frame_at(f, next, g->code, g->func, g->globals, slot, slot, flags | FRAME_GEN);
  fr->locals = g->locals;
  fr->ip = g->code->code + g->ip;
  fr->gen = g;
  fr->caller_handling = f->handling;
  f->handling = g->exc_state;
  f->stack_top = slot + g->nslots;
  g->state = GEN_RUNNING;
  return true;
}

/* The generator a suspended plain generator hands a send straight down to, for the
** delegation shortcut (gen.h), or NULL: its delegate, when that is suspended too. */
static inline ObjGen *shortcut_target(ObjGen *g) {
  ObjGen *sub = g->delegate;
  return sub && sub->state == GEN_SUSPENDED ? sub : NULL;
}

/* What a generator suspending with n slots at its ip delegates to for the shortcut:
** a plain generator waiting in `yield from` (SEND, YIELD_VALUE 0 just before ip, the
** receiver on top of its stack) on another plain generator, handling no exception. */
static ObjGen *find_delegate(const ObjGen *g, const Value *slots, uint32_t n) {
  if (g->kind != GEN_GENERATOR || n <= (uint32_t)g->code->nlocalsplus || g->ip < 2) return NULL;
  if (!IS_UNDEF(g->exc_state) && !IS_NONE(g->exc_state)) return NULL;
  uint32_t y = g->code->code[g->ip - 1], s = g->code->code[g->ip - 2];
  if (ASY_OP(y) != OP_YIELD_VALUE || ASY_ARG(y) != 0 || ASY_OP(s) != OP_SEND) return NULL;
  Value recv = slots[n - 1];
  if (!IS_OBJ_TYPE(recv, OBJ_GEN) || AS_GEN(recv)->kind != GEN_GENERATOR) return NULL;
  return AS_GEN(recv);
}

/* Mark the generators that delegated to g through the shortcut suspended again. */
static void release_chain(ObjGen *g) {
  ObjGen *p = g->resumed_by;
  g->resumed_by = NULL;
  while (p) {
    ObjGen *next = p->resumed_by;
    p->state = GEN_SUSPENDED;
    p->resumed_by = NULL;
    p = next;
  }
}

bool asy_gen_push_resume(VM *vm, ObjGen *g, Value *slot, int flags, bool *started) {
  if (g->state == GEN_SUSPENDED) {
    ObjGen *sub;
    while ((sub = shortcut_target(g)) != NULL) {
      g->state = GEN_RUNNING;
      sub->resumed_by = g;
      g = sub;
    }
  }
  *started = g->state == GEN_SUSPENDED;
  if (asy_gen_push(vm, g, slot, flags)) return true;
  if (g->state != GEN_RUNNING) release_chain(g); /* (a running g was never linked) */
  return false;
}

bool asy_gen_reenter_delegator(VM *vm, Frame *fr, Value retval) {
  Fiber *f = vm->fiber;
  ObjGen *g = fr->gen, *p = g->resumed_by;
  Value *slot = fr->ret;
  int flags = fr->flags & FRAME_ENTRY;
  if (!asy_frame_fits(vm, f, p->code, slot)) {
    release_chain(g);
    asy_gen_finish(vm, fr);
    return asy_frame_room(vm, f, p->code, slot);
  }
  g->resumed_by = NULL;
  asy_gen_finish(vm, fr);
  f->frame_count--;
  f->stack_top = slot;
  p->state = GEN_SUSPENDED;         /* so that asy_gen_push takes it; p->resumed_by stays */
  asy_gen_push(vm, p, slot, flags); /* cannot fail: it fits, and p is suspended */
  Frame *pf = &f->frames[f->frame_count - 1];
  uint32_t send_at = p->ip - 2; /* shortcut_target saw SEND, YIELD_VALUE 0 before ip */
  if (IS_UNDEF(retval)) {
    pf->ip = p->code->code + send_at + 1; /* raising at SEND, as when SEND ran it */
  } else {
    pf->ip = p->code->code + ASY_ARG(p->code->code[send_at]);
    *f->stack_top++ = retval;
  }
  return true;
}

/* The receiver a frame suspended in `await`/`yield from` is delegating to, or UNDEF:
** the frame sits right after YIELD_VALUE 0 that follows SEND, with the receiver on
** top of its operand stack (top: the value at its stack pointer minus one). */
static Value delegate_of(const ObjCode *co, uint32_t ip, const Value *top) {
  if (ip < 2) return UNDEF_VAL;
  uint32_t y = co->code[ip - 1], s = co->code[ip - 2];
  if (ASY_OP(y) != OP_YIELD_VALUE || ASY_ARG(y) != 0 || ASY_OP(s) != OP_SEND) return UNDEF_VAL;
  return *top;
}

static Value stop_value(VM *vm, Value exc);

/* The innermost delegating frame waits on a receiver that is not an Asy generator
** (an asend awaitable, a user iterator): throw into it as CPython's gen_throw does —
** close() it for GeneratorExit, else call its throw(). Returns true when the frame
** must raise (the exception is then pending in f->exc), false when the receiver
** answered: the frame continues with a yield or the receiver's return value. */
static bool throw_into_receiver(VM *vm, Frame *fr, Value recv, Value exc) {
  Fiber *f = vm->fiber;
  bool close = asy_isinstance(vm, exc, vm->exc.GeneratorExit);
  ObjStr *name = asy_str_intern(vm, close ? "close" : "throw", 5);
  if (IS_UNDEF(asy_class_lookup_cached(vm, asy_class_of(vm, recv), name))) {
    f->exc = exc;
    return true;
  }
  asy_push_root(vm, exc);
  Value r = asy_call_method(vm, recv, name, close ? 0 : 1, &exc);
  if (close && !IS_EXC(r)) {
    f->exc = exc;
    return true;
  }
  if (IS_EXC(r)) {
    if (!asy_pending_is(vm, vm->exc.StopIteration)) {
      return true; /* its exception is pending already */
    }
    /* The receiver returned: the await's value, at SEND's target. */
    Value v = stop_value(vm, asy_pending(vm));
    asy_clear_pending(vm);
    fr->ip = fr->code->code + ASY_ARG(fr->ip[-2]);
    *f->stack_top++ = v;
    return false;
  }
  /* The receiver yielded: the delegating frame yields it on. */
  fr->ip--;
  *f->stack_top++ = r;
  return false;
}

bool asy_gen_push_throw_chain(VM *vm, Value exc) {
  Fiber *f = vm->fiber;
  for (;;) {
    Frame *fr = &f->frames[f->frame_count - 1];
    uint32_t ip = (uint32_t)(fr->ip - fr->code->code);
    Value recv =
        f->stack_top > fr->sp_base ? delegate_of(fr->code, ip, f->stack_top - 1) : UNDEF_VAL;
    if (IS_UNDEF(recv)) break;
    ObjGen *sub = asy_gen_inline_target(vm, recv);
    if (!sub) {
      if (!throw_into_receiver(vm, fr, recv, exc)) return true;
      fr->flags |= FRAME_THROW;
      return true;
    }
    if (sub->state != GEN_SUSPENDED) break;
    /* As if SEND had just pushed sub: its yield continues at YIELD_VALUE, its return
    ** at SEND's target. */
    fr->ip--;
    if (!asy_gen_push(vm, sub, f->stack_top, 0)) return false;
  }
  f->frames[f->frame_count - 1].flags |= FRAME_THROW;
  f->exc = exc;
  return true;
}

void asy_gen_suspend(VM *vm, Frame *fr, Value *sp) {
  ObjGen *g = fr->gen;
  Fiber *f = vm->fiber;
  uint32_t n = (uint32_t)(sp - fr->base);
  if (n > g->capacity) { /* (the room is co's locals and stack: only a safeguard) */
    Value *old = asy_gen_slots_inline(g) ? NULL : g->slots;
    Value *grown = asy_pool_realloc(vm, old, old ? sizeof(Value) * g->capacity : 0,
                                    sizeof(Value) * n);
    g->slots = grown;
    g->capacity = n;
  }
  copy_values(g->slots, fr->base, n);
  g->nslots = n;
  g->ip = (uint32_t)(fr->ip - fr->code->code);
  g->state = GEN_SUSPENDED;
  g->exc_state = f->handling;
  f->handling = fr->caller_handling;
  g->delegate = find_delegate(g, fr->base, n);
  if (g->resumed_by) release_chain(g);
}

static void release_slots(VM *vm, ObjGen *g) {
  g->nslots = 0;
  if (asy_gen_slots_inline(g)) return; /* the room goes with the object */
  if (g->slots) asy_pool_realloc(vm, g->slots, sizeof(Value) * g->capacity, 0);
  g->slots = NULL;
  g->capacity = 0;
}

void asy_gen_finish(VM *vm, Frame *fr) {
  ObjGen *g = fr->gen;
  g->state = GEN_CLOSED;
  release_slots(vm, g);
  g->exc_state = UNDEF_VAL;
  vm->fiber->handling = fr->caller_handling;
}

void asy_gen_stopiteration_error(VM *vm, Frame *fr, int idx) {
  ObjGen *g = fr->gen;
  Fiber *f = vm->fiber;
  Value orig = f->exc;
  const char *msg;
  if (asy_isinstance(vm, orig, vm->exc.StopIteration)) {
    msg = g->kind == GEN_COROUTINE         ? "coroutine raised StopIteration"
          : g->kind == GEN_ASYNC_GENERATOR ? "async generator raised StopIteration"
                                           : "generator raised StopIteration";
  } else if (g->kind == GEN_ASYNC_GENERATOR &&
             asy_isinstance(vm, orig, vm->exc.StopAsyncIteration)) {
    msg = "async generator raised StopAsyncIteration";
  } else {
    return;
  }
  asy_push_root(vm, orig);
  f->exc = UNDEF_VAL;
  asy_raise(vm, vm->exc.RuntimeError, "%s", msg);
  ObjException *e = AS_EXCEPTION(f->exc);
  e->cause = orig;
  e->context = orig;
  e->suppress_context = true;
  (void)idx; /* CPython's traceback of the RuntimeError starts in the resumer */
}

/* ---- driving from C --------------------------------------------------------------- */

AsyRunStatus asy_gen_resume(VM *vm, ObjGen *g, Value send, Value exc, Value *result) {
  *result = UNDEF_VAL;
  if (g->state == GEN_RUNNING) return already_executing(vm, g), ASY_RUN_RAISED;
  if (g->state == GEN_CLOSED) {
    if (!IS_UNDEF(exc)) return asy_raise_value(vm, exc), ASY_RUN_RAISED;
    if (g->kind == GEN_COROUTINE) {
      asy_raise(vm, vm->exc.RuntimeError, "cannot reuse already awaited coroutine");
      return ASY_RUN_RAISED;
    }
    *result = NONE_VAL;
    return ASY_RUN_RETURNED;
  }
  if (g->state == GEN_CREATED) {
    if (!IS_UNDEF(exc)) {
      /* Thrown in before the first instruction: the generator never runs. */
      g->state = GEN_CLOSED;
      release_slots(vm, g);
      asy_raise_value(vm, exc);
      asy_traceback_add(vm, vm->fiber->exc, g->code, 0);
      return ASY_RUN_RAISED;
    }
    if (!IS_NONE(send)) {
      asy_raise(vm, vm->exc.TypeError, "can't send non-None value to a just-started %s",
                g->kind == GEN_COROUTINE         ? "coroutine"
                : g->kind == GEN_ASYNC_GENERATOR ? "async generator"
                                                 : "generator");
      return ASY_RUN_RAISED;
    }
  }
  Fiber *f = vm->fiber;
  if (!f->stack && !asy_fiber_ensure(vm, f, ASY_MAIN_STACK_SLOTS, ASY_MAIN_FRAMES))
    return ASY_RUN_RAISED;
  asy_c_stack_init();
  if (vm->c_depth >= ASY_C_DEPTH_MAX || asy_c_stack_exhausted())
    return asy_recursion_error(vm), ASY_RUN_RAISED;
  size_t mark = asy_temp_mark(vm);
  asy_push_root(vm, OBJ_VAL(g));
  asy_push_root(vm, send);
  asy_push_root(vm, exc);
  Value *slot = f->stack_top;
  bool started = g->state == GEN_SUSPENDED;
  AsyRunStatus st = ASY_RUN_RAISED;
  bool pushed = IS_UNDEF(exc) ? asy_gen_push_resume(vm, g, slot, FRAME_ENTRY, &started)
                              : asy_gen_push(vm, g, slot, FRAME_ENTRY);
  if (pushed) {
    bool ok = true;
    if (!IS_UNDEF(exc)) ok = asy_gen_push_throw_chain(vm, exc);
    else if (started) *f->stack_top++ = send;
    if (ok) {
      vm->c_depth++;
      st = asy_run_frames(vm, result);
      vm->c_depth--;
    } else {
      /* Unwind whatever part of the chain was pushed. */
      while (f->frame_count && asy_frame_gen(&f->frames[f->frame_count - 1]) != g) {
        Frame *fr = &f->frames[--f->frame_count];
        fr->gen->state = GEN_SUSPENDED;
      }
      f->frame_count--;
      g->state = GEN_SUSPENDED;
    }
  }
  f->stack_top = slot;
  asy_temp_reset(vm, mark);
  if (st != ASY_RUN_RAISED) asy_push_root(vm, *result);
  return st;
}

static Value coro_wrapper_next(VM *vm, ObjIter *it);

ObjGen *asy_gen_inline_target(VM *vm, Value v) {
  (void)vm;
  if (IS_OBJ_TYPE(v, OBJ_GEN)) {
    ObjGen *g = AS_GEN(v);
    return g->kind == GEN_ASYNC_GENERATOR ? NULL : g;
  }
  if (IS_OBJ_TYPE(v, OBJ_ITER) && AS_ITER(v)->next == coro_wrapper_next)
    return AS_GEN(AS_ITER(v)->a);
  return NULL;
}

/* StopIteration's value (None when absent). */
static Value stop_value(VM *vm, Value exc) {
  Value v = asy_exc_slot(vm, exc, "value");
  return IS_UNDEF(v) ? NONE_VAL : v;
}

AsyRunStatus asy_send(VM *vm, Value recv, Value v, Value *result) {
  ObjGen *g = asy_gen_inline_target(vm, recv);
  if (g) return asy_gen_resume(vm, g, v, UNDEF_VAL, result);
  if (IS_OBJ_TYPE(recv, OBJ_FUTURE)) return asy_future_send(vm, AS_FUTURE(recv), result);
  if (asy_is_future_iter(recv)) return asy_future_iter_send(vm, recv, result);
  Value r;
  if (IS_NONE(v) && IS_OBJ_TYPE(recv, OBJ_ITER)) {
    r = asy_next(vm, recv);
    if (IS_EXC(r)) {
      /* An awaitable's result comes as StopIteration(value). */
      if (!asy_pending_is(vm, vm->exc.StopIteration)) return ASY_RUN_RAISED;
      *result = stop_value(vm, asy_pending(vm));
      asy_clear_pending(vm);
      asy_push_root(vm, *result);
      return ASY_RUN_RETURNED;
    }
    if (IS_UNDEF(r)) {
      *result = NONE_VAL;
      return ASY_RUN_RETURNED;
    }
    *result = r;
    return ASY_RUN_SUSPENDED;
  }
  if (IS_NONE(v)) r = asy_call_method(vm, recv, vm->names.next, 0, NULL);
  else r = asy_call_method(vm, recv, asy_str_intern(vm, "send", 4), 1, &v);
  if (IS_EXC(r)) {
    if (!asy_pending_is(vm, vm->exc.StopIteration)) return ASY_RUN_RAISED;
    *result = stop_value(vm, asy_pending(vm));
    asy_clear_pending(vm);
    asy_push_root(vm, *result);
    return ASY_RUN_RETURNED;
  }
  *result = r;
  return ASY_RUN_SUSPENDED;
}

/* ---- await and yield from --------------------------------------------------------- */

Value asy_gen_delegate(ObjGen *g) {
  if (g->state != GEN_SUSPENDED || g->nslots == 0) return UNDEF_VAL;
  uint32_t depth = g->nslots - (uint32_t)asy_nlocalsplus(g->code);
  if (depth == 0) return UNDEF_VAL;
  Value d = delegate_of(g->code, g->ip, &g->slots[g->nslots - 1]);
  if (IS_OBJ_TYPE(d, OBJ_GEN)) AS_GEN(d)->escaped = 1; /* no longer the stack's alone */
  return d;
}

Value asy_get_awaitable(VM *vm, Value v) {
  if (IS_OBJ_TYPE(v, OBJ_GEN) && AS_GEN(v)->kind == GEN_COROUTINE) {
    ObjGen *g = AS_GEN(v);
    if (!IS_UNDEF(asy_gen_delegate(g)))
      return asy_raise(vm, vm->exc.RuntimeError, "coroutine is being awaited already");
    if (g->state == GEN_CLOSED)
      return asy_raise(vm, vm->exc.RuntimeError, "cannot reuse already awaited coroutine");
    return v;
  }
  if (IS_OBJ_TYPE(v, OBJ_FUTURE) && (AS_OBJ(v)->cls->flags & CLASS_BUILTIN))
    return v; /* SEND drives the future itself (asy_future_send) */
  if (IS_OBJ_TYPE(v, OBJ_ITER) && AS_OBJ(v)->cls == vm->types.future_iter)
    return v; /* a FutureIter (sleep(0)'s one-shot too) is its own awaitable */
  ObjStr *name = vm->names.await;
  Value m = asy_class_lookup_cached(vm, asy_class_of(vm, v), name);
  if (IS_UNDEF(m))
    return asy_raise(vm, vm->exc.TypeError, "object %s can't be used in 'await' expression",
                     asy_type_name(vm, v));
  Value it = asy_call_method(vm, v, name, 0, NULL);
  if (IS_EXC(it)) return it;
  if (IS_OBJ_TYPE(it, OBJ_GEN) && AS_GEN(it)->kind == GEN_COROUTINE)
    return asy_raise(vm, vm->exc.TypeError, "__await__() returned a coroutine");
  if (!IS_OBJ_TYPE(it, OBJ_ITER) && !IS_OBJ_TYPE(it, OBJ_GEN) &&
      IS_UNDEF(asy_class_lookup_cached(vm, asy_class_of(vm, it), vm->names.next)))
    return asy_raise(vm, vm->exc.TypeError, "__await__() returned non-iterator of type '%s'",
                     asy_type_name(vm, it));
  return it;
}

Value asy_yield_from_iter(VM *vm, Value v) {
  if (IS_OBJ_TYPE(v, OBJ_GEN)) {
    if (AS_GEN(v)->kind == GEN_COROUTINE)
      return asy_raise(vm, vm->exc.TypeError,
                       "cannot 'yield from' a coroutine object in a non-coroutine generator");
    return v;
  }
  return asy_iter(vm, v);
}

Value asy_handled_exception(VM *vm) {
  Fiber *f = vm->fiber;
  if (!f) return UNDEF_VAL;
  Value h = f->handling;
  if (!IS_UNDEF(h) && !IS_NONE(h)) return h;
  for (int i = f->frame_count - 1; i >= 0; i--) {
    Frame *fr = &f->frames[i];
    if (!(fr->flags & FRAME_GEN)) continue;
    h = fr->caller_handling;
    if (!IS_UNDEF(h) && !IS_NONE(h)) return h;
  }
  return UNDEF_VAL;
}

/* ---- async iteration and async generators ------------------------------------------
** An async generator is driven through awaitables: __anext__()/asend(v) and
** athrow()/aclose() return an async_generator_asend/athrow object (an ObjIter: a = the
** generator, b = the value to send, c = the exception to throw, i = state, n = kind).
** Sending into it resumes the generator; an await inside the generator passes its
** yield straight through, while the generator's own yield (YIELD_VALUE 1) finishes the
** awaitable with that value, and its return ends it with StopAsyncIteration. */

enum { AW_INIT, AW_ITER, AW_CLOSED };
enum { AW_ASEND, AW_ATHROW, AW_ACLOSE };

static Value agen_await_next(VM *vm, ObjIter *it);

static Value agen_awaitable(VM *vm, ObjGen *g, int kind, Value send, Value exc) {
  ObjClass *cls = kind == AW_ASEND ? vm->types.async_gen_asend : vm->types.async_gen_athrow;
  ObjIter *it = asy_iter_new(vm, agen_await_next, OBJ_VAL(g), send, exc);
  it->obj.cls = cls;
  it->i = AW_INIT;
  it->n = kind;
  return OBJ_VAL(it);
}

static Value raise_stop(VM *vm, ObjClass *cls, Value v) {
  Value e = IS_UNDEF(v) || IS_NONE(v) ? asy_new_exception(vm, cls, 0, NULL)
                                      : asy_new_exception(vm, cls, 1, &v);
  return IS_EXC(e) ? e : asy_raise_value(vm, e);
}

/* Step an asend/athrow/aclose awaitable: send v (or throw exc) into its generator.
** Returns what to yield up, or raises (StopIteration(value) = the awaitable's result). */
static Value agen_await_step(VM *vm, ObjIter *aw, Value v, Value exc) {
  ObjGen *g = AS_GEN(aw->a);
  int kind = (int)aw->n;
  if (aw->i == AW_CLOSED)
    return asy_raise(vm, vm->exc.RuntimeError,
                     kind == AW_ASEND ? "cannot reuse already awaited __anext__()/asend()"
                                      : "cannot reuse already awaited aclose()/athrow()");
  if (aw->i == AW_INIT) {
    if (g->running_async) {
      aw->i = AW_CLOSED;
      return asy_raise(vm, vm->exc.RuntimeError,
                       kind == AW_ASEND    ? "anext(): asynchronous generator is already running"
                       : kind == AW_ATHROW ? "athrow(): asynchronous generator is already running"
                                           : "aclose(): asynchronous generator is already running");
    }
    if (kind == AW_ASEND) {
      if (IS_NONE(v)) v = aw->b;
    } else {
      if (g->state == GEN_CLOSED || (kind == AW_ACLOSE && g->state == GEN_CREATED)) {
        aw->i = AW_CLOSED;
        g->state = GEN_CLOSED;
        if (kind == AW_ACLOSE) return raise_stop(vm, vm->exc.StopIteration, NONE_VAL);
        return raise_stop(vm, vm->exc.StopAsyncIteration, UNDEF_VAL);
      }
      if (IS_UNDEF(exc)) exc = aw->c;
    }
    aw->i = AW_ITER;
    g->running_async = 1;
  }
  if (g->state == GEN_CLOSED && IS_UNDEF(exc)) {
    aw->i = AW_CLOSED;
    g->running_async = 0;
    return raise_stop(vm, vm->exc.StopAsyncIteration, UNDEF_VAL);
  }
  Value r;
  AsyRunStatus st = asy_gen_resume(vm, g, v, exc, &r);
  if (st == ASY_RUN_SUSPENDED && !g->own_yield) return r; /* an await passing through */
  aw->i = AW_CLOSED;
  g->running_async = 0;
  if (st == ASY_RUN_SUSPENDED) {
    if (kind == AW_ACLOSE)
      return asy_raise(vm, vm->exc.RuntimeError, "async generator ignored GeneratorExit");
    return raise_stop(vm, vm->exc.StopIteration, r);
  }
  if (st == ASY_RUN_RETURNED) {
    if (kind == AW_ACLOSE) return raise_stop(vm, vm->exc.StopIteration, NONE_VAL);
    return raise_stop(vm, vm->exc.StopAsyncIteration, UNDEF_VAL);
  }
  if (kind == AW_ACLOSE && (asy_pending_is(vm, vm->exc.StopAsyncIteration) ||
                            asy_pending_is(vm, vm->exc.GeneratorExit))) {
    asy_clear_pending(vm);
    return raise_stop(vm, vm->exc.StopIteration, NONE_VAL);
  }
  return EXC_VAL;
}

static Value agen_await_next(VM *vm, ObjIter *it) {
  return agen_await_step(vm, it, NONE_VAL, UNDEF_VAL);
}

static Value aw_self_m(VM *vm, int argc, Value *args, ObjDict *kw) { return args[0]; }

static Value aw_next_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return agen_await_step(vm, AS_ITER(args[0]), NONE_VAL, UNDEF_VAL);
}

static Value aw_send_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return agen_await_step(vm, AS_ITER(args[0]), args[1], UNDEF_VAL);
}

static Value throw_value(VM *vm, int argc, Value *args);

static Value aw_throw_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value exc = throw_value(vm, argc - 1, args + 1);
  if (IS_EXC(exc)) return exc;
  ObjIter *aw = AS_ITER(args[0]);
  if (aw->i == AW_INIT) aw->i = AW_ITER, AS_GEN(aw->a)->running_async = 1;
  return agen_await_step(vm, aw, NONE_VAL, exc);
}

static Value aw_close_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjIter *aw = AS_ITER(args[0]);
  if (aw->i == AW_ITER) AS_GEN(aw->a)->running_async = 0;
  aw->i = AW_CLOSED;
  return NONE_VAL;
}

static Value agen_aiter_m(VM *vm, int argc, Value *args, ObjDict *kw) { return args[0]; }

static Value agen_anext_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return agen_awaitable(vm, AS_GEN(args[0]), AW_ASEND, NONE_VAL, UNDEF_VAL);
}

static Value agen_asend_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return agen_awaitable(vm, AS_GEN(args[0]), AW_ASEND, args[1], UNDEF_VAL);
}

static Value agen_athrow_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value exc = throw_value(vm, argc - 1, args + 1);
  if (IS_EXC(exc)) return exc;
  return agen_awaitable(vm, AS_GEN(args[0]), AW_ATHROW, NONE_VAL, exc);
}

static Value agen_aclose_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value exc = asy_new_exception(vm, vm->exc.GeneratorExit, 0, NULL);
  if (IS_EXC(exc)) return exc;
  return agen_awaitable(vm, AS_GEN(args[0]), AW_ACLOSE, NONE_VAL, exc);
}

Value asy_get_aiter(VM *vm, Value v) {
  if (IS_OBJ_TYPE(v, OBJ_GEN) && AS_GEN(v)->kind == GEN_ASYNC_GENERATOR) return v;
  ObjStr *aiter = asy_str_intern(vm, "__aiter__", 9);
  if (IS_UNDEF(asy_class_lookup_cached(vm, asy_class_of(vm, v), aiter)))
    return asy_raise(vm, vm->exc.TypeError,
                     "'async for' requires an object with __aiter__ method, got %s",
                     asy_type_name(vm, v));
  Value it = asy_call_method(vm, v, aiter, 0, NULL);
  if (IS_EXC(it)) return it;
  if (!(IS_OBJ_TYPE(it, OBJ_GEN) && AS_GEN(it)->kind == GEN_ASYNC_GENERATOR) &&
      IS_UNDEF(
          asy_class_lookup_cached(vm, asy_class_of(vm, it), asy_str_intern(vm, "__anext__", 9))))
    return asy_raise(
        vm, vm->exc.TypeError,
        "'async for' received an object from __aiter__ that does not implement __anext__: %s",
        asy_type_name(vm, it));
  return it;
}

Value asy_get_anext(VM *vm, Value v) {
  if (IS_OBJ_TYPE(v, OBJ_GEN) && AS_GEN(v)->kind == GEN_ASYNC_GENERATOR)
    return agen_awaitable(vm, AS_GEN(v), AW_ASEND, NONE_VAL, UNDEF_VAL);
  ObjStr *anext = asy_str_intern(vm, "__anext__", 9);
  Value aw = asy_call_method(vm, v, anext, 0, NULL);
  if (IS_EXC(aw)) return aw;
  if (IS_OBJ_TYPE(aw, OBJ_GEN) && AS_GEN(aw)->kind == GEN_COROUTINE) return aw;
  if (IS_OBJ_TYPE(aw, OBJ_ITER) && AS_ITER(aw)->next == agen_await_next) return aw;
  if (IS_UNDEF(asy_class_lookup_cached(vm, asy_class_of(vm, aw), vm->names.await)))
    return asy_raise(vm, vm->exc.TypeError,
                     "'async for' received an invalid object from __anext__: %s",
                     asy_type_name(vm, aw));
  return aw;
}

/* ---- methods ----------------------------------------------------------------------- */

#define GEN_SELF(meth) \
  do { \
    if (argc < 1 || !IS_OBJ_TYPE(args[0], OBJ_GEN)) \
      return asy_bad_self(vm, meth, "generator", argc, args); \
  } while (0)

/* send()/next() from C: the yielded value, or StopIteration(value) when it returned. */
static Value send_result(VM *vm, AsyRunStatus st, Value r, bool async_stop) {
  if (st == ASY_RUN_RAISED) return EXC_VAL;
  if (st == ASY_RUN_SUSPENDED) return r;
  if (async_stop) return asy_raise_value(vm, OBJ_VAL(vm->exc.StopAsyncIteration));
  if (IS_NONE(r)) return asy_raise_value(vm, OBJ_VAL(vm->exc.StopIteration));
  Value e = asy_new_exception(vm, vm->exc.StopIteration, 1, &r);
  if (IS_EXC(e)) return e;
  return asy_raise_value(vm, e);
}

static Value gen_next_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value r;
  AsyRunStatus st = asy_gen_resume(vm, AS_GEN(args[0]), NONE_VAL, UNDEF_VAL, &r);
  return send_result(vm, st, r, false);
}

static Value gen_iter_m(VM *vm, int argc, Value *args, ObjDict *kw) { return args[0]; }

static Value gen_send_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value r;
  AsyRunStatus st = asy_gen_resume(vm, AS_GEN(args[0]), args[1], UNDEF_VAL, &r);
  return send_result(vm, st, r, false);
}

/* throw(exc) / throw(type[, value[, tb]]): the exception instance to raise. */
static Value throw_value(VM *vm, int argc, Value *args) {
  Value t = args[0];
  if (IS_OBJ_TYPE(t, OBJ_CLASS) && asy_is_subclass(AS_CLASS(t), vm->exc.BaseException)) {
    if (argc >= 2 && asy_isinstance(vm, args[1], AS_CLASS(t))) return args[1];
    if (argc >= 2 && !IS_NONE(args[1])) return asy_new_exception(vm, AS_CLASS(t), 1, &args[1]);
    return asy_new_exception(vm, AS_CLASS(t), 0, NULL);
  }
  if (IS_EXCEPTION(t)) {
    if (argc >= 2 && !IS_NONE(args[1]))
      return asy_raise(vm, vm->exc.TypeError, "instance exception may not have a separate value");
    return t;
  }
  return asy_raise(vm, vm->exc.TypeError,
                   "exceptions must be classes or instances deriving from BaseException, not %s",
                   asy_type_name(vm, t));
}

static Value gen_throw_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value exc = throw_value(vm, argc - 1, args + 1);
  if (IS_EXC(exc)) return exc;
  Value r;
  AsyRunStatus st = asy_gen_resume(vm, AS_GEN(args[0]), NONE_VAL, exc, &r);
  return send_result(vm, st, r, false);
}

Value asy_gen_close(VM *vm, ObjGen *g) {
  if (g->state == GEN_CREATED) {
    g->state = GEN_CLOSED;
    release_slots(vm, g);
    return NONE_VAL;
  }
  if (g->state != GEN_SUSPENDED) {
    if (g->state == GEN_RUNNING) return already_executing(vm, g);
    return NONE_VAL;
  }
  Value exc = asy_new_exception(vm, vm->exc.GeneratorExit, 0, NULL);
  if (IS_EXC(exc)) return exc;
  Value r;
  AsyRunStatus st = asy_gen_resume(vm, g, NONE_VAL, exc, &r);
  if (st == ASY_RUN_SUSPENDED)
    return asy_raise(vm, vm->exc.RuntimeError, "%s ignored GeneratorExit", kind_word(g));
  if (st == ASY_RUN_RETURNED) return r;
  if (asy_pending_is(vm, vm->exc.GeneratorExit) || asy_pending_is(vm, vm->exc.StopIteration)) {
    asy_clear_pending(vm);
    return NONE_VAL;
  }
  return EXC_VAL;
}

static Value gen_close_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_gen_close(vm, AS_GEN(args[0]));
}

static Value gen_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjGen *g = AS_GEN(args[0]);
  return OBJ_VAL(asy_str_printf(vm, "<%s object %s at %p>", AS_OBJ(args[0])->cls->name->chars,
                                g->qualname->chars, (void *)g));
}

static Value gen_running_get(VM *vm, int argc, Value *args, ObjDict *kw) {
  GEN_SELF("gi_running");
  return BOOL_VAL(AS_GEN(args[0])->state == GEN_RUNNING);
}

static Value gen_suspended_get(VM *vm, int argc, Value *args, ObjDict *kw) {
  GEN_SELF("gi_suspended");
  return BOOL_VAL(AS_GEN(args[0])->state == GEN_SUSPENDED);
}

static Value gen_code_get(VM *vm, int argc, Value *args, ObjDict *kw) {
  GEN_SELF("gi_code");
  return OBJ_VAL(AS_GEN(args[0])->code);
}

/* There are no frame objects; a live generator's frame reads as True-ish, a finished
** one as None (the test scripts make of gi_frame). */
static Value gen_frame_get(VM *vm, int argc, Value *args, ObjDict *kw) {
  GEN_SELF("gi_frame");
  ObjGen *g = AS_GEN(args[0]);
  return g->state == GEN_CLOSED ? NONE_VAL : OBJ_VAL(g->code);
}

static Value gen_yieldfrom_get(VM *vm, int argc, Value *args, ObjDict *kw) {
  GEN_SELF("gi_yieldfrom");
  Value d = asy_gen_delegate(AS_GEN(args[0]));
  return IS_UNDEF(d) ? NONE_VAL : d;
}

static Value gen_name_get(VM *vm, int argc, Value *args, ObjDict *kw) {
  GEN_SELF("__name__");
  return OBJ_VAL(AS_GEN(args[0])->name);
}

static Value gen_qualname_get(VM *vm, int argc, Value *args, ObjDict *kw) {
  GEN_SELF("__qualname__");
  return OBJ_VAL(AS_GEN(args[0])->qualname);
}

/* coroutine.__await__(): an iterator over the coroutine (SEND sees through it). */
static Value coro_wrapper_next(VM *vm, ObjIter *it) {
  Value r;
  AsyRunStatus st = asy_gen_resume(vm, AS_GEN(it->a), NONE_VAL, UNDEF_VAL, &r);
  if (st == ASY_RUN_RAISED) return EXC_VAL;
  if (st == ASY_RUN_RETURNED) {
    if (IS_NONE(r)) return UNDEF_VAL;
    Value e = asy_new_exception(vm, vm->exc.StopIteration, 1, &r);
    return IS_EXC(e) ? e : asy_raise_value(vm, e);
  }
  return r;
}

static Value coro_await_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return OBJ_VAL(asy_iter_new(vm, coro_wrapper_next, args[0], UNDEF_VAL, UNDEF_VAL));
}

/* clang-format off */
/* Shared by generator, coroutine and async_generator. */
#define GEN_COMMON \
  {"__repr__", gen_repr_m, 0, 0, ASY_ARGS_AUTO}, \
  {"__name__", gen_name_get, ASY_UNCHECKED | ASY_DEF_PROPERTY}, \
  {"__qualname__", gen_qualname_get, ASY_UNCHECKED | ASY_DEF_PROPERTY}
#define GEN_SEND_THROW_CLOSE \
  {"send", gen_send_m, 1, 1, ASY_ARGS_AUTO}, \
  {"throw", gen_throw_m, 1, 3, ASY_ARGS_AUTO}, \
  {"close", gen_close_m, 0, 0, ASY_ARGS_AUTO}

static const AsyMethodDef generator_methods[] = {
  GEN_COMMON, GEN_SEND_THROW_CLOSE,
  {"__iter__", gen_iter_m, 0, 0, ASY_ARGS_SLOT},
  {"__next__", gen_next_m, 0, 0, ASY_ARGS_SLOT},
  {"gi_running", gen_running_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"gi_suspended", gen_suspended_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"gi_code", gen_code_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"gi_frame", gen_frame_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"gi_yieldfrom", gen_yieldfrom_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {0},
};

static const AsyMethodDef coroutine_methods[] = {
  GEN_COMMON, GEN_SEND_THROW_CLOSE,
  {"__await__", coro_await_m, 0, 0, ASY_ARGS_SLOT},
  {"cr_running", gen_running_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"cr_suspended", gen_suspended_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"cr_code", gen_code_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"cr_frame", gen_frame_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"cr_await", gen_yieldfrom_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {0},
};

static const AsyMethodDef async_generator_methods[] = {
  GEN_COMMON,
  {"__aiter__", agen_aiter_m, 0, 0, ASY_ARGS_SLOT},
  {"__anext__", agen_anext_m, 0, 0, ASY_ARGS_SLOT},
  {"asend", agen_asend_m, 1, 1, ASY_ARGS_AUTO},
  {"athrow", agen_athrow_m, 1, 3, ASY_ARGS_AUTO},
  {"aclose", agen_aclose_m, 0, 0, ASY_ARGS_AUTO},
  {"ag_running", gen_running_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"ag_code", gen_code_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"ag_frame", gen_frame_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"ag_await", gen_yieldfrom_get, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {0},
};

/* async_generator_asend and async_generator_athrow. */
static const AsyMethodDef agen_awaitable_methods[] = {
  {"__await__", aw_self_m, 0, 0, ASY_ARGS_SLOT},
  {"__iter__", aw_self_m, 0, 0, ASY_ARGS_SLOT},
  {"__next__", aw_next_m, 0, 0, ASY_ARGS_SLOT},
  {"send", aw_send_m, 1, 1, ASY_ARGS_AUTO},
  {"throw", aw_throw_m, 1, 3, ASY_ARGS_AUTO},
  {"close", aw_close_m, 0, 0, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

void asy_init_gen_types(VM *vm) {
  asy_def_natives(vm, vm->types.generator, NULL, generator_methods);
  asy_def_natives(vm, vm->types.coroutine, NULL, coroutine_methods);
  asy_def_natives(vm, vm->types.async_generator, NULL, async_generator_methods);
  asy_def_natives(vm, vm->types.async_gen_asend, NULL, agen_awaitable_methods);
  asy_def_natives(vm, vm->types.async_gen_athrow, NULL, agen_awaitable_methods);
}
