/*
** gen_drain.h — `list(g)`, `tuple(g)`, `set(g)`, `frozenset(g)` of a generator, run
** in the loop without suspending g between items.
**
** Called from C, each item of a generator costs a resume and a suspend: its frame is
** copied onto the stack, a nested run loop starts, and the yield copies the frame out
** again (500-900 instructions an item, where the item itself may take 20). When CALL
** finds one of these four built-in classes called with a plain generator alone, it
** pushes the generator's frame flagged FRAME_DRAIN above the call instead (the
** collection beside it on the caller's stack). A yield in that frame adds the value to
** the collection and the frame goes on where it is; its return makes the collection
** (converted for tuple) the call's result; an exception leaving it is raised at the
** CALL, as from the C call.
**
** What stays as CPython does it: between two items only the generator's own code runs
** while it is marked running — appending to a list runs no user code, and neither does
** adding a None, bool, int, float, exact str, or exact tuple of those to a set whose
** items are all such. Any other item of a set makes the frame suspend as a plain yield
** would: the caller's CALL adds it (a user __hash__/__eq__ sees the generator suspended,
** and an error leaves it suspended) and then resumes the generator, and every later item
** of that set goes the same way.
**
** The caller's stack during a drain: [mode as an int, collection, generator] where
** CALL's callable, its null and its argument were, then the generator's frame.
*/
#ifndef ASY_GEN_DRAIN_H
#define ASY_GEN_DRAIN_H

#include "vm/interp.h"

/* The drain modes: which class was called, and whether every set add now goes through
** the caller (DRAIN_SLOW_ADDS). */
enum { DRAIN_LIST, DRAIN_TUPLE, DRAIN_SET, DRAIN_FROZENSET, DRAIN_SLOW_ADDS = 4 };

/* The drain mode of calling callable with arg alone, or -1 when the call is not one:
** callable must be exactly list, tuple, set or frozenset, and arg a plain generator
** that is created or suspended. */
int asy_drain_mode(VM *vm, Value callable, Value arg);
/* The empty collection a drain in mode fills: a list (list, tuple) or a set. */
Value asy_drain_collection(VM *vm, int mode);
/* Can v be added to a drain's set without running user code (see above)? */
bool asy_drain_plain_key(VM *vm, Value v);
/* The call's result once the generator has returned: the collection itself, or the
** tuple of the list's items (EXC_VAL, MemoryError pending, when it cannot be made). */
Value asy_drain_result(VM *vm, int mode, Value collection);

#endif
