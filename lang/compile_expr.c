/*
** compile_expr.c — expressions, assignment targets, conditional jumps and the loop
** nest of comprehensions. Code shapes and instruction positions follow CPython 3.13
** (tracebacks print those positions as carets).
*/
#include <limits.h>
#include <string.h>

#include "lang/compile.h"
#include "vm/obj/set.h"

#define STACK_USE_GUIDELINE 30

int binop_arg(int op) {
  switch (op) {
  case AST_Add: return BINOP_ADD;
  case AST_Sub: return BINOP_SUBTRACT;
  case AST_Mult: return BINOP_MULTIPLY;
  case AST_MatMult: return BINOP_MATRIX_MULTIPLY;
  case AST_Div: return BINOP_TRUE_DIVIDE;
  case AST_Mod: return BINOP_REMAINDER;
  case AST_Pow: return BINOP_POWER;
  case AST_LShift: return BINOP_LSHIFT;
  case AST_RShift: return BINOP_RSHIFT;
  case AST_BitOr: return BINOP_OR;
  case AST_BitXor: return BINOP_XOR;
  case AST_BitAnd: return BINOP_AND;
  case AST_FloorDiv: return BINOP_FLOOR_DIVIDE;
  default: return BINOP_ADD;
  }
}

AsyPos attr_loc(const AstNode *e, AsyPos loc) {
  /* A call or attribute spanning lines points at the line of the attribute name
     (CPython update_start_location_to_match_attr). */
  if (loc.line != e->end_lineno) {
    loc.line = e->end_lineno;
    int len = (int)strlen(e->v.Attribute.attr);
    if (len <= e->end_col_offset) {
      loc.col = e->end_col_offset - len;
    } else {
      loc.col = -1;
      loc.end_col = -1;
    }
    if (loc.end_line < loc.line) loc.end_line = loc.line;
    if (loc.line == loc.end_line && loc.end_col < loc.col) loc.end_col = loc.col;
  }
  return loc;
}

/* ------------------------------------------------------------------------ */
/* Constant folding (the trivial cases of CPython's AST optimiser)           */

/* Evaluate an int-only constant expression (int literals combined by unary and binary
** operators) as CPython's AST optimiser folds them. False when e is not one, or when a
** value would leave int64 (intermediates may reach 2**64 so -2**63 folds), or the operation
** would raise (1 // 0, 1 << -1): those stay run-time operations so big-int and error
** behaviour is unchanged. Bool literals are not folded here (rare; True + 1 then just
** runs). 2 ** -1 (a float) is left alone too. */
typedef __int128 fold_int;
#define FOLD_LIMIT ((fold_int)1 << 64)

static bool fold_ok(fold_int v, fold_int *out) {
  if (v > FOLD_LIMIT || v < -FOLD_LIMIT) return false;
  *out = v;
  return true;
}

static bool fold_int_eval(const AstNode *e, fold_int *out, int depth) {
  /* Deep operator chains (x + 1 + 1 + ...) are probed at every level while compiling; the
  ** limit keeps that linear. Deeper constant subtrees still fold piecewise. */
  if (depth > 48) return false;
  switch (e->kind) {
  case AST_Constant: {
    const AstConst *k = &e->v.Constant.value;
    if (k->kind != AST_CONST_INT) return false;
    if (k->big) {
      if (!const_is_int64_min_magnitude(e)) return false;
      *out = (fold_int)1 << 63;
      return true;
    }
    *out = k->i;
    return true;
  }
  case AST_UnaryOp: {
    fold_int v;
    if (!fold_int_eval(e->v.UnaryOp.operand, &v, depth + 1)) return false;
    switch (e->v.UnaryOp.op) {
    case AST_USub: *out = -v; return true;
    case AST_UAdd: *out = v; return true;
    case AST_Invert: *out = ~v; return true;
    default: return false;
    }
  }
  case AST_BinOp: {
    fold_int a, b, r;
    if (!fold_int_eval(e->v.BinOp.left, &a, depth + 1) ||
        !fold_int_eval(e->v.BinOp.right, &b, depth + 1))
      return false;
    switch (e->v.BinOp.op) {
    case AST_Add: return fold_ok(a + b, out);
    case AST_Sub: return fold_ok(a - b, out);
    case AST_Mult: return !__builtin_mul_overflow(a, b, &r) && fold_ok(r, out);
    case AST_BitAnd: *out = a & b; return true;
    case AST_BitOr: *out = a | b; return true;
    case AST_BitXor: *out = a ^ b; return true;
    case AST_FloorDiv:
    case AST_Mod: {
      if (b == 0) return false;
      fold_int q = a / b, m = a % b;
      if (m != 0 && ((m < 0) != (b < 0))) { /* Python floors toward -infinity */
        q -= 1;
        m += b;
      }
      return fold_ok(e->v.BinOp.op == AST_FloorDiv ? q : m, out);
    }
    case AST_LShift:
      if (b < 0) return false;
      if (a == 0) {
        *out = 0;
        return true;
      }
      if (b > 64) return false;
      return !__builtin_mul_overflow(a, (fold_int)1 << b, &r) && fold_ok(r, out);
    case AST_RShift:
      if (b < 0) return false;
      *out = b > 100 ? (a < 0 ? -1 : 0) : a >> b;
      return true;
    case AST_Pow: {
      if (b < 0) return false;
      fold_int base = a;
      r = 1;
      while (b > 0) {
        if ((b & 1) && (__builtin_mul_overflow(r, base, &r) || !fold_ok(r, &r))) return false;
        b >>= 1;
        if (b > 0 && (__builtin_mul_overflow(base, base, &base) || !fold_ok(base, &base))) {
          /* base only matters while bits of b remain; a huge base means a huge result
          ** unless it is 0 or +-1, which never overflow. */
          return false;
        }
      }
      *out = r;
      return true;
    }
    default: return false;
    }
  }
  default: return false;
  }
}

static bool const_int_eval(const AstNode *e, int64_t *out) {
  fold_int v;
  if (!fold_int_eval(e, &v, 0) || v > INT64_MAX || v < INT64_MIN) return false;
  *out = (int64_t)v;
  return true;
}

