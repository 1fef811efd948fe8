/*
** range.c — range and slice objects.
**
** A range stays lazy whatever its size: length, indexing, slicing, `in`, index() and
** count() are arithmetic. Intermediate products are computed in 128 bits so that
** ranges near the int64 limits neither overflow nor wrap.
*/
#include <string.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/func.h"
#include "vm/obj/iter.h"
#include "vm/obj/list.h"
#include "vm/obj/protocol.h"
#include "vm/obj/range.h"
#include "vm/obj/tuple.h"

typedef __int128 i128;

ObjRange *asy_range_new(VM *vm, int64_t start, int64_t stop, int64_t step) {
  ObjRange *r = (ObjRange *)asy_alloc_obj(vm, sizeof(ObjRange), OBJ_RANGE, vm->types.range);
  r->start = start;
  r->stop = stop;
  r->step = step;
  return r;
}

static i128 range_len128(int64_t start, int64_t stop, int64_t step) {
  /* The span fits 64 unsigned bits (taken mod 2**64, it is exact), so a 64-bit division
  ** does: a 128-bit one is a library call that cost every range slice and len(). */
  if (step > 0 && start < stop) {
    uint64_t span = (uint64_t)stop - (uint64_t)start - 1;
    return (i128)(step == 1 ? span : span / (uint64_t)step) + 1;
  }
  if (step < 0 && start > stop) {
    uint64_t span = (uint64_t)start - (uint64_t)stop - 1;
    return (i128)(span / ((uint64_t)0 - (uint64_t)step)) + 1;
  }
  return 0;
}

int64_t asy_range_len(ObjRange *r) {
  i128 n = range_len128(r->start, r->stop, r->step);
  return n > INT64_MAX ? INT64_MAX : (int64_t)n;
}

/* len() of a range that may exceed int64 (only possible for huge steps of 1 across the
** whole int64 span): CPython's OverflowError. */
static bool range_len_checked(VM *vm, ObjRange *r, int64_t *out) {
  i128 n = range_len128(r->start, r->stop, r->step);
  if (n > INT64_MAX) {
    asy_raise(vm, vm->exc.OverflowError, "Python int too large to convert to C ssize_t");
    return false;
  }
  *out = (int64_t)n;
  return true;
}

Value asy_range_getitem(VM *vm, ObjRange *r, Value key) {
  i128 n = range_len128(r->start, r->stop, r->step);
  if (IS_OBJ_TYPE(key, OBJ_SLICE)) {
    int64_t len = n > INT64_MAX ? INT64_MAX : (int64_t)n;
    int64_t start, stop, step, cnt;
    if (!asy_slice_indices(vm, (ObjSlice *)AS_OBJ(key), len, &start, &stop, &step, &cnt))
      return EXC_VAL;
    i128 nstart = (i128)r->start + (i128)start * r->step;
    i128 nstop = (i128)r->start + (i128)stop * r->step;
    i128 nstep = (i128)step * r->step;
    if (nstart > INT64_MAX || nstart < INT64_MIN || nstop > INT64_MAX || nstop < INT64_MIN ||
        nstep > INT64_MAX || nstep < INT64_MIN)
      return asy_raise(vm, vm->exc.OverflowError, "integer overflow");
    return OBJ_VAL(asy_range_new(vm, (int64_t)nstart, (int64_t)nstop, (int64_t)nstep));
  }
  int64_t i;
  if (IS_BIGINT(key)) {
    return asy_raise(vm, vm->exc.IndexError, "range object index out of range");
  } else if (IS_INTLIKE(key)) {
    i = AS_INTLIKE(key);
  } else if (IS_OBJ(key) && !IS_STR(key) &&
             !IS_UNDEF(asy_class_lookup(AS_OBJ(key)->cls, vm->names.index))) {
    if (!asy_index(vm, key, &i)) return EXC_VAL;
  } else {
    return asy_raise(vm, vm->exc.TypeError, "range indices must be integers or slices, not %s",
                     asy_type_name(vm, key));
  }
  i128 ii = i;
  if (ii < 0) ii += n;
  if (ii < 0 || ii >= n)
    return asy_raise(vm, vm->exc.IndexError, "range object index out of range");
  return INT_VAL((int64_t)((i128)r->start + ii * r->step));
}

/* Is the int v in r? */
static bool int_in_range(ObjRange *r, int64_t v) {
  if (r->step > 0) {
    if (v < r->start || v >= r->stop) return false;
  } else {
    if (v > r->start || v <= r->stop) return false;
  }
  return ((i128)v - r->start) % r->step == 0;
}

