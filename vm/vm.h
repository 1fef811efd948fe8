/*
** vm.h — the interpreter state and the API every C part of Asy codes against.
**
** Error convention (QuickJS/Wren style, no longjmp): a C function that can fail
** returns EXC_VAL (or -1 / false / NULL where documented) after setting the pending
** exception with one of the asy_raise… functions. The pending exception lives in the
** running fiber (vm->fiber->exc), so that later each task has its own. Callers check
** and propagate; the interpreter loop unwinds through the code's exception table.
**
** Execution model: script code runs on a Fiber — its own value stack and frame array.
** Script-to-script calls push a Frame on the fiber and never recurse in C. A C function
** that must call back into script code (sorted(key=…), __repr__, __eq__ from a dict
** lookup) uses asy_call(), which runs a nested interpreter loop until that call returns;
** such re-entry is allowed only from C, never for `await` (a later issue suspends
** fibers by returning from the loop, which needs the frames to be plain data).
*/
#ifndef ASY_VM_H
#define ASY_VM_H

#include <stdarg.h>
#include <stdio.h>

#include "vm/clock.h"
#include "vm/finalize.h"
#include "vm/loop.h"
#include "vm/object.h"
#include "vm/opcodes.h" /* BINOP__COUNT */
#include "vm/signals.h"

/* Built-in classes, one X-macro entry each: (field, Python name).
** vm->types.<field> is the ObjClass*. vm.c creates them (with the right base, layout
** and flags); the C file owning the type fills its methods. Exception classes live in
** vm->exc (below). */
#define ASY_BUILTIN_TYPES(X) \
  X(object, "object") \
  X(type, "type") \
  X(none, "NoneType") \
  X(notimpl, "NotImplementedType") \
  X(ellipsis, "ellipsis") \
  X(bool_, "bool") \
  X(int_, "int") \
  X(float_, "float") \
  X(str, "str") \
  X(bytes, "bytes") \
  X(tuple, "tuple") \
  X(list, "list") \
  X(dict, "dict") \
  X(set, "set") \
  X(frozenset, "frozenset") \
  X(range, "range") \
  X(slice, "slice") \
  X(code, "code") \
  X(function, "function") \
  X(cell, "cell") \
  X(method, "method") \
  X(builtin_function, "builtin_function_or_method") \
  X(module, "module") \
  X(iterator, "iterator") \
  X(dict_keys, "dict_keys") \
  X(dict_values, "dict_values") \
  X(dict_items, "dict_items") \
  X(property, "property") \
  X(staticmethod, "staticmethod") \
  X(classmethod, "classmethod") \
  X(super, "super") \
  X(file, "TextIOWrapper") \
  X(generator, "generator") \
  X(coroutine, "coroutine") \
  X(async_generator, "async_generator") \
  X(async_gen_asend, "async_generator_asend") \
  X(async_gen_athrow, "async_generator_athrow") \
  X(anext_awaitable, "anext_awaitable") \
  X(handle, "Handle") \
  X(timer_handle, "TimerHandle") \
  X(future, "Future") \
  X(task, "Task") \
  X(future_iter, "FutureIter") \
  X(context, "Context") \
  X(deque, "deque") \
  X(native_data, "native_data") \
  X(member_descriptor, "member_descriptor") \
  X(complex, "complex") /* vm/obj/complex.h: methods installed by the library */

