/*
** dict.c — the insertion-ordered hash table (CPython's compact dict) and the dict
** class's methods.
**
** The index holds entry numbers (EMPTY / DUMMY for free and deleted slots) and is probed
** with CPython's perturbation scheme; entries stay in insertion order, so iteration
** order is insertion order and a deleted key re-inserted goes to the end. Any call into
** user code (__hash__, __eq__) can mutate the dict, so lookups remember the table they
** probed and start over if it changed underneath them.
**
** Memory, as CPython's: index slots are 1, 2 or 4 bytes wide by table size, and a table
** whose keys are all exact strs stores no hashes (an entry is a str pointer and a value,
** 24 bytes; each str caches its own hash). The first key of another kind gives the table
** a hashes[] array beside the entries, with a byte for each key's tag after it, kept
** until the dict is cleared.
*/
#include <string.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/obj/dict.h"
#include "vm/obj/func.h"
#include "vm/obj/iter.h"
#include "vm/obj/list.h"
#include "vm/obj/protocol.h"
#include "vm/obj/str.h"
#include "vm/obj/tuple.h"

#define EMPTY (-1)
#define DUMMY (-2)
#define PERTURB_SHIFT 5
#define MIN_INDEX 8

/* The bytes of a hashes[] array for cap entries: the hashes, then a tag byte for each. */
static inline size_t hashes_bytes(size_t cap) { return cap * (sizeof(int64_t) + 1); }

/* Index slots are as narrow as the entry numbers allow, as CPython's: 1 byte up to 128
** slots (85 entries), 2 up to 32768, else 4. */
static inline size_t index_width(size_t size) { return size <= 128 ? 1 : size <= 32768 ? 2 : 4; }

static inline int32_t ix_load(const void *index, size_t size, size_t i) {
  if (size <= 128) return ((const int8_t *)index)[i];
  if (size <= 32768) return ((const int16_t *)index)[i];
  return ((const int32_t *)index)[i];
}

static inline void ix_store(void *index, size_t size, size_t i, int32_t v) {
  if (size <= 128) ((int8_t *)index)[i] = (int8_t)v;
  else if (size <= 32768) ((int16_t *)index)[i] = (int16_t)v;
  else ((int32_t *)index)[i] = v;
}

#define IX(d, i) ix_load((d)->index, (d)->index_size, (i))
#define SET_IX(d, i, v) ix_store((d)->index, (d)->index_size, (i), (v))

/* An exact str: its cached hash is its dict hash, so a table of them needs no hashes[]. */
static inline bool plain_str(VM *vm, Value key) {
  return IS_STR(key) && AS_OBJ(key)->cls == vm->types.str;
}

/* The hash of live entry ix. */
static inline int64_t entry_hash(const ObjDict *d, size_t ix) {
  return d->hashes ? d->hashes[ix] : ((ObjStr *)(uintptr_t)d->entries[ix].key)->hash;
}

/* Store key (and, in a table with hashes, its hash and tag) as entry ix's. */
static inline void put_key(ObjDict *d, size_t ix, Value key, int64_t hash) {
  d->entries[ix].key = VALUE_BITS(key);
  if (d->hashes) {
    d->hashes[ix] = hash;
    asy_dict_key_tags(d)[ix] = (uint8_t)VALUE_TAG(key);
  }
}

int64_t asy_dict_entry_hash(ObjDict *d, size_t ix) { return entry_hash(d, ix); }

/* The room for a first table (MIN_INDEX slots) after the fields of a dict made with
** asy_dict_new_with_room: an instance dict's entries then share the dict's block, one
** cache miss fewer for every attribute read. */
enum { ROOM_CAP = MIN_INDEX * 2 / 3, ROOM_BYTES = ROOM_CAP * sizeof(DictEntry) + MIN_INDEX };
static inline void *dict_room(ObjDict *d) { return d + 1; }
static inline bool table_in_room(ObjDict *d) {
  return d->has_room && (void *)d->entries == dict_room(d);
}

size_t asy_dict_room_bytes(ObjDict *d) { return d->has_room ? ROOM_BYTES : 0; }

size_t asy_dict_buffer_bytes(ObjDict *d) {
  size_t cap = asy_dict_capacity(d);
  size_t table = table_in_room(d) ? 0 : cap * sizeof(DictEntry) + d->index_size * index_width(d->index_size);
  return table + (d->hashes ? hashes_bytes(cap) : 0);
}

void asy_dict_release(VM *vm, ObjDict *d) {
  size_t cap = asy_dict_capacity(d);
  /* the index lives in the entries' buffer, after them (resize) */
  if (!table_in_room(d))
    asy_pool_realloc(vm, d->entries,
                     cap * sizeof(DictEntry) + d->index_size * index_width(d->index_size), 0);
  if (d->hashes) asy_realloc(vm, d->hashes, hashes_bytes(cap), 0);
  d->entries = NULL;
  d->hashes = NULL;
  d->index = NULL;
  d->count = d->used = 0;
  d->index_size = 0;
  d->key_bloom = 0;
}

