/*
** func.c — callables and namespaces as objects: script functions, bound methods,
** natives, modules, cells and code objects (creation, special attributes, reprs),
** plus the helpers natives use to define themselves and check their arguments.
*/
#include <string.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/obj/class.h"
#include "vm/obj/dict.h"
#include "vm/obj/func.h"
#include "vm/obj/protocol.h"
#include "vm/obj/str.h"
#include "vm/obj/tuple.h"

/* ---- creation ------------------------------------------------------------------ */

ObjCell *asy_cell_new(VM *vm, Value v) {
  ObjCell *c = (ObjCell *)asy_alloc_obj(vm, sizeof(ObjCell), OBJ_CELL, vm->types.cell);
  c->value = v;
  return c;
}

ObjFunction *asy_function_new(VM *vm, ObjCode *code, ObjDict *globals) {
  ObjFunction *f =
      (ObjFunction *)asy_alloc_obj(vm, sizeof(ObjFunction), OBJ_FUNCTION, vm->types.function);
  f->code = code;
  f->globals = globals;
  f->name = code->name;
  f->qualname = code->qualname ? code->qualname : code->name;
  Value mod = globals ? asy_dict_get_str(globals, vm->names.name) : UNDEF_VAL;
  f->module = IS_UNDEF(mod) ? NONE_VAL : mod;
  f->doc = NONE_VAL;
  return f;
}

ObjBound *asy_bound_new(VM *vm, Value self, Value func) {
  ObjBound *b = (ObjBound *)asy_alloc_obj(vm, sizeof(ObjBound), OBJ_BOUND, vm->types.method);
  b->self = self;
  b->func = func;
  return b;
}

ObjNative *asy_native_new(VM *vm, const char *name, NativeFn fn) {
  ObjStr *n = asy_str_intern(vm, name, strlen(name));
  ObjNative *nat =
      (ObjNative *)asy_alloc_obj(vm, sizeof(ObjNative), OBJ_NATIVE, vm->types.builtin_function);
  nat->fn = fn;
  nat->name = n;
  return nat;
}

void asy_def_native(VM *vm, ObjDict *dict, const char *name, NativeFn fn) {
  ObjNative *nat = asy_native_new(vm, name, fn);
  asy_dict_set_str(vm, dict, nat->name, OBJ_VAL(nat));
}

void asy_def_method(VM *vm, ObjClass *cls, const char *name, NativeFn fn) {
  ObjNative *nat = asy_native_new(vm, name, fn);
  nat->owner = cls;
  asy_dict_set_str(vm, cls->dict, nat->name, OBJ_VAL(nat));
}

void asy_def_natives(VM *vm, ObjClass *cls, ObjDict *dict, const AsyMethodDef *defs) {
  for (const AsyMethodDef *d = defs; d->name; d++) {
    const char *dot = strrchr(d->name, '.');
    ObjNative *nat = asy_native_new(vm, dot ? dot + 1 : d->name, d->fn);
    nat->def = d;
    Value v = OBJ_VAL(nat);
    if (cls) {
      /* A staticmethod has no receiver, so no owner: it reprs as a plain built-in. */
      if (!(d->flags & ASY_DEF_STATIC)) nat->owner = cls;
      if (d->flags & ASY_DEF_STATIC) v = OBJ_VAL(asy_wrapper_new(vm, 1, v));
      else if (d->flags & ASY_DEF_CLASS) v = OBJ_VAL(asy_wrapper_new(vm, 2, v));
      else if (d->flags & ASY_DEF_PROPERTY) v = OBJ_VAL(asy_wrapper_new(vm, 0, v));
    }
    asy_dict_set_str(vm, cls ? cls->dict : dict, nat->name, v);
  }
}

