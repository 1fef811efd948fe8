/*
** call.c — calling things: argument binding, frame set-up, natives, class
** instantiation, and the C entry points asy_call / asy_call_method.
**
** Every call goes through asy_call_prepare, whose callable sits in slot[0] of the
** running fiber's stack with self (or UNDEF) in slot[1]. A script function gets a new
** frame whose localsplus start at slot, so the result of the call later lands in slot
** (see interp.h). Binding follows CPython's initialize_locals step by step, because the
** order of the checks decides which error message a bad call gets.
*/
#include <stdlib.h>
#include <string.h>

#include "vm/except.h"
#include "vm/gen.h"
#include "vm/interp.h"
#include "vm/obj/class.h"
#include "vm/obj/number.h"
#include "vm/obj/str.h"
#include "vm/suggest.h"

#define MAX_CALL_REDIRECTS 64

/* ---- helpers -------------------------------------------------------------------- */

ObjStr *asy_function_str(VM *vm, Value callable) {
  Value qual = asy_getattr_opt(vm, callable, vm->names.qualname);
  if (IS_EXC(qual)) {
    asy_clear_pending(vm);
    qual = UNDEF_VAL;
  }
  if (IS_UNDEF(qual) || !IS_STR(qual)) {
    Value s = asy_str(vm, callable);
    if (IS_EXC(s)) {
      asy_clear_pending(vm);
      return asy_str_cstr(vm, "?");
    }
    return AS_STR(s);
  }
  Value mod = asy_getattr_opt(vm, callable, vm->names.module);
  if (IS_EXC(mod)) {
    asy_clear_pending(vm);
    mod = UNDEF_VAL;
  }
  if (IS_STR(mod) && strcmp(AS_STR(mod)->chars, "builtins") != 0)
    return asy_str_printf(vm, "%s.%s()", AS_STR(mod)->chars, AS_STR(qual)->chars);
  return asy_str_printf(vm, "%s()", AS_STR(qual)->chars);
}

/* Copy [pre[0..npre), args…] to the top of the fiber's stack so that a callable that
** needs a leading self gets contiguous arguments. Updates ca->args/argc. */
static bool prepend_args(VM *vm, const Value *pre, int npre, CallArgs *ca) {
  Fiber *f = vm->fiber;
  Value *dst = f->stack_top;
  if (!asy_fiber_room(f, dst, (size_t)(npre + ca->argc) + 16)) {
    asy_stack_overflow(vm);
    return false;
  }
  for (int i = 0; i < npre; i++) dst[i] = pre[i];
  if (ca->argc)
    memmove(dst + npre, ca->args, sizeof(Value) * (size_t)ca->argc); /* args may be NULL */
  f->stack_top = dst + npre + ca->argc;
  ca->args = dst;
  ca->argc += npre;
  return true;
}

static bool str_eq(ObjStr *a, ObjStr *b) { return a == b || asy_str_equal(a, b); }

/* ---- argument binding (CPython's initialize_locals) ------------------------------- */

static const char *qualname_of(ObjFunction *fn) {
  return fn->qualname ? fn->qualname->chars : fn->code->qualname->chars;
}

static ObjStr *varname(ObjCode *co, int i) { return AS_STR(co->varnames->items[i]); }

/* "'a'", "'a' and 'b'", "'a', 'b', and 'c'" */
static void format_names(char *buf, size_t cap, ObjStr **names, int n) {
  size_t len = 0;
  buf[0] = 0;
  for (int i = 0; i < n && len < cap; i++) {
    const char *sep = "";
    if (i > 0) sep = (n == 2) ? " and " : (i == n - 1 ? ", and " : ", ");
    len += (size_t)snprintf(buf + len, cap - len, "%s'%s'", sep, names[i]->chars);
  }
}

static bool missing_arguments(VM *vm, ObjFunction *fn, Value *L, bool kwonly) {
  ObjCode *co = fn->code;
  int defcount = fn->defaults ? (int)fn->defaults->size : 0;
  int start = kwonly ? co->argcount : 0;
  int end = kwonly ? co->argcount + co->kwonlyargcount : co->argcount - defcount;
  ObjStr *names[256];
  int n = 0, total = 0;
  for (int i = start; i < end; i++) {
    if (!IS_UNDEF(L[i])) continue;
    if (n < 256) names[n++] = varname(co, i);
    total++;
  }
  size_t cap = 64;
  for (int i = 0; i < n; i++) cap += names[i]->size + 8;
  char *buf = malloc(cap);
  if (!buf) abort();
  format_names(buf, cap, names, n);
  asy_raise(vm, vm->exc.TypeError, "%s() missing %d required %s argument%s: %s", qualname_of(fn),
            total, kwonly ? "keyword-only" : "positional", total == 1 ? "" : "s", buf);
  free(buf);
  return false;
}

