/*
** compile.c — asy_compile: parse, build scopes, generate code. This file holds the
** compilation units (enter/exit, localsplus layout, qualnames), name resolution to
** opcodes, and the definitions that create nested code objects: def, lambda, class
** and comprehensions. Statements are in compile_stmt.c, expressions in
** compile_expr.c, the instruction buffer and assembly in emit.c.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"
#include "vm/obj/complex.h"
#include "vm/except.h"
#include "vm/obj/number.h"

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */

static char *xstrdup(const char *s) {
  size_t n = strlen(s);
  char *p = malloc(n + 1);
  if (!p) abort();
  memcpy(p, s, n + 1);
  return p;
}

/* Only the first error of a compilation is reported. */
static void cerror_va(Compiler *c, AsyPos loc, const char *fmt, va_list ap) {
  if (c->failed) return;
  asy_syntax_error_va(c->err, c->arena, c->src->text, c->src->size, loc.line, loc.col, loc.end_line,
                      loc.end_col, fmt, ap);
  c->failed = true;
}

bool cerror(Compiler *c, const AstNode *n, const char *fmt, ...) {
  /* No node: no position (line 0, offset 0 once made 1-based). */
  AsyPos loc = n ? node_loc(n) : (AsyPos){0, 0, -1, -1};
  va_list ap;
  va_start(ap, fmt);
  cerror_va(c, loc, fmt, ap);
  va_end(ap);
  return false;
}

bool cerror_at(Compiler *c, AsyPos loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cerror_va(c, loc, fmt, ap);
  va_end(ap);
  return false;
}

void cwarn(Compiler *c, AsyPos loc, const char *fmt, ...) {
  char msg[320];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  for (int i = 0; i < c->nwarned; i++)
    if (c->warned[i].line == loc.line && strcmp(c->warned[i].msg, msg) == 0) return;
  c->warned = realloc(c->warned, sizeof *c->warned * (size_t)(c->nwarned + 1));
  if (!c->warned) abort();
  c->warned[c->nwarned].line = loc.line;
  c->warned[c->nwarned].msg = xstrdup(msg);
  c->nwarned++;
  const char *fname = c->src->filename;
  fflush(stdout);
  fprintf(stderr, "%s:%d: SyntaxWarning: %s\n", fname, loc.line, msg);
  size_t len;
  const char *line = fname[0] == '<' ? NULL : asy_source_line(c->src, loc.line, &len);
  if (line) {
    while (len && (*line == ' ' || *line == '\t' || *line == '\f')) line++, len--;
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r' ||
                   line[len - 1] == '\n'))
      len--;
    if (len) fprintf(stderr, "  %.*s\n", (int)len, line);
  }
}

bool cinternal(Compiler *c, const char *what) {
  if (c->failed) return false;
  memset(c->err, 0, sizeof *c->err);
  c->err->kind = ASY_ERR_SYNTAX;
  snprintf(c->err->msg, sizeof c->err->msg, "internal compiler error: %s", what);
  c->failed = true;
  return false;
}

/* ------------------------------------------------------------------------ */
/* Units                                                                     */

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A list comprehension has no frame of its own in CPython 3.12+: names nested in it
   are qualified as if it were not there. */
static bool inlined_comp(const Unit *u) {
  return u->kind == UNIT_COMPREHENSION &&
         (u->ste->comp_kind == AST_ListComp || u->ste->comp_kind == AST_SetComp ||
          u->ste->comp_kind == AST_DictComp);
}

static void set_qualname(Compiler *c, Unit *u) {
  Unit *p = u->parent;
  while (p && inlined_comp(p)) p = p->parent;
  /* a type-parameter scope does not show in qualnames (CPython) */
  if (p && p->typeparams) p = p->parent;
  const char *base = NULL;
  bool locals = false;
  if (p && p->kind != UNIT_MODULE) {
    bool force_global = false;
    if (u->kind == UNIT_FUNCTION || u->kind == UNIT_ASYNC_FUNCTION || u->kind == UNIT_CLASS) {
      const char *mangled = asy_mangle(c->arena, p->private_, u->name);
      if (asy_scope_lookup(p->ste, mangled) == SC_GLOBAL_EXPLICIT) force_global = true;
    }
    if (!force_global) {
      base = p->qualname;
      locals = p->kind == UNIT_FUNCTION || p->kind == UNIT_ASYNC_FUNCTION ||
               p->kind == UNIT_LAMBDA || p->kind == UNIT_COMPREHENSION;
    }
  }
  if (!base) {
    u->qualname = xstrdup(u->name);
    return;
  }
  size_t n = strlen(base) + strlen(u->name) + 16;
  u->qualname = malloc(n);
  if (!u->qualname) abort();
  snprintf(u->qualname, n, "%s%s.%s", base, locals ? ".<locals>" : "", u->name);
}

static void push_fast(Unit *u, const char *name) {
  if (u->nfast == u->capfast) {
    u->capfast = u->capfast ? u->capfast * 2 : 8;
    u->fast = realloc(u->fast, sizeof *u->fast * (size_t)u->capfast);
    if (!u->fast) abort();
  }
  u->fast[u->nfast++] = name;
}

