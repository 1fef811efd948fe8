/*
** loop.c — the event loop's ready ring, timer heap and iteration (see loop.h).
*/
#include <stdlib.h>
#include <time.h>
#include <errno.h>

#include "vm/future.h"
#include "vm/gc.h"
#include "vm/gil.h"
#include "vm/poller.h"
#include "vm/signals.h"
#include "vm/vm.h"

ObjHandle *asy_loop_new_handle(VM *vm, Value callback, Value args, Value context) {
  asy_push_root(vm, callback);
  asy_push_root(vm, args);
  asy_push_root(vm, context);
  ObjClass *cls = vm->types.handle;
  ObjHandle *h = (ObjHandle *)asy_alloc_obj(vm, sizeof(ObjHandle), OBJ_HANDLE, cls);
  h->callback = callback;
  h->args = args;
  h->context = context;
  h->when = 0;
  h->seq = 0;
  h->timer = h->cancelled = h->scheduled = false;
  h->kind = HANDLE_CALL;
  return h;
}

/* ---- the ready ring ----------------------------------------------------------------- */

static void ready_push(VM *vm, ObjHandle *h) {
  AsyLoop *l = &vm->loop;
  if (l->ready_count == l->ready_cap) {
    size_t cap = l->ready_cap ? l->ready_cap * 2 : 64;
    ObjHandle **ring = ASY_ALLOC(vm, ObjHandle *, cap);
    for (size_t i = 0; i < l->ready_count; i++)
      ring[i] = l->ready[(l->ready_head + i) % l->ready_cap];
    if (l->ready) ASY_FREE(vm, ObjHandle *, l->ready, l->ready_cap);
    l->ready = ring;
    l->ready_cap = cap;
    l->ready_head = 0;
  }
  l->ready[(l->ready_head + l->ready_count) % l->ready_cap] = h;
  l->ready_count++;
}

static ObjHandle *ready_pop(AsyLoop *l) {
  ObjHandle *h = l->ready[l->ready_head];
  l->ready[l->ready_head] = NULL;
  l->ready_head = (l->ready_head + 1) % l->ready_cap;
  l->ready_count--;
  return h;
}

/* ---- the timer heap: (when, seq) ----------------------------------------------------- */

static bool timer_before(const ObjHandle *a, const ObjHandle *b) {
  return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_up(AsyLoop *l, size_t i) {
  ObjHandle *h = l->timers[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!timer_before(h, l->timers[parent])) break;
    l->timers[i] = l->timers[parent];
    i = parent;
  }
  l->timers[i] = h;
}

static void heap_down(AsyLoop *l, size_t i) {
  size_t n = l->timer_count;
  ObjHandle *h = l->timers[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && timer_before(l->timers[c + 1], l->timers[c])) c++;
    if (!timer_before(l->timers[c], h)) break;
    l->timers[i] = l->timers[c];
    i = c;
  }
  l->timers[i] = h;
}

static ObjHandle *heap_pop(AsyLoop *l) {
  ObjHandle *top = l->timers[0];
  l->timer_count--;
  if (l->timer_count) {
    l->timers[0] = l->timers[l->timer_count];
    heap_down(l, 0);
  }
  top->scheduled = false;
  return top;
}

/* Drop cancelled timers: all of them when they are most of the heap (CPython's
** _MIN_CANCELLED_TIMER_HANDLES_FRACTION rule, so cancelled timeouts do not pile up),
** else just those at the head. */
static void drop_cancelled_timers(AsyLoop *l) {
  if (l->timer_count > 100 && l->timers_cancelled * 2 > l->timer_count) {
    size_t j = 0;
    for (size_t i = 0; i < l->timer_count; i++) {
      ObjHandle *h = l->timers[i];
      if (h->cancelled) h->scheduled = false;
      else l->timers[j++] = h;
    }
    l->timer_count = j;
    l->timers_cancelled = 0;
    for (size_t i = j / 2; i-- > 0;) heap_down(l, i);
    return;
  }
  while (l->timer_count && l->timers[0]->cancelled) {
    heap_pop(l);
    if (l->timers_cancelled) l->timers_cancelled--;
  }
}

/* ---- scheduling ---------------------------------------------------------------------- */

void asy_loop_push_ready(VM *vm, ObjHandle *h) { ready_push(vm, h); }

ObjHandle *asy_loop_call_soon(VM *vm, Value callback, Value args, Value context) {
  ObjHandle *h = asy_loop_new_handle(vm, callback, args, context);
  ready_push(vm, h);
  return h;
}

