/*
** struct.c — the `_struct` module: packing values into bytes and back by a format string
** (calcsize, pack, unpack, unpack_from), as CPython 3.13's struct, under struct.asy
** (which adds Struct, iter_unpack and the error class this file raises: struct.error,
** looked up in the `struct` module when needed). Native mode ('@', the default) uses
** x86-64's sizes and alignment; '=', '<', '>' and '!' use the standard sizes.
*/
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "stdlib/native_modules.h"
#include "vm/obj/bigint.h"

typedef struct {
  bool native;     /* '@': native sizes and alignment */
  bool little;     /* byte order */
  const char *fmt; /* after the byte-order character */
  size_t n;
} Fmt;

static Value struct_error(VM *vm, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  ObjStr *name = asy_str_cstr(vm, "struct");
  Value mod = asy_dict_get_str(vm->modules, name);
  Value cls = IS_MODULE(mod) ? asy_dict_get_str(AS_MODULE(mod)->dict, asy_str_cstr(vm, "error"))
                             : UNDEF_VAL;
  if (!IS_CLASS(cls)) return asy_raise(vm, vm->exc.ValueError, "%s", msg);
  return asy_raise(vm, AS_CLASS(cls), "%s", msg);
}

/* Size of one item of code c; 0 for a bad code. */
static size_t code_size(char c, bool native) {
  switch (c) {
  case 'x':
  case 'c':
  case 'b':
  case 'B':
  case '?':
  case 's':
  case 'p': return 1;
  case 'h':
  case 'H':
  case 'e': return 2;
  case 'i':
  case 'I':
  case 'f': return 4;
  case 'l':
  case 'L': return native ? 8 : 4;
  case 'q':
  case 'Q':
  case 'd': return 8;
  case 'n':
  case 'N':
  case 'P': return native ? 8 : 0;
  default: return 0;
  }
}

static bool fmt_init(VM *vm, Value v, Fmt *f) {
  const char *s;
  size_t n;
  if (IS_STR(v)) {
    s = AS_STR(v)->chars;
    n = AS_STR(v)->size;
  } else if (IS_BYTES(v)) {
    s = (const char *)AS_BYTES(v)->data;
    n = AS_BYTES(v)->size;
  } else {
    asy_raise(vm, vm->exc.TypeError, "Struct() argument 1 must be a str or bytes, not %s",
              asy_type_name(vm, v));
    return false;
  }
  f->native = true;
  f->little = true;
  if (n > 0 && strchr("@=<>!", s[0])) {
    f->native = s[0] == '@';
    f->little = s[0] == '@' || s[0] == '=' || s[0] == '<';
    s++, n--;
  }
  f->fmt = s;
  f->n = n;
  return true;
}

/* Walk the format: calls step for each (code, count) with the offset after alignment.
** Returns the total size, or -1 with struct.error pending. */
typedef bool (*StepFn)(VM *vm, void *ctx, char code, size_t count, size_t offset);

static long fmt_walk(VM *vm, Fmt *f, StepFn step, void *ctx) {
  size_t off = 0;
  for (size_t i = 0; i < f->n;) {
    char c = f->fmt[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      i++;
      continue;
    }
    size_t count = 1;
    bool has_count = false;
    if (c >= '0' && c <= '9') {
      count = 0;
      while (i < f->n && f->fmt[i] >= '0' && f->fmt[i] <= '9')
        count = count * 10 + (size_t)(f->fmt[i++] - '0');
      has_count = true;
      if (i >= f->n) {
        struct_error(vm, "repeat count given without format specifier");
        return -1;
      }
      c = f->fmt[i];
    }
    (void)has_count;
    i++;
    size_t size = code_size(c, f->native);
    if (!size) {
      struct_error(vm, "bad char in struct format");
      return -1;
    }
    if (f->native && size > 1) off = (off + size - 1) / size * size;
    if (step && !step(vm, ctx, c, count, off)) return -1;
    off += size * count;
  }
  return (long)off;
}

static Value st_calcsize(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Fmt f;
  if (!fmt_init(vm, args[0], &f)) return EXC_VAL;
  long n = fmt_walk(vm, &f, NULL, NULL);
  return n < 0 ? EXC_VAL : INT_VAL(n);
}

/* ---- numbers to and from bytes -------------------------------------------------------- */

static void put_uint(uint8_t *p, uint64_t v, size_t size, bool little) {
  for (size_t k = 0; k < size; k++) {
    size_t at = little ? k : size - 1 - k;
    p[at] = (uint8_t)(v >> (8 * k));
  }
}