static unsigned str_hash(const char *s) {
  unsigned h = 2166136261u;
  while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

/* An open-addressing index over arr[0..n) (slots hold position + 1; the first of equal
** names wins, as a linear search would). */
static int *index_names(const char **arr, int n, int *cap_out) {
  int cap = 8;
  while (cap < 2 * n) cap *= 2;
  int *ix = calloc((size_t)cap, sizeof(int));
  if (!ix) abort();
  unsigned m = (unsigned)cap - 1;
  for (int k = 0; k < n; k++) {
    unsigned i = str_hash(arr[k]) & m;
    while (ix[i] && strcmp(arr[ix[i] - 1], arr[k]) != 0) i = (i + 1) & m;
    if (!ix[i]) ix[i] = k + 1;
  }
  *cap_out = cap;
  return ix;
}

static int find_indexed(const int *ix, int cap, const char **arr, const char *name) {
  if (!ix) return -1;
  unsigned m = (unsigned)cap - 1;
  for (unsigned i = str_hash(name) & m; ix[i]; i = (i + 1) & m)
    if (strcmp(arr[ix[i] - 1], name) == 0) return ix[i] - 1;
  return -1;
}

/* Lay out localsplus: parameters, other fast locals, cells (sorted), frees (sorted). */
static void layout_locals(Unit *u) {
  Scope *ste = u->ste;
  int ncell = 0, nfree = 0;
  if (ste->type == BLOCK_FUNCTION) {
    for (int i = 0; i < ste->nparams; i++) push_fast(u, ste->params[i]);
    for (int i = 0; i < ste->nsyms; i++) {
      Symbol *s = &ste->syms[i];
      if (s->scope == SC_LOCAL && !(s->flags & SYM_DEF_PARAM)) push_fast(u, s->name);
    }
  }
  for (int i = 0; i < ste->nsyms; i++) {
    Symbol *s = &ste->syms[i];
    if (s->scope == SC_CELL) ncell++;
    if (s->scope == SC_FREE || (ste->type == BLOCK_CLASS && (s->flags & SYM_DEF_FREE_CLASS)))
      nfree++;
  }
  if (ste->type == BLOCK_CLASS && ste->needs_class_closure) ncell++;
  u->cells = malloc(sizeof *u->cells * (size_t)(ncell + 1));
  u->cell2arg = malloc(sizeof(int) * (size_t)(ncell + 1));
  u->frees = malloc(sizeof *u->frees * (size_t)(nfree + 1));
  if (!u->cells || !u->cell2arg || !u->frees) abort();
  for (int i = 0; i < ste->nsyms; i++) {
    Symbol *s = &ste->syms[i];
    if (s->scope == SC_CELL) u->cells[u->ncells++] = s->name;
    if (s->scope == SC_FREE || (ste->type == BLOCK_CLASS && (s->flags & SYM_DEF_FREE_CLASS)))
      u->frees[u->nfree++] = s->name;
  }
  qsort(u->cells, (size_t)u->ncells, sizeof *u->cells, cmp_str);
  qsort(u->frees, (size_t)u->nfree, sizeof *u->frees, cmp_str);
  if (ste->type == BLOCK_CLASS && ste->needs_class_closure) u->cells[u->ncells++] = "__class__";
  u->fast_ix = index_names(u->fast, u->nfast, &u->fast_ixcap);
  u->cell_ix = index_names(u->cells, u->ncells, &u->cell_ixcap);
  u->free_ix = index_names(u->frees, u->nfree, &u->free_ixcap);
  /* Parameters come first in fast[]: a cell that is also a parameter is found there. */
  for (int i = 0; i < u->ncells; i++) {
    int j = find_indexed(u->fast_ix, u->fast_ixcap, u->fast, u->cells[i]);
    u->cell2arg[i] = j >= 0 && j < ste->nparams ? j : -1;
  }
}

static Unit *enter_unit(Compiler *c, const AstNode *node, UnitKind kind, const char *name,
                        int firstline) {
  Scope *ste = asy_symtable_scope(c->st, node);
  if (!ste) {
    cinternal(c, "no scope for node");
    return NULL;
  }
  Unit *u = unit_new(c, ste, kind, name, firstline);
  u->parent = c->u;
  u->private_ = kind == UNIT_CLASS ? name : (c->u ? c->u->private_ : NULL);
  c->u = u;
  set_qualname(c, u);
  layout_locals(u);
  return u;
}

static void exit_unit(Compiler *c) {
  Unit *u = c->u;
  c->u = u->parent;
  unit_free(u);
}

/* ------------------------------------------------------------------------ */
/* Names                                                                     */

const char *cmangle(Compiler *c, const char *name) {
  return asy_mangle(c->arena, c->u->private_, name);
}

SymScope name_scope(Compiler *c, const char *mangled) {
  return asy_scope_lookup(c->u->ste, mangled);
}

static int find_str(const char **arr, int n, const char *name) {
  for (int i = 0; i < n; i++)
    if (strcmp(arr[i], name) == 0) return i;
  return -1;
}

bool compile_nameop(Compiler *c, const char *name, AstExprContext ctx, AsyPos loc) {
  Unit *u = c->u;
  if (ctx == AST_Load && strcmp(name, "__debug__") == 0) {
    emit_load_const(c, TRUE_VAL, loc);
    return true;
  }
  const char *mangled = cmangle(c, name);
  SymScope scope = name_scope(c, mangled);
  bool fnlike = u->ste->type == BLOCK_FUNCTION;
  enum { K_NAME, K_FAST, K_DEREF, K_GLOBAL } k = K_NAME;
  int idx = -1;
  switch (scope) {
  case SC_FREE:
    idx = find_indexed(u->free_ix, u->free_ixcap, u->frees, mangled);
    if (idx < 0) return cinternal(c, "free variable not laid out");
    idx += u->nfast + u->ncells;
    k = K_DEREF;
    break;
  case SC_CELL:
    idx = find_indexed(u->cell_ix, u->cell_ixcap, u->cells, mangled);
    if (idx < 0) return cinternal(c, "cell variable not laid out");
    idx += u->nfast;
    k = K_DEREF;
    break;
  case SC_LOCAL:
    if (fnlike) {
      idx = find_indexed(u->fast_ix, u->fast_ixcap, u->fast, mangled);
      if (idx < 0) return cinternal(c, "local variable not laid out");
      k = K_FAST;
    }
    break;
  case SC_GLOBAL_IMPLICIT:
    if (fnlike) k = K_GLOBAL;
    /* a list/set/dict comprehension at module level is inlined in CPython: its reads
       see the module's locals (exec/eval namespaces), so they are LOAD_NAME */
    if (ctx == AST_Load && inlined_comp(u)) {
      Unit *p = u->parent;
      while (p && inlined_comp(p)) p = p->parent;
      if (p && p->kind == UNIT_MODULE) k = K_NAME;
    }
    break;
  case SC_GLOBAL_EXPLICIT: k = K_GLOBAL; break;
  default: break;
  }
  switch (k) {
  case K_FAST:
    emit(c,
         ctx == AST_Load    ? OP_LOAD_FAST
         : ctx == AST_Store ? OP_STORE_FAST
                            : OP_DELETE_FAST,
         idx, loc);
    return true;
  case K_DEREF:
    if (ctx == AST_Load) {
      if (u->ste->type == BLOCK_CLASS) {
        emit(c, OP_LOAD_LOCALS, 0, loc);
        emit(c, OP_LOAD_FROM_DICT_OR_DEREF, idx, loc);
      } else {
        emit(c, OP_LOAD_DEREF, idx, loc);
      }
    } else {
      emit(c, ctx == AST_Store ? OP_STORE_DEREF : OP_DELETE_DEREF, idx, loc);
    }
    return true;
  case K_GLOBAL: {
    int ni = add_name(c, mangled);
    if (ctx == AST_Load) emit(c, OP_LOAD_GLOBAL, ni << 1, loc);
    else emit(c, ctx == AST_Store ? OP_STORE_GLOBAL : OP_DELETE_GLOBAL, ni, loc);
    return true;
  }
  case K_NAME: {
    int ni = add_name(c, mangled);
    emit(c,
         ctx == AST_Load    ? OP_LOAD_NAME
         : ctx == AST_Store ? OP_STORE_NAME
                            : OP_DELETE_NAME,
         ni, loc);
    return true;
  }
  }
  return true;
}

/* ------------------------------------------------------------------------ */
/* Constants and docstrings                                                  */

static bool is_identifier_like(const char *s, size_t n) {
  if (n == 0 || n > 64) return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (!(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          (ch >= '0' && ch <= '9')))
      return false;
  }
  return true;
}

