/*
** layout.c — the indentation layer between the raw lexer and the parser.
**
** Turns physical lines into Python's logical-line tokens: NEWLINE at the end
** of a non-blank logical line, INDENT/DEDENT when the indentation changes,
** nothing for blank or comment-only lines, nothing inside brackets (the raw
** lexer drops those newlines), and at end of input a final NEWLINE plus the
** DEDENTs back to column 0. Indentation is measured twice, like CPython's
** tokenizer does: with tabs to multiples of 8 (col) and with tabs as 1 (altcol);
** if the two orders disagree the indentation depends on the tab size, which
** is a TabError.
*/
#include "grammar.h"
#include "lang/lexer.h"

/* Measure the indentation at the start of a line. Returns the first byte
   after it; the widths go to col and altcol. */
static const char *measure(const char *p, int *col, int *altcol) {
  int c1 = 0, c2 = 0;
  for (;; p++) {
    if (*p == ' ') c1++, c2++;
    else if (*p == '\t') c1 = (c1 / 8 + 1) * 8, c2++;
    else if (*p == '\f') c1 = c2 = 0;
    else break;
  }
  *col = c1;
  *altcol = c2;
  return p;
}

static int is_blank_rest(AsyLexer *L, const char *p) {
  return *p == '#' || *p == '\n' || *p == '\r' || (*p == 0 && p >= L->end);
}

static void empty_token(AsyLexer *L, AsyToken *t, int type, const char *p) {
  t->type = type;
  t->z = p;
  t->n = 0;
  t->lineno = t->end_lineno = L->lineno;
  t->col = t->end_col = (int)(p - L->line_start);
  t->flags = 0;
}

/* Compare the new line's indentation with the stack (CPython's algorithm). */
static int indentation(AsyLexer *L, const char *p, int col, int altcol) {
  int top = L->nind;
  int bytes = (int)(p - L->line_start);
  if (col == L->indstack[top]) {
    if (altcol != L->altstack[top]) goto tab_error;
  } else if (col > L->indstack[top]) {
    if (top + 1 >= LEX_MAXINDENT)
      return asy_lex_error(L, ASY_ERR_INDENTATION, L->lineno, bytes, L->lineno, bytes,
                           "too many levels of indentation");
    if (altcol <= L->altstack[top]) goto tab_error;
    L->nind = ++top;
    L->indstack[top] = col;
    L->altstack[top] = altcol;
    L->pending++;
  } else {
    while (top > 0 && col < L->indstack[top]) {
      top--;
      L->pending--;
    }
    L->nind = top;
    if (col != L->indstack[top]) {
      /* CPython points past the end of the offending line */
      const char *e = p;
      while (e < L->end && *e != '\n' && *e != '\r') e++;
      return asy_lex_error(L, ASY_ERR_INDENTATION, L->lineno, (int)(e - L->line_start), L->lineno,
                           -2, "unindent does not match any outer indentation level");
    }
    if (altcol != L->altstack[top]) goto tab_error;
  }
  return 0;
tab_error:
  return asy_lex_error(L, ASY_ERR_TAB, L->lineno, 0, L->lineno, -1,
                       "inconsistent use of tabs and spaces in indentation");
}

int asy_lex_next(AsyLexer *L, AsyToken *t) {
  for (;;) {
    if (L->failed) return -1;
    if (L->pending > 0) {
      /* INDENT spans the leading whitespace of the line */
      L->pending--;
      empty_token(L, t, TK_INDENT, L->cur);
      t->z = L->line_start;
      t->col = 0;
      t->n = t->end_col;
      return L->last = *t, TK_INDENT;
    }
    if (L->pending < 0) {
      L->pending++;
      empty_token(L, t, TK_DEDENT, L->cur);
      return L->last = *t, TK_DEDENT;
    }
    if (L->eof_state == 2) {
      empty_token(L, t, 0, L->end);
      return 0;
    }
    if (L->at_bol) {
      int col, altcol;
      const char *p = measure(L->cur, &col, &altcol);
      L->at_bol = 0;
      if (!L->no_indent && !is_blank_rest(L, p)) {
        if (indentation(L, p, col, altcol) < 0) return -1;
        L->cur = p;
        continue;
      }
    }
    int type = asy_lex_raw(L, t);
    if (type < 0) return -1;
    if (type == TK_NL) {
      L->at_bol = 1;
      if (!L->line_has_tokens) continue; /* blank or comment-only line */
      L->line_has_tokens = 0;
      t->type = TK_NEWLINE;
      return L->last = *t, TK_NEWLINE;
    }
    if (type == 0) {
      if (L->line_has_tokens) {
        /* implicit NEWLINE at end of input (no final newline): CPython
           places it just after the last token, zero columns wide */
        L->line_has_tokens = 0;
        *t = L->last;
        t->type = TK_NEWLINE;
        t->z += t->n;
        t->n = 0;
        t->lineno = t->end_lineno;
        t->col = t->end_col;
        t->end_col = t->col; /* no newline character to span */
        return L->last = *t, TK_NEWLINE;
      }
      if (L->nind > 0) {
        L->pending = -L->nind;
        L->nind = 0;
        continue;
      }
      L->eof_state = 2;
      return 0;
    }
    L->line_has_tokens = 1;
    L->last = *t;
    return type;
  }
}
