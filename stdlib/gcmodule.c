/*
** gcmodule.c — the `gc` module. Asy's collector is a tracing mark-sweep that finds all
** garbage, cycles included, so collect() runs a full collection. disable() only records
** the wish (isenabled() reports it): turning the collector off would let memory grow
** without bound, since nothing else frees objects (CPython still frees by reference
** counting). Counts and thresholds are CPython's shape with Asy's meaning: none.
*/
#include "vm/finalize.h"
#include "vm/gc.h"
#include "stdlib/asy_stdlib.h"
#include "stdlib/native_modules.h"

static Value g_collect(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc > 0) {
    int64_t generation;
    if (!asy_index(vm, args[0], &generation)) return EXC_VAL;
    if (generation < 0 || generation > 2)
      return asy_raise(vm, vm->exc.ValueError, "invalid generation");
  }
  asy_gc_collect(vm);
  asy_finalize_run(vm); /* a script's call is a safe point: __del__ runs before it returns */
  return INT_VAL(0);    /* unreachable objects found: Asy does not count them */
}

static Value g_get_count(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  Value zeros[3] = {INT_VAL(0), INT_VAL(0), INT_VAL(0)};
  return OBJ_VAL(asy_tuple_from(vm, 3, zeros));
}

/* clang-format off */
static const AsyMethodDef gc_functions[] = {
  {"gc.collect", g_collect, 0, 1, ASY_ARGS_AUTO},
  {"gc.get_count", g_get_count, 0, 0, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_gc_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  asy_def_natives(vm, NULL, AS_MODULE(args[0])->dict, gc_functions);
  return NONE_VAL;
}
