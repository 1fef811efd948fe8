/*
** strmethods.c — the str class: its methods, operators and constructor
** (asy_init_str_types fills vm->types.str's dict).
**
** Searching works on the UTF-8 bytes directly (a UTF-8 needle can only match at
** character boundaries); only the positions visible to scripts are converted between
** byte offsets and code-point indexes. Case mapping and the is*() predicates use the
** Unicode tables of unicode.c, so they agree with CPython beyond ASCII.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "gc.h"
#include "number.h"
#include "ops.h"
#include "str.h"

#define SELF AS_STR(args[0])
#define CHECK_SELF(name) ASY_SELF(OBJ_STR, name, "str")

/* An integer argument (width, count…): __index__ semantics. */
static bool int_arg(VM *vm, Value v, int64_t *out) {
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  return asy_index(vm, v, out);
}

/* A start/end slice bound of find/count/startswith… (None allowed). */
static bool slice_bound(VM *vm, Value v, int64_t *out) {
  if (IS_UNDEF(v) || IS_NONE(v)) return true;
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  if (IS_OBJ(v) && !IS_UNDEF(asy_class_lookup(asy_class_of(vm, v), vm->names.index)))
    return asy_index(vm, v, out);
  asy_raise(vm, vm->exc.TypeError, "slice indices must be integers or None or have an __index__ method");
  return false;
}

static ObjStr *str_arg(VM *vm, Value v, const char *what) {
  if (IS_STR(v)) return AS_STR(v);
  /* CPython's "...() argument must be str" messages (argument clinic) name None as "None";
  ** its bare "must be str" ones say "NoneType". */
  asy_raise(vm, vm->exc.TypeError, what,
            strstr(what, "argument") ? asy_arg_type_name(vm, v) : asy_type_name(vm, v));
  return NULL;
}

static Value new_str(VM *vm, const char *s, size_t n) { return OBJ_VAL(asy_str_new(vm, s, n)); }

/* Same string as a plain str (methods return exact str even for subclasses). */
static Value exact(VM *vm, ObjStr *s) {
  if (s->obj.cls == vm->types.str) return OBJ_VAL(s);
  return new_str(vm, s->chars, s->size);
}

static size_t cp_index(ObjStr *s, size_t byte_off) {
  if (s->length == s->size) return byte_off;
  return asy_utf8_length(s->chars, byte_off);
}

static bool is_space_cp(uint32_t cp) {
  if (cp < 128) return cp == ' ' || (cp >= 9 && cp <= 13) || (cp >= 0x1c && cp <= 0x1f);
  return (asy_uni_flags(cp) & UNI_SPACE) != 0;
}

/* ---- searching ------------------------------------------------------------------------- */

/* Find needle in s[start:end] (code points); returns the code-point index or -1. */
static int64_t find_in(ObjStr *s, ObjStr *needle, int64_t start, int64_t end, bool reverse) {
  int64_t len = (int64_t)s->length;
  asy_adjust_indices(&start, &end, len);
  if (end - start < (int64_t)needle->length) return -1;
  if (start > len) return -1;
  size_t b0 = asy_str_offset(s, (size_t)start), b1 = asy_str_offset(s, (size_t)end);
  if (needle->size == 0) return reverse ? end : start;
  int64_t hit = asy_mem_find(s->chars + b0, b1 - b0, needle->chars, needle->size, reverse);
  if (hit < 0) return -1;
  return (int64_t)cp_index(s, b0 + (size_t)hit);
}

static Value find_common(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, bool reverse,
                         bool raise) {
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "%s() argument 1 must be str, not %s", name,
                     asy_arg_type_name(vm, args[1]));
  int64_t start = 0, end = INT64_MAX;
  if (argc > 2 && !slice_bound(vm, args[2], &start)) return EXC_VAL;
  if (argc > 3 && !slice_bound(vm, args[3], &end)) return EXC_VAL;
  int64_t r = find_in(SELF, AS_STR(args[1]), start, end, reverse);
  if (r < 0 && raise) return asy_raise(vm, vm->exc.ValueError, "substring not found");
  return INT_VAL(r);
}

static Value s_find(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("find");
  return find_common(vm, argc, args, kw, "find", false, false);
}
static Value s_rfind(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rfind");
  return find_common(vm, argc, args, kw, "rfind", true, false);
}
static Value s_index(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("index");
  return find_common(vm, argc, args, kw, "index", false, true);
}
static Value s_rindex(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rindex");
  return find_common(vm, argc, args, kw, "rindex", true, true);
}

static Value s_count(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("count");
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "count() argument 1 must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  ObjStr *s = SELF, *sub = AS_STR(args[1]);
  int64_t start = 0, end = INT64_MAX, len = (int64_t)s->length;
  if (argc > 2 && !slice_bound(vm, args[2], &start)) return EXC_VAL;
  if (argc > 3 && !slice_bound(vm, args[3], &end)) return EXC_VAL;
  asy_adjust_indices(&start, &end, len);
  if (start > len || end - start < (int64_t)sub->length) return INT_VAL(0);
  if (sub->size == 0) return INT_VAL(end - start + 1);
  size_t b0 = asy_str_offset(s, (size_t)start), b1 = asy_str_offset(s, (size_t)end);
  return INT_VAL(asy_mem_count(s->chars + b0, b1 - b0, sub->chars, sub->size));
}

