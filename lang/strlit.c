/*
** strlit.c — values of literal tokens: numbers, string/bytes literals and the
** literal runs of f-strings (escape sequences, raw prefixes, `{{`/`}}`).
**
** The lexer only finds where a literal ends; decoding happens here when the
** grammar builds the Constant, so error messages carry CPython's wording:
** "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-1:
** truncated \xXX escape", "bytes can only contain ASCII literal characters"...
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lexer.h"

/* Growable byte buffer in the arena (the final copy is NUL-terminated). */
typedef struct {
  AstArena *a;
  char *p;
  size_t n, cap;
} Buf;

static void buf_put(Buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->n + n + 1) cap *= 2;
    char *p = asy_arena_alloc(b->a, cap);
    if (b->n) memcpy(p, b->p, b->n);
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}

static void buf_utf8(Buf *b, unsigned cp) {
  char s[4];
  size_t n;
  if (cp < 0x80) s[0] = (char)cp, n = 1;
  else if (cp < 0x800) s[0] = (char)(0xC0 | (cp >> 6)), s[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  else if (cp < 0x10000) {
    s[0] = (char)(0xE0 | (cp >> 12));
    s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    s[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    s[0] = (char)(0xF0 | (cp >> 18));
    s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    s[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  buf_put(b, s, n);
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Print a SyntaxWarning the way CPython's warnings module shows one raised while a
   file is compiled: "FILE:LINE: SyntaxWarning: MSG" and the source line, stripped
   (no source line for "<string>" / "<stdin>"). Nothing when L->filename is NULL. */
void asy_lex_warn(AsyLexer *L, int lineno, const char *fmt, ...) {
  if (!L->filename) return;
  char msg[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fflush(stdout);
  fprintf(stderr, "%s:%d: SyntaxWarning: %s\n", L->filename, lineno, msg);
  if (L->filename[0] == '<') return;
  const char *line = L->src;
  for (int n = 1; n < lineno && line < L->end; n++) {
    const char *nl = memchr(line, '\n', (size_t)(L->end - line));
    if (!nl) return;
    line = nl + 1;
  }
  if (line >= L->end) return;
  const char *end = memchr(line, '\n', (size_t)(L->end - line));
  if (!end) end = L->end;
  while (line < end && (*line == ' ' || *line == '\t' || *line == '\f')) line++;
  while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) end--;
  if (end > line) fprintf(stderr, "  %.*s\n", (int)(end - line), line);
}

/* CPython 3.12+ warns about the first invalid escape of each literal token, naming
   the token's first line. esc points at the backslash. */
static void warn_invalid_escape(AsyLexer *L, const AsyToken *t, const char *esc, int octal) {
  if (octal) asy_lex_warn(L, t->lineno, "invalid octal escape sequence '\\%.3s'", esc + 1);
  else asy_lex_warn(L, t->lineno, "invalid escape sequence '\\%c'", esc[1]);
}

/* Decode the body s[0..n) of a literal. `bytes`: a bytes literal. `raw`: no
   escapes. `fmiddle`: collapse {{ and }}. Returns 0 or -1 (error reported at
   token t). */
static int decode_body(AsyLexer *L, const AsyToken *t, const char *s, size_t n, int bytes, int raw,
                       int fmiddle, Buf *b) {
  const char *e = s + n, *p = s;
  const char *codec = bytes ? "unicode error" : "unicode error";
  (void)codec;
  const char *bad = NULL; /* first invalid escape (its backslash) */
  int bad_octal = 0;
  while (p < e) {
    const char *run = p;
    while (p < e && *p != '\\' && *p != '\r' && !(fmiddle && (*p == '{' || *p == '}')) &&
           !(bytes && (unsigned char)*p >= 0x80))
      p++;
    if (p > run) buf_put(b, run, (size_t)(p - run));
    if (p >= e) break;
    if (*p == '\r') {
      /* universal newlines, as CPython reads source */
      buf_put(b, "\n", 1);
      p += (p + 1 < e && p[1] == '\n') ? 2 : 1;
      continue;
    }
    if (fmiddle && (*p == '{' || *p == '}')) {
      buf_put(b, p, 1);
      p += (p + 1 < e && p[1] == *p) ? 2 : 1;
      continue;
    }
    if (bytes && (unsigned char)*p >= 0x80)
      return asy_lex_error(L, ASY_ERR_SYNTAX, t->lineno, t->col, t->end_lineno, t->end_col,
                           "bytes can only contain ASCII literal characters");
    /* backslash */
    if (raw || p + 1 >= e) {
      buf_put(b, p, 1);
      p++;
      if (raw && p < e) {
        /* a raw backslash still protects the next character */
        if (*p == '\r') continue;
        buf_put(b, p, 1);
        p++;
      }
      continue;
    }
    const char *esc = p;
    char c = p[1];
    p += 2;
    int pos0 = (int)(esc - s);
    switch (c) {
    case '\n': break;
    case '\r':
      if (p < e && *p == '\n') p++;
      break;
    case '\\': buf_put(b, "\\", 1); break;
    case '\'': buf_put(b, "'", 1); break;
    case '"': buf_put(b, "\"", 1); break;
    case 'a': buf_put(b, "\a", 1); break;
    case 'b': buf_put(b, "\b", 1); break;
    case 'f': buf_put(b, "\f", 1); break;
    case 'n': buf_put(b, "\n", 1); break;
    case 'r': buf_put(b, "\r", 1); break;
    case 't': buf_put(b, "\t", 1); break;
    case 'v': buf_put(b, "\v", 1); break;
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      unsigned v = (unsigned)(c - '0');
      for (int k = 0; k < 2 && p < e && *p >= '0' && *p <= '7'; k++)
        v = v * 8 + (unsigned)(*p++ - '0');
      if (v > 0377 && !bad) bad = esc, bad_octal = 1;
      if (bytes) {
        char ch = (char)(v & 0xFF);
        buf_put(b, &ch, 1);
      } else {
        buf_utf8(b, v);
      }
      break;
    }
    case 'x':
    case 'u':
    case 'U': {
      int want = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      if (bytes && c != 'x') {
        if (!bad) bad = esc;
        buf_put(b, esc, 2); /* not an escape in bytes: kept verbatim */
        break;
      }
      unsigned v = 0;
      int k = 0;
      for (; k < want && p < e && hexval((unsigned char)*p) >= 0; k++)
        v = v * 16 + (unsigned)hexval((unsigned char)*p++);
      if (k < want) {
        return asy_lex_error(
            L, ASY_ERR_SYNTAX, t->lineno, t->col, t->end_lineno, t->end_col,
            "(%s error) '%s' codec can't decode bytes in position %d-%d: truncated "
            "\\%s escape",
            bytes ? "value" : "unicode", bytes ? "unicodeescape" : "unicodeescape", pos0,
            (int)(p - s) - 1,
            c == 'x'   ? "xXX"
            : c == 'u' ? "uXXXX"
                       : "UXXXXXXXX");
      }
      if (bytes) {
        char ch = (char)v;
        buf_put(b, &ch, 1);
      } else if (v > 0x10FFFF) {
        return asy_lex_error(L, ASY_ERR_SYNTAX, t->lineno, t->col, t->end_lineno, t->end_col,
                             "(unicode error) 'unicodeescape' codec can't decode bytes "
                             "in position %d-%d: illegal Unicode character",
                             pos0, (int)(p - s) - 1);
      } else {
        buf_utf8(b, v);
      }
      break;
    }
    case 'N':
      if (!bytes) {
        uint32_t cp;
        const char *q = p;
        if (q < e && *q == '{') {
          const char *nm = ++q;
          while (q < e && *q != '}') q++;
          if (q < e && asy_unicode_lookup(nm, (size_t)(q - nm), &cp)) {
            buf_utf8(b, cp);
            p = q + 1;
            break;
          }
          if (q < e) q++;
        }
        return asy_lex_error(L, ASY_ERR_SYNTAX, t->lineno, t->col, t->end_lineno, t->end_col,
                             "(unicode error) 'unicodeescape' codec can't decode bytes "
                             "in position %d-%d: %s",
                             pos0, (int)(q - s) - 1,
                             (q > p) ? "unknown Unicode character name"
                                     : "malformed \\N character escape");
      }
      /* \N is not an escape in bytes */
      /* fall through */
    default:
      /* unknown escape: kept verbatim (CPython warns; for `\{` in an f-string its
         tokenizer does, which Asy does not copy) */
      /* (a backslash before a non-ASCII character is no escape for CPython at all) */
      if (!bad && (unsigned char)c < 0x80 && !(fmiddle && (c == '{' || c == '}'))) bad = esc;
      buf_put(b, esc, 1);
      p = esc + 1;
      break;
    }
  }
  if (bad) warn_invalid_escape(L, t, bad, bad_octal);
  if (!b->p) buf_put(b, "", 0);
  return 0;
}

int asy_decode_string(AsyLexer *L, const AsyToken *t, AstConst *out, int *is_u) {
  const char *s = t->z, *e = t->z + t->n;
  int raw = 0, bytes = 0, u = 0;
  while (*s != '\'' && *s != '"') {
    int c = *s | 0x20;
    if (c == 'r') raw = 1;
    else if (c == 'b') bytes = 1;
    else if (*s == 'u') u = 1; /* only a lowercase u shows as kind='u' */
    s++;
  }
  int ql = (s[1] == s[0] && s[2] == s[0] && e - s >= 6) ? 3 : 1;
  Buf b = {L->arena, NULL, 0, 0};
  if (decode_body(L, t, s + ql, (size_t)(e - s - 2 * ql), bytes, raw, 0, &b) < 0) return -1;
  memset(out, 0, sizeof *out);
  out->kind = bytes ? AST_CONST_BYTES : AST_CONST_STR;
  out->s = b.p;
  out->len = b.n;
  if (is_u) *is_u = u;
  return 0;
}

int asy_decode_fmiddle(AsyLexer *L, const AsyToken *t, AstConst *out) {
  Buf b = {L->arena, NULL, 0, 0};
  if (decode_body(L, t, t->z, (size_t)t->n, 0, t->flags & TOKF_RAW, 1, &b) < 0) return -1;
  memset(out, 0, sizeof *out);
  out->kind = AST_CONST_STR;
  out->s = b.p;
  out->len = b.n;
  return 0;
}

int asy_decode_number(AsyLexer *L, const AsyToken *t, AstConst *out) {
  char tmp[128];
  size_t n = 0;
  int isfloat = 0, imag = 0;
  const char *s = t->z, *e = t->z + t->n;
  memset(out, 0, sizeof *out);
  int base = 10;
  if (t->n > 2 && s[0] == '0' && strchr("xXoObB", s[1])) {
    base = (s[1] | 0x20) == 'x' ? 16 : (s[1] | 0x20) == 'o' ? 8 : 2;
    s += 2;
  } else {
    for (const char *p = s; p < e; p++) {
      if (*p == '.' || *p == 'e' || *p == 'E') isfloat = 1;
      if (*p == 'j' || *p == 'J') imag = 1;
    }
  }
  if (isfloat || imag) {
    char *buf = t->n < (int)sizeof tmp ? tmp : asy_arena_alloc(L->arena, (size_t)t->n + 1);
    for (const char *p = s; p < e; p++)
      if (*p != '_' && *p != 'j' && *p != 'J') buf[n++] = *p;
    buf[n] = 0;
    out->kind = imag ? AST_CONST_IMAG : AST_CONST_FLOAT;
    out->f = strtod(buf, NULL);
    return 0;
  }
  out->kind = AST_CONST_INT;
  uint64_t v = 0;
  for (const char *p = s; p < e; p++) {
    if (*p == '_') continue;
    int d = hexval((unsigned char)*p);
    if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) goto big;
    v = v * (uint64_t)base + (uint64_t)d;
  }
  if (v > (uint64_t)INT64_MAX) goto big;
  out->i = (int64_t)v;
  return 0;
big:
  out->big = 1;
  out->s = asy_arena_strndup(L->arena, t->z, (size_t)t->n);
  out->len = (size_t)t->n;
  return 0;
}