static Value str_const(Compiler *c, const char *s, size_t n) {
  if (is_identifier_like(s, n)) return OBJ_VAL(asy_str_intern(c->vm, s, n));
  return OBJ_VAL(asy_str_new(c->vm, s, n));
}

/* Parse an int literal's text (prefixes, underscores) into an unsigned 64-bit value;
   false if it does not fit. */
static bool parse_u64(const char *s, uint64_t *out) {
  int base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, s += 2;
  else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) base = 8, s += 2;
  else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) base = 2, s += 2;
  uint64_t v = 0;
  for (; *s; s++) {
    if (*s == '_') continue;
    int d;
    if (*s >= '0' && *s <= '9') d = *s - '0';
    else if (*s >= 'a' && *s <= 'f') d = *s - 'a' + 10;
    else if (*s >= 'A' && *s <= 'F') d = *s - 'A' + 10;
    else return false;
    if (d >= base) return false;
    if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) return false;
    v = v * (uint64_t)base + (uint64_t)d;
  }
  *out = v;
  return true;
}

/* -9223372036854775808 is written as USub applied to a literal one past INT64_MAX. */
bool const_is_int64_min_magnitude(const AstNode *e) {
  if (e->kind != AST_Constant || e->v.Constant.value.kind != AST_CONST_INT ||
      !e->v.Constant.value.big)
    return false;
  uint64_t v;
  return parse_u64(e->v.Constant.value.s, &v) && v == (uint64_t)1 << 63;
}

bool const_value(Compiler *c, const AstNode *e, Value *out) {
  const AstConst *k = &e->v.Constant.value;
  switch (k->kind) {
  case AST_CONST_NONE: *out = NONE_VAL; return true;
  case AST_CONST_TRUE: *out = TRUE_VAL; return true;
  case AST_CONST_FALSE: *out = FALSE_VAL; return true;
  case AST_CONST_ELLIPSIS: *out = c->vm->ellipsis; return true;
  case AST_CONST_INT:
    if (k->big) { /* beyond int64: a big int, parsed as int(text, 0) */
      Value text = OBJ_VAL(asy_str_cstr(c->vm, k->s));
      asy_push_root(c->vm, text);
      Value v = asy_int_from_value(c->vm, text, INT_VAL(0));
      if (IS_EXC(v)) {
        asy_clear_pending(c->vm);
        return cerror(c, e,
                      "Exceeds the limit (%lld digits) for integer string conversion: value has "
                      "%zu digits; use sys.set_int_max_str_digits() to increase the limit - "
                      "Consider hexadecimal for huge integer literals to avoid decimal "
                      "conversion limits.",
                      (long long)c->vm->int_max_str_digits, strlen(k->s));
      }
      *out = v;
      return true;
    }
    *out = INT_VAL(k->i);
    return true;
  case AST_CONST_FLOAT: *out = FLOAT_VAL(k->f); return true;
  case AST_CONST_IMAG: *out = asy_complex_new(c->vm, 0.0, k->f); return true;
  case AST_CONST_STR: *out = str_const(c, k->s, k->len); return true;
  case AST_CONST_BYTES:
    *out = OBJ_VAL(asy_bytes_new(c->vm, (const uint8_t *)k->s, k->len));
    return true;
  }
  return cinternal(c, "bad constant");
}

AstNode *body_docstring(AstSeq *body) {
  if (body->n == 0) return NULL;
  AstNode *s = body->items[0];
  if (s->kind != AST_Expr) return NULL;
  AstNode *v = s->v.Expr.value;
  if (v->kind != AST_Constant || v->v.Constant.value.kind != AST_CONST_STR) return NULL;
  return v;
}

/* CPython 3.13 strips docstring indentation at compile time (_PyCompile_CleanDoc):
   tabs expanded, the first line's leading spaces and the common margin of the
   following non-blank lines removed. */
