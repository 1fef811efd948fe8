/*
** list.c — the list type: storage, indexing and slicing, the methods, and a stable
** merge sort.
**
** Sorting calls back into script code (key functions, __lt__), which may run the GC
** or even mutate the list. So, like CPython, the items are moved out of the list into
** a temp-rooted holder list for the duration (the list looks empty meanwhile) and the
** merge sort permutes an array of C indices, never copying Values into unrooted memory.
*/
#include <stdlib.h>
#include <string.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/dict.h"
#include "vm/obj/func.h"
#include "vm/obj/iter.h"
#include "vm/obj/list.h"
#include "vm/obj/protocol.h"
#include "vm/obj/range.h"
#include "vm/obj/set.h"
#include "vm/obj/str.h"
#include "vm/obj/tuple.h"

/* Item buffers of up to ASY_POOL_MAX bytes (16 items) come from the object pool, so the
** short lists slicing and small literals make cost no malloc. Every buffer goes through
** asy_pool_realloc (gc.c frees it that way), bar growth that may fail (try_grow). */
static Value *items_realloc(VM *vm, Value *p, size_t oldcap, size_t newcap) {
  return asy_pool_realloc(vm, p, oldcap * sizeof(Value), newcap * sizeof(Value));
}

/* l's buffer grown to cap items, or NULL when memory is short (l unchanged). */
static Value *try_grow(VM *vm, ObjList *l, size_t cap) {
  size_t old_b = l->capacity * sizeof(Value), new_b = cap * sizeof(Value);
  if (new_b <= ASY_POOL_MAX) return items_realloc(vm, l->items, l->capacity, cap);
  if (old_b == 0 || old_b > ASY_POOL_MAX) return asy_try_realloc(vm, l->items, old_b, new_b);
  Value *items = asy_try_realloc(vm, NULL, 0, new_b); /* out of the pool */
  if (items) {
    memcpy(items, l->items, old_b);
    items_realloc(vm, l->items, l->capacity, 0);
  }
  return items;
}

ObjList *asy_list_new(VM *vm, size_t capacity) {
  ObjList *l = (ObjList *)asy_alloc_obj(vm, sizeof(ObjList), OBJ_LIST, vm->types.list);
  if (capacity) {
    l->items = items_realloc(vm, NULL, 0, capacity);
    l->capacity = capacity;
  }
  return l;
}

void asy_list_settle(ObjList *l) {
  if (!l->front) return;
  memmove(l->items - l->front, l->items, l->size * sizeof(Value));
  l->items -= l->front;
  l->capacity += l->front;
  l->front = 0;
}

static void ensure(VM *vm, ObjList *l, size_t need) {
  if (need <= l->capacity) return;
  asy_list_settle(l);
  if (need <= l->capacity) return;
  size_t cap = l->capacity < 4 ? 4 : l->capacity;
  while (cap < need) cap += cap >> 1;
  l->items = items_realloc(vm, l->items, l->capacity, cap);
  l->capacity = cap;
}

bool asy_list_reserve(VM *vm, ObjList *l, size_t need) {
  if (need <= l->capacity) return true;
  asy_list_settle(l);
  if (need <= l->capacity) return true;
  size_t cap = l->capacity < 4 ? 4 : l->capacity;
  while (cap < need) cap += cap >> 1;
  if (l->capacity == 0 && need > 4) cap = need;
  if (need > SIZE_MAX / sizeof(Value) / 2) goto fail;
  Value *items = try_grow(vm, l, cap);
  if (!items && cap > need) /* the half more may be what does not fit */
    items = try_grow(vm, l, cap = need);
  if (!items && asy_gc_reclaim(vm, OBJ_VAL(l), NONE_VAL)) items = try_grow(vm, l, cap);
  if (!items) goto fail;
  l->items = items;
  l->capacity = cap;
  return true;
fail:
  asy_raise_value(vm, OBJ_VAL(vm->exc.MemoryError));
  return false;
}

void asy_list_append(VM *vm, ObjList *l, Value v) {
  ensure(vm, l, l->size + 1);
  l->items[l->size++] = v;
}

ObjList *asy_list_from(VM *vm, size_t n, const Value *items) {
  ObjList *l = asy_list_new(vm, n);
  if (n) memcpy(l->items, items, n * sizeof(Value));
  l->size = n;
  return l;
}

void asy_list_insert(VM *vm, ObjList *l, size_t at, Value v) {
  ensure(vm, l, l->size + 1);
  memmove(&l->items[at + 1], &l->items[at], (l->size - at) * sizeof(Value));
  l->items[at] = v;
  l->size++;
}

void asy_list_repeat_into(Value *dst, const Value *src, size_t len, size_t times) {
  for (size_t t = 0; t < times; t++) memcpy(dst + t * len, src, len * sizeof(Value));
}

bool asy_list_extend(VM *vm, ObjList *l, Value iterable) {
  ObjClass *ic = IS_OBJ(iterable) ? AS_OBJ(iterable)->cls : NULL;
  if (ic == vm->types.list || ic == vm->types.tuple || (ic && AS_OBJ(iterable) == (Obj *)l)) {
    /* Snapshot the count first: l.extend(l) must not loop forever. A subclass may
    ** define __iter__, so it iterates (as CPython's list_extend). */
    size_t n = IS_LIST(iterable) ? AS_LIST(iterable)->size : AS_TUPLE(iterable)->size;
    if (!asy_list_reserve(vm, l, l->size + n)) return false;
    Value *src = IS_LIST(iterable) ? AS_LIST(iterable)->items : AS_TUPLE(iterable)->items;
    if (n) memmove(&l->items[l->size], src, n * sizeof(Value));
    l->size += n;
    return true;
  }
  if (IS_RANGE(iterable)) {
    /* CPython sizes the list from the range's length first: list(range(10**18)) is a
    ** MemoryError at once, not a slow march to an aborting realloc. */
    size_t n = (size_t)asy_range_len(AS_RANGE(iterable));
    if (n > SIZE_MAX - l->size || asy_alloc_too_big(l->size + n, sizeof(Value))) {
      asy_raise_value(vm, OBJ_VAL(vm->exc.MemoryError));
      return false;
    }
    /* exactly: growth by halves could overshoot RAM */
    if (l->size + n > l->capacity && !asy_list_reserve(vm, l, l->size + n)) return false;
  }
  Value it = asy_iter(vm, iterable);
  if (IS_EXC(it)) return false;
  for (;;) {
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) return false;
    if (IS_UNDEF(v)) return true;
    if (!asy_list_reserve(vm, l, l->size + 1)) return false;
    asy_list_append(vm, l, v);
  }
}

