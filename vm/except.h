/*
** except.h — exceptions beyond the raising API of vm.h (except.c): matching for `except`
** and `except*`, syntax/name/attribute errors, re-raising, the C-level slots, and what
** the exceptions area shares inside itself. Groups are in egroup.h, tracebacks and the
** uncaught-error exit in traceback.h, "Did you mean" in suggest.h.
**
** Storage of an exception (ObjException, object.h):
**   args                 the args tuple (never NULL once constructed)
**   cause, context       None or an exception
**   suppress_context     __suppress_context__ (setting __cause__ sets it)
**   base.dict            user attributes and __notes__ (a list), as CPython's __dict__
**   traceback            None, or the head of an immutable chain of traceback entries,
**                        exactly CPython's tb_next chain: each entry is a 3-tuple
**                        (code, instruction index, next entry or None) whose class is
**                        the Python-visible `traceback` class. asy_traceback_add puts a
**                        new entry at the head, so the head is the OUTERMOST frame and
**                        the chain reads in printing order. Entries are never mutated,
**                        so several exceptions may share a chain (with_traceback,
**                        except* wrappers, split results).
**   eg_message           groups: the message str. Any other exception: UNDEF or a
**                        hidden dict of C-level slots (StopIteration.value,
**                        SystemExit.code, OSError.errno/strerror/filename,
**                        SyntaxError.msg/lineno/…, NameError/AttributeError name and
**                        obj, ImportError name/path) — kept out of __dict__ as CPython.
**   eg_exceptions        groups: the tuple of sub-exceptions; else UNDEF.
**
** Re-raising: RERAISE and a bare `raise` must not touch __context__ (as CPython); use
** asy_reraise for them, asy_raise_value for `raise X`, asy_raise_from for `raise X from Y`.
*/
#ifndef ASY_EXCEPT_H
#define ASY_EXCEPT_H

#include "vm/vm.h"

/* Fill the built-in exception classes' dicts (methods, attributes, constructors). */
void asy_init_exception_types(VM *vm);

/* A new, uninitialised-args exception instance of cls (args = ()). */
ObjException *asy_exception_alloc(VM *vm, ObjClass *cls);

/* CHECK_EXC_MATCH: does exception `exc` match `type` (a class or a tuple of classes)?
** TRUE_VAL / FALSE_VAL, or EXC_VAL with CPython's TypeError "catching classes that do
** not inherit from BaseException is not allowed". */
Value asy_exc_match(VM *vm, Value exc, Value type);

/* Set a pending SyntaxError / IndentationError / TabError (MemoryError for
** ASY_ERR_MEMORY) from the front end's AsySyntaxErr (lang/parse.h), with `filename`
** as CPython's SyntaxError.filename. Returns EXC_VAL. */
Value asy_raise_syntax_error(VM *vm, const void *asy_syntax_err, const char *filename);
/* Raise NameError "name 'x' is not defined" and remember CPython 3.13's "Did you
** mean" / "Did you forget to import" hint for printing. The candidates are the
** running frame's locals (locals_or_null, or the top frame's fast locals when it runs
** `code`), globals and builtins. Returns EXC_VAL. */
Value asy_name_error(VM *vm, ObjStr *name, ObjDict *globals, ObjDict *locals_or_null,
                     ObjCode *code);
/* Raise AttributeError "'T' object has no attribute 'x'" (module/type variants as
** CPython) with .name and .obj set; the "Did you mean" hint is computed when printed.
** Returns EXC_VAL. */
Value asy_attribute_error(VM *vm, Value obj, ObjStr *name);

/* Make `exc` pending again without changing its __context__ (bare raise, RERAISE). */
Value asy_reraise(VM *vm, Value exc);
/* `raise exc from cause`: cause an exception instance/class or None (CPython's
** "exception causes must derive from BaseException"); sets __cause__ and
** __suppress_context__, then raises like asy_raise_value. Returns EXC_VAL. */
Value asy_raise_from(VM *vm, Value exc, Value cause);

/* A C-level slot attribute of an exception (e.g. "value" of StopIteration, "code" of
** SystemExit), None when unset. Never fails. */
Value asy_exc_slot(VM *vm, Value exc, const char *name);
/* Set a C-level slot attribute (see above). */
void asy_exc_set_slot(VM *vm, Value exc, const char *name, Value v);

/* Is v an exception group (an instance of BaseExceptionGroup)? */
bool asy_is_exception_group(VM *vm, Value v);

/* ---- internal to the exceptions area (except.c, egroup.c, traceback.c, suggest.c) ---- */

/* A growable malloc'd C string (message and traceback building). */
typedef struct {
  char *s;
  size_t len, cap;
} AsyExBuf;
void asy_exbuf_put(AsyExBuf *b, const char *s, size_t n);
void asy_exbuf_puts(AsyExBuf *b, const char *s);
void asy_exbuf_printf(AsyExBuf *b, const char *fmt, ...);
void asy_exbuf_free(AsyExBuf *b);

/* Exception instance check without a VM class lookup (layout test). */
#define ASY_IS_EXC_INSTANCE(v) IS_EXCEPTION(v)
/* Is v a class deriving from BaseException? */
bool asy_is_exception_class(VM *vm, Value v);
/* issubclass for exception classes, honouring ExceptionGroup's second base Exception. */
bool asy_exc_subclass(VM *vm, ObjClass *sub, ObjClass *cls);
/* PyErr_GivenExceptionMatches for an instance: type a class or (nested) tuple. */
bool asy_exc_given_matches(VM *vm, Value exc, Value type);
/* CPython's _PyEval_CheckExceptStarTypeValid (TypeError and false when invalid). */
bool asy_check_except_star_type(VM *vm, Value type);
/* CPython's TypeError for a method/attribute of `owner` applied to a wrong object:
** slot wrappers (__init__, __str__, __repr__) "require", the others "don't apply". */
Value asy_exc_descr_error(VM *vm, const char *fname, const char *owner, int argc, Value *args);

/* Raise the OSError subclass CPython picks for errno (FileNotFoundError, …) with
** errno, strerror and the filename (NULL: none). Returns EXC_VAL. */
Value asy_raise_errno(VM *vm, int err, ObjStr *filename);

#endif
