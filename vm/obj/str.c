/*
** str.c — the str object: builder, UTF-8, hashing, interning, indexing, repr, and the
** operators other parts of the VM call directly. Methods are in strmethods.c.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/number.h"
#include "vm/obj/range.h"
#include "vm/obj/str.h"
#include "vm/obj/unicode.h"

/* ---- the builder ------------------------------------------------------------------ */

void asy_buf_init(AsyBuf *b, VM *vm) {
  b->vm = vm;
  b->data = NULL;
  b->len = b->cap = 0;
}

static void buf_reserve(AsyBuf *b, size_t extra) {
  if (b->len + extra <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra) cap *= 2;
  /* Most builders hold a short text (a formatted number, a repr): its first buffers
  ** come from the object pool, which costs a fraction of malloc and free. */
  b->data = asy_pool_realloc(b->vm, b->data, b->cap, cap);
  b->cap = cap;
}

void asy_buf_put(AsyBuf *b, const char *s, size_t n) {
  if (n == 0) return;
  buf_reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
}

void asy_buf_putc(AsyBuf *b, char c) {
  buf_reserve(b, 1);
  b->data[b->len++] = c;
}

void asy_buf_puts(AsyBuf *b, const char *s) { asy_buf_put(b, s, strlen(s)); }

void asy_buf_printf(AsyBuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char small[256];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    asy_buf_put(b, small, (size_t)n);
    return;
  }
  buf_reserve(b, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void asy_buf_put_cp(AsyBuf *b, uint32_t cp) {
  char tmp[4];
  asy_buf_put(b, tmp, asy_utf8_encode(cp, tmp));
}

void asy_buf_put_str(AsyBuf *b, ObjStr *s) { asy_buf_put(b, s->chars, s->size); }

ObjStr *asy_buf_to_str_cls(AsyBuf *b, ObjClass *cls) {
  ObjStr *s = asy_str_new_cls(b->vm, cls, b->data ? b->data : "", b->len);
  asy_buf_free(b);
  return s;
}

ObjStr *asy_buf_to_str(AsyBuf *b) { return asy_buf_to_str_cls(b, NULL); }

void asy_buf_free(AsyBuf *b) {
  if (b->data) asy_pool_realloc(b->vm, b->data, b->cap, 0);
  b->data = NULL;
  b->len = b->cap = 0;
}

Value asy_raise_fmt(VM *vm, ObjClass *cls, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return asy_raise(vm, cls, "%s", msg);
}

Value asy_memory_error(VM *vm) { return asy_raise_value(vm, OBJ_VAL(vm->exc.MemoryError)); }

/* ---- UTF-8 ------------------------------------------------------------------------- */

uint32_t asy_utf8_decode(const char *str, size_t n, size_t *adv) {
  const unsigned char *s = (const unsigned char *)str;
  if (n == 0) {
    *adv = 0;
    return 0;
  }
  unsigned c = s[0];
  if (c < 0x80) {
    *adv = 1;
    return c;
  }
  size_t need;
  uint32_t cp;
  /* clang-format off */
  if (c >= 0xF0 && c < 0xF8) { need = 3; cp = c & 0x07; }
  else if (c >= 0xE0) { need = 2; cp = c & 0x0F; }
  else if (c >= 0xC0) { need = 1; cp = c & 0x1F; }
  else { *adv = 1; return c; } /* stray continuation byte */
  /* clang-format on */
  if (c >= 0xF8 || need >= n) {
    *adv = 1;
    return c;
  }
  for (size_t i = 1; i <= need; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      *adv = 1;
      return c;
    }
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  *adv = need + 1;
  return cp;
}

size_t asy_utf8_encode(uint32_t cp, char out[4]) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* True if none of the n bytes at s has its high bit set (ASCII), a word at a time. */
static inline bool all_ascii(const char *s, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (w & 0x8080808080808080ULL) return false;
  }
  for (; i < n; i++)
    if ((unsigned char)s[i] >= 0x80) return false;
  return true;
}

size_t asy_utf8_length(const char *s, size_t n) {
  if (all_ascii(s, n)) return n;
  size_t len = 0;
  for (size_t i = 0; i < n;) {
    size_t adv;
    asy_utf8_decode(s + i, n - i, &adv);
    i += adv;
    len++;
  }
  return len;
}

