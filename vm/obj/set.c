/*
** set.c — set and frozenset: CPython's setobject.c table and algorithms.
**
** Printing a set shows its table order, so everything that decides where a key lands
** follows CPython: the probe sequence (LINEAR_PROBES neighbours, then perturbation),
** reuse of the last dummy seen on insertion, the fill*5 >= mask*3 growth rule, the
** resize sizes, the pre-sizing in merges, and which operand each operation iterates
** (intersection walks the smaller set, symmetric difference starts from a copy of the
** other operand, …).
**
** Empty slot: key UNDEF, dummy false, hash 0. Deleted slot: key UNDEF, dummy true,
** hash -1 (a real hash is never -1, so the hash test alone skips dummies).
*/
#include <string.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/obj/dict.h"
#include "vm/obj/func.h"
#include "vm/obj/iter.h"
#include "vm/obj/list.h"
#include "vm/obj/protocol.h"
#include "vm/obj/set.h"
#include "vm/obj/str.h"

#define MINSIZE 8
#define LINEAR_PROBES 9
#define PERTURB_SHIFT 5

static SetEntry *new_table(VM *vm, size_t size) {
  SetEntry *t = ASY_ALLOC(vm, SetEntry, size);
  memset(t, 0, size * sizeof(SetEntry));
  return t;
}

ObjSet *asy_set_new(VM *vm, ObjClass *cls) {
  ObjSet *s = (ObjSet *)asy_alloc_obj(vm, sizeof(ObjSet), OBJ_SET, cls ? cls : vm->types.set);
  s->table = new_table(vm, MINSIZE);
  s->mask = MINSIZE - 1;
  s->hash = -1;
  return s;
}

static bool is_frozen(VM *vm, ObjSet *s) {
  return asy_is_subclass(s->obj.cls, vm->types.frozenset);
}

/* The base type for results: set or frozenset, never a user subclass. */
static ObjClass *base_type(VM *vm, ObjSet *s) {
  return is_frozen(vm, s) ? vm->types.frozenset : vm->types.set;
}