/* Layout versions (ObjDict.version): one sequence per VM (vm->dict_version), so a
** version number names a single (dict, layout) pair among the dicts a cache can meet
** and caches need not also remember the dict. */
static inline void new_layout(VM *vm, ObjDict *d) {
  d->version = ++vm->dict_version;
  if (d->class_dict) vm->class_epoch++;
}

ObjDict *asy_dict_new(VM *vm) {
  return (ObjDict *)asy_alloc_obj(vm, sizeof(ObjDict), OBJ_DICT, vm->types.dict);
}

ObjDict *asy_dict_new_with_room(VM *vm) {
  _Static_assert(sizeof(ObjDict) + ROOM_BYTES <= ASY_POOL_MAX, "one pool block");
  ObjDict *d = (ObjDict *)asy_alloc_obj(vm, sizeof(ObjDict) + ROOM_BYTES, OBJ_DICT, vm->types.dict);
  d->has_room = 1;
  /* The room's table set up now, so the first attribute an instance gets is an insert,
  ** not a resize (what resize would make of an empty dict). */
  d->entries = dict_room(d);
  d->index = (char *)d->entries + ROOM_CAP * sizeof(DictEntry);
  memset(d->index, 0xff, MIN_INDEX); /* every slot EMPTY (-1), one byte each */
  d->index_size = MIN_INDEX;
  new_layout(vm, d);
  return d;
}

/* Rebuild the index at `size` slots and compact the entries (drops deleted ones), with a
** hashes[] array when with_hashes. With may_fail: false with MemoryError raised, the
** dict left as it was, when memory is short; without (dicts the interpreter fills, whose
** callers cannot fail): asy_realloc's rules. */
static bool resize(VM *vm, ObjDict *d, size_t minsize, bool may_fail, bool with_hashes) {
  size_t size = MIN_INDEX;
  while (size < minsize) size <<= 1;
  size_t cap = asy_dict_usable(size), width = index_width(size);
  bool fits = size < (1u << 30) && cap <= SIZE_MAX / sizeof(DictEntry);
  void *(*alloc)(VM *, void *, size_t, size_t) = may_fail ? asy_try_realloc : asy_realloc;
  /* One buffer holds the entries and then the index, as CPython's keys object: one
  ** allocation per table, not two. */
  size_t bytes = cap * sizeof(DictEntry) + size * width;
  /* A small table (an instance's attributes) comes from the pool, as list buffers do:
  ** malloc and free were most of what making an instance cost. */
  bool in_room = d->has_room && bytes == ROOM_BYTES && !table_in_room(d);
  DictEntry *entries = !fits                   ? NULL
                       : in_room               ? dict_room(d)
                       : bytes <= ASY_POOL_MAX ? asy_pool_realloc(vm, NULL, 0, bytes)
                                               : alloc(vm, NULL, 0, bytes);
  void *index = entries ? (char *)entries + cap * sizeof(DictEntry) : NULL;
  int64_t *hashes = index && with_hashes ? alloc(vm, NULL, 0, hashes_bytes(cap)) : NULL;
  uint8_t *tags = hashes ? (uint8_t *)(hashes + cap) : NULL;
  if (!index || (with_hashes && !hashes)) {
    if (entries && !in_room) asy_pool_realloc(vm, entries, bytes, 0);
    asy_raise_value(vm, OBJ_VAL(vm->exc.MemoryError));
    return false;
  }
  memset(index, 0xff, size * width); /* every slot EMPTY (-1) */
  size_t n = 0, mask = size - 1;
  uint32_t bloom = 0;
  for (size_t e = 0; e < d->used; e++) {
    Value key = asy_dict_key(d, e);
    if (IS_UNDEF(key)) continue;
    int64_t hash = entry_hash(d, e);
    bloom |= asy_dict_bloom_bit(hash);
    entries[n] = d->entries[e];
    if (hashes) {
      hashes[n] = hash;
      tags[n] = (uint8_t)VALUE_TAG(key);
    }
    uint64_t perturb = (uint64_t)hash;
    size_t i = (size_t)hash & mask;
    while (ix_load(index, size, i) != EMPTY) {
      perturb >>= PERTURB_SHIFT;
      i = (i * 5 + (size_t)perturb + 1) & mask;
    }
    ix_store(index, size, i, (int32_t)n);
    n++;
  }
  asy_dict_release(vm, d);
  /* The GC marks entries[0, used): switch buffers before publishing the counts. */
  d->entries = entries;
  d->hashes = hashes;
  d->key_bloom = bloom;
  d->index = index;
  d->index_size = (uint32_t)size;
  d->used = (uint32_t)n;
  d->count = (uint32_t)n;
  new_layout(vm, d);
  return true;
}