static bool too_many_positional(VM *vm, ObjFunction *fn, Value *L, int given) {
  ObjCode *co = fn->code;
  int kwonly_given = 0;
  for (int i = co->argcount; i < co->argcount + co->kwonlyargcount; i++)
    if (!IS_UNDEF(L[i])) kwonly_given++;
  int defcount = fn->defaults ? (int)fn->defaults->size : 0;
  char sig[64], kwsig[128];
  bool plural;
  if (defcount) {
    plural = true;
    snprintf(sig, sizeof sig, "from %d to %d", co->argcount - defcount, co->argcount);
  } else {
    plural = co->argcount != 1;
    snprintf(sig, sizeof sig, "%d", co->argcount);
  }
  kwsig[0] = 0;
  if (kwonly_given)
    snprintf(kwsig, sizeof kwsig, " positional argument%s (and %d keyword-only argument%s)",
             given != 1 ? "s" : "", kwonly_given, kwonly_given != 1 ? "s" : "");
  asy_raise(vm, vm->exc.TypeError, "%s() takes %s positional argument%s but %d%s %s given",
            qualname_of(fn), sig, plural ? "s" : "", given, kwsig,
            given == 1 && !kwonly_given ? "was" : "were");
  return false;
}

/* Keyword k of the call: its name and value. */
static void kw_at(CallArgs *ca, size_t k, Value *name, Value *value) {
  if (ca->kwnames) {
    *name = ca->kwnames->items[k];
    *value = ca->kwvalues[k];
  } else {
    *name = asy_dict_key(ca->kwdict, k);
    *value = ca->kwdict->entries[k].value;
  }
}

static size_t kw_slots(CallArgs *ca) {
  if (ca->kwnames) return ca->kwnames->size;
  if (ca->kwdict) return ca->kwdict->used;
  return 0;
}

static bool posonly_as_keyword(VM *vm, ObjFunction *fn, CallArgs *ca) {
  ObjCode *co = fn->code;
  size_t cap = 128, len = 0;
  for (int i = 0; i < co->posonlyargcount; i++) cap += varname(co, i)->size + 2;
  char *buf = malloc(cap);
  if (!buf) abort();
  buf[0] = 0;
  int found = 0;
  for (int i = 0; i < co->posonlyargcount; i++) {
    ObjStr *pname = varname(co, i);
    for (size_t k = 0; k < kw_slots(ca); k++) {
      Value name, value;
      kw_at(ca, k, &name, &value);
      if (IS_STR(name) && str_eq(AS_STR(name), pname)) {
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", found ? ", " : "", pname->chars);
        found++;
        break;
      }
    }
  }
  if (found)
    asy_raise(vm, vm->exc.TypeError,
              "%s() got some positional-only arguments passed as keyword arguments: '%s'",
              qualname_of(fn), buf);
  free(buf);
  return found > 0;
}

static void unexpected_keyword(VM *vm, ObjFunction *fn, ObjStr *kw) {
  ObjCode *co = fn->code;
  int total = co->argcount + co->kwonlyargcount;
  ObjStr *suggestion = NULL;
  if (total > co->posonlyargcount) {
    ObjStr **cands = malloc(sizeof(ObjStr *) * (size_t)(total - co->posonlyargcount));
    if (!cands) abort();
    for (int k = co->posonlyargcount; k < total; k++)
      cands[k - co->posonlyargcount] = varname(co, k);
    suggestion = asy_suggest_name(vm, kw, cands, total - co->posonlyargcount);
    free(cands);
  }
  if (suggestion)
    asy_raise(vm, vm->exc.TypeError,
              "%s() got an unexpected keyword argument '%s'. Did you mean '%s'?", qualname_of(fn),
              kw->chars, suggestion->chars);
  else
    asy_raise(vm, vm->exc.TypeError, "%s() got an unexpected keyword argument '%s'",
              qualname_of(fn), kw->chars);
}

