/*
** future.c — asyncio's Future and Task on the event loop (see future.h).
** The steps follow CPython 3.13's futures.py/tasks.py (and their C twin) line by line
** where the order of effects is observable: which callbacks are scheduled when, what
** a cancel does to the waiter, what a finished step records.
*/
#include <string.h>

#include "vm/diagnose.h"
#include "vm/except.h"
#include "vm/finalize.h"
#include "vm/future.h"
#include "vm/trace.h"
#include "vm/gc.h"
#include "vm/gen.h"
#include "vm/loop.h"
#include "vm/obj/context.h"
#include "vm/obj/list.h"
#include "vm/obj/tuple.h"

static ObjStr *name_of(VM *vm, const char *s) { return asy_str_intern(vm, s, strlen(s)); }

static Value call_hook(VM *vm, AsyFutureHook which, int argc, Value *args) {
  Value hook = vm->loop.hooks[which];
  if (IS_UNDEF(hook)) return asy_raise(vm, vm->exc.RuntimeError, "asyncio is not initialised");
  return asy_call(vm, hook, argc, args, NULL);
}

/* ---- the live-task list -------------------------------------------------------------- */

static void task_register(VM *vm, ObjFuture *t) {
  if (t->registered) return;
  AsyLoop *l = &vm->loop;
  t->registered = true;
  t->next_task = NULL;
  t->prev_task = l->tasks_tail;
  if (l->tasks_tail) l->tasks_tail->next_task = t;
  else l->tasks_head = t;
  l->tasks_tail = t;
}

static void task_unregister(VM *vm, ObjFuture *t) {
  if (!t->is_task || !t->registered) return;
  AsyLoop *l = &vm->loop;
  if (t->prev_task) t->prev_task->next_task = t->next_task;
  else l->tasks_head = t->next_task;
  if (t->next_task) t->next_task->prev_task = t->prev_task;
  else l->tasks_tail = t->prev_task;
  t->prev_task = t->next_task = NULL;
  t->registered = false;
}

Value asy_task_all(VM *vm) {
  ObjList *out = asy_list_new(vm, 0);
  asy_push_root(vm, OBJ_VAL(out));
  for (ObjFuture *t = vm->loop.tasks_head; t; t = t->next_task)
    if (t->state == FUT_PENDING) asy_list_append(vm, out, OBJ_VAL(t));
  return OBJ_VAL(out);
}

/* ---- futures ------------------------------------------------------------------------- */

size_t asy_future_size(const ObjFuture *f) {
  return f->is_task ? sizeof(ObjFuture) : offsetof(ObjFuture, coro);
}

ObjFuture *asy_future_new(VM *vm, ObjClass *cls) {
  bool is_task = asy_is_subclass(cls, vm->types.task);
  size_t size = is_task ? sizeof(ObjFuture) : offsetof(ObjFuture, coro);
  ObjFuture *f = (ObjFuture *)asy_alloc_obj(vm, size, OBJ_FUTURE, cls);
  f->state = FUT_PENDING;
  f->is_task = is_task;
  f->blocking = f->log_traceback = f->must_cancel = f->registered = false;
  f->log_destroy_pending = true;
  f->num_cancels_requested = 0;
  f->loop = f->result = f->exception = f->cancel_message = f->cancelled_exc = NONE_VAL;
  f->cb0 = f->cb0_context = UNDEF_VAL;
  f->callbacks = NULL;
  f->attrs = NULL;
  if (is_task) {
    f->coro = f->context = f->name = f->fut_waiter = NONE_VAL;
    f->spare_step = NULL;
    f->prev_task = f->next_task = NULL;
  }
  return f;
}

bool asy_future_init(VM *vm, ObjFuture *f, Value loop) {
  if (IS_NONE(loop)) {
    loop = call_hook(vm, FUT_HOOK_GET_EVENT_LOOP, 0, NULL);
    if (IS_EXC(loop)) return false;
  }
  f->loop = loop;
  return true;
}

void asy_future_retrieved(VM *vm, ObjFuture *f) {
  if (!f->log_traceback) return;
  f->log_traceback = false;
  asy_finalize_note_unretrieved(vm, -1);
}

