/*
** bytes.c — the bytes type (immutable byte strings) and the text codecs between str
** and bytes: UTF-8, ASCII and Latin-1 with the common error handlers, raising
** UnicodeDecodeError / UnicodeEncodeError with CPython's messages.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem, strcasecmp */
#endif
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/bytes.h"
#include "vm/obj/number.h"
#include "vm/obj/range.h"
#include "vm/obj/str.h"
#include "vm/obj/strspan.h"

ObjBytes *asy_bytes_new(VM *vm, const uint8_t *data, size_t size) {
  ObjBytes *b =
      (ObjBytes *)asy_alloc_obj(vm, sizeof(ObjBytes) + size + 1, OBJ_BYTES, vm->types.bytes);
  b->size = size;
  b->hash = -1;
  if (size) memcpy(b->data, data, size);
  b->data[size] = 0;
  return b;
}

ObjBytes *asy_bytes_alloc(VM *vm, size_t size) {
  ObjBytes *b =
      (ObjBytes *)asy_alloc_obj(vm, sizeof(ObjBytes) + size + 1, OBJ_BYTES, vm->types.bytes);
  b->size = size;
  b->hash = -1;
  return b;
}

ObjBytes *asy_bytes_try_alloc(VM *vm, size_t size) {
  ObjBytes *b = size <= ASY_STR_MAX ? (ObjBytes *)asy_try_alloc_obj(vm, sizeof(ObjBytes) + size + 1,
                                                                    OBJ_BYTES, vm->types.bytes)
                                    : NULL;
  if (!b) return asy_memory_error(vm), NULL;
  b->size = size;
  b->hash = -1;
  return b;
}

static Value bytes_val(VM *vm, const void *data, size_t size) {
  return OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)data, size));
}

/* ---- core operations ------------------------------------------------------------------ */

void asy_bytes_repr_to(AsyBuf *buf, ObjBytes *b) {
  bool has_sq = memchr(b->data, '\'', b->size) != NULL;
  bool has_dq = memchr(b->data, '"', b->size) != NULL;
  char quote = (has_sq && !has_dq) ? '"' : '\'';
  static const char hex[] = "0123456789abcdef";
  asy_buf_putc(buf, 'b');
  asy_buf_putc(buf, quote);
  for (size_t i = 0; i < b->size; i++) {
    uint8_t c = b->data[i];
    if (c == (uint8_t)quote || c == '\\') {
      asy_buf_putc(buf, '\\');
      asy_buf_putc(buf, (char)c);
    } else if (c == '\t') asy_buf_puts(buf, "\\t");
    else if (c == '\n') asy_buf_puts(buf, "\\n");
    else if (c == '\r') asy_buf_puts(buf, "\\r");
    else if (c < 0x20 || c >= 0x7f) {
      char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
      asy_buf_put(buf, e, 4);
    } else asy_buf_putc(buf, (char)c);
  }
  asy_buf_putc(buf, quote);
}

int64_t asy_bytes_hash(ObjBytes *b) {
  if (b->hash == -1) b->hash = asy_hash_bytes(b->data, b->size);
  return b->hash;
}

bool asy_bytes_equal(ObjBytes *a, ObjBytes *b) {
  return a == b || (a->size == b->size && memcmp(a->data, b->data, a->size) == 0);
}

int asy_bytes_cmp(ObjBytes *a, ObjBytes *b) {
  size_t n = a->size < b->size ? a->size : b->size;
  int c = memcmp(a->data, b->data, n);
  if (c) return c < 0 ? -1 : 1;
  return a->size < b->size ? -1 : a->size > b->size;
}

Value asy_bytes_compare(VM *vm, int op, ObjBytes *a, ObjBytes *b) {
  (void)vm;
  if (op == CMP_EQ) return BOOL_VAL(asy_bytes_equal(a, b));
  if (op == CMP_NE) return BOOL_VAL(!asy_bytes_equal(a, b));
  return asy_cmp_result(op, asy_bytes_cmp(a, b));
}

