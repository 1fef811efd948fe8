/*
** class.h — what class.c offers beyond vm.h's attribute protocol: the body of the class
** statement, descriptor binding, property/staticmethod/classmethod objects, the class
** repr, and the init hook of the object-side types.
*/
#ifndef ASY_CLASS_H
#define ASY_CLASS_H

#include "vm/vm.h"

/* BUILD_CLASS: slot[0] body function, slot[1] name, slot[2] bases, slot[3] kwnames or
** None, slot[4..4+nkw) keyword values. Returns the class or EXC_VAL. */
Value asy_build_class(VM *vm, Value *slot, int nkw);

/* descr.__get__(obj, cls) for a value found on a class (obj UNDEF: accessed through
** the class): functions/natives bind, staticmethod unwraps, classmethod binds cls,
** property calls its getter, user descriptors get __get__ called. */
Value asy_bind(VM *vm, Value descr, Value obj, ObjClass *cls, ObjStr *name);

/* A property (kind 0), staticmethod (1) or classmethod (2) object around fget. */
ObjWrapper *asy_wrapper_new(VM *vm, int kind, Value fget);
/* A read-only property whose getter is a native (args[0] is the instance), as CPython's
** getset/member descriptors (range.start, function.__name__ …). */
void asy_def_property(VM *vm, ObjClass *cls, const char *name, NativeFn get);

/* type.__call__(cls, *args, **kw): __new__ then __init__, past any metaclass __call__
** (vm/call.c). */
Value asy_type_call(VM *vm, Value cls, int argc, Value *args, ObjDict *kw);

/* An instance of cls (a CLASS_BOXED subclass of int or float) standing for value. */
Value asy_boxed_new(VM *vm, ObjClass *cls, Value value);

/* repr `<class '__main__.Foo'>`. */
Value asy_class_repr(VM *vm, ObjClass *c);

/* Fill object, type, NoneType, property/staticmethod/classmethod, super and the types of
** func.c, range.c, iter.c and protocol.c (vm_new's init hook for the object side). */
void asy_init_object_types(VM *vm);

#endif
