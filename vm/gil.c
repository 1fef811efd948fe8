/*
** gil.c — the interpreter lock, thread states and the worker pool (see gil.h).
**
** The lock follows CPython's "new GIL" (Python/ceval_gil.c, 3.2+): a waiter sleeps on a
** condition for the switch interval; if no switch happened meanwhile it sets
** vm->gil_drop_request, which the holder sees at its next safe point, and the holder
** then waits until a waiter has actually taken the lock (forced switching), so one busy
** thread cannot starve the others by re-taking the lock at once.
*/
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "vm/gc.h"
#include "vm/gil.h"
#include "vm/interp.h"
#include "vm/loop.h"
#include "vm/poller.h"
#include "vm/vm.h"

#define SWITCH_INTERVAL_NS 5000000L /* sys.getswitchinterval(): 5 ms */

struct AsyThreadState {
  Fiber *fiber; /* frames, value stack, pending and handled exceptions */
  int c_depth;
  Obj **temp_roots;
  size_t temp_count, temp_capacity;
  Value context, current_task;
  bool saved; /* the fields above hold the thread's state: it does not hold the lock */
  VM *vm;
  struct AsyThreadState *next;
};

typedef struct Job {
  Value future, fn, args, kwargs, context, on_done;
  struct Job *next;
} Job;

typedef struct Sleeper { /* a worker in a virtual time.sleep */
  double deadline;
  bool woken;
  struct Sleeper *next;
} Sleeper;

typedef struct AsyThreads {
  pthread_mutex_t mu; /* guards everything below */
  pthread_cond_t gil_free, switched, work, wake_sleepers;
  bool locked;
  unsigned long switches;
  int gil_waiters;
  AsyThreadState main_state;
  AsyThreadState *states;       /* every thread's, main first */
  Job *queue_head, *queue_tail; /* submitted, not started */
  Job *running;                 /* started, not finished */
  int nrunning;
  int busy; /* submitted and not yet handed back to the loop */
  Sleeper *sleepers;
  int sleeping;
  int workers, idle, max_workers;
  pthread_t *tids;
  bool shutdown;
} AsyThreads;

static _Thread_local AsyThreadState *current;

bool asy_gil_on_main_thread(VM *vm) { return !vm->threads || current == &vm->threads->main_state; }

/* ---- the lock ------------------------------------------------------------------------ */

static void save_state(VM *vm, AsyThreadState *ts) {
  ts->fiber = vm->fiber;
  ts->c_depth = vm->c_depth;
  ts->temp_roots = vm->temp_roots;
  ts->temp_count = vm->temp_count;
  ts->temp_capacity = vm->temp_capacity;
  ts->context = vm->loop.context;
  ts->current_task = vm->loop.current_task;
  ts->saved = true;
}

static void restore_state(VM *vm, AsyThreadState *ts) {
  vm->fiber = ts->fiber;
  vm->c_depth = ts->c_depth;
  vm->temp_roots = ts->temp_roots;
  vm->temp_count = ts->temp_count;
  vm->temp_capacity = ts->temp_capacity;
  vm->loop.context = ts->context;
  vm->loop.current_task = ts->current_task;
  ts->saved = false;
  current = ts;
}

static void deadline_after(struct timespec *ts, long ns) {
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_nsec += ns;
  if (ts->tv_nsec >= 1000000000L) ts->tv_sec++, ts->tv_nsec -= 1000000000L;
}

static void take_gil(VM *vm, AsyThreads *t) {
  pthread_mutex_lock(&t->mu);
  while (t->locked) {
    unsigned long seen = t->switches;
    struct timespec until;
    deadline_after(&until, SWITCH_INTERVAL_NS);
    t->gil_waiters++;
    int rc = pthread_cond_timedwait(&t->gil_free, &t->mu, &until);
    t->gil_waiters--;
    if (rc == ETIMEDOUT && t->locked && t->switches == seen)
      __atomic_store_n(&vm->gil_drop_request, 1, __ATOMIC_RELAXED);
  }
  t->locked = true;
  t->switches++;
  __atomic_store_n(&vm->gil_drop_request, 0, __ATOMIC_RELAXED);
  pthread_cond_broadcast(&t->switched);
  pthread_mutex_unlock(&t->mu);
}