bool expr_is_const(Compiler *c, const AstNode *e) {
  int64_t folded;
  switch (e->kind) {
  case AST_BinOp: return const_int_eval(e, &folded);
  case AST_Constant: {
    const AstConst *k = &e->v.Constant.value;
    return !(k->kind == AST_CONST_INT && k->big) && k->kind != AST_CONST_IMAG;
  }
  case AST_UnaryOp: {
    const AstNode *o = e->v.UnaryOp.operand;
    if (e->v.UnaryOp.op == AST_USub && const_is_int64_min_magnitude(o)) return true;
    if (o->kind == AST_BinOp || o->kind == AST_UnaryOp) return const_int_eval(e, &folded);
    if (o->kind != AST_Constant || !expr_is_const(c, o)) return false;
    int k = o->v.Constant.value.kind;
    switch (e->v.UnaryOp.op) {
    case AST_USub:
    case AST_UAdd: return k == AST_CONST_INT || k == AST_CONST_FLOAT;
    case AST_Invert: return k == AST_CONST_INT;
    default: return false;
    }
  }
  case AST_Tuple:
    if (e->v.Tuple.ctx != AST_Load) return false;
    for (int i = 0; i < e->v.Tuple.elts.n; i++)
      if (!expr_is_const(c, e->v.Tuple.elts.items[i])) return false;
    return true;
  default: return false;
  }
}

bool const_value_of(Compiler *c, const AstNode *e, Value *out) {
  int64_t folded;
  switch (e->kind) {
  case AST_Constant: return const_value(c, e, out);
  case AST_BinOp:
    if (!const_int_eval(e, &folded)) return cinternal(c, "not a constant");
    *out = INT_VAL(folded);
    return true;
  case AST_UnaryOp: {
    const AstNode *o = e->v.UnaryOp.operand;
    if (o->kind == AST_BinOp || o->kind == AST_UnaryOp) {
      if (!const_int_eval(e, &folded)) return cinternal(c, "not a constant");
      *out = INT_VAL(folded);
      return true;
    }
    if (e->v.UnaryOp.op == AST_USub && const_is_int64_min_magnitude(o)) {
      *out = INT_VAL(INT64_MIN);
      return true;
    }
    Value v;
    TRY(const_value(c, o, &v));
    switch (e->v.UnaryOp.op) {
    case AST_USub: *out = IS_INT(v) ? INT_VAL(-AS_INT(v)) : FLOAT_VAL(-AS_FLOAT(v)); break;
    case AST_UAdd: *out = v; break;
    default: *out = INT_VAL(~AS_INT(v)); break;
    }
    return true;
  }
  case AST_Tuple: {
    int n = e->v.Tuple.elts.n;
    ObjTuple *t = asy_tuple_new(c->vm, (size_t)n);
    for (int i = 0; i < n; i++) TRY(const_value_of(c, e->v.Tuple.elts.items[i], &t->items[i]));
    *out = OBJ_VAL(t);
    return true;
  }
  default: return cinternal(c, "not a constant");
  }
}

/* ------------------------------------------------------------------------ */
/* Compile-time SyntaxWarnings for literals used wrongly (CPython 3.13)       */

/* The Python type name of a literal-ish expression, NULL when unknown. */
static const char *infer_type(Compiler *c, const AstNode *e) {
  switch (e->kind) {
  case AST_Tuple: return "tuple";
  case AST_List:
  case AST_ListComp: return "list";
  case AST_Dict:
  case AST_DictComp: return "dict";
  case AST_Set:
  case AST_SetComp: return "set";
  case AST_GeneratorExp: return "generator";
  case AST_Lambda: return "function";
  case AST_JoinedStr:
  case AST_FormattedValue: return "str";
  case AST_Constant:
    switch (e->v.Constant.value.kind) {
    case AST_CONST_NONE: return "NoneType";
    case AST_CONST_TRUE:
    case AST_CONST_FALSE: return "bool";
    case AST_CONST_ELLIPSIS: return "ellipsis";
    case AST_CONST_INT: return "int";
    case AST_CONST_FLOAT: return "float";
    case AST_CONST_IMAG: return "complex";
    case AST_CONST_STR: return "str";
    case AST_CONST_BYTES: return "bytes";
    }
    return NULL;
  case AST_UnaryOp:
    if (expr_is_const(c, e)) return infer_type(c, e->v.UnaryOp.operand);
    return NULL;
  case AST_BinOp: return expr_is_const(c, e) ? "int" : NULL; /* only int arithmetic folds */
  default: return NULL;
  }
}

/* Would CPython's AST optimiser make e a Constant (the folded cases)? */
static bool folds_to_constant(Compiler *c, const AstNode *e) {
  return e->kind == AST_Constant || expr_is_const(c, e);
}

static bool is_singleton_const(const AstNode *e) {
  if (e->kind != AST_Constant) return false;
  int k = e->v.Constant.value.kind;
  return k == AST_CONST_NONE || k == AST_CONST_TRUE || k == AST_CONST_FALSE ||
         k == AST_CONST_ELLIPSIS;
}

static void check_compare(Compiler *c, AstNode *e) {
  const AstNode *left_e = e->v.Compare.left;
  bool left = !folds_to_constant(c, left_e) || is_singleton_const(left_e);
  for (int i = 0; i < e->v.Compare.comparators.n; i++) {
    AstCmpOp op = e->v.Compare.ops[i];
    const AstNode *right_e = e->v.Compare.comparators.items[i];
    bool right = !folds_to_constant(c, right_e) || is_singleton_const(right_e);
    if ((op == AST_Is || op == AST_IsNot) && (!right || !left)) {
      const AstNode *lit = !left ? left_e : right_e;
      const char *t = infer_type(c, lit);
      cwarn(c, node_loc(e),
            op == AST_Is ? "\"is\" with '%s' literal. Did you mean \"==\"?"
                         : "\"is not\" with '%s' literal. Did you mean \"!=\"?",
            t ? t : "object");
      return;
    }
    left = right;
    left_e = right_e;
  }
}