int asy_range_contains(VM *vm, ObjRange *r, Value v) {
  if (IS_INTLIKE(v)) return int_in_range(r, AS_INTLIKE(v));
  /* Anything else: compare with each item, as CPython's fallback does. */
  i128 n = range_len128(r->start, r->stop, r->step);
  for (i128 i = 0; i < n; i++) {
    int eq = asy_equal(vm, INT_VAL((int64_t)((i128)r->start + i * r->step)), v);
    if (eq != 0) return eq;
  }
  return 0;
}

/* Two ranges are equal when they describe the same sequence. */
static bool range_equal(ObjRange *a, ObjRange *b) {
  if (a == b) return true;
  i128 na = range_len128(a->start, a->stop, a->step), nb = range_len128(b->start, b->stop, b->step);
  if (na != nb) return false;
  if (na == 0) return true;
  if (a->start != b->start) return false;
  if (na == 1) return true;
  return a->step == b->step;
}

Value asy_range_compare(VM *vm, int op, ObjRange *a, ObjRange *b) {
  if (op == CMP_EQ) return BOOL_VAL(range_equal(a, b));
  if (op == CMP_NE) return BOOL_VAL(!range_equal(a, b));
  return vm->notimplemented;
}

int64_t asy_range_hash(VM *vm, ObjRange *r, bool *ok) {
  i128 n = range_len128(r->start, r->stop, r->step);
  Value items[3];
  items[0] = INT_VAL(n > INT64_MAX ? INT64_MAX : (int64_t)n);
  items[1] = n == 0 ? NONE_VAL : INT_VAL(r->start);
  items[2] = n <= 1 ? NONE_VAL : INT_VAL(r->step);
  ObjTuple *t = asy_tuple_from(vm, 3, items);
  int64_t h = 0;
  *ok = asy_tuple_hash(vm, t, &h);
  return h;
}

Value asy_range_repr(VM *vm, ObjRange *r) {
  if (r->step == 1)
    return OBJ_VAL(
        asy_str_printf(vm, "range(%lld, %lld)", (long long)r->start, (long long)r->stop));
  return OBJ_VAL(asy_str_printf(vm, "range(%lld, %lld, %lld)", (long long)r->start,
                                (long long)r->stop, (long long)r->step));
}

/* ---- range methods --------------------------------------------------------------- */

static bool range_arg(VM *vm, Value v, int64_t *out) {
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  return asy_index(vm, v, out);
}

/* range() and slice() take 1 to 3 positional arguments after the class: how many, or -1
** after raising with their messages. */
static int start_stop_step_args(VM *vm, const char *type, int argc, ObjDict *kw) {
  int n = argc - 1;
  if (kw && kw->count) asy_raise(vm, vm->exc.TypeError, "%s() takes no keyword arguments", type);
  else if (n < 1)
    asy_raise(vm, vm->exc.TypeError, "%s expected at least 1 argument, got %d", type, n);
  else if (n > 3)
    asy_raise(vm, vm->exc.TypeError, "%s expected at most 3 arguments, got %d", type, n);
  else return n;
  return -1;
}

static Value range_new_(VM *vm, int argc, Value *args, ObjDict *kw) {
  int n = start_stop_step_args(vm, "range", argc, kw);
  if (n < 0) return EXC_VAL;
  int64_t start = 0, stop, step = 1;
  if (n == 1) {
    if (!range_arg(vm, args[1], &stop)) return EXC_VAL;
  } else {
    if (!range_arg(vm, args[1], &start) || !range_arg(vm, args[2], &stop)) return EXC_VAL;
    if (n == 3) {
      if (!range_arg(vm, args[3], &step)) return EXC_VAL;
      if (step == 0) return asy_raise(vm, vm->exc.ValueError, "range() arg 3 must not be zero");
    }
  }
  return OBJ_VAL(asy_range_new(vm, start, stop, step));
}

static Value range_len_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t n;
  if (!range_len_checked(vm, AS_RANGE(args[0]), &n)) return EXC_VAL;
  return INT_VAL(n);
}

static Value range_getitem_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_range_getitem(vm, AS_RANGE(args[0]), args[1]);
}

static Value range_contains_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  int r = asy_range_contains(vm, AS_RANGE(args[0]), args[1]);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value range_iter_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_range_iter(vm, AS_RANGE(args[0]));
}

