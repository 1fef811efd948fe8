/*
** math.c — the math module, with CPython 3.13's results and error messages.
**
** Most functions are libm calls wrapped the way CPython's math_1 wraps them: a NaN
** result from a non-NaN input is ValueError("math domain error"); an infinite result
** from a finite input is OverflowError("math range error") for functions that can
** overflow, else a domain error. pow, fmod, log, hypot, fsum and isclose reproduce
** CPython's own special-case handling and algorithms (hypot's lossless scaled sum of
** squares, fsum's Shewchuk partials with the half-even fix-up), so results match to
** the last bit.
*/
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/number.h"
#include "vm/obj/str.h" /* asy_memory_error */
#include "vm/opcodes.h"

static Value domain_error(VM *vm) { return asy_raise(vm, vm->exc.ValueError, "math domain error"); }
static Value range_error(VM *vm) {
  return asy_raise(vm, vm->exc.OverflowError, "math range error");
}

/* Both arguments of a two-float function as doubles. */
static bool two_doubles(VM *vm, Value *args, double *x, double *y) {
  return asy_std_to_double(vm, args[0], x) && asy_std_to_double(vm, args[1], y);
}

/* CPython's math_1 result check. */
static Value math1_result(VM *vm, double x, double r, bool can_overflow) {
  if (isnan(r) && !isnan(x)) return domain_error(vm);
  if (isinf(r) && isfinite(x)) return can_overflow ? range_error(vm) : domain_error(vm);
  return FLOAT_VAL(r);
}

#define MATH1(pyname, cfn, overflow) \
  static Value m_##pyname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    double x; \
    if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL; \
    return math1_result(vm, x, cfn(x), overflow); \
  }

MATH1(acos, acos, false)
MATH1(acosh, acosh, false)
MATH1(asin, asin, false)
MATH1(asinh, asinh, false)
MATH1(atan, atan, false)
MATH1(atanh, atanh, false)
MATH1(cbrt, cbrt, false)
MATH1(cos, cos, false)
MATH1(cosh, cosh, true)
MATH1(erf, erf, false)
MATH1(erfc, erfc, false)
MATH1(exp, exp, true)
MATH1(exp2, exp2, true)
MATH1(expm1, expm1, true)
MATH1(fabs, fabs, false)
MATH1(sin, sin, false)
MATH1(sinh, sinh, true)
MATH1(sqrt, sqrt, false)
MATH1(tan, tan, false)
MATH1(tanh, tanh, false)

static double c_gamma(double x) {
  if (isfinite(x) && x <= 0 && x == floor(x)) return NAN; /* poles: domain error */
  return tgamma(x);
}
static double c_lgamma(double x) {
  if (isfinite(x) && x <= 0 && x == floor(x)) return INFINITY; /* poles: domain error */
  return lgamma(x);
}
static double c_log1p(double x) {
  if (x == -1.0) return NAN;
  return log1p(x);
}
MATH1(gamma, c_gamma, true)
MATH1(log1p, c_log1p, false)

static Value m_lgamma(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  double r = c_lgamma(x);
  if (isinf(r) && isfinite(x) && x <= 0 && x == floor(x)) return domain_error(vm);
  return math1_result(vm, x, r, true);
}

/* ---- rounding to int --------------------------------------------------------------------- */

static Value double_to_int(VM *vm, double d) { return asy_int_from_double(vm, d); }

static Value floor_ceil(VM *vm, Value *args, bool is_floor) {
  Value v = args[0];
  if (IS_BIGINT(v)) return v;
  if (IS_INTLIKE(v)) return INT_VAL(AS_INTLIKE(v));
  if (IS_FLOAT(v)) return double_to_int(vm, is_floor ? floor(AS_FLOAT(v)) : ceil(AS_FLOAT(v)));
  if (IS_OBJ(v)) {
    bool found = false;
    const char *dn = is_floor ? "__floor__" : "__ceil__";
    Value r = asy_std_call_special(vm, v, asy_str_intern(vm, dn, strlen(dn)), 0, NULL, &found);
    if (found) return r;
  }
  double x;
  if (!asy_std_to_double(vm, v, &x)) return EXC_VAL;
  return double_to_int(vm, is_floor ? floor(x) : ceil(x));
}

