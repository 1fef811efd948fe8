/*
** astbuild.c — node builders called from the grammar actions.
**
** Besides filling nodes, this is where the checks live that CPython's PEG
** grammar expresses with its `invalid_*` rules: assignment/deletion targets,
** keyword arguments, argument order, parameter lists, except/except* mixing.
** The messages and the reported ranges follow CPython 3.13.
*/
#include <stdint.h>
#include <string.h>

#include "lang/parser_int.h"

AstNode *ab_new(AsyParse *P, AstKind k, int l1, int c1, int l2, int c2) {
  return asy_ast_new(P->a, k, l1, c1, l2, c2);
}

AstSeq ab_seq1(AsyParse *P, AstNode *x) {
  AstSeq s;
  memset(&s, 0, sizeof s);
  asy_seq_push(P->a, &s, x);
  return s;
}

void ab_push(AsyParse *P, AstSeq *s, AstNode *x) { asy_seq_push(P->a, s, x); }

AstNode *ab_last(AstSeq s) { return s.n ? s.items[s.n - 1] : NULL; }

char *ab_str(AsyParse *P, const AsyToken *t) { return asy_arena_strndup(P->a, t->z, (size_t)t->n); }

AstNode *ab_name(AsyParse *P, const AsyToken *t) {
  AstNode *n = NTT(P, AST_Name, *t, *t);
  n->v.Name.id = ab_str(P, t);
  n->v.Name.ctx = AST_Load;
  return n;
}

AstNode *ab_const(AsyParse *P, const AsyToken *t, AstConstKind kind) {
  AstNode *n = NTT(P, AST_Constant, *t, *t);
  n->v.Constant.value.kind = kind;
  return n;
}

AstNode *ab_number(AsyParse *P, const AsyToken *t) {
  AstNode *n = NTT(P, AST_Constant, *t, *t);
  asy_decode_number(P->L, t, &n->v.Constant.value);
  return n;
}

AstNode *ab_binop(AsyParse *P, AstNode *l, AstOperator op, AstNode *r) {
  AstNode *n = NNN(P, AST_BinOp, l, r);
  n->v.BinOp.left = l;
  n->v.BinOp.op = op;
  n->v.BinOp.right = r;
  return n;
}

/* `a or b or c` is one BoolOp with three values, `(a or b) or c` two. */
AstNode *ab_boolop(AsyParse *P, AstNode *l, AstBoolOp op, AstNode *r) {
  if (l->kind == AST_BoolOp && l->v.BoolOp.op == op && !(l->pflags & PF_PAREN)) {
    ab_push(P, &l->v.BoolOp.values, r);
    ab_extend(P, l, r);
    return l;
  }
  AstNode *n = NNN(P, AST_BoolOp, l, r);
  n->v.BoolOp.op = op;
  ab_push(P, &n->v.BoolOp.values, l);
  ab_push(P, &n->v.BoolOp.values, r);
  return n;
}

/* `a < b < c` is one Compare; ops[] grows with the comparators. */
AstNode *ab_compare(AsyParse *P, AstNode *l, AstCmpOp op, AstNode *r) {
  AstNode *n = l;
  if (!(l->kind == AST_Compare && !(l->pflags & PF_PAREN))) {
    n = NNN(P, AST_Compare, l, r);
    n->v.Compare.left = l;
  }
  int k = n->v.Compare.comparators.n;
  /* ops[] doubles its capacity (1, 2, 4, ...): a long chain stays linear in memory. */
  if ((k & (k - 1)) == 0) {
    AstCmpOp *ops = asy_arena_alloc(P->a, sizeof *ops * (size_t)(k ? 2 * k : 1));
    if (k) memcpy(ops, n->v.Compare.ops, sizeof *ops * (size_t)k);
    n->v.Compare.ops = ops;
  }
  n->v.Compare.ops[k] = op;
  ab_push(P, &n->v.Compare.comparators, r);
  ab_extend(P, n, r);
  return n;
}

AstNode *ab_unary(AsyParse *P, const AsyToken *t, AstUnaryOp op, AstNode *e) {
  AstNode *n = NTN(P, AST_UnaryOp, *t, e);
  n->v.UnaryOp.op = op;
  n->v.UnaryOp.operand = e;
  return n;
}

/* ---- outer spans of parenthesised expressions ---- */

static unsigned hash_ptr(const void *p) {
  uintptr_t x = (uintptr_t)p;
  x ^= x >> 17;
  x *= 0x9E3779B1u;
  return (unsigned)(x ^ (x >> 15));
}

