/*
** numbermethods.h — the int, bool and float classes' constructors, methods and operator
** dunders (numbermethods.c); the arithmetic itself is number.h's.
*/
#ifndef ASY_NUMBERMETHODS_H
#define ASY_NUMBERMETHODS_H

#include "vm/vm.h"

/* Fill the int, bool and float classes (vm_new's init hook for the numbers). */
void asy_init_number_types(VM *vm);
/* round(v, nd) for an int or float v (nd UNDEF or None when absent), CPython's rules. */
Value asy_number_round(VM *vm, Value v, Value nd);

#endif