static Value m_floor(VM *vm, int argc, Value *args, ObjDict *kw) {
  return floor_ceil(vm, args, true);
}
static Value m_ceil(VM *vm, int argc, Value *args, ObjDict *kw) {
  return floor_ceil(vm, args, false);
}

static Value m_trunc(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value v = args[0];
  if (IS_BIGINT(v)) return v;
  if (IS_INTLIKE(v)) return INT_VAL(AS_INTLIKE(v));
  if (IS_FLOAT(v)) return double_to_int(vm, trunc(AS_FLOAT(v)));
  bool found = false;
  Value r = UNDEF_VAL;
  if (IS_OBJ(v))
    r = asy_std_call_special(vm, v, asy_str_intern(vm, "__trunc__", 9), 0, NULL, &found);
  if (found) return r;
  return asy_raise(vm, vm->exc.TypeError, "type %s doesn't define __trunc__ method",
                   asy_type_name(vm, v));
}

/* ---- two-argument float functions ----------------------------------------------------------- */

static Value m_pow(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x, y, r;
  if (!two_doubles(vm, args, &x, &y)) return EXC_VAL;
  if (!isfinite(x) || !isfinite(y)) {
    if (isnan(x)) r = y == 0.0 ? 1.0 : x;
    else if (isnan(y)) r = x == 1.0 ? 1.0 : y;
    else if (isinf(x)) {
      bool odd_y = isfinite(y) && fmod(fabs(y), 2.0) == 1.0;
      if (y > 0.0) r = odd_y ? x : fabs(x);
      else if (y == 0.0) r = 1.0;
      else r = odd_y ? copysign(0.0, x) : 0.0;
    } else {
      if (fabs(x) == 1.0) r = 1.0;
      else if (y > 0.0 && fabs(x) > 1.0) r = y;
      else if (y < 0.0 && fabs(x) < 1.0) r = -y;
      else r = 0.0;
    }
    return FLOAT_VAL(r);
  }
  r = pow(x, y);
  if (isnan(r)) return domain_error(vm);
  if (isinf(r)) return x == 0.0 ? domain_error(vm) : range_error(vm);
  return FLOAT_VAL(r);
}

static Value m_fmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x, y;
  if (!two_doubles(vm, args, &x, &y)) return EXC_VAL;
  if (isinf(y) && isfinite(x)) return FLOAT_VAL(x);
  double r = fmod(x, y);
  if (isnan(r) && !isnan(x) && !isnan(y)) return domain_error(vm);
  return FLOAT_VAL(r);
}

static Value m_remainder(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x, y;
  if (!two_doubles(vm, args, &x, &y)) return EXC_VAL;
  if (isnan(x)) return FLOAT_VAL(x);
  if (isnan(y)) return FLOAT_VAL(y);
  if (isinf(x) || y == 0.0) return domain_error(vm);
  if (isinf(y)) return FLOAT_VAL(x);
  return FLOAT_VAL(remainder(x, y));
}

static Value m_atan2(VM *vm, int argc, Value *args, ObjDict *kw) {
  double y, x;
  if (!two_doubles(vm, args, &y, &x)) return EXC_VAL;
  return FLOAT_VAL(atan2(y, x));
}

static Value m_copysign(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x, y;
  if (!two_doubles(vm, args, &x, &y)) return EXC_VAL;
  return FLOAT_VAL(copysign(x, y));
}

static Value m_degrees(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  return FLOAT_VAL(x * (180.0 / M_PI));
}

static Value m_radians(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  return FLOAT_VAL(x * (M_PI / 180.0));
}

/* ---- logarithms --------------------------------------------------------------------------- */

/* CPython's m_log family: false (domain error) for x <= 0 and -inf. */
static bool log_of(double x, double (*fn)(double), double *out) {
  if (isfinite(x)) {
    if (x > 0.0) {
      *out = fn(x);
      return true;
    }
    return false;
  }
  if (isnan(x) || x > 0.0) {
    *out = x;
    return true;
  }
  return false;
}

/* fn(v) for a number v: false with the exception pending (domain errors included). A
** positive big int too large for a float is taken as m * 2**e (CPython's loghelper). */
static bool log_value(VM *vm, Value v, double (*fn)(double), double *out) {
  if (IS_BIGINT(v) && mpz_sgn(AS_BIGINT(v)->z) <= 0) {
    domain_error(vm);
    return false;
  }
  if (IS_BIGINT(v) && asy_int_bit_length(v) > 1024) {
    int64_t e;
    double m = asy_bigint_frexp(AS_BIGINT(v), &e);
    *out = fn(m) + fn(2.0) * (double)e;
    return true;
  }
  double x;
  if (!asy_std_to_double(vm, v, &x)) return false;
  if (!log_of(x, fn, out)) {
    domain_error(vm);
    return false;
  }
  return true;
}