/* Give a table of str keys its hashes[] (a key of another kind is about to go in). */
static bool add_hashes(VM *vm, ObjDict *d, bool may_fail) {
  size_t cap = asy_dict_capacity(d);
  int64_t *h = (may_fail ? asy_try_realloc : asy_realloc)(vm, NULL, 0, hashes_bytes(cap));
  if (!h) {
    asy_raise_value(vm, OBJ_VAL(vm->exc.MemoryError));
    return false;
  }
  uint8_t *tags = (uint8_t *)(h + cap);
  for (size_t i = 0; i < d->used; i++) {
    bool live = d->entries[i].key != 0; /* (every key a str so far) */
    h[i] = live ? entry_hash(d, i) : 0;
    tags[i] = live ? VAL_OBJ : VAL_UNDEF;
  }
  d->hashes = h;
  return true;
}

/* Find key: returns the entry number (or EMPTY) and the index slot in *slot (the slot
** holding the entry, or the first free slot for an insertion). -2 on error. */
static int64_t lookup(VM *vm, ObjDict *d, Value key, int64_t hash, size_t *slot) {
restart:
  if (d->index_size == 0) {
    *slot = 0;
    return EMPTY;
  }
  size_t mask = d->index_size - 1;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = (uint64_t)hash;
  int64_t freeslot = -1;
  for (;;) {
    int32_t ix = IX(d, i);
    if (ix == EMPTY) {
      *slot = freeslot >= 0 ? (size_t)freeslot : i;
      return EMPTY;
    }
    if (ix == DUMMY) {
      if (freeslot < 0) freeslot = (int64_t)i;
    } else {
      Value k = asy_dict_key(d, (size_t)ix);
      if (IS_OBJ(k) && IS_OBJ(key) && AS_OBJ(k) == AS_OBJ(key)) {
        *slot = i;
        return ix;
      }
      if (entry_hash(d, (size_t)ix) == hash) {
        int eq;
        if (IS_STR(k) && IS_STR(key)) {
          eq = asy_str_equal(AS_STR(k), AS_STR(key));
        } else if (!IS_OBJ(k) && !IS_OBJ(key)) {
          eq = asy_equal(vm, k, key);
        } else {
          /* A user __eq__ may change the dict. The probe can go on only if the table has
          ** the same size (mask, freeslot stay valid) and the entry still holds this key;
          ** otherwise start again. Decided by contents, not by whether the allocator
          ** happened to hand back the same addresses. */
          size_t saved_size = d->index_size;
          asy_push_root(vm, k);
          eq = asy_equal(vm, k, key);
          if (eq < 0) return -2;
          if (d->index_size != saved_size || (size_t)ix >= d->used ||
              !asy_same(asy_dict_key(d, (size_t)ix), k))
            goto restart;
        }
        if (eq) {
          *slot = i;
          return ix;
        }
      }
    }
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + (size_t)perturb + 1) & mask;
  }
}

int64_t asy_dict_lookup(VM *vm, ObjDict *d, Value key, int64_t hash) {
  size_t slot;
  int64_t ix = lookup(vm, d, key, hash, &slot);
  return ix == -2 ? -2 : ix < 0 ? -1 : ix;
}

Value asy_dict_get_hashed(VM *vm, ObjDict *d, Value key, int64_t hash) {
  size_t slot;
  int64_t ix = lookup(vm, d, key, hash, &slot);
  if (ix == -2) return EXC_VAL;
  if (ix < 0) return UNDEF_VAL;
  return d->entries[ix].value;
}

/* asy_hash with an exact str's cached hash read here (most keys). */
static inline bool key_hash(VM *vm, Value key, int64_t *h) {
  if (plain_str(vm, key)) {
    *h = asy_str_hash(AS_STR(key));
    return true;
  }
  return asy_hash(vm, key, h);
}

Value asy_dict_get(VM *vm, ObjDict *d, Value key) {
  int64_t h;
  if (!key_hash(vm, key, &h)) return EXC_VAL;
  return asy_dict_get_hashed(vm, d, key, h);
}