static Value range_reversed_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjRange *r = AS_RANGE(args[0]);
  i128 n = range_len128(r->start, r->stop, r->step);
  if (n == 0) return asy_range_iter(vm, asy_range_new(vm, 0, 0, 1));
  i128 last = (i128)r->start + (n - 1) * r->step;
  i128 stop = (i128)r->start - r->step;
  if (stop > INT64_MAX || stop < INT64_MIN || r->step == INT64_MIN) {
    /* Walk down with a clamped stop: the length stays right. */
    stop = last - n * (i128)r->step;
    if (stop > INT64_MAX) stop = INT64_MAX;
    if (stop < INT64_MIN) stop = INT64_MIN;
  }
  return asy_range_iter(vm, asy_range_new(vm, (int64_t)last, (int64_t)stop, -r->step));
}

static Value range_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_range_repr(vm, AS_RANGE(args[0]));
}

static Value range_index_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjRange *r = AS_RANGE(args[0]);
  Value v = args[1];
  if (IS_BIGINT(v)) { /* never in an int64 range */
    Value s = asy_int_str(vm, v);
    if (IS_EXC(s)) return s;
    return asy_raise(vm, vm->exc.ValueError, "%s is not in range", AS_STR(s)->chars);
  }
  if (IS_INTLIKE(v)) {
    if (int_in_range(r, AS_INTLIKE(v))) {
      i128 idx = ((i128)AS_INTLIKE(v) - r->start) / r->step; /* up to 2**64 - 2 */
      return asy_int_from_i128(vm, idx);
    }
    return asy_raise(vm, vm->exc.ValueError, "%lld is not in range", (long long)AS_INTLIKE(v));
  }
  i128 n = range_len128(r->start, r->stop, r->step);
  for (i128 i = 0; i < n; i++) {
    int eq = asy_equal(vm, INT_VAL((int64_t)((i128)r->start + i * r->step)), v);
    if (eq < 0) return EXC_VAL;
    if (eq) return INT_VAL((int64_t)i);
  }
  return asy_raise(vm, vm->exc.ValueError, "sequence.index(x): x not in sequence");
}

static Value range_count_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjRange *r = AS_RANGE(args[0]);
  if (IS_INTLIKE(args[1])) return INT_VAL(int_in_range(r, AS_INTLIKE(args[1])) ? 1 : 0);
  int64_t c = 0;
  i128 n = range_len128(r->start, r->stop, r->step);
  for (i128 i = 0; i < n; i++) {
    int eq = asy_equal(vm, INT_VAL((int64_t)((i128)r->start + i * r->step)), args[1]);
    if (eq < 0) return EXC_VAL;
    c += eq;
  }
  return INT_VAL(c);
}

static Value range_hash_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  bool ok;
  int64_t h = asy_range_hash(vm, AS_RANGE(args[0]), &ok);
  return ok ? INT_VAL(h) : EXC_VAL;
}

static Value range_start(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL(AS_RANGE(args[0])->start);
}

static Value range_stop(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL(AS_RANGE(args[0])->stop);
}

static Value range_step(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL(AS_RANGE(args[0])->step);
}

/* ---- slices ---------------------------------------------------------------------- */

/* A new slice object (slice() always makes one, as CPython). */
static ObjSlice *slice_alloc(VM *vm, Value start, Value stop, Value step) {
  ObjSlice *s = (ObjSlice *)asy_alloc_obj(vm, sizeof(ObjSlice), OBJ_SLICE, vm->types.slice);
  s->start = IS_UNDEF(start) ? NONE_VAL : start;
  s->stop = IS_UNDEF(stop) ? NONE_VAL : stop;
  s->step = IS_UNDEF(step) ? NONE_VAL : step;
  return s;
}

/* The slices the loop builds (x[a:b], x[a:b:c]) whose bounds are small ints or None are
** shared until the next collection: a slice is immutable, so the data model lets an
** expression return an existing equal one (CPython 3.14 folds constant slices the same
** way), and a loop slicing with recurring bounds allocates nothing. Direct-mapped; an
** entry is valid while vm->class_epoch, which moves at every collection (vm.h), is the
** one it was stored under, so it never outlives its slice. Reset for each new VM. */
#define SLICE_CACHE 64
static struct {
  const VM *vm;
  uint64_t epoch[SLICE_CACHE];
  ObjSlice *slot[SLICE_CACHE];
} slice_cache;

