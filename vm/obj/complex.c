/*
** complex.c — Python's complex numbers (see complex.h).
*/
#include "vm/obj/complex.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/dtoa.h"
#include "vm/opcodes.h"

typedef struct {
  double re, im;
} Cx;

static void install_methods(VM *vm);

Value asy_complex_new(VM *vm, double re, double im) {
  /* The methods come with the first complex value: start-up only pays for __new__. */
  if (vm->types.complex->dict->count < 2) install_methods(vm);
  ObjNativeData *nd =
      (ObjNativeData *)asy_alloc_obj(vm, sizeof(ObjNativeData), OBJ_NATIVE_DATA, vm->types.complex);
  Cx *c = malloc(sizeof *c);
  if (!c) {
    fputs("asy: out of memory\n", stderr);
    abort();
  }
  c->re = re;
  c->im = im;
  nd->data = c;
  nd->finalize = free;
  return OBJ_VAL(nd);
}

bool asy_is_complex(VM *vm, Value v) {
  return IS_OBJ_TYPE(v, OBJ_NATIVE_DATA) && asy_is_subclass(AS_OBJ(v)->cls, vm->types.complex);
}

void asy_complex_parts(Value v, double *re, double *im) {
  Cx *c = ((ObjNativeData *)AS_OBJ(v))->data;
  *re = c->re;
  *im = c->im;
}

static Cx cx_of(Value v) {
  Cx c;
  asy_complex_parts(v, &c.re, &c.im);
  return c;
}

/* An operand as complex: complex, int (exactly as float(int)) or float. 1 ok, 0 not a
** number (NotImplemented), -1 error pending (an int too large for a float). */
static int operand(VM *vm, Value v, Cx *out) {
  if (asy_is_complex(vm, v)) {
    *out = cx_of(v);
    return 1;
  }
  if (IS_FLOAT(v)) {
    *out = (Cx){AS_FLOAT(v), 0.0};
    return 1;
  }
  if (asy_is_int(v)) {
    double d;
    if (!asy_int_to_double(vm, v, &d)) return -1;
    *out = (Cx){d, 0.0};
    return 1;
  }
  return 0;
}

static Value mk(VM *vm, Cx c) { return asy_complex_new(vm, c.re, c.im); }

/* ---- arithmetic, as CPython's _Py_c_* ------------------------------------------------- */