Value clean_docstring(Compiler *c, const AstNode *constant) {
  const char *s = constant->v.Constant.value.s;
  size_t n = constant->v.Constant.value.len;
  /* expandtabs(8), counting columns in code points */
  size_t ntabs = 0;
  for (size_t i = 0; i < n; i++) ntabs += s[i] == '\t';
  char *doc = malloc(n + ntabs * 8 + 1);
  if (!doc) abort();
  size_t len = 0, col = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (ch == '\t') {
      size_t sp = 8 - col % 8;
      memset(doc + len, ' ', sp);
      len += sp;
      col += sp;
    } else {
      doc[len++] = ch;
      if (ch == '\n' || ch == '\r') col = 0;
      else if (((unsigned char)ch & 0xC0) != 0x80) col++;
    }
  }
  doc[len] = 0;
  const char *p = doc, *pend = doc + len;
  while (p < pend && *p++ != '\n') {}
  size_t margin = (size_t)-1;
  while (p < pend) {
    const char *line = p;
    while (p < pend && *p == ' ') p++;
    if (p < pend && *p != '\n') {
      size_t m = (size_t)(p - line);
      if (m < margin) margin = m;
    }
    while (p < pend && *p++ != '\n') {}
  }
  if (margin == (size_t)-1) margin = 0;
  p = doc;
  while (p < pend && *p == ' ') p++;
  Value result;
  if (p == doc && margin == 0) {
    result = OBJ_VAL(asy_str_new(c->vm, doc, len));
    free(doc);
    return result;
  }
  char *buf = malloc(len + 1);
  if (!buf) abort();
  char *w = buf;
  while (p < pend) {
    char ch = *w++ = *p++;
    if (ch == '\n') break;
  }
  while (p < pend) {
    for (size_t i = 0; i < margin && p < pend; i++, p++)
      if (*p != ' ') break;
    while (p < pend) {
      char ch = *w++ = *p++;
      if (ch == '\n') break;
    }
  }
  result = OBJ_VAL(asy_str_new(c->vm, buf, (size_t)(w - buf)));
  free(buf);
  free(doc);
  return result;
}

/* ------------------------------------------------------------------------ */
/* Bodies                                                                    */

static int stmt_depth(Compiler *c) {
  Unit *u = c->u;
  return u->nfblocks ? u->fblocks[u->nfblocks - 1].depth : 0;
}

bool compile_body(Compiler *c, AstSeq *body, int from) {
  for (int i = from; i < body->n; i++) {
    /* Code after return/raise/break is unreachable but still compiled (CPython
       reports errors in it); give it the depth statements have here. */
    if (unreachable(c)) c->u->depth = stmt_depth(c);
    TRY(compile_stmt(c, body->items[i]));
  }
  return true;
}

/* Does a module or class body contain an annotated assignment (CPython find_ann)? */
static bool find_ann(AstSeq *body) {
  for (int i = 0; i < body->n; i++) {
    AstNode *s = body->items[i];
    switch (s->kind) {
    case AST_AnnAssign: return true;
    case AST_For:
    case AST_AsyncFor:
      if (find_ann(&s->v.For.body) || find_ann(&s->v.For.orelse)) return true;
      break;
    case AST_While:
      if (find_ann(&s->v.While.body) || find_ann(&s->v.While.orelse)) return true;
      break;
    case AST_If:
      if (find_ann(&s->v.If.body) || find_ann(&s->v.If.orelse)) return true;
      break;
    case AST_With:
    case AST_AsyncWith:
      if (find_ann(&s->v.With.body)) return true;
      break;
    case AST_Try:
    case AST_TryStar:
      for (int j = 0; j < s->v.Try.handlers.n; j++)
        if (find_ann(&s->v.Try.handlers.items[j]->v.ExceptHandler.body)) return true;
      if (find_ann(&s->v.Try.body) || find_ann(&s->v.Try.orelse) || find_ann(&s->v.Try.finalbody))
        return true;
      break;
    default: break;
    }
  }
  return false;
}

void note_static_attribute(Compiler *c, const AstNode *t) {
  const AstNode *v = t->v.Attribute.value;
  if (v->kind != AST_Name || strcmp(v->v.Name.id, "self") != 0) return;
  Unit *u = c->u;
  if (u->kind == UNIT_CLASS) return;
  while (u && u->kind != UNIT_CLASS) u = u->parent;
  if (!u) return;
  const char *a = t->v.Attribute.attr;
  if (find_str(u->static_attrs, u->nstatic, a) >= 0) return;
  if (u->nstatic == u->capstatic) {
    u->capstatic = u->capstatic ? u->capstatic * 2 : 8;
    u->static_attrs = realloc(u->static_attrs, sizeof(char *) * (size_t)u->capstatic);
    if (!u->static_attrs) abort();
  }
  u->static_attrs[u->nstatic++] = a;
}

/* ------------------------------------------------------------------------ */
/* Closures and functions                                                    */

/* Push the closure tuple (if the code has free variables) and make the function. */
static bool make_closure(Compiler *c, ObjCode *co, const char **frees, int nfree, int flags,
                         AsyPos loc) {
  Unit *u = c->u;
  if (nfree) {
    for (int i = 0; i < nfree; i++) {
      const char *name = frees[i];
      int idx;
      bool is_cell = (u->ste->type == BLOCK_CLASS && strcmp(name, "__class__") == 0) ||
                     asy_scope_lookup(u->ste, name) == SC_CELL;
      if (is_cell) {
        idx = find_indexed(u->cell_ix, u->cell_ixcap, u->cells, name);
        if (idx < 0) return cinternal(c, "closure cell not found");
        idx += u->nfast;
      } else {
        idx = find_indexed(u->free_ix, u->free_ixcap, u->frees, name);
        if (idx < 0) return cinternal(c, "closure free variable not found");
        idx += u->nfast + u->ncells;
      }
      emit(c, OP_LOAD_CLOSURE, idx, loc);
    }
    emit(c, OP_BUILD_TUPLE, nfree, loc);
    flags |= 8;
  }
  emit_load_const(c, OBJ_VAL(co), loc);
  emit(c, OP_MAKE_FUNCTION, flags, loc);
  return true;
}

/* Finish the current unit: assemble it, leave it, and push the function made from it
   in the parent. */
static bool finish_unit_as_function(Compiler *c, int flags, AsyPos loc) {
  ObjCode *co = assemble(c);
  if (!co) return false;
  Unit *child = c->u;
  const char **frees = child->frees;
  int nfree = child->nfree;
  child->frees = NULL; /* keep the names alive past unit_free */
  c->u = child->parent;
  bool ok = make_closure(c, co, frees, nfree, flags, loc);
  free(frees);
  unit_free(child);
  return ok;
}