size_t asy_utf8_seq(const uint8_t *s, size_t n, size_t *bad, const char **reason) {
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

bool asy_utf8_valid(const char *str, size_t n, size_t *bad_pos) {
  const uint8_t *s = (const uint8_t *)str;
  size_t i = 0, bad;
  const char *reason;
  while (i < n) {
    size_t k = asy_utf8_seq(s + i, n - i, &bad, &reason);
    if (!k) {
      if (bad_pos) *bad_pos = i;
      return false;
    }
    i += k;
  }
  return true;
}

/* ---- byte-level search shared by str (UTF-8) and bytes ---------------------------- */

void asy_adjust_indices(int64_t *start, int64_t *end, int64_t len) {
  if (*end > len) *end = len;
  else if (*end < 0) {
    *end += len;
    if (*end < 0) *end = 0;
  }
  if (*start < 0) {
    *start += len;
    if (*start < 0) *start = 0;
  }
}

int64_t asy_mem_find(const void *hay, size_t hn, const void *needle, size_t nn, bool reverse) {
  if (hn < nn) return -1;
  if (nn == 0) return reverse ? (int64_t)hn : 0;
  const char *h = hay;
  if (nn == 1) { /* split(' '), find(','): memchr is several times memmem's speed */
    const char *hit =
        reverse ? memrchr(h, *(const char *)needle, hn) : memchr(h, *(const char *)needle, hn);
    return hit ? hit - h : -1;
  }
  if (!reverse) {
    const char *hit = memmem(h, hn, needle, nn);
    return hit ? hit - h : -1;
  }
  for (size_t i = hn - nn + 1; i-- > 0;)
    if (memcmp(h + i, needle, nn) == 0) return (int64_t)i;
  return -1;
}

int64_t asy_mem_count(const void *hay, size_t hn, const void *needle, size_t nn) {
  const char *p = hay, *stop = p + hn;
  int64_t count = 0;
  while ((size_t)(stop - p) >= nn) {
    const char *hit = memmem(p, (size_t)(stop - p), needle, nn);
    if (!hit) break;
    count++;
    p = hit + nn;
  }
  return count;
}

/* vm->str_offset: a one-entry cache of the last code-point -> byte offset lookup, so
** that scanning a non-ASCII string by index is linear overall. Cleared whenever the GC
** sweeps (the only time a str can be freed and its address reused). */
size_t asy_str_offset(VM *vm, ObjStr *s, size_t index) {
  if (s->length == s->size) return index;
  if (index >= s->length) return s->size;
  size_t i = 0, off = 0;
  if (vm->str_offset.s == s && vm->str_offset.index <= index) {
    i = vm->str_offset.index;
    off = vm->str_offset.offset;
  }
  /* Scanning backwards from the end is cheaper for indexes near it. */
  if (index - i > s->length - index) {
    i = s->length;
    off = s->size;
    while (i > index) {
      off--;
      while (off > 0 && ((unsigned char)s->chars[off] & 0xC0) == 0x80) off--;
      i--;
    }
  } else {
    while (i < index) {
      size_t adv;
      asy_utf8_decode(s->chars + off, s->size - off, &adv);
      off += adv;
      i++;
    }
  }
  vm->str_offset.s = s;
  vm->str_offset.index = index;
  vm->str_offset.offset = off;
  return off;
}

uint32_t asy_str_char_at(VM *vm, ObjStr *s, size_t index) {
  if (s->length == s->size) return (unsigned char)s->chars[index];
  size_t off = asy_str_offset(vm, s, index), adv;
  return asy_utf8_decode(s->chars + off, s->size - off, &adv);
}

uint32_t asy_str_max_cp(ObjStr *s) {
  if (s->length == s->size) {
    uint32_t m = 0;
    for (size_t i = 0; i < s->size; i++)
      if ((unsigned char)s->chars[i] > m) m = (unsigned char)s->chars[i];
    return m;
  }
  uint32_t m = 0;
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(s->chars + i, s->size - i, &adv);
    if (cp > m) m = cp;
    i += adv;
  }
  return m;
}

