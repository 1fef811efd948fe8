/*
** signals.h — Ctrl-C (SIGINT) as CPython handles it.
**
** The C handler only records the signal; the interpreter acts on it at safe points:
** loop back-edges, the event loop between iterations and while it waits, and sleeps.
** There, with no asyncio main task running, it raises KeyboardInterrupt (CPython's
** default_int_handler). While asyncio.run's main task runs, the first Ctrl-C cancels
** that task instead, so `finally` blocks and `__aexit__` run and asyncio.run turns the
** cancellation into KeyboardInterrupt; a second Ctrl-C raises KeyboardInterrupt at once
** (asyncio.Runner._on_sigint).
**
** loop.add_signal_handler hands a signal to the event loop instead: the C handler marks
** it caught and writes to the poller's wake-up pipe; the loop, which waits on the poller
** while any signal is handed to it, passes each caught signal to asyncio's hook at the
** start of its next iteration, and the hook schedules the Python callback.
*/
#ifndef ASY_SIGNALS_H
#define ASY_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

#include "vm/value.h"

typedef struct VM VM;

#define ASY_NSIG 65 /* signal numbers 1..64 (Linux, real-time ones included) */

typedef struct AsySignals {
  volatile sig_atomic_t pending; /* SIGINTs not acted on yet */
  int cancels;                   /* SIGINTs turned into a main-task cancel this run */
  Value main_task;               /* asyncio.run's main task, or UNDEF */
  volatile sig_atomic_t quit;    /* SIGQUIT (Ctrl-\) not acted on yet */
  volatile sig_atomic_t ps;      /* SIGUSR1: `asy --ps PID` asks for the task table */
  Value tree_hook;               /* asyncio's: print the task tree (UNDEF: none) */
  Value ps_hook;                 /* asyncio's: write the task table to a path (UNDEF: none) */
  volatile sig_atomic_t caught[ASY_NSIG]; /* loop-handled signals not dispatched yet */
  volatile sig_atomic_t any_caught;
  bool to_loop[ASY_NSIG]; /* handed to the event loop by add_signal_handler */
  int loop_count;         /* how many are */
  Value loop_hook;        /* asyncio's: called with the number of a caught signal */
} AsySignals;

/* Install the SIGINT handler for this VM (the process has one; the last VM wins). */
void asy_signals_install(VM *vm);
/* Act on a pending SIGINT at a safe point: false with KeyboardInterrupt pending, or
** true (nothing pending, or the main task was cancelled). Also lets another thread
** take the interpreter lock when it asked; signals are acted on by the main thread only. */
bool asy_signals_check(VM *vm);
/* Also write a byte to fd on each SIGINT (-1: stop), so a poller blocked on it wakes
** even when the signal came just before it started to wait. */
void asy_signals_set_wake_fd(int fd);
/* Act on a pending Ctrl-\ (SIGQUIT): print every task's tree through asyncio's hook
** and go on, as the loop does at its safe points; and on `asy --ps PID`'s SIGUSR1:
** write the task table to asy_signals_ps_path(getpid()) for it to read. */
void asy_signals_check_quit(VM *vm);
/* Where process pid leaves its task table for `asy --ps` (a static buffer). */
const char *asy_signals_ps_path(long pid);
/* Hand sig to the event loop (on) or give it back (off: SIGINT, SIGQUIT and SIGUSR1
** return to the interpreter's own handling, others to SIG_DFL). False with errno set
** when sigaction fails. */
bool asy_signals_to_loop(VM *vm, int sig, bool on);
/* True when a loop-handled signal waits to be dispatched. */
#define asy_signals_caught(vm) ((vm)->signals.any_caught != 0)
/* Pass each caught loop-handled signal to loop_hook; false with its exception pending. */
bool asy_signals_dispatch(VM *vm);
/* Mark main_task (gc.c). */
void asy_signals_mark(VM *vm);

/* True when a SIGINT is waiting or another thread wants the interpreter lock (gil.h):
** the cheap test for the interpreter's back-edges. */
#define ASY_INTERRUPTED(vm) \
  (((vm)->signals.pending | __atomic_load_n(&(vm)->gil_drop_request, __ATOMIC_RELAXED)) != 0)

#endif
