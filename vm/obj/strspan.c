/*
** strspan.c — the methods str and bytes share, over spans of bytes (strspan.h).
**
** Searching works on the bytes directly for both kinds (a UTF-8 needle can only match
** at character boundaries); only the positions visible to scripts are converted between
** byte offsets and code-point indexes.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdlib.h>
#include <string.h>

#include "vm/gc.h"
#include "vm/gen_drain.h"
#include "vm/obj/bytes.h"
#include "vm/obj/format.h"
#include "vm/obj/str.h"
#include "vm/obj/strspan.h"
#include "vm/obj/unicode.h"
#include "vm/opcodes.h"

/* ---- spans ------------------------------------------------------------------------------ */

typedef struct {
  Value obj; /* the str or bytes; UNDEF for a bytes needle given as an int */
  const char *p;
  size_t n;   /* bytes */
  size_t len; /* items: code points of a str, bytes of a bytes */
  bool text;  /* a str */
} Span;

static Span span_of(Value v) {
  Span s;
  s.obj = v;
  s.text = IS_STR(v);
  if (s.text) {
    s.p = AS_STR(v)->chars;
    s.n = AS_STR(v)->size;
    s.len = AS_STR(v)->length;
  } else {
    s.p = (const char *)AS_BYTES(v)->data;
    s.n = s.len = AS_BYTES(v)->size;
  }
  return s;
}

/* v as a span of self's kind; false (nothing raised) when it is of another type. */
static bool same_kind(const Span *self, Value v, Span *out) {
  if (self->text ? !IS_STR(v) : !IS_BYTES(v)) return false;
  *out = span_of(v);
  return true;
}

static const char *kind_name(const Span *s) { return s->text ? "str" : "bytes"; }

/* TypeError for an argument that is not of the receiver's kind. bytes methods all say
** "a bytes-like object is required"; str methods word it their own way: str_fmt gets the
** method name, then the type name (%.0s skips the name where CPython leaves it out).
** Messages that say "argument" name None as "None", the others as "NoneType". */
static Value kind_error(VM *vm, const Span *self, Value v, const char *str_fmt, const char *name) {
  if (!self->text)
    return asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not '%s'",
                     asy_type_name(vm, v));
  return asy_raise(vm, vm->exc.TypeError, str_fmt, name,
                   strstr(str_fmt, "argument") ? asy_arg_type_name(vm, v) : asy_type_name(vm, v));
}

/* Byte offset of item `index` (0 <= index <= len). */
static size_t offset_of(VM *vm, const Span *s, size_t index) {
  if (s->len == s->n) return index;
  return asy_str_offset(vm, AS_STR(s->obj), index);
}

/* Item index of byte offset `off` (a character boundary). */
static size_t index_of(const Span *s, size_t off) {
  if (s->len == s->n) return off;
  return asy_utf8_length(s->p, off);
}

/* The item at byte i: a str's code point (its UTF-8 length in *adv), a bytes' byte. */
static uint32_t item_at(const Span *s, size_t i, size_t *adv) {
  if (!s->text) {
    *adv = 1;
    return (uint8_t)s->p[i];
  }
  return asy_utf8_decode(s->p + i, s->n - i, adv);
}

/* Byte offset where the item ending at byte `end` (> lo) starts. */
static size_t item_before(const Span *s, size_t lo, size_t end) {
  size_t k = end - 1;
  if (s->text)
    while (k > lo && ((unsigned char)s->p[k] & 0xC0) == 0x80) k--;
  return k;
}

/* ASCII whitespace: bit 1 for str and bytes (\t\n\v\f\r and space), bit 2 for str only
** (\x1c-\x1f, Unicode's separators). */
static const uint8_t ascii_space[128] = {[9] = 3,    [10] = 3,   [11] = 3,   [12] = 3,   [13] = 3,
                                         [0x1c] = 2, [0x1d] = 2, [0x1e] = 2, [0x1f] = 2, [' '] = 3};

static inline bool is_space(bool text, uint32_t c) {
  if (c < 128) return ascii_space[c] & (text ? 2 : 1);
  return text && (asy_uni_flags(c) & UNI_SPACE);
}

/* Unicode's property bits for a str's code point; for a byte, the same bits restricted
** to ASCII, with bytes' narrower idea of whitespace (no \x1c-\x1f). */
static unsigned item_flags(bool text, uint32_t c) {
  if (text) return asy_uni_flags(c);
  if (c >= 128) return 0;
  return (asy_uni_flags(c) & ~(unsigned)UNI_SPACE) | (is_space(false, c) ? UNI_SPACE : 0);
}

/* What splitlines breaks at: \n and \r for bytes, Unicode's line boundaries for str. */
static bool is_linebreak(bool text, uint32_t c) {
  if (c == '\n' || c == '\r') return true;
  if (!text) return false;
  if (c < 128) return c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e);
  return (asy_uni_flags(c) & UNI_LINEBREAK) != 0;
}

/* ---- building results ---------------------------------------------------------------- */

/* A new str or bytes (the receiver's kind) holding p[0..n). */
static Value make(VM *vm, const Span *s, const char *p, size_t n) {
  if (s->text) /* a slice of an ASCII str is ASCII */
    return OBJ_VAL(s->len == s->n ? asy_str_new_ascii(vm, p, n) : asy_str_new(vm, p, n));
  return OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)p, n));
}

/* The span's object as its exact type: methods return str and bytes, not subclasses. */
static Value whole(VM *vm, const Span *s) {
  if (AS_OBJ(s->obj)->cls == (s->text ? vm->types.str : vm->types.bytes)) return s->obj;
  return make(vm, s, s->p, s->n);
}

/* A new result of n bytes and len items, which the caller fills through the pointer;
** NULL with MemoryError raised when memory is short. */
static char *alloc_like(VM *vm, const Span *s, size_t n, size_t len, Value *out) {
  if (s->text) {
    ObjStr *r = asy_str_try_alloc(vm, n, len);
    if (!r) return NULL;
    *out = OBJ_VAL(r);
    return r->chars;
  }
  ObjBytes *r = asy_bytes_try_alloc(vm, n);
  if (!r) return NULL;
  *out = OBJ_VAL(r);
  return (char *)r->data;
}