Value asy_future_cancelled_error(VM *vm, ObjFuture *f) {
  if (!IS_NONE(f->cancelled_exc)) {
    Value e = f->cancelled_exc;
    f->cancelled_exc = NONE_VAL;
    return e;
  }
  if (IS_NONE(f->cancel_message)) return asy_new_exception(vm, vm->exc.CancelledError, 0, NULL);
  return asy_new_exception(vm, vm->exc.CancelledError, 1, &f->cancel_message);
}

static Value raise_cancelled(VM *vm, ObjFuture *f) {
  Value e = asy_future_cancelled_error(vm, f);
  return IS_EXC(e) ? e : asy_raise_value(vm, e);
}

Value asy_future_result(VM *vm, ObjFuture *f) {
  if (f->state == FUT_CANCELLED) return raise_cancelled(vm, f);
  if (f->state != FUT_FINISHED)
    return asy_raise(vm, vm->exc.InvalidStateError, "Result is not set.");
  asy_future_retrieved(vm, f);
  if (!IS_NONE(f->exception)) return asy_raise_value(vm, f->exception);
  return f->result;
}

Value asy_future_exception(VM *vm, ObjFuture *f) {
  if (f->state == FUT_CANCELLED) return raise_cancelled(vm, f);
  if (f->state != FUT_FINISHED)
    return asy_raise(vm, vm->exc.InvalidStateError, "Exception is not set.");
  asy_future_retrieved(vm, f);
  return f->exception;
}

/* A done callback added while the current context was empty keeps this instead of a
** copy; the copy (an empty Context) is made only when the callback is scheduled or
** shown. Most callbacks (a TaskGroup's, one per task) are added so. */
#define EMPTY_CONTEXT FALSE_VAL

static Value real_context(VM *vm, Value ctx) {
  return IS_BOOL(ctx) ? OBJ_VAL(asy_context_new(vm)) : ctx;
}

/* Schedule fn(f) on the ready ring in ctx; a task as fn is that task's wake-up. */
static void schedule_one(VM *vm, ObjFuture *f, Value fn, Value ctx) {
  asy_push_root(vm, fn);
  ctx = real_context(vm, ctx);
  asy_push_root(vm, ctx);
  Value arg = OBJ_VAL(f);
  Value args = OBJ_VAL(asy_tuple_from(vm, 1, &arg));
  ObjHandle *h = asy_loop_call_soon(vm, fn, args, ctx);
  if (IS_OBJ_TYPE(fn, OBJ_FUTURE)) h->kind = HANDLE_TASK_WAKEUP;
}

static void schedule_callbacks(VM *vm, ObjFuture *f) {
  size_t mark = asy_temp_mark(vm);
  asy_push_root(vm, OBJ_VAL(f));
  if (!IS_UNDEF(f->cb0)) {
    Value fn = f->cb0, ctx = f->cb0_context;
    f->cb0 = f->cb0_context = UNDEF_VAL;
    schedule_one(vm, f, fn, ctx);
  }
  ObjList *rest = f->callbacks;
  f->callbacks = NULL;
  if (rest) {
    asy_push_root(vm, OBJ_VAL(rest));
    for (size_t i = 0; i < rest->size; i++) {
      ObjTuple *pair = AS_TUPLE(rest->items[i]);
      schedule_one(vm, f, pair->items[0], pair->items[1]);
    }
  }
  asy_temp_reset(vm, mark);
}

Value asy_future_set_result(VM *vm, ObjFuture *f, Value result) {
  if (f->state != FUT_PENDING) return asy_raise(vm, vm->exc.InvalidStateError, "invalid state");
  f->result = result;
  f->state = FUT_FINISHED;
  schedule_callbacks(vm, f);
  return NONE_VAL;
}

