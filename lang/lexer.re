/*
** lexer.re — raw tokens of Asy source (re2c input; the generated C lives in the
** build tree only).
**
** This layer produces the tokens of one physical line at a time: names,
** keywords, numbers, strings, operators, and NL for a newline at bracket depth 0.
** It owns the bracket stack (so it can report "'(' was never closed" and friends
** with CPython's wording) and the f-string mode stack (PEP 701). Indentation,
** NEWLINE, INDENT and DEDENT are layout.c's job.
**
** f-string states, derived from the two stacks:
**   literal   bracket depth == the f-string's base depth: scan text (FSTRING_MIDDLE)
**             up to '{' (LBRACE opening a field), the closing quote (FSTRING_END);
**   spec      the top bracket is this f-string's field brace after its ':':
**             scan format-spec text up to '{' (nested field) or '}' (RBRACE);
**   expr      anything else: ordinary tokens; ':' directly inside the field brace
**             starts the spec, '}' matching the field brace ends the field.
** Numbers and string bodies are validated here so the error positions match
** CPython's tokenizer; their values are decoded later by strlit.c.
*/
#include <stdarg.h>
#include <string.h>

#include "grammar.h"
#include "lang/lexer.h"

/*!re2c
  re2c:define:YYCTYPE = "unsigned char";
  re2c:yyfill:enable = 0;
  re2c:flags:tags = 0;
*/

void asy_lex_init(AsyLexer *L, const char *src, size_t len, AstArena *arena,
                  AsySyntaxErr *err) {
  memset(L, 0, sizeof *L);
  L->src = L->cur = L->line_start = src;
  L->end = src + len;
  L->lineno = 1;
  L->at_bol = 1;
  L->arena = arena;
  L->err = err;
  /* A UTF-8 byte order mark is not part of the first line's columns... but
     CPython counts columns after it, so simply skip it. */
  if (len >= 3 && (unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB &&
      (unsigned char)src[2] == 0xBF)
    L->cur = L->line_start = src + 3;
}

/* Account for a line break that ends just before `after`. */
static void newline(AsyLexer *L, const char *after) {
  L->lineno++;
  L->line_start = after;
}

static int col_of(AsyLexer *L, const char *p) { return (int)(p - L->line_start); }

static void tok_start(AsyLexer *L, AsyToken *t, const char *p) {
  t->z = p;
  t->lineno = L->lineno;
  t->col = col_of(L, p);
  t->flags = 0;
}

static int tok_end(AsyLexer *L, AsyToken *t, int type, const char *p) {
  t->type = type;
  t->n = (int)(p - t->z);
  t->end_lineno = L->lineno;
  t->end_col = col_of(L, p);
  L->cur = p;
  return type;
}

/* Error at one column of the current line (CPython's offsets are columns+1). */
static int err_here(AsyLexer *L, int col, int end_col, const char *msg) {
  return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, col, L->lineno, end_col, "%s", msg);
}

static int is_id_byte(unsigned c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c >= 0x80;
}

/* Decode one UTF-8 sequence at p (bounded by end); returns its length. */
static int utf8_cp(const unsigned char *p, const unsigned char *end, unsigned *cp) {
  unsigned c = p[0];
  int n = c < 0x80 ? 1 : c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (n == 1 || p + n > end) {
    *cp = c;
    return 1;
  }
  unsigned v = c & (0x7Fu >> n);
  for (int i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) {
      *cp = c;
      return 1;
    }
    v = (v << 6) | (p[i] & 0x3Fu);
  }
  *cp = v;
  return n;
}

/* A coarse stand-in for Unicode XID_Continue on non-ASCII code points: letters
   of all scripts pass, punctuation/symbol/space blocks are rejected. */