/* The builder's contents as the receiver's kind (the builder is freed). */
static Value finish(VM *vm, const Span *s, AsyBuf *b) {
  if (s->text) return OBJ_VAL(asy_buf_to_str(b));
  Value r = OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)(b->data ? b->data : ""), b->len));
  asy_buf_free(b);
  return r;
}

static void put_item(AsyBuf *b, bool text, uint32_t c) {
  if (text) asy_buf_put_cp(b, c);
  else asy_buf_putc(b, (char)c);
}

/* ---- arguments --------------------------------------------------------------------------- */

/* A start/end bound of find/count/startswith… (None allowed). */
static bool slice_bound(VM *vm, Value v, int64_t *out) {
  if (IS_UNDEF(v) || IS_NONE(v)) return true;
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  if (IS_OBJ(v) && !IS_UNDEF(asy_class_lookup(asy_class_of(vm, v), vm->names.index)))
    return asy_index(vm, v, out);
  asy_raise(vm, vm->exc.TypeError,
            "slice indices must be integers or None or have an __index__ method");
  return false;
}

/* The optional start/end of find/count/startswith… in args[2..3], clamped to len. */
static bool slice_bounds(VM *vm, int argc, Value *args, int64_t len, int64_t *start, int64_t *end) {
  *start = 0;
  *end = INT64_MAX;
  if (argc > 2 && !slice_bound(vm, args[2], start)) return false;
  if (argc > 3 && !slice_bound(vm, args[3], end)) return false;
  asy_adjust_indices(start, end, len);
  return true;
}

/* The needle of find/index/count and of bytes' `in`: a bytes needle may also be an int
** in range(256), kept in *one. */
static bool needle_arg(VM *vm, const Span *self, Value v, Span *out, char *one, const char *name) {
  if (same_kind(self, v, out)) return true;
  if (self->text) {
    kind_error(vm, self, v, "%s() argument 1 must be str, not %s", name);
    return false;
  }
  if (!IS_INTLIKE(v)) {
    asy_raise(vm, vm->exc.TypeError, "argument should be integer or bytes-like object, not '%s'",
              asy_type_name(vm, v));
    return false;
  }
  int64_t x = AS_INTLIKE(v);
  if (x < 0 || x > 255) {
    asy_raise(vm, vm->exc.ValueError, "byte must be in range(0, 256)");
    return false;
  }
  *one = (char)x;
  *out = (Span){UNDEF_VAL, one, 1, 1, false};
  return true;
}

/* ---- searching --------------------------------------------------------------------------- */

static Value find_common(VM *vm, int argc, Value *args, const char *name, bool reverse,
                         bool raise) {
  Span s = span_of(args[0]), nd;
  char one;
  int64_t start, end, r = -1;
  if (!needle_arg(vm, &s, args[1], &nd, &one, name)) return EXC_VAL;
  if (!slice_bounds(vm, argc, args, (int64_t)s.len, &start, &end)) return EXC_VAL;
  if (start <= (int64_t)s.len && end - start >= (int64_t)nd.len) {
    size_t b0 = offset_of(vm, &s, (size_t)start), b1 = offset_of(vm, &s, (size_t)end);
    int64_t hit = asy_mem_find(s.p + b0, b1 - b0, nd.p, nd.n, reverse);
    if (hit >= 0) r = (int64_t)index_of(&s, b0 + (size_t)hit);
  }
  if (r < 0 && raise)
    return asy_raise(vm, vm->exc.ValueError,
                     s.text ? "substring not found" : "subsection not found");
  return INT_VAL(r);
}

static Value sp_count(VM *vm, int argc, Value *args, ObjDict *kw) {
  Span s = span_of(args[0]), nd;
  char one;
  int64_t start, end;
  if (!needle_arg(vm, &s, args[1], &nd, &one, "count")) return EXC_VAL;
  if (!slice_bounds(vm, argc, args, (int64_t)s.len, &start, &end)) return EXC_VAL;
  if (start > (int64_t)s.len || end - start < (int64_t)nd.len) return INT_VAL(0);
  if (nd.n == 0) return INT_VAL(end - start + 1);
  size_t b0 = offset_of(vm, &s, (size_t)start), b1 = offset_of(vm, &s, (size_t)end);
  return INT_VAL(asy_mem_count(s.p + b0, b1 - b0, nd.p, nd.n));
}

static Value starts_ends(VM *vm, int argc, Value *args, const char *name, bool ends) {
  Span s = span_of(args[0]), p;
  int64_t start, end;
  if (!slice_bounds(vm, argc, args, (int64_t)s.len, &start, &end)) return EXC_VAL;
  Value *items = &args[1];
  size_t n = 1;
  if (IS_TUPLE(args[1])) {
    items = AS_TUPLE(args[1])->items;
    n = AS_TUPLE(args[1])->size;
  } else if (!same_kind(&s, args[1], &p)) {
    return asy_raise(vm, vm->exc.TypeError, "%s first arg must be %s or a tuple of %s, not %s",
                     name, kind_name(&s), kind_name(&s), asy_type_name(vm, args[1]));
  }
  for (size_t k = 0; k < n; k++) {
    if (!same_kind(&s, items[k], &p))
      return kind_error(vm, &s, items[k], "tuple for %s must only contain str, not %s", name);
    if (start > (int64_t)s.len || end - start < (int64_t)p.len) continue;
    size_t b0 = offset_of(vm, &s, (size_t)start), b1 = offset_of(vm, &s, (size_t)end);
    if (p.n > b1 - b0) continue;
    if (memcmp(ends ? s.p + b1 - p.n : s.p + b0, p.p, p.n) == 0) return TRUE_VAL;
  }
  return FALSE_VAL;
}