/* ---- hashing: siphash-1-3, zero key (CPython with PYTHONHASHSEED=0) ---------------- */

typedef struct {
  uint64_t v0, v1, v2, v3;
  uint64_t tail; /* pending bytes, little-endian */
  size_t ntail;
  size_t total;
} SipState;

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
/* clang-format off */
#define SIPROUND(s) \
  do { \
    s->v0 += s->v1; s->v1 = ROTL(s->v1, 13); s->v1 ^= s->v0; s->v0 = ROTL(s->v0, 32); \
    s->v2 += s->v3; s->v3 = ROTL(s->v3, 16); s->v3 ^= s->v2; \
    s->v0 += s->v3; s->v3 = ROTL(s->v3, 21); s->v3 ^= s->v0; \
    s->v2 += s->v1; s->v1 = ROTL(s->v1, 17); s->v1 ^= s->v2; s->v2 = ROTL(s->v2, 32); \
  } while (0)
/* clang-format on */

static void sip_init(SipState *s) {
  s->v0 = 0x736f6d6570736575ULL;
  s->v1 = 0x646f72616e646f6dULL;
  s->v2 = 0x6c7967656e657261ULL;
  s->v3 = 0x7465646279746573ULL;
  s->tail = 0;
  s->ntail = 0;
  s->total = 0;
}

static inline void sip_byte(SipState *s, uint8_t byte) {
  s->tail |= (uint64_t)byte << (8 * s->ntail);
  s->total++;
  if (++s->ntail == 8) {
    uint64_t m = s->tail;
    s->v3 ^= m;
    SIPROUND(s);
    s->v0 ^= m;
    s->tail = 0;
    s->ntail = 0;
  }
}

static inline int64_t sip_final(SipState *s) {
  uint64_t b = ((uint64_t)s->total << 56) | s->tail;
  s->v3 ^= b;
  SIPROUND(s);
  s->v0 ^= b;
  s->v2 ^= 0xff;
  SIPROUND(s);
  SIPROUND(s);
  SIPROUND(s);
  int64_t h = (int64_t)(s->v0 ^ s->v1 ^ s->v2 ^ s->v3);
  return h == -1 ? -2 : h;
}

/* The 8 bytes at p as a little-endian word. */
static inline uint64_t load_le64(const uint8_t *p) {
  uint64_t m = 0;
  for (int k = 0; k < 8; k++) m |= (uint64_t)p[k] << (8 * k);
  return m;
}

int64_t asy_hash_bytes(const void *data, size_t size) {
  if (size == 0) return 0;
  /* sip_init, sip_byte and sip_final over whole words, in locals the compiler keeps in
  ** registers: a short key costs a third of what byte-wise feeding did. */
  SipState st;
  sip_init(&st);
  SipState *s = &st;
  const uint8_t *p = data;
  size_t whole = size & ~(size_t)7;
  for (size_t i = 0; i < whole; i += 8) {
    uint64_t m = load_le64(p + i);
    s->v3 ^= m;
    SIPROUND(s);
    s->v0 ^= m;
  }
  uint64_t tail = 0;
  for (size_t i = size; i-- > whole;) tail = (tail << 8) | p[i];
  st.tail = tail;
  st.ntail = size - whole;
  st.total = size;
  return sip_final(&st);
}

int64_t asy_str_hash_utf8(const char *chars, size_t size) {
  if (size == 0) return 0;
  uint32_t maxcp = 0;
  if (all_ascii(chars, size)) return asy_hash_bytes(chars, size);
  for (size_t i = 0; i < size;) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(chars + i, size - i, &adv);
    if (cp > maxcp) maxcp = cp;
    i += adv;
  }
  int kind = maxcp < 0x100 ? 1 : maxcp < 0x10000 ? 2 : 4;
  SipState st;
  sip_init(&st);
  for (size_t i = 0; i < size;) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(chars + i, size - i, &adv);
    for (int k = 0; k < kind; k++) sip_byte(&st, (uint8_t)(cp >> (8 * k)));
    i += adv;
  }
  return sip_final(&st);
}