ObjHandle *asy_loop_call_at(VM *vm, double when, Value callback, Value args, Value context) {
  ObjHandle *h = asy_loop_new_handle(vm, callback, args, context);
  AsyLoop *l = &vm->loop;
  h->timer = true;
  h->when = when;
  h->seq = l->seq++;
  if (l->timer_count == l->timer_cap) {
    size_t cap = l->timer_cap ? l->timer_cap * 2 : 64;
    l->timers = ASY_GROW(vm, ObjHandle *, l->timers, l->timer_cap, cap);
    l->timer_cap = cap;
  }
  l->timers[l->timer_count++] = h;
  h->scheduled = true;
  heap_up(l, l->timer_count - 1);
  return h;
}

void asy_loop_cancel(VM *vm, ObjHandle *h) {
  if (h->cancelled) return;
  h->cancelled = true;
  if (h->timer && h->scheduled) vm->loop.timers_cancelled++;
  /* Drop what it holds now: a cancelled timeout must not keep its task alive. */
  h->callback = NONE_VAL;
  h->args = NONE_VAL;
  h->context = NONE_VAL;
}

double asy_loop_time(VM *vm) { return asy_clock_monotonic(vm); }

bool asy_loop_has_work(VM *vm) {
  return vm->loop.ready_count > 0 || vm->loop.timer_count > vm->loop.timers_cancelled;
}

/* Block until `timeout` seconds pass on the real clock, or a signal arrives. */
static void wait_real(VM *vm, double timeout) {
  struct timespec ts = asy_clock_timespec(timeout);
  while (!asy_clock_nap(vm, &ts) && !ASY_INTERRUPTED(vm)) asy_signals_check_quit(vm);
}

void asy_loop_set_schedule_seed(VM *vm, uint64_t seed) { vm->loop.schedule_seed = seed; }

