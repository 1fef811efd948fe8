/*
** sys.c — the sys module, created eagerly by asy_init_builtins and put in sys.modules
** (CPython always has it loaded; print() reads sys.stdout through it).
**
** sys.version_info is a tuple subclass with named fields, like CPython's struct
** sequence: comparisons and indexing are the tuple's, the names are read-only
** properties, and the repr is "sys.version_info(major=3, …)".
*/
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm/env.h"
#include "stdlib/asy_stdlib.h"
#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/str.h"

static Value s_exit(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "exit", kw) || !asy_arg_count(vm, "exit", argc, 0, 1)) return EXC_VAL;
  int n = argc == 1 && !IS_NONE(args[0]) ? 1 : 0;
  Value *eargs = args;
  /* CPython raises it with PyErr_SetObject: a tuple status becomes the args. */
  if (n == 1 && IS_TUPLE(args[0])) {
    n = (int)AS_TUPLE(args[0])->size;
    eargs = AS_TUPLE(args[0])->items;
  }
  Value e = asy_new_exception(vm, vm->exc.SystemExit, n, eargs);
  if (IS_EXC(e)) return e;
  return asy_raise_value(vm, e);
}

static Value s_getrecursionlimit(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "getrecursionlimit", kw)) return EXC_VAL;
  if (argc != 0)
    return asy_raise(vm, vm->exc.TypeError, "sys.getrecursionlimit() takes no arguments (%d given)",
                     argc);
  return INT_VAL(vm->recursion_limit);
}

static Value s_setrecursionlimit(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "setrecursionlimit", kw)) return EXC_VAL;
  if (argc != 1)
    return asy_raise(vm, vm->exc.TypeError,
                     "setrecursionlimit() takes exactly one argument (%d given)", argc);
  if (IS_FLOAT(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "'float' object cannot be interpreted as an integer");
  int64_t n;
  if (!asy_index(vm, args[0], &n)) return EXC_VAL;
  if (n < 1)
    return asy_raise(vm, vm->exc.ValueError, "recursion limit must be greater or equal than 1");
  if (n > INT_MAX)
    return asy_raise(vm, vm->exc.OverflowError, "Python int too large to convert to C int");
  int depth = vm->fiber ? vm->fiber->frame_count : 0;
  if (depth >= n)
    return asy_raise(
        vm, vm->exc.RecursionError,
        "cannot set the recursion limit to %d at the recursion depth %d: the limit is too low",
        (int)n, depth);
  asy_set_recursion_limit(vm, (int)n);
  return NONE_VAL;
}

static Value s_get_int_max_str_digits(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_std_bind(vm, "get_int_max_str_digits", argc, args, kw, NULL, 0, 0, 0, NULL))
    return EXC_VAL;
  return INT_VAL(vm->int_max_str_digits);
}

/* sys.set_int_max_str_digits(maxdigits): 0 (no limit) or at least 640, as CPython. */
static Value s_set_int_max_str_digits(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"maxdigits"};
  Value a[1];
  if (!asy_std_bind(vm, "set_int_max_str_digits", argc, args, kw, names, 1, 0, 1, a))
    return EXC_VAL;
  if (IS_FLOAT(a[0]))
    return asy_raise(vm, vm->exc.TypeError, "'float' object cannot be interpreted as an integer");
  int64_t n = 0;
  if (!IS_BIGINT(a[0]) && !asy_index(vm, a[0], &n)) return EXC_VAL;
  if (IS_BIGINT(a[0]) || n > INT_MAX || n < INT_MIN)
    return asy_raise(vm, vm->exc.OverflowError, "Python int too large to convert to C int");
  if (n != 0 && n < 640)
    return asy_raise(vm, vm->exc.ValueError, "maxdigits must be 0 or larger than 640");
  vm->int_max_str_digits = n;
  return NONE_VAL;
}

/* The exception being handled (sys.exception()), or None. */
static Value handled(VM *vm) {
  Value h = asy_handled_exception(vm);
  return IS_UNDEF(h) ? NONE_VAL : h;
}

static Value s_exception(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "exception", kw)) return EXC_VAL;
  if (argc != 0)
    return asy_raise(vm, vm->exc.TypeError, "exception() takes no arguments (%d given)", argc);
  return handled(vm);
}