int64_t asy_str_hash(ObjStr *s) {
  if (s->hash == -1) s->hash = asy_str_hash_utf8(s->chars, s->size);
  return s->hash;
}

/* ---- creation ------------------------------------------------------------------------- */

ObjStr *asy_str_alloc(VM *vm, size_t size, size_t length) {
  if (size > UINT32_MAX) { /* ObjStr's 32-bit counts; callers keep to ASY_STR_MAX */
    fputs("asy: str too large\n", stderr);
    abort();
  }
  ObjStr *s = (ObjStr *)asy_alloc_obj_head(vm, ASY_STR_OBJ_SIZE(size), offsetof(ObjStr, chars),
                                           OBJ_STR, vm->types.str);
  s->size = size;
  s->length = length;
  s->hash = -1;
  s->chars[size] = '\0';
  return s;
}

ObjStr *asy_str_try_alloc(VM *vm, size_t size, size_t length) {
  if (size > ASY_STR_MAX) return asy_memory_error(vm), NULL;
  ObjStr *s = (ObjStr *)asy_try_alloc_obj(vm, ASY_STR_OBJ_SIZE(size), OBJ_STR, vm->types.str);
  if (!s) return asy_memory_error(vm), NULL;
  s->size = size;
  s->length = length;
  s->hash = -1;
  s->chars[size] = '\0';
  return s;
}

ObjStr *asy_str_new_cls(VM *vm, ObjClass *cls, const char *chars, size_t size) {
  ObjStr *s;
  if (cls && !(cls->flags & CLASS_BUILTIN)) { /* room for the __dict__ slot, zeroed */
    s = (ObjStr *)asy_alloc_obj(vm, ASY_STR_ATTRS_OFFSET(size) + sizeof(ObjDict *), OBJ_STR, cls);
    s->size = size;
    s->hash = -1;
    s->chars[size] = '\0';
  } else {
    s = asy_str_alloc(vm, size, 0);
  }
  if (size) memcpy(s->chars, chars, size);
  s->length = asy_utf8_length(s->chars, size);
  if (cls) s->obj.cls = cls;
  return s;
}

ObjStr *asy_str_new(VM *vm, const char *chars, size_t size) {
  /* '' and one-character ASCII strings are shared: they are everywhere (s[i], str(7),
  ** split results) and sharing saves an allocation each time. */
  if (size == 0 || (size == 1 && (unsigned char)chars[0] < 0x80))
    return asy_str_intern(vm, chars, size);
  return asy_str_new_cls(vm, NULL, chars, size);
}

ObjStr *asy_str_new_ascii(VM *vm, const char *chars, size_t size) {
  if (size <= 1) return asy_str_intern(vm, chars, size);
  ObjStr *s = asy_str_alloc(vm, size, size);
  memcpy(s->chars, chars, size);
  return s;
}

ObjStr *asy_str_cstr(VM *vm, const char *cstr) { return asy_str_new(vm, cstr, strlen(cstr)); }

ObjStr *asy_str_printf(VM *vm, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) n = 0;
  char *tmp = malloc((size_t)n + 1);
  if (!tmp) abort();
  va_start(ap, fmt);
  vsnprintf(tmp, (size_t)n + 1, fmt, ap);
  va_end(ap);
  ObjStr *s = asy_str_new(vm, tmp, (size_t)n);
  free(tmp);
  return s;
}

ObjStr *asy_str_from_cp(VM *vm, uint32_t cp) {
  char tmp[4];
  size_t n = asy_utf8_encode(cp, tmp);
  if (cp < 0x100) return asy_str_intern(vm, tmp, n);
  ObjStr *s = asy_str_alloc(vm, n, 1);
  memcpy(s->chars, tmp, n);
  return s;
}

/* ---- interning: an open-addressing set of ObjStr*, weak (swept by the GC) ---------- */

static size_t intern_find(VM *vm, const char *chars, size_t size, int64_t hash, bool *found) {
  size_t mask = vm->interned.capacity - 1;
  size_t i = (size_t)hash & mask;
  for (;;) {
    ObjStr *s = vm->interned.slots[i];
    if (!s) {
      *found = false;
      return i;
    }
    if (s->hash == hash && s->size == size && memcmp(s->chars, chars, size) == 0) {
      *found = true;
      return i;
    }
    i = (i + 1) & mask;
  }
}

