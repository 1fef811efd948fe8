/*
** except.c — exception objects and raising.
**
** BaseException and its built-in subclasses are ObjException structs (object.h). The
** Python-visible attributes CPython keeps in C struct members (args, __cause__, …,
** StopIteration.value, OSError.errno, SyntaxError.lineno …) are properties in the
** class dicts whose getters read the struct or the hidden slots dict (except.h), so
** they never show up in __dict__ and a subclass's own __init__ can still set them.
**
** Raising follows CPython's _PyErr_SetObject: the new exception's __context__ becomes
** the exception currently being handled (vm->fiber->handling), breaking any cycle that
** would create, as CPython does.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lang/parse.h"
#include "vm/egroup.h"
#include "vm/except.h"
#include "vm/gc.h"
#include "vm/gen.h"
#include "vm/obj/str.h"
#include "vm/obj/tuple.h"
#include "vm/suggest.h"
#include "vm/traceback.h"

/* ---- growable C strings --------------------------------------------------------- */

void asy_exbuf_put(AsyExBuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) abort();
    b->s = p;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void asy_exbuf_puts(AsyExBuf *b, const char *s) { asy_exbuf_put(b, s, strlen(s)); }

void asy_exbuf_printf(AsyExBuf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    asy_exbuf_put(b, small, (size_t)n);
    return;
  }
  char *big = malloc((size_t)n + 1);
  if (!big) abort();
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  asy_exbuf_put(b, big, (size_t)n);
  free(big);
}

