/*
** strmethods.c — the str class's own methods and constructor (asy_init_str_types fills
** vm->types.str's dict). The methods str shares with bytes — searching, splitting,
** stripping, padding, case mapping, the is*() predicates and the operators — are in
** strspan.c; these are the ones only str has: translation, formatting, encoding.
*/
#include <string.h>

#include "vm/gc.h"
#include "vm/obj/bytes.h"
#include "vm/obj/format.h"
#include "vm/obj/str.h"
#include "vm/obj/strmethods.h"
#include "vm/obj/strspan.h"
#include "vm/obj/unicode.h"

#define SELF AS_STR(args[0])

/* Same string as a plain str (methods return exact str even for subclasses). */
static Value exact(VM *vm, ObjStr *s) {
  if (s->obj.cls == vm->types.str) return OBJ_VAL(s);
  return OBJ_VAL(asy_str_new(vm, s->chars, s->size));
}

/* ---- predicates ---------------------------------------------------------------------------- */

static Value s_isidentifier(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjStr *s = SELF;
  if (s->size == 0) return FALSE_VAL;
  bool first = true;
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    unsigned f = asy_uni_flags(asy_utf8_decode(s->chars + i, s->size - i, &adv));
    if (!(f & (first ? UNI_ID_START : UNI_ID_CONTINUE))) return FALSE_VAL;
    first = false;
    i += adv;
  }
  return TRUE_VAL;
}

/* ---- translate / maketrans ---------------------------------------------------------------------- */

static Value s_maketrans(VM *vm, int argc, Value *args, ObjDict *kw) {
  /* A staticmethod: args are the user's arguments (no self). */
  ObjDict *d = asy_dict_new(vm);
  if (argc == 1) {
    if (!IS_DICT(args[0]))
      return asy_raise(vm, vm->exc.TypeError,
                       "if you give only one argument to maketrans it must be a dict");
    ObjDict *src = AS_DICT(args[0]);
    for (size_t i = 0; i < src->used; i++) {
      Value k = asy_dict_key(src, i);
      if (IS_UNDEF(k)) continue;
      Value key;
      if (IS_STR(k)) {
        if (AS_STR(k)->length != 1)
          return asy_raise(vm, vm->exc.ValueError,
                           "string keys in translate table must be of length 1");
        key = INT_VAL(asy_str_char_at(vm, AS_STR(k), 0));
      } else if (IS_INTLIKE(k)) {
        key = INT_VAL(AS_INTLIKE(k));
      } else {
        return asy_raise(vm, vm->exc.TypeError,
                         "keys in translate table must be strings or integers");
      }
      if (!asy_dict_set(vm, d, key, src->entries[i].value)) return EXC_VAL;
    }
    return OBJ_VAL(d);
  }
  if (!IS_STR(args[0]))
    return asy_raise(vm, vm->exc.TypeError,
                     "first maketrans argument must be a string if there is a second argument");
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "maketrans() argument 2 must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  ObjStr *x = AS_STR(args[0]), *y = AS_STR(args[1]);
  if (x->length != y->length)
    return asy_raise(vm, vm->exc.ValueError,
                     "the first two maketrans arguments must have equal length");
  for (size_t i = 0; i < x->length; i++)
    if (!asy_dict_set(vm, d, INT_VAL(asy_str_char_at(vm, x, i)),
                      INT_VAL(asy_str_char_at(vm, y, i))))
      return EXC_VAL;
  if (argc == 3) {
    if (!IS_STR(args[2]))
      return asy_raise(vm, vm->exc.TypeError, "maketrans() argument 3 must be str, not %s",
                       asy_arg_type_name(vm, args[2]));
    ObjStr *z = AS_STR(args[2]);
    for (size_t i = 0; i < z->length; i++)
      if (!asy_dict_set(vm, d, INT_VAL(asy_str_char_at(vm, z, i)), NONE_VAL)) return EXC_VAL;
  }
  return OBJ_VAL(d);
}

static Value s_translate(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjStr *s = SELF;
  Value table = args[1];
  AsyBuf b;
  asy_buf_init(&b, vm);
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(s->chars + i, s->size - i, &adv);
    Value r = asy_getitem(vm, table, INT_VAL(cp));
    if (IS_EXC(r)) {
      if (asy_pending_is(vm, vm->exc.LookupError)) {
        asy_clear_pending(vm);
        asy_buf_put(&b, s->chars + i, adv);
        i += adv;
        continue;
      }
      asy_buf_free(&b);
      return r;
    }
    if (IS_NONE(r)) {
      /* deleted */
    } else if (IS_INTLIKE(r)) {
      int64_t v = AS_INTLIKE(r);
      if (v < 0 || v > 0x10FFFF) {
        asy_buf_free(&b);
        return asy_raise(vm, vm->exc.ValueError, "character mapping must be in range(0x110000)");
      }
      asy_buf_put_cp(&b, (uint32_t)v);
    } else if (IS_STR(r)) {
      asy_buf_put_str(&b, AS_STR(r));
    } else {
      asy_buf_free(&b);
      return asy_raise(vm, vm->exc.TypeError, "character mapping must return integer, None or str");
    }
    i += adv;
  }
  return OBJ_VAL(asy_buf_to_str(&b));
}