/* Bind self/args/keywords into L[0 .. nlocals) (all UNDEF on entry, rooted on the
** stack). The positional sources stay rooted by the caller. */
static bool bind_args(VM *vm, ObjFunction *fn, Value *L, Value self, CallArgs *ca) {
  ObjCode *co = fn->code;
  int total = co->argcount + co->kwonlyargcount;
  int hasself = IS_UNDEF(self) ? 0 : 1;
  int given = ca->argc + hasself;
#define POSARG(i) ((hasself && (i) == 0) ? self : ca->args[(i)-hasself])
  ObjDict *kwargs = NULL;
  if (co->flags & CODE_VARKW) {
    kwargs = asy_dict_new(vm);
    L[total + ((co->flags & CODE_VARARGS) ? 1 : 0)] = OBJ_VAL(kwargs);
  }
  int n = given < co->argcount ? given : co->argcount;
  for (int i = 0; i < n; i++) L[i] = POSARG(i);
  if (co->flags & CODE_VARARGS) {
    int extra = given - n;
    ObjTuple *t = asy_tuple_new(vm, (size_t)extra);
    for (int j = 0; j < extra; j++) t->items[j] = POSARG(n + j);
    L[total] = OBJ_VAL(t);
  }
  size_t nkw = kw_slots(ca);
  for (size_t k = 0; k < nkw; k++) {
    Value name, value;
    kw_at(ca, k, &name, &value);
    if (IS_UNDEF(name)) continue; /* deleted dict entry */
    if (!IS_STR(name)) {
      asy_raise(vm, vm->exc.TypeError, "keywords must be strings");
      return false;
    }
    ObjStr *kw = AS_STR(name);
    int j;
    for (j = co->posonlyargcount; j < total; j++)
      if (varname(co, j) == kw) break;
    if (j == total)
      for (j = co->posonlyargcount; j < total; j++)
        if (str_eq(varname(co, j), kw)) break;
    if (j == total) {
      if (kwargs) {
        if (!asy_dict_set(vm, kwargs, name, value)) return false;
        continue;
      }
      if (co->posonlyargcount && posonly_as_keyword(vm, fn, ca)) return false;
      unexpected_keyword(vm, fn, kw);
      return false;
    }
    if (!IS_UNDEF(L[j])) {
      asy_raise(vm, vm->exc.TypeError, "%s() got multiple values for argument '%s'",
                qualname_of(fn), kw->chars);
      return false;
    }
    L[j] = value;
  }
  if (given > co->argcount && !(co->flags & CODE_VARARGS))
    return too_many_positional(vm, fn, L, given);
  if (given < co->argcount) {
    int defcount = fn->defaults ? (int)fn->defaults->size : 0;
    int m = co->argcount - defcount;
    int missing = 0;
    for (int i = given; i < m; i++)
      if (IS_UNDEF(L[i])) missing++;
    if (missing) return missing_arguments(vm, fn, L, false);
    for (int i = n > m ? n - m : 0; i < defcount; i++)
      if (IS_UNDEF(L[m + i])) L[m + i] = fn->defaults->items[i];
  }
  if (co->kwonlyargcount > 0) {
    int missing = 0;
    for (int i = co->argcount; i < total; i++) {
      if (!IS_UNDEF(L[i])) continue;
      if (fn->kwdefaults) {
        Value d = asy_dict_get_str(fn->kwdefaults, varname(co, i));
        if (!IS_UNDEF(d)) {
          L[i] = d;
          continue;
        }
      }
      missing++;
    }
    if (missing) return missing_arguments(vm, fn, L, true);
  }
#undef POSARG
  return true;
}

/* ---- frames ----------------------------------------------------------------------- */

static inline int nlocalsplus(ObjCode *co) { return asy_nlocalsplus(co); }

bool asy_frame_room(VM *vm, Fiber *f, const ObjCode *co, Value *from) {
  if (asy_frame_fits(vm, f, co, from)) return true;
  if (f->frames + f->frame_count >= f->frame_end) asy_recursion_error(vm);
  else asy_stack_overflow(vm);
  return false;
}

/* The locals at base are bound and stack_top = base + nlocalsplus: create the cells,
** copy the free variables and push the frame record. */
static bool finish_frame(VM *vm, Fiber *f, ObjFunction *fn, ObjCode *co, Value *base, int flags) {
  int nl = co->nlocals;
  for (int i = 0; i < co->ncells; i++) {
    Value init = UNDEF_VAL;
    if (co->cell2arg && co->cell2arg[i] >= 0) init = base[co->cell2arg[i]];
    ObjCell *c = asy_cell_new(vm, init);
    base[nl + i] = OBJ_VAL(c);
  }
  if (co->nfree) {
    if (!fn || !fn->closure || (int)fn->closure->size < co->nfree) {
      asy_raise(vm, vm->exc.RuntimeError, "code needs a closure of %d cells", co->nfree);
      return false;
    }
    for (int i = 0; i < co->nfree; i++) base[nl + co->ncells + i] = fn->closure->items[i];
  }
  asy_code_caches(vm, co);
  Frame *caller = f->frame_count ? &f->frames[f->frame_count - 1] : NULL;
  Frame *fr = asy_push_frame(f, caller, co, fn, fn ? fn->globals : NULL, base, base, flags);
  /* an inlined comprehension reads its module's namespace (LOAD_NAME, see compile.c) */
  if ((co->flags & CODE_INLINED_COMP) && caller && !(caller->code->flags & CODE_CLASS))
    fr->locals = caller->locals;
  f->stack_top = fr->sp_base;
  return true;
}

