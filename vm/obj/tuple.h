/*
** tuple.h — tuple operations beyond vm.h's asy_tuple_new/asy_tuple_from.
*/
#ifndef ASY_TUPLE_H
#define ASY_TUPLE_H

#include "vm/vm.h"

/* The most items a tuple holds: its count is the header's 32-bit word (object.h). The
** constructors below raise MemoryError beyond it (CPython's limit is memory itself);
** asy_tuple_new/asy_tuple_from (vm.h), for sizes the VM bounds, abort rather than wrap. */
#define ASY_TUPLE_MAX ((size_t)UINT32_MAX)

/* Does a tuple of class cls carry a __dict__ slot after its items? Only instances of user
** subclasses of tuple (no CLASS_BUILTIN), and every one of them: the collector reads the
** class to find the slot (gc.c), so a tuple gets a user class only where it is allocated
** (asy_tuple_try_new) and never changes class across that line. */
static inline bool asy_tuple_has_attrs(const ObjClass *cls) {
  return !(cls->flags & CLASS_BUILTIN);
}
/* The bytes a tuple of `size` items occupies, with or without the __dict__ slot. */
static inline size_t asy_tuple_obj_size(size_t size, bool attrs) {
  return sizeof(ObjTuple) + size * sizeof(Value) + (attrs ? sizeof(ObjDict *) : 0);
}
/* The __dict__ slot (NULL until used) of a tuple whose class asy_tuple_has_attrs. */
static inline ObjDict **asy_tuple_attrs(ObjTuple *t) { return (ObjDict **)(t->items + t->size); }

/* A new tuple of class cls (tuple or a subclass) holding `size` Nones, or NULL with
** MemoryError raised when that many cannot be made: for sizes a program chose
** (tuple(it), t + u, t * n, f(*args)) and for every instance of a subclass. */
ObjTuple *asy_tuple_try_new(VM *vm, ObjClass *cls, size_t size);
/* asy_tuple_try_new holding a copy of items[0..size). */
ObjTuple *asy_tuple_try_from(VM *vm, ObjClass *cls, size_t size, const Value *items);
/* tuple(iterable) as a new tuple value (the same tuple for an exact tuple), or EXC_VAL. */
Value asy_tuple_from_iterable(VM *vm, Value iterable);
/* repr `(1, 2)` / `(1,)` / `()` with the recursion guard. */
Value asy_tuple_repr(VM *vm, Value tuple);
/* CPython's xxHash-based tuple hash (computed at each call, as CPython's); false with
** TypeError if an item is unhashable. */
bool asy_tuple_hash(VM *vm, ObjTuple *t, int64_t *out);
/* tuple[key]: index or slice, CPython's messages. */
Value asy_tuple_getitem(VM *vm, ObjTuple *t, Value key);

/* Fill the tuple class (called by asy_init_container_types). */
void asy_init_tuple_type(VM *vm);

#endif