static int cp_ident_ok(unsigned cp) {
  if (cp < 0xA0) return 0;
  if (cp < 0xC0) return cp == 0xAA || cp == 0xB5 || cp == 0xBA || cp == 0xB7;
  if (cp == 0xD7 || cp == 0xF7) return 0;
  if (cp >= 0x2000 && cp <= 0x206F) return cp == 0x203F || cp == 0x2040 || cp == 0x2054;
  if (cp >= 0x2070 && cp <= 0x209F) return cp == 0x2071 || cp == 0x207F || cp >= 0x2090;
  if (cp >= 0x20A0 && cp <= 0x20FF) return 0; /* currency, combining marks for symbols */
  if (cp >= 0x2150 && cp <= 0x2BFF) return cp >= 0x2160 && cp <= 0x2188; /* roman numerals */
  if (cp >= 0x3000 && cp <= 0x303F) return cp >= 0x3005 && cp <= 0x3007;
  if (cp >= 0xE000 && cp <= 0xF8FF) return 0;
  if (cp >= 0xFE30 && cp <= 0xFE4F) return 0;
  if (cp >= 0xFF00 && cp <= 0xFF0F) return 0;
  if (cp >= 0xFF1A && cp <= 0xFF20) return 0;
  if (cp >= 0xFF3B && cp <= 0xFF40) return cp == 0xFF3F;
  if (cp >= 0xFF5B && cp <= 0xFF65) return 0;
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return 0;
  if (cp >= 0x1F000 && cp <= 0x1FAFF) return 0; /* emoji */
  return 1;
}

static int cp_printable(unsigned cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD) return 0;
  if ((cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
      (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF)
    return 0;
  return 1;
}

/* Report CPython's error for a character that cannot start a token or
   continue an identifier. */
static int bad_char(AsyLexer *L, const char *p) {
  unsigned cp;
  int n = utf8_cp((const unsigned char *)p, (const unsigned char *)L->end, &cp);
  int col = col_of(L, p);
  if (cp > 0x20 && cp < 0x7F) /* '$', '?', '`': CPython's parser just says so */
    return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, col, L->lineno, col + 1,
                         "invalid syntax");
  if (!cp_printable(cp))
    return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, col, L->lineno, col,
                         "invalid non-printable character U+%04X", cp);
  return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, col, L->lineno, col,
                       "invalid character '%.*s' (U+%04X)", n, p, cp);
}

/* After an identifier with non-ASCII bytes: every code point must be valid. */
static int check_ident(AsyLexer *L, const char *z, const char *e) {
  const unsigned char *p = (const unsigned char *)z;
  while (p < (const unsigned char *)e) {
    unsigned cp;
    int n = utf8_cp(p, (const unsigned char *)e, &cp);
    if (cp >= 0x80 && !cp_ident_ok(cp)) return bad_char(L, (const char *)p);
    p += n;
  }
  return 0;
}

/* ---- numbers ----------------------------------------------------------- */

/* Called after re2c matched a syntactically valid number [z, e): reject what
   follows it the way CPython's verify_end_of_number does. kind: 'd' decimal /
   float, 'x' hex, 'o' octal, 'b' binary, 'j' imaginary. */
static int check_number_end(AsyLexer *L, const char *z, const char *e, int kind) {
  unsigned c = (unsigned char)*e;
  (void)z;
  if (!is_id_byte(c) || c >= 0x80) return 0; /* non-ASCII: the next token complains */
  const char *what = kind == 'x'   ? "hexadecimal"
                     : kind == 'o' ? "octal"
                     : kind == 'b' ? "binary"
                     : kind == 'j' ? "imaginary"
                                   : "decimal";
  /* `1if x else y` and friends still tokenize, with CPython's SyntaxWarning. */
  static const char *const kw[] = {"and", "else", "for", "if", "in", "is", "not", "or"};
  for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++) {
    size_t n = strlen(kw[i]);
    if (strncmp(e, kw[i], n) == 0) {
      asy_lex_warn(L, L->lineno, "invalid %s literal", what);
      return 0;
    }
  }
  int col = col_of(L, e);
  if ((kind == 'o' && c >= '0' && c <= '9') || (kind == 'b' && c >= '0' && c <= '9')) {
    return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, col, L->lineno, col,
                         "invalid digit '%c' in %s literal", (int)c,
                         kind == 'o' ? "octal" : "binary");
  }
  if (c == '_' && e[-1] >= '0' && e[-1] <= '9') col++; /* CPython consumed the '_' */
  return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, col - 1, L->lineno, col - 1,
                       "invalid %s literal", what);
}