void asy_exbuf_free(AsyExBuf *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

/* ---- classes and slots ------------------------------------------------------------ */

bool asy_exc_subclass(VM *vm, ObjClass *sub, ObjClass *cls) {
  for (ObjClass *c = sub; c; c = c->base) {
    if (c == cls) return true;
    /* ExceptionGroup's MRO is (ExceptionGroup, BaseExceptionGroup, Exception, …):
       Exception is its one base not on the single-inheritance chain. */
    if (c == vm->exc.ExceptionGroup && cls == vm->exc.Exception) return true;
  }
  return (sub->flags & CLASS_MRO) && asy_is_subclass(sub, cls); /* multiple inheritance */
}

bool asy_is_exception_class(VM *vm, Value v) {
  return IS_CLASS(v) && asy_exc_subclass(vm, AS_CLASS(v), vm->exc.BaseException);
}

bool asy_is_exception_group(VM *vm, Value v) {
  return IS_EXCEPTION(v) && asy_exc_subclass(vm, AS_OBJ(v)->cls, vm->exc.BaseExceptionGroup);
}

static ObjStr *intern(VM *vm, const char *s) { return asy_str_intern(vm, s, strlen(s)); }

/* The hidden slots dict of a non-group exception (except.h), created on demand. */
static ObjDict *slots_dict(VM *vm, ObjException *e, bool create) {
  if (IS_DICT(e->eg_message)) return AS_DICT(e->eg_message);
  if (!create || !IS_UNDEF(e->eg_message)) return NULL;
  ObjDict *d = asy_dict_new(vm);
  e->eg_message = OBJ_VAL(d);
  return d;
}

Value asy_exc_slot(VM *vm, Value exc, const char *name) {
  if (!IS_EXCEPTION(exc)) return NONE_VAL;
  ObjDict *d = slots_dict(vm, AS_EXCEPTION(exc), false);
  if (!d) return NONE_VAL;
  Value v = asy_dict_get_str(d, intern(vm, name));
  return IS_UNDEF(v) ? NONE_VAL : v;
}

/* UNDEF when the slot was never set (CPython's NULL member). */
static Value slot_raw(VM *vm, Value exc, const char *name) {
  ObjDict *d = slots_dict(vm, AS_EXCEPTION(exc), false);
  if (!d) return UNDEF_VAL;
  return asy_dict_get_str(d, intern(vm, name));
}

void asy_exc_set_slot(VM *vm, Value exc, const char *name, Value v) {
  if (!IS_EXCEPTION(exc)) return;
  ObjStr *key = intern(vm, name);
  ObjDict *d = slots_dict(vm, AS_EXCEPTION(exc), true);
  if (d) asy_dict_set_str(vm, d, key, v);
}

ObjException *asy_exception_alloc(VM *vm, ObjClass *cls) {
  ObjTuple *empty = asy_tuple_new(vm, 0);
  ObjDict *dict = asy_dict_new(vm);
  ObjException *e = (ObjException *)asy_alloc_obj(vm, sizeof(ObjException), OBJ_EXCEPTION, cls);
  e->base.dict = dict;
  e->args = empty;
  e->cause = NONE_VAL;
  e->context = NONE_VAL;
  e->suppress_context = false;
  e->traceback = NONE_VAL;
  e->eg_message = UNDEF_VAL;
  e->eg_exceptions = UNDEF_VAL;
  return e;
}

/* ---- per-class construction (CPython's *_init functions) -------------------------- */

typedef enum {
  /* clang-format off */
  KIND_BASE, KIND_STOPITER, KIND_SYSEXIT, KIND_OSERROR, KIND_IMPORT, KIND_NAME,
  KIND_ATTR, KIND_SYNTAX, KIND_UNICODE_DECODE, KIND_GROUP
} ExcKind;
/* clang-format on */

static ExcKind exc_kind(VM *vm, ObjClass *cls) {
  for (ObjClass *c = cls; c; c = c->base) {
    if (c == vm->exc.StopIteration) return KIND_STOPITER;
    if (c == vm->exc.SystemExit) return KIND_SYSEXIT;
    if (c == vm->exc.OSError) return KIND_OSERROR;
    if (c == vm->exc.ImportError) return KIND_IMPORT;
    if (c == vm->exc.NameError) return KIND_NAME;
    if (c == vm->exc.AttributeError) return KIND_ATTR;
    if (c == vm->exc.SyntaxError) return KIND_SYNTAX;
    if (c == vm->exc.UnicodeDecodeError || c == vm->exc.UnicodeEncodeError)
      return KIND_UNICODE_DECODE;
    if (c == vm->exc.BaseExceptionGroup) return KIND_GROUP;
  }
  return KIND_BASE;
}

/* Keyword arguments accepted by a kind's __init__ (NULL: none). */
static const char *const *kind_keywords(ExcKind k) {
  static const char *const name_kw[] = {"name", NULL};
  static const char *const attr_kw[] = {"name", "obj", NULL};
  static const char *const import_kw[] = {"name", "path", "name_from", NULL};
  switch (k) {
  case KIND_NAME: return name_kw;
  case KIND_ATTR: return attr_kw;
  case KIND_IMPORT: return import_kw;
  default: return NULL;
  }
}

static const char *kind_class_name(ExcKind k) {
  switch (k) {
  case KIND_NAME: return "NameError";
  case KIND_ATTR: return "AttributeError";
  case KIND_IMPORT: return "ImportError";
  default: return "";
  }
}

static bool kw_nonempty(ObjDict *kw) { return kw && kw->count > 0; }

/* Check kw against a kind's accepted keywords, CPython's messages. */
static bool check_init_kw(VM *vm, ObjException *e, ExcKind kind, ObjDict *kw) {
  if (!kw_nonempty(kw)) return true;
  const char *const *allowed = kind_keywords(kind);
  if (!allowed) {
    asy_raise(vm, vm->exc.TypeError, "%s() takes no keyword arguments",
              e->base.obj.cls->name->chars);
    return false;
  }
  for (size_t i = 0; i < kw->used; i++) {
    Value k = asy_dict_key(kw, i);
    if (IS_UNDEF(k)) continue;
    bool ok = false;
    if (IS_STR(k))
      for (int j = 0; allowed[j]; j++)
        if (strcmp(AS_STR(k)->chars, allowed[j]) == 0) ok = true;
    if (!ok) {
      if (IS_STR(k))
        asy_raise(vm, vm->exc.TypeError, "%s() got an unexpected keyword argument '%s'",
                  kind_class_name(kind), AS_STR(k)->chars);
      else asy_raise(vm, vm->exc.TypeError, "keywords must be strings");
      return false;
    }
  }
  return true;
}

static void set_kw_slots(VM *vm, Value self, ObjDict *kw, ExcKind kind) {
  const char *const *allowed = kind_keywords(kind);
  if (!kw || !allowed) return;
  for (int j = 0; allowed[j]; j++) {
    Value v = asy_dict_get_str(kw, intern(vm, allowed[j]));
    if (!IS_UNDEF(v) && !IS_EXC(v)) asy_exc_set_slot(vm, self, allowed[j], v);
  }
}

/* OSError(errno, strerror[, filename[, winerror[, filename2]]]). */
static void parse_oserror(VM *vm, Value self, int argc, Value *argv) {
  ObjException *e = AS_EXCEPTION(self);
  if (argc < 2 || argc > 5) return;
  asy_exc_set_slot(vm, self, "errno", argv[0]);
  asy_exc_set_slot(vm, self, "strerror", argv[1]);
  if (argc >= 3 && !IS_NONE(argv[2])) {
    asy_exc_set_slot(vm, self, "filename", argv[2]);
    if (argc == 5 && !IS_NONE(argv[4])) asy_exc_set_slot(vm, self, "filename2", argv[4]);
    /* CPython keeps only (errno, strerror) in args when a filename is given. */
    e->args = asy_tuple_from(vm, 2, argv);
  }
}

static bool parse_syntax_error(VM *vm, Value self, int argc, Value *argv) {
  if (argc >= 1) asy_exc_set_slot(vm, self, "msg", argv[0]);
  if (argc != 2) return true;
  Value info = asy_tuple_from_iterable(vm, argv[1]);
  if (IS_EXC(info)) return false;
  ObjTuple *t = AS_TUPLE(info);
  if (t->size < 4 || t->size > 7) {
    if (t->size < 4)
      asy_raise(vm, vm->exc.TypeError, "function takes at least 4 arguments (%d given)",
                (int)t->size);
    else
      asy_raise(vm, vm->exc.TypeError, "function takes at most 7 arguments (%d given)",
                (int)t->size);
    return false;
  }
  static const char *const names[] = {"filename", "lineno",     "offset",
                                      "text",     "end_lineno", "end_offset"};
  for (size_t i = 0; i < t->size && i < 6; i++) asy_exc_set_slot(vm, self, names[i], t->items[i]);
  if (t->size == 5) {
    asy_raise(vm, vm->exc.ValueError, "end_offset must be provided when end_lineno is provided");
    return false;
  }
  return true;
}

/* Everything BaseException.__init__ and the subclass inits do after the kw check. */
static bool init_slots(VM *vm, Value self, ExcKind kind, int argc, Value *argv, ObjDict *kw) {
  ObjException *e = AS_EXCEPTION(self);
  e->args = asy_tuple_from(vm, (size_t)argc, argv);
  switch (kind) {
  case KIND_STOPITER: asy_exc_set_slot(vm, self, "value", argc > 0 ? argv[0] : NONE_VAL); break;
  case KIND_SYSEXIT:
    asy_exc_set_slot(vm, self, "code",
                     argc == 0   ? NONE_VAL
                     : argc == 1 ? argv[0]
                                 : OBJ_VAL(e->args));
    break;
  case KIND_OSERROR: parse_oserror(vm, self, argc, argv); break;
  case KIND_IMPORT:
    asy_exc_set_slot(vm, self, "msg", argc == 1 ? argv[0] : NONE_VAL);
    set_kw_slots(vm, self, kw, kind);
    break;
  case KIND_NAME:
  case KIND_ATTR: set_kw_slots(vm, self, kw, kind); break;
  case KIND_SYNTAX: return parse_syntax_error(vm, self, argc, argv);
  case KIND_UNICODE_DECODE:
    if (argc == 5) {
      static const char *const names[] = {"encoding", "object", "start", "end", "reason"};
      for (int i = 0; i < 5; i++) asy_exc_set_slot(vm, self, names[i], argv[i]);
    }
    break;
  default: break;
  }
  return true;
}

/* CPython's errno → OSError subclass map, for the subclasses Asy has. */
static ObjClass *oserror_subclass(VM *vm, int64_t code) {
  switch (code) {
  case EPIPE:
  case ESHUTDOWN: return vm->exc.BrokenPipeError;
  case ECONNREFUSED: return vm->exc.ConnectionRefusedError;
  case ECONNRESET: return vm->exc.ConnectionResetError;
  case EEXIST: return vm->exc.FileExistsError;
  case ENOENT: return vm->exc.FileNotFoundError;
  case EISDIR: return vm->exc.IsADirectoryError;
  case EACCES:
  case EPERM: return vm->exc.PermissionError;
  case ETIMEDOUT: return vm->exc.TimeoutError;
  default: return NULL;
  }
}

Value asy_new_exception(VM *vm, ObjClass *cls, int argc, Value *args) {
  ExcKind kind = exc_kind(vm, cls);
  if (!(cls->flags & CLASS_BUILTIN) || kind == KIND_GROUP) {
    /* A user class may define __init__/__new__: construct it the Python way. */
    Value r = asy_call(vm, OBJ_VAL(cls), argc, args, NULL);
    if (IS_EXC(r)) return r;
    if (!IS_EXCEPTION(r))
      return asy_raise(vm, vm->exc.TypeError,
                       "calling %R should have returned an instance of BaseException, not %N",
                       OBJ_VAL(cls), r);
    return r;
  }
  if (cls == vm->exc.OSError && argc >= 2 && IS_INTLIKE(args[0])) {
    ObjClass *sub = oserror_subclass(vm, AS_INTLIKE(args[0]));
    if (sub) cls = sub;
  }
  ObjException *e = asy_exception_alloc(vm, cls);
  if (!init_slots(vm, OBJ_VAL(e), kind, argc, args, NULL)) return EXC_VAL;
  return OBJ_VAL(e);
}

/* ---- raising ------------------------------------------------------------------------ */

/* CPython's _PyErr_SetObject context rule, with its Floyd cycle guard. */
static void set_context(VM *vm, Value exc) {
  Value handled = asy_handled_exception(vm);
  if (!IS_EXCEPTION(handled) || asy_same(handled, exc)) return;
  Value o = handled, slow = handled;
  bool toggle = false;
  for (;;) {
    Value ctx = AS_EXCEPTION(o)->context;
    if (!IS_EXCEPTION(ctx)) break;
    if (asy_same(ctx, exc)) {
      AS_EXCEPTION(o)->context = NONE_VAL;
      break;
    }
    o = ctx;
    if (asy_same(o, slow)) break; /* a pre-existing cycle: all of it was checked */
    if (toggle) slow = AS_EXCEPTION(slow)->context;
    toggle = !toggle;
  }
  AS_EXCEPTION(exc)->context = handled;
}

/* An exception class or instance → instance (calling the class), else TypeError. */
static Value instantiate(VM *vm, Value exc, const char *not_exc_msg) {
  if (IS_CLASS(exc) && asy_is_exception_class(vm, exc)) {
    Value r = asy_call(vm, exc, 0, NULL, NULL);
    if (IS_EXC(r)) return r;
    if (!IS_EXCEPTION(r))
      return asy_raise(vm, vm->exc.TypeError,
                       "calling %R should have returned an instance of BaseException, not %R", exc,
                       OBJ_VAL(asy_class_of(vm, r)));
    return r;
  }
  if (IS_EXCEPTION(exc)) return exc;
  return asy_raise(vm, vm->exc.TypeError, "%s", not_exc_msg);
}

Value asy_raise_value(VM *vm, Value exc) {
  exc = instantiate(vm, exc, "exceptions must derive from BaseException");
  if (IS_EXC(exc)) return exc;
  set_context(vm, exc);
  vm->fiber->exc = exc;
  return EXC_VAL;
}

Value asy_reraise(VM *vm, Value exc) {
  vm->fiber->exc = exc;
  return EXC_VAL;
}

Value asy_raise_from(VM *vm, Value exc, Value cause) {
  exc = instantiate(vm, exc, "exceptions must derive from BaseException");
  if (IS_EXC(exc)) return exc;
  asy_push_root(vm, exc);
  Value fixed = NONE_VAL;
  if (!IS_NONE(cause)) {
    fixed = instantiate(vm, cause, "exception causes must derive from BaseException");
    if (IS_EXC(fixed)) return fixed;
  }
  AS_EXCEPTION(exc)->cause = fixed;
  AS_EXCEPTION(exc)->suppress_context = true;
  set_context(vm, exc);
  vm->fiber->exc = exc;
  return EXC_VAL;
}

Value asy_pending(VM *vm) { return vm->fiber->exc; }

void asy_clear_pending(VM *vm) { vm->fiber->exc = UNDEF_VAL; }

bool asy_pending_is(VM *vm, ObjClass *cls) {
  Value e = vm->fiber->exc;
  return IS_EXCEPTION(e) && asy_exc_subclass(vm, AS_OBJ(e)->cls, cls);
}

/* Append one printf conversion (spec[0..n) including '%') consuming its argument. */
static void format_one(AsyExBuf *b, const char *spec, size_t n, va_list *ap) {
  char f[32];
  if (n >= sizeof f) n = sizeof f - 1;
  memcpy(f, spec, n);
  f[n] = '\0';
  char conv = spec[n - 1];
  /* Star width / precision come first in the argument list. */
  int stars[2], nstars = 0;
  for (size_t i = 1; i + 1 < n; i++)
    if (spec[i] == '*' && nstars < 2) stars[nstars++] = va_arg(*ap, int);
  char lm[3] = {0};
  size_t li = 0;
  for (size_t i = 1; i + 1 < n; i++)
    if (strchr("hlzjtL", spec[i]) && li < 2) lm[li++] = spec[i];
#define EMIT(arg) \
  do { \
    if (nstars == 2) asy_exbuf_printf(b, f, stars[0], stars[1], arg); \
    else if (nstars == 1) asy_exbuf_printf(b, f, stars[0], arg); \
    else asy_exbuf_printf(b, f, arg); \
  } while (0)
  switch (conv) {
  case 'd':
  case 'i':
    if (!strcmp(lm, "l")) EMIT(va_arg(*ap, long));
    else if (!strcmp(lm, "ll")) EMIT(va_arg(*ap, long long));
    else if (!strcmp(lm, "z")) EMIT(va_arg(*ap, size_t));
    else if (!strcmp(lm, "j")) EMIT(va_arg(*ap, intmax_t));
    else if (!strcmp(lm, "t")) EMIT(va_arg(*ap, ptrdiff_t));
    else EMIT(va_arg(*ap, int));
    break;
  case 'u':
  case 'x':
  case 'X':
  case 'o':
    if (!strcmp(lm, "l")) EMIT(va_arg(*ap, unsigned long));
    else if (!strcmp(lm, "ll")) EMIT(va_arg(*ap, unsigned long long));
    else if (!strcmp(lm, "z")) EMIT(va_arg(*ap, size_t));
    else if (!strcmp(lm, "j")) EMIT(va_arg(*ap, uintmax_t));
    else if (!strcmp(lm, "t")) EMIT(va_arg(*ap, ptrdiff_t));
    else EMIT(va_arg(*ap, unsigned));
    break;
  case 'c': EMIT(va_arg(*ap, int)); break;
  case 's': EMIT(va_arg(*ap, const char *)); break;
  case 'p': EMIT(va_arg(*ap, void *)); break;
  case 'f':
  case 'F':
  case 'g':
  case 'G':
  case 'e':
  case 'E':
  case 'a':
  case 'A':
    if (!strcmp(lm, "L")) EMIT(va_arg(*ap, long double));
    else EMIT(va_arg(*ap, double));
    break;
  default: asy_exbuf_put(b, spec, n); break;
  }
#undef EMIT
}

/* Format `fmt` with printf conversions plus %S (str), %R (repr), %N (type name).
** Returns false if a str()/repr() raised (that exception is then pending). */
static bool format_message(VM *vm, AsyExBuf *b, const char *fmt, va_list *ap) {
  const char *p = fmt;
  while (*p) {
    if (*p != '%') {
      const char *q = strchr(p, '%');
      size_t n = q ? (size_t)(q - p) : strlen(p);
      asy_exbuf_put(b, p, n);
      p += n;
      continue;
    }
    if (p[1] == '%') {
      asy_exbuf_put(b, "%", 1);
      p += 2;
      continue;
    }
    if (p[1] == 'S' || p[1] == 'R' || p[1] == 'N') {
      Value v = va_arg(*ap, Value);
      if (p[1] == 'N') {
        asy_exbuf_puts(b, asy_type_name(vm, v));
      } else {
        Value s = p[1] == 'S' ? asy_str(vm, v) : asy_repr(vm, v);
        if (IS_EXC(s)) return false;
        asy_exbuf_put(b, AS_STR(s)->chars, AS_STR(s)->size);
      }
      p += 2;
      continue;
    }
    const char *q = p + 1;
    while (*q && strchr("-+ #0123456789.*hlzjtL", *q)) q++;
    if (!*q) {
      asy_exbuf_puts(b, p);
      break;
    }
    format_one(b, p, (size_t)(q - p + 1), ap);
    p = q + 1;
  }
  return true;
}

Value asy_raise(VM *vm, ObjClass *cls, const char *fmt, ...) {
  AsyExBuf b = {0};
  asy_exbuf_put(&b, "", 0);
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    bool ok = format_message(vm, &b, fmt, &ap);
    va_end(ap);
    if (!ok) {
      asy_exbuf_free(&b);
      return EXC_VAL;
    }
  }
  Value exc;
  if (fmt) {
    Value msg = OBJ_VAL(asy_str_new(vm, b.s, b.len));
    exc = asy_new_exception(vm, cls, 1, &msg);
  } else {
    exc = asy_new_exception(vm, cls, 0, NULL);
  }
  asy_exbuf_free(&b);
  if (IS_EXC(exc)) return exc;
  return asy_raise_value(vm, exc);
}