/* Defaults (a tuple) and keyword-only defaults (a dict): returns MAKE_FUNCTION flags. */
static bool compile_defaults(Compiler *c, AstNode *args, AsyPos loc, int *flags) {
  *flags = 0;
  AstSeq *defs = &args->v.arguments.defaults;
  if (defs->n) {
    for (int i = 0; i < defs->n; i++) TRY(compile_expr(c, defs->items[i]));
    emit(c, OP_BUILD_TUPLE, defs->n, loc);
    *flags |= 1;
  }
  AstSeq *kwo = &args->v.arguments.kwonlyargs, *kwd = &args->v.arguments.kw_defaults;
  int nkw = 0;
  for (int i = 0; i < kwo->n && i < kwd->n; i++) {
    if (!kwd->items[i]) continue;
    const char *name = cmangle(c, kwo->items[i]->v.arg.arg);
    emit_load_const(c, str_const(c, name, strlen(name)), loc);
    TRY(compile_expr(c, kwd->items[i]));
    nkw++;
  }
  if (nkw) {
    emit(c, OP_BUILD_MAP, nkw, loc);
    *flags |= 2;
  }
  return true;
}

/* One `name: annotation` pair of a function's __annotations__: pushes 2 items. */
static bool annotation_pair(Compiler *c, const char *name, AstNode *ann, bool starred, AsyPos loc,
                            int *n) {
  if (!ann) return true;
  const char *m = cmangle(c, name);
  emit_load_const(c, str_const(c, m, strlen(m)), loc);
  TRY(compile_annotation(c, ann));
  if (starred && !c->future_annotations) { /* `*args: *Ts` stores the unpacked Ts */
    emit(c, OP_UNPACK_SEQUENCE, 1, loc);
  }
  (*n)++;
  return true;
}

static bool annotation_pairs(Compiler *c, AstSeq *params, AsyPos loc, int *n) {
  for (int i = 0; i < params->n; i++) {
    AstNode *a = params->items[i];
    TRY(annotation_pair(c, a->v.arg.arg, a->v.arg.annotation, false, loc, n));
  }
  return true;
}

/* __annotations__ of a def as a dict (MAKE_FUNCTION flag 4), in CPython 3.13's order:
   args, then positional-only, *args, keyword-only, **kwargs, return. */
static bool compile_annotations(Compiler *c, AstNode *args, AstNode *returns, AsyPos loc,
                                int *flags) {
  int n = 0;
  AstNode *va = args->v.arguments.vararg, *kw = args->v.arguments.kwarg;
  TRY(annotation_pairs(c, &args->v.arguments.args, loc, &n));
  TRY(annotation_pairs(c, &args->v.arguments.posonlyargs, loc, &n));
  if (va) {
    AstNode *ann = va->v.arg.annotation;
    bool starred = ann && ann->kind == AST_Starred;
    TRY(annotation_pair(c, va->v.arg.arg,
                        starred && !c->future_annotations ? ann->v.Starred.value : ann, starred,
                        loc, &n));
  }
  TRY(annotation_pairs(c, &args->v.arguments.kwonlyargs, loc, &n));
  if (kw) TRY(annotation_pair(c, kw->v.arg.arg, kw->v.arg.annotation, false, loc, &n));
  TRY(annotation_pair(c, "return", returns, false, loc, &n));
  if (n) {
    emit(c, OP_BUILD_MAP, n, loc);
    *flags |= 4;
  }
  return true;
}

/* Enter the type-parameter scope of a generic def, class or type alias; it takes
   `nargs` arguments (the def's evaluated defaults). */
static bool enter_typeparams_unit(Compiler *c, AstSeq *tps, const char *name, int firstline,
                                  int nargs) {
  size_t n = strlen(name) + 32;
  char *gname = asy_arena_alloc(c->arena, n);
  snprintf(gname, n, "<generic parameters of %s>", name);
  Unit *u = enter_unit(c, (const AstNode *)tps, UNIT_FUNCTION, gname, firstline);
  if (!u) return false;
  u->typeparams = true;
  u->argcount = nargs;
  add_const(c, NONE_VAL); /* no docstring */
  return true;
}

/* Call the type-parameter function just made, with the nargs values under it. */
static void call_typeparams_unit(Compiler *c, int nargs, AsyPos loc) {
  if (nargs) {
    emit(c, OP_SWAP, nargs + 1, loc);
    emit(c, OP_CALL, nargs - 1, loc);
  } else {
    emit(c, OP_PUSH_NULL, 0, loc);
    emit(c, OP_CALL, 0, loc);
  }
}

/* A function of no arguments returning `e`, evaluated lazily (a bound, a type alias's
   value); its scope is keyed by `key`. */
static bool compile_thunk(Compiler *c, const AstNode *key, const char *name, AstNode *e) {
  AsyPos loc = node_loc(e);
  if (!enter_unit(c, key, UNIT_FUNCTION, name, e->lineno)) return false;
  add_const(c, NONE_VAL);
  TRY(compile_expr(c, e));
  emit(c, OP_RETURN_VALUE, 0, loc);
  return finish_unit_as_function(c, 0, loc);
}

/* Make each type parameter, bind its name and leave the tuple of them. */
static bool compile_type_params(Compiler *c, AstSeq *tps) {
  for (int i = 0; i < tps->n; i++) {
    AstNode *tp = tps->items[i];
    AsyPos loc = node_loc(tp);
    const char *name = tp->kind == AST_TypeVar     ? tp->v.TypeVar.name
                       : tp->kind == AST_ParamSpec ? tp->v.ParamSpec.name
                                                   : tp->v.TypeVarTuple.name;
    emit_load_const(c, str_const(c, name, strlen(name)), loc);
    if (tp->kind == AST_TypeVar && tp->v.TypeVar.bound) {
      AstNode *b = tp->v.TypeVar.bound;
      TRY(compile_thunk(c, tp, name, b));
      emit(c, OP_CALL_INTRINSIC_2,
           b->kind == AST_Tuple ? INTRINSIC_TYPEVAR_WITH_CONSTRAINTS : INTRINSIC_TYPEVAR_WITH_BOUND,
           loc);
    } else {
      emit(c, OP_CALL_INTRINSIC_1,
           tp->kind == AST_TypeVar     ? INTRINSIC_TYPEVAR
           : tp->kind == AST_ParamSpec ? INTRINSIC_PARAMSPEC
                                       : INTRINSIC_TYPEVARTUPLE,
           loc);
    }
    AstNode *dflt = asy_type_param_default(tp);
    if (dflt) {
      TRY(compile_thunk(c, (const AstNode *)asy_type_param_default_key(tp), name, dflt));
      emit(c, OP_CALL_INTRINSIC_2, INTRINSIC_SET_TYPEPARAM_DEFAULT, loc);
    }
    emit(c, OP_COPY, 1, loc);
    TRY(compile_nameop(c, name, AST_Store, loc));
  }
  emit(c, OP_BUILD_TUPLE, tps->n, NO_LOC);
  return true;
}

