/*
** os.c — the `posix` module: the operating-system calls under `os` (stdlib/lib/os.asy),
** which adds what is written in Asy (makedirs, walk, environ as a mapping, DirEntry,
** stat_result, os.path = posixpath).
**
** Path arguments take str, bytes or an os.PathLike (its __fspath__), as CPython's
** path_converter does, with its messages ("stat: path should be string, bytes,
** os.PathLike or integer, not NoneType"). Errors carry errno, strerror and the
** file name(s) as CPython's OSError subclasses ("[Errno 2] No such file or directory:
** 'a' -> 'b'"). stat() returns a plain tuple that os.asy wraps in stat_result.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stdlib/asy_stdlib.h"
#include "vm/gc.h"
#include "vm/obj/str.h"

extern char **environ;

Value asy_fspath(VM *vm, Value v) {
  if (IS_STR(v) || IS_BYTES(v)) return v;
  ObjStr *name = asy_str_intern(vm, "__fspath__", 10);
  bool found;
  Value r = asy_std_call_special(vm, v, name, 0, NULL, &found);
  if (!found)
    return asy_raise(vm, vm->exc.TypeError, "expected str, bytes or os.PathLike object, not %s",
                     asy_type_name(vm, v));
  if (IS_EXC(r) || IS_STR(r) || IS_BYTES(r)) return r;
  return asy_raise(vm, vm->exc.TypeError, "expected %s.__fspath__() to return str or bytes, not %s",
                   asy_type_name(vm, v), asy_type_name(vm, r));
}

/* A converted path argument: the C string and the str/bytes object errors name. */
typedef struct {
  char c[PATH_MAX + 1];
  Value obj;
} PathArg;

/* Convert v (str, bytes, os.PathLike) for function fn's argument arg; `kinds` is the
** list CPython's message gives ("string, bytes or os.PathLike"). */
static bool path_conv(VM *vm, const char *fn, const char *arg, Value v, const char *kinds,
                      PathArg *out) {
  Value p = v;
  if (!IS_STR(v) && !IS_BYTES(v)) {
    bool found;
    p = asy_std_call_special(vm, v, asy_str_intern(vm, "__fspath__", 10), 0, NULL, &found);
    if (!found) {
      asy_raise(vm, vm->exc.TypeError, "%s: %s should be %s, not %s", fn, arg, kinds,
                asy_type_name(vm, v));
      return false;
    }
    if (IS_EXC(p)) return false;
    if (!IS_STR(p) && !IS_BYTES(p)) {
      asy_raise(vm, vm->exc.TypeError, "expected %s.__fspath__() to return str or bytes, not %s",
                asy_type_name(vm, v), asy_type_name(vm, p));
      return false;
    }
  }
  const char *data = IS_STR(p) ? AS_STR(p)->chars : (const char *)AS_BYTES(p)->data;
  size_t n = IS_STR(p) ? AS_STR(p)->size : AS_BYTES(p)->size;
  if (memchr(data, 0, n)) {
    asy_raise(vm, vm->exc.ValueError, "%s: embedded null character in %s", fn, arg);
    return false;
  }
  if (n > PATH_MAX) n = PATH_MAX; /* the call then fails with ENAMETOOLONG or ENOENT */
  memcpy(out->c, data, n);
  out->c[n] = '\0';
  out->obj = p;
  return true;
}

#define PATH_KINDS "string, bytes or os.PathLike"
#define PATH_KINDS_FD "string, bytes, os.PathLike or integer"

/* Raise the OSError subclass for err with one or two file names (UNDEF: none). */
static Value raise_os(VM *vm, int err, Value f1, Value f2) {
  Value exc_args[5] = {INT_VAL(err), STR_VAL(vm, strerror(err)), f1, NONE_VAL, f2};
  int n = IS_UNDEF(f1) ? 2 : IS_UNDEF(f2) ? 3 : 5;
  /* OSError(errno, ...) picks the subclass for errno itself. */
  Value e = asy_new_exception(vm, vm->exc.OSError, n, exc_args);
  if (IS_EXC(e)) return e;
  return asy_raise_value(vm, e);
}

