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
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "lang/parser_int.h"
#include "vm/obj/str.h"

void *AsyParserAlloc(void *(*mallocProc)(size_t), AsyParse *P);
void AsyParserFree(void *p, void (*freeProc)(void *));
void AsyParser(void *p, int major, AsyToken minor);

const char *asy_err_kind_name(AsyErrKind kind) {
  switch (kind) {
  case ASY_ERR_INDENTATION: return "IndentationError";
  case ASY_ERR_TAB: return "TabError";
  case ASY_ERR_MEMORY: return "MemoryError";
  case ASY_ERR_RECURSION: return "RecursionError";
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

/* ---- soft keywords ------------------------------------------------------ */

static int is_name(const AsyToken *t, const char *word) {
  size_t n = strlen(word);
  return t && t->type == TK_NAME && (size_t)t->n == n && !memcmp(t->z, word, n);
}

/* Does the logical line from token `from` on hold a ':' outside brackets? With
   `then_newline`, that ':' must also end the line (a block follows). */
static int line_has_colon(Driver *D, int from, int then_newline) {
  int depth = 0;
  for (int i = from;; i++) {
    AsyToken *u = peek(D, i);
    if (!u || u->type <= 0 || u->type == TK_NEWLINE) return 0;
    if (u->type == TK_LPAR || u->type == TK_LSQB || u->type == TK_LBRACE) depth++;
    if (u->type == TK_RPAR || u->type == TK_RSQB || u->type == TK_RBRACE) depth--;
    if (depth == 0 && u->type == TK_LAMBDA) return 0;
    if (depth == 0 && u->type == TK_COLON) {
      if (!then_newline) return 1;
      AsyToken *c = peek(D, i + 1);
      return c && c->type == TK_NEWLINE;
    }
  }
}

/* Can the token after a soft keyword not continue a plain expression statement
   that starts with the same name (`match = 1`, `case.x`, `type(x)`...)? */
static int starts_operand(const AsyToken *t) {
  switch (t ? t->type : 0) {
  case TK_NAME:
  case TK_NUMBER:
  case TK_STRING:
  case TK_FSTRING_START:
  case TK_LPAR:
  case TK_LSQB:
  case TK_LBRACE:
  case TK_MINUS:
  case TK_PLUS:
  case TK_TILDE:
  case TK_STAR:
  case TK_NONE:
  case TK_TRUE:
  case TK_FALSE:
  case TK_ELLIPSIS:
  case TK_NOT:
  case TK_AWAIT:
  case TK_LAMBDA:
  case TK_DOUBLESTAR: return 1;
  default: return 0;
  }
}

/* Can this token not follow a name in an expression (`x 1`, `x y`, `x {`)? */
static int cannot_follow_name(const AsyToken *t) {
  switch (t ? t->type : 0) {
  case TK_NAME:
  case TK_NUMBER:
  case TK_STRING:
  case TK_FSTRING_START:
  case TK_LBRACE:
  case TK_NONE:
  case TK_TRUE:
  case TK_FALSE:
  case TK_TILDE:
  case TK_ELLIPSIS: return 1;
  default: return 0;
  }
}

/* At the start of a statement, turn `match`, `case` and `type` into keywords
   where only the keyword reading can parse (CPython's soft keywords). */
static void soft_keyword(Driver *D) {
  /* peek() may grow the queue: take pointers again after each look further ahead */
  AsyToken *t = peek(D, 0);
  if (!t || t->type != TK_NAME || !starts_operand(peek(D, 1))) return;
  t = peek(D, 0);
  /* a name right after `match x` cannot parse as an expression: take the keyword
     reading even without the ':', so the error is CPython's "expected ':'" */
  int not_expr = cannot_follow_name(peek(D, 1));
  t = peek(D, 0);
  if (is_name(t, "match")) {
    if (not_expr || line_has_colon(D, 1, 1)) peek(D, 0)->type = TK_MATCH;
  } else if (is_name(t, "case")) {
    if (not_expr || line_has_colon(D, 1, 0)) peek(D, 0)->type = TK_CASE;
  } else if (is_name(t, "type")) {
    AsyToken *after = peek(D, 2);
    int after_type = after ? after->type : 0;
    if (peek(D, 1)->type == TK_NAME && (after_type == TK_EQUAL || after_type == TK_LSQB))
      peek(D, 0)->type = TK_TYPE;
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
   it, so a pathological input must not overflow the C stack later. *cut gets the
   deepest node within that depth on a path that goes deeper. */
#define MAX_AST_DEPTH 3000

static int too_deep(const AstNode *n, int depth, const AstNode **cut);

static int seq_too_deep(const AstSeq *s, int depth, const AstNode **cut) {
  for (int i = 0; i < s->n; i++)
    if (s->items[i] && too_deep(s->items[i], depth, cut)) return 1;
  return 0;
}

/* The children of n, at `depth`. */
static int kids_too_deep(const AstNode *n, int depth, const AstNode **cut) {
  switch (n->kind) {
  case AST_Module: return seq_too_deep(&n->v.Module.body, depth, cut);
  case AST_Interactive: return seq_too_deep(&n->v.Interactive.body, depth, cut);
  case AST_Expression: return too_deep(n->v.Expression.body, depth, cut);
  case AST_FunctionDef:
  case AST_AsyncFunctionDef:
    return too_deep(n->v.FunctionDef.args, depth, cut) ||
           seq_too_deep(&n->v.FunctionDef.body, depth, cut) ||
           seq_too_deep(&n->v.FunctionDef.decorator_list, depth, cut) ||
           too_deep(n->v.FunctionDef.returns, depth, cut);
  case AST_ClassDef:
    return seq_too_deep(&n->v.ClassDef.bases, depth, cut) ||
           seq_too_deep(&n->v.ClassDef.keywords, depth, cut) ||
           seq_too_deep(&n->v.ClassDef.body, depth, cut) ||
           seq_too_deep(&n->v.ClassDef.decorator_list, depth, cut);
  case AST_Return: return too_deep(n->v.Return.value, depth, cut);
  case AST_Delete: return seq_too_deep(&n->v.Delete.targets, depth, cut);
  case AST_Assign:
    return seq_too_deep(&n->v.Assign.targets, depth, cut) ||
           too_deep(n->v.Assign.value, depth, cut);
  case AST_AugAssign:
    return too_deep(n->v.AugAssign.target, depth, cut) ||
           too_deep(n->v.AugAssign.value, depth, cut);
  case AST_AnnAssign:
    return too_deep(n->v.AnnAssign.target, depth, cut) ||
           too_deep(n->v.AnnAssign.annotation, depth, cut) ||
           too_deep(n->v.AnnAssign.value, depth, cut);
  case AST_For:
  case AST_AsyncFor:
    return too_deep(n->v.For.target, depth, cut) || too_deep(n->v.For.iter, depth, cut) ||
           seq_too_deep(&n->v.For.body, depth, cut) || seq_too_deep(&n->v.For.orelse, depth, cut);
  case AST_While:
    return too_deep(n->v.While.test, depth, cut) || seq_too_deep(&n->v.While.body, depth, cut) ||
           seq_too_deep(&n->v.While.orelse, depth, cut);
  case AST_If:
    return too_deep(n->v.If.test, depth, cut) || seq_too_deep(&n->v.If.body, depth, cut) ||
           seq_too_deep(&n->v.If.orelse, depth, cut);
  case AST_With:
  case AST_AsyncWith:
    return seq_too_deep(&n->v.With.items, depth, cut) || seq_too_deep(&n->v.With.body, depth, cut);
  case AST_Raise:
    return too_deep(n->v.Raise.exc, depth, cut) || too_deep(n->v.Raise.cause, depth, cut);
  case AST_Try:
  case AST_TryStar:
    return seq_too_deep(&n->v.Try.body, depth, cut) ||
           seq_too_deep(&n->v.Try.handlers, depth, cut) ||
           seq_too_deep(&n->v.Try.orelse, depth, cut) ||
           seq_too_deep(&n->v.Try.finalbody, depth, cut);
  case AST_Assert:
    return too_deep(n->v.Assert.test, depth, cut) || too_deep(n->v.Assert.msg, depth, cut);
  case AST_Expr: return too_deep(n->v.Expr.value, depth, cut);
  case AST_Match:
    return too_deep(n->v.Match.subject, depth, cut) || seq_too_deep(&n->v.Match.cases, depth, cut);
  case AST_match_case:
    return too_deep(n->v.match_case.pattern, depth, cut) ||
           too_deep(n->v.match_case.guard, depth, cut) ||
           seq_too_deep(&n->v.match_case.body, depth, cut);
  case AST_MatchValue: return too_deep(n->v.MatchValue.value, depth, cut);
  case AST_MatchSequence: return seq_too_deep(&n->v.MatchSequence.patterns, depth, cut);
  case AST_MatchMapping:
    return seq_too_deep(&n->v.MatchMapping.keys, depth, cut) ||
           seq_too_deep(&n->v.MatchMapping.patterns, depth, cut);
  case AST_MatchClass:
    return too_deep(n->v.MatchClass.cls, depth, cut) ||
           seq_too_deep(&n->v.MatchClass.patterns, depth, cut) ||
           seq_too_deep(&n->v.MatchClass.kwd_patterns, depth, cut);
  case AST_MatchAs: return too_deep(n->v.MatchAs.pattern, depth, cut);
  case AST_MatchOr: return seq_too_deep(&n->v.MatchOr.patterns, depth, cut);
  case AST_BoolOp: return seq_too_deep(&n->v.BoolOp.values, depth, cut);
  case AST_NamedExpr:
    return too_deep(n->v.NamedExpr.target, depth, cut) ||
           too_deep(n->v.NamedExpr.value, depth, cut);
  case AST_BinOp:
    return too_deep(n->v.BinOp.left, depth, cut) || too_deep(n->v.BinOp.right, depth, cut);
  case AST_UnaryOp: return too_deep(n->v.UnaryOp.operand, depth, cut);
  case AST_Lambda:
    return too_deep(n->v.Lambda.args, depth, cut) || too_deep(n->v.Lambda.body, depth, cut);
  case AST_IfExp:
    return too_deep(n->v.IfExp.test, depth, cut) || too_deep(n->v.IfExp.body, depth, cut) ||
           too_deep(n->v.IfExp.orelse, depth, cut);
  case AST_Dict:
    return seq_too_deep(&n->v.Dict.keys, depth, cut) || seq_too_deep(&n->v.Dict.values, depth, cut);
  case AST_Set: return seq_too_deep(&n->v.Set.elts, depth, cut);
  case AST_ListComp:
  case AST_SetComp:
  case AST_GeneratorExp:
    return too_deep(n->v.ListComp.elt, depth, cut) ||
           seq_too_deep(&n->v.ListComp.generators, depth, cut);
  case AST_DictComp:
    return too_deep(n->v.DictComp.key, depth, cut) || too_deep(n->v.DictComp.value, depth, cut) ||
           seq_too_deep(&n->v.DictComp.generators, depth, cut);
  case AST_Await: return too_deep(n->v.Await.value, depth, cut);
  case AST_Yield: return too_deep(n->v.Yield.value, depth, cut);
  case AST_YieldFrom: return too_deep(n->v.YieldFrom.value, depth, cut);
  case AST_Compare:
    return too_deep(n->v.Compare.left, depth, cut) ||
           seq_too_deep(&n->v.Compare.comparators, depth, cut);
  case AST_Call:
    return too_deep(n->v.Call.func, depth, cut) || seq_too_deep(&n->v.Call.args, depth, cut) ||
           seq_too_deep(&n->v.Call.keywords, depth, cut);
  case AST_FormattedValue:
    return too_deep(n->v.FormattedValue.value, depth, cut) ||
           too_deep(n->v.FormattedValue.format_spec, depth, cut);
  case AST_JoinedStr: return seq_too_deep(&n->v.JoinedStr.values, depth, cut);
  case AST_Attribute: return too_deep(n->v.Attribute.value, depth, cut);
  case AST_Subscript:
    return too_deep(n->v.Subscript.value, depth, cut) || too_deep(n->v.Subscript.slice, depth, cut);
  case AST_Starred: return too_deep(n->v.Starred.value, depth, cut);
  case AST_List: return seq_too_deep(&n->v.List.elts, depth, cut);
  case AST_Tuple: return seq_too_deep(&n->v.Tuple.elts, depth, cut);
  case AST_Slice:
    return too_deep(n->v.Slice.lower, depth, cut) || too_deep(n->v.Slice.upper, depth, cut) ||
           too_deep(n->v.Slice.step, depth, cut);
  case AST_arguments:
    return seq_too_deep(&n->v.arguments.posonlyargs, depth, cut) ||
           seq_too_deep(&n->v.arguments.args, depth, cut) ||
           too_deep(n->v.arguments.vararg, depth, cut) ||
           seq_too_deep(&n->v.arguments.kwonlyargs, depth, cut) ||
           seq_too_deep(&n->v.arguments.kw_defaults, depth, cut) ||
           too_deep(n->v.arguments.kwarg, depth, cut) ||
           seq_too_deep(&n->v.arguments.defaults, depth, cut);
  case AST_arg: return too_deep(n->v.arg.annotation, depth, cut);
  case AST_keyword: return too_deep(n->v.keyword.value, depth, cut);
  case AST_withitem:
    return too_deep(n->v.withitem.context_expr, depth, cut) ||
           too_deep(n->v.withitem.optional_vars, depth, cut);
  case AST_comprehension:
    return too_deep(n->v.comprehension.target, depth, cut) ||
           too_deep(n->v.comprehension.iter, depth, cut) ||
           seq_too_deep(&n->v.comprehension.ifs, depth, cut);
  case AST_ExceptHandler:
    return too_deep(n->v.ExceptHandler.type, depth, cut) ||
           seq_too_deep(&n->v.ExceptHandler.body, depth, cut);
  default: return 0;
  }
}

static int too_deep(const AstNode *n, int depth, const AstNode **cut) {
  if (!n) return 0;
  if (depth > MAX_AST_DEPTH) return 1;
  if (!kids_too_deep(n, depth + 1, cut)) return 0;
  if (!*cut) *cut = n; /* the deepest node within the limit */
  return 1;
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

/* ---- source encoding (PEP 263) ------------------------------------------ */

/* Length of the UTF-8 sequence at p if it is valid by Python's strict decoder
   (no overlongs, no surrogates, nothing past U+10FFFF), else 0 with *why set to
   the decoder's reason. */
static int utf8_seq(const unsigned char *p, const unsigned char *end, const char **why) {
  size_t bad;
  return (int)asy_utf8_seq(p, (size_t)(end - p), &bad, why);
}

/* The first byte of s[0..len) that does not start a valid UTF-8 sequence, or
   NULL. */
static const char *bad_utf8(const char *s, size_t len, const char **why) {
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    if (*p < 0x80) {
      p++;
      continue;
    }
    int n = utf8_seq(p, end, why);
    if (!n) return (const char *)p;
    p += n;
  }
  return NULL;
}

/* The encoding a `coding[:=]NAME` comment declares on line `ls` ([ \t\f]*# ... ),
   copied into name (NUL-terminated); 0 if the line declares none. */
static int line_cookie(const char *ls, const char *end, char *name, size_t cap) {
  const char *p = ls;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\f')) p++;
  if (p >= end || *p != '#') return 0;
  const char *le = p;
  while (le < end && *le != '\n' && *le != '\r') le++;
  for (const char *q = p; q + 7 <= le; q++) {
    if (memcmp(q, "coding", 6) != 0 || (q[6] != ':' && q[6] != '=')) continue;
    const char *v = q + 7;
    while (v < le && (*v == ' ' || *v == '\t')) v++;
    size_t n = 0;
    while (v + n < le && (isalnum((unsigned char)v[n]) || v[n] == '-' || v[n] == '_' ||
                          v[n] == '.' || (unsigned char)v[n] >= 0x80))
      n++;
    if (n == 0) continue;
    if (n >= cap) n = cap - 1;
    memcpy(name, v, n);
    name[n] = 0;
    return 1;
  }
  return 0;
}

/* Is the line at ls blank or a comment only (then line 2 may carry the cookie)? */
static int blank_or_comment(const char *ls, const char *end) {
  while (ls < end && (*ls == ' ' || *ls == '\t' || *ls == '\f')) ls++;
  return ls >= end || *ls == '#' || *ls == '\n' || *ls == '\r';
}

/* CPython's get_normal_name: the spellings of utf-8 and latin-1 it knows become
   "utf-8" and "iso-8859-1"; any other name is kept as written. */
static void normal_name(char *name) {
  char low[13];
  size_t i = 0;
  for (; i < 12 && name[i]; i++)
    low[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
  low[i] = 0;
  if (!strcmp(low, "utf-8") || !strncmp(low, "utf-8-", 6)) {
    strcpy(name, "utf-8");
    return;
  }
  static const char *const latin[] = {"latin-1", "iso-8859-1", "iso-latin-1"};
  for (int k = 0; k < 3; k++) {
    size_t n = strlen(latin[k]);
    if (!strncmp(low, latin[k], n) && (low[n] == 0 || low[n] == '-')) {
      strcpy(name, "iso-8859-1");
      return;
    }
  }
}

/* Python's codec lookup for the encodings Asy reads: 'u' (UTF-8), 'l'
   (Latin-1), 'a' (ASCII) or 0 for any other. */
static int codec_of(const char *name) {
  char k[32];
  size_t i = 0;
  for (; name[i] && i < sizeof k - 1; i++)
    k[i] = name[i] == '-' || name[i] == ' ' ? '_' : (char)tolower((unsigned char)name[i]);
  k[i] = 0;
  static const char *const utf8[] = {"utf_8",   "utf8",      "u8",        "utf",
                                     "cp65001", "utf8_ucs2", "utf8_ucs4", NULL};
  static const char *const latin1[] = {
      "iso_8859_1", "latin_1",    "latin1", "l1",          "iso8859_1",       "8859",    "cp819",
      "latin",      "iso_ir_100", "ibm819", "csisolatin1", "iso_8859_1_1987", "iso8859", NULL};
  static const char *const ascii[] = {
      "ascii",          "us_ascii",         "646",      "us",      "ansi_x3.4_1968",
      "ansi_x3_4_1968", "ansi_x3.4_1986",   "cp367",    "csascii", "ibm367",
      "iso646_us",      "iso_646.irv_1991", "iso_ir_6", NULL};
  for (int j = 0; utf8[j]; j++)
    if (!strcmp(k, utf8[j])) return 'u';
  for (int j = 0; latin1[j]; j++)
    if (!strcmp(k, latin1[j])) return 'l';
  for (int j = 0; ascii[j]; j++)
    if (!strcmp(k, ascii[j])) return 'a';
  return 0;
}

static void file_error(AsySyntaxErr *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  err->kind = ASY_ERR_SYNTAX;
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  err->no_location = 1;
  va_end(ap);
}

/* Apply the source's coding declaration as CPython's file reader does: returns
   the text as UTF-8 (src itself, or a Latin-1 source converted, in the arena) or
   NULL with *err set. Only src[0..scan) is checked for undecodable bytes. Text given as a str (-c, filename "<string>") is already
   decoded, so its declaration is ignored as CPython ignores it there. */
static char *decode_source(AstArena *arena, const char *filename, char *src, size_t *len,
                           size_t scan, AsySyntaxErr *err) {
  if (filename && !strcmp(filename, "<string>")) return src;
  const char *end = src + *len, *ls = src;
  int bom = *len >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3);
  if (bom) ls += 3;
  char name[64];
  int found = line_cookie(ls, end, name, sizeof name);
  if (!found && blank_or_comment(ls, end)) {
    const char *l2 = memchr(ls, '\n', (size_t)(end - ls));
    if (l2) found = line_cookie(l2 + 1, end, name, sizeof name);
  }
  int codec = 'u';
  if (found) {
    normal_name(name);
    if (bom && strcmp(name, "utf-8") != 0) {
      file_error(err, "encoding problem: %s with BOM", name);
      return NULL;
    }
    codec = codec_of(name);
  }
  const char *why = NULL;
  if (codec == 'u') {
    const char *bad = bad_utf8(src, scan, &why);
    if (!bad) return src;
    int line = 1;
    for (const char *p = src; p < bad; p++) line += *p == '\n';
    if (!found) {
      file_error(err,
                 "Non-UTF-8 code starting with '\\x%02x' in file %s on line %d, but no encoding "
                 "declared; see https://peps.python.org/pep-0263/ for details",
                 (unsigned char)*bad, filename ? filename : "<string>", line);
      return NULL;
    }
    /* Declared UTF-8: CPython decodes token by token, so a bad byte in a comment
       passes and one elsewhere fails where it stands. */
    const char *bl = bad;
    while (bl > src && bl[-1] != '\n') bl--;
    char quote = 0;
    const char *qpos = NULL; /* the opening quote of the literal holding the byte */
    for (const char *p = bl; p < bad; p++) {
      if (quote ? *p == quote : (*p == '"' || *p == '\'')) {
        quote = quote ? 0 : *p;
        qpos = p;
      } else if (!quote && *p == '#') return src;
    }
    /* CPython decodes a literal's body at once: the position counts from its start
       and the error points at the literal. */
    const char *at = quote ? qpos : bad;
    if (!strcmp(why, "invalid continuation byte")) {
      /* a sequence cut short by the end of the token */
      const char *q = bad + 1;
      while (q < end && ((unsigned char)*q & 0xC0) == 0x80) q++;
      if (q >= end || *q == '"' || *q == '\'' || *q == '\n' || *q == '\r')
        why = "unexpected end of data";
    }
    err->kind = ASY_ERR_SYNTAX;
    snprintf(err->msg, sizeof err->msg,
             "(unicode error) 'utf-8' codec can't decode byte 0x%02x in position %d: %s",
             (unsigned char)*bad, quote ? (int)(bad - qpos - 1) : 0, why);
    err->lineno = err->end_lineno = line;
    int col = 1;
    for (const char *p = bl; p < at; p++)
      if (((unsigned char)*p & 0xC0) != 0x80) col++;
    err->offset = col;
    err->end_offset = col + 1;
    /* the line as CPython shows it: undecodable bytes replaced by U+FFFD */
    const char *le = bad;
    while (le < end && *le != '\n') le++;
    char *t = asy_arena_alloc(arena, (size_t)(le - bl) * 3 + 2), *o = t;
    for (const unsigned char *p = (const unsigned char *)bl; p < (const unsigned char *)le;) {
      int n = utf8_seq(p, (const unsigned char *)le, &why);
      if (n) {
        memcpy(o, p, (size_t)n);
        o += n;
        p += n;
      } else {
        memcpy(o, "\xEF\xBF\xBD", 3);
        o += 3;
        p++;
      }
    }
    *o++ = '\n';
    *o = 0;
    err->text = t;
    return NULL;
  }
  if (codec == 'a') {
    for (size_t i = 0; i < scan; i++)
      if ((unsigned char)src[i] >= 0x80) {
        file_error(err, "encoding problem: %s", name);
        return NULL;
      }
    return src;
  }
  if (codec == 'l') {
    size_t extra = 0;
    for (size_t i = 0; i < *len; i++) extra += (unsigned char)src[i] >= 0x80;
    if (!extra) return src;
    char *out = asy_arena_alloc(arena, *len + extra + 1), *o = out;
    for (size_t i = 0; i < *len; i++) {
      unsigned char c = (unsigned char)src[i];
      if (c < 0x80) *o++ = (char)c;
      else {
        *o++ = (char)(0xC0 | (c >> 6));
        *o++ = (char)(0x80 | (c & 0x3F));
      }
    }
    *o = 0;
    *len += extra;
    return out;
  }
  file_error(err, "encoding problem: %s", name);
  return NULL;
}

AstNode *asy_parse(AstArena *arena, const char *filename, const char *src, size_t len, int mode,
                   AsySyntaxErr *err) {
  memset(err, 0, sizeof *err);
  /* the lexer wants a NUL sentinel: work on a copy */
  char *buf = asy_arena_alloc(arena, len + 1);
  if (len) memcpy(buf, src, len);
  buf[len] = 0;

  /* CPython reads the file line by line: a NUL byte before the first undecodable
     one is reported as such, one after it is not reached. */
  const char *nul = memchr(buf, 0, len);
  buf = decode_source(arena, filename, buf, &len, nul ? (size_t)(nul - buf) : len, err);
  if (!buf) return NULL;

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
    int pt = P.cur.type;
    if (P.ntokens == 0 || pt == TK_NEWLINE || pt == TK_INDENT || pt == TK_DEDENT) soft_keyword(&D);
    int ty = fetch(&D, &t);
    if (ty < 0) break;
    if (ty == TK_WITH) with_lookahead(&D);
    /* inside a match block only `case` can start a statement */
    if (ty == TK_NAME && is_name(&t, "case") && asy_parser_accepts(lemon, TK_CASE) &&
        !asy_parser_accepts(lemon, TK_NAME))
      t.type = ty = TK_CASE;
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

  /* eval input without a final newline: CPython reports an error at its end with no
     column (the string tokenizer adds no NEWLINE token there) */
  if (P.failed && !L->failed && mode == ASY_PARSE_EVAL &&
      (P.cur.type == 0 || (P.cur.type == TK_NEWLINE && P.cur.end_col == P.cur.col &&
                           P.cur.end_lineno == P.cur.lineno)) &&
      (len == 0 || buf[len - 1] != '\n'))
    err->offset = err->end_offset = 0;
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
  const AstNode *cut = NULL;
  if (too_deep(P.result, 0, &cut)) {
    /* CPython's parser recurses only into right-nested forms (unary operators, `**`,
       the else branch of `a if c else b`, lambda bodies): a chain of those overflows
       its parser stack. Left-nested chains (`1+1+...`, `a.b.c...`, `f()()...`) parse
       in a loop and overflow the compiler's recursion limit instead. */
    int right_nested = cut->kind == AST_UnaryOp || cut->kind == AST_IfExp ||
                       cut->kind == AST_Lambda ||
                       (cut->kind == AST_BinOp && cut->v.BinOp.op == AST_Pow);
    err->kind = right_nested ? ASY_ERR_MEMORY : ASY_ERR_RECURSION;
    snprintf(err->msg, sizeof err->msg, "%s",
             right_nested ? "Parser stack overflowed - Python source too complex to parse"
                          : "maximum recursion depth exceeded during compilation");
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
         b->items[0]->kind == AST_ClassDef || b->items[0]->kind == AST_Match) &&
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
