/*
** numbermethods.c — the int, bool and float classes: constructors, methods and the
** operator dunders (int.__add__ …), filled in by asy_init_number_types.
**
** The interpreter's operators work on the C slots directly (number.c); these natives
** exist for explicit calls (`(5).__add__(2)`, `int.__add__`, super() in subclasses)
** and return NotImplemented for operands they do not handle, as CPython's do.
*/
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/class.h"
#include "vm/obj/dtoa.h"
#include "vm/obj/format.h"
#include "vm/obj/func.h"
#include "vm/obj/number.h"
#include "vm/obj/numbermethods.h"

#define INT_SELF(name) \
  do { \
    if (argc < 1 || !asy_is_int(args[0])) return asy_bad_self(vm, name, "int", argc, args); \
  } while (0)
#define FLOAT_SELF(name) \
  do { \
    if (argc < 1 || !IS_FLOAT(args[0])) return asy_bad_self(vm, name, "float", argc, args); \
  } while (0)

/* ---- operator dunders -------------------------------------------------------------------- */

/* int op other (or other op int when reflected); NotImplemented unless other is an int. */
static Value int_op(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int op,
                    bool refl) {
  INT_SELF(name);
  Value a = args[0], b = args[1];
  if (!asy_is_int(b)) return vm->notimplemented;
  return refl ? asy_number_binary(vm, op, b, a) : asy_number_binary(vm, op, a, b);
}

static Value float_op(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int op,
                      bool refl) {
  FLOAT_SELF(name);
  Value a = args[0], b = args[1];
  if (!asy_is_num(b)) return vm->notimplemented;
  double x = AS_FLOAT(a), y;
  if (!asy_int_to_double(vm, IS_FLOAT(b) ? INT_VAL(0) : b, &y)) return EXC_VAL;
  if (IS_FLOAT(b)) y = AS_FLOAT(b);
  return refl ? asy_float_binary(vm, op, y, x) : asy_float_binary(vm, op, x, y);
}

#define BIN(prefix, kind, fname, op, refl) \
  static Value prefix##_##fname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    return kind##_op(vm, argc, args, kw, "__" #fname "__", op, refl); \
  }
/* clang-format off */
#define BINS(prefix, kind) \
  BIN(prefix, kind, add, BINOP_ADD, false) BIN(prefix, kind, radd, BINOP_ADD, true) \
  BIN(prefix, kind, sub, BINOP_SUBTRACT, false) BIN(prefix, kind, rsub, BINOP_SUBTRACT, true) \
  BIN(prefix, kind, mul, BINOP_MULTIPLY, false) BIN(prefix, kind, rmul, BINOP_MULTIPLY, true) \
  BIN(prefix, kind, truediv, BINOP_TRUE_DIVIDE, false) \
  BIN(prefix, kind, rtruediv, BINOP_TRUE_DIVIDE, true) \
  BIN(prefix, kind, floordiv, BINOP_FLOOR_DIVIDE, false) \
  BIN(prefix, kind, rfloordiv, BINOP_FLOOR_DIVIDE, true) \
  BIN(prefix, kind, mod, BINOP_REMAINDER, false) BIN(prefix, kind, rmod, BINOP_REMAINDER, true)
/* clang-format on */
BINS(i, int)
BINS(f, float)
BIN(i, int, lshift, BINOP_LSHIFT, false)
BIN(i, int, rlshift, BINOP_LSHIFT, true)
BIN(i, int, rshift, BINOP_RSHIFT, false)
BIN(i, int, rrshift, BINOP_RSHIFT, true)
BIN(i, int, and, BINOP_AND, false)
BIN(i, int, rand, BINOP_AND, true)
BIN(i, int, or, BINOP_OR, false)
BIN(i, int, ror, BINOP_OR, true)
BIN(i, int, xor, BINOP_XOR, false)
BIN(i, int, rxor, BINOP_XOR, true)