Value asy_future_set_exception(VM *vm, ObjFuture *f, Value exc) {
  if (f->state != FUT_PENDING) return asy_raise(vm, vm->exc.InvalidStateError, "invalid state");
  size_t mark = asy_temp_mark(vm);
  if (IS_CLASS(exc)) {
    exc = asy_call(vm, exc, 0, NULL, NULL);
    if (IS_EXC(exc)) return exc;
    asy_push_root(vm, exc);
  }
  if (!asy_isinstance(vm, exc, vm->exc.BaseException))
    return asy_raise(vm, vm->exc.TypeError, "invalid exception object");
  if (asy_isinstance(vm, exc, vm->exc.StopIteration)) {
    Value e = asy_raise(vm, vm->exc.RuntimeError,
                        "StopIteration interacts badly with generators and cannot be "
                        "raised into a Future");
    Value wrapped = asy_pending(vm);
    asy_clear_pending(vm);
    (void)e;
    AS_EXCEPTION(wrapped)->cause = exc;
    AS_EXCEPTION(wrapped)->context = exc;
    AS_EXCEPTION(wrapped)->suppress_context = true;
    exc = wrapped;
  }
  f->exception = exc;
  f->state = FUT_FINISHED;
  f->log_traceback = true;
  schedule_callbacks(vm, f);
  asy_temp_reset(vm, mark);
  asy_finalize_note_unretrieved(vm, 1);
  asy_finalize_want(vm, &f->obj);
  return NONE_VAL;
}

bool asy_future_cancel(VM *vm, ObjFuture *f, Value msg) {
  asy_future_retrieved(vm, f);
  if (f->state != FUT_PENDING) return false;
  f->state = FUT_CANCELLED;
  f->cancel_message = msg;
  schedule_callbacks(vm, f);
  return true;
}

Value asy_future_add_done_callback(VM *vm, ObjFuture *f, Value fn, Value ctx) {
  if (f->state != FUT_PENDING) {
    schedule_one(vm, f, fn, ctx);
    return NONE_VAL;
  }
  size_t mark = asy_temp_mark(vm);
  if (IS_NONE(ctx)) {
    Value cur = vm->loop.context;
    if (!IS_OBJ_TYPE(cur, OBJ_CONTEXT) || !((ObjContext *)AS_OBJ(cur))->vars ||
        ((ObjContext *)AS_OBJ(cur))->vars->count == 0) {
      ctx = EMPTY_CONTEXT;
    } else {
      asy_push_root(vm, fn);
      ctx = asy_context_copy_current(vm);
      asy_push_root(vm, ctx);
    }
  }
  if (IS_UNDEF(f->cb0) && (!f->callbacks || f->callbacks->size == 0)) {
    f->cb0 = fn;
    f->cb0_context = ctx;
  } else {
    asy_push_root(vm, OBJ_VAL(f));
    Value pair[2] = {fn, ctx};
    Value t = OBJ_VAL(asy_tuple_from(vm, 2, pair));
    asy_push_root(vm, t);
    if (!f->callbacks) f->callbacks = asy_list_new(vm, 0);
    asy_list_append(vm, f->callbacks, t);
  }
  asy_temp_reset(vm, mark);
  return NONE_VAL;
}

int asy_future_remove_done_callback(VM *vm, ObjFuture *f, Value fn) {
  int removed = 0;
  if (!IS_UNDEF(f->cb0)) {
    int eq = asy_equal(vm, f->cb0, fn);
    if (eq < 0) return -1;
    if (eq) {
      f->cb0 = f->cb0_context = UNDEF_VAL;
      removed++;
    }
  }
  if (f->callbacks) {
    ObjList *l = f->callbacks;
    size_t kept = 0;
    for (size_t i = 0; i < l->size; i++) {
      int eq = asy_equal(vm, AS_TUPLE(l->items[i])->items[0], fn);
      if (eq < 0) return -1;
      if (eq) removed++;
      else l->items[kept++] = l->items[i];
    }
    l->size = kept;
  }
  return removed;
}

/* How a callback shows to Python: a task's wake-up as its bound task_wakeup. */
static Value callback_face(VM *vm, Value fn) {
  if (!IS_OBJ_TYPE(fn, OBJ_FUTURE)) return fn;
  return asy_getattr(vm, fn, name_of(vm, "task_wakeup"));
}

Value asy_future_callbacks(VM *vm, ObjFuture *f) {
  ObjList *out = asy_list_new(vm, 0);
  size_t mark = asy_temp_mark(vm);
  asy_push_root(vm, OBJ_VAL(out));
  Value pair[2];
  if (!IS_UNDEF(f->cb0)) {
    pair[0] = callback_face(vm, f->cb0);
    if (IS_EXC(pair[0])) return pair[0];
    asy_push_root(vm, pair[0]);
    pair[1] = f->cb0_context = real_context(vm, f->cb0_context);
    asy_list_append(vm, out, OBJ_VAL(asy_tuple_from(vm, 2, pair)));
  }
  for (size_t i = 0; f->callbacks && i < f->callbacks->size; i++) {
    ObjTuple *t = AS_TUPLE(f->callbacks->items[i]);
    pair[0] = callback_face(vm, t->items[0]);
    if (IS_EXC(pair[0])) return pair[0];
    asy_push_root(vm, pair[0]);
    pair[1] = t->items[1] = real_context(vm, t->items[1]);
    asy_list_append(vm, out, OBJ_VAL(asy_tuple_from(vm, 2, pair)));
  }
  asy_temp_reset(vm, mark);
  return OBJ_VAL(out);
}

