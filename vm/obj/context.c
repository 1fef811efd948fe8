/*
** context.c — contextvars.Context (see context.h).
*/
#include "vm/obj/context.h"
#include "vm/gc.h"
#include "vm/obj/dict.h"
#include "vm/obj/func.h"

ObjContext *asy_context_new(VM *vm) {
  ObjContext *c =
      (ObjContext *)asy_alloc_obj(vm, sizeof(ObjContext), OBJ_CONTEXT, vm->types.context);
  c->vars = NULL;
  c->prev = NONE_VAL;
  c->entered = false;
  return c;
}

static ObjContext *copy_of(VM *vm, ObjContext *from) {
  asy_push_root(vm, OBJ_VAL(from));
  ObjDict *vars = from->vars && from->vars->count ? asy_dict_copy(vm, from->vars) : NULL;
  if (vars) asy_push_root(vm, OBJ_VAL(vars));
  ObjContext *c = asy_context_new(vm);
  c->vars = vars;
  return c;
}

Value asy_context_copy_current(VM *vm) {
  Value cur = vm->loop.context;
  if (!IS_OBJ_TYPE(cur, OBJ_CONTEXT)) return OBJ_VAL(asy_context_new(vm));
  return OBJ_VAL(copy_of(vm, (ObjContext *)AS_OBJ(cur)));
}

#define SELF_CONTEXT(meth) ASY_SELF(OBJ_CONTEXT, meth, "Context")
#define CTX ((ObjContext *)AS_OBJ(args[0]))

/* The ContextVar class contextvars.asy registered, for the key checks. */
static bool check_var(VM *vm, Value var) {
  Value cls = vm->loop.context_var_class;
  if (!IS_CLASS(cls) || asy_isinstance(vm, var, AS_CLASS(cls))) return true;
  Value r = asy_repr(vm, var);
  if (IS_EXC(r)) return false;
  asy_raise(vm, vm->exc.TypeError, "a ContextVar key was expected, got %s", AS_STR(r)->chars);
  return false;
}

static Value lookup(VM *vm, ObjContext *c, Value var) {
  if (!check_var(vm, var)) return EXC_VAL;
  return c->vars ? asy_dict_get(vm, c->vars, var) : UNDEF_VAL;
}

static Value ctx_new(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc > 1) return asy_raise(vm, vm->exc.TypeError, "Context() does not accept any arguments");
  return OBJ_VAL(asy_context_new(vm));
}

static Value ctx_run(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_CONTEXT("run");
  if (argc < 2)
    return asy_raise(vm, vm->exc.TypeError, "run() missing 1 required positional argument");
  ObjContext *c = CTX;
  if (c->entered) {
    Value r = asy_repr(vm, args[0]);
    if (IS_EXC(r)) return r;
    return asy_raise(vm, vm->exc.RuntimeError, "cannot enter context: %s is already entered",
                     AS_STR(r)->chars);
  }
  c->prev = vm->loop.context;
  c->entered = true;
  vm->loop.context = args[0];
  Value r = asy_call(vm, args[1], argc - 2, args + 2, kw);
  vm->loop.context = c->prev;
  c->prev = NONE_VAL;
  c->entered = false;
  return r;
}

static Value ctx_copy(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_CONTEXT("copy");
  return OBJ_VAL(copy_of(vm, CTX));
}

static Value ctx_getitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_CONTEXT("__getitem__");
  Value v = lookup(vm, CTX, args[1]);
  if (IS_UNDEF(v)) {
    Value e = asy_new_exception(vm, vm->exc.KeyError, 1, &args[1]);
    return IS_EXC(e) ? e : asy_raise_value(vm, e);
  }
  return v;
}

static Value ctx_get(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_CONTEXT("get");
  Value v = lookup(vm, CTX, args[1]);
  if (IS_UNDEF(v)) return argc > 2 ? args[2] : NONE_VAL;
  return v;
}

static Value ctx_contains(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_CONTEXT("__contains__");
  Value v = lookup(vm, CTX, args[1]);
  return IS_EXC(v) ? v : BOOL_VAL(!IS_UNDEF(v));
}

static Value ctx_len(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_CONTEXT("__len__");
  return INT_VAL(CTX->vars ? (int64_t)CTX->vars->count : 0);
}

/* The variables' dict, made on first need: ContextVar.set writes into it. */
static ObjDict *vars_of(VM *vm, ObjContext *c) {
  if (!c->vars) c->vars = asy_dict_new(vm);
  return c->vars;
}

static Value ctx_data(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_CONTEXT("_data");
  return OBJ_VAL(vars_of(vm, CTX));
}

/* __iter__, keys, values, items: the variables' dict's own. */
#define OVER_VARS(fn, meth) \
  static Value fn(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)kw; \
    SELF_CONTEXT(meth); \
    return asy_call_method(vm, OBJ_VAL(vars_of(vm, CTX)), asy_str_cstr(vm, meth), 0, NULL); \
  }
OVER_VARS(ctx_iter, "__iter__")
OVER_VARS(ctx_keys, "keys")
OVER_VARS(ctx_values, "values")
OVER_VARS(ctx_items, "items")

static Value m_copy_context(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return asy_context_copy_current(vm);
}

/* set_context_var_class(cls): contextvars.asy's ContextVar, for the key checks. */
static Value m_set_var_class(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  vm->loop.context_var_class = args[0];
  return NONE_VAL;
}

/* clang-format off */
#define A ASY_ARGS_AUTO
static const AsyMethodDef context_methods[] = {
  {"__new__", ctx_new, ASY_UNCHECKED | ASY_DEF_STATIC},
  {"run", ctx_run, ASY_UNCHECKED}, {"copy", ctx_copy, 0, 0, A},
  {"__getitem__", ctx_getitem, 1, 1, ASY_ARGS_SLOT}, {"get", ctx_get, 1, 2, A},
  {"__contains__", ctx_contains, 1, 1, ASY_ARGS_SLOT}, {"__len__", ctx_len, 0, 0, ASY_ARGS_SLOT},
  {"__iter__", ctx_iter, 0, 0, ASY_ARGS_SLOT}, {"keys", ctx_keys, 0, 0, A},
  {"values", ctx_values, 0, 0, A}, {"items", ctx_items, 0, 0, A},
  {"_data", ctx_data, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {0},
};
static const AsyMethodDef context_functions[] = {
  {"copy_context", m_copy_context, 0, 0, A},
  {"set_context_var_class", m_set_var_class, 1, 1, A},
  {0},
};
#undef A
/* clang-format on */

void asy_context_init(VM *vm, ObjDict *d) {
  ObjClass *c = vm->types.context;
  asy_class_set_c_name(vm, c, "_contextvars");
  asy_def_natives(vm, c, NULL, context_methods);
  asy_def_natives(vm, NULL, d, context_functions);
  asy_def_value(vm, d, "Context", OBJ_VAL(c));
}