/* Push a frame for script function fn called with self (or UNDEF) and ca, with its
** localsplus at slot. */
static bool push_function_frame(VM *vm, Value *slot, ObjFunction *fn, Value self, CallArgs *ca,
                                int flags) {
  Fiber *f = vm->fiber;
  ObjCode *co = fn->code;
  if (!asy_frame_room(vm, f, co, f->stack_top)) return false;
  /* slot[0] (which may be fn's only reference) is overwritten by the locals before the
  ** frame record refers to fn: keep it on the temp roots meanwhile. */
  asy_push_root(vm, OBJ_VAL(fn));
  int nlp = nlocalsplus(co);
  int given = ca->argc + (IS_UNDEF(self) ? 0 : 1);
  int defcount = fn->defaults ? (int)fn->defaults->size : 0;
  bool simple = !ca->kwnames && (!ca->kwdict || ca->kwdict->count == 0) &&
                !(co->flags & (CODE_VARARGS | CODE_VARKW)) && co->kwonlyargcount == 0 &&
                given <= co->argcount && given >= co->argcount - defcount;
  const Value *src = NULL;
  if (simple) {
    if (IS_UNDEF(self)) src = ca->args;
    else if (ca->args == slot + 2 && asy_same(slot[1], self)) src = slot + 1;
  }
  if (src) {
    /* Fast path: the arguments move down into place; defaults fill the rest. */
    memmove(slot, src, sizeof(Value) * (size_t)given);
    for (int i = given; i < co->argcount; i++)
      slot[i] = fn->defaults->items[i - (co->argcount - defcount)];
    for (int i = co->argcount; i < nlp; i++) slot[i] = UNDEF_VAL;
    f->stack_top = slot + nlp;
  } else {
    Value *dest = f->stack_top;
    for (int i = 0; i < nlp; i++) dest[i] = UNDEF_VAL;
    f->stack_top = dest + nlp;
    if (!bind_args(vm, fn, dest, self, ca)) {
      f->stack_top = dest;
      return false;
    }
    memmove(slot, dest, sizeof(Value) * (size_t)nlp);
    f->stack_top = slot + nlp;
  }
  return finish_frame(vm, f, fn, co, slot, flags);
}

bool asy_push_noarg_frame(VM *vm, Value *slot, ObjFunction *fn) {
  CallArgs ca = {slot + 2, 0, NULL, NULL, NULL};
  return push_function_frame(vm, slot, fn, UNDEF_VAL, &ca, 0);
}

/* ---- natives ---------------------------------------------------------------------- */

static Value call_native(VM *vm, Value *slot, ObjNative *nat, Value self, CallArgs *ca) {
  Value pre[2];
  int npre = 0;
  if (!IS_UNDEF(nat->self)) pre[npre++] = nat->self;
  if (!IS_UNDEF(self)) pre[npre++] = self;
  Value *args = ca->args;
  int argc = ca->argc;
  if (npre == 1 && !IS_UNDEF(self) && ca->args == slot + 2) {
    args = slot + 1;
    argc++;
  } else if (npre == 1 && IS_UNDEF(self) && ca->args == slot + 2) {
    slot[1] = nat->self; /* the free slot holds the bound receiver */
    args = slot + 1;
    argc++;
  } else if (npre) {
    if (!prepend_args(vm, pre, npre, ca)) return EXC_VAL;
    args = ca->args;
    argc = ca->argc;
  }
  ObjDict *kw = NULL;
  if (ca->kwnames && ca->kwnames->size) {
    kw = asy_dict_new(vm);
    for (size_t k = 0; k < ca->kwnames->size; k++)
      if (!asy_dict_set(vm, kw, ca->kwnames->items[k], ca->kwvalues[k])) return EXC_VAL;
  } else if (ca->kwdict && ca->kwdict->count) {
    kw = ca->kwdict;
  }
  return asy_native_invoke(vm, nat, argc, args, kw);
}

Value asy_native_invoke(VM *vm, ObjNative *nat, int argc, Value *args, ObjDict *kw) {
  /* The one argument check of natives that have a table entry (vm.h). */
  if (nat->def && !asy_native_args_ok(vm, nat, argc, args, kw)) return EXC_VAL;
  Value unboxed[8];
  if (argc > 0 && argc <= 8 && IS_OBJ_TYPE(args[0], OBJ_INSTANCE) &&
      (AS_OBJ(args[0])->cls->flags & CLASS_BOXED) && nat->owner &&
      (nat->owner == vm->types.int_ || nat->owner == vm->types.float_)) {
    /* int's and float's methods see the number an instance of a subclass stands for */
    for (int i = 0; i < argc; i++)
      unboxed[i] = IS_OBJ_TYPE(args[i], OBJ_INSTANCE) && (AS_OBJ(args[i])->cls->flags & CLASS_BOXED)
                       ? ((ObjBoxed *)AS_OBJ(args[i]))->value
                       : args[i];
    args = unboxed;
  }
  Value r = nat->fn(vm, argc, args, kw);
  if (IS_EXC(r)) {
    if (IS_UNDEF(asy_pending(vm)))
      asy_raise(vm, vm->exc.RuntimeError, "%s() returned an error without an exception",
                nat->name ? nat->name->chars : "?");
    return EXC_VAL;
  }
  if (IS_UNDEF(r)) r = NONE_VAL; /* defensive: natives must never return UNDEF */
  return r;
}

/* ---- classes ------------------------------------------------------------------------ */

static Value call_nested(VM *vm, Value callee, Value self, CallArgs *ca);

static int kw_count(CallArgs *ca) {
  if (ca->kwnames) return (int)ca->kwnames->size;
  if (ca->kwdict) return (int)ca->kwdict->count;
  return 0;
}