/* Argument Clinic binding of names[0..n): the first npos may come by position, the rest
** only by keyword; the first nreq are required. CPython's messages ("mkdir() missing
** required argument 'path' (pos 1)", "listdir() takes at most 1 argument (2 given)"). */
static bool bind(VM *vm, const char *fn, int argc, Value *args, ObjDict *kw,
                 const char *const *names, int n, int npos, int nreq, Value *out) {
  if (argc > npos) {
    if (nreq == npos)
      asy_raise(vm, vm->exc.TypeError, "%s() takes exactly %d positional argument%s (%d given)", fn,
                npos, npos == 1 ? "" : "s", argc);
    else
      asy_raise(vm, vm->exc.TypeError, "%s() takes at most %d argument%s (%d given)", fn, npos,
                npos == 1 ? "" : "s", argc);
    return false;
  }
  return asy_std_bind(vm, fn, argc, args, kw, names, n, 0, nreq, out);
}

/* One bound path argument a (or `dflt` when absent or None and dflt is given). */
static bool one_path(VM *vm, const char *fn, Value a, const char *kinds, const char *dflt,
                     PathArg *p) {
  if (dflt && (IS_UNDEF(a) || IS_NONE(a))) {
    snprintf(p->c, sizeof p->c, "%s", dflt);
    p->obj = STR_VAL(vm, dflt);
    return true;
  }
  return path_conv(vm, fn, "path", a, kinds, p);
}

static const char *const path_names[] = {"path", "dir_fd"};

static Value os_getcwd(VM *vm, int argc, Value *args, ObjDict *kw) {
  char buf[PATH_MAX];
  if (!getcwd(buf, sizeof buf)) return raise_os(vm, errno, UNDEF_VAL, UNDEF_VAL);
  return STR_VAL(vm, buf);
}

static Value os_chdir(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value a[1];
  PathArg p;
  if (!bind(vm, "chdir", argc, args, kw, path_names, 1, 1, 1, a) ||
      !one_path(vm, "chdir", a[0], PATH_KINDS_FD, NULL, &p))
    return EXC_VAL;
  if (chdir(p.c) != 0) return raise_os(vm, errno, p.obj, UNDEF_VAL);
  return NONE_VAL;
}

/* listdir(path) and _scandir(path): the names, or with_kind (name, kind) pairs, kind 1
** file, 2 directory, 3 symlink, 4 other, 0 unknown (from d_type; os.asy's DirEntry
** stats when it must). */
static Value list_dir(VM *vm, const char *fn, int argc, Value *args, ObjDict *kw, bool with_kind) {
  Value a[1];
  PathArg p;
  if (!bind(vm, fn, argc, args, kw, path_names, 1, 1, 0, a) ||
      !one_path(vm, fn, a[0], "string, bytes, os.PathLike, integer or None", ".", &p))
    return EXC_VAL;
  DIR *d = opendir(p.c);
  if (!d) return raise_os(vm, errno, p.obj, UNDEF_VAL);
  bool as_bytes = IS_BYTES(p.obj) && !with_kind;
  ObjList *l = asy_list_new(vm, 0);
  struct dirent *e;
  while ((e = readdir(d))) {
    const char *n = e->d_name;
    if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
    size_t len = strlen(n);
    Value v = as_bytes ? OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)n, len))
                       : OBJ_VAL(asy_str_new(vm, n, len));
    if (with_kind) {
      int kind = e->d_type == DT_REG       ? 1
                 : e->d_type == DT_DIR     ? 2
                 : e->d_type == DT_LNK     ? 3
                 : e->d_type == DT_UNKNOWN ? 0
                                           : 4;
      Value items[2] = {v, INT_VAL(kind)};
      v = OBJ_VAL(asy_tuple_from(vm, 2, items));
    }
    asy_list_append(vm, l, v);
  }
  closedir(d);
  return OBJ_VAL(l);
}