/* loop.call_exception_handler({'message': …, 'exception'?: …, key: f}). */
static Value report_to_loop(VM *vm, ObjFuture *f, Value message, Value exc, const char *key) {
  size_t mark = asy_temp_mark(vm);
  ObjDict *ctx = asy_dict_new(vm);
  asy_push_root(vm, OBJ_VAL(ctx));
  asy_dict_set_str(vm, ctx, name_of(vm, "message"), message);
  if (!IS_UNDEF(exc)) asy_dict_set_str(vm, ctx, name_of(vm, "exception"), exc);
  asy_dict_set_str(vm, ctx, name_of(vm, key), OBJ_VAL(f));
  Value arg = OBJ_VAL(ctx);
  Value r = asy_call_method(vm, f->loop, name_of(vm, "call_exception_handler"), 1, &arg);
  asy_temp_reset(vm, mark);
  return IS_EXC(r) ? r : NONE_VAL;
}

bool asy_future_has_report(ObjFuture *f) {
  return f->log_traceback || (f->is_task && f->state == FUT_PENDING && f->log_destroy_pending);
}

Value asy_future_finalize(VM *vm, ObjFuture *f) {
  const char *kind = f->obj.cls->name->chars;
  if (f->is_task && f->state == FUT_PENDING && f->log_destroy_pending) {
    f->log_destroy_pending = false;
    return report_to_loop(vm, f, STR_VAL(vm, "Task was destroyed but it is pending!"), UNDEF_VAL,
                          "task");
  }
  if (!f->log_traceback) return NONE_VAL;
  asy_future_retrieved(vm, f);
  Value msg = OBJ_VAL(asy_str_printf(vm, "%s exception was never retrieved", kind));
  asy_push_root(vm, msg);
  return report_to_loop(vm, f, msg, f->exception, "future");
}

/* ---- awaiting a future: FutureIter ------------------------------------------------- */

static Value future_iter_next(VM *vm, ObjIter *it);

Value asy_future_await(VM *vm, ObjFuture *f) {
  asy_push_root(vm, OBJ_VAL(f));
  ObjIter *it = (ObjIter *)asy_alloc_obj(vm, sizeof(ObjIter), OBJ_ITER, vm->types.future_iter);
  it->next = future_iter_next;
  it->a = OBJ_VAL(f);
  it->b = it->c = NONE_VAL;
  it->i = it->n = it->step = 0;
  return OBJ_VAL(it);
}

bool asy_is_future_iter(Value v) {
  return IS_OBJ_TYPE(v, OBJ_ITER) && AS_ITER(v)->next == future_iter_next;
}

AsyRunStatus asy_future_iter_send(VM *vm, Value v, Value *result) {
  ObjIter *it = AS_ITER(v);
  if (IS_NONE(it->a)) { /* already returned */
    *result = NONE_VAL;
    return ASY_RUN_RETURNED;
  }
  AsyRunStatus st = asy_future_send(vm, AS_FUTURE(it->a), result);
  if (st == ASY_RUN_RETURNED) it->a = NONE_VAL;
  return st;
}

AsyRunStatus asy_future_send(VM *vm, ObjFuture *f, Value *result) {
  if (f->state == FUT_PENDING) {
    if (!f->blocking) {
      f->blocking = true;
      *result = OBJ_VAL(f);
      return ASY_RUN_SUSPENDED;
    }
    asy_raise(vm, vm->exc.RuntimeError, "await wasn't used with future");
    return ASY_RUN_RAISED;
  }
  Value r = asy_future_result(vm, f);
  if (IS_EXC(r)) return ASY_RUN_RAISED;
  *result = r;
  return ASY_RUN_RETURNED;
}

