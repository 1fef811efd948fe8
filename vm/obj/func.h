/*
** func.h — callables and namespaces as objects (func.c) beyond vm.h's constructors and
** native-definition helpers: their reprs, special attributes, and the receiver check
** natives begin with.
*/
#ifndef ASY_FUNC_H
#define ASY_FUNC_H

#include "vm/vm.h"

/* TypeError for a method descriptor called on the wrong kind of object:
** "descriptor 'get' for 'dict' objects doesn't apply to a 'int' object". */
Value asy_bad_self(VM *vm, const char *meth, const char *type, int argc, Value *args);
/* Check args[0] has layout t, else return asy_bad_self (for the natives' first lines). */
#define ASY_SELF(layout, meth, type) \
  do { \
    if (argc < 1 || !IS_OBJ_TYPE(args[0], layout)) \
      return asy_bad_self(vm, meth, type, argc, args); \
  } while (0)

/* repr of a function, bound method, native, module, cell or code object. */
Value asy_function_repr(VM *vm, Value v);

/* Special attributes of functions, bound methods, natives, modules, classes (func.c and
** class.c): the value, or UNDEF if `name` is not one of them. */
Value asy_func_special_attr(VM *vm, Value obj, ObjStr *name);
/* Setting an attribute of a function (its __dict__ or a writable special). */
bool asy_func_setattr(VM *vm, ObjFunction *f, ObjStr *name, Value value);

/* Fill the function, method, builtin, module, cell and code classes (called by
** asy_init_object_types). */
void asy_init_func_types(VM *vm);

#endif