static void insert_clean(SetEntry *table, size_t mask, Value key, int64_t hash) {
  uint64_t perturb = (uint64_t)hash;
  size_t i = (size_t)hash & mask;
  for (;;) {
    SetEntry *e = &table[i];
    if (IS_UNDEF(e->key)) goto found;
    if (i + LINEAR_PROBES <= mask) {
      for (int j = 0; j < LINEAR_PROBES; j++) {
        e++;
        if (IS_UNDEF(e->key)) goto found;
      }
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
    continue;
  found:
    e->key = key;
    e->hash = hash;
    e->dummy = false;
    return;
  }
}

/* Is a table with fill used-or-dummy slots of mask + 1 below CPython's 3/5 load? */
static inline bool below_load(size_t fill, size_t mask) { return fill * 5 < mask * 3; }

bool asy_set_add_cannot_grow(const ObjSet *s) { return below_load(s->fill + 1, s->mask); }

/* Rebuild the table with room for minused entries: false with MemoryError raised (the
** table left as it was) when memory is short, as CPython's set_table_resize. */
static bool table_resize(VM *vm, ObjSet *s, size_t minused) {
  size_t newsize = MINSIZE;
  while (newsize <= minused) newsize <<= 1;
  SetEntry *old = s->table;
  size_t oldsize = s->mask + 1;
  bool fits = newsize <= SIZE_MAX / sizeof(SetEntry);
  SetEntry *t = fits ? asy_try_realloc(vm, NULL, 0, newsize * sizeof(SetEntry)) : NULL;
  if (!t && fits && asy_gc_reclaim(vm, OBJ_VAL(s), NONE_VAL))
    t = asy_try_realloc(vm, NULL, 0, newsize * sizeof(SetEntry));
  if (!t) {
    asy_raise_value(vm, OBJ_VAL(vm->exc.MemoryError));
    return false;
  }
  memset(t, 0, newsize * sizeof(SetEntry));
  for (size_t i = 0; i < oldsize; i++)
    if (!IS_UNDEF(old[i].key)) insert_clean(t, newsize - 1, old[i].key, old[i].hash);
  /* No allocation between here and the end: the GC never sees a half-built table. */
  s->table = t;
  s->mask = newsize - 1;
  s->fill = s->used;
  ASY_FREE(vm, SetEntry, old, oldsize);
  return true;
}

static bool is_exact_str(VM *vm, Value v) { return IS_STR(v) && AS_OBJ(v)->cls == vm->types.str; }

/* Compare a stored key with `key` (same hash). 1/0/-1; *restart set when the table
** changed during a user __eq__. The probe goes on only if the table has the same size
** and the slot still holds this key; *ep is then moved to that slot of the (possibly
** reallocated) table. Decided by contents, not by whether the allocator handed back the
** same address. */
static int entry_equal(VM *vm, ObjSet *s, SetEntry **ep, Value key, bool *restart) {
  SetEntry *e = *ep;
  Value start = e->key;
  if (asy_same(start, key) && IS_OBJ(key)) return 1;
  if (is_exact_str(vm, start) && is_exact_str(vm, key))
    return asy_str_equal(AS_STR(start), AS_STR(key));
  if (!IS_OBJ(start) && !IS_OBJ(key)) return asy_equal(vm, start, key);
  size_t mask = s->mask, pos = (size_t)(e - s->table);
  asy_push_root(vm, start);
  int cmp = asy_equal(vm, start, key);
  if (cmp < 0) return -1;
  if (mask != s->mask || !asy_same(s->table[pos].key, start)) {
    *restart = true;
    return 0;
  }
  *ep = &s->table[pos];
  return cmp;
}

/* Find key: the active entry or NULL; *err on error. */
static SetEntry *lookkey(VM *vm, ObjSet *s, Value key, int64_t hash, bool *err) {
restart:;
  size_t mask = s->mask;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = (uint64_t)hash;
  for (;;) {
    SetEntry *e = &s->table[i];
    int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
    do {
      if (e->hash == 0 && IS_UNDEF(e->key) && !e->dummy) return NULL;
      if (e->hash == hash && !IS_UNDEF(e->key)) {
        bool again = false;
        int eq = entry_equal(vm, s, &e, key, &again);
        if (eq < 0) {
          *err = true;
          return NULL;
        }
        if (again) goto restart;
        if (eq) return e;
        mask = s->mask;
      }
      e++;
    } while (probes--);
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
}

/* set_add_entry: false on error. */
static bool add_entry(VM *vm, ObjSet *s, Value key, int64_t hash) {
restart:;
  size_t mask = s->mask;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = (uint64_t)hash;
  size_t freeslot = SIZE_MAX; /* a position, not a pointer: a user __eq__ may move the table */
  SetEntry *e;
  for (;;) {
    e = &s->table[i];
    int probes = (i + LINEAR_PROBES <= mask) ? LINEAR_PROBES : 0;
    do {
      if (e->hash == 0 && IS_UNDEF(e->key) && !e->dummy) goto found_unused_or_dummy;
      if (e->hash == hash && !IS_UNDEF(e->key)) {
        bool again = false;
        int eq = entry_equal(vm, s, &e, key, &again);
        if (eq < 0) return false;
        if (again) goto restart;
        if (eq) return true; /* already present */
        mask = s->mask;
      } else if (e->dummy) {
        freeslot = (size_t)(e - s->table);
      }
      e++;
    } while (probes--);
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + 1 + (size_t)perturb) & mask;
  }
found_unused_or_dummy:
  if (freeslot != SIZE_MAX && s->table[freeslot].dummy) {
    SetEntry *f = &s->table[freeslot];
    s->used++;
    f->key = key;
    f->hash = hash;
    f->dummy = false;
    return true;
  }
  s->fill++;
  s->used++;
  e->key = key;
  e->hash = hash;
  e->dummy = false;
  if (below_load(s->fill, mask)) return true;
  return table_resize(vm, s, s->used > 50000 ? s->used * 2 : s->used * 4);
}

bool asy_set_add(VM *vm, ObjSet *s, Value key) {
  int64_t h;
  if (!asy_hash(vm, key, &h)) return false;
  return add_entry(vm, s, key, h);
}

/* 1 found and removed, 0 absent, -1 error. */
static int discard_entry(VM *vm, ObjSet *s, Value key, int64_t hash) {
  bool err = false;
  SetEntry *e = lookkey(vm, s, key, hash, &err);
  if (err) return -1;
  if (!e) return 0;
  e->key = UNDEF_VAL;
  e->hash = -1;
  e->dummy = true;
  s->used--;
  return 1;
}

static bool contains_entry(VM *vm, ObjSet *s, Value key, int64_t hash, int *out) {
  bool err = false;
  SetEntry *e = lookkey(vm, s, key, hash, &err);
  if (err) return false;
  *out = e != NULL;
  return true;
}

/* Hash a key; an unhashable set is looked up as the equal frozenset (CPython). */
static bool hash_key(VM *vm, Value *key, int64_t *h) {
  if (asy_hash(vm, *key, h)) return true;
  if (!IS_SET(*key) || !asy_pending_is(vm, vm->exc.TypeError)) return false;
  asy_clear_pending(vm);
  Value fs = asy_set_from_iterable(vm, vm->types.frozenset, *key);
  if (IS_EXC(fs)) return false;
  *key = fs;
  return asy_hash(vm, fs, h);
}

int asy_set_contains(VM *vm, ObjSet *s, Value key) {
  int64_t h;
  if (!hash_key(vm, &key, &h)) return -1;
  int r;
  if (!contains_entry(vm, s, key, h, &r)) return -1;
  return r;
}

int asy_set_discard(VM *vm, ObjSet *s, Value key) {
  int64_t h;
  if (!hash_key(vm, &key, &h)) return -1;
  return discard_entry(vm, s, key, h);
}

bool asy_set_next(ObjSet *s, size_t *pos, Value *key, int64_t *hash) {
  while (*pos <= s->mask) {
    SetEntry *e = &s->table[(*pos)++];
    if (!IS_UNDEF(e->key)) {
      if (key) *key = e->key;
      if (hash) *hash = e->hash;
      return true;
    }
  }
  return false;
}

static void set_clear(VM *vm, ObjSet *s) {
  SetEntry *old = s->table;
  size_t oldsize = s->mask + 1;
  s->table = new_table(vm, MINSIZE);
  s->mask = MINSIZE - 1;
  s->fill = s->used = 0;
  ASY_FREE(vm, SetEntry, old, oldsize);
}

static bool set_merge(VM *vm, ObjSet *s, ObjSet *other) {
  if (other == s || other->used == 0) return true;
  if ((s->fill + other->used) * 5 >= s->mask * 3 &&
      !table_resize(vm, s, (s->used + other->used) * 2))
    return false;
  if (s->fill == 0 && s->mask == other->mask && other->fill == other->used) {
    for (size_t i = 0; i <= other->mask; i++) s->table[i] = other->table[i];
    s->fill = other->fill;
    s->used = other->used;
    return true;
  }
  if (s->fill == 0) {
    s->fill = s->used = other->used;
    for (size_t i = 0; i <= other->mask; i++)
      if (!IS_UNDEF(other->table[i].key))
        insert_clean(s->table, s->mask, other->table[i].key, other->table[i].hash);
    return true;
  }
  /* A user __eq__ may mutate `other`: index by position and re-check bounds. */
  for (size_t i = 0; i <= other->mask; i++) {
    SetEntry e = other->table[i];
    if (IS_UNDEF(e.key)) continue;
    asy_push_root(vm, e.key);
    if (!add_entry(vm, s, e.key, e.hash)) return false;
  }
  return true;
}

/* asy_for_each steps over an iterable's items: add each to the set ctx, discard each. */
static int add_step(VM *vm, void *ctx, Value item) { return asy_set_add(vm, ctx, item) ? 1 : -1; }

static int discard_step(VM *vm, void *ctx, Value item) {
  return asy_set_discard(vm, ctx, item) < 0 ? -1 : 1;
}

bool asy_set_update(VM *vm, ObjSet *s, Value other) {
  if (IS_SET(other)) return set_merge(vm, s, AS_SET(other));
  if (IS_DICT(other) && AS_OBJ(other)->cls == vm->types.dict) {
    ObjDict *d = AS_DICT(other);
    if ((s->fill + d->count) * 5 >= s->mask * 3 && !table_resize(vm, s, (s->used + d->count) * 2))
      return false;
    for (size_t i = 0; i < d->used; i++) {
      Value key = asy_dict_key(d, i);
      if (IS_UNDEF(key)) continue;
      asy_push_root(vm, key);
      if (!add_entry(vm, s, key, asy_dict_entry_hash(d, i))) return false;
    }
    return true;
  }
  return asy_for_each(vm, other, add_step, s) > 0;
}

Value asy_set_from_iterable(VM *vm, ObjClass *cls, Value iterable) {
  ObjSet *s = asy_set_new(vm, cls);
  if (!IS_UNDEF(iterable) && !asy_set_update(vm, s, iterable)) return EXC_VAL;
  return OBJ_VAL(s);
}

/* set_copy: a new set of the base type with the same table. */
static ObjSet *set_copy(VM *vm, ObjSet *s) {
  Value r = asy_set_from_iterable(vm, base_type(vm, s), OBJ_VAL(s));
  return AS_SET(r); /* merging a set cannot fail */
}

/* ---- the algebra --------------------------------------------------------------- */

/* asy_for_each step of set_intersection: add the item to sets[1] when it is in sets[0]. */
static int keep_common_step(VM *vm, void *ctx, Value item) {
  ObjSet **sets = ctx;
  int64_t h;
  if (!asy_hash(vm, item, &h)) return -1;
  int in;
  if (!contains_entry(vm, sets[0], item, h, &in)) return -1;
  return !in || add_entry(vm, sets[1], item, h) ? 1 : -1;
}

/* Whether a key (with its hash) is in `other`, a set or an exact dict: 1, 0, -1. */
static int member_hashed(VM *vm, Value other, Value key, int64_t hash) {
  if (IS_DICT(other)) {
    Value v = asy_dict_get_hashed(vm, AS_DICT(other), key, hash);
    return IS_EXC(v) ? -1 : !IS_UNDEF(v);
  }
  int in;
  return contains_entry(vm, AS_SET(other), key, hash, &in) ? in : -1;
}

/* The one walk of the algebra between a set and a set (or dict): each key of `walk`
** whose membership in `other` is `want` is added to `into` or, with no `into`, stops the
** walk. 1 when stopped, 0 when the walk ended, -1 on error. A user __eq__ may mutate
** `walk`: index by position, with the bound read again each step. */
static int walk_members(VM *vm, ObjSet *walk, Value other, bool want, ObjSet *into) {
  for (size_t i = 0; i <= walk->mask; i++) {
    SetEntry e = walk->table[i];
    if (IS_UNDEF(e.key)) continue;
    asy_push_root(vm, e.key);
    int in = member_hashed(vm, other, e.key, e.hash);
    if (in < 0) return -1;
    if (in != want) continue;
    if (!into) return 1;
    if (!add_entry(vm, into, e.key, e.hash)) return -1;
  }
  return 0;
}

/* The keys two sets share, walking the smaller and probing the larger, `b` on a tie
** (CPython's order: it decides which __eq__ runs and the result's table order). */
static int walk_common(VM *vm, ObjSet *a, ObjSet *b, ObjSet *into) {
  if (a->used < b->used) return walk_members(vm, a, OBJ_VAL(b), true, into);
  return walk_members(vm, b, OBJ_VAL(a), true, into);
}

static Value set_intersection(VM *vm, ObjSet *s, Value other) {
  if (IS_SET(other) && AS_SET(other) == s) return OBJ_VAL(set_copy(vm, s));
  ObjSet *result = asy_set_new(vm, base_type(vm, s));
  if (IS_SET(other))
    return walk_common(vm, s, AS_SET(other), result) < 0 ? EXC_VAL : OBJ_VAL(result);
  ObjSet *sets[2] = {s, result};
  if (asy_for_each(vm, other, keep_common_step, sets) < 0) return EXC_VAL;
  return OBJ_VAL(result);
}

/* Replace s's table with r's (intersection_update). */
static void swap_bodies(ObjSet *s, ObjSet *r) {
  SetEntry *t = s->table;
  size_t fill = s->fill, used = s->used, mask = s->mask;
  s->table = r->table;
  s->fill = r->fill;
  s->used = r->used;
  s->mask = r->mask;
  r->table = t;
  r->fill = fill;
  r->used = used;
  r->mask = mask;
  s->hash = r->hash = -1;
}

static bool difference_update(VM *vm, ObjSet *s, Value other) {
  if (IS_SET(other) && AS_SET(other) == s) {
    set_clear(vm, s);
    return true;
  }
  if (IS_SET(other)) {
    Value o = other;
    if ((AS_SET(other)->used >> 3) > s->used) {
      o = set_intersection(vm, s, other);
      if (IS_EXC(o)) return false;
    }
    ObjSet *os = AS_SET(o);
    for (size_t i = 0; i <= os->mask; i++) {
      SetEntry e = os->table[i];
      if (IS_UNDEF(e.key)) continue;
      asy_push_root(vm, e.key);
      if (discard_entry(vm, s, e.key, e.hash) < 0) return false;
    }
  } else if (asy_for_each(vm, other, discard_step, s) < 0) {
    return false;
  }
  /* More than 1/4 dummies: rebuild. */
  if (s->fill - s->used <= s->mask / 4) return true;
  return table_resize(vm, s, s->used > 50000 ? s->used * 2 : s->used * 4);
}

static Value copy_and_difference(VM *vm, ObjSet *s, Value other) {
  ObjSet *r = set_copy(vm, s);
  if (!difference_update(vm, r, other)) return EXC_VAL;
  return OBJ_VAL(r);
}

static Value set_difference(VM *vm, ObjSet *s, Value other) {
  size_t other_size;
  bool is_dict = IS_DICT(other) && AS_OBJ(other)->cls == vm->types.dict;
  if (IS_SET(other)) other_size = AS_SET(other)->used;
  else if (is_dict) other_size = AS_DICT(other)->count;
  else return copy_and_difference(vm, s, other);
  if ((s->used >> 2) > other_size) return copy_and_difference(vm, s, other);
  ObjSet *result = asy_set_new(vm, base_type(vm, s));
  return walk_members(vm, s, other, false, result) < 0 ? EXC_VAL : OBJ_VAL(result);
}

/* Symmetric difference's step: remove the key from s if there, else add it. */
static bool toggle_entry(VM *vm, ObjSet *s, Value key, int64_t hash) {
  asy_push_root(vm, key);
  int r = discard_entry(vm, s, key, hash);
  return r > 0 || (r == 0 && add_entry(vm, s, key, hash));
}

static bool symmetric_difference_update(VM *vm, ObjSet *s, Value other) {
  if (IS_SET(other) && AS_SET(other) == s) {
    set_clear(vm, s);
    return true;
  }
  if (IS_DICT(other) && AS_OBJ(other)->cls == vm->types.dict) {
    ObjDict *d = AS_DICT(other);
    for (size_t i = 0; i < d->used; i++) {
      Value key = asy_dict_key(d, i);
      if (!IS_UNDEF(key) && !toggle_entry(vm, s, key, asy_dict_entry_hash(d, i)))
        return false;
    }
    return true;
  }
  Value o = other;
  if (!IS_SET(o)) {
    o = asy_set_from_iterable(vm, base_type(vm, s), other);
    if (IS_EXC(o)) return false;
  }
  ObjSet *os = AS_SET(o);
  for (size_t i = 0; i <= os->mask; i++) {
    SetEntry e = os->table[i];
    if (!IS_UNDEF(e.key) && !toggle_entry(vm, s, e.key, e.hash)) return false;
  }
  return true;
}

static Value set_symmetric_difference(VM *vm, ObjSet *s, Value other) {
  Value o = asy_set_from_iterable(vm, base_type(vm, s), other);
  if (IS_EXC(o)) return o;
  if (!symmetric_difference_update(vm, AS_SET(o), OBJ_VAL(s))) return EXC_VAL;
  return o;
}

static Value set_union(VM *vm, ObjSet *s, Value other) {
  ObjSet *r = set_copy(vm, s);
  if (!asy_set_update(vm, r, other)) return EXC_VAL;
  return OBJ_VAL(r);
}

/* a <= b for two sets: 1, 0, -1. */
static int issubset(VM *vm, ObjSet *a, ObjSet *b) {
  if (a->used > b->used) return 0;
  int missing = walk_members(vm, a, OBJ_VAL(b), false, NULL);
  return missing < 0 ? -1 : !missing;
}

Value asy_set_compare(VM *vm, int op, ObjSet *a, ObjSet *b) {
  int r;
  switch (op) {
  case CMP_EQ:
  case CMP_NE:
    if (a->used != b->used) return BOOL_VAL(op == CMP_NE);
    if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) return BOOL_VAL(op == CMP_NE);
    r = issubset(vm, a, b);
    if (r < 0) return EXC_VAL;
    return BOOL_VAL(op == CMP_EQ ? r : !r);
  case CMP_LE: r = issubset(vm, a, b); break;
  case CMP_GE: r = issubset(vm, b, a); break;
  case CMP_LT:
    if (a->used >= b->used) return FALSE_VAL;
    r = issubset(vm, a, b);
    break;
  default:
    if (a->used <= b->used) return FALSE_VAL;
    r = issubset(vm, b, a);
    break;
  }
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

Value asy_set_binary(VM *vm, int op, Value a, Value b, bool inplace) {
  if (!IS_SET(a) || !IS_SET(b)) return vm->notimplemented;
  ObjSet *s = AS_SET(a);
  if (inplace && is_frozen(vm, s)) inplace = false;
  switch (op) {
  case BINOP_OR:
    if (inplace) return asy_set_update(vm, s, b) ? a : EXC_VAL;
    return set_union(vm, s, b);
  case BINOP_AND:
    if (inplace) {
      Value r = set_intersection(vm, s, b);
      if (IS_EXC(r)) return r;
      swap_bodies(s, AS_SET(r));
      return a;
    }
    return set_intersection(vm, s, b);
  case BINOP_SUBTRACT:
    if (inplace) return difference_update(vm, s, b) ? a : EXC_VAL;
    return set_difference(vm, s, b);
  case BINOP_XOR:
    if (inplace) return symmetric_difference_update(vm, s, b) ? a : EXC_VAL;
    return set_symmetric_difference(vm, s, b);
  default: return vm->notimplemented;
  }
}

int64_t asy_frozenset_hash(ObjSet *s) {
  if (s->hash != -1) return s->hash;
  uint64_t h = 0;
  for (size_t i = 0; i <= s->mask; i++) {
    if (IS_UNDEF(s->table[i].key)) continue;
    uint64_t x = (uint64_t)s->table[i].hash;
    h ^= ((x ^ 89869747ULL) ^ (x << 16)) * 3644798167ULL;
  }
  h ^= ((uint64_t)s->used + 1) * 1927868237ULL;
  h ^= (h >> 11) ^ (h >> 25);
  h = h * 69069U + 907133923ULL;
  if (h == (uint64_t)-1) h = 590923713ULL;
  s->hash = (int64_t)h;
  return s->hash;
}

Value asy_set_repr(VM *vm, Value sv) {
  ObjSet *s = AS_SET(sv);
  const char *tname = s->obj.cls->name->chars;
  bool plain = s->obj.cls == vm->types.set;
  if (s->used == 0) return OBJ_VAL(asy_str_printf(vm, "%s()", tname));
  if (asy_repr_enter(vm, AS_OBJ(sv))) return OBJ_VAL(asy_str_printf(vm, "%s(...)", tname));
  /* Snapshot the keys: an item's __repr__ may mutate the set. */
  ObjList *keys = asy_list_new(vm, s->used);
  size_t pos = 0;
  Value k;
  while (asy_set_next(s, &pos, &k, NULL)) asy_list_append(vm, keys, k);
  AsyBuf b;
  asy_buf_init(&b, vm);
  if (!plain) {
    asy_buf_puts(&b, tname);
    asy_buf_put(&b, "(", 1);
  }
  asy_buf_put(&b, "{", 1);
  for (size_t i = 0; i < keys->size; i++) {
    if (i) asy_buf_put(&b, ", ", 2);
    if (!asy_buf_repr(vm, &b, keys->items[i])) {
      asy_repr_leave(vm, AS_OBJ(sv));
      asy_buf_free(&b);
      return EXC_VAL;
    }
  }
  asy_buf_put(&b, "}", 1);
  if (!plain) asy_buf_put(&b, ")", 1);
  asy_repr_leave(vm, AS_OBJ(sv));
  return OBJ_VAL(asy_buf_to_str(&b));
}

/* ---- methods ------------------------------------------------------------------- */

#define SELF_SET(meth) ASY_SELF(OBJ_SET, meth, "set")

static Value key_error(VM *vm, Value key) {
  Value exc = asy_new_exception(vm, vm->exc.KeyError, 1, &key);
  if (IS_EXC(exc)) return exc;
  return asy_raise_value(vm, exc);
}

static Value set_new_(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  ObjClass *cls = asy_new_subtype(vm, argc, args, vm->types.set);
  return cls ? OBJ_VAL(asy_set_new(vm, cls)) : EXC_VAL;
}

static Value set_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_SET("__init__");
  if (kw && kw->count) return asy_raise(vm, vm->exc.TypeError, "set() takes no keyword arguments");
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError, "set expected at most 1 argument, got %d", argc - 1);
  ObjSet *s = AS_SET(args[0]);
  if (s->used || s->fill) set_clear(vm, s);
  if (argc == 2 && !asy_set_update(vm, s, args[1])) return EXC_VAL;
  return NONE_VAL;
}