static Value starts_ends(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, bool ends) {
  ObjStr *s = SELF;
  int64_t start = 0, end = INT64_MAX, len = (int64_t)s->length;
  if (argc > 2 && !slice_bound(vm, args[2], &start)) return EXC_VAL;
  if (argc > 3 && !slice_bound(vm, args[3], &end)) return EXC_VAL;
  asy_adjust_indices(&start, &end, len);
  Value *items = &args[1];
  size_t n = 1;
  if (IS_TUPLE(args[1])) {
    items = AS_TUPLE(args[1])->items;
    n = AS_TUPLE(args[1])->size;
  } else if (!IS_STR(args[1])) {
    return asy_raise(vm, vm->exc.TypeError, "%s first arg must be str or a tuple of str, not %s",
                     name, asy_type_name(vm, args[1]));
  }
  for (size_t k = 0; k < n; k++) {
    if (!IS_STR(items[k]))
      return asy_raise(vm, vm->exc.TypeError, "tuple for %s must only contain str, not %s", name,
                       asy_type_name(vm, items[k]));
    ObjStr *p = AS_STR(items[k]);
    if (start > len) continue;
    if (end - start < (int64_t)p->length) continue;
    size_t b0 = asy_str_offset(s, (size_t)start), b1 = asy_str_offset(s, (size_t)end);
    if (p->size > b1 - b0) continue;
    const char *at = ends ? s->chars + b1 - p->size : s->chars + b0;
    if (memcmp(at, p->chars, p->size) == 0) return TRUE_VAL;
  }
  return FALSE_VAL;
}

static Value s_startswith(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("startswith");
  return starts_ends(vm, argc, args, kw, "startswith", false);
}
static Value s_endswith(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("endswith");
  return starts_ends(vm, argc, args, kw, "endswith", true);
}

static Value s_contains(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__contains__");
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "'in <string>' requires string as left operand, not %s",
                     asy_type_name(vm, args[1]));
  return BOOL_VAL(asy_str_contains(SELF, AS_STR(args[1])));
}

/* ---- splitting -------------------------------------------------------------------------- */

static Value split_common(VM *vm, int argc, Value *args, ObjDict *kw, bool right) {
  static const char *const names[] = {"sep", "maxsplit"};
  Value a[2];
  const char *fname = right ? "rsplit" : "split";
  if (!asy_kwargs(vm, fname, argc - 1, args + 1, kw, names, 2, 0, 0, a)) return EXC_VAL;
  ObjStr *s = SELF;
  int64_t maxsplit = -1;
  if (!IS_UNDEF(a[1]) && !int_arg(vm, a[1], &maxsplit)) return EXC_VAL;
  if (maxsplit < 0) maxsplit = INT64_MAX;
  ObjList *out = asy_list_new(vm, 0);
  const char *c = s->chars;
  size_t n = s->size;
  if (IS_UNDEF(a[0]) || IS_NONE(a[0])) {
    /* Runs of whitespace separate; leading/trailing whitespace yields nothing. */
    if (!right) {
      size_t i = 0;
      while (i < n) {
        size_t adv;
        while (i < n && is_space_cp(asy_utf8_decode(c + i, n - i, &adv))) i += adv;
        if (i >= n) break;
        if (maxsplit-- <= 0) { /* the remainder, trailing whitespace included */
          asy_list_append(vm, out, new_str(vm, c + i, n - i));
          break;
        }
        size_t j = i;
        while (j < n && !is_space_cp(asy_utf8_decode(c + j, n - j, &adv))) j += adv;
        asy_list_append(vm, out, new_str(vm, c + i, j - i));
        i = j;
      }
    } else {
      size_t e = n;
      for (;;) {
        size_t adv;
        /* skip trailing whitespace */
        while (e > 0) {
          size_t k = e - 1;
          while (k > 0 && ((unsigned char)c[k] & 0xC0) == 0x80) k--;
          if (!is_space_cp(asy_utf8_decode(c + k, e - k, &adv))) break;
          e = k;
        }
        if (e == 0) break;
        if (maxsplit-- <= 0) { /* the remainder, leading whitespace included */
          asy_list_append(vm, out, new_str(vm, c, e));
          break;
        }
        size_t b = e;
        while (b > 0) {
          size_t k = b - 1;
          while (k > 0 && ((unsigned char)c[k] & 0xC0) == 0x80) k--;
          if (is_space_cp(asy_utf8_decode(c + k, b - k, &adv))) break;
          b = k;
        }
        asy_list_append(vm, out, new_str(vm, c + b, e - b));
        e = b;
      }
      /* reverse in place */
      for (size_t i = 0, j = out->size; i + 1 < j; i++, j--) {
        Value t = out->items[i];
        out->items[i] = out->items[j - 1];
        out->items[j - 1] = t;
      }
    }
    return OBJ_VAL(out);
  }
  ObjStr *sep = str_arg(vm, a[0], "must be str or None, not %s");
  if (!sep) return EXC_VAL;
  if (sep->size == 0) return asy_raise(vm, vm->exc.ValueError, "empty separator");
  if (!right) {
    const char *p = c, *end = c + n;
    while (maxsplit-- > 0) {
      const char *hit = memmem(p, (size_t)(end - p), sep->chars, sep->size);
      if (!hit) break;
      asy_list_append(vm, out, new_str(vm, p, (size_t)(hit - p)));
      p = hit + sep->size;
    }
    if (p == c && s->obj.cls == vm->types.str) asy_list_append(vm, out, OBJ_VAL(s));
    else asy_list_append(vm, out, new_str(vm, p, (size_t)(end - p)));
  } else {
    size_t e = n;
    while (maxsplit-- > 0 && e >= sep->size) {
      size_t i = e - sep->size + 1;
      bool found = false;
      while (i-- > 0)
        if (memcmp(c + i, sep->chars, sep->size) == 0) {
          found = true;
          break;
        }
      if (!found) break;
      asy_list_append(vm, out, new_str(vm, c + i + sep->size, e - i - sep->size));
      e = i;
    }
    asy_list_append(vm, out, new_str(vm, c, e));
    for (size_t i = 0, j = out->size; i + 1 < j; i++, j--) {
      Value t = out->items[i];
      out->items[i] = out->items[j - 1];
      out->items[j - 1] = t;
    }
  }
  return OBJ_VAL(out);
}

