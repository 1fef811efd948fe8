/*
** asyncio_threads.c — `_asyncio`'s face of the worker pool (vm/gil.h): what
** asyncio.to_thread and loop.run_in_executor stand on.
*/
#include "vm/gil.h"
#include "stdlib/asy_stdlib.h"

/* run_in_thread(job, fn, args, kwargs, context, on_done): fn(*args, **kwargs) on a pool
** thread in context; on_done(job, ok, value) then runs on the loop. */
static Value t_run_in_thread(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  if (!IS_TUPLE(args[2])) return asy_raise(vm, vm->exc.TypeError, "args must be a tuple");
  if (!IS_NONE(args[3]) && !IS_DICT(args[3]))
    return asy_raise(vm, vm->exc.TypeError, "kwargs must be a dict or None");
  if (!asy_threads_submit(vm, args[0], args[1], args[2], args[3], args[4], args[5])) return EXC_VAL;
  return NONE_VAL;
}

/* on_loop_thread(): False inside a worker, where no event loop runs. */
static Value t_on_loop_thread(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return asy_gil_on_main_thread(vm) ? TRUE_VAL : FALSE_VAL;
}

/* clang-format off */
static const AsyMethodDef thread_functions[] = {
  {"run_in_thread", t_run_in_thread, 6, 6, ASY_ARGS_AUTO},
  {"on_loop_thread", t_on_loop_thread, 0, 0, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

void asy_asyncio_threads_init(VM *vm, ObjDict *module_dict) {
  asy_def_natives(vm, NULL, module_dict, thread_functions);
}
