/*
** signals.c — SIGINT handling (see signals.h).
*/
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "vm/gc.h"
#include "vm/signals.h"
#include "vm/vm.h"

/* Signals are process-wide: the handler reaches the flag of the VM that installed it. */
static volatile sig_atomic_t *sigint_flag;
static volatile sig_atomic_t wake_fd = -1;

static void on_sigint(int sig) {
  (void)sig;
  if (sigint_flag) (*sigint_flag)++;
  if (wake_fd >= 0) {
    int saved = errno;
    char c = 0;
    ssize_t r = write(wake_fd, &c, 1); /* a full pipe already wakes the poller */
    (void)r;
    errno = saved;
  }
}

void asy_signals_set_wake_fd(int fd) { wake_fd = fd; }

static volatile sig_atomic_t *sigquit_flag;

static void on_sigquit(int sig) {
  (void)sig;
  if (sigquit_flag) *sigquit_flag = 1;
  if (wake_fd >= 0) {
    int saved = errno;
    char c = 0;
    ssize_t r = write(wake_fd, &c, 1);
    (void)r;
    errno = saved;
  }
}

void asy_signals_install(VM *vm) {
  vm->signals.pending = 0;
  vm->signals.cancels = 0;
  vm->signals.main_task = UNDEF_VAL;
  vm->signals.quit = 0;
  vm->signals.tree_hook = UNDEF_VAL;
  sigint_flag = &vm->signals.pending;
  sigquit_flag = &vm->signals.quit;
  /* Ctrl-\ prints the task tree and the program goes on (unless SIGQUIT is ignored). */
  struct sigaction oldq;
  if (sigaction(SIGQUIT, NULL, &oldq) == 0 && oldq.sa_handler != SIG_IGN) {
    struct sigaction qa;
    memset(&qa, 0, sizeof qa);
    qa.sa_handler = on_sigquit;
    sigemptyset(&qa.sa_mask);
    sigaction(SIGQUIT, &qa, NULL);
  }
  /* A process started with SIGINT ignored (a background job of a script) keeps it
  ** ignored, as CPython does. */
  struct sigaction old;
  if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler == SIG_IGN) return;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: a sleep or wait returns early to look at it */
  sigaction(SIGINT, &sa, NULL);
}

bool asy_signals_check(VM *vm) {
  if (!vm->signals.pending) return true;
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

void asy_signals_check_quit(VM *vm) {
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
}
