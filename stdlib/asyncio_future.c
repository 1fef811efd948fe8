/*
** asyncio_future.c — the Python face of `_asyncio.Future`, `_asyncio.Task` and their
** FutureIter (the engine half is vm/future.c): methods with CPython's signatures and
** errors, and the private attributes asyncio's Asy code reads (`_state`,
** `_fut_waiter`, …) as properties over the C fields.
*/
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "vm/future.h"
#include "vm/gen.h"

#define SELF_FUTURE(meth) \
  do { \
    if (argc < 1 || !IS_OBJ_TYPE(args[0], OBJ_FUTURE)) \
      return asy_raise(vm, vm->exc.TypeError, "descriptor '%s' requires a 'Future' object", meth); \
  } while (0)
#define FUT (AS_FUTURE(args[0]))

static ObjStr *name_of(VM *vm, const char *s) { return asy_str_intern(vm, s, strlen(s)); }

/* The one keyword-only argument `key` (None when absent). */
static bool kw_only(VM *vm, const char *fname, ObjDict *kw, const char *const *allowed,
                    const char *key, Value *out) {
  *out = NONE_VAL;
  if (!kw || kw->count == 0) return true;
  if (!asy_check_kw(vm, fname, kw, allowed)) return false;
  Value v = asy_kwarg(vm, kw, key);
  if (!IS_UNDEF(v)) *out = v;
  return true;
}

/* ---- Future ---------------------------------------------------------------------------- */

static Value f_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_CLASS(args[0]) || !asy_is_subclass(AS_CLASS(args[0]), vm->types.future))
    return asy_raise(vm, vm->exc.TypeError, "Future.__new__(X): X is not a subtype of Future");
  return OBJ_VAL(asy_future_new(vm, AS_CLASS(args[0])));
}

static Value f_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_FUTURE("__init__");
  if (argc > 1) return asy_raise(vm, vm->exc.TypeError, "Future() takes no positional arguments");
  static const char *const allowed[] = {"loop", NULL};
  Value loop;
  if (!kw_only(vm, "Future", kw, allowed, "loop", &loop)) return EXC_VAL;
  return asy_future_init(vm, FUT, loop) ? NONE_VAL : EXC_VAL;
}

static Value f_result(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("result");
  return asy_future_result(vm, FUT);
}

static Value f_exception(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("exception");
  return asy_future_exception(vm, FUT);
}

static Value f_set_result(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("set_result");
  if (FUT->is_task)
    return asy_raise(vm, vm->exc.RuntimeError, "Task does not support set_result operation");
  return asy_future_set_result(vm, FUT, args[1]);
}

static Value f_set_exception(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("set_exception");
  if (FUT->is_task)
    return asy_raise(vm, vm->exc.RuntimeError, "Task does not support set_exception operation");
  return asy_future_set_exception(vm, FUT, args[1]);
}

/* cancel(msg=None), for futures and tasks. */
static Value f_cancel(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_FUTURE("cancel");
  static const char *const names[] = {"msg"};
  Value msg;
  if (!asy_kwargs(vm, "cancel", argc - 1, args + 1, kw, names, 1, 0, 0, &msg)) return EXC_VAL;
  if (IS_UNDEF(msg)) msg = NONE_VAL;
  if (FUT->is_task) {
    bool r = asy_task_cancel(vm, FUT, msg);
    if (!r && !IS_UNDEF(asy_pending(vm))) return EXC_VAL;
    return BOOL_VAL(r);
  }
  return BOOL_VAL(asy_future_cancel(vm, FUT, msg));
}

static Value f_cancelled(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("cancelled");
  return BOOL_VAL(FUT->state == FUT_CANCELLED);
}

static Value f_done(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("done");
  return BOOL_VAL(FUT->state != FUT_PENDING);
}

static Value f_add_done_callback(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_FUTURE("add_done_callback");
  static const char *const allowed[] = {"context", NULL};
  Value ctx;
  if (!kw_only(vm, "add_done_callback", kw, allowed, "context", &ctx)) return EXC_VAL;
  return asy_future_add_done_callback(vm, FUT, args[1], ctx);
}

