/*
** protocol.c — the generic object protocol: operators, comparison, hashing, truth, len,
** `in`, subscripts, iteration, repr/str.
**
** Every operation first takes the C fast path of a built-in layout (a list is an
** ObjList whatever Python sees), then dispatches to dunder methods found on the class.
** User subclasses of built-ins get the fast path unless they override the dunder: a
** method found in a class dict that is a native owned by a built-in class is a "slot
** wrapper" (see protocol.h) and stands for the fast path.
**
** Binary operators follow CPython's binary_op1: the left operand's method, the right
** operand's reflected method (first, if the right operand's class is a subclass that
** overrides it), then the sequence concat/repeat fallbacks and their messages.
** Comparisons follow do_richcompare, including the identity fallback of == and !=.
*/
#include <stdlib.h>
#include <string.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/gen.h"    /* asy_gen_resume */
#include "vm/interp.h" /* asy_c_stack_exhausted */
#include "vm/obj/bigint.h"
#include "vm/obj/bytes.h"
#include "vm/obj/class.h"
#include "vm/obj/dict.h"
#include "vm/obj/dtoa.h"
#include "vm/obj/format.h"
#include "vm/obj/func.h"
#include "vm/obj/genericalias.h"
#include "vm/obj/iter.h"
#include "vm/obj/list.h"
#include "vm/obj/number.h"
#include "vm/obj/protocol.h"
#include "vm/obj/range.h"
#include "vm/obj/set.h"
#include "vm/obj/str.h"
#include "vm/obj/strspan.h"
#include "vm/obj/tuple.h"

/* ---- names ----------------------------------------------------------------------- */

/* clang-format off */
static const char *const binop_dunder[BINOP__COUNT][3] = {
  {"__add__", "__radd__", "__iadd__"},           {"__and__", "__rand__", "__iand__"},
  {"__floordiv__", "__rfloordiv__", "__ifloordiv__"}, {"__lshift__", "__rlshift__", "__ilshift__"},
  {"__matmul__", "__rmatmul__", "__imatmul__"},  {"__mul__", "__rmul__", "__imul__"},
  {"__mod__", "__rmod__", "__imod__"},           {"__or__", "__ror__", "__ior__"},
  {"__pow__", "__rpow__", "__ipow__"},           {"__rshift__", "__rrshift__", "__irshift__"},
  {"__sub__", "__rsub__", "__isub__"},           {"__truediv__", "__rtruediv__", "__itruediv__"},
  {"__xor__", "__rxor__", "__ixor__"},
};
/* clang-format on */
static const char *const binop_symbol[BINOP__COUNT] = {"+", "&",  "//", "<<", "@", "*", "%",
                                                       "|", "**", ">>", "-",  "/", "^"};
static const char *const cmp_dunder[6] = {"__lt__", "__le__", "__eq__",
                                          "__ne__", "__gt__", "__ge__"};
static const char *const cmp_symbol[6] = {"<", "<=", "==", "!=", ">", ">="};
static const int cmp_swapped[6] = {CMP_GT, CMP_GE, CMP_EQ, CMP_NE, CMP_LT, CMP_LE};

/* Interned once per VM into vm->opnames (a GC root), indexed like the tables above. */
static void init_names(VM *vm) {
  for (int i = 0; i < BINOP__COUNT; i++)
    for (int j = 0; j < 3; j++)
      vm->opnames.binop[i][j] = asy_str_intern(vm, binop_dunder[i][j], strlen(binop_dunder[i][j]));
  for (int i = 0; i < 6; i++)
    vm->opnames.cmp[i] = asy_str_intern(vm, cmp_dunder[i], strlen(cmp_dunder[i]));
  vm->opnames.unary[UNOP_NEGATIVE] = vm->names.neg;
  vm->opnames.unary[UNOP_POSITIVE] = vm->names.pos;
  vm->opnames.unary[UNOP_INVERT] = vm->names.invert;
}

/* ---- small helpers ----------------------------------------------------------------- */

int64_t asy_hash_pointer(const void *p) {
  uint64_t y = (uint64_t)(uintptr_t)p;
  y = (y >> 4) | (y << 60);
  int64_t h = (int64_t)y;
  return h == -1 ? -2 : h;
}

bool asy_is_builtin_slot(Value v) {
  if (!IS_NATIVE(v)) return false;
  ObjNative *n = AS_NATIVE(v);
  return n->owner && (n->owner->flags & CLASS_BUILTIN) && IS_UNDEF(n->self);
}

/* How a class provides a dunder. */
typedef enum {
  M_NONE, /* absent, or set to None */
  M_SLOT, /* inherited from a built-in class: the C fast path applies */
  M_USER, /* a Python-level method (or other callable) in *out */
} MKind;

static MKind method_of(VM *vm, ObjClass *cls, ObjStr *name, Value *out) {
  Value v = asy_class_lookup_cached(vm, cls, name);
  *out = v;
  if (IS_UNDEF(v) || IS_NONE(v)) return M_NONE;
  /* int's and float's natives on a subclass are called (call.c passes them the number) */
  if (asy_is_builtin_slot(v)) return (cls->flags & CLASS_BOXED) ? M_USER : M_SLOT;
  return M_USER;
}

static bool is_builtin(ObjClass *c) { return (c->flags & CLASS_BUILTIN) != 0; }

/* Call a dunder found on the class with self prepended (binding non-functions). */
static Value call_method(VM *vm, Value m, Value self, int argc, Value *args, ObjStr *name) {
  Value buf[4];
  if (IS_FUNCTION(m) || IS_NATIVE(m)) {
    buf[0] = self;
    for (int i = 0; i < argc && i < 3; i++) buf[i + 1] = args[i];
    /* `def __iter__(self): ... yield`: the generator, without a nested run */
    if (IS_FUNCTION(m) && asy_gen_direct_call_ok(AS_FUNCTION(m), argc + 1))
      return asy_gen_new_direct(vm, AS_FUNCTION(m), buf, argc + 1);
    return asy_call(vm, m, argc + 1, buf, NULL);
  }
  Value bound = asy_bind(vm, m, self, asy_class_of(vm, self), name);
  if (IS_EXC(bound)) return bound;
  return asy_call(vm, bound, argc, args, NULL);
}

/* A special method without arguments (__len__, __iter__) of an object that its layout's
** slot did not answer for (the callers try that first, inline): the slot again when the
** class inherits the built-in's wrapper, else the method found on the class, called.
** `layout` gives UNDEF when the layout has no such slot; the result is UNDEF when the
** class has no such method. */
static Value call_unary_special(VM *vm, Value v, ObjStr *name, Value (*layout)(VM *, Value)) {
  Value m;
  MKind k = method_of(vm, AS_OBJ(v)->cls, name, &m);
  if (k == M_USER) return call_method(vm, m, v, 0, NULL, name);
  if (k != M_SLOT) return UNDEF_VAL;
  Value r = layout(vm, v);
  return IS_UNDEF(r) ? asy_call(vm, m, 1, &v, NULL) : r;
}

static bool is_notimpl(VM *vm, Value v) { return IS_OBJ(v) && asy_same(v, vm->notimplemented); }

/* ---- repr guard ------------------------------------------------------------------- */

int asy_repr_enter(VM *vm, Obj *o) {
  for (size_t i = 0; i < vm->repr.count; i++)
    if (vm->repr.stack[i] == o) return 1;
  if (vm->repr.count == vm->repr.capacity) {
    size_t cap = vm->repr.capacity ? vm->repr.capacity * 2 : 16;
    Obj **s = realloc(vm->repr.stack, cap * sizeof(Obj *));
    if (!s) abort();
    vm->repr.stack = s;
    vm->repr.capacity = cap;
  }
  vm->repr.stack[vm->repr.count++] = o;
  return 0;
}

void asy_repr_leave(VM *vm, Obj *o) {
  for (size_t i = vm->repr.count; i > 0; i--)
    if (vm->repr.stack[i - 1] == o) {
      memmove(&vm->repr.stack[i - 1], &vm->repr.stack[i], (vm->repr.count - i) * sizeof(Obj *));
      vm->repr.count--;
      return;
    }
}

/* ---- hashing ------------------------------------------------------------------------ */

static bool unhashable(VM *vm, Value v) {
  asy_raise(vm, vm->exc.TypeError, "unhashable type: '%s'", asy_type_name(vm, v));
  return false;
}

