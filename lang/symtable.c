/*
** symtable.c — scope analysis (see symtable.h for the model).
**
** The two passes follow CPython's Python/symtable.c closely because the observable
** results (which names are local, which raise UnboundLocalError, which SyntaxError a
** bad `global`/`nonlocal` gives and where) must match CPython 3.13 exactly:
**   1. build: walk the tree, one Scope per block, OR-ing DEF_* flags per name;
**   2. analyze: top-down with the sets of names bound/global in enclosing blocks,
**      bottom-up with the names children need free; locals captured by children
**      become cells; a class's children needing `__class__` give it the implicit cell.
*/
#include "lang/symtable.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */

void asy_syntax_error_va(AsySyntaxErr *err, AstArena *arena, const char *src, size_t len,
                         int lineno, int col, int end_lineno, int end_col, const char *fmt,
                         va_list ap) {
  memset(err, 0, sizeof *err);
  err->kind = ASY_ERR_SYNTAX;
  vsnprintf(err->msg, sizeof err->msg, fmt, ap);
  err->lineno = lineno;
  err->offset = col + 1;
  err->end_lineno = end_lineno;
  err->end_offset = end_col + 1;
  err->text = NULL;
  if (src && lineno > 0) {
    /* Find line `lineno` (1-based) and copy it with its newline, as SyntaxError.text. */
    size_t i = 0;
    int line = 1;
    while (i < len && line < lineno) {
      if (src[i] == '\n') line++;
      i++;
    }
    if (line == lineno && i <= len) {
      size_t j = i;
      while (j < len && src[j] != '\n') j++;
      if (j < len) j++; /* keep the '\n' */
      err->text = asy_arena_strndup(arena, src + i, j - i);
    }
  }
}

static bool st_error(SymTable *st, const AstNode *n, const char *fmt, ...) {
  if (st->failed) return false;
  va_list ap;
  va_start(ap, fmt);
  asy_syntax_error_va(st->err, st->arena, st->src, st->srclen, n ? n->lineno : 0,
                      n ? n->col_offset : -1, n ? n->end_lineno : 0, n ? n->end_col_offset : -1,
                      fmt, ap);
  va_end(ap);
  st->failed = true;
  return false;
}

/* ------------------------------------------------------------------------ */
/* Small arena-backed containers                                             */