void asy_def_getset(VM *vm, ObjClass *cls, const char *name, NativeFn get, NativeFn set) {
  ObjNative *g = asy_native_new(vm, name, get);
  ObjNative *s = set ? asy_native_new(vm, name, set) : NULL;
  ObjWrapper *w = asy_wrapper_new(vm, 0, OBJ_VAL(g));
  w->fset = s ? OBJ_VAL(s) : NONE_VAL;
  asy_dict_set_str(vm, cls->dict, asy_str_intern(vm, name, strlen(name)), OBJ_VAL(w));
}

void asy_def_value(VM *vm, ObjDict *dict, const char *name, Value v) {
  asy_push_root(vm, v);
  ObjStr *n = asy_str_intern(vm, name, strlen(name));
  asy_dict_set_str(vm, dict, n, v);
}

ObjModule *asy_module_new(VM *vm, ObjStr *name) {
  ObjDict *d = asy_dict_new(vm);
  ObjModule *m = (ObjModule *)asy_alloc_obj(vm, sizeof(ObjModule), OBJ_MODULE, vm->types.module);
  m->name = name;
  m->dict = d;
  m->filename = NONE_VAL;
  asy_dict_set_str(vm, d, vm->names.name, OBJ_VAL(name));
  return m;
}

/* ---- argument checking for natives ------------------------------------------------ */

bool asy_no_kw(VM *vm, const char *fname, ObjDict *kw) {
  if (!kw || kw->count == 0) return true;
  asy_raise(vm, vm->exc.TypeError, "%s() takes no keyword arguments", fname);
  return false;
}

bool asy_arg_count(VM *vm, const char *fname, int argc, int min, int max) {
  if (argc >= min && (max < 0 || argc <= max)) return true;
  if (min == max)
    asy_raise(vm, vm->exc.TypeError, "%s expected %d argument%s, got %d", fname, min,
              min == 1 ? "" : "s", argc);
  else if (argc < min)
    asy_raise(vm, vm->exc.TypeError, "%s expected at least %d argument%s, got %d", fname, min,
              min == 1 ? "" : "s", argc);
  else
    asy_raise(vm, vm->exc.TypeError, "%s expected at most %d argument%s, got %d", fname, max,
              max == 1 ? "" : "s", argc);
  return false;
}

/* A wrong count in ASY_ARGS_AUTO's wording: METH_NOARGS and METH_O messages name the
** function with its qualifier (`qual`), Argument Clinic's name it bare. */
static bool auto_count_error(VM *vm, const char *qual, const char *bare, int n, int min, int max) {
  if (min == 0 && max == 0)
    asy_raise(vm, vm->exc.TypeError, "%s() takes no arguments (%d given)", qual, n);
  else if (min == 1 && max == 1)
    asy_raise(vm, vm->exc.TypeError, "%s() takes exactly one argument (%d given)", qual, n);
  else return asy_arg_count(vm, bare, n, min, max);
  return false;
}

static int kw_count(ObjDict *kw) { return kw ? (int)kw->count : 0; }

/* Argument Clinic's count check for functions taking keywords (_PyArg_UnpackKeywords):
** positionals and keywords together against the parameters, then the positional-only
** ones that are required. */
static bool clinic_counts_ok(VM *vm, const char *fname, int nargs, int nkw, int minpos, int max) {
  if (max >= 0 && nargs + nkw > max)
    asy_raise(vm, vm->exc.TypeError, "%s() takes at most %d %sargument%s (%d given)", fname, max,
              nargs == 0 ? "keyword " : "", max == 1 ? "" : "s", nargs + nkw);
  else if (nargs < minpos)
    asy_raise(vm, vm->exc.TypeError, "%s() takes %s %d positional argument%s (%d given)", fname,
              max < 0 || minpos < max ? "at least" : "exactly", minpos, minpos == 1 ? "" : "s",
              nargs);
  else return true;
  return false;
}

bool asy_args(VM *vm, const char *fname, int argc, ObjDict *kw, int min, int max) {
  if (!asy_no_kw(vm, fname, kw)) return false;
  if (argc >= min && (max < 0 || argc <= max)) return true;
  return auto_count_error(vm, fname, fname, argc, min, max);
}