/* ---- matching ------------------------------------------------------------------------ */

#define CANNOT_CATCH_MSG "catching classes that do not inherit from BaseException is not allowed"

static bool given_matches(VM *vm, ObjClass *cls, Value type) {
  if (IS_TUPLE(type)) {
    ObjTuple *t = AS_TUPLE(type);
    for (size_t i = 0; i < t->size; i++)
      if (given_matches(vm, cls, t->items[i])) return true;
    return false;
  }
  return IS_CLASS(type) && asy_exc_subclass(vm, cls, AS_CLASS(type));
}

/* CPython's _PyEval_CheckExceptTypeValid. */
static bool check_except_type(VM *vm, Value type) {
  if (IS_TUPLE(type)) {
    ObjTuple *t = AS_TUPLE(type);
    for (size_t i = 0; i < t->size; i++)
      if (!asy_is_exception_class(vm, t->items[i])) {
        asy_raise(vm, vm->exc.TypeError, CANNOT_CATCH_MSG);
        return false;
      }
    return true;
  }
  if (!asy_is_exception_class(vm, type)) {
    asy_raise(vm, vm->exc.TypeError, CANNOT_CATCH_MSG);
    return false;
  }
  return true;
}

Value asy_exc_match(VM *vm, Value exc, Value type) {
  if (!check_except_type(vm, type)) return EXC_VAL;
  if (!IS_OBJ(exc)) return FALSE_VAL;
  return BOOL_VAL(given_matches(vm, asy_class_of(vm, exc), type));
}

