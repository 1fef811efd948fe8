/*
** gc.c — precise, non-moving mark-sweep collection over the all-objects list.
**
** Roots are listed in one place (mark_roots). Marking uses an explicit gray stack so
** deeply nested data (a list of a list of …) never recurses on the C stack. Interned
** strings are weak: str.c drops the unmarked ones before the sweep.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h> /* madvise */
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif
#include <unistd.h>   /* sysconf */

#include "vm/finalize.h"
#include "vm/future.h"
#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/context.h"
#include "vm/obj/deque.h"
#include "vm/obj/dict.h"
#include "vm/obj/str.h"
#include "vm/obj/tuple.h"

#define GC_MIN_HEAP (4u << 20) /* the least growth between collections (a program starting) */
#define TRIM_HEAP_FROM (16u << 20) /* malloc_trim after collections of heaps this big... */
#define TRIM_AFTER (1u << 20)      /* ...once this much malloc'd memory was freed */

/* ---- running out of memory -----------------------------------------------------------
** An allocation whose caller can report failure (asy_try_realloc: a container growing, a
** big string being built) becomes MemoryError there. Most allocations cannot fail at their
** call site (an object, a temp root), so a cushion is set aside while memory is plentiful:
** when such an allocation fails, the cushion goes back to the allocator and the allocation
** is retried, and while the cushion cannot be set aside again every asy_try_realloc fails,
** so the program meets MemoryError at its next growth with room left to unwind, print a
** traceback and run `except MemoryError`. Only when even that is not enough does the
** process stop. Process-wide, like the allocator. */
#define CUSHION_BYTES ((size_t)16 << 20)
static void *cushion;
static bool cushion_spent; /* given back and not yet set aside again */

static void out_of_memory(void) {
  fputs("asy: out of memory\n", stderr);
  abort();
}

/* Set the cushion aside (address space only: its pages are never touched). */
static bool cushion_fill(void) {
  if (!cushion) cushion = malloc(CUSHION_BYTES);
  if (cushion) cushion_spent = false;
  return cushion != NULL;
}

/* Give the cushion back so a failed allocation can be retried; false if it is gone. */
static bool cushion_spend(void) {
  if (!cushion) return false;
  free(cushion);
  cushion = NULL;
  cushion_spent = true;
  return true;
}

/* realloc that tries once more on the cushion; NULL when even that fails. */
static void *realloc_or_spend(void *ptr, size_t size) {
  void *p = realloc(ptr, size);
  if (!p && cushion_spend()) p = realloc(ptr, size);
  return p;
}

/* Count a buffer's change of size toward the collection threshold. */
static void account(VM *vm, size_t old_size, size_t new_size) {
  vm->bytes_allocated += new_size;
  vm->bytes_allocated -= old_size < vm->bytes_allocated ? old_size : vm->bytes_allocated;
}

void *asy_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size) {
  account(vm, old_size, new_size);
  if (ptr) vm->malloc_freed += old_size; /* (a realloc may move: the old block is a hole) */
  if (new_size == 0) {
    free(ptr);
    return NULL;
  }
  void *p = realloc_or_spend(ptr, new_size);
  if (!p) out_of_memory();
  return p;
}

bool asy_gc_reclaim(VM *vm, Value keep, Value keep2) {
  if (vm->gc_paused) return false;
  asy_push_root(vm, keep);
  asy_push_root(vm, keep2);
  asy_gc_collect(vm);
  if (!cushion) cushion_fill();
  return true;
}

void *asy_try_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size) {
  if (new_size == 0) return asy_realloc(vm, ptr, old_size, 0);
  void *p = cushion || cushion_fill() || !cushion_spent ? realloc(ptr, new_size) : NULL;
  if (p) {
    account(vm, old_size, new_size);
    if (ptr) vm->malloc_freed += old_size;
  } else {
    vm->next_gc = 0; /* memory is short: the next object allocation collects first */
  }
  return p;
}

bool asy_alloc_too_big(size_t n, size_t size) {
  static size_t phys; /* bytes of physical memory, read once */
  if (!phys) {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    phys = pages > 0 && page > 0 ? (size_t)pages * (size_t)page : (size_t)1 << 40;
  }
  return size != 0 && n > phys / size;
}

/* The temp-root stack is full: grow it. */
static void temp_roots_grow(VM *vm) {
  size_t cap = vm->temp_capacity ? vm->temp_capacity * 2 : 256;
  Obj **roots = realloc_or_spend(vm->temp_roots, cap * sizeof(Obj *));
  if (!roots) out_of_memory();
  vm->temp_roots = roots;
  vm->temp_capacity = cap;
}

static inline void push_obj_root(VM *vm, Obj *o) {
  if (vm->temp_count == vm->temp_capacity) temp_roots_grow(vm);
  vm->temp_roots[vm->temp_count++] = o;
}

void asy_push_root(VM *vm, Value v) {
  if (IS_OBJ(v)) push_obj_root(vm, AS_OBJ(v));
}

/* ---- the small-object pool ----------------------------------------------------------
** Objects of up to 256 bytes come from per-size-class free lists carved out of 64 KiB
** slabs: most objects are small and short-lived (handles, tuples, bound methods,
** coroutines), and malloc's per-call bookkeeping was a third of a task switch. Freed
** blocks go back to their list; a slab a collection finds wholly free goes to whichever
** size class next needs one (16 KiB slabs, as CPython's pools, emptied out more often:
** strings_dicts peaked 0.9 MB lower, but the big async heaps (spawn, semaphore_fanout,
** idle_tasks) ran 15-30% slower, their objects spread over four times the slabs); slabs
** are freed at exit. Under AddressSanitizer every object is its own malloc, so
** use-after-free is still caught.
**
** Pooled objects are not on the all-objects list (vm->objects holds the malloc'd ones):
** the sweep walks the slabs block by block instead. Walking a linked list of a few
** hundred thousand objects was one cache miss after another (90% of a collection's
** time on strings_dicts); the slabs are read in address order, which the hardware
** prefetches. So every carved block says what it is in its first byte, where an object
** has its type: POOL_FREE for a block on a free list (the link is in its second word).
** The raw buffers of asy_pool_realloc come from slabs of their own, which the sweep
** passes by: a pool "kind" is a size class (objects) or POOL_CLASSES + a size class
** (raw buffers), with its own free list and newest slab. */
#if defined(__SANITIZE_ADDRESS__)
#define ASY_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASY_POOL 0
#endif
#endif
#ifndef ASY_POOL
#define ASY_POOL 1
#endif
enum {
  POOL_GRAIN = 16,
  POOL_CLASSES = ASY_POOL_CLASSES,
  POOL_SLAB = 64 * 1024,
  POOL_ARENA = 2 << 20,
  POOL_FREE = 0xff, /* first byte of a block on a free list */
  SLAB_TAG = POOL_SLAB - 1,
  SLAB_SPARE = 2 * POOL_CLASSES + 1 /* the tag of a wholly free slab, any kind's next */
};

