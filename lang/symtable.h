/*
** symtable.h — scope analysis between the parser and the code generator.
**
** One pass over the AST builds a Scope per module, class, function, lambda and
** comprehension and records what each scope does with each name (the DEF_* flags of
** CPython's symtable.c); a second pass resolves every name to LOCAL, GLOBAL_EXPLICIT,
** GLOBAL_IMPLICIT, FREE or CELL with CPython's rules (class scopes are invisible to
** nested functions; `global`/`nonlocal`; free variables become cells in the nearest
** enclosing function that binds them; a method using `super` or `__class__` gives its
** class an implicit `__class__` cell).
**
** Asy compiles every comprehension as a nested function (CPython <= 3.11), so a
** comprehension is a function-like scope with one parameter ".0" (the outermost
** iterator). A walrus inside it binds in the enclosing function (DEF_NONLOCAL here,
** DEF_LOCAL there), exactly as CPython's symtable does.
**
** Everything is allocated in the parse's AstArena: the tables die with the tree.
** Errors (CPython's wording and positions) fill an AsySyntaxErr and stop the pass.
*/
#ifndef ASY_SYMTABLE_H
#define ASY_SYMTABLE_H

#include <stdarg.h>
#include <stdbool.h>

#include "lang/ast.h"
#include "lang/parse.h"

/* What the source does with a name in one scope (CPython's DEF_* flags). */
enum {
  SYM_DEF_GLOBAL = 1,      /* `global x` */
  SYM_DEF_LOCAL = 2,       /* assigned, deleted, def'd, class'd, `as` target */
  SYM_DEF_PARAM = 4,       /* a parameter */
  SYM_DEF_NONLOCAL = 8,    /* `nonlocal x` (or a walrus target in a comprehension) */
  SYM_USE = 16,            /* read */
  SYM_DEF_FREE_CLASS = 32, /* free in a method and also bound in the class body */
  SYM_DEF_IMPORT = 64,     /* bound by import */
  SYM_DEF_ANNOT = 128,     /* annotated */
  SYM_DEF_COMP_ITER = 256, /* a comprehension's iteration variable */
};
#define SYM_DEF_BOUND (SYM_DEF_LOCAL | SYM_DEF_PARAM | SYM_DEF_IMPORT)

/* Where a name lives at run time. */
typedef enum {
  SC_NONE = 0,        /* not in the table (names the compiler invents) */
  SC_LOCAL,           /* fast local in a function; namespace dict in module/class */
  SC_GLOBAL_EXPLICIT, /* `global x` */
  SC_GLOBAL_IMPLICIT, /* unbound here and in every enclosing function */
  SC_FREE,            /* bound in an enclosing function: a closure cell */
  SC_CELL,            /* local here, captured by a nested scope */
} SymScope;

typedef enum { BLOCK_MODULE, BLOCK_CLASS, BLOCK_FUNCTION } BlockType;

typedef struct Symbol {
  const char *name;         /* mangled name */
  int flags;                /* SYM_* */
  SymScope scope;           /* after analysis */
  const AstNode *directive; /* the Global/Nonlocal statement, for error positions */
} Symbol;

/* clang-format off */
typedef struct Scope Scope;
struct Scope {
  BlockType type;
  const char *name;     /* "top", the def/class name, "lambda", "listcomp"... */
  const AstNode *node;  /* the Module/FunctionDef/ClassDef/Lambda/comprehension node */
  Scope *parent;
  Scope **children; int nchildren, capchildren;
  Symbol *syms; int nsyms, capsyms;
  int *index; int index_cap; /* open-addressing hash: sym index + 1, 0 = empty */
  const char **params; int nparams, capparams; /* parameters in co_varnames order */
  const char *private_; /* class name for __private mangling, or NULL */
  int comp_kind;        /* AST_ListComp/SetComp/DictComp/GeneratorExp, 0 otherwise */
  bool is_async;        /* async def */
  bool is_lambda;
  bool coroutine;       /* contains await / async for (functions and comprehensions) */
  bool generator;       /* contains yield / yield from (functions) */
  bool has_varargs, has_varkw;
  bool nested;          /* inside a function */
  bool needs_class_closure; /* class: implicit __class__ cell */
  bool has_free, child_free;
  bool toplevel_await;  /* module: await at the top level (Asy runs it as a task) */
  /* build-time state */
  bool comp_iter_target;
  int comp_iter_expr;
};

typedef struct SymTable {
  AstArena *arena;
  Scope *top;
  Scope *cur;
  const char *private_;     /* current class name for mangling */
  struct ScopeMapEntry { const AstNode *key; Scope *scope; } *map; /* node -> scope */
  int map_cap, map_n;
  AsySyntaxErr *err;
  const char *src; size_t srclen; /* for SyntaxError.text */
  bool failed;
  bool future_annotations; /* annotations are kept as text: not evaluated, not visited */
  bool no_toplevel_await;  /* eval/exec/compile text: await at module level is an error */
} SymTable;
/* clang-format on */

/* Build and analyse the scopes of a parsed module (Module, Interactive or Expression).
** Returns NULL with *err filled on a SyntaxError. */
SymTable *asy_symtable_build(AstArena *arena, AstNode *mod, const char *src, size_t len,
                             AsySyntaxErr *err, bool toplevel_await);
/* Does the module start with `from __future__ import annotations` (after an optional
** docstring)? */
bool asy_future_annotations(AstNode *mod);
/* The scope created for a FunctionDef/AsyncFunctionDef/ClassDef/Lambda/comprehension
** node (or the module node), NULL if none. */
Scope *asy_symtable_scope(SymTable *st, const AstNode *node);
/* The symbol record of (already mangled) `name` in a scope, or NULL. */
Symbol *asy_scope_symbol(Scope *s, const char *name);
/* The resolved scope of `name` (already mangled) in s; SC_NONE if not in the table. */
SymScope asy_scope_lookup(Scope *s, const char *name);
/* True for function, lambda and comprehension scopes. */
static inline bool asy_scope_function_like(const Scope *s) { return s->type == BLOCK_FUNCTION; }
/* CPython's _Py_Mangle: `__x` inside class C becomes `_C__x`. Returns `name` itself
** when no mangling applies, else an arena string. */
const char *asy_mangle(AstArena *arena, const char *private_, const char *name);

/* Fill *err as CPython reports compiler errors: message (printf format), the node's
** range with 1-based offsets (byte columns + 1, as CPython's compiler does) and the
** source line as `text`. Shared by the symtable and the code generator, whose error
** functions take the format's arguments (hence the va_list). */
void asy_syntax_error_va(AsySyntaxErr *err, AstArena *arena, const char *src, size_t len,
                         int lineno, int col, int end_lineno, int end_col, const char *fmt,
                         va_list ap);

#endif
