/*
** tuple.c — the tuple type: construction, CPython's hash, indexing, methods.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/dict.h"
#include "vm/obj/func.h"
#include "vm/obj/iter.h"
#include "vm/obj/list.h"
#include "vm/obj/protocol.h"
#include "vm/obj/range.h"
#include "vm/obj/str.h"
#include "vm/obj/tuple.h"

/* A fresh zeroed block as a tuple of `size` Nones (its __dict__ slot, if any, stays NULL). */
static ObjTuple *tuple_init(ObjTuple *t, size_t size) {
  t->size = (uint32_t)size; /* callers keep to ASY_TUPLE_MAX */
  for (size_t i = 0; i < size; i++) t->items[i] = NONE_VAL;
  return t;
}

ObjTuple *asy_tuple_new(VM *vm, size_t size) {
  if (size > ASY_TUPLE_MAX) { /* the header's 32-bit count; a wrapped one would be worse */
    fputs("asy: tuple too large\n", stderr);
    abort();
  }
  Obj *o = asy_alloc_obj(vm, asy_tuple_obj_size(size, false), OBJ_TUPLE, vm->types.tuple);
  return tuple_init((ObjTuple *)o, size);
}

ObjTuple *asy_tuple_try_new(VM *vm, ObjClass *cls, size_t size) {
  if (size > ASY_TUPLE_MAX || asy_alloc_too_big(size, sizeof(Value)))
    return asy_memory_error(vm), NULL;
  Obj *o =
      asy_try_alloc_obj(vm, asy_tuple_obj_size(size, asy_tuple_has_attrs(cls)), OBJ_TUPLE, cls);
  if (!o) return asy_memory_error(vm), NULL;
  return tuple_init((ObjTuple *)o, size);
}

ObjTuple *asy_tuple_try_from(VM *vm, ObjClass *cls, size_t size, const Value *items) {
  ObjTuple *t = asy_tuple_try_new(vm, cls, size);
  if (t && size) memcpy(t->items, items, size * sizeof(Value));
  return t;
}

ObjTuple *asy_tuple_from(VM *vm, size_t size, const Value *items) {
  ObjTuple *t = asy_tuple_new(vm, size);
  if (size) memcpy(t->items, items, size * sizeof(Value));
  return t;
}

/* tuple(iterable) as a new tuple of class cls: exact lists and tuples are copied, anything
** else iterated (a subclass may define __iter__, as CPython's PySequence_Tuple knows). */
static Value tuple_from_iterable_cls(VM *vm, ObjClass *cls, Value iterable) {
  ObjClass *c = IS_OBJ(iterable) ? AS_OBJ(iterable)->cls : NULL;
  Value l = iterable;
  if (c != vm->types.list && c != vm->types.tuple) {
    l = asy_list_from_iterable(vm, iterable);
    if (IS_EXC(l)) return l;
  }
  ObjTuple *t = c == vm->types.tuple
                    ? asy_tuple_try_from(vm, cls, AS_TUPLE(l)->size, AS_TUPLE(l)->items)
                    : asy_tuple_try_from(vm, cls, AS_LIST(l)->size, AS_LIST(l)->items);
  return t ? OBJ_VAL(t) : EXC_VAL;
}

Value asy_tuple_from_iterable(VM *vm, Value iterable) {
  if (IS_OBJ(iterable) && AS_OBJ(iterable)->cls == vm->types.tuple) return iterable;
  return tuple_from_iterable_cls(vm, vm->types.tuple, iterable);
}

Value asy_tuple_repr(VM *vm, Value tv) {
  ObjTuple *t = AS_TUPLE(tv);
  if (t->size == 0) return STR_VAL(vm, "()");
  if (asy_repr_enter(vm, AS_OBJ(tv))) return STR_VAL(vm, "(...)");
  AsyBuf b;
  asy_buf_init(&b, vm);
  asy_buf_put(&b, "(", 1);
  for (size_t i = 0; i < t->size; i++) {
    if (i) asy_buf_put(&b, ", ", 2);
    if (!asy_buf_repr(vm, &b, t->items[i])) {
      asy_repr_leave(vm, AS_OBJ(tv));
      asy_buf_free(&b);
      return EXC_VAL;
    }
  }
  if (t->size == 1) asy_buf_put(&b, ",", 1);
  asy_buf_put(&b, ")", 1);
  asy_repr_leave(vm, AS_OBJ(tv));
  return OBJ_VAL(asy_buf_to_str(&b));
}

/* CPython's tuplehash (xxHash-style lanes), 64-bit constants. */
#define XXPRIME_1 11400714785074694791ULL
#define XXPRIME_2 14029467366897019727ULL
#define XXPRIME_5 2870177450012600261ULL
#define XXROTATE(x) (((x) << 31) | ((x) >> 33))

bool asy_tuple_hash(VM *vm, ObjTuple *t, int64_t *out) {
  uint64_t acc = XXPRIME_5;
  for (size_t i = 0; i < t->size; i++) {
    int64_t h;
    if (!asy_hash(vm, t->items[i], &h)) return false;
    acc += (uint64_t)h * XXPRIME_2;
    acc = XXROTATE(acc);
    acc *= XXPRIME_1;
  }
  acc += (uint64_t)t->size ^ (XXPRIME_5 ^ 3527539ULL);
  if (acc == (uint64_t)-1) acc = 1546275796;
  *out = (int64_t)acc;
  return true;
}