bool asy_exc_given_matches(VM *vm, Value exc, Value type) {
  return IS_OBJ(exc) && given_matches(vm, asy_class_of(vm, exc), type);
}

bool asy_check_except_star_type(VM *vm, Value type) {
  if (!check_except_type(vm, type)) return false;
  bool is_group = false;
  if (IS_TUPLE(type)) {
    ObjTuple *t = AS_TUPLE(type);
    for (size_t i = 0; i < t->size && !is_group; i++)
      is_group = asy_exc_subclass(vm, AS_CLASS(t->items[i]), vm->exc.BaseExceptionGroup);
  } else {
    is_group = asy_exc_subclass(vm, AS_CLASS(type), vm->exc.BaseExceptionGroup);
  }
  if (is_group) {
    asy_raise(vm, vm->exc.TypeError,
              "catching ExceptionGroup with except* is not allowed. Use except instead.");
    return false;
  }
  return true;
}

/* ---- special raises ---------------------------------------------------------------- */

static Value opt_int(int v) { return v ? INT_VAL(v) : NONE_VAL; }

Value asy_raise_syntax_error(VM *vm, const void *asy_syntax_err, const char *filename) {
  const AsySyntaxErr *se = asy_syntax_err;
  ObjClass *cls;
  switch (se->kind) {
  case ASY_ERR_INDENTATION: cls = vm->exc.IndentationError; break;
  case ASY_ERR_TAB: cls = vm->exc.TabError; break;
  case ASY_ERR_MEMORY: return asy_raise(vm, vm->exc.MemoryError, "%s", se->msg);
  case ASY_ERR_RECURSION: return asy_raise(vm, vm->exc.RecursionError, "%s", se->msg);
  default: cls = vm->exc.SyntaxError; break;
  }
  Value info[6];
  info[0] = filename && !se->no_location ? STR_VAL(vm, filename) : NONE_VAL;
  info[1] = opt_int(se->lineno);
  info[2] = opt_int(se->offset);
  info[3] = se->text ? STR_VAL(vm, se->text) : NONE_VAL;
  info[4] = opt_int(se->end_lineno);
  info[5] = se->end_lineno ? opt_int(se->end_offset) : NONE_VAL;
  /* CPython passes end_offset whenever it passes end_lineno (possibly 0 → None). */
  Value args[2];
  args[0] = STR_VAL(vm, se->msg);
  args[1] = OBJ_VAL(asy_tuple_from(vm, 6, info));
  Value exc = asy_new_exception(vm, cls, 2, args);
  if (IS_EXC(exc)) return exc;
  return asy_raise_value(vm, exc);
}