/* The block size of pool kind k (a size class, or POOL_CLASSES + one for raw buffers). */
static inline size_t kind_block(size_t k) { return (k % POOL_CLASSES + 1) * POOL_GRAIN; }

/* vm->pool_slabs records the 2 MiB arenas (tag 0 in the low bits: freed at exit) and the
** 64 KiB slabs cut from them, tagged with 1 + their pool kind or SLAB_SPARE (arenas are
** 2 MiB and so slabs 64 KiB aligned: the low 16 bits are free). */
static void pool_record(VM *vm, char *p, size_t tag) {
  if (vm->pool_nslabs == vm->pool_slab_cap) {
    size_t cap = vm->pool_slab_cap ? vm->pool_slab_cap * 2 : 64;
    void **s = realloc_or_spend(vm->pool_slabs, cap * sizeof *s);
    if (!s) out_of_memory();
    vm->pool_slabs = s;
    vm->pool_slab_cap = cap;
  }
  vm->pool_slabs[vm->pool_nslabs++] = (void *)((uintptr_t)p | tag);
}

/* A 64 KiB slab for pool kind k: a spare one, or cut from the current arena. Only the
** pages a program touches become resident. Page faults are dear (on this project's VMs
** much of a growing heap's time: float takes 0.10 s with huge pages from 4 MiB, 0.17 s
** with a fault per 4 KiB page, 0.14 s with a slab's pages faulted in by one call), so once
** the pool holds 4 MiB a new slab's pages are faulted in together, and from 32 MiB the
** arenas are huge pages, one fault per 2 MiB (spawn's system time 0.5 -> 0.2 s). Huge
** pages not sooner: one is resident as a whole once touched, up to 2 MiB of unused arena
** (about 1 MB of strings_dicts's peak). The arena is shared by all the size classes: a
** huge slab per class would leave up to sixteen of them mostly empty (strings_dicts
** peaked 18 MB higher that way). */
enum { POPULATE_FROM = 4u << 20, HUGE_PAGES_FROM = 32u << 20 };
static char *pool_new_slab(VM *vm, size_t k) {
  if (vm->pool_spare) { /* a slab a collection found wholly free (pool_release_slab) */
    size_t i = vm->pool_spare - 1;
    char *slab = (char *)((uintptr_t)vm->pool_slabs[i] & ~(uintptr_t)SLAB_TAG);
    vm->pool_spare = *(size_t *)slab;
    vm->pool_slabs[i] = (void *)((uintptr_t)slab | (k + 1));
    return slab;
  }
  if (!cushion && !cushion_spent) cushion_fill(); /* first slab: memory is plentiful */
  if (!vm->pool_arena || vm->pool_arena + POOL_SLAB > vm->pool_arena_end) {
    char *arena = aligned_alloc(POOL_ARENA, POOL_ARENA);
    if (!arena && cushion_spend()) arena = aligned_alloc(POOL_ARENA, POOL_ARENA);
    if (!arena) out_of_memory();
#ifdef MADV_HUGEPAGE
    if (vm->pool_nslabs * POOL_SLAB >= HUGE_PAGES_FROM) madvise(arena, POOL_ARENA, MADV_HUGEPAGE);
#endif
    pool_record(vm, arena, 0);
    vm->pool_arena = arena;
    vm->pool_arena_end = arena + POOL_ARENA;
  }
  char *slab = vm->pool_arena;
  vm->pool_arena += POOL_SLAB;
#ifdef MADV_POPULATE_WRITE
  size_t pooled = vm->pool_nslabs * POOL_SLAB;
  if (pooled >= POPULATE_FROM && pooled < HUGE_PAGES_FROM)
    (void)madvise(slab, POOL_SLAB, MADV_POPULATE_WRITE); /* (older kernels: EINVAL, no harm) */
#endif
  pool_record(vm, slab, k + 1);
  return slab;
}

/* A block from a fresh slab, handed out by bumping a pointer: the slab's pages are
** touched only as blocks are used (start-up stays small). */
static void *pool_carve(VM *vm, size_t k) {
  size_t block = kind_block(k);
  if (vm->pool_bump[k] + block > vm->pool_end[k]) {
    char *slab = pool_new_slab(vm, k);
    vm->pool_bump[k] = slab;
    vm->pool_end[k] = slab + POOL_SLAB;
  }
  void *b = vm->pool_bump[k];
  vm->pool_bump[k] += block;
  return b;
}

/* A block of pool kind k, from its free list or a slab; and back. */
static inline __attribute__((always_inline)) void *pool_take(VM *vm, size_t k) {
  void **b = vm->pool_free[k];
  if (b) {
    vm->pool_free[k] = b[1];
    /* The next block is what the next allocation of this size writes and whose link it
    ** reads: fetched now, that read is not a cache miss then (strings_dicts). */
    __builtin_prefetch(b[1], 1);
    vm->pool_nfree[k]--;
  } else {
    b = pool_carve(vm, k);
  }
  return b;
}

static void pool_give(VM *vm, void *block, size_t k) {
  *(uint8_t *)block = POOL_FREE;
  ((void **)block)[1] = vm->pool_free[k];
  vm->pool_free[k] = block;
  vm->pool_nfree[k]++;
}

