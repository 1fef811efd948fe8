/*
** strspan.h — the methods str and bytes share (find, split, strip, replace, join, the
** case mappings, the is*() predicates, the operator dunders), written once.
**
** Each native sees its receiver as a span: the bytes of a str (UTF-8) or of a bytes
** object. What differs between the two kinds is small and kept in one place each: a
** str's items are code points (indexes scripts see are converted from byte offsets, and
** whitespace, line breaks and case follow Unicode) while a bytes' items are bytes (ASCII
** rules); results are built as the receiver's kind; and the TypeErrors for an argument
** of the wrong kind keep CPython's wording for each (str methods each word their own,
** bytes methods say "a bytes-like object is required"). The receiver check of the
** method tables (vm.h) guarantees args[0] is a str for str's methods and a bytes for
** bytes', so the natives only ask which one it is.
*/
#ifndef ASY_STRSPAN_H
#define ASY_STRSPAN_H

#include "vm/vm.h"

/* repr() of a str or a bytes. */
Value asy_span_repr(VM *vm, Value v);

/* Install the shared methods, and the ones whose policy differs by kind, into cls
** (vm->types.str or vm->types.bytes). */
void asy_def_span_methods(VM *vm, ObjClass *cls);

#endif
