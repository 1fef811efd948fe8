/*
** number.c — int and float arithmetic, comparison, hashing, parsing and conversion.
** The int/float/bool classes' methods are in numbermethods.c.
*/
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/complex.h"
#include "vm/obj/number.h"
#include "vm/obj/str.h"
#include "vm/obj/unicode.h"
#include "vm/opcodes.h"

/* a op b past int64: the same operation on big ints. */
static Value int_grow(VM *vm, int op, int64_t a, int64_t b) {
  return asy_bigint_binary(vm, op, INT_VAL(a), INT_VAL(b));
}

/* OverflowError(34, 'Numerical result out of range'), as CPython raises from libm errors. */
static Value range_error(VM *vm) {
  Value args[2] = {INT_VAL(34), OBJ_VAL(asy_str_cstr(vm, "Numerical result out of range"))};
  Value exc = asy_new_exception(vm, vm->exc.OverflowError, 2, args);
  if (IS_EXC(exc)) return exc;
  return asy_raise_value(vm, exc);
}

/* ---- int ------------------------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

static int64_t floor_mod(int64_t a, int64_t b) {
  int64_t m = a % b;
  if (m != 0 && ((m < 0) != (b < 0))) m += b;
  return m;
}

static int bit_length_u(uint64_t u) { return u ? 64 - __builtin_clzll(u) : 0; }

/* a / b correctly rounded (CPython's long_true_divide for 64-bit operands). */
static double int_true_divide(int64_t a, int64_t b) {
  bool neg = (a < 0) != (b < 0);
  uint64_t n = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
  uint64_t d = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
  double r;
  if (n == 0) {
    r = 0.0;
  } else if (n <= (1ULL << 53) && d <= (1ULL << 53)) {
    r = (double)n / (double)d; /* both exact: one correctly rounded operation */
  } else {
    /* Compute a 55+ bit quotient with a sticky bit, then let the final conversion
    ** round it once (half-even) to 53 bits. */
    int shift = 55 - (bit_length_u(n) - bit_length_u(d));
    unsigned __int128 num = n, den = d;
    if (shift >= 0) num <<= shift;
    else den <<= -shift;
    unsigned __int128 q = num / den, rem = num % den;
    uint64_t q64 = (uint64_t)q;
    if (rem != 0) q64 |= 1;
    r = ldexp((double)q64, -shift);
  }
  return neg ? -r : r;
}

static bool int_pow(int64_t base, int64_t exp, int64_t *out) {
  int64_t result = 1;
  while (exp > 0) {
    if (exp & 1)
      if (__builtin_mul_overflow(result, base, &result)) return false;
    exp >>= 1;
    if (exp && __builtin_mul_overflow(base, base, &base)) {
      /* base overflowed but may no longer be needed only if result is 0 or +-1 */
      return false;
    }
  }
  *out = result;
  return true;
}

Value asy_int_binary(VM *vm, int op, int64_t a, int64_t b) {
  int64_t r;
  if (op >= ASY_INPLACE) op -= ASY_INPLACE;
  switch (op) {
  case BINOP_ADD:
    if (__builtin_add_overflow(a, b, &r)) return int_grow(vm, op, a, b);
    return INT_VAL(r);
  case BINOP_SUBTRACT:
    if (__builtin_sub_overflow(a, b, &r)) return int_grow(vm, op, a, b);
    return INT_VAL(r);
  case BINOP_MULTIPLY:
    if (__builtin_mul_overflow(a, b, &r)) return int_grow(vm, op, a, b);
    return INT_VAL(r);
  case BINOP_TRUE_DIVIDE:
    if (b == 0) return asy_raise(vm, vm->exc.ZeroDivisionError, "division by zero");
    return FLOAT_VAL(int_true_divide(a, b));
  case BINOP_FLOOR_DIVIDE:
    if (b == 0)
      return asy_raise(vm, vm->exc.ZeroDivisionError, "integer division or modulo by zero");
    if (a == INT64_MIN && b == -1) return int_grow(vm, op, a, b);
    return INT_VAL(floor_div(a, b));
  case BINOP_REMAINDER:
    if (b == 0) return asy_raise(vm, vm->exc.ZeroDivisionError, "integer modulo by zero");
    if (b == -1) return INT_VAL(0);
    return INT_VAL(floor_mod(a, b));
  case BINOP_POWER:
    if (b < 0) return asy_float_binary(vm, BINOP_POWER, (double)a, (double)b);
    if (a == 1 || b == 0) return INT_VAL(1);
    if (a == -1) return INT_VAL((b & 1) ? -1 : 1);
    if (a == 0) return INT_VAL(0);
    if (!int_pow(a, b, &r)) return int_grow(vm, op, a, b);
    return INT_VAL(r);
  case BINOP_LSHIFT:
    if (b < 0) return asy_raise(vm, vm->exc.ValueError, "negative shift count");
    if (a == 0) return INT_VAL(0);
    if (b >= 64) return int_grow(vm, op, a, b);
    r = (int64_t)((uint64_t)a << b);
    if ((r >> b) != a) return int_grow(vm, op, a, b);
    return INT_VAL(r);
  case BINOP_RSHIFT:
    if (b < 0) return asy_raise(vm, vm->exc.ValueError, "negative shift count");
    if (b >= 63) return INT_VAL(a < 0 ? -1 : 0);
    return INT_VAL(a >> b);
  case BINOP_AND: return INT_VAL(a & b);
  case BINOP_OR: return INT_VAL(a | b);
  case BINOP_XOR: return INT_VAL(a ^ b);
  default:
    return asy_raise(vm, vm->exc.TypeError, "unsupported operand type(s) for @: 'int' and 'int'");
  }
}