/* The slow half of asy_native_args_ok: which check failed, in the entry's wording. */
static bool native_args_error(VM *vm, ObjNative *nat, int argc, Value *args, ObjDict *kw, int n) {
  const AsyMethodDef *d = nat->def;
  const char *bare = nat->name->chars;
  char qual[160];
  if (nat->owner) snprintf(qual, sizeof qual, "%s.%s", nat->owner->name->chars, bare);
  else snprintf(qual, sizeof qual, "%s", d->name);
  int style = d->flags & ASY_ARGS_MASK;
  if (style != ASY_ARGS_KW && kw_count(kw)) {
    if (style == ASY_ARGS_SLOT)
      asy_raise(vm, vm->exc.TypeError, "wrapper %s() takes no keyword arguments", bare);
    else asy_raise(vm, vm->exc.TypeError, "%s() takes no keyword arguments", qual);
    return false;
  }
  if (style == ASY_ARGS_AUTO) return auto_count_error(vm, qual, bare, n, d->min, d->max);
  if (style == ASY_ARGS_SLOT) {
    /* Slot wrappers of one argument count exactly; those of more (__setitem__) or of a
    ** range (__pow__) unpack their tuple with an empty name. */
    if (d->min != d->max || d->max > 1) return asy_arg_count(vm, "", n, d->min, d->max);
    asy_raise(vm, vm->exc.TypeError, "expected %d argument%s, got %d", d->min,
              d->min == 1 ? "" : "s", n);
    return false;
  }
  return clinic_counts_ok(vm, bare, n, kw_count(kw), d->min, d->max);
}

static bool instance_of(VM *vm, Value v, ObjClass *cls) {
  if (IS_OBJ(v) && AS_OBJ(v)->cls == cls) return true; /* most receivers: no call */
  ObjClass *c = asy_class_of(vm, v);
  return c == cls || asy_is_subclass(c, cls);
}

bool asy_native_args_ok(VM *vm, ObjNative *nat, int argc, Value *args, ObjDict *kw) {
  const AsyMethodDef *d = nat->def;
  int style = d->flags & ASY_ARGS_MASK;
  if (style == ASY_ARGS_NONE) return true;
  /* The receiver first, as CPython's method descriptors check it before the call (a
  ** bound one too: a class body can bind str.upper to anything); a classmethod's is the
  ** class. */
  if (nat->owner &&
      (argc < 1 || (!(d->flags & ASY_DEF_CLASS) && !instance_of(vm, args[0], nat->owner)))) {
    asy_bad_self(vm, nat->name->chars, nat->owner->name->chars, argc, args);
    return false;
  }
  int n = nat->owner ? argc - 1 : argc;
  bool kw_ok = style == ASY_ARGS_KW || !kw || kw->count == 0;
  int given = style == ASY_ARGS_KW ? n + kw_count(kw) : n;
  if (kw_ok && n >= d->min && (d->max < 0 || given <= d->max)) return true;
  return native_args_error(vm, nat, argc, args, kw, n);
}

Value asy_kwarg(VM *vm, ObjDict *kw, const char *key) {
  (void)vm;
  if (!kw || kw->count == 0) return UNDEF_VAL;
  size_t n = strlen(key);
  for (size_t i = 0; i < kw->used; i++) {
    Value name = asy_dict_key(kw, i);
    if (IS_STR(name) && AS_STR(name)->size == n && memcmp(AS_STR(name)->chars, key, n) == 0)
      return kw->entries[i].value;
  }
  return UNDEF_VAL;
}