/* __pow__(other, mod=None) / __rpow__: a modulus only for ints. */
static Value pow_common(VM *vm, int argc, Value *args, const char *name, bool refl, bool is_float) {
  if (is_float) FLOAT_SELF(name);
  else INT_SELF(name);
  bool mod = argc > 2 && !IS_NONE(args[2]);
  if (is_float && mod)
    return asy_raise(vm, vm->exc.TypeError,
                     "pow() 3rd argument not allowed unless all arguments are integers");
  if (is_float ? !asy_is_num(args[1]) : !asy_is_int(args[1])) return vm->notimplemented;
  Value a = refl ? args[1] : args[0], b = refl ? args[0] : args[1];
  if (is_float) return asy_number_binary(vm, BINOP_POWER, a, b);
  if (!mod) return asy_number_binary(vm, BINOP_POWER, a, b);
  if (!asy_is_int(args[2])) return vm->notimplemented;
  if (IS_INTLIKE(a) && IS_INTLIKE(b) && IS_INTLIKE(args[2]))
    return asy_int_pow_mod(vm, AS_INTLIKE(a), AS_INTLIKE(b), AS_INTLIKE(args[2]));
  return asy_bigint_pow_mod(vm, a, b, args[2]);
}

static Value i_pow(VM *vm, int argc, Value *args, ObjDict *kw) {
  return pow_common(vm, argc, args, "__pow__", false, false);
}
static Value i_rpow(VM *vm, int argc, Value *args, ObjDict *kw) {
  return pow_common(vm, argc, args, "__rpow__", true, false);
}
static Value f_pow(VM *vm, int argc, Value *args, ObjDict *kw) {
  return pow_common(vm, argc, args, "__pow__", false, true);
}
static Value f_rpow(VM *vm, int argc, Value *args, ObjDict *kw) {
  return pow_common(vm, argc, args, "__rpow__", true, true);
}

static Value divmod_common(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, bool refl,
                           bool is_float) {
  if (is_float) FLOAT_SELF(name);
  else INT_SELF(name);
  if (is_float ? !asy_is_num(args[1]) : !asy_is_int(args[1])) return vm->notimplemented;
  Value a = args[0], b = args[1];
  if (is_float && !IS_FLOAT(b)) {
    double d;
    if (!asy_int_to_double(vm, b, &d)) return EXC_VAL;
    b = FLOAT_VAL(d);
  }
  return refl ? asy_number_divmod(vm, b, a) : asy_number_divmod(vm, a, b);
}

static Value i_divmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  return divmod_common(vm, argc, args, kw, "__divmod__", false, false);
}
static Value i_rdivmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  return divmod_common(vm, argc, args, kw, "__rdivmod__", true, false);
}
static Value f_divmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  return divmod_common(vm, argc, args, kw, "__divmod__", false, true);
}
static Value f_rdivmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  return divmod_common(vm, argc, args, kw, "__rdivmod__", true, true);
}

/* bool's own &, |, ^ keep bool results for bool operands. */
static Value bool_op(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int op) {
  if (argc < 1 || !IS_BOOL(args[0])) return asy_bad_self(vm, name, "bool", argc, args);
  if (!asy_is_int(args[1])) return vm->notimplemented;
  return asy_number_binary(vm, op, args[0], args[1]);
}
static Value bool_and(VM *vm, int argc, Value *args, ObjDict *kw) {
  return bool_op(vm, argc, args, kw, "__and__", BINOP_AND);
}
static Value bool_or(VM *vm, int argc, Value *args, ObjDict *kw) {
  return bool_op(vm, argc, args, kw, "__or__", BINOP_OR);
}
static Value bool_xor(VM *vm, int argc, Value *args, ObjDict *kw) {
  return bool_op(vm, argc, args, kw, "__xor__", BINOP_XOR);
}

/* Comparisons: int with int, float with int or float. */
static Value cmp_common(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int op,
                        bool is_float) {
  if (is_float) FLOAT_SELF(name);
  else INT_SELF(name);
  if (is_float ? !asy_is_num(args[1]) : !asy_is_int(args[1])) return vm->notimplemented;
  return asy_number_compare(vm, op, args[0], args[1]);
}

/* clang-format off */
#define CMPS(prefix, is_float) \
  static Value prefix##_eq(VM *vm, int argc, Value *args, ObjDict *kw) { return cmp_common(vm, argc, args, kw, "__eq__", CMP_EQ, is_float); } \
  static Value prefix##_ne(VM *vm, int argc, Value *args, ObjDict *kw) { return cmp_common(vm, argc, args, kw, "__ne__", CMP_NE, is_float); } \
  static Value prefix##_lt(VM *vm, int argc, Value *args, ObjDict *kw) { return cmp_common(vm, argc, args, kw, "__lt__", CMP_LT, is_float); } \
  static Value prefix##_le(VM *vm, int argc, Value *args, ObjDict *kw) { return cmp_common(vm, argc, args, kw, "__le__", CMP_LE, is_float); } \
  static Value prefix##_gt(VM *vm, int argc, Value *args, ObjDict *kw) { return cmp_common(vm, argc, args, kw, "__gt__", CMP_GT, is_float); } \
  static Value prefix##_ge(VM *vm, int argc, Value *args, ObjDict *kw) { return cmp_common(vm, argc, args, kw, "__ge__", CMP_GE, is_float); }
