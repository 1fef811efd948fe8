/*
** set.h — set and frozenset operations beyond vm.h's asy_set_new/asy_set_add.
**
** The table is CPython's setobject.c (open addressing, LINEAR_PROBES then perturbation,
** the same sizes and growth, dummies reused on insertion) so that iteration order,
** which printing a set exposes, matches CPython's for ints, strs and tuples.
*/
#ifndef ASY_SET_H
#define ASY_SET_H

#include "vm/vm.h"

/* `key in s`: 1, 0, -1 (an unhashable set key is looked up as a frozenset). */
int asy_set_contains(VM *vm, ObjSet *s, Value key);
/* Remove key if present: 1 removed, 0 absent, -1 error. */
int asy_set_discard(VM *vm, ObjSet *s, Value key);
/* Does adding one more key leave s's table as it is? Then asy_set_add of a key whose hash
** and equality are C's alone cannot fail (nothing allocates). */
bool asy_set_add_cannot_grow(const ObjSet *s);
/* Add every item of an iterable (fast paths for sets and dicts). */
bool asy_set_update(VM *vm, ObjSet *s, Value iterable);
/* Iterate: *pos starts at 0; false at the end. */
bool asy_set_next(ObjSet *s, size_t *pos, Value *key, int64_t *hash);
/* A new set/frozenset of class cls holding the items of an iterable (NULL for empty). */
Value asy_set_from_iterable(VM *vm, ObjClass *cls, Value iterable);
/* repr `{1, 2}` / `set()` / `frozenset({1})` with the recursion guard. */
Value asy_set_repr(VM *vm, Value s);
/* frozenset hash as CPython. */
int64_t asy_frozenset_hash(ObjSet *s);
/* Operators between two sets (| & - ^, in place or not); NotImplemented if b is not a
** set. Rich comparisons (subset order). */
Value asy_set_binary(VM *vm, int op, Value a, Value b, bool inplace);
Value asy_set_compare(VM *vm, int op, ObjSet *a, ObjSet *b);

/* Fill the set and frozenset classes (called by asy_init_container_types). */
void asy_init_set_types(VM *vm);

#endif
