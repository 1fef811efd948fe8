/*
** builtins_async.c — aiter() and anext().
**
** anext(it) is it.__anext__(); anext(it, default) wraps that awaitable so that its
** StopAsyncIteration becomes the default value (CPython's anext_awaitable).
*/
#include <string.h>

#include "stdlib/asy_stdlib.h"

static Value anext_default_step(VM *vm, ObjIter *it, Value v, Value exc);

static Value anext_default_next(VM *vm, ObjIter *it) {
  return anext_default_step(vm, it, NONE_VAL, UNDEF_VAL);
}

/* Send v (or throw exc) into the wrapped awaitable's iterator. */
static Value anext_default_step(VM *vm, ObjIter *it, Value v, Value exc) {
  Value inner = it->a, r;
  if (!IS_UNDEF(exc)) {
    ObjStr *throw_name = asy_str_intern(vm, "throw", 5);
    r = asy_call_method(vm, inner, throw_name, 1, &exc);
  } else if (IS_NONE(v) && IS_OBJ_TYPE(inner, OBJ_ITER)) {
    r = asy_next(vm, inner);
    if (IS_UNDEF(r)) r = asy_raise_value(vm, OBJ_VAL(vm->exc.StopIteration));
  } else if (IS_NONE(v)) {
    r = asy_call_method(vm, inner, vm->names.next, 0, NULL);
  } else {
    r = asy_call_method(vm, inner, asy_str_intern(vm, "send", 4), 1, &v);
  }
  if (IS_EXC(r) && asy_pending_is(vm, vm->exc.StopAsyncIteration)) {
    asy_clear_pending(vm);
    Value d = it->b;
    Value e = asy_new_exception(vm, vm->exc.StopIteration, 1, &d);
    return IS_EXC(e) ? e : asy_raise_value(vm, e);
  }
  return r;
}

static Value aw_self(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  return args[0];
}

static Value aw_next(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  return anext_default_step(vm, AS_ITER(args[0]), NONE_VAL, UNDEF_VAL);
}

static Value aw_send(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  return anext_default_step(vm, AS_ITER(args[0]), argc > 1 ? args[1] : NONE_VAL, UNDEF_VAL);
}

static Value aw_throw(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 2)
    return asy_raise(vm, vm->exc.TypeError, "throw expected at least 1 argument, got 0");
  return anext_default_step(vm, AS_ITER(args[0]), NONE_VAL, args[1]);
}

static Value aw_close(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  Value r = asy_call_method_opt(vm, AS_ITER(args[0])->a, asy_str_intern(vm, "close", 5), 0, NULL);
  return IS_EXC(r) ? r : NONE_VAL;
}

/* v.<name>() looked up on the type, with CPython's TypeError when v lacks it. */
static Value call_async_dunder(VM *vm, Value v, const char *name, const char *missing) {
  ObjStr *dunder = asy_str_intern(vm, name, strlen(name));
  if (IS_UNDEF(asy_class_lookup(asy_class_of(vm, v), dunder)))
    return asy_raise(vm, vm->exc.TypeError, missing, asy_type_name(vm, v));
  return asy_call_method(vm, v, dunder, 0, NULL);
}

static Value bi_aiter(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value it = call_async_dunder(vm, args[0], "__aiter__", "'%s' object is not an async iterable");
  if (IS_EXC(it)) return it;
  if (IS_UNDEF(asy_class_lookup(asy_class_of(vm, it), asy_str_intern(vm, "__anext__", 9))))
    return asy_raise(vm, vm->exc.TypeError, "aiter() returned not an async iterator of type '%s'",
                     asy_type_name(vm, it));
  return it;
}

static Value bi_anext(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value aw = call_async_dunder(vm, args[0], "__anext__", "'%s' object is not an async iterator");
  if (IS_EXC(aw) || argc == 1) return aw;
  /* The awaitable's iterator, driven by the wrapper. */
  Value inner = aw;
  if (!IS_OBJ_TYPE(aw, OBJ_GEN) && !IS_OBJ_TYPE(aw, OBJ_ITER)) {
    ObjStr *await_name = asy_str_intern(vm, "__await__", 9);
    inner = asy_call_method(vm, aw, await_name, 0, NULL);
    if (IS_EXC(inner)) return inner;
  }
  ObjIter *it = asy_iter_new(vm, anext_default_next, inner, args[1], UNDEF_VAL);
  it->obj.cls = vm->types.anext_awaitable;
  return OBJ_VAL(it);
}

/* clang-format off */
static const AsyMethodDef async_builtins[] = {
  {"aiter", bi_aiter, 1, 1, ASY_ARGS_AUTO},
  {"anext", bi_anext, 1, 2, ASY_ARGS_AUTO},
  {0},
};

static const AsyMethodDef anext_awaitable_methods[] = {
  {"__await__", aw_self, 0, 0, ASY_ARGS_SLOT}, {"__iter__", aw_self, 0, 0, ASY_ARGS_SLOT},
  {"__next__", aw_next, 0, 0, ASY_ARGS_SLOT}, {"send", aw_send, 1, 1, ASY_ARGS_AUTO},
  {"throw", aw_throw, 1, 3, ASY_ARGS_AUTO}, {"close", aw_close, 0, 0, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

void asy_builtins_async_init(VM *vm, ObjDict *builtins) {
  asy_def_natives(vm, NULL, builtins, async_builtins);
  asy_def_natives(vm, vm->types.anext_awaitable, NULL, anext_awaitable_methods);
}
