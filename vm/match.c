/*
** match.c — the MATCH_* opcodes' work (see match.h). The compiler (lang/compile_match.c)
** lays the patterns out as CPython 3.13 does; these functions answer its questions.
*/
#include <string.h>

#include "vm/match.h"
#include "vm/obj/class.h" /* asy_class_check */
#include "vm/obj/str.h"

bool asy_match_is_sequence(VM *vm, Value v) {
  ObjClass *cls = asy_class_of(vm, v);
  return asy_is_subclass(cls, vm->types.list) || asy_is_subclass(cls, vm->types.tuple) ||
         asy_is_subclass(cls, vm->types.range) || asy_is_subclass(cls, vm->types.deque);
}

bool asy_match_is_mapping(VM *vm, Value v) {
  return asy_is_subclass(asy_class_of(vm, v), vm->types.dict);
}

Value asy_match_keys(VM *vm, Value subject, Value keys) {
  ObjTuple *k = AS_TUPLE(keys);
  if (k->size == 0) return OBJ_VAL(asy_tuple_new(vm, 0));
  /* a fresh object as the "absent" marker: no value of the mapping can be it */
  Value dummy = asy_instance_new(vm, vm->types.object);
  ObjStr *get = asy_str_intern(vm, "get", 3);
  ObjTuple *values = asy_tuple_new(vm, k->size);
  for (size_t i = 0; i < k->size; i++) {
    Value key = k->items[i];
    for (size_t j = 0; j < i; j++) {
      int eq = asy_equal(vm, k->items[j], key);
      if (eq < 0) return EXC_VAL;
      if (eq)
        return asy_raise(vm, vm->exc.ValueError, "mapping pattern checks duplicate key (%R)", key);
    }
    Value args[2] = {key, dummy};
    Value v = asy_call_method(vm, subject, get, 2, args);
    if (IS_EXC(v)) return EXC_VAL;
    if (IS_OBJ(v) && IS_OBJ(dummy) && AS_OBJ(v) == AS_OBJ(dummy)) return NONE_VAL;
    values->items[i] = v;
  }
  return OBJ_VAL(values);
}

/* getattr(subject, name) for one sub-pattern, refusing a name twice; UNDEF when the
** attribute is missing (the match fails), EXC_VAL on error. */
static Value class_attr(VM *vm, Value subject, ObjClass *cls, Value name, Value *seen,
                        size_t *nseen) {
  for (size_t i = 0; i < *nseen; i++)
    if (asy_str_equal(AS_STR(seen[i]), AS_STR(name)))
      return asy_raise(vm, vm->exc.TypeError, "%s() got multiple sub-patterns for attribute %R",
                       cls->name->chars, name);
  seen[(*nseen)++] = name;
  return asy_getattr_opt(vm, subject, AS_STR(name));
}

/* The builtins whose single positional sub-pattern matches the subject itself
** (CPython's _Py_TPFLAGS_MATCH_SELF), and their subclasses. */
static bool matches_self(VM *vm, ObjClass *cls) {
  ObjClass *const self_types[] = {
      vm->types.bool_, vm->types.int_,  vm->types.float_, vm->types.str, vm->types.bytes,
      vm->types.list,  vm->types.tuple, vm->types.dict,   vm->types.set, vm->types.frozenset};
  for (size_t i = 0; i < sizeof self_types / sizeof self_types[0]; i++)
    if (asy_is_subclass(cls, self_types[i])) return true;
  return false;
}

Value asy_match_class(VM *vm, Value subject, Value clsv, int nargs, Value names) {
  if (!IS_CLASS(clsv))
    return asy_raise(vm, vm->exc.TypeError, "called match pattern must be a class");
  ObjClass *cls = AS_CLASS(clsv);
  int is = asy_class_check(vm, subject, cls, false); /* isinstance(), hooks and all */
  if (is < 0) return EXC_VAL;
  if (!is) return NONE_VAL;
  ObjTuple *kw = AS_TUPLE(names);
  size_t total = (size_t)nargs + kw->size;
  ObjTuple *attrs = asy_tuple_new(vm, total);
  ObjTuple *seen_box = asy_tuple_new(vm, total ? total : 1); /* rooted scratch space */
  size_t nseen = 0;
  if (nargs) {
    bool match_self = false;
    Value match_args = asy_getattr_opt(vm, clsv, asy_str_intern(vm, "__match_args__", 14));
    if (IS_EXC(match_args)) return EXC_VAL;
    size_t allowed;
    if (!IS_UNDEF(match_args)) {
      if (!IS_OBJ_TYPE(match_args, OBJ_TUPLE) || asy_class_of(vm, match_args) != vm->types.tuple)
        return asy_raise(vm, vm->exc.TypeError, "%s.__match_args__ must be a tuple (got %s)",
                         cls->name->chars, asy_type_name(vm, match_args));
      allowed = AS_TUPLE(match_args)->size;
    } else {
      match_self = matches_self(vm, cls);
      allowed = match_self ? 1 : 0;
    }
    if (allowed < (size_t)nargs)
      return asy_raise(vm, vm->exc.TypeError, "%s() accepts %d positional sub-pattern%s (%d given)",
                       cls->name->chars, (int)allowed, allowed == 1 ? "" : "s", nargs);
    if (match_self) {
      attrs->items[0] = subject;
    } else {
      for (int i = 0; i < nargs; i++) {
        Value name = AS_TUPLE(match_args)->items[i];
        if (!IS_STR(name) || asy_class_of(vm, name) != vm->types.str)
          return asy_raise(vm, vm->exc.TypeError,
                           "__match_args__ elements must be strings (got %s)",
                           asy_type_name(vm, name));
        Value a = class_attr(vm, subject, cls, name, seen_box->items, &nseen);
        if (IS_EXC(a)) return EXC_VAL;
        if (IS_UNDEF(a)) return NONE_VAL;
        attrs->items[i] = a;
      }
    }
  }
  for (size_t i = 0; i < kw->size; i++) {
    Value a = class_attr(vm, subject, cls, kw->items[i], seen_box->items, &nseen);
    if (IS_EXC(a)) return EXC_VAL;
    if (IS_UNDEF(a)) return NONE_VAL;
    attrs->items[(size_t)nargs + i] = a;
  }
  return OBJ_VAL(attrs);
}