/* "0x", "0o", "0b" followed by no digit. */
static int bad_prefix(AsyLexer *L, const char *z) {
  const char *e = z + 2;
  int kind = z[1] | 0x20;
  if (*e == '_') e++;
  int col = col_of(L, e);
  if ((kind == 'o' || kind == 'b') && *e >= '0' && *e <= '9')
    return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, col, L->lineno, col,
                         "invalid digit '%c' in %s literal", *e,
                         kind == 'o' ? "octal" : "binary");
  const char *what = kind == 'x' ? "hexadecimal" : kind == 'o' ? "octal" : "binary";
  return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, col - 1, L->lineno, col - 1,
                       "invalid %s literal", what);
}

/* "0" followed by more digits: Python 2 octal, refused. */
static int leading_zeros(AsyLexer *L, const char *z) {
  const char *p = z;
  while (*p == '0' || *p == '_') p++;
  return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, col_of(L, z), L->lineno,
                       col_of(L, p),
                       "leading zeros in decimal integer literals are not permitted; "
                       "use an 0o prefix for octal integers");
}

/* ---- strings ----------------------------------------------------------- */

/* Scan a string body after its opening quote(s) at p; on success the token
   ends after the closing quote. Escapes are only skipped here (decoded later);
   a backslash-newline continues a single-quoted string. */
static int scan_string(AsyLexer *L, AsyToken *t, const char *p, char q, int triple) {
  for (;;) {
    char c = *p;
    if (c == 0 && p >= L->end) break;
    if (c == '\\') {
      p++;
      if (*p == '\r' && p[1] == '\n') newline(L, p += 2);
      else if (*p == '\n' || *p == '\r') newline(L, ++p);
      else if (!(*p == 0 && p >= L->end)) p++;
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (!triple) break;
      p += (c == '\r' && p[1] == '\n') ? 2 : 1;
      newline(L, p);
      continue;
    }
    if (c == q && (!triple || (p[1] == q && p[2] == q))) {
      return tok_end(L, t, TK_STRING, p + (triple ? 3 : 1));
    }
    p++;
  }
  /* Unterminated. Inside an f-string replacement field the quote we tripped
     on is most likely the f-string's own end: say what CPython says. */
  if (L->nfs > 0 && L->depth > L->fs[L->nfs - 1].base_depth && q == L->fs[L->nfs - 1].quote)
    return asy_lex_error(L, ASY_ERR_SYNTAX, t->lineno, t->col, t->lineno, t->col,
                         "f-string: expecting '}'");
  int at = L->lineno;
  if (at > t->lineno && L->line_start == L->end) at--; /* input ends with a newline */
  if (triple && L->err) L->err->incomplete = 1;
  return asy_lex_error(L, ASY_ERR_SYNTAX, t->lineno, t->col, t->lineno, t->col,
                       "unterminated %sstring literal (detected at line %d)",
                       triple ? "triple-quoted " : "", at);
}

/* Quote character and width starting at p (an opening quote). */
static int quote_len(const char *p) { return (p[1] == p[0] && p[2] == p[0]) ? 3 : 1; }

/* ---- brackets ---------------------------------------------------------- */

static int open_bracket(AsyLexer *L, AsyToken *t, int type, const char *e, int field) {
  if (L->depth >= LEX_MAXLEVEL)
    return err_here(L, t->col, t->col, "too many nested parentheses");
  LexBracket *b = &L->br[L->depth++];
  b->ch = *t->z;
  b->field = (char)field;
  b->spec = 0;
  b->lineno = t->lineno;
  b->col = t->col;
  if (field) t->flags |= TOKF_FIELD;
  return tok_end(L, t, type, e);
}