static Value m_log(VM *vm, int argc, Value *args, ObjDict *kw) {
  double num, den;
  if (!log_value(vm, args[0], log, &num)) return EXC_VAL;
  if (argc == 1) return FLOAT_VAL(num);
  if (!log_value(vm, args[1], log, &den)) return EXC_VAL;
  if (den == 0.0) return asy_raise(vm, vm->exc.ZeroDivisionError, "float division by zero");
  return FLOAT_VAL(num / den);
}

static Value m_log2(VM *vm, int argc, Value *args, ObjDict *kw) {
  double r;
  if (!log_value(vm, args[0], log2, &r)) return EXC_VAL;
  return FLOAT_VAL(r);
}

static Value m_log10(VM *vm, int argc, Value *args, ObjDict *kw) {
  double r;
  if (!log_value(vm, args[0], log10, &r)) return EXC_VAL;
  return FLOAT_VAL(r);
}

/* ---- float decomposition ---------------------------------------------------------------- */

static Value pair(VM *vm, Value a, Value b) {
  Value items[2] = {a, b};
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

static Value m_modf(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  if (isinf(x)) return pair(vm, FLOAT_VAL(copysign(0.0, x)), FLOAT_VAL(x));
  if (isnan(x)) return pair(vm, FLOAT_VAL(x), FLOAT_VAL(x));
  double ip;
  double fp = modf(x, &ip);
  return pair(vm, FLOAT_VAL(fp), FLOAT_VAL(ip));
}

static Value m_frexp(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  int e = 0;
  double m = x;
  if (!isnan(x) && !isinf(x) && x != 0.0) m = frexp(x, &e);
  return pair(vm, FLOAT_VAL(m), INT_VAL(e));
}

static Value m_ldexp(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  if (!IS_INTLIKE(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "Expected an int as second argument to ldexp.");
  int64_t e = AS_INTLIKE(args[1]);
  if (x == 0.0 || !isfinite(x)) return FLOAT_VAL(x);
  if (e > INT32_MAX) e = INT32_MAX;
  if (e < INT32_MIN) e = INT32_MIN;
  double r = ldexp(x, (int)e);
  if (isinf(r)) return range_error(vm);
  return FLOAT_VAL(r);
}

/* ---- predicates, isclose ---------------------------------------------------------------- */

static Value m_isfinite(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  return BOOL_VAL(isfinite(x));
}

static Value m_isinf(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  return BOOL_VAL(isinf(x));
}

static Value m_isnan(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  return BOOL_VAL(isnan(x));
}

static Value m_isclose(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"a", "b", "rel_tol", "abs_tol"};
  Value v[4] = {UNDEF_VAL, UNDEF_VAL, UNDEF_VAL, UNDEF_VAL};
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError,
                     "isclose() takes exactly 2 positional arguments (%d given)", argc);
  for (int i = 0; i < argc; i++) v[i] = args[i];
  if (!asy_std_kwargs(vm, "isclose", kw, names + 2, 2, v + 2, 0)) return EXC_VAL;
  for (int i = 0; i < 2; i++)
    if (IS_UNDEF(v[i]))
      return asy_raise(vm, vm->exc.TypeError, "isclose() missing required argument '%s' (pos %d)",
                       names[i], i + 1);
  double a, b, rel = 1e-09, abs_tol = 0.0;
  if (!asy_std_to_double(vm, v[0], &a) || !asy_std_to_double(vm, v[1], &b)) return EXC_VAL;
  if (!IS_UNDEF(v[2]) && !asy_std_to_double(vm, v[2], &rel)) return EXC_VAL;
  if (!IS_UNDEF(v[3]) && !asy_std_to_double(vm, v[3], &abs_tol)) return EXC_VAL;
  if (rel < 0.0 || abs_tol < 0.0)
    return asy_raise(vm, vm->exc.ValueError, "tolerances must be non-negative");
  if (a == b) return TRUE_VAL;
  if (isinf(a) || isinf(b)) return FALSE_VAL;
  double diff = fabs(b - a);
  return BOOL_VAL(diff <= fabs(rel * b) || diff <= fabs(rel * a) || diff <= abs_tol);
}

