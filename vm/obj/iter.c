/*
** iter.c — the built-in iterators (one ObjIter layout, a `next` function per kind) and
** the dict views.
**
** ObjIter slots by kind: a = the container, i = position; dict/set iterators also keep
** n = the size seen at the start (CPython's "changed size during iteration" check) and
** step = the dict view kind. An exhausted iterator drops its container (a = None) so
** that it stays exhausted even if the container grows, as CPython's do.
*/
#include <string.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/obj/dict.h"
#include "vm/obj/func.h"
#include "vm/obj/iter.h"
#include "vm/obj/list.h"
#include "vm/obj/protocol.h"
#include "vm/obj/range.h"
#include "vm/obj/set.h"
#include "vm/obj/tuple.h"

/* The Python-visible classes of the built-in iterators (type(iter([])) is
** list_iterator); subclasses of `iterator`, in vm->iter_classes (a GC root). */
/* clang-format off */
enum { IK_LIST, IK_LISTREV, IK_TUPLE, IK_RANGE, IK_SET, IK_DICTKEY, IK_DICTVALUE, IK_DICTITEM,
       IK_DICTREVKEY, IK_SEQ, IK_COUNT };
/* clang-format on */
/* clang-format off */
static const char *const iter_class_names[IK_COUNT] = {
  "list_iterator", "list_reverseiterator", "tuple_iterator", "range_iterator", "set_iterator",
  "dict_keyiterator", "dict_valueiterator", "dict_itemiterator", "dict_reversekeyiterator", "iterator"};
_Static_assert(IK_COUNT == sizeof ((VM *)0)->iter_classes / sizeof(ObjClass *),
               "vm.h's iter_classes has one slot per iterator kind");

static ObjIter *iter_of(VM *vm, int kind, IterNextFn next, Value a) {
  ObjIter *it = asy_iter_new(vm, next, a, UNDEF_VAL, UNDEF_VAL);
  if (vm->iter_classes[kind]) it->obj.cls = vm->iter_classes[kind];
  return it;
}
/* clang-format on */

ObjIter *asy_iter_new(VM *vm, IterNextFn next, Value a, Value b, Value c) {
  ObjIter *it = (ObjIter *)asy_alloc_obj(vm, sizeof(ObjIter), OBJ_ITER, vm->types.iterator);
  it->next = next;
  it->a = a;
  it->b = b;
  it->c = c;
  return it;
}

static Value exhausted(ObjIter *it) {
  it->a = NONE_VAL;
  return UNDEF_VAL;
}

/* ---- sequences ------------------------------------------------------------------- */

Value asy_list_iter_next(VM *vm, ObjIter *it) {
  (void)vm;
  Value v;
  if (asy_list_iter_step(it, &v)) return v;
  return IS_LIST(it->a) ? exhausted(it) : UNDEF_VAL;
}

Value asy_list_iter(VM *vm, Value list) {
  return OBJ_VAL(iter_of(vm, IK_LIST, asy_list_iter_next, list));
}

static Value list_rev_next(VM *vm, ObjIter *it) {
  (void)vm;
  if (!IS_LIST(it->a)) return UNDEF_VAL;
  ObjList *l = AS_LIST(it->a);
  if (it->i < 0 || (size_t)it->i >= l->size) return exhausted(it);
  return l->items[it->i--];
}

/* reversed(list) (list.__reversed__). */
Value asy_list_reversed_iter(VM *vm, Value list) {
  ObjIter *it = iter_of(vm, IK_LISTREV, list_rev_next, list);
  it->i = (int64_t)AS_LIST(list)->size - 1;
  return OBJ_VAL(it);
}

static Value tuple_next(VM *vm, ObjIter *it) {
  (void)vm;
  if (!IS_TUPLE(it->a)) return UNDEF_VAL;
  ObjTuple *t = AS_TUPLE(it->a);
  if ((size_t)it->i >= t->size) return exhausted(it);
  return t->items[it->i++];
}