/* Slab i (no block of it in use, none on a free list) becomes a spare: the next slab
** any size class needs. Freed blocks otherwise stay with their class, and a program whose
** phases want different sizes (short words, then tuples) would hold both at once. */
static void pool_release_slab(VM *vm, size_t i) {
  char *slab = (char *)((uintptr_t)vm->pool_slabs[i] & ~(uintptr_t)SLAB_TAG);
  *(size_t *)slab = vm->pool_spare;
  vm->pool_spare = i + 1;
  vm->pool_slabs[i] = (void *)((uintptr_t)slab | SLAB_SPARE);
}

/* Is slab (of kind k) wholly carved, so that its blocks are all it will ever hold? The
** kind's newest slab is still being carved and stays with it. */
static inline bool slab_carved(VM *vm, const char *slab, size_t k) {
  return !(vm->pool_bump[k] > slab && vm->pool_bump[k] <= slab + POOL_SLAB);
}

/* Call fn on every object in the pool's object slabs (the blocks carved so far and not
** free). fn may free the object it is given. */
static void pool_each(VM *vm, void (*fn)(VM *vm, Obj *o)) {
  for (size_t s = 0; s < vm->pool_nslabs; s++) {
    uintptr_t e = (uintptr_t)vm->pool_slabs[s];
    size_t tag = e & SLAB_TAG;
    if (!tag || tag > POOL_CLASSES) continue; /* an arena, or raw buffers */
    size_t cls = tag - 1, block = (cls + 1) * POOL_GRAIN;
    char *p = (char *)(e & ~(uintptr_t)SLAB_TAG), *end = p + POOL_SLAB;
    char *bump = vm->pool_bump[cls];
    if (bump > p && bump <= end) end = bump; /* the class's newest slab: carved so far */
    for (; p + block <= end; p += block)
      if (*(uint8_t *)p != POOL_FREE) fn(vm, (Obj *)p);
  }
}

/* ---- malloc'd objects -----------------------------------------------------------------
** Objects beyond the pool's largest class (and every object under ASan) are malloc'd, with
** a hidden 16-byte prefix holding the link of vm->objects, the list the sweep walks for
** them: Obj has no list pointer, which saves 8 bytes on every pooled object. 16 bytes
** keeps the object as aligned as malloc's block. */
typedef struct {
  Obj *next; /* the next malloc'd object (vm->objects) */
  void *unused;
} BigLink;

static inline BigLink *big_link(Obj *o) { return (BigLink *)o - 1; }
static inline Obj *big_next(Obj *o) { return big_link(o)->next; }

/* A zeroed malloc'd object of `size` bytes after its link, or NULL. */
static Obj *big_calloc(size_t size) {
  BigLink *l = calloc(1, sizeof(BigLink) + size);
  return l ? (Obj *)(l + 1) : NULL;
}

static Obj *obj_malloc(VM *vm, size_t size, size_t head) {
  if (!ASY_POOL || size > POOL_GRAIN * POOL_CLASSES) {
    if (!cushion && !cushion_spent) cushion_fill(); /* (no pool under ASan) */
    Obj *o = big_calloc(size);
    if (!o && cushion_spend()) o = big_calloc(size);
    if (!o) out_of_memory();
    return o;
  }
  size_t cls = (size - 1) / POOL_GRAIN;
  Obj *o = pool_take(vm, cls);
  memset(o, 0, head < size ? head : (cls + 1) * POOL_GRAIN);
  o->pool = (uint8_t)(cls + 1);
  return o;
}

/* The block goes back where it came from (Obj.pool), whatever size the type says. */
static void obj_free(VM *vm, Obj *o) {
  if (!o->pool) free(big_link(o));
  else pool_give(vm, o, o->pool - 1u);
}

void *asy_pool_realloc(VM *vm, void *ptr, size_t old_size, size_t new_size) {
  const size_t limit = POOL_GRAIN * POOL_CLASSES;
  _Static_assert(POOL_GRAIN * POOL_CLASSES == ASY_POOL_MAX, "gc.h's ASY_POOL_MAX");
  bool old_pooled = ASY_POOL && old_size && old_size <= limit;
  bool new_pooled = ASY_POOL && new_size && new_size <= limit;
  if (!old_pooled && !new_pooled) return asy_realloc(vm, ptr, old_size, new_size);
  size_t old_cls = old_size ? POOL_CLASSES + (old_size - 1) / POOL_GRAIN : 0;
  size_t new_cls = new_size ? POOL_CLASSES + (new_size - 1) / POOL_GRAIN : 0;
  if (ptr && old_pooled && new_pooled && old_cls == new_cls) {
    account(vm, old_size, new_size);
    return ptr;
  }
  void *p = NULL;
  if (new_pooled) {
    p = pool_take(vm, new_cls);
    account(vm, 0, new_size);
  } else if (new_size) {
    p = asy_realloc(vm, NULL, 0, new_size);
  }
  if (ptr) {
    if (p) memcpy(p, ptr, old_size < new_size ? old_size : new_size);
    if (old_pooled) {
      pool_give(vm, ptr, old_cls);
      account(vm, old_size, 0);
    } else {
      asy_realloc(vm, ptr, old_size, 0);
    }
  }
  return p;
}

/* Link a fresh zeroed block into the all-objects list as an object (asy_alloc_obj). */
static Obj *link_obj(VM *vm, Obj *o, size_t size, ObjType type, ObjClass *cls) {
  vm->bytes_allocated += size;
  o->type = (uint8_t)type;
  o->cls = cls;
  if (!o->pool) { /* pooled objects are found by walking the slabs (pool_each) */
    big_link(o)->next = vm->objects;
    vm->objects = o;
  }
  push_obj_root(vm, o);
  return o;
}

Obj *asy_alloc_obj(VM *vm, size_t size, ObjType type, ObjClass *cls) {
  if (vm->gc_paused == 0 && (vm->gc_stress || vm->bytes_allocated > vm->next_gc))
    asy_gc_collect(vm);
  return link_obj(vm, obj_malloc(vm, size, size), size, type, cls);
}