static void check_caller(Compiler *c, const AstNode *f) {
  switch (f->kind) {
  case AST_Constant:
  case AST_Tuple:
  case AST_List:
  case AST_ListComp:
  case AST_Dict:
  case AST_DictComp:
  case AST_Set:
  case AST_SetComp:
  case AST_GeneratorExp:
  case AST_JoinedStr:
  case AST_FormattedValue:
    cwarn(c, node_loc(f), "'%s' object is not callable; perhaps you missed a comma?",
          infer_type(c, f));
    break;
  default: break;
  }
}

static void check_subscript(Compiler *c, const AstNode *v, const AstNode *s) {
  switch (v->kind) {
  case AST_Constant: {
    int k = v->v.Constant.value.kind;
    if (!(k == AST_CONST_NONE || k == AST_CONST_ELLIPSIS || k == AST_CONST_INT ||
          k == AST_CONST_FLOAT || k == AST_CONST_IMAG))
      break;
  }
  /* fall through */
  case AST_Set:
  case AST_SetComp:
  case AST_GeneratorExp:
  case AST_Lambda:
    cwarn(c, node_loc(v), "'%s' object is not subscriptable; perhaps you missed a comma?",
          infer_type(c, v));
    return;
  default: break;
  }
  const char *it = infer_type(c, s);
  if (!it || strcmp(it, "int") == 0 || strcmp(it, "bool") == 0 || s->kind == AST_Slice) return;
  bool seq = false;
  switch (v->kind) {
  case AST_Constant: {
    int k = v->v.Constant.value.kind;
    seq = k == AST_CONST_STR || k == AST_CONST_BYTES;
    break;
  }
  case AST_Tuple:
  case AST_List:
  case AST_ListComp:
  case AST_JoinedStr:
  case AST_FormattedValue: seq = true; break;
  default: break;
  }
  if (seq)
    cwarn(c, node_loc(v),
          "%s indices must be integers or slices, not %s; perhaps you missed a comma?",
          infer_type(c, v), it);
}

/* ------------------------------------------------------------------------ */
/* Displays                                                                  */

/* Build a list/set/tuple from elements that may contain *starred ones (CPython's
   starunpack_helper). */
static bool starunpack(Compiler *c, AsyPos loc, AstSeq *elts, int build, int add, int extend,
                       bool tuple) {
  int n = elts->n;
  if (n > 2) {
    bool all = true;
    for (int i = 0; i < n && all; i++) all = expr_is_const(c, elts->items[i]);
    if (all) {
      ObjTuple *t = asy_tuple_new(c->vm, (size_t)n);
      for (int i = 0; i < n; i++) TRY(const_value_of(c, elts->items[i], &t->items[i]));
      if (build == OP_BUILD_SET) {
        /* A constant set display is a frozenset constant merged into an empty set, as
        ** CPython compiles it; the table order (what printing shows) depends on that.
        ** CPython's constant merging also rebuilds the frozenset from its own iteration
        ** order, hence the second pass. (containers area edit) */
        Value fs = asy_set_from_iterable(c->vm, c->vm->types.frozenset, OBJ_VAL(t));
        if (IS_EXC(fs)) return false;
        ObjTuple *order = asy_tuple_new(c->vm, AS_SET(fs)->used);
        size_t pos = 0, k = 0;
        Value key;
        while (asy_set_next(AS_SET(fs), &pos, &key, NULL)) order->items[k++] = key;
        fs = asy_set_from_iterable(c->vm, c->vm->types.frozenset, OBJ_VAL(order));
        if (IS_EXC(fs)) return false;
        emit(c, build, 0, loc);
        emit_load_const(c, fs, loc);
        emit(c, extend, 1, loc);
        return true;
      }
      if (tuple) {
        emit_load_const(c, OBJ_VAL(t), loc);
      } else {
        emit(c, build, 0, loc);
        emit_load_const(c, OBJ_VAL(t), loc);
        emit(c, extend, 1, loc);
      }
      return true;
    }
  }
  bool big = n > STACK_USE_GUIDELINE;
  bool seen_star = false;
  for (int i = 0; i < n; i++) seen_star |= elts->items[i]->kind == AST_Starred;
  if (!seen_star && !big) {
    for (int i = 0; i < n; i++) TRY(compile_expr(c, elts->items[i]));
    emit(c, tuple ? OP_BUILD_TUPLE : build, n, loc);
    return true;
  }
  if (tuple) build = OP_BUILD_LIST, add = OP_LIST_APPEND, extend = OP_LIST_EXTEND;
  bool built = false;
  if (big) {
    emit(c, build, 0, loc);
    built = true;
  }
  for (int i = 0; i < n; i++) {
    AstNode *elt = elts->items[i];
    if (elt->kind == AST_Starred) {
      if (!built) {
        emit(c, build, i, loc);
        built = true;
      }
      TRY(compile_expr(c, elt->v.Starred.value));
      emit(c, extend, 1, loc);
    } else {
      TRY(compile_expr(c, elt));
      if (built) emit(c, add, 1, loc);
    }
  }
  if (tuple) emit(c, OP_LIST_TO_TUPLE, 0, loc);
  return true;
}

static bool compile_subdict(Compiler *c, AstNode *e, int begin, int end) {
  for (int i = begin; i < end; i++) {
    TRY(compile_expr(c, e->v.Dict.keys.items[i]));
    TRY(compile_expr(c, e->v.Dict.values.items[i]));
  }
  emit(c, OP_BUILD_MAP, end - begin, node_loc(e));
  return true;
}