static Value s_exc_info(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "exc_info", kw)) return EXC_VAL;
  if (argc != 0)
    return asy_raise(vm, vm->exc.TypeError, "exc_info() takes no arguments (%d given)", argc);
  Value h = handled(vm);
  Value items[3] = {NONE_VAL, NONE_VAL, NONE_VAL};
  if (!IS_NONE(h)) {
    items[0] = OBJ_VAL(asy_class_of(vm, h));
    items[1] = h;
    items[2] = IS_EXCEPTION(h) && !IS_UNDEF(AS_EXCEPTION(h)->traceback) ? AS_EXCEPTION(h)->traceback
                                                                        : NONE_VAL;
  }
  return OBJ_VAL(asy_tuple_from(vm, 3, items));
}

static Value s_intern(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "intern", argc, kw, 1, 1)) return EXC_VAL;
  if (!IS_STR(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "intern() argument must be str, not %s",
                     asy_arg_type_name(vm, args[0]));
  ObjStr *s = AS_STR(args[0]);
  return OBJ_VAL(asy_str_intern(vm, s->chars, s->size));
}

static Value s_getdefaultencoding(VM *vm, int argc, Value *args, ObjDict *kw) {
  return STR_VAL(vm, "utf-8");
}

/* ---- version_info ------------------------------------------------------------------- */

/* sys.getsizeof(object[, default]): the bytes Asy uses for the object (asy_gc_sizeof: its
** block and the buffers it owns, not what it refers to). An int, float, bool or None is
** no heap object: it lives in its 16-byte Value, which is what it reports. A class of the
** program's own with a __sizeof__ reports what that returns; the TypeErrors CPython turns
** into `default` do the same here. */
static Value s_getsizeof(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"object", "default"};
  Value a[2];
  if (!asy_std_bind(vm, "getsizeof", argc, args, kw, names, 2, 0, 1, a)) return EXC_VAL;
  ObjClass *cls = asy_class_of(vm, a[0]);
  if (!(cls->flags & CLASS_BUILTIN)) {
    ObjStr *name = asy_str_intern(vm, "__sizeof__", 10);
    if (!IS_UNDEF(asy_class_lookup(cls, name))) {
      Value r = asy_call_method(vm, a[0], name, 0, NULL);
      if (!IS_EXC(r) && !IS_INTLIKE(r))
        r = IS_BIGINT(r) ? asy_raise(vm, vm->exc.OverflowError,
                                     "Python int too large to convert to C ssize_t")
                         : asy_raise(vm, vm->exc.TypeError, "an integer is required");
      if (IS_EXC(r)) {
        Value e = asy_pending(vm);
        if (IS_UNDEF(a[1]) || !asy_is_subclass(asy_class_of(vm, e), vm->exc.TypeError)) return r;
        asy_clear_pending(vm);
        return a[1];
      }
      if (AS_INTLIKE(r) < 0)
        return asy_raise(vm, vm->exc.ValueError, "__sizeof__() should return >= 0");
      return INT_VAL(AS_INTLIKE(r));
    }
  }
  return INT_VAL(IS_OBJ(a[0]) ? asy_gc_sizeof(AS_OBJ(a[0])) : sizeof(Value));
}

static const char *const vi_fields[] = {"major", "minor", "micro", "releaselevel", "serial"};

static Value vi_field(VM *vm, Value self, int i) {
  if (!IS_TUPLE(self) || AS_TUPLE(self)->size <= (size_t)i)
    return asy_raise(vm, vm->exc.TypeError, "descriptor requires a 'sys.version_info' object");
  return AS_TUPLE(self)->items[i];
}

#define VI_GETTER(i) \
  static Value vi_get##i(VM *vm, int argc, Value *args, ObjDict *kw) { \
    return argc < 1 ? EXC_VAL : vi_field(vm, args[0], i); \
  }
VI_GETTER(0)
VI_GETTER(1)
VI_GETTER(2)
VI_GETTER(3)
VI_GETTER(4)

static Value vi_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_TUPLE(args[0])) return asy_raise(vm, vm->exc.TypeError, "bad version_info");
  ObjTuple *t = AS_TUPLE(args[0]);
  AsyBuf b;
  asy_buf_init(&b, vm);
  asy_buf_puts(&b, "sys.version_info(");
  for (size_t i = 0; i < t->size && i < 5; i++) {
    if (i) asy_buf_puts(&b, ", ");
    asy_buf_puts(&b, vi_fields[i]);
    asy_buf_putc(&b, '=');
    Value r = asy_repr(vm, t->items[i]);
    if (IS_EXC(r)) {
      asy_buf_free(&b);
      return r;
    }
    asy_buf_put_str(&b, AS_STR(r));
  }
  asy_buf_putc(&b, ')');
  return OBJ_VAL(asy_buf_to_str(&b));
}

