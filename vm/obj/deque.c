/*
** deque.c — collections.deque (see deque.h).
*/
#include "vm/obj/deque.h"
#include "vm/gc.h"
#include "vm/obj/func.h"
#include "vm/obj/list.h"

#define SELF_DEQUE(meth) ASY_SELF(OBJ_DEQUE, meth, "collections.deque")
#define DQ ((ObjDeque *)AS_OBJ(args[0]))

static Value *slot(ObjDeque *d, size_t i) { return &d->items[(d->head + i) % d->cap]; }

static void grow(VM *vm, ObjDeque *d) {
  size_t cap = d->cap ? d->cap * 2 : 8;
  Value *items = ASY_ALLOC(vm, Value, cap);
  for (size_t i = 0; i < d->size; i++) items[i] = *slot(d, i);
  if (d->items) ASY_FREE(vm, Value, d->items, d->cap);
  d->items = items;
  d->cap = cap;
  d->head = 0;
}

static Value pop_right(ObjDeque *d) {
  Value v = *slot(d, d->size - 1);
  d->size--;
  d->state++;
  return v;
}

static Value pop_left(ObjDeque *d) {
  Value v = d->items[d->head];
  d->head = (d->head + 1) % d->cap;
  d->size--;
  d->state++;
  return v;
}

static void push_right(VM *vm, ObjDeque *d, Value v) {
  if (d->maxlen == 0) return;
  if (d->maxlen > 0 && (int64_t)d->size == d->maxlen) pop_left(d);
  if (d->size == d->cap) grow(vm, d);
  *slot(d, d->size) = v;
  d->size++;
  d->state++;
}

static void push_left(VM *vm, ObjDeque *d, Value v) {
  if (d->maxlen == 0) return;
  if (d->maxlen > 0 && (int64_t)d->size == d->maxlen) pop_right(d);
  if (d->size == d->cap) grow(vm, d);
  d->head = (d->head + d->cap - 1) % d->cap;
  d->items[d->head] = v;
  d->size++;
  d->state++;
}

static Value dq_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  ObjDeque *d = (ObjDeque *)asy_alloc_obj(vm, sizeof(ObjDeque), OBJ_DEQUE, AS_CLASS(args[0]));
  d->maxlen = -1;
  return OBJ_VAL(d);
}

/* Feed each item of iterable to push (right or left). */
static bool extend(VM *vm, ObjDeque *d, Value iterable, bool left) {
  if (IS_OBJ(iterable) && AS_OBJ(iterable) == (Obj *)d) { /* d.extend(d): a snapshot */
    iterable = OBJ_VAL(asy_list_new(vm, d->size));
    for (size_t i = 0; i < d->size; i++) asy_list_append(vm, AS_LIST(iterable), *slot(d, i));
  }
  asy_push_root(vm, iterable);
  Value it = asy_iter(vm, iterable);
  if (IS_EXC(it)) return false;
  asy_push_root(vm, it);
  for (;;) {
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) return false;
    if (IS_UNDEF(v)) return true;
    if (left) push_left(vm, d, v);
    else push_right(vm, d, v);
  }
}

static Value dq_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_DEQUE("__init__");
  static const char *const names[] = {"iterable", "maxlen"};
  Value v[2];
  if (!asy_kwargs(vm, "deque", argc - 1, args + 1, kw, names, 2, 0, 0, v)) return EXC_VAL;
  ObjDeque *d = DQ;
  d->maxlen = -1;
  if (!IS_UNDEF(v[1]) && !IS_NONE(v[1])) {
    if (!IS_INT(v[1])) return asy_raise(vm, vm->exc.TypeError, "an integer is required");
    if (AS_INT(v[1]) < 0) return asy_raise(vm, vm->exc.ValueError, "maxlen must be non-negative");
    d->maxlen = AS_INT(v[1]);
  }
  d->size = 0;
  d->state++;
  if (!IS_UNDEF(v[0]) && !extend(vm, d, v[0], false)) return EXC_VAL;
  return NONE_VAL;
}

static Value dq_append(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("append");
  push_right(vm, DQ, args[1]);
  return NONE_VAL;
}

