/*
** json.c — the json module: dumps/dump and loads/load, formatting and error messages
** exactly as CPython 3.13's json package.
**
** Encoding follows json.encoder: separators (', ', ': ') by default and (',', ': ')
** with an indent; floats by float.__repr__ with NaN/Infinity/-Infinity; dict keys
** converted (str, float, bool, None, int) or rejected; ensure_ascii escapes with
** \uXXXX and surrogate pairs; `default` for unknown objects; circular references
** detected on the current path.
**
** Decoding follows json.decoder/scanner: the full JSON grammar plus NaN/Infinity,
** JSONDecodeError (a ValueError subclass from module json.decoder) with msg, doc, pos,
** lineno, colno, where positions count code points as CPython does.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/interp.h" /* asy_c_stack_exhausted */
#include "vm/obj/str.h"

#include "vm/obj/bytes.h"
#include "vm/obj/dict.h"
#include "vm/obj/dtoa.h"
#include "vm/obj/list.h"

/* CPython's C encoder and scanner count nested containers against the C recursion
** limit (10000 in 3.13; a top-level dumps/loads gets 9998 levels), not the Python one. The
** C stack check backs it up where frames are large (sanitizer builds). */
#define MAX_DEPTH 9997

/* The number of UTF-8 continuation bytes in p[0..n): a str's length is its size less these
** (str text is always well-formed). Eight bytes at a time: bit 7 set, bit 6 clear. */
static size_t utf8_continuations(const char *p, size_t n) {
  size_t cont = 0, i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, p + i, 8);
    uint64_t m = (x & ~(x << 1) & 0x8080808080808080u) >> 7; /* one bit per byte */
    cont += (size_t)((m * 0x0101010101010101u) >> 56);
  }
  for (; i < n; i++) cont += ((unsigned char)p[i] & 0xC0) == 0x80;
  return cont;
}

/* ---- encoder ------------------------------------------------------------------------------ */

typedef struct {
  VM *vm;
  AsyBuf out;
  /* clang-format off */
  const char *indent; size_t indent_len; bool has_indent;
  const char *item_sep; size_t item_sep_len;
  const char *key_sep; size_t key_sep_len;
  /* clang-format on */
  bool sort_keys, skipkeys, ensure_ascii, allow_nan, check_circular;
  Value dflt;    /* default callable, or UNDEF */
  int level;     /* current indent level */
  Obj **markers; /* containers on the current path (circular check) */
  int nmarkers, cap_markers;
} Encoder;

/* Appending to the output: in place while it fits, asy_buf_put's growth otherwise. */
static inline void out_put(AsyBuf *b, const char *p, size_t n) {
  if (b->cap - b->len >= n) {
    memcpy(b->data + b->len, p, n);
    b->len += n;
  } else {
    asy_buf_put(b, p, n);
  }
}
static inline void out_putc(AsyBuf *b, char c) {
  if (b->len < b->cap) b->data[b->len++] = c;
  else asy_buf_putc(b, c);
}
#define out_puts(b, lit) out_put((b), (lit), strlen(lit))

/* \uXXXX for a UTF-16 code unit. */
static void put_u_escape(AsyBuf *b, uint32_t v) {
  static const char hex[] = "0123456789abcdef";
  char t[6] = {'\\', 'u', hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]};
  out_put(b, t, 6);
}

/* Bytes copied through unchanged: bit 1 with ensure_ascii (' '..'~' but '"' and '\\'),
** bit 2 without (also 0x7f and every byte of a non-ASCII character). */
static const uint8_t plain_byte[256] = {
#define P3 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3
#define P2 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2
    0,  0,  0,  0,  0,  0,  0,  0,  0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
    0,  0,  0,  0,  0,  0,  0,  0,  0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
    3,  3,  0,  3,  3,  3,  3,  3,  3, 3, 3, 3, 3, 3, 3, 3, /* 0x20: '"' */
    P3, P3,                                                 /* 0x30-0x4f */
    3,  3,  3,  3,  3,  3,  3,  3,  3, 3, 3, 3, 0, 3, 3, 3, /* 0x50: '\\' */
    P3,                                                     /* 0x60 */
    3,  3,  3,  3,  3,  3,  3,  3,  3, 3, 3, 3, 3, 3, 3, 2, /* 0x70: 0x7f */
    P2, P2, P2, P2, P2, P2, P2, P2,                         /* 0x80-0xff */
#undef P3
#undef P2
};

static void put_escaped(Encoder *e, ObjStr *s) {
  AsyBuf *b = &e->out;
  out_putc(b, '"');
  const unsigned char *p = (const unsigned char *)s->chars;
  size_t n = s->size;
  uint8_t mask = e->ensure_ascii ? 1 : 2;
  for (size_t i = 0; i < n;) {
    if (plain_byte[p[i]] & mask) {
      size_t j = i + 1;
      while (j < n && (plain_byte[p[j]] & mask)) j++;
      out_put(b, (const char *)p + i, j - i);
      i = j;
      continue;
    }
    unsigned char c = p[i];
    switch (c) {
    /* clang-format off */
    case '"': out_puts(b, "\\\""); i++; continue;
    case '\\': out_puts(b, "\\\\"); i++; continue;
    case '\n': out_puts(b, "\\n"); i++; continue;
    case '\r': out_puts(b, "\\r"); i++; continue;
    case '\t': out_puts(b, "\\t"); i++; continue;
    case '\b': out_puts(b, "\\b"); i++; continue;
    case '\f': out_puts(b, "\\f"); i++; continue;
    /* clang-format on */
    default: break;
    }
    if (c < 0x80) { /* the other controls, and 0x7f with ensure_ascii */
      put_u_escape(b, c);
      i++;
      continue;
    }
    size_t adv;
    uint32_t cp = asy_utf8_decode((const char *)p + i, n - i, &adv);
    i += adv;
    if (cp >= 0x10000) {
      uint32_t v = cp - 0x10000;
      put_u_escape(b, 0xd800 | (v >> 10));
      put_u_escape(b, 0xdc00 | (v & 0x3ff));
    } else {
      put_u_escape(b, cp);
    }
  }
  out_putc(b, '"');
}