/* next(): a yield is the item; the result ends the iteration as StopIteration(value). */
static Value future_iter_next(VM *vm, ObjIter *it) {
  Value r;
  AsyRunStatus st = asy_future_iter_send(vm, OBJ_VAL(it), &r);
  if (st == ASY_RUN_RAISED) return EXC_VAL;
  if (st == ASY_RUN_SUSPENDED) return r;
  asy_push_root(vm, r);
  Value e = asy_new_exception(vm, vm->exc.StopIteration, 1, &r);
  return IS_EXC(e) ? e : asy_raise_value(vm, e);
}

/* ---- tasks --------------------------------------------------------------------------- */

static bool is_coroutine(VM *vm, Value coro) {
  if (IS_OBJ_TYPE(coro, OBJ_GEN)) return AS_GEN(coro)->kind == GEN_COROUTINE;
  ObjClass *c = asy_class_of(vm, coro);
  const char *need[] = {"send", "throw", "close", "__await__"};
  for (int i = 0; i < 4; i++)
    if (IS_UNDEF(asy_class_lookup(c, name_of(vm, need[i])))) return false;
  return true;
}

static void schedule_step(VM *vm, ObjFuture *t, Value exc) {
  size_t mark = asy_temp_mark(vm);
  asy_push_root(vm, OBJ_VAL(t));
  asy_push_root(vm, exc);
  Value args;
  if (!IS_UNDEF(exc)) {
    args = OBJ_VAL(asy_tuple_from(vm, 1, &exc));
  } else {
    if (IS_UNDEF(vm->loop.no_args)) vm->loop.no_args = OBJ_VAL(asy_tuple_new(vm, 0));
    args = vm->loop.no_args;
  }
  ObjHandle *h = t->spare_step;
  if (h) { /* the handle of a finished step: no allocation per step */
    t->spare_step = NULL;
    h->args = args;
    h->context = t->context;
    h->cancelled = false;
    asy_loop_push_ready(vm, h);
  } else {
    h = asy_loop_call_soon(vm, OBJ_VAL(t), args, t->context);
  }
  h->kind = HANDLE_TASK_STEP;
  asy_temp_reset(vm, mark);
}

static bool task_step(VM *vm, ObjFuture *t, Value exc);

bool asy_task_init(VM *vm, ObjFuture *t, Value coro, Value loop, Value name, Value context,
                   bool eager) {
  if (!asy_future_init(vm, t, loop)) return false;
  if (!is_coroutine(vm, coro)) {
    t->log_destroy_pending = false;
    asy_raise(vm, vm->exc.TypeError, "a coroutine was expected, got %R", coro);
    return false;
  }
  if (IS_NONE(name)) {
    t->name = INT_VAL((int64_t)++vm->loop.task_counter);
  } else if (IS_STR(name)) {
    t->name = name;
  } else {
    Value s = asy_str(vm, name);
    if (IS_EXC(s)) return false;
    t->name = s;
  }
  t->coro = coro;
  asy_finalize_want(vm, &t->obj); /* "Task was destroyed but it is pending!" */
  if (IS_NONE(context)) {
    context = asy_context_copy_current(vm);
    if (IS_EXC(context)) return false;
  }
  t->context = context;
  if (vm->observe) asy_trace_task_created(vm, t);
  if (eager) {
    Value running = asy_call_method(vm, t->loop, name_of(vm, "is_running"), 0, NULL);
    if (IS_EXC(running)) return false;
    int yes = asy_truthy(vm, running);
    if (yes < 0) return false;
    if (yes) {
      /* Eager start: the first step runs now, in place of the current task. */
      Value prev = vm->loop.current_task;
      size_t mark = asy_temp_mark(vm);
      asy_push_root(vm, prev);
      vm->loop.current_task = NONE_VAL;
      task_register(vm, t);
      bool ok = task_step(vm, t, UNDEF_VAL);
      vm->loop.current_task = prev;
      asy_temp_reset(vm, mark);
      if (t->state != FUT_PENDING) {
        t->coro = NONE_VAL;
        task_unregister(vm, t);
      }
      return ok;
    }
  }
  schedule_step(vm, t, UNDEF_VAL);
  task_register(vm, t);
  return true;
}

