/*
** object.h — heap objects.
**
** Every heap object starts with the same header (Wren's sObj):
**   type  the C layout (ObjType) — which struct this is, used by the GC and by
**         fast paths in C;
**   cls   the Python-visible class (what type(x) returns). Built-in layouts point at
**         the built-in classes in vm->types (str, list, …); a user subclass of a
**         built-in (class MyError(ValueError)) gets the built-in's layout and its own cls;
**   marked  the mark bit of the mark-sweep GC (gc.c).
** The header is 16 bytes: the collector finds pooled objects by walking the pool's slabs,
** and keeps the few malloc'd (large) objects on a list whose links sit in a hidden
** 16-byte prefix before each of them (gc.c), so no object carries a list pointer.
**
** Objects are created only with asy_alloc_obj() (gc.h), which registers them in the
** current temp-root scope (see gc.h for the rooting rules). Every ObjType below has a case in gc.c's mark and free functions: a new
** type must add both.
*/
#ifndef ASY_OBJECT_H
#define ASY_OBJECT_H

#include "vm/value.h"

typedef struct VM VM;
typedef struct ObjClass ObjClass;
typedef struct ObjStr ObjStr;
typedef struct ObjDict ObjDict;
typedef struct ObjTuple ObjTuple;
typedef struct ObjCode ObjCode;

typedef enum {
  OBJ_STR,
  OBJ_BYTES,
  OBJ_TUPLE,
  OBJ_LIST,
  OBJ_DICT,
  OBJ_SET, /* set and frozenset (cls tells which) */
  OBJ_RANGE,
  OBJ_SLICE,
  OBJ_CODE,
  OBJ_FUNCTION, /* a script function or closure (def, lambda, async def) */
  OBJ_CELL,
  OBJ_BOUND,  /* bound method: a callable with self prepended */
  OBJ_NATIVE, /* builtin_function_or_method / method_descriptor */
  OBJ_CLASS,
  OBJ_INSTANCE,  /* instance of a user class (non-exception) */
  OBJ_EXCEPTION, /* instance of BaseException or a subclass */
  OBJ_MODULE,
  OBJ_ITER,        /* every built-in iterator (list/str/dict/range/enumerate/zip/…) */
  OBJ_DICTVIEW,    /* dict.keys() / values() / items() */
  OBJ_WRAPPER,     /* property / staticmethod / classmethod */
  OBJ_SUPER,       /* the object returned by super() */
  OBJ_FILE,        /* open() file objects */
  OBJ_GEN,         /* generator, coroutine or async generator (ObjGen; cls tells which) */
  OBJ_HANDLE,      /* an event-loop callback: asyncio Handle / TimerHandle (vm/loop.c) */
  OBJ_NATIVE_DATA, /* opaque C payload owned by a stdlib module (e.g. random state) */
  OBJ_FUTURE,      /* asyncio Future or Task, or an instance of a subclass (vm/future.c) */
  OBJ_CONTEXT,     /* contextvars.Context (vm/obj/context.c) */
  OBJ_DEQUE,       /* collections.deque (vm/obj/deque.c) */
  OBJ_BIGINT,      /* an int beyond 64 bits (vm/obj/bigint.h; class int) */
  OBJ_TYPE_COUNT
} ObjType;

struct Obj {
  uint8_t type; /* ObjType */
  uint8_t marked;
  uint8_t finalized; /* the collector already ran (or queued) its finalizer (finalize.c) */
  uint8_t pool;      /* gc.c: 1 + the small-object size class it came from, 0 = malloc */
  uint32_t aux;      /* per-type use of the word the alignment of cls leaves: a tuple's
                        item count (ObjTuple.size); 0 in every other type. A real field,
                        not padding, so no store to the header may clobber it. */
  ObjClass *cls;     /* type(x) */
};

#define OBJ_TYPE(v) (AS_OBJ(v)->type)
#define IS_OBJ_TYPE(v, t) (IS_OBJ(v) && AS_OBJ(v)->type == (t))

/* ---- str ----------------------------------------------------------------------
** Immutable UTF-8. `length` counts code points; `size` counts bytes. When they are
** equal the string is ASCII and indexing is O(1). chars[] is NUL-terminated.
** A str is at most ASY_STR_MAX (1 GiB, str.h) bytes, so the counts fit 32 bits: the
** header is 32 bytes (CPython's ASCII str has 40): an object is ASY_STR_OBJ_SIZE(size)
** bytes (str.h), never sizeof(ObjStr) + size. Whether a str is interned is the intern
** table's business (str.c), not a field. */
struct ObjStr {
  Obj obj;
  int64_t hash;    /* Python-compatible hash; -1 = not computed yet */
  uint32_t size;   /* bytes, excluding the NUL */
  uint32_t length; /* code points */
  char chars[];
};