static bool compile_dict(Compiler *c, AstNode *e) {
  AsyPos loc = node_loc(e);
  int n = e->v.Dict.values.n, elements = 0;
  bool have_dict = false;
  for (int i = 0; i < n; i++) {
    if (!e->v.Dict.keys.items[i]) {
      if (elements) {
        TRY(compile_subdict(c, e, i - elements, i));
        if (have_dict) emit(c, OP_DICT_UPDATE, 1, loc);
        have_dict = true;
        elements = 0;
      }
      if (!have_dict) {
        emit(c, OP_BUILD_MAP, 0, loc);
        have_dict = true;
      }
      TRY(compile_expr(c, e->v.Dict.values.items[i]));
      emit(c, OP_DICT_UPDATE, 1, loc);
    } else if (elements * 2 > STACK_USE_GUIDELINE) {
      TRY(compile_subdict(c, e, i - elements, i + 1));
      if (have_dict) emit(c, OP_DICT_UPDATE, 1, loc);
      have_dict = true;
      elements = 0;
    } else {
      elements++;
    }
  }
  if (elements) {
    TRY(compile_subdict(c, e, n - elements, n));
    if (have_dict) emit(c, OP_DICT_UPDATE, 1, loc);
    have_dict = true;
  }
  if (!have_dict) emit(c, OP_BUILD_MAP, 0, loc);
  return true;
}

/* ------------------------------------------------------------------------ */
/* Comparisons and conditional jumps                                         */

static void emit_compare(Compiler *c, AstCmpOp op, AsyPos loc) {
  switch (op) {
  case AST_Eq: emit(c, OP_COMPARE_OP, CMP_EQ, loc); break;
  case AST_NotEq: emit(c, OP_COMPARE_OP, CMP_NE, loc); break;
  case AST_Lt: emit(c, OP_COMPARE_OP, CMP_LT, loc); break;
  case AST_LtE: emit(c, OP_COMPARE_OP, CMP_LE, loc); break;
  case AST_Gt: emit(c, OP_COMPARE_OP, CMP_GT, loc); break;
  case AST_GtE: emit(c, OP_COMPARE_OP, CMP_GE, loc); break;
  case AST_Is: emit(c, OP_IS_OP, 0, loc); break;
  case AST_IsNot: emit(c, OP_IS_OP, 1, loc); break;
  case AST_In: emit(c, OP_CONTAINS_OP, 0, loc); break;
  case AST_NotIn: emit(c, OP_CONTAINS_OP, 1, loc); break;
  }
}

static bool compile_compare(Compiler *c, AstNode *e) {
  AsyPos loc = node_loc(e);
  check_compare(c, e);
  int n = e->v.Compare.comparators.n - 1;
  TRY(compile_expr(c, e->v.Compare.left));
  if (n == 0) {
    TRY(compile_expr(c, e->v.Compare.comparators.items[0]));
    emit_compare(c, e->v.Compare.ops[0], loc);
    return true;
  }
  /* a < b < c: each middle operand is evaluated once and kept for the next test */
  int cleanup = new_label(c), end = new_label(c);
  for (int i = 0; i < n; i++) {
    TRY(compile_expr(c, e->v.Compare.comparators.items[i]));
    emit(c, OP_SWAP, 2, loc);
    emit(c, OP_COPY, 2, loc);
    emit_compare(c, e->v.Compare.ops[i], loc);
    emit_jump(c, OP_JUMP_IF_FALSE_OR_POP, cleanup, loc);
  }
  TRY(compile_expr(c, e->v.Compare.comparators.items[n]));
  emit_compare(c, e->v.Compare.ops[n], loc);
  emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
  bind_label(c, cleanup);
  emit(c, OP_SWAP, 2, loc);
  emit(c, OP_POP_TOP, 0, loc);
  bind_label(c, end);
  return true;
}

/* Truthiness of a constant test, -1 if not a constant. */
static int const_truth(const AstNode *e) {
  if (e->kind != AST_Constant) return -1;
  const AstConst *k = &e->v.Constant.value;
  switch (k->kind) {
  case AST_CONST_NONE:
  case AST_CONST_FALSE: return 0;
  case AST_CONST_TRUE:
  case AST_CONST_ELLIPSIS: return 1;
  case AST_CONST_INT: return k->big ? -1 : k->i != 0;
  case AST_CONST_FLOAT: return k->f != 0.0;
  case AST_CONST_STR:
  case AST_CONST_BYTES: return k->len != 0;
  default: return -1;
  }
}

bool compile_jump_if(Compiler *c, AstNode *e, int label, bool cond) {
  switch (e->kind) {
  case AST_UnaryOp:
    if (e->v.UnaryOp.op == AST_Not) return compile_jump_if(c, e->v.UnaryOp.operand, label, !cond);
    break;
  case AST_BoolOp: {
    AstSeq *vals = &e->v.BoolOp.values;
    int n = vals->n - 1;
    bool cond2 = e->v.BoolOp.op == AST_Or;
    int next2 = label;
    if (cond2 != cond) next2 = new_label(c);
    for (int i = 0; i < n; i++) TRY(compile_jump_if(c, vals->items[i], next2, cond2));
    TRY(compile_jump_if(c, vals->items[n], label, cond));
    if (next2 != label) bind_label(c, next2);
    return true;
  }
  case AST_IfExp: {
    int end = new_label(c), next2 = new_label(c);
    TRY(compile_jump_if(c, e->v.IfExp.test, next2, false));
    TRY(compile_jump_if(c, e->v.IfExp.body, label, cond));
    emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
    bind_label(c, next2);
    TRY(compile_jump_if(c, e->v.IfExp.orelse, label, cond));
    bind_label(c, end);
    return true;
  }
  case AST_Compare: {
    int n = e->v.Compare.comparators.n - 1;
    if (n == 0) break;
    check_compare(c, e);
    AsyPos loc = node_loc(e);
    int cleanup = new_label(c), end = new_label(c);
    TRY(compile_expr(c, e->v.Compare.left));
    for (int i = 0; i < n; i++) {
      TRY(compile_expr(c, e->v.Compare.comparators.items[i]));
      emit(c, OP_SWAP, 2, loc);
      emit(c, OP_COPY, 2, loc);
      emit_compare(c, e->v.Compare.ops[i], loc);
      emit_jump(c, OP_POP_JUMP_IF_FALSE, cleanup, loc);
    }
    TRY(compile_expr(c, e->v.Compare.comparators.items[n]));
    emit_compare(c, e->v.Compare.ops[n], loc);
    emit_jump(c, cond ? OP_POP_JUMP_IF_TRUE : OP_POP_JUMP_IF_FALSE, label, loc);
    emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
    bind_label(c, cleanup);
    emit(c, OP_POP_TOP, 0, loc);
    if (!cond) emit_jump(c, OP_JUMP_PSEUDO, label, NO_LOC);
    bind_label(c, end);
    return true;
  }
  case AST_Constant: {
    int t = const_truth(e);
    if (t < 0) break;
    if ((t != 0) == cond) emit_jump(c, OP_JUMP_PSEUDO, label, node_loc(e));
    return true;
  }
  default: break;
  }
  TRY(compile_expr(c, e));
  emit_jump(c, cond ? OP_POP_JUMP_IF_TRUE : OP_POP_JUMP_IF_FALSE, label, node_loc(e));
  return true;
}

