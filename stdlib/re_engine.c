/*
** re_engine.c — the `_re` module: regular expressions on PCRE2 for stdlib/lib/re.asy.
**
** re.asy keeps Python's API (Pattern, Match, templates, the cache); this file does what
** must be fast or needs PCRE2: it checks a Python pattern and translates it into PCRE2
** syntax (Python's \Z is PCRE2's \z, {,n} is {0,n}, \uXXXX is \x{XXXX}, \v is one
** character, verbose whitespace and comments go, global inline flags become options),
** raising nothing itself: a bad pattern comes back as (None, message, position) with
** CPython's message, which re.asy raises as re.error. Matching returns spans in code
** points (str is UTF-8 here, PCRE2 works in bytes), converted with a cursor that moves
** from the previous conversion, so scanning a long non-ASCII string stays linear.
** Empty matches follow CPython 3.7+: after an empty match the next one may start at the
** same place only if it is not empty (PCRE2_NOTEMPTY_ATSTART).
*/
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "stdlib/native_modules.h"
#include "vm/gc.h"
#include "vm/obj/str.h"

/* Python's flag bits (re.I, re.L, re.M, re.S, re.U, re.X, re.A). */
enum { F_I = 2, F_L = 4, F_M = 8, F_S = 16, F_U = 32, F_X = 64, F_A = 256 };

typedef struct {
  pcre2_code *code;
  pcre2_match_data *md;
  bool is_bytes;
} Regex;

static void regex_free(void *p) {
  Regex *r = p;
  if (r->md) pcre2_match_data_free(r->md);
  if (r->code) pcre2_code_free(r->code);
  free(r);
}

/* ---- translating a Python pattern ------------------------------------------------------- */

typedef struct {
  const char *name;
  size_t len;
  int group;
  bool closed;
} GroupName;

typedef struct {
  char *out;
  size_t n, cap;
  const char *err; /* first error: CPython's message (static or err_buf) */
  char err_buf[160];
  long err_pos;
  GroupName names[100]; /* the named groups so far, for (?P=name) and redefinitions */
  int nnames;
} Tr;

static void put(Tr *t, const char *s, size_t n) {
  if (t->n + n + 1 > t->cap) {
    t->cap = (t->n + n + 1) * 2;
    t->out = realloc(t->out, t->cap);
    if (!t->out) abort();
  }
  memcpy(t->out + t->n, s, n);
  t->n += n;
  t->out[t->n] = 0;
}

static void fail(Tr *t, long pos, const char *fmt, ...) {
  if (t->err) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->err_buf, sizeof t->err_buf, fmt, ap);
  va_end(ap);
  t->err = t->err_buf;
  t->err_pos = pos;
}