/* ---- hypot, dist ---------------------------------------------------------------------------- */

/* hi + lo == a * b exactly (fma). */
static void dl_mul(double a, double b, double *hi, double *lo) {
  *hi = a * b;
  *lo = fma(a, b, -*hi);
}

/* CPython's vector_norm: scale by a power of two so the largest element is in
** [0.5, 1), sum the squares with a lossless running sum plus lossy low parts, then apply
** one step of differential correction to the square root. */
static double vector_norm(size_t n, double *vec, double max, bool found_nan) {
  if (isinf(max)) return max;
  if (found_nan) return NAN;
  if (max == 0.0 || n <= 1) return max;
  int max_e;
  frexp(max, &max_e);
  if (max_e < -1023) {
    for (size_t i = 0; i < n; i++) vec[i] /= DBL_MIN;
    return DBL_MIN * vector_norm(n, vec, max / DBL_MIN, found_nan);
  }
  double scale = ldexp(1.0, -max_e);
  double csum = 1.0, frac1 = 0.0, frac2 = 0.0, hi, lo;
  for (size_t i = 0; i < n; i++) {
    double x = vec[i] * scale;
    dl_mul(x, x, &hi, &lo);
    double s = csum + hi;
    frac2 += (csum - s) + hi;
    csum = s;
    frac1 += lo;
  }
  double h = sqrt(csum - 1.0 + (frac1 + frac2));
  dl_mul(-h, h, &hi, &lo);
  double s = csum + hi;
  frac2 += (csum - s) + hi;
  csum = s;
  frac1 += lo;
  double x = csum - 1.0 + (frac1 + frac2);
  h += x / (2.0 * h);
  return h / scale;
}

static Value m_hypot(VM *vm, int argc, Value *args, ObjDict *kw) {
  double small[16];
  double *vec = argc <= 16 ? small : malloc(sizeof(double) * (size_t)argc);
  if (!vec) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  double max = 0.0;
  bool found_nan = false;
  for (int i = 0; i < argc; i++) {
    double x;
    if (!asy_std_to_double(vm, args[i], &x)) {
      if (vec != small) free(vec);
      return EXC_VAL;
    }
    x = fabs(x);
    vec[i] = x;
    found_nan |= isnan(x);
    if (x > max) max = x;
  }
  double r = vector_norm((size_t)argc, vec, max, found_nan);
  if (vec != small) free(vec);
  return FLOAT_VAL(r);
}

static Value m_dist(VM *vm, int argc, Value *args, ObjDict *kw) {
  for (int i = 0; i < 2; i++)
    if (!IS_TUPLE(args[i]) && !IS_LIST(args[i]))
      return asy_raise(vm, vm->exc.TypeError, "dist() argument %d must be tuple, not %s", i + 1,
                       asy_type_name(vm, args[i]));
  Value p = args[0], q = args[1];
  size_t n = IS_TUPLE(p) ? AS_TUPLE(p)->size : AS_LIST(p)->size;
  size_t m = IS_TUPLE(q) ? AS_TUPLE(q)->size : AS_LIST(q)->size;
  if (n != m)
    return asy_raise(vm, vm->exc.ValueError, "both points must have the same number of dimensions");
  double *vec = malloc(sizeof(double) * (n ? n : 1));
  if (!vec) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  double max = 0.0;
  bool found_nan = false;
  for (size_t i = 0; i < n; i++) {
    Value a = IS_TUPLE(p) ? AS_TUPLE(p)->items[i] : AS_LIST(p)->items[i];
    Value b = IS_TUPLE(q) ? AS_TUPLE(q)->items[i] : AS_LIST(q)->items[i];
    double x, y;
    if (!asy_std_to_double(vm, a, &x) || !asy_std_to_double(vm, b, &y)) {
      free(vec);
      return EXC_VAL;
    }
    x = fabs(x - y);
    vec[i] = x;
    found_nan |= isnan(x);
    if (x > max) max = x;
  }
  double r = vector_norm(n, vec, max, found_nan);
  free(vec);
  return FLOAT_VAL(r);
}

/* ---- fsum ----------------------------------------------------------------------------------- */