typedef struct {
  Obj obj;
  size_t size;
  int64_t hash;   /* -1 = not computed */
  uint8_t data[]; /* NUL-terminated for convenience */
} ObjBytes;

/* `attrs` in list, dict and set: the __dict__ of an instance of a user subclass
** (class Env(dict): ... self.outer = x), created on first use; NULL otherwise. A tuple
** keeps it after its items instead, only when its class is a user subclass
** (asy_tuple_attrs, tuple.h). */
/* A tuple is its 16-byte header and its items: (1, 2) is a 48-byte block (CPython's 56
** bytes take 64). The item count is the header's spare word (Obj.aux), so a tuple has at
** most ASY_TUPLE_MAX items (tuple.h); the anonymous union names that word `size`, so
** t->size and t->obj.aux are one uint32_t and t->obj is still the whole header. Its hash
** is computed at each use, as CPython 3.13's: a cached one would cost 16 bytes a pair. */
struct ObjTuple {
  union {
    Obj obj;
    struct {
      uint8_t obj_head_[offsetof(Obj, aux)]; /* type .. pool: reach them as t->obj */
      uint32_t size;                         /* = obj.aux */
    };
  };
  Value items[];
};
_Static_assert(sizeof(Obj) == 16 && sizeof(ObjTuple) == sizeof(Obj), "tuple header");
_Static_assert(offsetof(ObjTuple, size) == offsetof(Obj, aux), "ObjTuple.size is Obj.aux");

typedef struct {
  Obj obj;
  size_t size, capacity;
  Value *items;
  ObjDict *attrs;
  size_t front; /* slots before items[0] that pop(0) stepped over: the buffer starts at
                   items - front and holds capacity + front (list.c's asy_list_settle) */
} ObjList;

/* ---- dict ---------------------------------------------------------------------
** Insertion-ordered hash table in CPython's compact layout: `entries` is a dense
** array in insertion order (deleted entries have key UNDEF), `index` maps hash slots
** to entry numbers (-1 empty, -2 dummy), in 1, 2 or 4 bytes a slot as the table grows.
** A table whose keys are all exact strs keeps no hashes (each key caches its own, as
** CPython's unicode-keyed dicts): `hashes` is NULL until another kind of key arrives,
** then holds entries[i]'s hash at hashes[i]. asy_dict_entry_hash reads either.
**
** An entry keeps only its key's payload, 24 bytes where a key Value would make it 32
** (CPython's str-keyed entry is 16): in a table without hashes every key is a str (the
** payload is the ObjStr pointer, 0 once deleted); a table with hashes keeps its keys'
** tags in a byte array after them (asy_dict_key_tags). Read keys with asy_dict_key. */
typedef struct DictEntry {
  uint64_t key; /* VALUE_BITS of the key */
  Value value;
} DictEntry;

struct ObjDict {
  Obj obj;
  uint32_t count;      /* live entries */
  uint32_t used;       /* entries[] slots used, including deleted ones */
  void *index;         /* index_size slots of int8/int16/int32 after the entries (dict.c) */
  DictEntry *entries;  /* 2/3 of index_size allocated */
  int64_t *hashes;     /* NULL while every key is an exact str; else a hash for each of
                          the capacity's entries, then their keys' tags (bytes) */
  ObjDict *attrs;      /* see ObjTuple */
  uint64_t version;    /* layout version: set to a fresh per-VM number (never 0) by
                          every change to the set of keys or their entry positions (insert
                          of a new key, delete, resize, clear) — NOT by value updates. Equal
                          versions mean the same dict with the same keys. 0 = never changed.
                          Only dict.c mutates the layout; the interpreter's global-name
                          cache relies on this (see AsyNameCache). */
  uint32_t key_bloom;  /* one bit per key inserted since the last resize or clear
                          (asy_dict_bloom_bit): a clear bit proves a key absent without a
                          probe (method calls: the name is not in the instance dict) */
  uint32_t index_size : 30; /* power of two, 0 when empty (bit fields: ObjDict is 72 bytes) */
  uint32_t class_dict : 1;  /* a class's dict some attribute-cache entry depends on: a
                               layout change bumps VM.class_epoch (asy_class_lookup_cached) */
  uint32_t has_room : 1;    /* made with room for its first table after its fields
                               (asy_dict_new_with_room: an instance's attributes) */
};

