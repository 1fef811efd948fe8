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
#include "parser_int.h"

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

/* ---- CPython's error messages ------------------------------------------ */

static int ends_expr(int ty) {
  switch (ty) {
  case TK_NAME: case TK_NUMBER: case TK_STRING: case TK_FSTRING_END: case TK_RPAR:
  case TK_RSQB: case TK_RBRACE: case TK_TRUE: case TK_FALSE: case TK_NONE:
  case TK_ELLIPSIS: return 1;
  default: return 0;
  }
}

static int starts_expr(int ty) {
  switch (ty) {
  case TK_NAME: case TK_NUMBER: case TK_STRING: case TK_FSTRING_START: case TK_LPAR:
  case TK_LSQB: case TK_LBRACE: case TK_TRUE: case TK_FALSE: case TK_NONE:
  case TK_ELLIPSIS: case TK_TILDE: case TK_LAMBDA: case TK_NOT: case TK_AWAIT: return 1;
  default: return 0;
  }
}

/* Tokens that may continue an expression: they do not reset expr_start. */
static int inside_expr(int ty) {
  if (ends_expr(ty)) return 1;
  switch (ty) {
  case TK_DOT: case TK_PLUS: case TK_MINUS: case TK_STAR: case TK_SLASH: case TK_VBAR:
  case TK_AMPER: case TK_LESS: case TK_GREATER: case TK_PERCENT: case TK_EQEQUAL:
  case TK_NOTEQUAL: case TK_LESSEQUAL: case TK_GREATEREQUAL: case TK_TILDE:
  case TK_CIRCUMFLEX: case TK_LEFTSHIFT: case TK_RIGHTSHIFT: case TK_DOUBLESTAR:
  case TK_DOUBLESLASH: case TK_AT: case TK_AND: case TK_OR: case TK_NOT: case TK_IN:
  case TK_IS: case TK_AWAIT: case TK_FSTRING_START: case TK_FSTRING_MIDDLE: return 1;
  default: return 0;
  }
}

static const char *header_name(int ty, int second) {
  switch (ty) {
  case TK_IF: return "'if' statement";
  case TK_ELIF: return "'elif' statement";
  case TK_ELSE: return "'else' statement";
  case TK_WHILE: return "'while' statement";
  case TK_FOR: return "'for' statement";
  case TK_WITH: return "'with' statement";
  case TK_TRY: return "'try' statement";
  case TK_EXCEPT: return second == TK_STAR ? "'except*' statement" : "'except' statement";
  case TK_FINALLY: return "'finally' statement";
  case TK_DEF: return "function definition";
  case TK_CLASS: return "class definition";
  case TK_ASYNC: return header_name(second, 0);
  default: return NULL;
  }
}

static int is_header_kw(int ty) { return header_name(ty, 0) != NULL; }

/* End of the logical line that contains the queue head (for ranges that
   CPython extends to the end of an expression we have not parsed). */
static AsyToken *line_last_token(Driver *D) {
  AsyToken *last = NULL;
  for (int i = 0; i < 4096; i++) {
    AsyToken *u = peek(D, i);
    if (!u || u->type <= 0 || u->type == TK_NEWLINE) break;
    last = u;
  }
  return last;
}