Value asy_name_error(VM *vm, ObjStr *name, ObjDict *globals, ObjDict *locals_or_null,
                     ObjCode *code) {
  Value msg = OBJ_VAL(asy_str_printf(vm, "name '%s' is not defined", name->chars));
  Value exc = asy_new_exception(vm, vm->exc.NameError, 1, &msg);
  if (IS_EXC(exc)) return exc;
  asy_exc_set_slot(vm, exc, "name", OBJ_VAL(name));
  asy_name_error_hint(vm, exc, name, globals, locals_or_null, code);
  return asy_raise_value(vm, exc);
}

Value asy_attribute_error(VM *vm, Value obj, ObjStr *name) {
  ObjStr *msg;
  if (IS_MODULE(obj) && AS_MODULE(obj)->name)
    msg = asy_str_printf(vm, "module '%s' has no attribute '%s'", AS_MODULE(obj)->name->chars,
                         name->chars);
  else if (IS_CLASS(obj))
    msg = asy_str_printf(vm, "type object '%s' has no attribute '%s'", AS_CLASS(obj)->name->chars,
                         name->chars);
  else
    msg = asy_str_printf(vm, "'%s' object has no attribute '%s'", asy_type_name(vm, obj),
                         name->chars);
  Value m = OBJ_VAL(msg);
  Value exc = asy_new_exception(vm, vm->exc.AttributeError, 1, &m);
  if (IS_EXC(exc)) return exc;
  asy_exc_set_slot(vm, exc, "name", OBJ_VAL(name));
  asy_exc_set_slot(vm, exc, "obj", obj);
  asy_attribute_error_hint(vm, exc, obj);
  return asy_raise_value(vm, exc);
}

/* ---- BaseException's methods ---------------------------------------------------------- */

Value asy_exc_descr_error(VM *vm, const char *fname, const char *owner, int argc, Value *args) {
  const char *got = argc < 1 ? "NoneType" : asy_type_name(vm, args[0]);
  if (!strcmp(fname, "__init__") || !strcmp(fname, "__str__") || !strcmp(fname, "__repr__"))
    return asy_raise(vm, vm->exc.TypeError,
                     "descriptor '%s' requires a '%s' object but received a '%s'", fname, owner,
                     got);
  return asy_raise(vm, vm->exc.TypeError,
                   "descriptor '%s' for '%s' objects doesn't apply to a '%s' object", fname, owner,
                   got);
}

#define SELF_EXC(fname) \
  do { \
    if (argc < 1 || !IS_EXCEPTION(args[0])) \
      return asy_exc_descr_error(vm, fname, "BaseException", argc, args); \
  } while (0)

static Value exc_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_CLASS(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "BaseException.__new__(X): X is not a type object (%s)",
                     argc < 1 ? "NoneType" : asy_type_name(vm, args[0]));
  if (!asy_is_exception_class(vm, args[0]))
    return asy_raise(vm, vm->exc.TypeError,
                     "BaseException.__new__(%s): %s is not a subtype of BaseException",
                     AS_CLASS(args[0])->name->chars, AS_CLASS(args[0])->name->chars);
  ObjClass *cls = AS_CLASS(args[0]);
  if (cls == vm->exc.OSError && argc >= 3 && IS_INTLIKE(args[1])) {
    ObjClass *sub = oserror_subclass(vm, AS_INTLIKE(args[1]));
    if (sub) cls = sub;
  }
  ObjException *e = asy_exception_alloc(vm, cls);
  e->args = asy_tuple_from(vm, (size_t)(argc - 1), args + 1);
  /* CPython's OSError parses its arguments in __new__ too, so a subclass whose
     __init__ does not call super() still has errno/strerror. */
  if (exc_kind(vm, cls) == KIND_OSERROR) parse_oserror(vm, OBJ_VAL(e), argc - 1, args + 1);
  return OBJ_VAL(e);
}

static Value exc_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_EXC("__init__");
  ObjException *e = AS_EXCEPTION(args[0]);
  ExcKind kind = exc_kind(vm, e->base.obj.cls);
  if (kind == KIND_GROUP) kind = KIND_BASE;
  if (!check_init_kw(vm, e, kind, kw)) return EXC_VAL;
  if (!init_slots(vm, args[0], kind, argc - 1, args + 1, kw)) return EXC_VAL;
  return NONE_VAL;
}

/* BaseException_str: '' / str(arg) / str(args). */
static Value base_str(VM *vm, ObjException *e) {
  if (e->args->size == 0) return OBJ_VAL(vm->names.empty);
  if (e->args->size == 1) return asy_str(vm, e->args->items[0]);
  return asy_str(vm, OBJ_VAL(e->args));
}

static Value exc_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__str__");
  return base_str(vm, AS_EXCEPTION(args[0]));
}