static int close_bracket(AsyLexer *L, AsyToken *t, int type, const char *e) {
  char c = *t->z;
  char want = c == ')' ? '(' : c == ']' ? '[' : '{';
  if (L->depth == 0 || (L->nfs && L->depth <= L->fs[L->nfs - 1].base_depth))
    return asy_lex_error(L, ASY_ERR_SYNTAX, t->lineno, t->col, t->lineno, t->col,
                         "unmatched '%c'", c);
  LexBracket *b = &L->br[L->depth - 1];
  if (b->ch != want) {
    if (b->field)
      return asy_lex_error(L, ASY_ERR_SYNTAX, t->lineno, t->col, t->lineno, t->col,
                           "f-string: unmatched '%c'", c);
    if (b->lineno != t->lineno)
      return asy_lex_error(L, ASY_ERR_SYNTAX, t->lineno, t->col, t->lineno,
                           t->col,
                           "closing parenthesis '%c' does not match opening "
                           "parenthesis '%c' on line %d",
                           c, b->ch, b->lineno);
    return asy_lex_error(L, ASY_ERR_SYNTAX, t->lineno, t->col, t->lineno, t->col,
                         "closing parenthesis '%c' does not match opening "
                         "parenthesis '%c'",
                         c, b->ch);
  }
  if (b->field) t->flags |= TOKF_FIELD;
  L->depth--;
  return tok_end(L, t, type, e);
}

/* ---- f-strings --------------------------------------------------------- */

static int fstring_start(AsyLexer *L, AsyToken *t, const char *q) {
  if (L->nfs >= LEX_MAXFSTRING)
    return err_here(L, t->col, t->col, "too many nested f-strings");
  LexFString *f = &L->fs[L->nfs++];
  int n = quote_len(q);
  f->quote = *q;
  f->triple = n == 3;
  f->raw = 0;
  for (const char *p = t->z; p < q; p++)
    if (*p == 'r' || *p == 'R') f->raw = 1;
  f->base_depth = L->depth;
  f->lineno = t->lineno;
  f->col = t->col;
  return tok_end(L, t, TK_FSTRING_START, q + n);
}

/* True when the lexer is in an f-string's literal or format-spec state. */
static int in_fstring_text(AsyLexer *L) {
  if (!L->nfs) return 0;
  LexFString *f = &L->fs[L->nfs - 1];
  if (L->depth == f->base_depth) return 1;
  /* brackets above the base were all opened inside this f-string */
  LexBracket *b = &L->br[L->depth - 1];
  return b->field && b->spec;
}

