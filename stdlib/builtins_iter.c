/*
** builtins_iter.c — the builtins that consume or produce iterators: enumerate, zip, map,
** filter, reversed, iter, next, sorted, min, max, sum, any, all.
**
** enumerate/zip/map/filter/reversed are classes (as in CPython, so isinstance and
** type() work); their instances are ObjIter objects whose `next` function does the
** work, with the state in the iterator's a/b/c/i slots:
**   enumerate  a = source iterator, i = next index
**   zip        a = tuple of iterators, i = strict flag
**   map        a = function, b = tuple of iterators
**   filter     a = predicate (None: truthiness), b = source iterator
**   reversed   a = sequence, i = next index (counting down); for dicts also n = size
**   callable_iterator  a = callable (UNDEF once exhausted), b = sentinel
*/
#include <math.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "vm/gc.h"
#include "vm/gen_drain.h"
#include "vm/obj/bigint.h"
#include "vm/opcodes.h"

#include "vm/obj/list.h"
#include "vm/obj/reduce.h"

enum { IC_ENUMERATE, IC_ZIP, IC_MAP, IC_FILTER, IC_REVERSED, IC_CALLABLE, IC_LIST_REVERSED };

static ObjIter *new_iter(VM *vm, int kind, IterNextFn next, Value a, Value b, Value c) {
  ObjIter *it = asy_iter_new(vm, next, a, b, c);
  ObjClass *cls = vm->stdlib->iter_classes[kind];
  if (cls) it->obj.cls = cls;
  return it;
}

/* True if v can be passed to next(): a built-in iterator or a class with __next__. */
static bool is_iterator(VM *vm, Value v) {
  if (IS_OBJ_TYPE(v, OBJ_ITER)) return true;
  return !IS_UNDEF(asy_class_lookup(asy_class_of(vm, v), vm->names.next));
}

/* ---- enumerate ------------------------------------------------------------------------ */

static Value enumerate_next(VM *vm, ObjIter *it) {
  Value v = asy_next(vm, it->a);
  if (IS_UNDEF(v) || IS_EXC(v)) return v;
  /* it->n is set once the count is past INT64_MAX: then it->b holds it, a big int. */
  Value items[2] = {it->n ? it->b : INT_VAL(it->i), v};
  if (it->n) {
    asy_push_root(vm, v);
    asy_push_root(vm, it->b); /* items[0]: no longer the iterator's once it moves on */
    Value next = asy_bigint_binary(vm, BINOP_ADD, it->b, INT_VAL(1));
    if (IS_EXC(next)) return next;
    it->b = next;
  } else if (it->i == INT64_MAX) {
    it->n = 1;
    asy_push_root(vm, v);
    it->b = asy_bigint_binary(vm, BINOP_ADD, INT_VAL(it->i), INT_VAL(1));
  } else {
    it->i++;
  }
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

static Value enumerate_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  /* args[0] is the class. Not Argument Clinic: its own messages. */
  argc--;
  args++;
  Value a[2] = {UNDEF_VAL, UNDEF_VAL};
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError, "enumerate() takes at most 2 arguments (%d given)",
                     argc + (int)(kw ? kw->count : 0));
  for (int i = 0; i < argc; i++) a[i] = args[i];
  if (kw) {
    for (size_t i = 0; i < kw->used; i++) {
      DictEntry *e = &kw->entries[i];
      Value name = asy_dict_key(kw, i);
      if (IS_UNDEF(name)) continue;
      const char *k = IS_STR(name) ? AS_STR(name)->chars : "";
      int idx = strcmp(k, "iterable") == 0 ? 0 : strcmp(k, "start") == 0 ? 1 : -1;
      if (idx < 0 || idx < argc)
        return asy_raise(vm, vm->exc.TypeError,
                         "'%s' is an invalid keyword argument for enumerate()", k);
      a[idx] = e->value;
    }
  }
  if (IS_UNDEF(a[0]))
    return asy_raise(vm, vm->exc.TypeError, "enumerate() missing required argument 'iterable'");
  int64_t start = 0;
  Value big_start = IS_BIGINT(a[1]) ? a[1] : UNDEF_VAL;
  if (!IS_UNDEF(a[1]) && IS_UNDEF(big_start) && !asy_index(vm, a[1], &start)) return EXC_VAL;
  Value src = asy_iter(vm, a[0]);
  if (IS_EXC(src)) return src;
  ObjIter *it = new_iter(vm, IC_ENUMERATE, enumerate_next, src, big_start, UNDEF_VAL);
  it->i = start;
  it->n = IS_UNDEF(big_start) ? 0 : 1;
  return OBJ_VAL(it);
}

