/*
** class.h — what class.c offers the interpreter beyond vm.h and protocol.h: the body of the
** class statement.
*/
#ifndef ASY_CLASS_H
#define ASY_CLASS_H

#include "vm.h"

/* BUILD_CLASS: slot[0] body function, slot[1] name, slot[2] bases, slot[3] kwnames or
** None, slot[4..4+nkw) keyword values. Returns the class or EXC_VAL. */
Value asy_build_class(VM *vm, Value *slot, int nkw);

#endif