Value asy_tuple_iter(VM *vm, Value tuple) {
  return OBJ_VAL(iter_of(vm, IK_TUPLE, tuple_next, tuple));
}

Value asy_range_iter_next(VM *vm, ObjIter *it) {
  (void)vm;
  Value v;
  return asy_range_iter_step(it, &v) ? v : UNDEF_VAL;
}

Value asy_range_iter(VM *vm, ObjRange *r) {
  ObjIter *it = iter_of(vm, IK_RANGE, asy_range_iter_next, INT_VAL(r->start));
  it->n = asy_range_len(r);
  it->step = r->step;
  return OBJ_VAL(it);
}

/* The old sequence protocol: obj[0], obj[1], … until IndexError/StopIteration. */
static Value seq_next(VM *vm, ObjIter *it) {
  if (IS_NONE(it->a) || IS_UNDEF(it->a)) return UNDEF_VAL;
  Value v = asy_getitem(vm, it->a, INT_VAL(it->i));
  if (IS_EXC(v)) {
    if (asy_pending_is(vm, vm->exc.IndexError) || asy_pending_is(vm, vm->exc.StopIteration)) {
      asy_clear_pending(vm);
      return exhausted(it);
    }
    return v;
  }
  it->i++;
  return v;
}

Value asy_seq_iter(VM *vm, Value obj) { return OBJ_VAL(iter_of(vm, IK_SEQ, seq_next, obj)); }

/* ---- dicts and sets -------------------------------------------------------------- */

static Value dict_next(VM *vm, ObjIter *it) {
  if (!IS_DICT(it->a)) return UNDEF_VAL;
  ObjDict *d = AS_DICT(it->a);
  if (it->n != (int64_t)d->count) {
    it->n = -1; /* keep failing, as CPython */
    return asy_raise(vm, vm->exc.RuntimeError, "dictionary changed size during iteration");
  }
  int kind = (int)it->step;
  if (kind == 3) { /* reversed keys */
    while (it->i >= 0) {
      Value key = it->i < (int64_t)d->used ? asy_dict_key(d, (size_t)it->i) : UNDEF_VAL;
      it->i--;
      if (!IS_UNDEF(key)) return key;
    }
    return exhausted(it);
  }
  while ((size_t)it->i < d->used) {
    size_t ix = (size_t)it->i++;
    Value key = asy_dict_key(d, ix);
    if (IS_UNDEF(key)) continue;
    /* c counts the entries still expected: one found beyond them means keys were
    ** deleted and added (same size), which CPython reports. */
    if (AS_INT(it->c) <= 0) {
      exhausted(it);
      return asy_raise(vm, vm->exc.RuntimeError, "dictionary keys changed during iteration");
    }
    it->c = INT_VAL(AS_INT(it->c) - 1);
    if (kind == 0) return key;
    if (kind == 1) return d->entries[ix].value;
    Value pair[2] = {key, d->entries[ix].value};
    return OBJ_VAL(asy_tuple_from(vm, 2, pair));
  }
  return exhausted(it);
}

Value asy_dict_iter(VM *vm, ObjDict *d, int kind) {
  ObjIter *it = iter_of(vm, kind == 3 ? IK_DICTREVKEY : IK_DICTKEY + kind, dict_next, OBJ_VAL(d));
  it->n = (int64_t)d->count;
  it->c = INT_VAL((int64_t)d->count);
  it->step = kind;
  if (kind == 3) it->i = (int64_t)d->used - 1;
  return OBJ_VAL(it);
}

static Value set_next(VM *vm, ObjIter *it) {
  if (!IS_SET(it->a)) return UNDEF_VAL;
  ObjSet *s = AS_SET(it->a);
  if (it->n != (int64_t)s->used) {
    it->n = -1;
    return asy_raise(vm, vm->exc.RuntimeError, "Set changed size during iteration");
  }
  size_t pos = (size_t)it->i;
  Value k;
  if (!asy_set_next(s, &pos, &k, NULL)) return exhausted(it);
  it->i = (int64_t)pos;
  return k;
}

