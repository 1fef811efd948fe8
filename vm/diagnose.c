/*
** diagnose.c — `asy --debug` diagnostics (see diagnose.h).
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vm/diagnose.h"
#include "vm/future.h"
#include "vm/gen.h"
#include "vm/loop.h"
#include "vm/trace.h"

static double real_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *task_label(VM *vm, ObjFuture *t) { return asy_trace_task_name(vm, OBJ_VAL(t)); }

static void say(VM *vm, const char *text) {
  if (vm->trace) asy_trace_console(vm, false);
  if (vm->before_console_write) vm->before_console_write(vm);
  fflush(stdout);
  fprintf(stderr, "asy --debug: %s\n", text);
  fflush(stderr);
}

/* Is the task still handling the CancelledError, or suspended in asyncio code that
** catches one on purpose and
** waits on (a TaskGroup or timeout exiting, wait_for cancelling its inner task, a
** Condition re-acquiring its lock)? Then nothing was swallowed by the program. */
static bool library_handles_cancel(VM *vm, ObjFuture *t) {
  static const char *const handlers[] = {"TaskGroup.__aexit__", "Timeout.__aexit__", "wait_for",
                                         "_cancel_and_wait", "Condition.wait", "Barrier.wait",
                                         "Barrier._block", "Barrier._wait", NULL};
  Value v = t->coro;
  while (IS_OBJ_TYPE(v, OBJ_GEN)) {
    ObjGen *g = AS_GEN(v);
    /* Still inside the except/finally that handles it (a clean-up that awaits before
    ** re-raising): not swallowed, at least not yet. */
    if (!IS_UNDEF(g->exc_state) && asy_isinstance(vm, g->exc_state, vm->exc.CancelledError))
      return true;
    for (int i = 0; g->qualname && handlers[i]; i++)
      if (strcmp(g->qualname->chars, handlers[i]) == 0) return true;
    v = asy_gen_delegate(g);
  }
  return false;
}

AsyStepStart asy_diagnose_step_begin(VM *vm, ObjFuture *t, Value exc) {
  t->cancel_caught = !IS_UNDEF(exc) && asy_isinstance(vm, exc, vm->exc.CancelledError);
  return (AsyStepStart){asy_loop_time(vm), real_now()};
}

void asy_diagnose_step_end(VM *vm, ObjFuture *t, AsyStepStart began) {
  char text[600];
  double held = asy_loop_time(vm) - began.loop, real = real_now() - began.real;
  if (real > held) held = real;
  if (held > 0.1) {
    if (t->state == FUT_PENDING) {
      char wait[400];
      asy_trace_describe_wait(vm, t, wait, sizeof wait);
      snprintf(text, sizeof text,
               "%s held the loop for %.1f s without awaiting (its step ended when it %s); "
               "every other task waited meanwhile",
               task_label(vm, t), held, wait);
    } else {
      snprintf(text, sizeof text,
               "%s held the loop for %.1f s without awaiting; every other task waited meanwhile",
               task_label(vm, t), held);
    }
    say(vm, text);
  }
  if (!t->cancel_caught) return;
  t->cancel_caught = false;
  /* The step began with a CancelledError thrown in. If the task then ended normally, or
  ** suspended again, while the cancellation still counts, it was swallowed. */
  if (t->num_cancels_requested == 0 || t->must_cancel) return;
  if (t->state == FUT_FINISHED && (IS_UNDEF(t->exception) || IS_NONE(t->exception))) {
    snprintf(text, sizeof text,
             "%s swallowed a cancellation: it caught CancelledError and returned normally; "
             "re-raise it (or call uncancel() if the cancel is really handled)",
             task_label(vm, t));
    say(vm, text);
  } else if (t->state == FUT_PENDING && !library_handles_cancel(vm, t)) {
    char wait[400];
    asy_trace_describe_wait(vm, t, wait, sizeof wait);
    snprintf(text, sizeof text,
             "%s swallowed a cancellation: it caught CancelledError and went on (it %s); "
             "re-raise it (or call uncancel() if the cancel is really handled)",
             task_label(vm, t), wait);
    say(vm, text);
  }
}

void asy_diagnose_blocking(VM *vm, const char *what) {
  if (!IS_OBJ_TYPE(vm->loop.current_task, OBJ_FUTURE)) return;
  char text[400], where[200];
  asy_trace_where_now(vm, where, sizeof where);
  snprintf(text, sizeof text,
           "blocking call %s in %s%s%s: the loop and every other task stop meanwhile; "
           "use `await asyncio.sleep()` (or asyncio.to_thread for blocking work)",
           what, task_label(vm, AS_FUTURE(vm->loop.current_task)), where[0] ? " at " : "",
           where);
  say(vm, text);
}
