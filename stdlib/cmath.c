/*
** cmath.c — the `cmath` module: mathematical functions for complex numbers, with
** CPython's formulas for finite arguments (so results agree to the last digit) and C99's
** complex functions for infinities and NaNs. Arguments may be complex, float, int, or
** objects with __complex__, __float__ or __index__.
*/
#include <complex.h>
/* <complex.h>'s `complex` macro would rename vm->types.complex. */
#undef complex
#include <float.h>
#include <math.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "stdlib/native_modules.h"
#include "vm/obj/bigint.h"
#include "vm/obj/complex.h"
#include "vm/opcodes.h"

typedef struct {
  double re, im;
} Cx;

/* An argument as complex; false with TypeError pending. */
static bool arg(VM *vm, Value v, Cx *out) {
  if (asy_is_complex(vm, v)) {
    asy_complex_parts(v, &out->re, &out->im);
    return true;
  }
  if (IS_OBJ(v) && !asy_is_int(v)) {
    ObjStr *name = asy_str_cstr(vm, "__complex__");
    if (!IS_UNDEF(asy_class_lookup(AS_OBJ(v)->cls, name))) {
      Value r = asy_call_method(vm, v, name, 0, NULL);
      if (IS_EXC(r)) return false;
      if (!asy_is_complex(vm, r)) {
        asy_raise(vm, vm->exc.TypeError, "__complex__ returned non-complex (type %s)",
                  asy_type_name(vm, r));
        return false;
      }
      asy_complex_parts(r, &out->re, &out->im);
      return true;
    }
  }
  out->im = 0.0;
  return asy_std_to_double(vm, v, &out->re);
}

static Value cx_val(VM *vm, Cx c) { return asy_complex_new(vm, c.re, c.im); }

static Value domain_error(VM *vm) { return asy_raise(vm, vm->exc.ValueError, "math domain error"); }

static bool cx_finite(Cx z) { return isfinite(z.re) && isfinite(z.im); }

static Cx from_c99(double _Complex c) { return (Cx){creal(c), cimag(c)}; }
static double _Complex to_c99(Cx z) { return CMPLX(z.re, z.im); }

/* ---- the functions, CPython's formulas for finite arguments ----------------------------- */

static Cx c_sqrt(Cx z) {
  if (!cx_finite(z)) return from_c99(csqrt(to_c99(z)));
  if (z.re == 0.0 && z.im == 0.0) return (Cx){0.0, z.im};
  double ax = fabs(z.re), ay = fabs(z.im), s, d;
  if (ax < DBL_MIN && ay < DBL_MIN) {
    /* Scale subnormal inputs up to keep precision. */
    ax = ldexp(ax, 53);
    s = ldexp(sqrt(ax + hypot(ax, ldexp(ay, 53))), -27);
  } else {
    ax /= 8.0;
    s = 2.0 * sqrt(ax + hypot(ax, ay / 8.0));
  }
  d = ay / (2.0 * s);
  if (z.re >= 0.0) return (Cx){s, copysign(d, z.im)};
  return (Cx){d, copysign(s, z.im)};
}

static Cx c_exp(Cx z, bool *overflow) {
  *overflow = false;
  if (!cx_finite(z)) return from_c99(cexp(to_c99(z)));
  Cx r;
  if (z.re > 708.0) {
    double l = exp(z.re - 1.0);
    r.re = l * cos(z.im) * M_E;
    r.im = l * sin(z.im) * M_E;
  } else {
    double l = exp(z.re);
    r.re = l * cos(z.im);
    r.im = l * sin(z.im);
  }
  if (isinf(r.re) || isinf(r.im)) *overflow = true;
  return r;
}