Value asy_list_from_iterable(VM *vm, Value iterable) {
  ObjList *l = asy_list_new(vm, 0);
  if (!asy_list_extend(vm, l, iterable)) return EXC_VAL;
  return OBJ_VAL(l);
}

Value asy_list_repr(VM *vm, Value lv) {
  ObjList *l = AS_LIST(lv);
  if (l->size == 0) return STR_VAL(vm, "[]");
  if (asy_repr_enter(vm, AS_OBJ(lv))) return STR_VAL(vm, "[...]");
  AsyBuf b;
  asy_buf_init(&b, vm);
  asy_buf_put(&b, "[", 1);
  /* Index each time: an item's __repr__ may shrink the list. */
  for (size_t i = 0; i < l->size; i++) {
    if (i) asy_buf_put(&b, ", ", 2);
    if (!asy_buf_repr(vm, &b, l->items[i])) {
      asy_repr_leave(vm, AS_OBJ(lv));
      asy_buf_free(&b);
      return EXC_VAL;
    }
  }
  asy_buf_put(&b, "]", 1);
  asy_repr_leave(vm, AS_OBJ(lv));
  return OBJ_VAL(asy_buf_to_str(&b));
}

Value asy_seq_compare(VM *vm, int op, const Value *a, size_t na, const Value *b, size_t nb) {
  if ((op == CMP_EQ || op == CMP_NE) && na != nb) return BOOL_VAL(op == CMP_NE);
  size_t i;
  /* The arrays may be reallocated by a user __eq__: callers pass stable snapshots or
  ** accept CPython's "compare what is there now" semantics. */
  for (i = 0; i < na && i < nb; i++) {
    int eq = asy_equal(vm, a[i], b[i]);
    if (eq < 0) return EXC_VAL;
    if (!eq) break;
  }
  if (i >= na || i >= nb) {
    bool r;
    switch (op) {
    case CMP_LT: r = na < nb; break;
    case CMP_LE: r = na <= nb; break;
    case CMP_EQ: r = na == nb; break;
    case CMP_NE: r = na != nb; break;
    case CMP_GT: r = na > nb; break;
    default: r = na >= nb; break;
    }
    return BOOL_VAL(r);
  }
  if (op == CMP_EQ) return FALSE_VAL;
  if (op == CMP_NE) return TRUE_VAL;
  return asy_compare(vm, op, a[i], b[i]);
}

int asy_seq_contains(VM *vm, const Value *items, size_t n, Value item) {
  for (size_t i = 0; i < n; i++) {
    int eq = asy_equal(vm, items[i], item);
    if (eq != 0) return eq;
  }
  return 0;
}

/* ---- indexing ------------------------------------------------------------------ */

static Value index_type_error(VM *vm, const char *what, Value key) {
  return asy_raise(vm, vm->exc.TypeError, "%s indices must be integers or slices, not %s", what,
                   asy_type_name(vm, key));
}

/* An index key as int64: ints, bools and __index__ objects. 0 = not an index (no
** exception), 1 ok, -1 error. */
static int key_index(VM *vm, Value key, int64_t *out) {
  if (IS_INTLIKE(key)) {
    *out = AS_INTLIKE(key);
    return 1;
  }
  if (!IS_OBJ(key) || IS_STR(key) || IS_OBJ_TYPE(key, OBJ_SLICE)) return 0;
  if (IS_UNDEF(asy_class_lookup(AS_OBJ(key)->cls, vm->names.index))) return 0;
  return asy_index_or(vm, key, out, vm->exc.IndexError) ? 1 : -1;
}

/* l[s] for a slice s (a heap slice, or one on the C stack from asy_list_get_slice). */
static inline Value get_slice(VM *vm, ObjList *l, ObjSlice *s) {
  int64_t start, stop, step, n;
  if (!asy_slice_resolve(vm, s, (int64_t)l->size, &start, &stop, &step, &n)) return EXC_VAL;
  ObjList *r = asy_list_new(vm, (size_t)n);
  if (step == 1) {
    if (n) memcpy(r->items, l->items + start, (size_t)n * sizeof(Value));
  } else if (n) { /* (an empty list's items may be NULL: no pointer arithmetic on it) */
    const Value *from = l->items + start;
    for (int64_t j = 0; j < n; j++, from += step) r->items[j] = *from;
  }
  r->size = (size_t)n;
  return OBJ_VAL(r);
}

Value asy_list_get_slice(VM *vm, ObjList *l, Value start, Value stop) {
  /* Only its bounds are read: a slice on the C stack stands in for the object. */
  ObjSlice s = {.start = start, .stop = stop, .step = NONE_VAL};
  return get_slice(vm, l, &s);
}