bool asy_check_kw(VM *vm, const char *fname, ObjDict *kw, const char *const *allowed) {
  if (!kw || kw->count == 0) return true;
  if (!allowed || !allowed[0]) {
    asy_raise(vm, vm->exc.TypeError, "%s() takes no keyword arguments", fname);
    return false;
  }
  for (size_t i = 0; i < kw->used; i++) {
    Value name = asy_dict_key(kw, i);
    if (IS_UNDEF(name)) continue;
    bool ok = false;
    for (int k = 0; allowed[k] && IS_STR(name); k++)
      if (strcmp(allowed[k], AS_STR(name)->chars) == 0) ok = true;
    if (!ok) {
      if (IS_STR(name))
        asy_raise(vm, vm->exc.TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                  AS_STR(name)->chars);
      else asy_raise(vm, vm->exc.TypeError, "keywords must be strings");
      return false;
    }
  }
  return true;
}

bool asy_kwargs(VM *vm, const char *fname, int argc, Value *args, ObjDict *kw,
                const char *const *names, int nnames, int posonly, int min, Value *out) {
  if ((!kw || kw->count == 0) && argc >= min && argc <= nnames) { /* the common call */
    for (int i = 0; i < nnames; i++) out[i] = i < argc ? args[i] : UNDEF_VAL;
    return true;
  }
  for (int i = 0; i < nnames; i++) out[i] = UNDEF_VAL;
  if (!clinic_counts_ok(vm, fname, argc, kw_count(kw), min < posonly ? min : posonly, nnames))
    return false;
  for (int i = 0; i < argc; i++) out[i] = args[i];
  if (kw && kw->count) {
    for (size_t e = 0; e < kw->used; e++) {
      Value k = asy_dict_key(kw, e);
      if (IS_UNDEF(k)) continue;
      int found = -1;
      for (int i = posonly; i < nnames; i++)
        if (IS_STR(k) && strcmp(AS_STR(k)->chars, names[i]) == 0) found = i;
      if (found < 0) {
        asy_raise(vm, vm->exc.TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                  IS_STR(k) ? AS_STR(k)->chars : "?");
        return false;
      }
      if (!IS_UNDEF(out[found])) {
        asy_raise(vm, vm->exc.TypeError, "argument for %s() given by name ('%s') and position (%d)",
                  fname, names[found], found + 1);
        return false;
      }
      out[found] = kw->entries[e].value;
    }
  }
  for (int i = 0; i < min; i++)
    if (IS_UNDEF(out[i])) {
      asy_raise(vm, vm->exc.TypeError, "%s() missing required argument '%s' (pos %d)", fname,
                names[i], i + 1);
      return false;
    }
  return true;
}

Value asy_bad_self(VM *vm, const char *meth, const char *type, int argc, Value *args) {
  if (argc < 1)
    return asy_raise(vm, vm->exc.TypeError, "unbound method %s.%s() needs an argument", type, meth);
  return asy_raise(vm, vm->exc.TypeError,
                   "descriptor '%s' for '%s' objects doesn't apply to a '%s' object", meth, type,
                   asy_type_name(vm, args[0]));
}

/* ---- reprs --------------------------------------------------------------------- */

static const char *func_qualname(ObjFunction *f) {
  if (f->qualname) return f->qualname->chars;
  if (f->name) return f->name->chars;
  return f->code->name->chars;
}

/* The name used for a callable inside a bound method's repr. */
static Value callable_qualname(VM *vm, Value f) {
  if (IS_FUNCTION(f)) return OBJ_VAL(asy_str_cstr(vm, func_qualname(AS_FUNCTION(f))));
  Value q = asy_getattr_opt(vm, f, vm->names.qualname);
  if (IS_EXC(q)) return q;
  if (IS_UNDEF(q)) q = asy_getattr_opt(vm, f, vm->names.name);
  if (IS_EXC(q)) return q;
  if (IS_UNDEF(q) || !IS_STR(q)) return STR_VAL(vm, "?");
  return q;
}