static void intern_insert_raw(ObjStr **slots, size_t capacity, ObjStr *s) {
  size_t mask = capacity - 1;
  size_t i = (size_t)s->hash & mask;
  while (slots[i]) i = (i + 1) & mask;
  slots[i] = s;
}

static void intern_rebuild(VM *vm, size_t capacity) {
  ObjStr **slots = ASY_ALLOC(vm, ObjStr *, capacity);
  memset(slots, 0, sizeof(ObjStr *) * capacity);
  for (size_t i = 0; i < vm->interned.capacity; i++)
    if (vm->interned.slots[i]) intern_insert_raw(slots, capacity, vm->interned.slots[i]);
  if (vm->interned.slots) ASY_FREE(vm, ObjStr *, vm->interned.slots, vm->interned.capacity);
  vm->interned.slots = slots;
  vm->interned.capacity = capacity;
}

/* The hash of the one-byte str c (< 0x80): s[i], split results and chr() make such
** strs all the time, and each is looked up in the intern table. */
static int64_t ascii_char_hash(unsigned char c) {
  static int64_t table[128]; /* 0 = not computed yet (no one-byte str hashes to 0) */
  if (!table[c]) table[c] = asy_hash_bytes(&c, 1);
  return table[c];
}

ObjStr *asy_str_intern(VM *vm, const char *chars, size_t size) {
  int64_t hash = size == 1 && (unsigned char)chars[0] < 0x80
                     ? ascii_char_hash((unsigned char)chars[0])
                     : asy_str_hash_utf8(chars, size);
  bool found;
  if (vm->interned.capacity) {
    size_t i = intern_find(vm, chars, size, hash, &found);
    if (found) return vm->interned.slots[i];
  }
  /* Allocate first: a collection here may sweep the table. */
  ObjStr *s = asy_str_new_cls(vm, NULL, chars, size);
  s->hash = hash;
  if ((vm->interned.count + 1) * 4 > vm->interned.capacity * 3)
    intern_rebuild(vm, vm->interned.capacity ? vm->interned.capacity * 2 : 256);
  intern_insert_raw(vm->interned.slots, vm->interned.capacity, s);
  vm->interned.count++;
  return s;
}

void asy_strings_sweep(VM *vm) {
  vm->str_offset.s = NULL;
  if (!vm->interned.capacity) return;
  size_t removed = 0;
  for (size_t i = 0; i < vm->interned.capacity; i++) {
    ObjStr *s = vm->interned.slots[i];
    if (s && !s->obj.marked) {
      vm->interned.slots[i] = NULL;
      removed++;
    }
  }
  if (removed) { /* linear probing needs the chains re-packed after deletions */
    vm->interned.count -= removed;
    intern_rebuild(vm, vm->interned.capacity);
  }
}

void asy_strings_free(VM *vm) {
  vm->str_offset.s = NULL;
  if (vm->interned.slots) ASY_FREE(vm, ObjStr *, vm->interned.slots, vm->interned.capacity);
  vm->interned.slots = NULL;
  vm->interned.count = vm->interned.capacity = 0;
}

/* ---- operations ------------------------------------------------------------------------ */

bool asy_str_equal(ObjStr *a, ObjStr *b) {
  if (a == b) return true;
  if (a->size != b->size) return false;
  if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) return false;
  return memcmp(a->chars, b->chars, a->size) == 0;
}

int asy_str_cmp(ObjStr *a, ObjStr *b) {
  size_t n = a->size < b->size ? a->size : b->size;
  int c = memcmp(a->chars, b->chars, n);
  if (c) return c < 0 ? -1 : 1;
  return a->size < b->size ? -1 : a->size > b->size ? 1 : 0;
}

Value asy_str_compare(VM *vm, int op, ObjStr *a, ObjStr *b) {
  (void)vm;
  if (op == CMP_EQ) return BOOL_VAL(asy_str_equal(a, b));
  if (op == CMP_NE) return BOOL_VAL(!asy_str_equal(a, b));
  return asy_cmp_result(op, asy_str_cmp(a, b));
}