static Value object_slot(VM *vm, ObjStr *name) {
  return asy_class_lookup_cached(vm, vm->types.object, name);
}

/* type.__call__: __new__, then __init__ if the result is an instance of cls. */
static AsyCallStatus call_class(VM *vm, Value *slot, CallArgs *ca, Value *result) {
  ObjClass *cls = AS_CLASS(slot[0]);
  int nargs = ca->argc + kw_count(ca);
  if (cls == vm->types.type && ca->argc == 1 && kw_count(ca) == 0) {
    *result = OBJ_VAL(asy_class_of(vm, ca->args[0]));
    return CALL_DONE;
  }
  if (ca->argc == 1 && kw_count(ca) == 0 && (cls == vm->types.str || cls == vm->types.int_)) {
    /* str(x), int(x): the constructors' common call, without the __new__ lookups and the
    ** nested call (what s_new and i_new do for one positional argument). */
    Value r = cls == vm->types.str ? asy_str(vm, ca->args[0])
                                   : asy_int_from_value(vm, ca->args[0], UNDEF_VAL);
    if (IS_EXC(r)) return CALL_ERROR;
    *result = r;
    return CALL_DONE;
  }
  Value obj_new = object_slot(vm, vm->names.new_);
  Value obj_init = object_slot(vm, vm->names.init);
  Value newv = asy_class_lookup_cached(vm, cls, vm->names.new_);
  Value initv = asy_class_lookup_cached(vm, cls, vm->names.init);
  bool default_new = IS_UNDEF(newv) || asy_same(newv, obj_new);
  bool default_init = IS_UNDEF(initv) || asy_same(initv, obj_init);
  Value inst;
  if (default_new) {
    if (nargs && default_init)
      return asy_raise(vm, vm->exc.TypeError, "%s() takes no arguments", cls->name->chars),
             CALL_ERROR;
    inst = asy_instance_new(vm, cls);
    if (IS_EXC(inst)) return CALL_ERROR;
  } else {
    if (IS_OBJ_TYPE(newv, OBJ_WRAPPER) && ((ObjWrapper *)AS_OBJ(newv))->kind == 1)
      newv = ((ObjWrapper *)AS_OBJ(newv))->fget;
    if (IS_NATIVE(newv) && IS_UNDEF(AS_NATIVE(newv)->self) && kw_count(ca) == 0 &&
        ca->argc < 8) {
      /* A built-in type's __new__ (tuple(g), set(g), range(n)): the native at once, with
      ** cls before the arguments, which the stack keeps rooted. */
      Value with_cls[8];
      with_cls[0] = slot[0];
      for (int i = 0; i < ca->argc; i++) with_cls[i + 1] = ca->args[i];
      inst = asy_native_invoke(vm, AS_NATIVE(newv), ca->argc + 1, with_cls, NULL);
      asy_push_root(vm, inst); /* (as call_nested roots its result) */
    } else {
      /* __new__(cls, *args, **kw): a nested call (a script __new__ is rare and short). */
      CallArgs nca = *ca;
      Value clsv = slot[0];
      if (!prepend_args(vm, &clsv, 1, &nca)) return CALL_ERROR;
      inst = call_nested(vm, newv, UNDEF_VAL, &nca);
    }
    if (IS_EXC(inst)) return CALL_ERROR;
    if (!asy_isinstance(vm, inst, cls)) {
      *result = inst;
      return CALL_DONE;
    }
    ObjClass *icls = asy_class_of(vm, inst);
    if (icls != cls) { /* __init__ comes from the type of what __new__ made */
      initv = asy_class_lookup_cached(vm, icls, vm->names.init);
      default_init = IS_UNDEF(initv) || asy_same(initv, obj_init);
    }
  }
  if (default_init) {
    *result = inst;
    return CALL_DONE;
  }
  /* Keep the new instance rooted in the (free) self slot while __init__ runs. */
  Value *args_slot = slot;
  if (!IS_UNDEF(slot[1])) {
    /* Unusual: a class called with a pending self. Give __init__ its own slots. */
    Fiber *f = vm->fiber;
    args_slot = f->stack_top;
    if (!asy_fiber_room(f, args_slot, 4)) return asy_stack_overflow(vm), CALL_ERROR;
    args_slot[0] = slot[0];
    args_slot[1] = UNDEF_VAL;
    f->stack_top = args_slot + 2;
  }
  args_slot[1] = inst;
  if (IS_OBJ_TYPE(initv, OBJ_WRAPPER) && ((ObjWrapper *)AS_OBJ(initv))->kind == 1)
    initv = ((ObjWrapper *)AS_OBJ(initv))->fget; /* odd, but keep CPython's result */
  if (IS_FUNCTION(initv) && args_slot == slot) {
    ObjFunction *fn = AS_FUNCTION(initv);
    ObjCode *co = fn->code;
    Fiber *f = vm->fiber;
    if ((co->flags & CODE_FAST_CALL) && ca->args == slot + 2 && !ca->kwnames && !ca->kwdict &&
        ca->argc + 1 == co->argcount && f->frame_count &&
        asy_frame_fits(vm, f, co, slot + 1) &&
        asy_fill_fast_frame(slot + 1, fn, co, co->argcount)) {
      /* As CALL's inline path: self (the instance, in slot[1]) and the arguments after
      ** it are the locals already. */
      Frame *fr = asy_push_frame_at(f, &f->frames[f->frame_count], co, fn, fn->globals,
                                    slot + 1, slot, FRAME_INIT);
      fr->self_for_init = inst;
      f->stack_top = fr->sp_base;
      return CALL_FRAME;
    }
    if (!push_function_frame(vm, slot, fn, inst, ca, FRAME_INIT)) return CALL_ERROR;
    f->frames[f->frame_count - 1].self_for_init = inst;
    return CALL_FRAME;
  }
  Value r = call_nested(vm, initv, inst, ca);
  if (IS_EXC(r)) return CALL_ERROR;
  if (!IS_NONE(r)) {
    asy_raise(vm, vm->exc.TypeError, "__init__() should return None, not '%s'",
              asy_type_name(vm, r));
    return CALL_ERROR;
  }
  *result = inst;
  return CALL_DONE;
}