static Value s_split(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("split");
  return split_common(vm, argc, args, kw, false);
}
static Value s_rsplit(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rsplit");
  return split_common(vm, argc, args, kw, true);
}

static Value s_splitlines(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("splitlines");
  static const char *const names[] = {"keepends"};
  Value a[1];
  if (!asy_kwargs(vm, "splitlines", argc - 1, args + 1, kw, names, 1, 0, 0, a)) return EXC_VAL;
  bool keep = false;
  if (!IS_UNDEF(a[0])) {
    int t = asy_truthy(vm, a[0]);
    if (t < 0) return EXC_VAL;
    keep = t;
  }
  ObjStr *s = SELF;
  ObjList *out = asy_list_new(vm, 0);
  const char *c = s->chars;
  size_t n = s->size, i = 0;
  while (i < n) {
    size_t start = i, adv = 1, eol;
    for (;;) {
      if (i >= n) {
        eol = i;
        break;
      }
      uint32_t cp = asy_utf8_decode(c + i, n - i, &adv);
      bool br = cp < 128 ? (cp == '\n' || cp == '\r' || cp == 0x0b || cp == 0x0c || (cp >= 0x1c && cp <= 0x1e))
                         : (asy_uni_flags(cp) & UNI_LINEBREAK) != 0;
      if (br) {
        eol = i;
        i += adv;
        if (cp == '\r' && i < n && c[i] == '\n') i++;
        break;
      }
      i += adv;
    }
    asy_list_append(vm, out, new_str(vm, c + start, (keep ? i : eol) - start));
  }
  return OBJ_VAL(out);
}

static Value partition_common(VM *vm, int argc, Value *args, ObjDict *kw, bool right) {
  ObjStr *s = SELF;
  ObjStr *sep = str_arg(vm, args[1], "must be str, not %s");
  if (!sep) return EXC_VAL;
  if (sep->size == 0) return asy_raise(vm, vm->exc.ValueError, "empty separator");
  const char *hit = NULL;
  if (!right) {
    hit = memmem(s->chars, s->size, sep->chars, sep->size);
  } else if (s->size >= sep->size) {
    for (size_t i = s->size - sep->size + 1; i-- > 0;)
      if (memcmp(s->chars + i, sep->chars, sep->size) == 0) {
        hit = s->chars + i;
        break;
      }
  }
  Value items[3];
  if (!hit) {
    Value whole = exact(vm, s), empty = OBJ_VAL(vm->names.empty);
    items[0] = right ? empty : whole;
    items[1] = empty;
    items[2] = right ? whole : empty;
  } else {
    size_t off = (size_t)(hit - s->chars);
    items[0] = new_str(vm, s->chars, off);
    items[1] = exact(vm, sep);
    items[2] = new_str(vm, hit + sep->size, s->size - off - sep->size);
  }
  return OBJ_VAL(asy_tuple_from(vm, 3, items));
}

static Value s_partition(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("partition");
  return partition_common(vm, argc, args, kw, false);
}
static Value s_rpartition(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rpartition");
  return partition_common(vm, argc, args, kw, true);
}

static Value s_join(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("join");
  return asy_str_join(vm, SELF, args[1]);
}

/* ---- stripping and padding ---------------------------------------------------------------- */

static bool in_chars(uint32_t cp, ObjStr *chars) {
  if (chars->length == chars->size) return cp < 128 && memchr(chars->chars, (int)cp, chars->size);
  for (size_t i = 0; i < chars->size;) {
    size_t adv;
    if (asy_utf8_decode(chars->chars + i, chars->size - i, &adv) == cp) return true;
    i += adv;
  }
  return false;
}

/* mode: 1 left, 2 right, 3 both. */
static Value strip_common(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int mode) {
  ObjStr *s = SELF, *chars = NULL;
  if (argc > 1 && !IS_NONE(args[1])) {
    if (!IS_STR(args[1])) return asy_raise(vm, vm->exc.TypeError, "%s arg must be None or str", name);
    chars = AS_STR(args[1]);
  }
  const char *c = s->chars;
  size_t b = 0, e = s->size, adv;
  if (mode & 1)
    while (b < e) {
      uint32_t cp = asy_utf8_decode(c + b, e - b, &adv);
      if (chars ? !in_chars(cp, chars) : !is_space_cp(cp)) break;
      b += adv;
    }
  if (mode & 2)
    while (e > b) {
      size_t k = e - 1;
      while (k > b && ((unsigned char)c[k] & 0xC0) == 0x80) k--;
      uint32_t cp = asy_utf8_decode(c + k, e - k, &adv);
      if (chars ? !in_chars(cp, chars) : !is_space_cp(cp)) break;
      e = k;
    }
  if (b == 0 && e == s->size) return exact(vm, s);
  return new_str(vm, c + b, e - b);
}

static Value s_strip(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("strip");
  return strip_common(vm, argc, args, kw, "strip", 3);
}
static Value s_lstrip(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("lstrip");
  return strip_common(vm, argc, args, kw, "lstrip", 1);
}
static Value s_rstrip(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rstrip");
  return strip_common(vm, argc, args, kw, "rstrip", 2);
}

static Value pad(VM *vm, ObjStr *s, int64_t left, int64_t right, uint32_t fill) {
  if (left < 0) left = 0;
  if (right < 0) right = 0;
  if (left == 0 && right == 0) return exact(vm, s);
  char enc[4];
  size_t k = asy_utf8_encode(fill, enc);
  ObjStr *r = asy_str_alloc(vm, s->size + (size_t)(left + right) * k, s->length + (size_t)(left + right));
  char *p = r->chars;
  for (int64_t i = 0; i < left; i++, p += k) memcpy(p, enc, k);
  memcpy(p, s->chars, s->size);
  p += s->size;
  for (int64_t i = 0; i < right; i++, p += k) memcpy(p, enc, k);
  return OBJ_VAL(r);
}

