/*
** ast.h — the Asy abstract syntax tree (output of the parser, input of the compiler).
**
** The tree mirrors CPython 3.13's `ast` module one-to-one: the same node kinds, the
** same field names, the same optional/sequence shapes and the same source positions.
** If you know `ast.dump(ast.parse(src))`, you know this tree:
**
**     BinOp(left=Name(id='a', ctx=Load()), op=Add(), right=Constant(value=1))
**     ==> n->kind == AST_BinOp, n->v.BinOp.left->v.Name.id == "a",
**         n->v.BinOp.op == AST_Add, n->v.BinOp.right->v.Constant.value.i == 1
**
** Conventions
** - Every node is an AstNode; `kind` says which member of the union `v` is live.
**   Expressions, statements and the helper nodes (arguments, arg, keyword, alias,
**   withitem, comprehension, ExceptHandler) are all AstNodes, so one AstSeq type
**   serves every list field.
** - Optional fields (Python `expr?`) are NULL when absent.
** - Sequences (Python `expr*`) are AstSeq {n, items}; an empty sequence has n == 0
**   (items may be NULL). A few sequences may contain NULL items, exactly where
**   Python's do: Dict.keys (NULL for a `**mapping` entry) and
**   arguments.kw_defaults (NULL for a keyword-only parameter without default).
** - Identifiers are NUL-terminated UTF-8 C strings (`char *`), never NULL when the
**   Python field is required. Lists of identifiers (Global.names, Nonlocal.names)
**   are AstIdSeq.
** - Positions are CPython's: lineno/end_lineno are 1-based, col_offset and
**   end_col_offset are 0-based and count UTF-8 BYTES from the start of the line.
**   The end position is exclusive. Nodes that have no position in CPython
**   (Module/Interactive/Expression, arguments, withitem) carry zeros;
**   comprehension carries the span of its `for ... if ...` clause (parser
**   bookkeeping, CPython has none); arg, keyword, alias and ExceptHandler have
**   positions as in CPython.
** - All memory (nodes, strings, sequence arrays) comes from an AstArena and is
**   released at once by asy_arena_free(). Nothing in the tree needs a destructor.
**
** Things the parser accepts but the compiler is expected to reject or ignore:
** - annotations (arg.annotation, FunctionDef.returns, AnnAssign.annotation): kept,
**   the compiler may ignore them (but AnnAssign with a value still assigns).
** - Yield / YieldFrom anywhere an expression may appear ("yield is not supported").
** - ImportFrom.level > 0 (relative import, `from . import x`).
** - Constants of kind AST_CONST_IMAG (`1j`).
** - Scope errors ('return' outside function, 'break' outside loop, nonlocal at
**   module level, 'await' outside async function...) are NOT detected by the
**   parser: that is the compiler's / symtable's job, as in CPython.
*/
#ifndef ASY_AST_H
#define ASY_AST_H

#include <stddef.h>
#include <stdint.h>

typedef struct AstNode AstNode;

/* ------------------------------------------------------------------------ */
/* Arena: every allocation of a parse lives here and is freed in one go.     */

typedef struct AstArenaChunk AstArenaChunk;
typedef struct AstArena {
  AstArenaChunk *head; /* newest chunk first */
  size_t used, cap;    /* fill of the head chunk */
  size_t total;        /* bytes allocated so far (for limits/statistics) */
} AstArena;

/* Prepare an empty arena (no allocation yet). A zeroed AstArena is also valid. */
void asy_arena_init(AstArena *a);
/* Release every block ever allocated from the arena; it can be reused afterwards. */
void asy_arena_free(AstArena *a);
/* Allocate n zeroed bytes aligned for any type; aborts only if malloc fails. */
void *asy_arena_alloc(AstArena *a, size_t n);
/* Copy n bytes of s into the arena and NUL-terminate them. */
char *asy_arena_strndup(AstArena *a, const char *s, size_t n);

/* ------------------------------------------------------------------------ */
/* Node kinds. The order groups mod / stmt / expr / helpers, as in Python.asdl. */