static Cx c_log(Cx z, bool *domain) {
  *domain = false;
  if (!cx_finite(z)) return from_c99(clog(to_c99(z)));
  double ax = fabs(z.re), ay = fabs(z.im);
  Cx r;
  const double large = DBL_MAX / 4.0;
  if (ax > large || ay > large) {
    r.re = log(hypot(ax / 2.0, ay / 2.0)) + M_LN2;
  } else if (ax < DBL_MIN && ay < DBL_MIN) {
    if (ax > 0.0 || ay > 0.0) {
      r.re = log(hypot(ldexp(ax, DBL_MANT_DIG), ldexp(ay, DBL_MANT_DIG))) - DBL_MANT_DIG * M_LN2;
    } else {
      r.re = -INFINITY;
      *domain = true;
    }
  } else {
    double h = hypot(ax, ay);
    if (0.71 <= h && h <= 1.73) {
      double am = ax > ay ? ax : ay, an = ax > ay ? ay : ax;
      r.re = log1p((am - 1) * (am + 1) + an * an) / 2.0;
    } else {
      r.re = log(h);
    }
  }
  r.im = atan2(z.im, z.re);
  return r;
}

static Cx c_sinh(Cx z) {
  if (!cx_finite(z) || fabs(z.re) > 708.0) return from_c99(csinh(to_c99(z)));
  return (Cx){cos(z.im) * sinh(z.re), sin(z.im) * cosh(z.re)};
}

static Cx c_cosh(Cx z) {
  if (!cx_finite(z) || fabs(z.re) > 708.0) return from_c99(ccosh(to_c99(z)));
  return (Cx){cos(z.im) * cosh(z.re), sin(z.im) * sinh(z.re)};
}

static Cx c_tanh(Cx z) {
  if (!cx_finite(z) || fabs(z.re) > 354.0) return from_c99(ctanh(to_c99(z)));
  double tx = tanh(z.re), ty = tan(z.im), cx = 1.0 / cosh(z.re);
  double txty = tx * ty, denom = 1.0 + txty * txty;
  return (Cx){tx * (1.0 + ty * ty) / denom, ((ty / denom) * cx) * cx};
}

/* f(z) = -i g(i z) for the circular functions from the hyperbolic ones. */
static Cx rot_in(Cx z) { return (Cx){-z.im, z.re}; }
static Cx rot_out(Cx s) { return (Cx){s.im, -s.re}; }

static Cx c_asinh(Cx z) {
  if (!cx_finite(z)) return from_c99(casinh(to_c99(z)));
  Cx s1 = c_sqrt((Cx){1.0 + z.im, -z.re});
  Cx s2 = c_sqrt((Cx){1.0 - z.im, z.re});
  return (Cx){asinh(s1.re * s2.im - s2.re * s1.im), atan2(z.im, s1.re * s2.re - s1.im * s2.im)};
}

static Cx c_acos(Cx z) {
  if (!cx_finite(z)) return from_c99(cacos(to_c99(z)));
  Cx s1 = c_sqrt((Cx){1.0 - z.re, -z.im});
  Cx s2 = c_sqrt((Cx){1.0 + z.re, z.im});
  return (Cx){2.0 * atan2(s1.re, s2.re), asinh(s2.re * s1.im - s2.im * s1.re)};
}

static Cx c_acosh(Cx z) {
  if (!cx_finite(z)) return from_c99(cacosh(to_c99(z)));
  Cx s1 = c_sqrt((Cx){z.re - 1.0, z.im});
  Cx s2 = c_sqrt((Cx){z.re + 1.0, z.im});
  return (Cx){asinh(s1.re * s2.re + s1.im * s2.im), 2.0 * atan2(s1.im, s2.re)};
}

static Cx c_atanh(Cx z, bool *domain) {
  *domain = false;
  if (!cx_finite(z)) return from_c99(catanh(to_c99(z)));
  if (z.re < 0.0) {
    Cx r = c_atanh((Cx){-z.re, -z.im}, domain);
    return (Cx){-r.re, -r.im};
  }
  double ay = fabs(z.im);
  if (z.re == 1.0 && ay == 0.0) {
    *domain = true;
    return (Cx){INFINITY, z.im};
  }
  return (Cx){log1p(4.0 * z.re / ((1 - z.re) * (1 - z.re) + ay * ay)) / 4.0,
              -atan2(-2.0 * z.im, (1 - z.re) * (1 + z.re) - ay * ay) / 2.0};
}

/* ---- the module's natives --------------------------------------------------------------- */