static int flag_bit(char c) {
  switch (c) {
  case 'i': return F_I;
  case 'L': return F_L;
  case 'm': return F_M;
  case 's': return F_S;
  case 'u': return F_U;
  case 'x': return F_X;
  case 'a': return F_A;
  default: return 0;
  }
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* What the last item was, for the quantifier checks. */
enum { IT_NONE, IT_ATOM, IT_REPEAT, IT_REPEAT_DONE };

typedef struct {
  const char *p;
  size_t n, i;
  bool is_bytes, verbose;
  long cp_at_i; /* code point index of p[i] */
} Src;

static long cp_of(Src *s, size_t byte) {
  if (s->is_bytes) return (long)byte;
  return (long)asy_utf8_length(s->p, byte);
}

/* Python's quantifier {m,n} at p[i] (the brace): its length in bytes, or 0 if the brace is
** literal; *lo and *hi get the bounds (-1 when absent). */
static size_t brace_quant(const char *p, size_t n, size_t i, long *lo, long *hi) {
  size_t j = i + 1;
  long a = -1, b = -1;
  while (j < n && p[j] >= '0' && p[j] <= '9') a = (a < 0 ? 0 : a * 10) + (p[j++] - '0');
  bool comma = false;
  if (j < n && p[j] == ',') {
    comma = true;
    j++;
    while (j < n && p[j] >= '0' && p[j] <= '9') b = (b < 0 ? 0 : b * 10) + (p[j++] - '0');
  }
  if (j >= n || p[j] != '}') return 0;
  if (a < 0 && !comma) return 0;
  *lo = a;
  *hi = comma ? b : a;
  return j + 1 - i;
}

/* Translate the escape at p[i] ('\\'); in_class says inside [...]. Returns bytes consumed,
** sets *item to the kind of item it is (atom or assertion). */
static size_t tr_escape(Tr *t, Src *s, size_t i, bool in_class, int *item, int *backref) {
  const char *p = s->p;
  size_t n = s->n;
  long pos = cp_of(s, i);
  *item = IT_ATOM;
  *backref = 0;
  if (i + 1 >= n) {
    fail(t, pos, "bad escape (end of pattern)");
    return 1;
  }
  char c = p[i + 1];
  char buf[32];
  switch (c) {
  case 'A':
  case 'Z':
  case 'B':
    if (in_class) {
      fail(t, pos, "bad escape \\%c", c);
      return 2;
    }
    *item = IT_NONE;
    put(t, c == 'Z' ? "\\z" : c == 'A' ? "\\A" : "\\B", 2);
    return 2;
  case 'b':
    if (!in_class) *item = IT_NONE;
    put(t, "\\b", 2);
    return 2;
  case 'd':
  case 'D':
  case 's':
  case 'S':
  case 'w':
  case 'W':
  case 'a':
  case 'f':
  case 'n':
  case 'r':
  case 't': put(t, p + i, 2); return 2;
  case 'v': put(t, "\\x0b", 4); return 2;
  case 'x':
  case 'u':
  case 'U': {
    int want = c == 'x' ? 2 : c == 'u' ? 4 : 8;
    if (c != 'x' && s->is_bytes) {
      fail(t, pos, "bad escape \\%c", c);
      return 2;
    }
    unsigned long v = 0;
    int k = 0;
    while (k < want && i + 2 + k < n && hexval(p[i + 2 + k]) >= 0)
      v = v * 16 + hexval(p[i + 2 + k++]);
    if (k < want) {
      fail(t, pos, "incomplete escape \\%c%.*s", c, k, p + i + 2);
      return 2 + k;
    }
    if (v > 0x10FFFF) {
      fail(t, pos, "bad escape \\%c%.*s", c, k, p + i + 2);
      return 2 + k;
    }
    int len = snprintf(buf, sizeof buf, "\\x{%lx}", v);
    put(t, buf, (size_t)len);
    return 2 + k;
  }
  case 'N': fail(t, pos, "bad escape \\N"); return 2;
  default: break;
  }
  if (c >= '0' && c <= '9') {
    /* Octal: \0 and up to two more octal digits, or three octal digits; otherwise a
    ** group reference of one or two digits. */
    size_t j = i + 1;
    bool oct3 = j + 2 < n && c <= '7' && p[j + 1] >= '0' && p[j + 1] <= '7' && p[j + 2] >= '0' &&
                p[j + 2] <= '7';
    /* In a set there are no references: octal digits, or the digit itself. */
    if (c == '0' || oct3 || in_class) {
      int v = 0, k = 0;
      while (k < 3 && j + k < n && p[j + k] >= '0' && p[j + k] <= '7')
        v = v * 8 + (p[j + k++] - '0');
      if (k == 0) v = c, k = 1;
      if (v > 0377) {
        fail(t, pos, "octal escape value \\%.*s outside of range 0-0o377", k, p + j);
        return 1 + k;
      }
      int len = snprintf(buf, sizeof buf, "\\x{%x}", v);
      put(t, buf, (size_t)len);
      return 1 + k;
    }
    int v = c - '0', k = 1;
    if (j + 1 < n && p[j + 1] >= '0' && p[j + 1] <= '9') v = v * 10 + (p[j + k++] - '0');
    *backref = v;
    int len = snprintf(buf, sizeof buf, "(?:\\%d)", v);
    put(t, buf, (size_t)len);
    return 1 + k;
  }
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
    fail(t, pos, "bad escape \\%c", c);
    return 2;
  }
  /* Any other character escapes itself (a multi-byte one is copied whole). */
  size_t adv = 1;
  if (!s->is_bytes) asy_utf8_decode(p + i + 1, n - i - 1, &adv);
  put(t, p + i, 1 + adv);
  return 1 + adv;
}

/* A group name as Python's repr() shows it in messages: quoted, with backslashes and
** control characters escaped (at most 60 bytes of it). */
static const char *name_repr(char out[200], const char *name, size_t len) {
  if (len > 60) len = 60;
  bool dq = memchr(name, '\'', len) && !memchr(name, '"', len);
  char q = dq ? '"' : '\'';
  size_t o = 0;
  out[o++] = q;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c == '\\' || c == (unsigned char)q) out[o++] = '\\', out[o++] = (char)c;
    else if (c == '\n') out[o++] = '\\', out[o++] = 'n';
    else if (c == '\t') out[o++] = '\\', out[o++] = 't';
    else if (c == '\r') out[o++] = '\\', out[o++] = 'r';
    else if (c < 0x20 || c == 0x7f) o += (size_t)snprintf(out + o, 8, "\\x%02x", c);
    else out[o++] = (char)c;
  }
  out[o++] = q;
  out[o] = 0;
  return out;
}

/* A group name running from p[start] to the terminator `stop`: the index of the
** terminator, or 0 with CPython's error set. */
static size_t scan_name(Tr *t, Src *s, size_t start, char stop) {
  size_t k = start;
  while (k < s->n && s->p[k] != stop) k++;
  if (k < s->n) return k;
  fail(t, cp_of(s, start),
       k == start    ? "missing group name"
       : stop == '>' ? "missing >, unterminated name"
                     : "missing ), unterminated name");
  return 0;
}