Value asy_bytes_concat(VM *vm, ObjBytes *a, ObjBytes *b) {
  ObjBytes *r = asy_bytes_try_alloc(vm, a->size + b->size);
  if (!r) return EXC_VAL;
  memcpy(r->data, a->data, a->size);
  memcpy(r->data + a->size, b->data, b->size);
  r->data[r->size] = 0;
  return OBJ_VAL(r);
}

Value asy_bytes_repeat(VM *vm, ObjBytes *b, int64_t n) {
  if (n <= 0 || b->size == 0) return bytes_val(vm, "", 0);
  if ((uint64_t)n > (uint64_t)INT64_MAX / b->size)
    return asy_raise(vm, vm->exc.OverflowError, "repeated bytes are too long");
  if ((uint64_t)n > ASY_STR_MAX / b->size) return asy_memory_error(vm);
  ObjBytes *r = asy_bytes_try_alloc(vm, b->size * (size_t)n);
  if (!r) return EXC_VAL;
  for (int64_t i = 0; i < n; i++) memcpy(r->data + (size_t)i * b->size, b->data, b->size);
  return OBJ_VAL(r);
}

Value asy_bytes_getitem(VM *vm, ObjBytes *b, Value key) {
  if (IS_OBJ_TYPE(key, OBJ_SLICE)) {
    int64_t start, stop, step, n;
    if (!asy_slice_indices(vm, AS_SLICE(key), (int64_t)b->size, &start, &stop, &step, &n))
      return EXC_VAL;
    ObjBytes *r = asy_bytes_alloc(vm, (size_t)n);
    for (int64_t k = 0, i = start; k < n; k++, i += step) r->data[k] = b->data[i];
    r->data[n] = 0;
    return OBJ_VAL(r);
  }
  int64_t i;
  if (IS_INTLIKE(key)) i = AS_INTLIKE(key);
  else if (IS_OBJ(key) && !IS_UNDEF(asy_class_lookup(asy_class_of(vm, key), vm->names.index))) {
    if (!asy_index_or(vm, key, &i, vm->exc.IndexError)) return EXC_VAL;
  } else {
    return asy_raise(vm, vm->exc.TypeError, "byte indices must be integers or slices, not %s",
                     asy_type_name(vm, key));
  }
  if (i < 0) i += (int64_t)b->size;
  if (i < 0 || i >= (int64_t)b->size)
    return asy_raise(vm, vm->exc.IndexError, "index out of range");
  return INT_VAL(b->data[i]);
}

static Value bytes_iter_next(VM *vm, ObjIter *it) {
  (void)vm;
  ObjBytes *b = AS_BYTES(it->a);
  if ((size_t)it->i >= b->size) return UNDEF_VAL;
  return INT_VAL(b->data[it->i++]);
}

Value asy_bytes_dunder(VM *vm, Value v) {
  if (!IS_OBJ(v)) return UNDEF_VAL;
  ObjStr *name = asy_str_intern(vm, "__bytes__", 9);
  if (IS_UNDEF(asy_class_lookup(asy_class_of(vm, v), name))) return UNDEF_VAL;
  Value none[1] = {NONE_VAL};
  Value r = asy_call_method(vm, v, name, 0, none);
  if (IS_EXC(r) || IS_BYTES(r)) return r;
  return asy_raise(vm, vm->exc.TypeError, "__bytes__ returned non-bytes (type %s)",
                   asy_type_name(vm, r));
}

Value asy_bytes_iter(VM *vm, ObjBytes *b) {
  ObjIter *it = asy_iter_new(vm, bytes_iter_next, OBJ_VAL(b), UNDEF_VAL, UNDEF_VAL);
  it->i = 0;
  return OBJ_VAL(it);
}

/* ---- codecs ------------------------------------------------------------------------------ */

enum { ENC_UTF8, ENC_ASCII, ENC_LATIN1, ENC_UNKNOWN };

