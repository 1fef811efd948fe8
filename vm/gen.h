/*
** gen.h — generators, coroutines and async generators: one suspension mechanism.
**
** A generator object (ObjGen, object.h) owns a copy of its frame's slots while it is
** suspended. The loop resumes it by copying the slots back onto the running fiber's
** stack above the resumer and pushing a FRAME_GEN frame (asy_gen_push); YIELD_VALUE
** copies them out again and pops the frame (asy_gen_suspend); a return or an escaping
** exception closes it (asy_gen_finish). So a suspended generator holds no C stack, and
** `await`/`yield from` chains are frames stacked in one loop: SEND pushes the
** delegate's frame right above the delegating one.
**
** Who resumed a FRAME_GEN frame decides what its yield and return mean, and the frame
** finds out from the resumer's instruction (frame->ret's owner, at ip[-1]):
**   FOR_ITER   yield: the value is the next item; return: the loop ends.
**   SEND       yield: passes up (the delegating frame yields it in turn); return: the
**              value of the `await`/`yield from`, continuing at SEND's target.
**   FRAME_ENTRY (a C driver: next(), send(), a Task step) — the loop itself ends with
**              ASY_RUN_SUSPENDED (a yield) or ASY_RUN_RETURNED.
**   FRAME_DRAIN (CALL of list(g), sum(g) …, gen_drain.h) — yield: the value goes to the
**              call's state and the frame goes on; return: the call's result is made.
** An async generator's own yields (YIELD_VALUE 1) end the asend/athrow awaitable that
** resumed it, like a return does for SEND.
**
** The delegation shortcut. A suspended generator waiting in `yield from` on another
** suspended generator does nothing on a next()/send() but hand the value down (its
** SEND) and the yield back up. So resuming it pushes only the innermost frame of such
** a chain (asy_gen_push_resume): the generators in between are marked running and
** linked through resumed_by, and a chain of depth d costs one frame copy per item
** instead of d. A delegating frame comes back only when it has something to do: the
** innermost one returns (its delegator continues at SEND's target with the value) or
** raises (its delegator raises at its SEND, adding its traceback line), through
** asy_gen_reenter_delegator. Only plain generators take it, and only through
** generators handling no exception (their exc_state would be missing from the
** handled-exception chain); throw() rebuilds the whole chain as before.
**
** Exception state per owner: a generator keeps the exception it is handling in
** exc_state; resuming swaps it into fiber->handling and saves the resumer's in
** frame->caller_handling; suspending swaps back. asy_handled_exception walks that chain
** as CPython's _PyErr_GetTopmostException does.
*/
#ifndef ASY_GEN_H
#define ASY_GEN_H

#include "vm/interp.h"

