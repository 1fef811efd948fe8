/*
** traceback.c — recording tracebacks and printing uncaught exceptions.
**
** Recording mirrors CPython's tb_next chain (see except.h): each frame the exception
** passes adds an immutable (code, instruction, next) entry at the head.
**
** Printing reproduces CPython 3.13's traceback module byte for byte (the interpreter's
** default excepthook calls traceback._print_exception_bltin): TracebackException's
** construction order (which decides what a cycle guard drops), StackSummary.format
** with its source lines, dedenting and caret lines, _extract_caret_anchors_from_line_segment
** (which re-parses the failing segment with our own front end, as CPython re-parses it
** with `ast`), _should_show_carets, chained exceptions, exception-group trees and
** SyntaxError display. Each function below names the Python function it follows.
*/
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm/env.h"
#include "lang/parse.h"
#include "vm/trace.h"
#include "vm/except.h"
#include "vm/gc.h"
#include "vm/suggest.h"
#include "vm/traceback.h"

/* ==== the traceback class and chain ================================================ */

static ObjStr *intern(VM *vm, const char *s) { return asy_str_intern(vm, s, strlen(s)); }

/* CPython 3.13's traceback colours (_colorize.ANSIColors), on while a traceback for the
** terminal is being formatted (asy_print_traceback). */
#define C_RED "\x1b[31m"
#define C_BOLD_RED "\x1b[1;31m"
#define C_MAGENTA "\x1b[35m"
#define C_BOLD_MAGENTA "\x1b[1;35m"
#define C_RESET "\x1b[0m"
static bool colorize;

bool asy_can_colorize(void) {
  const char *pc = asy_getenv("PYTHON_COLORS");
  if (pc && strcmp(pc, "0") == 0) return false;
  if (pc && strcmp(pc, "1") == 0) return true;
  if (getenv("NO_COLOR")) return false;
  if (getenv("FORCE_COLOR")) return true;
  const char *term = getenv("TERM");
  if (term && strcmp(term, "dumb") == 0) return false;
  return isatty(STDERR_FILENO);
}

/* The class is kept alive as the `data` of BaseException.__traceback__'s getter; it is
** looked up each time (no static cache: a process may create several VMs). */
ObjClass *asy_traceback_class(VM *vm) {
  Value w = asy_dict_get_str(vm->exc.BaseException->dict, intern(vm, "__traceback__"));
  if (!IS_OBJ_TYPE(w, OBJ_WRAPPER)) return NULL;
  Value g = ((ObjWrapper *)AS_OBJ(w))->fget;
  if (!IS_NATIVE(g) || !IS_CLASS(AS_NATIVE(g)->data)) return NULL;
  return AS_CLASS(AS_NATIVE(g)->data);
}

static bool is_tb_entry(VM *vm, Value v) {
  return IS_TUPLE(v) && AS_TUPLE(v)->size == 3 && AS_OBJ(v)->cls == asy_traceback_class(vm);
}

static AsyPos entry_pos(Value entry) {
  ObjTuple *t = AS_TUPLE(entry);
  AsyPos none = {0, 0, -1, -1};
  if (!IS_CODE(t->items[0]) || !IS_INT(t->items[1])) return none;
  ObjCode *code = AS_CODE(t->items[0]);
  int64_t ip = AS_INT(t->items[1]);
  if (!code->positions || ip < 0 || ip >= code->ncode) return none;
  return code->positions[ip];
}

static Value new_entry(VM *vm, ObjCode *code, int ip, Value next) {
  ObjTuple *t = asy_tuple_new(vm, 3);
  t->items[0] = OBJ_VAL(code);
  t->items[1] = INT_VAL(ip);
  t->items[2] = next;
  ObjClass *cls = asy_traceback_class(vm);
  if (cls) t->obj.cls = cls;
  return OBJ_VAL(t);
}

void asy_traceback_add(VM *vm, Value exc, ObjCode *code, int ip_index) {
  if (!IS_EXCEPTION(exc) || !code) return;
  asy_push_root(vm, exc);
  ObjException *e = AS_EXCEPTION(exc);
  Value old = IS_UNDEF(e->traceback) ? NONE_VAL : e->traceback;
  e->traceback = new_entry(vm, code, ip_index, old);
}

#define SELF_TB() \
  do { \
    if (argc < 1 || !is_tb_entry(vm, args[0])) \
      return asy_raise(vm, vm->exc.TypeError, "descriptor requires a 'traceback' object"); \
  } while (0)

static Value tb_next(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TB();
  return AS_TUPLE(args[0])->items[2];
}

static Value tb_lineno(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TB();
  AsyPos p = entry_pos(args[0]);
  return p.line > 0 ? INT_VAL(p.line) : NONE_VAL;
}

static Value tb_lasti(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TB();
  Value ip = AS_TUPLE(args[0])->items[1];
  return IS_INT(ip) ? INT_VAL(AS_INT(ip) * 2) : INT_VAL(-1);
}

static Value tb_frame(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  SELF_TB();
  return NONE_VAL; /* no frame objects in Asy */
}

static Value tb_readonly(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc;
  (void)args;
  (void)kw;
  return asy_raise(vm, vm->exc.AttributeError, "readonly attribute");
}

static void tb_getter(VM *vm, ObjClass *cls, const char *name, NativeFn get) {
  ObjWrapper *w =
      (ObjWrapper *)asy_alloc_obj(vm, sizeof(ObjWrapper), OBJ_WRAPPER, vm->types.property);
  w->kind = 0;
  w->fget = OBJ_VAL(asy_native_new(vm, name, get));
  w->fset = OBJ_VAL(asy_native_new(vm, name, tb_readonly));
  w->fdel = NONE_VAL;
  w->doc = NONE_VAL;
  asy_dict_set_str(vm, cls->dict, intern(vm, name), OBJ_VAL(w));
}

void asy_init_traceback_type(VM *vm) {
  ObjClass *c = (ObjClass *)asy_alloc_obj(vm, sizeof(ObjClass), OBJ_CLASS, vm->types.type);
  c->name = intern(vm, "traceback");
  c->qualname = c->name;
  c->module = OBJ_VAL(vm->names.builtins);
  c->base = vm->types.object;
  c->dict = asy_dict_new(vm);
  c->layout = OBJ_TUPLE;
  c->flags = CLASS_BUILTIN | CLASS_FINAL;
  c->depth = 1;
  tb_getter(vm, c, "tb_next", tb_next);
  tb_getter(vm, c, "tb_lineno", tb_lineno);
  tb_getter(vm, c, "tb_lasti", tb_lasti);
  tb_getter(vm, c, "tb_frame", tb_frame);
  Value w = asy_dict_get_str(vm->exc.BaseException->dict, intern(vm, "__traceback__"));
  if (IS_OBJ_TYPE(w, OBJ_WRAPPER)) {
    Value g = ((ObjWrapper *)AS_OBJ(w))->fget;
    if (IS_NATIVE(g)) AS_NATIVE(g)->data = OBJ_VAL(c);
  }
}

/* ==== code-point strings ============================================================= */

typedef struct {
  uint32_t *c;
  int n;
} U32;

static U32 u32_from(const char *s, size_t len) {
  U32 r;
  r.c = malloc((len + 1) * sizeof(uint32_t));
  if (!r.c) abort();
  r.n = 0;
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    uint32_t ch = *p;
    int extra = ch < 0x80 ? 0 : (ch >> 5) == 6 ? 1 : (ch >> 4) == 14 ? 2 : (ch >> 3) == 30 ? 3 : -1;
    bool bad = extra < 0 || (extra > 0 && p + extra >= end);
    if (!bad) {
      if (extra == 1) ch &= 0x1f;
      else if (extra == 2) ch &= 0x0f;
      else if (extra == 3) ch &= 0x07;
      for (int i = 1; i <= extra; i++) {
        if ((p[i] & 0xc0) != 0x80) {
          bad = true;
          break;
        }
        ch = (ch << 6) | (p[i] & 0x3f);
      }
    }
    if (bad) { /* one replacement character per undecodable byte */
      r.c[r.n++] = 0xfffd;
      p++;
      continue;
    }
    r.c[r.n++] = ch;
    p += extra + 1;
  }
  return r;
}