static uint64_t get_uint(const uint8_t *p, size_t size, bool little) {
  uint64_t v = 0;
  for (size_t k = 0; k < size; k++) {
    size_t at = little ? k : size - 1 - k;
    v |= (uint64_t)p[at] << (8 * k);
  }
  return v;
}

/* IEEE 754 half precision from a double, rounding half to even; false on overflow. */
static bool half_from_double(double x, uint16_t *out) {
  uint16_t sign = signbit(x) ? 0x8000 : 0;
  if (isnan(x)) {
    *out = sign | 0x7e00;
    return true;
  }
  x = fabs(x);
  if (isinf(x)) {
    *out = sign | 0x7c00;
    return true;
  }
  if (x == 0) {
    *out = sign;
    return true;
  }
  int e;
  double m = frexp(x, &e); /* x = m * 2^e, 0.5 <= m < 1 */
  /* Normal halves: 2^-14 <= x < 65520 (which rounds up to infinity). */
  long bits;
  if (e - 1 >= -14) {
    double scaled = ldexp(m, 11); /* 1024..2047.99 */
    double r = nearbyint(scaled);
    if (r >= 2048) r /= 2, e++;
    if (e - 1 > 15) return false;
    bits = ((long)(e - 1 + 15) << 10) | ((long)r - 1024);
  } else {
    double r = nearbyint(ldexp(x, 24)); /* subnormal: units of 2^-24 */
    bits = (long)r;                     /* may round up into the first normal */
  }
  *out = sign | (uint16_t)bits;
  return true;
}

static double half_to_double(uint16_t h) {
  int exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
  double v;
  if (exp == 0) v = ldexp(frac, -24);
  else if (exp == 31) v = frac ? NAN : INFINITY;
  else v = ldexp(frac + 1024, exp - 25);
  return (h & 0x8000) ? -v : v;
}

/* ---- pack ------------------------------------------------------------------------------------ */

typedef struct {
  Fmt *f;
  Value *args;
  int argc, next;
  uint8_t *out;
} PackCtx;

static bool int_arg(VM *vm, Value v, __int128 *out) {
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  if (IS_BIGINT(v)) {
    AsyIntView tmp;
    mpz_srcptr z = asy_int_view(v, &tmp);
    if (mpz_sizeinbase(z, 2) > 100) {
      *out = mpz_sgn(z) < 0 ? -((__int128)1 << 100) : ((__int128)1 << 100);
      return true;
    }
    mpz_t a;
    mpz_init_set(a, z);
    bool neg = mpz_sgn(a) < 0;
    mpz_abs(a, a);
    unsigned __int128 r = 0;
    size_t count = 0;
    uint64_t words[2] = {0, 0};
    mpz_export(words, &count, -1, 8, 0, 0, a);
    r = ((unsigned __int128)words[1] << 64) | words[0];
    mpz_clear(a);
    *out = neg ? -(__int128)r : (__int128)r;
    return true;
  }
  struct_error(vm, "required argument is not an integer");
  return false;
}

static bool range_error(VM *vm, char c, __int128 lo, unsigned __int128 hi) {
  char lob[48], hib[48];
  if (lo < 0) snprintf(lob, sizeof lob, "%lld", (long long)lo);
  else snprintf(lob, sizeof lob, "0");
  snprintf(hib, sizeof hib, "%llu", (unsigned long long)hi);
  struct_error(vm, "'%c' format requires %s <= number <= %s", c, lob, hib);
  return false;
}