static Value f_remove_done_callback(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("remove_done_callback");
  int n = asy_future_remove_done_callback(vm, FUT, args[1]);
  return n < 0 ? EXC_VAL : INT_VAL(n);
}

static Value f_get_loop(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("get_loop");
  return FUT->loop;
}

static Value f_await(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("__await__");
  return asy_future_await(vm, FUT);
}

static Value f_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("__repr__");
  Value hook = vm->loop.hooks[FUT_HOOK_REPR];
  if (IS_UNDEF(hook)) return OBJ_VAL(asy_str_printf(vm, "<%s>", FUT->obj.cls->name->chars));
  return asy_call(vm, hook, 1, args, NULL);
}

static Value f_make_cancelled_error(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("_make_cancelled_error");
  return asy_future_cancelled_error(vm, FUT);
}

static Value f_class_getitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)vm, (void)argc, (void)kw;
  return args[0];
}

/* Properties over the C fields. */
static const char *const state_names[] = {"PENDING", "CANCELLED", "FINISHED"};

static Value p_state(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("_state");
  const char *s = state_names[FUT->state];
  return OBJ_VAL(asy_str_intern(vm, s, strlen(s)));
}

static Value p_callbacks(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("_callbacks");
  return asy_future_callbacks(vm, FUT);
}

#define VALUE_GETTER(field) \
  static Value p_get_##field(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)kw; \
    SELF_FUTURE("_" #field); \
    return FUT->field; \
  }
#define VALUE_SETTER(field) \
  static Value p_set_##field(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)kw; \
    SELF_FUTURE("_" #field); \
    FUT->field = args[1]; \
    return NONE_VAL; \
  }
#define BOOL_GETSET(field) \
  static Value p_get_##field(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)kw; \
    SELF_FUTURE("_" #field); \
    return BOOL_VAL(FUT->field); \
  } \
  static Value p_set_##field(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)kw; \
    SELF_FUTURE("_" #field); \
    int t = asy_truthy(vm, args[1]); \
    if (t < 0) return EXC_VAL; \
    FUT->field = t; \
    return NONE_VAL; \
  }

VALUE_GETTER(result)
VALUE_GETTER(exception)
VALUE_GETTER(cancel_message)
VALUE_SETTER(cancel_message)
VALUE_GETTER(cancelled_exc)
VALUE_SETTER(cancelled_exc)
BOOL_GETSET(blocking)
BOOL_GETSET(log_traceback)
BOOL_GETSET(log_destroy_pending)
BOOL_GETSET(must_cancel)

static Value p_num_cancels(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("_num_cancels_requested");
  return INT_VAL(FUT->num_cancels_requested);
}

/* ---- Task ---------------------------------------------------------------------------- */

#define SELF_TASK(meth) \
  do { \
    if (argc < 1 || !IS_OBJ_TYPE(args[0], OBJ_FUTURE) || !AS_FUTURE(args[0])->is_task) \
      return asy_raise(vm, vm->exc.TypeError, "descriptor '%s' requires a 'Task' object", meth); \
  } while (0)

static Value p_get_fut_waiter(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TASK("_fut_waiter");
  return FUT->fut_waiter;
}

static Value t_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_TASK("__init__");
  static const char *const names[] = {"coro", "loop", "name", "context", "eager_start"};
  Value v[5];
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError,
                     "Task.__init__() takes 2 positional arguments but %d were given", argc);
  if (!asy_kwargs(vm, "Task", argc - 1, args + 1, kw, names, 5, 0, 1, v)) return EXC_VAL;
  for (int i = 1; i < 5; i++)
    if (IS_UNDEF(v[i])) v[i] = NONE_VAL;
  int eager = asy_truthy(vm, v[4]);
  if (eager < 0) return EXC_VAL;
  return asy_task_init(vm, FUT, v[0], v[1], v[2], v[3], eager) ? NONE_VAL : EXC_VAL;
}