/* The frame just pushed for a generator function's call becomes a new generator (or
** coroutine, async generator) object, and the frame is popped. Returns the object. */
Value asy_gen_from_frame(VM *vm);
/* Can a call of generator (coroutine, async generator) function fn with argc positional
** arguments make its object straight from them (asy_gen_new_direct)? Yes when they
** match the parameters exactly and the code has no cells to create. */
bool asy_gen_direct_call_ok(const ObjFunction *fn, int argc);
/* The object a call of fn with args[0..argc) makes (asy_gen_direct_call_ok said yes),
** without pushing a frame. args and fn must be reachable by the collector. */
Value asy_gen_new_direct(VM *vm, ObjFunction *fn, const Value *args, int argc);
/* iter(*slot) for an instance whose class's __iter__ is a generator function of self
** alone (`def __iter__(self): ... yield`): *slot becomes the generator, without a call.
** False, *slot untouched, for anything else. slot lies on the fiber's stack. for_send:
** GET_YIELD_FROM_ITER's, the generator then belongs to that stack slot alone. */
bool asy_gen_iter_direct(VM *vm, Value *slot, bool for_send);
/* END_SEND in frame fr drops g, the generator its `yield from` drove: when that was
** made for the slot alone (stack_owned), has finished and was never handed out, nothing
** else can reach it, so it is freed now rather than left to the collector (a tree
** walked by recursive generators makes one per node). */
void asy_gen_drop_sent(VM *vm, Frame *fr, ObjGen *g);
/* Push g's frame with its slots at `slot` (flags | FRAME_GEN). Checks that g can run
** (not running, not closed) and raises as CPython when not. */
bool asy_gen_push(VM *vm, ObjGen *g, Value *slot, int flags);
/* Resume g for a send or next(): push the frame of the innermost generator of its
** `yield from` chain (the delegation shortcut above), or g's own. *started says whether
** that frame was suspended (the caller then pushes the value sent). */
bool asy_gen_push_resume(VM *vm, ObjGen *g, Value *slot, int flags, bool *started);
/* The top frame fr, of a generator running through the delegation shortcut, ends:
** close its generator, pop it and push its delegator's frame in its place, to continue
** at SEND's target with retval on its stack (returning) or at its SEND with the
** exception pending (raising: retval is UNDEF). False with an exception pending when
** the delegator's frame does not fit (the chain is then released). */
bool asy_gen_reenter_delegator(VM *vm, Frame *fr, Value retval);
/* After asy_gen_push of a suspended generator for throw(): rebuild the delegation
** chain (each frame suspended in `yield from`/`await` on another Asy generator gets
** that one's frame pushed above it) and mark the innermost frame FRAME_THROW with exc
** pending, so the loop raises it there first, as CPython's gen_throw recursion does. */
bool asy_gen_push_throw_chain(VM *vm, Value exc);
/* YIELD_VALUE: save the top frame (a FRAME_GEN frame whose operand stack ends at sp)
** into its generator and pop it. */
void asy_gen_suspend(VM *vm, Frame *fr, Value *sp);
/* The top FRAME_GEN frame ends (return, or an exception leaving it): close its
** generator and pop the frame. */
void asy_gen_finish(VM *vm, Frame *fr);
/* PEP 479: a StopIteration (or, in an async generator, StopAsyncIteration) escaping a
** generator frame becomes RuntimeError, chained; idx is the raising instruction. */
void asy_gen_stopiteration_error(VM *vm, Frame *fr, int idx);

/* Resume g from C with send (or, when exc is not UNDEF, throw exc into it): a nested
** loop runs until it yields (ASY_RUN_SUSPENDED), returns or raises. */
AsyRunStatus asy_gen_resume(VM *vm, ObjGen *g, Value send, Value exc, Value *result);
/* close(): throw GeneratorExit in; a yield in response is a RuntimeError. Returns the
** generator's return value when it returns (3.13), or EXC_VAL. */
Value asy_gen_close(VM *vm, ObjGen *g);
/* Send v into any iterator or awaitable from C (v None: next()): SUSPENDED with the
** yielded value, RETURNED with the StopIteration value, or RAISED. */
AsyRunStatus asy_send(VM *vm, Value receiver, Value v, Value *result);
/* The Asy generator SEND/FOR_ITER can resume inline for receiver, or NULL: receiver
** itself, or the coroutine behind a coroutine.__await__() wrapper. */
ObjGen *asy_gen_inline_target(VM *vm, Value receiver);

/* What suspended g awaits (its `await`/`yield from` receiver, CPython's _PyGen_yf), or
** UNDEF when it is not suspended inside one. */
Value asy_gen_delegate(ObjGen *g);

/* GET_AWAITABLE: the iterator `await v` drives, with CPython's errors. */
Value asy_get_awaitable(VM *vm, Value v);
/* GET_AITER / GET_ANEXT: `async for`'s iterator, and the awaitable of its next item,
** with CPython's TypeErrors. */
Value asy_get_aiter(VM *vm, Value v);
Value asy_get_anext(VM *vm, Value aiter);
/* GET_YIELD_FROM_ITER: the iterator `yield from v` drives. */
Value asy_yield_from_iter(VM *vm, Value v);

/* Install the generator, coroutine and async_generator methods. */
void asy_init_gen_types(VM *vm);

#endif