static void set_arg_counts(Unit *u, AstNode *args) {
  u->posonly = args->v.arguments.posonlyargs.n;
  u->argcount = u->posonly + args->v.arguments.args.n;
  u->kwonly = args->v.arguments.kwonlyargs.n;
  if (args->v.arguments.vararg) u->flags |= CODE_VARARGS;
  if (args->v.arguments.kwarg) u->flags |= CODE_VARKW;
}

bool compile_function(Compiler *c, AstNode *s) {
  AstNode *args = s->v.FunctionDef.args;
  AstSeq *decos = &s->v.FunctionDef.decorator_list;
  AsyPos loc = node_loc(s);
  bool is_async = s->kind == AST_AsyncFunctionDef;
  for (int i = 0; i < decos->n; i++) TRY(compile_expr(c, decos->items[i]));
  int firstline = decos->n ? decos->items[0]->lineno : s->lineno;
  int mflags;
  TRY(compile_defaults(c, args, loc, &mflags));
  AstSeq *tps = &s->v.FunctionDef.type_params;
  int nargs = ((mflags & 1) != 0) + ((mflags & 2) != 0);
  if (tps->n) {
    /* def f[T](...): a function "<generic parameters of f>" takes the defaults,
       makes T and returns f (CPython 3.13's shape) */
    if (nargs == 2) emit(c, OP_SWAP, 2, loc);
    TRY(enter_typeparams_unit(c, tps, s->v.FunctionDef.name, firstline, nargs));
    TRY(compile_type_params(c, tps));
    if (mflags & 1) TRY(compile_nameop(c, ".defaults", AST_Load, loc));
    if (mflags & 2) TRY(compile_nameop(c, ".kwdefaults", AST_Load, loc));
  }
  TRY(compile_annotations(c, args, s->v.FunctionDef.returns, loc, &mflags));
  Unit *u = enter_unit(c, s, is_async ? UNIT_ASYNC_FUNCTION : UNIT_FUNCTION, s->v.FunctionDef.name,
                       firstline);
  if (!u) return false;
  AstSeq *body = &s->v.FunctionDef.body;
  AstNode *doc = body_docstring(body);
  if (doc) {
    add_const(c, clean_docstring(c, doc));
    u->flags |= CODE_HAS_DOCSTRING;
  } else {
    add_const(c, NONE_VAL);
  }
  set_arg_counts(u, args);
  if (u->ste->generator) u->flags |= is_async ? CODE_ASYNC_GENERATOR : CODE_GENERATOR;
  else if (is_async) u->flags |= CODE_COROUTINE;
  bool ok = compile_body(c, body, doc ? 1 : 0);
  if (ok && !unreachable(c)) emit(c, OP_RETURN_CONST, add_const(c, NONE_VAL), NO_LOC);
  if (!ok) return false;
  TRY(finish_unit_as_function(c, mflags, loc));
  if (tps->n) {
    emit(c, OP_SWAP, 2, loc);
    emit(c, OP_CALL_INTRINSIC_2, INTRINSIC_SET_FUNCTION_TYPE_PARAMS, loc);
    emit(c, OP_RETURN_VALUE, 0, loc);
    TRY(finish_unit_as_function(c, 0, loc));
    call_typeparams_unit(c, nargs, loc);
  }
  for (int i = decos->n - 1; i >= 0; i--) emit(c, OP_CALL, 0, node_loc(decos->items[i]));
  return compile_nameop(c, s->v.FunctionDef.name, AST_Store, loc);
}

bool compile_lambda(Compiler *c, AstNode *e) {
  AstNode *args = e->v.Lambda.args;
  AsyPos loc = node_loc(e);
  int mflags;
  TRY(compile_defaults(c, args, loc, &mflags));
  Unit *u = enter_unit(c, e, UNIT_LAMBDA, "<lambda>", e->lineno);
  if (!u) return false;
  add_const(c, NONE_VAL); /* a lambda has no docstring */
  set_arg_counts(u, args);
  u->flags |= CODE_LAMBDA;
  TRY(compile_expr(c, e->v.Lambda.body));
  emit(c, OP_RETURN_VALUE, 0, node_loc(e->v.Lambda.body));
  return finish_unit_as_function(c, mflags, loc);
}

/* The class object, from its body to BUILD_CLASS; `generic`: Generic[*.type_params]
   joins the bases. */
