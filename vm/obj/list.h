/*
** list.h — list operations shared with the rest of the runtime (sorted(), the
** interpreter's LIST_EXTEND, unpacking) beyond vm.h's asy_list_new/append.
*/
#ifndef ASY_LIST_H
#define ASY_LIST_H

#include "vm/vm.h"

/* Sort in place, stable; key may be NONE_VAL/UNDEF for identity. Returns None or
** EXC_VAL (ValueError "list modified during sort" if the list changed meanwhile). */
Value asy_list_sort(VM *vm, ObjList *list, Value key, bool reverse);
/* Give back the slots pop(0) stepped over (ObjList.front): after it the buffer starts at
** items, as anything that reallocates, frees or hands over the buffer expects. */
void asy_list_settle(ObjList *l);
/* list(iterable) as a new list value, or EXC_VAL. */
Value asy_list_from_iterable(VM *vm, Value iterable);
/* list.extend(iterable): false with an exception pending. */
bool asy_list_extend(VM *vm, ObjList *list, Value iterable);
/* repr `[1, 2]` with the recursion guard. */
Value asy_list_repr(VM *vm, Value list);
/* list[key] / list[key] = v / del list[key] (index or slice), CPython's messages. */
Value asy_list_getitem(VM *vm, ObjList *list, Value key);
bool asy_list_setitem(VM *vm, ObjList *list, Value key, Value value);
bool asy_list_delitem(VM *vm, ObjList *list, Value key);
/* list[start:stop] and list[start:stop] = value (bounds: ints, None or __index__ objects)
** without a slice object, for BINARY_SLICE / STORE_SLICE on an exact list. */
Value asy_list_get_slice(VM *vm, ObjList *list, Value start, Value stop);
bool asy_list_set_slice(VM *vm, ObjList *list, Value start, Value stop, Value value);
/* Insert at a normalised position 0..size. */
void asy_list_insert(VM *vm, ObjList *list, size_t at, Value v);
/* A new list holding items[0..n). */
ObjList *asy_list_from(VM *vm, size_t n, const Value *items);
/* Sequence helpers shared by list and tuple: lexicographic rich comparison of two
** item arrays (CPython's list_richcompare), and `item in items`. */
Value asy_seq_compare(VM *vm, int op, const Value *a, size_t na, const Value *b, size_t nb);
int asy_seq_contains(VM *vm, const Value *items, size_t n, Value item);
/* Room for `need` items (an empty list: exactly; else growing by halves, or exactly when
** that is what fits): false with MemoryError raised when memory is short.
** asy_list_append cannot fail; growth the program drives (append, extend, repetition)
** reserves first. */
bool asy_list_reserve(VM *vm, ObjList *l, size_t need);
/* Repetition helper: n copies of items[0..len) into a fresh buffer target. */
void asy_list_repeat_into(Value *dst, const Value *src, size_t len, size_t times);

/* Fill the list class (called by asy_init_container_types). */
void asy_init_list_type(VM *vm);
/* Fill list, tuple, dict, set and frozenset (vm_new's init hook for the containers). */
void asy_init_container_types(VM *vm);

#endif