/* Built-in exception classes: (field, Python name, base field). Order matters: a base
** comes before its subclasses. vm->exc.<field>. */
#define ASY_EXCEPTION_TYPES(X) \
  X(BaseException, "BaseException", BaseException) \
  X(Exception, "Exception", BaseException) \
  X(BaseExceptionGroup, "BaseExceptionGroup", BaseException) \
  X(KeyboardInterrupt, "KeyboardInterrupt", BaseException) \
  X(SystemExit, "SystemExit", BaseException) \
  X(GeneratorExit, "GeneratorExit", BaseException) \
  X(CancelledError, "CancelledError", BaseException) \
  X(ArithmeticError, "ArithmeticError", Exception) \
  X(ZeroDivisionError, "ZeroDivisionError", ArithmeticError) \
  X(OverflowError, "OverflowError", ArithmeticError) \
  X(LookupError, "LookupError", Exception) \
  X(IndexError, "IndexError", LookupError) \
  X(KeyError, "KeyError", LookupError) \
  X(ValueError, "ValueError", Exception) \
  X(UnicodeError, "UnicodeError", ValueError) \
  X(UnicodeDecodeError, "UnicodeDecodeError", UnicodeError) \
  X(UnicodeEncodeError, "UnicodeEncodeError", UnicodeError) /* strings: str.encode */ \
  X(TypeError, "TypeError", Exception) \
  X(NameError, "NameError", Exception) \
  X(UnboundLocalError, "UnboundLocalError", NameError) \
  X(AttributeError, "AttributeError", Exception) \
  X(RuntimeError, "RuntimeError", Exception) \
  X(RecursionError, "RecursionError", RuntimeError) \
  X(NotImplementedError, "NotImplementedError", RuntimeError) \
  X(OSError, "OSError", Exception) \
  X(ConnectionError, "ConnectionError", OSError) \
  X(BrokenPipeError, "BrokenPipeError", ConnectionError) \
  X(ConnectionResetError, "ConnectionResetError", ConnectionError) \
  X(ConnectionRefusedError, "ConnectionRefusedError", ConnectionError) \
  X(FileNotFoundError, "FileNotFoundError", OSError) \
  X(FileExistsError, "FileExistsError", OSError) \
  X(IsADirectoryError, "IsADirectoryError", OSError) \
  X(PermissionError, "PermissionError", OSError) \
  X(TimeoutError, "TimeoutError", OSError) \
  X(AssertionError, "AssertionError", Exception) \
  X(StopIteration, "StopIteration", Exception) \
  X(StopAsyncIteration, "StopAsyncIteration", Exception) \
  X(ExceptionGroup, "ExceptionGroup", BaseExceptionGroup) \
  X(ImportError, "ImportError", Exception) \
  X(ModuleNotFoundError, "ModuleNotFoundError", ImportError) \
  X(MemoryError, "MemoryError", Exception) \
  X(EOFError, "EOFError", Exception) \
  X(SyntaxError, "SyntaxError", Exception) \
  X(IndentationError, "IndentationError", SyntaxError) \
  X(TabError, "TabError", IndentationError) \
  X(InvalidStateError, "InvalidStateError", Exception) \
  X(QueueEmpty, "QueueEmpty", Exception) \
  X(QueueFull, "QueueFull", Exception) \
  X(QueueShutDown, "QueueShutDown", Exception) \
  X(Warning, "Warning", Exception) \
  X(RuntimeWarning, "RuntimeWarning", Warning) \
  X(DeprecationWarning, "DeprecationWarning", Warning) \
  X(UserWarning, "UserWarning", Warning)
/* Note: ExceptionGroup is also a subclass of Exception in Python (multiple
** inheritance); asy_is_subclass (class.c) special-cases that through class flags. */

/* Interned strings the C code uses often: vm->names.<field>. (field, text) */
/* clang-format off */
#define ASY_COMMON_NAMES(X) \
  X(init, "__init__") X(new_, "__new__") X(repr, "__repr__") X(str, "__str__") \
  X(eq, "__eq__") X(ne, "__ne__") X(lt, "__lt__") X(le, "__le__") X(gt, "__gt__") \
  X(ge, "__ge__") X(hash, "__hash__") X(len, "__len__") X(bool_, "__bool__") \
  X(getitem, "__getitem__") X(setitem, "__setitem__") X(delitem, "__delitem__") \
  X(contains, "__contains__") X(iter, "__iter__") X(next, "__next__") \
  X(call, "__call__") X(enter, "__enter__") X(exit, "__exit__") \
  X(aenter, "__aenter__") X(aexit, "__aexit__") X(aiter, "__aiter__") X(anext, "__anext__") \
  X(await, "__await__") X(getattr, "__getattr__") X(setattr, "__setattr__") \
  X(delattr, "__delattr__") X(name, "__name__") X(qualname, "__qualname__") \
  X(module, "__module__") X(doc, "__doc__") X(dict, "__dict__") X(class_, "__class__") \
  X(main, "__main__") X(builtins, "builtins") X(file, "__file__") \
  X(notes, "__notes__") X(add, "__add__") X(format, "__format__") \
  X(index, "__index__") X(neg, "__neg__") X(pos, "__pos__") X(abs, "__abs__") \
  X(invert, "__invert__") X(int_, "__int__") X(float_, "__float__") \
  X(get, "__get__") X(set, "__set__") X(init_subclass, "__init_subclass__") \
  X(class_getitem, "__class_getitem__") X(missing, "__missing__") \
  X(reversed, "__reversed__") X(round, "__round__") X(self, "self") \
  X(empty, "") X(lambda, "<lambda>") X(module_code, "<module>") X(del, "__del__")
/* clang-format on */

/* ---- frames and fibers -------------------------------------------------------- */

enum {
  FRAME_ENTRY = 1,   /* returning from this frame returns from the C run loop */
  FRAME_INIT = 2,    /* an __init__ call: the result must be None; the caller gets `self` */
  FRAME_DISCARD = 4, /* discard the return value (module bodies run by import) */
  FRAME_GEN = 8,     /* the frame of a running generator/coroutine (frame->gen) */
  FRAME_THROW = 16,  /* raise the pending exception at this frame when the loop
                            (re)enters it: generator throw() */
  FRAME_DRAIN = 32,  /* a generator drained by the built-in CALL consumes it with (gen_drain.h) */
};