/* ------------------------------------------------------------------------ */
/* Calls                                                                     */

static bool validate_keywords(Compiler *c, AstSeq *kws) {
  for (int i = 0; i < kws->n; i++) {
    const char *a = kws->items[i]->v.keyword.arg;
    if (!a) continue;
    for (int j = i + 1; j < kws->n; j++) {
      const char *b = kws->items[j]->v.keyword.arg;
      if (b && strcmp(a, b) == 0)
        return cerror(c, kws->items[j], "keyword argument repeated: %s", a);
    }
  }
  return true;
}

static void emit_kwnames(Compiler *c, AstSeq *kws, int n, AsyPos loc) {
  ObjTuple *names = asy_tuple_new(c->vm, (size_t)n);
  for (int i = 0; i < n; i++) {
    const char *a = kws->items[i]->v.keyword.arg;
    names->items[i] = OBJ_VAL(asy_str_intern(c->vm, a, strlen(a)));
  }
  emit_load_const(c, OBJ_VAL(names), loc);
}

/* keywords[begin:end] (all named) as a dict. */
static bool compile_subkwargs(Compiler *c, AstSeq *kws, int begin, int end, AsyPos loc) {
  int n = end - begin;
  bool big = n * 2 > STACK_USE_GUIDELINE;
  if (big) emit(c, OP_BUILD_MAP, 0, loc);
  for (int i = begin; i < end; i++) {
    const char *a = kws->items[i]->v.keyword.arg;
    emit_load_const(c, OBJ_VAL(asy_str_intern(c->vm, a, strlen(a))), loc);
    TRY(compile_expr(c, kws->items[i]->v.keyword.value));
    if (big) emit(c, OP_MAP_ADD, 1, loc);
  }
  if (!big) emit(c, OP_BUILD_MAP, n, loc);
  return true;
}

/* Compile a positional argument; a generator expression argument gets the call's
   position for its (eager) evaluation. */
static bool compile_arg(Compiler *c, AstNode *arg, AsyPos callloc) {
  if (arg->kind != AST_GeneratorExp) return compile_expr(c, arg);
  const AstNode *saved_node = c->genexp_node;
  AsyPos saved_loc = c->genexp_loc;
  c->genexp_node = arg;
  c->genexp_loc = callloc;
  bool ok = compile_expr(c, arg);
  c->genexp_node = saved_node;
  c->genexp_loc = saved_loc;
  return ok;
}

/* Push the arguments of a call whose callable and self_or_NULL (plus `pushed` extra
   positionals) are on the stack, and emit CALL / CALL_KW / CALL_FUNCTION_EX. */
static bool compile_call_helper(Compiler *c, AsyPos loc, int pushed, AstSeq *args, AstSeq *kws) {
  TRY(validate_keywords(c, kws));
  int nelts = args->n, nkw = kws->n;
  bool ex = nelts + nkw * 2 > STACK_USE_GUIDELINE;
  for (int i = 0; i < nelts && !ex; i++) ex = args->items[i]->kind == AST_Starred;
  for (int i = 0; i < nkw && !ex; i++) ex = kws->items[i]->v.keyword.arg == NULL;
  if (!ex) {
    for (int i = 0; i < nelts; i++) TRY(compile_arg(c, args->items[i], loc));
    if (nkw) {
      for (int i = 0; i < nkw; i++) TRY(compile_expr(c, kws->items[i]->v.keyword.value));
      emit_kwnames(c, kws, nkw, loc);
      emit(c, OP_CALL_KW, pushed + nelts + nkw, loc);
    } else {
      emit(c, OP_CALL, pushed + nelts, loc);
    }
    return true;
  }
  /* f(*args, **kwargs): a tuple of positionals and a dict of keywords */
  if (pushed == 0 && nelts == 1 && args->items[0]->kind == AST_Starred) {
    TRY(compile_expr(c, args->items[0]->v.Starred.value));
  } else {
    TRY(starunpack(c, loc, args, OP_BUILD_LIST, OP_LIST_APPEND, OP_LIST_EXTEND, true));
  }
  if (nkw) {
    bool have_dict = false;
    int nseen = 0;
    for (int i = 0; i < nkw; i++) {
      AstNode *kw = kws->items[i];
      if (!kw->v.keyword.arg) {
        if (nseen) {
          TRY(compile_subkwargs(c, kws, i - nseen, i, loc));
          if (have_dict) emit(c, OP_DICT_MERGE, 1, loc);
          have_dict = true;
          nseen = 0;
        }
        if (!have_dict) {
          emit(c, OP_BUILD_MAP, 0, loc);
          have_dict = true;
        }
        TRY(compile_expr(c, kw->v.keyword.value));
        emit(c, OP_DICT_MERGE, 1, loc);
      } else {
        nseen++;
      }
    }
    if (nseen) {
      TRY(compile_subkwargs(c, kws, nkw - nseen, nkw, loc));
      if (have_dict) emit(c, OP_DICT_MERGE, 1, loc);
    }
  }
  emit(c, OP_CALL_FUNCTION_EX, nkw > 0, loc);
  return true;
}

