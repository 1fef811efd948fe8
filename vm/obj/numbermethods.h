/*
** numbermethods.h — the int, bool and float classes' constructors, methods and operator
** dunders (numbermethods.c); the arithmetic itself is number.h's.
*/
#ifndef ASY_NUMBERMETHODS_H
#define ASY_NUMBERMETHODS_H

#include "vm/vm.h"

/* Fill the int, bool and float classes (vm_new's init hook for the numbers). */
void asy_init_number_types(VM *vm);

#endif
