/*
** native_modules.h — initialisers of the native halves of modules written in Asy
** (registered for import by lib_modules.c; each is a NativeFn called once with the
** module as args[0]).
*/
#ifndef ASY_NATIVE_MODULES_H
#define ASY_NATIVE_MODULES_H

#include "vm/vm.h"

/* `_re`: pattern translation and matching on PCRE2, under re.asy (re_engine.c). */
Value asy_mod_re_init(VM *vm, int argc, Value *args, ObjDict *kw);

/* `_struct`: calcsize, pack, unpack, unpack_from under struct.asy (struct.c). */
Value asy_mod_struct_init(VM *vm, int argc, Value *args, ObjDict *kw);

/* `_gc`: collect and get_count under gc.asy (gcmodule.c). */
Value asy_mod_gc_init(VM *vm, int argc, Value *args, ObjDict *kw);

/* `cmath`: functions of complex numbers (cmath.c). */
Value asy_mod_cmath_init(VM *vm, int argc, Value *args, ObjDict *kw);

#endif