Value asy_list_getitem(VM *vm, ObjList *l, Value key) {
  int64_t i;
  int k = key_index(vm, key, &i);
  if (k < 0) return EXC_VAL;
  if (k > 0) {
    if (!asy_seq_index((int64_t)l->size, &i))
      return asy_raise(vm, vm->exc.IndexError, "list index out of range");
    return l->items[i];
  }
  if (IS_OBJ_TYPE(key, OBJ_SLICE)) return get_slice(vm, l, (ObjSlice *)AS_OBJ(key));
  return index_type_error(vm, "list", key);
}

/* Replace l[lo:hi] with src[0..n) (never l's own items: growing l may move them). */
static void replace_range(VM *vm, ObjList *l, int64_t lo, int64_t hi, const Value *src, size_t n) {
  if (hi < lo) hi = lo;
  size_t old = (size_t)(hi - lo);
  size_t newsize = l->size - old + n;
  ensure(vm, l, newsize);
  if (l->size > (size_t)hi && lo + (int64_t)n != hi)
    memmove(&l->items[lo + (int64_t)n], &l->items[hi], (l->size - (size_t)hi) * sizeof(Value));
  for (size_t j = 0; j < n; j++) l->items[lo + (int64_t)j] = src[j];
  l->size = newsize;
}

static void delete_slice(ObjList *l, int64_t start, int64_t step, int64_t n) {
  if (n <= 0) return;
  if (step < 0) { /* walk forwards */
    start = start + (n - 1) * step;
    step = -step;
  }
  size_t w = (size_t)start;
  for (size_t r = (size_t)start; r < l->size; r++) {
    int64_t off = (int64_t)r - start;
    if (off % step == 0 && off / step < n) continue;
    l->items[w++] = l->items[r];
  }
  l->size = w;
}

/* What an item assignment or deletion targets: 1 with *i an index in range, 0 for a
** slice, -1 after raising (both share CPython's "list assignment" wording). */
static int assign_target(VM *vm, ObjList *l, Value key, int64_t *i) {
  int k = key_index(vm, key, i);
  if (k < 0) return -1;
  if (k > 0) {
    if (asy_seq_index((int64_t)l->size, i)) return 1;
    asy_raise(vm, vm->exc.IndexError, "list assignment index out of range");
    return -1;
  }
  if (IS_OBJ_TYPE(key, OBJ_SLICE)) return 0;
  index_type_error(vm, "list", key);
  return -1;
}

/* l[s] = value for a slice s (heap or C stack, as get_slice). */
static inline bool set_slice(VM *vm, ObjList *l, ObjSlice *s, Value value) {
  /* As CPython: the slice is resolved first (its __index__ calls), then the value read. */
  int64_t start, stop, step, n;
  if (!asy_slice_resolve(vm, s, (int64_t)l->size, &start, &stop, &step, &n)) return false;
  const Value *src;
  size_t m;
  ObjClass *vc = IS_OBJ(value) ? AS_OBJ(value)->cls : NULL;
  if (vc == vm->types.tuple || (vc == vm->types.list && AS_LIST(value) != l)) {
    /* An exact tuple or another exact list: its items are read in place (no user code
    ** runs before they are copied, and they never alias l's buffer). */
    src = IS_LIST(value) ? AS_LIST(value)->items : AS_TUPLE(value)->items;
    m = IS_LIST(value) ? AS_LIST(value)->size : AS_TUPLE(value)->size;
  } else {
    size_t before = l->size;
    Value seqv = vc == vm->types.list ? OBJ_VAL(asy_list_from(vm, l->size, l->items))
                                      : asy_list_from_iterable(vm, value);
    if (IS_EXC(seqv)) {
      if (asy_pending_is(vm, vm->exc.TypeError)) {
        asy_clear_pending(vm);
        asy_raise(vm, vm->exc.TypeError, "must assign iterable to extended slice");
      }
      return false;
    }
    src = AS_LIST(seqv)->items;
    m = AS_LIST(seqv)->size;
    /* the iteration ran script code that may have resized l: resolve again */
    if (l->size != before && !asy_slice_indices(vm, s, (int64_t)l->size, &start, &stop, &step, &n))
      return false;
  }
  if (step == 1) {
    replace_range(vm, l, start, stop, src, m);
    return true;
  }
  if ((int64_t)m != n) {
    asy_raise(vm, vm->exc.ValueError,
              "attempt to assign sequence of size %zu to extended slice of size %lld", m,
              (long long)n);
    return false;
  }
  for (int64_t j = 0; j < n; j++) l->items[start + j * step] = src[j];
  return true;
}

bool asy_list_set_slice(VM *vm, ObjList *l, Value start, Value stop, Value value) {
  ObjSlice s = {.start = start, .stop = stop, .step = NONE_VAL};
  return set_slice(vm, l, &s, value);
}

bool asy_list_setitem(VM *vm, ObjList *l, Value key, Value value) {
  int64_t i;
  int k = assign_target(vm, l, key, &i);
  if (k < 0) return false;
  if (k > 0) {
    l->items[i] = value;
    return true;
  }
  return set_slice(vm, l, (ObjSlice *)AS_OBJ(key), value);
}

bool asy_list_delitem(VM *vm, ObjList *l, Value key) {
  int64_t i;
  int k = assign_target(vm, l, key, &i);
  if (k < 0) return false;
  if (k > 0) {
    memmove(&l->items[i], &l->items[i + 1], (l->size - (size_t)i - 1) * sizeof(Value));
    l->size--;
    return true;
  }
  int64_t start, stop, step, n;
  if (!asy_slice_resolve(vm, (ObjSlice *)AS_OBJ(key), (int64_t)l->size, &start, &stop, &step, &n))
    return false;
  if (step == 1) {
    if (n > 0) {
      if (l->size > (size_t)stop)
        memmove(&l->items[start], &l->items[stop], (l->size - (size_t)stop) * sizeof(Value));
      l->size -= (size_t)n;
    }
    return true;
  }
  delete_slice(l, start, step, n);
  return true;
}

