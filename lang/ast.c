/*
** ast.c — the arena behind the AST and the few node constructors.
**
** A parse allocates many small, same-lifetime objects (nodes, identifiers, sequence
** arrays), so they come from a bump allocator over malloc'd chunks and are freed in
** one call; the tree needs no destructors and error paths cannot leak.
*/
#include "lang/ast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct AstArenaChunk {
  AstArenaChunk *next;
  size_t cap;
  max_align_t data[]; /* aligned storage */
};

#define ARENA_CHUNK 16384

void asy_arena_init(AstArena *a) { memset(a, 0, sizeof *a); }

void asy_arena_free(AstArena *a) {
  AstArenaChunk *c = a->head;
  while (c) {
    AstArenaChunk *next = c->next;
    free(c);
    c = next;
  }
  memset(a, 0, sizeof *a);
}

void *asy_arena_alloc(AstArena *a, size_t n) {
  const size_t align = 8; /* nothing in the tree needs more than int64/double */
  n = (n + align - 1) & ~(align - 1);
  if (n == 0) n = align;
  if (!a->head || a->cap - a->used < n) {
    /* Big requests get a chunk of their own so a huge array does not waste the
       tail of a regular chunk. */
    size_t cap = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
    AstArenaChunk *c = malloc(sizeof *c + cap);
    if (!c) {
      fputs("asy: out of memory in parser\n", stderr);
      abort();
    }
    c->cap = cap;
    if (cap == n && a->head) {
      /* Keep bumping in the current head: link the big chunk behind it. */
      c->next = a->head->next;
      a->head->next = c;
      a->total += n;
      memset(c->data, 0, n);
      return c->data;
    }
    c->next = a->head;
    a->head = c;
    a->used = 0;
    a->cap = cap;
  }
  void *p = (char *)a->head->data + a->used;
  a->used += n;
  a->total += n;
  memset(p, 0, n);
  return p;
}

char *asy_arena_strndup(AstArena *a, const char *s, size_t n) {
  char *p = asy_arena_alloc(a, n + 1);
  if (n) memcpy(p, s, n);
  p[n] = 0;
  return p;
}

AstNode *asy_ast_new(AstArena *a, AstKind kind, int lineno, int col, int end_lineno, int end_col) {
  AstNode *n = asy_arena_alloc(a, sizeof *n);
  n->kind = kind;
  n->lineno = lineno;
  n->col_offset = col;
  n->end_lineno = end_lineno;
  n->end_col_offset = end_col;
  return n;
}

void asy_seq_push(AstArena *a, AstSeq *s, AstNode *x) {
  if (s->n == s->cap) {
    int cap = s->cap ? s->cap * 2 : 4;
    AstNode **items = asy_arena_alloc(a, sizeof *items * (size_t)cap);
    if (s->n) memcpy(items, s->items, sizeof *items * (size_t)s->n);
    s->items = items; /* the old array stays in the arena; bounded 2x waste */
    s->cap = cap;
  }
  s->items[s->n++] = x;
}

void asy_idseq_push(AstArena *a, AstIdSeq *s, char *id) {
  if (s->n == s->cap) {
    int cap = s->cap ? s->cap * 2 : 4;
    char **items = asy_arena_alloc(a, sizeof *items * (size_t)cap);
    if (s->n) memcpy(items, s->items, sizeof *items * (size_t)s->n);
    s->items = items;
    s->cap = cap;
  }
  s->items[s->n++] = id;
}

void asy_ast_span(AstNode *n, const AstNode *from, const AstNode *to) {
  n->lineno = from->lineno;
  n->col_offset = from->col_offset;
  n->end_lineno = to->end_lineno;
  n->end_col_offset = to->end_col_offset;
}

static const char *const kind_names[AST_KIND_COUNT] = {
    [AST_Module] = "Module",
    [AST_Interactive] = "Interactive",
    [AST_Expression] = "Expression",
    [AST_FunctionDef] = "FunctionDef",
    [AST_AsyncFunctionDef] = "AsyncFunctionDef",
    [AST_ClassDef] = "ClassDef",
    [AST_Return] = "Return",
    [AST_Delete] = "Delete",
    [AST_Assign] = "Assign",
    [AST_AugAssign] = "AugAssign",
    [AST_AnnAssign] = "AnnAssign",
    [AST_For] = "For",
    [AST_AsyncFor] = "AsyncFor",
    [AST_While] = "While",
    [AST_If] = "If",
    [AST_With] = "With",
    [AST_AsyncWith] = "AsyncWith",
    [AST_Raise] = "Raise",
    [AST_Try] = "Try",
    [AST_TryStar] = "TryStar",
    [AST_Assert] = "Assert",
    [AST_Import] = "Import",
    [AST_ImportFrom] = "ImportFrom",
    [AST_Global] = "Global",
    [AST_Nonlocal] = "Nonlocal",
    [AST_Expr] = "Expr",
    [AST_Pass] = "Pass",
    [AST_Break] = "Break",
    [AST_Continue] = "Continue",
    [AST_BoolOp] = "BoolOp",
    [AST_NamedExpr] = "NamedExpr",
    [AST_BinOp] = "BinOp",
    [AST_UnaryOp] = "UnaryOp",
    [AST_Lambda] = "Lambda",
    [AST_IfExp] = "IfExp",
    [AST_Dict] = "Dict",
    [AST_Set] = "Set",
    [AST_ListComp] = "ListComp",
    [AST_SetComp] = "SetComp",
    [AST_DictComp] = "DictComp",
    [AST_GeneratorExp] = "GeneratorExp",
    [AST_Await] = "Await",
    [AST_Yield] = "Yield",
    [AST_YieldFrom] = "YieldFrom",
    [AST_Compare] = "Compare",
    [AST_Call] = "Call",
    [AST_FormattedValue] = "FormattedValue",
    [AST_JoinedStr] = "JoinedStr",
    [AST_Constant] = "Constant",
    [AST_Attribute] = "Attribute",
    [AST_Subscript] = "Subscript",
    [AST_Starred] = "Starred",
    [AST_Name] = "Name",
    [AST_List] = "List",
    [AST_Tuple] = "Tuple",
    [AST_Slice] = "Slice",
    [AST_arguments] = "arguments",
    [AST_arg] = "arg",
    [AST_keyword] = "keyword",
    [AST_alias] = "alias",
    [AST_withitem] = "withitem",
    [AST_comprehension] = "comprehension",
    [AST_ExceptHandler] = "ExceptHandler",
    [AST_Match] = "Match",
    [AST_TypeAlias] = "TypeAlias",
    [AST_match_case] = "match_case",
    [AST_MatchValue] = "MatchValue",
    [AST_MatchSingleton] = "MatchSingleton",
    [AST_MatchSequence] = "MatchSequence",
    [AST_MatchMapping] = "MatchMapping",
    [AST_MatchClass] = "MatchClass",
    [AST_MatchStar] = "MatchStar",
    [AST_MatchAs] = "MatchAs",
    [AST_MatchOr] = "MatchOr",
    [AST_TypeVar] = "TypeVar",
    [AST_ParamSpec] = "ParamSpec",
    [AST_TypeVarTuple] = "TypeVarTuple",
};

const char *asy_ast_kind_name(AstKind k) {
  if ((int)k <= 0 || k >= AST_KIND_COUNT || !kind_names[k]) return "?";
  return kind_names[k];
}