Value asy_int_pow_mod(VM *vm, int64_t a, int64_t b, int64_t mod) {
  if (mod == 0) return asy_raise(vm, vm->exc.ValueError, "pow() 3rd argument cannot be 0");
  /* |mod| and |b| may be 2**63 (INT64_MIN): unsigned and 128-bit arithmetic throughout. */
  bool neg_mod = mod < 0;
  uint64_t m = neg_mod ? (uint64_t)0 - (uint64_t)mod : (uint64_t)mod;
  __int128 base = (__int128)a % (__int128)m;
  if (base < 0) base += m;
  uint64_t e = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
  if (b < 0) {
    /* Modular inverse of a mod m by extended Euclid, then raise it to -b. */
    __int128 r0 = base, r1 = (__int128)m, s0 = 1, s1 = 0;
    while (r1 != 0) {
      __int128 q = r0 / r1, t = r0 - q * r1;
      r0 = r1;
      r1 = t;
      t = s0 - q * s1;
      s0 = s1;
      s1 = t;
    }
    if (r0 != 1 && m != 1)
      return asy_raise(vm, vm->exc.ValueError, "base is not invertible for the given modulus");
    base = s0 % (__int128)m;
    if (base < 0) base += m;
  }
  unsigned __int128 result = 1 % m, bb = (unsigned __int128)base;
  while (e > 0) {
    if (e & 1) result = (result * bb) % m;
    bb = (bb * bb) % m;
    e >>= 1;
  }
  /* result < m <= 2**63; with a negative modulus it takes the modulus's sign. */
  if (neg_mod && result != 0) return INT_VAL((int64_t)((__int128)result - (__int128)m));
  return INT_VAL((int64_t)result);
}

/* ---- float ------------------------------------------------------------------------------ */

static bool is_odd_integer(double x) { return fmod(fabs(x), 2.0) == 1.0; }

static Value float_pow(VM *vm, double iv, double iw) {
  if (iw == 0) return FLOAT_VAL(1.0);
  if (isnan(iv)) return FLOAT_VAL(iv);
  if (isnan(iw)) return FLOAT_VAL(iv == 1.0 ? 1.0 : iw);
  if (isinf(iw)) {
    iv = fabs(iv);
    if (iv == 1.0) return FLOAT_VAL(1.0);
    if ((iw > 0) == (iv > 1)) return FLOAT_VAL(fabs(iw));
    return FLOAT_VAL(0.0);
  }
  if (isinf(iv)) {
    bool odd = is_odd_integer(iw);
    if (iw > 0) return FLOAT_VAL(odd ? iv : fabs(iv));
    return FLOAT_VAL(odd ? copysign(0.0, iv) : 0.0);
  }
  if (iv == 0.0) {
    bool odd = is_odd_integer(iw);
    if (iw < 0)
      return asy_raise(vm, vm->exc.ZeroDivisionError, "0.0 cannot be raised to a negative power");
    return FLOAT_VAL(odd ? iv : 0.0);
  }
  bool negate = false;
  if (iv < 0.0) {
    /* A negative base to a fractional power is complex, as in CPython's float_pow. */
    if (iw != floor(iw)) return asy_complex_pow(vm, iv, 0.0, iw, 0.0);
    iv = -iv;
    negate = is_odd_integer(iw);
  }
  if (iv == 1.0) return FLOAT_VAL(negate ? -1.0 : 1.0);
  double r = pow(iv, iw);
  if (isinf(r)) return range_error(vm);
  return FLOAT_VAL(negate ? -r : r);
}