static Value dq_appendleft(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("appendleft");
  push_left(vm, DQ, args[1]);
  return NONE_VAL;
}

static Value dq_pop(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("pop");
  if (!DQ->size) return asy_raise(vm, vm->exc.IndexError, "pop from an empty deque");
  return pop_right(DQ);
}

static Value dq_popleft(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("popleft");
  if (!DQ->size) return asy_raise(vm, vm->exc.IndexError, "pop from an empty deque");
  return pop_left(DQ);
}

static Value dq_extend(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("extend");
  return extend(vm, DQ, args[1], false) ? NONE_VAL : EXC_VAL;
}

static Value dq_extendleft(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("extendleft");
  return extend(vm, DQ, args[1], true) ? NONE_VAL : EXC_VAL;
}

static Value dq_clear(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("clear");
  DQ->size = 0;
  DQ->head = 0;
  DQ->state++;
  return NONE_VAL;
}

/* Compare x with the items in order (an __eq__ that mutates d raises `mutated`,
** RuntimeError but for remove(), as CPython): the index of the first equal one (-1:
** none), or with count_all how many are equal; -2 on error. */
static int64_t match_items(VM *vm, ObjDeque *d, Value x, bool count_all, ObjClass *mutated) {
  uint64_t state = d->state;
  int64_t n = 0;
  for (size_t i = 0; i < d->size; i++) {
    int eq = asy_equal(vm, *slot(d, i), x);
    if (eq < 0) return -2;
    if (d->state != state) {
      asy_raise(vm, mutated, "deque mutated during iteration");
      return -2;
    }
    if (eq && !count_all) return (int64_t)i;
    n += eq;
  }
  return count_all ? n : -1;
}

static int64_t find(VM *vm, ObjDeque *d, Value x, ObjClass *mutated) {
  return match_items(vm, d, x, false, mutated);
}

/* Remove item k, closing the gap from the nearer end: removing the first waiter
** (asyncio's case) is O(1). */
static void remove_at(ObjDeque *d, size_t k) {
  if (k < d->size / 2) {
    for (size_t j = k; j > 0; j--) *slot(d, j) = *slot(d, j - 1);
    pop_left(d);
  } else {
    for (size_t j = k; j + 1 < d->size; j++) *slot(d, j) = *slot(d, j + 1);
    pop_right(d);
  }
}

static Value dq_remove(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("remove");
  ObjDeque *d = DQ;
  int64_t i = find(vm, d, args[1], vm->exc.IndexError);
  if (i == -2) return EXC_VAL;
  if (i < 0) {
    Value r = asy_repr(vm, args[1]);
    if (IS_EXC(r)) return r;
    return asy_raise(vm, vm->exc.ValueError, "%s is not in deque", AS_STR(r)->chars);
  }
  remove_at(d, (size_t)i);
  return NONE_VAL;
}

static Value dq_count(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("count");
  int64_t n = match_items(vm, DQ, args[1], true, vm->exc.RuntimeError);
  return n < 0 ? EXC_VAL : INT_VAL(n);
}

static Value dq_contains(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__contains__");
  int64_t i = find(vm, DQ, args[1], vm->exc.RuntimeError);
  return i == -2 ? EXC_VAL : BOOL_VAL(i >= 0);
}

static Value dq_rotate(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("rotate");
  ObjDeque *d = DQ;
  int64_t n = 1;
  if (argc > 1 && !asy_index(vm, args[1], &n)) return EXC_VAL;
  if (d->size <= 1) return NONE_VAL;
  int64_t len = (int64_t)d->size;
  n %= len;
  if (n < 0) n += len;
  for (int64_t i = 0; i < n; i++) push_left(vm, d, pop_right(d));
  return NONE_VAL;
}

static Value dq_len(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__len__");
  return INT_VAL((int64_t)DQ->size);
}

static bool index_of(VM *vm, ObjDeque *d, Value key, size_t *out) {
  int64_t i;
  if (!asy_index(vm, key, &i)) return false;
  if (i < 0) i += (int64_t)d->size;
  if (i < 0 || i >= (int64_t)d->size) {
    asy_raise(vm, vm->exc.IndexError, "deque index out of range");
    return false;
  }
  *out = (size_t)i;
  return true;
}