/* Dunders that CPython implements as type slots (shown as slot wrappers), as opposed
** to the few dunders defined as plain methods. */
static bool is_slot_name(const char *nm) {
  if (!(nm[0] == '_' && nm[1] == '_' && strlen(nm) > 4)) return false;
  static const char *const methods[] = {"__getitem__",
                                        "__contains__",
                                        "__reversed__",
                                        "__format__",
                                        "__dir__",
                                        "__sizeof__",
                                        "__init_subclass__",
                                        "__class_getitem__",
                                        "__subclasscheck__",
                                        "__instancecheck__",
                                        NULL};
  for (int i = 0; methods[i]; i++)
    if (strcmp(nm, methods[i]) == 0) return false;
  return true;
}

Value asy_function_repr(VM *vm, Value v) {
  switch (OBJ_TYPE(v)) {
  case OBJ_FUNCTION:
    return OBJ_VAL(asy_str_printf(vm, "<function %s at %p>", func_qualname(AS_FUNCTION(v)),
                                  (void *)AS_OBJ(v)));
  case OBJ_BOUND: {
    ObjBound *b = AS_BOUND(v);
    if (IS_NATIVE(b->func)) {
      ObjNative *n = AS_NATIVE(b->func);
      return OBJ_VAL(asy_str_printf(vm, "<built-in method %s of %s object at %p>", n->name->chars,
                                    asy_type_name(vm, b->self),
                                    IS_OBJ(b->self) ? (void *)AS_OBJ(b->self) : NULL));
    }
    Value q = callable_qualname(vm, b->func);
    if (IS_EXC(q)) return q;
    Value r = asy_repr(vm, b->self);
    if (IS_EXC(r)) return r;
    return OBJ_VAL(
        asy_str_printf(vm, "<bound method %s of %s>", AS_STR(q)->chars, AS_STR(r)->chars));
  }
  case OBJ_NATIVE: {
    ObjNative *n = AS_NATIVE(v);
    const char *nm = n->name->chars;
    bool slot = n->owner && is_slot_name(nm);
    if (n->owner && IS_UNDEF(n->self)) {
      /* An unbound method descriptor of a built-in class. */
      if (strcmp(nm, "__new__") == 0)
        return OBJ_VAL(
            asy_str_printf(vm, "<built-in method __new__ of type object at %p>", (void *)n->owner));
      return OBJ_VAL(asy_str_printf(
          vm, slot ? "<slot wrapper '%s' of '%s' objects>" : "<method '%s' of '%s' objects>", nm,
          n->owner->name->chars));
    }
    if (slot && !IS_UNDEF(n->self))
      return OBJ_VAL(asy_str_printf(vm, "<method-wrapper '%s' of %s object at %p>", nm,
                                    asy_type_name(vm, n->self),
                                    IS_OBJ(n->self) ? (void *)AS_OBJ(n->self) : NULL));
    if (IS_UNDEF(n->self) || IS_MODULE(n->self))
      return OBJ_VAL(asy_str_printf(vm, "<built-in function %s>", n->name->chars));
    return OBJ_VAL(asy_str_printf(vm, "<built-in method %s of %s object at %p>", n->name->chars,
                                  asy_type_name(vm, n->self),
                                  IS_OBJ(n->self) ? (void *)AS_OBJ(n->self) : NULL));
  }
  case OBJ_MODULE: {
    ObjModule *m = AS_MODULE(v);
    if (IS_STR(m->filename))
      return OBJ_VAL(asy_str_printf(vm, "<module '%s' from '%s'>", m->name->chars,
                                    AS_STR(m->filename)->chars));
    return OBJ_VAL(asy_str_printf(vm, "<module '%s' (built-in)>", m->name->chars));
  }
  case OBJ_CODE: {
    ObjCode *c = AS_CODE(v);
    return OBJ_VAL(asy_str_printf(vm, "<code object %s at %p, file \"%s\", line %d>",
                                  c->name->chars, (void *)c, c->filename ? c->filename->chars : "?",
                                  c->firstline));
  }
  case OBJ_CELL: {
    ObjCell *c = AS_CELL(v);
    if (IS_UNDEF(c->value)) return OBJ_VAL(asy_str_printf(vm, "<cell at %p: empty>", (void *)c));
    return OBJ_VAL(asy_str_printf(vm, "<cell at %p: %s object at %p>", (void *)c,
                                  asy_type_name(vm, c->value),
                                  IS_OBJ(c->value) ? (void *)AS_OBJ(c->value) : (void *)c));
  }
  default: return asy_object_repr(vm, v);
  }
}