#define UNARY(name, expr) \
  static Value cm_##name(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)argc, (void)kw; \
    Cx z; \
    if (!arg(vm, args[0], &z)) return EXC_VAL; \
    return cx_val(vm, expr); \
  }

UNARY(sqrt, c_sqrt(z))
UNARY(sinh, c_sinh(z))
UNARY(cosh, c_cosh(z))
UNARY(tanh, c_tanh(z))
UNARY(sin, rot_out(c_sinh(rot_in(z))))
UNARY(cos, c_cosh(rot_in(z)))
UNARY(tan, rot_out(c_tanh(rot_in(z))))
UNARY(asinh, c_asinh(z))
UNARY(asin, rot_out(c_asinh(rot_in(z))))
UNARY(acos, c_acos(z))
UNARY(acosh, c_acosh(z))

static Value cm_atanh(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx z;
  bool dom;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  Cx r = c_atanh(z, &dom);
  return dom ? domain_error(vm) : cx_val(vm, r);
}

static Value cm_atan(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx z;
  bool dom;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  Cx r = c_atanh(rot_in(z), &dom);
  return dom ? domain_error(vm) : cx_val(vm, rot_out(r));
}

static Value cm_exp(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx z;
  bool over;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  Cx r = c_exp(z, &over);
  if (over && cx_finite(z)) return asy_raise(vm, vm->exc.OverflowError, "math range error");
  return cx_val(vm, r);
}

static Value cm_log(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  Cx z, b;
  bool dom;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  Cx r = c_log(z, &dom);
  if (dom) return domain_error(vm);
  if (argc > 1) {
    if (!arg(vm, args[1], &b)) return EXC_VAL;
    Cx lb = c_log(b, &dom);
    if (dom) return domain_error(vm);
    /* r / lb by complex division (complex.__truediv__'s algorithm). */
    Value q = asy_binary_op(vm, BINOP_TRUE_DIVIDE, cx_val(vm, r), cx_val(vm, lb));
    if (IS_EXC(q)) { /* a zero log of the base: CPython reports the domain */
      asy_clear_pending(vm);
      return domain_error(vm);
    }
    return q;
  }
  return cx_val(vm, r);
}

static Value cm_log10(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx z;
  bool dom;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  Cx r = c_log(z, &dom);
  if (dom) return domain_error(vm);
  return cx_val(vm, (Cx){r.re / M_LN10, r.im / M_LN10});
}

static Value cm_phase(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx z;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  return FLOAT_VAL(atan2(z.im, z.re));
}

static Value cm_polar(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx z;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  double r;
  if (isinf(z.re) || isinf(z.im)) r = INFINITY;
  else if (isnan(z.re) || isnan(z.im)) r = NAN;
  else r = hypot(z.re, z.im);
  if (isinf(r) && cx_finite(z)) return asy_raise(vm, vm->exc.OverflowError, "math range error");
  Value items[2] = {FLOAT_VAL(r), FLOAT_VAL(atan2(z.im, z.re))};
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

static Value cm_rect(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  double r, phi;
  if (!asy_std_to_double(vm, args[0], &r) || !asy_std_to_double(vm, args[1], &phi)) return EXC_VAL;
  if (isfinite(r) && isfinite(phi)) {
    if (phi == 0.0) return cx_val(vm, (Cx){r, r * phi}); /* keeps the sign of a zero */
    return cx_val(vm, (Cx){r * cos(phi), r * sin(phi)});
  }
  if (isinf(r) && isfinite(phi) && phi != 0.0) {
    double re = r > 0 ? copysign(INFINITY, cos(phi)) : -copysign(INFINITY, cos(phi));
    double im = r > 0 ? copysign(INFINITY, sin(phi)) : -copysign(INFINITY, sin(phi));
    return cx_val(vm, (Cx){re, im});
  }
  if (isinf(phi) && !isnan(r) && r != 0.0) return domain_error(vm);
  return cx_val(vm, from_c99(r * cexp(CMPLX(0.0, phi))));
}

static Value cm_isfinite(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx z;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  return BOOL_VAL(cx_finite(z));
}

static Value cm_isinf(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx z;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  return BOOL_VAL(isinf(z.re) || isinf(z.im));
}

static Value cm_isnan(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx z;
  if (!arg(vm, args[0], &z)) return EXC_VAL;
  return BOOL_VAL(isnan(z.re) || isnan(z.im));
}

static Value cm_isclose(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"a", "b", "rel_tol", "abs_tol"};
  Value a[4];
  if (argc > 2) /* the tolerances are keyword-only */
    return asy_raise(vm, vm->exc.TypeError,
                     "isclose() takes exactly 2 positional arguments (%d given)", argc);
  if (!asy_kwargs(vm, "isclose", argc, args, kw, names, 4, 2, 2, a)) return EXC_VAL;
  Cx x, y;
  double rel = 1e-09, abs_tol = 0.0;
  if (!arg(vm, a[0], &x) || !arg(vm, a[1], &y)) return EXC_VAL;
  if (!IS_UNDEF(a[2]) && !asy_std_to_double(vm, a[2], &rel)) return EXC_VAL;
  if (!IS_UNDEF(a[3]) && !asy_std_to_double(vm, a[3], &abs_tol)) return EXC_VAL;
  if (rel < 0.0 || abs_tol < 0.0)
    return asy_raise(vm, vm->exc.ValueError, "tolerances must be non-negative");
  if (x.re == y.re && x.im == y.im) return BOOL_VAL(true);
  if (isinf(x.re) || isinf(x.im) || isinf(y.re) || isinf(y.im)) return BOOL_VAL(false);
  double diff = hypot(x.re - y.re, x.im - y.im);
  double ax = hypot(x.re, x.im), ay = hypot(y.re, y.im);
  return BOOL_VAL((diff <= rel * ay) || (diff <= rel * ax) || (diff <= abs_tol));
}