static Value dq_getitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__getitem__");
  size_t i;
  return index_of(vm, DQ, args[1], &i) ? *slot(DQ, i) : EXC_VAL;
}

static Value dq_setitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__setitem__");
  size_t i;
  if (!index_of(vm, DQ, args[1], &i)) return EXC_VAL;
  *slot(DQ, i) = args[2];
  return NONE_VAL;
}

static Value as_list(VM *vm, ObjDeque *d) {
  ObjList *l = asy_list_new(vm, d->size);
  for (size_t i = 0; i < d->size; i++) asy_list_append(vm, l, *slot(d, i));
  return OBJ_VAL(l);
}

static Value dq_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__repr__");
  Value l = as_list(vm, DQ);
  asy_push_root(vm, l);
  Value r = asy_repr(vm, l);
  if (IS_EXC(r)) return r;
  const char *name = DQ->obj.cls->name->chars;
  if (DQ->maxlen >= 0)
    return OBJ_VAL(
        asy_str_printf(vm, "%s(%s, maxlen=%lld)", name, AS_STR(r)->chars, (long long)DQ->maxlen));
  return OBJ_VAL(asy_str_printf(vm, "%s(%s)", name, AS_STR(r)->chars));
}

static Value dq_copy(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("copy");
  ObjDeque *d = (ObjDeque *)asy_alloc_obj(vm, sizeof(ObjDeque), OBJ_DEQUE, DQ->obj.cls);
  d->maxlen = DQ->maxlen;
  for (size_t i = 0; i < DQ->size; i++) push_right(vm, d, *slot(DQ, i));
  return OBJ_VAL(d);
}

static Value dq_reverse(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("reverse");
  ObjDeque *d = DQ;
  for (size_t i = 0, j = d->size; i + 1 < j; i++, j--) {
    Value t = *slot(d, i);
    *slot(d, i) = *slot(d, j - 1);
    *slot(d, j - 1) = t;
  }
  d->state++;
  return NONE_VAL;
}

/* A start/stop argument of index(): clamped into 0..size as CPython's deque does. */
static bool clamp_index(VM *vm, Value v, size_t size, int64_t *out) {
  int64_t i;
  if (!asy_index(vm, v, &i)) return false;
  if (i < 0) i += (int64_t)size;
  if (i < 0) i = 0;
  if (i > (int64_t)size) i = (int64_t)size;
  *out = i;
  return true;
}

static Value dq_index(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("index");
  ObjDeque *d = DQ;
  int64_t start = 0, stop = (int64_t)d->size;
  if (argc > 2 && !clamp_index(vm, args[2], d->size, &start)) return EXC_VAL;
  if (argc > 3 && !clamp_index(vm, args[3], d->size, &stop)) return EXC_VAL;
  uint64_t state = d->state;
  for (int64_t i = start; i < stop && i < (int64_t)d->size; i++) {
    int eq = asy_equal(vm, *slot(d, (size_t)i), args[1]);
    if (eq < 0) return EXC_VAL;
    if (d->state != state)
      return asy_raise(vm, vm->exc.RuntimeError, "deque mutated during iteration");
    if (eq) return INT_VAL(i);
  }
  Value r = asy_repr(vm, args[1]);
  if (IS_EXC(r)) return r;
  return asy_raise(vm, vm->exc.ValueError, "%s is not in deque", AS_STR(r)->chars);
}

static Value dq_insert(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("insert");
  ObjDeque *d = DQ;
  int64_t i;
  if (!asy_index(vm, args[1], &i)) return EXC_VAL;
  if (d->maxlen >= 0 && (int64_t)d->size >= d->maxlen)
    return asy_raise(vm, vm->exc.IndexError, "deque already at its maximum size");
  if (i < 0) i += (int64_t)d->size;
  if (i < 0) i = 0;
  if (i > (int64_t)d->size) i = (int64_t)d->size;
  push_right(vm, d, args[2]);
  for (size_t j = d->size - 1; j > (size_t)i; j--) *slot(d, j) = *slot(d, j - 1);
  *slot(d, (size_t)i) = args[2];
  return NONE_VAL;
}

