/*
** gil.h — threads: the interpreter lock, each thread's running state, and the worker
** pool behind asyncio.to_thread / run_in_executor (CPython's GIL and ThreadPoolExecutor).
**
** Script code runs in one thread at a time. The thread holding the lock lets go of it
** when another has waited a switch interval (5 ms, CPython's default) — at the loop's
** back-edges and between event-loop iterations, through the same cheap test as Ctrl-C
** (ASY_INTERRUPTED) — and around every blocking system call (sleeps, the loop's wait,
** file reads and writes). Letting go saves what belongs to the thread (its fiber with
** frames and pending exception, the C-call depth, the GC's temporary roots, the current
** context and task) and taking the lock back restores it, so the rest of the VM needs no
** locking: the collector only ever runs in the lock's holder, which is the stop-the-world
** safe point for free.
**
** Until the first worker starts nothing is locked and every call here is a test of one
** pointer, so a program without threads pays nothing.
**
** Workers report a finished job to the loop through its wake-up pipe: the job's result
** becomes a callback on the ready ring, run by the loop thread. Under --virtual-time the
** clock does not jump while a worker is running; a worker's time.sleep is a virtual
** sleep the loop wakes by jumping to its deadline when nothing else can move.
*/
#ifndef ASY_GIL_H
#define ASY_GIL_H

#include <stdbool.h>

#include "vm/value.h"

typedef struct VM VM;
typedef struct AsyThreadState AsyThreadState;

/* True on the thread that created the VM (it runs the event loop and handles signals),
** and whenever no worker exists. */
bool asy_gil_on_main_thread(VM *vm);
/* Let go of the lock before a blocking call; returns what asy_gil_restore needs (NULL
** when there are no threads: then both are no-ops). Touch no object until restored. */
AsyThreadState *asy_gil_release(VM *vm);
/* Take the lock back after a blocking call and restore this thread's state (errno
** stays the blocking call's). */
void asy_gil_restore(VM *vm, AsyThreadState *ts);
/* A waiting thread asked for the lock (vm->gil_drop_request): let it run, then take the
** lock back. Called at safe points only (signals.c's check). */
void asy_gil_yield(VM *vm);

/* Run fn(*args, **kwargs) (kwargs: a dict or None) in context on a pool thread; when it
** ends, on_done(future, ok, value) is called by the loop thread, where ok is True with
** the result or False with the exception. False with an exception pending when no
** thread could be started. */
bool asy_threads_submit(VM *vm, Value future, Value fn, Value args, Value kwargs, Value context,
                        Value on_done);
/* Jobs submitted and not yet handed back to the loop: while there are any, the loop
** waits on its poller for their wake-ups instead of reporting itself idle. */
int asy_threads_busy(VM *vm);
/* Virtual time: true when no worker can move before the clock does (every started job
** is in a virtual time.sleep and no idle worker is about to take a queued one), so the
** clock may jump; *deadline (negative: none) gets the earliest sleeper's wake-up when
** that is sooner. */
bool asy_threads_may_jump(VM *vm, double *deadline);
/* Virtual time: release the sleepers whose deadline the clock has reached. */
void asy_threads_wake_sleepers(VM *vm);
/* A worker's time.sleep under --virtual-time: wait, without the lock, until the loop
** moves the clock to now + secs. */
void asy_threads_virtual_sleep(VM *vm, double secs);
/* Finish the running jobs and join every worker (before the VM is freed, and at the
** end of asyncio.run: loop.shutdown_default_executor). */
void asy_threads_shutdown(VM *vm);

#endif