static void drop_gil(AsyThreads *t) {
  pthread_mutex_lock(&t->mu);
  t->locked = false;
  pthread_cond_signal(&t->gil_free);
  pthread_mutex_unlock(&t->mu);
}

AsyThreadState *asy_gil_release(VM *vm) {
  AsyThreads *t = vm->threads;
  if (!t) return NULL;
  AsyThreadState *ts = current;
  save_state(vm, ts);
  drop_gil(t);
  return ts;
}

void asy_gil_restore(VM *vm, AsyThreadState *ts) {
  if (!ts) return;
  int saved_errno = errno; /* the blocking call's, for the caller to read */
  take_gil(vm, vm->threads);
  restore_state(vm, ts);
  errno = saved_errno;
}

void asy_gil_yield(VM *vm) {
  AsyThreads *t = vm->threads;
  if (!t) {
    __atomic_store_n(&vm->gil_drop_request, 0, __ATOMIC_RELAXED);
    return;
  }
  AsyThreadState *ts = current;
  save_state(vm, ts);
  pthread_mutex_lock(&t->mu);
  t->locked = false;
  unsigned long seen = t->switches;
  pthread_cond_signal(&t->gil_free);
  while (t->gil_waiters > 0 && t->switches == seen) pthread_cond_wait(&t->switched, &t->mu);
  pthread_mutex_unlock(&t->mu);
  take_gil(vm, t);
  restore_state(vm, ts);
}

/* ---- the pool ------------------------------------------------------------------------- */

static void mark_job(VM *vm, Job *j) {
  asy_gc_mark_value(vm, j->future);
  asy_gc_mark_value(vm, j->fn);
  asy_gc_mark_value(vm, j->args);
  asy_gc_mark_value(vm, j->kwargs);
  asy_gc_mark_value(vm, j->context);
  asy_gc_mark_value(vm, j->on_done);
}

/* The GC runs in the lock's holder; the other threads' saved roots and the jobs are
** marked here (their fibers are on vm->fibers). */
static void threads_mark(VM *vm) {
  AsyThreads *t = vm->threads;
  if (!t) return;
  pthread_mutex_lock(&t->mu);
  for (AsyThreadState *ts = t->states; ts; ts = ts->next) {
    if (!ts->saved) continue;
    for (size_t i = 0; i < ts->temp_count; i++) asy_gc_mark_obj(vm, ts->temp_roots[i]);
    asy_gc_mark_value(vm, ts->context);
    asy_gc_mark_value(vm, ts->current_task);
  }
  for (Job *j = t->queue_head; j; j = j->next) mark_job(vm, j);
  for (Job *j = t->running; j; j = j->next) mark_job(vm, j);
  pthread_mutex_unlock(&t->mu);
}

static void unlink_running(AsyThreads *t, Job *job) {
  for (Job **p = &t->running; *p; p = &(*p)->next)
    if (*p == job) {
      *p = job->next;
      return;
    }
}

/* Queue on_done(future, ok, value) for the loop thread. */
static void report(VM *vm, Job *j, bool ok, Value value) {
  ObjTuple *args = asy_tuple_new(vm, 3);
  args->items[0] = j->future;
  args->items[1] = ok ? TRUE_VAL : FALSE_VAL;
  args->items[2] = value;
  asy_push_root(vm, OBJ_VAL(args));
  asy_loop_call_soon(vm, j->on_done, OBJ_VAL(args), NONE_VAL);
}

/* Run a job in this worker (holding the lock) and queue its report for the loop. */
static void run_job(VM *vm, Job *j) {
  size_t mark = asy_temp_mark(vm);
  Value prev_context = vm->loop.context;
  if (!IS_NONE(j->context)) vm->loop.context = j->context;
  ObjTuple *args = AS_TUPLE(j->args);
  ObjDict *kw = IS_NONE(j->kwargs) ? NULL : AS_DICT(j->kwargs);
  Value r = asy_call(vm, j->fn, (int)args->size, args->items, kw);
  bool ok = !IS_EXC(r);
  if (!ok) {
    r = asy_pending(vm);
    asy_clear_pending(vm);
  }
  asy_push_root(vm, r);
  vm->loop.context = prev_context;
  report(vm, j, ok, r);
  asy_temp_reset(vm, mark);
}