/* ---- sorting -------------------------------------------------------------------
** CPython 3.13's listsort (timsort with powersort merge policy), reimplemented so that
** the sequence of `<` comparisons is the same: a user __lt__ that prints, or a TypeError
** naming the first incomparable pair, behaves exactly as in CPython. The algorithm
** permutes an array of indices into the (rooted) key list. */

#define MIN_GALLOP 7
#define MAX_PENDING 85

typedef struct {
  size_t base, len;
  int power;
} Run;

typedef struct {
  VM *vm;
  Value *keys;
  bool failed;
  size_t *idx; /* the permutation being sorted */
  size_t *tmp; /* merge scratch */
  size_t n;
  int min_gallop;
  Run pending[MAX_PENDING];
  int npending;
} SortCtx;

/* keys[a] < keys[b]; sets failed on error. */
/* Three-way order of two keys both ints or both exact strs (*ok false for any other
** pair: the caller asks the general comparison). */
static inline int cmp_simple(VM *vm, Value x, Value y, bool *ok) {
  if (IS_INT(x) && IS_INT(y)) return (AS_INT(x) > AS_INT(y)) - (AS_INT(x) < AS_INT(y));
  if (IS_STR(x) && IS_STR(y) && AS_OBJ(x)->cls == vm->types.str && AS_OBJ(y)->cls == vm->types.str)
    return asy_str_cmp(AS_STR(x), AS_STR(y));
  *ok = false;
  return 0;
}

static bool lt(SortCtx *s, size_t a, size_t b) {
  if (s->failed) return false;
  Value x = s->keys[a], y = s->keys[b];
  if (IS_INT(x) && IS_INT(y)) return AS_INT(x) < AS_INT(y);
  if (IS_FLOAT(x) && IS_FLOAT(y)) return AS_FLOAT(x) < AS_FLOAT(y);
  if (IS_STR(x) && IS_STR(y) && AS_OBJ(x)->cls == s->vm->types.str &&
      AS_OBJ(y)->cls == s->vm->types.str)
    return asy_str_cmp(AS_STR(x), AS_STR(y)) < 0;
  if (IS_TUPLE(x) && IS_TUPLE(y) && AS_OBJ(x)->cls == s->vm->types.tuple &&
      AS_OBJ(y)->cls == s->vm->types.tuple) {
    /* Keys like (-count, name): the first unequal items decide, as tuple < tuple does,
    ** while every item pair is ints or exact strs (whose == and < cannot fail). */
    ObjTuple *tx = AS_TUPLE(x), *ty = AS_TUPLE(y);
    size_t n = tx->size < ty->size ? tx->size : ty->size, i = 0;
    bool ok = true;
    for (; i < n; i++) {
      int c = cmp_simple(s->vm, tx->items[i], ty->items[i], &ok);
      if (!ok) break;
      if (c) return c < 0;
    }
    if (ok) return tx->size < ty->size;
  }
  Value r = asy_compare(s->vm, CMP_LT, x, y);
  if (IS_EXC(r)) {
    s->failed = true;
    return false;
  }
  if (IS_BOOL(r)) return AS_BOOL(r);
  int t = asy_truthy(s->vm, r);
  if (t < 0) {
    s->failed = true;
    return false;
  }
  return t == 1;
}

/* IFLT: compare, bail out on error. */
#define IFLT(a, b) \
  if ((k = lt(s, (a), (b))), s->failed) goto fail; \
  else if (k)

static void reverse_idx(size_t *lo, size_t n) {
  for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
    size_t t = lo[i];
    lo[i] = lo[j - 1];
    lo[j - 1] = t;
  }
}

/* The length of the run at lo (made ascending in place); -1 on error. */
static int64_t count_run(SortCtx *s, size_t *lo, size_t nremaining) {
  bool k;
  size_t n, neq = 0;
#define REVERSE_LAST_NEQ \
  if (neq) { \
    ++neq; \
    reverse_idx(lo + n - neq, neq); \
    neq = 0; \
  }
  for (n = 1; n < nremaining; ++n) {
    IFLT(lo[n], lo[n - 1]) break;
  }
  if (n == nremaining) return (int64_t)n;
  if (n > 1) {
    IFLT(lo[0], lo[n - 1]) return (int64_t)n;
    reverse_idx(lo, n); /* all equal: treat as the start of a descending run */
  }
  ++n;
  for (; n < nremaining; ++n) {
    IFLT(lo[n], lo[n - 1]) { REVERSE_LAST_NEQ }
    else {
      IFLT(lo[n - 1], lo[n]) break;
      else ++neq; }
  }
  REVERSE_LAST_NEQ
  reverse_idx(lo, n);
  for (; n < nremaining; ++n) {
    IFLT(lo[n], lo[n - 1]) break;
  }
  return (int64_t)n;
#undef REVERSE_LAST_NEQ
fail:
  return -1;
}

/* Binary insertion sort of a[0, n) given a[0, ok) sorted. */
static bool binarysort(SortCtx *s, size_t *a, size_t n, size_t ok) {
  bool k;
  if (!ok) ++ok;
  for (; ok < n; ++ok) {
    size_t L = 0, R = ok, pivot = a[ok];
    do {
      size_t M = (L + R) >> 1;
      IFLT(pivot, a[M]) R = M;
      else L = M + 1; } while (L < R);
    for (size_t M = ok; M > L; --M) a[M] = a[M - 1];
    a[L] = pivot;
  }
  return true;
fail:
  return false;
}