/* Normalise an encoding name as Python's codec lookup does (case, '-' vs '_'). */
static int encoding_kind(const char *name, const char **canonical) {
  char norm[32];
  size_t k = 0;
  for (const char *p = name; *p && k < sizeof norm - 1; p++) {
    char c = *p;
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (c == '_' || c == ' ') c = '-';
    norm[k++] = c;
  }
  norm[k] = '\0';
  static const char *const utf8[] = {"utf-8", "utf8", "u8", "utf", "cp65001", NULL};
  static const char *const ascii[] = {"ascii", "us-ascii", "646", "us", NULL};
  static const char *const latin1[] = {"latin-1", "latin1", "iso-8859-1", "iso8859-1",  "8859",
                                       "cp819",   "l1",     "latin",      "iso-ir-100", NULL};
  for (int i = 0; utf8[i]; i++)
    if (!strcmp(norm, utf8[i])) {
      *canonical = "utf-8";
      return ENC_UTF8;
    }
  for (int i = 0; ascii[i]; i++)
    if (!strcmp(norm, ascii[i])) {
      *canonical = "ascii";
      return ENC_ASCII;
    }
  for (int i = 0; latin1[i]; i++)
    if (!strcmp(norm, latin1[i])) {
      *canonical = "latin-1";
      return ENC_LATIN1;
    }
  return ENC_UNKNOWN;
}

static Value decode_error(VM *vm, const char *enc, const uint8_t *data, size_t size, size_t start,
                          size_t end, const char *reason) {
  Value args[5];
  args[0] = OBJ_VAL(asy_str_cstr(vm, enc));
  args[1] = bytes_val(vm, data, size);
  args[2] = INT_VAL((int64_t)start);
  args[3] = INT_VAL((int64_t)end);
  args[4] = OBJ_VAL(asy_str_cstr(vm, reason));
  Value exc = asy_new_exception(vm, vm->exc.UnicodeDecodeError, 5, args);
  if (IS_EXC(exc)) return exc;
  return asy_raise_value(vm, exc);
}

Value asy_bytes_decode(VM *vm, const uint8_t *data, size_t size, const char *encoding,
                       const char *errors) {
  const char *canon = encoding;
  int kind = encoding_kind(encoding, &canon);
  if (kind == ENC_UNKNOWN)
    return asy_raise(vm, vm->exc.LookupError, "unknown encoding: %s", encoding);
  /* Fast path: valid UTF-8 (or ASCII) copies straight in. */
  if (kind != ENC_LATIN1) {
    size_t i = 0;
    if (kind == ENC_ASCII) {
      while (i < size && data[i] < 0x80) i++;
    } else {
      size_t bad;
      const char *reason;
      while (i < size) {
        size_t k = asy_utf8_seq(data + i, size - i, &bad, &reason);
        if (!k) break;
        i += k;
      }
    }
    if (i == size) return OBJ_VAL(asy_str_new(vm, (const char *)data, size));
  }
  AsyBuf b;
  asy_buf_init(&b, vm);
  for (size_t i = 0; i < size;) {
    size_t k = 0, bad = 1;
    const char *reason = "ordinal not in range(128)";
    if (kind == ENC_LATIN1) {
      asy_buf_put_cp(&b, data[i]);
      i++;
      continue;
    }
    if (kind == ENC_ASCII) k = data[i] < 0x80 ? 1 : 0;
    else k = asy_utf8_seq(data + i, size - i, &bad, &reason);
    if (k) {
      asy_buf_put(&b, (const char *)data + i, k);
      i += k;
      continue;
    }
    if (!strcmp(errors, "strict")) {
      asy_buf_free(&b);
      return decode_error(vm, canon, data, size, i, i + bad, reason);
    } else if (!strcmp(errors, "replace")) {
      asy_buf_put_cp(&b, 0xFFFD);
    } else if (!strcmp(errors, "ignore")) {
      /* nothing */
    } else if (!strcmp(errors, "backslashreplace")) {
      for (size_t j = 0; j < bad; j++) asy_buf_printf(&b, "\\x%02x", data[i + j]);
    } else if (!strcmp(errors, "surrogateescape")) {
      for (size_t j = 0; j < bad; j++) asy_buf_put_cp(&b, 0xDC00 + data[i + j]);
    } else {
      asy_buf_free(&b);
      return asy_raise(vm, vm->exc.LookupError, "unknown error handler name '%s'", errors);
    }
    i += bad;
  }
  return OBJ_VAL(asy_buf_to_str(&b));
}