ObjStr *asy_str_substr(VM *vm, ObjStr *s, size_t start, size_t stop) {
  if (start >= stop) return vm->names.empty;
  if (start == 0 && stop >= s->length && s->obj.cls == vm->types.str) return s;
  size_t b0 = asy_str_offset(vm, s, start);
  size_t b1 = asy_str_offset(vm, s, stop);
  if (stop - start == 1 && b1 - b0 <= 2) return asy_str_intern(vm, s->chars + b0, b1 - b0);
  ObjStr *r = asy_str_alloc(vm, b1 - b0, stop - start);
  memcpy(r->chars, s->chars + b0, b1 - b0);
  return r;
}

Value asy_str_concat(VM *vm, ObjStr *a, ObjStr *b) {
  if (a->size == 0 && b->obj.cls == vm->types.str) return OBJ_VAL(b);
  if (b->size == 0 && a->obj.cls == vm->types.str) return OBJ_VAL(a);
  ObjStr *r = asy_str_try_alloc(vm, a->size + b->size, a->length + b->length);
  if (!r) return EXC_VAL;
  memcpy(r->chars, a->chars, a->size);
  memcpy(r->chars + a->size, b->chars, b->size);
  return OBJ_VAL(r);
}

Value asy_str_concat_n(VM *vm, int n, const Value *parts) {
  size_t size = 0, length = 0;
  for (int i = 0; i < n; i++) {
    ObjStr *p = AS_STR(parts[i]);
    size += p->size;
    length += p->length;
  }
  ObjStr *r = asy_str_try_alloc(vm, size, length);
  if (!r) return EXC_VAL;
  size_t off = 0;
  for (int i = 0; i < n; i++) {
    ObjStr *p = AS_STR(parts[i]);
    memcpy(r->chars + off, p->chars, p->size);
    off += p->size;
  }
  return OBJ_VAL(r);
}

Value asy_str_repeat(VM *vm, ObjStr *s, int64_t n) {
  if (n <= 0 || s->size == 0) return OBJ_VAL(vm->names.empty);
  if (n == 1 && s->obj.cls == vm->types.str) return OBJ_VAL(s);
  if ((uint64_t)n > (uint64_t)INT64_MAX / s->length) /* CPython counts code points */
    return asy_raise(vm, vm->exc.OverflowError, "repeated string is too long");
  if ((uint64_t)n > ASY_STR_MAX / s->size) return asy_memory_error(vm);
  size_t size = s->size * (size_t)n;
  ObjStr *r = asy_str_try_alloc(vm, size, s->length * (size_t)n);
  if (!r) return EXC_VAL;
  if (s->size == 1) memset(r->chars, s->chars[0], size);
  else
    for (int64_t i = 0; i < n; i++) memcpy(r->chars + (size_t)i * s->size, s->chars, s->size);
  return OBJ_VAL(r);
}

int asy_str_contains(ObjStr *hay, ObjStr *needle) {
  if (needle->size == 0) return 1;
  if (needle->size > hay->size) return 0;
  return memmem(hay->chars, hay->size, needle->chars, needle->size) != NULL;
}