/* float.__repr__ with JSON's names for the special values. */
static bool put_float(Encoder *e, double d) {
  VM *vm = e->vm;
  if (isnan(d) || isinf(d)) {
    if (!e->allow_nan) {
      Value r = asy_repr(vm, FLOAT_VAL(d));
      if (IS_EXC(r)) return false;
      asy_raise(vm, vm->exc.ValueError, "Out of range float values are not JSON compliant: %s",
                AS_STR(r)->chars);
      return false;
    }
    out_puts(&e->out, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
    return true;
  }
  char buf[40];
  asy_float_repr(d, buf);
  out_puts(&e->out, buf);
  return true;
}

static void put_newline_indent(Encoder *e) {
  out_putc(&e->out, '\n');
  for (int i = 0; i < e->level; i++) out_put(&e->out, e->indent, e->indent_len);
}

static bool push_marker(Encoder *e, Obj *o) {
  if (!e->check_circular) return true;
  for (int i = 0; i < e->nmarkers; i++)
    if (e->markers[i] == o) {
      asy_raise(e->vm, e->vm->exc.ValueError, "Circular reference detected");
      return false;
    }
  if (e->nmarkers == e->cap_markers) {
    int cap = e->cap_markers ? e->cap_markers * 2 : 16;
    Obj **m = realloc(e->markers, sizeof(Obj *) * (size_t)cap);
    if (!m) {
      asy_raise(e->vm, e->vm->exc.MemoryError, "out of memory");
      return false;
    }
    e->markers = m;
    e->cap_markers = cap;
  }
  e->markers[e->nmarkers++] = o;
  return true;
}

static void pop_marker(Encoder *e) {
  if (e->check_circular) e->nmarkers--;
}

static bool encode(Encoder *e, Value v, int depth);

static bool encode_int(Encoder *e, int64_t i) {
  char buf[24], *p = buf + sizeof buf;
  uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
  do *--p = (char)('0' + u % 10);
  while (u /= 10);
  if (i < 0) *--p = '-';
  out_put(&e->out, p, (size_t)(buf + sizeof buf - p));
  return true;
}

static bool encode_list(Encoder *e, Value v, int depth) {
  VM *vm = e->vm;
  size_t n = IS_LIST(v) ? AS_LIST(v)->size : AS_TUPLE(v)->size;
  if (n == 0) {
    out_puts(&e->out, "[]");
    return true;
  }
  if (!push_marker(e, AS_OBJ(v))) return false;
  out_putc(&e->out, '[');
  if (e->has_indent) {
    e->level++;
    put_newline_indent(e);
  }
  for (size_t i = 0;; i++) {
    size_t size = IS_LIST(v) ? AS_LIST(v)->size : AS_TUPLE(v)->size;
    if (i >= size) break;
    if (i > 0) {
      out_put(&e->out, e->item_sep, e->item_sep_len);
      if (e->has_indent) put_newline_indent(e);
    }
    Value item = IS_LIST(v) ? AS_LIST(v)->items[i] : AS_TUPLE(v)->items[i];
    if (!encode(e, item, depth + 1)) return false;
  }
  if (e->has_indent) {
    e->level--;
    put_newline_indent(e);
  }
  out_putc(&e->out, ']');
  pop_marker(e);
  (void)vm;
  return true;
}

/* Convert a dict key to its JSON string; false + *skip for skipkeys, false on error. */
static bool key_string(Encoder *e, Value k, ObjStr **out, bool *skip) {
  VM *vm = e->vm;
  *skip = false;
  if (IS_STR(k)) {
    *out = AS_STR(k);
    return true;
  }
  if (IS_FLOAT(k)) {
    double d = AS_FLOAT(k);
    if (isnan(d) || isinf(d)) {
      if (!e->allow_nan) {
        Value r = asy_repr(vm, k);
        if (IS_EXC(r)) return false;
        asy_raise(vm, vm->exc.ValueError, "Out of range float values are not JSON compliant: %s",
                  AS_STR(r)->chars);
        return false;
      }
      *out = asy_str_cstr(vm, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
      return true;
    }
    Value r = asy_repr(vm, k);
    if (IS_EXC(r)) return false;
    *out = AS_STR(r);
    return true;
  }
  if (IS_BOOL(k)) {
    *out = asy_str_cstr(vm, AS_BOOL(k) ? "true" : "false");
    return true;
  }
  if (IS_NONE(k)) {
    *out = asy_str_cstr(vm, "null");
    return true;
  }
  if (IS_INT(k)) {
    *out = asy_str_printf(vm, "%lld", (long long)AS_INT(k));
    return true;
  }
  if (IS_OBJ(k) && asy_isinstance(vm, k, vm->types.int_)) {
    int64_t i;
    if (!asy_index(vm, k, &i)) return false;
    *out = asy_str_printf(vm, "%lld", (long long)i);
    return true;
  }
  if (e->skipkeys) {
    *skip = true;
    return false;
  }
  asy_raise(vm, vm->exc.TypeError, "keys must be str, int, float, bool or None, not %s",
            asy_type_name(vm, k));
  return false;
}

static bool encode_dict(Encoder *e, Value v, int depth) {
  VM *vm = e->vm;
  ObjDict *d = AS_DICT(v);
  if (d->count == 0) {
    out_puts(&e->out, "{}");
    return true;
  }
  if (!push_marker(e, AS_OBJ(v))) return false;
  /* Snapshot the items (as PyMapping_Items does: a `default` hook may change the dict),
  ** as key, value, key, value… in one list; (key, value) tuples when they are sorted. */
  ObjList *items = asy_list_new(vm, 2 * d->count);
  for (size_t i = 0; i < d->used; i++) {
    DictEntry *en = &d->entries[i];
    Value key = asy_dict_key(d, i);
    if (IS_UNDEF(key)) continue;
    if (e->sort_keys) {
      Value kv[2] = {key, en->value};
      asy_list_append(vm, items, OBJ_VAL(asy_tuple_from(vm, 2, kv)));
    } else {
      items->items[items->size++] = key;
      items->items[items->size++] = en->value;
    }
  }
  if (e->sort_keys) {
    if (IS_EXC(asy_list_sort(vm, items, NONE_VAL, false))) return false;
    ObjList *flat = asy_list_new(vm, 2 * items->size);
    for (size_t i = 0; i < items->size; i++) {
      ObjTuple *kv = AS_TUPLE(items->items[i]);
      flat->items[flat->size++] = kv->items[0];
      flat->items[flat->size++] = kv->items[1];
    }
    items = flat;
  }
  out_putc(&e->out, '{');
  if (e->has_indent) {
    e->level++;
    put_newline_indent(e);
  }
  bool first = true;
  for (size_t i = 0; i < items->size; i += 2) {
    ObjStr *key;
    bool skip;
    if (!key_string(e, items->items[i], &key, &skip)) {
      if (skip) continue;
      return false;
    }
    if (!first) {
      out_put(&e->out, e->item_sep, e->item_sep_len);
      if (e->has_indent) put_newline_indent(e);
    }
    first = false;
    put_escaped(e, key);
    out_put(&e->out, e->key_sep, e->key_sep_len);
    if (!encode(e, items->items[i + 1], depth + 1)) return false;
  }
  if (e->has_indent) {
    e->level--;
    put_newline_indent(e);
  }
  out_putc(&e->out, '}');
  pop_marker(e);
  return true;
}

static bool encode(Encoder *e, Value v, int depth) {
  VM *vm = e->vm;
  bool scalar = !IS_OBJ(v) || IS_STR(v);
  if (!scalar && (depth > MAX_DEPTH || asy_c_stack_exhausted())) {
    asy_raise(vm, vm->exc.RecursionError,
              "maximum recursion depth exceeded while encoding a JSON object");
    return false;
  }
  switch (v.tag) {
  case VAL_NONE: out_puts(&e->out, "null"); return true;
  case VAL_BOOL: out_puts(&e->out, AS_BOOL(v) ? "true" : "false"); return true;
  case VAL_INT: return encode_int(e, AS_INT(v));
  case VAL_FLOAT: return put_float(e, AS_FLOAT(v));
  default: break;
  }
  if (IS_STR(v)) {
    put_escaped(e, AS_STR(v));
    return true;
  }
  if (IS_LIST(v) || IS_TUPLE(v)) return encode_list(e, v, depth);
  if (IS_DICT(v)) return encode_dict(e, v, depth);
  if (IS_BIGINT(v)) { /* str(), with its digit limit */
    Value r = asy_int_str(vm, v);
    if (IS_EXC(r)) return false;
    asy_buf_put_str(&e->out, AS_STR(r));
    return true;
  }
  if (IS_OBJ(v) && asy_isinstance(vm, v, vm->types.int_)) {
    int64_t i;
    if (!asy_index(vm, v, &i)) return false;
    return encode_int(e, i);
  }
  if (IS_OBJ(v) && asy_isinstance(vm, v, vm->types.float_)) {
    double d;
    if (!asy_std_to_double(vm, v, &d)) return false;
    return put_float(e, d);
  }
  if (IS_UNDEF(e->dflt)) {
    asy_raise(vm, vm->exc.TypeError, "Object of type %s is not JSON serializable",
              asy_type_name(vm, v));
    return false;
  }
  if (!push_marker(e, IS_OBJ(v) ? AS_OBJ(v) : NULL)) return false;
  Value r = asy_call(vm, e->dflt, 1, &v, NULL);
  if (IS_EXC(r)) return false;
  if (!encode(e, r, depth + 1)) return false;
  pop_marker(e);
  return true;
}

/* Parse dumps()'s keyword options into the encoder. */
static bool encoder_options(VM *vm, Encoder *e, ObjDict *kw) {
  static const char *const names[] = {"skipkeys",   "ensure_ascii", "check_circular",
                                      "allow_nan",  "cls",          "indent",
                                      "separators", "default",      "sort_keys"};
  Value o[9];
  for (int i = 0; i < 9; i++) o[i] = UNDEF_VAL;
  if (kw) {
    for (size_t i = 0; i < kw->used; i++) {
      DictEntry *en = &kw->entries[i];
      Value name = asy_dict_key(kw, i);
      if (IS_UNDEF(name)) continue;
      int idx = -1;
      for (int j = 0; j < 9 && IS_STR(name); j++)
        if (strcmp(AS_STR(name)->chars, names[j]) == 0) idx = j;
      if (idx < 0) {
        asy_raise(vm, vm->exc.TypeError,
                  "JSONEncoder.__init__() got an unexpected keyword argument '%s'",
                  IS_STR(name) ? AS_STR(name)->chars : "?");
        return false;
      }
      o[idx] = en->value;
    }
  }
  int flags[4] = {0, 1, 1, 1}; /* skipkeys, ensure_ascii, check_circular, allow_nan */
  for (int i = 0; i < 4; i++)
    if (!IS_UNDEF(o[i])) {
      int t = asy_truthy(vm, o[i]);
      if (t < 0) return false;
      flags[i] = t;
    }
  e->skipkeys = flags[0];
  e->ensure_ascii = flags[1];
  e->check_circular = flags[2];
  e->allow_nan = flags[3];
  if (!IS_UNDEF(o[8])) {
    int t = asy_truthy(vm, o[8]);
    if (t < 0) return false;
    e->sort_keys = t;
  }
  e->dflt = IS_UNDEF(o[7]) || IS_NONE(o[7]) ? UNDEF_VAL : o[7];
  Value indent = o[5];
  e->has_indent = false;
  if (!IS_UNDEF(indent) && !IS_NONE(indent)) {
    e->has_indent = true;
    if (IS_STR(indent)) {
      e->indent = AS_STR(indent)->chars;
      e->indent_len = AS_STR(indent)->size;
    } else if (IS_INTLIKE(indent)) {
      int64_t n = AS_INTLIKE(indent);
      if (n < 0) n = 0;
      Value rep = asy_str_repeat(vm, asy_str_cstr(vm, " "), n);
      if (IS_EXC(rep)) return false;
      e->indent = AS_STR(rep)->chars;
      e->indent_len = AS_STR(rep)->size;
    } else {
      asy_raise(vm, vm->exc.TypeError, "can't multiply sequence by non-int of type '%s'",
                asy_type_name(vm, indent));
      return false;
    }
  }
  e->item_sep = e->has_indent ? "," : ", ";
  e->item_sep_len = e->has_indent ? 1 : 2;
  e->key_sep = ": ";
  e->key_sep_len = 2;
  Value seps = o[6];
  if (!IS_UNDEF(seps) && !IS_NONE(seps)) {
    Value items[2];
    if (IS_TUPLE(seps) && AS_TUPLE(seps)->size == 2) {
      items[0] = AS_TUPLE(seps)->items[0];
      items[1] = AS_TUPLE(seps)->items[1];
    } else if (IS_LIST(seps) && AS_LIST(seps)->size == 2) {
      items[0] = AS_LIST(seps)->items[0];
      items[1] = AS_LIST(seps)->items[1];
    } else {
      asy_raise(vm, vm->exc.ValueError, "too many values to unpack (expected 2)");
      return false;
    }
    for (int i = 0; i < 2; i++)
      if (!IS_STR(items[i])) {
        asy_raise(vm, vm->exc.TypeError, "make_encoder() argument %d must be str, not %s", i + 6,
                  asy_type_name(vm, items[i]));
        return false;
      }
    e->item_sep = AS_STR(items[0])->chars;
    e->item_sep_len = AS_STR(items[0])->size;
    e->key_sep = AS_STR(items[1])->chars;
    e->key_sep_len = AS_STR(items[1])->size;
  }
  return true;
}

static Value dumps_impl(VM *vm, Value obj, ObjDict *kw) {
  Encoder e;
  memset(&e, 0, sizeof e);
  e.vm = vm;
  e.dflt = UNDEF_VAL;
  if (!encoder_options(vm, &e, kw)) return EXC_VAL;
  asy_buf_init(&e.out, vm);
  bool ok = encode(&e, obj, 0);
  free(e.markers);
  if (!ok) {
    asy_buf_free(&e.out);
    return EXC_VAL;
  }
  /* the str straight from the buffer, its length counted without decoding */
  size_t n = e.out.len;
  ObjStr *r = asy_str_alloc(vm, n, n - utf8_continuations(e.out.data, n));
  if (n) memcpy(r->chars, e.out.data, n);
  asy_buf_free(&e.out);
  return OBJ_VAL(r);
}

Value asy_json_dumps(VM *vm, Value v) { return dumps_impl(vm, v, NULL); }

static Value j_dumps(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc != 1) {
    if (argc == 0)
      return asy_raise(vm, vm->exc.TypeError,
                       "dumps() missing 1 required positional argument: 'obj'");
    return asy_raise(vm, vm->exc.TypeError, "dumps() takes 1 positional argument but %d were given",
                     argc);
  }
  return dumps_impl(vm, args[0], kw);
}

static Value j_dump(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc != 2) {
    if (argc < 2)
      return asy_raise(vm, vm->exc.TypeError,
                       "dump() missing %d required positional argument%s: %s", 2 - argc,
                       argc == 0 ? "s" : "", argc == 0 ? "'obj' and 'fp'" : "'fp'");
    return asy_raise(vm, vm->exc.TypeError, "dump() takes 2 positional arguments but %d were given",
                     argc);
  }
  asy_push_root(vm, args[1]);
  Value s = dumps_impl(vm, args[0], kw);
  if (IS_EXC(s)) return s;
  if (!asy_std_write(vm, args[1], AS_STR(s))) return EXC_VAL;
  return NONE_VAL;
}