static Cx c_prod(Cx a, Cx b) { return (Cx){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }

/* Smith's algorithm; *zero set on division by zero. */
static Cx c_quot(Cx a, Cx b, bool *zero) {
  double abs_br = fabs(b.re), abs_bi = fabs(b.im);
  Cx r;
  *zero = false;
  if (abs_br >= abs_bi) {
    if (abs_br == 0.0) {
      *zero = true;
      return (Cx){0.0, 0.0};
    }
    double ratio = b.im / b.re, denom = b.re + b.im * ratio;
    r.re = (a.re + a.im * ratio) / denom;
    r.im = (a.im - a.re * ratio) / denom;
  } else if (abs_bi >= abs_br) {
    double ratio = b.re / b.im, denom = b.re * ratio + b.im;
    r.re = (a.re * ratio + a.im) / denom;
    r.im = (a.im * ratio - a.re) / denom;
  } else {
    r.re = r.im = NAN; /* a NaN in b */
  }
  return r;
}

/* 0 ok, 1 zero to a negative or complex power, 2 overflow. */
static int c_pow(Cx a, Cx b, Cx *out) {
  if (b.re == 0.0 && b.im == 0.0) {
    *out = (Cx){1.0, 0.0};
    return 0;
  }
  if (a.re == 0.0 && a.im == 0.0) {
    *out = (Cx){0.0, 0.0};
    return (b.im != 0.0 || b.re < 0.0) ? 1 : 0;
  }
  double vabs = hypot(a.re, a.im);
  double len = pow(vabs, b.re);
  double at = atan2(a.im, a.re);
  double phase = at * b.re;
  if (b.im != 0.0) {
    len /= exp(at * b.im);
    phase += b.im * log(vabs);
  }
  out->re = len * cos(phase);
  out->im = len * sin(phase);
  return (isinf(out->re) || isinf(out->im)) && isfinite(vabs) ? 2 : 0;
}

static Cx c_powu(Cx x, long n) {
  Cx r = {1.0, 0.0}, p = x;
  long mask = 1;
  while (mask > 0 && n >= mask) {
    if (n & mask) r = c_prod(r, p);
    mask <<= 1;
    p = c_prod(p, p);
  }
  return r;
}

Value asy_complex_pow(VM *vm, double xr, double xi, double yr, double yi) {
  Cx a = {xr, xi}, b = {yr, yi}, p;
  if (b.im == 0.0 && b.re == floor(b.re) && fabs(b.re) <= 100.0) {
    long n = (long)b.re;
    if (n >= 0) {
      p = c_powu(a, n);
    } else {
      bool zero;
      p = c_quot((Cx){1.0, 0.0}, c_powu(a, -n), &zero);
      if (zero)
        return asy_raise(vm, vm->exc.ZeroDivisionError, "0.0 to a negative or complex power");
    }
  } else {
    int e = c_pow(a, b, &p);
    if (e == 1)
      return asy_raise(vm, vm->exc.ZeroDivisionError, "0.0 to a negative or complex power");
    if (e == 2) return asy_raise(vm, vm->exc.OverflowError, "complex exponentiation");
  }
  return mk(vm, p);
}

/* The binary operators: self is args[0]; reflected ones swap the operands. */
static Value binary(VM *vm, Value *args, int op, bool reflected) {
  Cx a, b;
  if (!asy_is_complex(vm, args[0])) return vm->notimplemented;
  a = cx_of(args[0]);
  int k = operand(vm, args[1], &b);
  if (k < 0) return EXC_VAL;
  if (k == 0) return vm->notimplemented;
  if (reflected) {
    Cx t = a;
    a = b;
    b = t;
  }
  switch (op) {
  case BINOP_ADD: return mk(vm, (Cx){a.re + b.re, a.im + b.im});
  case BINOP_SUBTRACT: return mk(vm, (Cx){a.re - b.re, a.im - b.im});
  case BINOP_MULTIPLY: return mk(vm, c_prod(a, b));
  case BINOP_TRUE_DIVIDE: {
    bool zero;
    Cx r = c_quot(a, b, &zero);
    if (zero) return asy_raise(vm, vm->exc.ZeroDivisionError, "complex division by zero");
    return mk(vm, r);
  }
  case BINOP_POWER: return asy_complex_pow(vm, a.re, a.im, b.re, b.im);
  default: return vm->notimplemented;
  }
}

#define BIN(name, op) \
  static Value cx_##name(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)argc, (void)kw; \
    return binary(vm, args, op, false); \
  } \
  static Value cx_r##name(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)argc, (void)kw; \
    return binary(vm, args, op, true); \
  }

BIN(add, BINOP_ADD)
BIN(sub, BINOP_SUBTRACT)
BIN(mul, BINOP_MULTIPLY)
BIN(truediv, BINOP_TRUE_DIVIDE)

static Value cx_pow(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc > 2 && !IS_NONE(args[2])) return asy_raise(vm, vm->exc.ValueError, "complex modulo");
  return binary(vm, args, BINOP_POWER, false);
}

static Value cx_rpow(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc > 2 && !IS_NONE(args[2])) return asy_raise(vm, vm->exc.ValueError, "complex modulo");
  return binary(vm, args, BINOP_POWER, true);
}

static Value cx_neg(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx a = cx_of(args[0]);
  return mk(vm, (Cx){-a.re, -a.im});
}

static Value cx_pos(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx a = cx_of(args[0]);
  return mk(vm, a);
}

static Value cx_abs(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx a = cx_of(args[0]);
  if (isinf(a.re) || isinf(a.im)) return FLOAT_VAL(INFINITY);
  if (isnan(a.re) || isnan(a.im)) return FLOAT_VAL(NAN);
  double r = hypot(a.re, a.im);
  if (isinf(r)) return asy_raise(vm, vm->exc.OverflowError, "absolute value too large");
  return FLOAT_VAL(r);
}

static Value cx_bool(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)vm, (void)argc, (void)kw;
  Cx a = cx_of(args[0]);
  return BOOL_VAL(a.re != 0.0 || a.im != 0.0);
}

static Value cx_conjugate(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx a = cx_of(args[0]);
  return mk(vm, (Cx){a.re, -a.im});
}

static Value cx_real(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)vm, (void)argc, (void)kw;
  return FLOAT_VAL(cx_of(args[0]).re);
}