static void *worker_main(void *arg) {
  AsyThreadState *ts = arg;
  VM *vm = ts->vm;
  AsyThreads *t = vm->threads;
  pthread_mutex_lock(&t->mu);
  for (;;) { /* counted in t->idle from its spawning on, until it takes a job */
    while (!t->queue_head && !t->shutdown) pthread_cond_wait(&t->work, &t->mu);
    t->idle--;
    if (!t->queue_head) break;
    Job *j = t->queue_head;
    t->queue_head = j->next;
    if (!t->queue_head) t->queue_tail = NULL;
    j->next = t->running;
    t->running = j;
    t->nrunning++;
    pthread_mutex_unlock(&t->mu);

    take_gil(vm, t);
    restore_state(vm, ts);
    run_job(vm, j);
    pthread_mutex_lock(&t->mu);
    unlink_running(t, j);
    t->nrunning--;
    t->busy--;
    t->idle++;
    pthread_mutex_unlock(&t->mu);
    free(j);
    asy_poller_wake(vm);
    save_state(vm, ts);
    drop_gil(t);
    pthread_mutex_lock(&t->mu);
  }
  pthread_mutex_unlock(&t->mu);
  return NULL;
}

/* CPython's ThreadPoolExecutor default: min(32, cpu_count + 4) workers. */
static int default_max_workers(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  return n + 4 < 32 ? (int)n + 4 : 32;
}

static AsyThreads *threads_start(VM *vm) {
  if (vm->threads) return vm->threads;
  AsyThreads *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->max_workers = default_max_workers();
  t->tids = calloc((size_t)t->max_workers, sizeof *t->tids);
  if (!t->tids) {
    free(t);
    return NULL;
  }
  pthread_mutex_init(&t->mu, NULL);
  pthread_cond_init(&t->gil_free, NULL);
  pthread_cond_init(&t->switched, NULL);
  pthread_cond_init(&t->work, NULL);
  pthread_cond_init(&t->wake_sleepers, NULL);
  t->locked = true; /* by this, the main thread */
  t->main_state.context = t->main_state.current_task = NONE_VAL;
  t->states = &t->main_state;
  current = &t->main_state;
  vm->threads = t;
  asy_vm_add_hook(vm, threads_mark, NULL);
  return t;
}

/* A worker's C stack is as large as the main thread's, so the C-stack guard (fiber.c)
** measures it against the same limit. */
static bool spawn_worker(AsyThreads *t, VM *vm) {
  AsyThreadState *ts = calloc(1, sizeof *ts);
  if (!ts) return false;
  ts->fiber = asy_fiber_new(vm, ASY_MAIN_STACK_SLOTS, ASY_MAIN_FRAMES);
  if (!ts->fiber) {
    free(ts);
    return false;
  }
  ts->context = ts->current_task = NONE_VAL;
  ts->saved = true;
  ts->vm = vm;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  size_t size = 8u << 20;
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) size = rl.rlim_cur;
  if (size > (256u << 20)) size = 256u << 20;
  pthread_attr_setstacksize(&attr, size);
  /* Signals are the main thread's to handle (as CPython): workers block them all. */
  pthread_mutex_lock(&t->mu); /* counted idle before it can take a job */
  ts->next = t->states->next;
  t->states->next = ts;
  t->idle++;
  pthread_mutex_unlock(&t->mu);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  int rc = pthread_create(&t->tids[t->workers], &attr, worker_main, ts);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    pthread_mutex_lock(&t->mu);
    t->states->next = ts->next;
    t->idle--;
    pthread_mutex_unlock(&t->mu);
    asy_fiber_free(vm, ts->fiber);
    free(ts);
    return false;
  }
  t->workers++;
  return true;
}

