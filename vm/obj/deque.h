/*
** deque.h — collections.deque: a ring buffer of values, O(1) at both ends, with
** CPython's methods and errors (asyncio's waiter queues are deques).
*/
#ifndef ASY_OBJ_DEQUE_H
#define ASY_OBJ_DEQUE_H

#include "vm/vm.h"

typedef struct ObjDeque {
  Obj obj;
  Value *items; /* ring of `cap` slots; the first item at `head` */
  size_t head, size, cap;
  int64_t maxlen; /* -1: unbounded */
  uint64_t state; /* changes with every mutation, for the iterators' check */
} ObjDeque;

/* Install the deque type into module dict d (`_collections`). */
void asy_deque_init(VM *vm, ObjDict *d);

#endif