/* ---- the dispatcher ------------------------------------------------------------------ */

static AsyCallStatus not_callable(VM *vm, Value v) {
  asy_raise(vm, vm->exc.TypeError, "'%s' object is not callable", asy_type_name(vm, v));
  return CALL_ERROR;
}

AsyCallStatus asy_call_prepare(VM *vm, Value *slot, CallArgs *ca, Value *result) {
  for (int redirects = 0; redirects < MAX_CALL_REDIRECTS; redirects++) {
    Value callee = slot[0];
    Value self = slot[1];
    if (!IS_OBJ(callee)) return not_callable(vm, callee);
    switch ((ObjType)OBJ_TYPE(callee)) {
    case OBJ_FUNCTION: {
      ObjFunction *fn = AS_FUNCTION(callee);
      if (!ca->kwnames && (!ca->kwdict || ca->kwdict->count == 0) &&
          (IS_UNDEF(self) || (ca->args == slot + 2 && asy_same(slot[1], self)))) {
        /* A generator function called with its parameters exactly: the object is
        ** made from the arguments where they are, with no frame pushed and popped. */
        int argc = ca->argc + !IS_UNDEF(self);
        if (asy_gen_direct_call_ok(fn, argc)) {
          *result = asy_gen_new_direct(vm, fn, IS_UNDEF(self) ? ca->args : slot + 1, argc);
          return CALL_DONE;
        }
      }
      if (!push_function_frame(vm, slot, fn, self, ca, 0)) return CALL_ERROR;
      if (AS_FUNCTION(callee)->code->flags &
          (CODE_GENERATOR | CODE_COROUTINE | CODE_ASYNC_GENERATOR)) {
        /* Bind the arguments, then keep the frame in a generator instead of running it. */
        *result = asy_gen_from_frame(vm);
        return CALL_DONE;
      }
      return CALL_FRAME;
    }
    case OBJ_NATIVE: {
      Value r = call_native(vm, slot, AS_NATIVE(callee), self, ca);
      if (IS_EXC(r)) return CALL_ERROR;
      *result = r;
      return CALL_DONE;
    }
    case OBJ_BOUND: {
      ObjBound *b = AS_BOUND(callee);
      if (!IS_UNDEF(self) && !prepend_args(vm, &self, 1, ca)) return CALL_ERROR;
      slot[1] = b->self;
      slot[0] = b->func;
      continue;
    }
    case OBJ_CLASS:
      if (AS_OBJ(callee)->cls != vm->types.type) {
        /* A metaclass's own __call__ (type's is the native that lands in call_class). */
        Value mc = asy_class_lookup_cached(vm, AS_OBJ(callee)->cls, vm->names.call);
        if (!IS_UNDEF(mc) && !IS_NATIVE(mc)) {
          if (!IS_UNDEF(self) && !prepend_args(vm, &self, 1, ca)) return CALL_ERROR;
          slot[0] = mc;
          slot[1] = callee;
          continue;
        }
      }
      if (!IS_UNDEF(self)) {
        if (!prepend_args(vm, &self, 1, ca)) return CALL_ERROR;
        slot[1] = UNDEF_VAL;
      }
      return call_class(vm, slot, ca, result);
    case OBJ_WRAPPER: {
      ObjWrapper *w = (ObjWrapper *)AS_OBJ(callee);
      if (w->kind != 1) return not_callable(vm, callee);
      slot[0] = w->fget;
      continue;
    }
    default: {
      Value call = asy_class_lookup_cached(vm, asy_class_of(vm, callee), vm->names.call);
      if (IS_UNDEF(call)) return not_callable(vm, callee);
      if (!IS_UNDEF(self) && !prepend_args(vm, &self, 1, ca)) return CALL_ERROR;
      if (IS_FUNCTION(call) || (IS_NATIVE(call) && IS_UNDEF(AS_NATIVE(call)->self))) {
        slot[0] = call;
        slot[1] = callee;
      } else {
        Value bound = asy_getattr(vm, callee, vm->names.call);
        if (IS_EXC(bound)) return CALL_ERROR;
        slot[0] = bound;
        slot[1] = UNDEF_VAL;
      }
      continue;
    }
    }
  }
  asy_recursion_error(vm);
  return CALL_ERROR;
}

