/*
** trace.h — `asy --trace`: a narrated log of what the tasks do, one line per event on
** stderr (the format is documented in docs/TRACE.md).
**
**     0.000  Task-2      created by Task-1 in group 1 at shop.asy:14
**     0.000    Task-2    sleeps until 0.500 at shop.asy:6
**
** Columns: the loop's clock (virtual or real, from the start of the run), the task
** indented by how many task groups enclose it, then the event. The engine reports task
** events (vm/future.c); the asyncio library reports group, timeout and shield events
** through _asyncio.trace(). With tracing off every hook is one test of vm->trace.
*/
#ifndef ASY_TRACE_H
#define ASY_TRACE_H

#include "vm/vm.h"

/* Turn tracing on for this VM (the clock's origin is now). */
void asy_trace_enable(VM *vm);
/* Before the program writes to the terminal's streams: the trace lines so far go out
** first, and a later line will flush what goes to stdout before itself, so program
** output and trace lines interleave in the order they happened. Lines are buffered in
** between (a trace of a million task switches stays cheap). */
void asy_trace_console(VM *vm, bool to_stdout);
/* Write out the buffered lines (at exit) and free the buffer. */
void asy_trace_finish(VM *vm);

/* A task was created (with the group it belongs to, if asyncio announced one). */
void asy_trace_task_created(VM *vm, ObjFuture *t);
/* A task step begins: started, resumed, or resumed with exc thrown in. */
void asy_trace_step(VM *vm, ObjFuture *t, Value exc);
/* A step ended with the coroutine suspended: on what it waits. */
void asy_trace_suspended(VM *vm, ObjFuture *t);
/* "file:line" of the innermost program frame (not the library's) now running, or "". */
void asy_trace_where_now(VM *vm, char *out, size_t n);
/* A task's asyncio name ("Task-3", or its name=); "main" for no task. */
const char *asy_trace_task_name(VM *vm, Value task);
/* What suspended task t waits on, in the log's words ("sleeps until 1.000 at f.asy:7"):
** also the deadlock report's. */
void asy_trace_describe_wait(VM *vm, ObjFuture *t, char *out, size_t n);
/* The task finished: returned, raised or was cancelled. */
void asy_trace_finished(VM *vm, ObjFuture *t);
/* cancel(msg) was requested of a pending task. */
void asy_trace_cancel(VM *vm, ObjFuture *t, Value msg);
/* asyncio's own events (group aborting/exiting, timeout, shield): text from the library
** about task t (None: the current task). */
void asy_trace_note(VM *vm, Value t, const char *text);
/* The next task created belongs to a group of this depth and label (asyncio's
** TaskGroup.create_task announces it). */
void asy_trace_group_next(VM *vm, int depth, int group);

#endif