/* Leftmost k with a[k-1] < key <= a[k] (gallop from hint). -1 on error. */
static int64_t gallop_left(SortCtx *s, size_t key, size_t *a, int64_t n, int64_t hint) {
  bool k;
  int64_t ofs = 1, lastofs = 0, maxofs;
  IFLT(a[hint], key) {
    maxofs = n - hint;
    while (ofs < maxofs) {
      IFLT(a[hint + ofs], key) {
        lastofs = ofs;
        ofs = (ofs << 1) + 1;
      }
      else break; }
    if (ofs > maxofs) ofs = maxofs;
    lastofs += hint;
    ofs += hint;
  }
  else {
    maxofs = hint + 1;
    while (ofs < maxofs) {
      IFLT(a[hint - ofs], key) break;
      lastofs = ofs;
      ofs = (ofs << 1) + 1;
    }
    if (ofs > maxofs) ofs = maxofs;
    int64_t t = lastofs;
    lastofs = hint - ofs;
    ofs = hint - t;
  }
  ++lastofs;
  while (lastofs < ofs) {
    int64_t m = lastofs + ((ofs - lastofs) >> 1);
    IFLT(a[m], key) lastofs = m + 1;
    else ofs = m; }
  return ofs;
fail:
  return -1;
}

/* Rightmost k with a[k-1] <= key < a[k]. -1 on error. */
static int64_t gallop_right(SortCtx *s, size_t key, size_t *a, int64_t n, int64_t hint) {
  bool k;
  int64_t ofs = 1, lastofs = 0, maxofs;
  IFLT(key, a[hint]) {
    maxofs = hint + 1;
    while (ofs < maxofs) {
      IFLT(key, a[hint - ofs]) {
        lastofs = ofs;
        ofs = (ofs << 1) + 1;
      }
      else break; }
    if (ofs > maxofs) ofs = maxofs;
    int64_t t = lastofs;
    lastofs = hint - ofs;
    ofs = hint - t;
  }
  else {
    maxofs = n - hint;
    while (ofs < maxofs) {
      IFLT(key, a[hint + ofs]) break;
      lastofs = ofs;
      ofs = (ofs << 1) + 1;
    }
    if (ofs > maxofs) ofs = maxofs;
    lastofs += hint;
    ofs += hint;
  }
  ++lastofs;
  while (lastofs < ofs) {
    int64_t m = lastofs + ((ofs - lastofs) >> 1);
    IFLT(key, a[m]) ofs = m;
    else lastofs = m + 1; }
  return ofs;
fail:
  return -1;
}

/* Move g elements from *src to *dest in the direction of the fill (hi: right to left, the
** pointers at the last element), leaving both pointers past them. */
static inline void move_block(size_t **dest, size_t **src, int64_t g, bool hi) {
  if (hi) {
    *dest -= g;
    *src -= g;
    memmove(*dest + 1, *src + 1, (size_t)g * sizeof(size_t));
  } else {
    memmove(*dest, *src, (size_t)g * sizeof(size_t));
    *dest += g;
    *src += g;
  }
}

/* Merge the adjacent runs a[0,na) and b[0,nb) (the callers trimmed them so that b's first
** element goes first and a's last goes last). The shorter run is copied to the scratch
** array and the merge fills the gap it leaves: left to right when a is the shorter (lo),
** right to left otherwise (hi). One routine for both, as the two are mirror images
** (CPython's merge_lo and merge_hi): `hi` is a constant at each call, so each is compiled
** as a straight routine of its own. a and b point at each run's next element in the
** direction of the fill; the comparisons are CPython's, in its order. */
static inline __attribute__((always_inline)) bool merge_runs(SortCtx *s, size_t *pa, int64_t na,
                                                             size_t *pb, int64_t nb, bool hi) {
  bool k;
  size_t *a, *b, *dest;
  if (hi) {
    memcpy(s->tmp, pb, (size_t)nb * sizeof(size_t));
    a = pa + na - 1, b = s->tmp + nb - 1, dest = pb + nb - 1;
  } else {
    memcpy(s->tmp, pa, (size_t)na * sizeof(size_t));
    a = s->tmp, b = pb, dest = pa;
  }
  const ptrdiff_t step = hi ? -1 : 1;
/* The first of a run's remaining elements, where gallops start from. */
#define BASE(p, n) (hi ? (p) - ((n)-1) : (p))
/* After a run shrank: the scratch run's last element waits for the end (copy_rest), an
** exhausted run ends the merge. */
#define SHRANK(n, scratch) \
  do { \
    if ((scratch) && (n) == 1) goto copy_rest; \
    if ((n) == 0) goto succeed; \
  } while (0)
#define TAKE(p, n, scratch) \
  do { \
    *dest = *(p); \
    dest += step; \
    (p) += step; \
    --(n); \
    SHRANK(n, scratch); \
  } while (0)
  int min_gallop = s->min_gallop;
  if (hi) TAKE(a, na, false);
  else TAKE(b, nb, false);
  if ((hi ? nb : na) == 1) goto copy_rest;
  for (;;) {
    int64_t acount = 0, bcount = 0;
    for (;;) {
      bool take_a;
      IFLT(b[0], a[0]) take_a = hi;
      else take_a = !hi;
      if (take_a) {
        ++acount;
        bcount = 0;
        TAKE(a, na, !hi);
        if (acount >= min_gallop) break;
      } else {
        ++bcount;
        acount = 0;
        TAKE(b, nb, hi);
        if (bcount >= min_gallop) break;
      }
    }
    ++min_gallop;
    do {
      min_gallop -= min_gallop > 1;
      s->min_gallop = min_gallop;
      int64_t g = gallop_right(s, b[0], BASE(a, na), na, hi ? na - 1 : 0);
      if (g < 0) goto fail;
      acount = g = hi ? na - g : g;
      if (g) {
        move_block(&dest, &a, g, hi);
        na -= g;
        SHRANK(na, !hi);
      }
      TAKE(b, nb, hi);
      g = gallop_left(s, a[0], BASE(b, nb), nb, hi ? nb - 1 : 0);
      if (g < 0) goto fail;
      bcount = g = hi ? nb - g : g;
      if (g) {
        move_block(&dest, &b, g, hi);
        nb -= g;
        SHRANK(nb, hi);
      }
      TAKE(a, na, !hi);
    } while (acount >= MIN_GALLOP || bcount >= MIN_GALLOP);
    ++min_gallop;
    s->min_gallop = min_gallop;
  }
succeed:
fail:
  /* The rest of the scratch run fills the gap (after a failed comparison too: idx must
  ** stay a permutation). */
  if (hi && nb) memcpy(dest - (nb - 1), BASE(b, nb), (size_t)nb * sizeof(size_t));
  if (!hi && na) memcpy(dest, a, (size_t)na * sizeof(size_t));
  return !s->failed;
copy_rest:
  /* The scratch run's last element goes beyond the rest of the other run. */
  if (hi) {
    move_block(&dest, &a, na, hi);
    *dest = *b;
  } else {
    move_block(&dest, &b, nb, hi);
    *dest = *a;
  }
  return true;
#undef BASE
#undef SHRANK
#undef TAKE
}

