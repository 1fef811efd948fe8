/*
** builtins.c — the builtins module: asy_init_builtins fills vm->builtins with every
** built-in function, class and exception, and registers the native modules.
**
** The iterator-flavoured builtins live in builtins_iter.c, print/input in print.c,
** open() in file.c. This file has the rest (len, repr, abs, round, divmod, pow,
** isinstance, getattr …) plus the argument-checking helpers every stdlib file uses.
*/
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "vm/gc.h"
#include "vm/obj/class.h"        /* asy_class_check */
#include "vm/obj/format.h"       /* asy_ascii */
#include "vm/obj/genericalias.h" /* asy_union_args */
#include "vm/obj/str.h"
#include "vm/opcodes.h"

#include "vm/interp.h" /* asy_c_stack_exhausted */
#include "vm/obj/list.h"
#include "vm/obj/bigint.h"
#include "vm/obj/number.h"        /* asy_int_pow_mod */
#include "vm/obj/numbermethods.h" /* asy_number_round */

/* ---- argument checking -------------------------------------------------------------- */

static size_t kw_count(ObjDict *kw) { return kw ? kw->count : 0; }

static int name_index(ObjStr *key, const char *const *names, int n) {
  for (int i = 0; i < n; i++)
    if (strlen(names[i]) == key->size && memcmp(names[i], key->chars, key->size) == 0) return i;
  return -1;
}

static bool unexpected_kw(VM *vm, const char *fname, Value key, int style) {
  if (!IS_STR(key)) {
    asy_raise(vm, vm->exc.TypeError, "keywords must be strings");
  } else if (style == 1) {
    asy_raise(vm, vm->exc.TypeError, "'%s' is an invalid keyword argument for %s()",
              AS_STR(key)->chars, fname);
  } else {
    asy_raise(vm, vm->exc.TypeError, "%s() got an unexpected keyword argument '%s'", fname,
              AS_STR(key)->chars);
  }
  return false;
}

bool asy_std_kwargs(VM *vm, const char *fname, ObjDict *kw, const char *const *names, int n,
                    Value *out, int style) {
  if (!kw) return true;
  for (size_t i = 0; i < kw->used; i++) {
    DictEntry *e = &kw->entries[i];
    Value name = asy_dict_key(kw, i);
    if (IS_UNDEF(name)) continue;
    int idx = IS_STR(name) ? name_index(AS_STR(name), names, n) : -1;
    if (idx < 0) return unexpected_kw(vm, fname, name, style);
    out[idx] = e->value;
  }
  return true;
}

bool asy_std_bind(VM *vm, const char *fname, int argc, Value *args, ObjDict *kw,
                  const char *const *names, int n, int npos_only, int nreq, Value *out) {
  int total = argc + (int)kw_count(kw);
  if (total > n || argc > n) {
    asy_raise(vm, vm->exc.TypeError, "%s() takes %s %d argument%s (%d given)", fname,
              nreq == n ? "exactly" : "at most", n, n == 1 ? "" : "s", total > argc ? total : argc);
    return false;
  }
  for (int i = 0; i < n; i++) out[i] = i < argc ? args[i] : UNDEF_VAL;
  int req_posonly = nreq < npos_only ? nreq : npos_only;
  if (argc < req_posonly) {
    asy_raise(vm, vm->exc.TypeError, "%s() takes at least %d positional argument%s (%d given)",
              fname, req_posonly, req_posonly == 1 ? "" : "s", argc);
    return false;
  }
  /* Fill keyword parameters first, then report what is missing, then what is unknown
  ** (CPython's _PyArg_UnpackKeywords reports in that order). */
  int used = 0;
  for (int i = argc; i < n && kw; i++) {
    if (i < npos_only) continue;
    ObjStr *key = asy_str_cstr(vm, names[i]);
    Value v = asy_dict_get_str(kw, key);
    if (!IS_UNDEF(v)) {
      out[i] = v;
      used++;
    }
  }
  for (int i = argc; i < nreq; i++) {
    if (IS_UNDEF(out[i])) {
      asy_raise(vm, vm->exc.TypeError, "%s() missing required argument '%s' (pos %d)", fname,
                names[i], i + 1);
      return false;
    }
  }
  if (kw && used < (int)kw->count) {
    for (size_t j = 0; j < kw->used; j++) {
      Value name = asy_dict_key(kw, j);
      if (IS_UNDEF(name)) continue;
      int idx = IS_STR(name) ? name_index(AS_STR(name), names, n) : -1;
      if (idx >= npos_only && idx >= 0 && idx < argc) {
        asy_raise(vm, vm->exc.TypeError, "argument for %s() given by name ('%s') and position (%d)",
                  fname, names[idx], idx + 1);
        return false;
      }
      if (idx < npos_only) return unexpected_kw(vm, fname, name, 0);
    }
  }
  return true;
}

Value asy_std_call_special(VM *vm, Value self, ObjStr *name, int argc, Value *args, bool *found) {
  Value m = asy_class_lookup(asy_class_of(vm, self), name);
  *found = !IS_UNDEF(m) && !IS_EXC(m);
  if (!*found) return UNDEF_VAL;
  if (IS_FUNCTION(m) || IS_NATIVE(m)) {
    Value argv[8];
    if (argc < 8) {
      argv[0] = self;
      for (int i = 0; i < argc; i++) argv[i + 1] = args[i];
      return asy_call(vm, m, argc + 1, argv, NULL);
    }
  }
  return asy_call_method(vm, self, name, argc, args);
}

