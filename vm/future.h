/*
** future.h — asyncio's Future and Task as C objects on the event loop (CPython's
** _asynciomodule.c shape, written anew).
**
** A future (ObjFuture, object.h) is pending, cancelled or finished; its done callbacks
** are scheduled on the loop's ready ring in registration order when it completes. A
** task is a future that drives a coroutine: each step is a loop handle that resumes
** the coroutine (send, or throw of an exception) inside the task's context, with the
** task as the current task. When the coroutine suspends on a future, the task adds
** itself as that future's done callback (its wake-up) and waits; on a bare `yield`
** (sleep(0)) it schedules its next step at once. So awaiting never recurses in C: a
** step resumes the whole await chain inline in one loop and returns when it suspends.
** The scheduling order is CPython's: a first step through call_soon, wake-ups through
** the ready ring, one step per ready handle.
**
** Live tasks form a weak list in creation order (asyncio.all_tasks): the collector
** unlinks a task it frees, as CPython's weak set of tasks forgets it.
** The Python face (methods, properties, repr) is stdlib/asyncio_core.c; parts the loop
** object owns (exception handler, repr of futures) are reached through hooks it sets.
*/
#ifndef ASY_FUTURE_H
#define ASY_FUTURE_H

#include "vm/interp.h"

typedef enum { FUT_PENDING, FUT_CANCELLED, FUT_FINISHED } AsyFutureState;

/* What a loop handle runs (ObjHandle.kind). */
typedef enum {
  HANDLE_CALL,        /* callback(*args) */
  HANDLE_TASK_STEP,   /* callback is a task: its next step, args () or (exc,) */
  HANDLE_TASK_WAKEUP, /* callback is a task: the future in args (1 item) is done */
} AsyHandleKind;

/* The hooks asyncio sets (asyncio_core.c's set_hooks), called from C. */
typedef enum {
  FUT_HOOK_GET_EVENT_LOOP, /* () -> the loop a future made without one belongs to */
  FUT_HOOK_REPR,           /* (future) -> its repr (CPython's base_futures._future_repr) */
  FUT_HOOK_COUNT
} AsyFutureHook;

/* A new pending future (or, with is_task, an uninitialised task) of class cls. */
ObjFuture *asy_future_new(VM *vm, ObjClass *cls);
/* Its allocated size: a plain future has no task fields. */
size_t asy_future_size(const ObjFuture *f);
/* Give a new future its loop (None: the hook's event loop). False with an exception. */
bool asy_future_init(VM *vm, ObjFuture *f, Value loop);

/* result() / exception() with CPython's errors; mark the exception retrieved. */
Value asy_future_result(VM *vm, ObjFuture *f);
Value asy_future_exception(VM *vm, ObjFuture *f);
/* set_result / set_exception (InvalidStateError when done). NONE_VAL or EXC_VAL. */
Value asy_future_set_result(VM *vm, ObjFuture *f, Value result);
Value asy_future_set_exception(VM *vm, ObjFuture *f, Value exc);
/* Future.cancel(msg): true if it was pending and now is cancelled. */
bool asy_future_cancel(VM *vm, ObjFuture *f, Value msg);
/* The CancelledError a cancelled future raises (its saved one, or a new one). */
Value asy_future_cancelled_error(VM *vm, ObjFuture *f);
/* add_done_callback(fn, context=ctx): ctx None means a copy of the current context. */
Value asy_future_add_done_callback(VM *vm, ObjFuture *f, Value fn, Value ctx);
/* remove_done_callback(fn): how many were removed, -1 with an exception. */
int asy_future_remove_done_callback(VM *vm, ObjFuture *f, Value fn);
/* The done callbacks as a list of (fn, context) tuples (a task's wake-up shows as its
** bound task_wakeup method). */
Value asy_future_callbacks(VM *vm, ObjFuture *f);
/* The exception was looked at: no "exception was never retrieved" report. */
void asy_future_retrieved(VM *vm, ObjFuture *f);
/* The collector found f unreachable (finalize.c): report an unretrieved exception or a
** pending task destroyed, through the loop's exception handler. */
Value asy_future_finalize(VM *vm, ObjFuture *f);
/* Would asy_future_finalize report anything? */
bool asy_future_has_report(ObjFuture *f);

/* `await f`: the iterator SEND drives (a FutureIter). */
Value asy_future_await(VM *vm, ObjFuture *f);
/* True if it is a FutureIter. */
bool asy_is_future_iter(Value v);
/* One send into a FutureIter: SUSPENDED yielding the future (first time, pending),
** RETURNED with its result when done, RAISED otherwise. */
AsyRunStatus asy_future_iter_send(VM *vm, Value it, Value *result);
/* The same on the future itself: `await` of a Future or Task drives the future
** directly (no FutureIter is made); a throw() into the awaiting frame raises there. */
AsyRunStatus asy_future_send(VM *vm, ObjFuture *f, Value *result);

/* Task.__init__: bind the coroutine, name, context; schedule the first step (or run it
** now when eager and the loop runs). False with an exception pending. */
bool asy_task_init(VM *vm, ObjFuture *t, Value coro, Value loop, Value name, Value context,
                   bool eager);
/* Task.cancel(msg) and uncancel(). */
bool asy_task_cancel(VM *vm, ObjFuture *t, Value msg);
int asy_task_uncancel(ObjFuture *t);
/* The task's name ("Task-N" when none was given). */
Value asy_task_name(VM *vm, ObjFuture *t);
/* Run one handle of kind HANDLE_TASK_STEP / HANDLE_TASK_WAKEUP. False with an exception
** pending when it must leave the loop (KeyboardInterrupt, SystemExit, a bad state). */
bool asy_task_run_handle(VM *vm, ObjHandle *h);
/* The live (not done) tasks in creation order, as a new list. */
Value asy_task_all(VM *vm);
/* The cancel that counts for a future: Task.cancel for tasks, the class's own `cancel`
** for subclasses that define one, else Future.cancel. -1 with an exception pending. */
int asy_future_cancel_any(VM *vm, Value fut, Value msg);

/* The GC's view (gc.c): mark the fields; unlink a freed task from the live list. */
void asy_future_mark(VM *vm, ObjFuture *f);
void asy_future_release(VM *vm, ObjFuture *f);

#endif