/* ---- special attributes ------------------------------------------------------------ */

static bool name_is(ObjStr *name, const char *s) { return strcmp(name->chars, s) == 0; }

static Value function_attr(VM *vm, ObjFunction *f, ObjStr *name) {
  if (name == vm->names.name || name_is(name, "__name__"))
    return f->name ? OBJ_VAL(f->name) : OBJ_VAL(f->code->name);
  if (name == vm->names.qualname) return OBJ_VAL(asy_str_cstr(vm, func_qualname(f)));
  if (name == vm->names.module) return f->module;
  if (name == vm->names.doc) return f->doc;
  if (name == vm->names.dict) {
    if (!f->dict) f->dict = asy_dict_new(vm);
    return OBJ_VAL(f->dict);
  }
  if (name_is(name, "__defaults__")) return f->defaults ? OBJ_VAL(f->defaults) : NONE_VAL;
  if (name_is(name, "__kwdefaults__")) return f->kwdefaults ? OBJ_VAL(f->kwdefaults) : NONE_VAL;
  if (name_is(name, "__code__")) return OBJ_VAL(f->code);
  if (name_is(name, "__globals__")) return f->globals ? OBJ_VAL(f->globals) : NONE_VAL;
  if (name_is(name, "__closure__")) return f->closure ? OBJ_VAL(f->closure) : NONE_VAL;
  if (name_is(name, "__builtins__")) return OBJ_VAL(vm->builtins);
  if (name_is(name, "__annotations__") || name_is(name, "__type_params__")) {
    /* Not kept by the compiler: an empty mapping / tuple, stored like CPython does. */
    if (!f->dict) f->dict = asy_dict_new(vm);
    Value v = asy_dict_get_str(f->dict, name);
    if (IS_UNDEF(v)) {
      v = name_is(name, "__annotations__") ? OBJ_VAL(asy_dict_new(vm))
                                           : OBJ_VAL(asy_tuple_new(vm, 0));
      asy_dict_set_str(vm, f->dict, name, v);
    }
    return v;
  }
  return UNDEF_VAL;
}

static Value code_attr(VM *vm, ObjCode *c, ObjStr *name) {
  if (name_is(name, "co_name")) return OBJ_VAL(c->name);
  if (name_is(name, "co_qualname")) return OBJ_VAL(c->qualname ? c->qualname : c->name);
  if (name_is(name, "co_filename")) return c->filename ? OBJ_VAL(c->filename) : NONE_VAL;
  if (name_is(name, "co_firstlineno")) return INT_VAL(c->firstline);
  if (name_is(name, "co_argcount")) return INT_VAL(c->argcount);
  if (name_is(name, "co_posonlyargcount")) return INT_VAL(c->posonlyargcount);
  if (name_is(name, "co_kwonlyargcount")) return INT_VAL(c->kwonlyargcount);
  if (name_is(name, "co_nlocals")) return INT_VAL(c->nlocals);
  if (name_is(name, "co_flags")) return INT_VAL(c->flags);
  if (name_is(name, "co_varnames")) {
    int n = c->nlocals;
    if (!c->varnames) return OBJ_VAL(asy_tuple_new(vm, 0));
    if ((size_t)n > c->varnames->size) n = (int)c->varnames->size;
    return OBJ_VAL(asy_tuple_from(vm, (size_t)n, c->varnames->items));
  }
  (void)vm;
  return UNDEF_VAL;
}

