/*
** suggest.h — "Did you mean" hints for NameError and AttributeError, and the closest
** name for call.c's keyword-argument errors (suggest.c, CPython 3.13's rules).
*/
#ifndef ASY_SUGGEST_H
#define ASY_SUGGEST_H

#include "vm/except.h"

/* Append the "Did you mean" suffix of an uncaught NameError/AttributeError to `out`
** when a hint applies. */
void asy_suggestion_suffix(VM *vm, Value exc, AsyExBuf *out);
/* Compute and store a NameError's hint at raise time. */
void asy_name_error_hint(VM *vm, Value exc, ObjStr *name, ObjDict *globals, ObjDict *locals_or_null,
                         ObjCode *code);
/* The closest of cands[0..n) to name by CPython's suggestion rules, or NULL (used by
** call.c for "got an unexpected keyword argument 'x'. Did you mean 'y'?"). */
ObjStr *asy_suggest_name(VM *vm, ObjStr *name, ObjStr **candidates, int n);
/* Record whether the running frame's `self` is obj for an AttributeError. */
void asy_attribute_error_hint(VM *vm, Value exc, Value obj);

#endif