/* True if p[0..len) is a Python identifier (any non-ASCII byte counts as a letter). */
static bool is_identifier(const char *p, size_t len) {
  bool ok = len > 0 && !(p[0] >= '0' && p[0] <= '9');
  for (size_t q = 0; q < len && ok; q++)
    ok = p[q] == '_' || (p[q] >= 'a' && p[q] <= 'z') || (p[q] >= 'A' && p[q] <= 'Z') ||
         (p[q] >= '0' && p[q] <= '9') || (unsigned char)p[q] >= 0x80;
  return ok;
}

/* The named group called p[0..len), or NULL. */
static GroupName *find_name(Tr *t, const char *p, size_t len) {
  for (int q = 0; q < t->nnames; q++)
    if (t->names[q].len == len && !memcmp(t->names[q].name, p, len)) return &t->names[q];
  return NULL;
}

/* The bytes of the token at p[j]: an escape's backslash and next character, or one
** character. */
static size_t token_len(Src *s, size_t j) {
  size_t at = s->p[j] == '\\' && j + 1 < s->n ? j + 1 : j, adv = 1;
  if (!s->is_bytes) asy_utf8_decode(s->p + at, s->n - at, &adv);
  return at - j + adv;
}

/* One item of a character set at p[j] into t->out: its code point in *cp, or -1 for a
** set escape (\\d, \\w, \\s and their negations). Returns the bytes it took. */
static size_t class_item(Tr *t, Src *s, size_t j, long *cp) {
  const char *p = s->p;
  size_t n = s->n;
  if (p[j] == '\\') {
    int it, br;
    size_t before = t->n;
    size_t used = tr_escape(t, s, j, true, &it, &br);
    const char *e = t->out + before;
    char c = j + 1 < n ? p[j + 1] : 0;
    static const char simple[] = "abfnrtv";
    static const long values[] = {7, 8, 12, 10, 13, 9, 11};
    const char *k = c ? strchr(simple, c) : NULL;
    if (c && strchr("dDsSwW", c)) *cp = -1;
    else if (t->n >= before + 3 && e[0] == '\\' && e[1] == 'x' && e[2] == '{')
      *cp = strtol(e + 3, NULL, 16);
    else if (k) *cp = values[k - simple];
    else *cp = (unsigned char)c;
    return used;
  }
  size_t adv = 1;
  *cp = s->is_bytes ? (unsigned char)p[j] : (long)asy_utf8_decode(p + j, n - j, &adv);
  if (p[j] == '[') put(t, "\\[", 2); /* Python has no nested sets or POSIX classes */
  else put(t, p + j, adv);
  return adv;
}

typedef struct {
  long pos;
  int group; /* its number if capturing, else 0 */
} Open;