static Value make_version_info(VM *vm) {
  ObjClass *cls = asy_std_class(vm, "version_info", "sys", vm->types.tuple, OBJ_TUPLE);
  cls->flags |= CLASS_FINAL;
  NativeFn getters[] = {vi_get0, vi_get1, vi_get2, vi_get3, vi_get4};
  for (int i = 0; i < 5; i++) asy_def_getset(vm, cls, vi_fields[i], getters[i], NULL);
  static const AsyMethodDef methods[] = {
      {"__repr__", vi_repr, ASY_UNCHECKED},
      {"__str__", vi_repr, ASY_UNCHECKED},
      {0},
  };
  asy_def_natives(vm, cls, NULL, methods);
  Value items[5] = {INT_VAL(3), INT_VAL(13), INT_VAL(0), STR_VAL(vm, "final"), INT_VAL(0)};
  ObjTuple *t = asy_tuple_from(vm, 5, items);
  t->obj.cls = cls;
  return OBJ_VAL(t);
}

void asy_sys_create(VM *vm) {
  AsyStdlib *st = vm->stdlib;
  ObjModule *m = asy_module_new(vm, asy_str_intern(vm, "sys", 3));
  st->sys_module = OBJ_VAL(m);
  ObjDict *d = m->dict;

  /* As CPython: SIGPIPE is ignored, so writing to a closed pipe (`asy x | head -2`)
     fails with EPIPE, which surfaces as BrokenPipeError instead of killing the process. */
  signal(SIGPIPE, SIG_IGN);
  st->std_in = asy_file_wrap(vm, stdin, "<stdin>", "r");
  st->std_out = asy_file_wrap(vm, stdout, "<stdout>", "w");
  st->std_err = asy_file_wrap(vm, stderr, "<stderr>", "w");
  asy_dict_set_str(vm, d, st->s_stdin, st->std_in);
  asy_dict_set_str(vm, d, st->s_stdout, st->std_out);
  asy_dict_set_str(vm, d, st->s_stderr, st->std_err);
  asy_def_value(vm, d, "__stdin__", st->std_in);
  asy_def_value(vm, d, "__stdout__", st->std_out);
  asy_def_value(vm, d, "__stderr__", st->std_err);

  asy_def_value(vm, d, "argv", vm->argv);
  asy_def_value(vm, d, "modules", OBJ_VAL(vm->modules));
  ObjList *path = asy_list_new(vm, 0);
  const char *ap = asy_getenv("ASYPATH");
  if (ap && *ap) {
    const char *p = ap;
    for (;;) {
      const char *colon = strchr(p, ':');
      size_t n = colon ? (size_t)(colon - p) : strlen(p);
      if (n) asy_list_append(vm, path, OBJ_VAL(asy_str_new(vm, p, n)));
      if (!colon) break;
      p = colon + 1;
    }
  }
  asy_def_value(vm, d, "path", OBJ_VAL(path));
  asy_def_value(vm, d, "maxsize", INT_VAL(INT64_MAX));
  asy_def_value(vm, d, "byteorder", STR_VAL(vm, "little"));
  asy_def_value(vm, d, "platform", STR_VAL(vm, "linux"));
  asy_def_value(vm, d, "version", STR_VAL(vm, "3.13.0 (Asy " ASY_VERSION ")"));
  asy_def_value(vm, d, "version_info", make_version_info(vm));
  asy_def_value(vm, d, "hexversion", INT_VAL(0x030d00f0));
  asy_def_value(vm, d, "api_version", INT_VAL(1013));
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  asy_def_value(vm, d, "executable", STR_VAL(vm, exe));

  /* clang-format off */
  static const AsyMethodDef fns[] = {
    {"exit", s_exit, ASY_UNCHECKED}, {"getrecursionlimit", s_getrecursionlimit, ASY_UNCHECKED},
    {"setrecursionlimit", s_setrecursionlimit, ASY_UNCHECKED},
    {"get_int_max_str_digits", s_get_int_max_str_digits, ASY_UNCHECKED},
    {"set_int_max_str_digits", s_set_int_max_str_digits, ASY_UNCHECKED},
    {"exception", s_exception, ASY_UNCHECKED}, {"exc_info", s_exc_info, ASY_UNCHECKED},
    {"intern", s_intern, ASY_UNCHECKED}, {"getdefaultencoding", s_getdefaultencoding, ASY_UNCHECKED},
    {"getsizeof", s_getsizeof, ASY_UNCHECKED},
    {0},
  };
  /* clang-format on */
  asy_def_natives(vm, NULL, d, fns);

  asy_dict_set_str(vm, vm->modules, m->name, OBJ_VAL(m));
}