static Value frozenset_new_(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjClass *cls = asy_new_subtype(vm, argc, args, vm->types.frozenset);
  if (!cls) return EXC_VAL;
  if (kw && kw->count && cls == vm->types.frozenset)
    return asy_raise(vm, vm->exc.TypeError, "frozenset() takes no keyword arguments");
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError, "frozenset expected at most 1 argument, got %d",
                     argc - 1);
  if (argc == 2 && cls == vm->types.frozenset && IS_SET(args[1]) &&
      AS_OBJ(args[1])->cls == vm->types.frozenset)
    return args[1];
  return asy_set_from_iterable(vm, cls, argc == 2 ? args[1] : UNDEF_VAL);
}

static Value set_add_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_set_add(vm, AS_SET(args[0]), args[1]) ? NONE_VAL : EXC_VAL;
}

static Value set_remove_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  int r = asy_set_discard(vm, AS_SET(args[0]), args[1]);
  if (r < 0) return EXC_VAL;
  if (r == 0) return key_error(vm, args[1]);
  return NONE_VAL;
}

static Value set_discard_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_set_discard(vm, AS_SET(args[0]), args[1]) < 0 ? EXC_VAL : NONE_VAL;
}

static Value set_pop_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjSet *s = AS_SET(args[0]);
  if (s->used == 0) {
    Value msg = STR_VAL(vm, "pop from an empty set");
    return key_error(vm, msg);
  }
  size_t i = s->finger & s->mask;
  while (IS_UNDEF(s->table[i].key)) {
    i++;
    if (i > s->mask) i = 0;
  }
  Value key = s->table[i].key;
  s->table[i].key = UNDEF_VAL;
  s->table[i].hash = -1;
  s->table[i].dummy = true;
  s->used--;
  s->finger = i + 1;
  return key;
}

