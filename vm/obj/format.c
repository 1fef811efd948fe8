/*
** format.c — the format-spec mini-language (format(), f-strings, str.format) and
** printf-style `%` formatting, reimplementing CPython 3.13's rules and messages
** (Python/formatter_unicode.c, Objects/stringlib/unicode_format.h, PyUnicode_Format).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/bytes.h" /* asy_bytes_dunder */
#include "vm/obj/dtoa.h"
#include "vm/obj/format.h"
#include "vm/obj/protocol.h"
#include "vm/obj/number.h"

/* ---- parsing a format spec ------------------------------------------------------------ */

typedef struct {
  uint32_t fill;
  char align;    /* '<' '>' '^' '=' or 0 when not given */
  char sign;     /* '+' '-' ' ' or 0 */
  bool no_neg_0; /* 'z' */
  bool alt;      /* '#' */
  bool fill_given;
  int64_t width;     /* -1 when not given */
  char grouping;     /* ',' '_' or 0 */
  int64_t precision; /* -1 when not given */
  uint32_t type;     /* presentation type (a code point), default filled in */
} Spec;

static bool is_align(uint32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

/* Read a run of decimal digits; false + ValueError on overflow. */
static bool read_int(VM *vm, const uint32_t *cp, size_t n, size_t *pos, int64_t *out, bool *any) {
  int64_t v = 0;
  *any = false;
  while (*pos < n && cp[*pos] >= '0' && cp[*pos] <= '9') {
    int d = (int)(cp[*pos] - '0');
    if (v > (INT64_MAX - d) / 10) {
      asy_raise(vm, vm->exc.ValueError, "Too many decimal digits in format string");
      return false;
    }
    v = v * 10 + d;
    (*pos)++;
    *any = true;
  }
  *out = v;
  return true;
}

/* The message form of a presentation type: the character, or \x.. when unprintable. */
static void type_char(uint32_t t, char out[16]) {
  if (t > 32 && t < 128) {
    out[0] = (char)t;
    out[1] = '\0';
  } else {
    snprintf(out, 16, "\\x%x", t);
  }
}

static bool parse_spec(VM *vm, ObjStr *spec_str, uint32_t default_type, char default_align,
                       const char *type_name, Spec *sp) {
  memset(sp, 0, sizeof *sp);
  sp->fill = ' ';
  sp->width = -1;
  sp->precision = -1;
  sp->type = default_type;
  size_t n = spec_str->length;
  uint32_t small[64];
  uint32_t *cp = n <= 64 ? small : malloc(sizeof(uint32_t) * n);
  if (!cp) abort();
  for (size_t i = 0, off = 0; i < n; i++) {
    size_t adv;
    cp[i] = asy_utf8_decode(spec_str->chars + off, spec_str->size - off, &adv);
    off += adv;
  }
  bool ok = false;
  size_t pos = 0;
  bool any;
  if (n >= 2 && is_align(cp[1])) {
    sp->fill = cp[0];
    sp->fill_given = true;
    sp->align = (char)cp[1];
    pos = 2;
  } else if (n >= 1 && is_align(cp[0])) {
    sp->align = (char)cp[0];
    pos = 1;
  }
  if (pos < n && (cp[pos] == '+' || cp[pos] == '-' || cp[pos] == ' ')) sp->sign = (char)cp[pos++];
  if (pos < n && cp[pos] == 'z') {
    sp->no_neg_0 = true;
    pos++;
  }
  if (pos < n && cp[pos] == '#') {
    sp->alt = true;
    pos++;
  }
  if (!sp->fill_given && pos < n && cp[pos] == '0') {
    /* '0' before the width: zero fill, sign-aware for numbers (default align '>'). */
    sp->fill = '0';
    if (!sp->align && default_align == '>') sp->align = '=';
    pos++;
  }
  int64_t w;
  if (!read_int(vm, cp, n, &pos, &w, &any)) goto out;
  if (any) sp->width = w;
  if (pos < n && cp[pos] == ',') {
    sp->grouping = ',';
    pos++;
  }
  if (pos < n && cp[pos] == '_') {
    if (sp->grouping) {
      asy_raise(vm, vm->exc.ValueError, "Cannot specify both ',' and '_'.");
      goto out;
    }
    sp->grouping = '_';
    pos++;
  }
  if (pos < n && cp[pos] == ',' && sp->grouping == '_') {
    asy_raise(vm, vm->exc.ValueError, "Cannot specify both ',' and '_'.");
    goto out;
  }
  if (pos < n && cp[pos] == '.') {
    pos++;
    int64_t p;
    if (!read_int(vm, cp, n, &pos, &p, &any)) goto out;
    if (!any) {
      asy_raise(vm, vm->exc.ValueError, "Format specifier missing precision");
      goto out;
    }
    sp->precision = p;
  }
  if (n - pos > 1) {
    asy_raise(vm, vm->exc.ValueError, "Invalid format specifier '%s' for object of type '%s'",
              spec_str->chars, type_name);
    goto out;
  }
  if (n - pos == 1) sp->type = cp[pos];
  if (sp->grouping) {
    uint32_t t = sp->type;
    bool allowed = t == 'd' || t == 'e' || t == 'f' || t == 'g' || t == 'E' || t == 'G' ||
                   t == '%' || t == 'F' || t == 0;
    if (sp->grouping == '_' && (t == 'b' || t == 'o' || t == 'x' || t == 'X')) allowed = true;
    if (!allowed) {
      char tc[16];
      type_char(t, tc);
      asy_raise_fmt(vm, vm->exc.ValueError, "Cannot specify '%c' with '%s'.", sp->grouping, tc);
      goto out;
    }
  }
  ok = true;
out:
  if (cp != small) free(cp);
  return ok;
}

/* ---- laying out a formatted number or string ------------------------------------------ */

/* Group `digits` from the right with `sep` every `size` digits; with min_width > 0 the
** result is zero-padded (inside the grouping) to at least that many characters, as
** CPython's _PyUnicode_InsertThousandsGrouping. */
static void group_digits(AsyBuf *out, const char *digits, size_t nd, char sep, int size,
                         int64_t min_width) {
  /* Build right to left into a temporary buffer, then reverse. */
  AsyBuf rev;
  asy_buf_init(&rev, out->vm);
  int64_t remaining = (int64_t)nd;
  bool use_sep = false;
  for (;;) {
    int64_t l = remaining > min_width ? remaining : min_width;
    if (l < 1) l = 1;
    if (l > size) l = size;
    int64_t n_chars = remaining < l ? remaining : l;
    if (n_chars < 0) n_chars = 0;
    int64_t n_zeros = l - n_chars;
    if (use_sep) asy_buf_putc(&rev, sep);
    for (int64_t i = 0; i < n_chars; i++) asy_buf_putc(&rev, digits[remaining - 1 - i]);
    for (int64_t i = 0; i < n_zeros; i++) asy_buf_putc(&rev, '0');
    use_sep = true;
    remaining -= n_chars;
    min_width -= size;
    if (remaining <= 0 && min_width <= 0) break;
    min_width -= 1;
  }
  for (size_t i = rev.len; i > 0; i--) asy_buf_putc(out, rev.data[i - 1]);
  asy_buf_free(&rev);
}

static void put_fill(AsyBuf *b, uint32_t fill, int64_t n) {
  char enc[4];
  size_t k = asy_utf8_encode(fill, enc);
  for (int64_t i = 0; i < n; i++) asy_buf_put(b, enc, k);
}

/* Pad `prefix` + `body` (UTF-8) to the spec's width. '=' puts the fill between them. */
static ObjStr *pad_result(VM *vm, const char *prefix, size_t plen, const char *body, size_t blen,
                          const Spec *sp, char default_align) {
  if (sp->width > (int64_t)(ASY_STR_MAX / 4)) {
    asy_memory_error(vm);
    return NULL;
  }
  size_t len = asy_utf8_length(prefix, plen) + asy_utf8_length(body, blen);
  AsyBuf b;
  asy_buf_init(&b, vm);
  int64_t pad = sp->width > (int64_t)len ? sp->width - (int64_t)len : 0;
  char align = sp->align ? sp->align : default_align;
  int64_t left = 0, right = 0;
  if (align == '<') right = pad;
  else if (align == '^') {
    left = pad / 2;
    right = pad - left;
  } else if (align == '>') left = pad;
  if (align == '=') {
    asy_buf_put(&b, prefix, plen);
    put_fill(&b, sp->fill, pad);
    asy_buf_put(&b, body, blen);
  } else {
    put_fill(&b, sp->fill, left);
    asy_buf_put(&b, prefix, plen);
    asy_buf_put(&b, body, blen);
    put_fill(&b, sp->fill, right);
  }
  return asy_buf_to_str(&b);
}

/* Finish a number: sign + prefix, digits (grouped / zero-padded), then the rest. */
static ObjStr *finish_number(VM *vm, bool negative, const char *prefix, const char *digits,
                             size_t nd, const char *rest, const Spec *sp, int group_size) {
  char head[8];
  size_t hl = 0;
  if (negative) head[hl++] = '-';
  else if (sp->sign == '+') head[hl++] = '+';
  else if (sp->sign == ' ') head[hl++] = ' ';
  size_t pl = strlen(prefix);
  memcpy(head + hl, prefix, pl);
  hl += pl;
  AsyBuf body;
  asy_buf_init(&body, vm);
  bool zero_pad = sp->fill == '0' && sp->align == '=';
  if (sp->grouping && nd > 0) {
    int64_t min_width = 0;
    if (zero_pad && sp->width > 0)
      min_width = sp->width - (int64_t)hl - (int64_t)asy_utf8_length(rest, strlen(rest));
    group_digits(&body, digits, nd, sp->grouping, group_size, min_width);
  } else {
    asy_buf_put(&body, digits, nd);
  }
  asy_buf_puts(&body, rest);
  ObjStr *r = pad_result(vm, head, hl, body.data ? body.data : "", body.len, sp, '>');
  asy_buf_free(&body);
  return r; /* NULL: MemoryError pending */
}

static Value unknown_code(VM *vm, uint32_t type, Value v) {
  char tc[16];
  type_char(type, tc);
  return asy_raise(vm, vm->exc.ValueError, "Unknown format code '%s' for object of type '%s'", tc,
                   asy_type_name(vm, v));
}

/* ---- float ------------------------------------------------------------------------------- */

static Value format_float_spec(VM *vm, double d, const Spec *in, Value orig) {
  Spec sp = *in;
  uint32_t type = sp.type;
  int flags = 0;
  int64_t precision = sp.precision;
  char dtype;
  bool percent = false;
  switch (type) {
  case 0:
    flags |= ASY_DTSF_ADD_DOT_0;
    dtype = precision < 0 ? 'r' : 'g';
    break;
  case 'e':
  case 'f':
  case 'g': dtype = (char)type; break;
  case 'E':
  case 'F':
  case 'G':
    dtype = (char)(type + 32);
    flags |= ASY_DTSF_UPPER;
    break;
  case 'n': dtype = 'g'; break;
  case '%':
    dtype = 'f';
    percent = true;
    break;
  default: return unknown_code(vm, type, orig);
  }
  if (precision < 0) precision = 6;
  if (precision > 0x7fffffff) return asy_raise(vm, vm->exc.ValueError, "precision too big");
  if (precision > (int64_t)(ASY_STR_MAX / 4)) return asy_memory_error(vm);
  if (sp.alt) flags |= ASY_DTSF_ALT;
  if (percent) d *= 100;
  bool negative = signbit(d) && !isnan(d);
  char *s = asy_dtoa_format(d, dtype, (int)precision, flags);
  if (negative && sp.no_neg_0 && isfinite(d)) {
    /* 'z': a value that rounded to zero loses its sign. */
    bool all_zero = true;
    for (const char *q = s; *q && *q != 'e' && *q != 'E'; q++)
      if (*q >= '1' && *q <= '9') all_zero = false;
    if (all_zero) negative = false;
  }
  /* Split the digits before the point/exponent from the rest, for grouping. */
  size_t nd = 0;
  while (s[nd] >= '0' && s[nd] <= '9') nd++;
  size_t restlen = strlen(s + nd);
  char *rest = malloc(restlen + 2);
  if (!rest) abort();
  memcpy(rest, s + nd, restlen);
  if (percent) rest[restlen++] = '%';
  rest[restlen] = '\0';
  ObjStr *r;
  if (nd == 0) { /* inf / nan: no digits to group */
    Spec plain = sp;
    plain.grouping = 0;
    r = finish_number(vm, negative, "", "", 0, rest, &plain, 3);
  } else {
    r = finish_number(vm, negative, "", s, nd, rest, &sp, 3);
  }
  free(s);
  free(rest);
  return r ? OBJ_VAL(r) : EXC_VAL;
}

Value asy_format_float(VM *vm, double d, ObjStr *spec) {
  if (spec->size == 0) {
    char buf[40];
    asy_float_repr(d, buf);
    return OBJ_VAL(asy_str_cstr(vm, buf));
  }
  Spec sp;
  if (!parse_spec(vm, spec, 0, '>', "float", &sp)) return EXC_VAL;
  return format_float_spec(vm, d, &sp, FLOAT_VAL(d));
}

/* ---- int --------------------------------------------------------------------------------- */

Value asy_format_int(VM *vm, Value v, ObjStr *spec) {
  bool big = IS_BIGINT(v);
  int64_t i = big ? (mpz_sgn(AS_BIGINT(v)->z) < 0 ? -1 : 1) : AS_INTLIKE(v); /* big: the sign */
  if (spec->size == 0) {
    if (IS_BOOL(v)) return OBJ_VAL(asy_str_cstr(vm, AS_BOOL(v) ? "True" : "False"));
    return asy_int_str(vm, v);
  }
  Spec sp;
  if (!parse_spec(vm, spec, 'd', '>', asy_type_name(vm, v), &sp)) return EXC_VAL;
  uint32_t type = sp.type;
  switch (type) {
  case 'e':
  case 'E':
  case 'f':
  case 'F':
  case 'g':
  case 'G':
  case '%': {
    double d;
    if (!asy_int_to_double(vm, v, &d)) return EXC_VAL;
    return format_float_spec(vm, d, &sp, v);
  }
  case 'd':
  case 'n':
  case 'b':
  case 'o':
  case 'x':
  case 'X':
  case 'c': break;
  default: return unknown_code(vm, type, v);
  }
  if (sp.precision >= 0)
    return asy_raise(vm, vm->exc.ValueError, "Precision not allowed in integer format specifier");
  if (sp.no_neg_0)
    return asy_raise(vm, vm->exc.ValueError,
                     "Negative zero coercion (z) not allowed in integer format specifier");
  if (type == 'c') {
    if (sp.sign)
      return asy_raise(vm, vm->exc.ValueError,
                       "Sign not allowed with integer format specifier 'c'");
    if (sp.alt)
      return asy_raise(vm, vm->exc.ValueError,
                       "Alternate form (#) not allowed with integer format specifier 'c'");
    if (big)
      return asy_raise(vm, vm->exc.OverflowError, "Python int too large to convert to C long");
    if (i < 0 || i > 0x10FFFF)
      return asy_raise(vm, vm->exc.OverflowError, "%s", "%c arg not in range(0x110000)");
    char enc[4];
    size_t k = asy_utf8_encode((uint32_t)i, enc);
    ObjStr *r = pad_result(vm, "", 0, enc, k, &sp, '>');
    return r ? OBJ_VAL(r) : EXC_VAL;
  }
  int base = type == 'b' ? 2 : type == 'o' ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
  const char *prefix = "";
  if (sp.alt)
    prefix = base == 2 ? "0b" : base == 8 ? "0o" : base == 16 ? (type == 'X' ? "0X" : "0x") : "";
  if (big) {
    size_t nd;
    bool neg;
    char *p = asy_int_digits_alloc(vm, v, base, type == 'X', &nd, &neg);
    if (!p) return EXC_VAL;
    ObjStr *r = finish_number(vm, neg, prefix, p, nd, "", &sp, base == 10 ? 3 : 4);
    free(p);
    return r ? OBJ_VAL(r) : EXC_VAL;
  }
  char digits[72];
  char *p = asy_int_digits(digits + sizeof digits, i, base, type == 'X');
  size_t nd = (size_t)(digits + sizeof digits - p);
  ObjStr *r = finish_number(vm, i < 0, prefix, p, nd, "", &sp, base == 10 ? 3 : 4);
  return r ? OBJ_VAL(r) : EXC_VAL;
}

/* ---- str --------------------------------------------------------------------------------- */

Value asy_format_str(VM *vm, ObjStr *s, ObjStr *spec) {
  if (spec->size == 0) {
    if (s->obj.cls == vm->types.str) return OBJ_VAL(s);
    return OBJ_VAL(asy_str_new(vm, s->chars, s->size));
  }
  Spec sp;
  if (!parse_spec(vm, spec, 's', '<', "str", &sp)) return EXC_VAL;
  if (sp.type != 's') return unknown_code(vm, sp.type, OBJ_VAL(s));
  if (sp.sign)
    return asy_raise(vm, vm->exc.ValueError, "Sign not allowed in string format specifier");
  if (sp.no_neg_0)
    return asy_raise(vm, vm->exc.ValueError,
                     "Negative zero coercion (z) not allowed in string format specifier");
  if (sp.alt)
    return asy_raise(vm, vm->exc.ValueError,
                     "Alternate form (#) not allowed in string format specifier");
  if (sp.align == '=')
    return asy_raise(vm, vm->exc.ValueError,
                     "'=' alignment not allowed in string format specifier");
  size_t len = s->length;
  if (sp.precision >= 0 && (size_t)sp.precision < len) len = (size_t)sp.precision;
  size_t bytes = asy_str_offset(vm, s, len);
  ObjStr *r = pad_result(vm, "", 0, s->chars, bytes, &sp, '<');
  return r ? OBJ_VAL(r) : EXC_VAL;
}

/* ---- dispatch ------------------------------------------------------------------------------ */

Value asy_object_format(VM *vm, Value v, ObjStr *spec) {
  if (spec->size != 0)
    return asy_raise(vm, vm->exc.TypeError, "unsupported format string passed to %s.__format__",
                     asy_type_name(vm, v));
  return asy_str(vm, v);
}

Value asy_format(VM *vm, Value v, ObjStr *spec) {
  switch (v.tag) {
  case VAL_INT:
  case VAL_BOOL: return asy_format_int(vm, v, spec);
  case VAL_FLOAT: return asy_format_float(vm, AS_FLOAT(v), spec);
  case VAL_NONE: return asy_object_format(vm, v, spec);
  default: break;
  }
  if (IS_BIGINT(v)) return asy_format_int(vm, v, spec);
  if (IS_STR(v) && AS_OBJ(v)->cls == vm->types.str) return asy_format_str(vm, AS_STR(v), spec);
  if (IS_OBJ(v)) {
    ObjClass *cls = asy_class_of(vm, v);
    Value meth = asy_class_lookup(cls, vm->names.format);
    /* int.__format__ and float.__format__ give str(self) for an empty spec: a subclass's */
    if (spec->size == 0 && (cls->flags & CLASS_BOXED) && asy_is_builtin_slot(meth))
      return asy_str(vm, v);
    if (!IS_UNDEF(meth)) {
      Value arg = OBJ_VAL(spec);
      Value r = asy_call_method(vm, v, vm->names.format, 1, &arg);
      if (IS_EXC(r)) return r;
      if (!IS_STR(r))
        return asy_raise(vm, vm->exc.TypeError, "__format__ must return a str, not %s",
                         asy_type_name(vm, r));
      return r;
    }
  }
  return asy_object_format(vm, v, spec);
}

/* ---- ascii() ----------------------------------------------------------------------------------- */

Value asy_ascii(VM *vm, Value v) {
  Value r = asy_repr(vm, v);
  if (IS_EXC(r)) return r;
  ObjStr *s = AS_STR(r);
  if (s->length == s->size) return r;
  AsyBuf b;
  asy_buf_init(&b, vm);
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(s->chars + i, s->size - i, &adv);
    if (cp < 0x80) asy_buf_putc(&b, (char)cp);
    else if (cp < 0x100) asy_buf_printf(&b, "\\x%02x", cp);
    else if (cp < 0x10000) asy_buf_printf(&b, "\\u%04x", cp);
    else asy_buf_printf(&b, "\\U%08x", cp);
    i += adv;
  }
  return OBJ_VAL(asy_buf_to_str(&b));
}