Value asy_task_name(VM *vm, ObjFuture *t) {
  if (IS_INT(t->name))
    t->name = OBJ_VAL(asy_str_printf(vm, "Task-%lld", (long long)AS_INT(t->name)));
  return t->name;
}

int asy_future_cancel_any(VM *vm, Value fut, Value msg) {
  if (IS_OBJ_TYPE(fut, OBJ_FUTURE)) {
    ObjClass *c = AS_OBJ(fut)->cls;
    if (c == vm->types.future) return asy_future_cancel(vm, AS_FUTURE(fut), msg);
    if (c == vm->types.task) return asy_task_cancel(vm, AS_FUTURE(fut), msg);
  }
  size_t mark = asy_temp_mark(vm);
  Value meth = asy_getattr(vm, fut, name_of(vm, "cancel"));
  if (IS_EXC(meth)) return -1;
  asy_push_root(vm, meth);
  ObjDict *kw = asy_dict_new(vm);
  asy_push_root(vm, OBJ_VAL(kw));
  asy_dict_set_str(vm, kw, name_of(vm, "msg"), msg);
  Value r = asy_call(vm, meth, 0, NULL, kw);
  asy_temp_reset(vm, mark);
  if (IS_EXC(r)) return -1;
  return asy_truthy(vm, r);
}

bool asy_task_cancel(VM *vm, ObjFuture *t, Value msg) {
  asy_future_retrieved(vm, t);
  if (t->state != FUT_PENDING) return false;
  if (vm->observe) asy_trace_cancel(vm, t, msg);
  t->num_cancels_requested++;
  if (!IS_NONE(t->fut_waiter)) {
    int r = asy_future_cancel_any(vm, t->fut_waiter, msg);
    if (r < 0) return false; /* the caller sees the pending exception */
    if (r) return true;
  }
  t->must_cancel = true;
  t->cancel_message = msg;
  return true;
}

int asy_task_uncancel(ObjFuture *t) {
  if (t->num_cancels_requested > 0) {
    t->num_cancels_requested--;
    if (t->num_cancels_requested == 0) t->must_cancel = false;
  }
  return t->num_cancels_requested;
}

/* The step that found something wrong with what the coroutine yielded:
** call_soon(step, RuntimeError(message)). */
static bool step_later_with_error(VM *vm, ObjFuture *t, Value message) {
  Value e = asy_new_exception(vm, vm->exc.RuntimeError, 1, &message);
  if (IS_EXC(e)) return false;
  schedule_step(vm, t, e);
  return true;
}