static Value set_clear_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  set_clear(vm, AS_SET(args[0]));
  return NONE_VAL;
}

static Value set_copy_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjSet *s = AS_SET(args[0]);
  if (s->obj.cls == vm->types.frozenset) return args[0];
  return OBJ_VAL(set_copy(vm, s));
}

/* update(*others) and difference_update(*others): op(self, other) for each in turn. */
static Value update_with_each(VM *vm, int argc, Value *args, bool (*op)(VM *, ObjSet *, Value)) {
  for (int i = 1; i < argc; i++)
    if (!op(vm, AS_SET(args[0]), args[i])) return EXC_VAL;
  return NONE_VAL;
}

static Value set_update_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return update_with_each(vm, argc, args, asy_set_update);
}

static Value set_union_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjSet *s = AS_SET(args[0]);
  ObjSet *r = set_copy(vm, s);
  for (int i = 1; i < argc; i++) {
    if (IS_SET(args[i]) && AS_SET(args[i]) == s) continue;
    if (!asy_set_update(vm, r, args[i])) return EXC_VAL;
  }
  return OBJ_VAL(r);
}

/* intersection(*others); intersection_update's result too. */
static Value set_intersection_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjSet *s = AS_SET(args[0]);
  if (argc == 1) return OBJ_VAL(set_copy(vm, s));
  Value r = args[0];
  for (int i = 1; i < argc; i++) {
    r = set_intersection(vm, AS_SET(r), args[i]);
    if (IS_EXC(r)) return r;
  }
  return r;
}