/* CPython's _float_div_mod: floor quotient and modulo with the divisor's sign. */
static void float_divmod(double vx, double wx, double *floordiv, double *modulo) {
  double mod = fmod(vx, wx);
  double div = (vx - mod) / wx;
  if (mod) {
    if ((wx < 0) != (mod < 0)) {
      mod += wx;
      div -= 1.0;
    }
  } else {
    mod = copysign(0.0, wx);
  }
  if (div) {
    double fd = floor(div);
    if (div - fd > 0.5) fd += 1.0;
    div = fd;
  } else {
    div = copysign(0.0, vx / wx);
  }
  *floordiv = div;
  *modulo = mod;
}

static const char *binop_symbol(int op) {
  static const char *const sym[] = {"+", "&",  "//", "<<", "@", "*", "%",
                                    "|", "**", ">>", "-",  "/", "^"};
  return op >= 0 && op < BINOP__COUNT ? sym[op] : "?";
}

Value asy_float_binary(VM *vm, int op, double a, double b) {
  if (op >= ASY_INPLACE) op -= ASY_INPLACE;
  switch (op) {
  case BINOP_ADD: return FLOAT_VAL(a + b);
  case BINOP_SUBTRACT: return FLOAT_VAL(a - b);
  case BINOP_MULTIPLY: return FLOAT_VAL(a * b);
  case BINOP_TRUE_DIVIDE:
    if (b == 0) return asy_raise(vm, vm->exc.ZeroDivisionError, "float division by zero");
    return FLOAT_VAL(a / b);
  case BINOP_FLOOR_DIVIDE: {
    if (b == 0) return asy_raise(vm, vm->exc.ZeroDivisionError, "float floor division by zero");
    double q, m;
    float_divmod(a, b, &q, &m);
    return FLOAT_VAL(q);
  }
  case BINOP_REMAINDER: {
    if (b == 0) return asy_raise(vm, vm->exc.ZeroDivisionError, "float modulo by zero");
    double mod = fmod(a, b);
    if (mod) {
      if ((b < 0) != (mod < 0)) mod += b;
    } else {
      mod = copysign(0.0, b);
    }
    return FLOAT_VAL(mod);
  }
  case BINOP_POWER: return float_pow(vm, a, b);
  default:
    return asy_raise(vm, vm->exc.TypeError,
                     "unsupported operand type(s) for %s: 'float' and 'float'", binop_symbol(op));
  }
}

Value asy_number_binary(VM *vm, int op, Value a, Value b) {
  int bop = op >= ASY_INPLACE ? op - ASY_INPLACE : op;
  if (IS_BIGINT(a) || IS_BIGINT(b)) {
    if (asy_is_int(a) && asy_is_int(b)) return asy_bigint_binary(vm, bop, a, b);
    if (bop == BINOP_AND || bop == BINOP_OR || bop == BINOP_XOR || bop == BINOP_LSHIFT ||
        bop == BINOP_RSHIFT || bop == BINOP_MATRIX_MULTIPLY)
      return asy_raise(vm, vm->exc.TypeError, "unsupported operand type(s) for %s: '%s' and '%s'",
                       binop_symbol(bop), asy_type_name(vm, a), asy_type_name(vm, b));
    double x, y; /* a big int with a float: the int converts (OverflowError if too big) */
    if (!asy_int_to_double(vm, IS_FLOAT(a) ? INT_VAL(0) : a, &x) ||
        !asy_int_to_double(vm, IS_FLOAT(b) ? INT_VAL(0) : b, &y))
      return EXC_VAL;
    return asy_float_binary(vm, bop, IS_FLOAT(a) ? AS_FLOAT(a) : x, IS_FLOAT(b) ? AS_FLOAT(b) : y);
  }
  if (IS_INTLIKE(a) && IS_INTLIKE(b)) {
    if (IS_BOOL(a) && IS_BOOL(b) && (bop == BINOP_AND || bop == BINOP_OR || bop == BINOP_XOR)) {
      bool x = AS_BOOL(a), y = AS_BOOL(b);
      return BOOL_VAL(bop == BINOP_AND ? (x && y) : bop == BINOP_OR ? (x || y) : (x != y));
    }
    return asy_int_binary(vm, bop, AS_INTLIKE(a), AS_INTLIKE(b));
  }
  if (bop == BINOP_AND || bop == BINOP_OR || bop == BINOP_XOR || bop == BINOP_LSHIFT ||
      bop == BINOP_RSHIFT || bop == BINOP_MATRIX_MULTIPLY)
    return asy_raise(vm, vm->exc.TypeError, "unsupported operand type(s) for %s: '%s' and '%s'",
                     binop_symbol(bop), asy_type_name(vm, a), asy_type_name(vm, b));
  return asy_float_binary(vm, bop, AS_NUMBER(a), AS_NUMBER(b));
}