/* The entries a table of index_size slots has room for: 2/3 of them (CPython's
** USABLE_FRACTION). */
static inline size_t asy_dict_usable(size_t index_size) { return (index_size << 1) / 3; }

/* The number of entries d's table has room for. */
static inline size_t asy_dict_capacity(const ObjDict *d) { return asy_dict_usable(d->index_size); }

/* The tags of the keys of a table with hashes, one byte an entry after the hashes. */
static inline uint8_t *asy_dict_key_tags(const ObjDict *d) {
  return (uint8_t *)(d->hashes + asy_dict_capacity(d));
}

/* The key of entry ix: UNDEF for a deleted entry. */
static inline Value asy_dict_key(const ObjDict *d, size_t ix) {
  uint64_t bits = d->entries[ix].key;
  if (!d->hashes) return bits ? VALUE_FROM_BITS(VAL_OBJ, bits) : VALUE_FROM_BITS(VAL_UNDEF, 0);
  return VALUE_FROM_BITS(asy_dict_key_tags(d)[ix], bits);
}

/* Is entry ix's key the object o (pointer identity)? */
static inline bool asy_dict_key_is(const ObjDict *d, size_t ix, const void *o) {
  return d->entries[ix].key == (uint64_t)(uintptr_t)o &&
         (!d->hashes || asy_dict_key_tags(d)[ix] == VAL_OBJ);
}

/* The key_bloom bit of a key hash (the multiply spreads int hashes too). */
static inline uint32_t asy_dict_bloom_bit(int64_t hash) {
  return 1u << (((uint64_t)hash * 0x9E3779B97F4A7C15u) >> 59);
}

/* ---- set / frozenset ----------------------------------------------------------
** Iteration order must equal CPython's (set printing is observable), so this is
** CPython's setobject.c table: open addressing, linear probes then perturbation,
** same sizes and growth. key UNDEF = empty slot; `dummy` marks a deleted slot. */
typedef struct {
  Value key;
  int64_t hash;
  bool dummy;
} SetEntry;

typedef struct {
  Obj obj;
  size_t fill; /* active + dummy */
  size_t used; /* active */
  size_t mask; /* table size - 1 */
  SetEntry *table;
  size_t finger;  /* for pop() */
  int64_t hash;   /* frozenset hash cache; -1 = not computed */
  ObjDict *attrs; /* see ObjTuple */
} ObjSet;

typedef struct {
  Obj obj;
  int64_t start, stop, step;
} ObjRange;

typedef struct {
  Obj obj;
  Value start, stop, step; /* None when omitted */
} ObjSlice;

/* ---- code ---------------------------------------------------------------------
** A compiled function body (or module body, or class body). Instructions are
** 32-bit units: opcode in the low 8 bits, argument in the high 24 (see opcodes.h).
** Local variable layout follows CPython 3.11+ "localsplus": slots
** [0, nlocals) are plain locals (parameters first), [nlocals, nlocals+ncells) are
** cells for locals captured by inner functions, and
** [nlocals+ncells, nlocals+ncells+nfree) are the free variables copied from the
** function's closure. LOAD_DEREF/STORE_DEREF take the localsplus index directly.
** The interpreter builds the cells at frame entry (no MAKE_CELL/COPY_FREE_VARS): cell i
** starts empty, or holding parameter cell2arg[i] when that is >= 0 (a captured
** parameter is then only ever accessed through its cell). */
typedef struct {
  int32_t line, end_line; /* 1-based; 0 = no position (synthetic code) */
  int32_t col, end_col;   /* 0-based byte offsets within the line, as CPython */
} AsyPos;

typedef struct {
  uint32_t start, end; /* instruction range [start, end) covered */
  uint32_t target;     /* handler instruction */
  uint16_t depth;      /* value-stack depth (above the frame's base) to unwind to */
  uint8_t push_lasti;  /* CPython's lasti flag: push the raising instruction offset */
} ExcEntry;