/* center/ljust/rjust: (width, fillchar=' '). */
static Value justify(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, char how) {
  ObjStr *s = SELF;
  int64_t width;
  if (!int_arg(vm, args[1], &width)) return EXC_VAL;
  uint32_t fill = ' ';
  if (argc > 2) {
    if (!IS_STR(args[2]))
      return asy_raise(vm, vm->exc.TypeError, "The fill character must be a unicode character, not %s",
                       asy_type_name(vm, args[2]));
    if (AS_STR(args[2])->length != 1)
      return asy_raise(vm, vm->exc.TypeError, "The fill character must be exactly one character long");
    fill = asy_str_char_at(AS_STR(args[2]), 0);
  }
  int64_t len = (int64_t)s->length;
  if (width <= len) return exact(vm, s);
  if (width > (int64_t)ASY_STR_MAX) return asy_memory_error(vm);
  int64_t marg = width - len;
  if (how == '<') return pad(vm, s, 0, marg, fill);
  if (how == '>') return pad(vm, s, marg, 0, fill);
  int64_t left = marg / 2 + (marg & width & 1);
  return pad(vm, s, left, marg - left, fill);
}

static Value s_center(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("center");
  return justify(vm, argc, args, kw, "center", '^');
}
static Value s_ljust(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("ljust");
  return justify(vm, argc, args, kw, "ljust", '<');
}
static Value s_rjust(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("rjust");
  return justify(vm, argc, args, kw, "rjust", '>');
}

static Value s_zfill(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("zfill");
  ObjStr *s = SELF;
  int64_t width;
  if (!int_arg(vm, args[1], &width)) return EXC_VAL;
  int64_t len = (int64_t)s->length;
  if (width <= len) return exact(vm, s);
  if (width > (int64_t)ASY_STR_MAX) return asy_memory_error(vm);
  size_t fill = (size_t)(width - len);
  ObjStr *r = asy_str_alloc(vm, s->size + fill, s->length + fill);
  size_t sign = (s->size && (s->chars[0] == '+' || s->chars[0] == '-')) ? 1 : 0;
  memcpy(r->chars, s->chars, sign);
  memset(r->chars + sign, '0', fill);
  memcpy(r->chars + sign + fill, s->chars + sign, s->size - sign);
  return OBJ_VAL(r);
}

static Value s_expandtabs(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("expandtabs");
  static const char *const names[] = {"tabsize"};
  Value a[1];
  if (!asy_kwargs(vm, "expandtabs", argc - 1, args + 1, kw, names, 1, 0, 0, a)) return EXC_VAL;
  int64_t tab = 8;
  if (!IS_UNDEF(a[0]) && !int_arg(vm, a[0], &tab)) return EXC_VAL;
  ObjStr *s = SELF;
  AsyBuf b;
  asy_buf_init(&b, vm);
  int64_t col = 0;
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(s->chars + i, s->size - i, &adv);
    if (cp == '\t') {
      if (tab > 0) {
        int64_t spaces = tab - col % tab;
        if (spaces > (int64_t)ASY_STR_MAX || b.len > ASY_STR_MAX) {
          asy_buf_free(&b);
          return asy_raise(vm, vm->exc.OverflowError, "result too long");
        }
        for (int64_t k = 0; k < spaces; k++) asy_buf_putc(&b, ' ');
        col += spaces;
      }
    } else {
      asy_buf_put(&b, s->chars + i, adv);
      col++;
      if (cp == '\n' || cp == '\r') col = 0;
    }
    i += adv;
  }
  return OBJ_VAL(asy_buf_to_str(&b));
}

/* ---- replacing ----------------------------------------------------------------------------- */

static Value s_replace(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("replace");
  static const char *const names[] = {"old", "new", "count"};
  Value a[3];
  if (!asy_kwargs(vm, "replace", argc - 1, args + 1, kw, names, 3, 2, 2, a)) return EXC_VAL;
  ObjStr *s = SELF;
  if (!IS_STR(a[0]))
    return asy_raise(vm, vm->exc.TypeError, "replace() argument 1 must be str, not %s",
                     asy_arg_type_name(vm, a[0]));
  if (!IS_STR(a[1]))
    return asy_raise(vm, vm->exc.TypeError, "replace() argument 2 must be str, not %s",
                     asy_arg_type_name(vm, a[1]));
  ObjStr *old = AS_STR(a[0]), *new_ = AS_STR(a[1]);
  int64_t count = -1;
  if (!IS_UNDEF(a[2]) && !int_arg(vm, a[2], &count)) return EXC_VAL;
  if (count < 0) count = INT64_MAX;
  if (new_->size > old->size) {
    /* Size the result first, as CPython does: one that cannot fit in memory is a
    ** MemoryError, not an abort when the builder's realloc fails. */
    uint64_t hits = 0;
    if (old->size == 0) {
      hits = (uint64_t)s->length + 1 < (uint64_t)count ? (uint64_t)s->length + 1 : (uint64_t)count;
    } else {
      const char *q = s->chars, *qend = s->chars + s->size, *h;
      while (hits < (uint64_t)count && (h = memmem(q, (size_t)(qend - q), old->chars, old->size))) {
        hits++;
        q = h + old->size;
      }
    }
    size_t grow = new_->size - old->size;
    if (hits && (hits > (SIZE_MAX - s->size) / grow || asy_alloc_too_big(s->size + hits * grow, 1)))
      return asy_memory_error(vm);
  }
  AsyBuf b;
  asy_buf_init(&b, vm);
  if (old->size == 0) {
    /* Insert `new` before every character and at the end, up to count times. */
    size_t i = 0;
    while (i < s->size) {
      if (count-- > 0) asy_buf_put_str(&b, new_);
      size_t adv;
      asy_utf8_decode(s->chars + i, s->size - i, &adv);
      asy_buf_put(&b, s->chars + i, adv);
      i += adv;
    }
    if (count-- > 0) asy_buf_put_str(&b, new_);
    return OBJ_VAL(asy_buf_to_str(&b));
  }
  const char *p = s->chars, *end = s->chars + s->size;
  bool any = false;
  while (count-- > 0) {
    const char *hit = memmem(p, (size_t)(end - p), old->chars, old->size);
    if (!hit) break;
    any = true;
    asy_buf_put(&b, p, (size_t)(hit - p));
    asy_buf_put_str(&b, new_);
    p = hit + old->size;
  }
  if (!any) {
    asy_buf_free(&b);
    return exact(vm, s);
  }
  asy_buf_put(&b, p, (size_t)(end - p));
  return OBJ_VAL(asy_buf_to_str(&b));
}