/* obj.meth(args) without a bound-method object: LOAD_ATTR (method) + CALL. */
static bool maybe_method_call(Compiler *c, AstNode *e, bool *done) {
  AstNode *meth = e->v.Call.func;
  AstSeq *args = &e->v.Call.args, *kws = &e->v.Call.keywords;
  *done = false;
  if (meth->kind != AST_Attribute || meth->v.Attribute.ctx != AST_Load) return true;
  if (args->n + kws->n + (kws->n != 0) >= STACK_USE_GUIDELINE) return true;
  for (int i = 0; i < args->n; i++)
    if (args->items[i]->kind == AST_Starred) return true;
  for (int i = 0; i < kws->n; i++)
    if (!kws->items[i]->v.keyword.arg) return true;
  *done = true;
  TRY(validate_keywords(c, kws));
  TRY(compile_expr(c, meth->v.Attribute.value));
  AsyPos mloc = attr_loc(meth, node_loc(meth));
  emit(c, OP_LOAD_ATTR, (add_name(c, cmangle(c, meth->v.Attribute.attr)) << 1) | 1, mloc);
  AsyPos cloc = attr_loc(meth, node_loc(e));
  for (int i = 0; i < args->n; i++) TRY(compile_arg(c, args->items[i], cloc));
  if (kws->n) {
    for (int i = 0; i < kws->n; i++) TRY(compile_expr(c, kws->items[i]->v.keyword.value));
    emit_kwnames(c, kws, kws->n, mloc);
    emit(c, OP_CALL_KW, args->n + kws->n, cloc);
  } else {
    emit(c, OP_CALL, args->n, cloc);
  }
  return true;
}

/* Zero-argument super() inside a method: super(__class__, <first parameter>). */
static bool maybe_super_call(Compiler *c, AstNode *e, bool *done) {
  AstNode *f = e->v.Call.func;
  *done = false;
  if (f->kind != AST_Name || strcmp(f->v.Name.id, "super") != 0 || e->v.Call.args.n ||
      e->v.Call.keywords.n)
    return true;
  Unit *u = c->u;
  if (u->ste->type != BLOCK_FUNCTION) return true;
  if (name_scope(c, "super") != SC_GLOBAL_IMPLICIT) return true;
  if (name_scope(c, "__class__") != SC_FREE) return true;
  Scope *fn = u->ste;
  while (fn && fn->comp_kind) fn = fn->parent;
  if (!fn || fn->type != BLOCK_FUNCTION || !fn->node) return true;
  const AstNode *args =
      fn->node->kind == AST_Lambda ? fn->node->v.Lambda.args : fn->node->v.FunctionDef.args;
  if (args->v.arguments.posonlyargs.n + args->v.arguments.args.n == 0) return true;
  const char *first = fn->params[0];
  if (fn != u->ste && name_scope(c, first) != SC_FREE) return true;
  *done = true;
  AsyPos floc = node_loc(f);
  emit(c, OP_LOAD_GLOBAL, (add_name(c, "super") << 1) | 1, floc);
  TRY(compile_nameop(c, "__class__", AST_Load, floc));
  TRY(compile_nameop(c, first, AST_Load, floc));
  emit(c, OP_CALL, 2, node_loc(e));
  return true;
}

static bool compile_call(Compiler *c, AstNode *e) {
  bool done;
  check_caller(c, e->v.Call.func);
  TRY(maybe_method_call(c, e, &done));
  if (done) return true;
  TRY(maybe_super_call(c, e, &done));
  if (done) return true;
  AstNode *f = e->v.Call.func;
  AsyPos floc = node_loc(f);
  bool global = false;
  if (f->kind == AST_Name && strcmp(f->v.Name.id, "__debug__") != 0) {
    const char *m = cmangle(c, f->v.Name.id);
    SymScope sc = name_scope(c, m);
    global =
        sc == SC_GLOBAL_EXPLICIT || (sc == SC_GLOBAL_IMPLICIT && c->u->ste->type == BLOCK_FUNCTION);
    if (global) emit(c, OP_LOAD_GLOBAL, (add_name(c, m) << 1) | 1, floc);
  }
  if (!global) {
    TRY(compile_expr(c, f));
    emit(c, OP_PUSH_NULL, 0, floc);
  }
  return compile_call_helper(c, node_loc(e), 0, &e->v.Call.args, &e->v.Call.keywords);
}

/* ------------------------------------------------------------------------ */
/* Slices, f-strings                                                          */

int compile_slice_parts(Compiler *c, AstNode *s) {
  AsyPos loc = node_loc(s);
  int n = 2;
  if (s->v.Slice.lower) {
    if (!compile_expr(c, s->v.Slice.lower)) return 0;
  } else {
    emit_load_const(c, NONE_VAL, loc);
  }
  if (s->v.Slice.upper) {
    if (!compile_expr(c, s->v.Slice.upper)) return 0;
  } else {
    emit_load_const(c, NONE_VAL, loc);
  }
  if (s->v.Slice.step) {
    if (!compile_expr(c, s->v.Slice.step)) return 0;
    n = 3;
  }
  return n;
}

static bool compile_subscript(Compiler *c, AstNode *e) {
  AsyPos loc = node_loc(e);
  AstNode *sl = e->v.Subscript.slice;
  check_subscript(c, e->v.Subscript.value, sl);
  TRY(compile_expr(c, e->v.Subscript.value));
  if (sl->kind == AST_Slice && !sl->v.Slice.step) {
    compile_slice_parts(c, sl);
    if (c->failed) return false;
    emit(c, OP_BINARY_SLICE, 0, loc);
  } else {
    TRY(compile_expr(c, sl));
    emit(c, OP_BINARY_SUBSCR, 0, loc);
  }
  return true;
}

static bool compile_formatted_value(Compiler *c, AstNode *e) {
  AsyPos loc = node_loc(e);
  TRY(compile_expr(c, e->v.FormattedValue.value));
  switch (e->v.FormattedValue.conversion) {
  case 's': emit(c, OP_CONVERT_VALUE, 1, loc); break;
  case 'r': emit(c, OP_CONVERT_VALUE, 2, loc); break;
  case 'a': emit(c, OP_CONVERT_VALUE, 3, loc); break;
  default: break;
  }
  if (e->v.FormattedValue.format_spec) {
    TRY(compile_expr(c, e->v.FormattedValue.format_spec));
    emit(c, OP_FORMAT_WITH_SPEC, 0, loc);
  } else {
    emit(c, OP_FORMAT_SIMPLE, 0, loc);
  }
  return true;
}