bool asy_std_pybind(VM *vm, const char *qualname, int argc, Value *args, ObjDict *kw,
                    const char *const *names, int n, int nreq, Value *out) {
  if (argc > n) {
    if (nreq == n)
      asy_raise(vm, vm->exc.TypeError, "%s() takes %d positional argument%s but %d %s given",
                qualname, n + 1, n + 1 == 1 ? "" : "s", argc + 1, argc + 1 == 1 ? "was" : "were");
    else
      asy_raise(vm, vm->exc.TypeError,
                "%s() takes from %d to %d positional arguments but %d were given", qualname,
                nreq + 1, n + 1, argc + 1);
    return false;
  }
  for (int i = 0; i < n; i++) out[i] = i < argc ? args[i] : UNDEF_VAL;
  if (kw) {
    for (size_t j = 0; j < kw->used; j++) {
      DictEntry *e = &kw->entries[j];
      Value name = asy_dict_key(kw, j);
      if (IS_UNDEF(name)) continue;
      int idx = IS_STR(name) ? name_index(AS_STR(name), names, n) : -1;
      if (idx < 0) {
        if (!IS_STR(name)) return unexpected_kw(vm, qualname, name, 0);
        asy_raise(vm, vm->exc.TypeError, "%s() got an unexpected keyword argument '%s'", qualname,
                  AS_STR(name)->chars);
        return false;
      }
      if (!IS_UNDEF(out[idx])) {
        asy_raise(vm, vm->exc.TypeError, "%s() got multiple values for argument '%s'", qualname,
                  names[idx]);
        return false;
      }
      out[idx] = e->value;
    }
  }
  int missing = 0;
  for (int i = 0; i < nreq; i++)
    if (IS_UNDEF(out[i])) missing++;
  if (missing) {
    char list[256];
    size_t len = 0;
    int seen = 0;
    list[0] = '\0';
    for (int i = 0; i < nreq; i++) {
      if (!IS_UNDEF(out[i])) continue;
      seen++;
      const char *sep =
          seen == 1 ? "" : (seen == missing ? (missing > 2 ? ", and " : " and ") : ", ");
      len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s'", sep, names[i]);
      if (len >= sizeof list) len = sizeof list - 1;
    }
    asy_raise(vm, vm->exc.TypeError, "%s() missing %d required positional argument%s: %s", qualname,
              missing, missing == 1 ? "" : "s", list);
    return false;
  }
  return true;
}

bool asy_std_to_double(VM *vm, Value v, double *out) {
  if (IS_FLOAT(v)) {
    *out = AS_FLOAT(v);
    return true;
  }
  if (asy_is_int(v)) return asy_int_to_double(vm, v, out);
  if (IS_OBJ(v)) {
    bool found = false;
    Value r = asy_std_call_special(vm, v, vm->names.float_, 0, NULL, &found);
    if (found) {
      if (IS_EXC(r)) return false;
      if (!IS_FLOAT(r)) {
        asy_raise(vm, vm->exc.TypeError, "%N.__float__ returned non-float (type %N)", v, r);
        return false;
      }
      *out = AS_FLOAT(r);
      return true;
    }
    r = asy_std_call_special(vm, v, vm->names.index, 0, NULL, &found);
    if (found) {
      if (IS_EXC(r)) return false;
      if (!asy_is_int(r)) {
        asy_raise(vm, vm->exc.TypeError, "__index__ returned non-int (type %N)", r);
        return false;
      }
      return asy_int_to_double(vm, r, out);
    }
  }
  asy_raise(vm, vm->exc.TypeError, "must be real number, not %N", v);
  return false;
}

bool asy_std_callable(VM *vm, Value v) {
  if (!IS_OBJ(v)) return false;
  switch (OBJ_TYPE(v)) {
  case OBJ_FUNCTION:
  case OBJ_BOUND:
  case OBJ_NATIVE:
  case OBJ_CLASS: return true;
  default: return !IS_UNDEF(asy_class_lookup(asy_class_of(vm, v), vm->names.call));
  }
}

ObjClass *asy_std_class(VM *vm, const char *name, const char *module, ObjClass *base,
                        ObjType layout) {
  ObjClass *c = (ObjClass *)asy_alloc_obj(vm, sizeof(ObjClass), OBJ_CLASS, vm->types.type);
  c->base = base;
  c->layout = layout;
  c->flags = CLASS_BUILTIN | (base->flags & CLASS_EXCEPTION);
  c->depth = base->depth + 1;
  c->module = NONE_VAL;
  c->name = asy_str_intern(vm, name, strlen(name));
  c->qualname = c->name;
  c->module = OBJ_VAL(asy_str_intern(vm, module, strlen(module)));
  c->dict = asy_dict_new(vm);
  return c;
}

/* ---- per-VM state -------------------------------------------------------------------- */