typedef enum {
  AST_None_ = 0, /* never produced; zero means "uninitialised" */

  /* mod */
  AST_Module,      /* v.Module.body */
  AST_Interactive, /* v.Interactive.body (REPL input, mode 1) */
  AST_Expression,  /* v.Expression.body (eval mode, mode 2) */

  /* stmt */
  AST_FunctionDef,
  AST_AsyncFunctionDef, /* same payload as FunctionDef: use v.FunctionDef */
  AST_ClassDef,
  AST_Return,
  AST_Delete,
  AST_Assign,
  AST_AugAssign,
  AST_AnnAssign,
  AST_For,
  AST_AsyncFor, /* same payload as For: use v.For */
  AST_While,
  AST_If,
  AST_With,
  AST_AsyncWith, /* same payload as With: use v.With */
  AST_Raise,
  AST_Try,
  AST_TryStar, /* same payload as Try: use v.Try */
  AST_Assert,
  AST_Import,
  AST_ImportFrom,
  AST_Global,
  AST_Nonlocal,
  AST_Expr,
  AST_Pass,
  AST_Break,
  AST_Continue,
  AST_Match,
  AST_TypeAlias,

  /* expr */
  AST_BoolOp,
  AST_NamedExpr,
  AST_BinOp,
  AST_UnaryOp,
  AST_Lambda,
  AST_IfExp,
  AST_Dict,
  AST_Set,
  AST_ListComp,
  AST_SetComp,
  AST_DictComp,
  AST_GeneratorExp,
  AST_Await,
  AST_Yield,
  AST_YieldFrom,
  AST_Compare,
  AST_Call,
  AST_FormattedValue,
  AST_JoinedStr,
  AST_Constant,
  AST_Attribute,
  AST_Subscript,
  AST_Starred,
  AST_Name,
  AST_List,
  AST_Tuple,
  AST_Slice,

  /* helper nodes */
  AST_arguments,
  AST_arg,
  AST_keyword,
  AST_alias,
  AST_withitem,
  AST_comprehension,
  AST_ExceptHandler,
  AST_match_case,
  /* patterns (CPython's `pattern` sum type) */
  AST_MatchValue,
  AST_MatchSingleton,
  AST_MatchSequence,
  AST_MatchMapping,
  AST_MatchClass,
  AST_MatchStar,
  AST_MatchAs,
  AST_MatchOr,
  /* type parameters (PEP 695) */
  AST_TypeVar,
  AST_ParamSpec,
  AST_TypeVarTuple,

  AST_KIND_COUNT
} AstKind;

/* True for the statement kinds, the expression kinds. */
#define AST_IS_STMT(k) ((k) >= AST_FunctionDef && (k) <= AST_TypeAlias)
#define AST_IS_PATTERN(k) ((k) >= AST_MatchValue && (k) <= AST_MatchOr)
#define AST_IS_EXPR(k) ((k) >= AST_BoolOp && (k) <= AST_Slice)

/* ------------------------------------------------------------------------ */
/* Operator and context enums (values start at 1; 0 never appears in a tree). */

typedef enum { AST_Load = 1, AST_Store, AST_Del } AstExprContext;

typedef enum { AST_And = 1, AST_Or } AstBoolOp;

typedef enum {
  AST_Add = 1,
  AST_Sub,
  AST_Mult,
  AST_MatMult,
  AST_Div,
  AST_Mod,
  AST_Pow,
  AST_LShift,
  AST_RShift,
  AST_BitOr,
  AST_BitXor,
  AST_BitAnd,
  AST_FloorDiv
} AstOperator; /* BinOp.op and AugAssign.op */

typedef enum { AST_Invert = 1, AST_Not, AST_UAdd, AST_USub } AstUnaryOp;

typedef enum {
  AST_Eq = 1,
  AST_NotEq,
  AST_Lt,
  AST_LtE,
  AST_Gt,
  AST_GtE,
  AST_Is,
  AST_IsNot,
  AST_In,
  AST_NotIn
} AstCmpOp;

/* ------------------------------------------------------------------------ */
/* Sequences. `cap` is the builder's capacity; readers only use n and items. */

typedef struct {
  int n, cap;
  AstNode **items;
} AstSeq;

typedef struct {
  int n, cap;
  char **items;
} AstIdSeq;

