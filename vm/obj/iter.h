/*
** iter.h — the built-in iterators and the dict views (iter.c), beyond vm.h's
** asy_iter_new: one constructor per container kind, the views' set operations, and
** their reprs.
*/
#ifndef ASY_ITER_H
#define ASY_ITER_H

#include "vm/vm.h"

/* Iterators over the built-in containers. */
Value asy_list_iter(VM *vm, Value list);
Value asy_tuple_iter(VM *vm, Value tuple);
Value asy_dict_iter(VM *vm, ObjDict *d, int kind); /* 0 keys, 1 values, 2 items */
Value asy_set_iter(VM *vm, ObjSet *s);
Value asy_range_iter(VM *vm, ObjRange *r);
/* The next functions of list and range iterators: FOR_ITER recognises them and takes
** their common step (below) inline. */
Value asy_list_iter_next(VM *vm, ObjIter *it);
Value asy_range_iter_next(VM *vm, ObjIter *it);
/* A list or range iterator's next item into *v when it has one (false at the end, or a
** list iterator already exhausted: the next function handles those). */
static inline bool asy_list_iter_step(ObjIter *it, Value *v) {
  if (!IS_LIST(it->a) || it->i < 0 || (size_t)it->i >= AS_LIST(it->a)->size) return false;
  *v = AS_LIST(it->a)->items[it->i++];
  return true;
}
static inline bool asy_range_iter_step(ObjIter *it, Value *v) {
  if (it->i >= it->n) return false;
  /* start + i*step cannot overflow: it is an element of the range. */
  *v = INT_VAL((int64_t)((__int128)AS_INT(it->a) + (__int128)it->i * it->step));
  it->i++;
  return true;
}
Value asy_seq_iter(VM *vm, Value obj); /* __getitem__-based sequence iterator */
/* reversed(list): an iterator walking the indices down. */
Value asy_list_reversed_iter(VM *vm, Value list);
/* repr `<list_iterator object at 0x…>`. */
Value asy_iter_repr(VM *vm, ObjIter *it);

/* A keys (kind 0), values (1) or items (2) view of d. */
Value asy_dictview_new(VM *vm, ObjDict *d, int kind);
/* Dict view helpers for protocol.c (len, `in`, set operators on keys/items views). */
int64_t asy_dictview_len(ObjDictView *v);
int asy_dictview_contains(VM *vm, ObjDictView *v, Value item);
Value asy_dictview_binary(VM *vm, int op, Value a, Value b);
Value asy_dictview_compare(VM *vm, int op, Value a, Value b);
/* repr `dict_keys(['a'])`. */
Value asy_dictview_repr(VM *vm, ObjDictView *v);

/* Fill the iterator and dict view classes (called by asy_init_object_types). */
void asy_init_iter_types(VM *vm);

#endif