/* Append a new entry (the key is known absent): false with MemoryError raised when the
** table cannot grow (only with may_fail, as resize). */
static bool insert_new(VM *vm, ObjDict *d, Value key, int64_t hash, Value value, bool may_fail) {
  bool str_key = plain_str(vm, key);
  if (str_key && AS_STR(key)->hash == -1) AS_STR(key)->hash = hash; /* read back as its hash */
  if (d->used >= asy_dict_capacity(d)) {
    size_t size = d->count * 3 < MIN_INDEX ? MIN_INDEX : (size_t)d->count * 3;
    bool with_hashes = d->hashes || !str_key;
    if (!resize(vm, d, size, may_fail, with_hashes)) {
      /* key and value may be unrooted (popped by the caller): kept by the reclaim. */
      asy_clear_pending(vm);
      asy_push_root(vm, OBJ_VAL(d));
      if (!asy_gc_reclaim(vm, key, value) || !resize(vm, d, size, may_fail, with_hashes))
        return false;
    }
  } else if (!str_key && !d->hashes && !add_hashes(vm, d, may_fail)) {
    asy_clear_pending(vm);
    asy_push_root(vm, OBJ_VAL(d));
    if (!asy_gc_reclaim(vm, key, value) || !add_hashes(vm, d, may_fail)) return false;
  }
  size_t mask = d->index_size - 1;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = (uint64_t)hash;
  while (IX(d, i) >= 0) {
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + (size_t)perturb + 1) & mask;
  }
  d->entries[d->used].value = value;
  put_key(d, d->used, key, hash);
  SET_IX(d, i, (int32_t)d->used);
  d->used++;
  d->count++;
  d->key_bloom |= asy_dict_bloom_bit(hash);
  new_layout(vm, d);
  return true;
}

bool asy_dict_set_hashed(VM *vm, ObjDict *d, Value key, int64_t hash, Value value) {
  size_t slot;
  int64_t ix = lookup(vm, d, key, hash, &slot);
  if (ix == -2) return false;
  if (ix >= 0) {
    d->entries[ix].value = value;
    return true;
  }
  return insert_new(vm, d, key, hash, value, true);
}

bool asy_dict_set(VM *vm, ObjDict *d, Value key, Value value) {
  int64_t h;
  if (!key_hash(vm, key, &h)) return false;
  return asy_dict_set_hashed(vm, d, key, h, value);
}

/* Remove the entry found at (slot, ix). */
static void remove_at(VM *vm, ObjDict *d, size_t slot, int64_t ix) {
  SET_IX(d, slot, DUMMY);
  put_key(d, (size_t)ix, UNDEF_VAL, 0);
  d->entries[ix].value = UNDEF_VAL;
  d->count--;
  /* Holes stay until the next resize, as in CPython: reusing trailing slots at once
  ** would hide keys inserted during iteration from the "keys changed" check. Only
  ** popitem trims (dict_popitem), as CPython's does. */
  new_layout(vm, d);
}

int asy_dict_delete(VM *vm, ObjDict *d, Value key) {
  int64_t h;
  if (!key_hash(vm, key, &h)) return -1;
  size_t slot;
  int64_t ix = lookup(vm, d, key, h, &slot);
  if (ix == -2) return -1;
  if (ix < 0) return 0;
  remove_at(vm, d, slot, ix);
  return 1;
}

Value asy_dict_pop(VM *vm, ObjDict *d, Value key) {
  int64_t h;
  if (!key_hash(vm, key, &h)) return EXC_VAL;
  size_t slot;
  int64_t ix = lookup(vm, d, key, h, &slot);
  if (ix == -2) return EXC_VAL;
  if (ix < 0) return UNDEF_VAL;
  Value v = d->entries[ix].value;
  asy_push_root(vm, v);
  remove_at(vm, d, slot, ix);
  return v;
}

/* The probe loop of asy_dict_find_str over an index of slot type T (one copy per width,
** so the hottest lookup, an attribute name in an instance dict, tests the width once).
** Without hashes[] every key is an exact str, compared by pointer, then cached hash. */
#define FIND_STR_PROBE(T) \
  for (const T *index = (const T *)d->index;;) { \
    int32_t ix = index[i]; \
    if (ix == EMPTY) return -1; \
    if (ix >= 0) { \
      ObjStr *k = (ObjStr *)(uintptr_t)d->entries[ix].key; \
      if (hashes ? hashes[ix] == hash && IS_STR(VALUE_FROM_BITS(tags[ix], (uintptr_t)k)) && \
                       (k == key || asy_str_equal(k, key)) \
                 : k == key || (k->hash == hash && asy_str_equal(k, key))) \
        return ix; \
    } \
    perturb >>= PERTURB_SHIFT; \
    i = (i * 5 + (size_t)perturb + 1) & mask; \
  }

/* Str keys: pointer or text equality; a non-str key never matches here. */
int64_t asy_dict_find_str(ObjDict *d, ObjStr *key) {
  size_t n = d->index_size;
  if (n == 0) return -1;
  int64_t hash = key->hash != -1 ? key->hash : asy_str_hash(key);
  const int64_t *hashes = d->hashes;
  const uint8_t *tags = hashes ? asy_dict_key_tags(d) : NULL;
  size_t mask = n - 1;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = (uint64_t)hash;
  if (n <= 128) FIND_STR_PROBE(int8_t)
  if (n <= 32768) FIND_STR_PROBE(int16_t)
  FIND_STR_PROBE(int32_t)
}