Obj *asy_alloc_obj_head(VM *vm, size_t size, size_t head, ObjType type, ObjClass *cls) {
  if (vm->gc_paused == 0 && (vm->gc_stress || vm->bytes_allocated > vm->next_gc))
    asy_gc_collect(vm);
  return link_obj(vm, obj_malloc(vm, size, head), size, type, cls);
}

Obj *asy_try_alloc_obj(VM *vm, size_t size, ObjType type, ObjClass *cls) {
  if (ASY_POOL && size <= POOL_GRAIN * POOL_CLASSES) return asy_alloc_obj(vm, size, type, cls);
  if (vm->gc_paused == 0 && (vm->gc_stress || vm->bytes_allocated > vm->next_gc))
    asy_gc_collect(vm);
  if (!cushion && !cushion_fill() && cushion_spent) return NULL; /* memory is still short */
  Obj *o = big_calloc(size);
  if (!o && vm->gc_paused == 0) { /* garbage may hold what is missing */
    asy_gc_collect(vm);
    o = big_calloc(size);
  }
  return o ? link_obj(vm, o, size, type, cls) : NULL;
}

/* ---- marking ------------------------------------------------------------------ */

/* The gray stack could not grow during this collection (gc.c's out-of-memory notes). */
static bool gray_overflow;

/* The gray stack is full: grow it, or note that it could not. */
static __attribute__((noinline)) bool gray_grow(VM *vm) {
  size_t cap = vm->gray_capacity ? vm->gray_capacity * 2 : 1024;
  Obj **gray = realloc_or_spend(vm->gray, cap * sizeof(Obj *));
  if (!gray) { /* marked but not queued: drain_gray re-traces the marked objects */
    gray_overflow = true;
    return false;
  }
  vm->gray = gray;
  vm->gray_capacity = cap;
  return true;
}

/* Inlined into blacken: the collector's innermost step. */
static inline void mark_obj(VM *vm, Obj *o) {
  if (!o || o->marked) return;
  o->marked = 1;
  /* A plain str refers to nothing but its class, a root: no trip through the gray stack
  ** (strings are most of what a big heap holds). */
  if (o->type == OBJ_STR && o->cls == vm->types.str) return;
  if (vm->gray_count == vm->gray_capacity && !gray_grow(vm)) return;
  vm->gray[vm->gray_count++] = o;
}

void asy_gc_mark_obj(VM *vm, Obj *o) { mark_obj(vm, o); }

void asy_gc_mark_value(VM *vm, Value v) {
  if (IS_OBJ(v)) mark_obj(vm, AS_OBJ(v));
}

#define MARK(p) mark_obj(vm, (Obj *)(p))
#define MARKV(v) \
  do { \
    Value v_ = (v); \
    if (IS_OBJ(v_)) mark_obj(vm, AS_OBJ(v_)); \
  } while (0)

static inline void mark_values(VM *vm, const Value *vs, size_t n) {
  for (size_t i = 0; i < n; i++) MARKV(vs[i]);
}

/* Mark everything an object refers to. Every ObjType has a case. */
/* clang-format off */
static void blacken(VM *vm, Obj *o) {
  MARK(o->cls);
  switch ((ObjType)o->type) {
  case OBJ_STR:
    if (!(o->cls->flags & CLASS_BUILTIN)) MARK(*asy_str_attrs((ObjStr *)o));
    break;
  case OBJ_BYTES: case OBJ_RANGE: case OBJ_BIGINT:
    break;
  case OBJ_TUPLE: {
    ObjTuple *t = (ObjTuple *)o;
    mark_values(vm, t->items, t->size);
    if (asy_tuple_has_attrs(o->cls)) MARK(*asy_tuple_attrs(t));
    break;
  }
  case OBJ_LIST: {
    ObjList *l = (ObjList *)o;
    mark_values(vm, l->items, l->size);
    MARK(l->attrs);
    break;
  }
  case OBJ_DICT: {
    ObjDict *d = (ObjDict *)o;
    MARK(d->attrs);
    for (size_t i = 0; i < d->used; i++) {
      MARKV(asy_dict_key(d, i));
      MARKV(d->entries[i].value);
    }
    break;
  }
  case OBJ_SET: {
    ObjSet *s = (ObjSet *)o;
    MARK(s->attrs);
    if (s->table)
      for (size_t i = 0; i <= s->mask; i++) MARKV(s->table[i].key);
    break;
  }
  case OBJ_SLICE: {
    ObjSlice *s = (ObjSlice *)o;
    MARKV(s->start); MARKV(s->stop); MARKV(s->step);
    break;
  }
  case OBJ_CODE: {
    ObjCode *c = (ObjCode *)o;
    MARK(c->name); MARK(c->qualname); MARK(c->filename); MARK(c->varnames);
    mark_values(vm, c->consts, (size_t)c->nconsts);
    for (int i = 0; i < c->nnames; i++) MARK(c->names[i]);
    break;
  }
  case OBJ_FUNCTION: {
    ObjFunction *f = (ObjFunction *)o;
    MARK(f->code); MARK(f->globals); MARK(f->name); MARK(f->qualname);
    MARKV(f->module); MARK(f->defaults); MARK(f->kwdefaults); MARK(f->closure);
    MARK(f->dict); MARKV(f->doc);
    break;
  }
  case OBJ_CELL:
    MARKV(((ObjCell *)o)->value);
    break;
  case OBJ_BOUND:
    MARKV(((ObjBound *)o)->self);
    MARKV(((ObjBound *)o)->func);
    break;
  case OBJ_NATIVE: {
    ObjNative *n = (ObjNative *)o;
    MARK(n->name); MARKV(n->self); MARK(n->owner); MARKV(n->data);
    break;
  }
  case OBJ_CLASS: {
    ObjClass *c = (ObjClass *)o;
    MARK(c->name); MARK(c->qualname); MARKV(c->module); MARK(c->base); MARK(c->dict);
    MARK(c->tp_name); MARK(c->bases); MARK(c->mro);
    break;
  }
  case OBJ_INSTANCE:
    MARK(((ObjInstance *)o)->dict);
    if (o->cls->flags & (CLASS_BOXED | CLASS_HAS_SLOTS)) {
      MARKV(((ObjBoxed *)o)->value); MARK(((ObjBoxed *)o)->slots);
    }
    break;
  case OBJ_EXCEPTION: {
    ObjException *e = (ObjException *)o;
    MARK(e->base.dict); MARK(e->args); MARKV(e->cause); MARKV(e->context);
    MARKV(e->traceback); MARKV(e->eg_message); MARKV(e->eg_exceptions);
    break;
  }
  case OBJ_MODULE: {
    ObjModule *m = (ObjModule *)o;
    MARK(m->name); MARK(m->dict); MARKV(m->filename);
    break;
  }
  case OBJ_ITER: {
    ObjIter *it = (ObjIter *)o;
    MARKV(it->a); MARKV(it->b); MARKV(it->c);
    break;
  }
  case OBJ_DICTVIEW:
    MARK(((ObjDictView *)o)->dict);
    break;
  case OBJ_WRAPPER: {
    ObjWrapper *w = (ObjWrapper *)o;
    MARKV(w->fget); MARKV(w->fset); MARKV(w->fdel); MARKV(w->doc);
    break;
  }
  case OBJ_SUPER:
    MARK(((ObjSuper *)o)->start);
    MARKV(((ObjSuper *)o)->self);
    break;
  case OBJ_FILE:
    MARK(((ObjFile *)o)->name);
    MARK(((ObjFile *)o)->mode);
    MARK(((ObjFile *)o)->encoding);
    break;
  case OBJ_GEN: {
    ObjGen *g = (ObjGen *)o;
    MARK(g->func); MARK(g->code); MARK(g->globals); MARK(g->locals);
    MARK(g->name); MARK(g->qualname);
    mark_values(vm, g->slots, g->nslots);
    MARKV(g->exc_state); MARK(g->origin_code);
    break;
  }
  case OBJ_HANDLE: {
    ObjHandle *h = (ObjHandle *)o;
    MARKV(h->callback); MARKV(h->args); MARKV(h->context);
    break;
  }
  case OBJ_NATIVE_DATA: {
    ObjNativeData *nd = (ObjNativeData *)o;
    if (nd->mark) nd->mark(vm, nd->data);
    break;
  }
  case OBJ_FUTURE: asy_future_mark(vm, (ObjFuture *)o); break;
  case OBJ_DEQUE: {
    ObjDeque *d = (ObjDeque *)o;
    for (size_t i = 0; i < d->size; i++) MARKV(d->items[(d->head + i) % d->cap]);
    break;
  }
  case OBJ_CONTEXT:
    MARK(((ObjContext *)o)->vars);
    MARKV(((ObjContext *)o)->prev);
    break;
  case OBJ_TYPE_COUNT:
    break;
  }
}

