/*
** typeparams.h — the runtime of PEP 695 syntax (def f[T], class C[T], type X = ...):
** the type-parameter intrinsics, which make their objects through typing's
** _pep695_* helpers so that TypeVar and friends stay one class each.
*/
#ifndef ASY_TYPEPARAMS_H
#define ASY_TYPEPARAMS_H

#include "vm/vm.h"

/* CALL_INTRINSIC_1 argument `which` (an AsyIntrinsic1 for type parameters) on v. */
Value asy_intrinsic_typing1(VM *vm, int which, Value v);
/* CALL_INTRINSIC_2 argument `which` (an AsyIntrinsic2 for type parameters) on a, b. */
Value asy_intrinsic_typing2(VM *vm, int which, Value a, Value b);

#endif