typedef struct Frame {
  ObjCode *code;
  ObjFunction *func; /* NULL for module code run directly */
  ObjDict *globals;
  ObjDict *locals;       /* class bodies and module-level code: the namespace dict, else NULL */
  uint32_t *ip;          /* next instruction */
  Value *base;           /* localsplus[0]; the value stack of this frame starts after them */
  Value *ret;            /* where the result goes when the frame returns: the callable's
                          slot (== base, except for CALL's inline path, which leaves the
                          arguments in place as the first locals, base above ret) */
  Value *sp_base;        /* first value-stack slot of this frame */
  Value self_for_init;   /* FRAME_INIT only: the instance to return */
  int flags;             /* FRAME_* */
  struct ObjGen *gen;    /* FRAME_GEN only: the generator whose frame this is */
  Value caller_handling; /* FRAME_GEN: the exception being handled below this frame,
                            restored when it suspends or ends (the per-owner chain) */
} Frame;

/* The generator a frame runs, or NULL: `gen` is set only on FRAME_GEN frames (and
** self_for_init only on FRAME_INIT ones), so the hot call path stores neither. */
static inline struct ObjGen *asy_frame_gen(const Frame *fr) {
  return (fr->flags & FRAME_GEN) ? fr->gen : NULL;
}

/* A fiber: one thread of script execution with its own stacks. `stack` and `frames`
** are plain malloc/realloc memory managed by the interpreter (vm_free frees them). In this issue there is
** one (the main fiber); the async issue makes each Task own one. */
typedef struct Fiber {
  Value *stack;     /* value stack: frames' localsplus and operand stacks */
  Value *stack_top; /* one past the highest slot in use */
  size_t stack_capacity;
  Value *stack_end; /* stack + stack_capacity: CALL's room check reads it directly */
  Frame *frames;
  int frame_count, frame_capacity;
  Frame *frame_end; /* frames + min(vm->recursion_limit, frame_capacity): the first frame
                       record a push may not use (asy_set_recursion_limit) */
  Value exc;                /* the pending exception while unwinding, else UNDEF */
  Value handling;           /* the exception being handled (sys.exception()), for __context__ */
  struct Fiber *next_fiber; /* all fibers, for the GC */
} Fiber;

/* ---- the VM -------------------------------------------------------------------- */

/* Size classes of the small-object pool (gc.c): 16-byte steps up to 256 bytes (a Task is
** 256: a field added to ObjFuture pushes tasks out of the pool). */
#define ASY_POOL_CLASSES 16

struct VM {
  Fiber *fiber;  /* the running fiber */
  Fiber *fibers; /* all fibers (GC roots) */

  struct { /* built-in classes */
#define X(field, name) ObjClass *field;
    ASY_BUILTIN_TYPES(X)
#undef X
  } types;
  struct { /* built-in exception classes */
#define X(field, name, base) ObjClass *field;
    ASY_EXCEPTION_TYPES(X)
#undef X
  } exc;
  struct { /* interned common names */
#define X(field, text) ObjStr *field;
    ASY_COMMON_NAMES(X)
#undef X
  } names;

  Value notimplemented; /* the NotImplemented singleton */
  Value ellipsis;       /* the Ellipsis singleton */

  ObjDict *builtins; /* the builtins module's dict */
  ObjDict *modules;  /* sys.modules: name -> module */
  struct {           /* interned strings (str.c); weak: swept by the GC */
    ObjStr **slots;
    size_t count, capacity;
  } interned;
  ObjDict *native_modules; /* name -> init NativeFn wrapped in ObjNative (lazy import) */
  Value main_module;
  Value argv; /* list of str for sys.argv */

  /* GC (gc.c) */
  Obj *objects; /* the malloc'd objects (the pooled ones are in pool_slabs) */
  size_t bytes_allocated, next_gc;
  size_t gc_live; /* bytes that survived the last collection */
  size_t malloc_freed; /* bytes of malloc'd buffers freed since malloc_trim last ran */
  bool gc_stress; /* ASY_GC_STRESS=1: collect on every allocation */
  int gc_paused;  /* > 0: no collection (while building the VM) */
  Obj **gray;
  size_t gray_count, gray_capacity;
  Obj **temp_roots;
  size_t temp_count, temp_capacity; /* see gc.h */
  /* free blocks by 16-byte size class (gc.c): objects' classes, then raw buffers' */
  void *pool_free[2 * ASY_POOL_CLASSES];
  char *pool_bump[2 * ASY_POOL_CLASSES], *pool_end[2 * ASY_POOL_CLASSES]; /* newest slabs */
  size_t pool_nfree[2 * ASY_POOL_CLASSES];         /* blocks on each free list */
  void **pool_slabs;   /* the slabs they are carved from, freed at exit */
  size_t pool_nslabs, pool_slab_cap;
  size_t pool_spare; /* 1 + the pool_slabs index of the first wholly free slab, or 0 */
  char *pool_arena, *pool_arena_end; /* the 2 MiB huge-page arena big heaps' slabs come from */