static bool pack_step(VM *vm, void *vctx, char c, size_t count, size_t off) {
  PackCtx *pc = vctx;
  Fmt *f = pc->f;
  uint8_t *p = pc->out + off;
  if (c == 'x') {
    memset(p, 0, count);
    return true;
  }
  if (c == 's' || c == 'p') {
    if (pc->next >= pc->argc) return true; /* the count check reports it */
    Value v = pc->args[pc->next++];
    if (!IS_BYTES(v)) {
      struct_error(vm, "argument for '%c' must be a bytes object", c);
      return false;
    }
    ObjBytes *b = AS_BYTES(v);
    memset(p, 0, count);
    if (c == 's') {
      memcpy(p, b->data, b->size < count ? b->size : count);
    } else if (count > 0) {
      size_t n = b->size < count - 1 ? b->size : count - 1;
      memcpy(p + 1, b->data, n);
      p[0] = (uint8_t)(n > 255 ? 255 : n);
    }
    return true;
  }
  size_t size = code_size(c, f->native);
  for (size_t k = 0; k < count; k++, p += size) {
    if (pc->next >= pc->argc) return true;
    Value v = pc->args[pc->next++];
    switch (c) {
    case 'c':
      if (!IS_BYTES(v) || AS_BYTES(v)->size != 1) {
        struct_error(vm, "char format requires a bytes object of length 1");
        return false;
      }
      *p = AS_BYTES(v)->data[0];
      break;
    case '?': {
      int t = asy_truthy(vm, v);
      if (t < 0) return false;
      *p = (uint8_t)t;
      break;
    }
    case 'e':
    case 'f':
    case 'd': {
      double d;
      if (IS_INTLIKE(v) || IS_FLOAT(v) || IS_BIGINT(v)) {
        if (!asy_std_to_double(vm, v, &d)) return false;
      } else {
        struct_error(vm, "required argument is not a float");
        return false;
      }
      /* Asy's NaNs may carry a payload bit; CPython's float('nan') packs as the quiet NaN. */
      if (isnan(d)) d = signbit(d) ? -NAN : NAN;
      if (c == 'd') {
        uint64_t u;
        memcpy(&u, &d, 8);
        put_uint(p, u, 8, f->little);
      } else if (c == 'f') {
        float x = (float)d;
        if (isinf(x) && !isinf(d) && !f->native) {
          asy_raise(vm, vm->exc.OverflowError, "float too large to pack with f format");
          return false;
        }
        uint32_t u;
        memcpy(&u, &x, 4);
        put_uint(p, u, 4, f->little);
      } else {
        uint16_t h;
        if (!half_from_double(d, &h)) {
          asy_raise(vm, vm->exc.OverflowError, "float too large to pack with e format");
          return false;
        }
        put_uint(p, h, 2, f->little);
      }
      break;
    }
    default: {
      __int128 x;
      if (IS_FLOAT(v) || !asy_is_int(v)) {
        struct_error(vm, "required argument is not an integer");
        return false;
      }
      if (!int_arg(vm, v, &x)) return false;
      bool is_signed = c == 'b' || c == 'h' || c == 'i' || c == 'l' || c == 'q' || c == 'n';
      if (c == 'P') {
        put_uint(p, (uint64_t)x, size, f->little);
        break;
      }
      if (is_signed) {
        __int128 lo = -((__int128)1 << (8 * size - 1)), hi = ((__int128)1 << (8 * size - 1)) - 1;
        if (x < lo || x > hi) return range_error(vm, c, lo, (unsigned __int128)hi);
      } else {
        unsigned __int128 hi = ((unsigned __int128)1 << (8 * size)) - 1;
        if (x < 0 || (unsigned __int128)x > hi) return range_error(vm, c, 0, hi);
      }
      put_uint(p, (uint64_t)x, size, f->little);
    }
    }
  }
  return true;
}

/* Count the values a format takes (s and p take one each; x none). */
static bool count_step(VM *vm, void *ctx, char c, size_t count, size_t off) {
  (void)vm, (void)off;
  size_t *n = ctx;
  if (c == 's' || c == 'p') *n += 1;
  else if (c != 'x') *n += count;
  return true;
}

static Value st_pack(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1) return asy_raise(vm, vm->exc.TypeError, "pack expected at least 1 argument, got 0");
  Fmt f;
  if (!fmt_init(vm, args[0], &f)) return EXC_VAL;
  size_t want = 0;
  long size = fmt_walk(vm, &f, count_step, &want);
  if (size < 0) return EXC_VAL;
  if ((size_t)(argc - 1) != want)
    return struct_error(vm, "pack expected %zu items for packing (got %d)", want, argc - 1);
  uint8_t *buf = calloc(1, (size_t)size + 1);
  if (!buf) abort();
  PackCtx pc = {&f, args + 1, argc - 1, 0, buf};
  if (fmt_walk(vm, &f, pack_step, &pc) < 0) {
    free(buf);
    return EXC_VAL;
  }
  Value r = OBJ_VAL(asy_bytes_new(vm, buf, (size_t)size));
  free(buf);
  return r;
}

/* ---- unpack ---------------------------------------------------------------------------------- */

typedef struct {
  Fmt *f;
  const uint8_t *in;
  ObjList *out;
} UnpackCtx;