/* ---- zip -------------------------------------------------------------------------------- */

static Value zip_strict_error(VM *vm, size_t i, bool shorter) {
  if (i == 1)
    return asy_raise(vm, vm->exc.ValueError, "zip() argument 2 is %s than argument 1",
                     shorter ? "shorter" : "longer");
  return asy_raise(vm, vm->exc.ValueError, "zip() argument %zu is %s than arguments 1-%zu", i + 1,
                   shorter ? "shorter" : "longer", i);
}

static Value zip_next(VM *vm, ObjIter *it) {
  ObjTuple *its = AS_TUPLE(it->a);
  size_t n = its->size;
  if (n == 0) return UNDEF_VAL;
  ObjTuple *res = asy_tuple_new(vm, n);
  for (size_t i = 0; i < n; i++) {
    Value v = asy_next(vm, its->items[i]);
    if (IS_EXC(v)) return v;
    if (IS_UNDEF(v)) {
      if (!it->i) return UNDEF_VAL;
      if (i > 0) return zip_strict_error(vm, i, true);
      for (size_t j = 1; j < n; j++) {
        Value w = asy_next(vm, its->items[j]);
        if (IS_EXC(w)) return w;
        if (!IS_UNDEF(w)) return zip_strict_error(vm, j, false);
      }
      return UNDEF_VAL;
    }
    res->items[i] = v;
  }
  return OBJ_VAL(res);
}

static Value zip_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  argc--;
  args++;
  static const char *const names[] = {"strict"};
  Value strict = UNDEF_VAL;
  if (!asy_std_kwargs(vm, "zip", kw, names, 1, &strict, 0)) return EXC_VAL;
  int flag = 0;
  if (!IS_UNDEF(strict)) {
    flag = asy_truthy(vm, strict);
    if (flag < 0) return EXC_VAL;
  }
  ObjTuple *its = asy_tuple_new(vm, (size_t)argc);
  for (int i = 0; i < argc; i++) {
    Value v = asy_iter(vm, args[i]);
    if (IS_EXC(v)) return v;
    its->items[i] = v;
  }
  ObjIter *it = new_iter(vm, IC_ZIP, zip_next, OBJ_VAL(its), UNDEF_VAL, UNDEF_VAL);
  it->i = flag;
  return OBJ_VAL(it);
}

/* ---- map ---------------------------------------------------------------------------------- */

static Value map_next(VM *vm, ObjIter *it) {
  ObjTuple *its = AS_TUPLE(it->b);
  size_t n = its->size;
  Value small[8];
  Value *argv = small;
  ObjTuple *holder = NULL;
  if (n > 8) {
    holder = asy_tuple_new(vm, n); /* keeps the arguments rooted */
    argv = holder->items;
  }
  for (size_t i = 0; i < n; i++) {
    Value v = asy_next(vm, its->items[i]);
    if (IS_UNDEF(v) || IS_EXC(v)) return v;
    argv[i] = v;
    if (!holder) asy_push_root(vm, v);
  }
  return asy_call(vm, it->a, (int)n, argv, NULL);
}

static Value map_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  argc--;
  args++;
  if (!asy_no_kw(vm, "map", kw)) return EXC_VAL;
  if (argc < 2) return asy_raise(vm, vm->exc.TypeError, "map() must have at least two arguments.");
  ObjTuple *its = asy_tuple_new(vm, (size_t)argc - 1);
  for (int i = 1; i < argc; i++) {
    Value v = asy_iter(vm, args[i]);
    if (IS_EXC(v)) return v;
    its->items[i - 1] = v;
  }
  return OBJ_VAL(new_iter(vm, IC_MAP, map_next, args[0], OBJ_VAL(its), UNDEF_VAL));
}

/* ---- filter -------------------------------------------------------------------------------- */