static Value m_fsum(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value it = asy_iter(vm, args[0]);
  if (IS_EXC(it)) return it;
  size_t n = 0, cap = 32;
  double *p = malloc(sizeof(double) * cap);
  if (!p) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  double special_sum = 0.0, inf_sum = 0.0, lo = 0.0;
  for (;;) {
    Value item = asy_next(vm, it);
    if (IS_EXC(item)) goto fail;
    if (IS_UNDEF(item)) break;
    double x;
    if (!asy_std_to_double(vm, item, &x)) goto fail;
    double xsave = x;
    size_t i = 0;
    for (size_t j = 0; j < n; j++) {
      double y = p[j];
      if (fabs(x) < fabs(y)) {
        double t = x;
        x = y;
        y = t;
      }
      double hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) p[i++] = lo;
      x = hi;
    }
    n = i;
    if (x != 0.0) {
      if (!isfinite(x)) {
        if (isfinite(xsave)) {
          asy_raise(vm, vm->exc.OverflowError, "intermediate overflow in fsum");
          goto fail;
        }
        if (isinf(xsave)) inf_sum += xsave;
        special_sum += xsave;
        n = 0;
      } else {
        if (n >= cap) {
          cap *= 2;
          double *np = realloc(p, sizeof(double) * cap);
          if (!np) {
            asy_raise(vm, vm->exc.MemoryError, "out of memory");
            goto fail;
          }
          p = np;
        }
        p[n++] = x;
      }
    }
  }
  if (special_sum != 0.0) {
    free(p);
    if (isnan(inf_sum)) return asy_raise(vm, vm->exc.ValueError, "-inf + inf in fsum");
    return FLOAT_VAL(special_sum);
  }
  double hi = 0.0;
  if (n > 0) {
    hi = p[--n];
    while (n > 0) {
      double x = hi, y = p[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) break;
    }
    /* half-even rounding across partials */
    if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
      double y = lo * 2.0;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) hi = x;
    }
  }
  free(p);
  return FLOAT_VAL(hi);
fail:
  free(p);
  return EXC_VAL;
}

/* ---- integer functions ----------------------------------------------------------------------- */

/* An int argument (int, big int or __index__) into out, which it initialises. */
static bool int_arg(VM *vm, Value v, mpz_t out) {
  if (asy_is_int(v)) {
    AsyIntView t;
    mpz_init_set(out, asy_int_view(v, &t));
    return true;
  }
  int64_t i;
  if (!asy_index(vm, v, &i)) return false;
  mpz_init_set_si(out, i);
  return true;
}

/* gcd (lcm when is_lcm) of all the arguments, nonnegative. */
static Value gcd_lcm(VM *vm, int argc, Value *args, bool is_lcm) {
  mpz_t acc, v;
  mpz_init_set_ui(acc, is_lcm ? 1 : 0);
  for (int i = 0; i < argc; i++) {
    if (!int_arg(vm, args[i], v)) {
      mpz_clear(acc);
      return EXC_VAL;
    }
    if (is_lcm) mpz_lcm(acc, acc, v);
    else mpz_gcd(acc, acc, v);
    mpz_clear(v);
  }
  return asy_int_from_mpz(vm, acc);
}

static Value m_gcd(VM *vm, int argc, Value *args, ObjDict *kw) {
  return gcd_lcm(vm, argc, args, false);
}

static Value m_lcm(VM *vm, int argc, Value *args, ObjDict *kw) {
  return gcd_lcm(vm, argc, args, true);
}