static Value sp_contains(VM *vm, int argc, Value *args, ObjDict *kw) {
  Span s = span_of(args[0]), nd;
  char one;
  if (s.text && !IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "'in <string>' requires string as left operand, not %s",
                     asy_type_name(vm, args[1]));
  if (!s.text && IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not 'str'");
  if (!needle_arg(vm, &s, args[1], &nd, &one, "__contains__")) return EXC_VAL;
  return BOOL_VAL(asy_mem_find(s.p, s.n, nd.p, nd.n, false) >= 0);
}

/* ---- splitting ------------------------------------------------------------------------------ */

static void reverse_items(ObjList *l) {
  for (size_t i = 0, j = l->size; i + 1 < j; i++, j--) {
    Value t = l->items[i];
    l->items[i] = l->items[j - 1];
    l->items[j - 1] = t;
  }
}

/* Runs of whitespace separate; leading and trailing whitespace yield nothing. The
** remainder after maxsplit splits keeps its whitespace on the inner side. */
static void split_whitespace(VM *vm, const Span *s, int64_t maxsplit, bool right, ObjList *out) {
  size_t adv;
  if (!right && s->len == s->n) { /* ASCII or bytes: one byte an item */
    const unsigned char *p = (const unsigned char *)s->p;
    size_t i = 0, n = s->n;
    while (i < n) {
      while (i < n && is_space(s->text, p[i])) i++;
      if (i >= n) break;
      if (maxsplit-- <= 0) {
        asy_list_append(vm, out, make(vm, s, s->p + i, n - i));
        break;
      }
      size_t j = i;
      while (j < n && !is_space(s->text, p[j])) j++;
      asy_list_append(vm, out, make(vm, s, s->p + i, j - i));
      i = j;
    }
    return;
  }
  if (!right) {
    size_t i = 0;
    while (i < s->n) {
      while (i < s->n && is_space(s->text, item_at(s, i, &adv))) i += adv;
      if (i >= s->n) break;
      if (maxsplit-- <= 0) {
        asy_list_append(vm, out, make(vm, s, s->p + i, s->n - i));
        break;
      }
      size_t j = i;
      while (j < s->n && !is_space(s->text, item_at(s, j, &adv))) j += adv;
      asy_list_append(vm, out, make(vm, s, s->p + i, j - i));
      i = j;
    }
    return;
  }
  size_t e = s->n;
  for (;;) {
    while (e > 0) {
      size_t k = item_before(s, 0, e);
      if (!is_space(s->text, item_at(s, k, &adv))) break;
      e = k;
    }
    if (e == 0) break;
    if (maxsplit-- <= 0) {
      asy_list_append(vm, out, make(vm, s, s->p, e));
      break;
    }
    size_t b = e;
    while (b > 0) {
      size_t k = item_before(s, 0, b);
      if (is_space(s->text, item_at(s, k, &adv))) break;
      b = k;
    }
    asy_list_append(vm, out, make(vm, s, s->p + b, e - b));
    e = b;
  }
  reverse_items(out);
}

static Value split_common(VM *vm, int argc, Value *args, ObjDict *kw, bool right) {
  static const char *const names[] = {"sep", "maxsplit"};
  Value a[2];
  if (!asy_kwargs(vm, right ? "rsplit" : "split", argc - 1, args + 1, kw, names, 2, 0, 0, a))
    return EXC_VAL;
  Span s = span_of(args[0]), sep;
  int64_t maxsplit = -1;
  if (!IS_UNDEF(a[1]) && !asy_index(vm, a[1], &maxsplit)) return EXC_VAL;
  if (maxsplit < 0) maxsplit = INT64_MAX;
  ObjList *out = asy_list_new(vm, 0);
  if (IS_UNDEF(a[0]) || IS_NONE(a[0])) {
    split_whitespace(vm, &s, maxsplit, right, out);
    return OBJ_VAL(out);
  }
  if (!same_kind(&s, a[0], &sep))
    return kind_error(vm, &s, a[0], "%.0smust be str or None, not %s", "");
  if (sep.n == 0) return asy_raise(vm, vm->exc.ValueError, "empty separator");
  if (!right) {
    size_t p = 0;
    int64_t hit;
    while (maxsplit-- > 0 && (hit = asy_mem_find(s.p + p, s.n - p, sep.p, sep.n, false)) >= 0) {
      asy_list_append(vm, out, make(vm, &s, s.p + p, (size_t)hit));
      p += (size_t)hit + sep.n;
    }
    asy_list_append(vm, out, p == 0 ? whole(vm, &s) : make(vm, &s, s.p + p, s.n - p));
    return OBJ_VAL(out);
  }
  size_t e = s.n;
  int64_t hit;
  while (maxsplit-- > 0 && (hit = asy_mem_find(s.p, e, sep.p, sep.n, true)) >= 0) {
    size_t after = (size_t)hit + sep.n;
    asy_list_append(vm, out, make(vm, &s, s.p + after, e - after));
    e = (size_t)hit;
  }
  asy_list_append(vm, out, make(vm, &s, s.p, e));
  reverse_items(out);
  return OBJ_VAL(out);
}

static Value sp_splitlines(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"keepends"};
  Value keepv;
  if (!asy_kwargs(vm, "splitlines", argc - 1, args + 1, kw, names, 1, 0, 0, &keepv)) return EXC_VAL;
  int keep = IS_UNDEF(keepv) ? 0 : asy_truthy(vm, keepv);
  if (keep < 0) return EXC_VAL;
  Span s = span_of(args[0]);
  ObjList *out = asy_list_new(vm, 0);
  size_t i = 0;
  while (i < s.n) {
    size_t start = i, eol = s.n, adv;
    while (i < s.n) {
      uint32_t c = item_at(&s, i, &adv);
      if (is_linebreak(s.text, c)) {
        eol = i;
        i += adv;
        if (c == '\r' && i < s.n && s.p[i] == '\n') i++;
        break;
      }
      i += adv;
    }
    asy_list_append(vm, out, make(vm, &s, s.p + start, (keep ? i : eol) - start));
  }
  return OBJ_VAL(out);
}