/* Merge pending runs i and i+1. */
static bool merge_at(SortCtx *s, int i) {
  size_t *pa = s->idx + s->pending[i].base, *pb = s->idx + s->pending[i + 1].base;
  int64_t na = (int64_t)s->pending[i].len, nb = (int64_t)s->pending[i + 1].len;
  s->pending[i].len = (size_t)(na + nb);
  if (i == s->npending - 3) s->pending[i + 1] = s->pending[i + 2];
  --s->npending;
  int64_t g = gallop_right(s, pb[0], pa, na, 0);
  if (g < 0) return false;
  pa += g;
  na -= g;
  if (na == 0) return true;
  nb = gallop_left(s, pa[na - 1], pb, nb, nb - 1);
  if (nb <= 0) return nb == 0;
  if (na <= nb) return merge_runs(s, pa, na, pb, nb, false);
  return merge_runs(s, pa, na, pb, nb, true);
}

/* Powersort's node power of the boundary between two adjacent runs. */
static int powerloop(size_t s1, size_t n1, size_t n2, size_t n) {
  int result = 0;
  size_t a = 2 * s1 + n1, b = a + n1 + n2;
  for (;;) {
    ++result;
    if (a >= n) {
      a -= n;
      b -= n;
    } else if (b >= n) {
      break;
    }
    a <<= 1;
    b <<= 1;
  }
  return result;
}

static bool found_new_run(SortCtx *s, size_t n2) {
  if (s->npending) {
    Run *p = s->pending;
    size_t s1 = p[s->npending - 1].base, n1 = p[s->npending - 1].len;
    int power = powerloop(s1, n1, n2, s->n);
    while (s->npending > 1 && p[s->npending - 2].power > power)
      if (!merge_at(s, s->npending - 2)) return false;
    p[s->npending - 1].power = power;
  }
  return true;
}

static bool merge_force_collapse(SortCtx *s) {
  Run *p = s->pending;
  while (s->npending > 1) {
    int n = s->npending - 2;
    if (n > 0 && p[n - 1].len < p[n + 1].len) --n;
    if (!merge_at(s, n)) return false;
  }
  return true;
}

static size_t compute_minrun(size_t n) {
  size_t r = 0;
  while (n >= 64) {
    r |= n & 1;
    n >>= 1;
  }
  return n + r;
}

/* Sort idx[0, n) by keys; false on a comparison error (idx stays a permutation). */
static bool timsort(SortCtx *s) {
  size_t nremaining = s->n, lo = 0;
  if (nremaining < 2) return true;
  size_t minrun = compute_minrun(nremaining);
  do {
    int64_t n = count_run(s, s->idx + lo, nremaining);
    if (n < 0) return false;
    if ((size_t)n < minrun) {
      size_t force = nremaining <= minrun ? nremaining : minrun;
      if (!binarysort(s, s->idx + lo, force, (size_t)n)) return false;
      n = (int64_t)force;
    }
    if (!found_new_run(s, (size_t)n)) return false;
    s->pending[s->npending].base = lo;
    s->pending[s->npending].len = (size_t)n;
    s->npending++;
    lo += (size_t)n;
    nremaining -= (size_t)n;
  } while (nremaining);
  return merge_force_collapse(s);
}

#undef IFLT

