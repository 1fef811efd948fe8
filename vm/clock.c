/*
** clock.c — real and virtual clocks (see clock.h).
*/
#include <errno.h>
#include <math.h>
#include <time.h>

#include "vm/clock.h"
#include "vm/gil.h"
#include "vm/vm.h"

static int64_t clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void asy_clock_use_virtual(VM *vm) {
  vm->clock.virtual_time = true;
  vm->clock.now_ns = 0;
  vm->clock.wall_base_ns = clock_ns(CLOCK_REALTIME);
}

int64_t asy_clock_monotonic_ns(VM *vm) {
  if (vm->clock.virtual_time) return vm->clock.now_ns;
  return clock_ns(CLOCK_MONOTONIC);
}

int64_t asy_clock_wall_ns(VM *vm) {
  if (vm->clock.virtual_time) return vm->clock.wall_base_ns + vm->clock.now_ns;
  return clock_ns(CLOCK_REALTIME);
}

double asy_clock_monotonic(VM *vm) { return (double)asy_clock_monotonic_ns(vm) * 1e-9; }

double asy_clock_wall(VM *vm) { return (double)asy_clock_wall_ns(vm) * 1e-9; }

void asy_clock_advance_to(VM *vm, double t) {
  /* Round up so that a timer due at t is never seen as still in the future. */
  int64_t ns = (int64_t)ceil(t * 1e9);
  if (ns > vm->clock.now_ns) vm->clock.now_ns = ns;
}

bool asy_clock_sleep(VM *vm, double secs) {
  if (secs <= 0) return true;
  if (vm->clock.virtual_time) {
    if (asy_gil_on_main_thread(vm)) asy_clock_advance_to(vm, asy_clock_monotonic(vm) + secs);
    else asy_threads_virtual_sleep(vm, secs); /* the loop moves the clock (gil.h) */
    return true;
  }
  struct timespec ts = asy_clock_timespec(secs);
  /* Resume after signal interruptions (PEP 475), keeping the remaining time, unless
  ** the signal was Ctrl-C (KeyboardInterrupt). */
  while (!asy_clock_nap(vm, &ts))
    if (ASY_INTERRUPTED(vm) && !asy_signals_check(vm)) return false;
  return true;
}

struct timespec asy_clock_timespec(double secs) {
  struct timespec ts;
  ts.tv_sec = (time_t)secs;
  ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
  if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
  return ts;
}

bool asy_clock_nap(VM *vm, struct timespec *ts) {
  AsyThreadState *held = asy_gil_release(vm); /* other threads run meanwhile */
  int rc = nanosleep(ts, ts);
  asy_gil_restore(vm, held);
  return rc == 0 || errno != EINTR;
}