Value asy_number_unary(VM *vm, int op, Value a) {
  if (IS_BIGINT(a)) return asy_bigint_unary(vm, op, a);
  if (IS_FLOAT(a)) {
    if (op == UNOP_NEGATIVE) return FLOAT_VAL(-AS_FLOAT(a));
    if (op == UNOP_POSITIVE) return a;
    return asy_raise(vm, vm->exc.TypeError, "bad operand type for unary ~: 'float'");
  }
  int64_t i = AS_INTLIKE(a);
  if (op == UNOP_NEGATIVE) {
    if (i == INT64_MIN) return asy_bigint_unary(vm, op, a);
    return INT_VAL(-i);
  }
  if (op == UNOP_POSITIVE) return INT_VAL(i);
  return INT_VAL(~i);
}

Value asy_number_divmod(VM *vm, Value a, Value b) {
  Value items[2];
  if (asy_is_int(a) && asy_is_int(b) &&
      (IS_BIGINT(a) || IS_BIGINT(b) || (AS_INTLIKE(a) == INT64_MIN && AS_INTLIKE(b) == -1)))
    return asy_bigint_divmod(vm, a, b);
  if (IS_INTLIKE(a) && IS_INTLIKE(b)) {
    int64_t x = AS_INTLIKE(a), y = AS_INTLIKE(b);
    if (y == 0)
      return asy_raise(vm, vm->exc.ZeroDivisionError, "integer division or modulo by zero");
    items[0] = INT_VAL(floor_div(x, y));
    items[1] = INT_VAL(floor_mod(x, y));
  } else {
    double x, y;
    if (!asy_int_to_double(vm, IS_FLOAT(a) ? INT_VAL(0) : a, &x) ||
        !asy_int_to_double(vm, IS_FLOAT(b) ? INT_VAL(0) : b, &y))
      return EXC_VAL;
    if (IS_FLOAT(a)) x = AS_FLOAT(a);
    if (IS_FLOAT(b)) y = AS_FLOAT(b);
    if (y == 0) return asy_raise(vm, vm->exc.ZeroDivisionError, "float divmod()");
    double q, m;
    float_divmod(x, y, &q, &m);
    items[0] = FLOAT_VAL(q);
    items[1] = FLOAT_VAL(m);
  }
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

/* ---- comparison ------------------------------------------------------------------------------ */

int asy_int_float_cmp(int64_t i, double f) {
  if (isnan(f)) return 2;
  if (f >= 9223372036854775808.0) return -1;
  if (f < -9223372036854775808.0) return 1;
  double fl = floor(f);
  int64_t fi = (int64_t)fl;
  if (i < fi) return -1;
  if (i > fi) return 1;
  return f > fl ? -1 : 0;
}

Value asy_cmp_result(int op, int c) {
  switch (op) {
  case CMP_LT: return BOOL_VAL(c < 0);
  case CMP_LE: return BOOL_VAL(c <= 0);
  case CMP_EQ: return BOOL_VAL(c == 0);
  case CMP_NE: return BOOL_VAL(c != 0);
  case CMP_GT: return BOOL_VAL(c > 0);
  default: return BOOL_VAL(c >= 0);
  }
}

Value asy_number_compare(VM *vm, int op, Value a, Value b) {
  (void)vm;
  int c;
  if (IS_BIGINT(a) || IS_BIGINT(b)) {
    if (IS_FLOAT(a)) {
      c = asy_bigint_float_cmp(b, AS_FLOAT(a));
      if (c != 2) c = -c;
    } else if (IS_FLOAT(b)) {
      c = asy_bigint_float_cmp(a, AS_FLOAT(b));
    } else {
      c = asy_int_cmp(a, b);
    }
  } else if (IS_INTLIKE(a) && IS_INTLIKE(b)) {
    int64_t x = AS_INTLIKE(a), y = AS_INTLIKE(b);
    c = x < y ? -1 : x > y;
  } else if (IS_FLOAT(a) && IS_FLOAT(b)) {
    double x = AS_FLOAT(a), y = AS_FLOAT(b);
    switch (op) {
    case CMP_LT: return BOOL_VAL(x < y);
    case CMP_LE: return BOOL_VAL(x <= y);
    case CMP_EQ: return BOOL_VAL(x == y);
    case CMP_NE: return BOOL_VAL(x != y);
    case CMP_GT: return BOOL_VAL(x > y);
    default: return BOOL_VAL(x >= y);
    }
  } else if (IS_FLOAT(b)) {
    c = asy_int_float_cmp(AS_INTLIKE(a), AS_FLOAT(b));
  } else {
    c = asy_int_float_cmp(AS_INTLIKE(b), AS_FLOAT(a));
    if (c != 2) c = -c;
  }
  if (c == 2) return BOOL_VAL(op == CMP_NE); /* nan: unordered */
  return asy_cmp_result(op, c);
}

/* ---- hashing ----------------------------------------------------------------------------------- */

#define HASH_BITS 61
#define HASH_MODULUS ((1ULL << HASH_BITS) - 1)

int64_t asy_hash_int(int64_t i) {
  uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
  int64_t h = (int64_t)(u % HASH_MODULUS);
  if (i < 0) h = -h;
  return h == -1 ? -2 : h;
}

/* Each float("nan") is a distinct object in CPython (`nan is float("nan")` is False,
** yet `nan in [nan]` is True by identity). Asy floats are immediates, so a fresh NaN
** gets its own payload bits instead: asy_same compares floats bitwise. */
double asy_fresh_nan(VM *vm, bool negative) {
  uint64_t bits = 0x7ff8000000000000ull | (++vm->nan_serial & 0x0007ffffffffffffull);
  if (negative) bits |= 0x8000000000000000ull;
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

int64_t asy_hash_float(double v) {
  if (isinf(v)) return v > 0 ? 314159 : -314159;
  if (isnan(v)) { /* CPython hashes a nan by identity; here the payload is the identity */
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return asy_hash_int((int64_t)(bits & 0x0007ffffffffffffull));
  }
  int e;
  double m = frexp(v, &e);
  int sign = 1;
  if (m < 0) {
    sign = -1;
    m = -m;
  }
  /* Fold 28 bits of mantissa at a time into x, reducing modulo 2**61 - 1. */
  uint64_t x = 0;
  while (m) {
    x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
    m *= 268435456.0;
    e -= 28;
    uint64_t y = (uint64_t)m;
    m -= (double)y;
    x += y;
    if (x >= HASH_MODULUS) x -= HASH_MODULUS;
  }
  e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
  x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
  int64_t h = (int64_t)x * sign;
  return h == -1 ? -2 : h;
}

/* ---- parsing ------------------------------------------------------------------------------------- */

/* Copy s into a clean ASCII buffer: Unicode decimal digits become '0'..'9', Unicode
** whitespace becomes ' ', other non-ASCII characters become '?' (always invalid).
** Returns the malloc'd buffer (caller frees) and its length in *len. */
static char *to_ascii(const char *s, size_t n, size_t *len) {
  char *out = malloc(n + 1);
  if (!out) abort();
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      out[k++] = (char)c;
      i++;
      continue;
    }
    size_t adv;
    uint32_t cp = asy_utf8_decode(s + i, n - i, &adv);
    i += adv;
    int dv = asy_uni_decimal(cp);
    if (dv >= 0) out[k++] = (char)('0' + dv);
    else if (asy_uni_flags(cp) & UNI_SPACE) out[k++] = ' ';
    else out[k++] = '?';
  }
  out[k] = '\0';
  *len = k;
  return out;
}