static void mark_fiber(VM *vm, Fiber *f) {
  if (f->stack) mark_values(vm, f->stack, (size_t)(f->stack_top - f->stack));
  for (int i = 0; i < f->frame_count; i++) {
    Frame *fr = &f->frames[i];
    MARK(fr->code); MARK(fr->func); MARK(fr->globals); MARK(fr->locals);
    if (fr->flags & FRAME_INIT) MARKV(fr->self_for_init);
    if (fr->flags & FRAME_GEN) {
      MARK(fr->gen);
      MARKV(fr->caller_handling);
    }
  }
  MARKV(f->exc);
  MARKV(f->handling);
}
/* clang-format on */

/* The root set: everything reachable from here survives. */
static void mark_roots(VM *vm, bool at_exit) {
  for (Fiber *f = vm->fibers; f; f = f->next_fiber) mark_fiber(vm, f);
  ObjClass **types = (ObjClass **)&vm->types;
  for (size_t i = 0; i < sizeof vm->types / sizeof(ObjClass *); i++) MARK(types[i]);
  ObjClass **excs = (ObjClass **)&vm->exc;
  for (size_t i = 0; i < sizeof vm->exc / sizeof(ObjClass *); i++) MARK(excs[i]);
  ObjStr **names = (ObjStr **)&vm->names;
  for (size_t i = 0; i < sizeof vm->names / sizeof(ObjStr *); i++) MARK(names[i]);
  MARKV(vm->notimplemented);
  MARKV(vm->ellipsis);
  MARK(vm->builtins);
  MARK(vm->native_modules);
  MARKV(vm->argv);
  if (!at_exit) { /* at exit the modules and the loop's queues are being torn down */
    MARK(vm->modules);
    MARKV(vm->main_module);
    asy_loop_mark(vm);
  }
  asy_finalize_mark(vm);
  asy_signals_mark(vm);
  ObjStr **opnames = (ObjStr **)&vm->opnames;
  for (size_t i = 0; i < sizeof vm->opnames / sizeof(ObjStr *); i++) MARK(opnames[i]);
  for (size_t i = 0; i < sizeof vm->iter_classes / sizeof vm->iter_classes[0]; i++)
    MARK(vm->iter_classes[i]);
  MARK(vm->generic_alias);
  MARK(vm->union_type);
  for (int i = 0; i < vm->importing_count; i++) MARK(vm->importing[i]);
  for (int i = 0; i < vm->hook_count; i++)
    if (vm->hooks[i].mark) vm->hooks[i].mark(vm);
  for (size_t i = 0; i < vm->temp_count; i++) MARK(vm->temp_roots[i]);
}

/* ---- freeing ------------------------------------------------------------------- */

