/*
** interp.h — the interpreter's internal interface (interp.c, interp_ops.c, call.c,
** module.c, fiber.c). Other areas use the public entry points in vm.h (asy_run_code,
** asy_call, asy_call_method, asy_import …); nothing here is needed outside vm/.
**
** DESIGN NOTES
**
** Stack layout. A fiber owns one contiguous value stack and one frame array, both
** allocated once at a fixed capacity (fiber.c) and NEVER moved: natives receive `args`
** pointers into the value stack and outer C loops keep `Frame *` pointers, so moving
** either would need a fix-up pass over C locals we cannot see. Running out of frames
** raises RecursionError (vm->recursion_limit, like CPython's Python-frame limit);
** running out of value stack raises MemoryError("stack overflow"). The memory comes
** from calloc, so untouched pages cost nothing.
**
** A frame's slots: base[0 .. nlocals+ncells+nfree) are localsplus (object.h), then
** its operand stack from sp_base up. A call `callable self_or_NULL args…` reuses the
** caller's stack and its result lands exactly where the callable was (frame->ret,
** Lua's convention). asy_call_prepare binds the arguments into place so that the
** callee's base is that slot; CALL's inline path for plain positional calls leaves
** them where they are instead (base = the first argument, self when present), as
** CPython 3.11+ does.
** Hence a caller's stack pointer is always its callee's frame->ret, and only the top
** frame's stack pointer needs saving (fiber->stack_top). This is all the state a suspended
** coroutine needs too: the async issue will make AWAIT store ip/stack_top and return
** from the loop, leaving the frames as plain data on the task's fiber.
**
** GC discipline. fiber->stack_top is stored on entry to every instruction that may
** allocate or call out (interp.c's TARGET; the few FAST handlers store it before their
** slow paths), so the collector sees every operand of the running instruction (gc.c
** marks stack[0..stack_top)). A handler that pushes and then calls out again must
** store stack_top itself. Temp roots are reset to the loop's entry
** mark after calls, at backward jumps and at returns: at those points every live Value
** is on the value stack or in a frame record.
**
** Calls. asy_call_prepare (call.c) is the single call dispatcher for CALL, CALL_KW,
** CALL_FUNCTION_EX, asy_call and class bodies: a script function gets its frame pushed
** (the loop continues in it, no C recursion); natives run at once; a class is
** instantiated (__new__, then __init__ as a pushed FRAME_INIT frame when it is a script
** function). asy_call (C calling script code) pushes callable/args above stack_top,
** prepares the call and runs a nested loop until that FRAME_ENTRY frame returns.
** Nested loops are real C recursion: vm->c_depth and a C-stack address check turn
** runaway recursion through C into RecursionError instead of a crash.
**
** Exceptions. CPython 3.11's scheme: on error the loop records a traceback entry
** (unless it is a re-raise), looks the raising instruction up in the code's exception
** table, cuts the operand stack to the entry's depth (relative to sp_base), pushes
** lasti (if flagged) and the exception, and jumps to the handler. Without a handler the
** frame is popped and the error continues in the caller (which records its own entry),
** or leaves the loop with EXC_VAL at a FRAME_ENTRY frame. RERAISE (and a bare `raise`)
** looks its handler up from its own index; RERAISE's lasti operand only restores the
** frame's lasti that the next handler receives (CPython's frame->instr_ptr).
**
** Method lookup. LOAD_ATTR's method form and asy_call_method avoid bound-method objects
** when the class attribute is a function or a method-descriptor native (pushing
** `func self`). asy_call_method on a dunder name is an implicit special-method call:
** looked up on the type only, as CPython does (no instance dict, no __getattr__).
**
** Async (next phase). AWAIT will suspend by storing ip/stack_top in the top frame and
** returning a "suspended" marker from asy_run_frames; resuming calls it again on the
** task's fiber, whose bottom frame carries FRAME_ENTRY. Awaiting inside a nested loop
** (asy_call from C) cannot suspend and must raise.
*/
#ifndef ASY_INTERP_H
#define ASY_INTERP_H

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/vm.h"

