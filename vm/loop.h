/*
** loop.h — the event loop's queues: the engine half of asyncio (Janet's ev.c shape).
**
** One loop per interpreter, rooted from the VM (gc.c marks every queued handle):
**   ready  a FIFO ring of handles to run in the next iteration (call_soon);
**   timers a binary min-heap of timer handles ordered by (deadline, scheduling order),
**          libuv's tie-break, so equal deadlines fire in the order they were set.
** asy_loop_run_once is CPython's BaseEventLoop._run_once: drop cancelled timers at the
** head, wait (real time: until the next deadline; virtual time: jump the clock to it;
** with fds watched or signals handed to the loop, on the poller, where an external fd
** keeps the virtual clock at real speed, poller.h),
** move every timer due by then to the ready ring, then run exactly the handles that
** were ready when the iteration began — callbacks scheduled meanwhile wait for the next
** iteration. That is what makes `sleep(0)` yield exactly one iteration and orders
** tasks as CPython does. The Python-visible loop, futures and tasks are built on this
** (stdlib/asyncio_core.c and the asyncio module).
*/
#ifndef ASY_LOOP_H
#define ASY_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/value.h"

typedef struct VM VM;
struct ObjHandle;

typedef struct AsyLoop {
  struct ObjHandle **ready; /* ring buffer */
  size_t ready_head, ready_count, ready_cap;
  struct ObjHandle **timers; /* min-heap */
  size_t timer_count, timer_cap, timers_cancelled;
  uint64_t seq;
  Value error_hook; /* callable(handle, exc) for exceptions in callbacks, or UNDEF */
  Value context;    /* the current contextvars.Context (UNDEF before contextvars runs) */
  Value current_task;                      /* the task whose step runs, or NONE */
  Value hooks[2];                          /* AsyFutureHook (future.h), UNDEF when unset */
  Value context_var_class;                 /* contextvars.ContextVar (obj/context.c) */
  Value no_args;                           /* () shared by the handles of plain task steps */
  struct ObjFuture *tasks_head, *tasks_tail; /* live tasks, creation order (weak) */
  uint64_t task_counter;                   /* for "Task-N" names */
  int epfd;                                /* epoll (poller.c), 0 until a reader is added */
  int wake[2];                             /* its Ctrl-C wake-up pipe */
  struct AsyWatch *watches;                /* by fd (poller.h) */
  int watch_cap, watch_count;              /* its size, the fds watched */
  int external_count;                      /* how many of those are external */
  uint64_t schedule_seed;                  /* --schedule random:SEED (0: FIFO, as CPython) */
} AsyLoop;

/* What one iteration found. */
typedef enum {
  ASY_LOOP_RAN,  /* ran the ready callbacks (maybe none, after waiting) */
  ASY_LOOP_IDLE, /* nothing ready and no timer: only outside events could wake it */
  ASY_LOOP_ERROR /* a callback raised KeyboardInterrupt/SystemExit (pending) */
} AsyLoopStatus;

/* A plain (not yet scheduled) handle for callback(*args) in context. */
struct ObjHandle *asy_loop_new_handle(VM *vm, Value callback, Value args, Value context);
/* Schedule callback(*args) in context (None: run directly) for the next iteration. */
struct ObjHandle *asy_loop_call_soon(VM *vm, Value callback, Value args, Value context);
/* Schedule callback(*args) at loop time `when`. */
struct ObjHandle *asy_loop_call_at(VM *vm, double when, Value callback, Value args, Value context);
/* Queue an existing handle (not in the ring or the heap) to run in the next iteration. */
void asy_loop_push_ready(VM *vm, struct ObjHandle *h);
/* Cancel a handle: it will not run (a timer leaves the heap lazily). */
void asy_loop_cancel(VM *vm, struct ObjHandle *h);
/* The loop's clock (clock.h). */
double asy_loop_time(VM *vm);
/* Run the tasks that are ready in one iteration in a seeded random order
** (--schedule random:SEED; seed 0 restores FIFO). Plain callbacks keep their order
** among themselves (a future's done callbacks run as registered), so no causal order
** breaks: only which ready task steps first changes. */
void asy_loop_set_schedule_seed(VM *vm, uint64_t seed);
/* One iteration (see above). Exceptions from callbacks go to the handler set with
** asy_loop_set_error_hook (or are printed), except KeyboardInterrupt and SystemExit. */
AsyLoopStatus asy_loop_run_once(VM *vm);
/* True if anything is ready or scheduled (watched fds do not count). */
bool asy_loop_has_work(VM *vm);
/* Mark every queued handle (gc.c). */
void asy_loop_mark(VM *vm);
/* Free the queues (vm_free). */
void asy_loop_free(VM *vm);

#endif