Value asy_str_getitem(VM *vm, ObjStr *s, Value key) {
  if (IS_INTLIKE(key) || IS_BIGINT(key) ||
      (IS_INSTANCE(key) && !IS_OBJ_TYPE(key, OBJ_SLICE) &&
       !IS_UNDEF(asy_class_lookup(asy_class_of(vm, key), vm->names.index)))) {
    int64_t i;
    if (IS_INTLIKE(key)) i = AS_INTLIKE(key);
    else if (!asy_index_or(vm, key, &i, vm->exc.IndexError)) return EXC_VAL;
    if (i < 0) i += (int64_t)s->length;
    if (i < 0 || i >= (int64_t)s->length)
      return asy_raise(vm, vm->exc.IndexError, "string index out of range");
    if (s->length == s->size) return OBJ_VAL(asy_str_intern(vm, s->chars + i, 1));
    return OBJ_VAL(asy_str_from_cp(vm, asy_str_char_at(vm, s, (size_t)i)));
  }
  if (IS_OBJ_TYPE(key, OBJ_SLICE)) {
    int64_t start, stop, step, n;
    if (!asy_slice_indices(vm, AS_SLICE(key), (int64_t)s->length, &start, &stop, &step, &n))
      return EXC_VAL;
    if (step == 1) return OBJ_VAL(asy_str_substr(vm, s, (size_t)start, (size_t)stop));
    if (n == 0) return OBJ_VAL(vm->names.empty);
    if (s->length == s->size) {
      ObjStr *r = asy_str_alloc(vm, (size_t)n, (size_t)n);
      for (int64_t k = 0, i = start; k < n; k++, i += step) r->chars[k] = s->chars[i];
      return OBJ_VAL(r);
    }
    /* Non-ASCII with a step: decode once into code points. */
    uint32_t *cps = malloc(sizeof(uint32_t) * s->length);
    if (!cps) abort();
    for (size_t off = 0, k = 0; off < s->size; k++) {
      size_t adv;
      cps[k] = asy_utf8_decode(s->chars + off, s->size - off, &adv);
      off += adv;
    }
    AsyBuf b;
    asy_buf_init(&b, vm);
    for (int64_t k = 0, i = start; k < n; k++, i += step) asy_buf_put_cp(&b, cps[i]);
    free(cps);
    return OBJ_VAL(asy_buf_to_str(&b));
  }
  return asy_raise(vm, vm->exc.TypeError, "string indices must be integers, not '%s'",
                   asy_type_name(vm, key));
}

/* ---- repr ---------------------------------------------------------------------------------- */

void asy_str_repr_to(AsyBuf *b, ObjStr *s) {
  bool has_sq = memchr(s->chars, '\'', s->size) != NULL;
  bool has_dq = memchr(s->chars, '"', s->size) != NULL;
  char quote = (has_sq && !has_dq) ? '"' : '\'';
  static const char hex[] = "0123456789abcdef";
  asy_buf_putc(b, quote);
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(s->chars + i, s->size - i, &adv);
    if (cp == (uint32_t)quote || cp == '\\') {
      asy_buf_putc(b, '\\');
      asy_buf_putc(b, (char)cp);
    } else if (cp == '\t') {
      asy_buf_puts(b, "\\t");
    } else if (cp == '\n') {
      asy_buf_puts(b, "\\n");
    } else if (cp == '\r') {
      asy_buf_puts(b, "\\r");
    } else if (cp < 0x20 || cp == 0x7f) {
      char e[4] = {'\\', 'x', hex[cp >> 4], hex[cp & 15]};
      asy_buf_put(b, e, 4);
    } else if (cp < 0x7f) {
      asy_buf_putc(b, (char)cp);
    } else if (asy_uni_flags(cp) & UNI_PRINTABLE) {
      asy_buf_put(b, s->chars + i, adv);
    } else if (cp < 0x100) {
      char e[4] = {'\\', 'x', hex[cp >> 4], hex[cp & 15]};
      asy_buf_put(b, e, 4);
    } else if (cp < 0x10000) {
      asy_buf_printf(b, "\\u%04x", cp);
    } else {
      asy_buf_printf(b, "\\U%08x", cp);
    }
    i += adv;
  }
  asy_buf_putc(b, quote);
}

/* ---- iteration --------------------------------------------------------------------------------- */

static Value str_iter_next(VM *vm, ObjIter *it) {
  ObjStr *s = AS_STR(it->a);
  if ((size_t)it->i >= s->size) return UNDEF_VAL;
  size_t adv;
  uint32_t cp = asy_utf8_decode(s->chars + it->i, s->size - (size_t)it->i, &adv);
  it->i += (int64_t)adv;
  if (cp < 0x80) return OBJ_VAL(asy_str_intern(vm, s->chars + it->i - 1, 1));
  return OBJ_VAL(asy_str_from_cp(vm, cp));
}

Value asy_str_iter(VM *vm, ObjStr *s) {
  ObjIter *it = asy_iter_new(vm, str_iter_next, OBJ_VAL(s), UNDEF_VAL, UNDEF_VAL);
  it->i = 0;
  return OBJ_VAL(it);
}
