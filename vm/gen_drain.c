/*
** gen_drain.c — the decisions and the collection of a generator drained by CALL
** (gen_drain.h); the frame handling is the loop's (interp.c).
*/
#include "vm/gen_drain.h"
#include "vm/obj/tuple.h"

int asy_drain_mode(VM *vm, Value callable, Value arg) {
  if (!IS_OBJ_TYPE(arg, OBJ_GEN)) return -1;
  ObjGen *g = AS_GEN(arg);
  if (g->kind != GEN_GENERATOR || (g->state != GEN_CREATED && g->state != GEN_SUSPENDED))
    return -1;
  ObjClass *cls = AS_CLASS(callable);
  if (cls == vm->types.list) return DRAIN_LIST;
  if (cls == vm->types.tuple) return DRAIN_TUPLE;
  if (cls == vm->types.set) return DRAIN_SET;
  if (cls == vm->types.frozenset) return DRAIN_FROZENSET;
  return -1;
}

Value asy_drain_collection(VM *vm, int mode) {
  switch (mode & 3) {
  case DRAIN_SET: return OBJ_VAL(asy_set_new(vm, vm->types.set));
  case DRAIN_FROZENSET: return OBJ_VAL(asy_set_new(vm, vm->types.frozenset));
  default: return OBJ_VAL(asy_list_new(vm, 0));
  }
}

/* An immediate or an exact str: hashing and comparing it run no user code. */
static inline bool plain_scalar(VM *vm, Value v) {
  return !IS_OBJ(v) || (OBJ_TYPE(v) == OBJ_STR && AS_OBJ(v)->cls == vm->types.str);
}

bool asy_drain_plain_key(VM *vm, Value v) {
  if (plain_scalar(vm, v)) return true;
  if (OBJ_TYPE(v) != OBJ_TUPLE || AS_OBJ(v)->cls != vm->types.tuple) return false;
  ObjTuple *t = AS_TUPLE(v);
  for (size_t i = 0; i < t->size; i++)
    if (!plain_scalar(vm, t->items[i])) return false;
  return true;
}

Value asy_drain_result(VM *vm, int mode, Value collection) {
  if ((mode & 3) != DRAIN_TUPLE) return collection;
  ObjList *l = AS_LIST(collection);
  ObjTuple *t = asy_tuple_try_from(vm, vm->types.tuple, l->size, l->items);
  return t ? OBJ_VAL(t) : EXC_VAL;
}