static Value s_removeprefix(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("removeprefix");
  ObjStr *p = str_arg(vm, args[1], "removeprefix() argument must be str, not %s");
  if (!p) return EXC_VAL;
  ObjStr *s = SELF;
  if (p->size <= s->size && memcmp(s->chars, p->chars, p->size) == 0)
    return new_str(vm, s->chars + p->size, s->size - p->size);
  return exact(vm, s);
}

static Value s_removesuffix(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("removesuffix");
  ObjStr *p = str_arg(vm, args[1], "removesuffix() argument must be str, not %s");
  if (!p) return EXC_VAL;
  ObjStr *s = SELF;
  if (p->size && p->size <= s->size && memcmp(s->chars + s->size - p->size, p->chars, p->size) == 0)
    return new_str(vm, s->chars, s->size - p->size);
  return exact(vm, s);
}

/* ---- case ------------------------------------------------------------------------------------ */

typedef int (*CaseFn)(uint32_t cp, uint32_t out[3]);

static void put_mapped(AsyBuf *b, CaseFn fn, uint32_t cp) {
  uint32_t out[3];
  int n = fn(cp, out);
  for (int i = 0; i < n; i++) asy_buf_put_cp(b, out[i]);
}

/* Decode the whole string once: case operations look at neighbours (final sigma). */
static uint32_t *decode_all(ObjStr *s) {
  uint32_t *cps = malloc(sizeof(uint32_t) * (s->length + 1));
  if (!cps) abort();
  for (size_t off = 0, k = 0; off < s->size; k++) {
    size_t adv;
    cps[k] = asy_utf8_decode(s->chars + off, s->size - off, &adv);
    off += adv;
  }
  return cps;
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

static void put_lower(AsyBuf *b, const uint32_t *cps, size_t n, size_t i) {
  if (cps[i] == 0x3A3) asy_buf_put_cp(b, lower_sigma(cps, n, i));
  else put_mapped(b, asy_uni_lower, cps[i]);
}

/* ASCII fast path for upper/lower: a byte-wise copy. */
static Value ascii_case(VM *vm, ObjStr *s, bool upper) {
  ObjStr *r = asy_str_alloc(vm, s->size, s->length);
  for (size_t i = 0; i < s->size; i++) {
    char ch = s->chars[i];
    if (upper && ch >= 'a' && ch <= 'z') ch = (char)(ch - 32);
    else if (!upper && ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
    r->chars[i] = ch;
  }
  return OBJ_VAL(r);
}

enum { CASE_LOWER, CASE_UPPER, CASE_FOLD, CASE_SWAP, CASE_TITLE, CASE_CAPITALIZE };

static Value case_op(VM *vm, ObjStr *s, int op) {
  if (s->length == s->size && (op == CASE_LOWER || op == CASE_UPPER || op == CASE_FOLD))
    return ascii_case(vm, s, op == CASE_UPPER);
  uint32_t *cps = decode_all(s);
  size_t n = s->length;
  AsyBuf b;
  asy_buf_init(&b, vm);
  bool prev_cased = false;
  for (size_t i = 0; i < n; i++) {
    uint32_t cp = cps[i];
    unsigned f = asy_uni_flags(cp);
    switch (op) {
    case CASE_LOWER: put_lower(&b, cps, n, i); break;
    case CASE_UPPER: put_mapped(&b, asy_uni_upper, cp); break;
    case CASE_FOLD: put_mapped(&b, asy_uni_fold, cp); break;
    case CASE_SWAP:
      if (f & UNI_UPPER) put_lower(&b, cps, n, i);
      else if (f & UNI_LOWER) put_mapped(&b, asy_uni_upper, cp);
      else asy_buf_put_cp(&b, cp);
      break;
    case CASE_TITLE:
      if (prev_cased) put_lower(&b, cps, n, i);
      else put_mapped(&b, asy_uni_title, cp);
      prev_cased = (f & UNI_CASED) != 0;
      break;
    case CASE_CAPITALIZE:
      if (i == 0) put_mapped(&b, asy_uni_title, cp);
      else put_lower(&b, cps, n, i);
      break;
    }
  }
  free(cps);
  return OBJ_VAL(asy_buf_to_str(&b));
}

#define CASE_METHOD(fname, pyname, op) \
  static Value fname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    CHECK_SELF(pyname); \
    return case_op(vm, SELF, op); \
  }
CASE_METHOD(s_lower, "lower", CASE_LOWER)
CASE_METHOD(s_upper, "upper", CASE_UPPER)
CASE_METHOD(s_casefold, "casefold", CASE_FOLD)
CASE_METHOD(s_swapcase, "swapcase", CASE_SWAP)
CASE_METHOD(s_title, "title", CASE_TITLE)
CASE_METHOD(s_capitalize, "capitalize", CASE_CAPITALIZE)

/* ---- predicates ------------------------------------------------------------------------------ */

/* True if every character has one of `mask`'s flags (and, unless empty_ok, s is nonempty). */
static bool all_flags(ObjStr *s, unsigned mask, bool empty_ok) {
  if (s->size == 0) return empty_ok;
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(s->chars + i, s->size - i, &adv);
    if (!(asy_uni_flags(cp) & mask)) return false;
    i += adv;
  }
  return true;
}