/* CPython's __step_run_and_handle_result: resume the coroutine, record how it ended. */
static bool step_run(VM *vm, ObjFuture *t, Value exc) {
  Value coro = t->coro, result;
  AsyRunStatus st;
  if (IS_OBJ_TYPE(coro, OBJ_GEN)) {
    st = asy_gen_resume(vm, AS_GEN(coro), NONE_VAL, exc, &result);
  } else if (IS_UNDEF(exc)) {
    st = asy_send(vm, coro, NONE_VAL, &result);
  } else {
    result = asy_call_method(vm, coro, name_of(vm, "throw"), 1, &exc);
    if (!IS_EXC(result)) st = ASY_RUN_SUSPENDED;
    else if (!asy_pending_is(vm, vm->exc.StopIteration)) st = ASY_RUN_RAISED;
    else {
      Value v = asy_exc_slot(vm, asy_pending(vm), "value");
      asy_clear_pending(vm);
      result = IS_UNDEF(v) ? NONE_VAL : v;
      st = ASY_RUN_RETURNED;
    }
  }
  asy_push_root(vm, result);
  if (st == ASY_RUN_RETURNED) {
    task_unregister(vm, t);
    if (t->must_cancel) {
      t->must_cancel = false;
      asy_future_cancel(vm, t, t->cancel_message);
    } else {
      asy_future_set_result(vm, t, result);
    }
    return true;
  }
  if (st == ASY_RUN_RAISED) {
    Value e = asy_pending(vm);
    asy_clear_pending(vm);
    asy_push_root(vm, e);
    task_unregister(vm, t);
    if (asy_isinstance(vm, e, vm->exc.CancelledError)) {
      t->cancelled_exc = e;
      asy_future_cancel(vm, t, NONE_VAL);
      return true;
    }
    if (IS_EXC(asy_future_set_exception(vm, t, e))) return false;
    if (asy_isinstance(vm, e, vm->exc.KeyboardInterrupt) ||
        asy_isinstance(vm, e, vm->exc.SystemExit)) {
      asy_raise_value(vm, e);
      return false;
    }
    return true;
  }
  /* Suspended: what did it yield? */
  if (IS_NONE(result)) { /* a bare yield: sleep(0) */
    schedule_step(vm, t, UNDEF_VAL);
    return true;
  }
  int blocking = -1; /* -1: not a future */
  if (IS_OBJ_TYPE(result, OBJ_FUTURE)) {
    blocking = AS_FUTURE(result)->blocking;
  } else {
    Value b = asy_getattr_opt(vm, result, name_of(vm, "_asyncio_future_blocking"));
    if (IS_EXC(b)) return false;
    if (!IS_UNDEF(b) && !IS_NONE(b)) {
      blocking = asy_truthy(vm, b);
      if (blocking < 0) return false;
    }
  }
  if (blocking < 0) {
    Value r = asy_repr(vm, result);
    if (IS_EXC(r)) return false;
    return step_later_with_error(
        vm, t, OBJ_VAL(asy_str_printf(vm, "Task got bad yield: %s", AS_STR(r)->chars)));
  }
  if (!blocking) {
    Value rt = asy_repr(vm, OBJ_VAL(t));
    if (IS_EXC(rt)) return false;
    asy_push_root(vm, rt);
    Value rr = asy_repr(vm, result);
    if (IS_EXC(rr)) return false;
    return step_later_with_error(
        vm, t,
        OBJ_VAL(asy_str_printf(vm, "yield was used instead of yield from in task %s with %s",
                               AS_STR(rt)->chars, AS_STR(rr)->chars)));
  }
  if (AS_OBJ(result) == (Obj *)t) {
    Value rt = asy_repr(vm, OBJ_VAL(t));
    if (IS_EXC(rt)) return false;
    return step_later_with_error(
        vm, t, OBJ_VAL(asy_str_printf(vm, "Task cannot await on itself: %s", AS_STR(rt)->chars)));
  }
  if (IS_OBJ_TYPE(result, OBJ_FUTURE)) {
    AS_FUTURE(result)->blocking = false;
    if (IS_EXC(asy_future_add_done_callback(vm, AS_FUTURE(result), OBJ_VAL(t), t->context)))
      return false;
  } else {
    if (!asy_setattr(vm, result, name_of(vm, "_asyncio_future_blocking"), FALSE_VAL)) return false;
    /* A foreign future: wake through the bound task_wakeup, in the task's context. */
    Value wake = asy_getattr(vm, OBJ_VAL(t), name_of(vm, "task_wakeup"));
    if (IS_EXC(wake)) return false;
    asy_push_root(vm, wake);
    Value meth = asy_getattr(vm, result, name_of(vm, "add_done_callback"));
    if (IS_EXC(meth)) return false;
    asy_push_root(vm, meth);
    ObjDict *kw = asy_dict_new(vm);
    asy_push_root(vm, OBJ_VAL(kw));
    asy_dict_set_str(vm, kw, name_of(vm, "context"), t->context);
    if (IS_EXC(asy_call(vm, meth, 1, &wake, kw))) return false;
  }
  t->fut_waiter = result;
  if (t->must_cancel) {
    int r = asy_future_cancel_any(vm, result, t->cancel_message);
    if (r < 0) return false;
    if (r) t->must_cancel = false;
  }
  return true;
}