/* Scan f-string text (literal or format spec) from L->cur. */
static int lex_fstring_text(AsyLexer *L, AsyToken *t) {
  LexFString *f = &L->fs[L->nfs - 1];
  int spec = L->depth > f->base_depth;
  const char *p = L->cur;
  tok_start(L, t, p);
  if (f->raw) t->flags = TOKF_RAW;
  for (;;) {
    char c = *p;
    if (c == 0 && p >= L->end) break;
    if (c == f->quote && (!f->triple || (p[1] == c && p[2] == c))) {
      if (spec) goto expect_brace;
      if (p > t->z) break;
      L->nfs--;
      return tok_end(L, t, TK_FSTRING_END, p + (f->triple ? 3 : 1));
    }
    if (c == '\\') {
      p++;
      if (!f->raw && *p == 'N' && p[1] == '{') {
        /* \N{NAME}: its braces are not a field */
        p += 2;
        while (*p && *p != '}' && *p != f->quote && *p != '\n') p++;
        if (*p == '}') p++;
      } else if (*p == '{' || *p == '}') {
        /* the backslash stays literal; the brace is handled next round */
      } else if (*p == '\r' && p[1] == '\n') {
        newline(L, p += 2);
      } else if (*p == '\n' || *p == '\r') {
        newline(L, ++p);
      } else if (!(*p == 0 && p >= L->end)) {
        p++;
      }
      continue;
    }
    if (c == '\n' || c == '\r') {
      if (!f->triple && !spec) break;
      if (!f->triple) {
        /* CPython: a newline ends the format spec of a single-quoted f-string;
           the field may still be closed on a later line */
        if (p > t->z) return tok_end(L, t, TK_FSTRING_MIDDLE, p);
        L->br[L->depth - 1].spec = 0;
        p += (c == '\r' && p[1] == '\n') ? 2 : 1;
        newline(L, p);
        L->cur = p;
        return asy_lex_raw(L, t);
      }
      p += (c == '\r' && p[1] == '\n') ? 2 : 1;
      newline(L, p);
      continue;
    }
    if (c == '{') {
      if (!spec && p[1] == '{') {
        p += 2;
        continue;
      }
      if (p > t->z) return tok_end(L, t, TK_FSTRING_MIDDLE, p);
      return open_bracket(L, t, TK_LBRACE, p + 1, 1);
    }
    if (c == '}') {
      if (!spec && p[1] == '}') {
        p += 2;
        continue;
      }
      if (!spec) {
        int col = col_of(L, p);
        return err_here(L, col, col, "f-string: single '}' is not allowed");
      }
      if (p > t->z) return tok_end(L, t, TK_FSTRING_MIDDLE, p);
      t->flags |= TOKF_FIELD;
      L->depth--;
      return tok_end(L, t, TK_RBRACE, p + 1);
    }
    p++;
  }
  /* end of line / input inside the f-string text: flush the text first */
  if (p > t->z) return tok_end(L, t, TK_FSTRING_MIDDLE, p);
  if (f->triple && L->err) L->err->incomplete = 1;
  int at = L->lineno;
  if (at > f->lineno && L->line_start == L->end) at--; /* input ends with a newline */
  return asy_lex_error(L, ASY_ERR_SYNTAX, f->lineno, f->col, f->lineno, f->col,
                       "unterminated %sf-string literal (detected at line %d)",
                       f->triple ? "triple-quoted " : "", at);
expect_brace:
  if (p > t->z) return tok_end(L, t, TK_FSTRING_MIDDLE, p);
  return err_here(L, col_of(L, p), col_of(L, p), "f-string: expecting '}'");
}

/* ---- the scanner ------------------------------------------------------- */

/* Special handling of ':' / '=' etc. directly inside an f-string field. */
static int at_field_level(AsyLexer *L) {
  return L->nfs && L->depth > L->fs[L->nfs - 1].base_depth && L->br[L->depth - 1].field;
}