/* ---- decoder ------------------------------------------------------------------------------ */

typedef struct {
  VM *vm;
  ObjStr *doc;
  const char *s;
  size_t n;
  bool ascii;  /* the document is ASCII: a string's length is its byte count */
  bool strict; /* control characters inside strings are errors (strict=True) */
  Value object_hook, pairs_hook, parse_float, parse_int;
} Decoder;

/* Recently decoded keys (and one-character strings), shared between loads() calls so a
** key seen before costs no allocation and keeps its computed hash: CPython's memo does
** the same within one call. Direct-mapped on a cheap hash of the text; the collector
** empties it at every collection (json_keys_mark), so it never keeps a string alive.
** One VM per process owns it (vm). */
#define KEY_CACHE_SIZE 1024
#define KEY_CACHE_MAX 64 /* longer texts are not cached */
static struct {
  VM *vm;
  ObjStr *slot[KEY_CACHE_SIZE];
} key_cache;

static void json_keys_mark(VM *vm) {
  if (key_cache.vm == vm) memset(key_cache.slot, 0, sizeof key_cache.slot);
}

static void json_keys_release(VM *vm) {
  if (key_cache.vm == vm) {
    memset(key_cache.slot, 0, sizeof key_cache.slot);
    key_cache.vm = NULL;
  }
}

