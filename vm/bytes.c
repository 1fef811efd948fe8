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

#include "gc.h"
#include "ops.h"
#include "str.h"

ObjBytes *asy_bytes_new(VM *vm, const uint8_t *data, size_t size) {
  ObjBytes *b = (ObjBytes *)asy_alloc_obj(vm, sizeof(ObjBytes) + size + 1, OBJ_BYTES, vm->types.bytes);
  b->size = size;
  b->hash = -1;
  if (size) memcpy(b->data, data, size);
  b->data[size] = 0;
  return b;
}

static ObjBytes *bytes_alloc(VM *vm, size_t size) {
  ObjBytes *b = (ObjBytes *)asy_alloc_obj(vm, sizeof(ObjBytes) + size + 1, OBJ_BYTES, vm->types.bytes);
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

Value asy_bytes_repr(VM *vm, ObjBytes *b) {
  AsyBuf buf;
  asy_buf_init(&buf, vm);
  asy_bytes_repr_to(&buf, b);
  return OBJ_VAL(asy_buf_to_str(&buf));
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
  int c = asy_bytes_cmp(a, b);
  switch (op) {
  case CMP_LT: return BOOL_VAL(c < 0);
  case CMP_LE: return BOOL_VAL(c <= 0);
  case CMP_GT: return BOOL_VAL(c > 0);
  default: return BOOL_VAL(c >= 0);
  }
}

Value asy_bytes_concat(VM *vm, ObjBytes *a, ObjBytes *b) {
  ObjBytes *r = bytes_alloc(vm, a->size + b->size);
  memcpy(r->data, a->data, a->size);
  memcpy(r->data + a->size, b->data, b->size);
  r->data[r->size] = 0;
  return OBJ_VAL(r);
}

Value asy_bytes_getitem(VM *vm, ObjBytes *b, Value key) {
  if (IS_OBJ_TYPE(key, OBJ_SLICE)) {
    int64_t start, stop, step, n;
    if (!asy_slice_indices(vm, AS_SLICE(key), (int64_t)b->size, &start, &stop, &step, &n))
      return EXC_VAL;
    ObjBytes *r = bytes_alloc(vm, (size_t)n);
    for (int64_t k = 0, i = start; k < n; k++, i += step) r->data[k] = b->data[i];
    r->data[n] = 0;
    return OBJ_VAL(r);
  }
  int64_t i;
  if (IS_INTLIKE(key)) i = AS_INTLIKE(key);
  else if (IS_OBJ(key) && !IS_UNDEF(asy_class_lookup(asy_class_of(vm, key), vm->names.index))) {
    if (!asy_index(vm, key, &i)) return EXC_VAL;
  } else {
    return asy_raise(vm, vm->exc.TypeError, "byte indices must be integers or slices, not %s",
                     asy_type_name(vm, key));
  }
  if (i < 0) i += (int64_t)b->size;
  if (i < 0 || i >= (int64_t)b->size) return asy_raise(vm, vm->exc.IndexError, "index out of range");
  return INT_VAL(b->data[i]);
}

static Value bytes_iter_next(VM *vm, ObjIter *it) {
  (void)vm;
  ObjBytes *b = AS_BYTES(it->a);
  if ((size_t)it->i >= b->size) return UNDEF_VAL;
  return INT_VAL(b->data[it->i++]);
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
  static const char *const latin1[] = {"latin-1", "latin1", "iso-8859-1", "iso8859-1", "8859",
                                       "cp819", "l1", "latin", "iso-ir-100", NULL};
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

/* Length of the valid UTF-8 sequence at s[0..n), or 0 with *bad set to the number of
** bytes in the maximal invalid prefix and *reason to CPython's explanation. */
static size_t utf8_step(const uint8_t *s, size_t n, size_t *bad, const char **reason) {
  uint8_t c = s[0];
  if (c < 0x80) return 1;
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) need = 1;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    *bad = 1;
    *reason = "invalid start byte";
    return 0;
  }
  for (size_t k = 1; k <= need; k++) {
    if (k >= n) {
      *bad = n;
      *reason = "unexpected end of data";
      return 0;
    }
    uint8_t lim_lo = k == 1 ? lo : 0x80, lim_hi = k == 1 ? hi : 0xBF;
    if (s[k] < lim_lo || s[k] > lim_hi) {
      *bad = k;
      *reason = "invalid continuation byte";
      return 0;
    }
  }
  return need + 1;
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
  if (kind == ENC_UNKNOWN) return asy_raise(vm, vm->exc.LookupError, "unknown encoding: %s", encoding);
  /* Fast path: valid UTF-8 (or ASCII) copies straight in. */
  if (kind != ENC_LATIN1) {
    size_t i = 0;
    if (kind == ENC_ASCII) {
      while (i < size && data[i] < 0x80) i++;
    } else {
      size_t bad;
      const char *reason;
      while (i < size) {
        size_t k = utf8_step(data + i, size - i, &bad, &reason);
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
    else k = utf8_step(data + i, size - i, &bad, &reason);
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

Value asy_str_encode(VM *vm, ObjStr *s, const char *encoding, const char *errors) {
  const char *canon = encoding;
  int kind = encoding_kind(encoding, &canon);
  if (kind == ENC_UNKNOWN) return asy_raise(vm, vm->exc.LookupError, "unknown encoding: %s", encoding);
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
      const char *reason = kind == ENC_UTF8 ? "surrogates not allowed"
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

#define SELF AS_BYTES(args[0])
#define CHECK_SELF(name) ASY_SELF(OBJ_BYTES, name, "bytes")

/* A bytes-like argument (bytes only in Asy). */
static ObjBytes *bytes_arg(VM *vm, Value v) {
  if (IS_BYTES(v)) return AS_BYTES(v);
  asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not '%s'", asy_type_name(vm, v));
  return NULL;
}

/* A needle for find/count/`in`: bytes or an int in range(256). */
static bool needle_arg(VM *vm, Value v, const uint8_t **p, size_t *n, uint8_t *one) {
  if (IS_BYTES(v)) {
    *p = AS_BYTES(v)->data;
    *n = AS_BYTES(v)->size;
    return true;
  }
  if (IS_INTLIKE(v)) {
    int64_t x = AS_INTLIKE(v);
    if (x < 0 || x > 255) {
      asy_raise(vm, vm->exc.ValueError, "byte must be in range(0, 256)");
      return false;
    }
    *one = (uint8_t)x;
    *p = one;
    *n = 1;
    return true;
  }
  asy_raise(vm, vm->exc.TypeError, "argument should be integer or bytes-like object, not '%s'",
            asy_type_name(vm, v));
  return false;
}

static bool bound_arg(VM *vm, Value v, int64_t *out) {
  if (IS_NONE(v)) return true;
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  asy_raise(vm, vm->exc.TypeError, "slice indices must be integers or None or have an __index__ method");
  return false;
}

/* bfind: a find over h[start:end) (adjusted bounds), as an offset into h. */
static int64_t bfind(const uint8_t *h, int64_t start, int64_t end, const uint8_t *nd, size_t nn,
                     bool reverse) {
  if (end < start) return -1;
  int64_t r = asy_mem_find(h + start, (size_t)(end - start), nd, nn, reverse);
  return r < 0 ? -1 : start + r;
}

static Value find_common(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, bool reverse,
                         bool raise, bool count) {
  ObjBytes *b = SELF;
  const uint8_t *nd;
  size_t nn;
  uint8_t one;
  if (!needle_arg(vm, args[1], &nd, &nn, &one)) return EXC_VAL;
  int64_t start = 0, end = INT64_MAX, len = (int64_t)b->size;
  if (argc > 2 && !bound_arg(vm, args[2], &start)) return EXC_VAL;
  if (argc > 3 && !bound_arg(vm, args[3], &end)) return EXC_VAL;
  asy_adjust_indices(&start, &end, len);
  if (count) {
    if (start > len || end - start < (int64_t)nn) return INT_VAL(0);
    if (nn == 0) return INT_VAL(end - start + 1);
    return INT_VAL(asy_mem_count(b->data + start, (size_t)(end - start), nd, nn));
  }
  int64_t r = start > len ? -1 : bfind(b->data, start, end, nd, nn, reverse);
  if (r < 0 && raise) return asy_raise(vm, vm->exc.ValueError, "subsection not found");
  return INT_VAL(r);
}

static Value b_find(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("find");
  return find_common(vm, argc, args, kw, "find", false, false, false);
}
static Value b_rfind(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rfind");
  return find_common(vm, argc, args, kw, "rfind", true, false, false);
}
static Value b_index(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("index");
  return find_common(vm, argc, args, kw, "index", false, true, false);
}
static Value b_rindex(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rindex");
  return find_common(vm, argc, args, kw, "rindex", true, true, false);
}
static Value b_count(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("count");
  return find_common(vm, argc, args, kw, "count", false, false, true);
}

static Value starts_ends(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, bool ends) {
  ObjBytes *b = SELF;
  int64_t start = 0, end = INT64_MAX, len = (int64_t)b->size;
  if (argc > 2 && !bound_arg(vm, args[2], &start)) return EXC_VAL;
  if (argc > 3 && !bound_arg(vm, args[3], &end)) return EXC_VAL;
  asy_adjust_indices(&start, &end, len);
  Value *items = &args[1];
  size_t n = 1;
  if (IS_TUPLE(args[1])) {
    items = AS_TUPLE(args[1])->items;
    n = AS_TUPLE(args[1])->size;
  } else if (!IS_BYTES(args[1])) {
    return asy_raise(vm, vm->exc.TypeError, "%s first arg must be bytes or a tuple of bytes, not %s",
                     name, asy_type_name(vm, args[1]));
  }
  for (size_t k = 0; k < n; k++) {
    if (!IS_BYTES(items[k]))
      return asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not '%s'",
                       asy_type_name(vm, items[k]));
    ObjBytes *p = AS_BYTES(items[k]);
    if (start > len || end - start < (int64_t)p->size) continue;
    const uint8_t *at = ends ? b->data + end - p->size : b->data + start;
    if (memcmp(at, p->data, p->size) == 0) return TRUE_VAL;
  }
  return FALSE_VAL;
}

static Value b_startswith(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("startswith");
  return starts_ends(vm, argc, args, kw, "startswith", false);
}
static Value b_endswith(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("endswith");
  return starts_ends(vm, argc, args, kw, "endswith", true);
}

static bool is_ws(uint8_t c) { return c == ' ' || (c >= 9 && c <= 13); }

static Value b_split_common(VM *vm, int argc, Value *args, ObjDict *kw, bool right) {
  static const char *const names[] = {"sep", "maxsplit"};
  Value a[2];
  if (!asy_kwargs(vm, right ? "rsplit" : "split", argc - 1, args + 1, kw, names, 2, 0, 0, a))
    return EXC_VAL;
  Value sepv = a[0], maxv = a[1];
  ObjBytes *b = SELF;
  int64_t maxsplit = -1;
  if (!IS_UNDEF(maxv) && !asy_index(vm, maxv, &maxsplit)) return EXC_VAL;
  if (maxsplit < 0) maxsplit = INT64_MAX;
  ObjList *out = asy_list_new(vm, 0);
  const uint8_t *d = b->data;
  size_t n = b->size;
  if (IS_UNDEF(sepv) || IS_NONE(sepv)) {
    if (!right) {
      size_t i = 0;
      while (i < n) {
        while (i < n && is_ws(d[i])) i++;
        if (i >= n) break;
        if (maxsplit-- <= 0) {
          asy_list_append(vm, out, bytes_val(vm, d + i, n - i));
          break;
        }
        size_t j = i;
        while (j < n && !is_ws(d[j])) j++;
        asy_list_append(vm, out, bytes_val(vm, d + i, j - i));
        i = j;
      }
    } else {
      size_t e = n;
      for (;;) {
        while (e > 0 && is_ws(d[e - 1])) e--;
        if (e == 0) break;
        if (maxsplit-- <= 0) {
          asy_list_append(vm, out, bytes_val(vm, d, e));
          break;
        }
        size_t s = e;
        while (s > 0 && !is_ws(d[s - 1])) s--;
        asy_list_append(vm, out, bytes_val(vm, d + s, e - s));
        e = s;
      }
    }
  } else {
    ObjBytes *sep = bytes_arg(vm, sepv);
    if (!sep) return EXC_VAL;
    if (sep->size == 0) return asy_raise(vm, vm->exc.ValueError, "empty separator");
    if (!right) {
      int64_t p = 0;
      while (maxsplit-- > 0) {
        int64_t hit = bfind(d, p, (int64_t)n, sep->data, sep->size, false);
        if (hit < 0) break;
        asy_list_append(vm, out, bytes_val(vm, d + p, (size_t)(hit - p)));
        p = hit + (int64_t)sep->size;
      }
      asy_list_append(vm, out, bytes_val(vm, d + p, n - (size_t)p));
    } else {
      int64_t e = (int64_t)n;
      while (maxsplit-- > 0) {
        int64_t hit = bfind(d, 0, e, sep->data, sep->size, true);
        if (hit < 0) break;
        asy_list_append(vm, out, bytes_val(vm, d + hit + sep->size, (size_t)(e - hit) - sep->size));
        e = hit;
      }
      asy_list_append(vm, out, bytes_val(vm, d, (size_t)e));
    }
  }
  if (right)
    for (size_t i = 0, j = out->size; i + 1 < j; i++, j--) {
      Value t = out->items[i];
      out->items[i] = out->items[j - 1];
      out->items[j - 1] = t;
    }
  return OBJ_VAL(out);
}

static Value b_split(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("split");
  return b_split_common(vm, argc, args, kw, false);
}
static Value b_rsplit(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rsplit");
  return b_split_common(vm, argc, args, kw, true);
}

static Value b_splitlines(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("splitlines");
  static const char *const names[] = {"keepends"};
  Value kv;
  if (!asy_kwargs(vm, "splitlines", argc - 1, args + 1, kw, names, 1, 0, 0, &kv)) return EXC_VAL;
  bool keep = false;
  if (!IS_UNDEF(kv)) {
    int t = asy_truthy(vm, kv);
    if (t < 0) return EXC_VAL;
    keep = t;
  }
  ObjBytes *b = SELF;
  ObjList *out = asy_list_new(vm, 0);
  size_t i = 0, n = b->size;
  while (i < n) {
    size_t s = i;
    while (i < n && b->data[i] != '\n' && b->data[i] != '\r') i++;
    size_t eol = i;
    if (i < n) {
      if (b->data[i] == '\r' && i + 1 < n && b->data[i + 1] == '\n') i += 2;
      else i++;
    }
    asy_list_append(vm, out, bytes_val(vm, b->data + s, (keep ? i : eol) - s));
  }
  return OBJ_VAL(out);
}

static Value strip_common(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int mode) {
  ObjBytes *b = SELF, *chars = NULL;
  if (argc > 1 && !IS_NONE(args[1])) {
    chars = bytes_arg(vm, args[1]);
    if (!chars) return EXC_VAL;
  }
  size_t s = 0, e = b->size;
#define STRIPPABLE(c) (chars ? memchr(chars->data, (c), chars->size) != NULL : is_ws(c))
  if (mode & 1)
    while (s < e && STRIPPABLE(b->data[s])) s++;
  if (mode & 2)
    while (e > s && STRIPPABLE(b->data[e - 1])) e--;
#undef STRIPPABLE
  return bytes_val(vm, b->data + s, e - s);
}

static Value b_strip(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("strip");
  return strip_common(vm, argc, args, kw, "strip", 3);
}
static Value b_lstrip(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("lstrip");
  return strip_common(vm, argc, args, kw, "lstrip", 1);
}
static Value b_rstrip(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rstrip");
  return strip_common(vm, argc, args, kw, "rstrip", 2);
}

static Value b_join(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("join");
  ObjBytes *sep = SELF;
  if (IS_LIST(args[1]) || IS_TUPLE(args[1])) {
    /* Size the result first, as CPython does: MemoryError rather than an abort when the
    ** builder's realloc fails (the per-item check below covers other iterables). */
    size_t n = IS_LIST(args[1]) ? AS_LIST(args[1])->size : AS_TUPLE(args[1])->size;
    Value *items = IS_LIST(args[1]) ? AS_LIST(args[1])->items : AS_TUPLE(args[1])->items;
    uint64_t total = n ? (uint64_t)sep->size * (n - 1) : 0;
    for (size_t i = 0; i < n; i++)
      if (IS_BYTES(items[i])) total += AS_BYTES(items[i])->size;
    if (asy_alloc_too_big(total, 1)) return asy_memory_error(vm);
  }
  Value it = asy_iter(vm, args[1]);
  if (IS_EXC(it)) {
    if (asy_pending_is(vm, vm->exc.TypeError)) {
      asy_clear_pending(vm);
      return asy_raise(vm, vm->exc.TypeError, "can only join an iterable");
    }
    return EXC_VAL;
  }
  AsyBuf buf;
  asy_buf_init(&buf, vm);
  for (size_t i = 0;; i++) {
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) {
      asy_buf_free(&buf);
      return v;
    }
    if (IS_UNDEF(v)) break;
    if (!IS_BYTES(v)) {
      asy_buf_free(&buf);
      return asy_raise_fmt(vm, vm->exc.TypeError,
                           "sequence item %zu: expected a bytes-like object, %s found", i,
                           asy_type_name(vm, v));
    }
    if (asy_alloc_too_big(buf.len + sep->size + AS_BYTES(v)->size, 1)) {
      asy_buf_free(&buf);
      return asy_memory_error(vm); /* not an abort when the builder's realloc fails */
    }
    if (i) asy_buf_put(&buf, (const char *)sep->data, sep->size);
    asy_buf_put(&buf, (const char *)AS_BYTES(v)->data, AS_BYTES(v)->size);
  }
  Value r = bytes_val(vm, buf.data ? buf.data : "", buf.len);
  asy_buf_free(&buf);
  return r;
}

static Value b_replace(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("replace");
  ObjBytes *b = SELF, *old = bytes_arg(vm, args[1]);
  if (!old) return EXC_VAL;
  ObjBytes *new_ = bytes_arg(vm, args[2]);
  if (!new_) return EXC_VAL;
  int64_t count = -1;
  if (argc > 3 && !asy_index(vm, args[3], &count)) return EXC_VAL;
  if (count < 0) count = INT64_MAX;
  if (new_->size > old->size) {
    /* Size the result first (see str.replace): MemoryError rather than an abort. */
    uint64_t hits = 0;
    if (old->size == 0) {
      hits = (uint64_t)b->size + 1 < (uint64_t)count ? (uint64_t)b->size + 1 : (uint64_t)count;
    } else {
      for (int64_t q = 0, h; hits < (uint64_t)count &&
                             (h = bfind(b->data, q, (int64_t)b->size, old->data, old->size, false)) >= 0;
           q = h + (int64_t)old->size)
        hits++;
    }
    size_t grow = new_->size - old->size;
    if (hits && (hits > (SIZE_MAX - b->size) / grow || asy_alloc_too_big(b->size + hits * grow, 1)))
      return asy_memory_error(vm);
  }
  AsyBuf buf;
  asy_buf_init(&buf, vm);
  if (old->size == 0) {
    for (size_t i = 0; i < b->size; i++) {
      if (count-- > 0) asy_buf_put(&buf, (const char *)new_->data, new_->size);
      asy_buf_putc(&buf, (char)b->data[i]);
    }
    if (count-- > 0) asy_buf_put(&buf, (const char *)new_->data, new_->size);
  } else {
    int64_t p = 0, n = (int64_t)b->size;
    while (count-- > 0) {
      int64_t hit = bfind(b->data, p, n, old->data, old->size, false);
      if (hit < 0) break;
      asy_buf_put(&buf, (const char *)b->data + p, (size_t)(hit - p));
      asy_buf_put(&buf, (const char *)new_->data, new_->size);
      p = hit + (int64_t)old->size;
    }
    asy_buf_put(&buf, (const char *)b->data + p, (size_t)(n - p));
  }
  Value r = bytes_val(vm, buf.data ? buf.data : "", buf.len);
  asy_buf_free(&buf);
  return r;
}

static Value partition_common(VM *vm, int argc, Value *args, ObjDict *kw, bool right) {
  ObjBytes *b = SELF, *sep = bytes_arg(vm, args[1]);
  if (!sep) return EXC_VAL;
  if (sep->size == 0) return asy_raise(vm, vm->exc.ValueError, "empty separator");
  int64_t hit = bfind(b->data, 0, (int64_t)b->size, sep->data, sep->size, right);
  Value items[3];
  Value empty = bytes_val(vm, "", 0);
  if (hit < 0) {
    items[0] = right ? empty : args[0];
    items[1] = empty;
    items[2] = right ? args[0] : empty;
  } else {
    items[0] = bytes_val(vm, b->data, (size_t)hit);
    items[1] = args[1];
    items[2] = bytes_val(vm, b->data + hit + sep->size, b->size - (size_t)hit - sep->size);
  }
  return OBJ_VAL(asy_tuple_from(vm, 3, items));
}

static Value b_partition(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("partition");
  return partition_common(vm, argc, args, kw, false);
}
static Value b_rpartition(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rpartition");
  return partition_common(vm, argc, args, kw, true);
}

static Value b_removeprefix(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("removeprefix");
  ObjBytes *b = SELF, *p = bytes_arg(vm, args[1]);
  if (!p) return EXC_VAL;
  if (p->size <= b->size && memcmp(b->data, p->data, p->size) == 0)
    return bytes_val(vm, b->data + p->size, b->size - p->size);
  return args[0];
}

static Value b_removesuffix(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("removesuffix");
  ObjBytes *b = SELF, *p = bytes_arg(vm, args[1]);
  if (!p) return EXC_VAL;
  if (p->size && p->size <= b->size && memcmp(b->data + b->size - p->size, p->data, p->size) == 0)
    return bytes_val(vm, b->data, b->size - p->size);
  return args[0];
}

enum { BC_UPPER, BC_LOWER, BC_SWAP, BC_TITLE, BC_CAP };

static Value case_common(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int op) {
  ObjBytes *b = SELF;
  ObjBytes *r = bytes_alloc(vm, b->size);
  bool prev_cased = false;
  for (size_t i = 0; i < b->size; i++) {
    uint8_t c = b->data[i];
    bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z';
    bool to_upper = false, to_lower = false;
    switch (op) {
    case BC_UPPER: to_upper = true; break;
    case BC_LOWER: to_lower = true; break;
    case BC_SWAP: to_upper = lo; to_lower = up; break;
    case BC_TITLE: to_upper = !prev_cased; to_lower = prev_cased; break;
    case BC_CAP: to_upper = i == 0; to_lower = i != 0; break;
    }
    if (to_upper && lo) c = (uint8_t)(c - 32);
    else if (to_lower && up) c = (uint8_t)(c + 32);
    prev_cased = up || lo;
    r->data[i] = c;
  }
  r->data[b->size] = 0;
  return OBJ_VAL(r);
}

#define BCASE(fname, pyname, op) \
  static Value fname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    CHECK_SELF(pyname); \
    return case_common(vm, argc, args, kw, pyname, op); \
  }
BCASE(b_upper, "upper", BC_UPPER)
BCASE(b_lower, "lower", BC_LOWER)
BCASE(b_swapcase, "swapcase", BC_SWAP)
BCASE(b_title, "title", BC_TITLE)
BCASE(b_capitalize, "capitalize", BC_CAP)

enum { BP_DIGIT, BP_ALPHA, BP_ALNUM, BP_SPACE, BP_UPPER, BP_LOWER, BP_ASCII };

static Value pred_common(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int op) {
  ObjBytes *b = SELF;
  if (op == BP_ASCII) {
    for (size_t i = 0; i < b->size; i++)
      if (b->data[i] >= 0x80) return FALSE_VAL;
    return TRUE_VAL;
  }
  if (b->size == 0) return FALSE_VAL;
  bool cased = false;
  for (size_t i = 0; i < b->size; i++) {
    uint8_t c = b->data[i];
    bool up = c >= 'A' && c <= 'Z', lo = c >= 'a' && c <= 'z', dg = c >= '0' && c <= '9';
    switch (op) {
    case BP_DIGIT: if (!dg) return FALSE_VAL; break;
    case BP_ALPHA: if (!up && !lo) return FALSE_VAL; break;
    case BP_ALNUM: if (!up && !lo && !dg) return FALSE_VAL; break;
    case BP_SPACE: if (!is_ws(c)) return FALSE_VAL; break;
    case BP_UPPER: if (lo) return FALSE_VAL; if (up) cased = true; break;
    case BP_LOWER: if (up) return FALSE_VAL; if (lo) cased = true; break;
    }
  }
  return (op == BP_UPPER || op == BP_LOWER) ? BOOL_VAL(cased) : TRUE_VAL;
}

#define BPRED(fname, pyname, op) \
  static Value fname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    CHECK_SELF(pyname); \
    return pred_common(vm, argc, args, kw, pyname, op); \
  }
BPRED(b_isdigit, "isdigit", BP_DIGIT)
BPRED(b_isalpha, "isalpha", BP_ALPHA)
BPRED(b_isalnum, "isalnum", BP_ALNUM)
BPRED(b_isspace, "isspace", BP_SPACE)
BPRED(b_isupper, "isupper", BP_UPPER)
BPRED(b_islower, "islower", BP_LOWER)
BPRED(b_isascii, "isascii", BP_ASCII)

static Value justify(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, char how) {
  ObjBytes *b = SELF;
  int64_t width;
  if (!asy_index(vm, args[1], &width)) return EXC_VAL;
  uint8_t fill = ' ';
  if (argc > 2) {
    if (!IS_BYTES(args[2]) || AS_BYTES(args[2])->size != 1)
      return asy_raise(vm, vm->exc.TypeError,
                       "%s() argument 2 must be a byte string of length 1, not %s", name,
                       asy_arg_type_name(vm, args[2]));
    fill = AS_BYTES(args[2])->data[0];
  }
  int64_t len = (int64_t)b->size;
  if (width <= len) return args[0];
  if (width > (int64_t)ASY_STR_MAX) return asy_memory_error(vm);
  int64_t marg = width - len, left;
  if (how == '<') left = 0;
  else if (how == '>') left = marg;
  else left = marg / 2 + (marg & width & 1);
  ObjBytes *r = bytes_alloc(vm, (size_t)width);
  memset(r->data, fill, (size_t)width);
  memcpy(r->data + left, b->data, b->size);
  r->data[width] = 0;
  return OBJ_VAL(r);
}

static Value b_center(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("center");
  return justify(vm, argc, args, kw, "center", '^');
}
static Value b_ljust(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("ljust");
  return justify(vm, argc, args, kw, "ljust", '<');
}
static Value b_rjust(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rjust");
  return justify(vm, argc, args, kw, "rjust", '>');
}

static Value b_zfill(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("zfill");
  ObjBytes *b = SELF;
  int64_t width;
  if (!asy_index(vm, args[1], &width)) return EXC_VAL;
  if (width <= (int64_t)b->size) return args[0];
  if (width > (int64_t)ASY_STR_MAX) return asy_memory_error(vm);
  size_t fill = (size_t)width - b->size;
  ObjBytes *r = bytes_alloc(vm, (size_t)width);
  size_t sign = (b->size && (b->data[0] == '+' || b->data[0] == '-')) ? 1 : 0;
  memcpy(r->data, b->data, sign);
  memset(r->data + sign, '0', fill);
  memcpy(r->data + sign + fill, b->data + sign, b->size - sign);
  r->data[width] = 0;
  return OBJ_VAL(r);
}

static Value b_decode(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("decode");
  static const char *const names[] = {"encoding", "errors"};
  Value a[2];
  if (!asy_kwargs(vm, "decode", argc - 1, args + 1, kw, names, 2, 0, 0, a)) return EXC_VAL;
  Value enc = a[0], err = a[1];
  if (!IS_UNDEF(enc) && !IS_STR(enc))
    return asy_raise(vm, vm->exc.TypeError, "decode() argument 'encoding' must be str, not %s",
                     asy_arg_type_name(vm, enc));
  if (!IS_UNDEF(err) && !IS_STR(err))
    return asy_raise(vm, vm->exc.TypeError, "decode() argument 'errors' must be str, not %s",
                     asy_arg_type_name(vm, err));
  return asy_bytes_decode(vm, SELF->data, SELF->size, IS_UNDEF(enc) ? "utf-8" : AS_STR(enc)->chars,
                          IS_UNDEF(err) ? "strict" : AS_STR(err)->chars);
}

/* bytes.hex(sep=<none>, bytes_per_sep=1): sep (str or bytes, one ASCII char) every
** |bytes_per_sep| bytes, counted from the right when positive, from the left when negative. */
static Value b_hex(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("hex");
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

/* bytes.expandtabs(tabsize=8): columns restart after \n and \r, as str.expandtabs. */
static Value b_expandtabs(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("expandtabs");
  static const char *const names[] = {"tabsize"};
  Value tv;
  if (!asy_kwargs(vm, "expandtabs", argc - 1, args + 1, kw, names, 1, 0, 0, &tv)) return EXC_VAL;
  int64_t tab = 8;
  if (!IS_UNDEF(tv) && !asy_index(vm, tv, &tab)) return EXC_VAL;
  ObjBytes *b = SELF;
  AsyBuf buf;
  asy_buf_init(&buf, vm);
  int64_t col = 0;
  for (size_t i = 0; i < b->size; i++) {
    char ch = (char)b->data[i];
    if (ch == '\t') {
      if (tab > 0) {
        int64_t pad = tab - col % tab;
        if (pad > INT32_MAX || (int64_t)buf.len + pad > INT32_MAX) {
          asy_buf_free(&buf);
          return asy_raise(vm, vm->exc.OverflowError, "result too long");
        }
        for (int64_t k = 0; k < pad; k++) asy_buf_put(&buf, " ", 1);
        col += pad;
      }
    } else {
      asy_buf_put(&buf, &ch, 1);
      col = ch == '\n' || ch == '\r' ? 0 : col + 1;
    }
  }
  Value r = bytes_val(vm, buf.data, buf.len);
  asy_buf_free(&buf);
  return r;
}

/* bytes.translate(table, /, delete=b''): table is None or 256 bytes. */
static Value b_translate(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("translate");
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
  ObjBytes *r = bytes_alloc(vm, n);   /* the GC sizes objects by their size field */
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
  ObjBytes *r = bytes_alloc(vm, 256);
  for (int i = 0; i < 256; i++) r->data[i] = (uint8_t)i;
  for (size_t i = 0; i < f->size; i++) r->data[f->data[i]] = t->data[i];
  r->data[256] = 0;
  return OBJ_VAL(r);
}

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

static Value b_len(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__len__");
  return INT_VAL((int64_t)SELF->size);
}

static Value b_getitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__getitem__");
  return asy_bytes_getitem(vm, SELF, args[1]);
}

static Value b_iter(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__iter__");
  return asy_bytes_iter(vm, SELF);
}

static Value b_contains(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__contains__");
  const uint8_t *nd;
  size_t nn;
  uint8_t one;
  if (IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not 'str'");
  if (!needle_arg(vm, args[1], &nd, &nn, &one)) return EXC_VAL;
  return BOOL_VAL(bfind(SELF->data, 0, (int64_t)SELF->size, nd, nn, false) >= 0);
}

static Value b_add(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__add__");
  if (!IS_BYTES(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "can't concat %s to bytes", asy_type_name(vm, args[1]));
  return asy_bytes_concat(vm, SELF, AS_BYTES(args[1]));
}

static Value b_mul(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__mul__");
  int64_t n;
  if (!asy_index(vm, args[1], &n)) return EXC_VAL;
  ObjBytes *b = SELF;
  if (n <= 0 || b->size == 0) return bytes_val(vm, "", 0);
  if ((uint64_t)n > (uint64_t)INT64_MAX / b->size)
    return asy_raise(vm, vm->exc.OverflowError, "repeated bytes are too long");
  if ((uint64_t)n > ASY_STR_MAX / b->size) return asy_memory_error(vm);
  ObjBytes *r = bytes_alloc(vm, b->size * (size_t)n);
  for (int64_t i = 0; i < n; i++) memcpy(r->data + (size_t)i * b->size, b->data, b->size);
  r->data[r->size] = 0;
  return OBJ_VAL(r);
}

static Value b_mod(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__mod__");
  return asy_bytes_percent(vm, SELF, args[1]);
}

static Value b_rmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__rmod__");
  if (!IS_BYTES(args[1])) return vm->notimplemented;
  return asy_bytes_percent(vm, AS_BYTES(args[1]), args[0]);
}

static Value b_hash(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__hash__");
  return INT_VAL(asy_bytes_hash(SELF));
}

static Value b_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__repr__");
  return asy_bytes_repr(vm, SELF);
}

static Value b_compare(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int op) {
  CHECK_SELF(name);
  if (!IS_BYTES(args[1])) return vm->notimplemented;
  return asy_bytes_compare(vm, op, SELF, AS_BYTES(args[1]));
}

#define BCMP(fname, pyname, op) \
  static Value fname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    return b_compare(vm, argc, args, kw, pyname, op); \
  }
