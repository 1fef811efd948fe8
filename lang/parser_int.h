/*
** parser_int.h — internals shared by the lemon grammar (grammar.y), the AST
** builders it calls (astbuild.c, fstring.c) and the driver (parse.c).
** Not part of the front end's API (that is parse.h).
*/
#ifndef ASY_PARSER_INT_H
#define ASY_PARSER_INT_H

#include <stdarg.h>

#include "lang/lexer.h"

/* Parser-internal AstNode.pflags bits. */
/* clang-format off */
#define PF_PAREN 1u      /* the expression was written inside its own ( ) */
#define PF_BARE_GENEXP 2u /* a generator expression without its own parentheses
                            (only legal as the sole argument of a call) */
#define PF_OUTER 4u      /* has an outer span in AsyParse.parens (see ab_outer) */
/* clang-format on */

/* One item of a parameter list, before arguments() sorts them. */
enum { PI_PLAIN, PI_SLASH, PI_STAR, PI_STARARG, PI_DSTAR };
typedef struct {
  int kind;
  AstNode *arg;  /* AST_arg for PLAIN/STARARG/DSTAR */
  AstNode *dflt; /* default value, or NULL */
  AsyToken tok;  /* the item's first token (for '/' and '*') */
} ParamItem;
typedef struct {
  int n, cap;
  ParamItem *items;
} ParamList;

/* Adjacent string literals of one atom, before concatenation. */
typedef struct {
  int is_f;     /* 0: a STRING token; 1: an f-string */
  AsyToken tok; /* STRING token, or FSTRING_START for an f-string */
  AstNode *fs;  /* f-string: JoinedStr of unmerged parts, full span */
} StrPiece;
typedef struct {
  int n, cap;
  StrPiece *items;
} StrPieces;

/* f-string field pieces carried between grammar rules. */
typedef struct {
  int conv;     /* -1 or 's' 'r' 'a' */
  AsyToken tok; /* the '!' token */
} FConv;

typedef struct {
  int present; /* a ':' spec was written (possibly empty) */
  AsyToken colon;
  AstSeq parts; /* FSTRING_MIDDLE Constants and FormattedValues */
} FSpec;

typedef struct ParenSpan {
  const AstNode *node;
  int l1, c1, l2, c2;
} ParenSpan;

typedef struct AsyParse {
  AstArena *a;
  AsyLexer *L;
  int mode; /* ASY_PARSE_* */
  AstNode *result;
  int failed;    /* an error was recorded: stop feeding tokens */
  AsyToken cur;  /* the lookahead token being fed to the parser */
  AsyToken prev; /* the token fed before it */
  void *lemon;   /* the lemon parser (for acceptance probes) */
  /* context remembered for CPython-like error messages */
  AsyToken line_first, line_second;     /* first tokens of this logical line */
  AsyToken header_first, header_second; /* ... of the previous logical line */
  AsyToken expr_start;                  /* where the expression containing `prev` began */
  AsyToken ifexp_start;                 /* start of the body of the last `body if ...` */
  AsyToken ifexp_prev;                  /* ... and of the one before */
  AsyToken lambda_tok;                  /* last 'lambda' seen (type 0 if none) */
  AsyToken field_tok;                   /* last '{' opening an f-string field */
  int ntokens;                          /* tokens fed so far (MODE token excluded) */
  int err_kind;                         /* ASY_ERR_* for the next ab_error_range (default syntax) */
  void *driver;                         /* parse.c's token queue */
  struct ParenSpan *parens;             /* open-addressing map node -> outer span */
  int nparens, capparens;
} AsyParse;

/* ---- errors (parse.c) ---- */