static ParenSpan *paren_find(AsyParse *P, const AstNode *n, int insert) {
  if (insert && (P->nparens + 1) * 2 > P->capparens) {
    int cap = P->capparens ? P->capparens * 2 : 64;
    ParenSpan *t = asy_arena_alloc(P->a, sizeof *t * (size_t)cap);
    for (int i = 0; i < P->capparens; i++) {
      if (!P->parens[i].node) continue;
      unsigned h = hash_ptr(P->parens[i].node) & (unsigned)(cap - 1);
      while (t[h].node) h = (h + 1) & (unsigned)(cap - 1);
      t[h] = P->parens[i];
    }
    P->parens = t;
    P->capparens = cap;
  }
  if (!P->capparens) return NULL;
  unsigned h = hash_ptr(n) & (unsigned)(P->capparens - 1);
  while (P->parens[h].node) {
    if (P->parens[h].node == n) return &P->parens[h];
    h = (h + 1) & (unsigned)(P->capparens - 1);
  }
  if (!insert) return NULL;
  P->nparens++;
  P->parens[h].node = n;
  return &P->parens[h];
}

AstNode *ab_paren(AsyParse *P, AstNode *e, const AsyToken *lpar, const AsyToken *rpar) {
  e->pflags |= PF_PAREN | PF_OUTER;
  ParenSpan *s = paren_find(P, e, 1);
  s->l1 = lpar->lineno;
  s->c1 = lpar->col;
  s->l2 = rpar->end_lineno;
  s->c2 = rpar->end_col;
  return e;
}

void ab_semicolon_end(AsyParse *P, AstNode *stmt, const AsyToken *semi) {
  stmt->pflags |= PF_OUTER;
  ParenSpan *s = paren_find(P, stmt, 1);
  s->l1 = stmt->lineno;
  s->c1 = stmt->col_offset;
  s->l2 = semi->end_lineno;
  s->c2 = semi->end_col;
}

void ab_outer(AsyParse *P, const AstNode *n, int *l1, int *c1, int *l2, int *c2) {
  ParenSpan *s = (n->pflags & PF_OUTER) ? paren_find(P, n, 0) : NULL;
  if (s) {
    *l1 = s->l1, *c1 = s->c1, *l2 = s->l2, *c2 = s->c2;
  } else {
    *l1 = n->lineno, *c1 = n->col_offset, *l2 = n->end_lineno, *c2 = n->end_col_offset;
  }
}

AstNode *ab_span(AsyParse *P, AstKind k, const AstNode *a, const AstNode *b) {
  int l1, c1, l2, c2, x, y;
  ab_outer(P, a, &l1, &c1, &x, &y);
  ab_outer(P, b, &x, &y, &l2, &c2);
  return ab_new(P, k, l1, c1, l2, c2);
}

AstNode *ab_span_tn(AsyParse *P, AstKind k, const AsyToken *a, const AstNode *b) {
  int l2, c2, x, y;
  ab_outer(P, b, &x, &y, &l2, &c2);
  return ab_new(P, k, a->lineno, a->col, l2, c2);
}

AstNode *ab_span_nt(AsyParse *P, AstKind k, const AstNode *a, const AsyToken *b) {
  int l1, c1, x, y;
  ab_outer(P, a, &l1, &c1, &x, &y);
  return ab_new(P, k, l1, c1, b->end_lineno, b->end_col);
}

void ab_start_at(AsyParse *P, AstNode *n, const AstNode *e) {
  int x, y;
  ab_outer(P, e, &n->lineno, &n->col_offset, &x, &y);
}

void ab_extend(AsyParse *P, AstNode *n, const AstNode *e) {
  int x, y;
  ab_outer(P, e, &x, &y, &n->end_lineno, &n->end_col_offset);
}

AstNode *ab_tuple(AsyParse *P, AstSeq elts, const AsyToken *trailing_comma) {
  AstNode *n = NNN(P, AST_Tuple, elts.items[0], elts.items[elts.n - 1]);
  n->v.Tuple.elts = elts;
  n->v.Tuple.ctx = AST_Load;
  if (trailing_comma) {
    n->end_lineno = trailing_comma->end_lineno;
    n->end_col_offset = trailing_comma->end_col;
  }
  return n;
}