/* clang-format on */
CMPS(i, false)
CMPS(f, true)

/* ---- unary and conversion dunders ---------------------------------------------------------- */

static Value i_neg(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__neg__");
  return asy_number_unary(vm, UNOP_NEGATIVE, args[0]);
}
static Value i_pos(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__pos__");
  return IS_BIGINT(args[0]) ? args[0] : INT_VAL(AS_INTLIKE(args[0]));
}
static Value i_invert(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__invert__");
  return asy_number_unary(vm, UNOP_INVERT, args[0]);
}
static Value i_abs(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__abs__");
  if (IS_BIGINT(args[0])) return asy_bigint_unary(vm, -1, args[0]);
  int64_t i = AS_INTLIKE(args[0]);
  if (i == INT64_MIN) return asy_bigint_unary(vm, -1, args[0]);
  return INT_VAL(i < 0 ? -i : i);
}
static Value i_bool(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__bool__");
  return BOOL_VAL(IS_BIGINT(args[0]) || AS_INTLIKE(args[0]) != 0);
}
/* __int__, __index__, __trunc__, __floor__, __ceil__, conjugate, numerator, real. */
static Value i_int(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__int__");
  return IS_BIGINT(args[0]) ? args[0] : INT_VAL(AS_INTLIKE(args[0]));
}
static Value i_float(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__float__");
  return asy_float_from_value(vm, args[0]);
}
static Value i_hash(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__hash__");
  if (IS_BIGINT(args[0])) return INT_VAL(asy_bigint_hash(AS_BIGINT(args[0])));
  return INT_VAL(asy_hash_int(AS_INTLIKE(args[0])));
}
static Value i_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__repr__");
  if (IS_BOOL(args[0])) return OBJ_VAL(asy_str_cstr(vm, AS_BOOL(args[0]) ? "True" : "False"));
  return asy_int_str(vm, args[0]);
}
static Value i_format(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__format__");
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "__format__() argument must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  return asy_format_int(vm, args[0], AS_STR(args[1]));
}
static Value i_imag(VM *vm, int argc, Value *args, ObjDict *kw) { return INT_VAL(0); }
static Value i_one(VM *vm, int argc, Value *args, ObjDict *kw) { return INT_VAL(1); }

/* round(v, nd) for nd < 0 on big ints: a multiple of 10**-nd, half to even. */
static Value round_big(VM *vm, Value v, int64_t nd) {
  AsyIntView t;
  mpz_srcptr x = asy_int_view(v, &t);
  if (-nd > (int64_t)mpz_sizeinbase(x, 10) + 1) return INT_VAL(0);
  mpz_t p, q, r, twice;
  mpz_inits(p, q, r, twice, NULL);
  mpz_ui_pow_ui(p, 10, (unsigned long)-nd);
  mpz_fdiv_qr(q, r, x, p);
  mpz_mul_2exp(twice, r, 1);
  int c = mpz_cmp(twice, p);
  if (c > 0 || (c == 0 && mpz_odd_p(q))) mpz_add_ui(q, q, 1);
  mpz_mul(q, q, p);
  mpz_clears(p, r, twice, NULL);
  return asy_int_from_mpz(vm, q);
}

Value asy_number_round(VM *vm, Value v, Value ndv) {
  bool absent = IS_UNDEF(ndv) || IS_NONE(ndv);
  if (IS_FLOAT(v)) {
    double x = AS_FLOAT(v);
    if (absent) return asy_int_from_double(vm, nearbyint(x)); /* ties to even */
    if (IS_BIGINT(ndv)) return FLOAT_VAL(mpz_sgn(AS_BIGINT(ndv)->z) > 0 ? x : 0.0 * x);
    int64_t nd;
    if (!asy_index(vm, ndv, &nd)) return EXC_VAL;
    return asy_float_round(vm, x, nd);
  }
  if (IS_BOOL(v)) v = INT_VAL(AS_BOOL(v));
  if (absent) return v;
  if (IS_BIGINT(ndv)) return mpz_sgn(AS_BIGINT(ndv)->z) > 0 ? v : INT_VAL(0);
  int64_t nd;
  if (!asy_index(vm, ndv, &nd)) return EXC_VAL;
  return nd >= 0 ? v : round_big(vm, v, nd);
}