static bool is_space_ascii(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
         (c >= 0x1c && c <= 0x1f);
}

static int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

/* asy_parse_int, and past int64 (when vm is not NULL) the big int in *big. */
static int parse_int(VM *vm, const char *str, size_t len, int base, int64_t *out, Value *big) {
  if (base == 10 && len > 0 && len <= 18) { /* int("1234"): plain digits, no copy */
    size_t i = str[0] == '-' || str[0] == '+';
    uint64_t acc = 0;
    size_t k = i;
    while (k < len && str[k] >= '0' && str[k] <= '9') acc = acc * 10 + (uint64_t)(str[k++] - '0');
    if (k == len && k > i) { /* 18 digits cannot overflow */
      *out = str[0] == '-' ? -(int64_t)acc : (int64_t)acc;
      return 1;
    }
  }
  size_t n;
  char *buf = to_ascii(str, len, &n);
  const char *p = buf, *end = buf + n;
  int result = 0;
  while (p < end && is_space_ascii(*p)) p++;
  while (end > p && is_space_ascii(end[-1])) end--;
  bool neg = false;
  if (p < end && (*p == '+' || *p == '-')) neg = *p++ == '-';
  bool prefixed = false;
  if (end - p >= 2 && p[0] == '0') {
    char x = (char)(p[1] | 0x20);
    int pb = x == 'x' ? 16 : x == 'o' ? 8 : x == 'b' ? 2 : 0;
    if (pb && (base == 0 || base == pb)) {
      base = pb;
      p += 2;
      prefixed = true;
    }
  }
  bool base0_decimal = false;
  if (base == 0) {
    base = 10;
    base0_decimal = true;
  }
  /* Digits with single underscores between them (and right after a prefix). */
  if (prefixed && p < end && *p == '_') p++;
  if (p >= end || digit_value(*p) >= base) goto done;
  uint64_t acc = 0;
  bool overflow = false, nonzero = false;
  const char *first = p;
  char *dig = buf; /* the digits alone, compacted in place, for a big int */
  while (p < end) {
    if (*p == '_') {
      p++;
      if (p >= end || digit_value(*p) >= base) goto done;
      continue;
    }
    int dv = digit_value(*p);
    if (dv >= base) goto done;
    if (dv) nonzero = true;
    *dig++ = *p;
    if (acc > (UINT64_MAX - (uint64_t)dv) / (uint64_t)base) overflow = true;
    else acc = acc * (uint64_t)base + (uint64_t)dv;
    p++;
  }
  /* Base 0 forbids leading zeros in a nonzero decimal ("010"). */
  if (base0_decimal && first[0] == '0' && nonzero) goto done;
  if (overflow || acc > (uint64_t)INT64_MAX + (neg ? 1 : 0)) {
    result = -1;
    if (vm) {
      *dig = '\0';
      *big = asy_int_from_digits(vm, buf, (size_t)(dig - buf), base, neg);
      result = IS_EXC(*big) ? -2 : 2;
    }
    goto done;
  }
  *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
  result = 1;
done:
  free(buf);
  return result;
}

