/*
** operator.c — the `_operator` module: the operator functions that scripts pass as keys
** and reducers (operator.add, operator.lt, operator.getitem …), as natives over the
** VM's operator protocol, so they cost one native call and raise CPython's argument
** errors ("add expected 2 arguments, got 1"). stdlib/lib/operator.asy re-exports them
** and adds the rest (itemgetter, attrgetter, methodcaller, the rarer functions).
*/
#include "stdlib/asy_stdlib.h"
#include "vm/opcodes.h"

#define BINARY(name, op) \
  static Value op_##name(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)argc, (void)kw; \
    return asy_binary_op(vm, op, args[0], args[1]); \
  } \
  static Value op_i##name(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)argc, (void)kw; \
    return asy_inplace_op(vm, op, args[0], args[1]); \
  }

BINARY(add, BINOP_ADD)
BINARY(and, BINOP_AND)
BINARY(floordiv, BINOP_FLOOR_DIVIDE)
BINARY(lshift, BINOP_LSHIFT)
BINARY(matmul, BINOP_MATRIX_MULTIPLY)
BINARY(mul, BINOP_MULTIPLY)
BINARY(mod, BINOP_REMAINDER)
BINARY(or, BINOP_OR)
BINARY(pow, BINOP_POWER)
BINARY(rshift, BINOP_RSHIFT)
BINARY(sub, BINOP_SUBTRACT)
BINARY(truediv, BINOP_TRUE_DIVIDE)
BINARY(xor, BINOP_XOR)

#define COMPARE(name, op) \
  static Value op_##name(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)argc, (void)kw; \
    return asy_compare(vm, op, args[0], args[1]); \
  }

COMPARE(lt, CMP_LT)
COMPARE(le, CMP_LE)
COMPARE(eq, CMP_EQ)
COMPARE(ne, CMP_NE)
COMPARE(gt, CMP_GT)
COMPARE(ge, CMP_GE)

#define UNARY(name, op) \
  static Value op_##name(VM *vm, int argc, Value *args, ObjDict *kw) { \
    (void)argc, (void)kw; \
    return asy_unary_op(vm, op, args[0]); \
  }

UNARY(neg, UNOP_NEGATIVE)
UNARY(pos, UNOP_POSITIVE)
UNARY(invert, UNOP_INVERT)

static Value op_not(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int t = asy_truthy(vm, args[0]);
  return t < 0 ? EXC_VAL : BOOL_VAL(!t);
}

static Value op_truth(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int t = asy_truthy(vm, args[0]);
  return t < 0 ? EXC_VAL : BOOL_VAL(t);
}

static Value op_is(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)vm, (void)argc, (void)kw;
  return BOOL_VAL(asy_same(args[0], args[1]));
}

static Value op_is_not(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)vm, (void)argc, (void)kw;
  return BOOL_VAL(!asy_same(args[0], args[1]));
}

static Value op_contains(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int r = asy_contains(vm, args[0], args[1]);
  return r < 0 ? EXC_VAL : BOOL_VAL(r);
}

static Value op_getitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  return asy_getitem(vm, args[0], args[1]);
}

static Value op_setitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  return asy_setitem(vm, args[0], args[1], args[2]) ? NONE_VAL : EXC_VAL;
}

static Value op_delitem(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  return asy_delitem(vm, args[0], args[1]) ? NONE_VAL : EXC_VAL;
}

/* clang-format off */
#define BIN_DEFS(name) \
  {#name, op_##name, 2, 2, ASY_ARGS_AUTO}, {"i" #name, op_i##name, 2, 2, ASY_ARGS_AUTO}
static const AsyMethodDef operator_functions[] = {
  BIN_DEFS(add), BIN_DEFS(floordiv), BIN_DEFS(lshift), BIN_DEFS(matmul), BIN_DEFS(mul),
  BIN_DEFS(mod), BIN_DEFS(pow), BIN_DEFS(rshift), BIN_DEFS(sub), BIN_DEFS(truediv),
  BIN_DEFS(xor),
  {"and_", op_and, 2, 2, ASY_ARGS_AUTO}, {"iand", op_iand, 2, 2, ASY_ARGS_AUTO},
  {"or_", op_or, 2, 2, ASY_ARGS_AUTO}, {"ior", op_ior, 2, 2, ASY_ARGS_AUTO},
  {"lt", op_lt, 2, 2, ASY_ARGS_AUTO}, {"le", op_le, 2, 2, ASY_ARGS_AUTO},
  {"eq", op_eq, 2, 2, ASY_ARGS_AUTO}, {"ne", op_ne, 2, 2, ASY_ARGS_AUTO},
  {"gt", op_gt, 2, 2, ASY_ARGS_AUTO}, {"ge", op_ge, 2, 2, ASY_ARGS_AUTO},
  {"_operator.neg", op_neg, 1, 1, ASY_ARGS_AUTO}, {"_operator.pos", op_pos, 1, 1, ASY_ARGS_AUTO},
  {"_operator.invert", op_invert, 1, 1, ASY_ARGS_AUTO}, {"_operator.inv", op_invert, 1, 1, ASY_ARGS_AUTO},
  {"_operator.not_", op_not, 1, 1, ASY_ARGS_AUTO}, {"_operator.truth", op_truth, 1, 1, ASY_ARGS_AUTO},
  {"is_", op_is, 2, 2, ASY_ARGS_AUTO}, {"is_not", op_is_not, 2, 2, ASY_ARGS_AUTO},
  {"contains", op_contains, 2, 2, ASY_ARGS_AUTO},
  {"getitem", op_getitem, 2, 2, ASY_ARGS_AUTO},
  {"setitem", op_setitem, 3, 3, ASY_ARGS_AUTO},
  {"delitem", op_delitem, 2, 2, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_operator_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  asy_def_natives(vm, NULL, AS_MODULE(args[0])->dict, operator_functions);
  return NONE_VAL;
}