/* The bytes of o's own block as asy_alloc_obj was asked for them. */
static inline size_t obj_size(Obj *o) {
  switch ((ObjType)o->type) {
  case OBJ_STR:
    return (o->cls->flags & CLASS_BUILTIN)
               ? ASY_STR_OBJ_SIZE(((ObjStr *)o)->size)
               : ASY_STR_ATTRS_OFFSET(((ObjStr *)o)->size) + sizeof(ObjDict *);
  case OBJ_BYTES: return sizeof(ObjBytes) + ((ObjBytes *)o)->size + 1;
  case OBJ_TUPLE: return asy_tuple_obj_size(((ObjTuple *)o)->size, asy_tuple_has_attrs(o->cls));
  case OBJ_LIST: return sizeof(ObjList);
  case OBJ_DICT: return sizeof(ObjDict) + asy_dict_room_bytes((ObjDict *)o);
  case OBJ_SET: return sizeof(ObjSet);
  case OBJ_RANGE: return sizeof(ObjRange);
  case OBJ_SLICE: return sizeof(ObjSlice);
  case OBJ_CODE: return sizeof(ObjCode);
  case OBJ_FUNCTION: return sizeof(ObjFunction);
  case OBJ_CELL: return sizeof(ObjCell);
  case OBJ_BOUND: return sizeof(ObjBound);
  case OBJ_NATIVE: return sizeof(ObjNative);
  case OBJ_CLASS: return sizeof(ObjClass);
  case OBJ_INSTANCE:
    return o->cls->flags & (CLASS_BOXED | CLASS_HAS_SLOTS) ? sizeof(ObjBoxed) : sizeof(ObjInstance);
  case OBJ_EXCEPTION: return sizeof(ObjException);
  case OBJ_MODULE: return sizeof(ObjModule);
  case OBJ_ITER: return sizeof(ObjIter);
  case OBJ_DICTVIEW: return sizeof(ObjDictView);
  case OBJ_WRAPPER: return sizeof(ObjWrapper);
  case OBJ_SUPER: return sizeof(ObjSuper);
  case OBJ_FILE: return sizeof(ObjFile);
  case OBJ_GEN: return sizeof(ObjGen) + ((ObjGen *)o)->inline_cap * sizeof(Value);
  case OBJ_HANDLE: return sizeof(ObjHandle);
  case OBJ_CONTEXT: return sizeof(ObjContext);
  case OBJ_BIGINT:
    return sizeof(ObjBigInt) + (size_t)((ObjBigInt *)o)->z->_mp_alloc * sizeof(mp_limb_t);
  case OBJ_DEQUE: return sizeof(ObjDeque);
  case OBJ_FUTURE: return asy_future_size((ObjFuture *)o);
  case OBJ_NATIVE_DATA: return sizeof(ObjNativeData);
  case OBJ_TYPE_COUNT: break;
  }
  return 0;
}

size_t asy_gc_sizeof(Obj *o) {
  size_t n = obj_size(o);
  switch ((ObjType)o->type) {
  case OBJ_LIST: return n + (((ObjList *)o)->capacity + ((ObjList *)o)->front) * sizeof(Value);
  case OBJ_DICT: return n + asy_dict_buffer_bytes((ObjDict *)o);
  case OBJ_SET: {
    ObjSet *s = (ObjSet *)o;
    return n + (s->table ? (s->mask + 1) * sizeof(SetEntry) : 0);
  }
  case OBJ_GEN:
    return n + (asy_gen_slots_inline((ObjGen *)o) ? 0 : ((ObjGen *)o)->capacity * sizeof(Value));
  case OBJ_DEQUE: return n + ((ObjDeque *)o)->cap * sizeof(Value);
  default: return n;
  }
}

/* Free one object and the raw buffers it owns, keeping the byte count honest. */
static void free_object(VM *vm, Obj *o) {
  size_t size = obj_size(o);
  switch ((ObjType)o->type) {
  case OBJ_LIST: {
    ObjList *l = (ObjList *)o;
    if (l->items) /* list.c's items, from asy_pool_realloc; pop(0) may have stepped on */
      asy_pool_realloc(vm, l->items - l->front, sizeof(Value) * (l->capacity + l->front), 0);
    break;
  }
  case OBJ_DICT: asy_dict_release(vm, (ObjDict *)o); break;
  case OBJ_SET: {
    ObjSet *s = (ObjSet *)o;
    if (s->table) ASY_FREE(vm, SetEntry, s->table, s->mask + 1);
    break;
  }
  case OBJ_CODE: {
    ObjCode *c = (ObjCode *)o;
    ASY_FREE(vm, int, c->cell2arg, c->cell2arg ? c->ncells : 0);
    ASY_FREE(vm, Value, c->consts, c->nconsts);
    ASY_FREE(vm, ObjStr *, c->names, c->nnames);
    ASY_FREE(vm, uint32_t, c->code, c->ncode);
    ASY_FREE(vm, AsyPos, c->positions, c->positions ? c->ncode : 0);
    ASY_FREE(vm, ExcEntry, c->exctable, c->nexc);
    ASY_FREE(vm, AsyNameCache, c->name_cache, c->name_cache ? c->nnames : 0);
    ASY_FREE(vm, AsyAttrSite, c->attr_sites,
             c->attr_sites ? 2 * ASY_SITE_WAYS * (size_t)c->nnames : 0);
    break;
  }
  case OBJ_FILE: {
    ObjFile *f = (ObjFile *)o;
    if (f->fp && !f->closed && !f->borrowed) fclose((FILE *)f->fp);
    break;
  }
  case OBJ_GEN: {
    ObjGen *g = (ObjGen *)o;
    if (g->slots && !asy_gen_slots_inline(g))
      asy_pool_realloc(vm, g->slots, sizeof(Value) * g->capacity, 0);
    break;
  }
  case OBJ_BIGINT: mpz_clear(((ObjBigInt *)o)->z); break;
  case OBJ_DEQUE: {
    ObjDeque *d = (ObjDeque *)o;
    if (d->items) ASY_FREE(vm, Value, d->items, d->cap);
    break;
  }
  case OBJ_FUTURE: asy_future_release(vm, (ObjFuture *)o); break;
  case OBJ_NATIVE_DATA: {
    ObjNativeData *nd = (ObjNativeData *)o;
    if (nd->finalize) nd->finalize(nd->data);
    break;
  }
  default: break;
  }
  vm->bytes_allocated -= size < vm->bytes_allocated ? size : vm->bytes_allocated;
  if (!o->pool) vm->malloc_freed += size;
  obj_free(vm, o);
}

/* Free o, or, if it is a class, put it on the (empty after marking) gray stack to be
** freed last: freeing a str, tuple or instance reads its class (obj_size), which may die in
** the same sweep and lies anywhere in the slabs. */
static inline void free_classes_last(VM *vm, Obj *o) {
  if (o->type == OBJ_CLASS && (vm->gray_count < vm->gray_capacity || gray_grow(vm))) {
    vm->gray[vm->gray_count++] = o;
    return;
  }
  free_object(vm, o); /* (a class too when memory is that short) */
}