/* ------------------------------------------------------------------------ */
/* Constants (the `value` of an ast.Constant).                               */

typedef enum {
  AST_CONST_NONE = 1,
  AST_CONST_TRUE,
  AST_CONST_FALSE,
  AST_CONST_ELLIPSIS,
  AST_CONST_INT,   /* i; or `big` (see below) */
  AST_CONST_FLOAT, /* f */
  AST_CONST_IMAG,  /* f is the imaginary part of `<f>j` (Python complex); reject */
  AST_CONST_STR,   /* s/len: UTF-8 bytes, escapes already decoded; NUL-terminated */
  AST_CONST_BYTES  /* s/len: raw bytes, escapes decoded; NUL-terminated */
} AstConstKind;

typedef struct {
  AstConstKind kind;
  /* AST_CONST_INT only: the literal does not fit in int64. `i` is then 0 and
     `s`/`len` hold the literal exactly as written in the source (e.g.
     "0xFFFF_FFFF_FFFF_FFFF_F"); the compiler makes a big int of it. */
  int big;
  int64_t i;
  double f;
  const char *s; /* STR / BYTES data, or big-int literal text */
  size_t len;
} AstConst;

/* ------------------------------------------------------------------------ */
/* The node.                                                                 */

struct AstNode {
  AstKind kind;
  int lineno, col_offset, end_lineno, end_col_offset; /* CPython's, see top */
  /* Parser-internal bookkeeping (e.g. "this expression was parenthesised");
     meaningless to the compiler. */
  unsigned pflags;
  /* clang-format off */
  union {
    /* ---- mod ---- */
    struct { AstSeq body; } Module;      /* of stmt */
    struct { AstSeq body; } Interactive; /* of stmt */
    struct { AstNode *body; } Expression;

    /* ---- stmt ---- */
    struct {                   /* FunctionDef and AsyncFunctionDef */
      char *name;
      AstNode *args;           /* AST_arguments, never NULL */
      AstSeq body;             /* of stmt, n >= 1 */
      AstSeq decorator_list;   /* of expr, in source order */
      AstNode *returns;        /* expr? annotation `-> X` */
      AstSeq type_params;      /* of AST_TypeVar/ParamSpec/TypeVarTuple */
    } FunctionDef;
    struct {
      char *name;
      AstSeq bases;            /* of expr */
      AstSeq keywords;         /* of AST_keyword (metaclass=...) */
      AstSeq body;
      AstSeq decorator_list;
      AstSeq type_params;
    } ClassDef;
    struct { AstNode *value; } Return;     /* value? */
    struct { AstSeq targets; } Delete;     /* exprs with ctx Del */
    struct {
      AstSeq targets;          /* `a = b = v` -> targets [a, b], ctx Store */
      AstNode *value;
    } Assign;
    struct {
      AstNode *target;         /* Name / Attribute / Subscript, ctx Store */
      AstOperator op;
      AstNode *value;
    } AugAssign;
    struct {
      AstNode *target;         /* Name / Attribute / Subscript, ctx Store */
      AstNode *annotation;
      AstNode *value;          /* expr? */
      int simple;              /* 1 iff target is a Name not in parentheses */
    } AnnAssign;
    struct {                   /* For and AsyncFor */
      AstNode *target;         /* ctx Store */
      AstNode *iter;
      AstSeq body, orelse;
    } For;
    struct { AstNode *test; AstSeq body, orelse; } While;
    struct {
      AstNode *test;
      AstSeq body;
      AstSeq orelse;           /* `elif` is a nested If as the only orelse item */
    } If;
    struct {                   /* With and AsyncWith */
      AstSeq items;            /* of AST_withitem */
      AstSeq body;
    } With;
    struct { AstNode *exc, *cause; } Raise; /* both optional */
    struct {                   /* Try and TryStar */
      AstSeq body;
      AstSeq handlers;         /* of AST_ExceptHandler */
      AstSeq orelse, finalbody;
    } Try;
    struct { AstNode *test, *msg; } Assert; /* msg? */
    struct { AstSeq names; } Import;        /* of AST_alias */
    struct {
      char *module;            /* NULL for `from . import x` */
      AstSeq names;            /* of AST_alias; `*` is alias(name="*") */
      int level;               /* number of leading dots; 0 = absolute */
    } ImportFrom;
    struct { AstIdSeq names; } Global;
    struct { AstIdSeq names; } Nonlocal;
    struct { AstNode *value; } Expr;
    struct { AstNode *subject; AstSeq cases; } Match; /* cases: of AST_match_case */
    struct {
      AstNode *name;           /* Name, ctx Store */
      AstSeq type_params;
      AstNode *value;
    } TypeAlias;
    /* Pass, Break, Continue: no fields */

