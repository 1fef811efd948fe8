/*
** egroup.c — BaseExceptionGroup / ExceptionGroup (PEP 654) and the interpreter's
** except* helpers, following CPython 3.13's Objects/exceptions.c and ceval.c:
** constructor checks, split/subgroup by type, tuple of types or predicate, derive,
** CHECK_EG_MATCH and _PyExc_PrepReraiseStar.
**
** A group keeps its message in eg_message and a tuple of its sub-exceptions in
** eg_exceptions; args holds the two constructor arguments as given (so repr shows the
** original list or tuple, as CPython).
*/
#include <stdlib.h>
#include <string.h>

#include "vm/egroup.h"
#include "vm/except.h"
#include "vm/gc.h"
#include "vm/obj/list.h"
#include "vm/obj/tuple.h"

static ObjStr *intern(VM *vm, const char *s) { return asy_str_intern(vm, s, strlen(s)); }

/* PySequence_Check: has __getitem__ and is not a dict. */
static bool is_sequence(VM *vm, Value v) {
  if (IS_TUPLE(v) || IS_LIST(v) || IS_STR(v) || IS_RANGE(v) || IS_BYTES(v)) return true;
  if (!IS_OBJ(v) || IS_DICT(v)) return false;
  ObjClass *cls = asy_class_of(vm, v);
  if (asy_is_subclass(cls, vm->types.dict)) return false;
  return !IS_UNDEF(asy_class_lookup(cls, vm->names.getitem));
}

/* The core of BaseExceptionGroup.__new__(cls, message, exceptions). */
static Value group_new(VM *vm, ObjClass *cls, Value message, Value excs_arg) {
  if (!IS_STR(message))
    return asy_raise(vm, vm->exc.TypeError,
                     "BaseExceptionGroup.__new__() argument 1 must be str, not %s",
                     asy_arg_type_name(vm, message));
  if (!is_sequence(vm, excs_arg))
    return asy_raise(vm, vm->exc.TypeError, "second argument (exceptions) must be a sequence");
  Value excs = asy_tuple_from_iterable(vm, excs_arg);
  if (IS_EXC(excs)) return excs;
  ObjTuple *t = AS_TUPLE(excs);
  if (t->size == 0)
    return asy_raise(vm, vm->exc.ValueError,
                     "second argument (exceptions) must be a non-empty sequence");
  bool nested_base = false;
  for (size_t i = 0; i < t->size; i++) {
    Value e = t->items[i];
    if (!IS_EXCEPTION(e))
      return asy_raise(vm, vm->exc.ValueError,
                       "Item %d of second argument (exceptions) is not an exception", (int)i);
    if (!asy_exc_subclass(vm, AS_OBJ(e)->cls, vm->exc.Exception)) nested_base = true;
  }
  if (cls == vm->exc.ExceptionGroup) {
    if (nested_base)
      return asy_raise(vm, vm->exc.TypeError, "Cannot nest BaseExceptions in an ExceptionGroup");
  } else if (cls == vm->exc.BaseExceptionGroup) {
    if (!nested_base) cls = vm->exc.ExceptionGroup;
  } else if (nested_base && asy_exc_subclass(vm, cls, vm->exc.Exception)) {
    return asy_raise(vm, vm->exc.TypeError, "Cannot nest BaseExceptions in '%s'", cls->name->chars);
  }
  ObjException *g = asy_exception_alloc(vm, cls);
  Value pair[2] = {message, excs_arg};
  g->args = asy_tuple_from(vm, 2, pair);
  g->eg_message = message;
  g->eg_exceptions = excs;
  return OBJ_VAL(g);
}

Value asy_exception_group_new(VM *vm, ObjClass *cls, ObjStr *message, Value excs) {
  if (!(cls->flags & CLASS_BUILTIN)) {
    Value args[2] = {OBJ_VAL(message), excs};
    return asy_call(vm, OBJ_VAL(cls), 2, args, NULL);
  }
  return group_new(vm, cls, OBJ_VAL(message), excs);
}

/* ---- methods ------------------------------------------------------------------------ */

#define SELF_GROUP(fname) \
  do { \
    if (argc < 1 || !asy_is_exception_group(vm, args[0])) \
      return asy_exc_descr_error(vm, fname, "BaseExceptionGroup", argc, args); \
  } while (0)

static Value eg_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !asy_is_exception_class(vm, args[0]))
    return asy_raise(vm, vm->exc.TypeError,
                     "BaseExceptionGroup.__new__(X): X is not a type object");
  if (argc != 3)
    return asy_raise(vm, vm->exc.TypeError,
                     "BaseExceptionGroup.__new__() takes exactly 2 arguments (%d given)", argc - 1);
  return group_new(vm, AS_CLASS(args[0]), args[1], args[2]);
}