static Value m_factorial(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (IS_FLOAT(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "'float' object cannot be interpreted as an integer");
  if (IS_BIGINT(args[0]) && mpz_sgn(AS_BIGINT(args[0])->z) > 0)
    return asy_raise(vm, vm->exc.OverflowError,
                     "factorial() argument should not exceed 9223372036854775807");
  int64_t n;
  if (IS_BIGINT(args[0])) n = -1;
  else if (!asy_index(vm, args[0], &n)) return EXC_VAL;
  if (n < 0)
    return asy_raise(vm, vm->exc.ValueError, "factorial() not defined for negative values");
  if (n > 100000000) return asy_memory_error(vm);
  mpz_t r;
  mpz_init(r);
  mpz_fac_ui(r, (unsigned long)n);
  return asy_int_from_mpz(vm, r);
}

/* comb/perm's (n, k=None) as ints, both non-negative (k is n when absent). */
static bool nk_ints(VM *vm, int argc, Value *args, mpz_t n, mpz_t k) {
  if (!int_arg(vm, args[0], n)) return false;
  bool has_k = argc == 2 && !IS_NONE(args[1]);
  if (has_k ? !int_arg(vm, args[1], k) : (mpz_init_set(k, n), false)) {
    mpz_clear(n);
    return false;
  }
  const char *bad = mpz_sgn(n) < 0   ? "n must be a non-negative integer"
                    : mpz_sgn(k) < 0 ? "k must be a non-negative integer"
                                     : NULL;
  if (bad) {
    mpz_clears(n, k, NULL);
    asy_raise(vm, vm->exc.ValueError, "%s", bad);
    return false;
  }
  return true;
}

/* comb(n, k) (perm(n, k) = comb(n, k) * k! when is_perm): CPython's limits on k. */
static Value comb_perm(VM *vm, int argc, Value *args, bool is_perm) {
  mpz_t n, k, r;
  if (!nk_ints(vm, argc, args, n, k)) return EXC_VAL;
  mpz_init(r);
  if (mpz_cmp(k, n) <= 0) {
    mpz_t m; /* comb is symmetric: use min(k, n - k) */
    mpz_init(m);
    mpz_sub(m, n, k);
    if (is_perm || mpz_cmp(k, m) < 0) mpz_set(m, k);
    if (!mpz_fits_slong_p(m) || mpz_get_ui(m) > 100000000) {
      bool fits = mpz_fits_slong_p(m);
      mpz_clears(n, k, r, m, NULL);
      if (fits) return asy_memory_error(vm);
      return asy_raise(vm, vm->exc.OverflowError,
                       is_perm ? "k must not exceed %lld" : "min(n - k, k) must not exceed %lld",
                       (long long)INT64_MAX);
    }
    mpz_bin_ui(r, n, mpz_get_ui(m));
    if (is_perm) {
      mpz_fac_ui(m, mpz_get_ui(k));
      mpz_mul(r, r, m);
    }
    mpz_clear(m);
  }
  mpz_clears(n, k, NULL);
  return asy_int_from_mpz(vm, r);
}

static Value m_comb(VM *vm, int argc, Value *args, ObjDict *kw) {
  return comb_perm(vm, argc, args, false);
}

static Value m_perm(VM *vm, int argc, Value *args, ObjDict *kw) {
  return comb_perm(vm, argc, args, true);
}

static Value m_isqrt(VM *vm, int argc, Value *args, ObjDict *kw) {
  mpz_t n;
  if (!int_arg(vm, args[0], n)) return EXC_VAL;
  if (mpz_sgn(n) < 0) {
    mpz_clear(n);
    return asy_raise(vm, vm->exc.ValueError, "isqrt() argument must be nonnegative");
  }
  mpz_sqrt(n, n);
  return asy_int_from_mpz(vm, n);
}

static Value m_prod(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc != 1)
    return asy_raise(vm, vm->exc.TypeError, "prod() takes exactly 1 positional argument (%d given)",
                     argc);
  static const char *const names[] = {"start"};
  Value start = INT_VAL(1);
  if (!asy_std_kwargs(vm, "prod", kw, names, 1, &start, 0)) return EXC_VAL;
  Value it = asy_iter(vm, args[0]);
  if (IS_EXC(it)) return it;
  Value result = start;
  for (;;) {
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) return v;
    if (IS_UNDEF(v)) return result;
    if (IS_INT(result) && IS_INTLIKE(v)) {
      int64_t r;
      if (!__builtin_mul_overflow(AS_INT(result), AS_INTLIKE(v), &r)) {
        result = INT_VAL(r);
        continue;
      }
    }
    if (IS_FLOAT(result) && IS_NUMBER(v)) {
      result = FLOAT_VAL(AS_FLOAT(result) * AS_NUMBER(v));
      continue;
    }
    asy_push_root(vm, result);
    result = asy_binary_op(vm, BINOP_MULTIPLY, result, v);
    if (IS_EXC(result)) return result;
  }
}