static Value exc_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__repr__");
  ObjException *e = AS_EXCEPTION(args[0]);
  const char *name = e->base.obj.cls->name->chars;
  Value r = e->args->size == 1 ? asy_repr(vm, e->args->items[0]) : asy_repr(vm, OBJ_VAL(e->args));
  if (IS_EXC(r)) return r;
  if (e->args->size == 1) return OBJ_VAL(asy_str_printf(vm, "%s(%s)", name, AS_STR(r)->chars));
  return OBJ_VAL(asy_str_printf(vm, "%s%s", name, AS_STR(r)->chars));
}

static Value exc_add_note(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_EXC("add_note");
  if (!asy_args(vm, "add_note", argc - 1, kw, 1, 1)) return EXC_VAL;
  Value note = args[1];
  if (!IS_STR(note))
    return asy_raise(vm, vm->exc.TypeError, "note must be a str, not '%s'",
                     asy_type_name(vm, note));
  Value notes = asy_getattr_opt(vm, args[0], vm->names.notes);
  if (IS_EXC(notes)) return notes;
  if (IS_UNDEF(notes)) {
    notes = OBJ_VAL(asy_list_new(vm, 1));
    if (!asy_setattr(vm, args[0], vm->names.notes, notes)) return EXC_VAL;
  } else if (!IS_LIST(notes)) {
    return asy_raise(vm, vm->exc.TypeError, "Cannot add note: __notes__ is not a list");
  }
  asy_list_append(vm, AS_LIST(notes), note);
  return NONE_VAL;
}

static bool is_traceback_value(VM *vm, Value v) {
  return IS_NONE(v) || (IS_OBJ(v) && AS_OBJ(v)->cls == asy_traceback_class(vm));
}

static Value exc_with_traceback(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_EXC("with_traceback");
  if (!asy_args(vm, "with_traceback", argc - 1, kw, 1, 1)) return EXC_VAL;
  if (!is_traceback_value(vm, args[1]))
    return asy_raise(vm, vm->exc.TypeError, "__traceback__ must be a traceback or None");
  AS_EXCEPTION(args[0])->traceback = args[1];
  return args[0];
}

/* Getters/setters of BaseException's C members. */
static Value get_args(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("args");
  return OBJ_VAL(AS_EXCEPTION(args[0])->args);
}

/* The value a setter is given: deleting (no value, or UNDEF) raises, as for CPython's
** members that refuse NULL. */
static Value assigned_value(VM *vm, int argc, Value *args, const char *attr) {
  if (argc < 2 || IS_UNDEF(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "%s may not be deleted", attr);
  return args[1];
}

/* The value for __cause__ (role "cause") or __context__ (role "context"): None or an
** exception instance, EXC_VAL otherwise. */
static Value chain_value(VM *vm, int argc, Value *args, const char *attr, const char *role) {
  Value v = assigned_value(vm, argc, args, attr);
  if (IS_EXC(v) || IS_NONE(v) || IS_EXCEPTION(v)) return v;
  return asy_raise(vm, vm->exc.TypeError, "exception %s must be None or derive from BaseException",
                   role);
}

static Value set_args(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("args");
  Value v = assigned_value(vm, argc, args, "args");
  if (IS_EXC(v)) return v;
  Value t = IS_TUPLE(v) ? v : asy_tuple_from_iterable(vm, v);
  if (IS_EXC(t)) return t;
  AS_EXCEPTION(args[0])->args = AS_TUPLE(t);
  return NONE_VAL;
}

static Value get_cause(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__cause__");
  return AS_EXCEPTION(args[0])->cause;
}

static Value set_cause(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__cause__");
  Value v = chain_value(vm, argc, args, "__cause__", "cause");
  if (IS_EXC(v)) return v;
  AS_EXCEPTION(args[0])->cause = v;
  AS_EXCEPTION(args[0])->suppress_context = true;
  return NONE_VAL;
}

static Value get_context(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__context__");
  return AS_EXCEPTION(args[0])->context;
}

static Value set_context_attr(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__context__");
  Value v = chain_value(vm, argc, args, "__context__", "context");
  if (IS_EXC(v)) return v;
  AS_EXCEPTION(args[0])->context = v;
  return NONE_VAL;
}

static Value get_suppress(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__suppress_context__");
  return BOOL_VAL(AS_EXCEPTION(args[0])->suppress_context);
}

static Value set_suppress(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__suppress_context__");
  if (argc < 2 || !IS_BOOL(args[1]))
    return asy_raise(vm, vm->exc.TypeError, "attribute value type must be bool");
  AS_EXCEPTION(args[0])->suppress_context = AS_BOOL(args[1]);
  return NONE_VAL;
}

static Value get_traceback(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__traceback__");
  Value tb = AS_EXCEPTION(args[0])->traceback;
  return IS_UNDEF(tb) ? NONE_VAL : tb;
}

static Value set_traceback(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__traceback__");
  Value v = assigned_value(vm, argc, args, "__traceback__");
  if (IS_EXC(v)) return v;
  if (!is_traceback_value(vm, v))
    return asy_raise(vm, vm->exc.TypeError, "__traceback__ must be a traceback or None");
  AS_EXCEPTION(args[0])->traceback = v;
  return NONE_VAL;
}

/* Slot-backed attributes: one getter/setter pair per name (natives get no closure). */
#define SLOT_ATTR(id, pyname) \
  static Value get_##id(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)kw; \
    SELF_EXC(pyname); \
    return asy_exc_slot(vm, args[0], pyname); \
  } \
  static Value set_##id(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)kw; \
    SELF_EXC(pyname); \
    asy_exc_set_slot(vm, args[0], pyname, argc < 2 || IS_UNDEF(args[1]) ? NONE_VAL : args[1]); \
    return NONE_VAL; \
  }
SLOT_ATTR(value, "value")
SLOT_ATTR(code, "code")
SLOT_ATTR(errno, "errno")
SLOT_ATTR(strerror, "strerror")
SLOT_ATTR(filename, "filename")
SLOT_ATTR(filename2, "filename2")
SLOT_ATTR(name, "name")
SLOT_ATTR(obj, "obj")
SLOT_ATTR(path, "path")
SLOT_ATTR(name_from, "name_from")
SLOT_ATTR(msg, "msg")
SLOT_ATTR(lineno, "lineno")
SLOT_ATTR(offset, "offset")
SLOT_ATTR(text, "text")
SLOT_ATTR(end_lineno, "end_lineno")
SLOT_ATTR(end_offset, "end_offset")
SLOT_ATTR(print_file_and_line, "print_file_and_line")
SLOT_ATTR(encoding, "encoding")
SLOT_ATTR(object, "object")
SLOT_ATTR(start, "start")
SLOT_ATTR(end, "end")
SLOT_ATTR(reason, "reason")
#undef SLOT_ATTR

