/*
** subprocess.c — `_subprocess`: starting child processes for asyncio's subprocess
** support (stdlib/lib/_asyncio_subprocess.asy), without ever blocking the loop.
**
** A child is started with posix_spawnp (an exec failure comes back as the errno, as
** CPython's _posixsubprocess reports it) and watched through a pidfd: the fd becomes
** readable when the child exits, so the event loop learns it from epoll like any other
** fd, with no SIGCHLD handler and no thread (CPython's PidfdChildWatcher).
*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stdlib/asy_stdlib.h"
#include "stdlib/net_modules.h"
#include "vm/except.h"
#include "vm/obj/tuple.h"

extern char **environ;

/* What spawn's stdin/stdout/stderr arguments mean (asyncio.subprocess's constants). */
enum { CHILD_PIPE = -1, CHILD_STDOUT = -2, CHILD_DEVNULL = -3 };

/* A NULL-terminated C array over a list of str (freed by the caller), or NULL with
** TypeError pending. */
static char **c_strings(VM *vm, ObjList *list) {
  char **out = calloc(list->size + 1, sizeof *out);
  if (!out) {
    asy_raise(vm, vm->exc.MemoryError, NULL);
    return NULL;
  }
  for (size_t i = 0; i < list->size; i++) {
    if (!IS_STR(list->items[i])) {
      free(out);
      asy_raise(vm, vm->exc.TypeError, "expected str, bytes or os.PathLike object, not %s",
                asy_type_name(vm, list->items[i]));
      return NULL;
    }
    out[i] = AS_STR(list->items[i])->chars;
  }
  return out;
}