static Value filter_next(VM *vm, ObjIter *it) {
  for (;;) {
    Value v = asy_next(vm, it->b);
    if (IS_UNDEF(v) || IS_EXC(v)) return v;
    int t;
    if (IS_NONE(it->a) || asy_same(it->a, OBJ_VAL(vm->types.bool_))) {
      t = asy_truthy(vm, v);
    } else {
      asy_push_root(vm, v);
      Value r = asy_call(vm, it->a, 1, &v, NULL);
      if (IS_EXC(r)) return r;
      t = asy_truthy(vm, r);
    }
    if (t < 0) return EXC_VAL;
    if (t) return v;
  }
}

static Value filter_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  argc--;
  args++;
  if (!asy_no_kw(vm, "filter", kw) || !asy_arg_count(vm, "filter", argc, 2, 2)) return EXC_VAL;
  Value src = asy_iter(vm, args[1]);
  if (IS_EXC(src)) return src;
  return OBJ_VAL(new_iter(vm, IC_FILTER, filter_next, args[0], src, UNDEF_VAL));
}

/* ---- reversed ------------------------------------------------------------------------------- */

static Value reversed_seq_next(VM *vm, ObjIter *it) {
  if (it->i < 0) return UNDEF_VAL;
  Value seq = it->a;
  if (IS_LIST(seq)) {
    ObjList *l = AS_LIST(seq);
    if (it->i >= (int64_t)l->size) {
      it->i = -1;
      return UNDEF_VAL;
    }
    return l->items[it->i--];
  }
  if (IS_TUPLE(seq)) return AS_TUPLE(seq)->items[it->i--];
  Value v = asy_getitem(vm, seq, INT_VAL(it->i));
  if (IS_EXC(v)) {
    if (asy_pending_is(vm, vm->exc.IndexError) || asy_pending_is(vm, vm->exc.StopIteration)) {
      asy_clear_pending(vm);
      it->i = -1;
      return UNDEF_VAL;
    }
    return v;
  }
  it->i--;
  return v;
}

static Value reversed_dict_next(VM *vm, ObjIter *it) {
  ObjDict *d = AS_DICT(it->a);
  if ((int64_t)d->count != it->n) {
    it->n = -1;
    return asy_raise(vm, vm->exc.RuntimeError, "dictionary changed size during iteration");
  }
  while (it->i >= 0) {
    if (it->i >= (int64_t)d->used) {
      it->i--;
      continue;
    }
    size_t ix = (size_t)it->i--;
    Value key = asy_dict_key(d, ix);
    if (IS_UNDEF(key)) continue;
    switch (it->step) {
    case 0: return key;
    case 1: return d->entries[ix].value;
    default: {
      Value kv[2] = {key, d->entries[ix].value};
      return OBJ_VAL(asy_tuple_from(vm, 2, kv));
    }
    }
  }
  return UNDEF_VAL;
}

static Value reversed_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  argc--;
  args++;
  if (!asy_no_kw(vm, "reversed", kw) || !asy_arg_count(vm, "reversed", argc, 1, 1)) return EXC_VAL;
  Value seq = args[0];
  if (IS_DICT(seq) || IS_OBJ_TYPE(seq, OBJ_DICTVIEW)) {
    ObjDict *d = IS_DICT(seq) ? AS_DICT(seq) : ((ObjDictView *)AS_OBJ(seq))->dict;
    int kind = IS_DICT(seq) ? 0 : ((ObjDictView *)AS_OBJ(seq))->kind;
    bool plain = IS_DICT(seq) ? asy_class_of(vm, seq) == vm->types.dict : true;
    if (plain) {
      ObjIter *it = new_iter(vm, IC_REVERSED, reversed_dict_next, OBJ_VAL(d), UNDEF_VAL, UNDEF_VAL);
      it->i = (int64_t)d->used - 1;
      it->n = (int64_t)d->count;
      it->step = kind;
      return OBJ_VAL(it);
    }
  }
  ObjClass *cls = asy_class_of(vm, seq);
  bool builtin_seq =
      (IS_LIST(seq) || IS_TUPLE(seq) || IS_STR(seq) || IS_RANGE(seq) || IS_BYTES(seq)) &&
      (cls->flags & CLASS_BUILTIN);
  if (!builtin_seq && IS_OBJ(seq)) {
    bool found = false;
    Value r = asy_std_call_special(vm, seq, vm->names.reversed, 0, NULL, &found);
    if (found) return r;
  }
  if (!builtin_seq) {
    ObjClass *c = asy_class_of(vm, seq);
    if (IS_SET(seq) || IS_DICT(seq) || IS_UNDEF(asy_class_lookup(c, vm->names.getitem)) ||
        IS_UNDEF(asy_class_lookup(c, vm->names.len)))
      return asy_raise(vm, vm->exc.TypeError, "'%s' object is not reversible",
                       asy_type_name(vm, seq));
  }
  int64_t n = asy_len(vm, seq);
  if (n < 0) return EXC_VAL;
  ObjIter *it = new_iter(vm, IS_LIST(seq) && builtin_seq ? IC_LIST_REVERSED : IC_REVERSED,
                         reversed_seq_next, seq, UNDEF_VAL, UNDEF_VAL);
  it->i = n - 1;
  return OBJ_VAL(it);
}

