/*
** traceback.h — the traceback chain's class and the uncaught-error exit (traceback.c);
** recording and printing are vm.h's asy_traceback_add and asy_print_exception.
*/
#ifndef ASY_TRACEBACK_H
#define ASY_TRACEBACK_H

#include "vm/vm.h"

/* The process exit status for an uncaught exception, printing what CPython prints:
** SystemExit → its code (None 0, int itself, other: str(code) on stderr and 1) with
** no traceback; KeyboardInterrupt → traceback and 130; anything else → traceback, 1. */
int asy_handle_uncaught(VM *vm, Value exc);

/* Print exc's traceback as sys.excepthook does: in CPython 3.13's colours when stderr is
** a terminal and the environment allows (asy_can_colorize). */
void asy_print_traceback(VM *vm, Value exc);
/* CPython's _colorize.can_colorize: PYTHON_COLORS, NO_COLOR, FORCE_COLOR, TERM=dumb,
** then whether stderr is a terminal. */
bool asy_can_colorize(void);

/* The Python-visible `traceback` class (entries of the traceback chain). */
ObjClass *asy_traceback_class(VM *vm);
/* Create the `traceback` class (called by asy_init_exception_types). */
void asy_init_traceback_type(VM *vm);

#endif