  AsySource *sources; /* every source text loaded (for tracebacks) */

  int recursion_limit; /* max frames across all nested loops (default 1000) */
  int c_depth;         /* nested asy_call depth (C recursion), capped separately */

  /* Options from the command line. */
  bool dis;               /* --dis */
  bool debug;             /* --debug */
  bool quiet;             /* -q: no REPL banner */
  const char *script_dir; /* folder of the main script (module search) */
  /* Called before anything is written to the terminal's stdout or stderr (the REPL
  ** takes its prompt off the screen so output appears above it); NULL: nothing. */
  void (*before_console_write)(VM *vm);
  bool trace;                         /* --trace (vm/trace.c) */
  bool observe;                       /* --trace or --timeline: the task hooks report */
  struct AsyTimeline *timeline;       /* --timeline's recorder (vm/timeline.c), or NULL */
  double trace_origin;                /* the clock when tracing began */
  int trace_group_depth, trace_group; /* the group of the next task created (0: none) */
  int trace_groups;                   /* groups numbered so far */
  char *trace_buf;                    /* trace lines not yet written to stderr */
  size_t trace_len, trace_cap;
  bool trace_stdout_dirty;            /* the program wrote to stdout since the last line */

  AsyClock clock;     /* real or virtual time (clock.h) */
  AsyLoop loop;       /* the event loop's queues (loop.h) */
  AsyFinalizer fin;   /* finalizers waiting to run, warnings given (finalize.h) */
  AsySignals signals; /* Ctrl-C (signals.h) */
  /* gil.c: a thread waiting for the interpreter lock asks its holder to let go; tested
  ** with the signals at the interpreter's safe points (ASY_INTERRUPTED). */
  int gil_drop_request; /* read and written with relaxed atomics */
  struct AsyThreads *threads; /* gil.c: the lock and the worker pool; NULL: no threads */

  /* State of the runtime's files that lives as long as the VM (never in C statics, so two
  ** VMs in one process, or a REPL reset, share nothing). gc.c marks the objects here. */
  struct {                          /* protocol.c: interned dunder names, by operator */
    ObjStr *binop[BINOP__COUNT][3]; /* __add__ __radd__ __iadd__ …, AsyBinOp order */
    ObjStr *cmp[6];                 /* __lt__ … __ge__, AsyCmpOp order */
    ObjStr *unary[3];               /* __neg__ __pos__ __invert__, AsyUnaryOp order */
  } opnames;
  struct { /* protocol.c: the repr recursion guards */
    Obj **stack;
    size_t count, capacity; /* objects being repr'd (`[...]`); not roots:
                                            their callers hold them */
    int depth;              /* nested asy_repr calls */
  } repr;
  ObjClass *iter_classes[10]; /* iter.c: list_iterator, tuple_iterator … (its IK_* order) */
  NativeFn drain_natives[11]; /* gen_drain.h: the built-ins of its native kinds, by kind */
  ObjClass *generic_alias;    /* genericalias.c: types.GenericAlias, made on first use */
  ObjClass *union_type;       /* genericalias.c: types.UnionType, made on first use */
  Obj *importing[256];        /* module.c: modules whose body is running, innermost last */
  int importing_count;
  uint64_t dict_version; /* dict.c: the last ObjDict.version handed out */
  /* asy_class_lookup_cached: (class, name) -> the class-dict entry found along the MRO
  ** (NULL: absent), valid while class_epoch is unchanged. The epoch moves when the layout
  ** of a class dict an entry depends on changes, and at every collection (a freed class
  ** or name could be reborn at the same address). */
  uint64_t class_epoch;
  struct AsyAttrCacheEntry {
    ObjClass *cls;
    ObjStr *name;
    uint64_t epoch;
    struct DictEntry *entry;
  } attr_cache[1024];
  uint64_t nan_serial;   /* number.c: payload of the last fresh NaN (its identity) */
  int64_t int_max_str_digits; /* bigint.c: sys.set_int_max_str_digits (0: no limit) */
  struct {               /* str.c: the last code point -> byte offset lookup (weak:
                               cleared whenever the GC sweeps) */
    const ObjStr *s;
    size_t index, offset;
  } str_offset;

  struct AsyStdlib *stdlib; /* per-VM state of the library the host installed (stdlib/):
                               opaque to vm/, marked and released through `hooks` */

  /* Libraries layered on the VM register how to mark the objects their per-VM state
  ** holds and how to release it (asy_vm_add_hook), so vm/ never calls into them. */
  struct {
    void (*mark)(VM *vm);
    void (*release)(VM *vm);
  } hooks[4];
  int hook_count;
};

/* ---- lifecycle ----------------------------------------------------------------- */