static void free_deferred_classes(VM *vm) {
  while (vm->gray_count > 0) free_object(vm, vm->gray[--vm->gray_count]);
}

/* Sweep object slab i: unmark what is marked, free the rest. The free lists are rebuilt
** slab by slab (so they run in address order), and a wholly carved slab left with
** nothing in use is released instead (its blocks taken back off the list). */
static void sweep_slab(VM *vm, size_t i, size_t k) {
  char *p = (char *)((uintptr_t)vm->pool_slabs[i] & ~(uintptr_t)SLAB_TAG);
  char *slab = p, *end = p + POOL_SLAB;
  size_t block = kind_block(k), used = 0, blocks = 0;
  bool carved = slab_carved(vm, slab, k);
  if (!carved) end = vm->pool_bump[k];
  void *list_before = vm->pool_free[k];
  for (; p + block <= end; p += block) {
    Obj *o = (Obj *)p;
    if (*(uint8_t *)p == POOL_FREE) {
      pool_give(vm, p, k);
    } else if (o->marked) {
      o->marked = 0;
      used++;
    } else {
      used += o->type == OBJ_CLASS; /* freed after the sweep: still in use here */
      free_classes_last(vm, o);
    }
    blocks++;
  }
  if (used == 0 && carved) {
    vm->pool_free[k] = list_before;
    vm->pool_nfree[k] -= blocks;
    pool_release_slab(vm, i);
  }
}

typedef struct {
  uintptr_t base; /* a slab's address */
  size_t index;   /* its place in vm->pool_slabs */
  size_t free;    /* its blocks on the free list */
} SlabCount;

static int slab_count_order(const void *a, const void *b) {
  uintptr_t x = ((const SlabCount *)a)->base, y = ((const SlabCount *)b)->base;
  return (x > y) - (x < y);
}

/* The entry of the slab holding block b among n sorted by address, or NULL (a block of
** the kind's newest slab, which is not among them). */
static SlabCount *slab_of(SlabCount *slabs, size_t n, const void *b) {
  uintptr_t base = (uintptr_t)b & ~(uintptr_t)SLAB_TAG;
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (slabs[mid].base < base) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && slabs[lo].base == base ? &slabs[lo] : NULL;
}

static void release_raw_slabs_of(VM *vm, size_t k, SlabCount *slabs) {
  size_t block = kind_block(k), per_slab = POOL_SLAB / block, n = 0;
  for (size_t i = 0; i < vm->pool_nslabs; i++) {
    uintptr_t e = (uintptr_t)vm->pool_slabs[i];
    if ((e & SLAB_TAG) != k + 1) continue;
    uintptr_t base = e & ~(uintptr_t)SLAB_TAG;
    if (slab_carved(vm, (const char *)base, k)) slabs[n++] = (SlabCount){base, i, 0};
  }
  if (vm->pool_nfree[k] * 4 < n * per_slab) return;
  qsort(slabs, n, sizeof *slabs, slab_count_order);
  for (void **b = vm->pool_free[k]; b; b = b[1]) {
    SlabCount *c = slab_of(slabs, n, b);
    if (c) c->free++;
  }
  size_t empty = 0;
  for (size_t j = 0; j < n; j++) empty += slabs[j].free == per_slab;
  if (!empty) return; /* nothing to take off the list */
  void **link = (void **)&vm->pool_free[k];
  while (*link) {
    void **b = *link;
    SlabCount *c = slab_of(slabs, n, b);
    if (c && c->free == per_slab) {
      *link = b[1];
      vm->pool_nfree[k]--;
    } else {
      link = &b[1];
    }
  }
  for (size_t j = 0; j < n; j++)
    if (slabs[j].free == per_slab) pool_release_slab(vm, slabs[j].index);
}

/* Raw buffers are freed one by one as their owners go, not swept, so their empty slabs
** are found by counting a free list's blocks per slab: only for a list that holds a
** quarter of its kind's carved blocks or more, which bounds the walk to lists that could
** free something. */
static void release_raw_slabs(VM *vm) {
  SlabCount *slabs = NULL;
  for (size_t k = POOL_CLASSES; k < 2 * POOL_CLASSES; k++) {
    if (vm->pool_nfree[k] < POOL_SLAB / kind_block(k)) continue; /* not one slab's worth */
    if (!slabs && !(slabs = malloc(vm->pool_nslabs * sizeof *slabs))) return;
    release_raw_slabs_of(vm, k, slabs);
  }
  free(slabs);
}

static void sweep(VM *vm) {
  for (size_t k = 0; k < POOL_CLASSES; k++) { /* rebuilt by sweep_slab */
    vm->pool_free[k] = NULL;
    vm->pool_nfree[k] = 0;
  }
  for (size_t i = 0; i < vm->pool_nslabs; i++) {
    size_t tag = (uintptr_t)vm->pool_slabs[i] & SLAB_TAG;
    if (tag && tag <= POOL_CLASSES) sweep_slab(vm, i, tag - 1);
  }
  Obj **link = &vm->objects; /* the malloc'd objects */
  while (*link) {
    Obj *o = *link;
    if (o->marked) {
      o->marked = 0;
      link = &big_link(o)->next;
    } else {
      *link = big_next(o);
      free_classes_last(vm, o);
    }
  }
  free_deferred_classes(vm);
  release_raw_slabs(vm); /* after every owner of a raw buffer that died is freed */
}

bool asy_gc_free_now(VM *vm, Obj *o) {
  if (vm->gc_paused) return false;
  /* a temp root may still name it (freshly made objects are rooted until a reset) */
  for (size_t i = vm->temp_count; i-- > 0;)
    if (vm->temp_roots[i] == o) return false;
  if (!asy_finalize_untrack(vm, o)) return false;
  if (!o->pool) { /* malloc'd (no pool under AddressSanitizer): off the objects list */
    Obj **link = &vm->objects;
    while (*link && *link != o) link = &big_link(*link)->next;
    if (!*link) return false;
    *link = big_next(o);
  }
  free_object(vm, o);
  return true;
}