static Value partition_common(VM *vm, Value *args, bool right) {
  Span s = span_of(args[0]), sep;
  if (!same_kind(&s, args[1], &sep))
    return kind_error(vm, &s, args[1], "%.0smust be str, not %s", "");
  if (sep.n == 0) return asy_raise(vm, vm->exc.ValueError, "empty separator");
  int64_t hit = asy_mem_find(s.p, s.n, sep.p, sep.n, right);
  Value items[3];
  if (hit < 0) {
    Value all = whole(vm, &s), empty = make(vm, &s, "", 0);
    items[0] = right ? empty : all;
    items[1] = empty;
    items[2] = right ? all : empty;
  } else {
    size_t after = (size_t)hit + sep.n;
    items[0] = make(vm, &s, s.p, (size_t)hit);
    items[1] = whole(vm, &sep);
    items[2] = make(vm, &s, s.p + after, s.n - after);
  }
  return OBJ_VAL(asy_tuple_from(vm, 3, items));
}

/* sep.join(iterable): the items are gathered first (CPython's PySequence_Fast), so the
** result is sized, and checked against memory, before anything is copied. */
static Value sp_join(VM *vm, int argc, Value *args, ObjDict *kw) {
  Span sep = span_of(args[0]), item;
  Value iterable = args[1];
  ObjList *tmp = NULL;
  if (!IS_LIST(iterable) && !IS_TUPLE(iterable)) {
    Value it = asy_iter(vm, iterable);
    if (IS_EXC(it)) {
      if (!asy_pending_is(vm, vm->exc.TypeError)) return EXC_VAL;
      asy_clear_pending(vm);
      return asy_raise(vm, vm->exc.TypeError, "can only join an iterable");
    }
    tmp = asy_list_new(vm, 0);
    for (;;) {
      Value v = asy_next(vm, it);
      if (IS_EXC(v)) return EXC_VAL;
      if (IS_UNDEF(v)) break;
      asy_list_append(vm, tmp, v);
    }
    iterable = OBJ_VAL(tmp);
  }
  Value *items = IS_LIST(iterable) ? AS_LIST(iterable)->items : AS_TUPLE(iterable)->items;
  size_t n = IS_LIST(iterable) ? AS_LIST(iterable)->size : AS_TUPLE(iterable)->size;
  if (n == 0) return make(vm, &sep, "", 0);
  size_t size = 0, len = 0;
  for (size_t i = 0; i < n; i++) {
    if (!same_kind(&sep, items[i], &item))
      return asy_raise_fmt(vm, vm->exc.TypeError,
                           sep.text ? "sequence item %zu: expected str instance, %s found"
                                    : "sequence item %zu: expected a bytes-like object, %s found",
                           i, asy_type_name(vm, items[i]));
    size += item.n;
    len += item.len;
  }
  if (n == 1) return whole(vm, &item);
  size += sep.n * (n - 1);
  len += sep.len * (n - 1);
  if (asy_alloc_too_big(size, 1)) return asy_memory_error(vm); /* not an abort in calloc */
  Value r;
  char *out = alloc_like(vm, &sep, size, len, &r);
  if (!out) return EXC_VAL;
  /* Re-read the item array: allocating runs no script, so a list cannot have changed. */
  items = IS_LIST(iterable) ? AS_LIST(iterable)->items : AS_TUPLE(iterable)->items;
  for (size_t i = 0; i < n; i++) {
    if (i) {
      memcpy(out, sep.p, sep.n);
      out += sep.n;
    }
    item = span_of(items[i]);
    memcpy(out, item.p, item.n);
    out += item.n;
  }
  return r;
}

/* ---- stripping and padding ------------------------------------------------------------------ */

static bool in_chars(const Span *chars, uint32_t c) {
  if (chars->len == chars->n) return c < 256 && memchr(chars->p, (int)c, chars->n);
  size_t adv;
  for (size_t i = 0; i < chars->n; i += adv)
    if (item_at(chars, i, &adv) == c) return true;
  return false;
}

/* mode: 1 left, 2 right, 3 both. */
static Value strip_common(VM *vm, int argc, Value *args, const char *name, int mode) {
  Span s = span_of(args[0]), chars;
  bool given = argc > 1 && !IS_NONE(args[1]);
  if (given && !same_kind(&s, args[1], &chars))
    return kind_error(vm, &s, args[1], "%s arg must be None or str", name);
  size_t b = 0, e = s.n, adv;
  if (mode & 1)
    while (b < e) {
      uint32_t c = item_at(&s, b, &adv);
      if (given ? !in_chars(&chars, c) : !is_space(s.text, c)) break;
      b += adv;
    }
  if (mode & 2)
    while (e > b) {
      size_t k = item_before(&s, b, e);
      uint32_t c = item_at(&s, k, &adv);
      if (given ? !in_chars(&chars, c) : !is_space(s.text, c)) break;
      e = k;
    }
  if (b == 0 && e == s.n) return whole(vm, &s);
  return make(vm, &s, s.p + b, e - b);
}

/* center/ljust/rjust: (width, fillchar=' '). */
static Value justify(VM *vm, int argc, Value *args, const char *name, char how) {
  Span s = span_of(args[0]);
  int64_t width;
  if (!asy_index(vm, args[1], &width)) return EXC_VAL;
  char fill[4] = {' '};
  size_t k = 1;
  if (argc > 2) {
    Value f = args[2];
    if (s.text && !IS_STR(f))
      return asy_raise(vm, vm->exc.TypeError,
                       "The fill character must be a unicode character, not %s",
                       asy_type_name(vm, f));
    if (s.text && AS_STR(f)->length != 1)
      return asy_raise(vm, vm->exc.TypeError,
                       "The fill character must be exactly one character long");
    if (!s.text && (!IS_BYTES(f) || AS_BYTES(f)->size != 1))
      return asy_raise(vm, vm->exc.TypeError,
                       "%s() argument 2 must be a byte string of length 1, not %s", name,
                       asy_arg_type_name(vm, f));
    Span fs = span_of(f);
    k = fs.n;
    memcpy(fill, fs.p, k);
  }
  if (width <= (int64_t)s.len) return whole(vm, &s);
  if (width > (int64_t)ASY_STR_MAX) return asy_memory_error(vm);
  int64_t marg = width - (int64_t)s.len;
  int64_t left = how == '<' ? 0 : how == '>' ? marg : marg / 2 + (marg & width & 1);
  Value r;
  char *p = alloc_like(vm, &s, s.n + (size_t)marg * k, (size_t)width, &r);
  if (!p) return EXC_VAL;
  for (int64_t i = 0; i < left; i++, p += k) memcpy(p, fill, k);
  memcpy(p, s.p, s.n);
  p += s.n;
  for (int64_t i = left; i < marg; i++, p += k) memcpy(p, fill, k);
  return r;
}