void asy_parse_syntax_error(AsyParse *P, const AsyToken *tp) {
  AsyToken t = *tp;
  AsyToken prev = P->prev;
  Driver *D = P->driver;
  if (P->failed || P->L->failed) return;

  if (t.type == TK_INDENT) {
    P->err_kind = ASY_ERR_INDENTATION;
    ab_error_range(P, t.lineno, t.end_col - 1, t.lineno, -2, "unexpected indent");
    return;
  }
  /* a block was expected after a header line */
  if (prev.type == TK_NEWLINE && asy_parser_accepts(P->lemon, TK_INDENT)) {
    const char *what = header_name(P->header_first.type, P->header_second.type);
    if (what) {
      P->err_kind = ASY_ERR_INDENTATION;
      if (t.type == 0 || t.type == TK_DEDENT) {
        if (t.type == 0 || (t.lineno > prev.lineno && t.col == 0 && P->L->eof_state))
          P->L->err->incomplete = 1;
        /* at end of input CPython (running a file) gives offset 0: no caret */
        ab_error_range(P, prev.lineno, -1, prev.lineno, -2,
                       "expected an indented block after %s on line %d", what,
                       P->header_first.lineno);
      } else {
        ab_error_range(P, t.lineno, t.col, t.end_lineno, t.end_col,
                       "expected an indented block after %s on line %d", what,
                       P->header_first.lineno);
      }
      return;
    }
  }
  if (t.type == TK_DEDENT) {
    P->err_kind = ASY_ERR_INDENTATION;
    ab_error_range(P, t.lineno, t.col, t.lineno, -2, "unexpected unindent");
    return;
  }
  if (P->mode == ASY_PARSE_SINGLE && (prev.type == TK_NEWLINE || prev.type == TK_DEDENT) &&
      t.type != 0) {
    ab_error_range(P, t.lineno, t.col, t.end_lineno, t.end_col,
                   "multiple statements found while compiling a single statement");
    return;
  }
  /* f-strings */
  if (t.type == TK_RBRACE && (t.flags & TOKF_FIELD)) {
    if (prev.type == TK_LBRACE && (prev.flags & TOKF_FIELD)) {
      ab_error_tok(P, t, "f-string: valid expression required before '}'");
      return;
    }
  }
  if (prev.type == TK_EXCLAMATION && P->field_tok.type &&
      (t.type == TK_COLON || t.type == TK_RBRACE)) {
    ab_error_tok(P, t, "f-string: missing conversion character");
    return;
  }
  /* 1 + not a */
  if (t.type == TK_NOT && (prev.type == TK_PLUS || prev.type == TK_MINUS || prev.type == TK_STAR ||
                           prev.type == TK_SLASH || prev.type == TK_DOUBLESLASH ||
                           prev.type == TK_PERCENT || prev.type == TK_AT || prev.type == TK_TILDE)) {
    /* the range covers the operand of 'not': scan to the end of it */
    AsyToken end = t;
    int depth = 0;
    for (int i = 0; D && i < 100000; i++) {
      AsyToken *u = peek(D, i);
      if (!u || u->type <= 0) break;
      int ty = u->type;
      if (ty == TK_LPAR || ty == TK_LSQB || ty == TK_LBRACE) depth++;
      else if (ty == TK_RPAR || ty == TK_RSQB || ty == TK_RBRACE) {
        if (depth == 0) break;
        depth--;
      } else if (depth == 0 && (ty == TK_COMMA || ty == TK_COLON || ty == TK_NEWLINE ||
                                ty == TK_EQUAL || ty == TK_SEMI || ty == TK_IF || ty == TK_ELSE ||
                                ty == TK_FOR || ty == TK_AND || ty == TK_OR || ty == TK_AS ||
                                ty == TK_FROM || ty == TK_ASYNC || ty == TK_COLONEQUAL ||
                                (ty >= TK_PLUSEQUAL && ty <= TK_DOUBLESTAREQUAL) ||
                                ty == TK_DOUBLESLASHEQUAL || ty == TK_ATEQUAL))
        break;
      end = *u;
    }
    ab_error_range(P, t.lineno, t.col, end.end_lineno, end.end_col,
                   "'not' after an operator must be parenthesized");
    return;
  }
  /* [x for a b in c] */
  if (P->L->depth > 0 && asy_parser_accepts(P->lemon, TK_IN) && !asy_parser_accepts(P->lemon, t.type)) {
    for (int k = 1; k <= 8; k++) {
      int sym = asy_parser_peek(P->lemon, k);
      if (sym == TK_FOR) {
        ab_error_tok(P, t, "'in' expected after for-loop variables");
        return;
      }
      if (sym < 0 || (sym <= TK_YIELD && sym != TK_COMMA && sym != TK_STAR && sym != TK_NAME &&
                      sym != TK_LPAR && sym != TK_RPAR && sym != TK_LSQB && sym != TK_RSQB &&
                      sym != TK_DOT))
        break;
    }
  }
  if (P->lambda_tok.type && P->field_tok.type && prev.type == TK_COLON &&
      (prev.flags & TOKF_FIELD) &&
      (P->lambda_tok.lineno > P->field_tok.lineno ||
       (P->lambda_tok.lineno == P->field_tok.lineno && P->lambda_tok.col > P->field_tok.col))) {
    ab_error_range(P, P->lambda_tok.lineno, P->lambda_tok.col, t.lineno, t.col,
                   "f-string: lambda expressions are not allowed without parentheses");
    return;
  }
  if (prev.type == TK_EQUAL && P->field_tok.type && t.type != TK_RBRACE &&
      asy_parser_accepts(P->lemon, TK_RBRACE) && asy_parser_accepts(P->lemon, TK_COLON)) {
    ab_error_tok(P, t, "f-string: expecting '}'");
    return;
  }
  if (prev.type == TK_NAME && P->field_tok.type &&
      asy_parser_peek(P->lemon, 1) == TK_EXCLAMATION && t.type != TK_COLON &&
      t.type != TK_RBRACE) {
    ab_error_tok(P, t, "f-string: expecting ':' or '}'");
    return;
  }
  if (prev.type == TK_EXCLAMATION && P->field_tok.type) {
    ab_error_tok(P, t, "f-string: invalid conversion character: expected 's', 'r', or 'a'");
    return;
  }
  if (P->field_tok.type && P->L->nfs > 0 && t.type == TK_FSTRING_END) {
    ab_error_tok(P, t, "f-string: expecting '}'");
    return;
  }
  /* import a from b */
  if (t.type == TK_FROM && P->line_first.type == TK_IMPORT) {
    AsyToken *last = D ? line_last_token(D) : NULL;
    AsyToken end = last ? *last : t;
    ab_error_range(P, P->line_first.lineno, P->line_first.col, end.end_lineno, end.end_col,
                   "Did you mean to use 'from ... import ...' instead?");
    return;
  }
  /* print "x" */
  if (prev.type == TK_NAME && P->line_first.type == TK_NAME &&
      P->line_first.z == prev.z && starts_expr(t.type) &&
      ((prev.n == 5 && memcmp(prev.z, "print", 5) == 0) ||
       (prev.n == 4 && memcmp(prev.z, "exec", 4) == 0))) {
    AsyToken *last = D ? line_last_token(D) : NULL;
    AsyToken end = last ? *last : t;
    ab_error_range(P, prev.lineno, prev.col, end.end_lineno, end.end_col,
                   "Missing parentheses in call to '%.*s'. Did you mean %.*s(...)?", prev.n,
                   prev.z, prev.n, prev.z);
    return;
  }
  /* `if x = 1:` */
  if (t.type == TK_EQUAL && ends_expr(prev.type) && asy_parser_accepts(P->lemon, TK_COLONEQUAL)) {
    AsyToken *v = D ? peek(D, 0) : NULL;
    AsyToken end = v && v->type > 0 ? *v : t;
    if (prev.type == TK_NAME && P->expr_start.z == prev.z)
      ab_error_range(P, prev.lineno, prev.col, end.end_lineno, end.end_col,
                     "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
    else
      ab_error_tok(P, t, "invalid syntax");
    return;
  }
  /* missing ':' at the end of a compound statement header */
  if (t.type == TK_NEWLINE && is_header_kw(P->line_first.type) &&
      asy_parser_accepts(P->lemon, TK_COLON)) {
    ab_error_tok(P, t, "expected ':'");
    return;
  }
  if (asy_parser_accepts(P->lemon, TK_ELSE) && !asy_parser_accepts(P->lemon, t.type)) {
    /* stack: ... body IF condition — the message spans body..condition */
    int in_ifexp = 0;
    for (int k = 1; k <= 64 && !in_ifexp; k++) in_ifexp = asy_parser_peek(P->lemon, k) == TK_IF;
    /* (if the unexpected token is itself an `if`, the pending one is older) */
    AsyToken st = t.type == TK_IF ? P->ifexp_prev : P->ifexp_start;
    if (in_ifexp && st.type) {
      ab_error_range(P, st.lineno, st.col, prev.end_lineno, prev.end_col,
                     "expected 'else' after 'if' expression");
      return;
    }
  }
  if (prev.type == TK_IMPORT && t.type == TK_NEWLINE) {
    ab_error_range(P, t.lineno, t.col, t.lineno, t.col,
                   "Expected one or more names after 'import'");
    return;
  }
  /* except*: */
  if (prev.type == TK_STAR && P->line_first.type == TK_EXCEPT &&
      asy_parser_peek(P->lemon, 1) == TK_EXCEPT && !starts_expr(t.type)) {
    ab_error_tok(P, t, "expected one or more exception types");
    return;
  }
  /* {k: } and {k, ...} inside a dict display */
  /* (the lexer already popped the brace a '}' lookahead closes: its slot is
     still intact just above the stack top) */
  const LexBracket *br = t.type == TK_RBRACE ? &P->L->br[P->L->depth]
                         : P->L->depth > 0   ? &P->L->br[P->L->depth - 1]
                                             : NULL;
  if (br && br->ch == '{' && !br->field) {
    if ((t.type == TK_RBRACE || t.type == TK_COMMA) && prev.type == TK_COLON &&
        asy_parser_accepts(P->lemon, TK_NAME)) {
      ab_error_tok(P, prev, "expression expected after dictionary key and ':'");
      return;
    }
    if (asy_parser_accepts(P->lemon, TK_COLON) && asy_parser_peek(P->lemon, 1) == TK_COMMA) {
      /* the key began where the current expression run did */
      ab_error_range(P, P->expr_start.lineno, P->expr_start.col, P->expr_start.lineno, -1,
                     "':' expected after dictionary key");
      return;
    }
  }
  /* try: without handlers */
  if (asy_parser_accepts(P->lemon, TK_EXCEPT) && asy_parser_accepts(P->lemon, TK_FINALLY) &&
      (prev.type == TK_DEDENT || prev.type == TK_NEWLINE)) {
    ab_error_tok(P, t, "expected 'except' or 'finally' block");
    return;
  }
  /* except A, B: */
  if (t.type == TK_COMMA && P->line_first.type == TK_EXCEPT) {
    AsyToken *last = NULL;
    for (int i = 0; D && i < 4096; i++) {
      AsyToken *u = peek(D, i);
      if (!u || u->type <= 0 || u->type == TK_COLON || u->type == TK_AS ||
          u->type == TK_NEWLINE)
        break;
      last = u;
    }
    AsyToken end = last ? *last : t;
    ab_error_range(P, P->expr_start.lineno, P->expr_start.col, end.end_lineno, end.end_col,
                   "multiple exception types must be parenthesized");
    return;
  }
  /* two expressions side by side inside brackets */
  if (P->L->depth > 0 && ends_expr(prev.type) && starts_expr(t.type) &&
      !(prev.type == TK_NAME && (t.type == TK_STRING || t.type == TK_FSTRING_START)) &&
      asy_parser_accepts(P->lemon, TK_COMMA)) {
    AsyToken end = t;
    if (t.type == TK_NAME || t.type == TK_NUMBER || t.type == TK_STRING ||
        t.type == TK_TRUE || t.type == TK_FALSE || t.type == TK_NONE) {
      /* extend over a simple trailing `.name` chain */
      for (int i = 0; D; i += 2) {
        AsyToken *d = peek(D, i), *nm = peek(D, i + 1);
        if (!d || !nm || d->type != TK_DOT || nm->type != TK_NAME) break;
        end = *nm;
      }
    }
    ab_error_range(P, P->expr_start.lineno, P->expr_start.col, end.end_lineno, end.end_col,
                   "invalid syntax. Perhaps you forgot a comma?");
    return;
  }
  if (t.type == 0) {
    /* CPython reports EOF errors on the last line */
    P->L->err->incomplete = 1;
    ab_error_range(P, prev.end_lineno, prev.end_col, prev.end_lineno, prev.end_col + 1,
                   "invalid syntax");
    return;
  }
  ab_error_tok(P, t, "invalid syntax");
}

/* ---- the driver --------------------------------------------------------- */

/* Track the context asy_parse_syntax_error needs, before feeding t. */
static void track(AsyParse *P, const AsyToken *t) {
  int pt = P->cur.type;
  P->prev = P->cur;
  P->cur = *t;
  P->ntokens++;
  if (pt == TK_NEWLINE || pt == TK_INDENT || pt == TK_DEDENT || P->ntokens == 1 ||
      pt == TK_SEMI) {
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
  if (t->type == TK_IF && inside_expr(pt)) { /* the body of `body if ...` */
    P->ifexp_prev = P->ifexp_start;
    P->ifexp_start = P->expr_start;
  }
  if (!inside_expr(pt) || P->expr_start.type == 0) P->expr_start = *t;
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
           seq_too_deep(&n->v.ClassDef.keywords, depth) || seq_too_deep(&n->v.ClassDef.body, depth) ||
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
  case AST_Dict: return seq_too_deep(&n->v.Dict.keys, depth) || seq_too_deep(&n->v.Dict.values, depth);
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
    return too_deep(n->v.comprehension.target, depth) ||
           too_deep(n->v.comprehension.iter, depth) || seq_too_deep(&n->v.comprehension.ifs, depth);
  case AST_ExceptHandler:
    return too_deep(n->v.ExceptHandler.type, depth) || seq_too_deep(&n->v.ExceptHandler.body, depth);
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
  (void)filename;
  memset(err, 0, sizeof *err);
  /* the lexer wants a NUL sentinel: work on a copy */
  char *buf = asy_arena_alloc(arena, len + 1);
  if (len) memcpy(buf, src, len);
  buf[len] = 0;

  AsyLexer *L = malloc(sizeof *L);
  if (!L) return NULL;
  asy_lex_init(L, buf, len, arena, err);
  L->no_indent = mode == ASY_PARSE_EVAL;

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
  t.type = mode == ASY_PARSE_SINGLE ? TK_MODE_SINGLE : mode == ASY_PARSE_EVAL ? TK_MODE_EVAL : TK_MODE_FILE;
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
    while (fetch(&D, &t) > 0) {
    }
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
    snprintf(err->msg, sizeof err->msg, "Parser stack overflowed - Python source too complex to parse");
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