static Value cx_imag(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)vm, (void)argc, (void)kw;
  return FLOAT_VAL(cx_of(args[0]).im);
}

static Value cx_complex(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  if (AS_OBJ(args[0])->cls == vm->types.complex) return args[0];
  return mk(vm, cx_of(args[0]));
}

static Value cx_getnewargs(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx a = cx_of(args[0]);
  Value items[2] = {FLOAT_VAL(a.re), FLOAT_VAL(a.im)};
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

/* ---- comparisons and hash ---------------------------------------------------------------- */

static Value equal(VM *vm, Value *args, bool ne) {
  Cx a = cx_of(args[0]);
  Value o = args[1];
  if (asy_is_complex(vm, o)) {
    Cx b = cx_of(o);
    bool eq = a.re == b.re && a.im == b.im;
    return BOOL_VAL(eq != ne);
  }
  if (IS_FLOAT(o) || asy_is_int(o)) {
    if (a.im != 0.0) return BOOL_VAL(ne);
    /* The real part against an int exactly, as float == int does. */
    return asy_compare(vm, ne ? CMP_NE : CMP_EQ, FLOAT_VAL(a.re), o);
  }
  return vm->notimplemented;
}

static Value cx_eq(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  return equal(vm, args, false);
}

static Value cx_ne(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  return equal(vm, args, true);
}

static Value cx_order(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw, (void)args;
  return vm->notimplemented;
}

static Value cx_hash(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx a = cx_of(args[0]);
  int64_t hr, hi;
  if (!asy_hash(vm, FLOAT_VAL(a.re), &hr) || !asy_hash(vm, FLOAT_VAL(a.im), &hi)) return EXC_VAL;
  uint64_t combined = (uint64_t)hr + 1000003u * (uint64_t)hi;
  int64_t h = (int64_t)combined;
  if (h == -1) h = -2;
  return INT_VAL(h);
}

/* ---- repr and format ------------------------------------------------------------------------ */

/* repr(x) without the '.0' CPython's complex repr leaves off integral parts. */
static void part_repr(double x, char buf[48]) {
  asy_float_repr(x, buf);
  size_t n = strlen(buf);
  if (n > 2 && buf[n - 2] == '.' && buf[n - 1] == '0') buf[n - 2] = 0;
}

static Value cx_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Cx a = cx_of(args[0]);
  char re[48], im[48];
  part_repr(a.im, im);
  if (a.re == 0.0 && !signbit(a.re)) return OBJ_VAL(asy_str_printf(vm, "%sj", im));
  part_repr(a.re, re);
  const char *sign = (im[0] == '-') ? "" : "+";
  return OBJ_VAL(asy_str_printf(vm, "(%s%s%sj)", re, sign, im));
}

static Value cx_format(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "format() argument 2 must be str, not %s",
                     asy_type_name(vm, args[1]));
  ObjStr *spec = AS_STR(args[1]);
  if (spec->size == 0) return cx_repr(vm, 1, args, NULL);
  char last = spec->chars[spec->size - 1];
  if (!strchr("eEfFgG%", last)) {
    /* Alignment and width only: the repr, padded as a string, right-aligned by default
    ** as numbers are. */
    Value r = cx_repr(vm, 1, args, NULL);
    if (IS_EXC(r)) return r;
    const char *p = spec->chars;
    bool aligned = strchr("<>^=", p[0]) || (p[0] && strchr("<>^=", p[1]));
    if (!aligned) spec = asy_str_printf(vm, ">%s", p);
    return asy_format(vm, r, spec);
  }
  /* With a float type: each part formatted, the imaginary one always signed, no parens. */
  Cx a = cx_of(args[0]);
  Value re = asy_format(vm, FLOAT_VAL(a.re), spec);
  if (IS_EXC(re)) return re;
  ObjStr *imspec = asy_str_printf(vm, "+%s", spec->chars);
  const char *s = spec->chars;
  if (*s == '+' || *s == '-' || *s == ' ') imspec = asy_str_printf(vm, "+%s", s + 1);
  Value im = asy_format(vm, FLOAT_VAL(a.im), imspec);
  if (IS_EXC(im)) return im;
  return OBJ_VAL(asy_str_printf(vm, "%s%sj", AS_STR(re)->chars, AS_STR(im)->chars));
}

