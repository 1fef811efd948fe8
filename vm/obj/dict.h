/*
** dict.h — the dict beyond the vm.h basics: hashed lookups, iteration over the
** compact entry array, merging, and the repr.
**
** Layout (object.h): `entries` is dense in insertion order (deleted entries keep key
** UNDEF until the next resize compacts them); `index` maps probe slots to entry
** numbers; `hashes` exists only once a key is not an exact str. Lookups that call a user __eq__ re-check the table afterwards and restart
** if the callback resized or mutated it, as CPython does.
*/
#ifndef ASY_DICT_H
#define ASY_DICT_H

#include "vm/vm.h"

/* Lookup with a precomputed hash: the entry number, -1 if absent, -2 on error. */
int64_t asy_dict_lookup(VM *vm, ObjDict *d, Value key, int64_t hash);
/* The entry number of str key `key` (pointer or text equality), or -1 if absent. */
int64_t asy_dict_find_str(ObjDict *d, ObjStr *key);
/* Get with a precomputed hash: UNDEF if absent, EXC_VAL on error. */
Value asy_dict_get_hashed(VM *vm, ObjDict *d, Value key, int64_t hash);
/* Insert or replace with a precomputed hash. */
bool asy_dict_set_hashed(VM *vm, ObjDict *d, Value key, int64_t hash, Value value);
/* The hash of live entry ix (from hashes[], or the str key's own cache). */
int64_t asy_dict_entry_hash(ObjDict *d, size_t ix);
/* Bytes of d's raw buffers: entries, hashes, index (sys.getsizeof). */
size_t asy_dict_buffer_bytes(ObjDict *d);
/* A new empty dict with room for its first table inside its own block (instance dicts:
** their few attributes then share the dict's cache lines). */
ObjDict *asy_dict_new_with_room(VM *vm);
/* The bytes of that room in d's block (0 for a plain dict), for the collector's size. */
size_t asy_dict_room_bytes(ObjDict *d);
/* Free d's buffers, leaving it empty (the collector; asy_dict_clear). */
void asy_dict_release(VM *vm, ObjDict *d);
/* Iterate: *pos starts at 0; returns false at the end. Skips deleted entries. */
bool asy_dict_next(ObjDict *d, size_t *pos, Value *key, Value *value);
/* d.update(other) for a mapping (dict or keys()/__getitem__ object) or an iterable of
** pairs, CPython's messages. */
bool asy_dict_update(VM *vm, ObjDict *d, Value other);
/* Called with each (key, value) of a mapping; false after raising. */
typedef bool (*AsyItemFn)(VM *vm, void *ctx, Value key, Value value);
/* Call fn(key, mapping[key]) for each key the iterable `keys` yields: how a mapping that is
** not a dict is read (dict.update, {**m}, f(**m)). False after raising. */
bool asy_mapping_each_key(VM *vm, Value mapping, Value keys, AsyItemFn fn, void *ctx);
/* Merge a dict into d (override=false: keep d's value for duplicate keys). */
bool asy_dict_merge(VM *vm, ObjDict *d, ObjDict *other, bool override);
/* A shallow copy (class dict; the result's class is dict). */
ObjDict *asy_dict_copy(VM *vm, ObjDict *d);
/* Remove every entry. */
void asy_dict_clear(VM *vm, ObjDict *d);
/* repr `{'a': 1}` with the recursion guard. */
Value asy_dict_repr(VM *vm, Value d);
/* dict == dict: 1, 0, -1 error. */
int asy_dict_equal(VM *vm, ObjDict *a, ObjDict *b);
/* Pop a key: the value, UNDEF if absent, EXC_VAL on error. */
Value asy_dict_pop(VM *vm, ObjDict *d, Value key);
/* d[key] for dict and dict subclasses (calls __missing__, raises KeyError). */
Value asy_dict_getitem(VM *vm, ObjDict *d, Value key);

/* Fill the dict class (called by asy_init_container_types). */
void asy_init_dict_type(VM *vm);

#endif