/* Record a SyntaxError over a byte range (0-based columns); first error wins. */
void ab_error_range(AsyParse *P, int l1, int c1, int l2, int c2, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
#define ab_error_node(P, n, ...) \
  ab_error_range(P, (n)->lineno, (n)->col_offset, (n)->end_lineno, (n)->end_col_offset, __VA_ARGS__)
#define ab_error_tok(P, t, ...) \
  ab_error_range(P, (t).lineno, (t).col, (t).end_lineno, (t).end_col, __VA_ARGS__)
/* Column of the `ch` found going back from (lineno, col) over blanks on
   that line, or col itself if there is none. */
int ab_col_before(AsyParse *P, int lineno, int col, char ch);
/* The grammar's %syntax_error: pick CPython's message for an unexpected token
   (synerr.c). */
void asy_parse_syntax_error(AsyParse *P, const AsyToken *t);

/* The i-th token after the driver's queue head (lexing ahead as needed), NULL
   past the end (parse.c). */
AsyToken *asy_driver_peek(void *driver, int i);
/* May a token of this type continue an expression (so an expression that
   started before it is still going on)? (synerr.c) */
int asy_tok_inside_expr(int type);

/* ---- node builders (astbuild.c) ---- */

AstNode *ab_new(AsyParse *P, AstKind k, int l1, int c1, int l2, int c2);
/* Spans. A parenthesised expression keeps its own position, but a node built
   around it starts/ends at the parentheses (as in CPython): the node's
   "outer" span is remembered by ab_paren and used by these helpers. */
void ab_outer(AsyParse *P, const AstNode *n, int *l1, int *c1, int *l2, int *c2);
AstNode *ab_span(AsyParse *P, AstKind k, const AstNode *a, const AstNode *b);
AstNode *ab_span_tn(AsyParse *P, AstKind k, const AsyToken *a, const AstNode *b);
AstNode *ab_span_nt(AsyParse *P, AstKind k, const AstNode *a, const AsyToken *b);
/* Set n's end to the outer end of e. */
void ab_extend(AsyParse *P, AstNode *n, const AstNode *e);
/* Set n's start to the outer start of e. */
void ab_start_at(AsyParse *P, AstNode *n, const AstNode *e);
/* token..token, node..node, token..node, node..token ranges */
#define NTT(P, k, a, b) ab_new(P, k, (a).lineno, (a).col, (b).end_lineno, (b).end_col)
#define NNN(P, k, a, b) ab_span(P, k, a, b)
#define NTN(P, k, a, b) ab_span_tn(P, k, &(a), b)
#define NNT(P, k, a, b) ab_span_nt(P, k, a, &(b))

AstSeq ab_seq1(AsyParse *P, AstNode *x);
void ab_push(AsyParse *P, AstSeq *s, AstNode *x);
AstNode *ab_last(AstSeq s);
char *ab_str(AsyParse *P, const AsyToken *t);

AstNode *ab_name(AsyParse *P, const AsyToken *t);
AstNode *ab_const(AsyParse *P, const AsyToken *t, AstConstKind kind);
AstNode *ab_number(AsyParse *P, const AsyToken *t);
AstNode *ab_binop(AsyParse *P, AstNode *l, AstOperator op, AstNode *r);
AstNode *ab_boolop(AsyParse *P, AstNode *l, AstBoolOp op, AstNode *r);
AstNode *ab_compare(AsyParse *P, AstNode *l, AstCmpOp op, AstNode *r);
AstNode *ab_unary(AsyParse *P, const AsyToken *t, AstUnaryOp op, AstNode *e);
AstNode *ab_paren(AsyParse *P, AstNode *e, const AsyToken *lpar, const AsyToken *rpar);
/* `a; b;` — an enclosing compound statement ends at the trailing ';' (CPython). */
void ab_semicolon_end(AsyParse *P, AstNode *stmt, const AsyToken *semi);
/* Tuple from a comma list with no parentheses (span of its items, plus a
   trailing comma token if given). */
AstNode *ab_tuple(AsyParse *P, AstSeq elts, const AsyToken *trailing_comma);
AstNode *ab_namedexpr(AsyParse *P, AstNode *target, AstNode *value);
AstNode *ab_starred(AsyParse *P, const AsyToken *star, AstNode *e);

/* Target checking. What the target is used for decides the messages. */
enum { TGT_ASSIGN, TGT_FOR, TGT_WITH, TGT_COMP, TGT_DEL };
AstNode *ab_target(AsyParse *P, AstNode *e, int use);
AstNode *ab_assign(AsyParse *P, AstNode *first, AstSeq rest);
AstNode *ab_augassign(AsyParse *P, AstNode *t, AstOperator op, AstNode *v);
AstNode *ab_annassign(AsyParse *P, AstNode *t, AstNode *ann, AstNode *v, const AsyToken *end);
AstNode *ab_delete(AsyParse *P, const AsyToken *del, AstSeq targets);

/* Calls. `args` mixes expressions and AST_keyword nodes in source order. */
AstNode *ab_call(AsyParse *P, AstNode *func, AstSeq args, const AsyToken *lpar,
                 const AsyToken *rpar);
AstNode *ab_kwarg(AsyParse *P, AstNode *name, const AsyToken *eq, AstNode *value);
AstNode *ab_dstar_arg(AsyParse *P, const AsyToken *t, AstNode *value);

/* Patterns (astbuild_match.c). */
/* A comma list of patterns: a group (one item, no comma, parenthesised), the item
   itself (top level, no comma) or a MatchSequence; lpar/rpar NULL at top level. */
AstNode *ab_pattern_list(AsyParse *P, AstSeq *items, int comma, const AsyToken *lpar,
                         const AsyToken *rpar);
/* A literal expression used as a pattern: MatchSingleton or MatchValue. */
AstNode *ab_literal_pattern(AsyParse *P, AstNode *e);
/* A bare name (capture or wildcard) or a dotted name (value pattern). */
AstNode *ab_name_pattern(AsyParse *P, AstNode *n);
/* Cls(pos..., kw=...) ; pos/kw NULL when absent; kw items are keyword nodes. */
AstNode *ab_class_pattern(AsyParse *P, AstNode *cls, AstSeq *pos, AstSeq *kw,
                          const AsyToken *rpar);
/* One `key: pattern` entry of a mapping pattern (carried as a one-entry Dict). */
AstNode *ab_map_item(AsyParse *P, AstNode *key, AstNode *pattern);
/* {items..., **rest}: items or rest may be NULL. */
AstNode *ab_mapping_pattern(AsyParse *P, const AsyToken *lbrace, AstSeq *items,
                            const AsyToken *rest, const AsyToken *rbrace);

/* Parameters. */
void ab_param(AsyParse *P, ParamList **pl, int kind, AstNode *arg, AstNode *dflt,
              const AsyToken *tok);
AstNode *ab_arg(AsyParse *P, const AsyToken *name, AstNode *annotation);
AstNode *ab_arguments(AsyParse *P, ParamList *pl, int is_lambda);

/* Statements needing assembly. */
AstNode *ab_try(AsyParse *P, const AsyToken *t, AstSeq body, AstSeq handlers, AstSeq orelse,
                AstSeq finalbody);
AstNode *ab_with(AsyParse *P, const AsyToken *t, AstSeq items, AstSeq body, int is_async);
AstNode *ab_alias(AsyParse *P, AstNode *dotted, const AsyToken *asname);

/* ---- strings and f-strings (fstring.c) ---- */
void ab_str_piece(AsyParse *P, StrPieces **sp, int is_f, const AsyToken *t, AstNode *fs);
AstNode *ab_strings(AsyParse *P, StrPieces *sp);
AstNode *ab_fmiddle(AsyParse *P, const AsyToken *t);
AstNode *ab_fstring(AsyParse *P, const AsyToken *start, AstSeq parts, const AsyToken *end);
/* One replacement field {expr=!c:spec}; `eq` NULL without '='. Pushes the
   debug text Constant (if any) and the FormattedValue to *out. */
void ab_ffield(AsyParse *P, AstSeq *out, const AsyToken *lbrace, AstNode *expr, const AsyToken *eq,
               FConv conv, FSpec spec, const AsyToken *rbrace);
FConv ab_fconv(AsyParse *P, const AsyToken *bang, const AsyToken *name);

/* Acceptance probe (grammar.y %code): would the parser shift `token` now?
   The tables are generated uncompressed (lemon -c), so no default reduction
   has run before an error is detected and the probe sees the real state. */
int asy_parser_accepts(void *lemon, int token);
/* Symbol code k entries below the top of the stack, -1 if none. (Only the
   code: values on the stack have symbol-dependent types.) */
int asy_parser_peek(void *lemon, int k);

#endif /* ASY_PARSER_INT_H */