/* Create a VM with every built-in type and exception and their methods. The builtins
** module and the native modules come from a library the host installs next (stdlib/'s
** asy_init_builtins), so that vm/ does not depend on it. */
VM *vm_new(void);
/* Free the VM and every object it owns. */
void vm_free(VM *vm);
/* Register a library's per-VM state with the VM: `mark` runs at every collection and must
** mark the objects that state holds (gc.h's asy_gc_mark_*); `release` (or NULL) runs in
** vm_free after every object is freed. Hooks run in registration order. */
void asy_vm_add_hook(VM *vm, void (*mark)(VM *vm), void (*release)(VM *vm));

/* ---- running code (interp.c) ------------------------------------------------------ */

/* Run a module-level code object with `globals`, to completion. Returns its result or
** EXC_VAL. Used by main.c and by import. */
Value asy_run_code(VM *vm, ObjCode *code, ObjDict *globals);
/* The same with a separate locals dict (exec(code, globals, locals)). */
Value asy_run_code_in(VM *vm, ObjCode *code, ObjDict *globals, ObjDict *locals);
/* A module body with top-level await (CODE_HAS_AWAIT) as a coroutine running in
** `globals`, to be run as the main task (asyncio.run). Returns it or EXC_VAL. */
Value asy_module_coroutine(VM *vm, ObjCode *code, ObjDict *globals);
/* Call any callable with positional args and optional keyword dict. Re-enters the
** interpreter loop for script functions. Returns the result or EXC_VAL. */
Value asy_call(VM *vm, Value callable, int argc, Value *args, ObjDict *kw);
/* Call method `name` on `self` with args (self not included in args). UNDEF-returning
** variant: asy_call_method_opt returns UNDEF when the attribute does not exist. */
Value asy_call_method(VM *vm, Value self, ObjStr *name, int argc, Value *args);
Value asy_call_method_opt(VM *vm, Value self, ObjStr *name, int argc, Value *args);
/* Recursion guard for C code that recurses on nested data without calling script code
** (repr / == / hash of deeply nested containers): false with RecursionError pending when
** the C stack is nearly exhausted (fiber.c). */
bool asy_c_stack_check(VM *vm);

/* ---- raising (except.c) --------------------------------------------------------------- */

/* Set the pending exception to a new instance of cls with a printf-formatted message
** (the single str arg). Returns EXC_VAL. %S formats a Value with str(), %R with repr(),
** %N the type name of a Value (its class __name__); other conversions as printf. */
Value asy_raise(VM *vm, ObjClass *cls, const char *fmt, ...);
/* Set the pending exception to an existing exception instance (or instantiate a class
** with no args). Sets __context__ from the exception being handled. Returns EXC_VAL. */
Value asy_raise_value(VM *vm, Value exc);
/* The pending exception (UNDEF if none), and clearing it. */
Value asy_pending(VM *vm);
void asy_clear_pending(VM *vm);
/* True if the pending exception is an instance of cls (or a subclass). */
bool asy_pending_is(VM *vm, ObjClass *cls);
/* Create (not raise) an exception instance of cls with the given args. */
Value asy_new_exception(VM *vm, ObjClass *cls, int argc, Value *args);
/* The exception being handled where the code runs now (sys.exception(); UNDEF if
** none): the running generator's own, else its resumer's, down the chain (gen.c). */
Value asy_handled_exception(VM *vm);

/* ---- the object protocol (protocol.c, class.c) -------------------------------------- */

/* type(v): the class of any value. */
ObjClass *asy_class_of(VM *vm, Value v);
/* isinstance(v, cls) / issubclass(sub, cls) for a single class. */
bool asy_isinstance(VM *vm, Value v, ObjClass *cls);
bool asy_is_subclass(ObjClass *sub, ObjClass *cls);
/* The class base.__new__ was given as args[0] (CPython's checks: a class, and base or a
** subclass of it, so no object gets a class whose layout it lacks), or NULL with
** TypeError raised. */
ObjClass *asy_new_subtype(VM *vm, int argc, const Value *args, ObjClass *base);
/* Look `name` up along the MRO of cls (no descriptor binding). UNDEF if absent. */
Value asy_class_lookup(ObjClass *cls, ObjStr *name);
/* Set sys.setrecursionlimit's limit, and every fiber's frame_end from it. */
void asy_set_recursion_limit(VM *vm, int n);
/* The same through the VM's attribute cache (getattr, setattr, method calls). */
Value asy_class_lookup_cached(VM *vm, ObjClass *cls, ObjStr *name);

/* getattr(obj, name) with descriptors, bound methods, __getattr__. Raises
** AttributeError with CPython's message when missing. */
Value asy_getattr(VM *vm, Value obj, ObjStr *name);
/* Same, but returns UNDEF (no exception) when the attribute is missing. */
Value asy_getattr_opt(VM *vm, Value obj, ObjStr *name);
/* setattr / delattr. Return false with an exception pending on failure. */
bool asy_setattr(VM *vm, Value obj, ObjStr *name, Value value);
bool asy_delattr(VM *vm, Value obj, ObjStr *name);

