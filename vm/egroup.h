/*
** egroup.h — BaseExceptionGroup / ExceptionGroup (PEP 654) and the interpreter's
** except* steps (egroup.c).
*/
#ifndef ASY_EGROUP_H
#define ASY_EGROUP_H

#include "vm/vm.h"

/* CHECK_EG_MATCH for `except* type`: sets *match (None, or a group of the matching
** leaves; a naked matching exception is wrapped in ExceptionGroup("", [exc])) and
** *rest (None or what is left). Returns false with an exception pending on error,
** including CPython's TypeError for `except* ExceptionGroup`. The caller makes *match
** the handled exception when it is not None, as CPython. */
bool asy_eg_match(VM *vm, Value eg, Value type, Value *rest, Value *match);
/* CALL_INTRINSIC_2 PREP_RERAISE_STAR: what an except* block re-raises when it ends:
** `orig` is the exception that entered the try, `excs_list` a list of what each clause
** raised or re-raised (None for nothing) plus the unmatched rest. None or an exception. */
Value asy_prep_reraise_star(VM *vm, Value orig, Value excs_list);
/* Create (not raise) a group: cls(message, excs) with CPython's constructor checks
** (BaseExceptionGroup becomes ExceptionGroup when every item is an Exception). */
Value asy_exception_group_new(VM *vm, ObjClass *cls, ObjStr *message, Value excs);
/* Fill BaseExceptionGroup/ExceptionGroup (called by asy_init_exception_types). */
void asy_init_exception_groups(VM *vm);

#endif