static Value i_round(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("__round__");
  return asy_number_round(vm, args[0], argc < 2 ? UNDEF_VAL : args[1]);
}

static Value i_bit_length(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("bit_length");
  return INT_VAL((int64_t)asy_int_bit_length(args[0]));
}

static Value i_bit_count(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("bit_count");
  if (IS_BIGINT(args[0])) {
    mpz_t a;
    mpz_init(a);
    mpz_abs(a, AS_BIGINT(args[0])->z);
    int64_t n = (int64_t)mpz_popcount(a);
    mpz_clear(a);
    return INT_VAL(n);
  }
  int64_t i = AS_INTLIKE(args[0]);
  uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
  return INT_VAL(__builtin_popcountll(u));
}

static Value i_as_integer_ratio(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("as_integer_ratio");
  Value items[2] = {IS_BIGINT(args[0]) ? args[0] : INT_VAL(AS_INTLIKE(args[0])), INT_VAL(1)};
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

static Value i_is_integer(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("is_integer");
  return TRUE_VAL;
}

/* The (first, byteorder='big', *, signed=False) of to_bytes (length: its converted first
** argument) and from_bytes (length NULL: bytes, required), bound from args (receiver
** excluded) and kw into out[0..3), with the byte order and signedness converted. */
static bool bytes_conv_args(VM *vm, const char *fname, const char *first, int argc, Value *args,
                            ObjDict *kw, int64_t *length, Value out[3], bool *little,
                            bool *is_signed) {
  if (argc > 2) {
    asy_raise(vm, vm->exc.TypeError, "%s() takes at most 2 positional arguments (%d given)", fname,
              argc);
    return false;
  }
  const char *names[] = {first, "byteorder", "signed"};
  if (!asy_kwargs(vm, fname, argc, args, kw, names, 3, 0, length ? 0 : 1, out)) return false;
  /* Clinic converts in order: to_bytes' length (1 by default) comes before the rest. */
  if (length && !IS_UNDEF(out[0]) && !asy_index(vm, out[0], length)) return false;
  *little = false;
  *is_signed = false;
  Value order = out[1];
  if (!IS_UNDEF(order)) {
    if (!IS_STR(order)) {
      asy_raise(vm, vm->exc.TypeError, "%s() argument 'byteorder' must be str, not %s", fname,
                asy_arg_type_name(vm, order));
      return false;
    }
    if (!strcmp(AS_STR(order)->chars, "little")) *little = true;
    else if (strcmp(AS_STR(order)->chars, "big")) {
      asy_raise(vm, vm->exc.ValueError, "byteorder must be either 'little' or 'big'");
      return false;
    }
  }
  int t = IS_UNDEF(out[2]) ? 0 : asy_truthy(vm, out[2]);
  *is_signed = t > 0;
  return t >= 0;
}

static Value i_to_bytes(VM *vm, int argc, Value *args, ObjDict *kw) {
  INT_SELF("to_bytes");
  Value a[3];
  bool little, is_signed;
  int64_t length = 1;
  if (!bytes_conv_args(vm, "to_bytes", "length", argc - 1, args + 1, kw, &length, a, &little,
                       &is_signed))
    return EXC_VAL;
  if (length < 0) return asy_raise(vm, vm->exc.ValueError, "length argument must be non-negative");
  AsyIntView t;
  mpz_srcptr v = asy_int_view(args[0], &t);
  if (mpz_sgn(v) < 0 && !is_signed)
    return asy_raise(vm, vm->exc.OverflowError, "can't convert negative int to unsigned");
  /* Two's complement in `length` bytes: the value must fit in 8*length bits (one less
  ** than that for the magnitude of a signed one). */
  mpz_t u;
  mpz_init(u);
  if (mpz_sgn(v) < 0) mpz_com(u, v); /* -v - 1 */
  else mpz_set(u, v);
  size_t bits = mpz_sgn(u) ? mpz_sizeinbase(u, 2) : 0;
  if ((uint64_t)bits + (is_signed ? 1 : 0) > (uint64_t)length * 8 && !(bits == 0 && length == 0)) {
    mpz_clear(u);
    return asy_raise(vm, vm->exc.OverflowError, "int too big to convert");
  }
  if (length > (int64_t)ASY_STR_MAX) {
    mpz_clear(u);
    return asy_memory_error(vm);
  }
  uint8_t *buf = calloc((size_t)length + 1, 1);
  if (!buf) abort();
  size_t count = 0;
  if (bits) mpz_export(buf, &count, -1, 1, 0, 0, u); /* least significant byte first */
  mpz_clear(u);
  if (mpz_sgn(v) < 0)
    for (int64_t k = 0; k < length; k++) buf[k] = (uint8_t)~buf[k];
  if (!little)
    for (int64_t k = 0; k < length / 2; k++) {
      uint8_t c = buf[k];
      buf[k] = buf[length - 1 - k];
      buf[length - 1 - k] = c;
    }
  ObjBytes *r = asy_bytes_new(vm, buf, (size_t)length);
  free(buf);
  return OBJ_VAL(r);
}

/* int.from_bytes(bytes, byteorder='big', *, signed=False): a classmethod. */
static Value i_from_bytes(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value a[3];
  bool little, is_signed;
  if (!bytes_conv_args(vm, "from_bytes", "bytes", argc - 1, args + 1, kw, NULL, a, &little,
                       &is_signed))
    return EXC_VAL;
  Value src = a[0];
  Value bv = src;
  if (!IS_BYTES(src)) {
    Value bytes_cls = OBJ_VAL(vm->types.bytes);
    bv = asy_call(vm, bytes_cls, 1, &src, NULL);
    if (IS_EXC(bv)) return bv;
  }
  ObjBytes *b = AS_BYTES(bv);
  size_t n = b->size;
  mpz_t z;
  mpz_init(z);
  if (n) mpz_import(z, n, little ? -1 : 1, 1, 0, 0, b->data);
  if (is_signed && n && (b->data[little ? n - 1 : 0] & 0x80)) {
    mpz_t top;
    mpz_init(top);
    mpz_setbit(top, 8 * n);
    mpz_sub(z, z, top);
    mpz_clear(top);
  }
  return asy_int_from_mpz(vm, z);
}

/* The result of int.__new__/float.__new__(cls, …): v itself for the built-in, else an
** instance of the subclass standing for v. */
static Value box_for(VM *vm, Value cls, ObjClass *builtin, Value v) {
  if (IS_EXC(v) || !IS_CLASS(cls) || AS_CLASS(cls) == builtin) return v;
  ObjClass *c = AS_CLASS(cls);
  if (!asy_is_subclass(c, builtin))
    return asy_raise(vm, vm->exc.TypeError, "%s.__new__(%s): %s is not a subtype of %s",
                     builtin->name->chars, c->name->chars, c->name->chars, builtin->name->chars);
  if (!(c->flags & CLASS_BOXED)) return v;
  return asy_boxed_new(vm, c, v);
}

/* int(x=0) / int(x, base=10). args[0] is the class. */
static Value i_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value x = argc > 1 ? args[1] : UNDEF_VAL, base = argc > 2 ? args[2] : UNDEF_VAL;
  if (argc > 3)
    return asy_raise(vm, vm->exc.TypeError, "int expected at most 2 arguments, got %d", argc - 1);
  if (kw && kw->count) {
    for (size_t i = 0; i < kw->used; i++) {
      Value k = asy_dict_key(kw, i);
      if (IS_UNDEF(k)) continue;
      if (IS_STR(k) && !strcmp(AS_STR(k)->chars, "base")) {
        if (!IS_UNDEF(base))
          return asy_raise(vm, vm->exc.TypeError,
                           "argument for int() given by name ('base') and position (2)");
        base = kw->entries[i].value;
      } else {
        return asy_raise(vm, vm->exc.TypeError, "int() got an unexpected keyword argument '%s'",
                         IS_STR(k) ? AS_STR(k)->chars : "?");
      }
    }
  }
  Value r;
  if (IS_UNDEF(x)) {
    if (!IS_UNDEF(base)) return asy_raise(vm, vm->exc.TypeError, "int() missing string argument");
    r = INT_VAL(0);
  } else {
    r = asy_int_from_value(vm, x, base);
  }
  return box_for(vm, args[0], vm->types.int_, r);
}