Value asy_func_special_attr(VM *vm, Value obj, ObjStr *name) {
  if (!IS_OBJ(obj)) return UNDEF_VAL;
  switch (OBJ_TYPE(obj)) {
  case OBJ_FUNCTION: return function_attr(vm, AS_FUNCTION(obj), name);
  case OBJ_BOUND: {
    ObjBound *b = AS_BOUND(obj);
    if (name_is(name, "__self__")) return b->self;
    if (name_is(name, "__func__")) return b->func;
    if (name == vm->names.doc || name == vm->names.name || name == vm->names.qualname ||
        name == vm->names.module) {
      Value v = asy_getattr_opt(vm, b->func, name);
      return IS_UNDEF(v) ? NONE_VAL : v;
    }
    return UNDEF_VAL;
  }
  case OBJ_NATIVE: {
    ObjNative *n = AS_NATIVE(obj);
    if (name == vm->names.name) return OBJ_VAL(n->name);
    if (name == vm->names.qualname) {
      if (n->owner)
        return OBJ_VAL(asy_str_printf(vm, "%s.%s", n->owner->name->chars, n->name->chars));
      if (IS_OBJ(n->self) && !IS_MODULE(n->self))
        return OBJ_VAL(asy_str_printf(vm, "%s.%s", asy_type_name(vm, n->self), n->name->chars));
      return OBJ_VAL(n->name);
    }
    if (name == vm->names.module) {
      if (IS_MODULE(n->self)) return OBJ_VAL(AS_MODULE(n->self)->name);
      if (!n->owner && IS_UNDEF(n->self)) return OBJ_VAL(vm->names.builtins);
      return NONE_VAL;
    }
    if (name == vm->names.doc) return NONE_VAL;
    if (name_is(name, "__self__")) return IS_UNDEF(n->self) ? NONE_VAL : n->self;
    return UNDEF_VAL;
  }
  case OBJ_MODULE: {
    ObjModule *m = AS_MODULE(obj);
    if (name == vm->names.dict) return OBJ_VAL(m->dict);
    Value v = asy_dict_get_str(m->dict, name);
    if (!IS_UNDEF(v)) return v;
    if (name == vm->names.name) return OBJ_VAL(m->name);
    if (name == vm->names.doc) return NONE_VAL;
    if (name == vm->names.file && IS_STR(m->filename)) return m->filename;
    return UNDEF_VAL;
  }
  case OBJ_CODE: return code_attr(vm, AS_CODE(obj), name);
  case OBJ_CELL:
    if (name_is(name, "cell_contents")) {
      Value v = AS_CELL(obj)->value;
      if (IS_UNDEF(v)) return asy_raise(vm, vm->exc.ValueError, "Cell is empty");
      return v;
    }
    return UNDEF_VAL;
  default: return UNDEF_VAL;
  }
}

bool asy_func_setattr(VM *vm, ObjFunction *f, ObjStr *name, Value value) {
  if (name == vm->names.name || name == vm->names.qualname) {
    if (!IS_STR(value)) {
      asy_raise(vm, vm->exc.TypeError, "%s must be set to a string object", name->chars);
      return false;
    }
    if (name == vm->names.name) f->name = AS_STR(value);
    else f->qualname = AS_STR(value);
    return true;
  }
  if (name == vm->names.module) {
    f->module = value;
    return true;
  }
  if (name == vm->names.doc) {
    f->doc = value;
    return true;
  }
  if (name_is(name, "__defaults__")) {
    if (IS_NONE(value)) f->defaults = NULL;
    else if (IS_TUPLE(value)) f->defaults = AS_TUPLE(value);
    else {
      asy_raise(vm, vm->exc.TypeError, "__defaults__ must be set to a tuple object");
      return false;
    }
    return true;
  }
  if (name_is(name, "__kwdefaults__")) {
    if (IS_NONE(value)) f->kwdefaults = NULL;
    else if (IS_DICT(value)) f->kwdefaults = AS_DICT(value);
    else {
      asy_raise(vm, vm->exc.TypeError, "__kwdefaults__ must be set to a dict object");
      return false;
    }
    return true;
  }
  if (name == vm->names.dict) {
    if (!IS_DICT(value)) {
      asy_raise(vm, vm->exc.TypeError, "__dict__ must be set to a dictionary, not a '%s'",
                asy_type_name(vm, value));
      return false;
    }
    f->dict = AS_DICT(value);
    return true;
  }
  if (name_is(name, "__code__") || name_is(name, "__globals__") || name_is(name, "__closure__") ||
      name_is(name, "__builtins__")) {
    asy_raise(vm, vm->exc.AttributeError, "readonly attribute");
    return false;
  }
  if (!f->dict) f->dict = asy_dict_new(vm);
  asy_dict_set_str(vm, f->dict, name, value);
  return true;
}