Value asy_tuple_getitem(VM *vm, ObjTuple *t, Value key) {
  int64_t i;
  if (IS_INTLIKE(key)) {
    i = AS_INTLIKE(key);
  } else if (IS_OBJ_TYPE(key, OBJ_SLICE)) {
    int64_t start, stop, step, n;
    if (!asy_slice_resolve(vm, (ObjSlice *)AS_OBJ(key), (int64_t)t->size, &start, &stop, &step, &n))
      return EXC_VAL;
    if (step == 1 && n == (int64_t)t->size && t->obj.cls == vm->types.tuple) return OBJ_VAL(t);
    ObjTuple *r = asy_tuple_new(vm, (size_t)(n > 0 ? n : 0));
    for (int64_t j = 0; j < n; j++) r->items[j] = t->items[start + j * step];
    return OBJ_VAL(r);
  } else if (IS_OBJ(key) && !IS_STR(key) &&
             !IS_UNDEF(asy_class_lookup(AS_OBJ(key)->cls, vm->names.index))) {
    if (!asy_index_or(vm, key, &i, vm->exc.IndexError)) return EXC_VAL;
  } else {
    return asy_raise(vm, vm->exc.TypeError, "tuple indices must be integers or slices, not %s",
                     asy_type_name(vm, key));
  }
  if (!asy_seq_index((int64_t)t->size, &i))
    return asy_raise(vm, vm->exc.IndexError, "tuple index out of range");
  return t->items[i];
}

/* ---- methods ------------------------------------------------------------------- */

static Value tuple_new_(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjClass *cls = asy_new_subtype(vm, argc, args, vm->types.tuple);
  if (!cls) return EXC_VAL;
  if (kw && kw->count && cls == vm->types.tuple)
    return asy_raise(vm, vm->exc.TypeError, "tuple() takes no keyword arguments");
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError, "tuple expected at most 1 argument, got %d", argc - 1);
  if (argc == 1) {
    ObjTuple *t = asy_tuple_try_new(vm, cls, 0);
    return t ? OBJ_VAL(t) : EXC_VAL;
  }
  if (cls == vm->types.tuple) return asy_tuple_from_iterable(vm, args[1]);
  return tuple_from_iterable_cls(vm, cls, args[1]);
}

static Value tuple_index(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjTuple *t = AS_TUPLE(args[0]);
  int64_t n = (int64_t)t->size, bounds[2] = {0, n};
  for (int k = 0; k < 2 && argc > 2 + k; k++) {
    int64_t i;
    Value v = args[2 + k];
    /* CPython converts these bounds as slice indices (_PyEval_SliceIndexNotNone). */
    if (!IS_INTLIKE(v) &&
        (!IS_OBJ(v) || IS_STR(v) || IS_UNDEF(asy_class_lookup(AS_OBJ(v)->cls, vm->names.index))))
      return asy_raise(vm, vm->exc.TypeError,
                       "slice indices must be integers or have an __index__ method");
    if (!asy_index(vm, v, &i)) return EXC_VAL;
    if (i < 0) {
      i += n;
      if (i < 0) i = 0;
    }
    if (i > n) i = n;
    bounds[k] = i;
  }
  for (int64_t i = bounds[0]; i < bounds[1]; i++) {
    int eq = asy_equal(vm, t->items[i], args[1]);
    if (eq < 0) return EXC_VAL;
    if (eq) return INT_VAL(i);
  }
  return asy_raise(vm, vm->exc.ValueError, "tuple.index(x): x not in tuple");
}

static Value tuple_count(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjTuple *t = AS_TUPLE(args[0]);
  int64_t c = 0;
  for (size_t i = 0; i < t->size; i++) {
    int eq = asy_equal(vm, t->items[i], args[1]);
    if (eq < 0) return EXC_VAL;
    c += eq;
  }
  return INT_VAL(c);
}

static Value tuple_getitem_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_tuple_getitem(vm, AS_TUPLE(args[0]), args[1]);
}

static Value tuple_len_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL((int64_t)AS_TUPLE(args[0])->size);
}

static Value tuple_contains_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjTuple *t = AS_TUPLE(args[0]);
  int r = asy_seq_contains(vm, t->items, t->size, args[1]);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value tuple_iter_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_tuple_iter(vm, args[0]);
}

static Value tuple_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_tuple_repr(vm, args[0]);
}

static Value tuple_hash_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  int64_t h;
  if (!asy_tuple_hash(vm, AS_TUPLE(args[0]), &h)) return EXC_VAL;
  return INT_VAL(h);
}

#define SLOT ASY_ARGS_SLOT
/* clang-format off */
static const AsyMethodDef tuple_methods[] = {
  {"__new__", tuple_new_, ASY_UNCHECKED}, {"index", tuple_index, 1, 3, ASY_ARGS_AUTO},
  {"count", tuple_count, 1, 1, ASY_ARGS_AUTO}, {"__getitem__", tuple_getitem_m, 1, 1, SLOT},
  {"__len__", tuple_len_m, 0, 0, SLOT}, {"__contains__", tuple_contains_m, 1, 1, SLOT},
  {"__iter__", tuple_iter_m, 0, 0, SLOT}, {"__repr__", tuple_repr_m, 0, 0, SLOT},
  {"__hash__", tuple_hash_m, 0, 0, SLOT}, {0},
};
/* clang-format on */
#undef SLOT

void asy_init_tuple_type(VM *vm) {
  ObjClass *c = vm->types.tuple;
  asy_def_natives(vm, c, NULL, tuple_methods);
}