static Value t_cancelling(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TASK("cancelling");
  return INT_VAL(FUT->num_cancels_requested);
}

static Value t_uncancel(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TASK("uncancel");
  return INT_VAL(asy_task_uncancel(FUT));
}

static Value t_get_coro(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TASK("get_coro");
  return FUT->coro;
}

static Value t_get_context(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TASK("get_context");
  return FUT->context;
}

static Value t_get_name(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TASK("get_name");
  return asy_task_name(vm, FUT);
}

static Value t_set_name(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TASK("set_name");
  Value s = IS_STR(args[1]) ? args[1] : asy_str(vm, args[1]);
  if (IS_EXC(s)) return s;
  FUT->name = s;
  return NONE_VAL;
}

static Value t_get_stack(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TASK("get_stack");
  return OBJ_VAL(asy_list_new(vm, 0));
}

/* task_wakeup(future): how a foreign future wakes the task (future.c stores the task
** itself for its own futures). */
static Value t_wakeup(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TASK("task_wakeup");
  Value targs = OBJ_VAL(asy_tuple_from(vm, 1, &args[1]));
  asy_push_root(vm, targs);
  ObjHandle h = {0};
  h.callback = args[0];
  h.args = targs;
  h.kind = HANDLE_TASK_WAKEUP;
  return asy_task_run_handle(vm, &h) ? NONE_VAL : EXC_VAL;
}

/* ---- FutureIter ---------------------------------------------------------------------- */

static Value fi_send(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw, (void)argc;
  Value r;
  AsyRunStatus st = asy_future_iter_send(vm, args[0], &r);
  if (st == ASY_RUN_RAISED) return EXC_VAL;
  if (st == ASY_RUN_SUSPENDED) return r;
  asy_push_root(vm, r);
  Value e = asy_new_exception(vm, vm->exc.StopIteration, 1, &r);
  return IS_EXC(e) ? e : asy_raise_value(vm, e);
}

/* throw(exc): raised where the future was awaited. */
static Value fi_throw(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 2)
    return asy_raise(vm, vm->exc.TypeError, "throw expected at least 1 argument, got 0");
  Value e = args[1];
  if (IS_CLASS(e)) {
    e = asy_call(vm, e, argc > 2 ? 1 : 0, args + 2, NULL);
    if (IS_EXC(e)) return e;
  }
  AS_ITER(args[0])->a = NONE_VAL;
  return asy_raise_value(vm, e);
}

static Value fi_close(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)vm, (void)argc, (void)kw;
  AS_ITER(args[0])->a = NONE_VAL;
  return NONE_VAL;
}

static Value fi_self(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)vm, (void)argc, (void)kw;
  return args[0];
}

/* ---- the module's task functions ---------------------------------------------------- */

static Value m_current_task(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return vm->loop.current_task;
}

/* swap_current_task(task or None) -> the previous one (eager tasks, _enter/_leave). */
static Value m_swap_current_task(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Value prev = vm->loop.current_task;
  vm->loop.current_task = args[0];
  return prev;
}

static Value m_all_tasks(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return asy_task_all(vm);
}

/* set_hooks(get_event_loop, future_repr) */
static Value m_set_hooks(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  for (int i = 0; i < FUT_HOOK_COUNT && i < argc; i++) vm->loop.hooks[i] = args[i];
  return NONE_VAL;
}

static Value m_get_context(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return IS_UNDEF(vm->loop.context) ? NONE_VAL : vm->loop.context;
}

static Value m_set_context(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  vm->loop.context = args[0];
  return NONE_VAL;
}

