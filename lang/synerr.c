/*
** synerr.c — choosing CPython's SyntaxError message for a token the grammar
** rejects.
**
** lemon only says "this token is unexpected here". CPython 3.13's PEG parser
** has a second pass of `invalid_*` rules with friendlier messages ("expected
** ':'", "Perhaps you forgot a comma?", "expected an indented block after 'if'
** statement on line 3"...). We recover the same information from three
** sources: the tokens around the error (remembered by parse.c's track()), the
** token queue ahead (asy_driver_peek), and the parser state itself — whether
** it would accept some other token instead (asy_parser_accepts) and which
** terminals sit on its stack (asy_parser_peek). Each rule below names the
** CPython message it reproduces; ranges follow what `python3 FILE` reports.
*/
#include <string.h>

#include "grammar.h"
#include "lang/parser_int.h"

static int ends_expr(int ty) {
  switch (ty) {
  /* clang-format off */
  case TK_NAME: case TK_NUMBER: case TK_STRING: case TK_FSTRING_END: case TK_RPAR:
  case TK_RSQB: case TK_RBRACE: case TK_TRUE: case TK_FALSE: case TK_NONE:
  /* clang-format on */
  case TK_ELLIPSIS: return 1;
  default: return 0;
  }
}

static int starts_expr(int ty) {
  switch (ty) {
  /* clang-format off */
  case TK_NAME: case TK_NUMBER: case TK_STRING: case TK_FSTRING_START: case TK_LPAR:
  case TK_LSQB: case TK_LBRACE: case TK_TRUE: case TK_FALSE: case TK_NONE:
  case TK_ELLIPSIS: case TK_TILDE: case TK_LAMBDA: case TK_NOT: case TK_AWAIT: return 1;
  /* clang-format on */
  default: return 0;
  }
}

int asy_tok_inside_expr(int ty) {
  if (ends_expr(ty)) return 1;
  switch (ty) {
  /* clang-format off */
  case TK_DOT: case TK_PLUS: case TK_MINUS: case TK_STAR: case TK_SLASH: case TK_VBAR:
  case TK_AMPER: case TK_LESS: case TK_GREATER: case TK_PERCENT: case TK_EQEQUAL:
  case TK_NOTEQUAL: case TK_LESSEQUAL: case TK_GREATEREQUAL: case TK_TILDE:
  case TK_CIRCUMFLEX: case TK_LEFTSHIFT: case TK_RIGHTSHIFT: case TK_DOUBLESTAR:
  case TK_DOUBLESLASH: case TK_AT: case TK_AND: case TK_OR: case TK_NOT: case TK_IN:
  case TK_IS: case TK_AWAIT: case TK_FSTRING_START: case TK_FSTRING_MIDDLE: return 1;
  /* clang-format on */
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
  case TK_MATCH: return "'match' statement";
  case TK_CASE: return "'case' statement";
  case TK_ASYNC: return header_name(second, 0);
  default: return NULL;
  }
}

static int is_header_kw(int ty) { return header_name(ty, 0) != NULL; }

/* End of the logical line that contains the queue head (for ranges that
   CPython extends to the end of an expression we have not parsed). */
static AsyToken *line_last_token(void *D) {
  AsyToken *last = NULL;
  for (int i = 0; i < 4096; i++) {
    AsyToken *u = asy_driver_peek(D, i);
    if (!u || u->type <= 0 || u->type == TK_NEWLINE) break;
    last = u;
  }
  return last;
}