#define PRED_METHOD(fname, pyname, mask, empty_ok) \
  static Value fname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    CHECK_SELF(pyname); \
    return BOOL_VAL(all_flags(SELF, mask, empty_ok)); \
  }
PRED_METHOD(s_isalpha, "isalpha", UNI_ALPHA, false)
PRED_METHOD(s_isdigit, "isdigit", UNI_DIGIT, false)
PRED_METHOD(s_isdecimal, "isdecimal", UNI_DECIMAL, false)
PRED_METHOD(s_isnumeric, "isnumeric", UNI_NUMERIC, false)
PRED_METHOD(s_isspace, "isspace", UNI_SPACE, false)
PRED_METHOD(s_isprintable, "isprintable", UNI_PRINTABLE, true)
PRED_METHOD(s_isalnum, "isalnum", UNI_ALPHA | UNI_DECIMAL | UNI_DIGIT | UNI_NUMERIC, false)

static Value s_isascii(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("isascii");
  return BOOL_VAL(SELF->length == SELF->size);
}

static Value s_isupper(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("isupper");
  ObjStr *s = SELF;
  bool cased = false;
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    unsigned f = asy_uni_flags(asy_utf8_decode(s->chars + i, s->size - i, &adv));
    if (f & (UNI_LOWER | UNI_TITLE)) return FALSE_VAL;
    if (f & UNI_UPPER) cased = true;
    i += adv;
  }
  return BOOL_VAL(cased);
}

static Value s_islower(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("islower");
  ObjStr *s = SELF;
  bool cased = false;
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    unsigned f = asy_uni_flags(asy_utf8_decode(s->chars + i, s->size - i, &adv));
    if (f & (UNI_UPPER | UNI_TITLE)) return FALSE_VAL;
    if (f & UNI_LOWER) cased = true;
    i += adv;
  }
  return BOOL_VAL(cased);
}

static Value s_istitle(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("istitle");
  ObjStr *s = SELF;
  bool cased = false, prev = false;
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    unsigned f = asy_uni_flags(asy_utf8_decode(s->chars + i, s->size - i, &adv));
    if (f & (UNI_UPPER | UNI_TITLE)) {
      if (prev) return FALSE_VAL;
      prev = cased = true;
    } else if (f & UNI_LOWER) {
      if (!prev) return FALSE_VAL;
      prev = cased = true;
    } else {
      prev = false;
    }
    i += adv;
  }
  return BOOL_VAL(cased);
}

static Value s_isidentifier(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("isidentifier");
  ObjStr *s = SELF;
  if (s->size == 0) return FALSE_VAL;
  bool first = true;
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    unsigned f = asy_uni_flags(asy_utf8_decode(s->chars + i, s->size - i, &adv));
    if (!(f & (first ? UNI_ID_START : UNI_ID_CONTINUE))) return FALSE_VAL;
    first = false;
    i += adv;
  }
  return TRUE_VAL;
}

/* ---- translate / maketrans ---------------------------------------------------------------------- */

static Value s_maketrans(VM *vm, int argc, Value *args, ObjDict *kw) {
  /* A staticmethod: args are the user's arguments (no self). */
  ObjDict *d = asy_dict_new(vm);
  if (argc == 1) {
    if (!IS_DICT(args[0]))
      return asy_raise(vm, vm->exc.TypeError, "if you give only one argument to maketrans it must be a dict");
    ObjDict *src = AS_DICT(args[0]);
    for (size_t i = 0; i < src->used; i++) {
      Value k = src->entries[i].key;
      if (IS_UNDEF(k)) continue;
      Value key;
      if (IS_STR(k)) {
        if (AS_STR(k)->length != 1)
          return asy_raise(vm, vm->exc.ValueError, "string keys in translate table must be of length 1");
        key = INT_VAL(asy_str_char_at(AS_STR(k), 0));
      } else if (IS_INTLIKE(k)) {
        key = INT_VAL(AS_INTLIKE(k));
      } else {
        return asy_raise(vm, vm->exc.TypeError, "keys in translate table must be strings or integers");
      }
      if (!asy_dict_set(vm, d, key, src->entries[i].value)) return EXC_VAL;
    }
    return OBJ_VAL(d);
  }
  if (!IS_STR(args[0]))
    return asy_raise(vm, vm->exc.TypeError,
                     "first maketrans argument must be a string if there is a second argument");
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "maketrans() argument 2 must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  ObjStr *x = AS_STR(args[0]), *y = AS_STR(args[1]);
  if (x->length != y->length)
    return asy_raise(vm, vm->exc.ValueError, "the first two maketrans arguments must have equal length");
  for (size_t i = 0; i < x->length; i++)
    if (!asy_dict_set(vm, d, INT_VAL(asy_str_char_at(x, i)), INT_VAL(asy_str_char_at(y, i))))
      return EXC_VAL;
  if (argc == 3) {
    if (!IS_STR(args[2]))
      return asy_raise(vm, vm->exc.TypeError, "maketrans() argument 3 must be str, not %s",
                       asy_arg_type_name(vm, args[2]));
    ObjStr *z = AS_STR(args[2]);
    for (size_t i = 0; i < z->length; i++)
      if (!asy_dict_set(vm, d, INT_VAL(asy_str_char_at(z, i)), NONE_VAL)) return EXC_VAL;
  }
  return OBJ_VAL(d);
}