int asy_parse_int(const char *str, size_t len, int base, int64_t *out) {
  return parse_int(NULL, str, len, base, out, NULL);
}

bool asy_parse_float(VM *vm, const char *str, size_t len, double *out) {
  size_t n;
  char *buf = to_ascii(str, len, &n);
  char *p = buf, *end = buf + n;
  bool ok = false;
  while (p < end && is_space_ascii(*p)) p++;
  while (end > p && is_space_ascii(end[-1])) end--;
  *end = '\0';
  bool neg = false;
  char *q = p;
  if (q < end && (*q == '+' || *q == '-')) neg = *q++ == '-';
  size_t rest = (size_t)(end - q);
  if ((rest == 3 && strncasecmp(q, "inf", 3) == 0) ||
      (rest == 8 && strncasecmp(q, "infinity", 8) == 0)) {
    *out = neg ? -INFINITY : INFINITY;
    ok = true;
    goto done;
  }
  if (rest == 3 && strncasecmp(q, "nan", 3) == 0) {
    *out = asy_fresh_nan(vm, neg);
    ok = true;
    goto done;
  }
  /* Validate digits [. digits] [e [sign] digits] with PEP 515 underscores, and copy
  ** without the underscores for strtod. */
  char *clean = malloc(rest + 3);
  if (!clean) abort();
  size_t k = 0;
  if (neg) clean[k++] = '-';
  size_t int_digits = 0, frac_digits = 0;
  const char *r = q;
#define DIGITS(counter) \
  do { \
    while (r < end && *r >= '0' && *r <= '9') { \
      clean[k++] = *r++; \
      counter++; \
      if (r < end && *r == '_') { \
        if (r + 1 >= end || r[1] < '0' || r[1] > '9') goto bad; \
        r++; \
      } \
    } \
  } while (0)
  DIGITS(int_digits);
  if (r < end && *r == '.') {
    clean[k++] = *r++;
    DIGITS(frac_digits);
  }
  if (int_digits + frac_digits == 0) goto bad;
  if (r < end && (*r == 'e' || *r == 'E')) {
    clean[k++] = *r++;
    if (r < end && (*r == '+' || *r == '-')) clean[k++] = *r++;
    size_t exp_digits = 0;
    DIGITS(exp_digits);
    if (exp_digits == 0) goto bad;
  }
#undef DIGITS
  if (r != end) goto bad;
  clean[k] = '\0';
  *out = strtod(clean, NULL);
  ok = true;
bad:
  free(clean);
done:
  free(buf);
  return ok;
}

bool asy_float_to_int(VM *vm, double d, int64_t *out) {
  Value v = asy_int_from_double(vm, d);
  if (IS_EXC(v)) return false;
  if (IS_BIGINT(v)) {
    asy_raise(vm, vm->exc.OverflowError, "Python int too large to convert to C ssize_t");
    return false;
  }
  *out = AS_INT(v);
  return true;
}