/* spawn(argv, stdin, stdout, stderr, cwd, env, new_session) -> (pid, pidfd, stdin_w,
** stdout_r, stderr_r); each stream is PIPE (-1), STDOUT (-2, stderr only), DEVNULL (-3),
** None (inherit) or an fd; cwd a str or None; env a list of "NAME=value" or None (this
** process's environment). The parent's pipe ends come back non-blocking; None where no
** pipe was asked for. */
static Value p_spawn(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  if (!IS_OBJ_TYPE(args[0], OBJ_LIST) || AS_LIST(args[0])->size == 0)
    return asy_raise(vm, vm->exc.TypeError, "spawn() needs a non-empty list of arguments");
  ObjList *list = AS_LIST(args[0]);
  const char *cwd = IS_STR(args[4]) ? AS_STR(args[4])->chars : NULL;
  struct stat st;
  if (cwd && stat(cwd, &st) != 0) /* CPython names the folder when it is missing */
    return asy_raise_errno(vm, errno, AS_STR(args[4]));
  char **envp = environ;
  if (IS_OBJ_TYPE(args[5], OBJ_LIST) && !(envp = c_strings(vm, AS_LIST(args[5])))) return EXC_VAL;
  char **argv = c_strings(vm, list);
  if (!argv) {
    if (envp != environ) free(envp);
    return EXC_VAL;
  }
  int pipes[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
  int child_fd[3] = {-1, -1, -1}; /* what the child gets as 0, 1, 2 (-1: inherit) */
  int devnull = -1, err = 0;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  for (int i = 0; i < 3 && !err; i++) {
    Value v = args[1 + i];
    if (IS_NONE(v)) continue;
    int64_t k = IS_INT(v) ? AS_INT(v) : -100;
    if (k == CHILD_PIPE) {
      if (pipe2(pipes[i], O_CLOEXEC) != 0) err = errno;
      else child_fd[i] = i == 0 ? pipes[i][0] : pipes[i][1];
    } else if (k == CHILD_STDOUT && i == 2) {
      child_fd[i] = child_fd[1] >= 0 ? child_fd[1] : 1;
    } else if (k == CHILD_DEVNULL) {
      if (devnull < 0 && (devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) err = errno;
      child_fd[i] = devnull;
    } else if (k >= 0) {
      child_fd[i] = (int)k;
    } else {
      err = -1;
    }
    if (!err && child_fd[i] >= 0) posix_spawn_file_actions_adddup2(&fa, child_fd[i], i);
  }
  if (cwd) posix_spawn_file_actions_addchdir_np(&fa, cwd);
  /* The child starts with SIGPIPE and SIGXFSZ at their defaults (the interpreter ignores
  ** SIGPIPE, and exec keeps ignored signals ignored) and nothing blocked, as CPython's
  ** restore_signals does. */
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGXFSZ);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (asy_truthy(vm, args[6])) flags |= POSIX_SPAWN_SETSID; /* start_new_session */
  posix_spawnattr_setflags(&attr, flags);
  pid_t pid = -1;
  if (!err) err = posix_spawnp(&pid, argv[0], &fa, &attr, argv, envp);
  if (envp != environ) free(envp);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  if (devnull >= 0) close(devnull);
  int ours[3] = {pipes[0][1], pipes[1][0], pipes[2][0]}; /* the parent's ends */
  int theirs[3] = {pipes[0][0], pipes[1][1], pipes[2][1]};
  for (int i = 0; i < 3; i++)
    if (theirs[i] >= 0) close(theirs[i]);
  if (err) {
    for (int i = 0; i < 3; i++)
      if (ours[i] >= 0) close(ours[i]);
    free(argv);
    if (err == -1) return asy_raise(vm, vm->exc.ValueError, "bad stdin/stdout/stderr argument");
    Value name = list->items[0];
    return asy_raise_errno(vm, err, AS_STR(name));
  }
  free(argv);
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  for (int i = 0; i < 3; i++)
    if (ours[i] >= 0) fcntl(ours[i], F_SETFL, fcntl(ours[i], F_GETFL) | O_NONBLOCK);
  Value items[5] = {INT_VAL(pid), pidfd >= 0 ? INT_VAL(pidfd) : NONE_VAL,
                    ours[0] >= 0 ? INT_VAL(ours[0]) : NONE_VAL,
                    ours[1] >= 0 ? INT_VAL(ours[1]) : NONE_VAL,
                    ours[2] >= 0 ? INT_VAL(ours[2]) : NONE_VAL};
  return OBJ_VAL(asy_tuple_from(vm, 5, items));
}

/* reap(pid, block=False) -> the return code (-N: killed by signal N), or None while the
** child runs. */
static Value p_reap(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (!IS_INT(args[0])) return asy_raise(vm, vm->exc.TypeError, "pid must be an integer");
  bool block = argc > 1 && asy_truthy(vm, args[1]);
  int status = 0;
  pid_t r;
  do r = waitpid((pid_t)AS_INT(args[0]), &status, block ? 0 : WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r == 0) return NONE_VAL;
  if (r < 0) {
    /* Already reaped by someone else: CPython reports 255 with a warning. */
    if (errno == ECHILD) return INT_VAL(255);
    return asy_std_raise_oserror(vm, errno);
  }
  if (WIFSIGNALED(status)) return INT_VAL(-WTERMSIG(status));
  return INT_VAL(WEXITSTATUS(status));
}

/* kill(pid, sig): ProcessLookupError when the process is gone */
static Value p_kill(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int64_t pid, sig;
  if (!asy_index(vm, args[0], &pid) || !asy_index(vm, args[1], &sig)) return EXC_VAL;
  if (kill((pid_t)pid, (int)sig) != 0) return asy_std_raise_oserror(vm, errno);
  return NONE_VAL;
}

/* clang-format off */
static const AsyMethodDef subprocess_functions[] = {
  {"spawn", p_spawn, 7, 7, ASY_ARGS_AUTO}, {"reap", p_reap, 1, 2, ASY_ARGS_AUTO},
  {"kill", p_kill, 2, 2, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_subprocess_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  asy_def_natives(vm, NULL, AS_MODULE(args[0])->dict, subprocess_functions);
  return NONE_VAL;
}