static Value s_translate(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("translate");
  ObjStr *s = SELF;
  Value table = args[1];
  AsyBuf b;
  asy_buf_init(&b, vm);
  for (size_t i = 0; i < s->size;) {
    size_t adv;
    uint32_t cp = asy_utf8_decode(s->chars + i, s->size - i, &adv);
    Value r = asy_getitem(vm, table, INT_VAL(cp));
    if (IS_EXC(r)) {
      if (asy_pending_is(vm, vm->exc.LookupError)) {
        asy_clear_pending(vm);
        asy_buf_put(&b, s->chars + i, adv);
        i += adv;
        continue;
      }
      asy_buf_free(&b);
      return r;
    }
    if (IS_NONE(r)) {
      /* deleted */
    } else if (IS_INTLIKE(r)) {
      int64_t v = AS_INTLIKE(r);
      if (v < 0 || v > 0x10FFFF) {
        asy_buf_free(&b);
        return asy_raise(vm, vm->exc.ValueError, "character mapping must be in range(0x110000)");
      }
      asy_buf_put_cp(&b, (uint32_t)v);
    } else if (IS_STR(r)) {
      asy_buf_put_str(&b, AS_STR(r));
    } else {
      asy_buf_free(&b);
      return asy_raise(vm, vm->exc.TypeError, "character mapping must return integer, None or str");
    }
    i += adv;
  }
  return OBJ_VAL(asy_buf_to_str(&b));
}

/* ---- formatting and encoding ------------------------------------------------------------------ */

static Value s_format(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("format");
  return asy_str_format(vm, SELF, argc - 1, args + 1, kw);
}

static Value s_format_map(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("format_map");
  return asy_str_format_map(vm, SELF, args[1]);
}

static Value s_dunder_format(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__format__");
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "__format__() argument must be str, not %s",
                     asy_arg_type_name(vm, args[1]));
  return asy_format_str(vm, SELF, AS_STR(args[1]));
}

static Value s_encode(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("encode");
  static const char *const names[] = {"encoding", "errors"};
  Value a[2];
  if (!asy_kwargs(vm, "encode", argc - 1, args + 1, kw, names, 2, 0, 0, a)) return EXC_VAL;
  const char *enc = "utf-8", *err = "strict";
  if (!IS_UNDEF(a[0])) {
    if (!IS_STR(a[0]))
      return asy_raise(vm, vm->exc.TypeError, "encode() argument 'encoding' must be str, not %s",
                       asy_arg_type_name(vm, a[0]));
    enc = AS_STR(a[0])->chars;
  }
  if (!IS_UNDEF(a[1])) {
    if (!IS_STR(a[1]))
      return asy_raise(vm, vm->exc.TypeError, "encode() argument 'errors' must be str, not %s",
                       asy_arg_type_name(vm, a[1]));
    err = AS_STR(a[1])->chars;
  }
  return asy_str_encode(vm, SELF, enc, err);
}

/* ---- operators ---------------------------------------------------------------------------------- */

static Value s_len(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__len__");
  return INT_VAL((int64_t)SELF->length);
}

static Value s_getitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__getitem__");
  return asy_str_getitem(vm, SELF, args[1]);
}

static Value s_iter(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__iter__");
  return asy_str_iter(vm, SELF);
}

static Value s_add(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__add__");
  if (!IS_STR(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "can only concatenate str (not \"%s\") to str",
                     asy_type_name(vm, args[1]));
  return asy_str_concat(vm, SELF, AS_STR(args[1]));
}

static Value s_mul(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__mul__");
  int64_t n;
  if (!int_arg(vm, args[1], &n)) return EXC_VAL;
  return asy_str_repeat(vm, SELF, n);
}

static Value s_mod(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__mod__");
  return asy_str_percent(vm, SELF, args[1]);
}

static Value s_rmod(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__rmod__");
  if (!IS_STR(args[1])) return vm->notimplemented;
  return asy_str_percent(vm, AS_STR(args[1]), args[0]);
}

static Value s_hash(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__hash__");
  return INT_VAL(asy_str_hash(SELF));
}

static Value s_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__repr__");
  return asy_str_repr(vm, SELF);
}

static Value s_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  CHECK_SELF("__str__");
  return exact(vm, SELF);
}

static Value compare(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, int op) {
  if (argc < 1 || !IS_STR(args[0])) return asy_bad_self(vm, name, "str", argc, args);
  if (!IS_STR(args[1])) return vm->notimplemented;
  return asy_str_compare(vm, op, SELF, AS_STR(args[1]));
}

#define CMP_METHOD(fname, pyname, op) \
  static Value fname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    return compare(vm, argc, args, kw, pyname, op); \
  }
CMP_METHOD(s_eq, "__eq__", CMP_EQ)
CMP_METHOD(s_ne, "__ne__", CMP_NE)
CMP_METHOD(s_lt, "__lt__", CMP_LT)
CMP_METHOD(s_le, "__le__", CMP_LE)
CMP_METHOD(s_gt, "__gt__", CMP_GT)
CMP_METHOD(s_ge, "__ge__", CMP_GE)