/* ---- fiber.c --------------------------------------------------------------------- */

/* Nested interpreter loops (C calling script code) allowed at once. */
#define ASY_C_DEPTH_MAX 20000

/* Default capacities of the main fiber (values and frames). */
#define ASY_MAIN_STACK_SLOTS (1u << 20)
#define ASY_MAIN_FRAMES 20000

/* Allocate a fiber's stacks if it has none yet (the main fiber is created bare by
** vm_new). Returns false with MemoryError pending if allocation fails. */
bool asy_fiber_ensure(VM *vm, Fiber *f, size_t slots, int frames);
/* Create and link (vm->fibers) a new fiber with the given capacities. */
Fiber *asy_fiber_new(VM *vm, size_t slots, int frames);
/* Unlink and free a fiber (never the running one). */
void asy_fiber_free(VM *vm, Fiber *f);
/* True if `n` more value slots fit above `from` on the fiber's stack. */
static inline bool asy_fiber_room(Fiber *f, Value *from, size_t n) {
  return (size_t)(f->stack_end - from) >= n;
}
/* Raise MemoryError for an exhausted value stack. Returns EXC_VAL. */
Value asy_stack_overflow(VM *vm);
/* Raise RecursionError("maximum recursion depth exceeded"). Returns EXC_VAL. */
Value asy_recursion_error(VM *vm);
/* True when the C stack is close to exhausted (nested asy_call depth guard). */
bool asy_c_stack_exhausted(void);
/* Remember the C stack position of the outermost interpreter entry. */
void asy_c_stack_init(void);

/* ---- call.c ---------------------------------------------------------------------- */

/* The arguments of a call whose callable sits in slot[0] (and self or UNDEF in slot[1]).
** Positional args are args[0..argc) (NOT including slot[1]); keyword args come either
** as kwnames (tuple of str) with values kwvalues[0..len), or as a dict (or neither). */
typedef struct {
  Value *args;
  int argc;
  ObjTuple *kwnames;
  Value *kwvalues;
  ObjDict *kwdict;
} CallArgs;

/* How a call was dispatched (asy_call_prepare, and natives that can push a frame). */
typedef enum {
  CALL_ERROR = -1, /* an exception is pending */
  CALL_DONE = 0,   /* finished in C; the result is in *result */
  CALL_FRAME = 1   /* a script frame was pushed; the loop runs it to get the result */
} AsyCallStatus;

/* The source line of the instruction before `ip`, where a running or suspended frame
** (whose ip points past it) is; the first line when ip is 0 or there are no positions. */
static inline int asy_code_line_before(const ObjCode *co, uint32_t ip) {
  if (ip > 0 && co->positions && ip <= (uint32_t)co->ncode) return co->positions[ip - 1].line;
  return co->firstline;
}