/* ---- subclasses' __str__ ------------------------------------------------------------- */

static Value keyerror_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__str__");
  ObjException *e = AS_EXCEPTION(args[0]);
  if (e->args->size == 1) return asy_repr(vm, e->args->items[0]);
  return base_str(vm, e);
}

/* Append str() or repr() of v; false if it raised. */
static bool put_value(VM *vm, AsyExBuf *b, Value v, bool repr) {
  Value s = repr ? asy_repr(vm, v) : asy_str(vm, v);
  if (IS_EXC(s)) return false;
  asy_exbuf_put(b, AS_STR(s)->chars, AS_STR(s)->size);
  return true;
}

static Value finish_buf(VM *vm, AsyExBuf *b, bool ok) {
  Value r = ok ? OBJ_VAL(asy_str_new(vm, b->s ? b->s : "", b->len)) : EXC_VAL;
  asy_exbuf_free(b);
  return r;
}

static Value oserror_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__str__");
  Value self = args[0];
  Value eno = slot_raw(vm, self, "errno"), serr = slot_raw(vm, self, "strerror");
  Value fn = slot_raw(vm, self, "filename"), fn2 = slot_raw(vm, self, "filename2");
  AsyExBuf b = {0};
  bool ok = true;
  if (!IS_UNDEF(fn) && !IS_NONE(fn)) {
    asy_exbuf_puts(&b, "[Errno ");
    ok = put_value(vm, &b, IS_UNDEF(eno) ? NONE_VAL : eno, false);
    if (ok) asy_exbuf_puts(&b, "] ");
    if (ok) ok = put_value(vm, &b, IS_UNDEF(serr) ? NONE_VAL : serr, false);
    if (ok) asy_exbuf_puts(&b, ": ");
    if (ok) ok = put_value(vm, &b, fn, true);
    if (ok && !IS_UNDEF(fn2) && !IS_NONE(fn2)) {
      asy_exbuf_puts(&b, " -> ");
      ok = put_value(vm, &b, fn2, true);
    }
    return finish_buf(vm, &b, ok);
  }
  if (!IS_UNDEF(eno) && !IS_NONE(eno) && !IS_UNDEF(serr) && !IS_NONE(serr)) {
    asy_exbuf_puts(&b, "[Errno ");
    ok = put_value(vm, &b, eno, false);
    if (ok) asy_exbuf_puts(&b, "] ");
    if (ok) ok = put_value(vm, &b, serr, false);
    return finish_buf(vm, &b, ok);
  }
  return base_str(vm, AS_EXCEPTION(self));
}

static Value importerror_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__str__");
  Value msg = slot_raw(vm, args[0], "msg");
  if (IS_STR(msg)) return msg;
  return base_str(vm, AS_EXCEPTION(args[0]));
}

static Value syntaxerror_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__str__");
  Value msg = asy_exc_slot(vm, args[0], "msg");
  Value fn = slot_raw(vm, args[0], "filename");
  Value lineno = slot_raw(vm, args[0], "lineno");
  const char *base = NULL;
  if (IS_STR(fn)) {
    base = strrchr(AS_STR(fn)->chars, '/');
    base = base ? base + 1 : AS_STR(fn)->chars;
  }
  bool have_lineno = IS_INT(lineno);
  if (!base && !have_lineno) return asy_str(vm, msg);
  AsyExBuf b = {0};
  bool ok = put_value(vm, &b, msg, false);
  if (ok) {
    if (base && have_lineno)
      asy_exbuf_printf(&b, " (%s, line %lld)", base, (long long)AS_INT(lineno));
    else if (base) asy_exbuf_printf(&b, " (%s)", base);
    else asy_exbuf_printf(&b, " (line %lld)", (long long)AS_INT(lineno));
  }
  return finish_buf(vm, &b, ok);
}

/* UnicodeDecodeError's and UnicodeEncodeError's slots, when they have the types the
** message needs (the object: bytes for decoding, str for encoding). */
typedef struct {
  const char *enc, *reason;
  Value obj;
  int64_t start, end;
} UnicodeErrSlots;

static bool unicode_err_slots(VM *vm, Value self, bool decode, UnicodeErrSlots *u) {
  Value enc = slot_raw(vm, self, "encoding"), obj = slot_raw(vm, self, "object");
  Value start = slot_raw(vm, self, "start"), end = slot_raw(vm, self, "end");
  Value reason = slot_raw(vm, self, "reason");
  if (!IS_STR(enc) || !(decode ? IS_BYTES(obj) : IS_STR(obj)) || !IS_INT(start) || !IS_INT(end) ||
      !IS_STR(reason))
    return false;
  *u =
      (UnicodeErrSlots){AS_STR(enc)->chars, AS_STR(reason)->chars, obj, AS_INT(start), AS_INT(end)};
  return true;
}

static Value unicodedecode_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__str__");
  UnicodeErrSlots u;
  if (!unicode_err_slots(vm, args[0], true, &u)) return base_str(vm, AS_EXCEPTION(args[0]));
  int64_t s = u.start, en = u.end;
  ObjBytes *by = AS_BYTES(u.obj);
  if (s >= 0 && (size_t)s < by->size && en == s + 1)
    return OBJ_VAL(asy_str_printf(vm, "'%s' codec can't decode byte 0x%02x in position %lld: %s",
                                  u.enc, by->data[s], (long long)s, u.reason));
  return OBJ_VAL(asy_str_printf(vm, "'%s' codec can't decode bytes in position %lld-%lld: %s",
                                u.enc, (long long)s, (long long)(en - 1), u.reason));
}