/* The encoding and errors of fname as C strings, "utf-8" and "strict" when UNDEF: false
** with Argument Clinic's TypeError when one is not a str. */
static bool codec_names(VM *vm, const char *fname, Value encoding, Value errors, const char **enc,
                        const char **err) {
  const char *names[2] = {"encoding", "errors"};
  Value v[2] = {encoding, errors};
  const char **out[2] = {enc, err};
  *enc = "utf-8";
  *err = "strict";
  for (int i = 0; i < 2; i++) {
    if (IS_UNDEF(v[i])) continue;
    if (!IS_STR(v[i])) {
      asy_raise(vm, vm->exc.TypeError, "%s() argument '%s' must be str, not %s", fname, names[i],
                asy_arg_type_name(vm, v[i]));
      return false;
    }
    *out[i] = AS_STR(v[i])->chars;
  }
  return true;
}

bool asy_codec_args(VM *vm, const char *fname, int argc, Value *args, ObjDict *kw, const char **enc,
                    const char **err) {
  static const char *const names[] = {"encoding", "errors"};
  Value a[2];
  return asy_kwargs(vm, fname, argc, args, kw, names, 2, 0, 0, a) &&
         codec_names(vm, fname, a[0], a[1], enc, err);
}

Value asy_str_encode(VM *vm, ObjStr *s, const char *encoding, const char *errors) {
  const char *canon = encoding;
  int kind = encoding_kind(encoding, &canon);
  if (kind == ENC_UNKNOWN)
    return asy_raise(vm, vm->exc.LookupError, "unknown encoding: %s", encoding);
  if (s->length == s->size) return bytes_val(vm, s->chars, s->size); /* ASCII */
  uint32_t limit = kind == ENC_ASCII ? 0x80 : kind == ENC_LATIN1 ? 0x100 : 0x110000;
  AsyBuf b;
  asy_buf_init(&b, vm);
  size_t pos = 0;
  for (size_t i = 0; i < s->size; pos++) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(s->chars + i, s->size - i, &adv);
    bool surrogate = cp >= 0xD800 && cp < 0xE000;
    if (cp < limit && !surrogate) {
      if (kind == ENC_UTF8) asy_buf_put(&b, s->chars + i, adv);
      else asy_buf_putc(&b, (char)cp);
      i += adv;
      continue;
    }
    if (!strcmp(errors, "strict")) {
      /* Report the run of unencodable characters, as CPython does. */
      size_t end = pos + 1, j = i + adv;
      while (j < s->size) {
        size_t a2;
        uint32_t c2 = asy_utf8_decode(s->chars + j, s->size - j, &a2);
        bool s2 = c2 >= 0xD800 && c2 < 0xE000;
        if ((kind == ENC_UTF8 && !s2) || (kind != ENC_UTF8 && c2 < limit)) break;
        j += a2;
        end++;
      }
      asy_buf_free(&b);
      const char *reason = kind == ENC_UTF8    ? "surrogates not allowed"
                           : kind == ENC_ASCII ? "ordinal not in range(128)"
                                               : "ordinal not in range(256)";
      /* UnicodeEncodeError(encoding, object, start, end, reason): its __str__ builds
      ** CPython's message from these. */
      size_t mark = asy_temp_mark(vm);
      Value eargs[5];
      eargs[0] = OBJ_VAL(asy_str_cstr(vm, canon));
      asy_push_root(vm, eargs[0]);
      eargs[1] = OBJ_VAL(s);
      eargs[2] = INT_VAL((int64_t)pos);
      eargs[3] = INT_VAL((int64_t)end);
      eargs[4] = OBJ_VAL(asy_str_cstr(vm, reason));
      asy_push_root(vm, eargs[4]);
      Value exc = asy_new_exception(vm, vm->exc.UnicodeEncodeError, 5, eargs);
      asy_temp_reset(vm, mark);
      if (IS_EXC(exc)) return exc;
      return asy_raise_value(vm, exc);
    } else if (!strcmp(errors, "replace")) {
      asy_buf_putc(&b, '?');
    } else if (!strcmp(errors, "ignore")) {
      /* nothing */
    } else if (!strcmp(errors, "backslashreplace")) {
      if (cp < 0x100) asy_buf_printf(&b, "\\x%02x", cp);
      else if (cp < 0x10000) asy_buf_printf(&b, "\\u%04x", cp);
      else asy_buf_printf(&b, "\\U%08x", cp);
    } else if (!strcmp(errors, "xmlcharrefreplace")) {
      asy_buf_printf(&b, "&#%u;", cp);
    } else if (!strcmp(errors, "surrogateescape") && cp >= 0xDC80 && cp <= 0xDCFF) {
      asy_buf_putc(&b, (char)(cp - 0xDC00));
    } else if (!strcmp(errors, "surrogatepass") && kind == ENC_UTF8 && surrogate) {
      asy_buf_put(&b, s->chars + i, adv);
    } else {
      asy_buf_free(&b);
      return asy_raise(vm, vm->exc.LookupError, "unknown error handler name '%s'", errors);
    }
    i += adv;
  }
  Value r = bytes_val(vm, b.data ? b.data : "", b.len);
  asy_buf_free(&b);
  return r;
}

