/*
** disasm.h — a CPython-`dis`-like listing of compiled code, for `asy --dis`.
*/
#ifndef ASY_DISASM_H
#define ASY_DISASM_H

#include <stdio.h>

#include "vm.h"

/* Print `code` and, recursively, every code object among its constants. */
void asy_disassemble(VM *vm, ObjCode *code, FILE *out);

#endif
