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