static size_t key_slot(const char *p, size_t n) {
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    memcpy(&a, p, 8);
    memcpy(&b, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x, y;
    memcpy(&x, p, 4);
    memcpy(&y, p + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = (uint64_t)(unsigned char)p[0] | (uint64_t)(unsigned char)p[n / 2] << 8 |
        (uint64_t)(unsigned char)p[n - 1] << 16;
  }
  uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15u) ^ n) * 0xff51afd7ed558ccdu;
  return (size_t)(h ^ (h >> 29)) & (KEY_CACHE_SIZE - 1);
}

/* A str of the document's text p[0..size) holding `length` code points; from the key
** cache when `cache` and the text is short. */
static Value make_str(Decoder *d, const char *p, size_t size, size_t length, bool cache) {
  VM *vm = d->vm;
  size_t k = 0;
  if (cache && size <= KEY_CACHE_MAX && key_cache.vm == vm) {
    k = key_slot(p, size);
    ObjStr *c = key_cache.slot[k];
    if (c && c->size == size && memcmp(c->chars, p, size) == 0) {
      /* only the cache holds it: a collection before it is stored would free it */
      asy_push_root(vm, OBJ_VAL(c));
      return OBJ_VAL(c);
    }
  } else {
    cache = false;
  }
  ObjStr *s = asy_str_alloc(vm, size, length);
  memcpy(s->chars, p, size);
  if (cache) key_cache.slot[k] = s;
  return OBJ_VAL(s);
}