static unsigned str_hash(const char *s) {
  unsigned h = 2166136261u;
  while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

/* A set of names (open addressing; TOMB marks a deleted slot). */
#define TOMB ((const char *)(uintptr_t)1)
typedef struct {
  const char **slots;
  int cap, used; /* used counts live + tombstones */
} NameSet;

static NameSet *ns_new(AstArena *a) {
  NameSet *s = asy_arena_alloc(a, sizeof *s);
  return s;
}

static int ns_find(const NameSet *s, const char *name) {
  if (!s->cap) return -1;
  unsigned m = (unsigned)s->cap - 1;
  for (unsigned i = str_hash(name) & m;; i = (i + 1) & m) {
    const char *k = s->slots[i];
    if (!k) return -1;
    if (k != TOMB && strcmp(k, name) == 0) return (int)i;
  }
}

static bool ns_contains(const NameSet *s, const char *name) { return s && ns_find(s, name) >= 0; }

static void ns_add(AstArena *a, NameSet *s, const char *name);

static void ns_grow(AstArena *a, NameSet *s) {
  const char **old = s->slots;
  int oldcap = s->cap;
  s->cap = oldcap ? oldcap * 2 : 16;
  s->slots = asy_arena_alloc(a, sizeof(char *) * (size_t)s->cap);
  s->used = 0;
  for (int i = 0; i < oldcap; i++)
    if (old[i] && old[i] != TOMB) ns_add(a, s, old[i]);
}

static void ns_add(AstArena *a, NameSet *s, const char *name) {
  if (ns_find(s, name) >= 0) return;
  if ((s->used + 1) * 2 > s->cap) ns_grow(a, s);
  unsigned m = (unsigned)s->cap - 1;
  unsigned i = str_hash(name) & m;
  while (s->slots[i] && s->slots[i] != TOMB) i = (i + 1) & m;
  if (!s->slots[i]) s->used++;
  s->slots[i] = name;
}

static bool ns_discard(NameSet *s, const char *name) {
  int i = s ? ns_find(s, name) : -1;
  if (i < 0) return false;
  s->slots[i] = TOMB;
  return true;
}

static void ns_union(AstArena *a, NameSet *dst, const NameSet *src) {
  if (!src) return;
  for (int i = 0; i < src->cap; i++)
    if (src->slots[i] && src->slots[i] != TOMB) ns_add(a, dst, src->slots[i]);
}

static NameSet *ns_copy(AstArena *a, const NameSet *src) {
  NameSet *s = ns_new(a);
  ns_union(a, s, src);
  return s;
}

/* ------------------------------------------------------------------------ */
/* Scopes and symbols                                                        */

const char *asy_mangle(AstArena *arena, const char *private_, const char *name) {
  if (!private_ || name[0] != '_' || name[1] != '_') return name;
  size_t n = strlen(name);
  /* Dunder names and dotted (import) names are left alone. */
  if (n >= 4 && name[n - 1] == '_' && name[n - 2] == '_') return name;
  if (strchr(name, '.')) return name;
  while (*private_ == '_') private_++;
  if (!*private_) return name; /* class name made of underscores only */
  size_t p = strlen(private_);
  char *out = asy_arena_alloc(arena, p + n + 2);
  out[0] = '_';
  memcpy(out + 1, private_, p);
  memcpy(out + 1 + p, name, n + 1);
  return out;
}

static int scope_find(const Scope *s, const char *name) {
  if (!s->index_cap) return -1;
  unsigned m = (unsigned)s->index_cap - 1;
  for (unsigned i = str_hash(name) & m;; i = (i + 1) & m) {
    int k = s->index[i];
    if (!k) return -1;
    if (strcmp(s->syms[k - 1].name, name) == 0) return k - 1;
  }
}

static void scope_index_insert(Scope *s, int symi) {
  unsigned m = (unsigned)s->index_cap - 1;
  unsigned i = str_hash(s->syms[symi].name) & m;
  while (s->index[i]) i = (i + 1) & m;
  s->index[i] = symi + 1;
}

static int scope_add(AstArena *a, Scope *s, const char *name) {
  if (s->nsyms == s->capsyms) {
    int cap = s->capsyms ? s->capsyms * 2 : 8;
    Symbol *syms = asy_arena_alloc(a, sizeof *syms * (size_t)cap);
    if (s->nsyms) memcpy(syms, s->syms, sizeof *syms * (size_t)s->nsyms);
    s->syms = syms;
    s->capsyms = cap;
  }
  if ((s->nsyms + 1) * 2 > s->index_cap) {
    s->index_cap = s->index_cap ? s->index_cap * 2 : 16;
    s->index = asy_arena_alloc(a, sizeof(int) * (size_t)s->index_cap);
    for (int i = 0; i < s->nsyms; i++) scope_index_insert(s, i);
  }
  int i = s->nsyms++;
  memset(&s->syms[i], 0, sizeof s->syms[i]);
  s->syms[i].name = name;
  scope_index_insert(s, i);
  return i;
}

Symbol *asy_scope_symbol(Scope *s, const char *name) {
  int i = scope_find(s, name);
  return i < 0 ? NULL : &s->syms[i];
}

SymScope asy_scope_lookup(Scope *s, const char *name) {
  Symbol *sym = asy_scope_symbol(s, name);
  return sym ? sym->scope : SC_NONE;
}

static void map_put(SymTable *st, const AstNode *key, Scope *scope) {
  if ((st->map_n + 1) * 2 > st->map_cap) {
    int oldcap = st->map_cap;
    struct ScopeMapEntry *old = st->map;
    st->map_cap = oldcap ? oldcap * 2 : 32;
    st->map = asy_arena_alloc(st->arena, sizeof *st->map * (size_t)st->map_cap);
    st->map_n = 0;
    for (int i = 0; i < oldcap; i++)
      if (old[i].key) map_put(st, old[i].key, old[i].scope);
  }
  unsigned m = (unsigned)st->map_cap - 1;
  unsigned i = (unsigned)(((uintptr_t)key >> 3) * 2654435761u) & m;
  while (st->map[i].key) i = (i + 1) & m;
  st->map[i].key = key;
  st->map[i].scope = scope;
  st->map_n++;
}

Scope *asy_symtable_scope(SymTable *st, const AstNode *node) {
  if (!st->map_cap) return NULL;
  unsigned m = (unsigned)st->map_cap - 1;
  for (unsigned i = (unsigned)(((uintptr_t)node >> 3) * 2654435761u) & m;; i = (i + 1) & m) {
    if (!st->map[i].key) return NULL;
    if (st->map[i].key == node) return st->map[i].scope;
  }
}

static Scope *enter_block(SymTable *st, const char *name, BlockType type, const AstNode *node) {
  Scope *s = asy_arena_alloc(st->arena, sizeof *s);
  s->type = type;
  s->name = name;
  s->node = node;
  s->parent = st->cur;
  if (st->cur) {
    Scope *p = st->cur;
    s->nested = p->nested || p->type == BLOCK_FUNCTION;
    if (p->nchildren == p->capchildren) {
      int cap = p->capchildren ? p->capchildren * 2 : 4;
      Scope **ch = asy_arena_alloc(st->arena, sizeof *ch * (size_t)cap);
      if (p->nchildren) memcpy(ch, p->children, sizeof *ch * (size_t)p->nchildren);
      p->children = ch;
      p->capchildren = cap;
    }
    p->children[p->nchildren++] = s;
  }
  s->private_ = type == BLOCK_CLASS ? name : st->private_;
  map_put(st, node, s);
  st->cur = s;
  return s;
}

static void exit_block(SymTable *st) { st->cur = st->cur->parent; }

static void push_param(AstArena *a, Scope *s, const char *name) {
  if (s->nparams == s->capparams) {
    int cap = s->capparams ? s->capparams * 2 : 8;
    const char **p = asy_arena_alloc(a, sizeof *p * (size_t)cap);
    if (s->nparams) memcpy(p, s->params, sizeof *p * (size_t)s->nparams);
    s->params = p;
    s->capparams = cap;
  }
  s->params[s->nparams++] = name;
}

/* Record that `name` gets `flag` in scope `ste` (CPython's symtable_add_def_helper). */
static bool add_def_in(SymTable *st, const char *name, int flag, Scope *ste, const AstNode *loc) {
  if (st->failed) return false;
  const char *mangled = asy_mangle(st->arena, st->private_, name);
  int i = scope_find(ste, mangled);
  int val;
  if (i >= 0) {
    val = ste->syms[i].flags;
    if ((flag & SYM_DEF_PARAM) && (val & SYM_DEF_PARAM))
      return st_error(st, loc, "duplicate argument '%s' in function definition", name);
    val |= flag;
  } else {
    i = scope_add(st->arena, ste, mangled);
    val = flag;
  }
  if (ste->comp_iter_target) {
    if (val & (SYM_DEF_GLOBAL | SYM_DEF_NONLOCAL))
      return st_error(st, loc,
                      "comprehension inner loop cannot rebind assignment expression "
                      "target '%s'",
                      name);
    val |= SYM_DEF_COMP_ITER;
  }
  ste->syms[i].flags = val;
  if (flag & SYM_DEF_PARAM) push_param(st->arena, ste, mangled);
  if ((flag & SYM_DEF_GLOBAL) && ste != st->top) {
    /* `global x` in a function also marks x in the module (CPython's st_global), so
       module-level code uses LOAD_GLOBAL/STORE_GLOBAL for it. */
    int j = scope_find(st->top, mangled);
    if (j < 0) j = scope_add(st->arena, st->top, mangled);
    st->top->syms[j].flags |= flag;
  }
  return true;
}

static bool add_def(SymTable *st, const char *name, int flag, const AstNode *loc) {
  return add_def_in(st, name, flag, st->cur, loc);
}

static void record_directive(SymTable *st, Scope *ste, const char *name, const AstNode *stmt) {
  const char *mangled = asy_mangle(st->arena, st->private_, name);
  int i = scope_find(ste, mangled);
  if (i >= 0 && !ste->syms[i].directive) ste->syms[i].directive = stmt;
}

static int lookup_flags(SymTable *st, const char *name) {
  const char *mangled = asy_mangle(st->arena, st->private_, name);
  int i = scope_find(st->cur, mangled);
  return i < 0 ? 0 : st->cur->syms[i].flags;
}

/* ------------------------------------------------------------------------ */
/* Pass 1: build                                                             */

static bool visit_stmt(SymTable *st, AstNode *s);
static bool visit_expr(SymTable *st, AstNode *e);

static bool visit_stmts(SymTable *st, AstSeq *seq) {
  for (int i = 0; i < seq->n; i++)
    if (!visit_stmt(st, seq->items[i])) return false;
  return true;
}

static bool visit_exprs(SymTable *st, AstSeq *seq) {
  for (int i = 0; i < seq->n; i++)
    if (seq->items[i] && !visit_expr(st, seq->items[i])) return false;
  return true;
}

static bool check_debug_name(SymTable *st, const char *name, const AstNode *loc, bool del) {
  if (strcmp(name, "__debug__") == 0)
    return st_error(st, loc, del ? "cannot delete __debug__" : "cannot assign to __debug__");
  return true;
}

static bool visit_params(SymTable *st, AstSeq *seq) {
  for (int i = 0; i < seq->n; i++) {
    AstNode *a = seq->items[i];
    if (!check_debug_name(st, a->v.arg.arg, a, false)) return false;
    if (!add_def(st, a->v.arg.arg, SYM_DEF_PARAM, a)) return false;
  }
  return true;
}

static bool visit_arguments(SymTable *st, AstNode *args) {
  if (!visit_params(st, &args->v.arguments.posonlyargs)) return false;
  if (!visit_params(st, &args->v.arguments.args)) return false;
  if (!visit_params(st, &args->v.arguments.kwonlyargs)) return false;
  if (args->v.arguments.vararg) {
    AstNode *a = args->v.arguments.vararg;
    if (!check_debug_name(st, a->v.arg.arg, a, false)) return false;
    if (!add_def(st, a->v.arg.arg, SYM_DEF_PARAM, a)) return false;
    st->cur->has_varargs = true;
  }
  if (args->v.arguments.kwarg) {
    AstNode *a = args->v.arguments.kwarg;
    if (!check_debug_name(st, a->v.arg.arg, a, false)) return false;
    if (!add_def(st, a->v.arg.arg, SYM_DEF_PARAM, a)) return false;
    st->cur->has_varkw = true;
  }
  return true;
}

static bool visit_param_annotations(SymTable *st, AstSeq *params) {
  for (int i = 0; i < params->n; i++) {
    AstNode *ann = params->items[i]->v.arg.annotation;
    if (ann && !visit_expr(st, ann)) return false;
  }
  return true;
}

/* Default values are evaluated in the enclosing scope. */
static bool visit_defaults(SymTable *st, AstNode *args) {
  return visit_exprs(st, &args->v.arguments.defaults) &&
         visit_exprs(st, &args->v.arguments.kw_defaults);
}

/* So are the annotations of the parameters and the return (CPython 3.13 builds
   __annotations__ at def time; inside the type-parameter scope of a generic def),
   unless `from __future__ import annotations` keeps them as text. */
static bool visit_annotations(SymTable *st, AstNode *args, AstNode *returns) {
  if (st->future_annotations) return true;
  if (returns && !visit_expr(st, returns)) return false;
  AstNode *va = args->v.arguments.vararg, *kw = args->v.arguments.kwarg;
  return visit_param_annotations(st, &args->v.arguments.args) &&
         visit_param_annotations(st, &args->v.arguments.posonlyargs) &&
         (!va || !va->v.arg.annotation || visit_expr(st, va->v.arg.annotation)) &&
         visit_param_annotations(st, &args->v.arguments.kwonlyargs) &&
         (!kw || !kw->v.arg.annotation || visit_expr(st, kw->v.arg.annotation));
}

static bool visit_alias(SymTable *st, AstNode *a, bool from) {
  const char *name = a->v.alias.asname ? a->v.alias.asname : a->v.alias.name;
  if (strcmp(name, "*") == 0) {
    if (st->cur->type != BLOCK_MODULE)
      return st_error(st, a, "import * only allowed at module level");
    return true;
  }
  char *store = (char *)name;
  if (!a->v.alias.asname && !from) {
    const char *dot = strchr(name, '.');
    if (dot) store = asy_arena_strndup(st->arena, name, (size_t)(dot - name));
  }
  return check_debug_name(st, store, a, false) && add_def(st, store, SYM_DEF_IMPORT, a);
}

static bool visit_global_nonlocal(SymTable *st, AstNode *s, bool is_global) {
  AstIdSeq *names = is_global ? &s->v.Global.names : &s->v.Nonlocal.names;
  for (int i = 0; i < names->n; i++) {
    const char *name = names->items[i];
    int cur = lookup_flags(st, name);
    if (cur & (SYM_DEF_PARAM | SYM_DEF_LOCAL | SYM_USE | SYM_DEF_ANNOT)) {
      const char *what = is_global ? "global" : "nonlocal";
      if (cur & SYM_DEF_PARAM) return st_error(st, s, "name '%s' is parameter and %s", name, what);
      if (cur & SYM_USE)
        return st_error(st, s, "name '%s' is used prior to %s declaration", name, what);
      if (cur & SYM_DEF_ANNOT)
        return st_error(st, s, "annotated name '%s' can't be %s", name, what);
      return st_error(st, s, "name '%s' is assigned to before %s declaration", name, what);
    }
    if (!add_def(st, name, is_global ? SYM_DEF_GLOBAL : SYM_DEF_NONLOCAL, s)) return false;
    record_directive(st, st->cur, name, s);
  }
  return true;
}

/* A capture name of a pattern binds like an assignment target. */
static bool visit_capture(SymTable *st, const char *name, AstNode *p) {
  if (!name) return true;
  return check_debug_name(st, name, p, false) && add_def(st, name, SYM_DEF_LOCAL, p);
}

static bool visit_pattern(SymTable *st, AstNode *p) {
  switch (p->kind) {
  case AST_MatchValue: return visit_expr(st, p->v.MatchValue.value);
  case AST_MatchSingleton: return true;
  case AST_MatchSequence:
    for (int i = 0; i < p->v.MatchSequence.patterns.n; i++)
      if (!visit_pattern(st, p->v.MatchSequence.patterns.items[i])) return false;
    return true;
  case AST_MatchStar: return visit_capture(st, p->v.MatchStar.name, p);
  case AST_MatchMapping:
    if (!visit_exprs(st, &p->v.MatchMapping.keys)) return false;
    for (int i = 0; i < p->v.MatchMapping.patterns.n; i++)
      if (!visit_pattern(st, p->v.MatchMapping.patterns.items[i])) return false;
    return visit_capture(st, p->v.MatchMapping.rest, p);
  case AST_MatchClass:
    if (!visit_expr(st, p->v.MatchClass.cls)) return false;
    for (int i = 0; i < p->v.MatchClass.patterns.n; i++)
      if (!visit_pattern(st, p->v.MatchClass.patterns.items[i])) return false;
    for (int i = 0; i < p->v.MatchClass.kwd_patterns.n; i++)
      if (!visit_pattern(st, p->v.MatchClass.kwd_patterns.items[i])) return false;
    return true;
  case AST_MatchAs:
    if (p->v.MatchAs.pattern && !visit_pattern(st, p->v.MatchAs.pattern)) return false;
    return visit_capture(st, p->v.MatchAs.name, p);
  case AST_MatchOr:
    for (int i = 0; i < p->v.MatchOr.patterns.n; i++)
      if (!visit_pattern(st, p->v.MatchOr.patterns.items[i])) return false;
    return true;
  default: return st_error(st, p, "unsupported pattern");
  }
}

/* The names of a type-parameter list, and each bound in a lazily evaluated scope. */
static bool visit_type_params(SymTable *st, AstSeq *tps) {
  bool seen_default = false;
  for (int i = 0; i < tps->n; i++) {
    AstNode *tp = tps->items[i];
    const char *name = tp->kind == AST_TypeVar     ? tp->v.TypeVar.name
                       : tp->kind == AST_ParamSpec ? tp->v.ParamSpec.name
                                                   : tp->v.TypeVarTuple.name;
    if (scope_find(st->cur, name) >= 0)
      return st_error(st, tp, "duplicate type parameter '%s'", name);
    if (!add_def(st, name, SYM_DEF_LOCAL, tp)) return false;
    if (tp->kind == AST_TypeVar && tp->v.TypeVar.bound) {
      enter_block(st, name, BLOCK_FUNCTION, tp);
      if (!visit_expr(st, tp->v.TypeVar.bound)) return false;
      exit_block(st);
    }
    AstNode *dflt = asy_type_param_default(tp);
    if (dflt) {
      seen_default = true;
      enter_block(st, name, BLOCK_FUNCTION, (const AstNode *)asy_type_param_default_key(tp));
      if (!visit_expr(st, dflt)) return false;
      exit_block(st);
    } else if (seen_default) {
      return st_error(st, tp, "non-default type parameter '%s' follows default type parameter",
                      name);
    }
  }
  return true;
}

static bool visit_stmt(SymTable *st, AstNode *s) {
  if (st->failed) return false;
  switch (s->kind) {
  case AST_FunctionDef:
  case AST_AsyncFunctionDef: {
    if (!check_debug_name(st, s->v.FunctionDef.name, s, false)) return false;
    if (!add_def(st, s->v.FunctionDef.name, SYM_DEF_LOCAL, s)) return false;
    AstNode *args = s->v.FunctionDef.args;
    if (!visit_defaults(st, args)) return false;
    if (!visit_exprs(st, &s->v.FunctionDef.decorator_list)) return false;
    AstSeq *tps = &s->v.FunctionDef.type_params;
    if (tps->n) {
      enter_block(st, s->v.FunctionDef.name, BLOCK_FUNCTION, (const AstNode *)tps);
      /* the defaults are evaluated outside and passed in (CPython's .defaults) */
      if (args->v.arguments.defaults.n && !add_def(st, ".defaults", SYM_DEF_PARAM, s)) return false;
      bool kwdefaults = false;
      for (int i = 0; i < args->v.arguments.kw_defaults.n; i++)
        kwdefaults |= args->v.arguments.kw_defaults.items[i] != NULL;
      if (kwdefaults && !add_def(st, ".kwdefaults", SYM_DEF_PARAM, s)) return false;
      if (!visit_type_params(st, tps)) return false;
    }
    if (!visit_annotations(st, args, s->v.FunctionDef.returns)) return false;
    Scope *f = enter_block(st, s->v.FunctionDef.name, BLOCK_FUNCTION, s);
    f->is_async = s->kind == AST_AsyncFunctionDef;
    if (!visit_arguments(st, args)) return false;
    if (!visit_stmts(st, &s->v.FunctionDef.body)) return false;
    exit_block(st);
    if (tps->n) exit_block(st);
    return true;
  }
  case AST_ClassDef: {
    if (!check_debug_name(st, s->v.ClassDef.name, s, false)) return false;
    if (!add_def(st, s->v.ClassDef.name, SYM_DEF_LOCAL, s)) return false;
    if (!visit_exprs(st, &s->v.ClassDef.decorator_list)) return false;
    AstSeq *tps = &s->v.ClassDef.type_params;
    if (tps->n) {
      /* bases and keywords are evaluated in the type-parameter scope (they may use T) */
      enter_block(st, s->v.ClassDef.name, BLOCK_FUNCTION, (const AstNode *)tps);
      if (!visit_type_params(st, tps) || !add_def(st, ".type_params", SYM_DEF_LOCAL, s))
        return false;
    }
    if (!visit_exprs(st, &s->v.ClassDef.bases)) return false;
    for (int i = 0; i < s->v.ClassDef.keywords.n; i++)
      if (!visit_expr(st, s->v.ClassDef.keywords.items[i]->v.keyword.value)) return false;
    enter_block(st, s->v.ClassDef.name, BLOCK_CLASS, s);
    const char *saved = st->private_;
    st->private_ = s->v.ClassDef.name;
    bool ok = visit_stmts(st, &s->v.ClassDef.body);
    st->private_ = saved;
    exit_block(st);
    if (tps->n) exit_block(st);
    return ok;
  }
  case AST_Return: return !s->v.Return.value || visit_expr(st, s->v.Return.value);
  case AST_Delete: return visit_exprs(st, &s->v.Delete.targets);
  case AST_Assign:
    return visit_exprs(st, &s->v.Assign.targets) && visit_expr(st, s->v.Assign.value);
  case AST_AnnAssign: {
    AstNode *t = s->v.AnnAssign.target;
    if (t->kind == AST_Name) {
      int cur = lookup_flags(st, t->v.Name.id);
      if ((cur & (SYM_DEF_GLOBAL | SYM_DEF_NONLOCAL)) && st->cur != st->top &&
          s->v.AnnAssign.simple)
        return st_error(st, s, "annotated name '%s' can't be %s", t->v.Name.id,
                        (cur & SYM_DEF_GLOBAL) ? "global" : "nonlocal");
      if (!check_debug_name(st, t->v.Name.id, t, false)) return false;
      if (s->v.AnnAssign.simple) {
        if (!add_def(st, t->v.Name.id, SYM_DEF_ANNOT | SYM_DEF_LOCAL, t)) return false;
      } else if (s->v.AnnAssign.value) {
        if (!add_def(st, t->v.Name.id, SYM_DEF_LOCAL, t)) return false;
      }
    } else if (!visit_expr(st, t)) {
      return false;
    }
    /* The annotation is evaluated only at module and class level (CPython 3.13). */
    if (st->cur->type != BLOCK_FUNCTION && !visit_expr(st, s->v.AnnAssign.annotation)) return false;
    return !s->v.AnnAssign.value || visit_expr(st, s->v.AnnAssign.value);
  }
  case AST_AugAssign:
    return visit_expr(st, s->v.AugAssign.target) && visit_expr(st, s->v.AugAssign.value);
  case AST_For:
  case AST_AsyncFor:
    return visit_expr(st, s->v.For.target) && visit_expr(st, s->v.For.iter) &&
           visit_stmts(st, &s->v.For.body) && visit_stmts(st, &s->v.For.orelse);
  case AST_While:
    return visit_expr(st, s->v.While.test) && visit_stmts(st, &s->v.While.body) &&
           visit_stmts(st, &s->v.While.orelse);
  case AST_If:
    return visit_expr(st, s->v.If.test) && visit_stmts(st, &s->v.If.body) &&
           visit_stmts(st, &s->v.If.orelse);
  case AST_With:
  case AST_AsyncWith:
    for (int i = 0; i < s->v.With.items.n; i++) {
      AstNode *it = s->v.With.items.items[i];
      if (!visit_expr(st, it->v.withitem.context_expr)) return false;
      if (it->v.withitem.optional_vars && !visit_expr(st, it->v.withitem.optional_vars))
        return false;
    }
    return visit_stmts(st, &s->v.With.body);
  case AST_Raise:
    return (!s->v.Raise.exc || visit_expr(st, s->v.Raise.exc)) &&
           (!s->v.Raise.cause || visit_expr(st, s->v.Raise.cause));
  case AST_Try:
  case AST_TryStar:
    if (!visit_stmts(st, &s->v.Try.body)) return false;
    for (int i = 0; i < s->v.Try.handlers.n; i++) {
      AstNode *h = s->v.Try.handlers.items[i];
      if (h->v.ExceptHandler.type && !visit_expr(st, h->v.ExceptHandler.type)) return false;
      if (h->v.ExceptHandler.name) {
        if (!check_debug_name(st, h->v.ExceptHandler.name, h, false)) return false;
        if (!add_def(st, h->v.ExceptHandler.name, SYM_DEF_LOCAL, h)) return false;
      }
      if (!visit_stmts(st, &h->v.ExceptHandler.body)) return false;
    }
    return visit_stmts(st, &s->v.Try.orelse) && visit_stmts(st, &s->v.Try.finalbody);
  case AST_Assert:
    return visit_expr(st, s->v.Assert.test) &&
           (!s->v.Assert.msg || visit_expr(st, s->v.Assert.msg));
  case AST_Import:
    for (int i = 0; i < s->v.Import.names.n; i++)
      if (!visit_alias(st, s->v.Import.names.items[i], false)) return false;
    return true;
  case AST_ImportFrom:
    for (int i = 0; i < s->v.ImportFrom.names.n; i++)
      if (!visit_alias(st, s->v.ImportFrom.names.items[i], true)) return false;
    return true;
  case AST_Global: return visit_global_nonlocal(st, s, true);
  case AST_Nonlocal: return visit_global_nonlocal(st, s, false);
  case AST_Expr: return visit_expr(st, s->v.Expr.value);
  case AST_Match:
    if (!visit_expr(st, s->v.Match.subject)) return false;
    for (int i = 0; i < s->v.Match.cases.n; i++) {
      AstNode *m = s->v.Match.cases.items[i];
      if (!visit_pattern(st, m->v.match_case.pattern)) return false;
      if (m->v.match_case.guard && !visit_expr(st, m->v.match_case.guard)) return false;
      if (!visit_stmts(st, &m->v.match_case.body)) return false;
    }
    return true;
  case AST_TypeAlias: {
    AstNode *name = s->v.TypeAlias.name;
    if (!add_def(st, name->v.Name.id, SYM_DEF_LOCAL, name)) return false;
    AstSeq *tps = &s->v.TypeAlias.type_params;
    if (tps->n) {
      enter_block(st, name->v.Name.id, BLOCK_FUNCTION, (const AstNode *)tps);
      if (!visit_type_params(st, tps)) return false;
    }
    /* the value is evaluated lazily, in a function of its own */
    enter_block(st, name->v.Name.id, BLOCK_FUNCTION, s);
    if (!visit_expr(st, s->v.TypeAlias.value)) return false;
    exit_block(st);
    if (tps->n) exit_block(st);
    return true;
  }
  case AST_Pass:
  case AST_Break:
  case AST_Continue: return true;
  default: return st_error(st, s, "unsupported statement");
  }
}

/* A walrus inside a comprehension binds in the nearest enclosing function (or the
   module); class bodies reject it (CPython's symtable_extend_namedexpr_scope). */
static bool extend_namedexpr_scope(SymTable *st, AstNode *target) {
  const char *name = target->v.Name.id;
  AstNode *e = target; /* CPython reports these at the target name */
  for (Scope *ste = st->cur; ste; ste = ste->parent) {
    if (ste->comp_kind) {
      Symbol *sym = asy_scope_symbol(ste, asy_mangle(st->arena, st->private_, name));
      if (sym && (sym->flags & SYM_DEF_COMP_ITER))
        return st_error(st, e,
                        "assignment expression cannot rebind comprehension iteration "
                        "variable '%s'",
                        name);
      continue;
    }
    if (ste->type == BLOCK_FUNCTION) {
      Symbol *sym = asy_scope_symbol(ste, asy_mangle(st->arena, st->private_, name));
      int flag = (sym && (sym->flags & SYM_DEF_GLOBAL)) ? SYM_DEF_GLOBAL : SYM_DEF_NONLOCAL;
      if (!add_def(st, name, flag, e)) return false;
      record_directive(st, st->cur, name, e);
      return add_def_in(st, name, SYM_DEF_LOCAL, ste, e);
    }
    if (ste->type == BLOCK_MODULE) {
      if (!add_def(st, name, SYM_DEF_GLOBAL, e)) return false;
      record_directive(st, st->cur, name, e);
      return add_def_in(st, name, SYM_DEF_GLOBAL, ste, e);
    }
    return st_error(st, e,
                    "assignment expression within a comprehension cannot be used in a "
                    "class body");
  }
  return true;
}

static bool visit_comprehension_scope(SymTable *st, AstNode *e, const char *scope_name,
                                      AstSeq *gens, AstNode *elt, AstNode *value) {
  AstNode *outer = gens->items[0];
  /* The outermost iterable is evaluated in the enclosing scope. */
  st->cur->comp_iter_expr++;
  if (!visit_expr(st, outer->v.comprehension.iter)) return false;
  st->cur->comp_iter_expr--;
  Scope *c = enter_block(st, scope_name, BLOCK_FUNCTION, e);
  c->comp_kind = e->kind;
  if (outer->v.comprehension.is_async) c->coroutine = true;
  if (!add_def(st, ".0", SYM_DEF_PARAM, e)) return false;
  c->comp_iter_target = true;
  if (!visit_expr(st, outer->v.comprehension.target)) return false;
  c->comp_iter_target = false;
  if (!visit_exprs(st, &outer->v.comprehension.ifs)) return false;
  for (int i = 1; i < gens->n; i++) {
    AstNode *g = gens->items[i];
    c->comp_iter_target = true;
    if (!visit_expr(st, g->v.comprehension.target)) return false;
    c->comp_iter_target = false;
    c->comp_iter_expr++;
    if (!visit_expr(st, g->v.comprehension.iter)) return false;
    c->comp_iter_expr--;
    if (!visit_exprs(st, &g->v.comprehension.ifs)) return false;
    if (g->v.comprehension.is_async) c->coroutine = true;
  }
  if (value && !visit_expr(st, value)) return false;
  if (!visit_expr(st, elt)) return false;
  exit_block(st);
  if (e->kind == AST_GeneratorExp) {
    /* A generator expression is a generator function; with `async for` or `await` in
       it, an async generator, which its creator does not await. */
    c->generator = true;
    return true;
  }
  if (c->coroutine) {
    Scope *p = st->cur;
    if (p->type == BLOCK_MODULE && !st->no_toplevel_await) {
      p->toplevel_await = true;
    } else if (!(p->type == BLOCK_FUNCTION && (p->is_async || p->comp_kind))) {
      return st_error(st, e, "asynchronous comprehension outside of an asynchronous function");
    }
    p->coroutine = true;
  }
  return true;
}

/* The nearest scope that is not a comprehension. */
static Scope *non_comp_scope(Scope *s) {
  while (s && s->comp_kind) s = s->parent;
  return s;
}

static bool visit_expr(SymTable *st, AstNode *e) {
  if (st->failed) return false;
  switch (e->kind) {
  case AST_BoolOp: return visit_exprs(st, &e->v.BoolOp.values);
  case AST_NamedExpr:
    if (st->cur->comp_iter_expr > 0)
      return st_error(st, e,
                      "assignment expression cannot be used in a comprehension iterable "
                      "expression");
    if (st->cur->comp_kind && !extend_namedexpr_scope(st, e->v.NamedExpr.target)) return false;
    return visit_expr(st, e->v.NamedExpr.value) && visit_expr(st, e->v.NamedExpr.target);
  case AST_BinOp: return visit_expr(st, e->v.BinOp.left) && visit_expr(st, e->v.BinOp.right);
  case AST_UnaryOp: return visit_expr(st, e->v.UnaryOp.operand);
  case AST_Lambda: {
    AstNode *args = e->v.Lambda.args;
    if (!visit_defaults(st, args)) return false;
    Scope *l = enter_block(st, "lambda", BLOCK_FUNCTION, e);
    l->is_lambda = true;
    if (!visit_arguments(st, args)) return false;
    if (!visit_expr(st, e->v.Lambda.body)) return false;
    exit_block(st);
    return true;
  }
  case AST_IfExp:
    return visit_expr(st, e->v.IfExp.test) && visit_expr(st, e->v.IfExp.body) &&
           visit_expr(st, e->v.IfExp.orelse);
  case AST_Dict: return visit_exprs(st, &e->v.Dict.keys) && visit_exprs(st, &e->v.Dict.values);
  case AST_Set: return visit_exprs(st, &e->v.Set.elts);
  case AST_ListComp:
    return visit_comprehension_scope(st, e, "listcomp", &e->v.ListComp.generators,
                                     e->v.ListComp.elt, NULL);
  case AST_SetComp:
    return visit_comprehension_scope(st, e, "setcomp", &e->v.SetComp.generators, e->v.SetComp.elt,
                                     NULL);
  case AST_DictComp:
    return visit_comprehension_scope(st, e, "dictcomp", &e->v.DictComp.generators,
                                     e->v.DictComp.key, e->v.DictComp.value);
  case AST_GeneratorExp:
    return visit_comprehension_scope(st, e, "genexpr", &e->v.GeneratorExp.generators,
                                     e->v.GeneratorExp.elt, NULL);
  case AST_Await: {
    Scope *cur = st->cur;
    if (cur->type == BLOCK_MODULE && !st->no_toplevel_await) {
      cur->toplevel_await = true; /* Asy: the module body runs as the main task */
    } else if (cur->type == BLOCK_CLASS || cur->type == BLOCK_MODULE) {
      return st_error(st, e, "'await' outside function");
    } else if (!cur->is_async && !cur->comp_kind) {
      return st_error(st, e, "'await' outside async function");
    }
    if (!visit_expr(st, e->v.Await.value)) return false;
    cur->coroutine = true;
    return true;
  }
  case AST_Yield:
  case AST_YieldFrom: {
    Scope *cur = st->cur;
    if (cur->type != BLOCK_FUNCTION) return st_error(st, e, "'yield' outside function");
    if (cur->comp_kind) {
      const char *what = cur->comp_kind == AST_ListComp   ? "list comprehension"
                         : cur->comp_kind == AST_SetComp  ? "set comprehension"
                         : cur->comp_kind == AST_DictComp ? "dict comprehension"
                                                          : "generator expression";
      return st_error(st, e, "'yield' inside %s", what);
    }
    if (e->kind == AST_YieldFrom && cur->is_async)
      return st_error(st, e, "'yield from' inside async function");
    cur->generator = true;
    AstNode *v = e->kind == AST_Yield ? e->v.Yield.value : e->v.YieldFrom.value;
    return v ? visit_expr(st, v) : true;
  }
  case AST_Compare:
    return visit_expr(st, e->v.Compare.left) && visit_exprs(st, &e->v.Compare.comparators);
  case AST_Call: {
    if (!visit_expr(st, e->v.Call.func)) return false;
    if (!visit_exprs(st, &e->v.Call.args)) return false;
    for (int i = 0; i < e->v.Call.keywords.n; i++)
      if (!visit_expr(st, e->v.Call.keywords.items[i]->v.keyword.value)) return false;
    /* Zero-argument super() compiles to super(__class__, <first parameter>). Inside a
       comprehension that parameter belongs to the enclosing function, so it must
       reach the comprehension as a free variable. */
    AstNode *f = e->v.Call.func;
    if (f->kind == AST_Name && strcmp(f->v.Name.id, "super") == 0 && e->v.Call.args.n == 0 &&
        e->v.Call.keywords.n == 0 && st->cur->comp_kind) {
      Scope *fn = non_comp_scope(st->cur);
      if (fn && fn->type == BLOCK_FUNCTION && fn->nparams > 0 &&
          !(fn->nparams == 1 && (fn->has_varargs || fn->has_varkw))) {
        int i = scope_find(st->cur, fn->params[0]);
        if (i < 0) i = scope_add(st->arena, st->cur, fn->params[0]);
        st->cur->syms[i].flags |= SYM_USE;
      }
    }
    return true;
  }
  case AST_FormattedValue:
    return visit_expr(st, e->v.FormattedValue.value) &&
           (!e->v.FormattedValue.format_spec || visit_expr(st, e->v.FormattedValue.format_spec));
  case AST_JoinedStr: return visit_exprs(st, &e->v.JoinedStr.values);
  case AST_Constant: return true;
  case AST_Attribute: return visit_expr(st, e->v.Attribute.value);
  case AST_Subscript:
    return visit_expr(st, e->v.Subscript.value) && visit_expr(st, e->v.Subscript.slice);
  case AST_Starred: return visit_expr(st, e->v.Starred.value);
  case AST_Slice:
    return (!e->v.Slice.lower || visit_expr(st, e->v.Slice.lower)) &&
           (!e->v.Slice.upper || visit_expr(st, e->v.Slice.upper)) &&
           (!e->v.Slice.step || visit_expr(st, e->v.Slice.step));
  case AST_Name: {
    const char *id = e->v.Name.id;
    if (e->v.Name.ctx != AST_Load && !check_debug_name(st, id, e, e->v.Name.ctx == AST_Del))
      return false;
    if (!add_def(st, id, e->v.Name.ctx == AST_Load ? SYM_USE : SYM_DEF_LOCAL, e)) return false;
    /* A function that mentions `super` may need the class cell (CPython). */
    if (e->v.Name.ctx == AST_Load && st->cur->type == BLOCK_FUNCTION && strcmp(id, "super") == 0 &&
        !add_def(st, "__class__", SYM_USE, e))
      return false;
    return true;
  }
  case AST_List: return visit_exprs(st, &e->v.List.elts);
  case AST_Tuple: return visit_exprs(st, &e->v.Tuple.elts);
  default: return st_error(st, e, "unsupported expression");
  }
}

/* ------------------------------------------------------------------------ */
/* Pass 2: analyze                                                           */

static bool directive_error(SymTable *st, Symbol *sym, const char *fmt, const char *name) {
  return st_error(st, sym->directive, fmt, name);
}

static bool analyze_name(SymTable *st, Scope *ste, Symbol *sym, NameSet *bound, NameSet *local,
                         NameSet *free, NameSet *global) {
  const char *name = sym->name;
  int flags = sym->flags;
  AstArena *a = st->arena;
  if (flags & SYM_DEF_GLOBAL) {
    if (flags & SYM_DEF_NONLOCAL)
      return directive_error(st, sym, "name '%s' is nonlocal and global", name);
    sym->scope = SC_GLOBAL_EXPLICIT;
    ns_add(a, global, name);
    if (bound) ns_discard(bound, name);
    return true;
  }
  if (flags & SYM_DEF_NONLOCAL) {
    if (!bound)
      return directive_error(st, sym, "nonlocal declaration not allowed at module level%s", "");
    if (!ns_contains(bound, name))
      return directive_error(st, sym, "no binding for nonlocal '%s' found", name);
    sym->scope = SC_FREE;
    ste->has_free = true;
    ns_add(a, free, name);
    return true;
  }
  if (flags & SYM_DEF_BOUND) {
    sym->scope = SC_LOCAL;
    ns_add(a, local, name);
    ns_discard(global, name);
    return true;
  }
  if (bound && ns_contains(bound, name)) {
    sym->scope = SC_FREE;
    ste->has_free = true;
    ns_add(a, free, name);
    return true;
  }
  if (global && ns_contains(global, name)) {
    sym->scope = SC_GLOBAL_IMPLICIT;
    return true;
  }
  if (ste->nested) ste->has_free = true;
  sym->scope = SC_GLOBAL_IMPLICIT;
  return true;
}

static bool analyze_block(SymTable *st, Scope *ste, NameSet *bound, NameSet *free,
                          NameSet *global) {
  AstArena *a = st->arena;
  NameSet *local = ns_new(a), *newglobal = ns_new(a), *newfree = ns_new(a), *newbound = ns_new(a);
  /* Class bindings are invisible to nested functions: pass down what the class
     itself received, before analysing its names. */
  if (ste->type == BLOCK_CLASS) {
    ns_union(a, newglobal, global);
    if (bound) ns_union(a, newbound, bound);
  }
  for (int i = 0; i < ste->nsyms; i++)
    if (!analyze_name(st, ste, &ste->syms[i], bound, local, free, global)) return false;
  if (ste->type != BLOCK_CLASS) {
    if (ste->type == BLOCK_FUNCTION) ns_union(a, newbound, local);
    if (bound) ns_union(a, newbound, bound);
    ns_union(a, newglobal, global);
  } else {
    ns_add(a, newbound, "__class__");
  }
  for (int i = 0; i < ste->nchildren; i++) {
    Scope *child = ste->children[i];
    NameSet *child_free = ns_new(a);
    if (!analyze_block(st, child, ns_copy(a, newbound), child_free, ns_copy(a, newglobal)))
      return false;
    ns_union(a, newfree, child_free);
    if (child->has_free || child->child_free) ste->child_free = true;
  }
  if (ste->type == BLOCK_FUNCTION) {
    /* Locals that a nested scope needs become cells. */
    for (int i = 0; i < ste->nsyms; i++) {
      Symbol *sym = &ste->syms[i];
      if (sym->scope == SC_LOCAL && ns_contains(newfree, sym->name)) {
        sym->scope = SC_CELL;
        ns_discard(newfree, sym->name);
      }
    }
  } else if (ste->type == BLOCK_CLASS) {
    if (ns_discard(newfree, "__class__")) ste->needs_class_closure = true;
  }
  /* Free names of children: mark class-level homonyms, propagate the rest. */
  for (int i = 0; i < newfree->cap; i++) {
    const char *name = newfree->slots[i];
    if (!name || name == TOMB) continue;
    int j = scope_find(ste, name);
    if (j >= 0) {
      if (ste->type == BLOCK_CLASS) ste->syms[j].flags |= SYM_DEF_FREE_CLASS;
      continue;
    }
    if (bound && !ns_contains(bound, name)) continue; /* a global */
    j = scope_add(a, ste, name);
    ste->syms[j].scope = SC_FREE;
  }
  ns_union(a, free, newfree);
  return true;
}

bool asy_future_annotations(AstNode *mod) {
  if (mod->kind != AST_Module && mod->kind != AST_Interactive) return false;
  AstSeq *body = mod->kind == AST_Module ? &mod->v.Module.body : &mod->v.Interactive.body;
  for (int i = 0; i < body->n; i++) {
    AstNode *s = body->items[i];
    if (i == 0 && s->kind == AST_Expr && s->v.Expr.value->kind == AST_Constant &&
        s->v.Expr.value->v.Constant.value.kind == AST_CONST_STR)
      continue;
    if (s->kind != AST_ImportFrom || !s->v.ImportFrom.module ||
        strcmp(s->v.ImportFrom.module, "__future__") != 0)
      return false;
    for (int j = 0; j < s->v.ImportFrom.names.n; j++)
      if (strcmp(s->v.ImportFrom.names.items[j]->v.alias.name, "annotations") == 0) return true;
  }
  return false;
}

SymTable *asy_symtable_build(AstArena *arena, AstNode *mod, const char *src, size_t len,
                             AsySyntaxErr *err, bool toplevel_await) {
  SymTable *st = asy_arena_alloc(arena, sizeof *st);
  st->no_toplevel_await = !toplevel_await;
  st->arena = arena;
  st->err = err;
  st->src = src;
  st->srclen = len;
  st->future_annotations = asy_future_annotations(mod);
  st->top = enter_block(st, "top", BLOCK_MODULE, mod);
  bool ok = true;
  switch (mod->kind) {
  case AST_Module: ok = visit_stmts(st, &mod->v.Module.body); break;
  case AST_Interactive: ok = visit_stmts(st, &mod->v.Interactive.body); break;
  case AST_Expression: ok = visit_expr(st, mod->v.Expression.body); break;
  default: ok = st_error(st, mod, "unsupported module kind"); break;
  }
  if (!ok) return NULL;
  st->cur = NULL;
  if (!analyze_block(st, st->top, NULL, ns_new(arena), ns_new(arena))) return NULL;
  return st;
}
