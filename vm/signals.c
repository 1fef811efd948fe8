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
static AsySignals *loop_signals; /* the VM's table of signals handed to its event loop */
static volatile sig_atomic_t wake_fd = -1;

void asy_signals_set_wake_fd(int fd) { wake_fd = fd; }

/* Record the signal, and wake a poller blocked in epoll_wait (a full pipe already does). */
static void on_signal(int sig) {
  if (loop_signals && sig > 0 && sig < ASY_NSIG && loop_signals->to_loop[sig]) {
    loop_signals->caught[sig] = 1;
    loop_signals->any_caught = 1;
  } else if (sig == SIGINT && sigint_flag) {
    (*sigint_flag)++;
  } else if (sig == SIGQUIT && sigquit_flag) {
    *sigquit_flag = 1;
  } else if (sig == SIGUSR1 && sigusr1_flag) {
    *sigusr1_flag = 1;
  }
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
static bool set_handler(int sig, void (*handler)(int)) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  return sigaction(sig, &sa, NULL) == 0;
}

static void catch_signal(int sig) {
  struct sigaction old;
  if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN) return;
  set_handler(sig, on_signal);
}

void asy_signals_install(VM *vm) {
  vm->signals.pending = 0;
  vm->signals.cancels = 0;
  vm->signals.main_task = UNDEF_VAL;
  vm->signals.quit = vm->signals.ps = 0;
  vm->signals.tree_hook = vm->signals.ps_hook = UNDEF_VAL;
  vm->signals.loop_hook = UNDEF_VAL;
  vm->signals.any_caught = 0;
  vm->signals.loop_count = 0;
  for (int i = 0; i < ASY_NSIG; i++) vm->signals.caught[i] = 0, vm->signals.to_loop[i] = false;
  loop_signals = &vm->signals;
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

bool asy_signals_to_loop(VM *vm, int sig, bool on) {
  AsySignals *s = &vm->signals;
  if (s->to_loop[sig] == on) return true;
  bool own = sig == SIGINT || sig == SIGQUIT || sig == SIGUSR1;
  if (on) {
    s->to_loop[sig] = true; /* before the handler: a signal right after goes to the loop */
    if (!set_handler(sig, on_signal)) {
      s->to_loop[sig] = false;
      return false;
    }
  } else {
    if (!own) set_handler(sig, SIG_DFL);
    s->to_loop[sig] = false;
    s->caught[sig] = 0;
  }
  s->loop_count += on ? 1 : -1;
  return true;
}

bool asy_signals_dispatch(VM *vm) {
  AsySignals *s = &vm->signals;
  if (!s->any_caught) return true;
  s->any_caught = 0;
  for (int sig = 1; sig < ASY_NSIG; sig++) {
    if (!s->caught[sig]) continue;
    s->caught[sig] = 0;
    if (!s->to_loop[sig] || IS_UNDEF(s->loop_hook)) continue;
    Value arg = INT_VAL(sig);
    if (IS_EXC(asy_call(vm, s->loop_hook, 1, &arg, NULL))) return false;
  }
  return true;
}

void asy_signals_mark(VM *vm) {
  asy_gc_mark_value(vm, vm->signals.loop_hook);
  asy_gc_mark_value(vm, vm->signals.main_task);
  asy_gc_mark_value(vm, vm->signals.tree_hook);
  asy_gc_mark_value(vm, vm->signals.ps_hook);
}