/* Hash by C layout (built-in behaviour). */
static bool layout_hash(VM *vm, Value v, int64_t *out) {
  Obj *o = AS_OBJ(v);
  switch ((ObjType)o->type) {
  case OBJ_STR: *out = asy_str_hash((ObjStr *)o); return true;
  case OBJ_BIGINT: *out = asy_bigint_hash((ObjBigInt *)o); return true;
  case OBJ_BYTES: *out = asy_bytes_hash((ObjBytes *)o); return true;
  case OBJ_TUPLE:
    /* Hashing nested tuples recurses in C: deep data raises instead of overflowing. */
    if (!asy_c_stack_check(vm)) return false;
    return asy_tuple_hash(vm, (ObjTuple *)o, out);
  case OBJ_SET:
    if (!asy_is_subclass(o->cls, vm->types.frozenset)) return unhashable(vm, v);
    *out = asy_frozenset_hash((ObjSet *)o);
    return true;
  case OBJ_LIST:
  case OBJ_DICT: return unhashable(vm, v);
  case OBJ_DICTVIEW:
    if (((ObjDictView *)o)->kind != 1) return unhashable(vm, v);
    *out = asy_hash_pointer(o);
    return true;
  case OBJ_RANGE: {
    bool ok;
    *out = asy_range_hash(vm, (ObjRange *)o, &ok);
    return ok;
  }
  case OBJ_SLICE: return asy_slice_hash(vm, (ObjSlice *)o, out);
  default: *out = asy_hash_pointer(o); return true;
  }
}

bool asy_hash(VM *vm, Value v, int64_t *out) {
  switch (v.tag) {
  case VAL_NONE: *out = 4238894112LL; return true; /* CPython 3.13's constant */
  case VAL_BOOL: *out = AS_BOOL(v) ? 1 : 0; return true;
  case VAL_INT: *out = asy_hash_int(AS_INT(v)); return true;
  case VAL_FLOAT: *out = asy_hash_float(AS_FLOAT(v)); return true;
  case VAL_OBJ: break;
  default: *out = 0; return true;
  }
  ObjClass *cls = AS_OBJ(v)->cls;
  if (is_builtin(cls)) {
    if (cls->layout == OBJ_INSTANCE && AS_OBJ(v)->type == OBJ_INSTANCE) {
      Value m;
      if (method_of(vm, cls, vm->names.hash, &m) == M_USER) goto user; /* e.g. int subclass natives */
    }
    return layout_hash(vm, v, out);
  }
  Value m;
  switch (method_of(vm, cls, vm->names.hash, &m)) {
  case M_NONE: return unhashable(vm, v);
  case M_SLOT: return layout_hash(vm, v, out);
  case M_USER: break;
  }
user:;
  Value r = call_method(vm, m, v, 0, NULL, vm->names.hash);
  if (IS_EXC(r)) return false;
  if (IS_BOOL(r)) r = INT_VAL(AS_BOOL(r));
  if (IS_BIGINT(r)) r = INT_VAL(asy_bigint_hash(AS_BIGINT(r))); /* CPython rehashes it */
  if (!IS_INT(r)) {
    asy_raise(vm, vm->exc.TypeError, "__hash__ method should return an integer");
    return false;
  }
  /* A result that fits a C Py_ssize_t is used as is (CPython); -1 is reserved. */
  *out = AS_INT(r) == -1 ? -2 : AS_INT(r);
  return true;
}

/* ---- comparison ---------------------------------------------------------------------- */

/* Lexicographic comparison of two lists, re-reading the live items each step (a user
** __eq__ may resize either list). */
static Value list_compare(VM *vm, int op, ObjList *a, ObjList *b) {
  if ((op == CMP_EQ || op == CMP_NE) && a->size != b->size) return BOOL_VAL(op == CMP_NE);
  size_t i = 0;
  for (; i < a->size && i < b->size; i++) {
    Value x = a->items[i], y = b->items[i];
    asy_push_root(vm, x);
    asy_push_root(vm, y);
    int eq = asy_equal(vm, x, y);
    if (eq < 0) return EXC_VAL;
    if (!eq) break;
  }
  if (i >= a->size || i >= b->size) {
    size_t na = a->size, nb = b->size;
    switch (op) {
    case CMP_LT: return BOOL_VAL(na < nb);
    case CMP_LE: return BOOL_VAL(na <= nb);
    case CMP_EQ: return BOOL_VAL(na == nb);
    case CMP_NE: return BOOL_VAL(na != nb);
    case CMP_GT: return BOOL_VAL(na > nb);
    default: return BOOL_VAL(na >= nb);
    }
  }
  if (op == CMP_EQ) return FALSE_VAL;
  if (op == CMP_NE) return TRUE_VAL;
  return asy_compare(vm, op, a->items[i], b->items[i]);
}

Value asy_builtin_compare(VM *vm, int op, Value a, Value b) {
  if (asy_is_num(a) && asy_is_num(b)) return asy_number_compare(vm, op, a, b);
  if (IS_OBJ(a) && IS_OBJ(b) && OBJ_TYPE(a) == OBJ_TYPE(b)) {
    /* Comparing nested containers recurses in C: deep data raises instead of overflowing. */
    if (asy_c_stack_exhausted())
      return asy_raise(vm, vm->exc.RecursionError,
                       "maximum recursion depth exceeded in comparison");
    switch (OBJ_TYPE(a)) {
    case OBJ_STR: return asy_str_compare(vm, op, AS_STR(a), AS_STR(b));
    case OBJ_BYTES: return asy_bytes_compare(vm, op, AS_BYTES(a), AS_BYTES(b));
    case OBJ_LIST: return list_compare(vm, op, AS_LIST(a), AS_LIST(b));
    case OBJ_TUPLE:
      return asy_seq_compare(vm, op, AS_TUPLE(a)->items, AS_TUPLE(a)->size, AS_TUPLE(b)->items,
                             AS_TUPLE(b)->size);
    case OBJ_DICT:
      if (op == CMP_EQ || op == CMP_NE) {
        int eq = asy_dict_equal(vm, AS_DICT(a), AS_DICT(b));
        if (eq < 0) return EXC_VAL;
        return BOOL_VAL(op == CMP_EQ ? eq : !eq);
      }
      return vm->notimplemented;
    case OBJ_SET: return asy_set_compare(vm, op, AS_SET(a), AS_SET(b));
    case OBJ_RANGE: return asy_range_compare(vm, op, AS_RANGE(a), AS_RANGE(b));
    case OBJ_SLICE: return asy_slice_compare(vm, op, (ObjSlice *)AS_OBJ(a), (ObjSlice *)AS_OBJ(b));
    default: break;
    }
  }
  if (IS_OBJ_TYPE(a, OBJ_DICTVIEW)) {
    Value r = asy_dictview_compare(vm, op, a, b);
    if (!is_notimpl(vm, r)) return r;
  }
  /* object.__eq__ / object.__ne__ */
  if (op == CMP_EQ) return asy_same(a, b) && IS_OBJ(a) ? TRUE_VAL : vm->notimplemented;
  if (op == CMP_NE) {
    Value m;
    if (IS_OBJ(a) && !is_builtin(AS_OBJ(a)->cls) &&
        method_of(vm, AS_OBJ(a)->cls, vm->names.eq, &m) == M_USER) {
      Value r = call_method(vm, m, a, 1, &b, vm->names.eq);
      if (IS_EXC(r) || is_notimpl(vm, r)) return r;
      int t = asy_truthy(vm, r);
      if (t < 0) return EXC_VAL;
      return BOOL_VAL(!t);
    }
    return asy_same(a, b) && IS_OBJ(a) ? FALSE_VAL : vm->notimplemented;
  }
  return vm->notimplemented;
}

/* One side's rich comparison slot. */
static Value cmp_slot(VM *vm, int op, Value self, Value other) {
  ObjClass *cls = asy_class_of(vm, self);
  if (is_builtin(cls)) return asy_builtin_compare(vm, op, self, other);
  Value m;
  switch (method_of(vm, cls, vm->opnames.cmp[op], &m)) {
  case M_NONE: return vm->notimplemented;
  case M_SLOT: return asy_builtin_compare(vm, op, self, other);
  default: return call_method(vm, m, self, 1, &other, vm->opnames.cmp[op]);
  }
}

/* Does an instance of cls compare with object's own __eq__ and __ne__ (identity)? */
static bool identity_equality(VM *vm, ObjClass *cls) {
  ObjClass *object = vm->types.object;
  return asy_same(asy_class_lookup_cached(vm, cls, vm->names.eq),
                  asy_class_lookup_cached(vm, object, vm->names.eq)) &&
         asy_same(asy_class_lookup_cached(vm, cls, vm->names.ne),
                  asy_class_lookup_cached(vm, object, vm->names.ne));
}

Value asy_compare(VM *vm, int op, Value a, Value b) {
  if (asy_is_num(a) && asy_is_num(b)) return asy_number_compare(vm, op, a, b);
  if (IS_STR(a) && IS_STR(b) && AS_OBJ(a)->cls == vm->types.str && AS_OBJ(b)->cls == vm->types.str)
    return asy_str_compare(vm, op, AS_STR(a), AS_STR(b));
  ObjClass *ca = asy_class_of(vm, a), *cb = asy_class_of(vm, b);
  if ((op == CMP_EQ || op == CMP_NE) && IS_OBJ_TYPE(a, OBJ_INSTANCE) &&
      IS_OBJ_TYPE(b, OBJ_INSTANCE) && identity_equality(vm, ca) &&
      (cb == ca || identity_equality(vm, cb))) {
    /* What object's __eq__/__ne__ on both sides come to, without the four lookups and
    ** the NotImplemented round trip. */
    return BOOL_VAL((AS_OBJ(a) == AS_OBJ(b)) == (op == CMP_EQ));
  }
  int rop = cmp_swapped[op];
  bool checked_reverse = false;
  Value r;
  if (ca != cb && asy_is_subclass(cb, ca)) {
    checked_reverse = true;
    r = cmp_slot(vm, rop, b, a);
    if (!is_notimpl(vm, r)) return r;
  }
  r = cmp_slot(vm, op, a, b);
  if (!is_notimpl(vm, r)) return r;
  if (!checked_reverse) {
    r = cmp_slot(vm, rop, b, a);
    if (!is_notimpl(vm, r)) return r;
  }
  if (op == CMP_EQ) return BOOL_VAL(asy_same(a, b));
  if (op == CMP_NE) return BOOL_VAL(!asy_same(a, b));
  return asy_raise(vm, vm->exc.TypeError, "'%s' not supported between instances of '%s' and '%s'",
                   cmp_symbol[op], asy_type_name(vm, a), asy_type_name(vm, b));
}

