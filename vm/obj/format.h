/*
** format.h — format() and its mini-language, str.format, and %-formatting.
**
** The spec grammar is CPython's
**   [[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type]
** with its per-type rules and error messages. asy_format (vm.h) dispatches: int, bool,
** float and str are formatted here directly; any other value goes through its class's
** __format__, and a class without one gets object.__format__'s behaviour
** (asy_object_format).
*/
#ifndef ASY_FORMAT_H
#define ASY_FORMAT_H

#include "vm/obj/str.h"

/* The built-in types' __format__ bodies (spec may be empty). */
Value asy_format_int(VM *vm, Value v, ObjStr *spec); /* int or bool */
Value asy_format_float(VM *vm, double d, ObjStr *spec);
Value asy_format_str(VM *vm, ObjStr *s, ObjStr *spec);
/* object.__format__: str(v) for an empty spec, else CPython's TypeError
** ("unsupported format string passed to Foo.__format__"). */
Value asy_object_format(VM *vm, Value v, ObjStr *spec);

/* fmt.format(*args, **kw). */
Value asy_str_format(VM *vm, ObjStr *fmt, int argc, const Value *args, ObjDict *kw);
/* fmt.format_map(mapping): keyword fields are looked up with mapping[key]. */
Value asy_str_format_map(VM *vm, ObjStr *fmt, Value mapping);

/* ascii(v): repr(v) with non-ASCII characters escaped. */
Value asy_ascii(VM *vm, Value v);

/* fmt % args for str (printf-style formatting, CPython's PyUnicode_Format). */
Value asy_str_percent(VM *vm, ObjStr *fmt, Value args);
/* fmt % args for bytes: %s/%b take bytes, %r/%a give the ASCII repr. */
Value asy_bytes_percent(VM *vm, ObjBytes *fmt, Value args);

#endif