/* ---- C entry points ------------------------------------------------------------------ */

/* Call callee (with self prepended unless UNDEF) from C: a nested loop when a frame is
** pushed. The result is pushed on the temp roots. type_call: callee is a class called
** through type.__call__ (no metaclass __call__ redirect). */
static Value call_nested_ex(VM *vm, Value callee, Value self, CallArgs *ca, bool type_call) {
  Fiber *f = vm->fiber;
  if (!f->stack && !asy_fiber_ensure(vm, f, ASY_MAIN_STACK_SLOTS, ASY_MAIN_FRAMES)) return EXC_VAL;
  asy_c_stack_init();
  if (vm->c_depth >= ASY_C_DEPTH_MAX || asy_c_stack_exhausted()) return asy_recursion_error(vm);
  size_t mark = asy_temp_mark(vm);
  Value *slot = f->stack_top;
  if (!asy_fiber_room(f, slot, 16)) return asy_stack_overflow(vm);
  slot[0] = callee;
  slot[1] = self;
  f->stack_top = slot + 2;
  vm->c_depth++;
  Value result = UNDEF_VAL;
  AsyCallStatus st =
      type_call ? call_class(vm, slot, ca, &result) : asy_call_prepare(vm, slot, ca, &result);
  if (st == CALL_FRAME) {
    f->frames[f->frame_count - 1].flags |= FRAME_ENTRY;
    result = asy_run_to_return(vm);
  } else if (st == CALL_ERROR) {
    result = EXC_VAL;
  }
  vm->c_depth--;
  f->stack_top = slot;
  asy_temp_reset(vm, mark);
  asy_push_root(vm, result);
  return result;
}

static Value call_nested(VM *vm, Value callee, Value self, CallArgs *ca) {
  return call_nested_ex(vm, callee, self, ca, false);
}

Value asy_type_call(VM *vm, Value cls, int argc, Value *args, ObjDict *kw) {
  CallArgs ca = {args, argc, NULL, NULL, kw};
  return call_nested_ex(vm, cls, UNDEF_VAL, &ca, true);
}

Value asy_call(VM *vm, Value callable, int argc, Value *args, ObjDict *kw) {
  CallArgs ca = {args, argc, NULL, NULL, kw};
  return call_nested(vm, callable, UNDEF_VAL, &ca);
}

static bool is_dunder(ObjStr *name) {
  return name->size > 4 && name->chars[0] == '_' && name->chars[1] == '_' &&
         name->chars[name->size - 1] == '_' && name->chars[name->size - 2] == '_';
}

/* The method lookup behind LOAD_ATTR's method form and asy_call_method. `special`
** looks a dunder up on the type only, as CPython does for implicit special calls. */
static bool load_method(VM *vm, Value obj, ObjStr *name, Value *meth, Value *self, bool opt,
                        bool special) {
  *self = UNDEF_VAL;
  bool generic = false;
  if (IS_OBJ_TYPE(obj, OBJ_MODULE) && !special && name != vm->names.dict) {
    /* A module's own names (`asyncio.sleep`) come straight from its dict. */
    Value v = asy_dict_get_str(AS_MODULE(obj)->dict, name);
    if (!IS_UNDEF(v)) {
      *meth = v;
      return true;
    }
  }
  if (IS_OBJ(obj) && !special) {
    switch (OBJ_TYPE(obj)) {
    case OBJ_CLASS:
    case OBJ_MODULE:
    case OBJ_SUPER: generic = true; break;
    default: generic = (AS_OBJ(obj)->cls->flags & CLASS_HAS_GETATTRIBUTE) != 0; break;
    }
  }
  if (!generic) {
    ObjClass *cls = asy_class_of(vm, obj);
    Value attr = asy_class_lookup_cached(vm, cls, name);
    if (IS_FUNCTION(attr) || (IS_NATIVE(attr) && IS_UNDEF(AS_NATIVE(attr)->self))) {
      if (!special) {
        ObjDict *d = asy_object_dict(vm, obj);
        if (d) {
          Value v = asy_dict_get_str(d, name);
          if (!IS_UNDEF(v)) {
            *meth = v;
            return true;
          }
        }
      }
      *meth = attr;
      *self = obj;
      return true;
    }
    if (special && IS_UNDEF(attr)) {
      /* Implicit special-method lookups never consult the instance or __getattr__. */
      if (opt) {
        *meth = UNDEF_VAL;
        return true;
      }
      asy_attribute_error(vm, obj, name);
      return false;
    }
  }
  Value v = opt ? asy_getattr_opt(vm, obj, name) : asy_getattr(vm, obj, name);
  if (IS_EXC(v)) return false;
  *meth = v;
  return true;
}