/* Raise JSONDecodeError(msg, doc, pos) with pos a byte offset (converted to code points). */
static Value decode_error(Decoder *d, const char *msg, size_t byte_pos) {
  VM *vm = d->vm;
  size_t pos = asy_utf8_length(d->s, byte_pos);
  size_t lineno = 1, last_nl = 0;
  bool seen_nl = false;
  size_t cp = 0;
  for (size_t i = 0; i < byte_pos; cp++) {
    size_t adv;
    uint32_t c = asy_utf8_decode(d->s + i, d->n - i, &adv);
    if (c == '\n') {
      lineno++;
      last_nl = cp;
      seen_nl = true;
    }
    i += adv;
  }
  size_t colno = seen_nl ? pos - last_nl : pos + 1;
  ObjStr *full = asy_str_printf(vm, "%s: line %zu column %zu (char %zu)", msg, lineno, colno, pos);
  Value cls = vm->stdlib->json_decode_error;
  if (!IS_CLASS(cls)) return asy_raise(vm, vm->exc.ValueError, "%s", full->chars);
  Value arg = OBJ_VAL(full);
  Value exc = asy_new_exception(vm, AS_CLASS(cls), 1, &arg);
  if (IS_EXC(exc)) return exc;
  asy_push_root(vm, exc);
  /* clang-format off */
  struct { const char *name; Value v; } attrs[] = {
    {"msg", STR_VAL(vm, msg)}, {"doc", OBJ_VAL(d->doc)}, {"pos", INT_VAL((int64_t)pos)},
    {"lineno", INT_VAL((int64_t)lineno)}, {"colno", INT_VAL((int64_t)colno)},
  };
  /* clang-format on */
  for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
    if (!asy_setattr(vm, exc, asy_str_intern(vm, attrs[i].name, strlen(attrs[i].name)), attrs[i].v))
      return EXC_VAL;
  return asy_raise_value(vm, exc);
}