static void put_u32(AsyExBuf *b, const uint32_t *c, int n) {
  for (int i = 0; i < n; i++) {
    char t[4];
    uint32_t ch = c[i];
    if (ch < 0x80) {
      t[0] = (char)ch;
      asy_exbuf_put(b, t, 1);
    } else if (ch < 0x800) {
      t[0] = (char)(0xc0 | (ch >> 6));
      t[1] = (char)(0x80 | (ch & 0x3f));
      asy_exbuf_put(b, t, 2);
    } else if (ch < 0x10000) {
      t[0] = (char)(0xe0 | (ch >> 12));
      t[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
      t[2] = (char)(0x80 | (ch & 0x3f));
      asy_exbuf_put(b, t, 3);
    } else {
      t[0] = (char)(0xf0 | (ch >> 18));
      t[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
      t[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
      t[3] = (char)(0x80 | (ch & 0x3f));
      asy_exbuf_put(b, t, 4);
    }
  }
}

/* UTF-8 length of one code point. */
static int u8_len(uint32_t ch) { return ch < 0x80 ? 1 : ch < 0x800 ? 2 : ch < 0x10000 ? 3 : 4; }

/* Python's str.isspace for one character. */
static bool py_isspace(uint32_t c) {
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
         c == 0x205f || c == 0x3000;
}

/* _byte_offset_to_character_offset: characters starting before byte `off` of a UTF-8
** text (a character cut by `off` counts, as decoding with errors="replace" does). */
static int byte_to_char(const char *s, size_t len, long off) {
  if (off <= 0) return 0;
  int n = 0;
  for (size_t i = 0; i < len && (long)i < off; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80) n++;
  return n;
}

/* The same over a code-point line (for offsets of the re-parsed segment). */
static int u32_byte_to_char(const U32 *l, long off) {
  long b = 0;
  int n = 0;
  while (n < l->n && b < off) b += u8_len(l->c[n++]);
  return n;
}

/* East Asian Width W or F (unicodedata 15.1, as CPython 3.13). */
/* clang-format off */
static const uint32_t wide_ranges[][2] = {
  {0x1100, 0x115f}, {0x231a, 0x231b}, {0x2329, 0x232a}, {0x23e9, 0x23ec}, {0x23f0, 0x23f0},
  {0x23f3, 0x23f3}, {0x25fd, 0x25fe}, {0x2614, 0x2615}, {0x2648, 0x2653}, {0x267f, 0x267f},
  {0x2693, 0x2693}, {0x26a1, 0x26a1}, {0x26aa, 0x26ab}, {0x26bd, 0x26be}, {0x26c4, 0x26c5},
  {0x26ce, 0x26ce}, {0x26d4, 0x26d4}, {0x26ea, 0x26ea}, {0x26f2, 0x26f3}, {0x26f5, 0x26f5},
  {0x26fa, 0x26fa}, {0x26fd, 0x26fd}, {0x2705, 0x2705}, {0x270a, 0x270b}, {0x2728, 0x2728},
  {0x274c, 0x274c}, {0x274e, 0x274e}, {0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
  {0x27b0, 0x27b0}, {0x27bf, 0x27bf}, {0x2b1b, 0x2b1c}, {0x2b50, 0x2b50}, {0x2b55, 0x2b55},
  {0x2e80, 0x2e99}, {0x2e9b, 0x2ef3}, {0x2f00, 0x2fd5}, {0x2ff0, 0x303e}, {0x3041, 0x3096},
  {0x3099, 0x30ff}, {0x3105, 0x312f}, {0x3131, 0x318e}, {0x3190, 0x31e3}, {0x31ef, 0x321e},
  {0x3220, 0x3247}, {0x3250, 0x4dbf}, {0x4e00, 0xa48c}, {0xa490, 0xa4c6}, {0xa960, 0xa97c},
  {0xac00, 0xd7a3}, {0xf900, 0xfaff}, {0xfe10, 0xfe19}, {0xfe30, 0xfe52}, {0xfe54, 0xfe66},
  {0xfe68, 0xfe6b}, {0xff01, 0xff60}, {0xffe0, 0xffe6}, {0x16fe0, 0x16fe4},
  {0x16ff0, 0x16ff1}, {0x17000, 0x187f7}, {0x18800, 0x18cd5}, {0x18d00, 0x18d08},
  {0x1aff0, 0x1aff3}, {0x1aff5, 0x1affb}, {0x1affd, 0x1affe}, {0x1b000, 0x1b122},
  {0x1b132, 0x1b132}, {0x1b150, 0x1b152}, {0x1b155, 0x1b155}, {0x1b164, 0x1b167},
  {0x1b170, 0x1b2fb}, {0x1f004, 0x1f004}, {0x1f0cf, 0x1f0cf}, {0x1f18e, 0x1f18e},
  {0x1f191, 0x1f19a}, {0x1f200, 0x1f202}, {0x1f210, 0x1f23b}, {0x1f240, 0x1f248},
  {0x1f250, 0x1f251}, {0x1f260, 0x1f265}, {0x1f300, 0x1f320}, {0x1f32d, 0x1f335},
  {0x1f337, 0x1f37c}, {0x1f37e, 0x1f393}, {0x1f3a0, 0x1f3ca}, {0x1f3cf, 0x1f3d3},
  {0x1f3e0, 0x1f3f0}, {0x1f3f4, 0x1f3f4}, {0x1f3f8, 0x1f43e}, {0x1f440, 0x1f440},
  {0x1f442, 0x1f4fc}, {0x1f4ff, 0x1f53d}, {0x1f54b, 0x1f54e}, {0x1f550, 0x1f567},
  {0x1f57a, 0x1f57a}, {0x1f595, 0x1f596}, {0x1f5a4, 0x1f5a4}, {0x1f5fb, 0x1f64f},
  {0x1f680, 0x1f6c5}, {0x1f6cc, 0x1f6cc}, {0x1f6d0, 0x1f6d2}, {0x1f6d5, 0x1f6d7},
  {0x1f6dc, 0x1f6df}, {0x1f6eb, 0x1f6ec}, {0x1f6f4, 0x1f6fc}, {0x1f7e0, 0x1f7eb},
  {0x1f7f0, 0x1f7f0}, {0x1f90c, 0x1f93a}, {0x1f93c, 0x1f945}, {0x1f947, 0x1f9ff},
  {0x1fa70, 0x1fa7c}, {0x1fa80, 0x1fa88}, {0x1fa90, 0x1fabd}, {0x1fabf, 0x1fac5},
  {0x1face, 0x1fadb}, {0x1fae0, 0x1fae8}, {0x1faf0, 0x1faf8}, {0x20000, 0x2fffd},
  {0x30000, 0x3fffd},
};
/* clang-format on */

static int char_width(uint32_t c) {
  if (c < 0x1100) return 1;
  int lo = 0, hi = (int)(sizeof wide_ranges / sizeof wide_ranges[0]) - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (c < wide_ranges[mid][0]) hi = mid - 1;
    else if (c > wide_ranges[mid][1]) lo = mid + 1;
    else return 2;
  }
  return 1;
}

/* _display_width(line, offset). */
static int display_width(const U32 *l, int offset) {
  bool ascii = true;
  for (int i = 0; i < l->n; i++)
    if (l->c[i] >= 0x80) ascii = false;
  if (ascii) return offset;
  int w = 0;
  for (int i = 0; i < offset && i < l->n; i++) w += char_width(l->c[i]);
  return w;
}

/* ==== textwrap.dedent over an array of lines ========================================= */

typedef struct {
  const char *p;
  size_t n;
} Slice;

static void dedent_lines(Slice *lines, int n) {
  for (int i = 0; i < n; i++) {
    size_t j = 0;
    while (j < lines[i].n && (lines[i].p[j] == ' ' || lines[i].p[j] == '\t')) j++;
    if (j == lines[i].n) lines[i].n = 0; /* whitespace-only lines become empty */
  }
  const char *margin = NULL;
  size_t mlen = 0;
  for (int i = 0; i < n; i++) {
    if (lines[i].n == 0) continue;
    size_t il = 0;
    while (il < lines[i].n && (lines[i].p[il] == ' ' || lines[i].p[il] == '\t')) il++;
    const char *ind = lines[i].p;
    if (!margin) {
      margin = ind;
      mlen = il;
    } else if (il >= mlen && memcmp(ind, margin, mlen) == 0) {
      /* deeper: the margin stays */
    } else if (il < mlen && memcmp(margin, ind, il) == 0) {
      margin = ind;
      mlen = il;
    } else {
      for (size_t k = 0; k < mlen && k < il; k++)
        if (margin[k] != ind[k]) {
          mlen = k;
          break;
        }
    }
  }
  if (!margin || mlen == 0) return;
  for (int i = 0; i < n; i++)
    if (lines[i].n >= mlen && memcmp(lines[i].p, margin, mlen) == 0) {
      lines[i].p += mlen;
      lines[i].n -= mlen;
    }
}

/* ==== source lines ===================================================================== */

/* linecache.getline(...).rstrip(): "" when unavailable. */
static Slice source_line(ObjCode *code, int lineno) {
  Slice s = {"", 0};
  if (!code->source || lineno < 1) return s;
  const char *fn = code->filename ? code->filename->chars : "";
  /* CPython 3.13 keeps `-c` code in linecache but cannot read stdin back. */
  if (!strcmp(fn, "<stdin>")) return s;
  size_t len;
  const char *p = asy_source_line(code->source, lineno, &len);
  if (!p) return s;
  while (len > 0) {
    unsigned char c = (unsigned char)p[len - 1];
    if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) len--;
    else break;
  }
  s.p = p;
  s.n = len;
  return s;
}

/* ==== caret anchors ===================================================================== */

typedef struct {
  bool valid;
  int left_line, left_off, right_line, right_off;
  char primary, secondary;
} Anchors;

typedef struct {
  U32 *lines;
  int n;
} SegLines;

/* next_valid_char: false where CPython's assert would fail. */
static bool next_valid(const SegLines *s, int *ln, int *col) {
  while (*ln < s->n && *col >= s->lines[*ln].n) {
    *col = 0;
    (*ln)++;
  }
  return *ln < s->n && *col < s->lines[*ln].n;
}

static bool increment_until(const SegLines *s, int *ln, int *col, int mode, uint32_t stop_ch) {
  for (;;) {
    if (*ln >= s->n || *col >= s->lines[*ln].n || *ln < 0 || *col < 0) return false;
    uint32_t ch = s->lines[*ln].c[*col];
    bool stop = mode == 0 ? (!py_isspace(ch) && ch != ')') : ch == stop_ch;
    if (ch == '\\' || ch == '#') {
      *col = 0;
      (*ln)++;
      if (!next_valid(s, ln, col)) return false;
    } else if (!stop) {
      (*col)++;
      if (!next_valid(s, ln, col)) return false;
    } else {
      return true;
    }
  }
}

/* setup_positions: the end of `e` in segment lines (force_valid moves past line ends). */
static bool end_position(const SegLines *s, const AstNode *e, bool force, int *ln, int *col) {
  *ln = e->end_lineno - 2;
  if (*ln < 0 || *ln >= s->n) return false;
  *col = u32_byte_to_char(&s->lines[*ln], e->end_col_offset);
  return force ? next_valid(s, ln, col) : true;
}

/* ast.parse(src) for the caret checks, into an arena the caller frees; src is freed. The
** tree, or NULL when src does not parse (the checks then fall back). */
static AstNode *parse_source(AstArena *arena, AsyExBuf *src) {
  asy_arena_init(arena);
  AsySyntaxErr err;
  memset(&err, 0, sizeof err);
  AstNode *tree = asy_parse(arena, NULL, src->s, src->len, ASY_PARSE_FILE, &err);
  asy_exbuf_free(src);
  return tree;
}

/* _extract_caret_anchors_from_line_segment. */
static Anchors extract_anchors(const U32 *segment) {
  Anchors a = {false, 0, 0, 0, 0, '~', '^'};
  AsyExBuf src = {0};
  asy_exbuf_puts(&src, "(\n");
  put_u32(&src, segment->c, segment->n);
  asy_exbuf_puts(&src, "\n)");
  AstArena arena;
  AstNode *tree = parse_source(&arena, &src);
  /* segment.splitlines() */
  SegLines s = {NULL, 0};
  if (tree && tree->kind == AST_Module && tree->v.Module.body.n == 1) {
    s.lines = malloc((size_t)(segment->n + 1) * sizeof(U32));
    if (!s.lines) abort();
    int start = 0;
    for (int i = 0; i <= segment->n; i++) {
      if (i == segment->n || segment->c[i] == '\n') {
        if (i == segment->n && start == i) break; /* no empty last line */
        s.lines[s.n].c = segment->c + start;
        s.lines[s.n].n = i - start;
        s.n++;
        start = i + 1;
      }
    }
    AstNode *st = tree->v.Module.body.items[0];
    if (st->kind == AST_Expr) {
      AstNode *e = st->v.Expr.value;
      int ln, col;
      if (e->kind == AST_BinOp) {
        if (end_position(&s, e->v.BinOp.left, true, &ln, &col) &&
            increment_until(&s, &ln, &col, 0, 0)) {
          int right_col = col + 1;
          const AstNode *r = e->v.BinOp.right;
          int rl = r->lineno - 2;
          bool ok = rl >= 0 && rl < s.n;
          if (ok && right_col < s.lines[ln].n) {
            bool before_right =
                rl > ln || right_col < u32_byte_to_char(&s.lines[rl], r->col_offset);
            uint32_t ch = s.lines[ln].c[right_col];
            if (before_right && !py_isspace(ch) && ch != '\\' && ch != '#') right_col++;
          }
          if (ok) {
            a.valid = true;
            a.left_line = ln;
            a.left_off = col;
            a.right_line = ln;
            a.right_off = right_col;
          }
        }
      } else if (e->kind == AST_Subscript || e->kind == AST_Call) {
        const AstNode *inner = e->kind == AST_Subscript ? e->v.Subscript.value : e->v.Call.func;
        uint32_t bracket = e->kind == AST_Subscript ? '[' : '(';
        int rln, rcol;
        if (end_position(&s, inner, true, &ln, &col) &&
            increment_until(&s, &ln, &col, 1, bracket) && end_position(&s, e, false, &rln, &rcol)) {
          a.valid = true;
          a.left_line = ln;
          a.left_off = col;
          a.right_line = rln;
          a.right_off = rcol;
        }
      }
    }
  }
  free(s.lines);
  asy_arena_free(&arena);
  return a;
}

/* _should_show_carets. */
static bool should_show_carets(int start_offset, int end_offset, const U32 *lines, int n,
                               const Anchors *anchors) {
  AsyExBuf src = {0};
  for (int i = 0; i < n; i++) {
    if (i) asy_exbuf_put(&src, "\n", 1);
    put_u32(&src, lines[i].c, lines[i].n);
  }
  asy_exbuf_put(&src, "", 0);
  AstArena arena;
  AstNode *tree = parse_source(&arena, &src);
  if (tree && tree->kind == AST_Module) {
    if (tree->v.Module.body.n == 0) {
      asy_arena_free(&arena);
      return false;
    }
    AstNode *st = tree->v.Module.body.items[0];
    AstNode *value = NULL;
    if (st->kind == AST_Return && st->v.Return.value && st->v.Return.value->kind == AST_Call &&
        st->v.Return.value->v.Call.func->kind == AST_Name)
      value = st->v.Return.value;
    else if (st->kind == AST_Assign && st->v.Assign.value->kind == AST_Call &&
             st->v.Assign.targets.n == 1 && st->v.Assign.targets.items[0]->kind == AST_Name)
      value = st->v.Assign.value;
    if (value && value->lineno == 1 && value->end_lineno == n &&
        value->col_offset == start_offset && value->end_col_offset == end_offset) {
      asy_arena_free(&arena);
      return false;
    }
  }
  asy_arena_free(&arena);
  if (anchors->valid) return true;
  for (int i = 0; i < start_offset && i < lines[0].n; i++)
    if (!py_isspace(lines[0].c[i])) return true;
  for (int i = end_offset < 0 ? 0 : end_offset; i < lines[n - 1].n; i++)
    if (!py_isspace(lines[n - 1].c[i])) return true;
  return false;
}

/* ==== StackSummary ======================================================================= */

typedef struct {
  ObjCode *code; /* filename, name and source */
  const char *name;
  int lineno, end_lineno; /* 0 = None */
  int colno, end_colno;   /* -1 = None */
} FrameSum;

/* Append one line (UTF-8 bytes, not newline-terminated) to a malloc'd line list. */
typedef struct {
  char **s;
  size_t *n;
  int count, cap;
} LineList;

static void ll_add(LineList *l, AsyExBuf *b) {
  if (l->count == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 8;
    l->s = realloc(l->s, (size_t)l->cap * sizeof(char *));
    l->n = realloc(l->n, (size_t)l->cap * sizeof(size_t));
    if (!l->s || !l->n) abort();
  }
  l->s[l->count] = b->s ? b->s : calloc(1, 1);
  l->n[l->count] = b->len;
  l->count++;
  b->s = NULL;
  b->len = b->cap = 0;
}

static void ll_free(LineList *l) {
  for (int i = 0; i < l->count; i++) free(l->s[i]);
  free(l->s);
  free(l->n);
}

/* The colorized source line and caret line: the characters over '^' in bold red, over
** '~' in red, the rest plain, grouping equal runs (zip_longest of line and carets). */
static void put_colored_pair(AsyExBuf *cur, const U32 *line, const char *carets, int ncarets,
                             LineList *result) {
  int n = line->n > ncarets ? line->n : ncarets;
  for (int pass = 0; pass < 2; pass++) {
    int i = 0;
    while (i < n) {
      char key = i < ncarets ? carets[i] : 0;
      int j = i;
      while (j < n && (j < ncarets ? carets[j] : 0) == key) j++;
      const char *on = key == '^' ? C_BOLD_RED : key == '~' ? C_RED : NULL;
      if (on) asy_exbuf_puts(cur, on);
      for (int k = i; k < j; k++) {
        if (pass == 0) {
          if (k < line->n) put_u32(cur, &line->c[k], 1);
        } else if (k < ncarets) {
          asy_exbuf_put(cur, &carets[k], 1);
        }
      }
      if (on) asy_exbuf_puts(cur, C_RESET);
      i = j;
    }
    asy_exbuf_put(cur, "", 0);
    ll_add(result, cur);
  }
}

/* Source and carets of one frame (the tail of format_frame_summary). */
static void format_frame_source(AsyExBuf *row, const FrameSum *fs) {
  if (fs->lineno <= 0) return;
  int end_lineno = fs->end_lineno > 0 ? fs->end_lineno : fs->lineno;
  if (end_lineno < fs->lineno) end_lineno = fs->lineno;
  int nl = end_lineno - fs->lineno + 1;
  Slice *orig = malloc((size_t)nl * sizeof(Slice));
  Slice *ded = malloc((size_t)nl * sizeof(Slice));
  if (!orig || !ded) abort();
  for (int i = 0; i < nl; i++) orig[i] = ded[i] = source_line(fs->code, fs->lineno + i);
  dedent_lines(ded, nl);
  bool any = false;
  for (int i = 0; i < nl; i++)
    for (size_t j = 0; j < ded[i].n; j++)
      if (!py_isspace((unsigned char)ded[i].p[j])) any = true;
  if (!any) goto done;
  if (fs->colno < 0 || fs->end_colno < 0) {
    /* Only the first line, stripped. */
    Slice l = orig[0];
    size_t a = 0, b = l.n;
    while (a < b && py_isspace((unsigned char)l.p[a])) a++;
    if (a < b) {
      asy_exbuf_puts(row, "    ");
      asy_exbuf_put(row, l.p + a, b - a);
    }
    asy_exbuf_puts(row, "\n");
    goto done;
  }
  {
    int start_offset = byte_to_char(orig[0].p, orig[0].n, fs->colno);
    int end_offset = byte_to_char(orig[nl - 1].p, orig[nl - 1].n, fs->end_colno);
    U32 *lines = malloc((size_t)nl * sizeof(U32));
    if (!lines) abort();
    for (int i = 0; i < nl; i++) lines[i] = u32_from(ded[i].p, ded[i].n);
    U32 first_orig = u32_from(orig[0].p, orig[0].n);
    int dedent_chars = first_orig.n - lines[0].n;
    free(first_orig.c);
    start_offset = start_offset - dedent_chars < 0 ? 0 : start_offset - dedent_chars;
    end_offset = end_offset - dedent_chars < 0 ? 0 : end_offset - dedent_chars;
    int dp_start = display_width(&lines[0], start_offset);
    int dp_end = display_width(&lines[nl - 1], end_offset);

    /* segment = "\n".join(all_lines)[start_offset : len - (len(last) - end_offset)] */
    int total = nl - 1;
    for (int i = 0; i < nl; i++) total += lines[i].n;
    U32 joined;
    joined.c = malloc((size_t)(total + 1) * sizeof(uint32_t));
    if (!joined.c) abort();
    joined.n = 0;
    for (int i = 0; i < nl; i++) {
      if (i) joined.c[joined.n++] = '\n';
      memcpy(joined.c + joined.n, lines[i].c, (size_t)lines[i].n * sizeof(uint32_t));
      joined.n += lines[i].n;
    }
    long sa = start_offset, sb = (long)total - ((long)lines[nl - 1].n - end_offset);
    if (sb < 0) sb += total;
    if (sb < 0) sb = 0;
    if (sb > total) sb = total;
    if (sa > total) sa = total;
    U32 segment = {joined.c + sa, sb > sa ? (int)(sb - sa) : 0};
    Anchors anchors = extract_anchors(&segment);
    free(joined.c);
    bool show = should_show_carets(start_offset, end_offset, lines, nl, &anchors);

    /* significant_lines: first, last, and around the anchors */
    bool *sig = calloc((size_t)nl, sizeof(bool));
    if (!sig) abort();
    int nsig_lines = nl;
    sig[0] = sig[nl - 1] = true;
    int left_off = 0, right_off = 0;
    char primary = '^', secondary = '^';
    if (anchors.valid) {
      left_off = anchors.left_off;
      right_off = anchors.right_off;
      if (anchors.left_line == 0) left_off += start_offset;
      if (anchors.right_line == 0) right_off += start_offset;
      left_off = display_width(&lines[anchors.left_line], left_off);
      right_off = display_width(&lines[anchors.right_line], right_off);
      primary = anchors.primary;
      secondary = anchors.secondary;
      for (int d = -1; d <= 1; d++) {
        int a = anchors.left_line + d, b = anchors.right_line + d;
        if (a >= 0 && a < nsig_lines) sig[a] = true;
        if (b >= 0 && b < nsig_lines) sig[b] = true;
      }
    }

    LineList result = {0};
    AsyExBuf cur = {0};
    int prev = -1;
    for (int ln = 0; ln < nsig_lines; ln++) {
      if (!sig[ln]) continue;
      int todo[2], ntodo = 0;
      if (prev >= 0) {
        int diff = ln - prev;
        if (diff == 2) todo[ntodo++] = ln - 1;
        else if (diff > 2) {
          asy_exbuf_printf(&cur, "...<%d lines>...", diff - 1);
          ll_add(&result, &cur);
        }
      }
      todo[ntodo++] = ln;
      for (int t = 0; t < ntodo; t++) {
        int l = todo[t];
        if (!show) {
          put_u32(&cur, lines[l].c, lines[l].n);
          asy_exbuf_put(&cur, "", 0);
          ll_add(&result, &cur);
          continue;
        }
        int num_spaces = 0;
        while (num_spaces < lines[l].n && py_isspace(lines[l].c[num_spaces])) num_spaces++;
        int num_carets = l == nl - 1 ? dp_end : display_width(&lines[l], lines[l].n);
        char *carets = malloc((size_t)num_carets + 1);
        if (!carets) abort();
        for (int col = 0; col < num_carets; col++) {
          char ch;
          if (col < num_spaces || (l == 0 && col < dp_start)) ch = ' ';
          else if (anchors.valid &&
                   (l > anchors.left_line || (l == anchors.left_line && col >= left_off)) &&
                   (l < anchors.right_line || (l == anchors.right_line && col < right_off)))
            ch = secondary;
          else ch = primary;
          carets[col] = ch;
        }
        if (colorize) {
          put_colored_pair(&cur, &lines[l], carets, num_carets, &result);
        } else {
          put_u32(&cur, lines[l].c, lines[l].n);
          asy_exbuf_put(&cur, "", 0);
          ll_add(&result, &cur);
          asy_exbuf_put(&cur, carets, (size_t)num_carets);
          asy_exbuf_put(&cur, "", 0);
          ll_add(&result, &cur);
        }
        free(carets);
      }
      prev = ln;
    }
    /* textwrap.indent(textwrap.dedent("".join(result)), '    ', lambda line: True) */
    Slice *rs = malloc((size_t)(result.count ? result.count : 1) * sizeof(Slice));
    if (!rs) abort();
    for (int i = 0; i < result.count; i++) {
      rs[i].p = result.s[i];
      rs[i].n = result.n[i];
    }
    dedent_lines(rs, result.count);
    for (int i = 0; i < result.count; i++) {
      asy_exbuf_puts(row, "    ");
      asy_exbuf_put(row, rs[i].p, rs[i].n);
      asy_exbuf_puts(row, "\n");
    }
    free(rs);
    free(sig);
    ll_free(&result);
    for (int i = 0; i < nl; i++) free(lines[i].c);
    free(lines);
  }
done:
  free(orig);
  free(ded);
}

/* StackSummary.format_frame_summary. */
static void format_frame(AsyExBuf *out, const FrameSum *fs) {
  const char *fn = fs->code->filename ? fs->code->filename->chars : "<unknown>";
  if (!strncmp(fn, "<stdin>-", 8)) fn = "<stdin>";
  const char *m = colorize ? C_MAGENTA : "", *r = colorize ? C_RESET : "";
  if (fs->lineno > 0)
    asy_exbuf_printf(out, "  File %s\"%s\"%s, line %s%d%s, in %s%s%s\n", m, fn, r, m, fs->lineno, r,
                     m, fs->name, r);
  else
    asy_exbuf_printf(out, "  File %s\"%s\"%s, line %sNone%s, in %s%s%s\n", m, fn, r, m, r, m,
                     fs->name, r);
  format_frame_source(out, fs);
}

/* CPython 3.12+ inlines list/set/dict comprehensions into their function (PEP 709);
** Asy may still run them as separate code (named as CPython <= 3.11 did). */
static bool is_inlined_comprehension(ObjCode *code) {
  if (code->flags & CODE_INLINED_COMP) return true;
  const char *n = code->name ? code->name->chars : "";
  return !strcmp(n, "<listcomp>") || !strcmp(n, "<setcomp>") || !strcmp(n, "<dictcomp>");
}

/* The frame summaries of a traceback chain, outermost first. Frames of inlined
** comprehensions (CPython 3.12+ has no such frames) lend their position to the frame
** that called them. */
static FrameSum *extract_stack(VM *vm, Value tb, int *count) {
  int cap = 16, n = 0;
  FrameSum *fs = malloc((size_t)cap * sizeof(FrameSum));
  if (!fs) abort();
  for (Value e = tb; is_tb_entry(vm, e); e = AS_TUPLE(e)->items[2]) {
    ObjTuple *t = AS_TUPLE(e);
    if (!IS_CODE(t->items[0])) continue;
    ObjCode *code = AS_CODE(t->items[0]);
    /* Library modules written in Asy stand for CPython's own library: not shown. */
    if (code->filename && strncmp(code->filename->chars, "<frozen ", 8) == 0) continue;
    AsyPos p = entry_pos(e);
    FrameSum f;
    f.code = code;
    f.name = code->name ? code->name->chars : "?";
    f.lineno = p.line;
    f.end_lineno = p.end_line > 0 ? p.end_line : p.line;
    f.colno = p.line > 0 ? p.col : -1;
    f.end_colno = p.line > 0 ? p.end_col : -1;
    if (is_inlined_comprehension(code) && n > 0) {
      FrameSum *outer = &fs[n - 1];
      outer->lineno = f.lineno;
      outer->end_lineno = f.end_lineno;
      outer->colno = f.colno;
      outer->end_colno = f.end_colno;
      continue;
    }
    if (n == cap) {
      cap *= 2;
      fs = realloc(fs, (size_t)cap * sizeof(FrameSum));
      if (!fs) abort();
    }
    fs[n++] = f;
  }
  *count = n;
  return fs;
}

#define RECURSIVE_CUTOFF 3

/* StackSummary.format. */
static void format_stack(AsyExBuf *out, const FrameSum *fs, int n) {
  const char *last_file = NULL, *last_name = NULL;
  int last_line = -1, count = 0;
  for (int i = 0; i < n; i++) {
    const char *file = fs[i].code->filename ? fs[i].code->filename->chars : "";
    if (!last_file || strcmp(last_file, file) || last_line != fs[i].lineno ||
        strcmp(last_name, fs[i].name)) {
      if (count > RECURSIVE_CUTOFF) {
        count -= RECURSIVE_CUTOFF;
        asy_exbuf_printf(out, "  [Previous line repeated %d more time%s]\n", count,
                         count > 1 ? "s" : "");
      }
      last_file = file;
      last_line = fs[i].lineno;
      last_name = fs[i].name;
      count = 0;
    }
    count++;
    if (count > RECURSIVE_CUTOFF) continue;
    format_frame(out, &fs[i]);
  }
  if (count > RECURSIVE_CUTOFF) {
    count -= RECURSIVE_CUTOFF;
    asy_exbuf_printf(out, "  [Previous line repeated %d more time%s]\n", count,
                     count > 1 ? "s" : "");
  }
}

/* ==== TracebackException ==================================================================== */

typedef struct TE TE;
struct TE {
  Value exc;
  bool suppress_context;
  TE *cause, *context;
  TE **excs; /* groups only */
  int nexcs;
  bool is_group;
};

/* The `_seen` set: open addressing on the pointer (a chain of 100000 exceptions must not
** cost a linear search per link). */
typedef struct {
  Obj **items; /* cap slots, NULL = free */
  size_t n, cap;
} PtrSet;

static size_t pset_slot(const PtrSet *s, Obj *o) {
  size_t mask = s->cap - 1, i = ((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ull & mask;
  while (s->items[i] && s->items[i] != o) i = (i + 1) & mask;
  return i;
}

static bool pset_has(const PtrSet *s, Obj *o) { return s->cap && s->items[pset_slot(s, o)] == o; }

static void pset_add(PtrSet *s, Obj *o) {
  if ((s->n + 1) * 2 > s->cap) {
    PtrSet t = {calloc(s->cap ? s->cap * 2 : 32, sizeof(Obj *)), 0, s->cap ? s->cap * 2 : 32};
    if (!t.items) abort();
    for (size_t i = 0; i < s->cap; i++)
      if (s->items[i]) t.items[pset_slot(&t, s->items[i])] = s->items[i];
    t.n = s->n;
    free(s->items);
    *s = t;
  }
  size_t i = pset_slot(s, o);
  if (s->items[i]) return;
  s->items[i] = o;
  s->n++;
}

static TE *te_new(VM *vm, Value exc, PtrSet *seen) {
  TE *t = calloc(1, sizeof(TE));
  if (!t) abort();
  t->exc = exc;
  asy_push_root(vm, exc); /* keep it alive even if user code edits the chain */
  if (IS_OBJ(exc)) pset_add(seen, AS_OBJ(exc));
  t->suppress_context = IS_EXCEPTION(exc) && AS_EXCEPTION(exc)->suppress_context;
  return t;
}

/* Free the tree with an explicit stack: a chain can be 100000 exceptions long. */
static void te_free(TE *t) {
  size_t n = 0, cap = 64;
  TE **stack = malloc(cap * sizeof(TE *));
  if (!stack) abort();
  if (t) stack[n++] = t;
  while (n > 0) {
    TE *te = stack[--n];
    size_t need = n + 2 + (size_t)te->nexcs;
    if (need > cap) {
      while (cap < need) cap *= 2;
      stack = realloc(stack, cap * sizeof(TE *));
      if (!stack) abort();
    }
    if (te->cause) stack[n++] = te->cause;
    if (te->context) stack[n++] = te->context;
    for (int i = 0; i < te->nexcs; i++)
      if (te->excs[i]) stack[n++] = te->excs[i];
    free(te->excs);
    free(te);
  }
  free(stack);
}

/* TracebackException.__init__ with compact=True: the cause/context/exceptions tree,
** built with CPython's work queue so the `_seen` guard drops the same exceptions. */
static TE *te_build(VM *vm, Value root) {
  PtrSet seen = {0};
  TE *top = te_new(vm, root, &seen);
  int qn = 0, qcap = 16;
  TE **queue = malloc((size_t)qcap * sizeof(TE *));
  if (!queue) abort();
  queue[qn++] = top;
  while (qn > 0) {
    TE *te = queue[--qn];
    if (!IS_EXCEPTION(te->exc)) continue;
    ObjException *e = AS_EXCEPTION(te->exc);
    TE *cause = NULL, *context = NULL;
    if (IS_EXCEPTION(e->cause) && !pset_has(&seen, AS_OBJ(e->cause)))
      cause = te_new(vm, e->cause, &seen);
    bool need_context = cause == NULL && !e->suppress_context;
    if (IS_EXCEPTION(e->context) && need_context && !pset_has(&seen, AS_OBJ(e->context)))
      context = te_new(vm, e->context, &seen);
    if (asy_is_exception_group(vm, te->exc) && IS_TUPLE(e->eg_exceptions)) {
      ObjTuple *xs = AS_TUPLE(e->eg_exceptions);
      te->is_group = true;
      te->nexcs = (int)xs->size;
      te->excs = calloc(xs->size ? xs->size : 1, sizeof(TE *));
      if (!te->excs) abort();
      for (size_t i = 0; i < xs->size; i++) te->excs[i] = te_new(vm, xs->items[i], &seen);
    }
    te->cause = cause;
    te->context = context;
    int need = qn + 2 + te->nexcs;
    if (need > qcap) {
      while (qcap < need) qcap *= 2;
      queue = realloc(queue, (size_t)qcap * sizeof(TE *));
      if (!queue) abort();
    }
    if (cause) queue[qn++] = cause;
    if (context) queue[qn++] = context;
    for (int i = 0; i < te->nexcs; i++) queue[qn++] = te->excs[i];
  }
  free(queue);
  free(seen.items);
  return top;
}

/* _safe_string(value, what, func): str()/repr() or "<what func() failed>". */
static void safe_string(VM *vm, AsyExBuf *out, Value v, const char *what, bool repr) {
  Value saved = vm->fiber->exc;
  Value s = repr ? asy_repr(vm, v) : asy_str(vm, v);
  if (IS_EXC(s) || !IS_STR(s)) {
    vm->fiber->exc = saved;
    asy_exbuf_printf(out, "<%s %s() failed>", what, repr ? "repr" : "str");
    return;
  }
  asy_exbuf_put(out, AS_STR(s)->chars, AS_STR(s)->size);
}

/* exc_type_str: qualname, prefixed by the module unless builtins/__main__. */
static void type_str(VM *vm, AsyExBuf *out, ObjClass *cls) {
  (void)vm;
  const char *q = cls->qualname ? cls->qualname->chars : cls->name->chars;
  Value m = cls->module;
  if (IS_STR(m)) {
    const char *ms = AS_STR(m)->chars;
    if (strcmp(ms, "__main__") && strcmp(ms, "builtins")) asy_exbuf_printf(out, "%s.", ms);
  } else {
    asy_exbuf_puts(out, "<unknown>.");
  }
  asy_exbuf_puts(out, q);
}

/* Append the lines of `text` (each gets "\n"). */
static void put_lines(AsyExBuf *out, const char *s, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i <= n; i++)
    if (i == n || s[i] == '\n') {
      asy_exbuf_put(out, s + start, i - start);
      asy_exbuf_put(out, "\n", 1);
      start = i + 1;
    }
}

static bool is_abc_sequence(Value v) { return IS_LIST(v) || IS_TUPLE(v) || IS_RANGE(v); }

/* _format_syntax_error. */
static void format_syntax_error(VM *vm, AsyExBuf *out, Value exc, const char *stype) {
  Value filename = asy_exc_slot(vm, exc, "filename");
  Value lineno = asy_exc_slot(vm, exc, "lineno");
  Value end_lineno = asy_exc_slot(vm, exc, "end_lineno");
  Value text = asy_exc_slot(vm, exc, "text");
  Value offset_v = asy_exc_slot(vm, exc, "offset");
  Value end_offset_v = asy_exc_slot(vm, exc, "end_offset");
  Value msg = asy_exc_slot(vm, exc, "msg");
  AsyExBuf suffix = {0};
  asy_exbuf_put(&suffix, "", 0);
  bool fn_truthy = IS_STR(filename) && AS_STR(filename)->size > 0;
  if (!IS_NONE(lineno)) {
    asy_exbuf_puts(out, colorize ? "  File " C_MAGENTA "\"" : "  File \"");
    if (fn_truthy) safe_string(vm, out, filename, "filename", false);
    else if (!IS_STR(filename) && !IS_NONE(filename))
      safe_string(vm, out, filename, "filename", false);
    else asy_exbuf_puts(out, "<string>");
    asy_exbuf_puts(out, colorize ? "\"" C_RESET ", line " C_MAGENTA : "\", line ");
    safe_string(vm, out, lineno, "lineno", false);
    asy_exbuf_puts(out, colorize ? C_RESET "\n" : "\n");
  } else if (!IS_NONE(filename)) {
    asy_exbuf_puts(&suffix, " (");
    safe_string(vm, &suffix, filename, "filename", false);
    asy_exbuf_puts(&suffix, ")");
  }
  if (IS_STR(text)) {
    U32 t = u32_from(AS_STR(text)->chars, AS_STR(text)->size);
    int rlen = t.n;
    while (rlen > 0 && t.c[rlen - 1] == '\n') rlen--;
    int ls = 0;
    while (ls < rlen && (t.c[ls] == ' ' || t.c[ls] == '\n' || t.c[ls] == '\f')) ls++;
    const uint32_t *ltext = t.c + ls;
    int llen = rlen - ls, spaces = ls;
    if (!IS_INTLIKE(offset_v)) {
      asy_exbuf_puts(out, "    ");
      put_u32(out, ltext, llen);
      asy_exbuf_puts(out, "\n");
    } else {
      long offset = (long)AS_INTLIKE(offset_v), end_offset;
      bool same_line = (IS_NONE(lineno) && IS_NONE(end_lineno)) ||
                       (IS_INTLIKE(lineno) && IS_INTLIKE(end_lineno) &&
                        AS_INTLIKE(lineno) == AS_INTLIKE(end_lineno));
      if (same_line)
        end_offset = IS_INTLIKE(end_offset_v) && AS_INTLIKE(end_offset_v) != 0
                         ? (long)AS_INTLIKE(end_offset_v)
                         : offset;
      else end_offset = rlen + 1;
      if (t.n > 0 && offset > t.n) offset = rlen + 1;
      if (t.n > 0 && end_offset > t.n) end_offset = rlen + 1;
      if (offset >= end_offset || end_offset < 0) end_offset = offset + 1;
      long colno = offset - 1 - spaces, end_colno = end_offset - 1 - spaces;
      asy_exbuf_puts(out, "    ");
      if (colorize && colno >= 0) {
        /* ltext[:colno] + BOLD_RED + ltext[colno:end_colno] + RESET + ltext[end_colno:] */
        long a = colno < llen ? colno : llen;
        long b = end_colno < a ? a : end_colno < llen ? end_colno : llen;
        put_u32(out, ltext, (int)a);
        asy_exbuf_puts(out, C_BOLD_RED);
        put_u32(out, ltext + a, (int)(b - a));
        asy_exbuf_puts(out, C_RESET);
        put_u32(out, ltext + b, (int)(llen - b));
      } else {
        put_u32(out, ltext, llen);
      }
      asy_exbuf_puts(out, "\n");
      if (colno >= 0) {
        asy_exbuf_puts(out, "    ");
        for (long i = 0; i < colno && i < llen; i++) {
          uint32_t c = ltext[i];
          if (py_isspace(c)) put_u32(out, &c, 1);
          else asy_exbuf_put(out, " ", 1);
        }
        if (colorize) asy_exbuf_puts(out, C_BOLD_RED);
        for (long i = colno; i < end_colno; i++) asy_exbuf_put(out, "^", 1);
        if (colorize) asy_exbuf_puts(out, C_RESET);
        asy_exbuf_puts(out, "\n");
      }
    }
    free(t.c);
  }
  if (colorize) asy_exbuf_printf(out, C_BOLD_MAGENTA "%s" C_RESET ": " C_MAGENTA, stype);
  else asy_exbuf_printf(out, "%s: ", stype);
  if (IS_NONE(msg) || (IS_STR(msg) && AS_STR(msg)->size == 0) || (IS_BOOL(msg) && !AS_BOOL(msg)) ||
      (IS_INT(msg) && AS_INT(msg) == 0))
    asy_exbuf_puts(out, "<no detail available>");
  else safe_string(vm, out, msg, "msg", false);
  if (colorize) asy_exbuf_puts(out, C_RESET);
  asy_exbuf_put(out, suffix.s, suffix.len);
  asy_exbuf_puts(out, "\n");
  asy_exbuf_free(&suffix);
}

/* TracebackException.format_exception_only (depth 0, no show_group). */
static void format_exception_only(VM *vm, AsyExBuf *out, Value exc) {
  ObjClass *cls = asy_class_of(vm, exc);
  AsyExBuf st = {0};
  type_str(vm, &st, cls);
  if (IS_EXCEPTION(exc) && asy_exc_subclass(vm, cls, vm->exc.SyntaxError)) {
    format_syntax_error(vm, out, exc, st.s);
  } else {
    AsyExBuf s = {0};
    asy_exbuf_put(&s, "", 0);
    safe_string(vm, &s, exc, "exception", false);
    if (IS_EXCEPTION(exc)) asy_suggestion_suffix(vm, exc, &s);
    const char *bm = colorize ? C_BOLD_MAGENTA : "", *m = colorize ? C_MAGENTA : "";
    const char *r = colorize ? C_RESET : "";
    if (s.len == 0) asy_exbuf_printf(out, "%s%s%s\n", bm, st.s, r);
    else {
      asy_exbuf_printf(out, "%s%s%s: %s", bm, st.s, r, m);
      asy_exbuf_put(out, s.s, s.len);
      asy_exbuf_printf(out, "%s\n", r);
    }
    asy_exbuf_free(&s);
  }
  asy_exbuf_free(&st);
  if (!IS_EXCEPTION(exc)) return;
  /* __notes__ */
  Value saved = vm->fiber->exc;
  Value notes = asy_getattr_opt(vm, exc, vm->names.notes);
  if (IS_EXC(notes)) {
    Value err = vm->fiber->exc;
    vm->fiber->exc = saved;
    AsyExBuf s = {0};
    asy_exbuf_puts(&s, "Ignored error getting __notes__: ");
    safe_string(vm, &s, err, "__notes__", true);
    put_lines(out, s.s, s.len);
    asy_exbuf_free(&s);
    return;
  }
  if (IS_UNDEF(notes) || IS_NONE(notes)) return;
  if (is_abc_sequence(notes)) {
    size_t n = IS_LIST(notes) ? AS_LIST(notes)->size : IS_TUPLE(notes) ? AS_TUPLE(notes)->size : 0;
    for (size_t i = 0; i < n; i++) {
      Value note = IS_LIST(notes) ? (i < AS_LIST(notes)->size ? AS_LIST(notes)->items[i] : NONE_VAL)
                                  : AS_TUPLE(notes)->items[i];
      AsyExBuf s = {0};
      asy_exbuf_put(&s, "", 0);
      safe_string(vm, &s, note, "note", false);
      put_lines(out, s.s, s.len);
      asy_exbuf_free(&s);
    }
  } else if (!IS_STR(notes) && !IS_BYTES(notes) && !IS_RANGE(notes)) {
    safe_string(vm, out, notes, "__notes__", true);
    asy_exbuf_puts(out, "\n");
  } else {
    safe_string(vm, out, notes, "__notes__", true);
    asy_exbuf_puts(out, "\n");
  }
}

typedef struct {
  int depth; /* exception_group_depth */
  bool need_close;
} PrintCtx;

#define MAX_GROUP_WIDTH 15
#define MAX_GROUP_DEPTH 10

/* _ExceptionPrintContext.emit: indent every line of text. */
static void emit(AsyExBuf *out, const PrintCtx *ctx, const char *text, size_t n, char margin) {
  size_t start = 0;
  for (size_t i = 0; i < n; i++)
    if (text[i] == '\n' || i == n - 1) {
      for (int k = 0; k < 2 * ctx->depth; k++) asy_exbuf_put(out, " ", 1);
      if (ctx->depth) {
        asy_exbuf_put(out, &margin, 1);
        asy_exbuf_put(out, " ", 1);
      }
      asy_exbuf_put(out, text + start, i + 1 - start);
      start = i + 1;
    }
}

static void emits(AsyExBuf *out, const PrintCtx *ctx, const char *text) {
  emit(out, ctx, text, strlen(text), '|');
}

static void emit_buf(AsyExBuf *out, const PrintCtx *ctx, AsyExBuf *b, char margin) {
  if (b->len) emit(out, ctx, b->s, b->len, margin);
}

static const char CAUSE_MSG[] =
    "\nThe above exception was the direct cause of the following exception:\n\n";
static const char CONTEXT_MSG[] =
    "\nDuring handling of the above exception, another exception occurred:\n\n";

/* TracebackException.format(chain=True). */
static void te_format(VM *vm, AsyExBuf *out, TE *top, PrintCtx *ctx) {
  int n = 0, cap = 8;
  TE **chain = malloc((size_t)cap * sizeof(TE *));
  const char **msgs = malloc((size_t)cap * sizeof(char *));
  if (!chain || !msgs) abort();
  for (TE *te = top; te;) {
    const char *m = NULL;
    TE *next = NULL;
    if (te->cause) {
      m = CAUSE_MSG;
      next = te->cause;
    } else if (te->context && !te->suppress_context) {
      m = CONTEXT_MSG;
      next = te->context;
    }
    if (n == cap) {
      cap *= 2;
      chain = realloc(chain, (size_t)cap * sizeof(TE *));
      msgs = realloc(msgs, (size_t)cap * sizeof(char *));
      if (!chain || !msgs) abort();
    }
    chain[n] = te;
    msgs[n] = m;
    n++;
    te = next;
  }
  for (int i = n - 1; i >= 0; i--) {
    TE *te = chain[i];
    if (msgs[i]) emits(out, ctx, msgs[i]);
    int nframes = 0;
    FrameSum *fs = IS_EXCEPTION(te->exc)
                       ? extract_stack(vm, AS_EXCEPTION(te->exc)->traceback, &nframes)
                       : NULL;
    AsyExBuf stack = {0}, only = {0};
    if (nframes) format_stack(&stack, fs, nframes);
    if (!te->is_group) {
      if (nframes) {
        emits(out, ctx, "Traceback (most recent call last):\n");
        emit_buf(out, ctx, &stack, '|');
      }
      format_exception_only(vm, &only, te->exc);
      emit_buf(out, ctx, &only, '|');
    } else if (ctx->depth > MAX_GROUP_DEPTH) {
      char line[64];
      snprintf(line, sizeof line, "... (max_group_depth is %d)\n", MAX_GROUP_DEPTH);
      emits(out, ctx, line);
    } else {
      bool toplevel = ctx->depth == 0;
      if (toplevel) ctx->depth++;
      if (nframes) {
        const char *h = "Exception Group Traceback (most recent call last):\n";
        emit(out, ctx, h, strlen(h), toplevel ? '+' : '|');
        emit_buf(out, ctx, &stack, '|');
      }
      format_exception_only(vm, &only, te->exc);
      emit_buf(out, ctx, &only, '|');
      int num = te->nexcs;
      int shown = num <= MAX_GROUP_WIDTH ? num : MAX_GROUP_WIDTH + 1;
      ctx->need_close = false;
      for (int k = 0; k < shown; k++) {
        bool last = k == shown - 1;
        if (last) ctx->need_close = true;
        bool truncated = k >= MAX_GROUP_WIDTH;
        for (int s = 0; s < 2 * ctx->depth; s++) asy_exbuf_put(out, " ", 1);
        asy_exbuf_puts(out, k == 0 ? "+-" : "  ");
        if (truncated) asy_exbuf_puts(out, "+---------------- ... ----------------\n");
        else asy_exbuf_printf(out, "+---------------- %d ----------------\n", k + 1);
        ctx->depth++;
        if (!truncated) {
          /* CPython 3.13 formats a group's members without colour. */
          bool saved_color = colorize;
          colorize = false;
          te_format(vm, out, te->excs[k], ctx);
          colorize = saved_color;
        } else {
          int remaining = num - MAX_GROUP_WIDTH;
          char line[80];
          snprintf(line, sizeof line, "and %d more exception%s\n", remaining,
                   remaining > 1 ? "s" : "");
          emits(out, ctx, line);
        }
        if (last && ctx->need_close) {
          for (int s = 0; s < 2 * ctx->depth; s++) asy_exbuf_put(out, " ", 1);
          asy_exbuf_puts(out, "+------------------------------------\n");
          ctx->need_close = false;
        }
        ctx->depth--;
      }
      if (toplevel) ctx->depth = 0;
    }
    asy_exbuf_free(&stack);
    asy_exbuf_free(&only);
    free(fs);
  }
  free(chain);
  free(msgs);
}

/* The whole printed text of an uncaught exception (what print_exception writes). */
static void format_exception(VM *vm, AsyExBuf *out, Value exc) {
  TE *te = te_build(vm, exc);
  PrintCtx ctx = {0, false};
  te_format(vm, out, te, &ctx);
  te_free(te);
}

void asy_print_exception(VM *vm, Value exc) {
  size_t mark = asy_temp_mark(vm);
  Value saved = vm->fiber->exc;
  vm->fiber->exc = UNDEF_VAL;
  asy_push_root(vm, exc);
  asy_push_root(vm, saved);
  AsyExBuf out = {0};
  format_exception(vm, &out, exc);
  if (vm->trace) asy_trace_console(vm, false);
  if (vm->before_console_write) vm->before_console_write(vm);
  fflush(stdout); /* what the program printed comes before its traceback, as in CPython */
  if (out.len) fwrite(out.s, 1, out.len, stderr);
  fflush(stderr);
  asy_exbuf_free(&out);
  vm->fiber->exc = saved;
  asy_temp_reset(vm, mark);
}

void asy_print_traceback(VM *vm, Value exc) {
  colorize = asy_can_colorize();
  asy_print_exception(vm, exc);
  colorize = false;
}

int asy_handle_uncaught(VM *vm, Value exc) {
  if (IS_EXCEPTION(exc) && asy_exc_subclass(vm, AS_OBJ(exc)->cls, vm->exc.SystemExit)) {
    size_t mark = asy_temp_mark(vm);
    asy_push_root(vm, exc);
    Value saved = vm->fiber->exc;
    vm->fiber->exc = UNDEF_VAL;
    Value code = asy_getattr_opt(vm, exc, intern(vm, "code"));
    int status = 0;
    if (IS_EXC(code) || IS_UNDEF(code)) {
      vm->fiber->exc = UNDEF_VAL;
      code = exc;
    }
    if (IS_NONE(code)) {
      status = 0;
    } else if (IS_INTLIKE(code)) {
      status = (int)AS_INTLIKE(code);
    } else {
      AsyExBuf b = {0};
      Value s = asy_str(vm, code);
      if (IS_EXC(s)) {
        vm->fiber->exc = UNDEF_VAL;
      } else {
        asy_exbuf_put(&b, AS_STR(s)->chars, AS_STR(s)->size);
      }
      asy_exbuf_puts(&b, "\n");
      fflush(stdout);
      fwrite(b.s, 1, b.len, stderr);
      fflush(stderr);
      asy_exbuf_free(&b);
      status = 1;
    }
    vm->fiber->exc = saved;
    asy_temp_reset(vm, mark);
    return status;
  }
  asy_print_traceback(vm, exc);
  if (IS_EXCEPTION(exc) && asy_exc_subclass(vm, AS_OBJ(exc)->cls, vm->exc.KeyboardInterrupt))
    return 130;
  return 1;
}