static Value bool_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (kw && kw->count) return asy_raise(vm, vm->exc.TypeError, "bool() takes no keyword arguments");
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError, "bool expected at most 1 argument, got %d", argc - 1);
  if (argc < 2) return FALSE_VAL;
  int t = asy_truthy(vm, args[1]);
  if (t < 0) return EXC_VAL;
  return BOOL_VAL(t);
}

/* ---- float methods -------------------------------------------------------------------------- */

static Value f_neg(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__neg__");
  return FLOAT_VAL(-AS_FLOAT(args[0]));
}
static Value f_pos(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__pos__");
  return args[0];
}
static Value f_abs(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__abs__");
  return FLOAT_VAL(fabs(AS_FLOAT(args[0])));
}
static Value f_bool(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__bool__");
  return BOOL_VAL(AS_FLOAT(args[0]) != 0.0);
}
static Value f_int(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__int__");
  return asy_int_from_double(vm, AS_FLOAT(args[0]));
}
static Value f_float(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__float__");
  return args[0];
}
static Value f_floor(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__floor__");
  return asy_int_from_double(vm, floor(AS_FLOAT(args[0])));
}
static Value f_ceil(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__ceil__");
  return asy_int_from_double(vm, ceil(AS_FLOAT(args[0])));
}
static Value f_hash(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__hash__");
  return INT_VAL(asy_hash_float(AS_FLOAT(args[0])));
}
static Value f_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__repr__");
  char buf[40];
  asy_float_repr(AS_FLOAT(args[0]), buf);
  return OBJ_VAL(asy_str_cstr(vm, buf));
}
static Value f_format(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__format__");
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "__format__() argument must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  return asy_format_float(vm, AS_FLOAT(args[0]), AS_STR(args[1]));
}
static Value f_imag(VM *vm, int argc, Value *args, ObjDict *kw) { return FLOAT_VAL(0.0); }
static Value f_real(VM *vm, int argc, Value *args, ObjDict *kw) { return args[0]; }

