/*
** typeparams.c — see typeparams.h. The objects are typing's own classes, made by
** calling the helper functions typing.asy keeps for the interpreter.
*/
#include <string.h>

#include "vm/opcodes.h"
#include "vm/typeparams.h"

/* typing.<helper>(*args) */
static Value call_typing(VM *vm, const char *helper, int argc, Value *args) {
  Value mod = asy_import(vm, asy_str_intern(vm, "typing", 6));
  if (IS_EXC(mod)) return EXC_VAL;
  Value fn = asy_getattr(vm, mod, asy_str_intern(vm, helper, strlen(helper)));
  if (IS_EXC(fn)) return EXC_VAL;
  return asy_call(vm, fn, argc, args, NULL);
}

Value asy_intrinsic_typing1(VM *vm, int which, Value v) {
  switch (which) {
  case INTRINSIC_TYPEVAR: return call_typing(vm, "_pep695_typevar", 1, &v);
  case INTRINSIC_PARAMSPEC: return call_typing(vm, "_pep695_paramspec", 1, &v);
  case INTRINSIC_TYPEVARTUPLE: return call_typing(vm, "_pep695_typevartuple", 1, &v);
  case INTRINSIC_SUBSCRIPT_GENERIC: return call_typing(vm, "_pep695_generic_base", 1, &v);
  case INTRINSIC_TYPEALIAS: {
    ObjTuple *t = AS_TUPLE(v);
    return call_typing(vm, "_pep695_typealias", 3, t->items);
  }
  default: return asy_raise(vm, vm->exc.RuntimeError, "unknown intrinsic %d", which);
  }
}

Value asy_intrinsic_typing2(VM *vm, int which, Value a, Value b) {
  Value args[3] = {a, b, NONE_VAL};
  switch (which) {
  case INTRINSIC_TYPEVAR_WITH_BOUND: return call_typing(vm, "_pep695_typevar", 2, args);
  case INTRINSIC_TYPEVAR_WITH_CONSTRAINTS:
    args[1] = NONE_VAL;
    args[2] = b;
    return call_typing(vm, "_pep695_typevar", 3, args);
  case INTRINSIC_SET_TYPEPARAM_DEFAULT: return call_typing(vm, "_pep695_set_default", 2, args);
  case INTRINSIC_SET_FUNCTION_TYPE_PARAMS:
    if (!asy_setattr(vm, a, asy_str_intern(vm, "__type_params__", 15), b)) return EXC_VAL;
    return a;
  default: return asy_raise(vm, vm->exc.RuntimeError, "unknown intrinsic %d", which);
  }
}
