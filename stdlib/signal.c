/*
** signal.c — `_signal`: the signal numbers and names, raise_signal, and handing signals
** to the event loop for loop.add_signal_handler (vm/signals.c does the catching; the
** signal module, stdlib/lib/signal.asy, builds Signals on these).
*/
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "stdlib/net_modules.h"
#include "vm/gc.h"
#include "vm/obj/tuple.h"
#include "vm/poller.h"
#include "vm/signals.h"

static bool sig_arg(VM *vm, Value v, int *sig) {
  int64_t i;
  if (!asy_index(vm, v, &i)) return false; /* ints and Signals members */
  if (i < 1 || i >= ASY_NSIG) {
    asy_raise(vm, vm->exc.ValueError, "signal number out of range");
    return false;
  }
  *sig = (int)i;
  return true;
}

/* to_loop(sig, on): hand sig to the event loop (or give it back); OSError when it cannot
** be caught (SIGKILL, SIGSTOP). */
static Value g_to_loop(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int sig;
  if (!sig_arg(vm, args[0], &sig)) return EXC_VAL;
  bool on = asy_truthy(vm, args[1]);
  if (on && (sig == SIGKILL || sig == SIGSTOP)) return asy_std_raise_oserror(vm, EINVAL);
  if (on && !asy_poller_ensure(vm)) return EXC_VAL;
  if (!asy_signals_to_loop(vm, sig, on)) return asy_std_raise_oserror(vm, errno);
  return NONE_VAL;
}

/* set_loop_hook(fn): what the loop calls with each caught signal's number. */
static Value g_set_loop_hook(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  vm->signals.loop_hook = IS_NONE(args[0]) ? UNDEF_VAL : args[0];
  return NONE_VAL;
}

/* raise_signal(sig): send sig to this process. */
static Value g_raise_signal(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int sig;
  if (!sig_arg(vm, args[0], &sig)) return EXC_VAL;
  if (raise(sig) != 0) return asy_std_raise_oserror(vm, errno);
  return NONE_VAL;
}

/* strsignal(sig) -> the system's description, or None. */
static Value g_strsignal(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int sig;
  if (!sig_arg(vm, args[0], &sig)) return EXC_VAL;
  const char *s = strsignal(sig);
  return s ? STR_VAL(vm, s) : NONE_VAL;
}

/* clang-format off */
static const AsyMethodDef signal_functions[] = {
  {"to_loop", g_to_loop, 2, 2, ASY_ARGS_AUTO},
  {"set_loop_hook", g_set_loop_hook, 1, 1, ASY_ARGS_AUTO},
  {"signal.raise_signal", g_raise_signal, 1, 1, ASY_ARGS_AUTO},
  {"signal.strsignal", g_strsignal, 1, 1, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_signal_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjDict *d = AS_MODULE(args[0])->dict;
  asy_def_natives(vm, NULL, d, signal_functions);
  /* In the order of their numbers, as Signals lists them. */
  const struct {
    const char *name;
    int value;
  } names[] = {
      {"SIGHUP", SIGHUP},     {"SIGINT", SIGINT},       {"SIGQUIT", SIGQUIT},
      {"SIGILL", SIGILL},     {"SIGTRAP", SIGTRAP},     {"SIGABRT", SIGABRT},
      {"SIGIOT", SIGIOT},     {"SIGBUS", SIGBUS},       {"SIGFPE", SIGFPE},
      {"SIGKILL", SIGKILL},   {"SIGUSR1", SIGUSR1},     {"SIGSEGV", SIGSEGV},
      {"SIGUSR2", SIGUSR2},   {"SIGPIPE", SIGPIPE},     {"SIGALRM", SIGALRM},
      {"SIGTERM", SIGTERM},   {"SIGSTKFLT", SIGSTKFLT}, {"SIGCHLD", SIGCHLD},
      {"SIGCONT", SIGCONT},   {"SIGSTOP", SIGSTOP},     {"SIGTSTP", SIGTSTP},
      {"SIGTTIN", SIGTTIN},   {"SIGTTOU", SIGTTOU},     {"SIGURG", SIGURG},
      {"SIGXCPU", SIGXCPU},   {"SIGXFSZ", SIGXFSZ},     {"SIGVTALRM", SIGVTALRM},
      {"SIGPROF", SIGPROF},   {"SIGWINCH", SIGWINCH},   {"SIGIO", SIGIO},
      {"SIGPOLL", SIGPOLL},   {"SIGPWR", SIGPWR},       {"SIGSYS", SIGSYS},
      {"SIGRTMIN", SIGRTMIN}, {"SIGRTMAX", SIGRTMAX},
  };
  size_t n = sizeof names / sizeof names[0];
  ObjList *list = asy_list_new(vm, n);
  asy_def_value(vm, d, "_names", OBJ_VAL(list));
  for (size_t i = 0; i < n; i++) {
    Value items[2] = {STR_VAL(vm, names[i].name), INT_VAL(names[i].value)};
    asy_push_root(vm, items[0]);
    asy_list_append(vm, list, OBJ_VAL(asy_tuple_from(vm, 2, items)));
  }
  asy_def_value(vm, d, "NSIG", INT_VAL(ASY_NSIG));
  return NONE_VAL;
}