static Value f_round(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("__round__");
  return asy_number_round(vm, args[0], argc < 2 ? UNDEF_VAL : args[1]);
}

static Value f_is_integer(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("is_integer");
  double x = AS_FLOAT(args[0]);
  return BOOL_VAL(isfinite(x) && floor(x) == x);
}

static Value f_as_integer_ratio(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("as_integer_ratio");
  double x = AS_FLOAT(args[0]);
  if (isinf(x))
    return asy_raise(vm, vm->exc.OverflowError, "cannot convert Infinity to integer ratio");
  if (isnan(x)) return asy_raise(vm, vm->exc.ValueError, "cannot convert NaN to integer ratio");
  if (x == 0.0) { /* frexp(0) gives exponent 0: the loop below would keep 2**-53 */
    Value pair[2] = {INT_VAL(0), INT_VAL(1)};
    return OBJ_VAL(asy_tuple_from(vm, 2, pair));
  }
  int e;
  double m = frexp(x, &e);
  int64_t num = (int64_t)ldexp(m, 53); /* exact: a 53-bit integer */
  e -= 53;
  while (num != 0 && (num & 1) == 0 && e < 0) { /* cancel powers of two */
    num /= 2;
    e++;
  }
  mpz_t n, d;
  mpz_init_set_si(n, num);
  mpz_init_set_ui(d, 1);
  if (e > 0) mpz_mul_2exp(n, n, (mp_bitcnt_t)e);
  else mpz_mul_2exp(d, d, (mp_bitcnt_t)-e);
  return asy_int_pair_from_mpz(vm, n, d);
}

static Value f_hex(VM *vm, int argc, Value *args, ObjDict *kw) {
  FLOAT_SELF("hex");
  double x = AS_FLOAT(args[0]);
  char buf[64];
  if (isnan(x) || isinf(x)) {
    asy_float_repr(x, buf);
    return OBJ_VAL(asy_str_cstr(vm, buf));
  }
  const char *sign = signbit(x) ? "-" : "";
  if (x == 0) {
    snprintf(buf, sizeof buf, "%s0x0.0p+0", sign);
    return OBJ_VAL(asy_str_cstr(vm, buf));
  }
  int e;
  double m = frexp(fabs(x), &e);
  int shift = 1 - (DBL_MIN_EXP - e > 0 ? DBL_MIN_EXP - e : 0);
  m = ldexp(m, shift);
  e -= shift;
  char digits[20];
  int lead = (int)m;
  m -= lead;
  for (int i = 0; i < 13; i++) {
    m *= 16.0;
    int d = (int)m;
    digits[i] = "0123456789abcdef"[d];
    m -= d;
  }
  digits[13] = '\0';
  snprintf(buf, sizeof buf, "%s0x%d.%sp%+d", sign, lead, digits, e);
  return OBJ_VAL(asy_str_cstr(vm, buf));
}

