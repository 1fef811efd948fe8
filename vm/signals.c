/*
** signals.c — SIGINT handling (see signals.h).
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vm/gc.h"
#include "vm/obj/str.h"
#include "vm/gil.h"
#include "vm/signals.h"
#include "vm/vm.h"

/* Signals are process-wide: the handler reaches the flag of the VM that installed it. */
static volatile sig_atomic_t *sigint_flag, *sigquit_flag, *sigusr1_flag;
static volatile sig_atomic_t wake_fd = -1;

void asy_signals_set_wake_fd(int fd) { wake_fd = fd; }

/* Record the signal, and wake a poller blocked in epoll_wait (a full pipe already does). */
static void on_signal(int sig) {
  if (sig == SIGINT && sigint_flag) (*sigint_flag)++;
  if (sig == SIGQUIT && sigquit_flag) *sigquit_flag = 1;
  if (sig == SIGUSR1 && sigusr1_flag) *sigusr1_flag = 1;
  if (wake_fd >= 0) {
    int saved = errno;
    char c = 0;
    ssize_t r = write(wake_fd, &c, 1);
    (void)r;
    errno = saved;
  }
}

/* Handle sig with on_signal, unless the process was started with it ignored (a background
** job of a script keeps SIGINT and SIGQUIT ignored, as CPython leaves them). No
** SA_RESTART: a sleep or wait returns early to look at the signal. */
static void catch_signal(int sig) {
  struct sigaction old, sa;
  if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN) return;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

void asy_signals_install(VM *vm) {
  vm->signals.pending = 0;
  vm->signals.cancels = 0;
  vm->signals.main_task = UNDEF_VAL;
  vm->signals.quit = vm->signals.ps = 0;
  vm->signals.tree_hook = vm->signals.ps_hook = UNDEF_VAL;
  sigint_flag = &vm->signals.pending;
  sigquit_flag = &vm->signals.quit;
  sigusr1_flag = &vm->signals.ps;
  catch_signal(SIGINT);  /* Ctrl-C: KeyboardInterrupt, or cancel the main task */
  catch_signal(SIGQUIT); /* Ctrl-\: print the task tree and go on */
  catch_signal(SIGUSR1); /* `asy --ps PID` asks for the task table */
}

bool asy_signals_check(VM *vm) {
  if (__atomic_load_n(&vm->gil_drop_request, __ATOMIC_RELAXED)) asy_gil_yield(vm);
  if (!vm->signals.pending || !asy_gil_on_main_thread(vm)) return true;
  vm->signals.pending = 0;
  Value task = vm->signals.main_task;
  if (!IS_UNDEF(task) && vm->signals.cancels == 0) {
    vm->signals.cancels++;
    Value r = asy_call_method(vm, task, asy_str_intern(vm, "cancel", 6), 0, NULL);
    return !IS_EXC(r);
  }
  asy_raise_value(vm, OBJ_VAL(vm->exc.KeyboardInterrupt));
  return false;
}

const char *asy_signals_ps_path(long pid) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/asy-%ld.tasks", pid);
  return path;
}

void asy_signals_check_quit(VM *vm) {
  if (vm->signals.ps) {
    vm->signals.ps = 0;
    if (!IS_UNDEF(vm->signals.ps_hook)) {
      Value saved = vm->fiber->exc;
      Value path = OBJ_VAL(asy_str_cstr(vm, asy_signals_ps_path((long)getpid())));
      if (IS_EXC(asy_call(vm, vm->signals.ps_hook, 1, &path, NULL))) vm->fiber->exc = saved;
    }
  }
  if (!vm->signals.quit) return;
  vm->signals.quit = 0;
  if (IS_UNDEF(vm->signals.tree_hook)) return;
  Value saved = vm->fiber->exc;
  Value r = asy_call(vm, vm->signals.tree_hook, 0, NULL, NULL);
  if (IS_EXC(r)) vm->fiber->exc = saved; /* a report that fails must not end the program */
}

void asy_signals_mark(VM *vm) {
  asy_gc_mark_value(vm, vm->signals.main_task);
  asy_gc_mark_value(vm, vm->signals.tree_hook);
  asy_gc_mark_value(vm, vm->signals.ps_hook);
}