    /* ---- expr ---- */
    struct { AstBoolOp op; AstSeq values; } BoolOp; /* values.n >= 2 */
    struct { AstNode *target, *value; } NamedExpr;  /* target: Name, Store */
    struct { AstNode *left; AstOperator op; AstNode *right; } BinOp;
    struct { AstUnaryOp op; AstNode *operand; } UnaryOp;
    struct { AstNode *args; AstNode *body; } Lambda; /* args: AST_arguments */
    struct { AstNode *test, *body, *orelse; } IfExp; /* body if test else orelse */
    struct {
      AstSeq keys;             /* key NULL <=> `**values[i]` */
      AstSeq values;           /* keys.n == values.n */
    } Dict;
    struct { AstSeq elts; } Set;
    struct { AstNode *elt; AstSeq generators; } ListComp;  /* of comprehension */
    struct { AstNode *elt; AstSeq generators; } SetComp;
    struct { AstNode *key, *value; AstSeq generators; } DictComp;
    struct { AstNode *elt; AstSeq generators; } GeneratorExp;
    struct { AstNode *value; } Await;
    struct { AstNode *value; } Yield;      /* value? */
    struct { AstNode *value; } YieldFrom;
    struct {
      AstNode *left;
      AstCmpOp *ops;           /* ops[i] for i < comparators.n */
      AstSeq comparators;      /* `a < b < c` -> left a, ops [Lt, Lt], [b, c] */
    } Compare;
    struct {
      AstNode *func;
      AstSeq args;             /* exprs; `*x` appears as Starred */
      AstSeq keywords;         /* of AST_keyword; `**x` is keyword(arg=NULL) */
    } Call;
    struct {
      AstNode *value;
      int conversion;          /* -1 none, 's' (115), 'r' (114), 'a' (97) */
      AstNode *format_spec;    /* JoinedStr? */
    } FormattedValue;
    struct {
      AstSeq values;           /* Constant(str) and FormattedValue, merged as
                                  CPython merges adjacent literal parts */
    } JoinedStr;
    struct {
      AstConst value;
      int kind_u;              /* 1 iff a string literal had the `u` prefix
                                  (ast shows kind='u'); else 0 */
    } Constant;
    struct { AstNode *value; char *attr; AstExprContext ctx; } Attribute;
    struct {
      AstNode *value;
      AstNode *slice;          /* expr, Slice, or Tuple containing Slices */
      AstExprContext ctx;
    } Subscript;
    struct { AstNode *value; AstExprContext ctx; } Starred;
    struct { char *id; AstExprContext ctx; } Name;
    struct { AstSeq elts; AstExprContext ctx; } List;
    struct { AstSeq elts; AstExprContext ctx; } Tuple;
    struct { AstNode *lower, *upper, *step; } Slice; /* all optional */

    /* ---- helpers ---- */
    struct {
      AstSeq posonlyargs;      /* of AST_arg, before `/` */
      AstSeq args;             /* of AST_arg, ordinary positional-or-keyword */
      AstNode *vararg;         /* AST_arg? `*args` */
      AstSeq kwonlyargs;       /* of AST_arg, after `*` or `*args` */
      AstSeq kw_defaults;      /* exprs, NULL = no default; n == kwonlyargs.n */
      AstNode *kwarg;          /* AST_arg? `**kwargs` */
      AstSeq defaults;         /* defaults of the LAST defaults.n positional
                                  params (posonlyargs followed by args) */
    } arguments;
    struct { char *arg; AstNode *annotation; } arg; /* annotation? */
    struct {
      char *arg;               /* NULL for `**mapping` */
      AstNode *value;
    } keyword;
    struct { char *name; char *asname; } alias; /* name may be dotted "a.b.c";
                                                   asname NULL if absent */
    struct { AstNode *context_expr, *optional_vars; } withitem; /* vars? Store */
    struct {
      AstNode *target;         /* ctx Store */
      AstNode *iter;
      AstSeq ifs;
      int is_async;
    } comprehension;
    struct {
      AstNode *type;           /* expr? (NULL for bare `except:`) */
      char *name;              /* NULL unless `as name` */
      AstSeq body;
    } ExceptHandler;
    struct { AstNode *pattern, *guard; AstSeq body; } match_case; /* guard? */