/* ---- methods ------------------------------------------------------------------------------ */
/* The methods bytes shares with str are in strspan.c; these are bytes' own. */

#define SELF AS_BYTES(args[0])

/* A bytes-like argument (bytes only in Asy). */
static ObjBytes *bytes_arg(VM *vm, Value v) {
  if (IS_BYTES(v)) return AS_BYTES(v);
  asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not '%s'",
            asy_type_name(vm, v));
  return NULL;
}

static Value b_decode(VM *vm, int argc, Value *args, ObjDict *kw) {
  const char *enc, *err;
  if (!asy_codec_args(vm, "decode", argc - 1, args + 1, kw, &enc, &err)) return EXC_VAL;
  return asy_bytes_decode(vm, SELF->data, SELF->size, enc, err);
}

/* bytes.hex(sep=<none>, bytes_per_sep=1): sep (str or bytes, one ASCII char) every
** |bytes_per_sep| bytes, counted from the right when positive, from the left when negative. */
static Value b_hex(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"sep", "bytes_per_sep"};
  Value a[2];
  if (!asy_kwargs(vm, "hex", argc - 1, args + 1, kw, names, 2, 0, 0, a)) return EXC_VAL;
  Value sepv = a[0], perv = a[1];
  ObjBytes *b = SELF;
  char sep = 0;
  if (!IS_UNDEF(sepv)) {
    const char *sp;
    size_t sn;
    if (IS_STR(sepv)) {
      sp = AS_STR(sepv)->chars;
      sn = AS_STR(sepv)->length;
    } else if (IS_BYTES(sepv)) {
      sp = (const char *)AS_BYTES(sepv)->data;
      sn = AS_BYTES(sepv)->size;
    } else {
      return asy_raise(vm, vm->exc.TypeError, "object of type '%s' has no len()",
                       asy_type_name(vm, sepv));
    }
    if (sn != 1) return asy_raise(vm, vm->exc.ValueError, "sep must be length 1.");
    if ((unsigned char)sp[0] > 127) return asy_raise(vm, vm->exc.ValueError, "sep must be ASCII.");
    sep = sp[0];
  }
  int64_t per = 1;
  if (!IS_UNDEF(perv) && !asy_index(vm, perv, &per)) return EXC_VAL;
  size_t group = per < 0 ? (size_t)(-(per + 1)) + 1 : (size_t)per;
  if (!sep || group == 0) sep = 0;
  AsyBuf buf;
  asy_buf_init(&buf, vm);
  for (size_t i = 0; i < b->size; i++) {
    /* Right-aligned groups (positive) start where the count of bytes left divides. */
    if (i && sep && (per > 0 ? (b->size - i) % group == 0 : i % group == 0))
      asy_buf_put(&buf, &sep, 1);
    asy_buf_printf(&buf, "%02x", b->data[i]);
  }
  return OBJ_VAL(asy_buf_to_str(&buf));
}

