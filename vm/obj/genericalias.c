/*
** genericalias.c — types.GenericAlias and types.UnionType, minimal: what `list[int]` /
** `dict[str, int]` and `int | str` / `int | None` evaluate to. Annotations are evaluated
** eagerly in 3.13, so these must exist; beyond that they only have a repr, an alias is
** callable (it calls its origin class) and a union works with isinstance/issubclass.
**
** Both are plain instances whose __dict__ holds CPython's attributes: __origin__ and
** __args__ for an alias, __args__ (the flattened, de-duplicated members, None as
** NoneType) for a union. Their classes are made on the first use in a VM
** (vm->generic_alias, vm->union_type) rather than at start-up, as few scripts need them.
*/
#include <string.h>

#include "vm/gc.h"
#include "vm/obj/func.h"
#include "vm/obj/genericalias.h"
#include "vm/obj/protocol.h"
#include "vm/obj/str.h"

/* ---- GenericAlias ------------------------------------------------------------------ */

static bool alias_arg_repr(VM *vm, AsyBuf *b, Value v) {
  if (IS_CLASS(v)) {
    ObjClass *c = AS_CLASS(v);
    if (IS_STR(c->module) && strcmp(AS_STR(c->module)->chars, "builtins") != 0)
      asy_buf_printf(b, "%s.%s", AS_STR(c->module)->chars, c->qualname->chars);
    else asy_buf_puts(b, c->qualname->chars);
    return true;
  }
  if (asy_same(v, vm->ellipsis)) {
    asy_buf_puts(b, "...");
    return true;
  }
  return asy_buf_repr(vm, b, v);
}

static Value alias_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_INSTANCE(args[0]) || !AS_INSTANCE(args[0])->dict)
    return asy_bad_self(vm, "__repr__", "GenericAlias", argc, args);
  ObjDict *d = AS_INSTANCE(args[0])->dict;
  Value origin = asy_dict_get_str(d, asy_str_intern(vm, "__origin__", 10));
  Value targs = asy_dict_get_str(d, asy_str_intern(vm, "__args__", 8));
  AsyBuf b;
  asy_buf_init(&b, vm);
  bool ok = alias_arg_repr(vm, &b, origin);
  asy_buf_putc(&b, '[');
  if (IS_TUPLE(targs)) {
    for (size_t i = 0; ok && i < AS_TUPLE(targs)->size; i++) {
      if (i) asy_buf_puts(&b, ", ");
      ok = alias_arg_repr(vm, &b, AS_TUPLE(targs)->items[i]);
    }
    if (AS_TUPLE(targs)->size == 0) asy_buf_puts(&b, "()");
  }
  asy_buf_putc(&b, ']');
  if (!ok) {
    asy_buf_free(&b);
    return EXC_VAL;
  }
  return OBJ_VAL(asy_buf_to_str(&b));
}

static Value alias_call(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_INSTANCE(args[0]) || !AS_INSTANCE(args[0])->dict)
    return asy_bad_self(vm, "__call__", "GenericAlias", argc, args);
  Value origin = asy_dict_get_str(AS_INSTANCE(args[0])->dict, asy_str_intern(vm, "__origin__", 10));
  return asy_call(vm, origin, argc - 1, args + 1, kw);
}

/* types.GenericAlias(origin, args): what `__class_getitem__ = classmethod(GenericAlias)`
** calls (collections.abc, library classes). */
static Value alias_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (kw && kw->count) return asy_raise(vm, vm->exc.TypeError, "GenericAlias() takes no keyword arguments");
  if (argc != 3)
    return asy_raise(vm, vm->exc.TypeError, "GenericAlias expected 2 arguments, got %d", argc - 1);
  if (!IS_CLASS(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "GenericAlias origin must be a class");
  return asy_generic_alias_new(vm, AS_CLASS(args[1]), args[2]);
}