/* str(object='') / str(object=b'', encoding='utf-8', errors='strict'). args[0] is cls. */
static Value s_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_CLASS(args[0]) || !asy_is_subclass(AS_CLASS(args[0]), vm->types.str))
    return asy_raise(vm, vm->exc.TypeError, "str.__new__(X): X is not a type object");
  ObjClass *cls = AS_CLASS(args[0]);
  static const char *const names[] = {"object", "encoding", "errors"};
  Value a[3];
  if (argc - 1 > 3)
    return asy_raise(vm, vm->exc.TypeError, "str expected at most 3 arguments, got %d", argc - 1);
  if (!asy_kwargs(vm, "str", argc - 1, args + 1, kw, names, 3, 0, 0, a)) return EXC_VAL;
  Value r;
  if (IS_UNDEF(a[1]) && IS_UNDEF(a[2])) {
    if (IS_UNDEF(a[0])) r = OBJ_VAL(vm->names.empty);
    else r = asy_str(vm, a[0]);
  } else {
    const char *enc = "utf-8", *err = "strict";
    if (!IS_UNDEF(a[1])) {
      if (!IS_STR(a[1]))
        return asy_raise(vm, vm->exc.TypeError, "str() argument 'encoding' must be str, not %s",
                         asy_type_name(vm, a[1]));
      enc = AS_STR(a[1])->chars;
    }
    if (!IS_UNDEF(a[2])) {
      if (!IS_STR(a[2]))
        return asy_raise(vm, vm->exc.TypeError, "str() argument 'errors' must be str, not %s",
                         asy_type_name(vm, a[2]));
      err = AS_STR(a[2])->chars;
    }
    if (IS_UNDEF(a[0])) r = OBJ_VAL(vm->names.empty);
    else if (IS_BYTES(a[0]))
      r = asy_bytes_decode(vm, AS_BYTES(a[0])->data, AS_BYTES(a[0])->size, enc, err);
    else if (IS_STR(a[0]))
      return asy_raise(vm, vm->exc.TypeError, "decoding str is not supported");
    else
      return asy_raise(vm, vm->exc.TypeError, "decoding to str: need a bytes-like object, %s found",
                       asy_type_name(vm, a[0]));
  }
  if (IS_EXC(r) || cls == vm->types.str) return r;
  return OBJ_VAL(asy_str_new_cls(vm, cls, AS_STR(r)->chars, AS_STR(r)->size));
}

/* ---- registration ------------------------------------------------------------------------------ */

void asy_init_bytes_type(VM *vm);

#define AUTO ASY_ARGS_AUTO
#define SLOT ASY_ARGS_SLOT
#define KW ASY_ARGS_KW
static const AsyMethodDef str_methods[] = {
  {"find", s_find, 1, 3, AUTO}, {"rfind", s_rfind, 1, 3, AUTO}, {"index", s_index, 1, 3, AUTO},
  {"rindex", s_rindex, 1, 3, AUTO}, {"count", s_count, 1, 3, AUTO},
  {"startswith", s_startswith, 1, 3, AUTO}, {"endswith", s_endswith, 1, 3, AUTO},
  {"split", s_split, 0, 2, KW}, {"rsplit", s_rsplit, 0, 2, KW},
  {"splitlines", s_splitlines, 0, 1, KW}, {"partition", s_partition, 1, 1, AUTO},
  {"rpartition", s_rpartition, 1, 1, AUTO}, {"join", s_join, 1, 1, AUTO},
  {"strip", s_strip, 0, 1, AUTO}, {"lstrip", s_lstrip, 0, 1, AUTO},
  {"rstrip", s_rstrip, 0, 1, AUTO}, {"center", s_center, 1, 2, AUTO},
  {"ljust", s_ljust, 1, 2, AUTO}, {"rjust", s_rjust, 1, 2, AUTO}, {"zfill", s_zfill, 1, 1, AUTO},
  {"expandtabs", s_expandtabs, 0, 1, KW}, {"replace", s_replace, 2, 3, KW},
  {"removeprefix", s_removeprefix, 1, 1, AUTO}, {"removesuffix", s_removesuffix, 1, 1, AUTO},
  {"lower", s_lower, 0, 0, AUTO}, {"upper", s_upper, 0, 0, AUTO},
  {"casefold", s_casefold, 0, 0, AUTO}, {"swapcase", s_swapcase, 0, 0, AUTO},
  {"title", s_title, 0, 0, AUTO}, {"capitalize", s_capitalize, 0, 0, AUTO},
  {"isalpha", s_isalpha, 0, 0, AUTO}, {"isdigit", s_isdigit, 0, 0, AUTO},
  {"isdecimal", s_isdecimal, 0, 0, AUTO}, {"isnumeric", s_isnumeric, 0, 0, AUTO},
  {"isspace", s_isspace, 0, 0, AUTO}, {"isprintable", s_isprintable, 0, 0, AUTO},
  {"isalnum", s_isalnum, 0, 0, AUTO}, {"isascii", s_isascii, 0, 0, AUTO},
  {"isupper", s_isupper, 0, 0, AUTO}, {"islower", s_islower, 0, 0, AUTO},
  {"istitle", s_istitle, 0, 0, AUTO}, {"isidentifier", s_isidentifier, 0, 0, AUTO},
  {"translate", s_translate, 1, 1, AUTO}, {"format", s_format, 0, ASY_VARARGS, KW},
  {"format_map", s_format_map, 1, 1, AUTO}, {"__format__", s_dunder_format, 1, 1, AUTO},
  {"encode", s_encode, 0, 2, KW}, {"__len__", s_len, 0, 0, SLOT},
  {"__getitem__", s_getitem, 1, 1, SLOT}, {"__iter__", s_iter, 0, 0, SLOT},
  {"__contains__", s_contains, 1, 1, SLOT}, {"__add__", s_add, 1, 1, SLOT},
  {"__mul__", s_mul, 1, 1, SLOT}, {"__rmul__", s_mul, 1, 1, SLOT}, {"__mod__", s_mod, 1, 1, SLOT},
  {"__rmod__", s_rmod, 1, 1, SLOT}, {"__hash__", s_hash, 0, 0, SLOT},
  {"__repr__", s_repr, 0, 0, SLOT}, {"__str__", s_str, 0, 0, SLOT}, {"__eq__", s_eq, 1, 1, SLOT},
  {"__ne__", s_ne, 1, 1, SLOT}, {"__lt__", s_lt, 1, 1, SLOT}, {"__le__", s_le, 1, 1, SLOT},
  {"__gt__", s_gt, 1, 1, SLOT}, {"__ge__", s_ge, 1, 1, SLOT},
  {"__new__", s_new, 0, ASY_VARARGS, ASY_ARGS_NONE},
  {"str.maketrans", s_maketrans, 1, 3, AUTO | ASY_DEF_STATIC},
  {0},
};

void asy_init_str_types(VM *vm) {
  asy_def_natives(vm, vm->types.str, NULL, str_methods);
  asy_init_bytes_type(vm);
}