    /* ---- patterns ---- */
    struct { AstNode *value; } MatchValue;          /* Constant, -Constant, Attribute.. */
    struct { AstConst value; } MatchSingleton;      /* None / True / False */
    struct { AstSeq patterns; } MatchSequence;
    struct {
      AstSeq keys;             /* exprs */
      AstSeq patterns;
      char *rest;              /* `**rest` name or NULL */
    } MatchMapping;
    struct {
      AstNode *cls;
      AstSeq patterns;
      AstIdSeq kwd_attrs;
      AstSeq kwd_patterns;
    } MatchClass;
    struct { char *name; } MatchStar;               /* NULL for `*_` */
    struct { AstNode *pattern; char *name; } MatchAs; /* both NULL: `_` */
    struct { AstSeq patterns; } MatchOr;

    /* ---- type parameters ---- */
    /* bound? (a bound, or a Tuple of constraints); default_value? (PEP 696) */
    struct { char *name; AstNode *bound, *default_value; } TypeVar;
    struct { char *name; AstNode *default_value; } ParamSpec;
    struct { char *name; AstNode *default_value; } TypeVarTuple;
  } v;
  /* clang-format on */
};

/* ------------------------------------------------------------------------ */
/* Construction helpers (used by the parser; handy for synthesising trees). */

/* New zeroed node of `kind` with the given source range. */
AstNode *asy_ast_new(AstArena *a, AstKind kind, int lineno, int col, int end_lineno, int end_col);
/* Append x (may be NULL) to a sequence, growing it inside the arena. */
void asy_seq_push(AstArena *a, AstSeq *s, AstNode *x);
/* Append an identifier to an identifier sequence. */
void asy_idseq_push(AstArena *a, AstIdSeq *s, char *id);
/* Copy the source range of `from` (start) and `to` (end) into n. */
void asy_ast_span(AstNode *n, const AstNode *from, const AstNode *to);
/* The default of a TypeVar/ParamSpec/TypeVarTuple node (PEP 696), or NULL. */
static inline AstNode *asy_type_param_default(const AstNode *tp) {
  return tp->kind == AST_TypeVar     ? tp->v.TypeVar.default_value
         : tp->kind == AST_ParamSpec ? tp->v.ParamSpec.default_value
                                     : tp->v.TypeVarTuple.default_value;
}
/* A unique key for the scope that evaluates that default (the node itself keys the
   bound's scope). */
static inline const void *asy_type_param_default_key(const AstNode *tp) {
  return tp->kind == AST_TypeVar     ? (const void *)&tp->v.TypeVar.default_value
         : tp->kind == AST_ParamSpec ? (const void *)&tp->v.ParamSpec.default_value
                                     : (const void *)&tp->v.TypeVarTuple.default_value;
}
/* Python's class name of a node kind ("BinOp", "arguments"...). */
const char *asy_ast_kind_name(AstKind k);

/* ------------------------------------------------------------------------ */
/* Debug output (lang/ast_dump.c).                                           */

/* Flags for asy_ast_dump. */
#define AST_DUMP_POSITIONS 1 /* append lineno/col_offset/... like include_attributes */

/* Write the tree as CPython's `ast.dump(tree)` prints it (one line, no newline
   at the end), so the two can be diffed. Returns 0, or -1 on write error. */
#include <stdio.h>
int asy_ast_dump(FILE *out, const AstNode *n, int flags);

#endif /* ASY_AST_H */