/* Binary and unary operators. `op` is an AsyBinOp / AsyUnaryOp (opcodes.h). */
Value asy_binary_op(VM *vm, int op, Value a, Value b);
Value asy_inplace_op(VM *vm, int op, Value a, Value b);
Value asy_unary_op(VM *vm, int op, Value a);
/* Rich comparison (op is AsyCmpOp): returns a Value (usually bool) or EXC_VAL. */
Value asy_compare(VM *vm, int op, Value a, Value b);
/* a == b as a C bool, identity first as CPython containers (nan in [nan]): 1 true, 0 false, -1 error. */
int asy_equal(VM *vm, Value a, Value b);
/* The truth of a value that is not an object (None, bools, ints, floats); 0 for the
** internal tags. */
static inline int asy_truthy_scalar(Value v) {
  switch (v.tag) {
  case VAL_BOOL: return AS_BOOL(v);
  case VAL_INT: return AS_INT(v) != 0;
  case VAL_FLOAT: return AS_FLOAT(v) != 0.0;
  default: return 0;
  }
}
/* truthiness: 1, 0, -1 error. */
int asy_truthy(VM *vm, Value v);
/* hash(v): false with TypeError pending if unhashable. */
bool asy_hash(VM *vm, Value v, int64_t *out);
/* len(v): -1 with exception pending on error. */
int64_t asy_len(VM *vm, Value v);
/* `item in container`: 1, 0, -1. */
int asy_contains(VM *vm, Value container, Value item);
/* container[key], container[key] = value, del container[key]. */
Value asy_getitem(VM *vm, Value container, Value key);
bool asy_setitem(VM *vm, Value container, Value key, Value value);
bool asy_delitem(VM *vm, Value container, Value key);
/* iter(v) and next(it): asy_next returns UNDEF when exhausted (StopIteration from a
** user __next__ is swallowed), EXC_VAL on error. */
Value asy_iter(VM *vm, Value v);
Value asy_next(VM *vm, Value iter);
/* repr(v) and str(v): an ObjStr value, or EXC_VAL. */
Value asy_repr(VM *vm, Value v);
Value asy_str(VM *vm, Value v);
/* format(v, spec) (format.c): an ObjStr value, or EXC_VAL. */
Value asy_format(VM *vm, Value v, ObjStr *spec);
/* The type name of a value, for messages ("int", "MyClass"). */
const char *asy_type_name(VM *vm, Value v);
/* The name CPython's argument-type errors use ("argument 1 must be str, not None"):
** "None" for None, else the type name (like _PyArg_BadArgument). */
const char *asy_arg_type_name(VM *vm, Value v);
/* Index conversion (operator.index semantics): false + TypeError if not an int. */
bool asy_index(VM *vm, Value v, int64_t *out);

/* ---- building objects (str.c, list.c, tuple.c, dict.c, set.c, …) ---------------------- */

ObjStr *asy_str_new(VM *vm, const char *chars, size_t size); /* copies; UTF-8 in */
ObjStr *asy_str_cstr(VM *vm, const char *cstr);
ObjStr *asy_str_intern(VM *vm, const char *chars, size_t size); /* unique per text */
ObjStr *asy_str_printf(VM *vm, const char *fmt, ...);           /* plain printf format */
#define STR_VAL(vm, cstr) OBJ_VAL(asy_str_cstr((vm), (cstr)))

ObjBytes *asy_bytes_new(VM *vm, const uint8_t *data, size_t size);
ObjTuple *asy_tuple_new(VM *vm, size_t size); /* items UNDEF→None */
ObjTuple *asy_tuple_from(VM *vm, size_t size, const Value *items);
ObjList *asy_list_new(VM *vm, size_t capacity); /* size 0 */
void asy_list_append(VM *vm, ObjList *list, Value v);
ObjDict *asy_dict_new(VM *vm);
/* Dict operations. get returns UNDEF when absent (EXC_VAL if hashing/eq failed). */
Value asy_dict_get(VM *vm, ObjDict *d, Value key);
bool asy_dict_set(VM *vm, ObjDict *d, Value key, Value value);
int asy_dict_delete(VM *vm, ObjDict *d, Value key); /* 1 removed, 0 absent, -1 error */
/* Fast paths for str keys that cannot fail (names, attributes, globals). */
Value asy_dict_get_str(ObjDict *d, ObjStr *key);
void asy_dict_set_str(VM *vm, ObjDict *d, ObjStr *key, Value value);
/* Append str key, known to be absent from d, without probing for it first. */
void asy_dict_add_absent_str(VM *vm, ObjDict *d, ObjStr *key, Value value);
ObjSet *asy_set_new(VM *vm, ObjClass *cls); /* set or frozenset */
bool asy_set_add(VM *vm, ObjSet *s, Value key);
ObjRange *asy_range_new(VM *vm, int64_t start, int64_t stop, int64_t step);
ObjSlice *asy_slice_new(VM *vm, Value start, Value stop, Value step);
ObjCell *asy_cell_new(VM *vm, Value v);
ObjFunction *asy_function_new(VM *vm, ObjCode *code, ObjDict *globals);
ObjBound *asy_bound_new(VM *vm, Value self, Value func);
/* Give a built-in class its module and the dotted name CPython's messages use for it
** ("module.name", as a C type's tp_name). */
void asy_class_set_c_name(VM *vm, ObjClass *c, const char *module);
ObjClass *asy_class_new(VM *vm, ObjStr *name, ObjClass *base, ObjDict *dict);
Value asy_instance_new(VM *vm, ObjClass *cls); /* raw, no __init__ */
ObjModule *asy_module_new(VM *vm, ObjStr *name);
ObjIter *asy_iter_new(VM *vm, IterNextFn next, Value a, Value b, Value c);