AstNode *ab_starred(AsyParse *P, const AsyToken *star, AstNode *e) {
  AstNode *n = NTN(P, AST_Starred, *star, e);
  n->v.Starred.value = e;
  n->v.Starred.ctx = AST_Load;
  return n;
}

/* CPython's _PyPegen_get_expr_name: how messages name an expression. */
static const char *expr_name(const AstNode *e) {
  switch (e->kind) {
  case AST_Attribute: return "attribute";
  case AST_Subscript: return "subscript";
  case AST_Starred: return "starred";
  case AST_Name: return "name";
  case AST_List: return "list";
  case AST_Tuple: return "tuple";
  case AST_Lambda: return "lambda";
  case AST_Call: return "function call";
  case AST_BoolOp:
  case AST_BinOp:
  case AST_UnaryOp: return "expression";
  case AST_GeneratorExp: return "generator expression";
  case AST_Yield:
  case AST_YieldFrom: return "yield expression";
  case AST_Await: return "await expression";
  case AST_ListComp: return "list comprehension";
  case AST_SetComp: return "set comprehension";
  case AST_DictComp: return "dict comprehension";
  case AST_Dict: return "dict literal";
  case AST_Set: return "set display";
  case AST_JoinedStr:
  case AST_FormattedValue: return "f-string expression";
  case AST_Constant:
    switch (e->v.Constant.value.kind) {
    case AST_CONST_NONE: return "None";
    case AST_CONST_TRUE: return "True";
    case AST_CONST_FALSE: return "False";
    case AST_CONST_ELLIPSIS: return "ellipsis";
    default: return "literal";
    }
  case AST_Compare: return "comparison";
  case AST_IfExp: return "conditional expression";
  case AST_NamedExpr: return "named expression";
  default: return "expression";
  }
}

AstNode *ab_namedexpr(AsyParse *P, AstNode *target, AstNode *value) {
  if (target->kind != AST_Name)
    ab_error_node(P, target, "cannot use assignment expressions with %s", expr_name(target));
  else target->v.Name.ctx = AST_Store;
  AstNode *n = NNN(P, AST_NamedExpr, target, value);
  n->v.NamedExpr.target = target;
  n->v.NamedExpr.value = value;
  return n;
}

/* The first sub-expression that cannot be a target (NULL: e is a valid one);
   CPython's _PyPegen_get_invalid_target. */
static AstNode *invalid_target(AstNode *e, int use) {
  switch (e->kind) {
  case AST_Name:
  case AST_Attribute:
  case AST_Subscript: return NULL;
  case AST_Starred:
    if (use == TGT_DEL) return e;
    return invalid_target(e->v.Starred.value, use);
  case AST_List:
  case AST_Tuple: {
    AstSeq *s = e->kind == AST_List ? &e->v.List.elts : &e->v.Tuple.elts;
    for (int i = 0; i < s->n; i++) {
      AstNode *bad = invalid_target(s->items[i], use);
      if (bad) return bad;
    }
    return NULL;
  }
  case AST_Compare:
    /* `for x in y in z` style: the comparison's left side is the target */
    if (use == TGT_FOR && e->v.Compare.ops[0] == AST_In)
      return invalid_target(e->v.Compare.left, use);
    return e;
  default: return e;
  }
}

static void set_ctx(AstNode *e, AstExprContext ctx) {
  switch (e->kind) {
  case AST_Name: e->v.Name.ctx = ctx; break;
  case AST_Attribute: e->v.Attribute.ctx = ctx; break;
  case AST_Subscript: e->v.Subscript.ctx = ctx; break;
  case AST_Starred:
    e->v.Starred.ctx = ctx;
    set_ctx(e->v.Starred.value, ctx);
    break;
  case AST_List:
    e->v.List.ctx = ctx;
    for (int i = 0; i < e->v.List.elts.n; i++) set_ctx(e->v.List.elts.items[i], ctx);
    break;
  case AST_Tuple:
    e->v.Tuple.ctx = ctx;
    for (int i = 0; i < e->v.Tuple.elts.n; i++) set_ctx(e->v.Tuple.elts.items[i], ctx);
    break;
  default: break;
  }
}

AstNode *ab_target(AsyParse *P, AstNode *e, int use) {
  AstNode *bad = invalid_target(e, use);
  if (bad) {
    if (use == TGT_DEL) ab_error_node(P, bad, "cannot delete %s", expr_name(bad));
    else ab_error_node(P, bad, "cannot assign to %s", expr_name(bad));
    return e;
  }
  set_ctx(e, use == TGT_DEL ? AST_Del : AST_Store);
  return e;
}

