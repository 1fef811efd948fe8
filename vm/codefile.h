/*
** codefile.h — code objects to bytes and back (CPython's marshal for .pyc, in small).
**
** The library modules written in Asy are compiled when the interpreter is built
** (tools/freeze.c) and carried in the binary as these bytes, so `import asyncio` loads
** code instead of parsing and compiling ~3,000 lines at every start. The format is
** private to one build: a magic word, then one code object, its constants inline
** (None, bools, ints, floats, str, bytes, tuples, Ellipsis, nested code objects).
** Strings come back interned, as the compiler's names are.
*/
#ifndef ASY_CODEFILE_H
#define ASY_CODEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vm/vm.h"

/* Write code (and everything it holds) to out. False if a constant has a kind the
** format does not carry, or on a write error (a message goes to stderr). */
bool asy_code_write(VM *vm, ObjCode *code, FILE *out);
/* Read a code object written by asy_code_write; its code objects get `source` (for
** traceback lines) and their file name from what was written. NULL with an exception
** pending if the bytes are not a code file of this build. */
ObjCode *asy_code_read(VM *vm, const unsigned char *bytes, size_t size, struct AsySource *source);

#endif