static Value set_intersection_update_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value r = set_intersection_m(vm, argc, args, kw);
  if (IS_EXC(r)) return r;
  swap_bodies(AS_SET(args[0]), AS_SET(r));
  return NONE_VAL;
}

static Value set_difference_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjSet *s = AS_SET(args[0]);
  if (argc == 1) return OBJ_VAL(set_copy(vm, s));
  Value r = set_difference(vm, s, args[1]);
  for (int i = 2; i < argc && !IS_EXC(r); i++)
    if (!difference_update(vm, AS_SET(r), args[i])) return EXC_VAL;
  return r;
}

static Value set_difference_update_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return update_with_each(vm, argc, args, difference_update);
}

static Value set_symdiff_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return set_symmetric_difference(vm, AS_SET(args[0]), args[1]);
}

static Value set_symdiff_update_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return symmetric_difference_update(vm, AS_SET(args[0]), args[1]) ? NONE_VAL : EXC_VAL;
}

/* The argument as a set (a temporary for non-set iterables). */
static Value as_set(VM *vm, Value v) {
  if (IS_SET(v)) return v;
  return asy_set_from_iterable(vm, vm->types.set, v);
}

static Value set_issubset_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value o = as_set(vm, args[1]);
  if (IS_EXC(o)) return o;
  int r = issubset(vm, AS_SET(args[0]), AS_SET(o));
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