/* ---- int() and float() ---------------------------------------------------------------------- */

static Value int_from_text(VM *vm, const char *s, size_t n, int base, Value orig) {
  int64_t v;
  Value big;
  int r = parse_int(vm, s, n, base, &v, &big);
  if (r == 1) return INT_VAL(v);
  if (r == 2) return big;
  if (r == -2) return EXC_VAL;
  Value rep = asy_repr(vm, orig);
  if (IS_EXC(rep)) return rep;
  return asy_raise(vm, vm->exc.ValueError, "invalid literal for int() with base %d: %s", base,
                   AS_STR(rep)->chars);
}

/* Call a conversion dunder (__int__, __index__, __float__) if the class has one.
** Returns UNDEF when absent. */
static Value call_dunder(VM *vm, Value v, ObjStr *name) {
  if (!IS_OBJ(v)) return UNDEF_VAL;
  ObjClass *cls = asy_class_of(vm, v);
  if (IS_UNDEF(asy_class_lookup(cls, name))) return UNDEF_VAL;
  Value none[1] = {NONE_VAL};
  return asy_call_method(vm, v, name, 0, none);
}

/* v.__int__() or v.__index__() (name) as an int (a bool result counts as one): UNDEF when
** v's class has no such method, EXC_VAL when it fails or returns a non-int. */
static Value int_dunder(VM *vm, Value v, ObjStr *name) {
  Value r = call_dunder(vm, v, name);
  if (IS_EXC(r) || IS_UNDEF(r) || IS_INT(r) || IS_BIGINT(r)) return r;
  if (IS_BOOL(r)) return INT_VAL(AS_BOOL(r));
  return asy_raise(vm, vm->exc.TypeError, "%s returned non-int (type %s)", name->chars,
                   asy_type_name(vm, r));
}

Value asy_int_from_value(VM *vm, Value v, Value base_v) {
  if (!IS_UNDEF(base_v)) {
    int64_t base;
    if (IS_INTLIKE(base_v)) base = AS_INTLIKE(base_v);
    else if (!asy_index(vm, base_v, &base)) return EXC_VAL;
    if (base != 0 && (base < 2 || base > 36))
      return asy_raise(vm, vm->exc.ValueError, "int() base must be >= 2 and <= 36, or 0");
    if (IS_STR(v)) return int_from_text(vm, AS_STR(v)->chars, AS_STR(v)->size, (int)base, v);
    if (IS_BYTES(v))
      return int_from_text(vm, (const char *)AS_BYTES(v)->data, AS_BYTES(v)->size, (int)base, v);
    return asy_raise(vm, vm->exc.TypeError, "int() can't convert non-string with explicit base");
  }
  if (IS_INT(v) || IS_BIGINT(v)) return v;
  if (IS_BOOL(v)) return INT_VAL(AS_BOOL(v));
  if (IS_FLOAT(v)) return asy_int_from_double(vm, AS_FLOAT(v));
  if (IS_STR(v)) return int_from_text(vm, AS_STR(v)->chars, AS_STR(v)->size, 10, v);
  if (IS_BYTES(v))
    return int_from_text(vm, (const char *)AS_BYTES(v)->data, AS_BYTES(v)->size, 10, v);
  Value r = int_dunder(vm, v, vm->names.int_);
  if (IS_UNDEF(r)) r = int_dunder(vm, v, vm->names.index);
  if (!IS_UNDEF(r)) return r;
  return asy_raise(
      vm, vm->exc.TypeError,
      "int() argument must be a string, a bytes-like object or a real number, not '%s'",
      asy_type_name(vm, v));
}

static Value float_from_text(VM *vm, const char *s, size_t n, Value orig) {
  double d;
  if (asy_parse_float(vm, s, n, &d)) return FLOAT_VAL(d);
  Value rep = asy_repr(vm, orig);
  if (IS_EXC(rep)) return rep;
  return asy_raise(vm, vm->exc.ValueError, "could not convert string to float: %s",
                   AS_STR(rep)->chars);
}