/* ---- the constructor -------------------------------------------------------------------- */

/* Parse CPython's complex literal syntax: optional parentheses and spaces around
** "real", "imagj", "real+imagj", with "j" alone meaning 1j. */
static bool parse_complex(const char *s, size_t n, Cx *out) {
  const char *end = s + n;
  while (s < end && isspace((unsigned char)*s)) s++;
  while (end > s && isspace((unsigned char)end[-1])) end--;
  if (s < end && *s == '(') {
    if (end[-1] != ')') return false;
    s++, end--;
    while (s < end && isspace((unsigned char)*s)) s++;
    while (end > s && isspace((unsigned char)end[-1])) end--;
  }
  if (s >= end) return false;
  char buf[512];
  size_t len = (size_t)(end - s);
  if (len >= sizeof buf) return false;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '_' || isspace((unsigned char)s[i])) return false;
    buf[i] = s[i];
  }
  buf[len] = 0;
  char *p = buf, *q;
  double x = 0, y = 0;
  errno = 0;
  double first = strtod(p, &q);
  if (q == p) {
    /* "j", "+j", "-j" */
    if ((*p == '+' || *p == '-') && (p[1] == 'j' || p[1] == 'J') && p[2] == 0) {
      *out = (Cx){0.0, *p == '-' ? -1.0 : 1.0};
      return true;
    }
    if ((*p == 'j' || *p == 'J') && p[1] == 0) {
      *out = (Cx){0.0, 1.0};
      return true;
    }
    return false;
  }
  if (*q == 0) {
    *out = (Cx){first, 0.0};
    return true;
  }
  if ((*q == 'j' || *q == 'J') && q[1] == 0) {
    *out = (Cx){0.0, first};
    return true;
  }
  if (*q != '+' && *q != '-') return false;
  x = first;
  p = q;
  double second = strtod(p, &q);
  if (q == p) {
    if ((p[1] == 'j' || p[1] == 'J') && p[2] == 0) {
      *out = (Cx){x, *p == '-' ? -1.0 : 1.0};
      return true;
    }
    return false;
  }
  if (!((*q == 'j' || *q == 'J') && q[1] == 0)) return false;
  y = second;
  *out = (Cx){x, y};
  return true;
}

/* A number argument as complex: complex, float, int, or __complex__/__float__/__index__.
** 1 ok, 0 not a number, -1 error pending. */
static int number_arg(VM *vm, Value v, Cx *out, bool *was_complex) {
  *was_complex = false;
  int k = operand(vm, v, out);
  if (k != 0) {
    *was_complex = k > 0 && asy_is_complex(vm, v);
    return k;
  }
  if (!IS_OBJ(v)) return 0;
  ObjStr *names[3] = {asy_str_cstr(vm, "__complex__"), vm->names.float_, vm->names.index};
  for (int i = 0; i < 3; i++) {
    Value m = asy_class_lookup(AS_OBJ(v)->cls, names[i]);
    if (IS_UNDEF(m)) continue;
    Value r = asy_call_method(vm, v, names[i], 0, NULL);
    if (IS_EXC(r)) return -1;
    if (i == 0) {
      if (!asy_is_complex(vm, r)) {
        asy_raise(vm, vm->exc.TypeError, "__complex__ returned non-complex (type %s)",
                  asy_type_name(vm, r));
        return -1;
      }
      *was_complex = true;
    }
    k = operand(vm, r, out);
    return k == 0 ? (asy_raise(vm, vm->exc.TypeError, "bad number"), -1) : k;
  }
  return 0;
}