/* The one equality entry point (containers, dict/set keys, `in`, list.index...): identity
** first, as PyObject_RichCompareBool, so `nan in [nan]` holds. */
int asy_equal(VM *vm, Value a, Value b) {
  if (IS_OBJ(a) && IS_OBJ(b) && AS_OBJ(a) == AS_OBJ(b)) return 1;
  /* for floats identity is bitwise (see asy_same) */
  if (IS_FLOAT(a) && IS_FLOAT(b) && asy_same(a, b)) return 1;
  if (asy_is_num(a) && asy_is_num(b)) {
    Value r = asy_number_compare(vm, CMP_EQ, a, b);
    return IS_EXC(r) ? -1 : AS_BOOL(r);
  }
  /* the remaining immediates (None) are equal only to themselves */
  if (!IS_OBJ(a) && !IS_OBJ(b)) return asy_same(a, b);
  if (IS_STR(a) && IS_STR(b) && AS_OBJ(a)->cls == vm->types.str && AS_OBJ(b)->cls == vm->types.str)
    return asy_str_equal(AS_STR(a), AS_STR(b));
  Value r = asy_compare(vm, CMP_EQ, a, b);
  if (IS_EXC(r)) return -1;
  if (IS_BOOL(r)) return AS_BOOL(r);
  return asy_truthy(vm, r);
}

/* ---- binary operators ------------------------------------------------------------------ */

static bool is_float_op(int op) {
  return op == BINOP_ADD || op == BINOP_SUBTRACT || op == BINOP_MULTIPLY ||
         op == BINOP_TRUE_DIVIDE || op == BINOP_FLOOR_DIVIDE || op == BINOP_REMAINDER ||
         op == BINOP_POWER;
}

/* The item count of `size` items (size > 0) repeated n > 0 times, when that many Values
** can be allocated: false with MemoryError otherwise. Divide, never multiply: n * size
** can wrap around 2**64 to a small number. */
static bool repeat_total(VM *vm, size_t size, int64_t n, size_t *total) {
  if ((uint64_t)n > (uint64_t)SIZE_MAX / size ||
      asy_alloc_too_big(size * (size_t)n, sizeof(Value))) {
    asy_raise_value(vm, OBJ_VAL(vm->exc.MemoryError));
    return false;
  }
  *total = size * (size_t)n;
  return true;
}

static Value list_repeat(VM *vm, ObjList *l, int64_t n) {
  if (n <= 0 || l->size == 0) return OBJ_VAL(asy_list_new(vm, 0));
  size_t total;
  if (!repeat_total(vm, l->size, n, &total)) return EXC_VAL;
  ObjList *r = asy_list_new(vm, 0);
  if (!asy_list_reserve(vm, r, total)) return EXC_VAL;
  asy_list_repeat_into(r->items, l->items, l->size, (size_t)n);
  r->size = total;
  return OBJ_VAL(r);
}

static Value tuple_repeat(VM *vm, ObjTuple *t, int64_t n) {
  if (n == 1 && t->obj.cls == vm->types.tuple) return OBJ_VAL(t);
  if (n <= 0 || t->size == 0) return OBJ_VAL(asy_tuple_new(vm, 0));
  size_t total;
  if (!repeat_total(vm, t->size, n, &total)) return EXC_VAL;
  ObjTuple *r = asy_tuple_try_new(vm, vm->types.tuple, total);
  if (!r) return EXC_VAL;
  asy_list_repeat_into(r->items, t->items, t->size, (size_t)n);
  return OBJ_VAL(r);
}

/* seq * n for a sequence layout (n already an int). */
static Value seq_repeat(VM *vm, Value seq, int64_t n) {
  switch (OBJ_TYPE(seq)) {
  case OBJ_STR: return asy_str_repeat(vm, AS_STR(seq), n);
  case OBJ_LIST: return list_repeat(vm, AS_LIST(seq), n);
  case OBJ_TUPLE: return tuple_repeat(vm, AS_TUPLE(seq), n);
  case OBJ_BYTES: return asy_bytes_repeat(vm, AS_BYTES(seq), n);
  default: return vm->notimplemented;
  }
}

static bool is_sequence_layout(Value v) {
  if (!IS_OBJ(v)) return false;
  switch (OBJ_TYPE(v)) {
  case OBJ_STR:
  case OBJ_LIST:
  case OBJ_TUPLE:
  case OBJ_BYTES: return true;
  default: return false;
  }
}

Value asy_builtin_binary(VM *vm, int op, Value a, Value b, bool inplace) {
  if (asy_is_num(a) && asy_is_num(b)) {
    if (IS_BOOL(a) && IS_BOOL(b) && (op == BINOP_AND || op == BINOP_OR || op == BINOP_XOR)) {
      bool x = AS_BOOL(a), y = AS_BOOL(b);
      return BOOL_VAL(op == BINOP_AND ? (x && y) : op == BINOP_OR ? (x || y) : (x != y));
    }
    if (op == BINOP_MATRIX_MULTIPLY) return vm->notimplemented;
    if (IS_INTLIKE(a) && IS_INTLIKE(b)) return asy_int_binary(vm, op, AS_INTLIKE(a), AS_INTLIKE(b));
    if (asy_is_int(a) && asy_is_int(b)) return asy_bigint_binary(vm, op, a, b);
    if (!is_float_op(op)) return vm->notimplemented;
    return asy_number_binary(vm, op, a, b);
  }
  if (!IS_OBJ(a) && !IS_OBJ(b)) return vm->notimplemented;
  /* Sequence repetition with a plain int on either side. */
  if (op == BINOP_MULTIPLY &&
      ((is_sequence_layout(a) && IS_BIGINT(b)) || (is_sequence_layout(b) && IS_BIGINT(a))))
    return asy_raise(vm, vm->exc.OverflowError, "cannot fit 'int' into an index-sized integer");
  if (op == BINOP_MULTIPLY) {
    if (is_sequence_layout(a) && IS_INTLIKE(b)) {
      if (inplace && IS_LIST(a)) {
        ObjList *l = AS_LIST(a);
        Value r = list_repeat(vm, l, AS_INTLIKE(b));
        if (IS_EXC(r)) return r;
        ObjList *rl = AS_LIST(r);
        asy_list_settle(l);
        Value *items = l->items;
        size_t cap = l->capacity;
        l->items = rl->items;
        l->capacity = rl->capacity;
        l->size = rl->size;
        rl->items = items;
        rl->capacity = cap;
        rl->size = 0;
        return a;
      }
      return seq_repeat(vm, a, AS_INTLIKE(b));
    }
    if (is_sequence_layout(b) && IS_INTLIKE(a)) return seq_repeat(vm, b, AS_INTLIKE(a));
  }
  if (!IS_OBJ(a)) return vm->notimplemented;
  switch (OBJ_TYPE(a)) {
  case OBJ_STR:
    if (op == BINOP_ADD && IS_STR(b)) return asy_str_concat(vm, AS_STR(a), AS_STR(b));
    if (op == BINOP_REMAINDER) return asy_str_percent(vm, AS_STR(a), b);
    break;
  case OBJ_BYTES:
    if (op == BINOP_ADD && IS_BYTES(b)) return asy_bytes_concat(vm, AS_BYTES(a), AS_BYTES(b));
    if (op == BINOP_REMAINDER) return asy_bytes_percent(vm, AS_BYTES(a), b); /* strings area */
    break;
  case OBJ_LIST:
    if (op == BINOP_ADD) {
      if (inplace) return asy_list_extend(vm, AS_LIST(a), b) ? a : EXC_VAL;
      if (IS_LIST(b)) {
        ObjList *x = AS_LIST(a), *y = AS_LIST(b);
        ObjList *r = asy_list_new(vm, x->size + y->size);
        if (x->size) memcpy(r->items, x->items, x->size * sizeof(Value));
        if (y->size) memcpy(r->items + x->size, y->items, y->size * sizeof(Value));
        r->size = x->size + y->size;
        return OBJ_VAL(r);
      }
    }
    break;
  case OBJ_TUPLE:
    if (op == BINOP_ADD && IS_TUPLE(b)) {
      ObjTuple *x = AS_TUPLE(a), *y = AS_TUPLE(b);
      if (y->size == 0 && x->obj.cls == vm->types.tuple) return a;
      if (x->size == 0 && y->obj.cls == vm->types.tuple) return b;
      ObjTuple *r = asy_tuple_try_new(vm, vm->types.tuple, (size_t)x->size + y->size);
      if (!r) return EXC_VAL;
      if (x->size) memcpy(r->items, x->items, x->size * sizeof(Value));
      if (y->size) memcpy(r->items + x->size, y->items, y->size * sizeof(Value));
      return OBJ_VAL(r);
    }
    break;
  case OBJ_SET: return asy_set_binary(vm, op, a, b, inplace);
  case OBJ_DICT:
    if (op == BINOP_OR) {
      if (inplace) return asy_dict_update(vm, AS_DICT(a), b) ? a : EXC_VAL;
      if (IS_DICT(b)) {
        ObjDict *r = asy_dict_copy(vm, AS_DICT(a));
        if (!asy_dict_merge(vm, r, AS_DICT(b), true)) return EXC_VAL;
        return OBJ_VAL(r);
      }
    }
    break;
  default: break;
  }
  if (IS_OBJ_TYPE(a, OBJ_DICTVIEW) || IS_OBJ_TYPE(b, OBJ_DICTVIEW))
    return asy_dictview_binary(vm, op, a, b);
  return vm->notimplemented;
}