/* float.fromhex(s): a classmethod; strtod reads C99 hex floats exactly. */
static Value f_fromhex(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "bad argument type for built-in operation");
  ObjStr *s = AS_STR(args[1]);
  const char *p = s->chars, *end = s->chars + s->size;
  while (p < end && (*p == ' ' || (*p >= 9 && *p <= 13))) p++;
  while (end > p && (end[-1] == ' ' || (end[-1] >= 9 && end[-1] <= 13))) end--;
  double d;
  if (asy_parse_float(vm, p, (size_t)(end - p), &d) && (isinf(d) || isnan(d))) return FLOAT_VAL(d);
  /* [sign] [0x] hexdigits [. hexdigits] [p [sign] digits] */
  char buf[512];
  size_t k = 0;
  const char *q = p;
  if (q < end && (*q == '+' || *q == '-')) buf[k++] = *q++;
  buf[k++] = '0';
  buf[k++] = 'x';
  if (end - q >= 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) q += 2;
  size_t ndig = 0;
  bool ok = true;
  while (q < end && k < sizeof buf - 16 && strchr("0123456789abcdefABCDEF", *q) && *q) {
    buf[k++] = *q++;
    ndig++;
  }
  if (q < end && *q == '.') {
    buf[k++] = *q++;
    while (q < end && k < sizeof buf - 16 && strchr("0123456789abcdefABCDEF", *q) && *q) {
      buf[k++] = *q++;
      ndig++;
    }
  }
  if (ndig == 0) ok = false;
  if (ok && q < end && (*q == 'p' || *q == 'P')) {
    buf[k++] = *q++;
    if (q < end && (*q == '+' || *q == '-')) buf[k++] = *q++;
    size_t ed = 0;
    while (q < end && *q >= '0' && *q <= '9' && k < sizeof buf - 2) {
      buf[k++] = *q++;
      ed++;
    }
    if (!ed) ok = false;
  }
  if (!ok || q != end)
    return asy_raise(vm, vm->exc.ValueError, "invalid hexadecimal floating-point string");
  buf[k] = '\0';
  d = strtod(buf, NULL);
  if (isinf(d))
    return asy_raise(vm, vm->exc.OverflowError,
                     "hexadecimal value too large to represent as a float");
  return FLOAT_VAL(d);
}

/* float(x=0.0). args[0] is the class. */
static Value f_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (kw && kw->count)
    return asy_raise(vm, vm->exc.TypeError, "float() takes no keyword arguments");
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError, "float expected at most 1 argument, got %d", argc - 1);
  Value r = argc < 2 ? FLOAT_VAL(0.0) : asy_float_from_value(vm, args[1]);
  return box_for(vm, args[0], vm->types.float_, r);
}

/* ---- registration ------------------------------------------------------------------------------ */

