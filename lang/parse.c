/*
** parse.c — the front end's driver: source -> tokens -> lemon -> AST, plus
** SyntaxError reporting in CPython's terms.
**
** The driver pulls tokens from layout.c through a small look-ahead queue
** (needed for one thing: `with (` followed by a ')' that is followed by ':'
** becomes WITH_LPAR, so parenthesised with-items parse in LALR(1)) and feeds
** them to the lemon parser. On a parser error it keeps tokenizing to the end:
** as in CPython, a tokenizer error later in the file (bad literal, unclosed
** bracket...) takes priority over the parser's generic message.
**
** Error positions are kept in bytes while parsing and converted to CPython's
** 1-based character offsets only when the error is recorded.
*/
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "lang/parser_int.h"

void *AsyParserAlloc(void *(*mallocProc)(size_t), AsyParse *P);
void AsyParserFree(void *p, void (*freeProc)(void *));
void AsyParser(void *p, int major, AsyToken minor);

const char *asy_err_kind_name(AsyErrKind kind) {
  switch (kind) {
  case ASY_ERR_INDENTATION: return "IndentationError";
  case ASY_ERR_TAB: return "TabError";
  case ASY_ERR_MEMORY: return "MemoryError";
  default: return "SyntaxError";
  }
}

/* ---- error records ------------------------------------------------------ */

/* Start of line `lineno` (1-based) in the source, or NULL. */
static const char *line_start(AsyLexer *L, int lineno) {
  const char *p = L->src;
  if (p + 3 <= L->end && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
      (unsigned char)p[2] == 0xBF)
    p += 3;
  for (int n = 1; n < lineno; n++) {
    while (p < L->end && *p != '\n' && *p != '\r') p++;
    if (p >= L->end) return NULL;
    p += (*p == '\r' && p + 1 < L->end && p[1] == '\n') ? 2 : 1;
  }
  return p;
}

/* CPython offsets count characters: convert a byte column of a line. */
static int char_offset(const char *ls, const char *end, int col) {
  int chars = 0, i = 0;
  if (!ls) return col + 1;
  for (; i < col && ls + i < end && ls[i] != '\n' && ls[i] != '\r'; i++)
    if (((unsigned char)ls[i] & 0xC0) != 0x80) chars++;
  return chars + (col - i) + 1;
}

static void record(AsyLexer *L, AsySyntaxErr *err, int kind, int l1, int c1, int l2, int c2,
                   const char *fmt, va_list ap) {
  err->kind = (AsyErrKind)kind;
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  err->lineno = l1;
  err->end_lineno = l2;
  err->text = NULL;
  if (l1 <= 0) {
    err->offset = err->end_offset = 0;
    return;
  }
  const char *ls = line_start(L, l1);
  err->offset = c1 < 0 ? 0 : char_offset(ls, L->end, c1);
  if (c2 == -1) err->end_offset = 0;
  else if (c2 == -2) err->end_offset = -1;
  else err->end_offset = char_offset(l2 == l1 ? ls : line_start(L, l2), L->end, c2);
  if (ls) {
    const char *e = ls;
    while (e < L->end && *e != '\n' && *e != '\r') e++;
    char *t = asy_arena_alloc(L->arena, (size_t)(e - ls) + 2);
    memcpy(t, ls, (size_t)(e - ls));
    t[e - ls] = '\n';
    err->text = t;
  }
}

int ab_col_before(AsyParse *P, int lineno, int col, char ch) {
  const char *ls = line_start(P->L, lineno);
  if (!ls) return col;
  int c = col - 1;
  while (c >= 0 && (ls[c] == ' ' || ls[c] == '\t')) c--;
  return c >= 0 && ls[c] == ch ? c : col;
}

int asy_lex_error(AsyLexer *L, int kind, int lineno, int col, int end_lineno, int end_col,
                  const char *fmt, ...) {
  if (L->failed) return -1;
  L->failed = 1;
  if (L->err) {
    va_list ap;
    va_start(ap, fmt);
    record(L, L->err, kind, lineno, col, end_lineno, end_col, fmt, ap);
    va_end(ap);
  }
  return -1;
}