bool asy_threads_submit(VM *vm, Value future, Value fn, Value args, Value kwargs, Value context,
                        Value on_done) {
  AsyThreads *t = threads_start(vm);
  Job *j = t ? calloc(1, sizeof *j) : NULL;
  if (!j || !asy_poller_ensure(vm)) {
    free(j);
    if (IS_UNDEF(asy_pending(vm))) asy_raise(vm, vm->exc.MemoryError, NULL);
    return false;
  }
  *j = (Job){future, fn, args, kwargs, context, on_done, NULL};
  pthread_mutex_lock(&t->mu);
  if (t->queue_tail) t->queue_tail->next = j;
  else t->queue_head = j;
  t->queue_tail = j;
  t->busy++;
  int waiting_jobs = 0;
  for (Job *q = t->queue_head; q; q = q->next) waiting_jobs++;
  bool want_worker = waiting_jobs > t->idle && t->workers < t->max_workers;
  pthread_cond_signal(&t->work);
  pthread_mutex_unlock(&t->mu);
  /* Outside the mutex: making the worker's fiber may collect, and marking takes it. */
  if (want_worker && !spawn_worker(t, vm)) {
    if (t->workers > 0) { /* the existing workers will run it */
      asy_clear_pending(vm);
      return true;
    }
    pthread_mutex_lock(&t->mu); /* no worker can have taken it */
    t->queue_head = t->queue_tail = NULL;
    t->busy--;
    pthread_mutex_unlock(&t->mu);
    free(j);
    if (IS_UNDEF(asy_pending(vm))) asy_raise(vm, vm->exc.RuntimeError, "can't start new thread");
    return false;
  }
  return true;
}

int asy_threads_busy(VM *vm) {
  AsyThreads *t = vm->threads;
  if (!t) return 0;
  pthread_mutex_lock(&t->mu);
  int n = t->busy;
  pthread_mutex_unlock(&t->mu);
  return n;
}

bool asy_threads_may_jump(VM *vm, double *deadline) {
  AsyThreads *t = vm->threads;
  if (!t) return true;
  pthread_mutex_lock(&t->mu);
  /* Every started job sleeps, and a queued one waits for a worker that sleeps: nothing
  ** moves until the clock does. */
  bool ok = t->nrunning == t->sleeping && (!t->queue_head || t->idle == 0);
  for (Sleeper *s = t->sleepers; s; s = s->next)
    if (*deadline < 0 || s->deadline < *deadline) *deadline = s->deadline;
  pthread_mutex_unlock(&t->mu);
  return ok;
}

void asy_threads_wake_sleepers(VM *vm) {
  AsyThreads *t = vm->threads;
  if (!t) return;
  double now = asy_clock_monotonic(vm) + 1e-9;
  pthread_mutex_lock(&t->mu);
  for (Sleeper **p = &t->sleepers; *p;) {
    Sleeper *s = *p;
    if (s->deadline <= now) {
      s->woken = true;
      t->sleeping--;
      *p = s->next;
    } else {
      p = &s->next;
    }
  }
  pthread_cond_broadcast(&t->wake_sleepers);
  pthread_mutex_unlock(&t->mu);
}

void asy_threads_virtual_sleep(VM *vm, double secs) {
  AsyThreads *t = vm->threads;
  Sleeper s = {asy_clock_monotonic(vm) + secs, false, NULL};
  pthread_mutex_lock(&t->mu);
  s.next = t->sleepers;
  t->sleepers = &s;
  t->sleeping++;
  pthread_mutex_unlock(&t->mu);
  asy_poller_wake(vm); /* the loop may now be free to move the clock */
  AsyThreadState *ts = asy_gil_release(vm);
  pthread_mutex_lock(&t->mu);
  while (!s.woken) pthread_cond_wait(&t->wake_sleepers, &t->mu);
  pthread_mutex_unlock(&t->mu);
  asy_gil_restore(vm, ts);
}

void asy_threads_shutdown(VM *vm) {
  AsyThreads *t = vm->threads;
  if (!t) return;
  AsyThreadState *ts = asy_gil_release(vm);
  pthread_mutex_lock(&t->mu);
  t->shutdown = true;
  pthread_cond_broadcast(&t->work);
  pthread_mutex_unlock(&t->mu);
  for (int i = 0; i < t->workers; i++) pthread_join(t->tids[i], NULL);
  asy_gil_restore(vm, ts);
  /* Every worker is gone: from here on this is a single-threaded VM again. */
  vm->threads = NULL;
  for (AsyThreadState *s = t->states->next; s;) {
    AsyThreadState *next = s->next;
    free(s->temp_roots);
    free(s);
    s = next;
  }
  for (Job *j = t->queue_head; j;) {
    Job *next = j->next;
    free(j);
    j = next;
  }
  pthread_mutex_destroy(&t->mu);
  pthread_cond_destroy(&t->gil_free);
  pthread_cond_destroy(&t->switched);
  pthread_cond_destroy(&t->work);
  pthread_cond_destroy(&t->wake_sleepers);
  free(t->tids);
  free(t);
  current = NULL;
}