static bool unpack_step(VM *vm, void *vctx, char c, size_t count, size_t off) {
  UnpackCtx *uc = vctx;
  Fmt *f = uc->f;
  const uint8_t *p = uc->in + off;
  if (c == 'x') return true;
  if (c == 's') {
    asy_list_append(vm, uc->out, OBJ_VAL(asy_bytes_new(vm, p, count)));
    return true;
  }
  if (c == 'p') {
    size_t n = count ? p[0] : 0;
    if (count && n > count - 1) n = count - 1;
    asy_list_append(vm, uc->out, OBJ_VAL(asy_bytes_new(vm, count ? p + 1 : p, n)));
    return true;
  }
  size_t size = code_size(c, f->native);
  for (size_t k = 0; k < count; k++, p += size) {
    Value v;
    uint64_t u = c == 'c' || c == '?' ? p[0] : get_uint(p, size, f->little);
    switch (c) {
    case 'c': v = OBJ_VAL(asy_bytes_new(vm, p, 1)); break;
    case '?': v = BOOL_VAL(u != 0); break;
    case 'e': v = FLOAT_VAL(half_to_double((uint16_t)u)); break;
    case 'f': {
      uint32_t w = (uint32_t)u;
      float x;
      memcpy(&x, &w, 4);
      v = FLOAT_VAL((double)x);
      break;
    }
    case 'd': {
      double x;
      memcpy(&x, &u, 8);
      v = FLOAT_VAL(x);
      break;
    }
    case 'b':
    case 'h':
    case 'i':
    case 'l':
    case 'q':
    case 'n': {
      int64_t x = (int64_t)u;
      if (size < 8) {
        uint64_t sign = (uint64_t)1 << (8 * size - 1);
        x = (int64_t)((u ^ sign) - sign);
      }
      v = INT_VAL(x);
      break;
    }
    default: v = u > (uint64_t)INT64_MAX ? asy_int_from_i128(vm, (__int128)u) : INT_VAL((int64_t)u);
    }
    asy_list_append(vm, uc->out, v);
  }
  return true;
}

static bool buffer_of(VM *vm, Value v, const uint8_t **data, size_t *size) {
  if (!IS_BYTES(v)) {
    asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not '%s'",
              asy_type_name(vm, v));
    return false;
  }
  *data = AS_BYTES(v)->data;
  *size = AS_BYTES(v)->size;
  return true;
}

static Value unpack_at(VM *vm, Fmt *f, long size, const uint8_t *data) {
  ObjList *out = asy_list_new(vm, 0);
  UnpackCtx uc = {f, data, out};
  if (fmt_walk(vm, f, unpack_step, &uc) < 0) return EXC_VAL;
  (void)size;
  return OBJ_VAL(asy_tuple_from(vm, out->size, out->items));
}

/* The format, its size and the buffer of an unpack call; -1 with an exception pending. */
static long unpack_args(VM *vm, Value fmt, Value buffer, Fmt *f, const uint8_t **data, size_t *n) {
  if (!fmt_init(vm, fmt, f)) return -1;
  long size = fmt_walk(vm, f, NULL, NULL);
  if (size < 0 || !buffer_of(vm, buffer, data, n)) return -1;
  return size;
}

static Value st_unpack(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Fmt f;
  const uint8_t *data;
  size_t n;
  long size = unpack_args(vm, args[0], args[1], &f, &data, &n);
  if (size < 0) return EXC_VAL;
  if (n != (size_t)size) return struct_error(vm, "unpack requires a buffer of %ld bytes", size);
  return unpack_at(vm, &f, size, data);
}

static Value st_unpack_from(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  Fmt f;
  const uint8_t *data;
  size_t n;
  long size = unpack_args(vm, args[0], args[1], &f, &data, &n);
  if (size < 0) return EXC_VAL;
  int64_t offset = 0;
  if (argc > 2 && !asy_index(vm, args[2], &offset)) return EXC_VAL;
  if (offset < 0) {
    if (offset + (int64_t)n < 0)
      return struct_error(vm, "offset %lld out of range for %zu-byte buffer", (long long)offset, n);
    offset += (int64_t)n;
  }
  if ((int64_t)n - offset < size) {
    if (offset > (int64_t)n)
      return struct_error(vm, "offset %lld out of range for %zu-byte buffer", (long long)offset, n);
    return struct_error(vm,
                        "unpack_from requires a buffer of at least %lld bytes for unpacking %ld "
                        "bytes at offset %lld (actual buffer size is %zu)",
                        (long long)(size + offset), size, (long long)offset, n);
  }
  return unpack_at(vm, &f, size, data + offset);
}

/* clang-format off */
static const AsyMethodDef struct_functions[] = {
  {"calcsize", st_calcsize, 1, 1, ASY_ARGS_AUTO},
  {"pack", st_pack, ASY_UNCHECKED},
  {"unpack", st_unpack, 2, 2, ASY_ARGS_AUTO},
  {"unpack_from", st_unpack_from, 2, 3, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_struct_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  asy_def_natives(vm, NULL, AS_MODULE(args[0])->dict, struct_functions);
  return NONE_VAL;
}
