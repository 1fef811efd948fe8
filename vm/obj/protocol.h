/*
** protocol.h — the object protocol's helpers beyond vm.h (protocol.c): the repr
** recursion guard, the default repr, repr/str into a builder, the identity hash, and
** the built-in types' operator slots.
**
** Built-in types keep their behaviour in C "slots" (the fast paths of protocol.c, keyed by
** the object's C layout). The natives put in the class dicts (list.__add__,
** object.__eq__, …) wrap those same slots, so `super().__eq__(x)` and
** `list.__getitem__(l, 0)` behave like the operators. When protocol.c finds such a native on
** a user subclass it uses the slot directly instead of calling it.
*/
#ifndef ASY_PROTOCOL_H
#define ASY_PROTOCOL_H

#include "vm/gc.h" /* asy_push_root */
#include "vm/obj/str.h"
#include "vm/vm.h"

/* Repr recursion guard: 1 if o is already being repr'd (print `[...]`), else 0 and o
** is recorded until asy_repr_leave. */
int asy_repr_enter(VM *vm, Obj *o);
void asy_repr_leave(VM *vm, Obj *o);

/* The default object repr `<__main__.Foo object at 0x…>`. */
Value asy_object_repr(VM *vm, Value v);

/* Append repr(v) / str(v) to a str.h builder; false with an exception pending (the
** builder stays valid and must still be freed). */
bool asy_buf_repr(VM *vm, AsyBuf *b, Value v);
bool asy_buf_str(VM *vm, AsyBuf *b, Value v);

/* One step of asy_for_each: 1 to go on, 0 to stop early, -1 after raising. */
typedef int (*AsyEachFn)(VM *vm, void *ctx, Value item);
/* Pass each item of an iterable to fn, rooted so fn may allocate: 1 when the iterable is
** exhausted, 0 when fn stopped early, -1 with an exception pending. Inline so that each
** caller's step inlines into the loop, as fast as a loop written out. */
static inline int asy_for_each(VM *vm, Value iterable, AsyEachFn fn, void *ctx) {
  Value it = asy_iter(vm, iterable);
  if (IS_EXC(it)) return -1;
  for (;;) {
    Value item = asy_next(vm, it);
    if (IS_EXC(item)) return -1;
    if (IS_UNDEF(item)) return 1;
    asy_push_root(vm, item);
    int r = fn(vm, ctx, item);
    if (r <= 0) return r;
  }
}

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

/* Install the slot-wrapper natives (__eq__, __add__ …) of the built-in classes
** (called by asy_init_object_types). */
void asy_init_ops_natives(VM *vm);

#endif