/* ---- iter / next --------------------------------------------------------------------------- */

static Value callable_iter_next(VM *vm, ObjIter *it) {
  if (IS_UNDEF(it->a)) return UNDEF_VAL;
  Value v = asy_call(vm, it->a, 0, NULL, NULL);
  if (IS_EXC(v)) {
    if (asy_pending_is(vm, vm->exc.StopIteration)) {
      asy_clear_pending(vm);
      it->a = UNDEF_VAL;
      return UNDEF_VAL;
    }
    return v;
  }
  int eq = asy_equal(vm, v, it->b);
  if (eq < 0) return EXC_VAL;
  if (eq) {
    it->a = UNDEF_VAL;
    return UNDEF_VAL;
  }
  return v;
}

static Value bi_iter(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "iter", kw) || !asy_arg_count(vm, "iter", argc, 1, 2)) return EXC_VAL;
  if (argc == 1) return asy_iter(vm, args[0]);
  if (!asy_std_callable(vm, args[0]))
    return asy_raise(vm, vm->exc.TypeError, "iter(v, w): v must be callable");
  return OBJ_VAL(new_iter(vm, IC_CALLABLE, callable_iter_next, args[0], args[1], UNDEF_VAL));
}

static Value bi_next(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "next", kw) || !asy_arg_count(vm, "next", argc, 1, 2)) return EXC_VAL;
  if (!is_iterator(vm, args[0]))
    return asy_raise(vm, vm->exc.TypeError, "'%s' object is not an iterator",
                     asy_type_name(vm, args[0]));
  /* Without a default, a script iterator's own StopIteration (its value: a generator's
  ** return value) propagates unchanged. */
  if (argc == 1 && !IS_OBJ_TYPE(args[0], OBJ_ITER))
    return asy_call_method(vm, args[0], vm->names.next, 0, NULL);
  Value v = asy_next(vm, args[0]);
  if (IS_UNDEF(v)) {
    if (argc == 2) return args[1];
    Value e = asy_new_exception(vm, vm->exc.StopIteration, 0, NULL);
    if (IS_EXC(e)) return e;
    return asy_raise_value(vm, e);
  }
  return v;
}

/* Methods shared by the iterator classes: __iter__ returns self, __next__ steps. */
static Value iter_self(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1) return asy_raise(vm, vm->exc.TypeError, "__iter__() needs an argument");
  return args[0];
}

static Value iter_dunder_next(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_OBJ_TYPE(args[0], OBJ_ITER))
    return asy_raise(vm, vm->exc.TypeError, "__next__() needs an iterator");
  Value v = AS_ITER(args[0])->next(vm, AS_ITER(args[0]));
  if (IS_UNDEF(v)) {
    Value e = asy_new_exception(vm, vm->exc.StopIteration, 0, NULL);
    if (IS_EXC(e)) return e;
    return asy_raise_value(vm, e);
  }
  return v;
}

/* ---- sorted, min, max ------------------------------------------------------------------------ */

static bool bool_arg(VM *vm, Value v, bool *out) {
  if (IS_UNDEF(v) || IS_NONE(v)) {
    *out = false;
    return true;
  }
  int64_t i;
  if (IS_FLOAT(v)) {
    asy_raise(vm, vm->exc.TypeError, "'float' object cannot be interpreted as an integer");
    return false;
  }
  if (!asy_index(vm, v, &i)) return false;
  *out = i != 0;
  return true;
}