Value asy_set_iter(VM *vm, ObjSet *s) {
  ObjIter *it = iter_of(vm, IK_SET, set_next, OBJ_VAL(s));
  it->n = (int64_t)s->used;
  return OBJ_VAL(it);
}

/* ---- the iterator class ------------------------------------------------------------ */

static const char *iter_kind_name(ObjIter *it) {
  if (it->next == asy_list_iter_next) return "list_iterator";
  if (it->next == list_rev_next) return "list_reverseiterator";
  if (it->next == tuple_next) return "tuple_iterator";
  if (it->next == asy_range_iter_next) return "range_iterator";
  if (it->next == set_next) return "set_iterator";
  if (it->next == dict_next) {
    switch (it->step) {
    case 0: return "dict_keyiterator";
    case 1: return "dict_valueiterator";
    case 2: return "dict_itemiterator";
    default: return "dict_reversekeyiterator";
    }
  }
  return NULL;
}

Value asy_iter_repr(VM *vm, ObjIter *it) {
  const char *name = iter_kind_name(it);
  if (!name) name = it->obj.cls->name->chars;
  return OBJ_VAL(asy_str_printf(vm, "<%s object at %p>", name, (void *)it));
}

static Value iter_iter_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_ITER, "__iter__", "iterator");
  (void)kw;
  return args[0];
}

static Value iter_next_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_ITER, "__next__", "iterator");
  (void)kw;
  ObjIter *it = AS_ITER(args[0]);
  Value v = it->next(vm, it);
  if (IS_UNDEF(v)) return asy_raise_value(vm, OBJ_VAL(vm->exc.StopIteration));
  return v;
}

static Value iter_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_ITER, "__repr__", "iterator");
  (void)kw;
  return asy_iter_repr(vm, AS_ITER(args[0]));
}

/* ---- dict views ------------------------------------------------------------------ */

Value asy_dictview_new(VM *vm, ObjDict *d, int kind) {
  ObjClass *cls = kind == 0   ? vm->types.dict_keys
                  : kind == 1 ? vm->types.dict_values
                              : vm->types.dict_items;
  ObjDictView *v = (ObjDictView *)asy_alloc_obj(vm, sizeof(ObjDictView), OBJ_DICTVIEW, cls);
  v->dict = d;
  v->kind = kind;
  return OBJ_VAL(v);
}

int64_t asy_dictview_len(ObjDictView *v) { return (int64_t)v->dict->count; }

int asy_dictview_contains(VM *vm, ObjDictView *v, Value item) {
  ObjDict *d = v->dict;
  if (v->kind == 0) {
    Value r = asy_dict_get(vm, d, item);
    if (IS_EXC(r)) return -1;
    return !IS_UNDEF(r);
  }
  if (v->kind == 2) {
    if (!IS_TUPLE(item) || AS_TUPLE(item)->size != 2) return 0;
    Value r = asy_dict_get(vm, d, AS_TUPLE(item)->items[0]);
    if (IS_EXC(r)) return -1;
    if (IS_UNDEF(r)) return 0;
    asy_push_root(vm, r);
    return asy_equal(vm, r, AS_TUPLE(item)->items[1]);
  }
  for (size_t i = 0; i < d->used; i++) {
    if (IS_UNDEF(asy_dict_key(d, i))) continue;
    Value value = d->entries[i].value;
    asy_push_root(vm, value);
    int eq = asy_equal(vm, value, item);
    if (eq != 0) return eq;
  }
  return 0;
}

static bool is_setlike_view(Value v) {
  return IS_OBJ_TYPE(v, OBJ_DICTVIEW) && ((ObjDictView *)AS_OBJ(v))->kind != 1;
}