/* ---- str.format ---------------------------------------------------------------------------------- */

typedef struct {
  int argc;
  const Value *args;
  ObjDict *kw;    /* str.format keywords (may be NULL) */
  Value mapping;  /* format_map's mapping, or UNDEF */
  int auto_index; /* next automatic field number; -1 once manual numbering is used */
  bool auto_used;
} FormatCtx;

static Value conversion(VM *vm, Value v, uint32_t conv) {
  switch (conv) {
  case 0: return v;
  case 'r': return asy_repr(vm, v);
  case 's': return asy_str(vm, v);
  case 'a': return asy_ascii(vm, v);
  default: {
    char tc[16];
    type_char(conv, tc);
    return asy_raise(vm, vm->exc.ValueError, "Unknown conversion specifier %s", tc);
  }
  }
}

/* Decimal digits only: the value, -1 if not all digits, -2 (and ValueError) on overflow. */
static int64_t field_integer(VM *vm, const char *s, size_t n) {
  if (n == 0) return -1;
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    if (v > (INT64_MAX - (s[i] - '0')) / 10) {
      asy_raise(vm, vm->exc.ValueError, "Too many decimal digits in format string");
      return -2;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Resolve a field name ("0", "name", "0.attr[key]", "") to its value. */
static Value get_field(VM *vm, FormatCtx *ctx, const char *s, size_t n) {
  size_t first_end = 0;
  while (first_end < n && s[first_end] != '.' && s[first_end] != '[') first_end++;
  Value obj;
  int64_t index = field_integer(vm, s, first_end);
  if (index == -2) return EXC_VAL;
  if (first_end == 0) {
    if (ctx->auto_index < 0)
      return asy_raise(
          vm, vm->exc.ValueError,
          "cannot switch from manual field specification to automatic field numbering");
    index = ctx->auto_index++;
    ctx->auto_used = true;
  } else if (index >= 0) {
    if (ctx->auto_used)
      return asy_raise(
          vm, vm->exc.ValueError,
          "cannot switch from automatic field numbering to manual field specification");
    ctx->auto_index = -1;
  }
  if (index >= 0) {
    if (!IS_UNDEF(ctx->mapping))
      return asy_raise(vm, vm->exc.ValueError, "Format string contains positional fields");
    if (index >= ctx->argc)
      return asy_raise_fmt(vm, vm->exc.IndexError,
                           "Replacement index %lld out of range for positional args tuple",
                           (long long)index);
    obj = ctx->args[index];
  } else {
    Value key = OBJ_VAL(asy_str_new(vm, s, first_end));
    if (!IS_UNDEF(ctx->mapping)) {
      obj = asy_getitem(vm, ctx->mapping, key);
      if (IS_EXC(obj)) return obj;
    } else {
      obj = ctx->kw ? asy_dict_get(vm, ctx->kw, key) : UNDEF_VAL;
      if (IS_EXC(obj)) return obj;
      if (IS_UNDEF(obj)) {
        Value exc = asy_new_exception(vm, vm->exc.KeyError, 1, &key);
        if (IS_EXC(exc)) return exc;
        return asy_raise_value(vm, exc);
      }
    }
  }
  size_t i = first_end;
  while (i < n) {
    if (s[i] == '.') {
      size_t start = ++i;
      while (i < n && s[i] != '.' && s[i] != '[') i++;
      if (i == start) return asy_raise(vm, vm->exc.ValueError, "Empty attribute in format string");
      ObjStr *name = asy_str_intern(vm, s + start, i - start);
      obj = asy_getattr(vm, obj, name);
      if (IS_EXC(obj)) return obj;
    } else { /* '[' */
      size_t start = ++i;
      while (i < n && s[i] != ']') i++;
      if (i >= n) return asy_raise(vm, vm->exc.ValueError, "Missing ']' in format string");
      if (i == start) return asy_raise(vm, vm->exc.ValueError, "Empty attribute in format string");
      int64_t k = field_integer(vm, s + start, i - start);
      if (k == -2) return EXC_VAL;
      Value key = k >= 0 ? INT_VAL(k) : OBJ_VAL(asy_str_new(vm, s + start, i - start));
      obj = asy_getitem(vm, obj, key);
      if (IS_EXC(obj)) return obj;
      i++; /* past ']' */
      if (i < n && s[i] != '.' && s[i] != '[')
        return asy_raise(vm, vm->exc.ValueError,
                         "Only '.' or '[' may follow ']' in format field specifier");
    }
  }
  return obj;
}

static bool format_into(VM *vm, AsyBuf *out, const char *s, size_t n, FormatCtx *ctx, int depth);

/* Parse and render one replacement field starting after its '{'; *pos advances past '}'. */
static bool render_field(VM *vm, AsyBuf *out, const char *s, size_t n, size_t *pos, FormatCtx *ctx,
                         int depth) {
  size_t i = *pos;
  size_t name_start = i;
  char c = 0;
  while (i < n) {
    c = s[i++];
    if (c == '{') {
      asy_raise(vm, vm->exc.ValueError, "unexpected '{' in field name");
      return false;
    }
    if (c == '[') {
      while (i < n && s[i] != ']') i++;
      continue;
    }
    if (c == '}' || c == ':' || c == '!') break;
  }
  size_t name_end = i - 1;
  uint32_t conv = 0;
  size_t spec_start = i, spec_end = i;
  bool spec_nested = false;
  if (c == '!' || c == ':') {
    if (c == '!') {
      if (i >= n) {
        asy_raise(vm, vm->exc.ValueError, "end of string while looking for conversion specifier");
        return false;
      }
      size_t adv;
      conv = asy_utf8_decode(s + i, n - i, &adv);
      i += adv;
      if (i < n) {
        char c2 = s[i++];
        if (c2 == '}') {
          spec_start = spec_end = i;
          goto have_field;
        }
        if (c2 != ':') {
          asy_raise(vm, vm->exc.ValueError, "expected ':' after conversion specifier");
          return false;
        }
      }
    }
    spec_start = i;
    int count = 1;
    while (i < n) {
      char d = s[i++];
      if (d == '{') {
        spec_nested = true;
        count++;
      } else if (d == '}') {
        if (--count == 0) {
          spec_end = i - 1;
          goto have_field;
        }
      }
    }
    asy_raise(vm, vm->exc.ValueError, "unmatched '{' in format spec");
    return false;
  } else if (c != '}') {
    asy_raise(vm, vm->exc.ValueError, "expected '}' before end of string");
    return false;
  }
have_field:
  *pos = i;
  Value obj = get_field(vm, ctx, s + name_start, name_end - name_start);
  if (IS_EXC(obj)) return false;
  obj = conversion(vm, obj, conv);
  if (IS_EXC(obj)) return false;
  ObjStr *spec;
  if (spec_nested) {
    if (depth <= 1) {
      asy_raise(vm, vm->exc.ValueError, "Max string recursion exceeded");
      return false;
    }
    AsyBuf sb;
    asy_buf_init(&sb, vm);
    if (!format_into(vm, &sb, s + spec_start, spec_end - spec_start, ctx, depth - 1)) {
      asy_buf_free(&sb);
      return false;
    }
    spec = asy_buf_to_str(&sb);
  } else {
    spec = spec_end > spec_start ? asy_str_new(vm, s + spec_start, spec_end - spec_start)
                                 : vm->names.empty;
  }
  Value r = asy_format(vm, obj, spec);
  if (IS_EXC(r)) return false;
  asy_buf_put_str(out, AS_STR(r));
  return true;
}

static bool format_into(VM *vm, AsyBuf *out, const char *s, size_t n, FormatCtx *ctx, int depth) {
  size_t i = 0;
  while (i < n) {
    size_t lit = i;
    while (i < n && s[i] != '{' && s[i] != '}') i++;
    asy_buf_put(out, s + lit, i - lit);
    if (i >= n) break;
    char c = s[i++];
    if (i < n && s[i] == c) { /* '{{' or '}}' */
      asy_buf_putc(out, c);
      i++;
      continue;
    }
    if (c == '}') {
      asy_raise(vm, vm->exc.ValueError, "Single '}' encountered in format string");
      return false;
    }
    if (i >= n) {
      asy_raise(vm, vm->exc.ValueError, "Single '{' encountered in format string");
      return false;
    }
    if (!render_field(vm, out, s, n, &i, ctx, depth)) return false;
  }
  return true;
}

static Value do_format(VM *vm, ObjStr *fmt, FormatCtx *ctx) {
  AsyBuf b;
  asy_buf_init(&b, vm);
  if (!format_into(vm, &b, fmt->chars, fmt->size, ctx, 2)) {
    asy_buf_free(&b);
    return EXC_VAL;
  }
  return OBJ_VAL(asy_buf_to_str(&b));
}

Value asy_str_format(VM *vm, ObjStr *fmt, int argc, const Value *args, ObjDict *kw) {
  FormatCtx ctx = {argc, args, kw, UNDEF_VAL, 0, false};
  return do_format(vm, fmt, &ctx);
}

Value asy_str_format_map(VM *vm, ObjStr *fmt, Value mapping) {
  FormatCtx ctx = {0, NULL, NULL, mapping, 0, false};
  return do_format(vm, fmt, &ctx);
}

/* ---- %-formatting ---------------------------------------------------------------------------- */

enum { F_LJUST = 1, F_SIGN = 2, F_BLANK = 4, F_ALT = 8, F_ZERO = 16 };

/* Pad a converted item for %-formatting: sign/prefix stay left of zero padding. */
static void percent_pad(AsyBuf *out, const char *head, size_t hl, const char *body, size_t bl,
                        int flags, int64_t width, bool numeric, bool bytes_mode) {
  int64_t len = bytes_mode ? (int64_t)(hl + bl)
                           : (int64_t)(asy_utf8_length(head, hl) + asy_utf8_length(body, bl));
  int64_t pad = width > len ? width - len : 0;
  if (flags & F_LJUST) {
    asy_buf_put(out, head, hl);
    asy_buf_put(out, body, bl);
    for (int64_t i = 0; i < pad; i++) asy_buf_putc(out, ' ');
  } else if ((flags & F_ZERO) && numeric) {
    asy_buf_put(out, head, hl);
    for (int64_t i = 0; i < pad; i++) asy_buf_putc(out, '0');
    asy_buf_put(out, body, bl);
  } else {
    for (int64_t i = 0; i < pad; i++) asy_buf_putc(out, ' ');
    asy_buf_put(out, head, hl);
    asy_buf_put(out, body, bl);
  }
}

static bool is_mapping_arg(VM *vm, Value args, bool bytes_mode) {
  /* str % bytes treats the bytes as a mapping; bytes % str does not (CPython excludes
  ** str, bytes and bytearray there). */
  if (IS_TUPLE(args) || IS_STR(args) || (bytes_mode && IS_BYTES(args))) return false;
  if (IS_DICT(args) || IS_LIST(args)) return true;
  if (!IS_OBJ(args)) return false;
  return !IS_UNDEF(asy_class_lookup(asy_class_of(vm, args), vm->names.getitem));
}

/* An int for %d/%x/...: ints, bools, floats (truncated, for %d/%i/%u only) or __index__. */
static bool percent_int(VM *vm, Value v, char type, int64_t *out) {
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  bool decimal = type == 'd' || type == 'i' || type == 'u';
  if (IS_FLOAT(v) && decimal) return asy_float_to_int(vm, AS_FLOAT(v), out);
  if (IS_OBJ(v)) {
    ObjClass *cls = asy_class_of(vm, v);
    if (!IS_UNDEF(asy_class_lookup(cls, vm->names.index))) return asy_index(vm, v, out);
    if (decimal && !IS_UNDEF(asy_class_lookup(cls, vm->names.int_))) {
      Value r = asy_int_from_value(vm, v, UNDEF_VAL);
      if (IS_EXC(r)) return false;
      *out = AS_INTLIKE(r);
      return true;
    }
  }
  if (decimal)
    asy_raise_fmt(vm, vm->exc.TypeError, "%%%c format: a real number is required, not %s", type,
                  asy_type_name(vm, v));
  else
    asy_raise_fmt(vm, vm->exc.TypeError, "%%%c format: an integer is required, not %s", type,
                  asy_type_name(vm, v));
  return false;
}

/* CPython's argument cursor for %-formatting: a tuple is walked item by item; any
** other value counts as one argument (arglen -1, argidx -2 until it is used). */
typedef struct {
  Value args;
  int64_t arglen, argidx;
} PctArgs;

static Value pct_next(VM *vm, PctArgs *a) {
  if (a->argidx < a->arglen) {
    a->argidx++;
    return a->arglen < 0 ? a->args : AS_TUPLE(a->args)->items[a->argidx - 1];
  }
  return asy_raise(vm, vm->exc.TypeError, "not enough arguments for format string");
}

/* %s of bytes formatting: bytes, or an object with __bytes__. */
static Value bytes_item(VM *vm, Value v) {
  if (IS_BYTES(v)) return v;
  if (!IS_STR(v)) {
    Value r = asy_bytes_dunder(vm, v);
    if (!IS_UNDEF(r)) return r;
  }
  return asy_raise(
      vm, vm->exc.TypeError,
      "%%b requires a bytes-like object, or an object that implements __bytes__, not '%s'",
      asy_type_name(vm, v));
}

/* The engine behind str % args and bytes % args. In bytes mode the format and the
** result are raw bytes: %s/%b take bytes, %c takes range(256), widths count bytes. */
static Value percent_format(VM *vm, const char *s, size_t n, Value args, bool bytes_mode) {
  PctArgs pa = {args, -1, -2};
  if (IS_TUPLE(args)) {
    pa.arglen = (int64_t)AS_TUPLE(args)->size;
    pa.argidx = 0;
  }
  Value dict = is_mapping_arg(vm, args, bytes_mode) ? args : UNDEF_VAL;
  AsyBuf out;
  asy_buf_init(&out, vm);
  size_t i = 0;
  while (i < n) {
    size_t lit = i;
    while (i < n && s[i] != '%') i++;
    asy_buf_put(&out, s + lit, i - lit);
    if (i >= n) break;
    i++;
    if (i < n && s[i] == '%') {
      asy_buf_putc(&out, '%');
      i++;
      continue;
    }
    Value v = UNDEF_VAL;
    bool from_dict = false;
    if (i < n && s[i] == '(') {
      if (IS_UNDEF(dict)) {
        asy_buf_free(&out);
        return asy_raise(vm, vm->exc.TypeError, "format requires a mapping");
      }
      size_t kstart = ++i;
      int depth = 1;
      while (i < n && depth > 0) {
        if (s[i] == '(') depth++;
        else if (s[i] == ')') depth--;
        if (depth > 0) i++;
      }
      if (i >= n) {
        asy_buf_free(&out);
        return asy_raise(vm, vm->exc.ValueError, "incomplete format key");
      }
      Value key = bytes_mode ? OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)s + kstart, i - kstart))
                             : OBJ_VAL(asy_str_new(vm, s + kstart, i - kstart));
      i++; /* ')' */
      v = asy_getitem(vm, dict, key);
      if (IS_EXC(v)) {
        asy_buf_free(&out);
        return v;
      }
      from_dict = true;
      /* After a keyed conversion no positional argument is left (CPython). */
      pa.arglen = -1;
      pa.argidx = -1;
    }
    int flags = 0;
    for (; i < n; i++) {
      char c = s[i];
      if (c == '-') flags |= F_LJUST;
      else if (c == '+') flags |= F_SIGN;
      else if (c == ' ') flags |= F_BLANK;
      else if (c == '#') flags |= F_ALT;
      else if (c == '0') flags |= F_ZERO;
      else break;
    }
    int64_t width = -1, prec = -1;
    /* width: '*' takes it from the arguments */
    if (i < n && s[i] == '*') {
      i++;
      Value wv = pct_next(vm, &pa);
      if (IS_EXC(wv)) {
        asy_buf_free(&out);
        return wv;
      }
      if (!IS_INTLIKE(wv)) {
        asy_buf_free(&out);
        return asy_raise(vm, vm->exc.TypeError, "* wants int");
      }
      width = AS_INTLIKE(wv);
      if (width < 0) {
        flags |= F_LJUST;
        width = -width;
      }
    } else {
      while (i < n && s[i] >= '0' && s[i] <= '9') {
        width = (width < 0 ? 0 : width) * 10 + (s[i] - '0');
        if (width > 0x7fffffff) {
          asy_buf_free(&out);
          return asy_raise(vm, vm->exc.ValueError, "width too big");
        }
        i++;
      }
    }
    if (i < n && s[i] == '.') {
      i++;
      prec = 0;
      if (i < n && s[i] == '*') {
        i++;
        Value pv = pct_next(vm, &pa);
        if (IS_EXC(pv)) {
          asy_buf_free(&out);
          return pv;
        }
        if (!IS_INTLIKE(pv)) {
          asy_buf_free(&out);
          return asy_raise(vm, vm->exc.TypeError, "* wants int");
        }
        prec = AS_INTLIKE(pv);
        if (prec < 0) prec = 0;
      } else {
        while (i < n && s[i] >= '0' && s[i] <= '9') {
          prec = prec * 10 + (s[i] - '0');
          if (prec > 0x7fffffff) {
            asy_buf_free(&out);
            return asy_raise(vm, vm->exc.ValueError, "precision too big");
          }
          i++;
        }
      }
    }
    while (i < n && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L')) i++;
    if (width > (int64_t)(ASY_STR_MAX / 4) || prec > (int64_t)(ASY_STR_MAX / 4)) {
      asy_buf_free(&out);
      return asy_memory_error(vm);
    }
    if (i >= n) {
      asy_buf_free(&out);
      return asy_raise(vm, vm->exc.ValueError, "incomplete format");
    }
    size_t adv = 1;
    uint32_t type = bytes_mode ? (uint8_t)s[i] : asy_utf8_decode(s + i, n - i, &adv);
    size_t type_pos = bytes_mode ? i : asy_utf8_length(s, i);
    i += adv;
    if (bytes_mode && type == 'b') type = 's';
    if (bytes_mode && type == 'i') type = 'd'; /* CPython's bytes formatter names %i as %d */
    if (!from_dict) {
      v = pct_next(vm, &pa);
      if (IS_EXC(v)) {
        asy_buf_free(&out);
        return v;
      }
    }
    Value sv;
    switch (type) {
    case 's':
    case 'r':
    case 'a': {
      if (bytes_mode && type == 's') {
        sv = bytes_item(vm, v);
        if (IS_EXC(sv)) {
          asy_buf_free(&out);
          return sv;
        }
        ObjBytes *by = AS_BYTES(sv);
        size_t len = prec >= 0 && (size_t)prec < by->size ? (size_t)prec : by->size;
        percent_pad(&out, "", 0, (const char *)by->data, len, flags, width, false, true);
        break;
      }
      /* In bytes mode %r is %a: the ASCII repr. */
      sv = type == 's'                    ? asy_str(vm, v)
           : (type == 'r' && !bytes_mode) ? asy_repr(vm, v)
                                          : asy_ascii(vm, v);
      if (IS_EXC(sv)) {
        asy_buf_free(&out);
        return sv;
      }
      ObjStr *str = AS_STR(sv);
      size_t len = str->length;
      if (prec >= 0 && (size_t)prec < len) len = (size_t)prec;
      percent_pad(&out, "", 0, str->chars, asy_str_offset(vm, str, len), flags, width, false,
                  bytes_mode);
      break;
    }
    case 'c': {
      if (bytes_mode) {
        uint8_t byte;
        if (IS_BYTES(v) && AS_BYTES(v)->size == 1) {
          byte = AS_BYTES(v)->data[0];
        } else if (asy_is_int(v)) {
          int64_t x = IS_BIGINT(v) ? -1 : AS_INTLIKE(v);
          if (x < 0 || x > 255) {
            asy_buf_free(&out);
            return asy_raise(vm, vm->exc.OverflowError, "%s", "%c arg not in range(256)");
          }
          byte = (uint8_t)x;
        } else {
          asy_buf_free(&out);
          return asy_raise(vm, vm->exc.TypeError, "%s",
                           "%c requires an integer in range(256) or a single byte");
        }
        percent_pad(&out, "", 0, (const char *)&byte, 1, flags, width, false, true);
        break;
      }
      uint32_t ch;
      if (IS_STR(v)) {
        if (AS_STR(v)->length != 1) {
          asy_buf_free(&out);
          return asy_raise(vm, vm->exc.TypeError, "%s", "%c requires int or char");
        }
        ch = asy_str_char_at(vm, AS_STR(v), 0);
      } else if (asy_is_int(v)) {
        int64_t x = IS_BIGINT(v) ? -1 : AS_INTLIKE(v);
        if (x < 0 || x > 0x10FFFF) {
          asy_buf_free(&out);
          return asy_raise(vm, vm->exc.OverflowError, "%s", "%c arg not in range(0x110000)");
        }
        ch = (uint32_t)x;
      } else {
        asy_buf_free(&out);
        return asy_raise(vm, vm->exc.TypeError, "%s", "%c requires int or char");
      }
      char enc[4];
      size_t k = asy_utf8_encode(ch, enc);
      percent_pad(&out, "", 0, enc, k, flags, width, false, false);
      break;
    }
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      int64_t x = 0;
      int base = (type == 'o') ? 8 : (type == 'x' || type == 'X') ? 16 : 10;
      char digits[72], *p, *bigp = NULL;
      size_t nd;
      bool neg;
      if (IS_FLOAT(v) && base == 10 && isfinite(AS_FLOAT(v)))
        v = asy_int_from_double(vm, AS_FLOAT(v));
      if (IS_BIGINT(v)) { /* any size: the digits from GMP */
        p = bigp = asy_int_digits_alloc(vm, v, base, type == 'X', &nd, &neg);
        if (!p) {
          asy_buf_free(&out);
          return EXC_VAL;
        }
      } else {
        if (!percent_int(vm, v, (char)type, &x)) {
          asy_buf_free(&out);
          return EXC_VAL;
        }
        p = asy_int_digits(digits + sizeof digits, x, base, type == 'X');
        nd = (size_t)(digits + sizeof digits - p);
        neg = x < 0;
      }
      char head[8];
      size_t hl = 0;
      if (neg) head[hl++] = '-';
      else if (flags & F_SIGN) head[hl++] = '+';
      else if (flags & F_BLANK) head[hl++] = ' ';
      if ((flags & F_ALT) && base != 10) {
        head[hl++] = '0';
        head[hl++] = type == 'o' ? 'o' : (char)type;
      }
      /* A precision gives a minimum digit count. */
      AsyBuf body;
      asy_buf_init(&body, vm);
      for (int64_t k = (int64_t)nd; k < prec; k++) asy_buf_putc(&body, '0');
      asy_buf_put(&body, p, nd);
      free(bigp);
      percent_pad(&out, head, hl, body.data, body.len, flags, width, true, bytes_mode);
      asy_buf_free(&body);
      break;
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      double d;
      if (IS_FLOAT(v)) d = AS_FLOAT(v);
      else if (IS_INTLIKE(v)) d = (double)AS_INTLIKE(v);
      else {
        Value fv = UNDEF_VAL;
        if (IS_OBJ(v)) {
          ObjClass *cls = asy_class_of(vm, v);
          if (!IS_UNDEF(asy_class_lookup(cls, vm->names.float_)) ||
              !IS_UNDEF(asy_class_lookup(cls, vm->names.index)))
            fv = asy_float_from_value(vm, v);
        }
        if (IS_EXC(fv)) {
          asy_buf_free(&out);
          return fv;
        }
        if (IS_UNDEF(fv)) {
          asy_buf_free(&out);
          return asy_raise(vm, vm->exc.TypeError, "must be real number, not %s",
                           asy_type_name(vm, v));
        }
        d = AS_FLOAT(fv);
      }
      int fl = (flags & F_ALT) ? ASY_DTSF_ALT : 0;
      char dt = (char)type;
      if (type == 'E' || type == 'F' || type == 'G') {
        fl |= ASY_DTSF_UPPER;
        dt = (char)(type + 32);
      }
      char *body = asy_dtoa_format(d, dt, prec < 0 ? 6 : (int)prec, fl);
      char head[2];
      size_t hl = 0;
      if (signbit(d) && !isnan(d)) head[hl++] = '-';
      else if (flags & F_SIGN) head[hl++] = '+';
      else if (flags & F_BLANK) head[hl++] = ' ';
      percent_pad(&out, head, hl, body, strlen(body), flags, width, true, bytes_mode);
      free(body);
      break;
    }
    default: {
      asy_buf_free(&out);
      char shown = (type >= 31 && type <= 126) ? (char)type : '?';
      return asy_raise_fmt(vm, vm->exc.ValueError,
                           "unsupported format character '%c' (0x%x) at index %zu", shown,
                           (unsigned)type, type_pos);
    }
    }
  }
  if (pa.argidx < pa.arglen && IS_UNDEF(dict)) {
    asy_buf_free(&out);
    return asy_raise(vm, vm->exc.TypeError,
                     bytes_mode ? "not all arguments converted during bytes formatting"
                                : "not all arguments converted during string formatting");
  }
  if (bytes_mode) {
    Value r = OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)(out.data ? out.data : ""), out.len));
    asy_buf_free(&out);
    return r;
  }
  return OBJ_VAL(asy_buf_to_str(&out));
}

Value asy_str_percent(VM *vm, ObjStr *fmt, Value args) {
  return percent_format(vm, fmt->chars, fmt->size, args, false);
}

Value asy_bytes_percent(VM *vm, ObjBytes *fmt, Value args) {
  return percent_format(vm, (const char *)fmt->data, fmt->size, args, true);
}