/* ---- class setup --------------------------------------------------------------------- */

static Value func_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_OBJ(args[0])) return asy_bad_self(vm, "__repr__", "function", argc, args);
  return asy_function_repr(vm, args[0]);
}

/* function.__get__(obj, type=None): a bound method (None obj: the function). */
static Value func_get_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ASY_SELF(OBJ_FUNCTION, "__get__", "function");
  if (!asy_args(vm, "__get__", argc - 1, kw, 1, 2)) return EXC_VAL;
  if (IS_NONE(args[1])) return args[0];
  return OBJ_VAL(asy_bound_new(vm, args[1], args[0]));
}

/* module(name, doc=None): types.ModuleType called from a script. */
static Value module_new_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"name", "doc"};
  Value a[2];
  if (!asy_kwargs(vm, "module", argc - 1, args + 1, kw, names, 2, 1, 0, a)) return EXC_VAL;
  if (!IS_STR(a[0]))
    return asy_raise(vm, vm->exc.TypeError, "module.__init__() argument 'name' must be str, not %s",
                     asy_type_name(vm, a[0]));
  ObjModule *m = asy_module_new(vm, AS_STR(a[0]));
  asy_push_root(vm, OBJ_VAL(m));
  asy_dict_set_str(vm, m->dict, vm->names.doc, IS_UNDEF(a[1]) ? NONE_VAL : a[1]);
  return OBJ_VAL(m);
}

/* method(function, instance): types.MethodType called from a script. */
static Value method_new_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "method", kw)) return EXC_VAL;
  if (argc != 3)
    return asy_raise(vm, vm->exc.TypeError, "method expected 2 arguments, got %d", argc - 1);
  if (IS_NONE(args[2])) return asy_raise(vm, vm->exc.TypeError, "instance must not be None");
  return OBJ_VAL(asy_bound_new(vm, args[2], args[1]));
}

void asy_init_func_types(VM *vm) {
  static const AsyMethodDef function_methods[] = {
      {"__repr__", func_repr_m, ASY_UNCHECKED},
      {"__get__", func_get_m, ASY_UNCHECKED},
      {0},
  };
  /* One repr serves the other callable and namespace types. */
  static const AsyMethodDef repr_only[] = {{"__repr__", func_repr_m, ASY_UNCHECKED}, {0}};
  asy_def_natives(vm, vm->types.function, NULL, function_methods);
  ObjClass *others[] = {vm->types.method, vm->types.builtin_function, vm->types.module,
                        vm->types.code, vm->types.cell};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
    asy_def_natives(vm, others[i], NULL, repr_only);
  static const AsyMethodDef module_methods[] = {
      {"__new__", module_new_m, ASY_UNCHECKED | ASY_DEF_STATIC},
      {0},
  };
  asy_def_natives(vm, vm->types.module, NULL, module_methods);
  static const AsyMethodDef method_methods[] = {
      {"__new__", method_new_m, ASY_UNCHECKED | ASY_DEF_STATIC},
      {0},
  };
  asy_def_natives(vm, vm->types.method, NULL, method_methods);
}