Value asy_dict_get_str(ObjDict *d, ObjStr *key) {
  int64_t ix = asy_dict_find_str(d, key);
  return ix < 0 ? UNDEF_VAL : d->entries[ix].value;
}

void asy_dict_set_str(VM *vm, ObjDict *d, ObjStr *key, Value value) {
  int64_t hash = asy_str_hash(key);
  if (d->index_size) {
    size_t mask = d->index_size - 1;
    size_t i = (size_t)hash & mask;
    uint64_t perturb = (uint64_t)hash;
    for (;;) {
      int32_t ix = IX(d, i);
      if (ix == EMPTY) break;
      if (ix >= 0) {
        Value k = asy_dict_key(d, (size_t)ix);
        if (IS_STR(k) && (AS_STR(k) == key || (entry_hash(d, (size_t)ix) == hash &&
                                               asy_str_equal(AS_STR(k), key)))) {
          d->entries[ix].value = value;
          return;
        }
      }
      perturb >>= PERTURB_SHIFT;
      i = (i * 5 + (size_t)perturb + 1) & mask;
    }
  }
  insert_new(vm, d, OBJ_VAL(key), hash, value, false);
}

void asy_dict_add_absent_str(VM *vm, ObjDict *d, ObjStr *key, Value value) {
  insert_new(vm, d, OBJ_VAL(key), asy_str_hash(key), value, false);
}

bool asy_dict_next(ObjDict *d, size_t *pos, Value *key, Value *value) {
  while (*pos < d->used) {
    size_t ix = (*pos)++;
    Value k = asy_dict_key(d, ix);
    if (!IS_UNDEF(k)) {
      if (key) *key = k;
      if (value) *value = d->entries[ix].value;
      return true;
    }
  }
  return false;
}

void asy_dict_clear(VM *vm, ObjDict *d) {
  asy_dict_release(vm, d);
  new_layout(vm, d);
}

ObjDict *asy_dict_copy(VM *vm, ObjDict *src) {
  ObjDict *d = asy_dict_new(vm);
  if (src->count == 0) return d;
  /* callers cannot fail (dict.h) */
  resize(vm, d, (size_t)src->count * 3 / 2 + 1, false, src->hashes != NULL);
  for (size_t i = 0; i < src->used; i++) {
    Value key = asy_dict_key(src, i);
    if (!IS_UNDEF(key)) insert_new(vm, d, key, entry_hash(src, i), src->entries[i].value, false);
  }
  return d;
}

bool asy_dict_merge(VM *vm, ObjDict *d, ObjDict *other, bool override) {
  if (d == other || other->count == 0) return true;
  /* Index by position each time: a user __eq__ may mutate `other` while we insert. */
  for (size_t i = 0; i < other->used; i++) {
    Value key = asy_dict_key(other, i), value = other->entries[i].value;
    if (IS_UNDEF(key)) continue;
    int64_t hash = entry_hash(other, i);
    asy_push_root(vm, key);
    asy_push_root(vm, value);
    if (!override) {
      Value cur = asy_dict_get_hashed(vm, d, key, hash);
      if (IS_EXC(cur)) return false;
      if (!IS_UNDEF(cur)) continue;
    }
    if (!asy_dict_set_hashed(vm, d, key, hash, value)) return false;
  }
  return true;
}

/* Is `v` a plain dict for fast merging (exact dict, or a subclass not overriding
** keys/__iter__/__getitem__)? */
static bool plain_dict(VM *vm, Value v) {
  if (!IS_DICT(v)) return false;
  ObjClass *c = AS_OBJ(v)->cls;
  if (c == vm->types.dict) return true;
  static const char *names[] = {"keys", "__getitem__", "__iter__"};
  for (int i = 0; i < 3; i++) {
    ObjStr *n = asy_str_cstr(vm, names[i]);
    Value m = asy_class_lookup(c, n);
    if (!IS_UNDEF(m) && !asy_is_builtin_slot(m)) return false;
  }
  return true;
}