static Value sp_zfill(VM *vm, int argc, Value *args, ObjDict *kw) {
  Span s = span_of(args[0]);
  int64_t width;
  if (!asy_index(vm, args[1], &width)) return EXC_VAL;
  if (width <= (int64_t)s.len) return whole(vm, &s);
  if (width > (int64_t)ASY_STR_MAX) return asy_memory_error(vm);
  size_t fill = (size_t)width - s.len;
  Value r;
  char *p = alloc_like(vm, &s, s.n + fill, (size_t)width, &r);
  if (!p) return EXC_VAL;
  size_t sign = (s.n && (s.p[0] == '+' || s.p[0] == '-')) ? 1 : 0;
  memcpy(p, s.p, sign);
  memset(p + sign, '0', fill);
  memcpy(p + sign + fill, s.p + sign, s.n - sign);
  return r;
}

/* expandtabs(tabsize=8): columns restart after \n and \r. */
static Value sp_expandtabs(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"tabsize"};
  Value tabv;
  if (!asy_kwargs(vm, "expandtabs", argc - 1, args + 1, kw, names, 1, 0, 0, &tabv)) return EXC_VAL;
  int64_t tab = 8;
  if (!IS_UNDEF(tabv) && !asy_index(vm, tabv, &tab)) return EXC_VAL;
  Span s = span_of(args[0]);
  AsyBuf b;
  asy_buf_init(&b, vm);
  int64_t col = 0;
  size_t adv;
  for (size_t i = 0; i < s.n; i += adv) {
    uint32_t c = item_at(&s, i, &adv);
    if (c != '\t') {
      asy_buf_put(&b, s.p + i, adv);
      col = c == '\n' || c == '\r' ? 0 : col + 1;
    } else if (tab > 0) {
      int64_t spaces = tab - col % tab;
      if (spaces > (int64_t)ASY_STR_MAX || b.len > ASY_STR_MAX) {
        asy_buf_free(&b);
        return asy_raise(vm, vm->exc.OverflowError, "result too long");
      }
      for (int64_t k = 0; k < spaces; k++) asy_buf_putc(&b, ' ');
      col += spaces;
    }
  }
  return finish(vm, &s, &b);
}

/* ---- replacing ------------------------------------------------------------------------------ */

/* replace(old, new, count=-1): count by keyword only for str, as in CPython (bytes'
** table entry refuses keywords before this runs). */
static Value sp_replace(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"old", "new", "count"};
  Value a[3];
  if (!asy_kwargs(vm, "replace", argc - 1, args + 1, kw, names, 3, 2, 2, a)) return EXC_VAL;
  Span s = span_of(args[0]), old, new_;
  if (!same_kind(&s, a[0], &old))
    return kind_error(vm, &s, a[0], "%s() argument 1 must be str, not %s", "replace");
  if (!same_kind(&s, a[1], &new_))
    return kind_error(vm, &s, a[1], "%s() argument 2 must be str, not %s", "replace");
  int64_t count = -1;
  if (!IS_UNDEF(a[2]) && !asy_index(vm, a[2], &count)) return EXC_VAL;
  if (count < 0) count = INT64_MAX;
  if (new_.n > old.n) {
    /* Size the result first, as CPython does: one that cannot fit in memory is a
    ** MemoryError, not an abort when the builder's realloc fails. */
    uint64_t hits = 0;
    size_t grow = new_.n - old.n;
    if (old.n == 0) {
      hits = (uint64_t)s.len + 1 < (uint64_t)count ? (uint64_t)s.len + 1 : (uint64_t)count;
    } else {
      /* Counting stops as soon as the result is known not to fit: each memmem call
      ** scans (and under ASan checks) the rest of the text. */
      const char *q = s.p, *qend = s.p + s.n, *h;
      while (hits < (uint64_t)count && (h = memmem(q, (size_t)(qend - q), old.p, old.n))) {
        hits++;
        q = h + old.n;
        if (hits > (SIZE_MAX - s.n) / grow || asy_alloc_too_big(s.n + hits * grow, 1)) break;
      }
    }
    if (hits && (hits > (SIZE_MAX - s.n) / grow || asy_alloc_too_big(s.n + hits * grow, 1)))
      return asy_memory_error(vm);
  }
  AsyBuf b;
  asy_buf_init(&b, vm);
  if (old.n == 0) {
    /* Insert `new` before every item and at the end, up to count times. */
    size_t adv;
    for (size_t i = 0; i < s.n; i += adv) {
      if (count-- > 0) asy_buf_put(&b, new_.p, new_.n);
      item_at(&s, i, &adv);
      asy_buf_put(&b, s.p + i, adv);
    }
    if (count-- > 0) asy_buf_put(&b, new_.p, new_.n);
    return finish(vm, &s, &b);
  }
  const char *p = s.p, *end = s.p + s.n, *hit;
  while (count-- > 0 && (hit = memmem(p, (size_t)(end - p), old.p, old.n))) {
    asy_buf_put(&b, p, (size_t)(hit - p));
    asy_buf_put(&b, new_.p, new_.n);
    p = hit + old.n;
  }
  if (p == s.p) {
    asy_buf_free(&b);
    return whole(vm, &s);
  }
  asy_buf_put(&b, p, (size_t)(end - p));
  return finish(vm, &s, &b);
}