static Value bi_sorted(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_arg_count(vm, "sorted", argc, 1, 1)) return EXC_VAL;
  static const char *const names[] = {"key", "reverse"};
  Value opt[2] = {UNDEF_VAL, UNDEF_VAL};
  if (!asy_std_kwargs(vm, "sort", kw, names, 2, opt, 0)) return EXC_VAL;
  bool reverse;
  if (!bool_arg(vm, opt[1], &reverse)) return EXC_VAL;
  Value l = asy_list_from_iterable(vm, args[0]);
  if (IS_EXC(l)) return l;
  if (IS_LIST(args[0]) && AS_OBJ(l) == AS_OBJ(args[0])) {
    /* defensive: sorted() must never sort its argument in place */
    ObjList *copy = asy_list_new(vm, AS_LIST(l)->size);
    for (size_t i = 0; i < AS_LIST(l)->size; i++) asy_list_append(vm, copy, AS_LIST(l)->items[i]);
    l = OBJ_VAL(copy);
  }
  Value key = IS_UNDEF(opt[0]) ? NONE_VAL : opt[0];
  Value r = asy_list_sort(vm, AS_LIST(l), key, reverse);
  if (IS_EXC(r)) return r;
  return l;
}

static Value min_max(VM *vm, int argc, Value *args, ObjDict *kw, int op, const char *name) {
  if (argc == 0)
    return asy_raise(vm, vm->exc.TypeError, "%s expected at least 1 argument, got 0", name);
  static const char *const names[] = {"key", "default"};
  Value opt[2] = {UNDEF_VAL, UNDEF_VAL};
  if (!asy_std_kwargs(vm, name, kw, names, 2, opt, 0)) return EXC_VAL;
  Value key = opt[0], dflt = opt[1];
  if (IS_NONE(key)) key = UNDEF_VAL;
  if (argc > 1 && !IS_UNDEF(dflt))
    return asy_raise(vm, vm->exc.TypeError,
                     "Cannot specify a default for %s() with multiple positional arguments", name);
  Value it;
  if (argc == 1) {
    it = asy_iter(vm, args[0]);
  } else {
    ObjTuple *t = asy_tuple_from(vm, (size_t)argc, args);
    it = asy_iter(vm, OBJ_VAL(t));
  }
  if (IS_EXC(it)) return it;
  Value best = UNDEF_VAL, best_key = UNDEF_VAL;
  for (;;) {
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) return v;
    if (IS_UNDEF(v)) break;
    Value k = v;
    if (!IS_UNDEF(key)) {
      asy_push_root(vm, v);
      k = asy_call(vm, key, 1, &v, NULL);
      if (IS_EXC(k)) return k;
    }
    if (IS_UNDEF(best)) {
      best = v;
      best_key = k;
      asy_push_root(vm, v);
      asy_push_root(vm, k);
      continue;
    }
    int c = asy_min_max_better(vm, op, k, best_key);
    if (c < 0) return EXC_VAL;
    if (c) {
      best = v;
      best_key = k;
      asy_push_root(vm, v);
      asy_push_root(vm, k);
    }
  }
  if (IS_UNDEF(best)) {
    if (!IS_UNDEF(dflt)) return dflt;
    return asy_raise(vm, vm->exc.ValueError, "%s() iterable argument is empty", name);
  }
  return best;
}

static Value bi_min(VM *vm, int argc, Value *args, ObjDict *kw) {
  return min_max(vm, argc, args, kw, CMP_LT, "min");
}
static Value bi_max(VM *vm, int argc, Value *args, ObjDict *kw) {
  return min_max(vm, argc, args, kw, CMP_GT, "max");
}

/* ---- sum, any, all ------------------------------------------------------------------------- */