/* asy_for_each step of issuperset/isdisjoint over an iterable: stop at the first item
** whose membership in the set is `stop_if`. */
typedef struct {
  ObjSet *set;
  bool stop_if;
} SetScan;

static int set_member_step(VM *vm, void *ctx, Value item) {
  SetScan *scan = ctx;
  int in = asy_set_contains(vm, scan->set, item);
  return in < 0 ? -1 : in != scan->stop_if;
}

static Value set_issuperset_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjSet *s = AS_SET(args[0]);
  if (IS_SET(args[1])) {
    int r = issubset(vm, AS_SET(args[1]), s);
    return r < 0 ? EXC_VAL : BOOL_VAL(r);
  }
  SetScan scan = {s, false};
  int r = asy_for_each(vm, args[1], set_member_step, &scan);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value set_isdisjoint_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjSet *s = AS_SET(args[0]);
  if (IS_SET(args[1])) {
    int common = walk_common(vm, s, AS_SET(args[1]), NULL);
    return common < 0 ? EXC_VAL : BOOL_VAL(!common);
  }
  SetScan scan = {s, true};
  int r = asy_for_each(vm, args[1], set_member_step, &scan);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value set_contains_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  int r = asy_set_contains(vm, AS_SET(args[0]), args[1]);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value set_len_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL((int64_t)AS_SET(args[0])->used);
}