static Value dq_delitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__delitem__");
  size_t i;
  if (!index_of(vm, DQ, args[1], &i)) return EXC_VAL;
  remove_at(DQ, i);
  return NONE_VAL;
}

static Value dq_iadd(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__iadd__");
  return extend(vm, DQ, args[1], false) ? args[0] : EXC_VAL;
}

/* A new deque of d's class and maxlen holding d's items `times` times. */
static Value repeated(VM *vm, ObjDeque *src, int64_t times) {
  ObjDeque *d = (ObjDeque *)asy_alloc_obj(vm, sizeof(ObjDeque), OBJ_DEQUE, src->obj.cls);
  d->maxlen = src->maxlen;
  for (int64_t t = 0; t < times; t++)
    for (size_t i = 0; i < src->size; i++) push_right(vm, d, *slot(src, i));
  return OBJ_VAL(d);
}

static Value dq_add(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__add__");
  if (!IS_OBJ_TYPE(args[1], OBJ_DEQUE))
    return asy_raise(vm, vm->exc.TypeError, "can only concatenate deque (not \"%s\") to deque",
                     asy_type_name(vm, args[1]));
  Value r = repeated(vm, DQ, 1);
  asy_push_root(vm, r);
  ObjDeque *b = (ObjDeque *)AS_OBJ(args[1]);
  for (size_t i = 0; i < b->size; i++) push_right(vm, (ObjDeque *)AS_OBJ(r), *slot(b, i));
  return r;
}

static Value dq_mul(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__mul__");
  if (!IS_INT(args[1])) return vm->notimplemented;
  int64_t n = AS_INT(args[1]);
  return repeated(vm, DQ, n < 0 ? 0 : n);
}

static Value dq_imul(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__imul__");
  if (!IS_INT(args[1])) return vm->notimplemented;
  ObjDeque *d = DQ;
  int64_t n = AS_INT(args[1]);
  if (n <= 0) {
    while (d->size) pop_right(d);
    return args[0];
  }
  Value items = as_list(vm, d); /* a snapshot: a bounded deque drops from the left */
  asy_push_root(vm, items);
  ObjList *l = AS_LIST(items);
  for (int64_t t = 1; t < n; t++)
    for (size_t i = 0; i < l->size; i++) push_right(vm, d, l->items[i]);
  return args[0];
}

/* Ordering compares the items as lists do. */
static Value compare(VM *vm, Value *args, int op) {
  if (!IS_OBJ_TYPE(args[1], OBJ_DEQUE)) return vm->notimplemented;
  Value a = as_list(vm, DQ);
  asy_push_root(vm, a);
  Value b = as_list(vm, (ObjDeque *)AS_OBJ(args[1]));
  asy_push_root(vm, b);
  return asy_compare(vm, op, a, b);
}

#define DQ_COMPARE(fname, meth, op)                                  \
  static Value fname(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)kw;                                                        \
    SELF_DEQUE(meth);                                                \
    return compare(vm, args, op);                                    \
  }
DQ_COMPARE(dq_lt, "__lt__", CMP_LT)
DQ_COMPARE(dq_le, "__le__", CMP_LE)
DQ_COMPARE(dq_gt, "__gt__", CMP_GT)
DQ_COMPARE(dq_ge, "__ge__", CMP_GE)

static Value dq_maxlen(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("maxlen");
  return DQ->maxlen < 0 ? NONE_VAL : INT_VAL(DQ->maxlen);
}

/* Iterators: a = the deque, i = the next index (from the right when reversed),
** n = the deque's state when iteration began. */
static Value iter_step(VM *vm, ObjIter *it, bool reversed) {
  ObjDeque *d = (ObjDeque *)AS_OBJ(it->a);
  if ((uint64_t)it->n != d->state) {
    it->i = INT64_MAX;
    return asy_raise(vm, vm->exc.RuntimeError, "deque mutated during iteration");
  }
  if (it->i >= (int64_t)d->size) return UNDEF_VAL;
  size_t i = (size_t)it->i++;
  return *slot(d, reversed ? d->size - 1 - i : i);
}
static Value iter_next(VM *vm, ObjIter *it) { return iter_step(vm, it, false); }
static Value iter_prev(VM *vm, ObjIter *it) { return iter_step(vm, it, true); }