static Value cx_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"real", "imag"};
  Value a[2];
  ObjClass *cls = AS_CLASS(args[0]);
  if (!asy_kwargs(vm, "complex", argc - 1, args + 1, kw, names, 2, 0, 0, a)) return EXC_VAL;
  Cx r = {0.0, 0.0}, i = {0.0, 0.0};
  bool rc = false, ic = false;
  if (!IS_UNDEF(a[0])) {
    if (IS_STR(a[0])) {
      if (!IS_UNDEF(a[1]))
        return asy_raise(vm, vm->exc.TypeError,
                         "complex() can't take second arg if first is a string");
      if (!parse_complex(AS_STR(a[0])->chars, AS_STR(a[0])->size, &r))
        return asy_raise(vm, vm->exc.ValueError, "complex() arg is a malformed string");
      Value out = asy_complex_new(vm, r.re, r.im);
      AS_OBJ(out)->cls = cls;
      return out;
    }
    int k = number_arg(vm, a[0], &r, &rc);
    if (k < 0) return EXC_VAL;
    if (k == 0)
      return asy_raise(vm, vm->exc.TypeError,
                       "complex() first argument must be a string or a number, not '%s'",
                       asy_type_name(vm, a[0]));
    if (rc && IS_UNDEF(a[1]) && cls == vm->types.complex && asy_is_complex(vm, a[0]) &&
        AS_OBJ(a[0])->cls == cls)
      return a[0];
  }
  if (!IS_UNDEF(a[1])) {
    if (IS_STR(a[1]))
      return asy_raise(vm, vm->exc.TypeError, "complex() second arg can't be a string");
    int k = number_arg(vm, a[1], &i, &ic);
    if (k < 0) return EXC_VAL;
    if (k == 0)
      return asy_raise(vm, vm->exc.TypeError,
                       "complex() second argument must be a number, not '%s'",
                       asy_type_name(vm, a[1]));
  }
  /* real + imag*j, where a complex part's other half folds in only when it is complex
  ** (so complex(0, -0.0) keeps its negative zero imaginary part, as CPython). */
  double re = ic ? r.re - i.im : r.re;
  double im = IS_UNDEF(a[1]) ? r.im : (rc ? i.re + r.im : i.re);
  Value out = asy_complex_new(vm, re, im);
  AS_OBJ(out)->cls = cls;
  return out;
}

/* clang-format off */
#define S ASY_ARGS_SLOT
#define A ASY_ARGS_AUTO
static const AsyMethodDef complex_ctor[] = {
  {"__new__", cx_new, ASY_UNCHECKED | ASY_DEF_STATIC},
  {0},
};
static const AsyMethodDef complex_methods[] = {
  {"__repr__", cx_repr, 0, 0, S}, {"__str__", cx_repr, 0, 0, S}, {"__hash__", cx_hash, 0, 0, S},
  {"__format__", cx_format, 1, 1, A},
  {"__eq__", cx_eq, 1, 1, S}, {"__ne__", cx_ne, 1, 1, S},
  {"__lt__", cx_order, 1, 1, S}, {"__le__", cx_order, 1, 1, S},
  {"__gt__", cx_order, 1, 1, S}, {"__ge__", cx_order, 1, 1, S},
  {"__add__", cx_add, 1, 1, S}, {"__radd__", cx_radd, 1, 1, S},
  {"__sub__", cx_sub, 1, 1, S}, {"__rsub__", cx_rsub, 1, 1, S},
  {"__mul__", cx_mul, 1, 1, S}, {"__rmul__", cx_rmul, 1, 1, S},
  {"__truediv__", cx_truediv, 1, 1, S}, {"__rtruediv__", cx_rtruediv, 1, 1, S},
  {"__pow__", cx_pow, 1, 2, S}, {"__rpow__", cx_rpow, 1, 2, S},
  {"__neg__", cx_neg, 0, 0, S}, {"__pos__", cx_pos, 0, 0, S}, {"__abs__", cx_abs, 0, 0, S},
  {"__bool__", cx_bool, 0, 0, S},
  {"conjugate", cx_conjugate, 0, 0, A}, {"__complex__", cx_complex, 0, 0, A},
  {"__getnewargs__", cx_getnewargs, 0, 0, A},
  {"real", cx_real, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"imag", cx_imag, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {0},
};
#undef S
#undef A
/* clang-format on */

static void set_layout(VM *vm) {
  ObjClass *c = vm->types.complex;
  c->layout = OBJ_NATIVE_DATA;
  /* Reached through its methods, as deque: the protocol's C fast paths do not know it. */
  c->flags &= ~CLASS_BUILTIN;
}

static void install_methods(VM *vm) {
  set_layout(vm);
  asy_def_natives(vm, vm->types.complex, NULL, complex_methods);
}

void asy_complex_init(VM *vm, ObjDict *builtins) {
  set_layout(vm);
  /* Only the constructor now (it makes the first value, which brings the rest). */
  asy_def_natives(vm, vm->types.complex, NULL, complex_ctor);
  asy_def_value(vm, builtins, "complex", OBJ_VAL(vm->types.complex));
}
