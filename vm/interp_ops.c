/*
** interp_ops.c — the bodies of the less frequent opcodes, kept out of the dispatch loop
** so interp.c stays readable: unpacking, raise, with, the container-building opcodes
** of starred calls and displays, and REPL echo. (BUILD_CLASS lives in class.c and the
** from-import opcodes in module.c, with the code they belong to.)
** Each function follows the CPython 3.13 code path of the same opcode, including its
** error messages.
*/
#include <stdio.h>

#include "vm/trace.h"
#include "vm/except.h"
#include "vm/interp.h"
#include "vm/obj/dict.h" /* asy_mapping_each_key */
#include "vm/obj/list.h" /* asy_list_extend */
#include "vm/obj/set.h"
#include "vm/obj/str.h"
#include "vm/obj/tuple.h" /* asy_tuple_try_from */

/* True if v's type offers no iteration at all (the pending TypeError came from that,
** not from a user __iter__), so the caller may reword the error as CPython does. */
static bool not_iterable_type(VM *vm, Value v) {
  if (!asy_pending_is(vm, vm->exc.TypeError)) return false;
  ObjClass *cls = asy_class_of(vm, v);
  return IS_UNDEF(asy_class_lookup_cached(vm, cls, vm->names.iter)) &&
         IS_UNDEF(asy_class_lookup_cached(vm, cls, vm->names.getitem));
}

/* ---- unpacking -------------------------------------------------------------------- */

bool asy_unpack(VM *vm, Value seq, int before, int after, bool starred, Value *dest) {
  int need = before + after;
  ObjList *items = asy_list_new(vm, (size_t)need + 1);
  Value it = asy_iter(vm, seq);
  if (IS_EXC(it)) {
    if (not_iterable_type(vm, seq)) {
      asy_clear_pending(vm);
      asy_raise(vm, vm->exc.TypeError, "cannot unpack non-iterable %s object",
                asy_type_name(vm, seq));
    }
    return false;
  }
  /* Without a star, stop after one item too many (CPython does not drain). */
  for (;;) {
    if (!starred && (int)items->size > before) break;
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) return false;
    if (IS_UNDEF(v)) break;
    asy_list_append(vm, items, v);
  }
  int got = (int)items->size;
  if (!starred) {
    if (got < before) {
      asy_raise(vm, vm->exc.ValueError, "not enough values to unpack (expected %d, got %d)", before,
                got);
      return false;
    }
    if (got > before) {
      asy_raise(vm, vm->exc.ValueError, "too many values to unpack (expected %d)", before);
      return false;
    }
    for (int i = 0; i < before; i++) dest[i] = items->items[before - 1 - i];
    return true;
  }
  if (got < need) {
    asy_raise(vm, vm->exc.ValueError, "not enough values to unpack (expected at least %d, got %d)",
              need, got);
    return false;
  }
  int nmid = got - need;
  ObjList *mid = asy_list_new(vm, (size_t)nmid);
  for (int i = 0; i < nmid; i++) asy_list_append(vm, mid, items->items[before + i]);
  /* Stack order: last item deepest … first item on top. */
  int total = before + 1 + after, k = 0;
  for (int i = after - 1; i >= 0; i--) dest[k++] = items->items[before + nmid + i];
  dest[k++] = OBJ_VAL(mid);
  for (int i = before - 1; i >= 0; i--) dest[k++] = items->items[i];
  (void)total;
  return true;
}

/* ---- raise ---------------------------------------------------------------------------- */

Value asy_do_raise(VM *vm, Value exc, Value cause) {
  if (IS_UNDEF(cause)) return asy_raise_value(vm, exc);
  return asy_raise_from(vm, exc, cause);
}

/* ---- with ------------------------------------------------------------------------------ */