static Value set_iter_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_set_iter(vm, AS_SET(args[0]));
}

static Value set_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_set_repr(vm, args[0]);
}

static Value frozenset_hash_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL(asy_frozenset_hash(AS_SET(args[0])));
}

#define U ASY_UNCHECKED
#define AUTO ASY_ARGS_AUTO
#define SLOT ASY_ARGS_SLOT
#define ANY ASY_VARARGS
/* clang-format off */
static const AsyMethodDef set_methods[] = {
  {"__new__", set_new_, U}, {"__init__", set_init, U}, {"add", set_add_m, 1, 1, AUTO},
  {"remove", set_remove_m, 1, 1, AUTO}, {"discard", set_discard_m, 1, 1, AUTO},
  {"pop", set_pop_m, 0, 0, AUTO}, {"clear", set_clear_m, 0, 0, AUTO},
  {"update", set_update_m, 0, ANY, AUTO},
  {"intersection_update", set_intersection_update_m, 0, ANY, AUTO},
  {"difference_update", set_difference_update_m, 0, ANY, AUTO},
  {"symmetric_difference_update", set_symdiff_update_m, 1, 1, AUTO}, {0},
};

static const AsyMethodDef frozenset_methods[] = {
  {"__new__", frozenset_new_, U}, {"__hash__", frozenset_hash_m, 0, 0, SLOT}, {0},
};