static bool build_class(Compiler *c, AstNode *s, int firstline, bool generic) {
  AsyPos loc = node_loc(s);
  Unit *u = enter_unit(c, s, UNIT_CLASS, s->v.ClassDef.name, firstline);
  if (!u) return false;
  u->flags |= CODE_CLASS;
  AsyPos hloc = {firstline, firstline, 0, 0}; /* CPython 3.13's class prologue position */
  TRY(compile_nameop(c, "__name__", AST_Load, hloc));
  TRY(compile_nameop(c, "__module__", AST_Store, hloc));
  emit_load_const(c, OBJ_VAL(asy_str_cstr(c->vm, u->qualname)), hloc);
  TRY(compile_nameop(c, "__qualname__", AST_Store, hloc));
  emit_load_const(c, INT_VAL(firstline), hloc);
  TRY(compile_nameop(c, "__firstlineno__", AST_Store, hloc));
  AstSeq *body = &s->v.ClassDef.body;
  if (find_ann(body)) emit(c, OP_SETUP_ANNOTATIONS, 0, body->n ? node_loc(body->items[0]) : loc);
  AstNode *doc = body_docstring(body);
  if (doc) {
    emit_load_const(c, clean_docstring(c, doc), node_loc(doc));
    TRY(compile_nameop(c, "__doc__", AST_Store, NO_LOC));
  }
  TRY(compile_body(c, body, doc ? 1 : 0));
  if (unreachable(c)) u->depth = 0;
  if (u->nstatic > 1) qsort(u->static_attrs, (size_t)u->nstatic, sizeof *u->static_attrs, cmp_str);
  ObjTuple *sa = asy_tuple_new(c->vm, (size_t)u->nstatic);
  for (int i = 0; i < u->nstatic; i++)
    sa->items[i] = OBJ_VAL(asy_str_intern(c->vm, u->static_attrs[i], strlen(u->static_attrs[i])));
  emit_load_const(c, OBJ_VAL(sa), NO_LOC);
  TRY(compile_nameop(c, "__static_attributes__", AST_Store, NO_LOC));
  if (u->ste->needs_class_closure) {
    int idx = find_indexed(u->cell_ix, u->cell_ixcap, u->cells, "__class__");
    if (idx < 0) return cinternal(c, "__class__ cell missing");
    emit(c, OP_LOAD_CLOSURE, u->nfast + idx, NO_LOC);
    emit(c, OP_COPY, 1, NO_LOC);
    TRY(compile_nameop(c, "__classcell__", AST_Store, NO_LOC));
    emit(c, OP_RETURN_VALUE, 0, NO_LOC);
  } else {
    emit(c, OP_RETURN_CONST, add_const(c, NONE_VAL), NO_LOC);
  }
  TRY(finish_unit_as_function(c, 0, loc));
  /* body_function name bases kwnames kwvalues... BUILD_CLASS */
  emit_load_const(c, str_const(c, s->v.ClassDef.name, strlen(s->v.ClassDef.name)), loc);
  AstSeq *bases = &s->v.ClassDef.bases;
  bool starred = generic;
  for (int i = 0; i < bases->n; i++) starred |= bases->items[i]->kind == AST_Starred;
  if (starred) {
    emit(c, OP_BUILD_LIST, 0, loc);
    for (int i = 0; i < bases->n; i++) {
      AstNode *b = bases->items[i];
      if (b->kind == AST_Starred) {
        TRY(compile_expr(c, b->v.Starred.value));
        emit(c, OP_LIST_EXTEND, 1, loc);
      } else {
        TRY(compile_expr(c, b));
        emit(c, OP_LIST_APPEND, 1, loc);
      }
    }
    if (generic) {
      TRY(compile_nameop(c, ".type_params", AST_Load, loc));
      emit(c, OP_CALL_INTRINSIC_1, INTRINSIC_SUBSCRIPT_GENERIC, loc);
      emit(c, OP_LIST_APPEND, 1, loc);
    }
    emit(c, OP_LIST_TO_TUPLE, 0, loc);
  } else {
    for (int i = 0; i < bases->n; i++) TRY(compile_expr(c, bases->items[i]));
    emit(c, OP_BUILD_TUPLE, bases->n, loc);
  }
  AstSeq *kws = &s->v.ClassDef.keywords;
  if (kws->n) {
    ObjTuple *names = asy_tuple_new(c->vm, (size_t)kws->n);
    for (int i = 0; i < kws->n; i++) {
      AstNode *k = kws->items[i];
      if (!k->v.keyword.arg) return cerror(c, k, "'**' in class keywords is not supported");
      names->items[i] = str_const(c, k->v.keyword.arg, strlen(k->v.keyword.arg));
    }
    emit_load_const(c, OBJ_VAL(names), loc);
    for (int i = 0; i < kws->n; i++) TRY(compile_expr(c, kws->items[i]->v.keyword.value));
  } else {
    emit_load_const(c, NONE_VAL, loc);
  }
  emit(c, OP_BUILD_CLASS, kws->n, loc);
  return true;
}

bool compile_class(Compiler *c, AstNode *s) {
  AstSeq *decos = &s->v.ClassDef.decorator_list;
  AsyPos loc = node_loc(s);
  for (int i = 0; i < decos->n; i++) TRY(compile_expr(c, decos->items[i]));
  int firstline = decos->n ? decos->items[0]->lineno : s->lineno;
  AstSeq *tps = &s->v.ClassDef.type_params;
  if (tps->n) {
    /* class C[T]: "<generic parameters of C>" makes T, the class with Generic[T] as
       its last base, and sets C.__type_params__ */
    TRY(enter_typeparams_unit(c, tps, s->v.ClassDef.name, firstline, 0));
    TRY(compile_type_params(c, tps));
    TRY(compile_nameop(c, ".type_params", AST_Store, loc));
    TRY(build_class(c, s, firstline, true));
    emit(c, OP_COPY, 1, loc);
    TRY(compile_nameop(c, ".type_params", AST_Load, loc));
    emit(c, OP_SWAP, 2, loc);
    emit(c, OP_STORE_ATTR, add_name(c, "__type_params__"), loc);
    emit(c, OP_RETURN_VALUE, 0, loc);
    TRY(finish_unit_as_function(c, 0, loc));
    call_typeparams_unit(c, 0, loc);
  } else {
    TRY(build_class(c, s, firstline, false));
  }
  for (int i = decos->n - 1; i >= 0; i--) emit(c, OP_CALL, 0, node_loc(decos->items[i]));
  return compile_nameop(c, s->v.ClassDef.name, AST_Store, loc);
}

bool compile_type_alias(Compiler *c, AstNode *s) {
  AsyPos loc = node_loc(s);
  const char *name = s->v.TypeAlias.name->v.Name.id;
  AstSeq *tps = &s->v.TypeAlias.type_params;
  if (tps->n) {
    TRY(enter_typeparams_unit(c, tps, name, s->lineno, 0));
    TRY(compile_type_params(c, tps));
  }
  /* (name, type_params or None, function computing the value) */
  if (tps->n) {
    emit_load_const(c, str_const(c, name, strlen(name)), loc);
    emit(c, OP_SWAP, 2, loc);
  } else {
    emit_load_const(c, str_const(c, name, strlen(name)), loc);
    emit_load_const(c, NONE_VAL, loc);
  }
  TRY(compile_thunk(c, s, name, s->v.TypeAlias.value));
  emit(c, OP_BUILD_TUPLE, 3, loc);
  emit(c, OP_CALL_INTRINSIC_1, INTRINSIC_TYPEALIAS, loc);
  if (tps->n) {
    emit(c, OP_RETURN_VALUE, 0, loc);
    TRY(finish_unit_as_function(c, 0, loc));
    call_typeparams_unit(c, 0, loc);
  }
  return compile_nameop(c, name, AST_Store, loc);
}