static Value eg_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_GROUP("__init__");
  ObjException *e = AS_EXCEPTION(args[0]);
  if (kw && kw->count > 0)
    return asy_raise(vm, vm->exc.TypeError, "%s() takes no keyword arguments",
                     e->base.obj.cls->name->chars);
  e->args = asy_tuple_from(vm, (size_t)(argc - 1), args + 1);
  return NONE_VAL;
}

static Value eg_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_GROUP("__str__");
  ObjException *e = AS_EXCEPTION(args[0]);
  size_t n = AS_TUPLE(e->eg_exceptions)->size;
  Value s = asy_str(vm, e->eg_message);
  if (IS_EXC(s)) return s;
  return OBJ_VAL(
      asy_str_printf(vm, "%s (%zu sub-exception%s)", AS_STR(s)->chars, n, n > 1 ? "s" : ""));
}

static Value eg_message(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_GROUP("message");
  return AS_EXCEPTION(args[0])->eg_message;
}

static Value eg_exceptions(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_GROUP("exceptions");
  return AS_EXCEPTION(args[0])->eg_exceptions;
}

static Value eg_readonly(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc;
  (void)args;
  (void)kw;
  return asy_raise(vm, vm->exc.AttributeError, "readonly attribute");
}

static Value eg_derive(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_GROUP("derive");
  if (!asy_args(vm, "derive", argc - 1, kw, 1, 1)) return EXC_VAL;
  return group_new(vm, vm->exc.BaseExceptionGroup, AS_EXCEPTION(args[0])->eg_message, args[1]);
}

/* ---- split ---------------------------------------------------------------------------- */

typedef enum { MATCH_BY_TYPE, MATCH_BY_PREDICATE, MATCH_INSTANCE_IDS } MatcherType;

/* A sorted set of leaf exception identities (for PREP_RERAISE_STAR's projection). */
typedef struct {
  Obj **items;
  size_t n, cap;
} LeafIds;

static void leaf_add(LeafIds *s, Obj *o) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->items = realloc(s->items, s->cap * sizeof(Obj *));
    if (!s->items) abort();
  }
  s->items[s->n++] = o;
}

static int ptr_cmp(const void *a, const void *b) {
  uintptr_t x = (uintptr_t) * (Obj *const *)a, y = (uintptr_t) * (Obj *const *)b;
  return x < y ? -1 : x > y;
}

static bool leaf_has(const LeafIds *s, Obj *o) {
  return s->n && bsearch(&o, s->items, s->n, sizeof(Obj *), ptr_cmp) != NULL;
}

static void collect_leaf_ids(VM *vm, Value exc, LeafIds *s, int depth) {
  if (!IS_EXCEPTION(exc) || depth > 10000) return;
  if (!asy_is_exception_group(vm, exc)) {
    leaf_add(s, AS_OBJ(exc));
    return;
  }
  ObjTuple *t = AS_TUPLE(AS_EXCEPTION(exc)->eg_exceptions);
  for (size_t i = 0; i < t->size; i++) collect_leaf_ids(vm, t->items[i], s, depth + 1);
}

static bool is_callable(VM *vm, Value v) {
  if (IS_FUNCTION(v) || IS_NATIVE(v) || IS_OBJ_TYPE(v, OBJ_BOUND) || IS_CLASS(v)) return true;
  if (!IS_OBJ(v)) return false;
  return !IS_UNDEF(asy_class_lookup(asy_class_of(vm, v), vm->names.call));
}

static bool get_matcher_type(VM *vm, Value value, MatcherType *type) {
  if (is_callable(vm, value) && !IS_CLASS(value)) {
    *type = MATCH_BY_PREDICATE;
    return true;
  }
  if (asy_is_exception_class(vm, value)) {
    *type = MATCH_BY_TYPE;
    return true;
  }
  if (IS_TUPLE(value) && asy_class_of(vm, value) == vm->types.tuple) {
    ObjTuple *t = AS_TUPLE(value);
    bool ok = true;
    for (size_t i = 0; i < t->size; i++)
      if (!asy_is_exception_class(vm, t->items[i])) ok = false;
    if (ok) {
      *type = MATCH_BY_TYPE;
      return true;
    }
  }
  asy_raise(
      vm, vm->exc.TypeError,
      "expected an exception type, a tuple of exception types, or a callable (other than a class)");
  return false;
}

/* 1 match, 0 no match, -1 error. */
static int check_match(VM *vm, Value exc, MatcherType type, Value matcher, const LeafIds *ids) {
  switch (type) {
  case MATCH_BY_TYPE: return asy_exc_given_matches(vm, exc, matcher);
  case MATCH_BY_PREDICATE: {
    Value r = asy_call(vm, matcher, 1, &exc, NULL);
    if (IS_EXC(r)) return -1;
    return asy_truthy(vm, r);
  }
  case MATCH_INSTANCE_IDS: return IS_OBJ(exc) && leaf_has(ids, AS_OBJ(exc));
  }
  return 0;
}