/* The VM's hooks (asy_vm_add_hook): vm/ knows nothing of AsyStdlib. */
static void stdlib_mark(VM *vm) {
  AsyStdlib *st = vm->stdlib;
  if (!st) return;
  asy_gc_mark_value(vm, st->sys_module);
  asy_gc_mark_value(vm, st->std_in);
  asy_gc_mark_value(vm, st->std_out);
  asy_gc_mark_value(vm, st->std_err);
  asy_gc_mark_value(vm, st->json_decode_error);
  asy_gc_mark_value(vm, st->random_class);
  asy_gc_mark_value(vm, st->unsupported_operation);
  for (size_t i = 0; i < sizeof st->iter_classes / sizeof st->iter_classes[0]; i++)
    asy_gc_mark_obj(vm, (Obj *)st->iter_classes[i]);
  for (size_t i = 0; i < sizeof st->file_classes / sizeof st->file_classes[0]; i++)
    asy_gc_mark_obj(vm, (Obj *)st->file_classes[i]);
  ObjStr **names[] = {&st->s_stdout, &st->s_stderr, &st->s_stdin,
                      &st->s_write,  &st->s_flush,  &st->s_readline};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) asy_gc_mark_obj(vm, (Obj *)*names[i]);
}

static void stdlib_release(VM *vm) {
  fflush(stdout);
  fflush(stderr);
  free(vm->stdlib);
  vm->stdlib = NULL;
}

/* ---- simple builtins ------------------------------------------------------------------ */

static Value bi_len(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "len", argc, kw, 1, 1)) return EXC_VAL;
  int64_t n = asy_len(vm, args[0]);
  return n < 0 ? EXC_VAL : INT_VAL(n);
}

static Value bi_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "repr", argc, kw, 1, 1)) return EXC_VAL;
  return asy_repr(vm, args[0]);
}

/* ascii(): repr with every non-ASCII code point escaped as \xhh, \uhhhh or \Uhhhhhhhh. */
static Value bi_ascii(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "ascii", argc, kw, 1, 1)) return EXC_VAL;
  return asy_ascii(vm, args[0]);
}

static Value bi_abs(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "abs", argc, kw, 1, 1)) return EXC_VAL;
  Value v = args[0];
  if (IS_INTLIKE(v) && AS_INTLIKE(v) != INT64_MIN) {
    int64_t i = AS_INTLIKE(v);
    return INT_VAL(i < 0 ? -i : i);
  }
  if (asy_is_int(v)) return asy_bigint_unary(vm, -1, v);
  if (IS_FLOAT(v)) return FLOAT_VAL(fabs(AS_FLOAT(v)));
  bool found = false;
  Value r = IS_OBJ(v) ? asy_std_call_special(vm, v, vm->names.abs, 0, NULL, &found) : UNDEF_VAL;
  if (found) return r;
  return asy_raise(vm, vm->exc.TypeError, "bad operand type for abs(): '%s'", asy_type_name(vm, v));
}

static Value bi_round(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"number", "ndigits"};
  Value a[2];
  if (!asy_std_bind(vm, "round", argc, args, kw, names, 2, 0, 1, a)) return EXC_VAL;
  Value v = a[0];
  bool has_nd = !IS_UNDEF(a[1]) && !IS_NONE(a[1]);
  if (asy_is_num(v)) return asy_number_round(vm, v, a[1]);
  bool found = false;
  Value r = UNDEF_VAL;
  if (IS_OBJ(v)) r = asy_std_call_special(vm, v, vm->names.round, has_nd ? 1 : 0, &a[1], &found);
  if (found) return r;
  return asy_raise(vm, vm->exc.TypeError, "type %s doesn't define __round__ method",
                   asy_type_name(vm, v));
}

/* Try a binary special method pair (divmod and 3-argument pow on user objects). */
static Value binary_dunder(VM *vm, Value a, Value b, const char *name, const char *rname,
                           bool *handled) {
  *handled = false;
  ObjStr *n = asy_str_intern(vm, name, strlen(name));
  ObjStr *rn = asy_str_intern(vm, rname, strlen(rname));
  bool found = false;
  if (IS_OBJ(a)) {
    Value r = asy_std_call_special(vm, a, n, 1, &b, &found);
    if (found && (IS_EXC(r) || !asy_same(r, vm->notimplemented))) {
      *handled = true;
      return r;
    }
  }
  if (IS_OBJ(b)) {
    Value r = asy_std_call_special(vm, b, rn, 1, &a, &found);
    if (found && (IS_EXC(r) || !asy_same(r, vm->notimplemented))) {
      *handled = true;
      return r;
    }
  }
  return UNDEF_VAL;
}

static Value bi_divmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "divmod", kw) || !asy_arg_count(vm, "divmod", argc, 2, 2)) return EXC_VAL;
  Value a = args[0], b = args[1];
  if (asy_is_num(a) && asy_is_num(b)) return asy_number_divmod(vm, a, b);
  bool handled;
  Value r = binary_dunder(vm, a, b, "__divmod__", "__rdivmod__", &handled);
  if (handled) return r;
  return asy_raise(vm, vm->exc.TypeError, "unsupported operand type(s) for divmod(): '%s' and '%s'",
                   asy_type_name(vm, a), asy_type_name(vm, b));
}