/* Is e a `bitwise_or` in CPython's grammar (what the "Maybe you meant '=='"
   rule matches)? Parenthesised anything counts, it is an atom. */
static int is_bitwise_or(const AstNode *e) {
  if (e->pflags & PF_PAREN) return 1;
  switch (e->kind) {
  case AST_BoolOp:
  case AST_Compare:
  case AST_IfExp:
  case AST_Lambda:
  case AST_NamedExpr:
  case AST_Starred:
  case AST_Yield:
  case AST_YieldFrom: return 0;
  case AST_UnaryOp: return e->v.UnaryOp.op != AST_Not;
  case AST_Tuple: return 0;
  default: return 1;
  }
}

AstNode *ab_assign(AsyParse *P, AstNode *first, AstSeq rest) {
  AstNode *value = rest.items[rest.n - 1];
  AstNode *n = NNN(P, AST_Assign, first, value);
  ab_push(P, &n->v.Assign.targets, first);
  for (int i = 0; i + 1 < rest.n; i++) ab_push(P, &n->v.Assign.targets, rest.items[i]);
  n->v.Assign.value = value;
  for (int i = 0; i < n->v.Assign.targets.n; i++) {
    AstNode *t = n->v.Assign.targets.items[i];
    AstNode *bad = invalid_target(t, TGT_ASSIGN);
    if (!bad) continue;
    if (bad->kind == AST_Yield || bad->kind == AST_YieldFrom) {
      ab_error_node(P, bad, "assignment to yield expression not possible");
      return n;
    }
    int single = rest.n == 1;
    int special = t->kind == AST_List || t->kind == AST_Tuple ||
                  (t->kind == AST_Constant && (t->v.Constant.value.kind == AST_CONST_NONE ||
                                               t->v.Constant.value.kind == AST_CONST_TRUE ||
                                               t->v.Constant.value.kind == AST_CONST_FALSE)) ||
                  (t->kind == AST_GeneratorExp && (t->pflags & PF_PAREN));
    if (single && !special && is_bitwise_or(t) && is_bitwise_or(value))
      ab_error_node(P, t, "cannot assign to %s here. Maybe you meant '==' instead of '='?",
                    expr_name(t));
    else ab_error_node(P, bad, "cannot assign to %s", expr_name(bad));
    return n;
  }
  for (int i = 0; i < n->v.Assign.targets.n; i++) set_ctx(n->v.Assign.targets.items[i], AST_Store);
  return n;
}

AstNode *ab_augassign(AsyParse *P, AstNode *t, AstOperator op, AstNode *v) {
  AstNode *n = NNN(P, AST_AugAssign, t, v);
  n->v.AugAssign.target = t;
  n->v.AugAssign.op = op;
  n->v.AugAssign.value = v;
  if (t->kind != AST_Name && t->kind != AST_Attribute && t->kind != AST_Subscript)
    ab_error_node(P, t, "'%s' is an illegal expression for augmented assignment", expr_name(t));
  else set_ctx(t, AST_Store);
  return n;
}

AstNode *ab_annassign(AsyParse *P, AstNode *t, AstNode *ann, AstNode *v, const AsyToken *end) {
  (void)end;
  AstNode *n = NNN(P, AST_AnnAssign, t, v ? v : ann);
  n->v.AnnAssign.target = t;
  n->v.AnnAssign.annotation = ann;
  n->v.AnnAssign.value = v;
  if (t->kind == AST_Name) {
    n->v.AnnAssign.simple = !(t->pflags & PF_PAREN);
  } else if (t->kind == AST_Attribute || t->kind == AST_Subscript) {
    n->v.AnnAssign.simple = 0;
  } else if (t->kind == AST_Tuple) {
    ab_error_node(P, t, "only single target (not tuple) can be annotated");
    return n;
  } else if (t->kind == AST_List) {
    ab_error_node(P, t, "only single target (not list) can be annotated");
    return n;
  } else {
    ab_error_node(P, t, "illegal target for annotation");
    return n;
  }
  set_ctx(t, AST_Store);
  return n;
}

AstNode *ab_delete(AsyParse *P, const AsyToken *del, AstSeq targets) {
  AstNode *n = NTN(P, AST_Delete, *del, targets.items[targets.n - 1]);
  n->v.Delete.targets = targets;
  for (int i = 0; i < targets.n; i++) ab_target(P, targets.items[i], TGT_DEL);
  return n;
}