void ab_error_range(AsyParse *P, int l1, int c1, int l2, int c2, const char *fmt, ...) {
  int kind = P->err_kind ? P->err_kind : ASY_ERR_SYNTAX;
  P->err_kind = 0;
  if (P->failed || P->L->failed) return;
  P->failed = 1;
  if (l1 == 0 && c1 == 0 && l2 == 0 && c2 == 0) {
    /* stack overflow: CPython raises MemoryError */
    P->L->err->kind = ASY_ERR_MEMORY;
    snprintf(P->L->err->msg, sizeof P->L->err->msg,
             "Parser stack overflowed - Python source too complex to parse");
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  record(P->L, P->L->err, kind, l1, c1, l2, c2, fmt, ap);
  va_end(ap);
}

/* ---- the token queue ---------------------------------------------------- */

typedef struct {
  AsyLexer *L;
  AsyToken *v;
  int head, n, cap;
} Driver;

/* The i-th token after the queue head (lexing as needed); NULL past EOF or
   after a lexer error. */
static AsyToken *peek(Driver *D, int i) {
  while (D->n - D->head <= i) {
    if (D->n && D->v[D->n - 1].type <= 0) return NULL;
    if (D->n == D->cap) {
      int cap = D->cap ? D->cap * 2 : 64;
      AsyToken *v = realloc(D->v, sizeof *v * (size_t)cap);
      if (!v) return NULL;
      D->v = v;
      D->cap = cap;
    }
    AsyToken *t = &D->v[D->n++];
    memset(t, 0, sizeof *t);
    if (asy_lex_next(D->L, t) < 0) t->type = -1;
  }
  return &D->v[D->head + i];
}

static int fetch(Driver *D, AsyToken *t) {
  AsyToken *p = peek(D, 0);
  if (!p) {
    memset(t, 0, sizeof *t);
    t->type = D->L->failed ? -1 : 0;
    return t->type;
  }
  *t = *p;
  D->head++;
  if (D->head == D->n) D->head = D->n = 0;
  return t->type;
}

AsyToken *asy_driver_peek(void *driver, int i) { return driver ? peek(driver, i) : NULL; }

/* After WITH: does '(' start parenthesised with-items? Yes when its ')' is
   followed by ':' — unless the parentheses hold a generator expression or a
   yield, which CPython then parses as one ordinary context expression. */
static void with_lookahead(Driver *D) {
  AsyToken *t = peek(D, 0);
  if (!t || t->type != TK_LPAR) return;
  AsyToken *first = peek(D, 1);
  if (first && first->type == TK_YIELD) return;
  int depth = 0;
  for (int i = 0;; i++) {
    AsyToken *u = peek(D, i);
    if (!u || u->type <= 0 || u->type == TK_NEWLINE) return;
    if (depth == 1 && u->type == TK_FOR) return;
    if (u->type == TK_LPAR || u->type == TK_LSQB || u->type == TK_LBRACE) depth++;
    if (u->type == TK_RPAR || u->type == TK_RSQB || u->type == TK_RBRACE) depth--;
    if (depth == 0) {
      AsyToken *c = peek(D, i + 1);
      if (c && c->type == TK_COLON) peek(D, 0)->type = TK_WITH_LPAR;
      return;
    }
  }
}

/* ---- the driver --------------------------------------------------------- */

/* Track the context asy_parse_syntax_error needs, before feeding t. */
static void track(AsyParse *P, const AsyToken *t) {
  int pt = P->cur.type;
  P->prev = P->cur;
  P->cur = *t;
  P->ntokens++;
  if (pt == TK_NEWLINE || pt == TK_INDENT || pt == TK_DEDENT || P->ntokens == 1 || pt == TK_SEMI) {
    if (t->type != TK_INDENT && t->type != TK_DEDENT) {
      P->line_first = *t;
      memset(&P->line_second, 0, sizeof P->line_second);
    }
  } else if (P->line_second.type == 0 && P->line_first.type) {
    P->line_second = *t;
  }
  if (t->type == TK_NEWLINE) {
    P->header_first = P->line_first;
    P->header_second = P->line_second;
  }
  if (t->type == TK_IF && asy_tok_inside_expr(pt)) { /* the body of `body if ...` */
    P->ifexp_prev = P->ifexp_start;
    P->ifexp_start = P->expr_start;
  }
  if (!asy_tok_inside_expr(pt) || P->expr_start.type == 0) P->expr_start = *t;
  if (t->type == TK_LAMBDA) P->lambda_tok = *t;
  if (t->type == TK_LBRACE && (t->flags & TOKF_FIELD)) {
    P->field_tok = *t;
    memset(&P->lambda_tok, 0, sizeof P->lambda_tok);
  }
}

/* Maximum nesting of the produced tree: the compiler and the dumper recurse on
   it, so a pathological input must not overflow the C stack later. */
#define MAX_AST_DEPTH 3000

static int too_deep(const AstNode *n, int depth);

static int seq_too_deep(const AstSeq *s, int depth) {
  for (int i = 0; i < s->n; i++)
    if (s->items[i] && too_deep(s->items[i], depth)) return 1;
  return 0;
}

static int too_deep(const AstNode *n, int depth) {
  if (!n) return 0;
  if (depth > MAX_AST_DEPTH) return 1;
  depth++;
  switch (n->kind) {
  case AST_Module: return seq_too_deep(&n->v.Module.body, depth);
  case AST_Interactive: return seq_too_deep(&n->v.Interactive.body, depth);
  case AST_Expression: return too_deep(n->v.Expression.body, depth);
  case AST_FunctionDef:
  case AST_AsyncFunctionDef:
    return too_deep(n->v.FunctionDef.args, depth) || seq_too_deep(&n->v.FunctionDef.body, depth) ||
           seq_too_deep(&n->v.FunctionDef.decorator_list, depth) ||
           too_deep(n->v.FunctionDef.returns, depth);
  case AST_ClassDef:
    return seq_too_deep(&n->v.ClassDef.bases, depth) ||
           seq_too_deep(&n->v.ClassDef.keywords, depth) ||
           seq_too_deep(&n->v.ClassDef.body, depth) ||
           seq_too_deep(&n->v.ClassDef.decorator_list, depth);
  case AST_Return: return too_deep(n->v.Return.value, depth);
  case AST_Delete: return seq_too_deep(&n->v.Delete.targets, depth);
  case AST_Assign:
    return seq_too_deep(&n->v.Assign.targets, depth) || too_deep(n->v.Assign.value, depth);
  case AST_AugAssign:
    return too_deep(n->v.AugAssign.target, depth) || too_deep(n->v.AugAssign.value, depth);
  case AST_AnnAssign:
    return too_deep(n->v.AnnAssign.target, depth) || too_deep(n->v.AnnAssign.annotation, depth) ||
           too_deep(n->v.AnnAssign.value, depth);
  case AST_For:
  case AST_AsyncFor:
    return too_deep(n->v.For.target, depth) || too_deep(n->v.For.iter, depth) ||
           seq_too_deep(&n->v.For.body, depth) || seq_too_deep(&n->v.For.orelse, depth);
  case AST_While:
    return too_deep(n->v.While.test, depth) || seq_too_deep(&n->v.While.body, depth) ||
           seq_too_deep(&n->v.While.orelse, depth);
  case AST_If:
    return too_deep(n->v.If.test, depth) || seq_too_deep(&n->v.If.body, depth) ||
           seq_too_deep(&n->v.If.orelse, depth);
  case AST_With:
  case AST_AsyncWith:
    return seq_too_deep(&n->v.With.items, depth) || seq_too_deep(&n->v.With.body, depth);
  case AST_Raise: return too_deep(n->v.Raise.exc, depth) || too_deep(n->v.Raise.cause, depth);
  case AST_Try:
  case AST_TryStar:
    return seq_too_deep(&n->v.Try.body, depth) || seq_too_deep(&n->v.Try.handlers, depth) ||
           seq_too_deep(&n->v.Try.orelse, depth) || seq_too_deep(&n->v.Try.finalbody, depth);
  case AST_Assert: return too_deep(n->v.Assert.test, depth) || too_deep(n->v.Assert.msg, depth);
  case AST_Expr: return too_deep(n->v.Expr.value, depth);
  case AST_BoolOp: return seq_too_deep(&n->v.BoolOp.values, depth);
  case AST_NamedExpr:
    return too_deep(n->v.NamedExpr.target, depth) || too_deep(n->v.NamedExpr.value, depth);
  case AST_BinOp: return too_deep(n->v.BinOp.left, depth) || too_deep(n->v.BinOp.right, depth);
  case AST_UnaryOp: return too_deep(n->v.UnaryOp.operand, depth);
  case AST_Lambda: return too_deep(n->v.Lambda.args, depth) || too_deep(n->v.Lambda.body, depth);
  case AST_IfExp:
    return too_deep(n->v.IfExp.test, depth) || too_deep(n->v.IfExp.body, depth) ||
           too_deep(n->v.IfExp.orelse, depth);
  case AST_Dict:
    return seq_too_deep(&n->v.Dict.keys, depth) || seq_too_deep(&n->v.Dict.values, depth);
  case AST_Set: return seq_too_deep(&n->v.Set.elts, depth);
  case AST_ListComp:
  case AST_SetComp:
  case AST_GeneratorExp:
    return too_deep(n->v.ListComp.elt, depth) || seq_too_deep(&n->v.ListComp.generators, depth);
  case AST_DictComp:
    return too_deep(n->v.DictComp.key, depth) || too_deep(n->v.DictComp.value, depth) ||
           seq_too_deep(&n->v.DictComp.generators, depth);
  case AST_Await: return too_deep(n->v.Await.value, depth);
  case AST_Yield: return too_deep(n->v.Yield.value, depth);
  case AST_YieldFrom: return too_deep(n->v.YieldFrom.value, depth);
  case AST_Compare:
    return too_deep(n->v.Compare.left, depth) || seq_too_deep(&n->v.Compare.comparators, depth);
  case AST_Call:
    return too_deep(n->v.Call.func, depth) || seq_too_deep(&n->v.Call.args, depth) ||
           seq_too_deep(&n->v.Call.keywords, depth);
  case AST_FormattedValue:
    return too_deep(n->v.FormattedValue.value, depth) ||
           too_deep(n->v.FormattedValue.format_spec, depth);
  case AST_JoinedStr: return seq_too_deep(&n->v.JoinedStr.values, depth);
  case AST_Attribute: return too_deep(n->v.Attribute.value, depth);
  case AST_Subscript:
    return too_deep(n->v.Subscript.value, depth) || too_deep(n->v.Subscript.slice, depth);
  case AST_Starred: return too_deep(n->v.Starred.value, depth);
  case AST_List: return seq_too_deep(&n->v.List.elts, depth);
  case AST_Tuple: return seq_too_deep(&n->v.Tuple.elts, depth);
  case AST_Slice:
    return too_deep(n->v.Slice.lower, depth) || too_deep(n->v.Slice.upper, depth) ||
           too_deep(n->v.Slice.step, depth);
  case AST_arguments:
    return seq_too_deep(&n->v.arguments.posonlyargs, depth) ||
           seq_too_deep(&n->v.arguments.args, depth) || too_deep(n->v.arguments.vararg, depth) ||
           seq_too_deep(&n->v.arguments.kwonlyargs, depth) ||
           seq_too_deep(&n->v.arguments.kw_defaults, depth) ||
           too_deep(n->v.arguments.kwarg, depth) || seq_too_deep(&n->v.arguments.defaults, depth);
  case AST_arg: return too_deep(n->v.arg.annotation, depth);
  case AST_keyword: return too_deep(n->v.keyword.value, depth);
  case AST_withitem:
    return too_deep(n->v.withitem.context_expr, depth) ||
           too_deep(n->v.withitem.optional_vars, depth);
  case AST_comprehension:
    return too_deep(n->v.comprehension.target, depth) || too_deep(n->v.comprehension.iter, depth) ||
           seq_too_deep(&n->v.comprehension.ifs, depth);
  case AST_ExceptHandler:
    return too_deep(n->v.ExceptHandler.type, depth) ||
           seq_too_deep(&n->v.ExceptHandler.body, depth);
  default: return 0;
  }
}

/* Does the source end with a blank line (what ends a compound statement at
   the REPL)? */
static int ends_with_blank_line(const char *s, size_t len) {
  size_t i = len;
  int newlines = 0;
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '\n' || s[i - 1] == '\r')) {
    if (s[i - 1] == '\n') newlines++;
    i--;
  }
  return newlines >= 2;
}

