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

bool asy_fiber_ensure(VM *vm, Fiber *f, size_t slots, int frames) {
  if (f->stack && f->frames) return true;
  if (!f->stack) {
    f->stack = calloc(slots, sizeof(Value));
    if (!f->stack) {
      asy_raise(vm, vm->exc.MemoryError, "cannot allocate a fiber stack");
      return false;
    }
    f->stack_top = f->stack;
    f->stack_capacity = slots;
  }
  if (!f->frames) {
    f->frames = calloc((size_t)frames, sizeof(Frame));
    if (!f->frames) {
      asy_raise(vm, vm->exc.MemoryError, "cannot allocate a fiber stack");
      return false;
    }
    f->frame_capacity = frames;
    f->frame_count = 0;
  }
  return true;
}

Fiber *asy_fiber_new(VM *vm, size_t slots, int frames) {
  Fiber *f = calloc(1, sizeof(Fiber));
  if (!f) {
    asy_raise(vm, vm->exc.MemoryError, "cannot allocate a fiber");
    return NULL;
  }
  f->exc = UNDEF_VAL;
  f->handling = UNDEF_VAL;
  if (!asy_fiber_ensure(vm, f, slots, frames)) {
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