/* Translate p[0..n) into t->out; *flags gets the global inline flags added. Returns the
** number of capturing groups, or -1 with t->err set. */
static int translate(Tr *t, const char *p, size_t n, bool is_bytes, int *flags, int *max_backref,
                     long *backref_pos) {
  Src s = {p, n, 0, is_bytes, (*flags & F_X) != 0, 0};
  size_t i = 0;
  int groups = 0, item = IT_NONE, depth = 0;
  Open opens[256];
  *max_backref = 0;
  bool at_start = true;
  char nbuf[200];      /* a group name's repr, for messages */
  bool spaced = false; /* verbose white space or a comment since the last token */
  while (i < n && !t->err) {
    char c = p[i];
    long pos = cp_of(&s, i);
    if (s.verbose) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        i++;
        spaced = true;
        continue;
      }
      if (c == '#') {
        /* A comment runs to the end of the line; an escape in it is still one token. */
        while (i < n && p[i] != '\n') {
          if (p[i] == '\\') {
            if (i + 1 >= n) {
              fail(t, cp_of(&s, i), "bad escape (end of pattern)");
              break;
            }
            i++;
          }
          i++;
        }
        spaced = true;
        continue;
      }
    }
    /* A lazy or possessive mark must touch its quantifier, even in verbose mode. */
    bool touching = !spaced;
    spaced = false;
    if (c == '(' && i + 1 < n && p[i + 1] == '?') {
      size_t j = i + 2;
      /* Inline flags: (?aiLmsux) global, (?flags-flags:...) scoped. */
      if (j < n && (flag_bit(p[j]) || p[j] == '-')) {
        int on = 0, off = 0;
        bool minus = false;
        while (j < n && flag_bit(p[j])) on |= flag_bit(p[j++]);
        if (j < n && p[j] == '-') {
          minus = true;
          j++;
          /* At least one flag to turn off, then ':' (CPython's messages and positions). */
          if (j >= n || !flag_bit(p[j])) {
            bool alpha = j < n && (((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z') ||
                                   (unsigned char)p[j] >= 0x80);
            fail(t, cp_of(&s, j), alpha ? "unknown flag" : "missing flag");
            break;
          }
          while (j < n && flag_bit(p[j])) off |= flag_bit(p[j++]);
          if (off & (F_A | F_U | F_L)) {
            fail(t, cp_of(&s, j), "bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
            break;
          }
        }
        if (j >= n || (p[j] != ')' && p[j] != ':') || (minus && p[j] == ')')) {
          bool alpha = j < n && (((p[j] | 0x20) >= 'a' && (p[j] | 0x20) <= 'z') ||
                                 (unsigned char)p[j] >= 0x80);
          fail(t, cp_of(&s, j), alpha ? "unknown flag" : minus ? "missing :" : "missing -, : or )");
          break;
        }
        if ((on & F_L) && !is_bytes) {
          fail(t, cp_of(&s, i + 2), "bad inline flag: cannot use 'locale' flag with a str pattern");
          break;
        }
        if ((on & F_U) && is_bytes) {
          fail(t, cp_of(&s, i + 2), "bad inline flag: cannot use 'u' flag with a bytes pattern");
          break;
        }
        if (p[j] == ')') {
          if (!at_start) {
            fail(t, pos, "global flags not at the start of the expression");
            break;
          }
          *flags |= on;
          if (on & F_X) s.verbose = true;
          i = j + 1;
          continue;
        }
        /* Scoped: keep i m s x, drop a u L (no PCRE2 equivalent at this level). */
        put(t, "(?", 2);
        for (size_t k = i + 2; k < j; k++)
          if (p[k] == 'i' || p[k] == 'm' || p[k] == 's' || p[k] == 'x' || p[k] == '-')
            put(t, p + k, 1);
        if (t->out[t->n - 1] == '-') t->n--, t->out[t->n] = 0;
        put(t, ":", 1);
        if (depth >= 256) {
          fail(t, pos, "too many nested groups");
          break;
        }
        opens[depth++] = (Open){pos, 0};
        item = IT_NONE;
        at_start = false;
        i = j + 1;
        continue;
      }
      at_start = false;
      char e = j < n ? p[j] : 0;
      if (e == 'P') {
        char f = j + 1 < n ? p[j + 1] : 0;
        if (f == '<') {
          size_t start = j + 2, k = scan_name(t, &s, start, '>');
          if (!k) break;
          if (!is_identifier(p + start, k - start)) {
            if (k == start) fail(t, cp_of(&s, start), "missing group name");
            else
              fail(t, cp_of(&s, start), "bad character in group name %s",
                   name_repr(nbuf, p + start, k - start));
            break;
          }
          put(t, p + i, k + 1 - i);
          groups++;
          GroupName *was = find_name(t, p + start, k - start);
          if (was) {
            fail(t, cp_of(&s, start), "redefinition of group name %s as group %d; was group %d",
                 name_repr(nbuf, p + start, k - start), groups, was->group);
            break;
          }
          if (t->nnames < 100)
            t->names[t->nnames++] = (GroupName){p + start, k - start, groups, false};
          if (depth >= 256) {
            fail(t, pos, "too many nested groups");
            break;
          }
          opens[depth++] = (Open){pos, groups};
          item = IT_NONE;
          i = k + 1;
          continue;
        }
        if (f == '=') {
          size_t start = j + 2, k = scan_name(t, &s, start, ')');
          if (!k) break;
          GroupName *g = find_name(t, p + start, k - start);
          if (!g) {
            fail(t, cp_of(&s, start), "unknown group name %s",
                 name_repr(nbuf, p + start, k - start));
            break;
          }
          if (!g->closed) {
            fail(t, cp_of(&s, start), "cannot refer to an open group");
            break;
          }
          put(t, "(?:", 3);
          put(t, p + i, k + 1 - i);
          put(t, ")", 1);
          item = IT_ATOM;
          i = k + 1;
          continue;
        }
        fail(t, cp_of(&s, j + 1), "unknown extension ?P%c", f ? f : ' ');
        break;
      }
      bool known = e == ':' || e == '=' || e == '!' || e == '>' || e == '#' || e == '(' ||
                   (e == '<' && j + 1 < n && (p[j + 1] == '=' || p[j + 1] == '!'));
      if (!known) {
        if (e == '<' && j + 1 < n) fail(t, pos + 1, "unknown extension ?<%c", p[j + 1]);
        else if (e == '\\' && j + 1 < n) fail(t, pos + 1, "unknown extension ?\\%c", p[j + 1]);
        else if (e) {
          size_t adv = 1;
          if (!is_bytes) asy_utf8_decode(p + j, n - j, &adv);
          fail(t, pos + 1, "unknown extension ?%.*s", (int)adv, p + j);
        } else fail(t, cp_of(&s, j), "unexpected end of pattern");
        break;
      }
      if (e == '(') {
        /* (?(id/name)yes|no): Python allows only a group there. */
        size_t start = j + 1, k = scan_name(t, &s, start, ')');
        if (!k) break;
        bool digits = k > start;
        for (size_t q = start; q < k; q++) digits = digits && p[q] >= '0' && p[q] <= '9';
        if (digits) {
          long g = strtol(p + start, NULL, 10);
          if (g == 0 || g > 99) {
            fail(t, cp_of(&s, start), "bad group number");
            break;
          }
        } else {
          if (!is_identifier(p + start, k - start)) {
            fail(t, cp_of(&s, start), "bad character in group name %s",
                 name_repr(nbuf, p + start, k - start));
            break;
          }
          if (!find_name(t, p + start, k - start)) {
            fail(t, cp_of(&s, start), "unknown group name %s",
                 name_repr(nbuf, p + start, k - start));
            break;
          }
        }
        put(t, p + i, k + 1 - i);
        if (depth >= 256) {
          fail(t, pos, "too many nested groups");
          break;
        }
        opens[depth++] = (Open){pos, 0};
        item = IT_NONE;
        i = k + 1;
        continue;
      }
      if (e == '#') {
        size_t k = j;
        while (k < n && p[k] != ')') k++;
        if (k >= n) {
          fail(t, pos, "missing ), unterminated comment");
          break;
        }
        i = k + 1;
        continue;
      }
      size_t len = e == '<' ? 4 : 3;
      put(t, p + i, len);
      if (depth >= 256) {
        fail(t, pos, "too many nested groups");
        break;
      }
      opens[depth++] = (Open){pos, 0};
      item = IT_NONE;
      i += len;
      continue;
    }
    at_start = false;
    switch (c) {
    case '(':
      if (depth >= 256) {
        fail(t, pos, "too many nested groups");
        break;
      }
      groups++;
      opens[depth++] = (Open){pos, groups};
      put(t, "(", 1);
      item = IT_NONE;
      i++;
      continue;
    case ')':
      if (depth == 0) {
        fail(t, pos, "unbalanced parenthesis");
        break;
      }
      depth--;
      for (int q = 0; q < t->nnames; q++)
        if (opens[depth].group && t->names[q].group == opens[depth].group)
          t->names[q].closed = true;
      put(t, ")", 1);
      item = IT_ATOM;
      i++;
      continue;
    case '|':
      put(t, "|", 1);
      item = IT_NONE;
      i++;
      continue;
    case '^':
    case '$':
      put(t, &c, 1);
      item = IT_NONE;
      i++;
      continue;
    case '*':
    case '+':
    case '?':
    case '{': {
      long lo = 0, hi = 0;
      size_t qlen = 1;
      if (c == '{') {
        qlen = brace_quant(p, n, i, &lo, &hi);
        if (!qlen) {
          put(t, "\\{", 2);
          item = IT_ATOM;
          i++;
          continue;
        }
      }
      if (item == IT_REPEAT && (c == '?' || c == '+') && touching) {
        put(t, &c, 1);
        item = IT_REPEAT_DONE;
        i++;
        continue;
      }
      if (item == IT_REPEAT || item == IT_REPEAT_DONE) {
        fail(t, pos, "multiple repeat");
        break;
      }
      if (item == IT_NONE) {
        fail(t, pos, "nothing to repeat");
        break;
      }
      if (c == '{') {
        if (lo >= 0 && hi >= 0 && hi < lo) {
          fail(t, pos + 1, "min repeat greater than max repeat");
          break;
        }
        char buf[64];
        int len = hi < 0 ? snprintf(buf, sizeof buf, "{%ld,}", lo < 0 ? 0 : lo)
                         : snprintf(buf, sizeof buf, "{%ld,%ld}", lo < 0 ? 0 : lo, hi);
        put(t, buf, (size_t)len);
      } else {
        put(t, &c, 1);
      }
      item = IT_REPEAT;
      i += qlen;
      continue;
    }
    case '[': {
      size_t j = i + 1;
      put(t, "[", 1);
      if (j < n && p[j] == '^') put(t, "^", 1), j++;
      bool first = true;
      long prev_cp = -1;        /* the last single character, for range checks */
      bool prev_is_set = false; /* the last item was a set escape (\\d, \\w ...) */
      size_t prev_at = 0;
      bool closed = false;
      while (j < n && !t->err) {
        char d = p[j];
        if (d == ']' && !first) {
          put(t, "]", 1);
          closed = true;
          j++;
          break;
        }
        first = false;
        long cur = -1;
        size_t at = j;
        if (d == '\\') {
          size_t used = class_item(t, &s, j, &cur);
          j += used;
          prev_is_set = cur < 0 && !t->err;
        } else if (d == '-' && (prev_cp >= 0 || prev_is_set) && j + 1 < n && p[j + 1] != ']') {
          /* A range: check its ends once both are known (a set like \w cannot be one). */
          put(t, "-", 1);
          j++;
          long hi_cp;
          size_t hi_at = j;
          j += class_item(t, &s, j, &hi_cp);
          if (t->err) break;
          if (prev_is_set || hi_cp < 0 || hi_cp < prev_cp) {
            /* CPython names each end by its first token (an escape's two characters) and
            ** counts the position back from the end of the range by those. */
            size_t lo_len = token_len(&s, prev_at), hi_len = token_len(&s, hi_at);
            long at_cp = cp_of(&s, j) - cp_of(&s, prev_at + lo_len) + cp_of(&s, prev_at) - 1 -
                         (cp_of(&s, hi_at + hi_len) - cp_of(&s, hi_at));
            fail(t, at_cp, "bad character range %.*s-%.*s", (int)lo_len, p + prev_at, (int)hi_len,
                 p + hi_at);
            break;
          }
          prev_cp = -1;
          prev_is_set = false;
          continue;
        } else {
          j += class_item(t, &s, j, &cur);
          prev_is_set = false;
        }
        prev_cp = cur;
        prev_at = at;
      }
      if (t->err) break;
      if (!closed) {
        fail(t, pos, "unterminated character set");
        break;
      }
      item = IT_ATOM;
      i = j;
      continue;
    }
    case '\\': {
      int it, br;
      size_t used = tr_escape(t, &s, i, false, &it, &br);
      if (br) {
        if (br > *max_backref) *max_backref = br, *backref_pos = cp_of(&s, i + 1);
        if (br > groups) {
          fail(t, cp_of(&s, i + 1), "invalid group reference %d", br);
          break;
        }
        for (int k = 0; k < depth; k++)
          if (opens[k].group == br) fail(t, cp_of(&s, i), "cannot refer to an open group");
      }
      item = it;
      i += used;
      continue;
    }
    default: {
      size_t adv = 1;
      if (!is_bytes) asy_utf8_decode(p + i, n - i, &adv);
      put(t, p + i, adv);
      item = IT_ATOM;
      i += adv;
      continue;
    }
    }
  }
  if (!t->err && depth > 0) fail(t, opens[depth - 1].pos, "missing ), unterminated subpattern");
  return t->err ? -1 : groups;
}

/* CPython's parser reads one token ahead, so a lone backslash ending the pattern is
** reported before an error in the token just before it. That token took part if the
** error changes once the pattern loses its last character before the backslash. */
static void trailing_backslash_first(Tr *t, const char *p, size_t n, bool is_bytes, int flags) {
  size_t run = 0;
  while (run < n && p[n - 1 - run] == '\\') run++;
  if (run % 2 == 0 || n < 2 || strcmp(t->err, "bad escape (end of pattern)") == 0) return;
  /* A stray ')' stops the parser before the lookahead reaches the backslash. */
  if (strcmp(t->err, "unbalanced parenthesis") == 0) return;
  size_t cut = n - 1; /* drop the backslash and the code point before it */
  do cut--;
  while (cut > 0 && !is_bytes && ((unsigned char)p[cut] & 0xC0) == 0x80);
  Tr shorter = {0};
  put(&shorter, "", 0);
  int f = flags, maxref;
  long refpos;
  bool same = translate(&shorter, p, cut, is_bytes, &f, &maxref, &refpos) < 0 &&
              shorter.err_pos == t->err_pos && strcmp(shorter.err, t->err) == 0;
  free(shorter.out);
  if (same) return;
  snprintf(t->err_buf, sizeof t->err_buf, "bad escape (end of pattern)");
  t->err = t->err_buf;
  t->err_pos = is_bytes ? (long)(n - 1) : (long)asy_utf8_length(p, n - 1);
}

/* CPython's wording for the PCRE2 errors the translation does not catch itself. */
static const char *pcre_message(int code, char *buf, size_t size) {
  switch (code) {
  case 115: return "unknown group name";
  case 125: return "look-behind requires fixed-width pattern";
  case 143: return "redefinition of group name";
  default: break;
  }
  pcre2_get_error_message(code, (PCRE2_UCHAR *)buf, size);
  return buf;
}

/* _re.compile(pattern, flags) -> (regex, flags, groups, {name: index}) or
** (None, message, position) for a pattern CPython rejects. */
static Value re_compile(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  bool is_bytes = IS_BYTES(args[0]);
  const char *p;
  size_t n;
  if (is_bytes) {
    p = (const char *)AS_BYTES(args[0])->data;
    n = AS_BYTES(args[0])->size;
  } else {
    p = AS_STR(args[0])->chars;
    n = AS_STR(args[0])->size;
  }
  int flags = (int)AS_INT(args[1]);
  Tr t = {0};
  put(&t, "", 0);
  int maxref;
  long refpos = 0;
  int groups = translate(&t, p, n, is_bytes, &flags, &maxref, &refpos);
  Value err[3];
  if (groups < 0) trailing_backslash_first(&t, p, n, is_bytes, flags);
  if (groups < 0) {
    err[0] = NONE_VAL;
    err[1] = OBJ_VAL(asy_str_cstr(vm, t.err));
    err[2] = t.err_pos < 0 ? NONE_VAL : INT_VAL(t.err_pos);
    free(t.out);
    return OBJ_VAL(asy_tuple_from(vm, 3, err));
  }
  if (!is_bytes && (flags & F_A) && (flags & F_U)) {
    free(t.out);
    err[0] = NONE_VAL;
    err[1] = OBJ_VAL(asy_str_cstr(vm, "ASCII and UNICODE flags are incompatible"));
    err[2] = NONE_VAL;
    return OBJ_VAL(asy_tuple_from(vm, 3, err));
  }
  if (!is_bytes && !(flags & F_A)) flags |= F_U;
  uint32_t opts = 0;
  if (!is_bytes) opts |= PCRE2_UTF | PCRE2_NO_UTF_CHECK | ((flags & F_A) ? 0 : PCRE2_UCP);
  if (flags & F_I) opts |= PCRE2_CASELESS;
  if (flags & F_M) opts |= PCRE2_MULTILINE;
  if (flags & F_S) opts |= PCRE2_DOTALL;
  pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
  pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
  int ecode;
  PCRE2_SIZE eoff;
  pcre2_code *code = pcre2_compile((PCRE2_SPTR)t.out, t.n, opts, &ecode, &eoff, cc);
  pcre2_compile_context_free(cc);
  free(t.out);
  if (!code) {
    char buf[256];
    err[0] = NONE_VAL;
    err[1] = OBJ_VAL(asy_str_cstr(vm, pcre_message(ecode, buf, sizeof buf)));
    err[2] = NONE_VAL;
    return OBJ_VAL(asy_tuple_from(vm, 3, err));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  Regex *r = calloc(1, sizeof *r);
  if (!r) abort();
  r->code = code;
  r->md = pcre2_match_data_create_from_pattern(code, NULL);
  r->is_bytes = is_bytes;
  ObjNativeData *nd = (ObjNativeData *)asy_alloc_obj(vm, sizeof(ObjNativeData), OBJ_NATIVE_DATA,
                                                     vm->types.native_data);
  nd->data = r;
  nd->finalize = regex_free;
  Value items[4];
  items[0] = OBJ_VAL(nd);
  items[1] = INT_VAL(flags);
  items[2] = INT_VAL(groups);
  ObjDict *names = asy_dict_new(vm);
  items[3] = OBJ_VAL(names);
  uint32_t count = 0, esize = 0;
  PCRE2_SPTR table = NULL;
  pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
  pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &esize);
  pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
  /* PCRE2 lists names alphabetically; CPython's groupindex is in group order. */
  for (int g = 1; g <= groups; g++)
    for (uint32_t k = 0; k < count; k++) {
      PCRE2_SPTR e = table + (size_t)k * esize;
      if (((int)e[0] << 8 | e[1]) != g) continue;
      const char *name = (const char *)e + 2;
      asy_dict_set_str(vm, names, asy_str_cstr(vm, name), INT_VAL(g));
    }
  return OBJ_VAL(asy_tuple_from(vm, 4, items));
}

/* ---- matching ----------------------------------------------------------------------------- */

/* Byte <-> code point conversion over one subject, moving from the last answer. */
typedef struct {
  const char *s;
  size_t size;
  bool ascii;
  size_t b, c; /* a known pair: byte offset b is code point c */
} Pos;

/* Move the known pair one code point forward or back. */
static void step_forward(Pos *ps) {
  ps->b++;
  while (ps->b < ps->size && ((unsigned char)ps->s[ps->b] & 0xC0) == 0x80) ps->b++;
  ps->c++;
}

static void step_back(Pos *ps) {
  ps->b--;
  while (ps->b > 0 && ((unsigned char)ps->s[ps->b] & 0xC0) == 0x80) ps->b--;
  ps->c--;
}

static size_t pos_to_cp(Pos *ps, size_t b) {
  if (ps->ascii) return b;
  while (ps->b < b) step_forward(ps);
  while (ps->b > b) step_back(ps);
  return ps->c;
}

static size_t pos_to_byte(Pos *ps, size_t c) {
  if (ps->ascii) return c;
  while (ps->c < c && ps->b < ps->size) step_forward(ps);
  while (ps->c > c) step_back(ps);
  return ps->b;
}

typedef struct {
  Regex *r;
  Pos ps;
  size_t end_byte;
  uint32_t checked; /* PCRE2_NO_UTF_CHECK once the subject was checked */
  bool empty;       /* endpos before pos: no match at all */
} Subject;

static bool subject_init(VM *vm, Value regex, Value string, int64_t pos, int64_t endpos,
                         Subject *sj, size_t *start_byte) {
  if (!IS_OBJ_TYPE(regex, OBJ_NATIVE_DATA)) {
    asy_raise(vm, vm->exc.TypeError, "bad regex");
    return false;
  }
  sj->r = ((ObjNativeData *)AS_OBJ(regex))->data;
  size_t len;
  if (sj->r->is_bytes) {
    if (!IS_BYTES(string)) {
      asy_raise(vm, vm->exc.TypeError, "cannot use a bytes pattern on a string-like object");
      return false;
    }
    sj->ps = (Pos){(const char *)AS_BYTES(string)->data, AS_BYTES(string)->size, true, 0, 0};
    len = AS_BYTES(string)->size;
  } else {
    if (!IS_STR(string)) {
      asy_raise(vm, vm->exc.TypeError, "cannot use a string pattern on a bytes-like object");
      return false;
    }
    ObjStr *s = AS_STR(string);
    sj->ps = (Pos){s->chars, s->size, s->size == s->length, 0, 0};
    len = s->length;
  }
  if (pos < 0) pos = 0;
  if (pos > (int64_t)len) pos = (int64_t)len;
  if (endpos < 0) endpos = 0;
  if (endpos > (int64_t)len) endpos = (int64_t)len;
  sj->empty = endpos < pos; /* CPython finds nothing in a reversed window */
  if (endpos < pos) endpos = pos;
  sj->end_byte = pos_to_byte(&sj->ps, (size_t)endpos);
  *start_byte = pos_to_byte(&sj->ps, (size_t)pos);
  sj->checked = 0;
  return true;
}

/* One match from start (bytes); mode 0 search, 1 match, 2 fullmatch. Returns the number
** of pairs in the ovector, 0 for no match, -1 with an exception pending. */
static int run(VM *vm, Subject *sj, size_t start, int mode, bool notempty_atstart) {
  uint32_t opts = sj->checked;
  if (mode >= 1) opts |= PCRE2_ANCHORED;
  if (mode == 2) opts |= PCRE2_ENDANCHORED;
  if (notempty_atstart) opts |= PCRE2_NOTEMPTY_ATSTART;
  int rc =
      pcre2_match(sj->r->code, (PCRE2_SPTR)sj->ps.s, sj->end_byte, start, opts, sj->r->md, NULL);
  if (!sj->r->is_bytes) sj->checked = PCRE2_NO_UTF_CHECK;
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  if (rc < 0) {
    char buf[256];
    pcre2_get_error_message(rc, (PCRE2_UCHAR *)buf, sizeof buf);
    asy_raise(vm, rc == PCRE2_ERROR_MATCHLIMIT ? vm->exc.RecursionError : vm->exc.RuntimeError,
              "%s", buf);
    return -1;
  }
  return rc;
}

/* The spans of the last match as a tuple (start0, end0, start1, end1 ...), -1 for a group
** that did not take part. */
static Value spans(VM *vm, Subject *sj) {
  uint32_t pairs = pcre2_get_ovector_count(sj->r->md);
  PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sj->r->md);
  uint32_t groups = 0;
  pcre2_pattern_info(sj->r->code, PCRE2_INFO_CAPTURECOUNT, &groups);
  if (groups + 1 < pairs) pairs = groups + 1;
  ObjTuple *t = asy_tuple_new(vm, (size_t)pairs * 2);
  for (uint32_t k = 0; k < pairs * 2; k++)
    t->items[k] = ov[k] == PCRE2_UNSET ? INT_VAL(-1) : INT_VAL((int64_t)pos_to_cp(&sj->ps, ov[k]));
  return OBJ_VAL(t);
}