/* set_result_unless_cancelled(fut, result): sleep()'s timer callback. */
static Value m_set_result_unless_cancelled(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  if (!IS_OBJ_TYPE(args[0], OBJ_FUTURE)) {
    Value c = asy_call_method(vm, args[0], name_of(vm, "cancelled"), 0, NULL);
    if (IS_EXC(c)) return c;
    int t = asy_truthy(vm, c);
    if (t) return t < 0 ? EXC_VAL : NONE_VAL;
    return asy_call_method(vm, args[0], name_of(vm, "set_result"), 1, &args[1]);
  }
  if (AS_FUTURE(args[0])->state == FUT_CANCELLED) return NONE_VAL;
  return asy_future_set_result(vm, AS_FUTURE(args[0]), args[1]);
}

static Value yield_once_next(VM *vm, ObjIter *it) {
  (void)vm;
  if (it->i) return UNDEF_VAL;
  it->i = 1;
  return NONE_VAL;
}

/* yield_once(): an awaitable that yields None once (sleep(0): one loop iteration). */
static Value m_yield_once(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  ObjIter *it = (ObjIter *)asy_alloc_obj(vm, sizeof(ObjIter), OBJ_ITER, vm->types.future_iter);
  it->next = yield_once_next;
  it->a = it->b = it->c = NONE_VAL;
  it->i = it->n = it->step = 0;
  return OBJ_VAL(it);
}

/* _asyncio_awaited_by (3.14): who waits on this future, as a frozenset or None. Derived
** when asked, so running pays nothing: the tasks suspended on it, and for a TaskGroup's
** child the group's parent task. */
static Value p_awaited_by(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_FUTURE("_asyncio_awaited_by");
  ObjFuture *f = FUT;
  ObjSet *set = asy_set_new(vm, vm->types.frozenset);
  asy_push_root(vm, OBJ_VAL(set));
  for (ObjFuture *t = vm->loop.tasks_head; t; t = t->next_task)
    if (IS_OBJ(t->fut_waiter) && AS_OBJ(t->fut_waiter) == &f->obj &&
        !asy_set_add(vm, set, OBJ_VAL(t)))
      return EXC_VAL;
  /* A TaskGroup's child: its done callback is the group's _on_task_done. */
  ObjStr *on_done = name_of(vm, "_on_task_done"), *parent = name_of(vm, "_parent_task");
  size_t ncb = f->callbacks ? f->callbacks->size : 0;
  for (size_t i = 0; i <= ncb; i++) {
    Value fn = i == 0 ? f->cb0 : f->callbacks->items[i - 1];
    if (i > 0 && IS_OBJ_TYPE(fn, OBJ_TUPLE) && AS_TUPLE(fn)->size) fn = AS_TUPLE(fn)->items[0];
    if (!IS_OBJ_TYPE(fn, OBJ_BOUND) || !IS_FUNCTION(AS_BOUND(fn)->func) ||
        AS_FUNCTION(AS_BOUND(fn)->func)->name != on_done)
      continue;
    Value p = asy_getattr_opt(vm, AS_BOUND(fn)->self, parent);
    if (IS_EXC(p)) return EXC_VAL;
    if (IS_OBJ_TYPE(p, OBJ_FUTURE) && !asy_set_add(vm, set, p)) return EXC_VAL;
  }
  return set->used ? OBJ_VAL(set) : NONE_VAL;
}

/* clang-format off */
#define A ASY_ARGS_AUTO
#define P ASY_UNCHECKED | ASY_DEF_PROPERTY
static const AsyMethodDef future_methods[] = {
  {"__new__", f_new, ASY_UNCHECKED | ASY_DEF_STATIC}, {"__init__", f_init, ASY_UNCHECKED},
  {"result", f_result, 0, 0, A}, {"exception", f_exception, 0, 0, A},
  {"set_result", f_set_result, 1, 1, A}, {"set_exception", f_set_exception, 1, 1, A},
  {"cancel", f_cancel, 0, 1, ASY_ARGS_KW}, {"cancelled", f_cancelled, 0, 0, A},
  {"done", f_done, 0, 0, A}, {"add_done_callback", f_add_done_callback, 1, 1, ASY_ARGS_KW},
  {"remove_done_callback", f_remove_done_callback, 1, 1, A}, {"get_loop", f_get_loop, 0, 0, A},
  {"__await__", f_await, 0, 0, A}, {"__iter__", f_await, 0, 0, A},
  {"__repr__", f_repr, 0, 0, ASY_ARGS_SLOT},
  {"_make_cancelled_error", f_make_cancelled_error, 0, 0, A},
  {"__class_getitem__", f_class_getitem, 1, 1, A | ASY_DEF_CLASS},
  {"_state", p_state, P}, {"_callbacks", p_callbacks, P}, {"_loop", f_get_loop, P},
  {"_result", p_get_result, P}, {"_exception", p_get_exception, P},
  {"_asyncio_awaited_by", p_awaited_by, P},
  {0},
};