bool asy_load_method(VM *vm, Value obj, ObjStr *name, Value *meth, Value *self, bool opt) {
  return load_method(vm, obj, name, meth, self, opt, false);
}

Value asy_call_method(VM *vm, Value self, ObjStr *name, int argc, Value *args) {
  Value meth, mself;
  if (!load_method(vm, self, name, &meth, &mself, false, is_dunder(name))) return EXC_VAL;
  CallArgs ca = {args, argc, NULL, NULL, NULL};
  return call_nested(vm, meth, mself, &ca);
}

Value asy_call_method_opt(VM *vm, Value self, ObjStr *name, int argc, Value *args) {
  Value meth, mself;
  if (!load_method(vm, self, name, &meth, &mself, true, is_dunder(name))) return EXC_VAL;
  if (IS_UNDEF(meth)) return UNDEF_VAL;
  CallArgs ca = {args, argc, NULL, NULL, NULL};
  return call_nested(vm, meth, mself, &ca);
}

Value asy_call_body(VM *vm, ObjFunction *fn, ObjDict *locals) {
  Fiber *f = vm->fiber;
  if (vm->c_depth >= ASY_C_DEPTH_MAX || asy_c_stack_exhausted()) return asy_recursion_error(vm);
  size_t mark = asy_temp_mark(vm);
  Value *slot = f->stack_top;
  if (!asy_fiber_room(f, slot, 16)) return asy_stack_overflow(vm);
  slot[0] = OBJ_VAL(fn);
  slot[1] = UNDEF_VAL;
  f->stack_top = slot + 2;
  Value result = EXC_VAL;
  if (asy_push_noarg_frame(vm, slot, fn)) {
    Frame *fr = &f->frames[f->frame_count - 1];
    fr->locals = locals;
    fr->flags |= FRAME_ENTRY;
    vm->c_depth++;
    result = asy_run_to_return(vm);
    vm->c_depth--;
  }
  f->stack_top = slot;
  asy_temp_reset(vm, mark);
  asy_push_root(vm, result);
  return result;
}

/* The module frame of `code` pushed above stack_top (locals = globals), or false. */
static bool push_module_frame(VM *vm, ObjCode *code, ObjDict *globals, int flags) {
  Fiber *f = vm->fiber;
  Value *base = f->stack_top;
  int nlp = nlocalsplus(code);
  for (int i = 0; i < nlp; i++) base[i] = UNDEF_VAL;
  f->stack_top = base + nlp;
  if (!finish_frame(vm, f, NULL, code, base, flags)) {
    f->stack_top = base;
    return false;
  }
  Frame *fr = &f->frames[f->frame_count - 1];
  fr->globals = globals;
  fr->locals = globals;
  return true;
}

Value asy_module_coroutine(VM *vm, ObjCode *code, ObjDict *globals) {
  Fiber *f = vm->fiber;
  if (!f->stack && !asy_fiber_ensure(vm, f, ASY_MAIN_STACK_SLOTS, ASY_MAIN_FRAMES)) return EXC_VAL;
  if (!asy_frame_room(vm, f, code, f->stack_top)) return EXC_VAL;
  asy_push_root(vm, OBJ_VAL(code));
  asy_push_root(vm, OBJ_VAL(globals));
  if (!push_module_frame(vm, code, globals, 0)) return EXC_VAL;
  return asy_gen_from_frame(vm);
}

Value asy_run_code(VM *vm, ObjCode *code, ObjDict *globals) {
  return asy_run_code_in(vm, code, globals, globals);
}

Value asy_run_code_in(VM *vm, ObjCode *code, ObjDict *globals, ObjDict *locals) {
  Fiber *f = vm->fiber;
  if (!f->stack && !asy_fiber_ensure(vm, f, ASY_MAIN_STACK_SLOTS, ASY_MAIN_FRAMES)) return EXC_VAL;
  asy_c_stack_init();
  if (vm->c_depth >= ASY_C_DEPTH_MAX || asy_c_stack_exhausted()) return asy_recursion_error(vm);
  if (code->nfree)
    return asy_raise(vm, vm->exc.RuntimeError, "module code cannot have free variables");
  if (!asy_frame_room(vm, f, code, f->stack_top)) return EXC_VAL;
  size_t mark = asy_temp_mark(vm);
  /* The caller may hold code/globals only in C locals: keep them alive until the frame
  ** record (a GC root) refers to them. */
  asy_push_root(vm, OBJ_VAL(code));
  asy_push_root(vm, OBJ_VAL(globals));
  asy_push_root(vm, OBJ_VAL(locals));
  Value *base = f->stack_top;
  Value result = EXC_VAL;
  if (push_module_frame(vm, code, globals, FRAME_ENTRY)) {
    f->frames[f->frame_count - 1].locals = locals;
    vm->c_depth++;
    result = asy_run_to_return(vm);
    vm->c_depth--;
  }
  f->stack_top = base;
  asy_temp_reset(vm, mark);
  asy_push_root(vm, result);
  return result;
}
