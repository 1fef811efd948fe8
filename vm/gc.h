/*
** gc.h — allocation and the precise mark-sweep collector.
**
** Every heap object is allocated with asy_alloc_obj: up to 256 bytes from the pool's
** slabs (which the sweep walks), beyond that with malloc, linked into vm->objects through
** a hidden prefix (gc.c: Obj has no list pointer).
** A collection marks from the roots (asy_gc_mark_roots in gc.c: every fiber's stack and
** frames and pending exceptions, the built-in classes and names, builtins, modules,
** temp roots) and frees everything unmarked.
**
** WHEN a collection can happen: only inside asy_alloc_obj (never in asy_realloc).
** With ASY_GC_STRESS=1 every asy_alloc_obj collects first.
**
** ROOTING RULES (what C code must do so nothing live is freed):
**  1. Every object returned by asy_alloc_obj is pushed on the temp-root stack, so all
**     objects a C function creates stay alive until the temp roots are reset. The
**     interpreter loop resets them to its entry mark at instruction boundaries where
**     everything live is on the value stack (after a native call returns, at backward
**     jumps, at returns). So a native function may freely allocate several objects and
**     hold them in C locals: they are rooted until it returns.
**  2. asy_call pushes the result it returns onto the temp roots too.
**  3. What is NOT automatically rooted: a Value a native *removed* from a reachable
**     place (popped from a list, deleted from a dict, overwritten in a slot) and still
**     holds in a C local across a later allocation. Root it with asy_push_root first.
**  4. Objects must be valid for marking at every allocation: asy_alloc_obj returns
**     zeroed memory (every Value UNDEF, every pointer NULL); set a length/count field
**     only after the buffer it describes exists.
**  5. Long-running C loops that allocate per iteration (e.g. building a big list) are
**     fine: temp roots grow until the native returns.
*/
#ifndef ASY_GC_H
#define ASY_GC_H

#include "vm/vm.h"

/* Allocate a zeroed object of `size` bytes with the given layout and class, linked into
** the GC list and pushed on the temp roots. Aborts the process on out-of-memory. */
Obj *asy_alloc_obj(VM *vm, size_t size, ObjType type, ObjClass *cls);
/* asy_alloc_obj that zeroes only the first `head` bytes of a pooled block: the rest
** holds no reference and the caller writes it before the next allocation (a str's text). */
Obj *asy_alloc_obj_head(VM *vm, size_t size, size_t head, ObjType type, ObjClass *cls);
/* asy_alloc_obj for an object whose size the program chose (a long string): NULL when
** memory is short (the caller raises MemoryError) instead of stopping the process. */
Obj *asy_try_alloc_obj(VM *vm, size_t size, ObjType type, ObjClass *cls);
/* realloc for raw (non-object) buffers owned by objects, counted toward the GC
** threshold; never collects. new_size 0 frees and returns NULL. Does not return NULL: on
** failure it retries on gc.c's memory cushion, and only then aborts. */
void *asy_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size);
/* asy_realloc for a buffer whose owner can raise MemoryError (a container growing, a big
** string): NULL when memory is short, ptr left as it was. new_size 0 frees. */
void *asy_try_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size);
/* After asy_try_realloc failed: collect now (the garbage may hold what is missing, and
** CPython would have freed it already), keeping keep and keep2 (values the caller holds
** but may not be rooted: a key being inserted) alive. False when collections are paused;
** the caller then retries its allocation once. Only where an object allocation could
** happen too (nothing unrooted in C locals besides keep/keep2). */
bool asy_gc_reclaim(VM *vm, Value keep, Value keep2);
/* True if n items of `size` bytes can never be allocated (more than the machine's physical
** memory, or the byte count overflows): code about to allocate a size taken from the
** program (a repetition count, a range's length) raises MemoryError instead, as CPython's
** failed malloc does, rather than letting asy_realloc abort. */
bool asy_alloc_too_big(size_t n, size_t size);
/* asy_realloc for a small, short-lived buffer whose exact size its owner always knows
** (a suspended frame's slots): sizes up to 256 bytes come from the object pool. A
** buffer must be freed and resized through this function only. */
void *asy_pool_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size);
/* The largest block asy_pool_realloc takes from the pool (16-byte classes); bigger ones
** are asy_realloc's. */
#define ASY_POOL_MAX (16 * ASY_POOL_CLASSES)
#define ASY_ALLOC(vm, type, n) ((type *)asy_realloc((vm), NULL, 0, sizeof(type) * (n)))
#define ASY_FREE(vm, type, ptr, n) asy_realloc((vm), (ptr), sizeof(type) * (n), 0)
#define ASY_GROW(vm, type, ptr, oldn, newn) \
  ((type *)asy_realloc((vm), (ptr), sizeof(type) * (oldn), sizeof(type) * (newn)))

/* Temp roots: push a Value (ignored unless it is an object); mark/reset the stack. */
void asy_push_root(VM *vm, Value v);
/* Free o now, outside a collection, when its caller knows no object refers to it any
** more (END_SEND's generator, gen.h): false, o left alone, when a temp root or the
** finalizer's list still names it. */
bool asy_gc_free_now(VM *vm, struct Obj *o);
static inline size_t asy_temp_mark(VM *vm) { return vm->temp_count; }
static inline void asy_temp_reset(VM *vm, size_t mark) { vm->temp_count = mark; }

/* Run a full collection now. */
void asy_gc_collect(VM *vm);
/* Program end, as CPython's module teardown: run the finalizers of everything no longer
** reachable once the modules and the event loop's queues are dropped (suspended
** generators are closed, __del__ runs, pending tasks report being destroyed). */
void asy_gc_finalize_at_exit(VM *vm);
/* Mark one value / object (for mark hooks of native data and libraries, vm.h). */
void asy_gc_mark_value(VM *vm, Value v);
void asy_gc_mark_obj(VM *vm, Obj *o);
/* The bytes o occupies: its own block plus the raw buffers it owns (a list's item array,
** a dict's tables), not the objects it refers to (sys.getsizeof). */
size_t asy_gc_sizeof(Obj *o);
/* Free every object (vm_free). */
void asy_gc_free_all(VM *vm);

#endif