/* One operand's binary slot: NotImplemented when it has none. */
static Value bin_slot(VM *vm, int op, Value self, Value other, bool reflected, MKind k, Value m) {
  if (k == M_NONE) return vm->notimplemented;
  if (k == M_SLOT)
    return reflected ? asy_builtin_binary(vm, op, other, self, false)
                     : asy_builtin_binary(vm, op, self, other, false);
  return call_method(vm, m, self, 1, &other, vm->opnames.binop[op][reflected ? 1 : 0]);
}

static MKind bin_kind(VM *vm, ObjClass *cls, int op, int which, Value *m) {
  (void)vm;
  if (is_builtin(cls)) {
    *m = UNDEF_VAL;
    return M_SLOT;
  }
  MKind k = method_of(vm, cls, vm->opnames.binop[op][which], m);
  /* Not defined at all on a user class: the nearest built-in base's slot (it may be a
  ** list or dict subclass) still applies. */
  if (k == M_NONE && IS_UNDEF(*m)) return M_SLOT;
  return k;
}

/* binary_op1: NotImplemented if neither side handles it. */
static Value binary_op1(VM *vm, int op, Value a, Value b) {
  ObjClass *ca = asy_class_of(vm, a), *cb = asy_class_of(vm, b);
  Value ma, mb;
  MKind ka = bin_kind(vm, ca, op, 0, &ma);
  MKind kb = M_NONE;
  mb = UNDEF_VAL;
  if (ca != cb) {
    kb = bin_kind(vm, cb, op, 1, &mb);
    /* Both built-in slots: the C slot is symmetric, calling it once is enough. */
    if (kb == M_SLOT && ka == M_SLOT) kb = M_NONE;
  }
  Value r;
  if (kb == M_USER && asy_is_subclass(cb, ca)) {
    Value ra = asy_class_lookup_cached(vm, ca, vm->opnames.binop[op][1]);
    if (!asy_same(ra, mb)) {
      r = bin_slot(vm, op, b, a, true, kb, mb);
      if (!is_notimpl(vm, r)) return r;
      kb = M_NONE;
    }
  }
  r = bin_slot(vm, op, a, b, false, ka, ma);
  if (!is_notimpl(vm, r)) return r;
  if (kb != M_NONE) {
    r = bin_slot(vm, op, b, a, true, kb, mb);
    if (!is_notimpl(vm, r)) return r;
  }
  return vm->notimplemented;
}

/* After both slots declined: sequence concat/repeat, then CPython's TypeError. */
static Value binary_fallback(VM *vm, int op, Value a, Value b, bool inplace) {
  if (op == BINOP_ADD && is_sequence_layout(a)) {
    switch (OBJ_TYPE(a)) {
    case OBJ_STR:
      return asy_raise(vm, vm->exc.TypeError, "can only concatenate str (not \"%s\") to str",
                       asy_type_name(vm, b));
    case OBJ_LIST:
      return asy_raise(vm, vm->exc.TypeError, "can only concatenate list (not \"%s\") to list",
                       asy_type_name(vm, b));
    case OBJ_TUPLE:
      return asy_raise(vm, vm->exc.TypeError, "can only concatenate tuple (not \"%s\") to tuple",
                       asy_type_name(vm, b));
    default:
      return asy_raise(vm, vm->exc.TypeError, "can't concat %s to %s", asy_type_name(vm, b),
                       asy_type_name(vm, a));
    }
  }
  if (op == BINOP_MULTIPLY && (is_sequence_layout(a) || is_sequence_layout(b))) {
    Value seq = is_sequence_layout(a) ? a : b, n = is_sequence_layout(a) ? b : a;
    bool has_index = IS_INTLIKE(n) ||
                     (IS_OBJ(n) && !IS_UNDEF(asy_class_lookup_cached(vm, AS_OBJ(n)->cls, vm->names.index)));
    if (!has_index)
      return asy_raise(vm, vm->exc.TypeError, "can't multiply sequence by non-int of type '%s'",
                       asy_type_name(vm, n));
    int64_t count;
    if (!asy_index_or(vm, n, &count, vm->exc.OverflowError)) return EXC_VAL;
    return seq_repeat(vm, seq, count);
  }
  if (op == BINOP_POWER)
    return asy_raise(vm, vm->exc.TypeError, "unsupported operand type(s) for %s: '%s' and '%s'",
                     inplace ? "**=" : "** or pow()", asy_type_name(vm, a), asy_type_name(vm, b));
  return asy_raise(vm, vm->exc.TypeError, "unsupported operand type(s) for %s%s: '%s' and '%s'",
                   binop_symbol[op], inplace ? "=" : "", asy_type_name(vm, a),
                   asy_type_name(vm, b));
}

/* a op b and a op= b when both are numbers, which have no in-place slots: UNDEF when one
** is not a number. */
static Value number_binary_op(VM *vm, int op, Value a, Value b, bool inplace) {
  if (IS_INT(a) && IS_INT(b)) return asy_int_binary(vm, op, AS_INT(a), AS_INT(b));
  if (!asy_is_num(a) || !asy_is_num(b)) return UNDEF_VAL;
  Value r = asy_builtin_binary(vm, op, a, b, false);
  if (!is_notimpl(vm, r)) return r;
  return binary_fallback(vm, op, a, b, inplace);
}

Value asy_binary_op(VM *vm, int op, Value a, Value b) {
  if (op < 0 || op >= BINOP__COUNT)
    return asy_raise(vm, vm->exc.RuntimeError, "bad binary operator %d", op);
  Value r = number_binary_op(vm, op, a, b, false);
  if (!IS_UNDEF(r)) return r;
  if (IS_STR(a) && AS_OBJ(a)->cls == vm->types.str) { /* exact str: no reflected method can win */
    if (op == BINOP_ADD && IS_STR(b) && AS_OBJ(b)->cls == vm->types.str)
      return asy_str_concat(vm, AS_STR(a), AS_STR(b));
    if (op == BINOP_REMAINDER && (IS_INT(b) || IS_FLOAT(b) ||
                                  (IS_OBJ(b) && (AS_OBJ(b)->cls == vm->types.tuple ||
                                                 AS_OBJ(b)->cls == vm->types.str))))
      return asy_str_percent(vm, AS_STR(a), b);
  }
  r = binary_op1(vm, op, a, b);
  if (!is_notimpl(vm, r)) return r;
  /* type.__or__ / __ror__: X | Y over classes, None and aliases builds a union. */
  if (op == BINOP_OR && !(IS_NONE(a) && IS_NONE(b)) && asy_unionable(vm, a) && asy_unionable(vm, b))
    return asy_union_new(vm, a, b);
  return binary_fallback(vm, op, a, b, false);
}