enum {
  CODE_VARARGS = 1,    /* has *args */
  CODE_VARKW = 2,      /* has **kwargs */
  CODE_COROUTINE = 4,  /* async def */
  CODE_MODULE = 8,     /* module body */
  CODE_CLASS = 16,     /* class body */
  CODE_HAS_AWAIT = 32, /* module body with top-level await */
  CODE_LAMBDA = 64,
  CODE_INLINED_COMP = 128,     /* list/set/dict comprehension body: CPython 3.12+ inlines these,
                               so a traceback shows no frame for them: print such an entry
                               (its line and carets) under the name of the frame that called
                               it, in place of that caller's own entry (the CALL of the
                               comprehension) */
  CODE_HAS_DOCSTRING = 256,    /* def: consts[0] is the docstring (func.__doc__); without
                               the flag __doc__ is None (CPython 3.14's CO_HAS_DOCSTRING) */
  CODE_GENERATOR = 512,        /* def containing yield: a call returns a generator */
  CODE_ASYNC_GENERATOR = 1024, /* async def containing yield */
  CODE_FAST_CALL = 1 << 20,    /* set by the interpreter (asy_code_caches), never by the
                               compiler: the code has its caches and plain positional
                               parameters only (no *args, **kwargs, keyword-only
                               parameters, cells; not a coroutine), so CALL may set up its
                               frame inline */
  CODE_BARE_FRAME = 1 << 21,   /* set with CODE_FAST_CALL when the frame is exactly its
                               positional parameters (no other locals, no free
                               variables): CALL's inline set-up has nothing to fill */
};

/* The interpreter's inline cache for one entry of ObjCode.names (interp.c), used by
** LOAD_GLOBAL / STORE_GLOBAL and by LOAD_NAME / STORE_NAME in module code: the dict
** entry where the name was found last time, so a hit skips hashing and probing. The
** entry pointer is valid only while the namespace dict still has layout `version`
** (ObjDict.version) and, when bversion != 0 (the name was absent from the namespace and
** found in the builtins), while the builtins dict has layout `bversion`. */
typedef struct AsyNameCache {
  uint64_t version;
  uint64_t bversion;
  struct DictEntry *entry; /* NULL = nothing cached */
} AsyNameCache;

/* The interpreter's inline cache for one attribute site: LOAD_ATTR and STORE_ATTR of
** one entry of ObjCode.names (class.c's asy_*_site; loads and stores keep separate
** ones). It holds what a lookup on instances of `cls` found while VM.class_epoch was
** `epoch`: that no data descriptor, __getattribute__ or __setattr__ gets in the way
** (kind), the class attribute (class_entry, NULL: none; class_value, to see it was not
** replaced in place) and where the instance dict held the name last (hint), so a hit
** is a few compares instead of hashing through the MRO and the instance dict. */
typedef struct AsyAttrSite {
  struct ObjClass *cls; /* NULL: empty */
  uint64_t epoch;
  struct DictEntry *class_entry;
  Value class_value;
  uint32_t hint;
  uint8_t kind; /* ASY_SITE_* (class.h) */
} AsyAttrSite;
#define ASY_SITE_WAYS 4 /* entries per site: receiver classes remembered at once */

/* Ownership: consts, names, code, positions, exctable, cell2arg and name_cache are raw
** buffers allocated with asy_realloc at exactly the sizes recorded here (positions has
** ncode entries, cell2arg ncells, name_cache nnames) — gc.c frees them with those sizes. */
/* clang-format off */
struct ObjCode {
  Obj obj;
  ObjStr *name;      /* f, <lambda>, <module>, <listcomp> … */
  ObjStr *qualname;  /* Outer.f.<locals>.g */
  ObjStr *filename;  /* as shown in tracebacks */
  struct AsySource *source; /* the source text, for traceback lines (may be NULL) */
  int argcount;      /* positional parameters (incl. positional-only) */
  int posonlyargcount;
  int kwonlyargcount;
  int flags;         /* CODE_* */
  int nlocals, ncells, nfree;
  int stacksize;     /* max value-stack depth */
  int nlocalsplus;   /* nlocals + ncells + nfree (asy_code_set_sizes) */
  int framesize;     /* value slots a frame of this code may need above its base:
                        2 * nlocalsplus (bind_args' scratch copy) + stacksize + slack */
  int firstline;
  ObjTuple *varnames;  /* names of locals, then cellvars, then freevars */
  int *cell2arg;       /* for each cell: the parameter slot it shadows, or -1 (NULL if none) */
  Value *consts; int nconsts;
  ObjStr **names; int nnames; /* global/attribute/import names */
  uint32_t *code; int ncode;
  AsyPos *positions;  /* one per instruction */
  ExcEntry *exctable; int nexc;
  AsyNameCache *name_cache; /* nnames entries, created by the interpreter on first use
                               (asy_realloc; gc.c frees it); NULL until then */
  AsyAttrSite *attr_sites;  /* 2 * nnames sites of ASY_SITE_WAYS (loads, then stores),
                               made with name_cache */
};
/* clang-format on */

