/*
** protocol.h — what the object-protocol files (protocol.c, class.c, func.c, the containers)
** share beyond vm.h: the repr recursion guard, slice arithmetic, the default reprs,
** and the per-file init hooks called by asy_init_object_types /
** asy_init_container_types.
**
** Built-in types keep their behaviour in C "slots" (the fast paths of protocol.c, keyed by
** the object's C layout). The natives put in the class dicts (list.__add__,
** object.__eq__, …) wrap those same slots, so `super().__eq__(x)` and
** `list.__getitem__(l, 0)` behave like the operators. When protocol.c finds such a native on
** a user subclass it uses the slot directly instead of calling it.
*/
#ifndef ASY_PROTOCOL_H
#define ASY_PROTOCOL_H

#include "opcodes.h"
#include "str.h"
#include "vm.h"

/* Repr recursion guard: 1 if o is already being repr'd (print `[...]`), else 0 and o
** is recorded until asy_repr_leave. */
int asy_repr_enter(VM *vm, Obj *o);
void asy_repr_leave(VM *vm, Obj *o);

/* The default object repr `<__main__.Foo object at 0x…>`. */
Value asy_object_repr(VM *vm, Value v);

/* Resolve a slice against a sequence length (PySlice_Unpack + AdjustIndices): false
** with TypeError/ValueError pending on bad indices; *slicelen is the item count. */
bool asy_slice_indices(VM *vm, ObjSlice *s, int64_t length, int64_t *start, int64_t *stop,
                       int64_t *step, int64_t *slicelen);
/* Normalise an index for a sequence of `length` (negative counts from the end); false
** if out of range (no exception). */
bool asy_seq_index(int64_t length, int64_t *i);

/* Append repr(v) / str(v) to a str.h builder; false with an exception pending (the
** builder stays valid and must still be freed). */
bool asy_buf_repr(VM *vm, AsyBuf *b, Value v);
bool asy_buf_str(VM *vm, AsyBuf *b, Value v);


/* TypeError for a method descriptor called on the wrong kind of object:
** "descriptor 'get' for 'dict' objects doesn't apply to a 'int' object". */
Value asy_bad_self(VM *vm, const char *meth, const char *type, int argc, Value *args);
/* Check args[0] has layout t, else return asy_bad_self (for the natives' first lines). */
#define ASY_SELF(layout, meth, type) \
  do { \
    if (argc < 1 || !IS_OBJ_TYPE(args[0], layout)) return asy_bad_self(vm, meth, type, argc, args); \
  } while (0)

/* The identity hash CPython uses for objects without __hash__ (pointer rotated). */
int64_t asy_hash_pointer(const void *p);

/* Rich comparison of the C slot of built-in types only (no user dunder dispatch):
** NotImplemented when the pair is not handled. */
Value asy_builtin_compare(VM *vm, int op, Value a, Value b);
/* Binary operator slot of the built-in types only: NotImplemented when unhandled. */
Value asy_builtin_binary(VM *vm, int op, Value a, Value b, bool inplace);

/* True if the value is a "method descriptor" native owned by a built-in class (a slot
** wrapper that protocol.c may bypass). */
bool asy_is_builtin_slot(Value v);

/* descr.__get__(obj, cls) for a value found on a class (obj UNDEF: accessed through
** the class): functions/natives bind, staticmethod unwraps, classmethod binds cls,
** property calls its getter, user descriptors get __get__ called. */
Value asy_bind(VM *vm, Value descr, Value obj, ObjClass *cls, ObjStr *name);

/* A property (kind 0), staticmethod (1) or classmethod (2) object around fget. */
ObjWrapper *asy_wrapper_new(VM *vm, int kind, Value fget);
/* A read-only property whose getter is a native (args[0] is the instance), as CPython's
** getset/member descriptors (range.start, function.__name__ …). */
void asy_def_property(VM *vm, ObjClass *cls, const char *name, NativeFn get);

/* Per-file init hooks (class.c calls the object-side ones, list.c the container ones). */
void asy_init_func_types(VM *vm);   /* func.c: function, method, builtin, module, cell, code */
void asy_init_range_types(VM *vm);  /* range.c: range, slice */
void asy_init_iter_types(VM *vm);   /* iter.c: iterator, dict views */
void asy_init_list_type(VM *vm);    /* list.c */
void asy_init_tuple_type(VM *vm);   /* tuple.c */
void asy_init_dict_type(VM *vm);    /* dict.c */
void asy_init_set_types(VM *vm);    /* set.c: set, frozenset */
void asy_init_ops_natives(VM *vm);  /* protocol.c: the slot-wrapper natives (__eq__, __add__ …) */

/* Reprs of the object-side types (func.c / class.c / range.c / iter.c). */
Value asy_function_repr(VM *vm, Value v);
Value asy_class_repr(VM *vm, ObjClass *c);
Value asy_range_repr(VM *vm, ObjRange *r);
Value asy_slice_repr(VM *vm, ObjSlice *s);
Value asy_dictview_repr(VM *vm, ObjDictView *v);
Value asy_iter_repr(VM *vm, ObjIter *it);

/* Special attributes of functions, bound methods, natives, modules, classes (func.c and
** class.c): the value, or UNDEF if `name` is not one of them. */
Value asy_func_special_attr(VM *vm, Value obj, ObjStr *name);
/* Setting an attribute of a function (its __dict__ or a writable special). */
bool asy_func_setattr(VM *vm, ObjFunction *f, ObjStr *name, Value value);

/* Range helpers (range.c). */
int64_t asy_range_len(ObjRange *r);
Value asy_range_getitem(VM *vm, ObjRange *r, Value key);
int asy_range_contains(VM *vm, ObjRange *r, Value v);
Value asy_range_compare(VM *vm, int op, ObjRange *a, ObjRange *b);
int64_t asy_range_hash(VM *vm, ObjRange *r, bool *ok);
bool asy_slice_hash(VM *vm, ObjSlice *s, int64_t *out);
Value asy_slice_compare(VM *vm, int op, ObjSlice *a, ObjSlice *b);

/* Iterators over the built-in containers (iter.c). */
Value asy_list_iter(VM *vm, Value list);
Value asy_tuple_iter(VM *vm, Value tuple);
Value asy_dict_iter(VM *vm, ObjDict *d, int kind); /* 0 keys, 1 values, 2 items */
Value asy_set_iter(VM *vm, ObjSet *s);
Value asy_range_iter(VM *vm, ObjRange *r);
Value asy_seq_iter(VM *vm, Value obj); /* __getitem__-based sequence iterator */
Value asy_dictview_new(VM *vm, ObjDict *d, int kind);
/* Dict view helpers for protocol.c (len, `in`, set operators on keys/items views). */
int64_t asy_dictview_len(ObjDictView *v);
int asy_dictview_contains(VM *vm, ObjDictView *v, Value item);
Value asy_dictview_binary(VM *vm, int op, Value a, Value b);
Value asy_dictview_compare(VM *vm, int op, Value a, Value b);

#endif
