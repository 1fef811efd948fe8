/*
** genericalias.h — types.GenericAlias (`list[int]`) and types.UnionType (`int | str`),
** for the operators of protocol.c and isinstance/issubclass (stdlib).
*/
#ifndef ASY_GENERICALIAS_H
#define ASY_GENERICALIAS_H

#include "vm/vm.h"

/* origin[key] for a built-in generic class (list[int], dict[str, int], type[X]). */
Value asy_generic_alias_new(VM *vm, ObjClass *origin, Value key);
/* True if v may be an operand of `|` building a union: a class, None, an alias or a union. */
bool asy_unionable(VM *vm, Value v);
/* a | b for two unionable operands: a UnionType, or the single member left after
** flattening and removing duplicates. */
Value asy_union_new(VM *vm, Value a, Value b);
/* If v is a types.UnionType (`int | str`), its member classes in *args and true. */
bool asy_union_args(VM *vm, Value v, ObjTuple **args);

#endif