Value asy_list_sort(VM *vm, ObjList *list, Value key, bool reverse) {
  /* Move the items into a rooted holder; the list is empty while sorting. */
  ObjList *vals = asy_list_new(vm, 0);
  asy_list_settle(list);
  vals->items = list->items;
  vals->capacity = list->capacity;
  vals->size = list->size;
  list->items = NULL;
  list->size = list->capacity = 0;
  size_t n = vals->size;
  ObjList *keys = vals;
  bool failed = false;
  if (!IS_UNDEF(key) && !IS_NONE(key)) {
    keys = asy_list_new(vm, n);
    for (size_t i = 0; i < n; i++) {
      Value k = asy_call(vm, key, 1, &vals->items[i], NULL);
      if (IS_EXC(k)) {
        failed = true;
        break;
      }
      keys->items[keys->size++] = k;
    }
  }
  if (!failed && n > 1) {
    size_t *idx = malloc(n * sizeof(size_t)), *tmp = malloc(n * sizeof(size_t));
    if (!idx || !tmp) abort();
    /* reverse=True: CPython reverses, sorts stably, and reverses back, which keeps
    ** equal elements in their original order. */
    for (size_t i = 0; i < n; i++) idx[i] = reverse ? n - 1 - i : i;
    SortCtx s = {
        .vm = vm, .keys = keys->items, .idx = idx, .tmp = tmp, .n = n, .min_gallop = MIN_GALLOP};
    failed = !timsort(&s);
    if (reverse) reverse_idx(idx, n);
    /* Apply the permutation (also after a failed compare: CPython leaves the list
    ** partially sorted) in place, cycle by cycle: position i takes the item at idx[i].
    ** Nothing allocates here, so the one item held in a local cannot be collected. */
    for (size_t i = 0; i < n; i++) {
      if (idx[i] == i) continue;
      Value first = vals->items[i];
      size_t j = i;
      while (idx[j] != i) {
        size_t from = idx[j];
        vals->items[j] = vals->items[from];
        idx[j] = j;
        j = from;
      }
      vals->items[j] = first;
      idx[j] = j;
    }
    free(idx);
    free(tmp);
  }
  bool modified = list->size != 0 || list->items != NULL;
  /* Put the (sorted) items back, dropping whatever the callbacks appended. */
  asy_list_settle(list);
  items_realloc(vm, list->items, list->capacity, 0);
  list->items = vals->items;
  list->capacity = vals->capacity;
  list->size = vals->size;
  vals->items = NULL;
  vals->size = vals->capacity = 0;
  if (failed) return EXC_VAL;
  if (modified) return asy_raise(vm, vm->exc.ValueError, "list modified during sort");
  return NONE_VAL;
}

/* ---- methods ------------------------------------------------------------------- */

#define SELF_LIST(meth) ASY_SELF(OBJ_LIST, meth, "list")

static Value list_new_(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  ObjClass *cls = asy_new_subtype(vm, argc, args, vm->types.list);
  if (!cls) return EXC_VAL;
  ObjList *l = asy_list_new(vm, 0);
  l->obj.cls = cls;
  return OBJ_VAL(l);
}

static Value list_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_LIST("__init__");
  if (kw && kw->count) return asy_raise(vm, vm->exc.TypeError, "list() takes no keyword arguments");
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError, "list expected at most 1 argument, got %d", argc - 1);
  ObjList *l = AS_LIST(args[0]);
  l->size = 0;
  if (argc == 2 && !asy_list_extend(vm, l, args[1])) return EXC_VAL;
  return NONE_VAL;
}

static Value list_append(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_list_reserve(vm, AS_LIST(args[0]), AS_LIST(args[0])->size + 1)) return EXC_VAL;
  asy_list_append(vm, AS_LIST(args[0]), args[1]);
  return NONE_VAL;
}

static Value list_extend_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_list_extend(vm, AS_LIST(args[0]), args[1]) ? NONE_VAL : EXC_VAL;
}

static Value list_insert(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjList *l = AS_LIST(args[0]);
  int64_t i;
  if (!asy_index(vm, args[1], &i)) return EXC_VAL;
  int64_t n = (int64_t)l->size;
  if (i < 0) {
    i += n;
    if (i < 0) i = 0;
  }
  if (i > n) i = n;
  asy_list_insert(vm, l, (size_t)i, args[2]);
  return NONE_VAL;
}

static Value list_pop(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjList *l = AS_LIST(args[0]);
  int64_t i = -1;
  if (argc == 2 && !asy_index(vm, args[1], &i)) return EXC_VAL;
  if (l->size == 0) return asy_raise(vm, vm->exc.IndexError, "pop from empty list");
  if (!asy_seq_index((int64_t)l->size, &i))
    return asy_raise(vm, vm->exc.IndexError, "pop index out of range");
  Value v = l->items[i];
  if (i == 0 && l->size > 16) {
    /* A queue drained from the front: step over the slot instead of moving the rest
    ** (given back when the list next grows or hands its buffer over). */
    l->items++;
    l->capacity--;
    l->front++;
    l->size--;
    return v;
  }
  memmove(&l->items[i], &l->items[i + 1], (l->size - (size_t)i - 1) * sizeof(Value));
  l->size--;
  return v;
}

static Value list_remove(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjList *l = AS_LIST(args[0]);
  for (size_t i = 0; i < l->size; i++) {
    int eq = asy_equal(vm, l->items[i], args[1]);
    if (eq < 0) return EXC_VAL;
    if (eq) {
      if (i < l->size) {
        memmove(&l->items[i], &l->items[i + 1], (l->size - i - 1) * sizeof(Value));
        l->size--;
      }
      return NONE_VAL;
    }
  }
  return asy_raise(vm, vm->exc.ValueError, "list.remove(x): x not in list");
}

/* Clamp an optional start/stop argument as CPython's slice-style index arguments. */
static bool clamp_arg(VM *vm, Value v, int64_t n, int64_t *out) {
  int64_t i;
  /* CPython converts these bounds as slice indices (_PyEval_SliceIndexNotNone). */
  if (!IS_INTLIKE(v) &&
      (!IS_OBJ(v) || IS_STR(v) || IS_UNDEF(asy_class_lookup(AS_OBJ(v)->cls, vm->names.index)))) {
    asy_raise(vm, vm->exc.TypeError, "slice indices must be integers or have an __index__ method");
    return false;
  }
  if (!asy_index(vm, v, &i)) return false;
  if (i < 0) {
    i += n;
    if (i < 0) i = 0;
  }
  if (i > n) i = n;
  *out = i;
  return true;
}