static Value m_fma(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x, y, z;
  if (!asy_std_to_double(vm, args[0], &x) || !asy_std_to_double(vm, args[1], &y) ||
      !asy_std_to_double(vm, args[2], &z))
    return EXC_VAL;
  double r = fma(x, y, z);
  if (!isfinite(r)) {
    if (isnan(r)) {
      if (!isnan(x) && !isnan(y) && !isnan(z))
        return asy_raise(vm, vm->exc.ValueError, "invalid operation in fma");
    } else if (isfinite(x) && isfinite(y) && isfinite(z)) {
      return asy_raise(vm, vm->exc.OverflowError, "overflow in fma");
    }
  }
  return FLOAT_VAL(r);
}

/* sumprod(p, q): exact for ints; for floats the correctly rounded sum of the exact
** products (each split hi + lo with fma, then summed like fsum). */
static Value m_sumprod(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value p = asy_iter(vm, args[0]);
  if (IS_EXC(p)) return p;
  Value q = asy_iter(vm, args[1]);
  if (IS_EXC(q)) return q;
  ObjList *terms = asy_list_new(vm, 0);
  Value total = INT_VAL(0);
  bool all_int = true;
  for (;;) {
    Value a = asy_next(vm, p);
    if (IS_EXC(a)) return a;
    Value b = asy_next(vm, q);
    if (IS_EXC(b)) return b;
    if (IS_UNDEF(a) != IS_UNDEF(b))
      return asy_raise(vm, vm->exc.ValueError, "Inputs are not the same length");
    if (IS_UNDEF(a)) break;
    if (all_int && asy_is_int(a) && asy_is_int(b)) {
      int64_t m, r;
      if (IS_INTLIKE(a) && IS_INTLIKE(b) && IS_INT(total) &&
          !__builtin_mul_overflow(AS_INTLIKE(a), AS_INTLIKE(b), &m) &&
          !__builtin_add_overflow(AS_INT(total), m, &r)) {
        total = INT_VAL(r);
        continue;
      }
      Value prod = asy_number_binary(vm, BINOP_MULTIPLY, a, b);
      if (IS_EXC(prod)) return prod;
      asy_push_root(vm, prod);
      total = asy_number_binary(vm, BINOP_ADD, total, prod);
      if (IS_EXC(total)) return total;
      asy_push_root(vm, total);
      continue;
    }
    if (asy_is_num(a) && asy_is_num(b)) {
      double x, y, t;
      if (all_int) {
        all_int = false;
        if (!asy_int_to_double(vm, total, &t)) return EXC_VAL;
        asy_list_append(vm, terms, FLOAT_VAL(t));
      }
      if (!asy_std_to_double(vm, a, &x) || !asy_std_to_double(vm, b, &y)) return EXC_VAL;
      double hi = x * y;
      asy_list_append(vm, terms, FLOAT_VAL(hi));
      if (isfinite(hi)) asy_list_append(vm, terms, FLOAT_VAL(fma(x, y, -hi)));
      continue;
    }
    return asy_raise(vm, vm->exc.TypeError, "unsupported operand type(s) for *: '%s' and '%s'",
                     asy_type_name(vm, a), asy_type_name(vm, b));
  }
  if (all_int) return total;
  Value t = OBJ_VAL(terms);
  return m_fsum(vm, 1, &t, NULL);
}

/* ---- ulp, nextafter ------------------------------------------------------------------------ */

static Value m_ulp(VM *vm, int argc, Value *args, ObjDict *kw) {
  double x;
  if (!asy_std_to_double(vm, args[0], &x)) return EXC_VAL;
  if (isnan(x)) return FLOAT_VAL(x);
  x = fabs(x);
  if (isinf(x)) return FLOAT_VAL(x);
  double x2 = nextafter(x, INFINITY);
  if (isinf(x2)) {
    x2 = nextafter(x, -INFINITY);
    return FLOAT_VAL(x - x2);
  }
  return FLOAT_VAL(x2 - x);
}

static Value m_nextafter(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"steps"};
  Value steps = UNDEF_VAL;
  if (!asy_std_kwargs(vm, "nextafter", kw, names, 1, &steps, 0)) return EXC_VAL;
  if (!asy_arg_count(vm, "nextafter", argc, 2, 2)) return EXC_VAL;
  double x, y;
  if (!asy_std_to_double(vm, args[0], &x) || !asy_std_to_double(vm, args[1], &y)) return EXC_VAL;
  int64_t n = 1;
  if (!IS_UNDEF(steps) && !IS_NONE(steps)) {
    if (!asy_index(vm, steps, &n)) return EXC_VAL;
    if (n < 0) return asy_raise(vm, vm->exc.ValueError, "steps must be a non-negative integer");
  }
  for (int64_t i = 0; i < n && x != y; i++) x = nextafter(x, y);
  if (n == 0) return FLOAT_VAL(x);
  return FLOAT_VAL(x == y ? y : x);
}