Value asy_float_from_value(VM *vm, Value v) {
  if (IS_FLOAT(v)) return v;
  if (asy_is_int(v)) {
    double d;
    return asy_int_to_double(vm, v, &d) ? FLOAT_VAL(d) : EXC_VAL;
  }
  if (IS_STR(v)) return float_from_text(vm, AS_STR(v)->chars, AS_STR(v)->size, v);
  if (IS_BYTES(v))
    return float_from_text(vm, (const char *)AS_BYTES(v)->data, AS_BYTES(v)->size, v);
  Value r = call_dunder(vm, v, vm->names.float_);
  if (IS_EXC(r)) return r;
  if (!IS_UNDEF(r)) {
    if (IS_FLOAT(r)) return r;
    return asy_raise(vm, vm->exc.TypeError, "%s.__float__ returned non-float (type %s)",
                     asy_type_name(vm, v), asy_type_name(vm, r));
  }
  r = int_dunder(vm, v, vm->names.index);
  if (IS_INT(r) || IS_BIGINT(r)) return asy_float_from_value(vm, r);
  if (!IS_UNDEF(r)) return r;
  return asy_raise(vm, vm->exc.TypeError,
                   "float() argument must be a string or a real number, not '%s'",
                   asy_type_name(vm, v));
}

/* ---- printing ------------------------------------------------------------------------------------ */

Value asy_int_repr(VM *vm, int64_t i) {
  char buf[24];
  char *p = asy_int_digits(buf + sizeof buf, i, 10, false);
  if (i < 0) *--p = '-';
  return OBJ_VAL(asy_str_new_ascii(vm, p, (size_t)(buf + sizeof buf - p)));
}

char *asy_int_digits(char *end, int64_t i, int base, bool upper) {
  const char *chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i; /* INT64_MIN too */
  do {
    *--end = chars[u % (uint64_t)base];
    u /= (uint64_t)base;
  } while (u);
  return end;
}

Value asy_int_to_base(VM *vm, int64_t i, int base) {
  char buf[80];
  char *p = asy_int_digits(buf + sizeof buf, i, base, false);
  *--p = base == 16 ? 'x' : base == 8 ? 'o' : 'b';
  *--p = '0';
  if (i < 0) *--p = '-';
  return OBJ_VAL(asy_str_new(vm, p, (size_t)(buf + sizeof buf - p)));
}

Value asy_float_round(VM *vm, double x, int64_t ndigits) {
  /* Beyond these, rounding is the identity or gives zero (CPython's NDIGITS_MAX/MIN). */
  if (!isfinite(x) || x == 0.0) return FLOAT_VAL(x);
  if (ndigits > 323) return FLOAT_VAL(x);
  if (ndigits < -308) return FLOAT_VAL(0.0 * x);
  double r;
  if (ndigits >= 0) {
    /* printf rounds the exact binary value half-even: exactly CPython's dtoa mode 3. */
    char buf[800]; /* up to 309 integer digits + 323 decimals */
    snprintf(buf, sizeof buf, "%.*f", (int)ndigits, x);
    r = strtod(buf, NULL);
  } else {
    /* Round the exact integer expansion at 10**-ndigits, half-even. */
    char buf[1500]; /* up to 309 integer digits + the 1074 binary-exact decimals */
    snprintf(buf, sizeof buf, "%.1100f", fabs(x));
    char *dot = strchr(buf, '.');
    int intlen = (int)(dot - buf);
    int keep = intlen + (int)ndigits; /* digits kept before the rounding position */
    bool frac_nonzero = false;
    for (char *q = dot + 1; *q; q++)
      if (*q != '0') frac_nonzero = true;
    if (keep < 0) return FLOAT_VAL(0.0 * x);
    /* The dropped part: digits [keep, intlen) plus the fraction. */
    int first_dropped = keep < intlen ? buf[keep] - '0' : 0;
    bool rest_nonzero = frac_nonzero;
    for (int k = keep + 1; k < intlen; k++)
      if (buf[k] != '0') rest_nonzero = true;
    char digits[400];
    memcpy(digits, buf, (size_t)keep);
    digits[keep] = '\0';
    bool up = first_dropped > 5 || (first_dropped == 5 && rest_nonzero) ||
              (first_dropped == 5 && !rest_nonzero && keep > 0 && ((digits[keep - 1] - '0') & 1));
    /* Build "D...De<-ndigits>" then add one unit in the last place if rounding up. */
    if (up) {
      int k = keep - 1;
      while (k >= 0 && digits[k] == '9') digits[k--] = '0';
      if (k >= 0) digits[k]++;
      else {
        memmove(digits + 1, digits, (size_t)keep + 1);
        digits[0] = '1';
        keep++;
      }
    }
    if (keep == 0) return FLOAT_VAL(0.0 * x);
    char num[440];
    snprintf(num, sizeof num, "%se%d", digits, (int)-ndigits);
    r = strtod(num, NULL);
    if (x < 0) r = -r;
  }
  if (isinf(r)) return asy_raise(vm, vm->exc.OverflowError, "rounded value too large to represent");
  return FLOAT_VAL(r);
}
