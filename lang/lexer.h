/*
** lexer.h — tokens and the tokenizer state shared by lexer.re (raw tokens),
** layout.c (NEWLINE/INDENT/DEDENT) and parse.c (the driver feeding lemon).
**
** Internal to the front end: users of the parser include parse.h only.
**
** Token numbers (TK_*) come from the lemon-generated grammar.h. Positions follow
** CPython: lines 1-based, columns 0-based in UTF-8 bytes, end exclusive.
**
** f-strings (PEP 701) are tokenized as CPython 3.12+ does: FSTRING_START,
** then FSTRING_MIDDLE literal runs and replacement fields made of ordinary
** tokens between LBRACE/RBRACE (with EXCLAMATION for `!r`, COLON starting a
** format spec), then FSTRING_END. The grammar assembles the JoinedStr.
*/
#ifndef ASY_LEXER_H
#define ASY_LEXER_H

#include "lang/ast.h"
#include "lang/parse.h"

typedef struct AsyToken {
  int type;        /* TK_* (0 = end of input) */
  const char *z;   /* first byte of the token text in the source buffer */
  int n;           /* length of the text in bytes */
  int lineno, col; /* start */
  int end_lineno, end_col;
  int flags; /* TOKF_* below */
} AsyToken;

/* Token flags. */
#define TOKF_RAW 1   /* FSTRING_MIDDLE of a raw f-string: no escape decoding */
#define TOKF_FIELD 2 /* LBRACE/RBRACE/COLON that delimit an f-string field */

/* CPython's tokenizer limits, with its messages. */
#define LEX_MAXLEVEL 200   /* "too many nested parentheses" */
#define LEX_MAXINDENT 100  /* "too many levels of indentation" */
#define LEX_MAXFSTRING 150 /* "too many nested f-strings" */

typedef struct {
  char ch;         /* '(' '[' '{' */
  char field;      /* '{' opening an f-string replacement field */
  char spec;       /* that field is now in its format spec (after ':') */
  int lineno, col; /* where the bracket is, for "'(' was never closed" */
} LexBracket;

typedef struct {
  char quote;      /* ' or " */
  char triple;     /* ''' or """ */
  char raw;        /* rf"..." */
  int base_depth;  /* bracket depth outside the f-string */
  int lineno, col; /* where the f-string starts (its prefix) */
} LexFString;

typedef struct AsyLexer {
  const char *src, *end;  /* buffer, NUL-terminated at *end */
  const char *cur;        /* next byte to scan */
  const char *line_start; /* first byte of the current line */
  int lineno;             /* line of *cur */

  LexBracket br[LEX_MAXLEVEL + 1];
  int depth;
  LexFString fs[LEX_MAXFSTRING + 1];
  int nfs;

  /* layout (layout.c) */
  int indstack[LEX_MAXINDENT + 1], altstack[LEX_MAXINDENT + 1];
  int nind;            /* top index into indstack (0 = column 0) */
  int pending;         /* >0: INDENTs to emit, <0: DEDENTs to emit */
  int at_bol;          /* at the start of a logical line */
  int line_has_tokens; /* a token was produced since the last NEWLINE */
  int eof_state;       /* 0 running, 1 final NEWLINE/DEDENTs issued, 2 done */
  int no_indent;       /* eval mode: indentation is not significant */
  AsyToken last;       /* last token handed out (for error positions) */

  /* error reporting */
  const char *filename; /* SyntaxWarnings go to stderr under this name; NULL = none */
  AsySyntaxErr *err;
  AstArena *arena;
  int failed;
} AsyLexer;

/* Initialise a lexer over src[0..len), which must have src[len] == 0. */
void asy_lex_init(AsyLexer *L, const char *src, size_t len, AstArena *arena, AsySyntaxErr *err);
/* Next raw token (NL for a physical newline, no INDENT/DEDENT). Returns type. */
int asy_lex_raw(AsyLexer *L, AsyToken *t);
/* Next token for the parser, with NEWLINE/INDENT/DEDENT. Returns type; 0 = EOF
   and -1 after an error (err filled, L->failed set). */
int asy_lex_next(AsyLexer *L, AsyToken *t);

/* Print a SyntaxWarning for line `lineno` to stderr as CPython shows one raised while
   compiling (with the stripped source line); nothing when L->filename is NULL. */
void asy_lex_warn(AsyLexer *L, int lineno, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Record a syntax error at a byte range; the first error wins. kind is one of
   ASY_ERR_*; the message is printf-formatted. Returns -1. */
int asy_lex_error(AsyLexer *L, int kind, int lineno, int col, int end_lineno, int end_col,
                  const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;

/* String literal decoding (strlit.c). `t` is a STRING token (prefix + quotes)
   or an FSTRING_MIDDLE run. Fill *out (kind STR or BYTES, decoded bytes in the
   arena) and return 0, or report an error and return -1. */
int asy_decode_string(AsyLexer *L, const AsyToken *t, AstConst *out, int *is_u);
int asy_decode_fmiddle(AsyLexer *L, const AsyToken *t, AstConst *out);
/* Code point of a Unicode character name for \N{...} (unames.c, generated:
   common blocks only). Case-insensitive. Returns 1 if found. */
int asy_unicode_lookup(const char *name, size_t len, uint32_t *cp);
/* Decode a NUMBER token into a Constant value (INT/FLOAT/IMAG). */
int asy_decode_number(AsyLexer *L, const AsyToken *t, AstConst *out);

#endif /* ASY_LEXER_H */