/* Mark what the roots reach, then queue (and mark) the unreachable objects whose
** finalizers must run: they are kept for one more cycle. */
/* Trace every queued object. If the gray stack could not grow, some marked objects were
** never queued: tracing a marked object again only re-marks what is already marked, so
** every marked object is traced once more until a pass queues without overflowing. */
static void retrace(VM *vm, Obj *o) {
  if (!o->marked) return;
  blacken(vm, o);
  while (vm->gray_count > 0) blacken(vm, vm->gray[--vm->gray_count]);
}

static void drain_gray(VM *vm) {
  for (;;) {
    while (vm->gray_count > 0) blacken(vm, vm->gray[--vm->gray_count]);
    if (!gray_overflow) return;
    gray_overflow = false;
    pool_each(vm, retrace);
    for (Obj *o = vm->objects; o; o = big_next(o)) retrace(vm, o);
  }
}

static void mark_with_finalizers(VM *vm, bool at_exit) {
  mark_roots(vm, at_exit);
  drain_gray(vm);
  asy_finalize_scan(vm);
  drain_gray(vm);
}

void asy_gc_collect(VM *vm) {
  if (vm->gc_paused) return;
  vm->gc_paused++; /* a hook that allocates must not re-enter */
  size_t before = vm->bytes_allocated;
  mark_with_finalizers(vm, false);
  asy_finalize_prune(vm);
  asy_strings_sweep(vm);
  sweep(vm);
  vm->class_epoch++; /* freed classes and names may come back at the same addresses */
  /* The next collection when the heap has grown by half what survived, or by 4 MiB when
  ** little survived: peak memory is about live * 1.5 plus the allocator's slack (it was
  ** live * 2: 66 MB on strings_dicts against 55 MB then), and a small heap is not
  ** collected more often than before. The slab sweep made a collection cheap enough to
  ** run twice as often for the time one took before it. When nine tenths or more of what
  ** was made since the last collection died, the growth is a third: a program churning
  ** temporaries over a steady live set then peaks closer to its live data, while one
  ** building a structure (keeping most of what it makes: spawn, generators) is not
  ** collected more often for little. */
  size_t live = vm->bytes_allocated;
  size_t made = before > vm->gc_live ? before - vm->gc_live : 0;
  size_t died = before > live ? before - live : 0;
  size_t grow = died >= made - made / 10 && made > 0 ? live / 3 : live / 2;
  vm->gc_live = live;
  vm->next_gc = live + (grow > GC_MIN_HEAP ? grow : GC_MIN_HEAP);
  /* Buffers beyond the pool (dict tables, long strs) are malloc's: a table that grew
  ** leaves its old block as a hole the next, bigger one does not fit (3.5 MB free in
  ** malloc at strings_dicts's peak). On a big heap, once a MiB was freed so, give the
  ** holes' pages back (-1.6 MB there). Not on a small heap: a program that frees and
  ** makes the same buffers over and over (json_loads) would fault them back in each time
  ** (3x slower when every collection trimmed). */
#ifdef __GLIBC__
  if (live >= TRIM_HEAP_FROM && vm->malloc_freed >= TRIM_AFTER) {
    malloc_trim(0);
    vm->malloc_freed = 0;
  }
#endif
  vm->gc_paused--;
}

/* CPython's _PyModule_ClearDict on __main__: names with one leading underscore become
** None first, then every other name but __builtins__, so the objects only the script's
** globals held are finalized now. */
static void clear_main_globals(VM *vm) {
  if (!IS_MODULE(vm->main_module)) return;
  ObjDict *d = AS_MODULE(vm->main_module)->dict;
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < d->used; i++) {
      DictEntry *e = &d->entries[i];
      Value name = asy_dict_key(d, i);
      if (!IS_STR(name) || IS_NONE(e->value)) continue;
      const char *k = AS_STR(name)->chars;
      bool single_underscore = k[0] == '_' && k[1] != '_';
      if (pass == 0 ? single_underscore : strcmp(k, "__builtins__") != 0) e->value = NONE_VAL;
    }
  }
}

static void unmark(VM *vm, Obj *o) {
  (void)vm;
  o->marked = 0;
}

void asy_gc_finalize_at_exit(VM *vm) {
  if (vm->gc_paused || !asy_finalize_has_candidates(vm)) return;
  clear_main_globals(vm);
  vm->gc_paused++;
  mark_with_finalizers(vm, true);
  /* Nothing is freed: the finalizers may still use what the modules hold. */
  pool_each(vm, unmark);
  for (Obj *o = vm->objects; o; o = big_next(o)) o->marked = 0;
  vm->gc_paused--;
  asy_finalize_run(vm);
}

void asy_gc_free_all(VM *vm) {
  vm->gray_count = 0;
  pool_each(vm, free_classes_last);
  Obj *o = vm->objects;
  while (o) {
    Obj *next = big_next(o);
    free_classes_last(vm, o);
    o = next;
  }
  vm->objects = NULL;
  free_deferred_classes(vm);
  for (size_t i = 0; i < vm->pool_nslabs; i++) /* the arenas; their slabs go with them */
    if (!((uintptr_t)vm->pool_slabs[i] & SLAB_TAG)) free(vm->pool_slabs[i]);
  free(vm->pool_slabs);
  vm->pool_slabs = NULL;
  vm->pool_nslabs = vm->pool_slab_cap = 0;
  vm->pool_arena = vm->pool_arena_end = NULL;
  memset(vm->pool_free, 0, sizeof vm->pool_free);
  memset(vm->pool_nfree, 0, sizeof vm->pool_nfree);
  vm->pool_spare = 0;
  memset(vm->pool_bump, 0, sizeof vm->pool_bump);
  memset(vm->pool_end, 0, sizeof vm->pool_end);
  free(vm->gray);
  vm->gray = NULL;
  vm->gray_count = vm->gray_capacity = 0;
  free(vm->temp_roots);
  vm->temp_roots = NULL;
  vm->temp_count = vm->temp_capacity = 0;
}