/* Slots a frame may need above its localsplus besides its operand stack: room for a
** call's callable, self and a few arguments that C code pushes (asy_call) plus the
** scratch copy bind_args makes of the locals. */
#define ASY_FRAME_SLACK 16

/* Fill the sizes derived from a finished code object's counts (its creators call it:
** the compiler and the code-file reader), so frame set-up reads them instead of
** adding them up at every call. */
static inline void asy_code_set_sizes(ObjCode *co) {
  co->nlocalsplus = co->nlocals + co->ncells + co->nfree;
  co->framesize = 2 * co->nlocalsplus + co->stacksize + ASY_FRAME_SLACK;
}

/* The source of one file, shared by all code objects compiled from it. Plain C
** memory (not a GC object) owned by the VM's source list; lives until vm_free. */
typedef struct AsySource {
  struct AsySource *next;
  char *filename; /* as printed in tracebacks and syntax errors */
  char *text;     /* whole text, NUL-terminated */
  size_t size;
  size_t nlines;
  size_t *line_starts; /* byte offset of each line, 0-based index = line - 1 */
} AsySource;

/* ---- functions ----------------------------------------------------------------*/
typedef struct {
  Obj obj;
  Value value; /* UNDEF = empty cell */
} ObjCell;

typedef struct {
  Obj obj;
  ObjCode *code;
  ObjDict *globals;
  ObjStr *name, *qualname;
  Value module;        /* __module__ name (str) */
  ObjTuple *defaults;  /* positional defaults, or NULL */
  ObjDict *kwdefaults; /* keyword-only defaults, or NULL */
  ObjTuple *closure;   /* tuple of ObjCell, or NULL */
  ObjDict *dict;       /* function attributes (__dict__), lazily created */
  Value doc;
} ObjFunction;

/* ---- generators, coroutines, async generators (vm/gen.c) ----------------------
** A suspended computation is data: the generator owns an exact copy of its frame's
** slots (localsplus, then the operand stack at the suspension point) and the
** instruction to resume at. Resuming copies the slots back onto the running fiber's
** stack and pushes a frame record (FRAME_GEN); suspending copies them out and pops
** it. Nothing of a suspended generator lives on any C stack. `slots` grows to the
** largest suspension seen and never shrinks (a switch does not reallocate). */
typedef enum { GEN_CREATED, GEN_SUSPENDED, GEN_RUNNING, GEN_CLOSED } AsyGenState;
typedef enum { GEN_GENERATOR, GEN_COROUTINE, GEN_ASYNC_GENERATOR } AsyGenKind;

typedef struct ObjGen {
  Obj obj;
  uint8_t kind;          /* AsyGenKind */
  uint8_t state;         /* AsyGenState */
  uint8_t hooks_done;    /* async generators: first-iteration set-up done (ag_hooks) */
  uint8_t running_async; /* async generators: an asend/athrow is in progress */
  uint8_t own_yield;     /* async generators: the last suspension was its own yield
                          (YIELD_VALUE 1), not an await passing through */
  uint8_t stack_owned;   /* made by GET_YIELD_FROM_ITER for its delegator's stack alone
                            (asy_gen_iter_direct): END_SEND may free it (gen.h) */
  uint8_t escaped;       /* a reference was handed out (gi_yieldfrom, asy_gen_delegate) */
  ObjFunction *func;     /* the function called (NULL: top-level await module body) */
  ObjCode *code;
  ObjDict *globals, *locals; /* locals: module bodies only (top-level await) */
  ObjStr *name, *qualname;
  uint32_t ip;     /* instruction index to resume at */
  uint32_t nslots; /* saved values: localsplus then operand stack */
  uint32_t capacity;
  Value *slots;
  Value exc_state;      /* the exception this generator is handling (UNDEF: none) */
  ObjCode *origin_code; /* where it was created (the calling frame), for the "never
                          awaited" warning; NULL when unknown */
  uint32_t origin_ip;
  uint32_t inline_cap;       /* saved values the object itself has room for, after its
                                fields (slots points there unless a frame outgrew it) */
  struct ObjGen *delegate;   /* while suspended: the plain generator its `yield from` waits
                                on, when the delegation shortcut may skip it (gen.h), else
                                NULL; held by its slots, so not marked */
  struct ObjGen *resumed_by; /* while running through the delegation shortcut (gen.h):
                                the generator delegating to this one, whose frame is
                                not on the stack; NULL otherwise */
} ObjGen;