#define F1 1, 1, ASY_ARGS_AUTO
#define F2 2, 2, ASY_ARGS_AUTO
/* clang-format off */
static const AsyMethodDef math_functions[] = {
  {"math.acos", m_acos, F1}, {"math.acosh", m_acosh, F1}, {"math.asin", m_asin, F1},
  {"math.asinh", m_asinh, F1}, {"math.atan", m_atan, F1}, {"math.atan2", m_atan2, F2},
  {"math.atanh", m_atanh, F1}, {"math.cbrt", m_cbrt, F1}, {"math.ceil", m_ceil, F1},
  {"math.comb", m_comb, F2}, {"math.copysign", m_copysign, F2}, {"math.cos", m_cos, F1},
  {"math.cosh", m_cosh, F1}, {"math.degrees", m_degrees, F1}, {"math.dist", m_dist, F2},
  {"math.erf", m_erf, F1}, {"math.erfc", m_erfc, F1}, {"math.exp", m_exp, F1},
  {"math.exp2", m_exp2, F1}, {"math.expm1", m_expm1, F1}, {"math.fabs", m_fabs, F1},
  {"math.factorial", m_factorial, F1}, {"math.floor", m_floor, F1},
  {"math.fma", m_fma, 3, 3, ASY_ARGS_AUTO}, {"math.fmod", m_fmod, F2},
  {"math.frexp", m_frexp, F1}, {"math.fsum", m_fsum, F1}, {"math.gamma", m_gamma, F1},
  {"math.gcd", m_gcd, 0, ASY_VARARGS, ASY_ARGS_AUTO},
  {"math.hypot", m_hypot, 0, ASY_VARARGS, ASY_ARGS_AUTO},
  {"math.isclose", m_isclose, 0, ASY_VARARGS, ASY_ARGS_NONE}, {"math.isfinite", m_isfinite, F1},
  {"math.isinf", m_isinf, F1}, {"math.isnan", m_isnan, F1}, {"math.isqrt", m_isqrt, F1},
  {"math.lcm", m_lcm, 0, ASY_VARARGS, ASY_ARGS_AUTO}, {"math.ldexp", m_ldexp, F2},
  {"math.lgamma", m_lgamma, F1}, {"math.log", m_log, 1, 2, ASY_ARGS_AUTO},
  {"math.log10", m_log10, F1}, {"math.log1p", m_log1p, F1}, {"math.log2", m_log2, F1},
  {"math.modf", m_modf, F1}, {"math.nextafter", m_nextafter, 0, ASY_VARARGS, ASY_ARGS_NONE},
  {"math.perm", m_perm, 1, 2, ASY_ARGS_AUTO}, {"math.pow", m_pow, F2},
  {"math.prod", m_prod, 0, ASY_VARARGS, ASY_ARGS_NONE}, {"math.radians", m_radians, F1},
  {"math.remainder", m_remainder, F2}, {"math.sin", m_sin, F1}, {"math.sinh", m_sinh, F1},
  {"math.sqrt", m_sqrt, F1}, {"math.sumprod", m_sumprod, F2}, {"math.tan", m_tan, F1},
  {"math.tanh", m_tanh, F1}, {"math.trunc", m_trunc, F1}, {"math.ulp", m_ulp, F1},
  {0},
};
/* clang-format on */

Value asy_mod_math_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjDict *d = AS_MODULE(args[0])->dict;
  asy_def_natives(vm, NULL, d, math_functions);
  asy_def_value(vm, d, "pi", FLOAT_VAL(M_PI));
  asy_def_value(vm, d, "e", FLOAT_VAL(M_E));
  asy_def_value(vm, d, "tau", FLOAT_VAL(2.0 * M_PI));
  asy_def_value(vm, d, "inf", FLOAT_VAL(INFINITY));
  asy_def_value(vm, d, "nan", FLOAT_VAL(NAN));
  return NONE_VAL;
}