/* ---- formatting and encoding ------------------------------------------------------------------ */

static Value s_format(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_str_format(vm, SELF, argc - 1, args + 1, kw);
}

static Value s_format_map(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_str_format_map(vm, SELF, args[1]);
}

static Value s_dunder_format(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "__format__() argument must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  return asy_format_str(vm, SELF, AS_STR(args[1]));
}

static Value s_encode(VM *vm, int argc, Value *args, ObjDict *kw) {
  const char *enc, *err;
  if (!asy_codec_args(vm, "encode", argc - 1, args + 1, kw, &enc, &err)) return EXC_VAL;
  return asy_str_encode(vm, SELF, enc, err);
}

/* ---- operators ---------------------------------------------------------------------------------- */

static Value s_str(VM *vm, int argc, Value *args, ObjDict *kw) { return exact(vm, SELF); }

/* str(object='') / str(object=b'', encoding='utf-8', errors='strict'). args[0] is cls. */
static Value s_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_CLASS(args[0]) || !asy_is_subclass(AS_CLASS(args[0]), vm->types.str))
    return asy_raise(vm, vm->exc.TypeError, "str.__new__(X): X is not a type object");
  ObjClass *cls = AS_CLASS(args[0]);
  static const char *const names[] = {"object", "encoding", "errors"};
  Value a[3];
  if (argc - 1 > 3)
    return asy_raise(vm, vm->exc.TypeError, "str expected at most 3 arguments, got %d", argc - 1);
  if (!asy_kwargs(vm, "str", argc - 1, args + 1, kw, names, 3, 0, 0, a)) return EXC_VAL;
  Value r;
  if (IS_UNDEF(a[1]) && IS_UNDEF(a[2])) {
    if (IS_UNDEF(a[0])) r = OBJ_VAL(vm->names.empty);
    else r = asy_str(vm, a[0]);
  } else {
    /* str() names a positional None "NoneType", unlike encode() (CPython's converter). */
    const char *enc = "utf-8", *err = "strict";
    for (int i = 1; i <= 2; i++) {
      if (IS_UNDEF(a[i])) continue;
      if (!IS_STR(a[i]))
        return asy_raise(vm, vm->exc.TypeError, "str() argument '%s' must be str, not %s", names[i],
                         asy_type_name(vm, a[i]));
      *(i == 1 ? &enc : &err) = AS_STR(a[i])->chars;
    }
    if (IS_UNDEF(a[0])) r = OBJ_VAL(vm->names.empty);
    else if (IS_BYTES(a[0]))
      r = asy_bytes_decode(vm, AS_BYTES(a[0])->data, AS_BYTES(a[0])->size, enc, err);
    else if (IS_STR(a[0])) return asy_raise(vm, vm->exc.TypeError, "decoding str is not supported");
    else
      return asy_raise(vm, vm->exc.TypeError, "decoding to str: need a bytes-like object, %s found",
                       asy_type_name(vm, a[0]));
  }
  if (IS_EXC(r) || cls == vm->types.str) return r;
  return OBJ_VAL(asy_str_new_cls(vm, cls, AS_STR(r)->chars, AS_STR(r)->size));
}

/* ---- registration ------------------------------------------------------------------------------ */

/* clang-format off */
static const AsyMethodDef str_methods[] = {
  {"isidentifier", s_isidentifier, 0, 0, ASY_ARGS_AUTO},
  {"translate", s_translate, 1, 1, ASY_ARGS_AUTO}, {"format", s_format, 0, ASY_VARARGS, ASY_ARGS_KW},
  {"format_map", s_format_map, 1, 1, ASY_ARGS_AUTO},
  {"__format__", s_dunder_format, 1, 1, ASY_ARGS_AUTO}, {"encode", s_encode, 0, 2, ASY_ARGS_KW},
  {"__str__", s_str, 0, 0, ASY_ARGS_SLOT}, {"__new__", s_new, ASY_UNCHECKED},
  {"str.maketrans", s_maketrans, 1, 3, ASY_ARGS_AUTO | ASY_DEF_STATIC},
  {0},
};
/* clang-format on */

void asy_init_str_types(VM *vm) {
  asy_def_span_methods(vm, vm->types.str);
  asy_def_natives(vm, vm->types.str, NULL, str_methods);
  asy_init_bytes_type(vm);
}