/* bytes.translate(table, /, delete=b''): table is None or 256 bytes. */
static Value b_translate(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"table", "delete"};
  Value a[2];
  if (!asy_kwargs(vm, "translate", argc - 1, args + 1, kw, names, 2, 1, 1, a)) return EXC_VAL;
  Value dv = a[1];
  const uint8_t *table = NULL;
  if (!IS_NONE(a[0])) {
    ObjBytes *t = bytes_arg(vm, a[0]);
    if (!t) return EXC_VAL;
    if (t->size != 256)
      return asy_raise(vm, vm->exc.ValueError, "translation table must be 256 characters long");
    table = t->data;
  }
  bool del[256] = {false};
  if (!IS_UNDEF(dv)) {
    ObjBytes *d = bytes_arg(vm, dv);
    if (!d) return EXC_VAL;
    for (size_t i = 0; i < d->size; i++) del[d->data[i]] = true;
  }
  ObjBytes *b = SELF;
  size_t n = 0;
  for (size_t i = 0; i < b->size; i++) n += !del[b->data[i]];
  ObjBytes *r = asy_bytes_alloc(vm, n); /* the GC sizes objects by their size field */
  n = 0;
  for (size_t i = 0; i < b->size; i++) {
    uint8_t c = b->data[i];
    if (!del[c]) r->data[n++] = table ? table[c] : c;
  }
  r->data[n] = 0;
  return OBJ_VAL(r);
}

/* bytes.maketrans(frm, to): a static method building a 256-byte translation table. */
static Value b_maketrans(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjBytes *f = bytes_arg(vm, args[0]);
  if (!f) return EXC_VAL;
  ObjBytes *t = bytes_arg(vm, args[1]);
  if (!t) return EXC_VAL;
  if (f->size != t->size)
    return asy_raise(vm, vm->exc.ValueError, "maketrans arguments must have same length");
  ObjBytes *r = asy_bytes_alloc(vm, 256);
  for (int i = 0; i < 256; i++) r->data[i] = (uint8_t)i;
  for (size_t i = 0; i < f->size; i++) r->data[f->data[i]] = t->data[i];
  r->data[256] = 0;
  return OBJ_VAL(r);
}

static bool is_ws(uint8_t c) { return c == ' ' || (c >= 9 && c <= 13); }

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* bytes.fromhex(string): a classmethod (args[0] is the class). */
static Value b_fromhex(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "fromhex() argument must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  ObjStr *s = AS_STR(args[1]);
  AsyBuf buf;
  asy_buf_init(&buf, vm);
  size_t i = 0;
  while (i < s->size) {
    if (is_ws((uint8_t)s->chars[i])) {
      i++;
      continue;
    }
    int hi = hexval(s->chars[i]);
    int lo = i + 1 < s->size ? hexval(s->chars[i + 1]) : -1;
    if (hi < 0 || lo < 0) {
      asy_buf_free(&buf);
      size_t pos = hi < 0 ? i : i + 1;
      return asy_raise_fmt(vm, vm->exc.ValueError,
                           "non-hexadecimal number found in fromhex() arg at position %zu",
                           asy_utf8_length(s->chars, pos));
    }
    asy_buf_putc(&buf, (char)(hi * 16 + lo));
    i += 2;
  }
  Value r = bytes_val(vm, buf.data ? buf.data : "", buf.len);
  asy_buf_free(&buf);
  return r;
}