static Value os_listdir(VM *vm, int argc, Value *args, ObjDict *kw) {
  return list_dir(vm, "listdir", argc, args, kw, false);
}
static Value os_scandir_list(VM *vm, int argc, Value *args, ObjDict *kw) {
  return list_dir(vm, "scandir", argc, args, kw, true);
}

static bool int_arg(VM *vm, Value v, int64_t *out) { return asy_index(vm, v, out); }

static Value os_mkdir(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"path", "mode", "dir_fd"};
  Value a[3];
  if (!bind(vm, "mkdir", argc, args, kw, names, 3, 2, 1, a)) return EXC_VAL;
  PathArg p;
  if (!path_conv(vm, "mkdir", "path", a[0], PATH_KINDS, &p)) return EXC_VAL;
  int64_t mode = 0777;
  if (!IS_UNDEF(a[1]) && !int_arg(vm, a[1], &mode)) return EXC_VAL;
  if (mkdir(p.c, (mode_t)mode) != 0) return raise_os(vm, errno, p.obj, UNDEF_VAL);
  return NONE_VAL;
}

#define SIMPLE_PATH_CALL(cname, pyname, call) \
  static Value cname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    Value a[2]; \
    if (!bind(vm, pyname, argc, args, kw, path_names, 2, 1, 1, a)) return EXC_VAL; \
    PathArg p; \
    if (!path_conv(vm, pyname, "path", a[0], PATH_KINDS, &p)) return EXC_VAL; \
    if (call(p.c) != 0) return raise_os(vm, errno, p.obj, UNDEF_VAL); \
    return NONE_VAL; \
  }
SIMPLE_PATH_CALL(os_rmdir, "rmdir", rmdir)
SIMPLE_PATH_CALL(os_unlink, "unlink", unlink)
SIMPLE_PATH_CALL(os_remove, "remove", unlink)

static Value two_paths(VM *vm, const char *fn, int argc, Value *args, ObjDict *kw,
                       int (*call)(const char *, const char *)) {
  static const char *const names[] = {"src", "dst", "src_dir_fd", "dst_dir_fd"};
  Value a[4];
  if (!bind(vm, fn, argc, args, kw, names, 4, 2, 2, a)) return EXC_VAL;
  PathArg *p = malloc(2 * sizeof(PathArg));
  if (!p) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  Value r = NONE_VAL;
  if (!path_conv(vm, fn, "src", a[0], PATH_KINDS, &p[0]) ||
      !path_conv(vm, fn, "dst", a[1], PATH_KINDS, &p[1]))
    r = EXC_VAL;
  else if (call(p[0].c, p[1].c) != 0) r = raise_os(vm, errno, p[0].obj, p[1].obj);
  free(p);
  return r;
}

static Value os_rename(VM *vm, int argc, Value *args, ObjDict *kw) {
  return two_paths(vm, "rename", argc, args, kw, rename);
}
static Value os_replace(VM *vm, int argc, Value *args, ObjDict *kw) {
  return two_paths(vm, "replace", argc, args, kw, rename);
}
static Value os_symlink(VM *vm, int argc, Value *args, ObjDict *kw) {
  return two_paths(vm, "symlink", argc, args, kw, symlink);
}
static Value os_link(VM *vm, int argc, Value *args, ObjDict *kw) {
  return two_paths(vm, "link", argc, args, kw, link);
}

static double ts(struct timespec t) { return (double)t.tv_sec + (double)t.tv_nsec * 1e-9; }
static Value ts_ns(struct timespec t) {
  return INT_VAL((int64_t)t.tv_sec * 1000000000 + (int64_t)t.tv_nsec);
}

