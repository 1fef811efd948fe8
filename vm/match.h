/*
** match.h — the runtime half of the `match` statement (PEP 634): what the MATCH_*
** opcodes ask of a subject, with CPython 3.13's semantics and error messages
** (ceval.c's match_class / match_keys, the MATCH_SEQUENCE/MAPPING type flags).
*/
#ifndef ASY_MATCH_H
#define ASY_MATCH_H

#include "vm/vm.h"

/* MATCH_SEQUENCE: does v's type count as a sequence (list, tuple, range, deque and
** their subclasses; never str, bytes)? */
bool asy_match_is_sequence(VM *vm, Value v);
/* MATCH_MAPPING: does v's type count as a mapping (dict and its subclasses)? */
bool asy_match_is_mapping(VM *vm, Value v);
/* MATCH_KEYS: a tuple of subject's values for keys (a tuple), looked up through
** subject.get(key, sentinel); None when a key is missing; EXC_VAL on error. */
Value asy_match_keys(VM *vm, Value subject, Value keys);
/* MATCH_CLASS: a tuple of the nargs positional attributes (through __match_args__)
** and then the attributes named in `names`; None when subject is no instance of cls
** or an attribute is missing; EXC_VAL on error. */
Value asy_match_class(VM *vm, Value subject, Value cls, int nargs, Value names);

#endif