/* A bound the cache takes (an int or None), folded into *h. */
static inline bool slice_cache_key(Value v, uint64_t *h) {
  uint64_t k;
  if (IS_INT(v)) k = (uint64_t)AS_INT(v);
  else if (IS_NONE(v) || IS_UNDEF(v)) k = 0x9E3779B97F4A7C15u;
  else return false;
  *h = (*h ^ k) * 0xff51afd7ed558ccdu;
  return true;
}

static inline bool slice_bound_is(Value held, Value v) {
  if (IS_UNDEF(v)) v = NONE_VAL;
  return held.tag == v.tag && (IS_NONE(v) || AS_INT(held) == AS_INT(v));
}

ObjSlice *asy_slice_new(VM *vm, Value start, Value stop, Value step) {
  uint64_t h = 0;
  if (slice_cache.vm != vm || !slice_cache_key(start, &h) || !slice_cache_key(stop, &h) ||
      !slice_cache_key(step, &h))
    return slice_alloc(vm, start, stop, step);
  size_t k = (size_t)(h ^ (h >> 32)) & (SLICE_CACHE - 1);
  ObjSlice *s = slice_cache.slot[k];
  if (s && slice_cache.epoch[k] == vm->class_epoch && slice_bound_is(s->start, start) &&
      slice_bound_is(s->stop, stop) && slice_bound_is(s->step, step)) {
    asy_push_root(vm, OBJ_VAL(s)); /* as a new object would be */
    return s;
  }
  s = slice_alloc(vm, start, stop, step); /* may collect: the epoch is read after */
  slice_cache.slot[k] = s;
  slice_cache.epoch[k] = vm->class_epoch;
  return s;
}

bool asy_seq_index(int64_t length, int64_t *i) {
  if (*i < 0) *i += length;
  return *i >= 0 && *i < length;
}

/* A slice bound that is not None or a small int: a big int or an __index__ object. */
static bool slice_bound_slow(VM *vm, Value v, int64_t *out) {
  if (IS_BIGINT(v)) { /* clamped, as CPython's _PyEval_SliceIndex */
    *out = mpz_sgn(AS_BIGINT(v)->z) < 0 ? INT64_MIN : INT64_MAX;
    return true;
  }
  if (IS_OBJ(v) && !IS_STR(v) && !IS_UNDEF(asy_class_lookup(AS_OBJ(v)->cls, vm->names.index)))
    return asy_index(vm, v, out);
  asy_raise(vm, vm->exc.TypeError,
            "slice indices must be integers or None or have an __index__ method");
  return false;
}

/* A slice bound: None → dflt, else an index. */
static inline bool slice_bound(VM *vm, Value v, int64_t dflt, int64_t *out) {
  if (IS_NONE(v) || IS_UNDEF(v)) {
    *out = dflt;
    return true;
  }
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  return slice_bound_slow(vm, v, out);
}

bool asy_slice_indices(VM *vm, ObjSlice *s, int64_t length, int64_t *start, int64_t *stop,
                       int64_t *step, int64_t *slicelen) {
  if (!slice_bound(vm, s->step, 1, step)) return false;
  if (*step == 0) {
    asy_raise(vm, vm->exc.ValueError, "slice step cannot be zero");
    return false;
  }
  if (*step < -INT64_MAX) *step = -INT64_MAX;
  if (!slice_bound(vm, s->start, *step < 0 ? INT64_MAX : 0, start)) return false;
  if (!slice_bound(vm, s->stop, *step < 0 ? INT64_MIN : INT64_MAX, stop)) return false;
  *slicelen = asy_slice_adjust(length, start, stop, *step);
  return true;
}

Value asy_slice_repr(VM *vm, ObjSlice *s) {
  AsyBuf b;
  asy_buf_init(&b, vm);
  asy_buf_puts(&b, "slice(");
  Value parts[3] = {s->start, s->stop, s->step};
  for (int i = 0; i < 3; i++) {
    if (i) asy_buf_puts(&b, ", ");
    if (!asy_buf_repr(vm, &b, parts[i])) {
      asy_buf_free(&b);
      return EXC_VAL;
    }
  }
  asy_buf_puts(&b, ")");
  return OBJ_VAL(asy_buf_to_str(&b));
}

Value asy_slice_compare(VM *vm, int op, ObjSlice *a, ObjSlice *b) {
  Value x[3] = {a->start, a->stop, a->step}, y[3] = {b->start, b->stop, b->step};
  return asy_seq_compare(vm, op, x, 3, y, 3);
}