Value asy_before_with(VM *vm, Value mgr, Value *exit_out, bool async) {
  ObjClass *cls = asy_class_of(vm, mgr);
  ObjStr *enter_name = async ? asy_str_intern(vm, "__aenter__", 10) : vm->names.enter;
  ObjStr *exit_name = async ? asy_str_intern(vm, "__aexit__", 9) : vm->names.exit;
  const char *protocol = async ? "asynchronous context manager" : "context manager";
  Value enter = asy_class_lookup_cached(vm, cls, enter_name);
  if (IS_UNDEF(enter))
    return asy_raise(vm, vm->exc.TypeError, "'%s' object does not support the %s protocol",
                     asy_type_name(vm, mgr), protocol);
  Value exitf = asy_class_lookup_cached(vm, cls, exit_name);
  if (IS_UNDEF(exitf))
    return asy_raise(vm, vm->exc.TypeError,
                     "'%s' object does not support the %s protocol (missed %s method)",
                     asy_type_name(vm, mgr), protocol, exit_name->chars);
  if (IS_FUNCTION(exitf) || (IS_NATIVE(exitf) && IS_UNDEF(AS_NATIVE(exitf)->self))) {
    *exit_out = OBJ_VAL(asy_bound_new(vm, mgr, exitf));
  } else {
    Value b = asy_getattr(vm, mgr, exit_name);
    if (IS_EXC(b)) return EXC_VAL;
    *exit_out = b;
  }
  /* *exit_out is a fresh object (temp-rooted) or reachable from the class. */
  return asy_call_method(vm, mgr, enter_name, 0, NULL);
}

/* ---- starred displays and calls ------------------------------------------------------ */

bool asy_list_extend_op(VM *vm, ObjList *list, Value iterable) {
  if (IS_RANGE(iterable)) return asy_list_extend(vm, list, iterable); /* sized up front */
  ObjClass *cls = IS_OBJ(iterable) ? AS_OBJ(iterable)->cls : NULL;
  if (cls == vm->types.tuple || cls == vm->types.list) {
    /* Exact lists and tuples only: a subclass may define __iter__ (CPython's
    ** list_extend takes the same shortcut). Snapshot the size: l.extend(l) style
    ** aliasing must not loop. */
    size_t n = IS_TUPLE(iterable) ? AS_TUPLE(iterable)->size : AS_LIST(iterable)->size;
    for (size_t i = 0; i < n; i++) {
      Value *items = IS_TUPLE(iterable) ? AS_TUPLE(iterable)->items : AS_LIST(iterable)->items;
      asy_list_append(vm, list, items[i]);
    }
    return true;
  }
  Value it = asy_iter(vm, iterable);
  if (IS_EXC(it)) {
    if (not_iterable_type(vm, iterable)) {
      asy_clear_pending(vm);
      asy_raise(vm, vm->exc.TypeError, "Value after * must be an iterable, not %s",
                asy_type_name(vm, iterable));
    }
    return false;
  }
  for (;;) {
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) return false;
    if (IS_UNDEF(v)) return true;
    asy_list_append(vm, list, v);
  }
}

bool asy_set_update_op(VM *vm, ObjSet *set, Value iterable) {
  /* set_update_internal: merging a set/dict keeps CPython's table order (containers). */
  return asy_set_update(vm, set, iterable);
}

/* Call f(key, value) for every item of a mapping (a dict directly, else keys() and
** __getitem__). Returns 1 done, 0 not a mapping (no exception), -1 error. */
static int for_each_item(VM *vm, Value mapping, AsyItemFn fn, void *ctx) {
  if (IS_DICT(mapping)) {
    ObjDict *d = AS_DICT(mapping);
    for (size_t i = 0; i < d->used; i++) {
      Value k = asy_dict_key(d, i);
      if (IS_UNDEF(k)) continue;
      if (!fn(vm, ctx, k, d->entries[i].value)) return -1;
    }
    return 1;
  }
  ObjStr *keys_name = asy_str_intern(vm, "keys", 4);
  Value keys = asy_call_method_opt(vm, mapping, keys_name, 0, NULL);
  if (IS_EXC(keys)) return -1;
  if (IS_UNDEF(keys)) return 0;
  return asy_mapping_each_key(vm, mapping, keys, fn, ctx) ? 1 : -1;
}

static bool update_item(VM *vm, void *ctx, Value key, Value value) {
  return asy_dict_set(vm, (ObjDict *)ctx, key, value);
}

bool asy_dict_update_op(VM *vm, ObjDict *dict, Value mapping) {
  int r = for_each_item(vm, mapping, update_item, dict);
  if (r == 0)
    asy_raise(vm, vm->exc.TypeError, "'%s' object is not a mapping", asy_type_name(vm, mapping));
  return r > 0;
}

typedef struct {
  ObjDict *dict;
  Value func;
} MergeCtx;

static bool merge_item(VM *vm, void *ctx, Value key, Value value) {
  MergeCtx *m = ctx;
  Value old = asy_dict_get(vm, m->dict, key);
  if (IS_EXC(old)) return false;
  if (!IS_UNDEF(old)) {
    ObjStr *fs = asy_function_str(vm, m->func);
    if (IS_STR(key))
      asy_raise(vm, vm->exc.TypeError, "%s got multiple values for keyword argument '%s'",
                fs->chars, AS_STR(key)->chars);
    else
      asy_raise(vm, vm->exc.TypeError, "%s got multiple values for keyword argument '%R'",
                fs->chars, key);
    return false;
  }
  return asy_dict_set(vm, m->dict, key, value);
}