static Value bi_pow(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"base", "exp", "mod"};
  Value a[3];
  if (!asy_std_bind(vm, "pow", argc, args, kw, names, 3, 0, 2, a)) return EXC_VAL;
  if (IS_UNDEF(a[2]) || IS_NONE(a[2])) return asy_binary_op(vm, BINOP_POWER, a[0], a[1]);
  if (!asy_is_int(a[0]) || !asy_is_int(a[1]) || !asy_is_int(a[2])) {
    bool handled = false;
    if (IS_OBJ(a[0]) && !IS_NUMBER(a[0])) {
      bool found = false;
      Value r = asy_std_call_special(vm, a[0], asy_str_intern(vm, "__pow__", 7), 2, &a[1], &found);
      if (found && (IS_EXC(r) || !asy_same(r, vm->notimplemented))) return r;
    }
    (void)handled;
    if (asy_is_num(a[0]) && asy_is_num(a[1]) && asy_is_num(a[2]))
      return asy_raise(vm, vm->exc.TypeError,
                       "pow() 3rd argument not allowed unless all arguments are integers");
    return asy_raise(vm, vm->exc.TypeError,
                     "unsupported operand type(s) for ** or pow(): '%s', '%s', '%s'",
                     asy_type_name(vm, a[0]), asy_type_name(vm, a[1]), asy_type_name(vm, a[2]));
  }
  if (IS_INTLIKE(a[0]) && IS_INTLIKE(a[1]) && IS_INTLIKE(a[2]))
    return asy_int_pow_mod(vm, AS_INTLIKE(a[0]), AS_INTLIKE(a[1]), AS_INTLIKE(a[2]));
  return asy_bigint_pow_mod(vm, a[0], a[1], a[2]);
}

/* isinstance/issubclass against a class or a (nested) tuple of classes. */
static int check_classinfo(VM *vm, Value v, Value info, bool sub, int depth) {
  if (IS_CLASS(info)) return asy_class_check(vm, v, AS_CLASS(info), sub);
  ObjTuple *members;
  if (asy_union_args(vm, info, &members)) info = OBJ_VAL(members);
  if (IS_TUPLE(info)) {
    /* Each nested tuple is one level of CPython's C recursion limit (10000; the call
    ** itself takes one); the stack check is the backstop for big C frames. */
    if (depth >= 9999 || asy_c_stack_exhausted()) {
      asy_raise(vm, vm->exc.RecursionError, "maximum recursion depth exceeded in %s",
                sub ? "__subclasscheck__" : "__instancecheck__");
      return -1;
    }
    ObjTuple *t = AS_TUPLE(info);
    for (size_t i = 0; i < t->size; i++) {
      int r = check_classinfo(vm, v, t->items[i], sub, depth + 1);
      if (r != 0) return r;
    }
    return 0;
  }
  if (sub)
    asy_raise(vm, vm->exc.TypeError,
              "issubclass() arg 2 must be a class, a tuple of classes, or a union");
  else
    asy_raise(vm, vm->exc.TypeError,
              "isinstance() arg 2 must be a type, a tuple of types, or a union");
  return -1;
}

static Value bi_isinstance(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "isinstance", kw) || !asy_arg_count(vm, "isinstance", argc, 2, 2))
    return EXC_VAL;
  int r = check_classinfo(vm, args[0], args[1], false, 0);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value bi_issubclass(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "issubclass", kw) || !asy_arg_count(vm, "issubclass", argc, 2, 2))
    return EXC_VAL;
  if (!IS_CLASS(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "issubclass() arg 1 must be a class");
  int r = check_classinfo(vm, args[0], args[1], true, 0);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value bi_callable(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "callable", argc, kw, 1, 1)) return EXC_VAL;
  return BOOL_VAL(asy_std_callable(vm, args[0]));
}

static Value bi_hash(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "hash", argc, kw, 1, 1)) return EXC_VAL;
  int64_t h;
  if (!asy_hash(vm, args[0], &h)) return EXC_VAL;
  return INT_VAL(h);
}

/* id(): the address for objects; immediates (which have no address here) get a stable
** value derived from their payload, so `id(a) == id(b)` agrees with `a is b`. */
static Value bi_id(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "id", argc, kw, 1, 1)) return EXC_VAL;
  Value v = args[0];
  static const char anchors[4] = {0};
  switch (v.tag) {
  case VAL_OBJ: return INT_VAL((int64_t)(uintptr_t)AS_OBJ(v));
  case VAL_NONE: return INT_VAL((int64_t)(uintptr_t)&anchors[0]);
  case VAL_BOOL: return INT_VAL((int64_t)(uintptr_t)&anchors[AS_BOOL(v) ? 2 : 1]);
  case VAL_INT:
    return INT_VAL((int64_t)(((uint64_t)AS_INT(v) * 16 + 0x7a0000000001ull) & INT64_MAX));
  case VAL_FLOAT: {
    uint64_t bits;
    memcpy(&bits, &v.as.f, sizeof bits);
    return INT_VAL((int64_t)((bits * 16 + 0x7b0000000003ull) & INT64_MAX));
  }
  default: return INT_VAL(0);
  }
}