/* CPython's exceptiongroup_subset: derive() a group of `excs` carrying orig's
** traceback, cause, context and a copy of its notes. *out = UNDEF when excs is empty. */
static bool group_subset(VM *vm, Value orig, ObjList *excs, Value *out) {
  *out = UNDEF_VAL;
  if (excs->size == 0) return true;
  Value arg = OBJ_VAL(excs);
  Value eg = asy_call_method(vm, orig, intern(vm, "derive"), 1, &arg);
  if (IS_EXC(eg)) return false;
  if (!asy_is_exception_group(vm, eg)) {
    asy_raise(vm, vm->exc.TypeError, "derive must return an instance of BaseExceptionGroup");
    return false;
  }
  ObjException *o = AS_EXCEPTION(orig), *g = AS_EXCEPTION(eg);
  if (!IS_NONE(o->traceback) && !IS_UNDEF(o->traceback)) g->traceback = o->traceback;
  g->context = o->context;
  g->cause = o->cause;
  g->suppress_context = true; /* PyException_SetCause always sets it */
  Value notes = asy_getattr_opt(vm, orig, vm->names.notes);
  if (IS_EXC(notes)) return false;
  if (!IS_UNDEF(notes) && (IS_LIST(notes) || IS_TUPLE(notes))) {
    Value copy = asy_list_from_iterable(vm, notes);
    if (IS_EXC(copy)) return false;
    if (!asy_setattr(vm, eg, vm->names.notes, copy)) return false;
  }
  *out = eg;
  return true;
}

/* CPython's exceptiongroup_split_recursive; *match / *rest are UNDEF when empty. */
static bool split_recursive(VM *vm, Value exc, MatcherType type, Value matcher, const LeafIds *ids,
                            bool construct_rest, Value *match, Value *rest, int depth) {
  *match = UNDEF_VAL;
  *rest = UNDEF_VAL;
  int m = check_match(vm, exc, type, matcher, ids);
  if (m < 0) return false;
  if (m) {
    *match = exc;
    return true;
  }
  if (!asy_is_exception_group(vm, exc)) {
    if (construct_rest) *rest = exc;
    return true;
  }
  if (depth > vm->recursion_limit) {
    asy_raise(vm, vm->exc.RecursionError,
              "maximum recursion depth exceeded in exceptiongroup_split_recursive");
    return false;
  }
  ObjTuple *t = AS_TUPLE(AS_EXCEPTION(exc)->eg_exceptions);
  ObjList *match_list = asy_list_new(vm, 0);
  ObjList *rest_list = construct_rest ? asy_list_new(vm, 0) : NULL;
  for (size_t i = 0; i < t->size; i++) {
    Value m2, r2;
    if (!split_recursive(vm, t->items[i], type, matcher, ids, construct_rest, &m2, &r2, depth + 1))
      return false;
    if (!IS_UNDEF(m2)) asy_list_append(vm, match_list, m2);
    if (!IS_UNDEF(r2)) asy_list_append(vm, rest_list, r2);
  }
  if (!group_subset(vm, exc, match_list, match)) return false;
  if (construct_rest && !group_subset(vm, exc, rest_list, rest)) return false;
  return true;
}

static Value opt(Value v) { return IS_UNDEF(v) ? NONE_VAL : v; }

/* Split the group args[0] by the matcher args[1] (split() and subgroup()); *rest is
** only built when construct_rest. False after raising. */
static bool split_by_matcher(VM *vm, Value *args, bool construct_rest, Value *match, Value *rest) {
  MatcherType type;
  if (!get_matcher_type(vm, args[1], &type)) return false;
  return split_recursive(vm, args[0], type, args[1], NULL, construct_rest, match, rest, 0);
}

static Value eg_split(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_GROUP("split");
  if (!asy_args(vm, "split", argc - 1, kw, 1, 1)) return EXC_VAL;
  Value m, r;
  if (!split_by_matcher(vm, args, true, &m, &r)) return EXC_VAL;
  Value pair[2] = {opt(m), opt(r)};
  return OBJ_VAL(asy_tuple_from(vm, 2, pair));
}

static Value eg_subgroup(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_GROUP("subgroup");
  if (!asy_args(vm, "subgroup", argc - 1, kw, 1, 1)) return EXC_VAL;
  Value m, r;
  if (!split_by_matcher(vm, args, false, &m, &r)) return EXC_VAL;
  return opt(m);
}

static Value eg_class_getitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)vm;
  (void)kw;
  return argc > 0 ? args[0] : NONE_VAL;
}

/* ---- the interpreter's except* support ----------------------------------------------- */