Value asy_inplace_op(VM *vm, int op, Value a, Value b) {
  if (op >= ASY_INPLACE) op -= ASY_INPLACE;
  if (op < 0 || op >= BINOP__COUNT)
    return asy_raise(vm, vm->exc.RuntimeError, "bad binary operator %d", op);
  Value num = number_binary_op(vm, op, a, b, true);
  if (!IS_UNDEF(num)) return num;
  ObjClass *ca = asy_class_of(vm, a);
  Value m;
  MKind k = bin_kind(vm, ca, op, 2, &m);
  if (k == M_USER) {
    Value r = call_method(vm, m, a, 1, &b, vm->opnames.binop[op][2]);
    if (!is_notimpl(vm, r)) return r;
  } else if (k == M_SLOT && IS_OBJ(a) && (OBJ_TYPE(a) == OBJ_SET || OBJ_TYPE(a) == OBJ_DICT)) {
    /* set |= and dict |= are numeric in-place slots: tried first. */
    Value r = asy_builtin_binary(vm, op, a, b, true);
    if (!is_notimpl(vm, r)) return r;
  }
  if (k == M_SLOT && IS_LIST(a) && (op == BINOP_ADD || op == BINOP_MULTIPLY)) {
    /* list += / *= are sequence slots: CPython tries the right operand's reflected
    ** method first (a list has no numeric slot), then extends/repeats in place. */
    ObjClass *cb = asy_class_of(vm, b);
    Value mb;
    if (cb != ca && bin_kind(vm, cb, op, 1, &mb) == M_USER) {
      Value r = call_method(vm, mb, b, 1, &a, vm->opnames.binop[op][1]);
      if (!is_notimpl(vm, r)) return r;
    }
    if (op == BINOP_ADD) return asy_list_extend(vm, AS_LIST(a), b) ? a : EXC_VAL;
    if (asy_is_int(b)) return asy_builtin_binary(vm, op, a, b, true);
    int64_t n;
    bool has_index = IS_OBJ(b) && !IS_UNDEF(asy_class_lookup_cached(vm, AS_OBJ(b)->cls, vm->names.index));
    if (!has_index)
      return asy_raise(vm, vm->exc.TypeError, "can't multiply sequence by non-int of type '%s'",
                       asy_type_name(vm, b));
    if (!asy_index(vm, b, &n)) return EXC_VAL;
    return asy_builtin_binary(vm, op, a, INT_VAL(n), true);
  }
  Value r = binary_op1(vm, op, a, b);
  if (!is_notimpl(vm, r)) return r;
  return binary_fallback(vm, op, a, b, true);
}

Value asy_unary_op(VM *vm, int op, Value a) {
  if (op == UNOP_NOT) {
    int t = asy_truthy(vm, a);
    return t < 0 ? EXC_VAL : BOOL_VAL(!t);
  }
  if (asy_is_int(a) || (IS_FLOAT(a) && op != UNOP_INVERT)) return asy_number_unary(vm, op, a);
  static const char *const sym[3] = {"-", "+", "~"};
  if (IS_OBJ(a) && op >= 0 && op < 3) {
    ObjClass *cls = AS_OBJ(a)->cls;
    Value m = asy_class_lookup_cached(vm, cls, vm->opnames.unary[op]);
    if (!IS_UNDEF(m) && !IS_NONE(m)) return call_method(vm, m, a, 0, NULL, vm->opnames.unary[op]);
  }
  return asy_raise(vm, vm->exc.TypeError, "bad operand type for unary %s: '%s'", sym[op & 3],
                   asy_type_name(vm, a));
}

/* ---- truth, len, contains ----------------------------------------------------------- */

/* len() of a built-in layout: -2 if the layout has no length. */
static int64_t layout_len(VM *vm, Value v) {
  switch (OBJ_TYPE(v)) {
  case OBJ_STR: return (int64_t)AS_STR(v)->length;
  case OBJ_BYTES: return (int64_t)AS_BYTES(v)->size;
  case OBJ_TUPLE: return (int64_t)AS_TUPLE(v)->size;
  case OBJ_LIST: return (int64_t)AS_LIST(v)->size;
  case OBJ_DICT: return (int64_t)AS_DICT(v)->count;
  case OBJ_SET: return (int64_t)AS_SET(v)->used;
  case OBJ_DICTVIEW: return asy_dictview_len((ObjDictView *)AS_OBJ(v));
  case OBJ_RANGE: {
    ObjRange *r = AS_RANGE(v);
    int64_t n = asy_range_len(r);
    if (n == INT64_MAX) {
      Value nv = asy_call_method(vm, v, vm->names.len, 0, NULL);
      return IS_EXC(nv) ? -1 : AS_INT(nv);
    }
    return n;
  }
  default: return -2;
  }
}

/* layout_len for call_unary_special: an int, EXC_VAL or UNDEF (no length). */
static Value layout_len_value(VM *vm, Value v) {
  int64_t n = layout_len(vm, v);
  return n == -2 ? UNDEF_VAL : n < 0 ? EXC_VAL : INT_VAL(n);
}

/* The result of __len__ as a length: -1 with an exception on error. */
static int64_t len_result(VM *vm, Value r) {
  if (IS_EXC(r)) return -1;
  int64_t n;
  if (IS_INTLIKE(r)) n = AS_INTLIKE(r);
  else if (!asy_index(vm, r, &n)) return -1;
  if (n < 0) {
    asy_raise(vm, vm->exc.ValueError, "__len__() should return >= 0");
    return -1;
  }
  return n;
}

/* A special method set to None on the class is called as CPython's slot would call it
** (__iter__ and __hash__ are the exceptions, which say "not iterable"/"unhashable"). */
static Value none_called(VM *vm) {
  return asy_raise(vm, vm->exc.TypeError, "'NoneType' object is not callable");
}

/* len() past the built-in layouts' fast path. */
static int64_t len_by_method(VM *vm, Value v) {
  if (IS_OBJ(v)) {
    if (IS_NONE(asy_class_lookup_cached(vm, AS_OBJ(v)->cls, vm->names.len)))
      return none_called(vm), -1;
    Value r = call_unary_special(vm, v, vm->names.len, layout_len_value);
    if (!IS_UNDEF(r)) return len_result(vm, r);
  }
  asy_raise(vm, vm->exc.TypeError, "object of type '%s' has no len()", asy_type_name(vm, v));
  return -1;
}

int64_t asy_len(VM *vm, Value v) {
  if (IS_OBJ(v) && is_builtin(AS_OBJ(v)->cls)) {
    int64_t n = layout_len(vm, v);
    if (n != -2) return n;
  }
  return len_by_method(vm, v);
}

int asy_truthy(VM *vm, Value v) {
  if (!IS_OBJ(v)) return asy_truthy_scalar(v);
  ObjClass *cls = AS_OBJ(v)->cls;
  /* a range is true when not empty, even past len()'s limit (CPython's range_bool) */
  if (OBJ_TYPE(v) == OBJ_RANGE && is_builtin(cls)) return asy_range_len(AS_RANGE(v)) > 0;
  if (is_builtin(cls)) {
    int64_t n = layout_len(vm, v);
    if (n == -1) return -1;
    if (n != -2) return n > 0;
    if (OBJ_TYPE(v) != OBJ_INSTANCE) return 1;
  }
  if (cls->always_true_epoch == vm->class_epoch) {
    /* `if node.left:` mostly precedes reading node.left's attributes: start fetching
    ** its dict (the instance's own line is in cache now) */
#if defined(__GNUC__)
    if (OBJ_TYPE(v) == OBJ_INSTANCE) __builtin_prefetch(AS_INSTANCE(v)->dict);
#endif
    return 1;
  }
  Value m;
  MKind k = method_of(vm, cls, vm->names.bool_, &m);
  if (IS_NONE(m)) return none_called(vm), -1;
  if (k != M_NONE) {
    Value r = k == M_USER ? call_method(vm, m, v, 0, NULL, vm->names.bool_)
                          : asy_call(vm, m, 1, &v, NULL);
    if (IS_EXC(r)) return -1;
    if (!IS_BOOL(r)) {
      asy_raise(vm, vm->exc.TypeError, "__bool__ should return bool, returned %s",
                asy_type_name(vm, r));
      return -1;
    }
    return AS_BOOL(r);
  }
  k = method_of(vm, cls, vm->names.len, &m);
  if (IS_NONE(m)) return none_called(vm), -1;
  if (k == M_USER) {
    int64_t n = len_result(vm, call_method(vm, m, v, 0, NULL, vm->names.len));
    return n < 0 ? -1 : n > 0;
  }
  int64_t n = layout_len(vm, v);
  if (n == -1) return -1;
  if (n != -2) return n > 0;
  if (k == M_SLOT) {
    n = len_result(vm, asy_call(vm, m, 1, &v, NULL));
    return n < 0 ? -1 : n > 0;
  }
  /* Neither name is on the class at all (not even set to None, whose replacement would
  ** not move the epoch): only an insertion, which does, can change the answer. */
  if (IS_UNDEF(m) && IS_UNDEF(asy_class_lookup_cached(vm, cls, vm->names.bool_)))
    cls->always_true_epoch = vm->class_epoch;
  return 1;
}

static int bytes_contains(VM *vm, ObjBytes *hay, Value item) {
  if (IS_INTLIKE(item)) {
    int64_t c = AS_INTLIKE(item);
    if (c < 0 || c > 255) {
      asy_raise(vm, vm->exc.ValueError, "byte must be in range(0, 256)");
      return -1;
    }
    return hay->size && memchr(hay->data, (int)c, hay->size) != NULL;
  }
  if (!IS_BYTES(item)) {
    asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not '%s'",
              asy_type_name(vm, item));
    return -1;
  }
  ObjBytes *n = AS_BYTES(item);
  if (n->size == 0) return 1;
  for (size_t i = 0; i + n->size <= hay->size; i++)
    if (memcmp(hay->data + i, n->data, n->size) == 0) return 1;
  return 0;
}