bool asy_dict_merge_op(VM *vm, ObjDict *dict, Value mapping, Value func) {
  MergeCtx m = {dict, func};
  int r = for_each_item(vm, mapping, merge_item, &m);
  if (r == 0) {
    ObjStr *fs = asy_function_str(vm, func);
    asy_raise(vm, vm->exc.TypeError, "%s argument after ** must be a mapping, not %s", fs->chars,
              asy_type_name(vm, mapping));
  }
  return r > 0;
}

bool asy_callex_args(VM *vm, Value func, Value *argtuple, Value *kwdict) {
  Value a = *argtuple;
  if (!IS_TUPLE(a)) {
    if (IS_LIST(a)) {
      ObjTuple *t = asy_tuple_try_from(vm, vm->types.tuple, AS_LIST(a)->size, AS_LIST(a)->items);
      if (!t) return false;
      *argtuple = OBJ_VAL(t);
    } else {
      ObjList *l = asy_list_new(vm, 0);
      Value it = asy_iter(vm, a);
      if (IS_EXC(it)) {
        if (not_iterable_type(vm, a)) {
          asy_clear_pending(vm);
          ObjStr *fs = asy_function_str(vm, func);
          asy_raise(vm, vm->exc.TypeError, "%s argument after * must be an iterable, not %s",
                    fs->chars, asy_type_name(vm, a));
        }
        return false;
      }
      for (;;) {
        Value v = asy_next(vm, it);
        if (IS_EXC(v)) return false;
        if (IS_UNDEF(v)) break;
        asy_list_append(vm, l, v);
      }
      ObjTuple *t = asy_tuple_try_from(vm, vm->types.tuple, l->size, l->items);
      if (!t) return false;
      *argtuple = OBJ_VAL(t);
    }
  }
  Value k = *kwdict;
  if (!IS_UNDEF(k) && !(IS_DICT(k) && AS_OBJ(k)->cls == vm->types.dict)) {
    ObjDict *d = asy_dict_new(vm);
    if (!asy_dict_merge_op(vm, d, k, func)) return false;
    *kwdict = OBJ_VAL(d);
  }
  if (!IS_UNDEF(*kwdict)) {
    ObjDict *d = AS_DICT(*kwdict);
    for (size_t i = 0; i < d->used; i++) {
      Value k = asy_dict_key(d, i);
      if (!IS_UNDEF(k) && !IS_STR(k)) {
        asy_raise(vm, vm->exc.TypeError, "keywords must be strings");
        return false;
      }
    }
  }
  return true;
}

/* ---- strings --------------------------------------------------------------------------- */

Value asy_build_string(VM *vm, Value *items, int n) {
  if (n == 1) return items[0];
  return asy_str_concat_n(vm, n, items);
}

/* ---- REPL echo --------------------------------------------------------------------------- */

bool asy_print_expr(VM *vm, Value v) {
  if (IS_NONE(v)) return true;
  ObjStr *underscore = asy_str_intern(vm, "_", 1);
  asy_dict_set_str(vm, vm->builtins, underscore, NONE_VAL);
  Value r = asy_repr(vm, v);
  if (IS_EXC(r)) return false;
  if (vm->trace) asy_trace_console(vm, true);
  if (vm->before_console_write) vm->before_console_write(vm);
  fwrite(AS_STR(r)->chars, 1, AS_STR(r)->size, stdout);
  fputc('\n', stdout);
  asy_dict_set_str(vm, vm->builtins, underscore, v);
  return true;
}

/* ---- unbound names ------------------------------------------------------------------------ */

Value asy_unbound_error(VM *vm, ObjCode *code, int i) {
  const char *name = "?";
  if (code->varnames && (size_t)i < code->varnames->size && IS_STR(code->varnames->items[i]))
    name = AS_STR(code->varnames->items[i])->chars;
  if (i < code->nlocals + code->ncells)
    return asy_raise(vm, vm->exc.UnboundLocalError,
                     "cannot access local variable '%s' where it is not associated with a value",
                     name);
  return asy_raise(vm, vm->exc.NameError,
                   "cannot access free variable '%s' where it is not associated with a value "
                   "in enclosing scope",
                   name);
}
