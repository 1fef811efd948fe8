/*
** bigint.c — ints beyond 64 bits on GMP (see bigint.h for the representation).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/number.h"
#include "vm/obj/str.h"
#include "vm/opcodes.h"

_Static_assert(sizeof(mp_limb_t) == sizeof(uint64_t), "a GMP limb must hold an int64");
_Static_assert(sizeof(long) == sizeof(int64_t), "mpz_get_si must return an int64");

#define HASH_MODULUS ((1ULL << 61) - 1)

mpz_srcptr asy_int_view(Value v, AsyIntView *t) {
  if (IS_BIGINT(v)) return AS_BIGINT(v)->z;
  int64_t i = AS_INTLIKE(v);
  t->limb = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
  return mpz_roinit_n(t->z, &t->limb, i < 0 ? -1 : i > 0 ? 1 : 0);
}

Value asy_int_from_mpz(VM *vm, mpz_t z) {
  if (mpz_fits_slong_p(z)) {
    int64_t i = mpz_get_si(z);
    mpz_clear(z);
    return INT_VAL(i);
  }
  ObjBigInt *b = (ObjBigInt *)asy_alloc_obj(vm, sizeof(ObjBigInt), OBJ_BIGINT, vm->types.int_);
  b->z[0] = z[0]; /* the limbs move into the object */
  vm->bytes_allocated += (size_t)b->z->_mp_alloc * sizeof(mp_limb_t);
  return OBJ_VAL(b);
}

Value asy_int_from_i128(VM *vm, __int128 v) {
  if (v >= INT64_MIN && v <= INT64_MAX) return INT_VAL((int64_t)v);
  unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
  mpz_t z;
  mpz_init_set_ui(z, (uint64_t)(u >> 64));
  mpz_mul_2exp(z, z, 64);
  mpz_add_ui(z, z, (uint64_t)u);
  if (v < 0) mpz_neg(z, z);
  return asy_int_from_mpz(vm, z);
}