static bool attr_name(VM *vm, Value name) {
  if (IS_STR(name)) return true;
  asy_raise(vm, vm->exc.TypeError, "attribute name must be string, not '%s'",
            asy_type_name(vm, name));
  return false;
}

static Value bi_getattr(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "getattr", kw) || !asy_arg_count(vm, "getattr", argc, 2, 3)) return EXC_VAL;
  if (!attr_name(vm, args[1])) return EXC_VAL;
  if (argc == 2) return asy_getattr(vm, args[0], AS_STR(args[1]));
  Value r = asy_getattr_opt(vm, args[0], AS_STR(args[1]));
  if (IS_UNDEF(r)) return args[2];
  if (IS_EXC(r) && asy_pending_is(vm, vm->exc.AttributeError)) {
    asy_clear_pending(vm);
    return args[2];
  }
  return r;
}

static Value bi_hasattr(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "hasattr", kw) || !asy_arg_count(vm, "hasattr", argc, 2, 2)) return EXC_VAL;
  if (!attr_name(vm, args[1])) return EXC_VAL;
  Value r = asy_getattr_opt(vm, args[0], AS_STR(args[1]));
  if (IS_UNDEF(r)) return FALSE_VAL;
  if (IS_EXC(r)) {
    if (!asy_pending_is(vm, vm->exc.AttributeError)) return r;
    asy_clear_pending(vm);
    return FALSE_VAL;
  }
  return TRUE_VAL;
}

static Value bi_setattr(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "setattr", kw) || !asy_arg_count(vm, "setattr", argc, 3, 3)) return EXC_VAL;
  if (!attr_name(vm, args[1])) return EXC_VAL;
  return asy_setattr(vm, args[0], AS_STR(args[1]), args[2]) ? NONE_VAL : EXC_VAL;
}

static Value bi_delattr(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "delattr", kw) || !asy_arg_count(vm, "delattr", argc, 2, 2)) return EXC_VAL;
  if (!attr_name(vm, args[1])) return EXC_VAL;
  return asy_delattr(vm, args[0], AS_STR(args[1])) ? NONE_VAL : EXC_VAL;
}

/* The innermost script frame (natives push no frame, so it is the caller's). */
Frame *asy_caller_frame(VM *vm) {
  Fiber *f = vm->fiber;
  return f && f->frame_count > 0 ? &f->frames[f->frame_count - 1] : NULL;
}

/* locals(): the namespace dict of module/class code, else a snapshot of the fast locals
** (cells included), as CPython 3.13 returns for functions. */
Value asy_caller_locals(VM *vm) {
  Frame *fr = asy_caller_frame(vm);
  if (!fr) return OBJ_VAL(asy_dict_new(vm));
  if (fr->locals) return OBJ_VAL(fr->locals);
  ObjDict *d = asy_dict_new(vm);
  ObjCode *code = fr->code;
  int n = code->nlocalsplus;
  for (int i = 0; i < n && code->varnames && (size_t)i < code->varnames->size; i++) {
    Value v = fr->base[i];
    if (i >= code->nlocals && IS_OBJ_TYPE(v, OBJ_CELL)) v = ((ObjCell *)AS_OBJ(v))->value;
    if (IS_UNDEF(v) || IS_EXC(v)) continue;
    if (!asy_dict_set(vm, d, code->varnames->items[i], v)) return EXC_VAL;
  }
  return OBJ_VAL(d);
}

static Value bi_locals(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "locals", kw)) return EXC_VAL;
  if (argc != 0)
    return asy_raise(vm, vm->exc.TypeError, "locals() takes no arguments (%d given)", argc);
  return asy_caller_locals(vm);
}

static Value bi_globals(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "globals", kw)) return EXC_VAL;
  if (argc != 0)
    return asy_raise(vm, vm->exc.TypeError, "globals() takes no arguments (%d given)", argc);
  Frame *fr = asy_caller_frame(vm);
  if (!fr || !fr->globals) return OBJ_VAL(asy_dict_new(vm));
  return OBJ_VAL(fr->globals);
}

static Value bi_vars(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "vars", kw) || !asy_arg_count(vm, "vars", argc, 0, 1)) return EXC_VAL;
  if (argc == 0) return asy_caller_locals(vm);
  Value r = asy_getattr_opt(vm, args[0], vm->names.dict);
  if (IS_EXC(r)) {
    if (!asy_pending_is(vm, vm->exc.AttributeError)) return r;
    asy_clear_pending(vm);
    r = UNDEF_VAL;
  }
  if (IS_UNDEF(r))
    return asy_raise(vm, vm->exc.TypeError, "vars() argument must have __dict__ attribute");
  return r;
}

/* Add the str keys of d to the set `names`. */
static bool add_keys(VM *vm, ObjSet *names, ObjDict *d) {
  if (!d) return true;
  for (size_t i = 0; i < d->used; i++) {
    Value k = asy_dict_key(d, i);
    if (IS_UNDEF(k) || !IS_STR(k)) continue;
    if (!asy_set_add(vm, names, k)) return false;
  }
  return true;
}