Value asy_generic_alias_new(VM *vm, ObjClass *origin, Value key) {
  if (!vm->generic_alias) {
    ObjDict *d = asy_dict_new(vm);
    ObjClass *c = asy_class_new(vm, asy_str_cstr(vm, "GenericAlias"), vm->types.object, d);
    if (!c) return EXC_VAL;
    c->module = STR_VAL(vm, "types");
    c->flags |= CLASS_BUILTIN | CLASS_FINAL;
    asy_def_method(vm, c, "__repr__", alias_repr);
    asy_def_method(vm, c, "__call__", alias_call);
    asy_def_method(vm, c, "__new__", alias_new);
    vm->generic_alias = c;
  }
  Value inst = OBJ_VAL(asy_alloc_obj(vm, sizeof(ObjInstance), OBJ_INSTANCE, vm->generic_alias));
  ObjDict *d = asy_dict_new(vm);
  AS_INSTANCE(inst)->dict = d;
  Value targs = IS_TUPLE(key) ? key : OBJ_VAL(asy_tuple_from(vm, 1, &key));
  asy_dict_set_str(vm, d, asy_str_intern(vm, "__origin__", 10), OBJ_VAL(origin));
  asy_dict_set_str(vm, d, asy_str_intern(vm, "__args__", 8), targs);
  return inst;
}

/* ---- UnionType ---------------------------------------------------------------------- */

static bool is_union(VM *vm, Value v) {
  return vm->union_type && IS_INSTANCE(v) && AS_OBJ(v)->cls == vm->union_type &&
         AS_INSTANCE(v)->dict;
}

bool asy_union_args(VM *vm, Value v, ObjTuple **args) {
  if (!is_union(vm, v)) return false;
  Value a = asy_dict_get_str(AS_INSTANCE(v)->dict, asy_str_intern(vm, "__args__", 8));
  if (!IS_TUPLE(a)) return false;
  *args = AS_TUPLE(a);
  return true;
}

static Value union_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  ObjTuple *members;
  if (argc < 1 || !asy_union_args(vm, args[0], &members))
    return asy_bad_self(vm, "__repr__", "UnionType", argc, args);
  AsyBuf b;
  asy_buf_init(&b, vm);
  bool ok = true;
  for (size_t i = 0; ok && i < members->size; i++) {
    if (i) asy_buf_puts(&b, " | ");
    Value m = members->items[i];
    if (IS_CLASS(m) && AS_CLASS(m) == vm->types.none) asy_buf_puts(&b, "None");
    else ok = alias_arg_repr(vm, &b, m);
  }
  if (!ok) {
    asy_buf_free(&b);
    return EXC_VAL;
  }
  return OBJ_VAL(asy_buf_to_str(&b));
}

bool asy_unionable(VM *vm, Value v) {
  return IS_NONE(v) || IS_CLASS(v) || is_union(vm, v) ||
         (vm->generic_alias && IS_INSTANCE(v) && AS_OBJ(v)->cls == vm->generic_alias);
}

/* Add v (or a union's members) to list l unless already present (by identity). */
static void union_add(VM *vm, ObjList *l, Value v) {
  ObjTuple *members;
  if (asy_union_args(vm, v, &members)) {
    for (size_t i = 0; i < members->size; i++) union_add(vm, l, members->items[i]);
    return;
  }
  if (IS_NONE(v)) v = OBJ_VAL(vm->types.none);
  for (size_t i = 0; i < l->size; i++)
    if (asy_same(l->items[i], v)) return;
  asy_list_append(vm, l, v);
}

Value asy_union_new(VM *vm, Value a, Value b) {
  size_t mark = asy_temp_mark(vm);
  if (!vm->union_type) {
    ObjDict *d = asy_dict_new(vm);
    asy_push_root(vm, OBJ_VAL(d));
    ObjStr *name = asy_str_cstr(vm, "UnionType");
    asy_push_root(vm, OBJ_VAL(name));
    ObjClass *c = asy_class_new(vm, name, vm->types.object, d);
    asy_temp_reset(vm, mark);
    if (!c) return EXC_VAL;
    vm->union_type = c;
    c->module = STR_VAL(vm, "types");
    c->flags |= CLASS_BUILTIN | CLASS_FINAL;
    asy_def_method(vm, c, "__repr__", union_repr);
  }
  ObjList *l = asy_list_new(vm, 0);
  asy_push_root(vm, OBJ_VAL(l));
  union_add(vm, l, a);
  union_add(vm, l, b);
  Value r;
  if (l->size == 1) {
    r = l->items[0];
  } else {
    Value targs = OBJ_VAL(asy_tuple_from(vm, l->size, l->items));
    asy_push_root(vm, targs);
    r = OBJ_VAL(asy_alloc_obj(vm, sizeof(ObjInstance), OBJ_INSTANCE, vm->union_type));
    asy_push_root(vm, r);
    ObjDict *d = asy_dict_new(vm);
    AS_INSTANCE(r)->dict = d;
    asy_dict_set_str(vm, d, asy_str_intern(vm, "__args__", 8), targs);
  }
  asy_temp_reset(vm, mark);
  return r;
}
