/*
** time.c — the time module.
**
** Every clock read goes through asy_clock_* (vm/clock.h), so --virtual-time
** replaces them all in one place. time.sleep() blocks the whole
** interpreter, as in CPython (asyncio code uses asyncio.sleep instead).
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <time.h>

#include "vm/diagnose.h"
#include "stdlib/asy_stdlib.h"

/* CPU time of the process (time.process_time): not a clock the virtual time replaces. */
static double process_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The clocks: natives of no arguments (their table rows check that). */
#define CLOCK_NATIVE(fname, value) \
  static Value fname(VM *vm, int argc, Value *args, ObjDict *kw) { return value; }
CLOCK_NATIVE(t_time, FLOAT_VAL(asy_clock_wall(vm)))
CLOCK_NATIVE(t_time_ns, INT_VAL(asy_clock_wall_ns(vm)))
CLOCK_NATIVE(t_monotonic, FLOAT_VAL(asy_clock_monotonic(vm)))
CLOCK_NATIVE(t_monotonic_ns, INT_VAL(asy_clock_monotonic_ns(vm)))
CLOCK_NATIVE(t_perf_counter, FLOAT_VAL(asy_clock_monotonic(vm)))
CLOCK_NATIVE(t_perf_counter_ns, INT_VAL(asy_clock_monotonic_ns(vm)))
CLOCK_NATIVE(t_process_time, FLOAT_VAL(process_seconds()))

static Value t_sleep(VM *vm, int argc, Value *args, ObjDict *kw) {
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
  if (vm->debug) {
    char what[64];
    snprintf(what, sizeof what, "time.sleep(%g)", secs);
    asy_diagnose_blocking(vm, what);
  }
  if (!asy_clock_sleep(vm, secs)) return EXC_VAL;
  return NONE_VAL;
}

/* clang-format off */
static const AsyMethodDef time_functions[] = {
  {"time.time", t_time, 0, 0, ASY_ARGS_AUTO}, {"time.time_ns", t_time_ns, 0, 0, ASY_ARGS_AUTO},
  {"time.monotonic", t_monotonic, 0, 0, ASY_ARGS_AUTO},
  {"time.monotonic_ns", t_monotonic_ns, 0, 0, ASY_ARGS_AUTO},
  {"time.perf_counter", t_perf_counter, 0, 0, ASY_ARGS_AUTO},
  {"time.perf_counter_ns", t_perf_counter_ns, 0, 0, ASY_ARGS_AUTO},
  {"time.process_time", t_process_time, 0, 0, ASY_ARGS_AUTO},
  {"time.sleep", t_sleep, 1, 1, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_time_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  asy_def_natives(vm, NULL, AS_MODULE(args[0])->dict, time_functions);
  return NONE_VAL;
}