/* What CPython's dir() finds on `object` and in every user class's own dict (which
** Asy's class objects do not all store), so dir() of plain classes matches. */
/* clang-format off */
static const char *const object_attrs[] = {
  "__class__", "__delattr__", "__dir__", "__doc__", "__eq__", "__format__", "__ge__",
  "__getattribute__", "__getstate__", "__gt__", "__hash__", "__init__", "__init_subclass__",
  "__le__", "__lt__", "__ne__", "__new__", "__reduce__", "__reduce_ex__", "__repr__",
  "__setattr__", "__sizeof__", "__str__", "__subclasshook__",
};
/* clang-format on */
static const char *const user_class_attrs[] = {
    "__dict__", "__doc__", "__firstlineno__", "__module__", "__static_attributes__", "__weakref__",
};

static bool add_names(VM *vm, ObjSet *names, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!asy_set_add(vm, names, OBJ_VAL(asy_str_intern(vm, list[i], strlen(list[i])))))
      return false;
  return true;
}

/* The attributes of class c and its bases, as type.__dir__ collects them. */
static bool add_class_attrs(VM *vm, ObjSet *names, ObjClass *c) {
  for (; c; c = c->base) {
    if (c == vm->types.object) {
      if (!add_names(vm, names, object_attrs, sizeof object_attrs / sizeof object_attrs[0]))
        return false;
      continue;
    }
    ObjDict *d = c->dict;
    for (size_t i = 0; d && i < d->used; i++) {
      Value k = asy_dict_key(d, i);
      if (IS_UNDEF(k) || !IS_STR(k) || asy_str_equal(AS_STR(k), vm->names.qualname)) continue;
      if (!asy_set_add(vm, names, k)) return false;
    }
    if (!(c->flags & CLASS_BUILTIN) &&
        !add_names(vm, names, user_class_attrs,
                   sizeof user_class_attrs / sizeof user_class_attrs[0]))
      return false;
  }
  return true;
}

static Value bi_dir(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "dir", kw) || !asy_arg_count(vm, "dir", argc, 0, 1)) return EXC_VAL;
  ObjSet *names = asy_set_new(vm, vm->types.set);
  if (argc == 0) {
    Value l = asy_caller_locals(vm);
    if (IS_EXC(l)) return l;
    if (!add_keys(vm, names, AS_DICT(l))) return EXC_VAL;
  } else {
    Value v = args[0];
    bool found = false;
    Value custom = UNDEF_VAL;
    if (IS_INSTANCE(v) || IS_EXCEPTION(v)) {
      ObjStr *dname = asy_str_intern(vm, "__dir__", 7);
      Value m = asy_class_lookup(asy_class_of(vm, v), dname);
      if (IS_FUNCTION(m)) custom = asy_std_call_special(vm, v, dname, 0, NULL, &found);
    }
    if (found) {
      if (IS_EXC(custom)) return custom;
      Value l = asy_list_from_iterable(vm, custom);
      if (IS_EXC(l)) return l;
      Value none = NONE_VAL;
      if (IS_EXC(asy_list_sort(vm, AS_LIST(l), none, false))) return EXC_VAL;
      return l;
    }
    if (IS_MODULE(v)) {
      if (!add_keys(vm, names, AS_MODULE(v)->dict)) return EXC_VAL;
    } else {
      if (IS_INSTANCE(v) || IS_EXCEPTION(v)) {
        if (!add_keys(vm, names, AS_INSTANCE(v)->dict)) return EXC_VAL;
      }
      ObjClass *c = IS_CLASS(v) ? AS_CLASS(v) : asy_class_of(vm, v);
      if (!add_class_attrs(vm, names, c)) return EXC_VAL;
    }
  }
  Value l = asy_list_from_iterable(vm, OBJ_VAL(names));
  if (IS_EXC(l)) return l;
  if (IS_EXC(asy_list_sort(vm, AS_LIST(l), NONE_VAL, false))) return EXC_VAL;
  return l;
}

static Value bi_ord(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "ord", argc, kw, 1, 1)) return EXC_VAL;
  Value v = args[0];
  if (IS_STR(v)) {
    ObjStr *s = AS_STR(v);
    if (s->length != 1)
      return asy_raise(vm, vm->exc.TypeError,
                       "ord() expected a character, but string of length %zu found", s->length);
    size_t adv;
    return INT_VAL(asy_utf8_decode(s->chars, s->size, &adv));
  }
  if (IS_BYTES(v)) {
    ObjBytes *b = AS_BYTES(v);
    if (b->size != 1)
      return asy_raise(vm, vm->exc.TypeError,
                       "ord() expected a character, but string of length %zu found", b->size);
    return INT_VAL(b->data[0]);
  }
  return asy_raise(vm, vm->exc.TypeError, "ord() expected string of length 1, but %s found",
                   asy_type_name(vm, v));
}

static Value bi_chr(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_args(vm, "chr", argc, kw, 1, 1)) return EXC_VAL;
  int64_t i;
  if (!asy_index(vm, args[0], &i)) return EXC_VAL;
  if (i < 0 || i > 0x10ffff)
    return asy_raise(vm, vm->exc.ValueError, "chr() arg not in range(0x110000)");
  return OBJ_VAL(asy_str_from_cp(vm, (uint32_t)i));
}