/* The room for saved values inside g itself, right after its fields. */
static inline Value *asy_gen_inline_slots(ObjGen *g) { return (Value *)(g + 1); }
/* Does g keep its saved values in that room (rather than in a pool buffer)? */
static inline bool asy_gen_slots_inline(ObjGen *g) {
  return g->inline_cap && g->slots == asy_gen_inline_slots(g);
}

/* ---- event-loop callbacks (vm/loop.c) ------------------------------------------
** A callback scheduled on the event loop: asyncio's Handle, or TimerHandle when it has
** a deadline. The loop runs `callback(*args)` inside `context` (a contextvars.Context,
** or None). */
typedef struct ObjHandle {
  Obj obj;
  Value callback;
  Value args;    /* tuple */
  Value context; /* Context or None */
  double when;   /* timers: the deadline on the loop's clock */
  uint64_t seq;  /* timers: scheduling order, the tie-break for equal deadlines */
  bool timer;    /* a TimerHandle */
  uint8_t kind;  /* AsyHandleKind (vm/future.h): a plain call, or a task's step/wake-up */
  bool cancelled;
  bool scheduled; /* timers: still in the loop's heap */
} ObjHandle;

/* ---- futures and tasks (vm/future.c) --------------------------------------------
** asyncio's Future, and Task (is_task) which drives a coroutine through the loop. The
** first done callback lives inline (most futures have one waiter), the rest in a list
** of (fn, context) tuples. A task's own wake-up is stored as the task itself. */
typedef struct ObjFuture {
  Obj obj;
  uint8_t state;   /* AsyFutureState */
  bool is_task;
  bool blocking;   /* _asyncio_future_blocking */
  bool log_traceback;
  bool log_destroy_pending;
  bool must_cancel;
  bool registered; /* a task in the live-task list */
  uint8_t trace_depth; /* --trace: how many task groups enclose the task */
  bool trace_started;  /* --trace: its first step has run */
  bool cancel_caught;  /* --debug: a CancelledError was thrown into this step */
  int32_t num_cancels_requested;
  Value loop;
  Value result;    /* FINISHED: the result */
  Value exception; /* FINISHED with an exception */
  Value cancel_message, cancelled_exc;
  Value cb0, cb0_context; /* first callback (UNDEF: none) */
  ObjList *callbacks;     /* the others, or NULL */
  ObjDict *attrs;         /* __dict__ of instances of subclasses */
  /* Task only: a plain future is allocated without these (asy_future_size) */
  Value coro, context, name, fut_waiter;
  struct ObjHandle *spare_step; /* the handle of its last step, reused for the next one */
  struct ObjFuture *prev_task, *next_task; /* the live-task list, in creation order */
} ObjFuture;

typedef struct {
  Obj obj;
  Value self;
  Value func;
} ObjBound;

/* Native functions. args[0..argc) are the positional arguments (for a method,
** args[0] is self); kw holds keyword arguments or is NULL. Return the result, or
** EXC_VAL with the exception set (asy_raise… in vm.h). Never return UNDEF. */
typedef Value (*NativeFn)(VM *vm, int argc, Value *args, ObjDict *kw);

typedef struct {
  Obj obj;
  NativeFn fn;
  ObjStr *name;
  Value self;      /* bound receiver (built-in method of an object/module), or UNDEF */
  ObjClass *owner; /* for a method descriptor: the class it belongs to; else NULL */
  Value data;      /* extra per-native data, marked by the GC */
  const struct AsyMethodDef *def; /* its table entry (vm.h), whose argument policy the
                                     caller checks; NULL for a bare native: unchecked */
} ObjNative;