/* ---- calls ---- */

AstNode *ab_kwarg(AsyParse *P, AstNode *name, const AsyToken *eq, AstNode *value) {
  AstNode *n = NNN(P, AST_keyword, name, value);
  n->v.keyword.value = value;
  if (name->kind == AST_Name && !(name->pflags & PF_PAREN)) {
    n->v.keyword.arg = name->v.Name.id;
  } else if (name->kind == AST_Constant && (name->v.Constant.value.kind == AST_CONST_TRUE ||
                                            name->v.Constant.value.kind == AST_CONST_FALSE ||
                                            name->v.Constant.value.kind == AST_CONST_NONE)) {
    ab_error_range(P, name->lineno, name->col_offset, eq->end_lineno, eq->end_col,
                   "cannot assign to %s", expr_name(name));
  } else {
    ab_error_range(P, name->lineno, name->col_offset, eq->end_lineno, eq->end_col,
                   "expression cannot contain assignment, perhaps you meant \"==\"?");
  }
  return n;
}

AstNode *ab_dstar_arg(AsyParse *P, const AsyToken *t, AstNode *value) {
  AstNode *n = NTN(P, AST_keyword, *t, value);
  n->v.keyword.value = value;
  return n;
}

AstNode *ab_call(AsyParse *P, AstNode *func, AstSeq args, const AsyToken *lpar,
                 const AsyToken *rpar) {
  AstNode *n = NNT(P, AST_Call, func, *rpar);
  n->v.Call.func = func;
  int seen_kw = 0, seen_dstar = 0;
  for (int i = 0; i < args.n; i++) {
    AstNode *a = args.items[i];
    if (a->kind == AST_keyword) {
      if (a->v.keyword.arg) seen_kw = 1;
      else seen_dstar = 1;
      ab_push(P, &n->v.Call.keywords, a);
      continue;
    }
    if (a->pflags & PF_BARE_GENEXP) {
      if (args.n == 1) {
        /* the call's parentheses are the generator expression's */
        a->lineno = lpar->lineno;
        a->col_offset = lpar->col;
        a->end_lineno = rpar->end_lineno;
        a->end_col_offset = rpar->end_col;
      } else {
        ab_error_node(P, a, "Generator expression must be parenthesized");
      }
    }
    if (a->kind == AST_Starred) {
      if (seen_dstar) {
        /* CPython: from the comma before it to the end of the arguments */
        AstNode *last = args.items[args.n - 1];
        ab_error_range(P, a->lineno, ab_col_before(P, a->lineno, a->col_offset, ','),
                       last->end_lineno, last->end_col_offset,
                       "iterable argument unpacking follows keyword argument unpacking");
      }
    } else if (seen_dstar) {
      ab_error_tok(P, *rpar, "positional argument follows keyword argument unpacking");
    } else if (seen_kw) {
      ab_error_tok(P, *rpar, "positional argument follows keyword argument");
    }
    ab_push(P, &n->v.Call.args, a);
  }
  return n;
}

/* ---- parameters ---- */

AstNode *ab_arg(AsyParse *P, const AsyToken *name, AstNode *annotation) {
  AstNode *n = annotation ? NTN(P, AST_arg, *name, annotation) : NTT(P, AST_arg, *name, *name);
  n->v.arg.arg = ab_str(P, name);
  n->v.arg.annotation = annotation;
  return n;
}

void ab_param(AsyParse *P, ParamList **pl, int kind, AstNode *arg, AstNode *dflt,
              const AsyToken *tok) {
  ParamList *l = *pl;
  if (!l) l = *pl = asy_arena_alloc(P->a, sizeof *l);
  if (l->n == l->cap) {
    int cap = l->cap ? l->cap * 2 : 8;
    ParamItem *items = asy_arena_alloc(P->a, sizeof *items * (size_t)cap);
    if (l->n) memcpy(items, l->items, sizeof *items * (size_t)l->n);
    l->items = items;
    l->cap = cap;
  }
  ParamItem *it = &l->items[l->n++];
  it->kind = kind;
  it->arg = arg;
  it->dflt = dflt;
  it->tok = *tok;
}