static inline int asy_nlocalsplus(const ObjCode *co) { return co->nlocalsplus; }
/* True if a frame for co fits in frame record `next` (the one above the top): below the
** recursion limit and the frame capacity, and its localsplus (a scratch copy included)
** and operand stack fit above `from`. The one test behind every frame push (CALL's
** inline path passes its top frame + 1); asy_frame_room raises when it fails. */
static inline bool asy_frame_fits_at(Fiber *f, const Frame *next, const ObjCode *co,
                                     Value *from) {
  /* (addresses, not a Value count: no division by the Value size) */
  return next < f->frame_end &&
         (uintptr_t)from + (size_t)co->framesize * sizeof(Value) <= (uintptr_t)f->stack_end;
}
/* asy_frame_fits_at the fiber's next frame record. */
static inline bool asy_frame_fits(VM *vm, Fiber *f, const ObjCode *co, Value *from) {
  (void)vm;
  return asy_frame_fits_at(f, f->frames + f->frame_count, co, from);
}
/* asy_frame_fits, raising RecursionError or MemoryError("stack overflow") when false. */
bool asy_frame_room(VM *vm, Fiber *f, const ObjCode *co, Value *from);
/* Push the frame record for code co with its localsplus at base (already filled),
** returning into *ret, into fr, the slot above the fiber's top frame record. The one
** place frame records are built: CALL's inline path, asy_call_prepare and resuming a
** suspended frame (through the two below). */
static inline Frame *asy_push_frame_at(Fiber *f, Frame *fr, ObjCode *co, ObjFunction *fn,
                                       ObjDict *globals, Value *base, Value *ret, int flags) {
  f->frame_count++;
  fr->code = co;
  fr->func = fn;
  fr->globals = globals;
  fr->locals = NULL;
  fr->ip = co->code;
  fr->base = base;
  fr->ret = ret;
  fr->sp_base = base + asy_nlocalsplus(co);
  fr->flags = flags;
  return fr;
}
/* The locals of a CODE_FAST_CALL frame past its `given` arguments: unbound, then the
** free variables from fn's closure (CALL's and class calls' inline pushes). False when
** the closure is too short (the general path then raises). */
static inline bool asy_fill_fast_frame(Value *base, const ObjFunction *fn, const ObjCode *co,
                                       int given) {
  if (co->flags & CODE_BARE_FRAME) return true;
  if (co->nfree && (!fn->closure || (int)fn->closure->size < co->nfree)) return false;
  for (int i = given; i < co->nlocals; i++) base[i] = UNDEF_VAL;
  for (int i = 0; i < co->nfree; i++) base[co->nlocals + i] = fn->closure->items[i];
  return true;
}
/* asy_push_frame_at above `top`, the fiber's top frame record, or NULL when it has none
** (the loop keeps it in a register: passing it saves reloading f->frames). */
static inline Frame *asy_push_frame(Fiber *f, Frame *top, ObjCode *co, ObjFunction *fn,
                                    ObjDict *globals, Value *base, Value *ret, int flags) {
  return asy_push_frame_at(f, top ? top + 1 : f->frames, co, fn, globals, base, ret, flags);
}

/* Run native nat on argc arguments in place (the receiver first for a method) and
** keywords kw (or NULL): its argument check, then the call. EXC_VAL on error. */
Value asy_native_invoke(VM *vm, ObjNative *nat, int argc, Value *args, ObjDict *kw);

/* Dispatch a call. slot must lie on the running fiber's stack, below stack_top, with
** everything the args refer to rooted. Returns CALL_FRAME when a script frame was pushed
** (base = slot; run it to get the result), CALL_DONE with *result set, or CALL_ERROR. */
AsyCallStatus asy_call_prepare(VM *vm, Value *slot, CallArgs *ca, Value *result);
/* Push a frame for script function fn with NO arguments at `slot` (class bodies).
** Returns false with an exception pending. */
bool asy_push_noarg_frame(VM *vm, Value *slot, ObjFunction *fn);
/* Run a class body function with `locals` as its namespace (nested loop). Returns the
** body's result or EXC_VAL. */
Value asy_call_body(VM *vm, ObjFunction *fn, ObjDict *locals);
/* Look up obj.name for an immediate call without creating a bound method: on success
** *meth is the callable and *self is obj when it must be prepended (else UNDEF). When
** `opt` and the attribute is missing, returns true with *meth UNDEF. */
bool asy_load_method(VM *vm, Value obj, ObjStr *name, Value *meth, Value *self, bool opt);
/* "f()" / "__main__.f()" as CPython's _PyObject_FunctionStr, for call error messages. */
ObjStr *asy_function_str(VM *vm, Value callable);

/* ---- interp.c -------------------------------------------------------------------- */