/* ---- natives (func.c) ---------------------------------------------------------------------
**
** A native is defined by an entry of an AsyMethodDef table, installed by asy_def_natives
** into a class or a dict. The entry's argument policy stays on the native (ObjNative.def)
** and the caller of natives (call.c) checks it before the native runs, so a native's
** body may read args[0..min) and, when they are given, up to max without counting
** again. Counts exclude the receiver: natives installed in a class (methods,
** classmethods, properties) get self, or the class, as args[0]. A method's receiver is
** checked first, as CPython's method descriptors do: it is an instance of the class
** (a subclass's, maybe), not always of the C layout its native expects. ASY_ARGS_NONE
** turns all of this off for natives that check themselves. */

/* What an AsyMethodDef's flags select: one wording of argument errors (CPython has a
** few, each tied to how the function is declared there) plus, in a class, the kind of
** attribute defined. */
enum {
  /* Positional only, CPython's METH_NOARGS / METH_O / Argument Clinic wording chosen by
  ** min..max: "str.upper() takes no arguments (1 given)", "len() takes exactly one
  ** argument (2 given)", "find expected at least 1 argument, got 0"; keywords:
  ** "str.find() takes no keyword arguments". */
  ASY_ARGS_AUTO = 0,
  /* Positional only, slot-wrapper wording (__len__, __add__ …): "expected 1 argument,
  ** got 0"; keywords: "wrapper __len__() takes no keyword arguments". */
  ASY_ARGS_SLOT = 1,
  /* Keywords reach the native, which binds them (asy_kwargs). Positionals and keywords
  ** count together against max, positionals alone against min, in Argument Clinic's
  ** wording: "split() takes at most 2 arguments (3 given)", "replace() takes at least 2
  ** positional arguments (1 given)". */
  ASY_ARGS_KW = 2,
  /* Nothing is checked: natives with irregular signatures check themselves (asy_args). */
  ASY_ARGS_NONE = 3,
  ASY_ARGS_MASK = 3,
  ASY_DEF_STATIC = 4,   /* in a class: a staticmethod (no receiver) */
  ASY_DEF_CLASS = 8,    /* in a class: a classmethod (args[0] is the class) */
  ASY_DEF_PROPERTY = 16 /* in a class: a read-only property, fn its getter */
};
#define ASY_VARARGS (-1) /* AsyMethodDef.max: no upper limit */
/* The count and policy of a row whose native checks its own arguments. */
#define ASY_UNCHECKED 0, ASY_VARARGS, ASY_ARGS_NONE
/* The six rich comparisons as slot-wrapper rows, for natives named p##_eq … p##_ge. */
/* clang-format off */
#define ASY_RICHCMP_DEFS(p) \
  {"__eq__", p##_eq, 1, 1, ASY_ARGS_SLOT}, {"__ne__", p##_ne, 1, 1, ASY_ARGS_SLOT}, \
  {"__lt__", p##_lt, 1, 1, ASY_ARGS_SLOT}, {"__le__", p##_le, 1, 1, ASY_ARGS_SLOT}, \
  {"__gt__", p##_gt, 1, 1, ASY_ARGS_SLOT}, {"__ge__", p##_ge, 1, 1, ASY_ARGS_SLOT}
/* clang-format on */

/* One native: a row of a table ended by {0}. `name` is the attribute; a dotted name
** ("math.sqrt") defines its last part and shows whole in messages, as CPython names
** module functions. */
typedef struct AsyMethodDef {
  const char *name;
  NativeFn fn;
  int8_t min, max; /* positional arguments, receiver excluded */
  uint8_t flags;   /* an ASY_ARGS_* wording | an ASY_DEF_* kind */
} AsyMethodDef;

/* Install every native of a {0}-terminated table into cls (as methods, or the kind its
** flags say) or, when cls is NULL, into dict (module functions, builtins). */
void asy_def_natives(VM *vm, ObjClass *cls, ObjDict *dict, const AsyMethodDef *defs);
/* The check call.c makes before calling a native that has a table entry (unless its
** policy is ASY_ARGS_NONE): false with CPython's TypeError pending when the receiver,
** keywords or count do not fit. */
bool asy_native_args_ok(VM *vm, ObjNative *nat, int argc, Value *args, ObjDict *kw);

/* A bare native with no table entry (nothing checked for it): for natives made at run
** time and for the files not yet moved to tables. */
ObjNative *asy_native_new(VM *vm, const char *name, NativeFn fn);
void asy_def_native(VM *vm, ObjDict *dict, const char *name, NativeFn fn);
void asy_def_method(VM *vm, ObjClass *cls, const char *name, NativeFn fn);
void asy_def_value(VM *vm, ObjDict *dict, const char *name, Value v);
/* A property of cls whose getter (and setter, unless NULL) are natives (CPython's getset
** descriptors); without a setter, assignment raises AttributeError. */
void asy_def_getset(VM *vm, ObjClass *cls, const char *name, NativeFn get, NativeFn set);

/* Argument checking inside natives whose policy is ASY_ARGS_NONE or ASY_ARGS_KW, with
** CPython's messages (argc excludes the receiver):
**   asy_args(vm, "name", argc, kw, min, max) — positional count, no keywords, in
**     ASY_ARGS_AUTO's wording ("name() takes exactly one argument (2 given)").
**   asy_no_kw(vm, "name", kw) — TypeError if kw has entries.
**   asy_arg_count(vm, "name", argc, min, max) — vectorcall style count only (max -1: no
**     limit): "name expected [at least|at most] N arguments, got M"; kw not checked.
**   asy_kwarg(vm, kw, "key") — the value of one keyword, UNDEF if absent.
**   asy_check_kw(vm, "name", kw, allowed) — TypeError for a keyword not in the
**     NULL-terminated list.
**   asy_kwargs(…) — bind positionals and keywords to parameter names, below. */
bool asy_args(VM *vm, const char *fname, int argc, ObjDict *kw, int min, int max);
bool asy_no_kw(VM *vm, const char *fname, ObjDict *kw);
bool asy_arg_count(VM *vm, const char *fname, int argc, int min, int max);
Value asy_kwarg(VM *vm, ObjDict *kw, const char *key);
bool asy_check_kw(VM *vm, const char *fname, ObjDict *kw, const char *const *allowed);
/* Argument Clinic's binding: args[0..argc) fill names[0..nnames) in order, then kw by
** name (the first `posonly` names cannot be given by keyword); the first `min` are
** required. out[i] is UNDEF for an absent one. */
bool asy_kwargs(VM *vm, const char *fname, int argc, Value *args, ObjDict *kw,
                const char *const *names, int nnames, int posonly, int min, Value *out);

/* ---- modules (module.c) ---------------------------------------------------------------- */

/* Register a built-in module initialiser: `init` is called once on first import and
** must fill the module dict (args[0] is the ObjModule). */
void asy_register_native_module(VM *vm, const char *name, NativeFn init);
/* import name: the module object or EXC_VAL (ModuleNotFoundError). */
Value asy_import(VM *vm, ObjStr *name);
/* The source file `import name` would load (script folder, then ASYPATH) into out
** (PATH_MAX bytes): true if found, with *is_pkg telling a package's __init__. `asy -m`
** uses it too. */
bool asy_find_module_file(VM *vm, const char *name, char *out, bool *is_pkg);

/* ---- sources and compiling (lang/) ------------------------------------------------------- */

/* Keep a copy of a source text for tracebacks; returns the VM-owned record. */
AsySource *asy_source_add(VM *vm, const char *filename, const char *text, size_t size);
/* A line of a source (1-based), without its newline; NULL if out of range. */
const char *asy_source_line(AsySource *src, int line, size_t *len);
/* Parse and compile a whole module. Returns the code, or NULL with a SyntaxError pending.
** `mode` 0 = file/module, 1 = single interactive statement (REPL echo of expressions),
** 2 = one expression (eval); | ASY_COMPILE_NO_TOPLEVEL_AWAIT for text given to
** eval/exec/compile, where a module-level await is CPython's SyntaxError. */
#define ASY_COMPILE_NO_TOPLEVEL_AWAIT 8
ObjCode *asy_compile(VM *vm, AsySource *src, int mode);

/* ---- tracebacks (traceback.c) ------------------------------------------------------------ */

/* Record that the pending exception passes through `frame` at instruction `ip_index`. */
void asy_traceback_add(VM *vm, Value exc, ObjCode *code, int ip_index);
/* Print an uncaught exception the way CPython does (chained, groups, carets) to stderr. */
void asy_print_exception(VM *vm, Value exc);

#endif