static Value affix_common(VM *vm, Value *args, const char *name, bool suffix) {
  Span s = span_of(args[0]), p;
  if (!same_kind(&s, args[1], &p))
    return kind_error(vm, &s, args[1], "%s() argument must be str, not %s", name);
  if (suffix && p.n && p.n <= s.n && memcmp(s.p + s.n - p.n, p.p, p.n) == 0)
    return make(vm, &s, s.p, s.n - p.n);
  if (!suffix && p.n <= s.n && memcmp(s.p, p.p, p.n) == 0)
    return make(vm, &s, s.p + p.n, s.n - p.n);
  return whole(vm, &s);
}

/* ---- case ------------------------------------------------------------------------------------ */

typedef int (*CaseFn)(uint32_t cp, uint32_t out[3]);

/* The mapping of one item: Unicode's for a str, for bytes the same restricted to ASCII. */
static void put_mapped(AsyBuf *b, bool text, CaseFn fn, uint32_t c) {
  uint32_t out[3];
  int n = 1;
  if (text || c < 128) n = fn(c, out);
  else out[0] = c;
  for (int i = 0; i < n; i++) put_item(b, text, out[i]);
}

/* Greek capital sigma lowercases to final sigma at the end of a word (CPython's rule). */
static uint32_t lower_sigma(const uint32_t *cps, size_t n, size_t i) {
  size_t j = i;
  while (j > 0 && (asy_uni_flags(cps[j - 1]) & UNI_CASE_IGNORABLE)) j--;
  bool final_sigma = j > 0 && (asy_uni_flags(cps[j - 1]) & UNI_CASED);
  if (final_sigma) {
    size_t k = i + 1;
    while (k < n && (asy_uni_flags(cps[k]) & UNI_CASE_IGNORABLE)) k++;
    final_sigma = k == n || !(asy_uni_flags(cps[k]) & UNI_CASED);
  }
  return final_sigma ? 0x3C2 : 0x3C3;
}

static void put_lower(AsyBuf *b, bool text, const uint32_t *cps, size_t n, size_t i) {
  if (text && cps[i] == 0x3A3) asy_buf_put_cp(b, lower_sigma(cps, n, i));
  else put_mapped(b, text, asy_uni_lower, cps[i]);
}

/* ASCII fast path for upper/lower: a byte-wise copy. */
static Value ascii_case(VM *vm, const Span *s, bool upper) {
  Value r;
  char *p = alloc_like(vm, s, s->n, s->len, &r);
  if (!p) return EXC_VAL;
  for (size_t i = 0; i < s->n; i++) {
    char ch = s->p[i];
    if (upper && ch >= 'a' && ch <= 'z') ch = (char)(ch - 32);
    else if (!upper && ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
    p[i] = ch;
  }
  return r;
}

enum { CASE_LOWER, CASE_UPPER, CASE_FOLD, CASE_SWAP, CASE_TITLE, CASE_CAPITALIZE };

static Value case_op(VM *vm, Value self, int op) {
  Span s = span_of(self);
  if (s.len == s.n && op <= CASE_FOLD) return ascii_case(vm, &s, op == CASE_UPPER);
  /* Decode the whole string once: case operations look at neighbours (final sigma). */
  uint32_t *cps = malloc(sizeof(uint32_t) * (s.len + 1));
  if (!cps) abort();
  size_t n = 0, adv;
  for (size_t off = 0; off < s.n; off += adv) cps[n++] = item_at(&s, off, &adv);
  AsyBuf b;
  asy_buf_init(&b, vm);
  bool prev_cased = false;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cps[i];
    unsigned f = item_flags(s.text, c);
    switch (op) {
    case CASE_LOWER: put_lower(&b, s.text, cps, n, i); break;
    case CASE_UPPER: put_mapped(&b, s.text, asy_uni_upper, c); break;
    case CASE_FOLD: put_mapped(&b, s.text, asy_uni_fold, c); break;
    case CASE_SWAP:
      if (f & UNI_UPPER) put_lower(&b, s.text, cps, n, i);
      else if (f & UNI_LOWER) put_mapped(&b, s.text, asy_uni_upper, c);
      else put_item(&b, s.text, c);
      break;
    case CASE_TITLE:
      if (prev_cased) put_lower(&b, s.text, cps, n, i);
      else put_mapped(&b, s.text, asy_uni_title, c);
      prev_cased = (f & UNI_CASED) != 0;
      break;
    case CASE_CAPITALIZE:
      if (i == 0) put_mapped(&b, s.text, asy_uni_title, c);
      else put_lower(&b, s.text, cps, n, i);
      break;
    }
  }
  free(cps);
  return finish(vm, &s, &b);
}

/* ---- predicates ------------------------------------------------------------------------------ */

/* True if every item has one of `mask`'s flags (and, unless empty_ok, there is one). */
static bool all_flags(Value self, unsigned mask, bool empty_ok) {
  Span s = span_of(self);
  if (s.n == 0) return empty_ok;
  size_t adv;
  for (size_t i = 0; i < s.n; i += adv)
    if (!(item_flags(s.text, item_at(&s, i, &adv)) & mask)) return false;
  return true;
}

/* isupper (want UNI_UPPER, against UNI_LOWER) and islower (the other way round): no
** item of the other case, and at least one cased. */
static bool one_case(Value self, unsigned want, unsigned against) {
  Span s = span_of(self);
  bool cased = false;
  size_t adv;
  for (size_t i = 0; i < s.n; i += adv) {
    unsigned f = item_flags(s.text, item_at(&s, i, &adv));
    if (f & (against | UNI_TITLE)) return false;
    if (f & want) cased = true;
  }
  return cased;
}

static Value sp_istitle(VM *vm, int argc, Value *args, ObjDict *kw) {
  Span s = span_of(args[0]);
  bool cased = false, prev = false;
  size_t adv;
  for (size_t i = 0; i < s.n; i += adv) {
    unsigned f = item_flags(s.text, item_at(&s, i, &adv));
    if (f & (UNI_UPPER | UNI_TITLE)) {
      if (prev) return FALSE_VAL;
      prev = cased = true;
    } else if (f & UNI_LOWER) {
      if (!prev) return FALSE_VAL;
      prev = cased = true;
    } else {
      prev = false;
    }
  }
  return BOOL_VAL(cased);
}