/* `item in container` for a built-in layout: -2 if the layout has no fast path. */
static int layout_contains(VM *vm, Value c, Value item) {
  switch (OBJ_TYPE(c)) {
  case OBJ_LIST: {
    ObjList *l = AS_LIST(c);
    for (size_t i = 0; i < l->size; i++) {
      Value x = l->items[i];
      asy_push_root(vm, x);
      int eq = asy_equal(vm, x, item);
      if (eq != 0) return eq;
    }
    return 0;
  }
  case OBJ_TUPLE: return asy_seq_contains(vm, AS_TUPLE(c)->items, AS_TUPLE(c)->size, item);
  case OBJ_DICT: {
    Value v = asy_dict_get(vm, AS_DICT(c), item);
    if (IS_EXC(v)) return -1;
    return !IS_UNDEF(v);
  }
  case OBJ_SET: return asy_set_contains(vm, AS_SET(c), item);
  case OBJ_STR:
    if (!IS_STR(item)) {
      asy_raise(vm, vm->exc.TypeError, "'in <string>' requires string as left operand, not %s",
                asy_type_name(vm, item));
      return -1;
    }
    return asy_str_contains(AS_STR(c), AS_STR(item));
  case OBJ_BYTES: return bytes_contains(vm, AS_BYTES(c), item);
  case OBJ_RANGE: return asy_range_contains(vm, AS_RANGE(c), item);
  case OBJ_DICTVIEW: return asy_dictview_contains(vm, (ObjDictView *)AS_OBJ(c), item);
  default: return -2;
  }
}

/* asy_for_each step of `in` by iteration: stop at an item equal to *(Value *)ctx. */
static int differs_step(VM *vm, void *ctx, Value x) {
  int eq = asy_equal(vm, x, *(Value *)ctx);
  return eq < 0 ? -1 : !eq;
}

int asy_contains(VM *vm, Value container, Value item) {
  if (IS_OBJ(container)) {
    ObjClass *cls = AS_OBJ(container)->cls;
    if (is_builtin(cls)) {
      int r = layout_contains(vm, container, item);
      if (r != -2) return r;
    }
    Value m;
    MKind k = method_of(vm, cls, vm->names.contains, &m);
    if (k != M_NONE) {
      if (k == M_SLOT) {
        int r = layout_contains(vm, container, item);
        if (r != -2) return r;
      }
      Value r = k == M_USER ? call_method(vm, m, container, 1, &item, vm->names.contains)
                            : asy_call(vm, m, 2, (Value[]){container, item}, NULL);
      if (IS_EXC(r)) return -1;
      return asy_truthy(vm, r);
    }
    int r = layout_contains(vm, container, item);
    if (r != -2) return r;
    /* Iteration fallback (__iter__ or __getitem__). */
    Value mi, mg;
    if (method_of(vm, cls, vm->names.iter, &mi) != M_NONE ||
        method_of(vm, cls, vm->names.getitem, &mg) != M_NONE) {
      int r = asy_for_each(vm, container, differs_step, &item);
      return r < 0 ? -1 : !r;
    }
  }
  asy_raise(vm, vm->exc.TypeError, "argument of type '%s' is not iterable",
            asy_type_name(vm, container));
  return -1;
}

/* ---- subscripts ------------------------------------------------------------------------ */

static Value layout_getitem(VM *vm, Value c, Value key) {
  switch (OBJ_TYPE(c)) {
  case OBJ_LIST: return asy_list_getitem(vm, AS_LIST(c), key);
  case OBJ_TUPLE: return asy_tuple_getitem(vm, AS_TUPLE(c), key);
  case OBJ_DICT: return asy_dict_getitem(vm, AS_DICT(c), key);
  case OBJ_STR: return asy_str_getitem(vm, AS_STR(c), key);
  case OBJ_BYTES: return asy_bytes_getitem(vm, AS_BYTES(c), key);
  case OBJ_RANGE: return asy_range_getitem(vm, AS_RANGE(c), key);
  default: return UNDEF_VAL;
  }
}

static Value class_getitem(VM *vm, ObjClass *c, Value key) {
  if (c->obj.cls != vm->types.type) { /* a metaclass's __getitem__ (Enum['NAME']) comes first */
    Value mm;
    if (method_of(vm, c->obj.cls, vm->names.getitem, &mm) == M_USER)
      return call_method(vm, mm, OBJ_VAL(c), 1, &key, vm->names.getitem);
  }
  Value m = asy_class_lookup_cached(vm, c, vm->names.class_getitem);
  if (!IS_UNDEF(m)) {
    Value f = asy_bind(vm, m, UNDEF_VAL, c, vm->names.class_getitem);
    if (IS_EXC(f)) return f;
    return asy_call(vm, f, 1, &key, NULL);
  }
  /* Built-in generics (list[int], dict[str, int], type[X] in annotations). */
  if ((is_builtin(c) && c->layout != OBJ_INSTANCE) || c == vm->types.type)
    return asy_generic_alias_new(vm, c, key);
  return asy_raise(vm, vm->exc.TypeError, "type '%s' is not subscriptable", c->name->chars);
}

Value asy_getitem(VM *vm, Value container, Value key) {
  if (IS_OBJ(container)) {
    ObjClass *cls = AS_OBJ(container)->cls;
    if (IS_CLASS(container)) return class_getitem(vm, AS_CLASS(container), key);
    if (is_builtin(cls)) {
      Value r = layout_getitem(vm, container, key);
      if (!IS_UNDEF(r)) return r;
    }
    Value m;
    MKind k = method_of(vm, cls, vm->names.getitem, &m);
    if (k == M_USER) return call_method(vm, m, container, 1, &key, vm->names.getitem);
    if (k == M_SLOT || k == M_NONE) {
      Value r = layout_getitem(vm, container, key);
      if (!IS_UNDEF(r)) return r;
      if (k == M_SLOT) return asy_call(vm, m, 2, (Value[]){container, key}, NULL);
    }
  }
  return asy_raise(vm, vm->exc.TypeError, "'%s' object is not subscriptable",
                   asy_type_name(vm, container));
}

/* 1 done, 0 layout without item assignment, -1 error. */
static int layout_setitem(VM *vm, Value c, Value key, Value value) {
  switch (OBJ_TYPE(c)) {
  case OBJ_LIST: return asy_list_setitem(vm, AS_LIST(c), key, value) ? 1 : -1;
  case OBJ_DICT: return asy_dict_set(vm, AS_DICT(c), key, value) ? 1 : -1;
  default: return 0;
  }
}

static int layout_delitem(VM *vm, Value c, Value key) {
  switch (OBJ_TYPE(c)) {
  case OBJ_LIST: return asy_list_delitem(vm, AS_LIST(c), key) ? 1 : -1;
  case OBJ_DICT: {
    int r = asy_dict_delete(vm, AS_DICT(c), key);
    if (r < 0) return -1;
    if (r == 0) {
      Value exc = asy_new_exception(vm, vm->exc.KeyError, 1, &key);
      if (!IS_EXC(exc)) asy_raise_value(vm, exc);
      return -1;
    }
    return 1;
  }
  default: return 0;
  }
}

bool asy_setitem(VM *vm, Value container, Value key, Value value) {
  if (IS_OBJ(container)) {
    ObjClass *cls = AS_OBJ(container)->cls;
    Value m;
    MKind k = is_builtin(cls) ? M_SLOT : method_of(vm, cls, vm->names.setitem, &m);
    if (k == M_USER) {
      Value args[2] = {key, value};
      return !IS_EXC(call_method(vm, m, container, 2, args, vm->names.setitem));
    }
    int r = layout_setitem(vm, container, key, value);
    if (r != 0) return r > 0;
    if (!is_builtin(cls) && k == M_SLOT)
      return !IS_EXC(asy_call(vm, m, 3, (Value[]){container, key, value}, NULL));
    if (is_builtin(cls)) {
      Value nm = asy_class_lookup_cached(vm, cls, vm->names.setitem);
      if (IS_NATIVE(nm))
        return !IS_EXC(asy_call(vm, nm, 3, (Value[]){container, key, value}, NULL));
    }
  }
  asy_raise(vm, vm->exc.TypeError, "'%s' object does not support item assignment",
            asy_type_name(vm, container));
  return false;
}

bool asy_delitem(VM *vm, Value container, Value key) {
  if (IS_OBJ(container)) {
    ObjClass *cls = AS_OBJ(container)->cls;
    Value m;
    MKind k = is_builtin(cls) ? M_SLOT : method_of(vm, cls, vm->names.delitem, &m);
    if (k == M_USER) return !IS_EXC(call_method(vm, m, container, 1, &key, vm->names.delitem));
    int r = layout_delitem(vm, container, key);
    if (r != 0) return r > 0;
    if (!is_builtin(cls) && k == M_SLOT)
      return !IS_EXC(asy_call(vm, m, 2, (Value[]){container, key}, NULL));
    /* Types with sequence slots (__getitem__ or __contains__; every user class, as
    ** CPython heap types carry them) say "doesn't"; other objects "does not". */
    bool seqlike = !is_builtin(cls) || !IS_UNDEF(asy_class_lookup_cached(vm, cls, vm->names.getitem)) ||
                   !IS_UNDEF(asy_class_lookup_cached(vm, cls, vm->names.contains));
    if (seqlike && !IS_DICT(container) && !IS_CLASS(container)) {
      asy_raise(vm, vm->exc.TypeError, "'%s' object doesn't support item deletion",
                asy_type_name(vm, container));
      return false;
    }
  }
  asy_raise(vm, vm->exc.TypeError, "'%s' object does not support item deletion",
            asy_type_name(vm, container));
  return false;
}

