/*
** gen_drain.h — list(g), tuple(g), set(g), frozenset(g), sum(g), min(g), max(g), any(g)
** and all(g) of a generator, run in the loop without suspending g between items.
**
** Called from C, each item of a generator costs a resume and a suspend: its frame is
** copied onto the stack, a nested run loop starts, and the yield copies the frame out
** again (500-900 instructions an item, where the item itself may take 20). When CALL
** finds one of these built-ins called with a plain generator as its only argument, it
** pushes the generator's frame flagged FRAME_DRAIN above the call instead, the drain's
** state beside it on the caller's stack. A yield in that frame hands the value to the
** state and the frame goes on where it is; its return makes the call's result from the
** state; an exception leaving it is raised at the CALL, as from the C call.
**
** What stays as CPython does it: between two items only the generator's own code runs
** while it is marked running. An item is taken there only by the "plain" steps of
** reduce.h and set adds of plain keys (None, bools, ints, floats, exact strs, exact
** tuples of those, into a set holding only such): they run no user code and cannot fail.
** Any other item makes the frame suspend as a plain yield would; the caller's CALL takes
** it with the generator suspended (a user __hash__, __eq__, __add__, __lt__ or __bool__
** sees it suspended, and an error leaves it so), then resumes the generator, unless
** any()/all() has its answer: the generator then stays suspended, as the built-in leaves
** it. Every later item of a set that took such an item goes through the caller too.
**
** The caller's stack during a drain: three slots where CALL's callable, null and argument
** were (the drain's mode as an int, then two slots of state), then the generator's frame.
*/
#ifndef ASY_GEN_DRAIN_H
#define ASY_GEN_DRAIN_H

#include "vm/interp.h"

/* The kinds of drain: the class or built-in called. */
enum {
  DRAIN_LIST,
  DRAIN_TUPLE,
  DRAIN_SET,
  DRAIN_FROZENSET,
  DRAIN_SUM,
  DRAIN_MIN,
  DRAIN_MAX,
  DRAIN_ANY,
  DRAIN_ALL,
  DRAIN_SORTED, /* sorted(g): the list, then sorted, as the built-in's own copy */
  DRAIN_JOIN,   /* sep.join(g) (str or bytes): the list, then joined, as PySequence_Fast */
  DRAIN_KINDS
};

/* Register fn as the built-in of a native drain kind (DRAIN_SUM … DRAIN_JOIN): the
** modules defining them do, at start-up. */
void asy_drain_register(VM *vm, int kind, NativeFn fn);
/* The drain mode of CALL 1 on slot (callable, self or null, argument), or -1 when the
** call is not one: the callable is exactly list, tuple, set or frozenset or a registered
** built-in (called without self, or join with its str or bytes separator), and the
** argument a plain generator that is created or suspended. */
int asy_drain_mode(VM *vm, const Value *slot);
/* Fill state[0..3), the slots of callable, null and argument, for a drain in mode. */
void asy_drain_begin(VM *vm, int mode, Value *state);
/* Take v while the generator runs, when the plain steps can: false (nothing done)
** otherwise. */
bool asy_drain_take_plain(VM *vm, Value *state, Value v);
/* Take v with the generator suspended: 0 to go on, 1 when the result is settled
** (any/all), -1 with the exception pending. */
int asy_drain_take(VM *vm, Value *state, Value v);
/* The call's result once the drain ended: EXC_VAL with the exception pending for
** min()/max() of nothing (ValueError) or a tuple that cannot be made (MemoryError). */
Value asy_drain_result(VM *vm, Value *state);

#endif