static Value sp_isascii(VM *vm, int argc, Value *args, ObjDict *kw) {
  Span s = span_of(args[0]);
  for (size_t i = 0; i < s.n; i++)
    if ((unsigned char)s.p[i] >= 0x80) return FALSE_VAL;
  return TRUE_VAL;
}

/* ---- operator dunders ------------------------------------------------------------------------ */

static Value sp_len(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL((int64_t)span_of(args[0]).len);
}

static Value sp_getitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (IS_STR(args[0])) return asy_str_getitem(vm, AS_STR(args[0]), args[1]);
  return asy_bytes_getitem(vm, AS_BYTES(args[0]), args[1]);
}

static Value sp_iter(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (IS_STR(args[0])) return asy_str_iter(vm, AS_STR(args[0]));
  return asy_bytes_iter(vm, AS_BYTES(args[0]));
}

static Value sp_add(VM *vm, int argc, Value *args, ObjDict *kw) {
  Span s = span_of(args[0]), o;
  if (!same_kind(&s, args[1], &o))
    return asy_raise(vm, vm->exc.TypeError,
                     s.text ? "can only concatenate str (not \"%s\") to str"
                            : "can't concat %s to bytes",
                     asy_type_name(vm, args[1]));
  if (s.text) return asy_str_concat(vm, AS_STR(args[0]), AS_STR(args[1]));
  return asy_bytes_concat(vm, AS_BYTES(args[0]), AS_BYTES(args[1]));
}

static Value sp_mul(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t n;
  if (!asy_index(vm, args[1], &n)) return EXC_VAL;
  if (IS_STR(args[0])) return asy_str_repeat(vm, AS_STR(args[0]), n);
  return asy_bytes_repeat(vm, AS_BYTES(args[0]), n);
}

/* fmt % values; reflected, the left operand (args[1]) must be the format. */
static Value percent(VM *vm, Value fmt, Value values) {
  if (IS_STR(fmt)) return asy_str_percent(vm, AS_STR(fmt), values);
  return asy_bytes_percent(vm, AS_BYTES(fmt), values);
}

static Value sp_mod(VM *vm, int argc, Value *args, ObjDict *kw) {
  return percent(vm, args[0], args[1]);
}

static Value sp_rmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  Span s = span_of(args[0]), o;
  if (!same_kind(&s, args[1], &o)) return vm->notimplemented;
  return percent(vm, args[1], args[0]);
}

static Value sp_hash(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (IS_STR(args[0])) return INT_VAL(asy_str_hash(AS_STR(args[0])));
  return INT_VAL(asy_bytes_hash(AS_BYTES(args[0])));
}

Value asy_span_repr(VM *vm, Value v) {
  AsyBuf b;
  asy_buf_init(&b, vm);
  if (IS_STR(v)) asy_str_repr_to(&b, AS_STR(v));
  else asy_bytes_repr_to(&b, AS_BYTES(v));
  return OBJ_VAL(asy_buf_to_str(&b));
}

static Value sp_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_span_repr(vm, args[0]);
}

static Value compare(VM *vm, Value *args, int op) {
  Span s = span_of(args[0]), o;
  if (!same_kind(&s, args[1], &o)) return vm->notimplemented;
  if (s.text) return asy_str_compare(vm, op, AS_STR(args[0]), AS_STR(args[1]));
  return asy_bytes_compare(vm, op, AS_BYTES(args[0]), AS_BYTES(args[1]));
}

/* ---- the tables ------------------------------------------------------------------------------ */

/* One-line natives over the shared bodies. */
#define SPAN_NATIVE(fname, body) \
  static Value fname(VM *vm, int argc, Value *args, ObjDict *kw) { return body; }
SPAN_NATIVE(sp_find, find_common(vm, argc, args, "find", false, false))
SPAN_NATIVE(sp_rfind, find_common(vm, argc, args, "rfind", true, false))
SPAN_NATIVE(sp_index, find_common(vm, argc, args, "index", false, true))
SPAN_NATIVE(sp_rindex, find_common(vm, argc, args, "rindex", true, true))
SPAN_NATIVE(sp_startswith, starts_ends(vm, argc, args, "startswith", false))
SPAN_NATIVE(sp_endswith, starts_ends(vm, argc, args, "endswith", true))
SPAN_NATIVE(sp_split, split_common(vm, argc, args, kw, false))
SPAN_NATIVE(sp_rsplit, split_common(vm, argc, args, kw, true))
SPAN_NATIVE(sp_partition, partition_common(vm, args, false))
SPAN_NATIVE(sp_rpartition, partition_common(vm, args, true))
SPAN_NATIVE(sp_strip, strip_common(vm, argc, args, "strip", 3))
SPAN_NATIVE(sp_lstrip, strip_common(vm, argc, args, "lstrip", 1))
SPAN_NATIVE(sp_rstrip, strip_common(vm, argc, args, "rstrip", 2))
SPAN_NATIVE(sp_center, justify(vm, argc, args, "center", '^'))
SPAN_NATIVE(sp_ljust, justify(vm, argc, args, "ljust", '<'))
SPAN_NATIVE(sp_rjust, justify(vm, argc, args, "rjust", '>'))
SPAN_NATIVE(sp_removeprefix, affix_common(vm, args, "removeprefix", false))
SPAN_NATIVE(sp_removesuffix, affix_common(vm, args, "removesuffix", true))
SPAN_NATIVE(sp_lower, case_op(vm, args[0], CASE_LOWER))
SPAN_NATIVE(sp_upper, case_op(vm, args[0], CASE_UPPER))
SPAN_NATIVE(sp_casefold, case_op(vm, args[0], CASE_FOLD))
SPAN_NATIVE(sp_swapcase, case_op(vm, args[0], CASE_SWAP))
SPAN_NATIVE(sp_title, case_op(vm, args[0], CASE_TITLE))
SPAN_NATIVE(sp_capitalize, case_op(vm, args[0], CASE_CAPITALIZE))
SPAN_NATIVE(sp_isalpha, BOOL_VAL(all_flags(args[0], UNI_ALPHA, false)))
SPAN_NATIVE(sp_isdigit, BOOL_VAL(all_flags(args[0], UNI_DIGIT, false)))
SPAN_NATIVE(sp_isdecimal, BOOL_VAL(all_flags(args[0], UNI_DECIMAL, false)))
SPAN_NATIVE(sp_isnumeric, BOOL_VAL(all_flags(args[0], UNI_NUMERIC, false)))
SPAN_NATIVE(sp_isspace, BOOL_VAL(all_flags(args[0], UNI_SPACE, false)))
SPAN_NATIVE(sp_isprintable, BOOL_VAL(all_flags(args[0], UNI_PRINTABLE, true)))
SPAN_NATIVE(sp_isalnum,
            BOOL_VAL(all_flags(args[0], UNI_ALPHA | UNI_DECIMAL | UNI_DIGIT | UNI_NUMERIC, false)))
