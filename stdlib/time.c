/*
** time.c — the time module and the stdlib's clock.
**
** Every clock read goes through asy_clock_* so the async runtime can substitute a
** virtual clock (--virtual-time) here and nowhere else. time.sleep() blocks the whole
** interpreter, as in CPython (asyncio code uses asyncio.sleep instead).
*/
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <time.h>

#include "asy_stdlib.h"

static bool no_args(VM *vm, const char *name, int argc, ObjDict *kw) {
  if (!asy_no_kw(vm, name, kw)) return false;
  if (argc == 0) return true;
  asy_raise(vm, vm->exc.TypeError, "%s() takes no arguments (%d given)", name, argc);
  return false;
}

static Value t_time(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!no_args(vm, "time.time", argc, kw)) return EXC_VAL;
  return FLOAT_VAL(asy_clock_wall(vm));
}

static Value t_time_ns(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!no_args(vm, "time.time_ns", argc, kw)) return EXC_VAL;
  return INT_VAL(asy_clock_wall_ns(vm));
}

static Value t_monotonic(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!no_args(vm, "time.monotonic", argc, kw)) return EXC_VAL;
  return FLOAT_VAL(asy_clock_monotonic(vm));
}

static Value t_monotonic_ns(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!no_args(vm, "time.monotonic_ns", argc, kw)) return EXC_VAL;
  return INT_VAL(asy_clock_monotonic_ns(vm));
}

static Value t_perf_counter(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!no_args(vm, "time.perf_counter", argc, kw)) return EXC_VAL;
  return FLOAT_VAL(asy_clock_monotonic(vm));
}

static Value t_perf_counter_ns(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!no_args(vm, "time.perf_counter_ns", argc, kw)) return EXC_VAL;
  return INT_VAL(asy_clock_monotonic_ns(vm));
}

static Value t_process_time(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!no_args(vm, "time.process_time", argc, kw)) return EXC_VAL;
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return FLOAT_VAL((double)ts.tv_sec + (double)ts.tv_nsec * 1e-9);
}

static Value t_sleep(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "time.sleep", kw)) return EXC_VAL;
  if (argc != 1)
    return asy_raise(vm, vm->exc.TypeError, "time.sleep() takes exactly one argument (%d given)", argc);
  double secs;
  Value v = args[0];
  if (IS_FLOAT(v)) {
    secs = AS_FLOAT(v);
    if (isnan(secs)) return asy_raise(vm, vm->exc.ValueError, "Invalid value NaN (not a number)");
    if (isinf(secs) || fabs(secs) > 9.2e9)
      return asy_raise(vm, vm->exc.OverflowError, "timestamp out of range for platform time_t");
  } else {
    int64_t i;
    if (!asy_index(vm, v, &i)) return EXC_VAL;
    secs = (double)i;
  }
  if (secs < 0) return asy_raise(vm, vm->exc.ValueError, "sleep length must be non-negative");
  if (!asy_clock_sleep(vm, secs)) return EXC_VAL;
  return NONE_VAL;
}

Value asy_mod_time_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjDict *d = AS_MODULE(args[0])->dict;
  static const struct { const char *name; NativeFn fn; } fns[] = {
    {"time", t_time}, {"time_ns", t_time_ns}, {"monotonic", t_monotonic},
    {"monotonic_ns", t_monotonic_ns}, {"perf_counter", t_perf_counter},
    {"perf_counter_ns", t_perf_counter_ns}, {"process_time", t_process_time},
    {"sleep", t_sleep},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) asy_def_native(vm, d, fns[i].name, fns[i].fn);
  return NONE_VAL;
}