int asy_lex_raw(AsyLexer *L, AsyToken *t) {
  if (L->failed) return -1;
  if (in_fstring_text(L)) return lex_fstring_text(L, t);
  const char *YYCURSOR, *YYMARKER;
again:
  YYCURSOR = L->cur;
  tok_start(L, t, YYCURSOR);
  /*!re2c
    dig = [0-9];
    digitpart = dig ("_"? dig)*;
    decint = [1-9] ("_"? dig)* | "0" ("_"? "0")*;
    hexint = "0" [xX] ("_"? [0-9a-fA-F])+;
    octint = "0" [oO] ("_"? [0-7])+;
    binint = "0" [bB] ("_"? [01])+;
    pointfloat = digitpart? "." digitpart | digitpart ".";
    exponent = [eE] [+-]? digitpart;
    float = pointfloat | (digitpart | pointfloat) exponent;
    imag = (float | digitpart) [jJ];
    idstart = [a-zA-Z_] | [\x80-\xff];
    idchar = [a-zA-Z0-9_] | [\x80-\xff];
    strprefix = [rRuUbB] | [bB][rR] | [rR][bB];
    fprefix = [fF] | [fF][rR] | [rR][fF];
    quote = ['"];

    [ \t\f]+ { L->cur = YYCURSOR; goto again; }
    "#" [^\r\n\x00]* { L->cur = YYCURSOR; goto again; }
    "\\" ("\r\n" | "\n" | "\r") {
      if (YYCURSOR >= L->end) {
        /* a continuation into nothing: the REPL reads another line */
        if (L->err) L->err->incomplete = 1;
        return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, t->col + 1, L->lineno, -2,
                             "unexpected EOF while parsing");
      }
      newline(L, YYCURSOR);
      L->cur = YYCURSOR;
      goto again;
    }
    "\\" {
      if (*YYCURSOR == 0 && YYCURSOR >= L->end) {
        if (L->err) L->err->incomplete = 1;
        return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, t->col + 1, L->lineno, -2,
                             "unexpected EOF while parsing");
      }
      return asy_lex_error(L, ASY_ERR_SYNTAX, L->lineno, t->col + 1, L->lineno, -1,
                           "unexpected character after line continuation character");
    }
    "\r\n" | "\n" | "\r" {
      newline(L, YYCURSOR);
      if (L->depth > 0) {
        L->cur = YYCURSOR;
        goto again;
      }
      /* NL ends on the line it breaks, as in CPython */
      t->type = TK_NL;
      t->n = (int)(YYCURSOR - t->z);
      t->end_lineno = t->lineno;
      t->end_col = t->col + 1;
      L->cur = YYCURSOR;
      return TK_NL;
    }
    "\x00" {
      if (YYCURSOR - 1 < L->end) return bad_char(L, t->z);
      if (L->depth > 0) {
        LexBracket *b = &L->br[L->depth - 1];
        if (L->err) L->err->incomplete = 1;
        return asy_lex_error(L, ASY_ERR_SYNTAX, b->lineno, b->col, b->lineno, -1,
                             "'%c' was never closed", b->ch);
      }
      L->cur = L->end;
      t->n = 0;
      t->end_lineno = L->lineno;
      t->end_col = t->col;
      t->type = 0;
      return 0;
    }

    "False" { return tok_end(L, t, TK_FALSE, YYCURSOR); }
    "None" { return tok_end(L, t, TK_NONE, YYCURSOR); }
    "True" { return tok_end(L, t, TK_TRUE, YYCURSOR); }
    "and" { return tok_end(L, t, TK_AND, YYCURSOR); }
    "as" { return tok_end(L, t, TK_AS, YYCURSOR); }
    "assert" { return tok_end(L, t, TK_ASSERT, YYCURSOR); }
    "async" { return tok_end(L, t, TK_ASYNC, YYCURSOR); }
    "await" { return tok_end(L, t, TK_AWAIT, YYCURSOR); }
    "break" { return tok_end(L, t, TK_BREAK, YYCURSOR); }
    "class" { return tok_end(L, t, TK_CLASS, YYCURSOR); }
    "continue" { return tok_end(L, t, TK_CONTINUE, YYCURSOR); }
    "def" { return tok_end(L, t, TK_DEF, YYCURSOR); }
    "del" { return tok_end(L, t, TK_DEL, YYCURSOR); }
    "elif" { return tok_end(L, t, TK_ELIF, YYCURSOR); }
    "else" { return tok_end(L, t, TK_ELSE, YYCURSOR); }
    "except" { return tok_end(L, t, TK_EXCEPT, YYCURSOR); }
    "finally" { return tok_end(L, t, TK_FINALLY, YYCURSOR); }
    "for" { return tok_end(L, t, TK_FOR, YYCURSOR); }
    "from" { return tok_end(L, t, TK_FROM, YYCURSOR); }
    "global" { return tok_end(L, t, TK_GLOBAL, YYCURSOR); }
    "if" { return tok_end(L, t, TK_IF, YYCURSOR); }
    "import" { return tok_end(L, t, TK_IMPORT, YYCURSOR); }
    "in" { return tok_end(L, t, TK_IN, YYCURSOR); }
    "is" { return tok_end(L, t, TK_IS, YYCURSOR); }
    "lambda" { return tok_end(L, t, TK_LAMBDA, YYCURSOR); }
    "nonlocal" { return tok_end(L, t, TK_NONLOCAL, YYCURSOR); }
    "not" { return tok_end(L, t, TK_NOT, YYCURSOR); }
    "or" { return tok_end(L, t, TK_OR, YYCURSOR); }
    "pass" { return tok_end(L, t, TK_PASS, YYCURSOR); }
    "raise" { return tok_end(L, t, TK_RAISE, YYCURSOR); }
    "return" { return tok_end(L, t, TK_RETURN, YYCURSOR); }
    "try" { return tok_end(L, t, TK_TRY, YYCURSOR); }
    "while" { return tok_end(L, t, TK_WHILE, YYCURSOR); }
    "with" { return tok_end(L, t, TK_WITH, YYCURSOR); }
    "yield" { return tok_end(L, t, TK_YIELD, YYCURSOR); }

    strprefix? quote {
      const char *q = YYCURSOR - 1;
      int n = quote_len(q);
      return scan_string(L, t, q + n, *q, n == 3);
    }
    fprefix quote { return fstring_start(L, t, YYCURSOR - 1); }

    idstart idchar* {
      for (const char *p = t->z; p < (const char *)YYCURSOR; p++)
        if ((unsigned char)*p >= 0x80) {
          if (check_ident(L, t->z, YYCURSOR) < 0) return -1;
          break;
        }
      return tok_end(L, t, TK_NAME, YYCURSOR);
    }

    decint {
      if (t->z[0] == '0') {
        const char *p = YYCURSOR;
        int c = *p | 0x20;
        if (YYCURSOR == t->z + 1 && (c == 'x' || c == 'o' || c == 'b'))
          return bad_prefix(L, t->z); /* "0x" without digits */
        if ((*p >= '0' && *p <= '9') || (*p == '_' && p[1] >= '0' && p[1] <= '9'))
          return leading_zeros(L, t->z);
      }
      if (check_number_end(L, t->z, YYCURSOR, 'd') < 0) return -1;
      return tok_end(L, t, TK_NUMBER, YYCURSOR);
    }
    hexint {
      if (check_number_end(L, t->z, YYCURSOR, 'x') < 0) return -1;
      return tok_end(L, t, TK_NUMBER, YYCURSOR);
    }
    octint {
      if (check_number_end(L, t->z, YYCURSOR, 'o') < 0) return -1;
      return tok_end(L, t, TK_NUMBER, YYCURSOR);
    }
    binint {
      if (check_number_end(L, t->z, YYCURSOR, 'b') < 0) return -1;
      return tok_end(L, t, TK_NUMBER, YYCURSOR);
    }
    float | digitpart {
      /* a digitpart alone is a decimal with leading zeros ("0123"), which is
         only valid as the start of a float */
      if (t->z[0] == '0') {
        const char *p = t->z;
        while (p < (const char *)YYCURSOR && (*p == '0' || *p == '_')) p++;
        if (p < (const char *)YYCURSOR) {
          int isfloat = 0;
          for (p = t->z; p < (const char *)YYCURSOR; p++)
            if (*p == '.' || *p == 'e' || *p == 'E') isfloat = 1;
          if (!isfloat) return leading_zeros(L, t->z);
        }
      }
      if (check_number_end(L, t->z, YYCURSOR, 'd') < 0) return -1;
      return tok_end(L, t, TK_NUMBER, YYCURSOR);
    }
    imag {
      if (check_number_end(L, t->z, YYCURSOR, 'j') < 0) return -1;
      return tok_end(L, t, TK_NUMBER, YYCURSOR);
    }

    "(" { return open_bracket(L, t, TK_LPAR, YYCURSOR, 0); }
    "[" { return open_bracket(L, t, TK_LSQB, YYCURSOR, 0); }
    "{" { return open_bracket(L, t, TK_LBRACE, YYCURSOR, 0); }
    ")" { return close_bracket(L, t, TK_RPAR, YYCURSOR); }
    "]" { return close_bracket(L, t, TK_RSQB, YYCURSOR); }
    "}" { return close_bracket(L, t, TK_RBRACE, YYCURSOR); }
    ":" {
      if (at_field_level(L)) {
        /* CPython allows two levels of format specs */
        int fields = 0;
        for (int i = L->fs[L->nfs - 1].base_depth; i < L->depth; i++) fields += L->br[i].field;
        if (fields >= 3) return err_here(L, t->col, t->col, "f-string: expressions nested too deeply");
        L->br[L->depth - 1].spec = 1;
        t->flags |= TOKF_FIELD;
      }
      return tok_end(L, t, TK_COLON, YYCURSOR);
    }
    ":=" {
      /* `{x:=5}` in an f-string is a format spec "=5", as in CPython */
      if (at_field_level(L)) {
        L->br[L->depth - 1].spec = 1;
        t->flags |= TOKF_FIELD;
        return tok_end(L, t, TK_COLON, YYCURSOR - 1);
      }
      return tok_end(L, t, TK_COLONEQUAL, YYCURSOR);
    }
    "," { return tok_end(L, t, TK_COMMA, YYCURSOR); }
    ";" { return tok_end(L, t, TK_SEMI, YYCURSOR); }
    "+" { return tok_end(L, t, TK_PLUS, YYCURSOR); }
    "-" { return tok_end(L, t, TK_MINUS, YYCURSOR); }
    "*" { return tok_end(L, t, TK_STAR, YYCURSOR); }
    "/" { return tok_end(L, t, TK_SLASH, YYCURSOR); }
    "|" { return tok_end(L, t, TK_VBAR, YYCURSOR); }
    "&" { return tok_end(L, t, TK_AMPER, YYCURSOR); }
    "<" { return tok_end(L, t, TK_LESS, YYCURSOR); }
    ">" { return tok_end(L, t, TK_GREATER, YYCURSOR); }
    "=" { return tok_end(L, t, TK_EQUAL, YYCURSOR); }
    "." { return tok_end(L, t, TK_DOT, YYCURSOR); }
    "%" { return tok_end(L, t, TK_PERCENT, YYCURSOR); }
    "==" { return tok_end(L, t, TK_EQEQUAL, YYCURSOR); }
    "!=" { return tok_end(L, t, TK_NOTEQUAL, YYCURSOR); }
    "<=" { return tok_end(L, t, TK_LESSEQUAL, YYCURSOR); }
    ">=" { return tok_end(L, t, TK_GREATEREQUAL, YYCURSOR); }
    "~" { return tok_end(L, t, TK_TILDE, YYCURSOR); }
    "^" { return tok_end(L, t, TK_CIRCUMFLEX, YYCURSOR); }
    "<<" { return tok_end(L, t, TK_LEFTSHIFT, YYCURSOR); }
    ">>" { return tok_end(L, t, TK_RIGHTSHIFT, YYCURSOR); }
    "**" { return tok_end(L, t, TK_DOUBLESTAR, YYCURSOR); }
    "+=" { return tok_end(L, t, TK_PLUSEQUAL, YYCURSOR); }
    "-=" { return tok_end(L, t, TK_MINEQUAL, YYCURSOR); }
    "*=" { return tok_end(L, t, TK_STAREQUAL, YYCURSOR); }
    "/=" { return tok_end(L, t, TK_SLASHEQUAL, YYCURSOR); }
    "%=" { return tok_end(L, t, TK_PERCENTEQUAL, YYCURSOR); }
    "&=" { return tok_end(L, t, TK_AMPEREQUAL, YYCURSOR); }
    "|=" { return tok_end(L, t, TK_VBAREQUAL, YYCURSOR); }
    "^=" { return tok_end(L, t, TK_CIRCUMFLEXEQUAL, YYCURSOR); }
    "<<=" { return tok_end(L, t, TK_LEFTSHIFTEQUAL, YYCURSOR); }
    ">>=" { return tok_end(L, t, TK_RIGHTSHIFTEQUAL, YYCURSOR); }
    "**=" { return tok_end(L, t, TK_DOUBLESTAREQUAL, YYCURSOR); }
    "//" { return tok_end(L, t, TK_DOUBLESLASH, YYCURSOR); }
    "//=" { return tok_end(L, t, TK_DOUBLESLASHEQUAL, YYCURSOR); }
    "@" { return tok_end(L, t, TK_AT, YYCURSOR); }
    "@=" { return tok_end(L, t, TK_ATEQUAL, YYCURSOR); }
    "->" { return tok_end(L, t, TK_RARROW, YYCURSOR); }
    "..." { return tok_end(L, t, TK_ELLIPSIS, YYCURSOR); }
    "!" { return tok_end(L, t, TK_EXCLAMATION, YYCURSOR); }

    * { return bad_char(L, t->z); }
  */
}
