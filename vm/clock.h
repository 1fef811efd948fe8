/*
** clock.h — the interpreter's clocks, real or virtual.
**
** Every clock read of the runtime (time.monotonic/time/perf_counter, loop.time(), the
** event loop's timers) goes through here, so --virtual-time substitutes one clock in
** one place. The virtual clock starts at 0 and only moves when the event loop jumps it
** to the next timer (Trio's autojump clock): a program that sleeps for an hour prints
** the same thing at once. Wall time under it is the real wall time at start-up plus the
** virtual clock.
*/
#ifndef ASY_CLOCK_H
#define ASY_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct VM VM;

typedef struct AsyClock {
  bool virtual_time;    /* --virtual-time / ASY_VIRTUAL_TIME=1 */
  int64_t now_ns;       /* the virtual clock */
  int64_t wall_base_ns; /* real wall time when the virtual clock was at 0 */
} AsyClock;

/* Switch the VM to the virtual clock (before any code runs). */
void asy_clock_use_virtual(VM *vm);
/* Monotonic time: seconds (arbitrary origin; 0 at start under virtual time), and ns. */
double asy_clock_monotonic(VM *vm);
int64_t asy_clock_monotonic_ns(VM *vm);
/* Wall time since the Unix epoch: seconds and ns. */
double asy_clock_wall(VM *vm);
int64_t asy_clock_wall_ns(VM *vm);
/* Block the whole interpreter for secs (time.sleep); under virtual time the clock jumps
** instead. */
bool asy_clock_sleep(VM *vm, double secs);
/* secs (>= 0) as a timespec. */
struct timespec asy_clock_timespec(double secs);
/* One real-clock nanosleep of *ts without the interpreter lock: true when it ran its
** course, false when a signal cut it short (*ts then holds what is left). */
bool asy_clock_nap(VM *vm, struct timespec *ts);
/* Virtual time only: move the clock forward to t seconds (never backwards). */
void asy_clock_advance_to(VM *vm, double t);

#endif
