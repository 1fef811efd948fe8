/*
** range.h — range and slice objects beyond vm.h's constructors (range.c): lazy range
** arithmetic, slice resolution against a length, and their reprs, hashes and
** comparisons.
*/
#ifndef ASY_RANGE_H
#define ASY_RANGE_H

#include "vm/vm.h"

/* Resolve a slice against a sequence length (PySlice_Unpack + AdjustIndices): false
** with TypeError/ValueError pending on bad indices; *slicelen is the item count. */
bool asy_slice_indices(VM *vm, ObjSlice *s, int64_t length, int64_t *start, int64_t *stop,
                       int64_t *step, int64_t *slicelen);

/* PySlice_AdjustIndices: clamp unpacked bounds (step != 0) to a length; the item count. */
static inline int64_t asy_slice_adjust(int64_t length, int64_t *start, int64_t *stop,
                                       int64_t step) {
  if (*start < 0) {
    *start += length;
    if (*start < 0) *start = step < 0 ? -1 : 0;
  } else if (*start >= length) {
    *start = step < 0 ? length - 1 : length;
  }
  if (*stop < 0) {
    *stop += length;
    if (*stop < 0) *stop = step < 0 ? -1 : 0;
  } else if (*stop >= length) {
    *stop = step < 0 ? length - 1 : length;
  }
  if (step < 0) return *stop < *start ? (*start - *stop - 1) / (-step) + 1 : 0;
  return *start < *stop ? (*stop - *start - 1) / step + 1 : 0;
}

/* asy_slice_indices, inline for the usual slice: bounds that are small ints or None
** (list and str slicing in loops). */
__attribute__((always_inline)) static inline bool asy_slice_resolve(VM *vm, ObjSlice *s,
                                                                    int64_t length, int64_t *start,
                                                                    int64_t *stop, int64_t *step,
                                                                    int64_t *slicelen) {
  Value a = s->start, b = s->stop, c = s->step;
  if ((IS_INTLIKE(a) || IS_NONE(a)) && (IS_INTLIKE(b) || IS_NONE(b)) &&
      (IS_NONE(c) || (IS_INTLIKE(c) && AS_INTLIKE(c) != 0 && AS_INTLIKE(c) != INT64_MIN))) {
    int64_t st = IS_NONE(c) ? 1 : AS_INTLIKE(c);
    *step = st;
    *start = IS_NONE(a) ? (st < 0 ? INT64_MAX : 0) : AS_INTLIKE(a);
    *stop = IS_NONE(b) ? (st < 0 ? INT64_MIN : INT64_MAX) : AS_INTLIKE(b);
    *slicelen = asy_slice_adjust(length, start, stop, st);
    return true;
  }
  return asy_slice_indices(vm, s, length, start, stop, step, slicelen);
}
/* Normalise an index for a sequence of `length` (negative counts from the end); false
** if out of range (no exception). */
bool asy_seq_index(int64_t length, int64_t *i);

/* len(r) (computed in 128 bits, clamped to INT64_MAX). */
int64_t asy_range_len(ObjRange *r);
/* r[key]: an int index or a slice (a new range), CPython's messages. */
Value asy_range_getitem(VM *vm, ObjRange *r, Value key);
/* `v in r`: 1, 0, -1 (arithmetic for ints, equality scan for anything else). */
int asy_range_contains(VM *vm, ObjRange *r, Value v);
/* Rich comparison (== and != compare the sequences; the others NotImplemented). */
Value asy_range_compare(VM *vm, int op, ObjRange *a, ObjRange *b);
/* CPython's range hash: that of (len, start, step), with None for the start of an empty
** range and the step of a range of at most one item; *ok false on error. */
int64_t asy_range_hash(VM *vm, ObjRange *r, bool *ok);
/* repr `range(0, 5)` / `range(0, 5, 2)`. */
Value asy_range_repr(VM *vm, ObjRange *r);

/* hash(slice) as CPython 3.12+ (the tuple hash lanes over start, stop, step); false
** with TypeError if one is unhashable. */
bool asy_slice_hash(VM *vm, ObjSlice *s, int64_t *out);
/* Rich comparison of slices as (start, stop, step) tuples. */
Value asy_slice_compare(VM *vm, int op, ObjSlice *a, ObjSlice *b);
/* repr `slice(1, None, None)`. */
Value asy_slice_repr(VM *vm, ObjSlice *s);

/* Fill the range and slice classes (called by asy_init_object_types). */
void asy_init_range_types(VM *vm);

#endif