/* set(view) (from the dict directly for keys views). */
static Value view_to_set(VM *vm, Value v) {
  if (IS_OBJ_TYPE(v, OBJ_DICTVIEW) && ((ObjDictView *)AS_OBJ(v))->kind == 0)
    return asy_set_from_iterable(vm, vm->types.set, OBJ_VAL(((ObjDictView *)AS_OBJ(v))->dict));
  return asy_set_from_iterable(vm, vm->types.set, v);
}

/* Membership in `container` of each item asy_for_each passes: the members are collected
** into `found` when it is not NULL, else the scan stops at the first item whose
** membership is `stop_if`. */
typedef struct {
  Value container;
  bool stop_if;
  ObjSet *found;
} MemberScan;

static int member_step(VM *vm, void *ctx, Value item) {
  MemberScan *m = ctx;
  int in = asy_contains(vm, m->container, item);
  if (in < 0) return -1;
  if (m->found) return !in || asy_set_add(vm, m->found, item) ? 1 : -1;
  return in != m->stop_if;
}

static Value view_intersect(VM *vm, Value self, Value other) {
  if (!is_setlike_view(self)) {
    Value t = self;
    self = other;
    other = t;
  }
  int64_t len_self = asy_dictview_len((ObjDictView *)AS_OBJ(self));
  if (IS_SET(other) && AS_OBJ(other)->cls == vm->types.set &&
      len_self <= (int64_t)AS_SET(other)->used)
    return asy_set_binary(vm, BINOP_AND, other, view_to_set(vm, self), false);
  if (is_setlike_view(other) && asy_dictview_len((ObjDictView *)AS_OBJ(other)) > len_self) {
    Value t = self;
    self = other;
    other = t;
  }
  ObjSet *result = asy_set_new(vm, vm->types.set);
  MemberScan m = {self, false, result};
  if (asy_for_each(vm, other, member_step, &m) < 0) return EXC_VAL;
  return OBJ_VAL(result);
}

Value asy_dictview_binary(VM *vm, int op, Value a, Value b) {
  if (!is_setlike_view(a) && !is_setlike_view(b)) return vm->notimplemented;
  if (op == BINOP_AND) return view_intersect(vm, a, b);
  if (op != BINOP_OR && op != BINOP_SUBTRACT && op != BINOP_XOR) return vm->notimplemented;
  Value r = view_to_set(vm, a);
  if (IS_EXC(r)) return r;
  Value o = b;
  if (!IS_SET(o)) {
    o = asy_set_from_iterable(vm, vm->types.set, b);
    if (IS_EXC(o)) return o;
  }
  return asy_set_binary(vm, op, r, o, true);
}

/* Every item of a (iterated) is in b. */
static int all_contained_in(VM *vm, Value a, Value b) {
  MemberScan m = {b, false, NULL};
  return asy_for_each(vm, a, member_step, &m);
}

Value asy_dictview_compare(VM *vm, int op, Value a, Value b) {
  if (!is_setlike_view(a) || !(IS_SET(b) || is_setlike_view(b))) return vm->notimplemented;
  int64_t la = asy_len(vm, a), lb = asy_len(vm, b);
  if (la < 0 || lb < 0) return EXC_VAL;
  int r = 0;
  switch (op) {
  case CMP_EQ:
  case CMP_NE:
    r = la == lb ? all_contained_in(vm, a, b) : 0;
    if (r < 0) return EXC_VAL;
    return BOOL_VAL(op == CMP_EQ ? r : !r);
  case CMP_LT: r = la < lb ? all_contained_in(vm, a, b) : 0; break;
  case CMP_LE: r = la <= lb ? all_contained_in(vm, a, b) : 0; break;
  case CMP_GT: r = la > lb ? all_contained_in(vm, b, a) : 0; break;
  default: r = la >= lb ? all_contained_in(vm, b, a) : 0; break;
  }
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

Value asy_dictview_repr(VM *vm, ObjDictView *v) {
  const char *name = v->obj.cls->name->chars;
  if (asy_repr_enter(vm, (Obj *)v)) return STR_VAL(vm, "...");
  Value l = asy_list_from_iterable(vm, OBJ_VAL(v));
  Value r = IS_EXC(l) ? l : asy_list_repr(vm, l);
  asy_repr_leave(vm, (Obj *)v);
  if (IS_EXC(r)) return r;
  return OBJ_VAL(asy_str_printf(vm, "%s(%s)", name, AS_STR(r)->chars));
}

#define SELF_VIEW(meth) ASY_SELF(OBJ_DICTVIEW, meth, "dict_keys")

static Value view_len_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_VIEW("__len__");
  (void)kw;
  return INT_VAL(asy_dictview_len((ObjDictView *)AS_OBJ(args[0])));
}