/* hex/oct/bin: sign, prefix, digits of the magnitude. */
static Value int_to_base(VM *vm, const char *fname, int argc, Value *args, ObjDict *kw, int base) {
  if (!asy_args(vm, fname, argc, kw, 1, 1)) return EXC_VAL;
  Value v = args[0];
  if (!asy_is_int(v)) {
    int64_t i;
    if (!asy_index(vm, v, &i)) return EXC_VAL;
    v = INT_VAL(i);
  }
  return asy_int_to_base_str(vm, IS_BOOL(v) ? INT_VAL(AS_BOOL(v)) : v, base);
}

static Value bi_hex(VM *vm, int argc, Value *args, ObjDict *kw) {
  return int_to_base(vm, "hex", argc, args, kw, 16);
}
static Value bi_oct(VM *vm, int argc, Value *args, ObjDict *kw) {
  return int_to_base(vm, "oct", argc, args, kw, 8);
}
static Value bi_bin(VM *vm, int argc, Value *args, ObjDict *kw) {
  return int_to_base(vm, "bin", argc, args, kw, 2);
}

static Value bi_format(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "format", kw) || !asy_arg_count(vm, "format", argc, 1, 2)) return EXC_VAL;
  ObjStr *spec = vm->names.empty;
  if (argc == 2) {
    if (!IS_STR(args[1]))
      return asy_raise(vm, vm->exc.TypeError, "format() argument 2 must be str, not %s",
                       asy_arg_type_name(vm, args[1]));
    spec = AS_STR(args[1]);
  }
  return asy_format(vm, args[0], spec);
}

/* exit()/quit(): SystemExit(code), as site.Quitter does. */
static Value bi_exit(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "exit", kw)) return EXC_VAL;
  if (argc > 1) /* a Python method there: its own wording, self counted */
    return asy_raise(vm, vm->exc.TypeError,
                     "Quitter.__call__() takes from 1 to 2 positional arguments but %d were given",
                     argc + 1);
  Value e = asy_new_exception(vm, vm->exc.SystemExit, argc, args);
  if (IS_EXC(e)) return e;
  return asy_raise_value(vm, e);
}

static Value bi_import(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"name", "globals", "locals", "fromlist", "level"};
  Value a[5];
  if (!asy_std_bind(vm, "__import__", argc, args, kw, names, 5, 0, 1, a)) return EXC_VAL;
  if (!IS_STR(a[0])) return asy_raise(vm, vm->exc.TypeError, "module name must be a string");
  return asy_import(vm, AS_STR(a[0]));
}

/* ---- the builtins module ------------------------------------------------------------------ */

/* Exceptions CPython has that the core does not create: (name, base name). */
static const char *const extra_exceptions[][2] = {
    {"ReferenceError", "Exception"},
    {"SystemError", "Exception"},
    {"BufferError", "Exception"},
    {"FloatingPointError", "ArithmeticError"},
    {"UnicodeTranslateError", "UnicodeError"},
    {"NotADirectoryError", "OSError"},
    {"InterruptedError", "OSError"},
    {"ProcessLookupError", "OSError"},
    {"ChildProcessError", "OSError"},
    {"BlockingIOError", "OSError"},
    {"ConnectionAbortedError", "ConnectionError"},
    {"PythonFinalizationError", "RuntimeError"},
    {"SyntaxWarning", "Warning"},
    {"FutureWarning", "Warning"},
    {"PendingDeprecationWarning", "Warning"},
    {"ImportWarning", "Warning"},
    {"UnicodeWarning", "Warning"},
    {"BytesWarning", "Warning"},
    {"ResourceWarning", "Warning"},
    {"EncodingWarning", "Warning"},
};

static void def_class(VM *vm, ObjDict *b, ObjClass *c) {
  asy_dict_set_str(vm, b, c->name, OBJ_VAL(c));
}