/* _re.match(regex, string, pos, endpos, mode) -> spans tuple or None. */
static Value re_match(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Subject sj;
  size_t start;
  if (!subject_init(vm, args[0], args[1], AS_INT(args[2]), AS_INT(args[3]), &sj, &start))
    return EXC_VAL;
  if (sj.empty) return NONE_VAL;
  int rc = run(vm, &sj, start, (int)AS_INT(args[4]), false);
  if (rc < 0) return EXC_VAL;
  if (rc == 0) return NONE_VAL;
  return spans(vm, &sj);
}

/* _re.scan(regex, string, pos, endpos, limit) -> list of spans tuples: every match from
** pos, as finditer finds them (limit > 0 stops after that many, for sub and split). */
static Value re_scan(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  Subject sj;
  size_t at;
  if (!subject_init(vm, args[0], args[1], AS_INT(args[2]), AS_INT(args[3]), &sj, &at))
    return EXC_VAL;
  int64_t limit = AS_INT(args[4]);
  ObjList *out = asy_list_new(vm, 0);
  bool after_empty = false;
  while (!sj.empty && at <= sj.end_byte && (limit <= 0 || (int64_t)out->size < limit)) {
    int rc = run(vm, &sj, at, 0, after_empty);
    if (rc < 0) return EXC_VAL;
    if (rc == 0) break;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sj.r->md);
    asy_list_append(vm, out, spans(vm, &sj));
    after_empty = ov[0] == ov[1];
    at = ov[1];
  }
  return OBJ_VAL(out);
}

/* clang-format off */
static const AsyMethodDef re_functions[] = {
  {"compile", re_compile, 2, 2, ASY_ARGS_AUTO},
  {"match", re_match, 5, 5, ASY_ARGS_AUTO},
  {"scan", re_scan, 5, 5, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_re_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  asy_def_natives(vm, NULL, AS_MODULE(args[0])->dict, re_functions);
  return NONE_VAL;
}