/* splitmix64: a small, well-mixed generator for --schedule random:SEED. */
static uint64_t next_random(AsyLoop *l) {
  uint64_t z = (l->schedule_seed += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Shuffle the task handles among the first n ready ones, leaving plain callbacks where
** they are (so their relative order stays). */
static void shuffle_tasks(AsyLoop *l, size_t n) {
  size_t small[64], k = 0;
  size_t *idx = n <= 64 ? small : malloc(n * sizeof *idx);
  if (!idx) return;
  for (size_t i = 0; i < n; i++) {
    ObjHandle *h = l->ready[(l->ready_head + i) % l->ready_cap];
    if (h->kind != HANDLE_CALL) idx[k++] = (l->ready_head + i) % l->ready_cap;
  }
  for (size_t i = k; i > 1; i--) {
    size_t j = (size_t)(next_random(l) % i);
    ObjHandle *t = l->ready[idx[i - 1]];
    l->ready[idx[i - 1]] = l->ready[idx[j]];
    l->ready[idx[j]] = t;
  }
  if (l->schedule_seed == 0) l->schedule_seed = 1; /* never fall back to FIFO by accident */
  if (idx != small) free(idx);
}

/* Run one handle; false when KeyboardInterrupt/SystemExit must end the loop. */
static bool run_handle(VM *vm, ObjHandle *h) {
  size_t mark = asy_temp_mark(vm);
  asy_push_root(vm, OBJ_VAL(h));
  Value r;
  if (h->kind != HANDLE_CALL) {
    r = asy_task_run_handle(vm, h) ? NONE_VAL : EXC_VAL;
  } else {
    /* callback(*args) with h's context current (None: the current one stays). */
    ObjTuple *args = AS_TUPLE(h->args);
    Value prev_context = vm->loop.context;
    asy_push_root(vm, prev_context);
    if (!IS_NONE(h->context)) vm->loop.context = h->context;
    r = asy_call(vm, h->callback, (int)args->size, args->items, NULL);
    vm->loop.context = prev_context;
  }
  bool ok = true;
  if (IS_EXC(r)) {
    Value exc = asy_pending(vm);
    if (asy_isinstance(vm, exc, vm->exc.KeyboardInterrupt) ||
        asy_isinstance(vm, exc, vm->exc.SystemExit)) {
      ok = false;
    } else {
      asy_clear_pending(vm);
      asy_push_root(vm, exc);
      /* asyncio's exception handler reports it; without one, or when it fails itself,
      ** the traceback of what is left is printed. */
      Value hook = vm->loop.error_hook;
      Value hargs[2] = {OBJ_VAL(h), exc};
      if (!IS_UNDEF(hook) && IS_EXC(asy_call(vm, hook, 2, hargs, NULL))) {
        exc = asy_pending(vm);
        asy_clear_pending(vm);
        hook = UNDEF_VAL;
      }
      if (IS_UNDEF(hook)) asy_print_exception(vm, exc);
    }
  }
  asy_temp_reset(vm, mark);
  return ok;
}

/* The real monotonic clock, whatever clock the VM shows. */
static double real_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wait on the poller: `timeout` seconds until the next timer (-1: none). On the virtual
** clock time jumps to the next deadline (a timer, or a worker thread's virtual sleep)
** only when no fd is ready and no worker is running; while an external fd is watched (a
** socket, a child) the clock runs at real speed instead, so a timeout never fires before
** real I/O had its real time. */
static void poll_fds(VM *vm, double timeout) {
  AsyLoop *l = &vm->loop;
  if (timeout == 0 || !vm->clock.virtual_time) {
    asy_poller_wait(vm, timeout);
    return;
  }
  double when = l->timer_count ? l->timers[0]->when : -1;
  bool may_jump = asy_threads_may_jump(vm, &when);
  size_t before = l->ready_count;
  if (when < 0 || (!may_jump && !l->external_count)) {
    asy_poller_wait(vm, -1); /* only an fd, a signal or a worker can end this */
    return;
  }
  if (l->external_count) {
    double wait_for = when - asy_loop_time(vm);
    if (wait_for < 0) wait_for = 0;
    double start = real_now();
    asy_poller_wait(vm, wait_for);
    double waited = real_now() - start;
    if (may_jump && l->ready_count == before && !ASY_INTERRUPTED(vm) && !asy_signals_caught(vm))
      asy_clock_advance_to(vm, when);
    else asy_clock_advance_to(vm, asy_loop_time(vm) + (waited < wait_for ? waited : wait_for));
  } else {
    asy_poller_wait(vm, 0);
    if (l->ready_count == before && !asy_signals_caught(vm)) asy_clock_advance_to(vm, when);
  }
  asy_threads_wake_sleepers(vm);
}

AsyLoopStatus asy_loop_run_once(VM *vm) {
  AsyLoop *l = &vm->loop;
  drop_cancelled_timers(l);
  if (l->watch_count || vm->signals.loop_count || asy_threads_busy(vm)) {
    /* Watched fds, signals or worker threads: poll every iteration, waiting only when
    ** nothing is ready (a worker's wake-up ends the wait too). */
    double timeout = 0; /* seconds; -1: until an fd, a timer, a signal or a worker */
    if (l->ready_count == 0) {
      timeout = -1;
      if (l->timer_count) {
        timeout = l->timers[0]->when - asy_loop_time(vm);
        if (timeout < 0) timeout = 0;
      }
    }
    poll_fds(vm, timeout);
  } else if (l->ready_count == 0) {
    if (l->timer_count == 0) return ASY_LOOP_IDLE;
    double wait = l->timers[0]->when - asy_loop_time(vm);
    if (wait > 0) {
      if (vm->clock.virtual_time) asy_clock_advance_to(vm, l->timers[0]->when);
      else wait_real(vm, wait);
    }
  }
  if (!asy_signals_check(vm)) return ASY_LOOP_ERROR;
  asy_signals_check_quit(vm);
  /* Timers due by now (within the clock's resolution, as CPython) become ready. */
  double end = asy_loop_time(vm) + 1e-9;
  while (l->timer_count) {
    ObjHandle *h = l->timers[0];
    if (h->cancelled) {
      heap_pop(l);
      if (l->timers_cancelled) l->timers_cancelled--;
      continue;
    }
    if (h->when >= end) break;
    heap_pop(l);
    ready_push(vm, h);
  }
  size_t ntodo = l->ready_count;
  /* After the count, as CPython's self-pipe reader queues a signal's callback for the
  ** next iteration. */
  if (!asy_signals_dispatch(vm)) return ASY_LOOP_ERROR;
  if (l->schedule_seed && ntodo > 1) shuffle_tasks(l, ntodo);
  for (size_t i = 0; i < ntodo; i++) {
    ObjHandle *h = ready_pop(l);
    if (h->cancelled) continue;
    if (!run_handle(vm, h)) return ASY_LOOP_ERROR;
  }
  asy_finalize_after_iteration(vm);
  return ASY_LOOP_RAN;
}

void asy_loop_mark(VM *vm) {
  AsyLoop *l = &vm->loop;
  for (size_t i = 0; i < l->ready_count; i++)
    asy_gc_mark_obj(vm, (Obj *)l->ready[(l->ready_head + i) % l->ready_cap]);
  for (size_t i = 0; i < l->timer_count; i++) asy_gc_mark_obj(vm, (Obj *)l->timers[i]);
  Value roots[] = {l->error_hook, l->context,           l->current_task, l->hooks[0],
                   l->hooks[1],   l->context_var_class, l->no_args};
  for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++)
    if (IS_OBJ(roots[i])) asy_gc_mark_obj(vm, AS_OBJ(roots[i]));
  asy_poller_mark(vm);
}

void asy_loop_free(VM *vm) {
  AsyLoop *l = &vm->loop;
  if (l->ready) ASY_FREE(vm, ObjHandle *, l->ready, l->ready_cap);
  if (l->timers) ASY_FREE(vm, ObjHandle *, l->timers, l->timer_cap);
  l->ready = l->timers = NULL;
  l->ready_cap = l->timer_cap = l->ready_count = l->timer_count = 0;
  asy_poller_free(vm);
}
