/*
** diagnose.h — `asy --debug`: teaching diagnostics on stderr, off by default so a
** default run prints only what CPython prints.
**
** They name the task and the line, and say what to do instead:
**   - a task that caught a CancelledError and went on (returned normally, or awaited
**     something else) without re-raising it or calling uncancel();
**   - a task step that held the loop over 100 ms without awaiting;
**   - a blocking call (time.sleep) inside a task.
** (The deadlock report, also on with --debug, is asyncio's _deadlock_report.)
*/
#ifndef ASY_DIAGNOSE_H
#define ASY_DIAGNOSE_H

#include "vm/vm.h"

/* A step's start on both clocks: CPU work moves only the real one, a blocking sleep on
** the virtual clock only the loop's (kept by the caller, so nested eager steps keep theirs). */
typedef struct {
  double loop, real;
} AsyStepStart;

/* Around a task step (vm/future.c): exc is what the step throws in (UNDEF: none). */
AsyStepStart asy_diagnose_step_begin(VM *vm, ObjFuture *t, Value exc);
void asy_diagnose_step_end(VM *vm, ObjFuture *t, AsyStepStart began);
/* A blocking call named `what` (e.g. "time.sleep(0.5)") is about to run. */
void asy_diagnose_blocking(VM *vm, const char *what);

#endif