/* ---- classes and instances ----------------------------------------------------*/
enum {
  CLASS_BUILTIN = 1,             /* defined in C (int, str, ValueError …) */
  CLASS_EXCEPTION = 2,           /* BaseException or a subclass */
  CLASS_FINAL = 4,               /* cannot be subclassed (bool, NoneType, …) */
  CLASS_HAS_GETATTR = 8,         /* defines __getattr__ somewhere in the MRO (cache) */
  CLASS_IS_EXCEPTION = 16,       /* exactly `Exception` (not inherited) */
  CLASS_IS_EXCEPTION_GROUP = 32, /* exactly `ExceptionGroup` (not inherited): Exception is
                                    its second base, which asy_is_subclass special-cases */
  CLASS_HAS_DEL = 64,            /* defines __del__ somewhere in the MRO (cache, finalize.c) */
  CLASS_MRO = 128,               /* its MRO is not the `base` chain (multiple inheritance here
                                    or in an ancestor): lookups walk the `mro` tuple */
  CLASS_HAS_GETATTRIBUTE = 256,  /* a user __getattribute__ somewhere in the MRO (cache) */
  CLASS_SLOTS = 512,             /* __slots__ without __dict__: instances have no dict */
  CLASS_BOXED = 1024,            /* a user subclass of int or float: instances are ObjBoxed */
  CLASS_ABSTRACT = 2048,         /* a non-empty __abstractmethods__ was set: no instances */
  CLASS_HAS_SLOTS = 4096,        /* __slots__ here or in a base: instances are ObjBoxed */
};

struct ObjClass {
  Obj obj;
  ObjStr *name;
  ObjStr *qualname;
  Value module;   /* str: "builtins", "__main__", "asyncio" … */
  ObjClass *base; /* __base__: the base whose layout instances have (the first base with
                     single inheritance); NULL only for object */
  ObjTuple *bases; /* __bases__ when there are several, else NULL (= (base,)) */
  ObjTuple *mro;   /* C3 __mro__ (self first) when CLASS_MRO, else NULL (= the base chain) */
  ObjDict *dict;  /* attributes and methods */
  ObjType layout; /* ObjType of instances created by calling the class */
  int flags;      /* CLASS_* */
  int depth;      /* number of bases up to object (for fast issubclass) */
  ObjStr *tp_name; /* the name messages use when it is not `name`: CPython's C types with a
                      dotted tp_name ('_asyncio.Future', 'collections.deque'); NULL = name */
  uint64_t always_true_epoch; /* VM.class_epoch when asy_truthy found neither __bool__ nor
                                 __len__ on the class: its instances are true until the
                                 epoch moves */
};

typedef struct {
  Obj obj;
  ObjDict *dict; /* __dict__, created with the instance */
} ObjInstance;

/* An instance of a user class that needs more than a __dict__: a subclass of int or float
** (CLASS_BOXED: `value` is the number it stands for; the int/float natives receive it as
** self, call.c) or a class with __slots__ (CLASS_HAS_SLOTS: `slots` holds their values). */
typedef struct {
  ObjInstance base;
  Value value;
  ObjDict *slots;
} ObjBoxed;

/* Exceptions are instances with fixed slots. BaseExceptionGroup/ExceptionGroup
** use eg_message and eg_exceptions (a tuple); other exceptions keep eg_exceptions UNDEF
** and use eg_message for a hidden dict of C-level attributes (StopIteration.value,
** OSError.errno, …; see except.h: asy_exc_slot / asy_exc_set_slot). */
typedef struct {
  ObjInstance base; /* dict holds user attributes and __notes__ */
  ObjTuple *args;
  Value cause;   /* __cause__ (None or exception) */
  Value context; /* __context__ */
  bool suppress_context;
  Value traceback; /* opaque: a list of frame entries built by traceback.c, or None */
  Value eg_message;
  Value eg_exceptions;
} ObjException;

typedef struct {
  Obj obj;
  ObjStr *name;
  ObjDict *dict;  /* the module's globals */
  Value filename; /* str or None */
} ObjModule;

/* ---- iterators ----------------------------------------------------------------
** One layout for every built-in iterator; `next` produces the next item, UNDEF when
** exhausted, EXC_VAL on error. a, b, c are GC-marked slots for the iterator's state. */
typedef struct ObjIter ObjIter;
typedef Value (*IterNextFn)(VM *vm, ObjIter *it);
struct ObjIter {
  Obj obj;
  IterNextFn next;
  Value a, b, c;
  int64_t i, n, step;
};

typedef struct {
  Obj obj;
  ObjDict *dict;
  int kind; /* 0 keys, 1 values, 2 items */
} ObjDictView;

typedef struct {
  Obj obj;
  int kind;               /* 0 property, 1 staticmethod, 2 classmethod */
  Value fget, fset, fdel; /* for static/classmethod only fget is used: the function */
  Value doc;
} ObjWrapper;

