/*
** fiber.c — fiber stacks and the recursion guards.
**
** A fiber's value stack and frame array are allocated once and never move (see the
** design notes in interp.h for why). calloc gives lazily committed zero pages, so a
** large capacity costs address space, not memory; zeroed slots are UNDEF values.
*/
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "vm/interp.h"

/* Script recursion is data on these stacks, so sys.setrecursionlimit(10**6) needs room
** for a million frames; the stacks cannot grow later (they never move), so they are
** reserved that large up front. calloc hands blocks this big out as fresh mmap pages, which
** cost address space only until a deep recursion touches them. Where address space is
** short (ulimit -v) the reservation halves until it fits, down to the caller's minimum;
** past the capacity a push raises RecursionError or MemoryError("stack overflow"). */
#define RESERVE_FRAMES ((size_t)1 << 20)
#define RESERVE_SLOTS ((size_t)1 << 23) /* 8 slots a frame: localsplus, operands, slack */

/* calloc(*n, size), halving *n down to min while it fails; NULL if even min fails. */
static void *reserve(size_t *n, size_t min, size_t size) {
  for (;;) {
    void *p = calloc(*n, size);
    if (p || *n <= min) return p;
    *n = *n / 2 > min ? *n / 2 : min;
  }
}

static int frame_limit(VM *vm, Fiber *f) {
  return vm->recursion_limit < f->frame_capacity ? vm->recursion_limit : f->frame_capacity;
}

/* Allocate what f lacks; reserve_more: at least the million-frame reservation above. */
static bool fiber_alloc(VM *vm, Fiber *f, size_t slots, int frames, bool reserve_more) {
  if (!f->stack) {
    size_t n = reserve_more && slots < RESERVE_SLOTS ? RESERVE_SLOTS : slots;
    f->stack = reserve(&n, slots, sizeof(Value));
    if (!f->stack) {
      asy_raise(vm, vm->exc.MemoryError, "cannot allocate a fiber stack");
      return false;
    }
    f->stack_top = f->stack;
    f->stack_capacity = n;
    f->stack_end = f->stack + n;
  }
  if (!f->frames) {
    size_t n = reserve_more && (size_t)frames < RESERVE_FRAMES ? RESERVE_FRAMES : (size_t)frames;
    f->frames = reserve(&n, (size_t)frames, sizeof(Frame));
    if (!f->frames) {
      asy_raise(vm, vm->exc.MemoryError, "cannot allocate a fiber stack");
      return false;
    }
    f->frame_capacity = (int)n;
    f->frame_count = 0;
  }
  f->frame_end = f->frames + frame_limit(vm, f);
  return true;
}

void asy_set_recursion_limit(VM *vm, int n) {
  vm->recursion_limit = n;
  for (Fiber *f = vm->fibers; f; f = f->next_fiber) f->frame_end = f->frames + frame_limit(vm, f);
}

/* The main fiber (made bare by vm_new, filled here on first use) gets the reservation;
** other fibers (a worker thread's) keep the capacity asked for: a million-frame
** reservation per pool thread would be address space for nothing. */
bool asy_fiber_ensure(VM *vm, Fiber *f, size_t slots, int frames) {
  if (f->stack && f->frames) return true;
  return fiber_alloc(vm, f, slots, frames, true);
}

Fiber *asy_fiber_new(VM *vm, size_t slots, int frames) {
  Fiber *f = calloc(1, sizeof(Fiber));
  if (!f) {
    asy_raise(vm, vm->exc.MemoryError, "cannot allocate a fiber");
    return NULL;
  }
  f->exc = UNDEF_VAL;
  f->handling = UNDEF_VAL;
  if (!fiber_alloc(vm, f, slots, frames, false)) {
    free(f->stack);
    free(f);
    return NULL;
  }
  f->next_fiber = vm->fibers;
  vm->fibers = f;
  return f;
}

void asy_fiber_free(VM *vm, Fiber *f) {
  for (Fiber **p = &vm->fibers; *p; p = &(*p)->next_fiber) {
    if (*p == f) {
      *p = f->next_fiber;
      break;
    }
  }
  free(f->stack);
  free(f->frames);
  free(f);
}

Value asy_stack_overflow(VM *vm) { return asy_raise(vm, vm->exc.MemoryError, "stack overflow"); }

Value asy_recursion_error(VM *vm) {
  return asy_raise(vm, vm->exc.RecursionError, "maximum recursion depth exceeded");
}

/* ---- the C stack guard -------------------------------------------------------------
** Nested interpreter loops (asy_call from C) recurse on the C stack. Counting levels
** alone cannot be tuned for every build (an ASan frame is several times larger), so
** the guard measures: the address of the outermost entry against the current frame,
** compared with the stack rlimit minus a safety margin for the code that runs between
** checks (natives, printing the traceback). */
static _Thread_local char *c_stack_base; /* each thread has its own C stack */
static _Thread_local size_t c_stack_budget;

void asy_c_stack_init(void) {
  char *here = (char *)__builtin_frame_address(0);
  if (c_stack_base && here <= c_stack_base) return;
  c_stack_base = here;
  size_t limit = 8u << 20;
  struct rlimit rl;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    limit = (size_t)rl.rlim_cur;
  if (limit > (256u << 20)) limit = 256u << 20;
  /* Keep a quarter (at least 1 MB) for what runs after the last check. */
  size_t margin = limit / 4 > (1u << 20) ? limit / 4 : (1u << 20);
  c_stack_budget = limit > 2 * margin ? limit - margin : limit / 2;
}

bool asy_c_stack_exhausted(void) {
  if (!c_stack_base) return false;
  char *here = (char *)__builtin_frame_address(0);
  if (here > c_stack_base) return false; /* a different (deeper-based) entry */
  return (size_t)(c_stack_base - here) > c_stack_budget;
}

bool asy_c_stack_check(VM *vm) {
  if (!asy_c_stack_exhausted()) return true;
  asy_recursion_error(vm);
  return false;
}