/* Add one (key, value) pair from an update sequence element. */
static bool update_pair(VM *vm, ObjDict *d, Value item, int64_t n) {
  Value k, v;
  if (IS_TUPLE(item) || IS_LIST(item)) {
    size_t len = IS_TUPLE(item) ? AS_TUPLE(item)->size : AS_LIST(item)->size;
    Value *items = IS_TUPLE(item) ? AS_TUPLE(item)->items : AS_LIST(item)->items;
    if (len != 2) {
      asy_raise(vm, vm->exc.ValueError,
                "dictionary update sequence element #%lld has length %zu; 2 is required",
                (long long)n, len);
      return false;
    }
    k = items[0];
    v = items[1];
  } else {
    Value seq = asy_list_from_iterable(vm, item);
    if (IS_EXC(seq)) {
      if (asy_pending_is(vm, vm->exc.TypeError)) {
        asy_clear_pending(vm);
        asy_raise(vm, vm->exc.TypeError,
                  "cannot convert dictionary update sequence element #%lld to a sequence",
                  (long long)n);
      }
      return false;
    }
    ObjList *l = AS_LIST(seq);
    if (l->size != 2) {
      asy_raise(vm, vm->exc.ValueError,
                "dictionary update sequence element #%lld has length %zu; 2 is required",
                (long long)n, l->size);
      return false;
    }
    k = l->items[0];
    v = l->items[1];
  }
  return asy_dict_set(vm, d, k, v);
}

/* asy_for_each step of asy_mapping_each_key: fn(key, mapping[key]). */
typedef struct {
  AsyItemFn fn;
  void *ctx;
  Value mapping;
} KeyScan;

static int key_step(VM *vm, void *ctx, Value key) {
  KeyScan *scan = ctx;
  Value v = asy_getitem(vm, scan->mapping, key);
  if (IS_EXC(v)) return -1;
  return scan->fn(vm, scan->ctx, key, v) ? 1 : -1;
}

bool asy_mapping_each_key(VM *vm, Value mapping, Value keys, AsyItemFn fn, void *ctx) {
  KeyScan scan = {fn, ctx, mapping};
  return asy_for_each(vm, keys, key_step, &scan) > 0;
}

static bool set_item(VM *vm, void *ctx, Value key, Value value) {
  return asy_dict_set(vm, ctx, key, value);
}

/* asy_for_each step over an iterable of pairs: ctx counts them for the messages. */
typedef struct {
  ObjDict *d;
  int64_t n;
} PairScan;

static int pair_step(VM *vm, void *ctx, Value item) {
  PairScan *scan = ctx;
  return update_pair(vm, scan->d, item, scan->n++) ? 1 : -1;
}

bool asy_dict_update(VM *vm, ObjDict *d, Value other) {
  if (plain_dict(vm, other)) return asy_dict_merge(vm, d, AS_DICT(other), true);
  ObjStr *keys_name = asy_str_cstr(vm, "keys");
  Value keys = asy_getattr_opt(vm, other, keys_name);
  if (IS_EXC(keys)) return false;
  if (!IS_UNDEF(keys)) {
    Value ks = asy_call(vm, keys, 0, NULL, NULL);
    return !IS_EXC(ks) && asy_mapping_each_key(vm, other, ks, set_item, d);
  }
  PairScan scan = {d, 0};
  return asy_for_each(vm, other, pair_step, &scan) > 0;
}

Value asy_dict_repr(VM *vm, Value dv) {
  ObjDict *d = AS_DICT(dv);
  if (d->count == 0) return STR_VAL(vm, "{}");
  if (asy_repr_enter(vm, AS_OBJ(dv))) return STR_VAL(vm, "{...}");
  AsyBuf b;
  asy_buf_init(&b, vm);
  asy_buf_put(&b, "{", 1);
  bool first = true;
  for (size_t i = 0; i < d->used; i++) {
    Value key = asy_dict_key(d, i), value = d->entries[i].value;
    if (IS_UNDEF(key)) continue;
    asy_push_root(vm, key);
    asy_push_root(vm, value);
    if (!first) asy_buf_put(&b, ", ", 2);
    first = false;
    if (!asy_buf_repr(vm, &b, key)) goto fail;
    asy_buf_put(&b, ": ", 2);
    if (!asy_buf_repr(vm, &b, value)) goto fail;
  }
  asy_buf_put(&b, "}", 1);
  asy_repr_leave(vm, AS_OBJ(dv));
  return OBJ_VAL(asy_buf_to_str(&b));
fail:
  asy_repr_leave(vm, AS_OBJ(dv));
  asy_buf_free(&b);
  return EXC_VAL;
}

int asy_dict_equal(VM *vm, ObjDict *a, ObjDict *b) {
  if (a == b) return 1;
  if (a->count != b->count) return 0;
  for (size_t i = 0; i < a->used; i++) {
    Value key = asy_dict_key(a, i), value = a->entries[i].value;
    if (IS_UNDEF(key)) continue;
    asy_push_root(vm, key);
    asy_push_root(vm, value);
    Value bv = asy_dict_get_hashed(vm, b, key, entry_hash(a, i));
    if (IS_EXC(bv)) return -1;
    if (IS_UNDEF(bv)) return 0;
    asy_push_root(vm, bv);
    int eq = asy_equal(vm, value, bv);
    if (eq <= 0) return eq;
  }
  return 1;
}