void asy_init_builtins(VM *vm) {
  AsyStdlib *st = calloc(1, sizeof(AsyStdlib));
  if (!st) {
    fputs("asy: out of memory\n", stderr);
    abort();
  }
  st->sys_module = st->std_in = st->std_out = st->std_err = NONE_VAL;
  st->json_decode_error = st->random_class = st->unsupported_operation = NONE_VAL;
  vm->stdlib = st;
  asy_vm_add_hook(vm, stdlib_mark, stdlib_release);
  /* The VM's own bootstrap ran with the collector paused; installing the library is the
  ** rest of that bootstrap, so it does too, and drops its temporaries at the end. */
  vm->gc_paused++;
  size_t mark = asy_temp_mark(vm);
  st->s_stdout = asy_str_intern(vm, "stdout", 6);
  st->s_stderr = asy_str_intern(vm, "stderr", 6);
  st->s_stdin = asy_str_intern(vm, "stdin", 5);
  st->s_write = asy_str_intern(vm, "write", 5);
  st->s_flush = asy_str_intern(vm, "flush", 5);
  st->s_readline = asy_str_intern(vm, "readline", 8);

  ObjDict *b = vm->builtins;

  /* Classes, by their Python names. */
  ObjClass *classes[] = {
      vm->types.object,      vm->types.type,  vm->types.int_,     vm->types.float_,
      vm->types.bool_,       vm->types.str,   vm->types.bytes,    vm->types.list,
      vm->types.tuple,       vm->types.dict,  vm->types.set,      vm->types.frozenset,
      vm->types.range,       vm->types.slice, vm->types.property, vm->types.staticmethod,
      vm->types.classmethod, vm->types.super,
  };
  for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) def_class(vm, b, classes[i]);

  /* Exceptions: every built-in one except the asyncio module's own classes. */
  ObjClass **excs = (ObjClass **)&vm->exc;
  for (size_t i = 0; i < sizeof vm->exc / sizeof(ObjClass *); i++) {
    ObjClass *c = excs[i];
    if (c == vm->exc.CancelledError || c == vm->exc.InvalidStateError || c == vm->exc.QueueEmpty ||
        c == vm->exc.QueueFull || c == vm->exc.QueueShutDown)
      continue;
    def_class(vm, b, c);
  }
  for (size_t i = 0; i < sizeof extra_exceptions / sizeof extra_exceptions[0]; i++) {
    const char *name = extra_exceptions[i][0], *base = extra_exceptions[i][1];
    /* A class the core grows later (in vm->exc) wins over the stand-in. */
    if (!IS_UNDEF(asy_dict_get_str(b, asy_str_intern(vm, name, strlen(name))))) continue;
    Value bc = asy_dict_get_str(b, asy_str_intern(vm, base, strlen(base)));
    if (!IS_CLASS(bc)) continue;
    def_class(vm, b, asy_std_class(vm, name, "builtins", AS_CLASS(bc), OBJ_EXCEPTION));
  }
  asy_def_value(vm, b, "EnvironmentError", OBJ_VAL(vm->exc.OSError));
  asy_def_value(vm, b, "IOError", OBJ_VAL(vm->exc.OSError));

  asy_def_value(vm, b, "NotImplemented", vm->notimplemented);
  asy_def_value(vm, b, "Ellipsis", vm->ellipsis);
  asy_def_value(vm, b, "__debug__", TRUE_VAL);
  asy_def_value(vm, b, "__name__", STR_VAL(vm, "builtins"));

#define UNCHECKED ASY_UNCHECKED
  /* clang-format off */
  static const AsyMethodDef fns[] = {
    {"len", bi_len, UNCHECKED}, {"repr", bi_repr, UNCHECKED}, {"ascii", bi_ascii, UNCHECKED},
    {"abs", bi_abs, UNCHECKED}, {"round", bi_round, UNCHECKED}, {"divmod", bi_divmod, UNCHECKED},
    {"pow", bi_pow, UNCHECKED}, {"isinstance", bi_isinstance, UNCHECKED},
    {"issubclass", bi_issubclass, UNCHECKED}, {"callable", bi_callable, UNCHECKED},
    {"hash", bi_hash, UNCHECKED}, {"id", bi_id, UNCHECKED}, {"getattr", bi_getattr, UNCHECKED},
    {"hasattr", bi_hasattr, UNCHECKED}, {"setattr", bi_setattr, UNCHECKED},
    {"delattr", bi_delattr, UNCHECKED}, {"vars", bi_vars, UNCHECKED}, {"dir", bi_dir, UNCHECKED},
    {"locals", bi_locals, UNCHECKED}, {"globals", bi_globals, UNCHECKED},
    {"ord", bi_ord, UNCHECKED}, {"chr", bi_chr, UNCHECKED}, {"hex", bi_hex, UNCHECKED},
    {"oct", bi_oct, UNCHECKED}, {"bin", bi_bin, UNCHECKED}, {"format", bi_format, UNCHECKED},
    {"exit", bi_exit, UNCHECKED}, {"quit", bi_exit, UNCHECKED},
    {"__import__", bi_import, UNCHECKED}, {0},
  };
  /* clang-format on */
#undef UNCHECKED
  asy_def_natives(vm, NULL, b, fns);

  asy_builtins_iter_init(vm, b);
  asy_builtins_async_init(vm, b);
  asy_builtins_eval_init(vm, b);
  asy_print_init(vm, b);
  asy_file_init(vm, b);

  /* `import builtins` gives the module whose dict is vm->builtins. */
  ObjModule *bm = asy_module_new(vm, vm->names.builtins);
  bm->dict = b;
  asy_dict_set_str(vm, vm->modules, vm->names.builtins, OBJ_VAL(bm));

  asy_sys_create(vm);
  asy_register_native_module(vm, "math", asy_mod_math_init);
  asy_register_native_module(vm, "random", asy_mod_random_init);
  asy_register_native_module(vm, "json", asy_mod_json_init);
  asy_register_native_module(vm, "time", asy_mod_time_init);
  asy_register_native_module(vm, "_asyncio", asy_mod_asyncio_core_init);
  asy_register_native_module(vm, "_collections", asy_mod_collections_init);
  asy_register_native_module(vm, "_operator", asy_mod_operator_init);
  asy_register_native_module(vm, "posix", asy_mod_posix_init);
  asy_register_native_module(vm, "_io", asy_mod_io_init);
  asy_lib_modules_init(vm);
  asy_temp_reset(vm, mark);
  vm->gc_paused--;
}