Value asy_int_pair_from_mpz(VM *vm, mpz_t a, mpz_t b) {
  Value items[2];
  items[0] = asy_int_from_mpz(vm, a);
  asy_push_root(vm, items[0]);
  items[1] = asy_int_from_mpz(vm, b);
  asy_push_root(vm, items[1]);
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

/* A result of about `bits` bits that could not be allocated: MemoryError (checked before
** GMP, which aborts when malloc fails). */
static bool too_big(VM *vm, double bits) {
  if (bits < 8e6) return false;
  if (bits < 1e18 && !asy_alloc_too_big((size_t)(bits / 8), 1)) return false;
  asy_memory_error(vm);
  return true;
}

static size_t bit_len(mpz_srcptr z) { return mpz_sgn(z) ? mpz_sizeinbase(z, 2) : 0; }

uint64_t asy_int_bit_length(Value i) {
  AsyIntView t;
  return bit_len(asy_int_view(i, &t));
}

/* ---- arithmetic -------------------------------------------------------------------------- */

Value asy_bigint_binary(VM *vm, int op, Value a, Value b) {
  if (op >= ASY_INPLACE) op -= ASY_INPLACE;
  AsyIntView va, vb;
  mpz_srcptr x = asy_int_view(a, &va), y = asy_int_view(b, &vb);
  mpz_t r;
  switch (op) {
  case BINOP_ADD:
    mpz_init(r);
    mpz_add(r, x, y);
    break;
  case BINOP_SUBTRACT:
    mpz_init(r);
    mpz_sub(r, x, y);
    break;
  case BINOP_MULTIPLY:
    if (too_big(vm, (double)bit_len(x) + (double)bit_len(y))) return EXC_VAL;
    mpz_init(r);
    mpz_mul(r, x, y);
    break;
  case BINOP_TRUE_DIVIDE: return asy_int_true_divide(vm, a, b);
  case BINOP_FLOOR_DIVIDE:
    if (!mpz_sgn(y))
      return asy_raise(vm, vm->exc.ZeroDivisionError, "integer division or modulo by zero");
    mpz_init(r);
    mpz_fdiv_q(r, x, y);
    break;
  case BINOP_REMAINDER:
    if (!mpz_sgn(y)) return asy_raise(vm, vm->exc.ZeroDivisionError, "integer modulo by zero");
    mpz_init(r);
    mpz_fdiv_r(r, x, y);
    break;
  case BINOP_POWER: {
    if (mpz_sgn(y) < 0) {
      double dx, dy;
      if (!asy_int_to_double(vm, a, &dx) || !asy_int_to_double(vm, b, &dy)) return EXC_VAL;
      return asy_float_binary(vm, BINOP_POWER, dx, dy);
    }
    if (mpz_cmpabs_ui(x, 1) <= 0) { /* 0, 1, -1: no growth whatever the exponent */
      if (!mpz_sgn(y)) return INT_VAL(1);
      if (mpz_sgn(x) >= 0) return INT_VAL(mpz_sgn(x));
      return INT_VAL(mpz_odd_p(y) ? -1 : 1);
    }
    if (too_big(vm, (double)bit_len(x) * mpz_get_d(y))) return EXC_VAL;
    mpz_init(r);
    mpz_pow_ui(r, x, mpz_get_ui(y));
    break;
  }
  case BINOP_LSHIFT:
    if (mpz_sgn(y) < 0) return asy_raise(vm, vm->exc.ValueError, "negative shift count");
    if (!mpz_sgn(x)) return INT_VAL(0);
    if (!mpz_fits_slong_p(y))
      return asy_raise(vm, vm->exc.OverflowError, "too many digits in integer");
    if (too_big(vm, (double)bit_len(x) + mpz_get_d(y))) return EXC_VAL;
    mpz_init(r);
    mpz_mul_2exp(r, x, mpz_get_ui(y));
    break;
  case BINOP_RSHIFT:
    if (mpz_sgn(y) < 0) return asy_raise(vm, vm->exc.ValueError, "negative shift count");
    if (!mpz_fits_slong_p(y) || mpz_get_ui(y) >= bit_len(x))
      return INT_VAL(mpz_sgn(x) < 0 ? -1 : 0);
    mpz_init(r);
    mpz_fdiv_q_2exp(r, x, mpz_get_ui(y));
    break;
  case BINOP_AND:
    mpz_init(r);
    mpz_and(r, x, y);
    break;
  case BINOP_OR:
    mpz_init(r);
    mpz_ior(r, x, y);
    break;
  case BINOP_XOR:
    mpz_init(r);
    mpz_xor(r, x, y);
    break;
  default:
    return asy_raise(vm, vm->exc.TypeError, "unsupported operand type(s) for @: 'int' and 'int'");
  }
  return asy_int_from_mpz(vm, r);
}

Value asy_bigint_unary(VM *vm, int op, Value a) {
  AsyIntView va;
  mpz_srcptr x = asy_int_view(a, &va);
  mpz_t r;
  mpz_init(r);
  switch (op) {
  case UNOP_NEGATIVE: mpz_neg(r, x); break;
  case UNOP_INVERT: mpz_com(r, x); break;
  case UNOP_POSITIVE: mpz_set(r, x); break;
  default: mpz_abs(r, x); break;
  }
  return asy_int_from_mpz(vm, r);
}

Value asy_bigint_divmod(VM *vm, Value a, Value b) {
  AsyIntView va, vb;
  mpz_srcptr x = asy_int_view(a, &va), y = asy_int_view(b, &vb);
  if (!mpz_sgn(y))
    return asy_raise(vm, vm->exc.ZeroDivisionError, "integer division or modulo by zero");
  mpz_t q, r;
  mpz_init(q);
  mpz_init(r);
  mpz_fdiv_qr(q, r, x, y);
  return asy_int_pair_from_mpz(vm, q, r);
}

Value asy_bigint_pow_mod(VM *vm, Value a, Value b, Value m) {
  AsyIntView va, vb, vm_;
  mpz_srcptr x = asy_int_view(a, &va), y = asy_int_view(b, &vb), mod = asy_int_view(m, &vm_);
  if (!mpz_sgn(mod)) return asy_raise(vm, vm->exc.ValueError, "pow() 3rd argument cannot be 0");
  mpz_t am, base, e, r;
  mpz_init(am);
  mpz_abs(am, mod);
  mpz_init(r);
  if (mpz_cmp_ui(am, 1) == 0) {
    mpz_clear(am);
    return asy_int_from_mpz(vm, r); /* 0 */
  }
  mpz_init(base);
  mpz_init(e);
  mpz_abs(e, y);
  mpz_mod(base, x, am);
  bool ok = true;
  if (mpz_sgn(y) < 0) ok = mpz_invert(base, base, am) != 0;
  if (ok) {
    mpz_powm(r, base, e, am);
    if (mpz_sgn(mod) < 0 && mpz_sgn(r)) mpz_sub(r, r, am);
  }
  mpz_clear(am);
  mpz_clear(base);
  mpz_clear(e);
  if (!ok) {
    mpz_clear(r);
    return asy_raise(vm, vm->exc.ValueError, "base is not invertible for the given modulus");
  }
  return asy_int_from_mpz(vm, r);
}

int asy_int_cmp(Value a, Value b) {
  AsyIntView va, vb;
  int c = mpz_cmp(asy_int_view(a, &va), asy_int_view(b, &vb));
  return c < 0 ? -1 : c > 0;
}

int asy_bigint_float_cmp(Value i, double f) {
  if (isnan(f)) return 2;
  if (isinf(f)) return f > 0 ? -1 : 1;
  AsyIntView vi;
  mpz_srcptr x = asy_int_view(i, &vi);
  double fl = floor(f);
  mpz_t t;
  mpz_init_set_d(t, fl); /* exact: fl is integral */
  int c = mpz_cmp(x, t);
  mpz_clear(t);
  if (c) return c < 0 ? -1 : 1;
  return f > fl ? -1 : 0;
}

int64_t asy_bigint_hash(ObjBigInt *b) {
  /* CPython's hash of an int is its value modulo 2**61 - 1, keeping the sign. */
  int64_t h = (int64_t)mpz_tdiv_ui(b->z, HASH_MODULUS);
  if (mpz_sgn(b->z) < 0) h = -h;
  return h == -1 ? -2 : h;
}

/* ---- floats ------------------------------------------------------------------------------- */

double asy_bigint_frexp(ObjBigInt *b, int64_t *e) {
  mpz_srcptr z = b->z;
  size_t n = bit_len(z);
  /* Keep 55 bits and a sticky bit for the dropped ones, then let the conversion of that
  ** to double round once, half to even, as CPython does. */
  mpz_t t;
  mpz_init(t);
  mpz_abs(t, z);
  size_t shift = n - 55;
  bool sticky = mpz_scan1(t, 0) < shift;
  mpz_tdiv_q_2exp(t, t, shift);
  uint64_t top = mpz_get_ui(t) | (sticky ? 1 : 0);
  mpz_clear(t);
  double m = ldexp((double)top, -55); /* in [0.5, 1], 1 when rounding carried */
  *e = (int64_t)n;
  if (m == 1.0) {
    m = 0.5;
    ++*e;
  }
  return mpz_sgn(z) < 0 ? -m : m;
}

bool asy_int_to_double(VM *vm, Value v, double *out) {
  if (!IS_BIGINT(v)) {
    *out = (double)AS_INTLIKE(v);
    return true;
  }
  int64_t e;
  double m = asy_bigint_frexp(AS_BIGINT(v), &e);
  if (e <= 1024) {
    *out = ldexp(m, (int)e);
    return true;
  }
  asy_raise(vm, vm->exc.OverflowError, "int too large to convert to float");
  return false;
}

Value asy_int_from_double(VM *vm, double d) {
  if (isinf(d))
    return asy_raise(vm, vm->exc.OverflowError, "cannot convert float infinity to integer");
  if (isnan(d)) return asy_raise(vm, vm->exc.ValueError, "cannot convert float NaN to integer");
  d = trunc(d);
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) return INT_VAL((int64_t)d);
  mpz_t z;
  mpz_init_set_d(z, d);
  return asy_int_from_mpz(vm, z);
}

