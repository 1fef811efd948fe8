/*
** value.h — the Value: what every Asy expression evaluates to.
**
** A Value is a tagged union (Lua's TValue): a tag byte and one 64-bit payload.
** An int that fits in 64 bits is an immediate (a bigger one is a heap ObjBigInt, see
** vm/obj/bigint.h), so an int does not fit NaN-boxing; a 16-byte struct passed by value
** is cheap on x86-64 (two registers) and keeps ints, floats, bools and None
** allocation-free.
**
** Two tags never reach script code:
**   VAL_UNDEF  "no value": an unbound local, a missing dict entry, an exhausted
**              iterator (asy_next), an absent optional argument.
**   VAL_EXC    "an exception is pending": returned by any C function that can fail.
**              The exception object itself lives in vm->fiber->exc (see vm.h).
**              Callers test IS_EXC(v) and return it upward unchanged.
**
** Always go through the macros below, never the fields, so the representation can
** change later (NaN-boxing with boxed big ints, pointer tagging) without touching
** the rest of the interpreter.
*/
#ifndef ASY_VALUE_H
#define ASY_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Obj Obj;

typedef enum {
  VAL_UNDEF = 0, /* internal: "nothing here" (zero-initialised memory is UNDEF) */
  VAL_NONE,      /* None */
  VAL_BOOL,      /* True / False (a subclass of int, as in Python) */
  VAL_INT,       /* an int in the int64 range (beyond it: ObjBigInt, vm/obj/bigint.h) */
  VAL_FLOAT,     /* IEEE double */
  VAL_OBJ,       /* pointer to a heap object (see object.h) */
  VAL_EXC,       /* internal: error sentinel, exception pending in the fiber */
} ValueTag;

typedef struct {
  /* A ValueTag, stored as a full word on purpose: Values are copied as two 8-byte words,
  ** and a 1-byte tag store followed by an 8-byte load of the same word (pushing a
  ** fresh INT_VAL and then copying it off the stack, the interpreter's bread and
  ** butter) defeats the CPU's store-to-load forwarding — a ~12-cycle stall that cost
  ** the 20M-step loop benchmark over 40% of its time. Likewise BOOL_VAL writes the
  ** whole payload word. */
  uint64_t tag;
  union {
    bool b; /* unused: bools are written and read through .i (0 or 1) */
    int64_t i;
    double f;
    Obj *o;
  } as;
} Value;

/* Constructors. */
#define UNDEF_VAL ((Value){.tag = VAL_UNDEF, .as.i = 0})
#define NONE_VAL ((Value){.tag = VAL_NONE, .as.i = 0})
#define EXC_VAL ((Value){.tag = VAL_EXC, .as.i = 0})
#define BOOL_VAL(x) ((Value){.tag = VAL_BOOL, .as.i = (x) ? 1 : 0})
#define TRUE_VAL BOOL_VAL(true)
#define FALSE_VAL BOOL_VAL(false)
#define INT_VAL(x) ((Value){.tag = VAL_INT, .as.i = (int64_t)(x)})
#define FLOAT_VAL(x) ((Value){.tag = VAL_FLOAT, .as.f = (double)(x)})
#define OBJ_VAL(p) ((Value){.tag = VAL_OBJ, .as.o = (Obj *)(p)})

/* Tests. */
#define IS_UNDEF(v) ((v).tag == VAL_UNDEF)
#define IS_NONE(v) ((v).tag == VAL_NONE)
#define IS_EXC(v) ((v).tag == VAL_EXC)
#define IS_BOOL(v) ((v).tag == VAL_BOOL)
#define IS_INT(v) ((v).tag == VAL_INT)
#define IS_FLOAT(v) ((v).tag == VAL_FLOAT)
#define IS_OBJ(v) ((v).tag == VAL_OBJ)
/* int or bool: what Python's isinstance(x, int) accepts among immediates. */
#define IS_INTLIKE(v) ((v).tag == VAL_INT || (v).tag == VAL_BOOL)
#define IS_NUMBER(v) (IS_INTLIKE(v) || (v).tag == VAL_FLOAT)

/* Accessors (no checks). */
#define AS_BOOL(v) ((v).as.i != 0)
#define AS_INT(v) ((v).as.i)
#define AS_FLOAT(v) ((v).as.f)
#define AS_OBJ(v) ((v).as.o)
/* int or bool as int64 (True is 1). */
#define AS_INTLIKE(v) ((v).as.i) /* a bool's payload is 0 or 1 (BOOL_VAL) */
/* int, bool or float as double. */
#define AS_NUMBER(v) ((v).tag == VAL_FLOAT ? (v).as.f : (double)AS_INTLIKE(v))

/* A Value's tag and payload apart, and put back together: for compact storage that keeps
** them in different places (a dict entry's key). */
#define VALUE_TAG(v) ((ValueTag)(v).tag)
#define VALUE_BITS(v) ((uint64_t)(v).as.i)
#define VALUE_FROM_BITS(t, bits) ((Value){.tag = (t), .as.i = (int64_t)(bits)})

/* Identity, as Python's `is`. Immediates compare by value (ints are not cached
** objects here, so `x is 5` is true whenever x == 5, a harmless superset); floats
** compare bitwise, so 0.0 is not -0.0 and each float("nan") — which gets a payload of
** its own, see asy_fresh_nan — is identical only to itself. */
static inline bool asy_same(Value a, Value b) {
  if (a.tag != b.tag) return false;
  switch (a.tag) {
  case VAL_UNDEF:
  case VAL_NONE:
  case VAL_EXC: return true;
  case VAL_BOOL: return a.as.i == b.as.i;
  case VAL_INT: return a.as.i == b.as.i;
  case VAL_FLOAT: return a.as.i == b.as.i;
  default: return a.as.o == b.as.o;
  }
}

#endif