static Value make_iter(VM *vm, Value deque, bool reversed) {
  ObjIter *it = asy_iter_new(vm, reversed ? iter_prev : iter_next, deque, NONE_VAL, NONE_VAL);
  it->n = (int64_t)((ObjDeque *)AS_OBJ(deque))->state;
  return OBJ_VAL(it);
}

static Value dq_iter(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__iter__");
  return make_iter(vm, args[0], false);
}

static Value dq_reversed(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__reversed__");
  return make_iter(vm, args[0], true);
}

static Value dq_eq(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_DEQUE("__eq__");
  if (!IS_OBJ_TYPE(args[1], OBJ_DEQUE)) return vm->notimplemented;
  ObjDeque *a = DQ, *b = (ObjDeque *)AS_OBJ(args[1]);
  if (a->size != b->size) return FALSE_VAL;
  for (size_t i = 0; i < a->size; i++) {
    int eq = asy_equal(vm, *slot(a, i), *slot(b, i));
    if (eq <= 0) return eq < 0 ? EXC_VAL : FALSE_VAL;
  }
  return TRUE_VAL;
}

/* clang-format off */
#define A ASY_ARGS_AUTO
#define S ASY_ARGS_SLOT
static const AsyMethodDef deque_methods[] = {
  {"__new__", dq_new, ASY_UNCHECKED | ASY_DEF_STATIC}, {"__init__", dq_init, ASY_UNCHECKED},
  {"append", dq_append, 1, 1, A}, {"appendleft", dq_appendleft, 1, 1, A},
  {"pop", dq_pop, 0, 0, A}, {"popleft", dq_popleft, 0, 0, A},
  {"extend", dq_extend, 1, 1, A}, {"extendleft", dq_extendleft, 1, 1, A},
  {"clear", dq_clear, 0, 0, A}, {"remove", dq_remove, 1, 1, A}, {"count", dq_count, 1, 1, A},
  {"rotate", dq_rotate, 0, 1, A}, {"copy", dq_copy, 0, 0, A},
  {"reverse", dq_reverse, 0, 0, A}, {"index", dq_index, 1, 3, A}, {"insert", dq_insert, 2, 2, A},
  {"__delitem__", dq_delitem, 1, 1, S}, {"__iadd__", dq_iadd, 1, 1, S},
  {"__add__", dq_add, 1, 1, S}, {"__mul__", dq_mul, 1, 1, S}, {"__rmul__", dq_mul, 1, 1, S},
  {"__imul__", dq_imul, 1, 1, S}, {"__lt__", dq_lt, 1, 1, S}, {"__le__", dq_le, 1, 1, S},
  {"__gt__", dq_gt, 1, 1, S}, {"__ge__", dq_ge, 1, 1, S},
  {"__len__", dq_len, 0, 0, S}, {"__contains__", dq_contains, 1, 1, S},
  {"__getitem__", dq_getitem, 1, 1, S}, {"__setitem__", dq_setitem, 2, 2, S},
  {"__iter__", dq_iter, 0, 0, S}, {"__reversed__", dq_reversed, 0, 0, A},
  {"__repr__", dq_repr, 0, 0, S}, {"__eq__", dq_eq, 1, 1, S}, {"__copy__", dq_copy, 0, 0, A},
  {"maxlen", dq_maxlen, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {0},
};
#undef A
#undef S
/* clang-format on */

void asy_deque_init(VM *vm, ObjDict *d) {
  ObjClass *c = vm->types.deque;
  asy_class_set_c_name(vm, c, "collections");
  /* The object protocol's built-in fast paths switch on the layouts they know; a deque
  ** is reached through its methods, as instances of classes defined in Asy are. */
  c->flags &= ~CLASS_BUILTIN;
  asy_def_natives(vm, c, NULL, deque_methods);
  asy_dict_set_str(vm, c->dict, vm->names.hash, NONE_VAL); /* unhashable, as a list */
  asy_def_value(vm, d, "deque", OBJ_VAL(c));
}