Value asy_int_true_divide(VM *vm, Value a, Value b) {
  AsyIntView va, vb;
  mpz_srcptr x = asy_int_view(a, &va), y = asy_int_view(b, &vb);
  if (!mpz_sgn(y)) return asy_raise(vm, vm->exc.ZeroDivisionError, "division by zero");
  bool neg = (mpz_sgn(x) < 0) != (mpz_sgn(y) < 0);
  double r;
  long na = (long)bit_len(x), nb = (long)bit_len(y), diff = na - nb;
  if (na == 0) {
    r = 0.0;
  } else if (na <= 53 && nb <= 53) {
    r = fabs(mpz_get_d(x)) / fabs(mpz_get_d(y)); /* both exact: one rounding */
  } else if (diff > 1025) {
    goto overflow;
  } else if (diff < -1100) {
    r = 0.0;
  } else {
    /* A 55- or 56-bit quotient plus a sticky bit, rounded once by the conversion. */
    long shift = 55 - diff;
    mpz_t num, den, q;
    mpz_init(num);
    mpz_init(den);
    mpz_init(q);
    mpz_abs(num, x);
    mpz_abs(den, y);
    if (shift >= 0) mpz_mul_2exp(num, num, (mp_bitcnt_t)shift);
    else mpz_mul_2exp(den, den, (mp_bitcnt_t)-shift);
    mpz_tdiv_qr(q, num, num, den);
    uint64_t top = mpz_get_ui(q) | (mpz_sgn(num) ? 1 : 0);
    mpz_clear(num);
    mpz_clear(den);
    mpz_clear(q);
    r = ldexp((double)top, (int)-shift);
    if (isinf(r)) goto overflow;
  }
  return FLOAT_VAL(neg ? -r : r);
overflow:
  return asy_raise(vm, vm->exc.OverflowError, "integer division result too large for a float");
}