static inline size_t skip_ws(Decoder *d, size_t i) {
  /* every whitespace byte is <= ' ': one test passes the rest */
  while (i < d->n && (unsigned char)d->s[i] <= ' ' &&
         (d->s[i] == ' ' || d->s[i] == '\t' || d->s[i] == '\n' || d->s[i] == '\r'))
    i++;
  return i;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Four hex digits at s[i..i+4); -1 if invalid. */
static int32_t hex4(Decoder *d, size_t i) {
  if (i + 4 > d->n) return -1;
  int32_t v = 0;
  for (int k = 0; k < 4; k++) {
    int h = hexval(d->s[i + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/* Bytes that end a run of plain text inside a string: '"', '\\' and the controls. */
static const bool str_stop[256] = {
    1,         1,          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00-0x0f */
    1,         1,          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10-0x1f */
    ['"'] = 1, ['\\'] = 1,
};

/* The index of the first byte at or after j that str_stop marks, or n. Eight bytes at a
** time: in each word, the lowest byte the bit tricks flag is a true match (a borrow only
** flags bytes above one), which is the one wanted. */
static inline size_t find_stop(const unsigned char *u, size_t j, size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  for (; j + 8 <= n; j += 8) {
    uint64_t x;
    memcpy(&x, u + j, 8);
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    uint64_t t = (((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x)) & highs;
    if (t) return j + (size_t)(__builtin_ctzll(t) >> 3);
  }
#endif
  while (j < n && !str_stop[u[j]]) j++;
  return j;
}

/* Parse a string whose opening quote is at s[start]; *end = index after the closing quote.
** A key (or a one-character value) may come from the key cache. */
static Value scan_string(Decoder *d, size_t start, size_t *end, bool key) {
  const unsigned char *u = (const unsigned char *)d->s;
  size_t i = start + 1, j = i, n = d->n;
  /* The common case: no escape. The str is made straight from the document's text. */
  if (d->ascii) {
    j = find_stop(u, j, n);
    if (j < n && u[j] == '"') {
      *end = j + 1;
      return make_str(d, d->s + i, j - i, j - i, key || j - i <= 1);
    }
  } else {
    j = find_stop(u, j, n);
    size_t cont = utf8_continuations(d->s + i, j - i);
    if (j < n && u[j] == '"') {
      *end = j + 1;
      return make_str(d, d->s + i, j - i, j - i - cont, key || j - i <= 1);
    }
  }
  AsyBuf b;
  asy_buf_init(&b, d->vm);
  for (;; j = i) { /* i: the start of the run not copied yet */
    j = find_stop(u, j, n);
    while (j < n && u[j] < 0x20 && !d->strict) j = find_stop(u, j + 1, n);
    asy_buf_put(&b, d->s + i, j - i);
    if (j >= n) {
      asy_buf_free(&b);
      return decode_error(d, "Unterminated string starting at", start);
    }
    char c = d->s[j];
    if (c == '"') {
      *end = j + 1;
      return OBJ_VAL(asy_buf_to_str(&b));
    }
    if (c != '\\') {
      asy_buf_free(&b);
      return decode_error(d, "Invalid control character at", j);
    }
    if (j + 1 >= d->n) {
      asy_buf_free(&b);
      return decode_error(d, "Unterminated string starting at", start);
    }
    char esc = d->s[j + 1];
    i = j + 2;
    switch (esc) {
    case '"': asy_buf_putc(&b, '"'); continue;
    case '\\': asy_buf_putc(&b, '\\'); continue;
    case '/': asy_buf_putc(&b, '/'); continue;
    case 'b': asy_buf_putc(&b, '\b'); continue;
    case 'f': asy_buf_putc(&b, '\f'); continue;
    case 'n': asy_buf_putc(&b, '\n'); continue;
    case 'r': asy_buf_putc(&b, '\r'); continue;
    case 't': asy_buf_putc(&b, '\t'); continue;
    case 'u': break;
    default: asy_buf_free(&b); return decode_error(d, "Invalid \\escape", j);
    }
    int32_t cp = hex4(d, j + 2);
    if (cp < 0) {
      asy_buf_free(&b);
      return decode_error(d, "Invalid \\uXXXX escape", j + 1);
    }
    i = j + 6;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 6 < d->n && d->s[i] == '\\' && d->s[i + 1] == 'u') {
      int32_t lo = hex4(d, i + 2);
      if (lo < 0) {
        asy_buf_free(&b);
        return decode_error(d, "Invalid \\uXXXX escape", i + 1);
      }
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + (((cp - 0xd800) << 10) | (lo - 0xdc00));
        i += 6;
      }
    }
    asy_buf_put_cp(&b, (uint32_t)cp);
  }
}

static bool starts(Decoder *d, size_t i, const char *lit) {
  size_t n = strlen(lit);
  return i + n <= d->n && memcmp(d->s + i, lit, n) == 0;
}

static Value scan_value(Decoder *d, size_t i, size_t *end, int depth);

static Value scan_number(Decoder *d, size_t i, size_t *end, bool *matched) {
  VM *vm = d->vm;
  size_t j = i;
  *matched = false;
  if (j < d->n && d->s[j] == '-') j++;
  if (j >= d->n || d->s[j] < '0' || d->s[j] > '9') return UNDEF_VAL;
  /* the integer part's value, while it fits an int64 (18 digits always do) */
  uint64_t ival = 0;
  if (d->s[j] == '0') j++;
  else
    for (; j < d->n && d->s[j] >= '0' && d->s[j] <= '9'; j++)
      ival = ival * 10 + (uint64_t)(d->s[j] - '0');
  bool is_float = false;
  if (j + 1 < d->n && d->s[j] == '.' && d->s[j + 1] >= '0' && d->s[j + 1] <= '9') {
    is_float = true;
    j += 2;
    while (j < d->n && d->s[j] >= '0' && d->s[j] <= '9') j++;
  }
  if (j < d->n && (d->s[j] == 'e' || d->s[j] == 'E')) {
    size_t k = j + 1;
    if (k < d->n && (d->s[k] == '+' || d->s[k] == '-')) k++;
    if (k < d->n && d->s[k] >= '0' && d->s[k] <= '9') {
      while (k < d->n && d->s[k] >= '0' && d->s[k] <= '9') k++;
      is_float = true;
      j = k;
    }
  }
  *matched = true;
  *end = j;
  Value hook = is_float ? d->parse_float : d->parse_int;
  if (!is_float && IS_UNDEF(hook)) {
    /* int(text) without the call: up to 18 digits fit an int64 */
    bool neg = d->s[i] == '-';
    if (j - i - neg <= 18) return INT_VAL(neg ? -(int64_t)ival : (int64_t)ival);
  }
  char small[64];
  size_t len = j - i;
  char *text = len < sizeof small ? small : malloc(len + 1);
  if (!text) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  memcpy(text, d->s + i, len);
  text[len] = '\0';
  Value r;
  if (!IS_UNDEF(hook)) {
    Value arg = OBJ_VAL(asy_str_new(vm, text, len));
    r = asy_call(vm, hook, 1, &arg, NULL);
  } else if (is_float) {
    r = FLOAT_VAL(strtod(text, NULL));
  } else {
    bool neg = text[0] == '-';
    r = asy_int_from_digits(vm, text + neg, len - neg, 10, neg);
  }
  if (text != small) free(text);
  return r;
}

static Value scan_array(Decoder *d, size_t i, size_t *end, int depth) {
  VM *vm = d->vm;
  ObjList *l = asy_list_new(vm, 0);
  i = skip_ws(d, i + 1);
  if (i < d->n && d->s[i] == ']') {
    *end = i + 1;
    return OBJ_VAL(l);
  }
  for (;;) {
    size_t vend;
    Value v = scan_value(d, i, &vend, depth + 1);
    if (IS_EXC(v)) return v;
    if (IS_UNDEF(v)) return decode_error(d, "Expecting value", i);
    asy_list_append(vm, l, v);
    i = skip_ws(d, vend);
    if (i < d->n && d->s[i] == ']') {
      *end = i + 1;
      return OBJ_VAL(l);
    }
    if (i >= d->n || d->s[i] != ',') return decode_error(d, "Expecting ',' delimiter", i);
    size_t comma = i;
    i = skip_ws(d, i + 1);
    if (i < d->n && d->s[i] == ']')
      return decode_error(d, "Illegal trailing comma before end of array", comma);
  }
}

static Value scan_object(Decoder *d, size_t i, size_t *end, int depth) {
  VM *vm = d->vm;
  bool pairs = !IS_UNDEF(d->pairs_hook);
  ObjDict *obj = asy_dict_new(vm);
  ObjList *plist = pairs ? asy_list_new(vm, 0) : NULL;
  i = skip_ws(d, i + 1);
  if (i < d->n && d->s[i] == '}') {
    i++;
    goto done;
  }
  for (;;) {
    if (i >= d->n || d->s[i] != '"')
      return decode_error(d, "Expecting property name enclosed in double quotes", i);
    size_t kend;
    Value key = scan_string(d, i, &kend, true);
    if (IS_EXC(key)) return key;
    i = skip_ws(d, kend);
    if (i >= d->n || d->s[i] != ':') return decode_error(d, "Expecting ':' delimiter", i);
    i = skip_ws(d, i + 1);
    size_t vend;
    Value v = scan_value(d, i, &vend, depth + 1);
    if (IS_EXC(v)) return v;
    if (IS_UNDEF(v)) return decode_error(d, "Expecting value", i);
    if (pairs) {
      Value kv[2] = {key, v};
      asy_list_append(vm, plist, OBJ_VAL(asy_tuple_from(vm, 2, kv)));
    } else if (!asy_dict_set_hashed(vm, obj, key, asy_str_hash(AS_STR(key)), v)) {
      return EXC_VAL;
    }
    i = skip_ws(d, vend);
    if (i < d->n && d->s[i] == '}') {
      i++;
      break;
    }
    if (i >= d->n || d->s[i] != ',') return decode_error(d, "Expecting ',' delimiter", i);
    size_t comma = i;
    i = skip_ws(d, i + 1);
    if (i < d->n && d->s[i] == '}')
      return decode_error(d, "Illegal trailing comma before end of object", comma);
  }
done:
  *end = i;
  if (pairs) {
    Value arg = OBJ_VAL(plist);
    return asy_call(vm, d->pairs_hook, 1, &arg, NULL);
  }
  if (!IS_UNDEF(d->object_hook)) {
    Value arg = OBJ_VAL(obj);
    return asy_call(vm, d->object_hook, 1, &arg, NULL);
  }
  return OBJ_VAL(obj);
}

/* One value at s[i] (no leading whitespace skipped): UNDEF if nothing matches there. */
static Value scan_value(Decoder *d, size_t i, size_t *end, int depth) {
  VM *vm = d->vm;
  if (i >= d->n) return UNDEF_VAL;
  if ((d->s[i] == '{' || d->s[i] == '[') && (depth > MAX_DEPTH || asy_c_stack_exhausted()))
    return asy_raise(
        vm, vm->exc.RecursionError,
        "maximum recursion depth exceeded while decoding a JSON %s from a unicode string",
        d->s[i] == '{' ? "object" : "array");
  char c = d->s[i];
  switch (c) {
  case '"': return scan_string(d, i, end, false);
  case '{': return scan_object(d, i, end, depth);
  case '[': return scan_array(d, i, end, depth);
  case 'n':
    /* clang-format off */
    if (starts(d, i, "null")) { *end = i + 4; return NONE_VAL; }
    return UNDEF_VAL;
  case 't':
    if (starts(d, i, "true")) { *end = i + 4; return TRUE_VAL; }
    return UNDEF_VAL;
  case 'f':
    if (starts(d, i, "false")) { *end = i + 5; return FALSE_VAL; }
    return UNDEF_VAL;
  case 'N':
    if (starts(d, i, "NaN")) { *end = i + 3; return FLOAT_VAL(NAN); }
    return UNDEF_VAL;
  case 'I':
    if (starts(d, i, "Infinity")) { *end = i + 8; return FLOAT_VAL(INFINITY); }
    return UNDEF_VAL;
  case '-':
    if (starts(d, i, "-Infinity")) { *end = i + 9; return FLOAT_VAL(-INFINITY); }
    /* clang-format on */
    break;
  default: break;
  }
  bool matched;
  Value r = scan_number(d, i, end, &matched);
  if (!matched) return UNDEF_VAL;
  return r;
}

static Value loads_impl(VM *vm, Value s, ObjDict *kw) {
  static const char *const names[] = {"cls",       "object_hook",    "parse_float",
                                      "parse_int", "parse_constant", "object_pairs_hook",
                                      "strict"};
  Value o[7];
  for (int i = 0; i < 7; i++) o[i] = UNDEF_VAL;
  if (kw) {
    for (size_t i = 0; i < kw->used; i++) {
      DictEntry *en = &kw->entries[i];
      Value name = asy_dict_key(kw, i);
      if (IS_UNDEF(name)) continue;
      int idx = -1;
      for (int j = 0; j < 7 && IS_STR(name); j++)
        if (strcmp(AS_STR(name)->chars, names[j]) == 0) idx = j;
      if (idx < 0)
        return asy_raise(vm, vm->exc.TypeError,
                         "JSONDecoder.__init__() got an unexpected keyword argument '%s'",
                         IS_STR(name) ? AS_STR(name)->chars : "?");
      o[idx] = en->value;
    }
  }
  if (IS_BYTES(s)) {
    ObjBytes *b = AS_BYTES(s);
    const uint8_t *data = b->data;
    size_t n = b->size;
    if (n >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf) {
      data += 3;
      n -= 3;
    }
    s = asy_bytes_decode(vm, data, n, "utf-8", "surrogatepass");
    if (IS_EXC(s)) return s;
  } else if (!IS_STR(s)) {
    return asy_raise(vm, vm->exc.TypeError,
                     "the JSON object must be str, bytes or bytearray, not %s",
                     asy_type_name(vm, s));
  }
  asy_push_root(vm, s);
  Decoder d;
  d.vm = vm;
  d.doc = AS_STR(s);
  d.s = d.doc->chars;
  d.n = d.doc->size;
  d.object_hook = IS_NONE(o[1]) ? UNDEF_VAL : o[1];
  d.parse_float = IS_NONE(o[2]) ? UNDEF_VAL : o[2];
  d.parse_int = IS_NONE(o[3]) ? UNDEF_VAL : o[3];
  d.pairs_hook = IS_NONE(o[5]) ? UNDEF_VAL : o[5];
  d.ascii = d.doc->length == d.doc->size;
  d.strict = true;
  if (!IS_UNDEF(o[6])) {
    int t = asy_truthy(vm, o[6]);
    if (t < 0) return EXC_VAL;
    d.strict = t;
  }
  if (d.n >= 3 && (unsigned char)d.s[0] == 0xef && (unsigned char)d.s[1] == 0xbb &&
      (unsigned char)d.s[2] == 0xbf)
    return decode_error(&d, "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
  size_t i = skip_ws(&d, 0), end;
  Value v = scan_value(&d, i, &end, 0);
  if (IS_EXC(v)) return v;
  if (IS_UNDEF(v)) return decode_error(&d, "Expecting value", i);
  asy_push_root(vm, v);
  end = skip_ws(&d, end);
  if (end != d.n) return decode_error(&d, "Extra data", end);
  return v;
}

static Value j_loads(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc != 1) {
    if (argc == 0)
      return asy_raise(vm, vm->exc.TypeError,
                       "loads() missing 1 required positional argument: 's'");
    return asy_raise(vm, vm->exc.TypeError, "loads() takes 1 positional argument but %d were given",
                     argc);
  }
  return loads_impl(vm, args[0], kw);
}

static Value j_load(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc != 1) {
    if (argc == 0)
      return asy_raise(vm, vm->exc.TypeError,
                       "load() missing 1 required positional argument: 'fp'");
    return asy_raise(vm, vm->exc.TypeError, "load() takes 1 positional argument but %d were given",
                     argc);
  }
  Value text;
  if (IS_OBJ_TYPE(args[0], OBJ_FILE)) {
    text = asy_file_read_all(vm, (ObjFile *)AS_OBJ(args[0]));
  } else {
    text = asy_call_method(vm, args[0], asy_str_intern(vm, "read", 4), 0, NULL);
  }
  if (IS_EXC(text)) return text;
  return loads_impl(vm, text, kw);
}

Value asy_mod_json_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjDict *d = AS_MODULE(args[0])->dict;
  if (!IS_CLASS(vm->stdlib->json_decode_error)) {
    ObjClass *c =
        asy_std_class(vm, "JSONDecodeError", "json.decoder", vm->exc.ValueError, OBJ_EXCEPTION);
    c->flags &= ~CLASS_BUILTIN;
    vm->stdlib->json_decode_error = OBJ_VAL(c);
  }
  asy_def_value(vm, d, "JSONDecodeError", vm->stdlib->json_decode_error);
  if (key_cache.vm == NULL) { /* the first VM to import json owns the key cache */
    key_cache.vm = vm;
    asy_vm_add_hook(vm, json_keys_mark, json_keys_release);
  }
  /* clang-format off */
  static const AsyMethodDef fns[] = {
    {"dumps", j_dumps, ASY_UNCHECKED}, {"dump", j_dump, ASY_UNCHECKED},
    {"loads", j_loads, ASY_UNCHECKED}, {"load", j_load, ASY_UNCHECKED}, {0},
  };
  /* clang-format on */
  asy_def_natives(vm, NULL, d, fns);
  return NONE_VAL;
}
