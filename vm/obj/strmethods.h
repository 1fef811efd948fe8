/*
** strmethods.h — the str class's own methods and constructor (strmethods.c); the methods
** str shares with bytes are strspan.h's.
*/
#ifndef ASY_STRMETHODS_H
#define ASY_STRMETHODS_H

#include "vm/vm.h"

/* Fill the str and bytes classes (vm_new's init hook for the strings). */
void asy_init_str_types(VM *vm);

#endif