static Value slice_new_(VM *vm, int argc, Value *args, ObjDict *kw) {
  int n = start_stop_step_args(vm, "slice", argc, kw);
  if (n < 0) return EXC_VAL;
  if (n == 1) return OBJ_VAL(slice_alloc(vm, NONE_VAL, args[1], NONE_VAL));
  return OBJ_VAL(slice_alloc(vm, args[1], args[2], n == 3 ? args[3] : NONE_VAL));
}

static Value slice_indices_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t len;
  if (!asy_index(vm, args[1], &len)) return EXC_VAL;
  if (len < 0) return asy_raise(vm, vm->exc.ValueError, "length should not be negative");
  int64_t start, stop, step, n;
  if (!asy_slice_indices(vm, (ObjSlice *)AS_OBJ(args[0]), len, &start, &stop, &step, &n))
    return EXC_VAL;
  Value items[3] = {INT_VAL(start), INT_VAL(stop), INT_VAL(step)};
  return OBJ_VAL(asy_tuple_from(vm, 3, items));
}

static Value slice_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_slice_repr(vm, (ObjSlice *)AS_OBJ(args[0]));
}

/* CPython 3.12+'s slice_hash: the tuple hash lanes without the length term. */
bool asy_slice_hash(VM *vm, ObjSlice *s, int64_t *out) {
  Value parts[3] = {s->start, s->stop, s->step};
  uint64_t acc = 2870177450012600261ULL;
  for (int i = 0; i < 3; i++) {
    int64_t h;
    if (!asy_hash(vm, parts[i], &h)) return false;
    acc += (uint64_t)h * 14029467366897019727ULL;
    acc = (acc << 31) | (acc >> 33);
    acc *= 11400714785074694791ULL;
  }
  if (acc == (uint64_t)-1) acc = 1546275796;
  *out = (int64_t)acc;
  return true;
}

static Value slice_hash_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t h;
  if (!asy_slice_hash(vm, (ObjSlice *)AS_OBJ(args[0]), &h)) return EXC_VAL;
  return INT_VAL(h);
}

static Value slice_start(VM *vm, int argc, Value *args, ObjDict *kw) {
  return ((ObjSlice *)AS_OBJ(args[0]))->start;
}

static Value slice_stop(VM *vm, int argc, Value *args, ObjDict *kw) {
  return ((ObjSlice *)AS_OBJ(args[0]))->stop;
}

static Value slice_step(VM *vm, int argc, Value *args, ObjDict *kw) {
  return ((ObjSlice *)AS_OBJ(args[0]))->step;
}

#define U ASY_UNCHECKED
#define AUTO ASY_ARGS_AUTO
#define SLOT ASY_ARGS_SLOT
#define PROPERTY (ASY_ARGS_AUTO | ASY_DEF_PROPERTY)
/* clang-format off */
static const AsyMethodDef range_methods[] = {
  {"__new__", range_new_, U}, {"__len__", range_len_m, 0, 0, SLOT},
  {"__getitem__", range_getitem_m, 1, 1, SLOT}, {"__contains__", range_contains_m, 1, 1, SLOT},
  {"__iter__", range_iter_m, 0, 0, SLOT}, {"__reversed__", range_reversed_m, 0, 0, AUTO},
  {"__repr__", range_repr_m, 0, 0, SLOT}, {"__hash__", range_hash_m, 0, 0, SLOT},
  {"index", range_index_m, 1, 1, AUTO}, {"count", range_count_m, 1, 1, AUTO},
  {"start", range_start, 0, 0, PROPERTY}, {"stop", range_stop, 0, 0, PROPERTY},
  {"step", range_step, 0, 0, PROPERTY}, {0},
};

static const AsyMethodDef slice_methods[] = {
  {"__new__", slice_new_, U}, {"indices", slice_indices_m, 1, 1, AUTO},
  {"__repr__", slice_repr_m, 0, 0, SLOT}, {"__hash__", slice_hash_m, 0, 0, SLOT},
  {"start", slice_start, 0, 0, PROPERTY}, {"stop", slice_stop, 0, 0, PROPERTY},
  {"step", slice_step, 0, 0, PROPERTY}, {0},
};
/* clang-format on */
#undef U
#undef AUTO
#undef SLOT
#undef PROPERTY

void asy_init_range_types(VM *vm) {
  memset(&slice_cache, 0, sizeof slice_cache);
  slice_cache.vm = vm;
  asy_def_natives(vm, vm->types.range, NULL, range_methods);
  asy_def_natives(vm, vm->types.slice, NULL, slice_methods);
}