typedef struct {
  Obj obj;
  ObjClass *start; /* lookup begins after this class in the MRO */
  Value self;      /* instance, or class for classmethods */
} ObjSuper;

typedef struct {
  Obj obj;
  void *fp; /* FILE* */
  ObjStr *name;
  ObjStr *mode;
  bool closed;
  bool binary;
  bool borrowed;    /* sys.stdin/stdout/stderr: the C stream is never fclose'd */
  bool fd_name;     /* opened from a descriptor: `name` is its number (stdlib/file.c) */
  uint8_t errors;   /* text mode: the errors= handler, an index in file.c's table */
  uint8_t newline;  /* text mode: the newline= policy (file.c's NL_*) */
  ObjStr *encoding; /* text mode: as given to open() (repr shows it), else NULL */
} ObjFile;

/* Opaque native payload: `data` is malloc'd and freed with `finalize` (may be NULL),
** `mark` reports any Values it holds (may be NULL). */
typedef struct {
  Obj obj;
  void *data;
  void (*finalize)(void *data);
  void (*mark)(VM *vm, void *data);
} ObjNativeData;

/* Checked casts from a Value. */
#define AS_STR(v) ((ObjStr *)AS_OBJ(v))
#define AS_BYTES(v) ((ObjBytes *)AS_OBJ(v))
#define AS_TUPLE(v) ((ObjTuple *)AS_OBJ(v))
#define AS_LIST(v) ((ObjList *)AS_OBJ(v))
#define AS_DICT(v) ((ObjDict *)AS_OBJ(v))
#define AS_SET(v) ((ObjSet *)AS_OBJ(v))
#define AS_RANGE(v) ((ObjRange *)AS_OBJ(v))
#define AS_SLICE(v) ((ObjSlice *)AS_OBJ(v))
#define AS_CODE(v) ((ObjCode *)AS_OBJ(v))
#define AS_FUNCTION(v) ((ObjFunction *)AS_OBJ(v))
#define AS_CELL(v) ((ObjCell *)AS_OBJ(v))
#define AS_BOUND(v) ((ObjBound *)AS_OBJ(v))
#define AS_NATIVE(v) ((ObjNative *)AS_OBJ(v))
#define AS_CLASS(v) ((ObjClass *)AS_OBJ(v))
#define AS_INSTANCE(v) ((ObjInstance *)AS_OBJ(v))
#define AS_EXCEPTION(v) ((ObjException *)AS_OBJ(v))
#define AS_MODULE(v) ((ObjModule *)AS_OBJ(v))
#define AS_ITER(v) ((ObjIter *)AS_OBJ(v))
#define AS_GEN(v) ((ObjGen *)AS_OBJ(v))
#define AS_HANDLE(v) ((ObjHandle *)AS_OBJ(v))
#define AS_FUTURE(v) ((ObjFuture *)AS_OBJ(v))

#define IS_STR(v) IS_OBJ_TYPE(v, OBJ_STR)
#define IS_BIGINT(v) IS_OBJ_TYPE(v, OBJ_BIGINT) /* an int beyond int64 (bigint.h) */
#define IS_BYTES(v) IS_OBJ_TYPE(v, OBJ_BYTES)
#define IS_TUPLE(v) IS_OBJ_TYPE(v, OBJ_TUPLE)
#define IS_LIST(v) IS_OBJ_TYPE(v, OBJ_LIST)
#define IS_DICT(v) IS_OBJ_TYPE(v, OBJ_DICT)
#define IS_SET(v) IS_OBJ_TYPE(v, OBJ_SET)
#define IS_RANGE(v) IS_OBJ_TYPE(v, OBJ_RANGE)
#define IS_CODE(v) IS_OBJ_TYPE(v, OBJ_CODE)
#define IS_FUNCTION(v) IS_OBJ_TYPE(v, OBJ_FUNCTION)
#define IS_NATIVE(v) IS_OBJ_TYPE(v, OBJ_NATIVE)
#define IS_CLASS(v) IS_OBJ_TYPE(v, OBJ_CLASS)
#define IS_INSTANCE(v) IS_OBJ_TYPE(v, OBJ_INSTANCE)
#define IS_EXCEPTION(v) IS_OBJ_TYPE(v, OBJ_EXCEPTION)
#define IS_MODULE(v) IS_OBJ_TYPE(v, OBJ_MODULE)

#endif