Value asy_dict_getitem(VM *vm, ObjDict *d, Value key) {
  Value v = asy_dict_get(vm, d, key);
  if (!IS_UNDEF(v)) return v;
  if (d->obj.cls != vm->types.dict) {
    Value missing = asy_class_lookup(d->obj.cls, vm->names.missing);
    if (!IS_UNDEF(missing)) {
      Value args[2] = {OBJ_VAL(d), key};
      return asy_call(vm, missing, 2, args, NULL);
    }
  }
  Value exc = asy_new_exception(vm, vm->exc.KeyError, 1, &key);
  if (IS_EXC(exc)) return exc;
  return asy_raise_value(vm, exc);
}

/* ---- the dict class's methods ------------------------------------------------------ */

#define SELF_DICT(meth) ASY_SELF(OBJ_DICT, meth, "dict")

static Value dict_new_(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  ObjClass *cls = asy_new_subtype(vm, argc, args, vm->types.dict);
  if (!cls) return EXC_VAL;
  ObjDict *d = asy_dict_new(vm);
  d->obj.cls = cls;
  return OBJ_VAL(d);
}

/* dict(...) and d.update(...): a mapping or iterable of pairs, then the keywords; `fname`
** names the call in the count error as CPython does ("dict", "update"). */
static Value update_from_args(VM *vm, int argc, Value *args, ObjDict *kw, const char *fname) {
  if (!asy_arg_count(vm, fname, argc - 1, 0, 1)) return EXC_VAL;
  ObjDict *d = AS_DICT(args[0]);
  if (argc == 2 && !asy_dict_update(vm, d, args[1])) return EXC_VAL;
  if (kw && !asy_dict_merge(vm, d, kw, true)) return EXC_VAL;
  return NONE_VAL;
}

static Value dict_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_DICT("__init__");
  return update_from_args(vm, argc, args, kw, "dict");
}

static Value dict_get(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value v = asy_dict_get(vm, AS_DICT(args[0]), args[1]);
  if (IS_UNDEF(v)) return argc > 2 ? args[2] : NONE_VAL;
  return v;
}

static Value dict_setdefault(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjDict *d = AS_DICT(args[0]);
  int64_t h;
  if (!key_hash(vm, args[1], &h)) return EXC_VAL;
  Value v = asy_dict_get_hashed(vm, d, args[1], h);
  if (IS_EXC(v)) return v;
  if (!IS_UNDEF(v)) return v;
  Value dflt = argc > 2 ? args[2] : NONE_VAL;
  if (!asy_dict_set_hashed(vm, d, args[1], h, dflt)) return EXC_VAL;
  return dflt;
}

static Value dict_pop(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value v = asy_dict_pop(vm, AS_DICT(args[0]), args[1]);
  if (!IS_UNDEF(v)) return v;
  if (argc > 2) return args[2];
  Value exc = asy_new_exception(vm, vm->exc.KeyError, 1, &args[1]);
  if (IS_EXC(exc)) return exc;
  return asy_raise_value(vm, exc);
}

static Value dict_popitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjDict *d = AS_DICT(args[0]);
  if (d->count == 0) {
    Value msg = STR_VAL(vm, "popitem(): dictionary is empty");
    Value exc = asy_new_exception(vm, vm->exc.KeyError, 1, &msg);
    if (IS_EXC(exc)) return exc;
    return asy_raise_value(vm, exc);
  }
  size_t ix = d->used;
  while (ix > 0 && IS_UNDEF(asy_dict_key(d, ix - 1))) ix--;
  int64_t hash = entry_hash(d, ix - 1);
  Value pair[2] = {asy_dict_key(d, ix - 1), d->entries[ix - 1].value};
  ObjTuple *t = asy_tuple_from(vm, 2, pair); /* allocate before unlinking: roots the pair */
  size_t mask = d->index_size - 1;
  size_t i = (size_t)hash & mask;
  uint64_t perturb = (uint64_t)hash;
  while (IX(d, i) != (int32_t)(ix - 1)) {
    perturb >>= PERTURB_SHIFT;
    i = (i * 5 + (size_t)perturb + 1) & mask;
  }
  remove_at(vm, d, i, (int64_t)(ix - 1));
  /* Trailing holes can be reused at once (keeps popitem O(1) amortised). */
  while (d->used > 0 && IS_UNDEF(asy_dict_key(d, d->used - 1))) d->used--;
  return OBJ_VAL(t);
}

static Value dict_keys(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_dictview_new(vm, AS_DICT(args[0]), 0);
}

static Value dict_values(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_dictview_new(vm, AS_DICT(args[0]), 1);
}

static Value dict_items(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_dictview_new(vm, AS_DICT(args[0]), 2);
}