/* clang-format off */
#define A ASY_ARGS_AUTO
static const AsyMethodDef cmath_functions[] = {
  {"cmath.sqrt", cm_sqrt, 1, 1, A}, {"cmath.exp", cm_exp, 1, 1, A},
  {"cmath.log", cm_log, 1, 2, A}, {"cmath.log10", cm_log10, 1, 1, A},
  {"cmath.phase", cm_phase, 1, 1, A}, {"cmath.polar", cm_polar, 1, 1, A},
  {"cmath.rect", cm_rect, 2, 2, A},
  {"cmath.sin", cm_sin, 1, 1, A}, {"cmath.cos", cm_cos, 1, 1, A}, {"cmath.tan", cm_tan, 1, 1, A},
  {"cmath.asin", cm_asin, 1, 1, A}, {"cmath.acos", cm_acos, 1, 1, A},
  {"cmath.atan", cm_atan, 1, 1, A},
  {"cmath.sinh", cm_sinh, 1, 1, A}, {"cmath.cosh", cm_cosh, 1, 1, A},
  {"cmath.tanh", cm_tanh, 1, 1, A},
  {"cmath.asinh", cm_asinh, 1, 1, A}, {"cmath.acosh", cm_acosh, 1, 1, A},
  {"cmath.atanh", cm_atanh, 1, 1, A},
  {"cmath.isfinite", cm_isfinite, 1, 1, A}, {"cmath.isinf", cm_isinf, 1, 1, A},
  {"cmath.isnan", cm_isnan, 1, 1, A},
  {"cmath.isclose", cm_isclose, ASY_UNCHECKED},
  {0},
};
#undef A
/* clang-format on */

Value asy_mod_cmath_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjDict *d = AS_MODULE(args[0])->dict;
  asy_def_natives(vm, NULL, d, cmath_functions);
  asy_def_value(vm, d, "pi", FLOAT_VAL(M_PI));
  asy_def_value(vm, d, "e", FLOAT_VAL(M_E));
  asy_def_value(vm, d, "tau", FLOAT_VAL(2 * M_PI));
  asy_def_value(vm, d, "inf", FLOAT_VAL(INFINITY));
  asy_def_value(vm, d, "nan", FLOAT_VAL(NAN));
  asy_def_value(vm, d, "infj", asy_complex_new(vm, 0.0, INFINITY));
  asy_def_value(vm, d, "nanj", asy_complex_new(vm, 0.0, NAN));
  return NONE_VAL;
}