/* bytes(source=b'', encoding=…, errors=…). args[0] is cls. */
static Value b_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"source", "encoding", "errors"};
  Value a[3];
  if (!asy_kwargs(vm, "bytes", argc - 1, args + 1, kw, names, 3, 0, 0, a)) return EXC_VAL;
  Value src = a[0], enc = a[1], err = a[2];
  /* Argument Clinic converts encoding and errors before anything else looks at them. */
  const char *encoding, *errors;
  if (!codec_names(vm, "bytes", enc, err, &encoding, &errors)) return EXC_VAL;
  if (IS_UNDEF(src)) {
    if (!IS_UNDEF(enc) || !IS_UNDEF(err))
      return asy_raise(vm, vm->exc.TypeError,
                       IS_UNDEF(enc) ? "errors without a string argument"
                                     : "encoding without a string argument");
    return bytes_val(vm, "", 0);
  }
  if (IS_STR(src)) {
    if (IS_UNDEF(enc))
      return asy_raise(vm, vm->exc.TypeError, "string argument without an encoding");
    return asy_str_encode(vm, AS_STR(src), encoding, errors);
  }
  if (!IS_UNDEF(enc) || !IS_UNDEF(err))
    return asy_raise(vm, vm->exc.TypeError,
                     IS_UNDEF(enc) ? "errors without a string argument"
                                   : "encoding without a string argument");
  if (IS_BYTES(src)) return src;
  if (IS_INTLIKE(src)) {
    int64_t n = AS_INTLIKE(src);
    if (n < 0) return asy_raise(vm, vm->exc.ValueError, "negative count");
    if (n > (int64_t)ASY_STR_MAX) return asy_memory_error(vm);
    ObjBytes *r = asy_bytes_alloc(vm, (size_t)n);
    return OBJ_VAL(r); /* zero-filled by the allocator */
  }
  Value from_dunder = asy_bytes_dunder(vm, src);
  if (!IS_UNDEF(from_dunder)) return from_dunder;
  Value it = asy_iter(vm, src);
  if (IS_EXC(it)) {
    if (asy_pending_is(vm, vm->exc.TypeError)) {
      asy_clear_pending(vm);
      return asy_raise(vm, vm->exc.TypeError, "cannot convert '%s' object to bytes",
                       asy_type_name(vm, src));
    }
    return it;
  }
  AsyBuf buf;
  asy_buf_init(&buf, vm);
  for (;;) {
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) {
      asy_buf_free(&buf);
      return v;
    }
    if (IS_UNDEF(v)) break;
    int64_t x;
    if (IS_INTLIKE(v)) x = AS_INTLIKE(v);
    else if (!asy_index(vm, v, &x)) {
      asy_buf_free(&buf);
      return EXC_VAL;
    }
    if (x < 0 || x > 255) {
      asy_buf_free(&buf);
      return asy_raise(vm, vm->exc.ValueError, "bytes must be in range(0, 256)");
    }
    asy_buf_putc(&buf, (char)x);
  }
  Value r = bytes_val(vm, buf.data ? buf.data : "", buf.len);
  asy_buf_free(&buf);
  return r;
}

/* clang-format off */
static const AsyMethodDef bytes_methods[] = {
  {"decode", b_decode, 0, 2, ASY_ARGS_KW}, {"hex", b_hex, 0, 2, ASY_ARGS_KW},
  {"translate", b_translate, 1, 2, ASY_ARGS_KW},
  {"__new__", b_new, ASY_UNCHECKED},
  {"fromhex", b_fromhex, 1, 1, ASY_ARGS_AUTO | ASY_DEF_CLASS},
  {"bytes.maketrans", b_maketrans, 2, 2, ASY_ARGS_AUTO | ASY_DEF_STATIC},
  {0},
};
/* clang-format on */

void asy_init_bytes_type(VM *vm) {
  asy_def_span_methods(vm, vm->types.bytes);
  asy_def_natives(vm, vm->types.bytes, NULL, bytes_methods);
}