static bool task_step(VM *vm, ObjFuture *t, Value exc) {
  size_t mark = asy_temp_mark(vm);
  asy_push_root(vm, OBJ_VAL(t));
  if (t->state != FUT_PENDING) {
    Value rt = asy_repr(vm, OBJ_VAL(t));
    if (IS_EXC(rt)) return false;
    Value re = asy_repr(vm, IS_UNDEF(exc) ? NONE_VAL : exc);
    if (IS_EXC(re)) return false;
    asy_raise(vm, vm->exc.InvalidStateError, "_step(): already done: %s, %s", AS_STR(rt)->chars,
              AS_STR(re)->chars);
    return false;
  }
  if (t->must_cancel) {
    if (IS_UNDEF(exc) || !asy_isinstance(vm, exc, vm->exc.CancelledError)) {
      exc = asy_future_cancelled_error(vm, t);
      if (IS_EXC(exc)) return false;
      asy_push_root(vm, exc);
    }
    t->must_cancel = false;
  }
  t->fut_waiter = NONE_VAL;
  if (!IS_NONE(vm->loop.current_task)) {
    Value rt = asy_repr(vm, OBJ_VAL(t));
    if (IS_EXC(rt)) return false;
    asy_push_root(vm, rt);
    Value rc = asy_repr(vm, vm->loop.current_task);
    if (IS_EXC(rc)) return false;
    asy_raise(vm, vm->exc.RuntimeError,
              "Cannot enter into task %s while another task %s is being executed.",
              AS_STR(rt)->chars, AS_STR(rc)->chars);
    return false;
  }
  Value prev_context = vm->loop.context;
  asy_push_root(vm, prev_context);
  vm->loop.context = t->context;
  vm->loop.current_task = OBJ_VAL(t);
  if (vm->observe) asy_trace_step(vm, t, exc);
  AsyStepStart began = {0, 0};
  if (vm->debug) began = asy_diagnose_step_begin(vm, t, exc);
  bool ok = step_run(vm, t, exc);
  if (vm->debug) asy_diagnose_step_end(vm, t, began);
  if (vm->observe) {
    if (t->state != FUT_PENDING) asy_trace_finished(vm, t);
    else asy_trace_suspended(vm, t);
  }
  vm->loop.current_task = NONE_VAL;
  vm->loop.context = prev_context;
  asy_temp_reset(vm, mark);
  return ok;
}

/* The task's wake-up: the future it waited on is done. The step runs outside any
** except block, so the coroutine does not resume with the future's exception as the
** one being handled (CPython's C task). */
static bool task_wakeup(VM *vm, ObjFuture *t, Value fut) {
  Value exc = UNDEF_VAL;
  if (IS_OBJ_TYPE(fut, OBJ_FUTURE)) {
    Value r = asy_future_result(vm, AS_FUTURE(fut));
    if (!IS_EXC(r)) return task_step(vm, t, UNDEF_VAL);
  } else {
    Value r = asy_call_method(vm, fut, name_of(vm, "result"), 0, NULL);
    if (!IS_EXC(r)) return task_step(vm, t, UNDEF_VAL);
  }
  exc = asy_pending(vm);
  asy_clear_pending(vm);
  size_t mark = asy_temp_mark(vm);
  asy_push_root(vm, exc);
  bool ok = task_step(vm, t, exc);
  asy_temp_reset(vm, mark);
  return ok;
}

bool asy_task_run_handle(VM *vm, ObjHandle *h) {
  ObjFuture *t = AS_FUTURE(h->callback);
  ObjTuple *args = AS_TUPLE(h->args);
  if (h->kind == HANDLE_TASK_WAKEUP) return task_wakeup(vm, t, args->items[0]);
  bool ok = task_step(vm, t, args->size ? args->items[0] : UNDEF_VAL);
  /* Nobody else can hold a step's handle unless its error was reported (the loop's
  ** exception handler sees it): then it is not reused. */
  if (ok && t->state == FUT_PENDING && !t->spare_step) t->spare_step = h;
  return ok;
}

/* ---- the collector's view ---------------------------------------------------------- */

void asy_future_mark(VM *vm, ObjFuture *f) {
  Value vs[] = {f->loop,          f->result, f->exception,  f->cancel_message,
                f->cancelled_exc, f->cb0,    f->cb0_context};
  for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++)
    if (IS_OBJ(vs[i])) asy_gc_mark_obj(vm, AS_OBJ(vs[i]));
  if (f->is_task) {
    Value ts[] = {f->coro, f->context, f->name, f->fut_waiter};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
      if (IS_OBJ(ts[i])) asy_gc_mark_obj(vm, AS_OBJ(ts[i]));
  }
  if (f->is_task && f->spare_step) asy_gc_mark_obj(vm, (Obj *)f->spare_step);
  if (f->callbacks) asy_gc_mark_obj(vm, (Obj *)f->callbacks);
  if (f->attrs) asy_gc_mark_obj(vm, (Obj *)f->attrs);
}

void asy_future_release(VM *vm, ObjFuture *f) {
  if (f->is_task) task_unregister(vm, f);
}