/* The 16 fields os.asy's stat_result reads: the ten of the tuple (times as ints), the
** float times, the nanosecond times. */
static Value stat_tuple(VM *vm, struct stat *st) {
  Value it[16] = {INT_VAL(st->st_mode),
                  INT_VAL((int64_t)st->st_ino),
                  INT_VAL((int64_t)st->st_dev),
                  INT_VAL((int64_t)st->st_nlink),
                  INT_VAL(st->st_uid),
                  INT_VAL(st->st_gid),
                  INT_VAL((int64_t)st->st_size),
                  INT_VAL((int64_t)st->st_atim.tv_sec),
                  INT_VAL((int64_t)st->st_mtim.tv_sec),
                  INT_VAL((int64_t)st->st_ctim.tv_sec),
                  FLOAT_VAL(ts(st->st_atim)),
                  FLOAT_VAL(ts(st->st_mtim)),
                  FLOAT_VAL(ts(st->st_ctim)),
                  ts_ns(st->st_atim),
                  ts_ns(st->st_mtim),
                  ts_ns(st->st_ctim)};
  return OBJ_VAL(asy_tuple_from(vm, 16, it));
}

/* stat_tuple wrapped in os.stat_result (the class os.asy gives posix as _stat_result;
** the bare tuple before it does). */
static Value stat_result(VM *vm, struct stat *st) {
  Value t = stat_tuple(vm, st);
  Value mod = asy_dict_get_str(vm->modules, asy_str_intern(vm, "posix", 5));
  Value cls = IS_MODULE(mod)
                  ? asy_dict_get_str(AS_MODULE(mod)->dict, asy_str_intern(vm, "_stat_result", 12))
                  : UNDEF_VAL;
  return IS_CLASS(cls) ? asy_call(vm, cls, 1, &t, NULL) : t;
}

static Value do_stat(VM *vm, const char *fn, int argc, Value *args, ObjDict *kw, bool follow) {
  static const char *const names[] = {"path", "dir_fd", "follow_symlinks"};
  Value a[3];
  if (!bind(vm, fn, argc, args, kw, names, follow ? 3 : 2, 1, 1, a)) return EXC_VAL;
  if (follow && !IS_UNDEF(a[2])) follow = asy_truthy(vm, a[2]);
  struct stat st;
  if (IS_INTLIKE(a[0]) && !IS_BOOL(a[0])) {
    if (fstat((int)AS_INTLIKE(a[0]), &st) != 0) return raise_os(vm, errno, UNDEF_VAL, UNDEF_VAL);
    return stat_result(vm, &st);
  }
  PathArg p;
  if (!path_conv(vm, fn, "path", a[0], PATH_KINDS_FD, &p)) return EXC_VAL;
  if ((follow ? stat(p.c, &st) : lstat(p.c, &st)) != 0)
    return raise_os(vm, errno, p.obj, UNDEF_VAL);
  return stat_result(vm, &st);
}

static Value os_stat(VM *vm, int argc, Value *args, ObjDict *kw) {
  return do_stat(vm, "stat", argc, args, kw, true);
}
static Value os_lstat(VM *vm, int argc, Value *args, ObjDict *kw) {
  return do_stat(vm, "lstat", argc, args, kw, false);
}

static const char *const path_mode_names[] = {"path", "mode", "dir_fd", "effective_ids",
                                              "follow_symlinks"};

static Value os_access(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value a[5];
  PathArg p;
  int64_t mode;
  if (!bind(vm, "access", argc, args, kw, path_mode_names, 5, 2, 2, a) ||
      !path_conv(vm, "access", "path", a[0], PATH_KINDS_FD, &p) || !int_arg(vm, a[1], &mode))
    return EXC_VAL;
  return BOOL_VAL(access(p.c, (int)mode) == 0);
}

static Value os_chmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value a[5];
  PathArg p;
  int64_t mode;
  if (!bind(vm, "chmod", argc, args, kw, path_mode_names, 3, 2, 2, a) ||
      !path_conv(vm, "chmod", "path", a[0], PATH_KINDS_FD, &p) || !int_arg(vm, a[1], &mode))
    return EXC_VAL;
  if (chmod(p.c, (mode_t)mode) != 0) return raise_os(vm, errno, p.obj, UNDEF_VAL);
  return NONE_VAL;
}