AstNode *ab_arguments(AsyParse *P, ParamList *pl, int is_lambda) {
  AstNode *n = ab_new(P, AST_arguments, 0, 0, 0, 0);
  if (!pl) return n;
  int kwonly = 0, seen_slash = 0, seen_default = 0, seen_dstar = 0;
  const AsyToken *bare_star = NULL;
  (void)is_lambda;
  for (int i = 0; i < pl->n; i++) {
    ParamItem *it = &pl->items[i];
    if (seen_dstar) {
      ab_error_tok(P, it->tok, "arguments cannot follow var-keyword argument");
      return n;
    }
    switch (it->kind) {
    case PI_PLAIN:
      if (kwonly) {
        ab_push(P, &n->v.arguments.kwonlyargs, it->arg);
        ab_push(P, &n->v.arguments.kw_defaults, it->dflt);
        bare_star = NULL;
      } else {
        if (it->dflt) {
          ab_push(P, &n->v.arguments.defaults, it->dflt);
          seen_default = 1;
        } else if (seen_default) {
          ab_error_node(P, it->arg, "parameter without a default follows parameter with a default");
          return n;
        }
        ab_push(P, &n->v.arguments.args, it->arg);
      }
      break;
    case PI_SLASH:
      if (seen_slash) {
        ab_error_tok(P, it->tok, "/ may appear only once");
        return n;
      }
      if (kwonly) {
        ab_error_tok(P, it->tok, "/ must be ahead of *");
        return n;
      }
      if (n->v.arguments.args.n == 0) {
        ab_error_tok(P, it->tok, "at least one argument must precede /");
        return n;
      }
      seen_slash = 1;
      n->v.arguments.posonlyargs = n->v.arguments.args;
      memset(&n->v.arguments.args, 0, sizeof n->v.arguments.args);
      break;
    case PI_STAR:
    case PI_STARARG:
      if (kwonly) {
        ab_error_tok(P, it->tok, "* argument may appear only once");
        return n;
      }
      kwonly = 1;
      if (it->kind == PI_STAR) {
        bare_star = &it->tok;
      } else {
        n->v.arguments.vararg = it->arg;
        if (it->dflt) {
          ab_error_node(P, it->dflt, "var-positional argument cannot have default value");
          return n;
        }
      }
      break;
    case PI_DSTAR:
      if (bare_star) {
        ab_error_tok(P, *bare_star, "named arguments must follow bare *");
        return n;
      }
      n->v.arguments.kwarg = it->arg;
      if (it->dflt) {
        ab_error_node(P, it->dflt, "var-keyword argument cannot have default value");
        return n;
      }
      seen_dstar = 1;
      break;
    }
  }
  if (bare_star) ab_error_tok(P, *bare_star, "named arguments must follow bare *");
  return n;
}

/* ---- statements ---- */

AstNode *ab_try(AsyParse *P, const AsyToken *t, AstSeq body, AstSeq handlers, AstSeq orelse,
                AstSeq finalbody) {
  AstSeq *last = finalbody.n ? &finalbody : orelse.n ? &orelse : handlers.n ? &handlers : &body;
  AstNode *n = NTN(P, AST_Try, *t, last->items[last->n - 1]);
  int stars = 0;
  for (int i = 0; i < handlers.n; i++) stars += handlers.items[i]->pflags & 1;
  if (stars && stars != handlers.n) {
    for (int i = 0; i < handlers.n; i++)
      if ((handlers.items[i]->pflags & 1) != (handlers.items[0]->pflags & 1)) {
        AstNode *h = handlers.items[i];
        ab_error_range(P, h->lineno, h->col_offset, h->lineno, h->col_offset + 6,
                       "cannot have both 'except' and 'except*' on the same 'try'");
        break;
      }
  }
  for (int i = 0; i < handlers.n; i++) handlers.items[i]->pflags &= ~1u;
  if (stars) n->kind = AST_TryStar;
  n->v.Try.body = body;
  n->v.Try.handlers = handlers;
  n->v.Try.orelse = orelse;
  n->v.Try.finalbody = finalbody;
  return n;
}

AstNode *ab_with(AsyParse *P, const AsyToken *t, AstSeq items, AstSeq body, int is_async) {
  AstNode *n = NTN(P, is_async ? AST_AsyncWith : AST_With, *t, body.items[body.n - 1]);
  n->v.With.items = items;
  n->v.With.body = body;
  return n;
}

AstNode *ab_alias(AsyParse *P, AstNode *dotted, const AsyToken *asname) {
  AstNode *n = asname ? NNT(P, AST_alias, dotted, *asname) : NNN(P, AST_alias, dotted, dotted);
  n->v.alias.name = dotted->v.Name.id;
  if (asname) n->v.alias.asname = ab_str(P, asname);
  return n;
}