/* sum(): the phases are reduce.h's. */
static Value bi_sum(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"iterable", "start"};
  Value a[2];
  if (!asy_std_bind(vm, "sum", argc, args, kw, names, 2, 1, 1, a)) return EXC_VAL;
  Value start = IS_UNDEF(a[1]) ? INT_VAL(0) : a[1];
  if (IS_STR(start))
    return asy_raise(vm, vm->exc.TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
  if (IS_BYTES(start))
    return asy_raise(vm, vm->exc.TypeError, "sum() can't sum bytes [use b''.join(seq) instead]");
  Value it = asy_iter(vm, a[0]);
  if (IS_EXC(it)) return it;
  AsySum sum;
  asy_sum_start(&sum, start);
  for (;;) {
    Value item = asy_next(vm, it);
    if (IS_EXC(item)) return item;
    if (IS_UNDEF(item)) return asy_sum_total(&sum);
    if (!asy_sum_add(vm, &sum, item)) return EXC_VAL;
  }
}

static Value any_all(VM *vm, int argc, Value *args, ObjDict *kw, const char *name, bool any) {
  if (!asy_args(vm, name, argc, kw, 1, 1)) return EXC_VAL;
  Value it = asy_iter(vm, args[0]);
  if (IS_EXC(it)) return it;
  for (;;) {
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) return v;
    if (IS_UNDEF(v)) return BOOL_VAL(!any);
    int t = asy_truthy(vm, v);
    if (t < 0) return EXC_VAL;
    if (t == any) return BOOL_VAL(any);
  }
}

static Value bi_any(VM *vm, int argc, Value *args, ObjDict *kw) {
  return any_all(vm, argc, args, kw, "any", true);
}
static Value bi_all(VM *vm, int argc, Value *args, ObjDict *kw) {
  return any_all(vm, argc, args, kw, "all", false);
}

void asy_builtins_iter_init(VM *vm, ObjDict *builtins) {
  /* Their calls with a generator alone run it in the loop (vm/gen_drain.h). */
  asy_drain_register(vm, DRAIN_SORTED, bi_sorted);
  asy_drain_register(vm, DRAIN_SUM, bi_sum);
  asy_drain_register(vm, DRAIN_MIN, bi_min);
  asy_drain_register(vm, DRAIN_MAX, bi_max);
  asy_drain_register(vm, DRAIN_ANY, bi_any);
  asy_drain_register(vm, DRAIN_ALL, bi_all);
  /* Each class's constructor as a one-row table; the last two cannot be made by calling. */
  /* clang-format off */
  static const struct {
    const char *name;
    AsyMethodDef new_[2];
  } classes[] = {
    {"enumerate", {{"__new__", enumerate_new, ASY_UNCHECKED}, {0}}},
    {"zip", {{"__new__", zip_new, ASY_UNCHECKED}, {0}}},
    {"map", {{"__new__", map_new, ASY_UNCHECKED}, {0}}},
    {"filter", {{"__new__", filter_new, ASY_UNCHECKED}, {0}}},
    {"reversed", {{"__new__", reversed_new, ASY_UNCHECKED}, {0}}},
    {"callable_iterator", {{0}}},
    {"list_reverseiterator", {{0}}},
  };
  /* clang-format on */
  static const AsyMethodDef iter_methods[] = {
      {"__iter__", iter_self, ASY_UNCHECKED},
      {"__next__", iter_dunder_next, ASY_UNCHECKED},
      {0},
  };
  for (int i = 0; i < 7; i++) {
    ObjClass *c = asy_std_class(vm, classes[i].name, "builtins", vm->types.object, OBJ_ITER);
    bool callable = classes[i].new_[0].name != NULL;
    if (!callable) c->flags |= CLASS_FINAL;
    vm->stdlib->iter_classes[i] = c;
    asy_def_natives(vm, c, NULL, iter_methods);
    asy_def_natives(vm, c, NULL, classes[i].new_);
    if (callable) asy_dict_set_str(vm, builtins, c->name, OBJ_VAL(c));
  }
  /* clang-format off */
  static const AsyMethodDef fns[] = {
    {"iter", bi_iter, ASY_UNCHECKED}, {"next", bi_next, ASY_UNCHECKED},
    {"sorted", bi_sorted, ASY_UNCHECKED}, {"min", bi_min, ASY_UNCHECKED},
    {"max", bi_max, ASY_UNCHECKED}, {"sum", bi_sum, ASY_UNCHECKED}, {"any", bi_any, ASY_UNCHECKED},
    {"all", bi_all, ASY_UNCHECKED}, {0},
  };
  /* clang-format on */
  asy_def_natives(vm, NULL, builtins, fns);
}
