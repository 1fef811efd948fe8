/*
** tuple.h — tuple operations beyond vm.h's asy_tuple_new/asy_tuple_from.
*/
#ifndef ASY_TUPLE_H
#define ASY_TUPLE_H

#include "vm/vm.h"

/* tuple(iterable) as a new tuple value (the same tuple for an exact tuple), or EXC_VAL. */
Value asy_tuple_from_iterable(VM *vm, Value iterable);
/* repr `(1, 2)` / `(1,)` / `()` with the recursion guard. */
Value asy_tuple_repr(VM *vm, Value tuple);
/* CPython's xxHash-based tuple hash (cached); false with TypeError if an item is
** unhashable. */
bool asy_tuple_hash(VM *vm, ObjTuple *t, int64_t *out);
/* tuple[key]: index or slice, CPython's messages. */
Value asy_tuple_getitem(VM *vm, ObjTuple *t, Value key);

/* Fill the tuple class (called by asy_init_container_types). */
void asy_init_tuple_type(VM *vm);

#endif