SPAN_NATIVE(sp_isupper, BOOL_VAL(one_case(args[0], UNI_UPPER, UNI_LOWER)))
SPAN_NATIVE(sp_islower, BOOL_VAL(one_case(args[0], UNI_LOWER, UNI_UPPER)))
SPAN_NATIVE(sp_eq, compare(vm, args, CMP_EQ))
SPAN_NATIVE(sp_ne, compare(vm, args, CMP_NE))
SPAN_NATIVE(sp_lt, compare(vm, args, CMP_LT))
SPAN_NATIVE(sp_le, compare(vm, args, CMP_LE))
SPAN_NATIVE(sp_gt, compare(vm, args, CMP_GT))
SPAN_NATIVE(sp_ge, compare(vm, args, CMP_GE))

#define AUTO ASY_ARGS_AUTO
#define SLOT ASY_ARGS_SLOT
#define KW ASY_ARGS_KW
/* clang-format off */
static const AsyMethodDef span_methods[] = {
  {"find", sp_find, 1, 3, AUTO}, {"rfind", sp_rfind, 1, 3, AUTO},
  {"index", sp_index, 1, 3, AUTO}, {"rindex", sp_rindex, 1, 3, AUTO},
  {"count", sp_count, 1, 3, AUTO}, {"startswith", sp_startswith, 1, 3, AUTO},
  {"endswith", sp_endswith, 1, 3, AUTO}, {"split", sp_split, 0, 2, KW},
  {"rsplit", sp_rsplit, 0, 2, KW}, {"splitlines", sp_splitlines, 0, 1, KW},
  {"partition", sp_partition, 1, 1, AUTO}, {"rpartition", sp_rpartition, 1, 1, AUTO},
  {"join", sp_join, 1, 1, AUTO}, {"strip", sp_strip, 0, 1, AUTO},
  {"lstrip", sp_lstrip, 0, 1, AUTO}, {"rstrip", sp_rstrip, 0, 1, AUTO},
  {"center", sp_center, 1, 2, AUTO}, {"ljust", sp_ljust, 1, 2, AUTO},
  {"rjust", sp_rjust, 1, 2, AUTO}, {"zfill", sp_zfill, 1, 1, AUTO},
  {"expandtabs", sp_expandtabs, 0, 1, KW}, {"removeprefix", sp_removeprefix, 1, 1, AUTO},
  {"removesuffix", sp_removesuffix, 1, 1, AUTO}, {"lower", sp_lower, 0, 0, AUTO},
  {"upper", sp_upper, 0, 0, AUTO}, {"swapcase", sp_swapcase, 0, 0, AUTO},
  {"title", sp_title, 0, 0, AUTO}, {"capitalize", sp_capitalize, 0, 0, AUTO},
  {"isalpha", sp_isalpha, 0, 0, AUTO}, {"isdigit", sp_isdigit, 0, 0, AUTO},
  {"isspace", sp_isspace, 0, 0, AUTO}, {"isalnum", sp_isalnum, 0, 0, AUTO},
  {"isascii", sp_isascii, 0, 0, AUTO}, {"isupper", sp_isupper, 0, 0, AUTO},
  {"islower", sp_islower, 0, 0, AUTO}, {"__len__", sp_len, 0, 0, SLOT},
  {"__getitem__", sp_getitem, 1, 1, SLOT}, {"__iter__", sp_iter, 0, 0, SLOT},
  {"__contains__", sp_contains, 1, 1, SLOT}, {"__add__", sp_add, 1, 1, SLOT},
  {"__mul__", sp_mul, 1, 1, SLOT}, {"__rmul__", sp_mul, 1, 1, SLOT},
  {"__mod__", sp_mod, 1, 1, SLOT}, {"__rmod__", sp_rmod, 1, 1, SLOT},
  {"__hash__", sp_hash, 0, 0, SLOT}, {"__repr__", sp_repr, 0, 0, SLOT},
  ASY_RICHCMP_DEFS(sp),
  {0},
};
/* clang-format on */

/* Where the kinds differ: str's replace takes count by keyword, and the Unicode-only
** case and digit notions exist for str alone. */
/* clang-format off */
static const AsyMethodDef str_span_methods[] = {
  {"replace", sp_replace, 2, 3, KW}, {"casefold", sp_casefold, 0, 0, AUTO},
  {"istitle", sp_istitle, 0, 0, AUTO}, {"isdecimal", sp_isdecimal, 0, 0, AUTO},
  {"isnumeric", sp_isnumeric, 0, 0, AUTO}, {"isprintable", sp_isprintable, 0, 0, AUTO},
  {0},
};
/* clang-format on */

static const AsyMethodDef bytes_span_methods[] = {
    {"replace", sp_replace, 2, 3, AUTO},
    {0},
};

void asy_def_span_methods(VM *vm, ObjClass *cls) {
  asy_drain_register(vm, DRAIN_JOIN, sp_join); /* sep.join(generator) (gen_drain.h) */
  asy_def_natives(vm, cls, NULL, span_methods);
  asy_def_natives(vm, cls, NULL, cls == vm->types.str ? str_span_methods : bytes_span_methods);
}
