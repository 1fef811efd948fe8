/*
** unparse.c — annotations as values or as text. Under `from __future__ import
** annotations` CPython stores each annotation as ast.unparse() writes it (normalised
** spacing, minimal parentheses, string constants as their repr); this file writes the
** same text for the expressions annotations are made of, and falls back to the
** source text for the rest.
*/
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"

/* CPython's ast._Precedence. */
enum {
  PR_TUPLE = 2,
  PR_TEST = 4,
  PR_OR,
  PR_AND,
  PR_NOT,
  PR_CMP,
  PR_BOR,
  PR_BXOR,
  PR_BAND,
  PR_SHIFT,
  PR_ARITH,
  PR_TERM,
  PR_FACTOR,
  PR_POWER,
  PR_AWAIT,
  PR_ATOM
};

typedef struct {
  Compiler *c;
  char *buf;
  size_t len, cap;
  bool ok; /* false: a node we do not unparse; the caller uses the source text */
} Out;

static void put(Out *o, const char *s, size_t n) {
  if (o->len + n + 1 > o->cap) {
    while (o->len + n + 1 > o->cap) o->cap = o->cap ? o->cap * 2 : 64;
    o->buf = realloc(o->buf, o->cap);
    if (!o->buf) abort();
  }
  memcpy(o->buf + o->len, s, n);
  o->len += n;
}

static void puts_(Out *o, const char *s) { put(o, s, strlen(s)); }

static void expr(Out *o, const AstNode *e, int prec);

static int binop_prec(AstOperator op) {
  switch (op) {
  case AST_BitOr: return PR_BOR;
  case AST_BitXor: return PR_BXOR;
  case AST_BitAnd: return PR_BAND;
  case AST_LShift:
  case AST_RShift: return PR_SHIFT;
  case AST_Add:
  case AST_Sub: return PR_ARITH;
  case AST_Pow: return PR_POWER;
  default: return PR_TERM;
  }
}

static const char *binop_text(AstOperator op) {
  static const char *const t[] = {"?",  "+",  "-",  "*", "@", "/", "%",
                                  "**", "<<", ">>", "|", "^", "&", "//"};
  return t[op];
}

static void items(Out *o, const AstSeq *s) {
  for (int i = 0; i < s->n; i++) {
    if (i) puts_(o, ", ");
    expr(o, s->items[i], PR_TEST);
  }
}

static void constant(Out *o, const AstNode *e) {
  if (e->v.Constant.value.kind == AST_CONST_ELLIPSIS) {
    puts_(o, "...");
    return;
  }
  Value v;
  if (!const_value(o->c, e, &v)) {
    o->ok = false;
    return;
  }
  Value r = asy_repr(o->c->vm, v);
  if (IS_EXC(r)) {
    asy_clear_pending(o->c->vm);
    o->ok = false;
    return;
  }
  put(o, AS_STR(r)->chars, AS_STR(r)->size);
}

static int expr_prec(const AstNode *e) {
  switch (e->kind) {
  case AST_Tuple: return PR_TUPLE;
  case AST_BinOp: return binop_prec(e->v.BinOp.op);
  case AST_UnaryOp: return e->v.UnaryOp.op == AST_Not ? PR_NOT : PR_FACTOR;
  case AST_BoolOp: return e->v.BoolOp.op == AST_And ? PR_AND : PR_OR;
  case AST_Compare: return PR_CMP;
  case AST_IfExp:
  case AST_Lambda: return PR_TEST;
  default: return PR_ATOM;
  }
}

static void expr(Out *o, const AstNode *e, int prec) {
  if (!o->ok) return;
  bool paren = expr_prec(e) < prec && e->kind != AST_Tuple;
  if (paren) puts_(o, "(");
  switch (e->kind) {
  case AST_Name: puts_(o, e->v.Name.id); break;
  case AST_Constant: constant(o, e); break;
  case AST_Attribute:
    expr(o, e->v.Attribute.value, PR_ATOM);
    puts_(o, ".");
    puts_(o, e->v.Attribute.attr);
    break;
  case AST_Subscript: {
    expr(o, e->v.Subscript.value, PR_ATOM);
    puts_(o, "[");
    const AstNode *sl = e->v.Subscript.slice;
    if (sl->kind == AST_Tuple && sl->v.Tuple.elts.n) items(o, &sl->v.Tuple.elts);
    else expr(o, sl, PR_TUPLE);
    puts_(o, "]");
    break;
  }
  case AST_BinOp: {
    int p = binop_prec(e->v.BinOp.op);
    bool right_assoc = e->v.BinOp.op == AST_Pow;
    expr(o, e->v.BinOp.left, right_assoc ? p + 1 : p);
    puts_(o, " ");
    puts_(o, binop_text(e->v.BinOp.op));
    puts_(o, " ");
    expr(o, e->v.BinOp.right, right_assoc ? p : p + 1);
    break;
  }
  case AST_UnaryOp: {
    AstUnaryOp op = e->v.UnaryOp.op;
    puts_(o, op == AST_Not ? "not " : op == AST_USub ? "-" : op == AST_UAdd ? "+" : "~");
    expr(o, e->v.UnaryOp.operand, op == AST_Not ? PR_NOT : PR_FACTOR);
    break;
  }
  case AST_Tuple: {
    bool p = e->v.Tuple.elts.n == 0 || prec > PR_TUPLE;
    if (p) puts_(o, "(");
    items(o, &e->v.Tuple.elts);
    if (e->v.Tuple.elts.n == 1) puts_(o, ",");
    if (p) puts_(o, ")");
    break;
  }
  case AST_List:
    puts_(o, "[");
    items(o, &e->v.List.elts);
    puts_(o, "]");
    break;
  case AST_Starred:
    puts_(o, "*");
    expr(o, e->v.Starred.value, PR_BOR);
    break;
  case AST_Call: {
    expr(o, e->v.Call.func, PR_ATOM);
    puts_(o, "(");
    int n = 0;
    for (int i = 0; i < e->v.Call.args.n; i++, n++) {
      if (n) puts_(o, ", ");
      expr(o, e->v.Call.args.items[i], PR_TEST);
    }
    for (int i = 0; i < e->v.Call.keywords.n; i++, n++) {
      const AstNode *k = e->v.Call.keywords.items[i];
      if (n) puts_(o, ", ");
      if (k->v.keyword.arg) {
        puts_(o, k->v.keyword.arg);
        puts_(o, "=");
      } else {
        puts_(o, "**");
      }
      expr(o, k->v.keyword.value, PR_TEST);
    }
    puts_(o, ")");
    break;
  }
  default: o->ok = false; break;
  }
  if (paren) puts_(o, ")");
}

ObjStr *unparse_expr(Compiler *c, const AstNode *e) {
  Out o = {c, NULL, 0, 0, true};
  expr(&o, e, PR_TEST);
  ObjStr *s = o.ok ? asy_str_new(c->vm, o.buf ? o.buf : "", o.len) : source_segment(c, e);
  free(o.buf);
  return s;
}

bool compile_annotation(Compiler *c, AstNode *ann) {
  if (!c->future_annotations) return compile_expr(c, ann);
  emit_load_const(c, OBJ_VAL(unparse_expr(c, ann)), node_loc(ann));
  return true;
}