/* ---- text ----------------------------------------------------------------------------------- */

char *asy_int_digits_alloc(VM *vm, Value v, int base, bool upper, size_t *len, bool *neg) {
  AsyIntView t;
  mpz_srcptr z = asy_int_view(v, &t);
  *neg = mpz_sgn(z) < 0;
  mpz_t mag; /* |z|, read-only over z's limbs */
  mpz_roinit_n(mag, mpz_limbs_read(z), (mp_size_t)mpz_size(z));
  size_t est = mpz_sizeinbase(mag, base); /* exact, or one too many */
  int64_t limit = vm->int_max_str_digits;
  if (base == 10 && limit > 0 && est > (size_t)limit + 1) goto too_many;
  char *buf = malloc(est + 2);
  if (!buf) abort();
  mpz_get_str(buf, upper ? -base : base, mag);
  *len = strlen(buf);
  if (base == 10 && limit > 0 && *len > (size_t)limit) {
    free(buf);
    goto too_many;
  }
  return buf;
too_many:
  asy_raise(vm, vm->exc.ValueError,
            "Exceeds the limit (%lld digits) for integer string conversion; use "
            "sys.set_int_max_str_digits() to increase the limit",
            (long long)limit);
  return NULL;
}

Value asy_int_str(VM *vm, Value i) {
  if (!IS_BIGINT(i)) return asy_int_repr(vm, AS_INTLIKE(i));
  size_t n;
  bool neg;
  char *d = asy_int_digits_alloc(vm, i, 10, false, &n, &neg);
  if (!d) return EXC_VAL;
  AsyBuf b;
  asy_buf_init(&b, vm);
  if (neg) asy_buf_putc(&b, '-');
  asy_buf_put(&b, d, n);
  free(d);
  return OBJ_VAL(asy_buf_to_str(&b));
}

Value asy_int_to_base_str(VM *vm, Value i, int base) {
  if (!IS_BIGINT(i)) return asy_int_to_base(vm, AS_INTLIKE(i), base);
  size_t n;
  bool neg;
  char *d = asy_int_digits_alloc(vm, i, base, false, &n, &neg);
  if (!d) return EXC_VAL;
  AsyBuf b;
  asy_buf_init(&b, vm);
  if (neg) asy_buf_putc(&b, '-');
  asy_buf_put(&b, base == 16 ? "0x" : base == 8 ? "0o" : "0b", 2);
  asy_buf_put(&b, d, n);
  free(d);
  return OBJ_VAL(asy_buf_to_str(&b));
}

Value asy_int_from_digits(VM *vm, const char *digits, size_t n, int base, bool neg) {
  int64_t limit = vm->int_max_str_digits;
  if ((base & (base - 1)) != 0 && limit > 0 && n > (size_t)limit)
    return asy_raise(vm, vm->exc.ValueError,
                     "Exceeds the limit (%lld digits) for integer string conversion: value has "
                     "%zu digits; use sys.set_int_max_str_digits() to increase the limit",
                     (long long)limit, n);
  mpz_t z;
  mpz_init(z);
  mpz_set_str(z, digits, base);
  if (neg) mpz_neg(z, z);
  return asy_int_from_mpz(vm, z);
}

/* ---- indexes -------------------------------------------------------------------------------- */

bool asy_index_or(VM *vm, Value v, int64_t *out, ObjClass *exc) {
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  if (IS_BIGINT(v)) {
    asy_raise(vm, exc, "cannot fit 'int' into an index-sized integer");
    return false;
  }
  return asy_index(vm, v, out);
}