static Value os_readlink(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value a[2];
  PathArg p;
  if (!bind(vm, "readlink", argc, args, kw, path_names, 2, 1, 1, a) ||
      !path_conv(vm, "readlink", "path", a[0], PATH_KINDS, &p))
    return EXC_VAL;
  char buf[PATH_MAX];
  ssize_t n = readlink(p.c, buf, sizeof buf);
  if (n < 0) return raise_os(vm, errno, p.obj, UNDEF_VAL);
  if (IS_BYTES(p.obj)) return OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)buf, (size_t)n));
  return OBJ_VAL(asy_str_new(vm, buf, (size_t)n));
}

/* utime(path, times=None): times (atime, mtime) in seconds, now when None. */
static Value os_utime(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"path", "times", "ns", "dir_fd", "follow_symlinks"};
  Value a[5];
  if (!bind(vm, "utime", argc, args, kw, names, 5, 2, 1, a)) return EXC_VAL;
  PathArg p;
  if (!path_conv(vm, "utime", "path", a[0], PATH_KINDS_FD, &p)) return EXC_VAL;
  struct timespec ts[2];
  struct timespec *tp = NULL;
  if (!IS_UNDEF(a[1]) && !IS_NONE(a[1])) {
    if (!IS_TUPLE(a[1]) || AS_TUPLE(a[1])->size != 2)
      return asy_raise(vm, vm->exc.TypeError,
                       "utime: 'times' must be either a tuple of two ints or None");
    for (int i = 0; i < 2; i++) {
      double d;
      if (!asy_std_to_double(vm, AS_TUPLE(a[1])->items[i], &d)) return EXC_VAL;
      ts[i].tv_sec = (time_t)d;
      ts[i].tv_nsec = (long)((d - (double)ts[i].tv_sec) * 1e9);
    }
    tp = ts;
  }
  if (utimensat(AT_FDCWD, p.c, tp, 0) != 0) return raise_os(vm, errno, p.obj, UNDEF_VAL);
  return NONE_VAL;
}

static Value os_getpid(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL((int64_t)getpid());
}
static Value os_getppid(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL((int64_t)getppid());
}
static Value os_getuid(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL((int64_t)getuid());
}

static Value os_cpu_count(VM *vm, int argc, Value *args, ObjDict *kw) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? NONE_VAL : INT_VAL(n);
}

/* n bytes from the descriptor fd (one read(), maybe short) or, for fd < 0, from
** getrandom() (all n): a bytes object, or EXC_VAL with the OSError raised. */
static Value bytes_from(VM *vm, int fd, size_t n) {
  uint8_t *buf = malloc(n ? n : 1);
  if (!buf) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  size_t got = 0;
  while (got < n) {
    ssize_t r = fd < 0 ? getrandom(buf + got, n - got, 0) : read(fd, buf, n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int err = errno;
      free(buf);
      return raise_os(vm, err, UNDEF_VAL, UNDEF_VAL);
    }
    got += (size_t)r;
    if (fd >= 0) break;
  }
  Value v = OBJ_VAL(asy_bytes_new(vm, buf, got));
  free(buf);
  return v;
}

static Value os_urandom(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t n;
  if (!int_arg(vm, args[0], &n)) return EXC_VAL;
  if (n < 0) return asy_raise(vm, vm->exc.ValueError, "negative argument not allowed");
  return bytes_from(vm, -1, (size_t)n);
}

static Value os_strerror(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t n;
  if (!int_arg(vm, args[0], &n)) return EXC_VAL;
  return STR_VAL(vm, strerror((int)n));
}

/* _environ(): the process environment as a new dict of str. */
static Value os_environ_dict(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjDict *d = asy_dict_new(vm);
  for (char **e = environ; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq || eq == *e) continue;
    ObjStr *k = asy_str_new(vm, *e, (size_t)(eq - *e));
    ObjStr *v = asy_str_cstr(vm, eq + 1);
    if (!asy_dict_set(vm, d, OBJ_VAL(k), OBJ_VAL(v))) return EXC_VAL;
  }
  return OBJ_VAL(d);
}