void asy_parse_syntax_error(AsyParse *P, const AsyToken *tp) {
  AsyToken t = *tp;
  AsyToken prev = P->prev;
  void *D = P->driver;
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
  if (t.type == TK_NOT &&
      (prev.type == TK_PLUS || prev.type == TK_MINUS || prev.type == TK_STAR ||
       prev.type == TK_SLASH || prev.type == TK_DOUBLESLASH || prev.type == TK_PERCENT ||
       prev.type == TK_AT || prev.type == TK_TILDE)) {
    /* the range covers the operand of 'not': scan to the end of it */
    AsyToken end = t;
    int depth = 0;
    for (int i = 0; D && i < 100000; i++) {
      AsyToken *u = asy_driver_peek(D, i);
      if (!u || u->type <= 0) break;
      int ty = u->type;
      if (ty == TK_LPAR || ty == TK_LSQB || ty == TK_LBRACE) depth++;
      else if (ty == TK_RPAR || ty == TK_RSQB || ty == TK_RBRACE) {
        if (depth == 0) break;
        depth--;
      } else if (depth == 0 &&
                 (ty == TK_COMMA || ty == TK_COLON || ty == TK_NEWLINE || ty == TK_EQUAL ||
                  ty == TK_SEMI || ty == TK_IF || ty == TK_ELSE || ty == TK_FOR || ty == TK_AND ||
                  ty == TK_OR || ty == TK_AS || ty == TK_FROM || ty == TK_ASYNC ||
                  ty == TK_COLONEQUAL || (ty >= TK_PLUSEQUAL && ty <= TK_DOUBLESTAREQUAL) ||
                  ty == TK_DOUBLESLASHEQUAL || ty == TK_ATEQUAL))
        break;
      end = *u;
    }
    ab_error_range(P, t.lineno, t.col, end.end_lineno, end.end_col,
                   "'not' after an operator must be parenthesized");
    return;
  }
  /* [x for a b in c] */
  if (P->L->depth > 0 && asy_parser_accepts(P->lemon, TK_IN) &&
      !asy_parser_accepts(P->lemon, t.type)) {
    for (int k = 1; k <= 8; k++) {
      int sym = asy_parser_peek(P->lemon, k);
      if (sym == TK_FOR) {
        ab_error_tok(P, t, "'in' expected after for-loop variables");
        return;
      }
      if (sym < 0 ||
          (sym <= TK_YIELD && sym != TK_COMMA && sym != TK_STAR && sym != TK_NAME &&
           sym != TK_LPAR && sym != TK_RPAR && sym != TK_LSQB && sym != TK_RSQB && sym != TK_DOT))
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
  if (prev.type == TK_NAME && P->field_tok.type && asy_parser_peek(P->lemon, 1) == TK_EXCLAMATION &&
      t.type != TK_COLON && t.type != TK_RBRACE) {
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
  if (prev.type == TK_NAME && P->line_first.type == TK_NAME && P->line_first.z == prev.z &&
      starts_expr(t.type) &&
      ((prev.n == 5 && memcmp(prev.z, "print", 5) == 0) ||
       (prev.n == 4 && memcmp(prev.z, "exec", 4) == 0))) {
    AsyToken *last = D ? line_last_token(D) : NULL;
    AsyToken end = last ? *last : t;
    ab_error_range(P, prev.lineno, prev.col, end.end_lineno, end.end_col,
                   "Missing parentheses in call to '%.*s'. Did you mean %.*s(...)?", prev.n, prev.z,
                   prev.n, prev.z);
    return;
  }
  /* `if x = 1:` */
  if (t.type == TK_EQUAL && ends_expr(prev.type) && asy_parser_accepts(P->lemon, TK_COLONEQUAL)) {
    AsyToken *v = D ? asy_driver_peek(D, 0) : NULL;
    AsyToken end = v && v->type > 0 ? *v : t;
    if (prev.type == TK_NAME && P->expr_start.z == prev.z)
      ab_error_range(P, prev.lineno, prev.col, end.end_lineno, end.end_col,
                     "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
    else ab_error_tok(P, t, "invalid syntax");
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
      AsyToken *u = asy_driver_peek(D, i);
      if (!u || u->type <= 0 || u->type == TK_COLON || u->type == TK_AS || u->type == TK_NEWLINE)
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
    if (t.type == TK_NAME || t.type == TK_NUMBER || t.type == TK_STRING || t.type == TK_TRUE ||
        t.type == TK_FALSE || t.type == TK_NONE) {
      /* extend over a simple trailing `.name` chain */
      for (int i = 0; D; i += 2) {
        AsyToken *d = asy_driver_peek(D, i), *nm = asy_driver_peek(D, i + 1);
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