/* UnicodeEncodeError(encoding, object: str, start, end, reason), CPython's message. */
static Value unicodeencode_str(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_EXC("__str__");
  UnicodeErrSlots u;
  if (!unicode_err_slots(vm, args[0], false, &u)) return base_str(vm, AS_EXCEPTION(args[0]));
  int64_t s = u.start, en = u.end;
  ObjStr *str = AS_STR(u.obj);
  if (s >= 0 && (size_t)s < str->length && en == s + 1) {
    uint32_t cp = asy_str_char_at(vm, str, (size_t)s);
    char shown[16];
    if (cp < 0x100) snprintf(shown, sizeof shown, "\\x%02x", (unsigned)cp);
    else if (cp < 0x10000) snprintf(shown, sizeof shown, "\\u%04x", (unsigned)cp);
    else snprintf(shown, sizeof shown, "\\U%08x", (unsigned)cp);
    return OBJ_VAL(asy_str_printf(vm, "'%s' codec can't encode character '%s' in position %lld: %s",
                                  u.enc, shown, (long long)s, u.reason));
  }
  return OBJ_VAL(asy_str_printf(vm, "'%s' codec can't encode characters in position %lld-%lld: %s",
                                u.enc, (long long)s, (long long)(en - 1), u.reason));
}

/* ---- class setup ------------------------------------------------------------------------ */

#define GETSET(cls, id, pyname) asy_def_getset(vm, cls, pyname, get_##id, set_##id)

/* The slot-backed attributes of one class, in CPython's member order. */
typedef struct {
  const char *name;
  NativeFn get, set;
} SlotAttr;

#define SLOT(id) \
  { #id, get_##id, set_##id }
static const SlotAttr stop_iteration_attrs[] = {SLOT(value), {NULL}};
static const SlotAttr system_exit_attrs[] = {SLOT(code), {NULL}};
static const SlotAttr os_error_attrs[] = {
    SLOT(errno), SLOT(strerror), SLOT(filename), SLOT(filename2), {NULL}};
static const SlotAttr import_error_attrs[] = {
    SLOT(msg), SLOT(name), SLOT(path), SLOT(name_from), {NULL}};
static const SlotAttr name_error_attrs[] = {SLOT(name), {NULL}};
static const SlotAttr attribute_error_attrs[] = {SLOT(name), SLOT(obj), {NULL}};
static const SlotAttr syntax_error_attrs[] = {
    SLOT(msg),  SLOT(filename),   SLOT(lineno),     SLOT(offset),
    SLOT(text), SLOT(end_lineno), SLOT(end_offset), SLOT(print_file_and_line),
    {NULL}};
/* UnicodeDecodeError and UnicodeEncodeError have the same five. */
static const SlotAttr unicode_error_attrs[] = {SLOT(encoding), SLOT(object), SLOT(start),
                                               SLOT(end),      SLOT(reason), {NULL}};
#undef SLOT

/* Give cls its own __str__ (when str is not NULL) and its slot attributes. */
static void def_slot_attrs(VM *vm, ObjClass *cls, NativeFn str, const SlotAttr *attrs) {
  if (str) asy_def_method(vm, cls, "__str__", str);
  for (; attrs->name; attrs++) asy_def_getset(vm, cls, attrs->name, attrs->get, attrs->set);
}

void asy_init_exception_types(VM *vm) {
  ObjClass *base = vm->exc.BaseException;
  /* __new__ is looked up on the class and called with the class first, like CPython's
     tp_new wrapper; it is a plain native (not bound to instances). */
  asy_def_native(vm, base->dict, "__new__", exc_new);
  asy_def_method(vm, base, "__init__", exc_init);
  asy_def_method(vm, base, "__str__", exc_str);
  asy_def_method(vm, base, "__repr__", exc_repr);
  asy_def_method(vm, base, "add_note", exc_add_note);
  asy_def_method(vm, base, "with_traceback", exc_with_traceback);
  GETSET(base, args, "args");
  GETSET(base, cause, "__cause__");
  asy_def_getset(vm, base, "__context__", get_context, set_context_attr);
  asy_def_getset(vm, base, "__suppress_context__", get_suppress, set_suppress);
  GETSET(base, traceback, "__traceback__");

  asy_def_method(vm, vm->exc.KeyError, "__str__", keyerror_str);
  def_slot_attrs(vm, vm->exc.StopIteration, NULL, stop_iteration_attrs);
  def_slot_attrs(vm, vm->exc.SystemExit, NULL, system_exit_attrs);
  def_slot_attrs(vm, vm->exc.OSError, oserror_str, os_error_attrs);
  def_slot_attrs(vm, vm->exc.ImportError, importerror_str, import_error_attrs);
  def_slot_attrs(vm, vm->exc.NameError, NULL, name_error_attrs);
  def_slot_attrs(vm, vm->exc.AttributeError, NULL, attribute_error_attrs);
  def_slot_attrs(vm, vm->exc.SyntaxError, syntaxerror_str, syntax_error_attrs);
  def_slot_attrs(vm, vm->exc.UnicodeDecodeError, unicodedecode_str, unicode_error_attrs);
  def_slot_attrs(vm, vm->exc.UnicodeEncodeError, unicodeencode_str, unicode_error_attrs);

  asy_init_exception_groups(vm);
  asy_init_traceback_type(vm);
}

Value asy_raise_errno(VM *vm, int err, ObjStr *filename) {
  ObjClass *cls = vm->exc.OSError;
  switch (err) {
  case ENOENT: cls = vm->exc.FileNotFoundError; break;
  case EEXIST: cls = vm->exc.FileExistsError; break;
  case EISDIR: cls = vm->exc.IsADirectoryError; break;
  case EACCES:
  case EPERM: cls = vm->exc.PermissionError; break;
  case ENOTDIR: {
    Value c = asy_dict_get_str(vm->builtins, asy_str_intern(vm, "NotADirectoryError", 18));
    if (IS_CLASS(c)) cls = AS_CLASS(c);
    break;
  }
  case EPIPE: cls = vm->exc.BrokenPipeError; break;
  default: break;
  }
  Value args[3] = {INT_VAL(err), STR_VAL(vm, strerror(err)),
                   filename ? OBJ_VAL(filename) : NONE_VAL};
  Value e = asy_new_exception(vm, cls, filename ? 3 : 2, args);
  if (IS_EXC(e)) return e;
  return asy_raise_value(vm, e);
}