/* ---- iteration ------------------------------------------------------------------------ */

static Value layout_iter(VM *vm, Value v) {
  switch (OBJ_TYPE(v)) {
  case OBJ_LIST: return asy_list_iter(vm, v);
  case OBJ_TUPLE: return asy_tuple_iter(vm, v);
  case OBJ_STR: return asy_str_iter(vm, AS_STR(v));
  case OBJ_BYTES: return asy_bytes_iter(vm, AS_BYTES(v));
  case OBJ_DICT: return asy_dict_iter(vm, AS_DICT(v), 0);
  case OBJ_SET: return asy_set_iter(vm, AS_SET(v));
  case OBJ_RANGE: return asy_range_iter(vm, AS_RANGE(v));
  case OBJ_DICTVIEW: {
    ObjDictView *dv = (ObjDictView *)AS_OBJ(v);
    return asy_dict_iter(vm, dv->dict, dv->kind);
  }
  case OBJ_ITER: return v;
  default: return UNDEF_VAL;
  }
}

/* iter() must return an iterator: something with __next__. */
static Value check_iterator(VM *vm, Value it) {
  if (IS_EXC(it)) return it;
  if (IS_OBJ_TYPE(it, OBJ_ITER)) return it;
  if (IS_UNDEF(asy_class_lookup_cached(vm, asy_class_of(vm, it), vm->names.next)))
    return asy_raise(vm, vm->exc.TypeError, "iter() returned non-iterator of type '%s'",
                     asy_type_name(vm, it));
  return it;
}

/* iter() past the built-in layouts' fast path: __iter__, else the sequence protocol. Not
** inlined: in asy_iter its saved registers cost every for loop ~8 instructions. */
__attribute__((noinline)) static Value iter_by_method(VM *vm, Value v) {
  if (IS_OBJ(v)) {
    Value r = call_unary_special(vm, v, vm->names.iter, layout_iter);
    if (!IS_UNDEF(r)) return check_iterator(vm, r);
    /* No __iter__ (one set to None blocks the rest): the sequence protocol. */
    ObjClass *cls = AS_OBJ(v)->cls;
    if (IS_UNDEF(asy_class_lookup_cached(vm, cls, vm->names.iter))) {
      r = layout_iter(vm, v);
      if (!IS_UNDEF(r)) return r;
      Value g;
      if (method_of(vm, cls, vm->names.getitem, &g) != M_NONE) return asy_seq_iter(vm, v);
    }
  }
  return asy_raise(vm, vm->exc.TypeError, "'%s' object is not iterable", asy_type_name(vm, v));
}

Value asy_iter(VM *vm, Value v) {
  if (IS_OBJ(v) && is_builtin(AS_OBJ(v)->cls)) {
    Value r = layout_iter(vm, v);
    if (!IS_UNDEF(r)) return r;
  }
  return iter_by_method(vm, v);
}

Value asy_next(VM *vm, Value it) {
  if (IS_OBJ_TYPE(it, OBJ_ITER)) {
    ObjIter *i = AS_ITER(it);
    /* map(f, map(f, ...)) nested 100000 deep recurses in C through here. */
    if (asy_c_stack_exhausted()) return asy_recursion_error(vm);
    return i->next(vm, i);
  }
  if (IS_OBJ_TYPE(it, OBJ_GEN) && AS_GEN(it)->kind == GEN_GENERATOR) {
    /* generator.__next__ without the method call, and its end without StopIteration */
    Value r;
    AsyRunStatus st = asy_gen_resume(vm, AS_GEN(it), NONE_VAL, UNDEF_VAL, &r);
    if (st == ASY_RUN_SUSPENDED) return r;
    return st == ASY_RUN_RETURNED ? UNDEF_VAL : EXC_VAL;
  }
  if (IS_OBJ(it)) {
    Value m = asy_class_lookup_cached(vm, AS_OBJ(it)->cls, vm->names.next);
    if (!IS_UNDEF(m) && !IS_NONE(m)) {
      Value r = call_method(vm, m, it, 0, NULL, vm->names.next);
      if (IS_EXC(r) && asy_pending_is(vm, vm->exc.StopIteration)) {
        asy_clear_pending(vm);
        return UNDEF_VAL;
      }
      return r;
    }
  }
  return asy_raise(vm, vm->exc.TypeError, "'%s' object is not an iterator", asy_type_name(vm, it));
}

/* ---- repr / str ------------------------------------------------------------------------ */

Value asy_object_repr(VM *vm, Value v) {
  ObjClass *c = asy_class_of(vm, v);
  const void *addr = IS_OBJ(v) ? (const void *)AS_OBJ(v) : NULL;
  if (IS_STR(c->module) && strcmp(AS_STR(c->module)->chars, "builtins") != 0)
    return OBJ_VAL(asy_str_printf(vm, "<%s.%s object at %p>", AS_STR(c->module)->chars,
                                  c->qualname->chars, addr));
  return OBJ_VAL(asy_str_printf(vm, "<%s object at %p>", c->qualname->chars, addr));
}

/* repr by C layout for the built-in classes this file knows: UNDEF otherwise. */
static Value layout_repr(VM *vm, Value v) {
  switch (OBJ_TYPE(v)) {
  case OBJ_STR:
  case OBJ_BYTES: return asy_span_repr(vm, v);
  case OBJ_BIGINT: return asy_int_str(vm, v);
  case OBJ_LIST: return asy_list_repr(vm, v);
  case OBJ_TUPLE: return asy_tuple_repr(vm, v);
  case OBJ_DICT: return asy_dict_repr(vm, v);
  case OBJ_SET: return asy_set_repr(vm, v);
  case OBJ_RANGE: return asy_range_repr(vm, AS_RANGE(v));
  case OBJ_SLICE: return asy_slice_repr(vm, (ObjSlice *)AS_OBJ(v));
  case OBJ_DICTVIEW: return asy_dictview_repr(vm, (ObjDictView *)AS_OBJ(v));
  case OBJ_CLASS: return asy_class_repr(vm, AS_CLASS(v));
  case OBJ_FUNCTION:
  case OBJ_BOUND:
  case OBJ_NATIVE:
  case OBJ_MODULE:
  case OBJ_CODE:
  case OBJ_CELL: return asy_function_repr(vm, v);
  case OBJ_INSTANCE:
    if (asy_same(v, vm->notimplemented)) return STR_VAL(vm, "NotImplemented");
    if (asy_same(v, vm->ellipsis)) return STR_VAL(vm, "Ellipsis");
    if (AS_OBJ(v)->cls == vm->types.object) return asy_object_repr(vm, v);
    return UNDEF_VAL;
  default: return UNDEF_VAL;
  }
}

static Value check_str_result(VM *vm, Value r, const char *what) {
  if (IS_EXC(r) || IS_STR(r)) return r;
  return asy_raise(vm, vm->exc.TypeError, "%s returned non-string (type %s)", what,
                   asy_type_name(vm, r));
}

static Value repr_object(VM *vm, Value v);

/* Nested reprs (containers, __repr__ calling repr) counted in vm->repr.depth as CPython
** counts them against its C recursion limit (10000; a repr() call itself takes 2), with
** the C stack check as a backstop. */
#define REPR_DEPTH_MAX 9998

Value asy_repr(VM *vm, Value v) {
  switch (v.tag) {
  case VAL_NONE: return STR_VAL(vm, "None");
  case VAL_BOOL: return STR_VAL(vm, AS_BOOL(v) ? "True" : "False");
  case VAL_INT: return asy_int_repr(vm, AS_INT(v));
  case VAL_FLOAT: {
    char buf[40];
    asy_float_repr(AS_FLOAT(v), buf);
    return STR_VAL(vm, buf);
  }
  case VAL_OBJ: break;
  default: return STR_VAL(vm, "<undefined>");
  }
  if (IS_CLASS(v) && AS_OBJ(v)->cls == vm->types.type) return asy_class_repr(vm, AS_CLASS(v));
  /* repr of nested containers recurses in C: deep data raises instead of overflowing. */
  if (vm->repr.depth >= REPR_DEPTH_MAX || asy_c_stack_exhausted())
    return asy_raise(vm, vm->exc.RecursionError,
                     "maximum recursion depth exceeded while getting the repr of an object");
  vm->repr.depth++;
  Value r = repr_object(vm, v);
  vm->repr.depth--;
  return r;
}