static const AsyMethodDef task_methods[] = {
  {"__init__", t_init, ASY_UNCHECKED},
  {"cancelling", t_cancelling, 0, 0, A}, {"uncancel", t_uncancel, 0, 0, A},
  {"get_coro", t_get_coro, 0, 0, A}, {"get_context", t_get_context, 0, 0, A},
  {"get_name", t_get_name, 0, 0, A}, {"set_name", t_set_name, 1, 1, A},
  {"get_stack", t_get_stack, 0, 0, ASY_ARGS_KW}, {"task_wakeup", t_wakeup, 1, 1, A},
  {"_coro", t_get_coro, P}, {"_fut_waiter", p_get_fut_waiter, P},
  {"_num_cancels_requested", p_num_cancels, P}, {"_context", t_get_context, P},
  {"_name", t_get_name, P},
  {0},
};

static const AsyMethodDef future_iter_methods[] = {
  {"send", fi_send, 1, 1, A}, {"throw", fi_throw, 1, 3, A}, {"close", fi_close, 0, 0, A},
  {"__next__", fi_send, 0, 0, A}, {"__iter__", fi_self, 0, 0, A}, {"__await__", fi_self, 0, 0, A},
  {0},
};

static const AsyMethodDef task_functions[] = {
  {"current_task", m_current_task, 0, 0, A},
  {"swap_current_task", m_swap_current_task, 1, 1, A},
  {"all_tasks", m_all_tasks, 0, 0, A}, {"set_hooks", m_set_hooks, 2, 2, A},
  {"get_context", m_get_context, 0, 0, A}, {"set_context", m_set_context, 1, 1, A},
  {"set_result_unless_cancelled", m_set_result_unless_cancelled, 2, 2, A},
  {"yield_once", m_yield_once, 0, 0, A},
  {0},
};
#undef A
#undef P
/* clang-format on */

void asy_asyncio_future_init(VM *vm, ObjDict *module_dict) {
  ObjClass *future = vm->types.future, *task = vm->types.task;
  asy_class_set_c_name(vm, future, "_asyncio");
  asy_class_set_c_name(vm, task, "_asyncio");
  asy_class_set_c_name(vm, vm->types.future_iter, "_asyncio");
  asy_def_natives(vm, future, NULL, future_methods);
  asy_def_natives(vm, task, NULL, task_methods);
  asy_def_natives(vm, vm->types.future_iter, NULL, future_iter_methods);
  asy_def_getset(vm, future, "_asyncio_future_blocking", p_get_blocking, p_set_blocking);
  asy_def_getset(vm, future, "_log_traceback", p_get_log_traceback, p_set_log_traceback);
  asy_def_getset(vm, future, "_log_destroy_pending", p_get_log_destroy_pending,
                 p_set_log_destroy_pending);
  asy_def_getset(vm, future, "_cancel_message", p_get_cancel_message, p_set_cancel_message);
  asy_def_getset(vm, future, "_cancelled_exc", p_get_cancelled_exc, p_set_cancelled_exc);
  asy_def_getset(vm, task, "_must_cancel", p_get_must_cancel, p_set_must_cancel);
  asy_def_natives(vm, NULL, module_dict, task_functions);
  asy_def_value(vm, module_dict, "Future", OBJ_VAL(future));
  asy_def_value(vm, module_dict, "Task", OBJ_VAL(task));
}