/* ------------------------------------------------------------------------ */
/* Comprehensions: a nested function called at once with the outermost iterator. */

bool compile_comprehension(Compiler *c, AstNode *e) {
  const char *name;
  AstSeq *gens;
  AstNode *elt, *val = NULL;
  int build;
  switch (e->kind) {
  case AST_ListComp:
    name = "<listcomp>", gens = &e->v.ListComp.generators, elt = e->v.ListComp.elt;
    build = OP_BUILD_LIST;
    break;
  case AST_SetComp:
    name = "<setcomp>", gens = &e->v.SetComp.generators, elt = e->v.SetComp.elt;
    build = OP_BUILD_SET;
    break;
  case AST_DictComp:
    name = "<dictcomp>", gens = &e->v.DictComp.generators, elt = e->v.DictComp.key;
    val = e->v.DictComp.value;
    build = OP_BUILD_MAP;
    break;
  default: /* a generator (an async generator with `async for` or `await` in it) */
    name = "<genexpr>", gens = &e->v.GeneratorExp.generators, elt = e->v.GeneratorExp.elt;
    build = OP_BUILD_LIST;
    break;
  }
  bool lazy = e->kind == AST_GeneratorExp;
  AsyPos loc = node_loc(e);
  AstNode *outer = gens->items[0];
  Unit *u = enter_unit(c, e, UNIT_COMPREHENSION, name, e->lineno);
  if (!u) return false;
  bool is_async = u->ste->coroutine;
  u->argcount = 1;
  if (e->kind != AST_GeneratorExp) u->flags |= CODE_INLINED_COMP;
  if (lazy) {
    u->flags |= is_async ? CODE_ASYNC_GENERATOR : CODE_GENERATOR;
    TRY(compile_comprehension_generator(c, e, gens, 0, -1, elt, val));
    emit(c, OP_RETURN_CONST, add_const(c, NONE_VAL), NO_LOC);
  } else {
    if (is_async) u->flags |= CODE_COROUTINE;
    emit(c, build, 0, loc);
    TRY(compile_comprehension_generator(c, e, gens, 0, 0, elt, val));
    emit(c, OP_RETURN_VALUE, 0, loc);
  }
  TRY(finish_unit_as_function(c, 0, loc));
  TRY(compile_expr(c, outer->v.comprehension.iter));
  emit(c, outer->v.comprehension.is_async ? OP_GET_AITER : OP_GET_ITER, 0,
       node_loc(outer->v.comprehension.iter));
  /* A generator expression passed to a call is consumed by that call in CPython, so
     errors inside it show the call's position in this frame. */
  AsyPos callloc = (e == c->genexp_node) ? c->genexp_loc : loc;
  emit(c, OP_CALL, 0, callloc);
  if (is_async && !lazy) emit_await(c, loc);
  return true;
}

/* ------------------------------------------------------------------------ */
/* Entry point                                                               */

static bool compile_module(Compiler *c, AstNode *mod) {
  Unit *u = enter_unit(c, mod, UNIT_MODULE, "<module>", 1);
  if (!u) return false;
  u->flags |= CODE_MODULE;
  if (u->ste->toplevel_await) u->flags |= CODE_HAS_AWAIT;
  if (mod->kind == AST_Expression) {
    AstNode *body = mod->v.Expression.body;
    TRY(compile_expr(c, body));
    emit(c, OP_RETURN_VALUE, 0, node_loc(body));
    return true;
  }
  AstSeq *body = mod->kind == AST_Module ? &mod->v.Module.body : &mod->v.Interactive.body;
  c->future_annotations = asy_future_annotations(mod);
  if (find_ann(body)) emit(c, OP_SETUP_ANNOTATIONS, 0, body->n ? node_loc(body->items[0]) : NO_LOC);
  AstNode *doc = c->interactive ? NULL : body_docstring(body);
  if (doc) {
    emit_load_const(c, clean_docstring(c, doc), node_loc(doc));
    TRY(compile_nameop(c, "__doc__", AST_Store, NO_LOC));
  }
  TRY(compile_body(c, body, doc ? 1 : 0));
  if (unreachable(c)) u->depth = 0;
  emit(c, OP_RETURN_CONST, add_const(c, NONE_VAL), NO_LOC);
  return true;
}

ObjCode *asy_compile(VM *vm, AsySource *src, int mode) {
  AstArena arena;
  asy_arena_init(&arena);
  AsySyntaxErr err;
  memset(&err, 0, sizeof err);
  int flags = mode & ~3;
  mode &= 3;
  int pmode = mode == 1 ? ASY_PARSE_SINGLE : mode == 2 ? ASY_PARSE_EVAL : ASY_PARSE_FILE;
  AstNode *mod = asy_parse(&arena, src->filename, src->text, src->size, pmode, &err);
  if (!mod) {
    asy_raise_syntax_error(vm, &err, src->filename);
    asy_arena_free(&arena);
    return NULL;
  }
  Compiler c;
  memset(&c, 0, sizeof c);
  c.vm = vm;
  c.src = src;
  c.arena = &arena;
  c.err = &err;
  c.interactive = mode == 1;
  c.no_toplevel_await = (flags & ASY_COMPILE_NO_TOPLEVEL_AWAIT) != 0;
  c.st = asy_symtable_build(&arena, mod, src->text, src->size, &err, !c.no_toplevel_await);
  ObjCode *co = NULL;
  if (c.st) {
    c.filename = asy_str_cstr(vm, src->filename);
    asy_push_root(vm, OBJ_VAL(c.filename));
    if (compile_module(&c, mod)) co = assemble(&c);
    while (c.u) exit_unit(&c);
    if (!co && !c.failed) cinternal(&c, "no code produced");
  }
  if (!co) asy_raise_syntax_error(vm, &err, src->filename);
  for (int i = 0; i < c.nwarned; i++) free(c.warned[i].msg);
  free(c.warned);
  asy_arena_free(&arena);
  return co;
}
