/*
** disasm.h — a CPython-`dis`-like listing of compiled code, for `asy --dis`.
*/
#ifndef ASY_DISASM_H
#define ASY_DISASM_H

#include <stdio.h>

#include "vm/vm.h"

/* Print `code` and, recursively, every code object among its constants. */
void asy_disassemble(VM *vm, ObjCode *code, FILE *out);
/* The printable name of an opcode (its row in opcodes.h). */
const char *asy_opcode_name(int op);

#endif