static Value dict_update(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_DICT("update");
  return update_from_args(vm, argc, args, kw, "update");
}

static Value dict_copy(VM *vm, int argc, Value *args, ObjDict *kw) {
  return OBJ_VAL(asy_dict_copy(vm, AS_DICT(args[0])));
}

static Value dict_clear(VM *vm, int argc, Value *args, ObjDict *kw) {
  asy_dict_clear(vm, AS_DICT(args[0]));
  return NONE_VAL;
}

/* asy_for_each step of fromkeys: target[0][item] = target[1]. */
static int fromkeys_step(VM *vm, void *ctx, Value item) {
  Value *target = ctx;
  return asy_setitem(vm, target[0], item, target[1]) ? 1 : -1;
}

/* dict.fromkeys(iterable, value=None): a classmethod (args[0] is the class). */
static Value dict_fromkeys(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_CLASS(args[0]))
    return asy_raise(vm, vm->exc.TypeError, "fromkeys() needs a class");
  Value value = argc > 2 ? args[2] : NONE_VAL;
  Value res;
  if (AS_CLASS(args[0]) == vm->types.dict) res = OBJ_VAL(asy_dict_new(vm));
  else res = asy_call(vm, args[0], 0, NULL, NULL);
  if (IS_EXC(res)) return res;
  Value target[2] = {res, value};
  if (asy_for_each(vm, args[1], fromkeys_step, target) < 0) return EXC_VAL;
  return res;
}

static Value dict_getitem_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_dict_getitem(vm, AS_DICT(args[0]), args[1]);
}

static Value dict_setitem_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_dict_set(vm, AS_DICT(args[0]), args[1], args[2]) ? NONE_VAL : EXC_VAL;
}

static Value dict_delitem_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  int r = asy_dict_delete(vm, AS_DICT(args[0]), args[1]);
  if (r < 0) return EXC_VAL;
  if (r == 0) {
    Value exc = asy_new_exception(vm, vm->exc.KeyError, 1, &args[1]);
    if (IS_EXC(exc)) return exc;
    return asy_raise_value(vm, exc);
  }
  return NONE_VAL;
}

static Value dict_contains_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value v = asy_dict_get(vm, AS_DICT(args[0]), args[1]);
  if (IS_EXC(v)) return v;
  return BOOL_VAL(!IS_UNDEF(v));
}

static Value dict_len_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return INT_VAL((int64_t)AS_DICT(args[0])->count);
}

static Value dict_iter_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_dict_iter(vm, AS_DICT(args[0]), 0);
}

static Value dict_reversed_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_dict_iter(vm, AS_DICT(args[0]), 3);
}

static Value dict_repr_m(VM *vm, int argc, Value *args, ObjDict *kw) {
  return asy_dict_repr(vm, args[0]);
}

#define U ASY_UNCHECKED
#define AUTO ASY_ARGS_AUTO
#define SLOT ASY_ARGS_SLOT
/* CPython declares __getitem__, __contains__ and __reversed__ as plain methods, the other
** dunders as slot wrappers. */
/* clang-format off */
static const AsyMethodDef dict_methods[] = {
  {"__new__", dict_new_, U}, {"__init__", dict_init, U}, {"get", dict_get, 1, 2, AUTO},
  {"setdefault", dict_setdefault, 1, 2, AUTO}, {"pop", dict_pop, 1, 2, AUTO},
  {"popitem", dict_popitem, 0, 0, AUTO}, {"keys", dict_keys, 0, 0, AUTO},
  {"values", dict_values, 0, 0, AUTO}, {"items", dict_items, 0, 0, AUTO},
  {"update", dict_update, U}, {"copy", dict_copy, 0, 0, AUTO}, {"clear", dict_clear, 0, 0, AUTO},
  {"__getitem__", dict_getitem_m, 1, 1, AUTO}, {"__setitem__", dict_setitem_m, 2, 2, SLOT},
  {"__delitem__", dict_delitem_m, 1, 1, SLOT}, {"__contains__", dict_contains_m, 1, 1, AUTO},
  {"__len__", dict_len_m, 0, 0, SLOT}, {"__iter__", dict_iter_m, 0, 0, SLOT},
  {"__reversed__", dict_reversed_m, 0, 0, AUTO}, {"__repr__", dict_repr_m, 0, 0, SLOT},
  {"fromkeys", dict_fromkeys, 1, 2, AUTO | ASY_DEF_CLASS}, {0},
};
/* clang-format on */
#undef U
#undef AUTO
#undef SLOT

void asy_init_dict_type(VM *vm) {
  ObjClass *c = vm->types.dict;
  asy_def_natives(vm, c, NULL, dict_methods);
  asy_dict_set_str(vm, c->dict, vm->names.hash, NONE_VAL);
}