static bool env_str(VM *vm, Value v, const char **out) {
  if (!IS_STR(v)) {
    asy_raise(vm, vm->exc.TypeError, "str expected, not %s", asy_type_name(vm, v));
    return false;
  }
  *out = AS_STR(v)->chars;
  if (strlen(*out) != AS_STR(v)->size) {
    asy_raise(vm, vm->exc.ValueError, "embedded null byte");
    return false;
  }
  return true;
}

static Value os_putenv(VM *vm, int argc, Value *args, ObjDict *kw) {
  const char *k, *v;
  if (!env_str(vm, args[0], &k) || !env_str(vm, args[1], &v)) return EXC_VAL;
  if (!*k || strchr(k, '='))
    return asy_raise(vm, vm->exc.ValueError, "illegal environment variable name");
  if (setenv(k, v, 1) != 0) return raise_os(vm, errno, UNDEF_VAL, UNDEF_VAL);
  return NONE_VAL;
}

static Value os_unsetenv(VM *vm, int argc, Value *args, ObjDict *kw) {
  const char *k;
  if (!env_str(vm, args[0], &k)) return EXC_VAL;
  if (!*k || strchr(k, '='))
    return asy_raise(vm, vm->exc.ValueError, "illegal environment variable name");
  if (unsetenv(k) != 0) return raise_os(vm, errno, UNDEF_VAL, UNDEF_VAL);
  return NONE_VAL;
}

/* Low-level descriptors: open/close/read/write (mkstemp and friends). */
static Value os_open(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"path", "flags", "mode", "dir_fd"};
  Value a[4];
  if (!bind(vm, "open", argc, args, kw, names, 4, 3, 2, a)) return EXC_VAL;
  PathArg p;
  if (!path_conv(vm, "open", "path", a[0], PATH_KINDS, &p)) return EXC_VAL;
  int64_t flags, mode = 0777;
  if (!int_arg(vm, a[1], &flags)) return EXC_VAL;
  if (!IS_UNDEF(a[2]) && !int_arg(vm, a[2], &mode)) return EXC_VAL;
  int fd = open(p.c, (int)flags | O_CLOEXEC, (mode_t)mode);
  if (fd < 0) return raise_os(vm, errno, p.obj, UNDEF_VAL);
  return INT_VAL(fd);
}

static Value os_close(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"fd"};
  Value a[1];
  int64_t fd;
  if (!bind(vm, "close", argc, args, kw, names, 1, 1, 1, a) || !int_arg(vm, a[0], &fd))
    return EXC_VAL;
  if (close((int)fd) != 0) return raise_os(vm, errno, UNDEF_VAL, UNDEF_VAL);
  return NONE_VAL;
}

static Value os_read(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t fd, n;
  if (!int_arg(vm, args[0], &fd) || !int_arg(vm, args[1], &n)) return EXC_VAL;
  if (n < 0 || fd < 0) return raise_os(vm, n < 0 ? EINVAL : EBADF, UNDEF_VAL, UNDEF_VAL);
  return bytes_from(vm, (int)fd, (size_t)n);
}