static Value list_index(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjList *l = AS_LIST(args[0]);
  int64_t start = 0, stop = (int64_t)l->size;
  if (argc > 2 && !clamp_arg(vm, args[2], (int64_t)l->size, &start)) return EXC_VAL;
  if (argc > 3 && !clamp_arg(vm, args[3], (int64_t)l->size, &stop)) return EXC_VAL;
  for (int64_t i = start; i < stop && (size_t)i < l->size; i++) {
    int eq = asy_equal(vm, l->items[i], args[1]);
    if (eq < 0) return EXC_VAL;
    if (eq) return INT_VAL(i);
  }
  return asy_raise(vm, vm->exc.ValueError, "%R is not in list", args[1]);
}

static Value list_count(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjList *l = AS_LIST(args[0]);
  int64_t c = 0;
  for (size_t i = 0; i < l->size; i++) {
    int eq = asy_equal(vm, l->items[i], args[1]);
    if (eq < 0) return EXC_VAL;
    c += eq;
  }
  return INT_VAL(c);
}

static Value list_clear(VM *vm, int argc, Value *args, ObjDict *kw) {
  AS_LIST(args[0])->size = 0;
  return NONE_VAL;
}

static Value list_copy(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjList *l = AS_LIST(args[0]);
  return OBJ_VAL(asy_list_from(vm, l->size, l->items));
}

static Value list_reverse(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjList *l = AS_LIST(args[0]);
  for (size_t i = 0, j = l->size; i + 1 < j; i++, j--) {
    Value t = l->items[i];
    l->items[i] = l->items[j - 1];
    l->items[j - 1] = t;
  }
  return NONE_VAL;
}

static Value list_sort_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_LIST("sort");
  /* As CPython's argument clinic: the total count is checked before the positional one. */
  int total = argc - 1 + (kw ? (int)kw->count : 0);
  if (argc > 1 && total > 2)
    return asy_raise(vm, vm->exc.TypeError, "sort() takes at most 2 arguments (%d given)", total);
  if (argc > 1) return asy_raise(vm, vm->exc.TypeError, "sort() takes no positional arguments");
  Value key = NONE_VAL, rev = FALSE_VAL;
  if (kw && kw->count) {
    if (kw->count > 2)
      return asy_raise(vm, vm->exc.TypeError,
                       "sort() takes at most 2 keyword arguments (%zu given)", kw->count);
    static const char *const allowed[] = {"key", "reverse", NULL};
    if (!asy_check_kw(vm, "sort", kw, allowed)) return EXC_VAL;
    Value k = asy_kwarg(vm, kw, "key");
    if (!IS_UNDEF(k)) key = k;
    Value r = asy_kwarg(vm, kw, "reverse");
    if (!IS_UNDEF(r)) rev = r;
  }
  if (IS_FLOAT(rev))
    return asy_raise(vm, vm->exc.TypeError, "'float' object cannot be interpreted as an integer");
  int t = asy_truthy(vm, rev);
  if (t < 0) return EXC_VAL;
  return asy_list_sort(vm, AS_LIST(args[0]), key, t == 1);
}

static Value list_getitem_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_list_getitem(vm, AS_LIST(args[0]), args[1]);
}

static Value list_setitem_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_list_setitem(vm, AS_LIST(args[0]), args[1], args[2]) ? NONE_VAL : EXC_VAL;
}

static Value list_delitem_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_list_delitem(vm, AS_LIST(args[0]), args[1]) ? NONE_VAL : EXC_VAL;
}

static Value list_len_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL((int64_t)AS_LIST(args[0])->size);
}

static Value list_contains_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjList *l = AS_LIST(args[0]);
  int r = asy_seq_contains(vm, l->items, l->size, args[1]);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value list_iter_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_list_iter(vm, args[0]);
}

static Value list_reversed_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_list_reversed_iter(vm, args[0]);
}

static Value list_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_list_repr(vm, args[0]);
}

#define U ASY_UNCHECKED
#define AUTO ASY_ARGS_AUTO
#define SLOT ASY_ARGS_SLOT
/* CPython declares __getitem__ and __reversed__ as plain methods, the other dunders as
** slot wrappers. */
/* clang-format off */
static const AsyMethodDef list_methods[] = {
  {"__new__", list_new_, U}, {"__init__", list_init, U}, {"append", list_append, 1, 1, AUTO},
  {"extend", list_extend_m, 1, 1, AUTO}, {"insert", list_insert, 2, 2, AUTO},
  {"pop", list_pop, 0, 1, AUTO}, {"remove", list_remove, 1, 1, AUTO},
  {"index", list_index, 1, 3, AUTO}, {"count", list_count, 1, 1, AUTO},
  {"clear", list_clear, 0, 0, AUTO}, {"copy", list_copy, 0, 0, AUTO},
  {"reverse", list_reverse, 0, 0, AUTO}, {"sort", list_sort_m, U},
  {"__getitem__", list_getitem_m, 1, 1, AUTO}, {"__setitem__", list_setitem_m, 2, 2, SLOT},
  {"__delitem__", list_delitem_m, 1, 1, SLOT}, {"__len__", list_len_m, 0, 0, SLOT},
  {"__contains__", list_contains_m, 1, 1, SLOT}, {"__iter__", list_iter_m, 0, 0, SLOT},
  {"__reversed__", list_reversed_m, 0, 0, AUTO}, {"__repr__", list_repr_m, 0, 0, SLOT}, {0},
};
/* clang-format on */
#undef U
#undef AUTO
#undef SLOT

void asy_init_list_type(VM *vm) {
  ObjClass *c = vm->types.list;
  asy_def_natives(vm, c, NULL, list_methods);
  asy_dict_set_str(vm, c->dict, vm->names.hash, NONE_VAL);
}

/* The container hook called by vm_new: every container class's methods. */
void asy_init_container_types(VM *vm) {
  asy_init_list_type(vm);
  asy_init_tuple_type(vm);
  asy_init_dict_type(vm);
  asy_init_set_types(vm);
}