AstNode *asy_parse(AstArena *arena, const char *filename, const char *src, size_t len, int mode,
                   AsySyntaxErr *err) {
  memset(err, 0, sizeof *err);
  /* the lexer wants a NUL sentinel: work on a copy */
  char *buf = asy_arena_alloc(arena, len + 1);
  if (len) memcpy(buf, src, len);
  buf[len] = 0;

  AsyLexer *L = malloc(sizeof *L);
  if (!L) return NULL;
  asy_lex_init(L, buf, len, arena, err);
  L->no_indent = mode == ASY_PARSE_EVAL;
  /* The REPL re-parses a block for each continuation line: no warnings there. */
  L->filename = mode == ASY_PARSE_SINGLE ? NULL : filename;

  if (memchr(buf, 0, len)) {
    const char *z = memchr(buf, 0, len);
    int line = 1;
    for (const char *p = buf; p < z; p++) line += *p == '\n';
    asy_lex_error(L, ASY_ERR_SYNTAX, line, -1, line, -1, "source code cannot contain null bytes");
    free(L);
    return NULL;
  }

  AsyParse P;
  memset(&P, 0, sizeof P);
  P.a = arena;
  P.L = L;
  P.mode = mode;
  Driver D = {L, NULL, 0, 0, 0};
  P.driver = &D;
  void *lemon = AsyParserAlloc(malloc, &P);
  if (!lemon) {
    free(L);
    return NULL;
  }
  P.lemon = lemon;
  AsyToken t;
  memset(&t, 0, sizeof t);
  t.type = mode == ASY_PARSE_SINGLE ? TK_MODE_SINGLE
           : mode == ASY_PARSE_EVAL ? TK_MODE_EVAL
                                    : TK_MODE_FILE;
  AsyParser(lemon, t.type, t);

  for (;;) {
    int ty = fetch(&D, &t);
    if (ty < 0) break;
    if (ty == TK_WITH) with_lookahead(&D);
    track(&P, &t);
    AsyParser(lemon, ty, t);
    if (P.failed || L->failed || ty == 0) break;
  }

  if (P.failed && !L->failed && err->kind != ASY_ERR_INDENTATION && err->kind != ASY_ERR_MEMORY) {
    /* A tokenizer error anywhere after the parser error wins (CPython). */
    AsySyntaxErr parser_err = *err, tok_err;
    memset(&tok_err, 0, sizeof tok_err);
    L->err = &tok_err;
    while (fetch(&D, &t) > 0) {}
    if (L->failed) {
      /* CPython: an unclosed bracket only beats a parser error reported on a
         later line, or the "forgot a comma" guess made inside it */
      int comma = strstr(parser_err.msg, "forgot a comma") != NULL;
      int unclosed = strstr(tok_err.msg, "was never closed") != NULL;
      if (!unclosed || comma || parser_err.lineno > tok_err.lineno) *err = tok_err;
      else err->incomplete = tok_err.incomplete || err->incomplete;
    }
    L->err = err;
  }

  AsyParserFree(lemon, free);
  free(D.v);
  int failed = P.failed || L->failed;
  free(L);
  if (failed || !P.result) {
    if (!failed) {
      err->kind = ASY_ERR_SYNTAX;
      snprintf(err->msg, sizeof err->msg, "invalid syntax");
    }
    return NULL;
  }
  if (too_deep(P.result, 0)) {
    err->kind = ASY_ERR_MEMORY;
    snprintf(err->msg, sizeof err->msg,
             "Parser stack overflowed - Python source too complex to parse");
    return NULL;
  }
  if (mode == ASY_PARSE_SINGLE) {
    AstSeq *b = &P.result->v.Interactive.body;
    if (b->n == 1 && !AST_IS_EXPR(b->items[0]->kind) &&
        (b->items[0]->kind == AST_If || b->items[0]->kind == AST_While ||
         b->items[0]->kind == AST_For || b->items[0]->kind == AST_AsyncFor ||
         b->items[0]->kind == AST_Try || b->items[0]->kind == AST_TryStar ||
         b->items[0]->kind == AST_With || b->items[0]->kind == AST_AsyncWith ||
         b->items[0]->kind == AST_FunctionDef || b->items[0]->kind == AST_AsyncFunctionDef ||
         b->items[0]->kind == AST_ClassDef) &&
        !ends_with_blank_line(buf, len)) {
      /* the REPL keeps reading until a blank line ends the compound statement */
      err->kind = ASY_ERR_SYNTAX;
      err->incomplete = 1;
      snprintf(err->msg, sizeof err->msg, "incomplete input");
      return NULL;
    }
  }
  return P.result;
}