static Value view_iter_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_VIEW("__iter__");
  (void)kw;
  ObjDictView *v = (ObjDictView *)AS_OBJ(args[0]);
  return asy_dict_iter(vm, v->dict, v->kind);
}

static Value view_reversed_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_VIEW("__reversed__");
  (void)kw;
  ObjDictView *v = (ObjDictView *)AS_OBJ(args[0]);
  if (v->kind == 0) return asy_dict_iter(vm, v->dict, 3);
  /* values/items: materialise in reverse (rare). */
  Value l = asy_list_from_iterable(vm, args[0]);
  if (IS_EXC(l)) return l;
  return asy_list_reversed_iter(vm, l);
}

static Value view_contains_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_VIEW("__contains__");
  if (!asy_args(vm, "__contains__", argc - 1, kw, 1, 1)) return EXC_VAL;
  int r = asy_dictview_contains(vm, (ObjDictView *)AS_OBJ(args[0]), args[1]);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value view_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_VIEW("__repr__");
  (void)kw;
  return asy_dictview_repr(vm, (ObjDictView *)AS_OBJ(args[0]));
}

static Value view_isdisjoint_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_VIEW("isdisjoint");
  if (!asy_args(vm, "isdisjoint", argc - 1, kw, 1, 1)) return EXC_VAL;
  MemberScan m = {args[0], true, NULL};
  int r = asy_for_each(vm, args[1], member_step, &m);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

void asy_init_iter_types(VM *vm) {
  ObjClass *it = vm->types.iterator;
  asy_def_method(vm, it, "__iter__", iter_iter_m);
  asy_def_method(vm, it, "__next__", iter_next_m);
  asy_def_method(vm, it, "__repr__", iter_repr_m);
  int saved_flags = it->flags;
  it->flags &= ~CLASS_FINAL; /* `iterator` is final for scripts, not for these */
  for (int i = 0; i < IK_COUNT; i++) {
    if (i == IK_SEQ) {
      vm->iter_classes[i] = it;
      continue;
    }
    ObjClass *c =
        asy_class_new(vm, asy_str_intern(vm, iter_class_names[i], strlen(iter_class_names[i])), it,
                      asy_dict_new(vm));
    c->module = OBJ_VAL(vm->names.builtins);
    asy_dict_set_str(vm, c->dict, vm->names.module, c->module);
    c->flags |= CLASS_BUILTIN | CLASS_FINAL;
    vm->iter_classes[i] = c;
  }
  it->flags = saved_flags;
  ObjClass *views[3] = {vm->types.dict_keys, vm->types.dict_values, vm->types.dict_items};
  for (int i = 0; i < 3; i++) {
    asy_def_method(vm, views[i], "__len__", view_len_m);
    asy_def_method(vm, views[i], "__iter__", view_iter_m);
    asy_def_method(vm, views[i], "__reversed__", view_reversed_m);
    asy_def_method(vm, views[i], "__contains__", view_contains_m);
    asy_def_method(vm, views[i], "__repr__", view_repr_m);
    if (i != 1) {
      asy_def_method(vm, views[i], "isdisjoint", view_isdisjoint_m);
      asy_dict_set_str(vm, views[i]->dict, vm->names.hash, NONE_VAL);
    }
  }
}
