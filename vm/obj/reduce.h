/*
** reduce.h — the running state of sum(), min()/max() and any()/all(): one definition of
** each step, used by the built-ins (stdlib/builtins_iter.c) and by the loop when it
** drains a generator into them (vm/gen_drain.h).
**
** Each step comes twice: the full one, and a "plain" one that takes only the items it can
** handle without running user code and without failing (numbers, exact strs), reporting
** the rest as not taken. A drained generator is running while its items are taken, so
** only plain steps may run then; everything else is taken by the full step with the
** generator suspended, as the built-in would.
*/
#ifndef ASY_OBJ_REDUCE_H
#define ASY_OBJ_REDUCE_H

#include "vm/vm.h"

/* sum(): CPython 3.12+'s phases exactly. Exact ints accumulate in C; once a float
** appears the total goes on as a double with Neumaier compensation for float items (int
** items are added plainly); anything else falls back to the generic `+` for good. */
typedef enum { SUM_INT, SUM_FLOAT, SUM_GENERIC } AsySumPhase;
typedef struct {
  AsySumPhase phase;
  int64_t i;    /* SUM_INT: the total */
  double f, c;  /* SUM_FLOAT: the total and its compensation */
  Value result; /* SUM_GENERIC: the total (the caller keeps it reachable) */
} AsySum;

/* Start a sum at start (sum()'s str/bytes refusals are the caller's). */
void asy_sum_start(AsySum *s, Value start);
/* Add item: false with the exception pending. A new generic total is pushed as a root. */
bool asy_sum_add(VM *vm, AsySum *s, Value item);
/* Add item when that stays in the int or float phase: false, s unchanged, otherwise. */
bool asy_sum_add_plain(AsySum *s, Value item);
/* The total so far. */
Value asy_sum_total(const AsySum *s);

/* min()/max() without key: does item replace best (op CMP_LT for min, CMP_GT for max)?
** 1/0, -1 with the exception pending. */
int asy_min_max_better(VM *vm, int op, Value item, Value best);
/* The same for ints, floats and exact strs only: -1 (nothing done) for anything else. */
int asy_min_max_better_plain(VM *vm, int op, Value item, Value best);

/* Truthiness for any()/all() of values whose truth runs no user code (None, bools,
** numbers, exact strs and built-in containers): 1/0, or -1 for anything else. */
int asy_truthy_plain(VM *vm, Value v);

#endif