bool asy_eg_match(VM *vm, Value exc, Value type, Value *rest, Value *match) {
  *rest = *match = NONE_VAL;
  if (!asy_check_except_star_type(vm, type)) return false;
  if (IS_NONE(exc) || IS_UNDEF(exc)) return true;
  if (asy_exc_given_matches(vm, exc, type)) {
    if (asy_is_exception_group(vm, exc)) {
      *match = exc;
    } else {
      /* A naked exception: wrap it. CPython 3.13 leaves the wrapper's __traceback__
         None (observable: its group prints no "Exception Group Traceback"). */
      Value items = OBJ_VAL(asy_tuple_from(vm, 1, &exc));
      Value wrapped = group_new(vm, vm->exc.BaseExceptionGroup, OBJ_VAL(vm->names.empty), items);
      if (IS_EXC(wrapped)) return false;
      *match = wrapped;
    }
    return true;
  }
  if (asy_is_exception_group(vm, exc)) {
    Value pair = asy_call_method(vm, exc, intern(vm, "split"), 1, &type);
    if (IS_EXC(pair)) return false;
    const char *cname = AS_OBJ(exc)->cls->name->chars;
    if (!IS_TUPLE(pair)) {
      asy_raise(vm, vm->exc.TypeError, "%s.split must return a tuple, not %s", cname,
                asy_type_name(vm, pair));
      return false;
    }
    if (AS_TUPLE(pair)->size < 2) {
      asy_raise(vm, vm->exc.TypeError, "%s.split must return a 2-tuple, got tuple of size %zu",
                cname, AS_TUPLE(pair)->size);
      return false;
    }
    *match = AS_TUPLE(pair)->items[0];
    *rest = AS_TUPLE(pair)->items[1];
    return true;
  }
  *rest = exc;
  return true;
}

static bool same_metadata(Value a, Value b) {
  ObjException *x = AS_EXCEPTION(a), *y = AS_EXCEPTION(b);
  return asy_same(x->traceback, y->traceback) && asy_same(x->cause, y->cause) &&
         asy_same(x->context, y->context);
}

/* The leaves of eg that are leaves of some group in keep, in eg's structure. */
static Value group_projection(VM *vm, Value eg, ObjList *keep) {
  LeafIds ids = {0};
  for (size_t i = 0; i < keep->size; i++) collect_leaf_ids(vm, keep->items[i], &ids, 0);
  if (ids.n) qsort(ids.items, ids.n, sizeof(Obj *), ptr_cmp);
  Value m, r;
  bool ok = split_recursive(vm, eg, MATCH_INSTANCE_IDS, NONE_VAL, &ids, false, &m, &r, 0);
  free(ids.items);
  if (!ok) return EXC_VAL;
  return opt(m);
}

Value asy_prep_reraise_star(VM *vm, Value orig, Value excs_list) {
  if (!IS_LIST(excs_list)) return NONE_VAL;
  ObjList *excs = AS_LIST(excs_list);
  if (excs->size == 0) return NONE_VAL;
  if (!asy_is_exception_group(vm, orig)) {
    /* A naked exception was wrapped: only one clause could run. */
    return excs->items[0];
  }
  ObjList *raised = asy_list_new(vm, 0);
  ObjList *reraised = asy_list_new(vm, 0);
  for (size_t i = 0; i < excs->size; i++) {
    Value e = excs->items[i];
    if (!IS_EXCEPTION(e)) continue;
    asy_list_append(vm, same_metadata(e, orig) ? reraised : raised, e);
  }
  Value reraised_eg = group_projection(vm, orig, reraised);
  if (IS_EXC(reraised_eg)) return reraised_eg;
  if (raised->size == 0) return reraised_eg;
  if (!IS_NONE(reraised_eg)) asy_list_append(vm, raised, reraised_eg);
  if (raised->size > 1)
    return group_new(vm, vm->exc.BaseExceptionGroup, OBJ_VAL(vm->names.empty), OBJ_VAL(raised));
  return raised->items[0];
}

/* ---- setup ------------------------------------------------------------------------------ */

void asy_init_exception_groups(VM *vm) {
  ObjClass *beg = vm->exc.BaseExceptionGroup;
  asy_def_native(vm, beg->dict, "__new__", eg_new);
  asy_def_method(vm, beg, "__init__", eg_init);
  asy_def_method(vm, beg, "__str__", eg_str);
  asy_def_method(vm, beg, "derive", eg_derive);
  asy_def_method(vm, beg, "split", eg_split);
  asy_def_method(vm, beg, "subgroup", eg_subgroup);
  asy_def_native(vm, beg->dict, "__class_getitem__", eg_class_getitem);
  asy_def_getset(vm, beg, "message", eg_message, eg_readonly);
  asy_def_getset(vm, beg, "exceptions", eg_exceptions, eg_readonly);
}