/* What set and frozenset both have: installed in each, so that messages name the class
** the method was looked up on ("frozenset.copy() takes no arguments (1 given)"). */
static const AsyMethodDef any_set_methods[] = {
  {"copy", set_copy_m, 0, 0, AUTO}, {"union", set_union_m, 0, ANY, AUTO},
  {"intersection", set_intersection_m, 0, ANY, AUTO},
  {"difference", set_difference_m, 0, ANY, AUTO},
  {"symmetric_difference", set_symdiff_m, 1, 1, AUTO}, {"issubset", set_issubset_m, 1, 1, AUTO},
  {"issuperset", set_issuperset_m, 1, 1, AUTO}, {"isdisjoint", set_isdisjoint_m, 1, 1, AUTO},
  {"__contains__", set_contains_m, 1, 1, AUTO}, {"__len__", set_len_m, 0, 0, SLOT},
  {"__iter__", set_iter_m, 0, 0, SLOT}, {"__repr__", set_repr_m, 0, 0, SLOT}, {0},
};
/* clang-format on */
#undef U
#undef AUTO
#undef SLOT
#undef ANY

void asy_init_set_types(VM *vm) {
  ObjClass *c = vm->types.set, *f = vm->types.frozenset;
  asy_def_natives(vm, c, NULL, set_methods);
  asy_dict_set_str(vm, c->dict, vm->names.hash, NONE_VAL);
  asy_def_natives(vm, f, NULL, frozenset_methods);
  asy_def_natives(vm, c, NULL, any_set_methods);
  asy_def_natives(vm, f, NULL, any_set_methods);
}