/* Give code its inline caches (ObjCode.name_cache) if it has none yet, and decide
** CODE_FAST_CALL. Every frame's code must have its caches before it runs (the name
** opcodes do not test for NULL): frame set-up (finish_frame) calls this, and CALL's
** inline path only takes codes with CODE_FAST_CALL, which this sets after them.
** MAKE_FUNCTION calls it too, so a function's first call is already inline. */
void asy_code_caches(VM *vm, ObjCode *code);
/* Are code's parameters plain positional ones, its frame needing nothing made at entry
** (no *args, **kwargs, keyword-only parameters or cells; not a comprehension reading its
** caller's names)? The shape CALL's inline path and direct generator creation take. */
bool asy_code_plain_params(const ObjCode *code);

/* How one run of the loop ended: its three ways out. */
typedef enum {
  ASY_RUN_RETURNED, /* the entry frame returned; *result is its value */
  ASY_RUN_RAISED,   /* an exception left the entry frame; it is pending */
  ASY_RUN_SUSPENDED /* the entry frame suspended (async runtime); *result is what it
                        yielded, its frames are saved by their owner */
} AsyRunStatus;

/* Run the running fiber from its top frame (which has FRAME_ENTRY) until that frame
** returns, raises or suspends. */
AsyRunStatus asy_run_frames(VM *vm, Value *result);
/* asy_run_frames for callers that cannot suspend: the result, or EXC_VAL. */
Value asy_run_to_return(VM *vm);

/* ---- interp_ops.c: out-of-line opcode bodies ------------------------------------- */

/* BUILD_CLASS's body (asy_build_class) lives with the classes, the from-import bodies
** with the modules (below). */
#include "vm/obj/class.h"

/* UNPACK_SEQUENCE / UNPACK_EX: writes the items to dest[0..] in stack order (last item
** first). Returns false with an exception pending. dest may alias the sequence's slot:
** the sequence is passed by value and must be rooted by the caller. */
bool asy_unpack(VM *vm, Value seq, int before, int after, bool starred, Value *dest);
/* RAISE_VARARGS with 1 or 2 operands (cause UNDEF when absent). Always EXC_VAL. */
Value asy_do_raise(VM *vm, Value exc, Value cause);
/* BEFORE_WITH (BEFORE_ASYNC_WITH when async): returns the bound __exit__ (__aexit__) in
** *exit_out and the result of calling __enter__ (__aenter__). */
Value asy_before_with(VM *vm, Value mgr, Value *exit_out, bool async);
/* LIST_EXTEND / SET_UPDATE / DICT_UPDATE / DICT_MERGE bodies. func is the callable for
** DICT_MERGE's messages. */
bool asy_list_extend_op(VM *vm, ObjList *list, Value iterable);
bool asy_set_update_op(VM *vm, ObjSet *set, Value iterable);
bool asy_dict_update_op(VM *vm, ObjDict *dict, Value mapping);
bool asy_dict_merge_op(VM *vm, ObjDict *dict, Value mapping, Value func);
/* CALL_FUNCTION_EX: check/convert the * and ** operands (tuple, dict) in place. */
bool asy_callex_args(VM *vm, Value func, Value *argtuple, Value *kwdict);
/* BUILD_STRING: concatenate n str values. */
Value asy_build_string(VM *vm, Value *items, int n);
/* PRINT_EXPR: sys.displayhook. */
bool asy_print_expr(VM *vm, Value v);
/* UnboundLocalError / free-variable NameError for localsplus slot i of code. */
Value asy_unbound_error(VM *vm, ObjCode *code, int i);

/* ---- module.c -------------------------------------------------------------------- */

/* IMPORT_FROM: getattr(module, name) with CPython's ImportError wording. */
Value asy_import_from(VM *vm, Value module, ObjStr *name);
/* IMPORT_NAME of a name starting with dots (`from .m import x`): the module itself,
** resolved against the importer's globals (__package__ / __name__), with CPython's
** ImportErrors. */
Value asy_import_relative(VM *vm, ObjStr *name, ObjDict *globals);
/* `from module import *` into ns (module.__all__, else its public names). None or
** EXC_VAL. */
Value asy_import_star(VM *vm, Value module, ObjDict *ns);

#endif