static bool compile_joined_str(Compiler *c, AstNode *e) {
  AsyPos loc = node_loc(e);
  AstSeq *vals = &e->v.JoinedStr.values;
  for (int i = 0; i < vals->n; i++) TRY(compile_expr(c, vals->items[i]));
  if (vals->n > 1) emit(c, OP_BUILD_STRING, vals->n, loc);
  else if (vals->n == 0) emit_load_const(c, OBJ_VAL(asy_str_intern(c->vm, "", 0)), loc);
  return true;
}

/* ------------------------------------------------------------------------ */
/* Assignment targets                                                        */

static bool unpack_helper(Compiler *c, AstNode *target, AstSeq *elts) {
  AsyPos loc = node_loc(target);
  int n = elts->n;
  bool seen_star = false;
  for (int i = 0; i < n; i++) {
    if (elts->items[i]->kind != AST_Starred) continue;
    if (seen_star) return cerror(c, target, "multiple starred expressions in assignment");
    if (i >= (1 << 8) || (n - i - 1) >= (1 << 16))
      return cerror(c, target, "too many expressions in star-unpacking assignment");
    emit(c, OP_UNPACK_EX, i + ((n - i - 1) << 8), loc);
    seen_star = true;
  }
  if (!seen_star) emit(c, OP_UNPACK_SEQUENCE, n, loc);
  for (int i = 0; i < n; i++) {
    AstNode *elt = elts->items[i];
    TRY(compile_store(c, elt->kind == AST_Starred ? elt->v.Starred.value : elt));
  }
  return true;
}

bool compile_store(Compiler *c, AstNode *t) {
  AsyPos loc = node_loc(t);
  switch (t->kind) {
  case AST_Name: return compile_nameop(c, t->v.Name.id, AST_Store, loc);
  case AST_Attribute:
    note_static_attribute(c, t);
    TRY(compile_expr(c, t->v.Attribute.value));
    emit(c, OP_STORE_ATTR, add_name(c, cmangle(c, t->v.Attribute.attr)), attr_loc(t, loc));
    return true;
  case AST_Subscript: {
    AstNode *sl = t->v.Subscript.slice;
    TRY(compile_expr(c, t->v.Subscript.value));
    if (sl->kind == AST_Slice && !sl->v.Slice.step) {
      compile_slice_parts(c, sl);
      if (c->failed) return false;
      emit(c, OP_STORE_SLICE, 0, loc);
    } else {
      TRY(compile_expr(c, sl));
      emit(c, OP_STORE_SUBSCR, 0, loc);
    }
    return true;
  }
  case AST_Tuple: return unpack_helper(c, t, &t->v.Tuple.elts);
  case AST_List: return unpack_helper(c, t, &t->v.List.elts);
  case AST_Starred: return cerror(c, t, "starred assignment target must be in a list or tuple");
  default: return cerror(c, t, "cannot assign to %s", asy_ast_kind_name(t->kind));
  }
}

/* ------------------------------------------------------------------------ */
/* await and yield from                                                      */

/* receiver -- result: send None, then whatever the resumer sends, into the receiver
   until it returns; its yields pass up through this frame (CPython 3.12+'s shape). */
static void emit_send_loop(Compiler *c, AsyPos loc) {
  int send = new_label(c), done = new_label(c);
  emit(c, OP_LOAD_CONST, add_const(c, NONE_VAL), loc);
  bind_label(c, send);
  emit_jump(c, OP_SEND, done, loc);
  emit(c, OP_YIELD_VALUE, 0, loc);
  emit_jump(c, OP_JUMP_PSEUDO, send, loc);
  bind_label(c, done);
  emit(c, OP_END_SEND, 0, loc);
}

void emit_await(Compiler *c, AsyPos loc) {
  emit(c, OP_GET_AWAITABLE, 0, loc);
  emit_send_loop(c, loc);
  if (c->u->kind == UNIT_MODULE) c->u->flags |= CODE_HAS_AWAIT;
}

/* ------------------------------------------------------------------------ */
/* Comprehension loops                                                       */

bool compile_comprehension_generator(Compiler *c, AstNode *e, AstSeq *gens, int index, int depth,
                                     AstNode *elt, AstNode *val) {
  AstNode *gen = gens->items[index];
  AsyPos loc = node_loc(e);
  AsyPos iloc = node_loc(gen->v.comprehension.iter);
  bool is_async = gen->v.comprehension.is_async;
  int start = new_label(c), if_cleanup = new_label(c), anchor = new_label(c);
  if (index == 0) {
    emit(c, OP_LOAD_FAST, 0, loc); /* the outermost iterator, parameter ".0" */
  } else {
    TRY(compile_expr(c, gen->v.comprehension.iter));
    emit(c, is_async ? OP_GET_AITER : OP_GET_ITER, 0, iloc);
  }
  depth++;
  bind_label(c, start);
  if (is_async) {
    TRY(push_fblock(c, e, FB_ASYNC_COMPREHENSION_GENERATOR, start, -1, NULL, c->u->depth));
    push_handler(c, anchor, c->u->depth, false);
    emit(c, OP_GET_ANEXT, 0, iloc);
    emit_await(c, iloc);
    pop_handler(c);
  } else {
    emit_jump(c, OP_FOR_ITER, anchor, iloc);
  }
  TRY(compile_store(c, gen->v.comprehension.target));
  for (int i = 0; i < gen->v.comprehension.ifs.n; i++)
    TRY(compile_jump_if(c, gen->v.comprehension.ifs.items[i], if_cleanup, false));
  if (index + 1 < gens->n) {
    TRY(compile_comprehension_generator(c, e, gens, index + 1, depth, elt, val));
  } else {
    AsyPos eloc = node_loc(elt);
    switch (e->kind) {
    case AST_SetComp:
      TRY(compile_expr(c, elt));
      emit(c, OP_SET_ADD, depth + 1, eloc);
      break;
    case AST_DictComp:
      TRY(compile_expr(c, elt));
      TRY(compile_expr(c, val));
      emit(c, OP_MAP_ADD, depth + 1, eloc);
      break;
    case AST_GeneratorExp:
      TRY(compile_expr(c, elt));
      emit(c, OP_YIELD_VALUE, (c->u->flags & CODE_ASYNC_GENERATOR) ? 1 : 0, eloc);
      emit(c, OP_POP_TOP, 0, eloc);
      break;
    default:
      TRY(compile_expr(c, elt));
      emit(c, OP_LIST_APPEND, depth + 1, eloc);
      break;
    }
  }
  bind_label(c, if_cleanup);
  emit_jump(c, OP_JUMP_PSEUDO, start, NO_LOC);
  if (is_async) pop_fblock(c);
  bind_label(c, anchor);
  if (is_async) emit(c, OP_END_ASYNC_FOR, 0, iloc);
  return true;
}