BCMP(b_eq, "__eq__", CMP_EQ)
BCMP(b_ne, "__ne__", CMP_NE)
BCMP(b_lt, "__lt__", CMP_LT)
BCMP(b_le, "__le__", CMP_LE)
BCMP(b_gt, "__gt__", CMP_GT)
BCMP(b_ge, "__ge__", CMP_GE)

/* bytes(source=b'', encoding=…, errors=…). args[0] is cls. */
static Value b_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value src = argc > 1 ? args[1] : UNDEF_VAL;
  Value enc = argc > 2 ? args[2] : UNDEF_VAL, err = argc > 3 ? args[3] : UNDEF_VAL;
  if (argc > 4)
    return asy_raise(vm, vm->exc.TypeError, "bytes() takes at most 3 arguments (%d given)", argc - 1);
  if (kw && kw->count) {
    static const char *const allowed[] = {"source", "encoding", "errors", NULL};
    if (!asy_check_kw(vm, "bytes", kw, allowed)) return EXC_VAL;
    Value v = asy_kwarg(vm, kw, "source");
    if (!IS_UNDEF(v)) src = v;
    v = asy_kwarg(vm, kw, "encoding");
    if (!IS_UNDEF(v)) enc = v;
    v = asy_kwarg(vm, kw, "errors");
    if (!IS_UNDEF(v)) err = v;
  }
  /* Argument Clinic converts encoding and errors before anything else looks at them. */
  if (!IS_UNDEF(enc) && !IS_STR(enc))
    return asy_raise(vm, vm->exc.TypeError, "bytes() argument 'encoding' must be str, not %s",
                     asy_arg_type_name(vm, enc));
  if (!IS_UNDEF(err) && !IS_STR(err))
    return asy_raise(vm, vm->exc.TypeError, "bytes() argument 'errors' must be str, not %s",
                     asy_arg_type_name(vm, err));
  if (IS_UNDEF(src)) {
    if (!IS_UNDEF(enc) || !IS_UNDEF(err))
      return asy_raise(vm, vm->exc.TypeError,
                       IS_UNDEF(enc) ? "errors without a string argument" : "encoding without a string argument");
    return bytes_val(vm, "", 0);
  }
  if (IS_STR(src)) {
    if (IS_UNDEF(enc)) return asy_raise(vm, vm->exc.TypeError, "string argument without an encoding");
    if (!IS_STR(enc) || (!IS_UNDEF(err) && !IS_STR(err)))
      return asy_raise(vm, vm->exc.TypeError, "bytes() argument 'encoding' must be str, not %s",
                       asy_arg_type_name(vm, enc));
    return asy_str_encode(vm, AS_STR(src), AS_STR(enc)->chars, IS_UNDEF(err) ? "strict" : AS_STR(err)->chars);
  }
  if (!IS_UNDEF(enc) || !IS_UNDEF(err))
    return asy_raise(vm, vm->exc.TypeError,
                     IS_UNDEF(enc) ? "errors without a string argument" : "encoding without a string argument");
  if (IS_BYTES(src)) return src;
  if (IS_INTLIKE(src)) {
    int64_t n = AS_INTLIKE(src);
    if (n < 0) return asy_raise(vm, vm->exc.ValueError, "negative count");
    if (n > (int64_t)ASY_STR_MAX) return asy_memory_error(vm);
    ObjBytes *r = bytes_alloc(vm, (size_t)n);
    return OBJ_VAL(r); /* zero-filled by the allocator */
  }
  if (IS_OBJ(src)) {
    ObjStr *bname = asy_str_intern(vm, "__bytes__", 9);
    if (!IS_UNDEF(asy_class_lookup(asy_class_of(vm, src), bname))) {
      Value none[1] = {NONE_VAL};
      Value r = asy_call_method(vm, src, bname, 0, none);
      if (IS_EXC(r)) return r;
      if (!IS_BYTES(r))
        return asy_raise(vm, vm->exc.TypeError, "__bytes__ returned non-bytes (type %s)",
                         asy_type_name(vm, r));
      return r;
    }
  }
  Value it = asy_iter(vm, src);
  if (IS_EXC(it)) {
    if (asy_pending_is(vm, vm->exc.TypeError)) {
      asy_clear_pending(vm);
      return asy_raise(vm, vm->exc.TypeError, "cannot convert '%s' object to bytes", asy_type_name(vm, src));
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

void asy_init_bytes_type(VM *vm);

#define AUTO ASY_ARGS_AUTO
#define SLOT ASY_ARGS_SLOT
#define KW ASY_ARGS_KW
static const AsyMethodDef bytes_methods[] = {
  {"find", b_find, 1, 3, AUTO}, {"rfind", b_rfind, 1, 3, AUTO}, {"index", b_index, 1, 3, AUTO},
  {"rindex", b_rindex, 1, 3, AUTO}, {"count", b_count, 1, 3, AUTO},
  {"startswith", b_startswith, 1, 3, AUTO}, {"endswith", b_endswith, 1, 3, AUTO},
  {"split", b_split, 0, 2, KW}, {"rsplit", b_rsplit, 0, 2, KW},
  {"splitlines", b_splitlines, 0, 1, KW}, {"strip", b_strip, 0, 1, AUTO},
  {"lstrip", b_lstrip, 0, 1, AUTO}, {"rstrip", b_rstrip, 0, 1, AUTO}, {"join", b_join, 1, 1, AUTO},
  {"replace", b_replace, 2, 3, AUTO}, {"partition", b_partition, 1, 1, AUTO},
  {"rpartition", b_rpartition, 1, 1, AUTO}, {"removeprefix", b_removeprefix, 1, 1, AUTO},
  {"removesuffix", b_removesuffix, 1, 1, AUTO}, {"upper", b_upper, 0, 0, AUTO},
  {"lower", b_lower, 0, 0, AUTO}, {"swapcase", b_swapcase, 0, 0, AUTO},
  {"title", b_title, 0, 0, AUTO}, {"capitalize", b_capitalize, 0, 0, AUTO},
  {"isdigit", b_isdigit, 0, 0, AUTO}, {"isalpha", b_isalpha, 0, 0, AUTO},
  {"isalnum", b_isalnum, 0, 0, AUTO}, {"isspace", b_isspace, 0, 0, AUTO},
  {"isupper", b_isupper, 0, 0, AUTO}, {"islower", b_islower, 0, 0, AUTO},
  {"isascii", b_isascii, 0, 0, AUTO}, {"center", b_center, 1, 2, AUTO},
  {"ljust", b_ljust, 1, 2, AUTO}, {"rjust", b_rjust, 1, 2, AUTO}, {"zfill", b_zfill, 1, 1, AUTO},
  {"decode", b_decode, 0, 2, KW}, {"hex", b_hex, 0, 2, KW},
  {"expandtabs", b_expandtabs, 0, 1, KW}, {"translate", b_translate, 1, 2, KW},
  {"__len__", b_len, 0, 0, SLOT}, {"__getitem__", b_getitem, 1, 1, SLOT},
  {"__iter__", b_iter, 0, 0, SLOT}, {"__contains__", b_contains, 1, 1, SLOT},
  {"__add__", b_add, 1, 1, SLOT}, {"__mul__", b_mul, 1, 1, SLOT}, {"__rmul__", b_mul, 1, 1, SLOT},
  {"__mod__", b_mod, 1, 1, SLOT}, {"__rmod__", b_rmod, 1, 1, SLOT},
  {"__hash__", b_hash, 0, 0, SLOT}, {"__repr__", b_repr, 0, 0, SLOT},
  {"__eq__", b_eq, 1, 1, SLOT}, {"__ne__", b_ne, 1, 1, SLOT}, {"__lt__", b_lt, 1, 1, SLOT},
  {"__le__", b_le, 1, 1, SLOT}, {"__gt__", b_gt, 1, 1, SLOT}, {"__ge__", b_ge, 1, 1, SLOT},
  {"__new__", b_new, 0, ASY_VARARGS, ASY_ARGS_NONE},
  {"fromhex", b_fromhex, 1, 1, AUTO | ASY_DEF_CLASS},
  {"bytes.maketrans", b_maketrans, 2, 2, AUTO | ASY_DEF_STATIC},
  {0},
};

void asy_init_bytes_type(VM *vm) { asy_def_natives(vm, vm->types.bytes, NULL, bytes_methods); }