static Value repr_object(VM *vm, Value v) {
  ObjClass *cls = AS_OBJ(v)->cls;
  if (is_builtin(cls) && OBJ_TYPE(v) != OBJ_EXCEPTION) {
    Value r = layout_repr(vm, v);
    if (!IS_UNDEF(r)) return r;
  }
  Value m;
  MKind k = method_of(vm, cls, vm->names.repr, &m);
  if (k == M_USER)
    return check_str_result(vm, call_method(vm, m, v, 0, NULL, vm->names.repr), "__repr__");
  if (k == M_SLOT && OBJ_TYPE(v) != OBJ_EXCEPTION && OBJ_TYPE(v) != OBJ_INSTANCE) {
    Value r = layout_repr(vm, v);
    if (!IS_UNDEF(r)) return r;
  }
  if (k == M_SLOT) return check_str_result(vm, asy_call(vm, m, 1, &v, NULL), "__repr__");
  return asy_object_repr(vm, v);
}

Value asy_str(VM *vm, Value v) {
  if (IS_STR(v) && AS_OBJ(v)->cls == vm->types.str) return v;
  if (!IS_OBJ(v)) return asy_repr(vm, v);
  ObjClass *cls = AS_OBJ(v)->cls;
  Value m;
  MKind k = method_of(vm, cls, vm->names.str, &m);
  Value obj_str = asy_dict_get_str(vm->types.object->dict, vm->names.str);
  if (k == M_NONE || (k == M_SLOT && asy_same(m, obj_str))) {
    /* object.__str__ calls the type's repr slot directly: a bad __repr__ result is
    ** reported as __str__'s. */
    Value rm;
    if (!is_builtin(cls) && method_of(vm, cls, vm->names.repr, &rm) == M_USER)
      return check_str_result(vm, call_method(vm, rm, v, 0, NULL, vm->names.repr), "__str__");
    return asy_repr(vm, v);
  }
  if (k == M_SLOT && IS_STR(v)) return OBJ_VAL(asy_str_new(vm, AS_STR(v)->chars, AS_STR(v)->size));
  Value r =
      k == M_USER ? call_method(vm, m, v, 0, NULL, vm->names.str) : asy_call(vm, m, 1, &v, NULL);
  return check_str_result(vm, r, "__str__");
}

bool asy_buf_repr(VM *vm, AsyBuf *b, Value v) {
  if (IS_STR(v) && AS_OBJ(v)->cls == vm->types.str) {
    asy_str_repr_to(b, AS_STR(v));
    return true;
  }
  if (IS_INT(v)) {
    asy_buf_printf(b, "%lld", (long long)AS_INT(v));
    return true;
  }
  Value r = asy_repr(vm, v);
  if (IS_EXC(r)) return false;
  asy_buf_put_str(b, AS_STR(r));
  return true;
}

bool asy_buf_str(VM *vm, AsyBuf *b, Value v) {
  Value r = asy_str(vm, v);
  if (IS_EXC(r)) return false;
  asy_buf_put_str(b, AS_STR(r));
  return true;
}

/* ---- index ------------------------------------------------------------------------------- */

bool asy_index(VM *vm, Value v, int64_t *out) {
  if (IS_INTLIKE(v)) {
    *out = AS_INTLIKE(v);
    return true;
  }
  if (IS_BIGINT(v)) {
    asy_raise(vm, vm->exc.OverflowError, "Python int too large to convert to C ssize_t");
    return false;
  }
  if (IS_OBJ(v)) {
    Value m = asy_class_lookup_cached(vm, AS_OBJ(v)->cls, vm->names.index);
    if (!IS_UNDEF(m) && !IS_NONE(m)) {
      Value r = call_method(vm, m, v, 0, NULL, vm->names.index);
      if (IS_EXC(r)) return false;
      if (!asy_is_int(r)) {
        asy_raise(vm, vm->exc.TypeError, "__index__ returned non-int (type %s)",
                  asy_type_name(vm, r));
        return false;
      }
      return asy_index(vm, r, out);
    }
  }
  asy_raise(vm, vm->exc.TypeError, "'%s' object cannot be interpreted as an integer",
            asy_type_name(vm, v));
  return false;
}

/* ---- slot-wrapper natives ------------------------------------------------------------------
** list.__add__, set.__or__, tuple.__lt__, … so that explicit dunder calls and super()
** calls reach the C slots. One C function per operator (natives get no closure data). */

#define CMP_NATIVE(id, op) \
  static Value cmp_native_##id(VM *vm, int argc, Value *args, ObjDict *kw) { \
    if (!asy_args(vm, cmp_dunder[op], argc - 1, kw, 1, 1)) return EXC_VAL; \
    return asy_builtin_compare(vm, op, args[0], args[1]); \
  }
CMP_NATIVE(lt, CMP_LT)
CMP_NATIVE(le, CMP_LE)
CMP_NATIVE(eq, CMP_EQ)
CMP_NATIVE(ne, CMP_NE)
CMP_NATIVE(gt, CMP_GT)
CMP_NATIVE(ge, CMP_GE)
static NativeFn const cmp_natives[6] = {cmp_native_lt, cmp_native_le, cmp_native_eq,
                                        cmp_native_ne, cmp_native_gt, cmp_native_ge};

#define BIN_NATIVES(id, op) \
  static Value bin_native_##id(VM *vm, int argc, Value *args, ObjDict *kw) { \
    if (!asy_args(vm, binop_dunder[op][0], argc - 1, kw, 1, 1)) return EXC_VAL; \
    return asy_builtin_binary(vm, op, args[0], args[1], false); \
  } \
  static Value rbin_native_##id(VM *vm, int argc, Value *args, ObjDict *kw) { \
    if (!asy_args(vm, binop_dunder[op][1], argc - 1, kw, 1, 1)) return EXC_VAL; \
    return asy_builtin_binary(vm, op, args[1], args[0], false); \
  } \
  static Value ibin_native_##id(VM *vm, int argc, Value *args, ObjDict *kw) { \
    if (!asy_args(vm, binop_dunder[op][2], argc - 1, kw, 1, 1)) return EXC_VAL; \
    return asy_builtin_binary(vm, op, args[0], args[1], true); \
  }
BIN_NATIVES(add, BINOP_ADD)
BIN_NATIVES(mul, BINOP_MULTIPLY)
BIN_NATIVES(or, BINOP_OR)
BIN_NATIVES(and, BINOP_AND)
BIN_NATIVES(sub, BINOP_SUBTRACT)
BIN_NATIVES(xor, BINOP_XOR)

static void def_slot(VM *vm, ObjClass *c, ObjStr *name, NativeFn fn) {
  if (!IS_UNDEF(asy_dict_get_str(c->dict, name))) return; /* keep a more specific one */
  ObjNative *n = asy_native_new(vm, name->chars, fn);
  n->owner = c;
  asy_dict_set_str(vm, c->dict, name, OBJ_VAL(n));
}

static void def_cmp(VM *vm, ObjClass *c, bool ordered) {
  for (int op = 0; op < 6; op++)
    if (ordered || op == CMP_EQ || op == CMP_NE)
      def_slot(vm, c, vm->opnames.cmp[op], cmp_natives[op]);
}

#define DEF_BIN(c, op, id, refl, inpl) \
  do { \
    def_slot(vm, c, vm->opnames.binop[op][0], bin_native_##id); \
    if (refl) def_slot(vm, c, vm->opnames.binop[op][1], rbin_native_##id); \
    if (inpl) def_slot(vm, c, vm->opnames.binop[op][2], ibin_native_##id); \
  } while (0)

void asy_init_ops_natives(VM *vm) {
  init_names(vm);
  ObjClass *list = vm->types.list, *tuple = vm->types.tuple, *dict = vm->types.dict;
  ObjClass *set = vm->types.set, *fset = vm->types.frozenset;
  def_cmp(vm, list, true);
  def_cmp(vm, tuple, true);
  def_cmp(vm, dict, false);
  def_cmp(vm, set, true);
  def_cmp(vm, fset, true);
  def_cmp(vm, vm->types.range, false);
  def_cmp(vm, vm->types.slice, true);
  def_cmp(vm, vm->types.dict_keys, true);
  def_cmp(vm, vm->types.dict_items, true);
  DEF_BIN(list, BINOP_ADD, add, false, true);
  DEF_BIN(list, BINOP_MULTIPLY, mul, true, true);
  DEF_BIN(tuple, BINOP_ADD, add, false, false);
  DEF_BIN(tuple, BINOP_MULTIPLY, mul, true, false);
  DEF_BIN(dict, BINOP_OR, or, true, true);
  ObjClass *sets[2] = {set, fset};
  for (int i = 0; i < 2; i++) {
    bool inpl = i == 0;
    DEF_BIN(sets[i], BINOP_OR, or, true, inpl);
    DEF_BIN(sets[i], BINOP_AND, and, true, inpl);
    DEF_BIN(sets[i], BINOP_SUBTRACT, sub, true, inpl);
    DEF_BIN(sets[i], BINOP_XOR, xor, true, inpl);
  }
  ObjClass *views[2] = {vm->types.dict_keys, vm->types.dict_items};
  for (int i = 0; i < 2; i++) {
    DEF_BIN(views[i], BINOP_OR, or, true, false);
    DEF_BIN(views[i], BINOP_AND, and, true, false);
    DEF_BIN(views[i], BINOP_SUBTRACT, sub, true, false);
    DEF_BIN(views[i], BINOP_XOR, xor, true, false);
  }
}