/* CPython declares most numeric dunders as slot wrappers, the rest as plain methods. */
#define AUTO ASY_ARGS_AUTO
#define SLOT ASY_ARGS_SLOT
#define NONE ASY_ARGS_NONE
#define PROPERTY (ASY_ARGS_AUTO | ASY_DEF_PROPERTY)
/* The rows int and float both have, for natives named p##_add … */
/* clang-format off */
#define NUMBER_DEFS(p) \
  {"__add__", p##_add, 1, 1, SLOT}, {"__radd__", p##_radd, 1, 1, SLOT}, \
  {"__sub__", p##_sub, 1, 1, SLOT}, {"__rsub__", p##_rsub, 1, 1, SLOT}, \
  {"__mul__", p##_mul, 1, 1, SLOT}, {"__rmul__", p##_rmul, 1, 1, SLOT}, \
  {"__truediv__", p##_truediv, 1, 1, SLOT}, {"__rtruediv__", p##_rtruediv, 1, 1, SLOT}, \
  {"__floordiv__", p##_floordiv, 1, 1, SLOT}, {"__rfloordiv__", p##_rfloordiv, 1, 1, SLOT}, \
  {"__mod__", p##_mod, 1, 1, SLOT}, {"__rmod__", p##_rmod, 1, 1, SLOT}, \
  {"__pow__", p##_pow, 1, 2, SLOT}, {"__rpow__", p##_rpow, 1, 2, SLOT}, \
  {"__divmod__", p##_divmod, 1, 1, SLOT}, {"__rdivmod__", p##_rdivmod, 1, 1, SLOT}, \
  ASY_RICHCMP_DEFS(p), {"__neg__", p##_neg, 0, 0, SLOT}, {"__pos__", p##_pos, 0, 0, SLOT}, \
  {"__abs__", p##_abs, 0, 0, SLOT}, {"__bool__", p##_bool, 0, 0, SLOT}, \
  {"__int__", p##_int, 0, 0, SLOT}, {"__float__", p##_float, 0, 0, SLOT}, \
  {"__hash__", p##_hash, 0, 0, SLOT}, {"__repr__", p##_repr, 0, 0, SLOT}, \
  {"__trunc__", p##_int, 0, 0, AUTO}, {"__format__", p##_format, 1, 1, AUTO}, \
  {"__round__", p##_round, 0, 1, AUTO}, {"as_integer_ratio", p##_as_integer_ratio, 0, 0, AUTO}, \
  {"is_integer", p##_is_integer, 0, 0, AUTO}, {"__new__", p##_new, ASY_UNCHECKED}
/* clang-format on */

/* clang-format off */
static const AsyMethodDef int_methods[] = {
  NUMBER_DEFS(i),
  {"__lshift__", i_lshift, 1, 1, SLOT}, {"__rlshift__", i_rlshift, 1, 1, SLOT},
  {"__rshift__", i_rshift, 1, 1, SLOT}, {"__rrshift__", i_rrshift, 1, 1, SLOT},
  {"__and__", i_and, 1, 1, SLOT}, {"__rand__", i_rand, 1, 1, SLOT}, {"__or__", i_or, 1, 1, SLOT},
  {"__ror__", i_ror, 1, 1, SLOT}, {"__xor__", i_xor, 1, 1, SLOT}, {"__rxor__", i_rxor, 1, 1, SLOT},
  {"__invert__", i_invert, 0, 0, SLOT}, {"__index__", i_int, 0, 0, SLOT},
  {"__floor__", i_int, 0, 0, AUTO}, {"__ceil__", i_int, 0, 0, AUTO},
  {"conjugate", i_int, 0, 0, AUTO}, {"bit_length", i_bit_length, 0, 0, AUTO},
  {"bit_count", i_bit_count, 0, 0, AUTO}, {"to_bytes", i_to_bytes, ASY_UNCHECKED},
  {"from_bytes", i_from_bytes, 0, ASY_VARARGS, NONE | ASY_DEF_CLASS},
  {"real", i_int, 0, 0, PROPERTY}, {"imag", i_imag, 0, 0, PROPERTY},
  {"numerator", i_int, 0, 0, PROPERTY}, {"denominator", i_one, 0, 0, PROPERTY},
  {0},
};
/* clang-format on */

/* clang-format off */
static const AsyMethodDef bool_methods[] = {
  {"__new__", bool_new, ASY_UNCHECKED},
  {"__and__", bool_and, 1, 1, SLOT}, {"__rand__", bool_and, 1, 1, SLOT},
  {"__or__", bool_or, 1, 1, SLOT}, {"__ror__", bool_or, 1, 1, SLOT},
  {"__xor__", bool_xor, 1, 1, SLOT}, {"__rxor__", bool_xor, 1, 1, SLOT},
  {"__repr__", i_repr, 0, 0, SLOT},
  {0},
};
/* clang-format on */

/* clang-format off */
static const AsyMethodDef float_methods[] = {
  NUMBER_DEFS(f),
  {"__floor__", f_floor, 0, 0, AUTO}, {"__ceil__", f_ceil, 0, 0, AUTO},
  {"conjugate", f_float, 0, 0, AUTO}, {"hex", f_hex, 0, 0, AUTO},
  {"fromhex", f_fromhex, 1, 1, AUTO | ASY_DEF_CLASS},
  {"real", f_real, 0, 0, PROPERTY}, {"imag", f_imag, 0, 0, PROPERTY},
  {0},
};
/* clang-format on */

void asy_init_number_types(VM *vm) {
  asy_def_natives(vm, vm->types.int_, NULL, int_methods);
  asy_def_natives(vm, vm->types.bool_, NULL, bool_methods);
  asy_def_natives(vm, vm->types.float_, NULL, float_methods);
}