/* ------------------------------------------------------------------------ */

bool compile_expr(Compiler *c, AstNode *e) {
  AsyPos loc = node_loc(e);
  switch (e->kind) {
  case AST_BoolOp: {
    AstSeq *vals = &e->v.BoolOp.values;
    int end = new_label(c);
    int op = e->v.BoolOp.op == AST_And ? OP_JUMP_IF_FALSE_OR_POP : OP_JUMP_IF_TRUE_OR_POP;
    for (int i = 0; i < vals->n - 1; i++) {
      TRY(compile_expr(c, vals->items[i]));
      emit_jump(c, op, end, loc);
    }
    TRY(compile_expr(c, vals->items[vals->n - 1]));
    bind_label(c, end);
    return true;
  }
  case AST_NamedExpr:
    TRY(compile_expr(c, e->v.NamedExpr.value));
    emit(c, OP_COPY, 1, loc);
    return compile_store(c, e->v.NamedExpr.target);
  case AST_BinOp:
    if (expr_is_const(c, e)) {
      Value v;
      TRY(const_value_of(c, e, &v));
      emit_load_const(c, v, loc);
      return true;
    }
    TRY(compile_expr(c, e->v.BinOp.left));
    TRY(compile_expr(c, e->v.BinOp.right));
    emit(c, OP_BINARY_OP, binop_arg(e->v.BinOp.op), loc);
    return true;
  case AST_UnaryOp:
    if (expr_is_const(c, e)) {
      Value v;
      TRY(const_value_of(c, e, &v));
      emit_load_const(c, v, loc);
      return true;
    }
    TRY(compile_expr(c, e->v.UnaryOp.operand));
    switch (e->v.UnaryOp.op) {
    case AST_Not: emit(c, OP_UNARY_NOT, 0, loc); break;
    case AST_USub: emit(c, OP_UNARY_NEGATIVE, 0, loc); break;
    case AST_UAdd: emit(c, OP_UNARY_POSITIVE, 0, loc); break;
    default: emit(c, OP_UNARY_INVERT, 0, loc); break;
    }
    return true;
  case AST_Lambda: return compile_lambda(c, e);
  case AST_IfExp: {
    int end = new_label(c), next = new_label(c);
    TRY(compile_jump_if(c, e->v.IfExp.test, next, false));
    TRY(compile_expr(c, e->v.IfExp.body));
    emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
    bind_label(c, next);
    TRY(compile_expr(c, e->v.IfExp.orelse));
    bind_label(c, end);
    return true;
  }
  case AST_Dict: return compile_dict(c, e);
  case AST_Set:
    return starunpack(c, loc, &e->v.Set.elts, OP_BUILD_SET, OP_SET_ADD, OP_SET_UPDATE, false);
  case AST_ListComp:
  case AST_SetComp:
  case AST_DictComp:
  case AST_GeneratorExp: return compile_comprehension(c, e);
  case AST_Await:
    TRY(compile_expr(c, e->v.Await.value));
    emit_await(c, loc);
    return true;
  case AST_Yield:
    if (e->v.Yield.value) TRY(compile_expr(c, e->v.Yield.value));
    else emit(c, OP_LOAD_CONST, add_const(c, NONE_VAL), loc);
    /* An async generator's own yield is told apart from the awaits passing through. */
    emit(c, OP_YIELD_VALUE, (c->u->flags & CODE_ASYNC_GENERATOR) ? 1 : 0, loc);
    return true;
  case AST_YieldFrom:
    TRY(compile_expr(c, e->v.YieldFrom.value));
    emit(c, OP_GET_YIELD_FROM_ITER, 0, loc);
    emit_send_loop(c, loc);
    return true;
  case AST_Compare: return compile_compare(c, e);
  case AST_Call: return compile_call(c, e);
  case AST_FormattedValue: return compile_formatted_value(c, e);
  case AST_JoinedStr: return compile_joined_str(c, e);
  case AST_Constant: {
    Value v;
    TRY(const_value(c, e, &v));
    emit_load_const(c, v, loc);
    return true;
  }
  case AST_Attribute:
    TRY(compile_expr(c, e->v.Attribute.value));
    emit(c, OP_LOAD_ATTR, add_name(c, cmangle(c, e->v.Attribute.attr)) << 1, attr_loc(e, loc));
    return true;
  case AST_Subscript: return compile_subscript(c, e);
  case AST_Starred: return cerror(c, e, "can't use starred expression here");
  case AST_Name: return compile_nameop(c, e->v.Name.id, AST_Load, loc);
  case AST_List:
    return starunpack(c, loc, &e->v.List.elts, OP_BUILD_LIST, OP_LIST_APPEND, OP_LIST_EXTEND,
                      false);
  case AST_Tuple:
    if (expr_is_const(c, e)) {
      Value v;
      TRY(const_value_of(c, e, &v));
      emit_load_const(c, v, loc);
      return true;
    }
    return starunpack(c, loc, &e->v.Tuple.elts, OP_BUILD_LIST, OP_LIST_APPEND, OP_LIST_EXTEND,
                      true);
  case AST_Slice: {
    int n = compile_slice_parts(c, e);
    if (c->failed) return false;
    emit(c, OP_BUILD_SLICE, n, loc);
    return true;
  }
  default: return cerror(c, e, "unsupported expression");
  }
}