static Value os_write(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t fd;
  if (!int_arg(vm, args[0], &fd)) return EXC_VAL;
  if (!IS_BYTES(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not '%s'",
                     asy_type_name(vm, args[1]));
  ObjBytes *b = AS_BYTES(args[1]);
  ssize_t r;
  do r = write((int)fd, b->data, b->size);
  while (r < 0 && errno == EINTR);
  if (r < 0) return raise_os(vm, errno, UNDEF_VAL, UNDEF_VAL);
  return INT_VAL(r);
}

static Value os_fspath(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value a[1];
  if (!bind(vm, "fspath", argc, args, kw, path_names, 1, 1, 1, a)) return EXC_VAL;
  return asy_fspath(vm, a[0]);
}

static Value os_isatty(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t fd;
  if (!int_arg(vm, args[0], &fd)) return EXC_VAL;
  return BOOL_VAL(isatty((int)fd));
}

static Value os_umask(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t m;
  if (!int_arg(vm, args[0], &m)) return EXC_VAL;
  return INT_VAL((int64_t)umask((mode_t)m));
}

/* clang-format off */
static const AsyMethodDef posix_functions[] = {
  {"posix.getcwd", os_getcwd, 0, 0, ASY_ARGS_AUTO},
  {"chdir", os_chdir, ASY_UNCHECKED},
  {"listdir", os_listdir, ASY_UNCHECKED},
  {"_scandir", os_scandir_list, ASY_UNCHECKED},
  {"mkdir", os_mkdir, ASY_UNCHECKED},
  {"rmdir", os_rmdir, ASY_UNCHECKED},
  {"unlink", os_unlink, ASY_UNCHECKED},
  {"remove", os_remove, ASY_UNCHECKED},
  {"rename", os_rename, ASY_UNCHECKED},
  {"replace", os_replace, ASY_UNCHECKED},
  {"symlink", os_symlink, ASY_UNCHECKED},
  {"link", os_link, ASY_UNCHECKED},
  {"stat", os_stat, ASY_UNCHECKED},
  {"lstat", os_lstat, ASY_UNCHECKED},
  {"access", os_access, ASY_UNCHECKED},
  {"chmod", os_chmod, ASY_UNCHECKED},
  {"readlink", os_readlink, ASY_UNCHECKED},
  {"utime", os_utime, ASY_UNCHECKED},
  {"posix.getpid", os_getpid, 0, 0, ASY_ARGS_AUTO},
  {"posix.getppid", os_getppid, 0, 0, ASY_ARGS_AUTO},
  {"posix.getuid", os_getuid, 0, 0, ASY_ARGS_AUTO},
  {"posix.cpu_count", os_cpu_count, 0, 0, ASY_ARGS_AUTO},
  {"posix.urandom", os_urandom, 1, 1, ASY_ARGS_AUTO},
  {"strerror", os_strerror, 1, 1, ASY_ARGS_AUTO},
  {"_environ", os_environ_dict, 0, 0, ASY_ARGS_AUTO},
  {"putenv", os_putenv, 2, 2, ASY_ARGS_AUTO},
  {"posix.unsetenv", os_unsetenv, 1, 1, ASY_ARGS_AUTO},
  {"open", os_open, ASY_UNCHECKED},
  {"close", os_close, ASY_UNCHECKED},
  {"read", os_read, 2, 2, ASY_ARGS_AUTO},
  {"write", os_write, 2, 2, ASY_ARGS_AUTO},
  {"fspath", os_fspath, ASY_UNCHECKED},
  {"posix.isatty", os_isatty, 1, 1, ASY_ARGS_AUTO},
  {"posix.umask", os_umask, 1, 1, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_posix_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjDict *d = AS_MODULE(args[0])->dict;
  asy_def_natives(vm, NULL, d, posix_functions);
  static const struct {
    const char *name;
    int value;
  } consts[] = {
      {"O_RDONLY", O_RDONLY}, {"O_WRONLY", O_WRONLY},   {"O_RDWR", O_RDWR},
      {"O_CREAT", O_CREAT},   {"O_EXCL", O_EXCL},       {"O_TRUNC", O_TRUNC},
      {"O_APPEND", O_APPEND}, {"O_CLOEXEC", O_CLOEXEC}, {"O_NOFOLLOW", O_NOFOLLOW},
      {"F_OK", F_OK},         {"R_OK", R_OK},           {"W_OK", W_OK},
      {"X_OK", X_OK},
  };
  for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
    asy_def_value(vm, d, consts[i].name, INT_VAL(consts[i].value));
  return NONE_VAL;
}
