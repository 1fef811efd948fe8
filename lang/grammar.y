/*
** grammar.y — the Asy grammar (lemon). This file is the canonical source: the
** generated grammar.c / grammar.h live in the build tree and must not be edited.
**
** The rules follow Python 3.13's grammar (Grammar/python.gram) re-cut for
** LALR(1): expressions are stratified by precedence exactly like the PEG rules
** (disjunction > conjunction > inversion > comparison > bitwise_or ...), and
** everything that PEG decides by backtracking is parsed as the more general
** form and checked in the action:
**   - assignment / for / del / with targets are parsed as expressions and then
**     converted to Store/Del context (ab_target), with CPython's messages;
**   - keyword arguments are `test '=' test` checked to be a plain name;
**   - parameter lists are a flat list of items sorted out by ab_arguments;
**   - `with (a as b, c):` is told apart from `with (a, b) as c:` by the driver,
**     which turns the '(' into WITH_LPAR when its ')' is followed by ':'.
** All nodes come from an arena, so no %destructor is needed; the first error
** stops the parse (YYNOERRORRECOVERY).
*/

%name AsyParser
%token_prefix TK_
%token_type {AsyToken}
%extra_context {AsyParse *P}
%default_type {AstNode *}
%stack_size 0

%include {
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "lang/parser_int.h"

#define YYNOERRORRECOVERY 1
#define YYMALLOCARGTYPE size_t
#ifndef NDEBUG
#define NDEBUG 1 /* no parser tracing code and no asserts in lempar.c */
#endif

/* A comma-separated list, remembering a trailing comma. */
typedef struct {
  AstSeq s;
  int trailing;
  AsyToken comma; /* the trailing comma */
} ExprList;

typedef struct {
  AstIdSeq ids;
  AsyToken last;
} NameList;

typedef struct {
  int level;
  AstNode *name; /* dotted name as a Name node, or NULL */
} FromModule;

/* A list of plain expressions as one node: a single item, or a Tuple. */
static AstNode *list_node(AsyParse *P, ExprList *L) {
  if (L->s.n == 1 && !L->trailing) return L->s.items[0];
  return ab_tuple(P, L->s, L->trailing > 0 ? &L->comma : NULL);
}

static AstNode *seq_end(AstSeq s) { return s.items[s.n - 1]; }
}

%syntax_error {
  (void)yymajor;
  asy_parse_syntax_error(P, &TOKEN);
}
/* Nodes live in the arena: nothing to destroy. (Mentions P and yypminor so
   the generated yy_destructor compiles warning-free under -Wall -Wextra.) */
%default_destructor { (void)P; (void)yypminor; }
%stack_overflow {
  ab_error_range(P, 0, 0, 0, 0, "too complex");
}

/* Declare every terminal first so token numbers are stable. */
%token MODE_FILE MODE_SINGLE MODE_EVAL.
%token NAME NUMBER STRING FSTRING_START FSTRING_MIDDLE FSTRING_END.
%token NEWLINE INDENT DEDENT NL.
%token LPAR RPAR LSQB RSQB LBRACE RBRACE WITH_LPAR.
%token COLON COMMA SEMI PLUS MINUS STAR SLASH VBAR AMPER LESS GREATER EQUAL DOT.
%token PERCENT EQEQUAL NOTEQUAL LESSEQUAL GREATEREQUAL TILDE CIRCUMFLEX.
%token LEFTSHIFT RIGHTSHIFT DOUBLESTAR PLUSEQUAL MINEQUAL STAREQUAL SLASHEQUAL.
%token PERCENTEQUAL AMPEREQUAL VBAREQUAL CIRCUMFLEXEQUAL LEFTSHIFTEQUAL.
%token RIGHTSHIFTEQUAL DOUBLESTAREQUAL DOUBLESLASH DOUBLESLASHEQUAL AT ATEQUAL.
%token RARROW ELLIPSIS COLONEQUAL EXCLAMATION.
%token FALSE NONE TRUE AND AS ASSERT ASYNC AWAIT BREAK CLASS CONTINUE DEF DEL.
%token ELIF ELSE EXCEPT FINALLY FOR FROM GLOBAL IF IMPORT IN IS LAMBDA NONLOCAL.
%token NOT OR PASS RAISE RETURN TRY WHILE WITH YIELD.
/* soft keywords: the driver turns a NAME into these where the statement needs it */
%token MATCH CASE TYPE.

%start_symbol input

/* ------------------------------------------------------------------------ */
/* Entry points: the driver feeds a MODE_* token first.                     */

input ::= MODE_FILE file.
input ::= MODE_SINGLE single.
input ::= MODE_EVAL eval.

file ::= . {
  P->result = ab_new(P, AST_Module, 0, 0, 0, 0);
}
file ::= stmts(B). {
  P->result = ab_new(P, AST_Module, 0, 0, 0, 0);
  P->result->v.Module.body = B;
}

single ::= . {
  P->result = ab_new(P, AST_Interactive, 0, 0, 0, 0);
}
single ::= simple_stmts(B). {
  P->result = ab_new(P, AST_Interactive, 0, 0, 0, 0);
  P->result->v.Interactive.body = B;
}
single ::= compound_stmt(C). {
  P->result = ab_new(P, AST_Interactive, 0, 0, 0, 0);
  P->result->v.Interactive.body = ab_seq1(P, C);
}

eval ::= testlist_star(E) newlines. {
  P->result = ab_new(P, AST_Expression, 0, 0, 0, 0);
  P->result->v.Expression.body = E;
}
newlines ::= .
newlines ::= newlines NEWLINE.

/* ------------------------------------------------------------------------ */
/* Statements                                                               */

%type stmts {AstSeq}
%type simple_stmts {AstSeq}
%type simple_list {AstSeq}
%type block {AstSeq}

stmts(A) ::= simple_stmts(A).
stmts(A) ::= compound_stmt(B). { A = ab_seq1(P, B); }
stmts(A) ::= stmts(A) simple_stmts(B). {
  for (int i = 0; i < B.n; i++) ab_push(P, &A, B.items[i]);
}
stmts(A) ::= stmts(A) compound_stmt(B). { ab_push(P, &A, B); }

simple_stmts(A) ::= simple_list(A) NEWLINE.
simple_stmts(A) ::= simple_list(A) SEMI(S) NEWLINE. { ab_semicolon_end(P, A.items[A.n - 1], &S); }
simple_list(A) ::= simple_stmt(B). { A = ab_seq1(P, B); }
simple_list(A) ::= simple_list(A) SEMI simple_stmt(B). { ab_push(P, &A, B); }

block(A) ::= simple_stmts(A).
block(A) ::= NEWLINE INDENT stmts(B) DEDENT. { A = B; }

/* ---- simple statements ---- */

simple_stmt(A) ::= testlist_star(E). {
  A = NNN(P, AST_Expr, E, E);
  A->v.Expr.value = E;
}
simple_stmt(A) ::= yield_expr(E). {
  A = NNN(P, AST_Expr, E, E);
  A->v.Expr.value = E;
}

%type assign_rhs {AstSeq}
simple_stmt(A) ::= testlist_star(T) EQUAL assign_rhs(L). { A = ab_assign(P, T, L); }
simple_stmt(A) ::= yield_expr(T) EQUAL assign_rhs(L). { A = ab_assign(P, T, L); }
assign_rhs(A) ::= rhs(B). { A = ab_seq1(P, B); }
assign_rhs(A) ::= assign_rhs(A) EQUAL rhs(B). { ab_push(P, &A, B); }
rhs(A) ::= testlist_star(A).
rhs(A) ::= yield_expr(A).

simple_stmt(A) ::= testlist_star(T) augassign(O) rhs(V). { A = ab_augassign(P, T, (AstOperator)O, V); }
simple_stmt(A) ::= testlist_star(T) COLON test(X). { A = ab_annassign(P, T, X, NULL, NULL); }
simple_stmt(A) ::= testlist_star(T) COLON test(X) EQUAL rhs(V). {
  A = ab_annassign(P, T, X, V, NULL);
}

%type augassign {int}
augassign(A) ::= PLUSEQUAL. { A = AST_Add; }
augassign(A) ::= MINEQUAL. { A = AST_Sub; }
augassign(A) ::= STAREQUAL. { A = AST_Mult; }
augassign(A) ::= ATEQUAL. { A = AST_MatMult; }
augassign(A) ::= SLASHEQUAL. { A = AST_Div; }
augassign(A) ::= PERCENTEQUAL. { A = AST_Mod; }
augassign(A) ::= AMPEREQUAL. { A = AST_BitAnd; }
augassign(A) ::= VBAREQUAL. { A = AST_BitOr; }
augassign(A) ::= CIRCUMFLEXEQUAL. { A = AST_BitXor; }
augassign(A) ::= LEFTSHIFTEQUAL. { A = AST_LShift; }
augassign(A) ::= RIGHTSHIFTEQUAL. { A = AST_RShift; }
augassign(A) ::= DOUBLESTAREQUAL. { A = AST_Pow; }
augassign(A) ::= DOUBLESLASHEQUAL. { A = AST_FloorDiv; }

simple_stmt(A) ::= PASS(T). { A = NTT(P, AST_Pass, T, T); }
simple_stmt(A) ::= BREAK(T). { A = NTT(P, AST_Break, T, T); }
simple_stmt(A) ::= CONTINUE(T). { A = NTT(P, AST_Continue, T, T); }
simple_stmt(A) ::= RETURN(T). { A = NTT(P, AST_Return, T, T); }
simple_stmt(A) ::= RETURN(T) testlist_star(E). {
  A = NTN(P, AST_Return, T, E);
  A->v.Return.value = E;
}
simple_stmt(A) ::= RAISE(T). { A = NTT(P, AST_Raise, T, T); }
simple_stmt(A) ::= RAISE(T) test(E). {
  A = NTN(P, AST_Raise, T, E);
  A->v.Raise.exc = E;
}
simple_stmt(A) ::= RAISE(T) test(E) FROM test(C). {
  A = NTN(P, AST_Raise, T, C);
  A->v.Raise.exc = E;
  A->v.Raise.cause = C;
}
simple_stmt(A) ::= ASSERT(T) test(E). {
  A = NTN(P, AST_Assert, T, E);
  A->v.Assert.test = E;
}
simple_stmt(A) ::= ASSERT(T) test(E) COMMA test(M). {
  A = NTN(P, AST_Assert, T, M);
  A->v.Assert.test = E;
  A->v.Assert.msg = M;
}
simple_stmt(A) ::= GLOBAL(T) namelist(L). {
  A = NTT(P, AST_Global, T, L.last);
  A->v.Global.names = L.ids;
}
simple_stmt(A) ::= NONLOCAL(T) namelist(L). {
  A = NTT(P, AST_Nonlocal, T, L.last);
  A->v.Nonlocal.names = L.ids;
}
%type namelist {NameList}
namelist(A) ::= NAME(N). {
  memset(&A, 0, sizeof A);
  asy_idseq_push(P->a, &A.ids, ab_str(P, &N));
  A.last = N;
}
namelist(A) ::= namelist(A) COMMA NAME(N). {
  asy_idseq_push(P->a, &A.ids, ab_str(P, &N));
  A.last = N;
}

simple_stmt(A) ::= DEL(T) tlist(L). { A = ab_delete(P, &T, L.s); }
simple_stmt(A) ::= DEL(T) tlist(L) COMMA(C). {
  A = ab_delete(P, &T, L.s);
  A->end_lineno = C.end_lineno;
  A->end_col_offset = C.end_col;
}

/* ---- import ---- */

%type dotted_as_names {AstSeq}
%type import_as_names {AstSeq}
%type from_module {FromModule}
%type dots {int}

simple_stmt(A) ::= IMPORT(T) dotted_as_names(L). {
  A = NTN(P, AST_Import, T, seq_end(L));
  A->v.Import.names = L;
}
dotted_as_names(A) ::= dotted_as_name(B). { A = ab_seq1(P, B); }
dotted_as_names(A) ::= dotted_as_names(A) COMMA dotted_as_name(B). { ab_push(P, &A, B); }
dotted_as_name(A) ::= dotted_name(D). { A = ab_alias(P, D, NULL); }
dotted_as_name(A) ::= dotted_name(D) AS NAME(N). { A = ab_alias(P, D, &N); }
/* a dotted name is carried as a Name node whose id is "a.b.c" */
dotted_name(A) ::= NAME(N). { A = ab_name(P, &N); }
dotted_name(A) ::= dotted_name(D) DOT NAME(N). {
  size_t l1 = strlen(D->v.Name.id), l2 = (size_t)N.n;
  char *s = asy_arena_alloc(P->a, l1 + l2 + 2);
  memcpy(s, D->v.Name.id, l1);
  s[l1] = '.';
  memcpy(s + l1 + 1, N.z, l2);
  A = NNT(P, AST_Name, D, N);
  A->v.Name.id = s;
  A->v.Name.ctx = AST_Load;
}

simple_stmt(A) ::= FROM(T) from_module(M) IMPORT STAR(S). {
  A = NTT(P, AST_ImportFrom, T, S);
  A->v.ImportFrom.module = M.name ? M.name->v.Name.id : NULL;
  A->v.ImportFrom.level = M.level;
  AstNode *al = NTT(P, AST_alias, S, S);
  al->v.alias.name = "*";
  A->v.ImportFrom.names = ab_seq1(P, al);
}
simple_stmt(A) ::= FROM(T) from_module(M) IMPORT import_as_names(L). {
  A = NTN(P, AST_ImportFrom, T, seq_end(L));
  A->v.ImportFrom.module = M.name ? M.name->v.Name.id : NULL;
  A->v.ImportFrom.level = M.level;
  A->v.ImportFrom.names = L;
}
simple_stmt(A) ::= FROM(T) from_module(M) IMPORT import_as_names(L) COMMA. {
  A = NTN(P, AST_ImportFrom, T, seq_end(L));
  A->v.ImportFrom.module = M.name ? M.name->v.Name.id : NULL;
  A->v.ImportFrom.level = M.level;
  A->v.ImportFrom.names = L;
  /* reported at the token after the comma, like CPython */
  ab_error_tok(P, P->cur, "trailing comma not allowed without surrounding parentheses");
}
simple_stmt(A) ::= FROM(T) from_module(M) IMPORT LPAR import_as_names(L) opt_comma RPAR(R). {
  A = NTT(P, AST_ImportFrom, T, R);
  A->v.ImportFrom.module = M.name ? M.name->v.Name.id : NULL;
  A->v.ImportFrom.level = M.level;
  A->v.ImportFrom.names = L;
}
opt_comma ::= .
opt_comma ::= COMMA.

from_module(A) ::= dotted_name(D). { A.level = 0; A.name = D; }
from_module(A) ::= dots(L). { A.level = L; A.name = NULL; }
from_module(A) ::= dots(L) dotted_name(D). { A.level = L; A.name = D; }
dots(A) ::= DOT. { A = 1; }
dots(A) ::= ELLIPSIS. { A = 3; }
dots(A) ::= dots(A) DOT. { A += 1; }
dots(A) ::= dots(A) ELLIPSIS. { A += 3; }

import_as_names(A) ::= import_as_name(B). { A = ab_seq1(P, B); }
import_as_names(A) ::= import_as_names(A) COMMA import_as_name(B). { ab_push(P, &A, B); }
import_as_name(A) ::= NAME(N). {
  A = NTT(P, AST_alias, N, N);
  A->v.alias.name = ab_str(P, &N);
}
import_as_name(A) ::= NAME(N) AS NAME(M). {
  A = NTT(P, AST_alias, N, M);
  A->v.alias.name = ab_str(P, &N);
  A->v.alias.asname = ab_str(P, &M);
}

/* ---- compound statements ---- */

compound_stmt(A) ::= if_stmt(A).
compound_stmt(A) ::= while_stmt(A).
compound_stmt(A) ::= for_stmt(A).
compound_stmt(A) ::= try_stmt(A).
compound_stmt(A) ::= with_stmt(A).
compound_stmt(A) ::= funcdef(A).
compound_stmt(A) ::= classdef(A).
compound_stmt(A) ::= match_stmt(A).
compound_stmt(A) ::= ASYNC(T) for_stmt(F). {
  A = F;
  A->kind = AST_AsyncFor;
  A->lineno = T.lineno;
  A->col_offset = T.col;
}
compound_stmt(A) ::= ASYNC(T) with_stmt(F). {
  A = F;
  A->kind = AST_AsyncWith;
  A->lineno = T.lineno;
  A->col_offset = T.col;
}
compound_stmt(A) ::= ASYNC(T) funcdef(F). {
  A = F;
  A->kind = AST_AsyncFunctionDef;
  A->lineno = T.lineno;
  A->col_offset = T.col;
}
compound_stmt(A) ::= decorators(D) funcdef(F). {
  A = F;
  A->v.FunctionDef.decorator_list = D;
}
compound_stmt(A) ::= decorators(D) ASYNC(T) funcdef(F). {
  A = F;
  A->kind = AST_AsyncFunctionDef;
  A->lineno = T.lineno;
  A->col_offset = T.col;
  A->v.FunctionDef.decorator_list = D;
}
compound_stmt(A) ::= decorators(D) classdef(C). {
  A = C;
  A->v.ClassDef.decorator_list = D;
}

%type decorators {AstSeq}
decorators(A) ::= AT named_expression(E) NEWLINE. { A = ab_seq1(P, E); }
decorators(A) ::= decorators(A) AT named_expression(E) NEWLINE. { ab_push(P, &A, E); }

%type elif_chain {AstSeq}
%type else_opt {AstSeq}
if_stmt(A) ::= IF(T) named_expression(C) COLON block(B) elif_chain(E). {
  A = NTN(P, AST_If, T, seq_end(E.n ? E : B));
  A->v.If.test = C;
  A->v.If.body = B;
  A->v.If.orelse = E;
}
elif_chain(A) ::= . { memset(&A, 0, sizeof A); }
elif_chain(A) ::= ELSE COLON block(B). { A = B; }
elif_chain(A) ::= ELIF(T) named_expression(C) COLON block(B) elif_chain(E). {
  AstNode *n = NTN(P, AST_If, T, seq_end(E.n ? E : B));
  n->v.If.test = C;
  n->v.If.body = B;
  n->v.If.orelse = E;
  A = ab_seq1(P, n);
}

else_opt(A) ::= . { memset(&A, 0, sizeof A); }
else_opt(A) ::= ELSE COLON block(B). { A = B; }

while_stmt(A) ::= WHILE(T) named_expression(C) COLON block(B) else_opt(E). {
  A = NTN(P, AST_While, T, seq_end(E.n ? E : B));
  A->v.While.test = C;
  A->v.While.body = B;
  A->v.While.orelse = E;
}

for_stmt(A) ::= FOR(T) targets(X) IN testlist_star(I) COLON block(B) else_opt(E). {
  A = NTN(P, AST_For, T, seq_end(E.n ? E : B));
  A->v.For.target = ab_target(P, X, TGT_FOR);
  A->v.For.iter = I;
  A->v.For.body = B;
  A->v.For.orelse = E;
}

%type handlers {AstSeq}
%type finally_opt {AstSeq}
try_stmt(A) ::= TRY(T) COLON block(B) FINALLY COLON block(F). {
  AstSeq none;
  memset(&none, 0, sizeof none);
  A = ab_try(P, &T, B, none, none, F);
}
try_stmt(A) ::= TRY(T) COLON block(B) handlers(H) else_opt(E) finally_opt(F). {
  A = ab_try(P, &T, B, H, E, F);
}
finally_opt(A) ::= . { memset(&A, 0, sizeof A); }
finally_opt(A) ::= FINALLY COLON block(B). { A = B; }
handlers(A) ::= handler(H). { A = ab_seq1(P, H); }
handlers(A) ::= handlers(A) handler(H). { ab_push(P, &A, H); }
handler(A) ::= EXCEPT(T) COLON block(B). {
  A = NTN(P, AST_ExceptHandler, T, seq_end(B));
  A->v.ExceptHandler.body = B;
}
handler(A) ::= EXCEPT(T) test(X) COLON block(B). {
  A = NTN(P, AST_ExceptHandler, T, seq_end(B));
  A->v.ExceptHandler.type = X;
  A->v.ExceptHandler.body = B;
}
handler(A) ::= EXCEPT(T) test(X) AS NAME(N) COLON block(B). {
  A = NTN(P, AST_ExceptHandler, T, seq_end(B));
  A->v.ExceptHandler.type = X;
  A->v.ExceptHandler.name = ab_str(P, &N);
  A->v.ExceptHandler.body = B;
}
/* except*: marked with pflags = 1 until ab_try checks the handlers */
handler(A) ::= EXCEPT(T) STAR test(X) COLON block(B). {
  A = NTN(P, AST_ExceptHandler, T, seq_end(B));
  A->v.ExceptHandler.type = X;
  A->v.ExceptHandler.body = B;
  A->pflags = 1;
}
handler(A) ::= EXCEPT(T) STAR test(X) AS NAME(N) COLON block(B). {
  A = NTN(P, AST_ExceptHandler, T, seq_end(B));
  A->v.ExceptHandler.type = X;
  A->v.ExceptHandler.name = ab_str(P, &N);
  A->v.ExceptHandler.body = B;
  A->pflags = 1;
}

%type with_items {AstSeq}
with_stmt(A) ::= WITH(T) with_items(I) COLON block(B). { A = ab_with(P, &T, I, B, 0); }
with_stmt(A) ::= WITH(T) WITH_LPAR with_items(I) opt_comma RPAR COLON block(B). {
  A = ab_with(P, &T, I, B, 0);
}
with_items(A) ::= with_item(B). { A = ab_seq1(P, B); }
with_items(A) ::= with_items(A) COMMA with_item(B). { ab_push(P, &A, B); }
with_item(A) ::= test(E). {
  A = ab_new(P, AST_withitem, 0, 0, 0, 0);
  A->v.withitem.context_expr = E;
}
with_item(A) ::= test(E) AS titem(X). {
  A = ab_new(P, AST_withitem, 0, 0, 0, 0);
  A->v.withitem.context_expr = E;
  A->v.withitem.optional_vars = ab_target(P, X, TGT_WITH);
}

funcdef(A) ::= DEF(T) NAME(N) tparams(TP) LPAR params(L) RPAR returns(R) COLON block(B). {
  A = NTN(P, AST_FunctionDef, T, seq_end(B));
  A->v.FunctionDef.name = ab_str(P, &N);
  A->v.FunctionDef.type_params = TP;
  A->v.FunctionDef.args = ab_arguments(P, L, 0);
  A->v.FunctionDef.returns = R;
  A->v.FunctionDef.body = B;
}
returns(A) ::= . { A = NULL; }
returns(A) ::= RARROW test(B). { A = B; }

classdef(A) ::= CLASS(T) NAME(N) tparams(TP) COLON block(B). {
  A = NTN(P, AST_ClassDef, T, seq_end(B));
  A->v.ClassDef.name = ab_str(P, &N);
  A->v.ClassDef.body = B;
  A->v.ClassDef.type_params = TP;
}
classdef(A) ::= CLASS(T) NAME(N) tparams(TP) LPAR(L) arglist(G) RPAR(R) COLON block(B). {
  A = NTN(P, AST_ClassDef, T, seq_end(B));
  A->v.ClassDef.name = ab_str(P, &N);
  A->v.ClassDef.type_params = TP;
  AstNode *call = ab_call(P, ab_name(P, &N), G, &L, &R);
  A->v.ClassDef.bases = call->v.Call.args;
  A->v.ClassDef.keywords = call->v.Call.keywords;
  A->v.ClassDef.body = B;
}

/* ---- match statement (PEP 634) ---- */

%type case_blocks {AstSeq}
%type pat_list {ExprList}
%type pos_pats {AstSeq}
%type kw_pats {AstSeq}
%type map_items {AstSeq}
%type or_pats {AstSeq}
match_stmt(A) ::= MATCH(T) slist(S) COLON NEWLINE INDENT case_blocks(C) DEDENT. {
  AstNode *subj = list_node(P, &S);
  if (subj->kind == AST_Starred) ab_error_node(P, subj, "cannot use starred expression here");
  AstNode *last = seq_end(C);
  A = NTN(P, AST_Match, T, seq_end(last->v.match_case.body));
  A->v.Match.subject = subj;
  A->v.Match.cases = C;
}
case_blocks(A) ::= case_block(B). { A = ab_seq1(P, B); }
case_blocks(A) ::= case_blocks(A) case_block(B). { ab_push(P, &A, B); }
case_block(A) ::= CASE(T) patterns(Q) guard(G) COLON block(B). {
  A = NTN(P, AST_match_case, T, seq_end(B));
  A->v.match_case.pattern = Q;
  A->v.match_case.guard = G;
  A->v.match_case.body = B;
}
guard(A) ::= . { A = NULL; }
guard(A) ::= IF named_expression(E). { A = E; }

patterns(A) ::= pat_list(L). { A = ab_pattern_list(P, &L.s, 0, NULL, NULL); }
patterns(A) ::= pat_list(L) COMMA(C). { A = ab_pattern_list(P, &L.s, 1, NULL, &C); }
pat_list(A) ::= maybe_star_pattern(B). { memset(&A, 0, sizeof A); A.s = ab_seq1(P, B); }
pat_list(A) ::= pat_list(A) COMMA maybe_star_pattern(B). { ab_push(P, &A.s, B); }
maybe_star_pattern(A) ::= pattern(A).
maybe_star_pattern(A) ::= STAR(S) NAME(N). {
  A = NTT(P, AST_MatchStar, S, N);
  char *id = ab_str(P, &N);
  A->v.MatchStar.name = strcmp(id, "_") ? id : NULL;
}

pattern(A) ::= or_pattern(A).
pattern(A) ::= or_pattern(O) AS NAME(N). {
  A = NNT(P, AST_MatchAs, O, N);
  char *id = ab_str(P, &N);
  if (!strcmp(id, "_")) ab_error_tok(P, N, "cannot use '_' as a target");
  A->v.MatchAs.pattern = O;
  A->v.MatchAs.name = id;
}
or_pattern(A) ::= or_pats(L). {
  if (L.n == 1) A = L.items[0];
  else {
    A = NNN(P, AST_MatchOr, L.items[0], seq_end(L));
    A->v.MatchOr.patterns = L;
  }
}
or_pats(A) ::= closed_pattern(B). { A = ab_seq1(P, B); }
or_pats(A) ::= or_pats(A) VBAR closed_pattern(B). { ab_push(P, &A, B); }

closed_pattern(A) ::= literal_expr(E). { A = ab_literal_pattern(P, E); }
closed_pattern(A) ::= name_or_attr(N). { A = ab_name_pattern(P, N); }
closed_pattern(A) ::= name_or_attr(N) LPAR RPAR(R). { A = ab_class_pattern(P, N, NULL, NULL, &R); }
closed_pattern(A) ::= name_or_attr(N) LPAR pos_pats(X) opt_comma RPAR(R). {
  A = ab_class_pattern(P, N, &X, NULL, &R);
}
closed_pattern(A) ::= name_or_attr(N) LPAR kw_pats(K) opt_comma RPAR(R). {
  A = ab_class_pattern(P, N, NULL, &K, &R);
}
closed_pattern(A) ::= name_or_attr(N) LPAR pos_pats(X) COMMA kw_pats(K) opt_comma RPAR(R). {
  A = ab_class_pattern(P, N, &X, &K, &R);
}
closed_pattern(A) ::= name_or_attr LPAR kw_pats COMMA pos_pats(X) opt_comma RPAR. {
  A = X.items[0];
  ab_error_node(P, A, "positional patterns follow keyword patterns");
}
closed_pattern(A) ::= LPAR(L) RPAR(R). { A = NTT(P, AST_MatchSequence, L, R); }
closed_pattern(A) ::= LPAR(L) pat_list(S) RPAR(R). { A = ab_pattern_list(P, &S.s, 0, &L, &R); }
closed_pattern(A) ::= LPAR(L) pat_list(S) COMMA RPAR(R). { A = ab_pattern_list(P, &S.s, 1, &L, &R); }
closed_pattern(A) ::= LSQB(L) RSQB(R). { A = NTT(P, AST_MatchSequence, L, R); }
closed_pattern(A) ::= LSQB(L) pat_list(S) opt_comma RSQB(R). {
  A = NTT(P, AST_MatchSequence, L, R);
  A->v.MatchSequence.patterns = S.s;
}
closed_pattern(A) ::= LBRACE(L) RBRACE(R). { A = NTT(P, AST_MatchMapping, L, R); }
closed_pattern(A) ::= LBRACE(L) map_items(M) opt_comma RBRACE(R). {
  A = ab_mapping_pattern(P, &L, &M, NULL, &R);
}
closed_pattern(A) ::= LBRACE(L) map_items(M) COMMA DOUBLESTAR NAME(N) opt_comma RBRACE(R). {
  A = ab_mapping_pattern(P, &L, &M, &N, &R);
}
closed_pattern(A) ::= LBRACE(L) DOUBLESTAR NAME(N) opt_comma RBRACE(R). {
  A = ab_mapping_pattern(P, &L, NULL, &N, &R);
}
/* a map item is a MatchAs-free pair: key expression then pattern, kept as a keyword node */
map_items(A) ::= map_item(B). { A = ab_seq1(P, B); }
map_items(A) ::= map_items(A) COMMA map_item(B). { ab_push(P, &A, B); }
map_item(A) ::= literal_expr(K) COLON pattern(V). { A = ab_map_item(P, K, V); }
map_item(A) ::= name_or_attr(K) COLON pattern(V). { A = ab_map_item(P, K, V); }

pos_pats(A) ::= pattern(B). { A = ab_seq1(P, B); }
pos_pats(A) ::= pos_pats(A) COMMA pattern(B). { ab_push(P, &A, B); }
kw_pats(A) ::= kw_pat(B). { A = ab_seq1(P, B); }
kw_pats(A) ::= kw_pats(A) COMMA kw_pat(B). { ab_push(P, &A, B); }
kw_pat(A) ::= NAME(N) EQUAL pattern(V). {
  A = NTN(P, AST_keyword, N, V);
  A->v.keyword.arg = ab_str(P, &N);
  A->v.keyword.value = V;
}

name_or_attr(A) ::= NAME(N). { A = ab_name(P, &N); }
name_or_attr(A) ::= name_or_attr(V) DOT NAME(N). {
  A = NNT(P, AST_Attribute, V, N);
  A->v.Attribute.value = V;
  A->v.Attribute.attr = ab_str(P, &N);
  A->v.Attribute.ctx = AST_Load;
}

literal_expr(A) ::= signed_number(A).
literal_expr(A) ::= signed_number(L) PLUS NUMBER(N). { A = ab_binop(P, L, AST_Add, ab_number(P, &N)); }
literal_expr(A) ::= signed_number(L) MINUS NUMBER(N). { A = ab_binop(P, L, AST_Sub, ab_number(P, &N)); }
literal_expr(A) ::= strings(S). { A = ab_strings(P, S); }
literal_expr(A) ::= NONE(T). { A = ab_const(P, &T, AST_CONST_NONE); }
literal_expr(A) ::= TRUE(T). { A = ab_const(P, &T, AST_CONST_TRUE); }
literal_expr(A) ::= FALSE(T). { A = ab_const(P, &T, AST_CONST_FALSE); }
signed_number(A) ::= NUMBER(N). { A = ab_number(P, &N); }
signed_number(A) ::= MINUS(T) NUMBER(N). { A = ab_unary(P, &T, AST_USub, ab_number(P, &N)); }

/* ---- type parameters (PEP 695) ---- */

%type tparams {AstSeq}
%type tplist {AstSeq}
tparams(A) ::= . { memset(&A, 0, sizeof A); }
tparams(A) ::= LSQB tplist(L) opt_comma RSQB. { A = L; }
tparams(A) ::= LSQB RSQB(R). {
  memset(&A, 0, sizeof A);
  /* CPython points at the ']' */
  ab_error_tok(P, R, "Type parameter list cannot be empty");
}
tplist(A) ::= tparam(B). { A = ab_seq1(P, B); }
tplist(A) ::= tplist(A) COMMA tparam(B). { ab_push(P, &A, B); }
tparam(A) ::= tparam_nodefault(A).
tparam(A) ::= tparam_nodefault(B) EQUAL test(D). {
  A = B;
  /* the same slot in each of the three payloads */
  if (A->kind == AST_TypeVar) A->v.TypeVar.default_value = D;
  else if (A->kind == AST_ParamSpec) A->v.ParamSpec.default_value = D;
  else A->v.TypeVarTuple.default_value = D;
  ab_extend(P, A, D);
}
tparam_nodefault(A) ::= NAME(N). {
  A = NTT(P, AST_TypeVar, N, N);
  A->v.TypeVar.name = ab_str(P, &N);
}
tparam_nodefault(A) ::= NAME(N) COLON test(B). {
  A = NTN(P, AST_TypeVar, N, B);
  A->v.TypeVar.name = ab_str(P, &N);
  A->v.TypeVar.bound = B;
}
tparam_nodefault(A) ::= STAR(S) NAME(N). {
  A = NTT(P, AST_TypeVarTuple, S, N);
  A->v.TypeVarTuple.name = ab_str(P, &N);
}
tparam_nodefault(A) ::= DOUBLESTAR(S) NAME(N). {
  A = NTT(P, AST_ParamSpec, S, N);
  A->v.ParamSpec.name = ab_str(P, &N);
}

simple_stmt(A) ::= TYPE(T) NAME(N) tparams(TP) EQUAL test(V). {
  A = NTN(P, AST_TypeAlias, T, V);
  A->v.TypeAlias.name = ab_name(P, &N);
  A->v.TypeAlias.name->v.Name.ctx = AST_Store;
  A->v.TypeAlias.type_params = TP;
  A->v.TypeAlias.value = V;
}

/* ---- parameters ---- */

%type params {ParamList *}
%type plist {ParamList *}
%type pitem {ParamItem}
%type lparams {ParamList *}
%type lplist {ParamList *}
%type lpitem {ParamItem}

params(A) ::= . { A = NULL; }
params(A) ::= plist(A).
params(A) ::= plist(A) COMMA.
plist(A) ::= pitem(B). { A = NULL; ab_param(P, &A, B.kind, B.arg, B.dflt, &B.tok); }
plist(A) ::= plist(A) COMMA pitem(B). { ab_param(P, &A, B.kind, B.arg, B.dflt, &B.tok); }
pitem(A) ::= NAME(N) pann(T) pdef(D). {
  A.kind = PI_PLAIN; A.arg = ab_arg(P, &N, T); A.dflt = D; A.tok = N;
}
pitem(A) ::= SLASH(S). { A.kind = PI_SLASH; A.arg = NULL; A.dflt = NULL; A.tok = S; }
pitem(A) ::= STAR(S). { A.kind = PI_STAR; A.arg = NULL; A.dflt = NULL; A.tok = S; }
pitem(A) ::= STAR(S) NAME(N) pstarann(T) pdef(D). {
  A.kind = PI_STARARG; A.arg = ab_arg(P, &N, T); A.dflt = D; A.tok = S;
}
pitem(A) ::= DOUBLESTAR(S) NAME(N) pann(T) pdef(D). {
  A.kind = PI_DSTAR; A.arg = ab_arg(P, &N, T); A.dflt = D; A.tok = S;
}
pann(A) ::= . { A = NULL; }
pann(A) ::= COLON test(B). { A = B; }
pstarann(A) ::= . { A = NULL; }
pstarann(A) ::= COLON test(B). { A = B; }
pstarann(A) ::= COLON STAR(S) bor(E). { A = ab_starred(P, &S, E); }
pdef(A) ::= . { A = NULL; }
pdef(A) ::= EQUAL test(B). { A = B; }

lparams(A) ::= . { A = NULL; }
lparams(A) ::= lplist(A).
lparams(A) ::= lplist(A) COMMA.
lplist(A) ::= lpitem(B). { A = NULL; ab_param(P, &A, B.kind, B.arg, B.dflt, &B.tok); }
lplist(A) ::= lplist(A) COMMA lpitem(B). { ab_param(P, &A, B.kind, B.arg, B.dflt, &B.tok); }
lpitem(A) ::= NAME(N) pdef(D). {
  A.kind = PI_PLAIN; A.arg = ab_arg(P, &N, NULL); A.dflt = D; A.tok = N;
}
lpitem(A) ::= SLASH(S). { A.kind = PI_SLASH; A.arg = NULL; A.dflt = NULL; A.tok = S; }
lpitem(A) ::= STAR(S). { A.kind = PI_STAR; A.arg = NULL; A.dflt = NULL; A.tok = S; }
lpitem(A) ::= STAR(S) NAME(N) pdef(D). {
  A.kind = PI_STARARG; A.arg = ab_arg(P, &N, NULL); A.dflt = D; A.tok = S;
}
lpitem(A) ::= DOUBLESTAR(S) NAME(N) pdef(D). {
  A.kind = PI_DSTAR; A.arg = ab_arg(P, &N, NULL); A.dflt = D; A.tok = S;
}

/* ------------------------------------------------------------------------ */
/* Expressions                                                              */

%type sexprs {ExprList}
/* star_expressions: a, *b, c  (a Tuple when there is a comma) */
testlist_star(A) ::= sexprs(L). { A = list_node(P, &L); }
testlist_star(A) ::= sexprs(L) COMMA(C). { L.trailing = 1; L.comma = C; A = list_node(P, &L); }
sexprs(A) ::= star_expression(B). { memset(&A, 0, sizeof A); A.s = ab_seq1(P, B); }
sexprs(A) ::= sexprs(A) COMMA star_expression(B). { ab_push(P, &A.s, B); }
star_expression(A) ::= test(A).
star_expression(A) ::= STAR(S) bor(E). { A = ab_starred(P, &S, E); }

/* targets of for / comprehensions / del: bitwise_or level items */
%type tlist {ExprList}
targets(A) ::= tlist(L). { A = list_node(P, &L); }
targets(A) ::= tlist(L) COMMA(C). { L.trailing = 1; L.comma = C; A = list_node(P, &L); }
tlist(A) ::= titem(B). { memset(&A, 0, sizeof A); A.s = ab_seq1(P, B); }
tlist(A) ::= tlist(A) COMMA titem(B). { ab_push(P, &A.s, B); }
titem(A) ::= bor(A).
titem(A) ::= STAR(S) bor(E). { A = ab_starred(P, &S, E); }

yield_expr(A) ::= YIELD(T). { A = NTT(P, AST_Yield, T, T); }
yield_expr(A) ::= YIELD(T) testlist_star(E). {
  A = NTN(P, AST_Yield, T, E);
  A->v.Yield.value = E;
}
yield_expr(A) ::= YIELD(T) FROM test(E). {
  A = NTN(P, AST_YieldFrom, T, E);
  A->v.YieldFrom.value = E;
}

named_expression(A) ::= test(A).
named_expression(A) ::= test(T) COLONEQUAL test(V). { A = ab_namedexpr(P, T, V); }

test(A) ::= or_test(A).
test(A) ::= or_test(B) IF or_test(C) ELSE test(D). {
  A = NNN(P, AST_IfExp, B, D);
  A->v.IfExp.test = C;
  A->v.IfExp.body = B;
  A->v.IfExp.orelse = D;
}
test(A) ::= LAMBDA(T) lparams(L) COLON test(B). {
  A = NTN(P, AST_Lambda, T, B);
  A->v.Lambda.args = ab_arguments(P, L, 1);
  A->v.Lambda.body = B;
}

or_test(A) ::= and_test(A).
or_test(A) ::= or_test(L) OR and_test(R). { A = ab_boolop(P, L, AST_Or, R); }
and_test(A) ::= not_test(A).
and_test(A) ::= and_test(L) AND not_test(R). { A = ab_boolop(P, L, AST_And, R); }
not_test(A) ::= comparison(A).
not_test(A) ::= NOT(T) not_test(E). { A = ab_unary(P, &T, AST_Not, E); }

%type compop {int}
comparison(A) ::= bor(A).
comparison(A) ::= comparison(L) compop(O) bor(R). { A = ab_compare(P, L, (AstCmpOp)O, R); }
compop(A) ::= LESS. { A = AST_Lt; }
compop(A) ::= GREATER. { A = AST_Gt; }
compop(A) ::= EQEQUAL. { A = AST_Eq; }
compop(A) ::= GREATEREQUAL. { A = AST_GtE; }
compop(A) ::= LESSEQUAL. { A = AST_LtE; }
compop(A) ::= NOTEQUAL. { A = AST_NotEq; }
compop(A) ::= IN. { A = AST_In; }
compop(A) ::= NOT IN. { A = AST_NotIn; }
compop(A) ::= IS. { A = AST_Is; }
compop(A) ::= IS NOT. { A = AST_IsNot; }

bor(A) ::= bxor(A).
bor(A) ::= bor(L) VBAR bxor(R). { A = ab_binop(P, L, AST_BitOr, R); }
bxor(A) ::= band(A).
bxor(A) ::= bxor(L) CIRCUMFLEX band(R). { A = ab_binop(P, L, AST_BitXor, R); }
band(A) ::= shift(A).
band(A) ::= band(L) AMPER shift(R). { A = ab_binop(P, L, AST_BitAnd, R); }
shift(A) ::= arith(A).
shift(A) ::= shift(L) LEFTSHIFT arith(R). { A = ab_binop(P, L, AST_LShift, R); }
shift(A) ::= shift(L) RIGHTSHIFT arith(R). { A = ab_binop(P, L, AST_RShift, R); }
arith(A) ::= term(A).
arith(A) ::= arith(L) PLUS term(R). { A = ab_binop(P, L, AST_Add, R); }
arith(A) ::= arith(L) MINUS term(R). { A = ab_binop(P, L, AST_Sub, R); }
term(A) ::= factor(A).
term(A) ::= term(L) STAR factor(R). { A = ab_binop(P, L, AST_Mult, R); }
term(A) ::= term(L) SLASH factor(R). { A = ab_binop(P, L, AST_Div, R); }
term(A) ::= term(L) DOUBLESLASH factor(R). { A = ab_binop(P, L, AST_FloorDiv, R); }
term(A) ::= term(L) PERCENT factor(R). { A = ab_binop(P, L, AST_Mod, R); }
term(A) ::= term(L) AT factor(R). { A = ab_binop(P, L, AST_MatMult, R); }
factor(A) ::= power(A).
factor(A) ::= PLUS(T) factor(E). { A = ab_unary(P, &T, AST_UAdd, E); }
factor(A) ::= MINUS(T) factor(E). { A = ab_unary(P, &T, AST_USub, E); }
factor(A) ::= TILDE(T) factor(E). { A = ab_unary(P, &T, AST_Invert, E); }
power(A) ::= await_primary(A).
power(A) ::= await_primary(L) DOUBLESTAR factor(R). { A = ab_binop(P, L, AST_Pow, R); }
await_primary(A) ::= primary(A).
await_primary(A) ::= AWAIT(T) primary(E). {
  A = NTN(P, AST_Await, T, E);
  A->v.Await.value = E;
}

primary(A) ::= atom(A).
primary(A) ::= primary(V) DOT NAME(N). {
  A = NNT(P, AST_Attribute, V, N);
  A->v.Attribute.value = V;
  A->v.Attribute.attr = ab_str(P, &N);
  A->v.Attribute.ctx = AST_Load;
}
primary(A) ::= primary(F) LPAR(L) arglist(G) RPAR(R). { A = ab_call(P, F, G, &L, &R); }
primary(A) ::= primary(V) LSQB slices(S) RSQB(R). {
  A = NNT(P, AST_Subscript, V, R);
  A->v.Subscript.value = V;
  A->v.Subscript.slice = S;
  A->v.Subscript.ctx = AST_Load;
}

/* ---- call arguments ---- */

%type arglist {AstSeq}
%type args {AstSeq}
arglist(A) ::= . { memset(&A, 0, sizeof A); }
arglist(A) ::= args(A).
arglist(A) ::= args(A) COMMA.
args(A) ::= argitem(B). { A = ab_seq1(P, B); }
args(A) ::= args(A) COMMA argitem(B). { ab_push(P, &A, B); }
argitem(A) ::= named_expression(A).
argitem(A) ::= test(E) comp_fors(C). {
  A = NNN(P, AST_GeneratorExp, E, seq_end(C));
  A->v.GeneratorExp.elt = E;
  A->v.GeneratorExp.generators = C;
  A->pflags |= PF_BARE_GENEXP;
  /* the span is that of the last comprehension's last part */
  AstNode *g = seq_end(C);
  A->end_lineno = g->end_lineno;
  A->end_col_offset = g->end_col_offset;
}
argitem(A) ::= STAR(S) test(E). { A = ab_starred(P, &S, E); }
argitem(A) ::= DOUBLESTAR(S) test(E). { A = ab_dstar_arg(P, &S, E); }
argitem(A) ::= test(K) EQUAL(E) test(V). { A = ab_kwarg(P, K, &E, V); }

/* ---- subscripts ---- */

%type sliceitems {ExprList}
slices(A) ::= sliceitems(L). {
  /* a lone starred item still makes a tuple: a[*b] */
  if (L.s.n == 1 && L.s.items[0]->kind == AST_Starred) L.trailing = -1;
  A = list_node(P, &L);
}
slices(A) ::= sliceitems(L) COMMA(C). { L.trailing = 1; L.comma = C; A = list_node(P, &L); }
sliceitems(A) ::= sliceitem(B). { memset(&A, 0, sizeof A); A.s = ab_seq1(P, B); }
sliceitems(A) ::= sliceitems(A) COMMA sliceitem(B). { ab_push(P, &A.s, B); }
sliceitem(A) ::= named_expression(A).
sliceitem(A) ::= STAR(S) bor(E). { A = ab_starred(P, &S, E); }
sliceitem(A) ::= sl_opt(L) COLON(C) sl_opt(U). {
  A = NTT(P, AST_Slice, C, C);
  A->v.Slice.lower = L;
  A->v.Slice.upper = U;
  if (L) ab_start_at(P, A, L);
  if (U) ab_extend(P, A, U);
}
sliceitem(A) ::= sl_opt(L) COLON(C) sl_opt(U) COLON(D) sl_opt(S). {
  A = NTT(P, AST_Slice, C, D);
  A->v.Slice.lower = L;
  A->v.Slice.upper = U;
  A->v.Slice.step = S;
  if (L) ab_start_at(P, A, L);
  if (S) ab_extend(P, A, S);
}
sl_opt(A) ::= . { A = NULL; }
sl_opt(A) ::= test(A).

/* ---- atoms ---- */

atom(A) ::= NAME(N). { A = ab_name(P, &N); }
atom(A) ::= NUMBER(N). { A = ab_number(P, &N); }
atom(A) ::= NONE(T). { A = ab_const(P, &T, AST_CONST_NONE); }
atom(A) ::= TRUE(T). { A = ab_const(P, &T, AST_CONST_TRUE); }
atom(A) ::= FALSE(T). { A = ab_const(P, &T, AST_CONST_FALSE); }
atom(A) ::= ELLIPSIS(T). { A = ab_const(P, &T, AST_CONST_ELLIPSIS); }
atom(A) ::= strings(S). { A = ab_strings(P, S); }

%type slist {ExprList}
%type slist_items {ExprList}
slist(A) ::= slist_items(A).
slist(A) ::= slist_items(A) COMMA(C). { A.trailing = 1; A.comma = C; }
slist_items(A) ::= star_named_expression(B). { memset(&A, 0, sizeof A); A.s = ab_seq1(P, B); }
slist_items(A) ::= slist_items(A) COMMA star_named_expression(B). { ab_push(P, &A.s, B); }
star_named_expression(A) ::= named_expression(A).
star_named_expression(A) ::= STAR(S) bor(E). { A = ab_starred(P, &S, E); }

atom(A) ::= LPAR(L) RPAR(R). {
  A = NTT(P, AST_Tuple, L, R);
  A->v.Tuple.ctx = AST_Load;
}
atom(A) ::= LPAR(L) yield_expr(E) RPAR(R). { A = ab_paren(P, E, &L, &R); }
atom(A) ::= LPAR(L) slist(S) RPAR(R). {
  if (S.s.n == 1 && !S.trailing) {
    A = S.s.items[0];
    if (A->kind == AST_Starred)
      ab_error_node(P, A, "cannot use starred expression here");
    A = ab_paren(P, A, &L, &R);
  } else {
    A = NTT(P, AST_Tuple, L, R);
    A->v.Tuple.elts = S.s;
    A->v.Tuple.ctx = AST_Load;
    A->pflags |= PF_PAREN;
  }
}
atom(A) ::= LPAR(L) named_expression(E) comp_fors(C) RPAR(R). {
  A = NTT(P, AST_GeneratorExp, L, R);
  A->v.GeneratorExp.elt = E;
  A->v.GeneratorExp.generators = C;
  A->pflags |= PF_PAREN;
}
atom(A) ::= LSQB(L) RSQB(R). {
  A = NTT(P, AST_List, L, R);
  A->v.List.ctx = AST_Load;
}
atom(A) ::= LSQB(L) slist(S) RSQB(R). {
  A = NTT(P, AST_List, L, R);
  A->v.List.elts = S.s;
  A->v.List.ctx = AST_Load;
}
atom(A) ::= LSQB(L) named_expression(E) comp_fors(C) RSQB(R). {
  A = NTT(P, AST_ListComp, L, R);
  A->v.ListComp.elt = E;
  A->v.ListComp.generators = C;
}
atom(A) ::= LBRACE(L) RBRACE(R). { A = NTT(P, AST_Dict, L, R); }
atom(A) ::= LBRACE(L) dict_items(D) opt_comma RBRACE(R). {
  A = D;
  A->lineno = L.lineno;
  A->col_offset = L.col;
  A->end_lineno = R.end_lineno;
  A->end_col_offset = R.end_col;
}
atom(A) ::= LBRACE(L) slist(S) RBRACE(R). {
  A = NTT(P, AST_Set, L, R);
  A->v.Set.elts = S.s;
}
atom(A) ::= LBRACE(L) named_expression(E) comp_fors(C) RBRACE(R). {
  A = NTT(P, AST_SetComp, L, R);
  A->v.SetComp.elt = E;
  A->v.SetComp.generators = C;
}
atom(A) ::= LBRACE(L) test(K) COLON test(V) comp_fors(C) RBRACE(R). {
  A = NTT(P, AST_DictComp, L, R);
  A->v.DictComp.key = K;
  A->v.DictComp.value = V;
  A->v.DictComp.generators = C;
}
/* the Dict node collects keys/values; its span is fixed by the atom rule */
dict_items(A) ::= test(K) COLON test(V). {
  A = ab_new(P, AST_Dict, 0, 0, 0, 0);
  ab_push(P, &A->v.Dict.keys, K);
  ab_push(P, &A->v.Dict.values, V);
}
dict_items(A) ::= DOUBLESTAR bor(V). {
  A = ab_new(P, AST_Dict, 0, 0, 0, 0);
  ab_push(P, &A->v.Dict.keys, NULL);
  ab_push(P, &A->v.Dict.values, V);
}
dict_items(A) ::= dict_items(A) COMMA test(K) COLON test(V). {
  ab_push(P, &A->v.Dict.keys, K);
  ab_push(P, &A->v.Dict.values, V);
}
dict_items(A) ::= dict_items(A) COMMA DOUBLESTAR bor(V). {
  ab_push(P, &A->v.Dict.keys, NULL);
  ab_push(P, &A->v.Dict.values, V);
}

/* ---- comprehensions ---- */

%type comp_fors {AstSeq}
%type comp_ifs {AstSeq}
comp_fors(A) ::= comp_for(B). { A = ab_seq1(P, B); }
comp_fors(A) ::= comp_fors(A) comp_for(B). { ab_push(P, &A, B); }
comp_for(A) ::= FOR(T) targets(X) IN or_test(I) comp_ifs(F). {
  /* comprehension has no position in CPython; ours records its extent
     (FOR .. last if) for the enclosing bare GeneratorExp */
  A = NTN(P, AST_comprehension, T, F.n ? seq_end(F) : I);
  A->v.comprehension.target = ab_target(P, X, TGT_COMP);
  A->v.comprehension.iter = I;
  A->v.comprehension.ifs = F;
}
comp_for(A) ::= ASYNC(T) FOR targets(X) IN or_test(I) comp_ifs(F). {
  A = NTN(P, AST_comprehension, T, F.n ? seq_end(F) : I);
  A->v.comprehension.target = ab_target(P, X, TGT_COMP);
  A->v.comprehension.iter = I;
  A->v.comprehension.ifs = F;
  A->v.comprehension.is_async = 1;
}
comp_ifs(A) ::= . { memset(&A, 0, sizeof A); }
comp_ifs(A) ::= comp_ifs(A) IF or_test(C). { ab_push(P, &A, C); }

/* ---- strings and f-strings ---- */

%type strings {StrPieces *}
strings(A) ::= STRING(T). { A = NULL; ab_str_piece(P, &A, 0, &T, NULL); }
strings(A) ::= fstring(F). { A = NULL; ab_str_piece(P, &A, 1, NULL, F); }
strings(A) ::= strings(A) STRING(T). { ab_str_piece(P, &A, 0, &T, NULL); }
strings(A) ::= strings(A) fstring(F). { ab_str_piece(P, &A, 1, NULL, F); }

%type fparts {AstSeq}
%type ffield {AstSeq}
%type fdebug {AsyToken}
%type fconv {FConv}
%type fspec {FSpec}
%type fspec_parts {AstSeq}
fstring(A) ::= FSTRING_START(S) fparts(F) FSTRING_END(E). { A = ab_fstring(P, &S, F, &E); }
fparts(A) ::= . { memset(&A, 0, sizeof A); }
fparts(A) ::= fparts(A) FSTRING_MIDDLE(M). { ab_push(P, &A, ab_fmiddle(P, &M)); }
fparts(A) ::= fparts(A) ffield(F). {
  for (int i = 0; i < F.n; i++) ab_push(P, &A, F.items[i]);
}
ffield(A) ::= LBRACE(L) fexpr(E) fdebug(D) fconv(C) fspec(S) RBRACE(R). {
  memset(&A, 0, sizeof A);
  ab_ffield(P, &A, &L, E, D.type ? &D : NULL, C, S, &R);
}
fexpr(A) ::= testlist_star(A).
fexpr(A) ::= yield_expr(A).
fdebug(A) ::= . { memset(&A, 0, sizeof A); }
fdebug(A) ::= EQUAL(E). { A = E; }
fconv(A) ::= . { memset(&A, 0, sizeof A); A.conv = -1; }
fconv(A) ::= EXCLAMATION(B) NAME(N). { A = ab_fconv(P, &B, &N); }
fspec(A) ::= . { memset(&A, 0, sizeof A); }
fspec(A) ::= COLON(C) fspec_parts(S). { A.present = 1; A.colon = C; A.parts = S; }
fspec_parts(A) ::= . { memset(&A, 0, sizeof A); }
fspec_parts(A) ::= fspec_parts(A) FSTRING_MIDDLE(M). { ab_push(P, &A, ab_fmiddle(P, &M)); }
fspec_parts(A) ::= fspec_parts(A) ffield(F). {
  for (int i = 0; i < F.n; i++) ab_push(P, &A, F.items[i]);
}

%code {
/* The symbol k entries below the top of the parser stack (-1 if none). */
int asy_parser_peek(void *lemon, int k) {
  yyParser *p = (yyParser *)lemon;
  if (p->yytos - k <= p->yystack) return -1;
  return (p->yytos - k)->major;
}

/* Would the parser, in its current state, shift `token` (after whatever
   reductions it implies)? Simulates the LALR automaton on a shadow of the
   stack without touching it; used to pick CPython's error messages. */
int asy_parser_accepts(void *lemon, int token) {
  yyParser *p = (yyParser *)lemon;
  int h = (int)(p->yytos - p->yystack); /* real entries 0..h */
  YYACTIONTYPE over[512];
  int nov = 0;
  YYACTIONTYPE act = p->yytos->stateno;
  for (int guard = 0; guard < 100000; guard++) {
    act = yy_find_shift_action((YYCODETYPE)token, act);
    if (act >= YY_MIN_REDUCE) {
      unsigned rule = act - YY_MIN_REDUCE;
      int n = -yyRuleInfoNRhs[rule];
      if (nov >= n) nov -= n;
      else {
        h -= n - nov;
        nov = 0;
        if (h < 0) return 0;
      }
      YYACTIONTYPE below = nov ? over[nov - 1] : p->yystack[h].stateno;
      act = yy_find_reduce_action(below, (YYCODETYPE)yyRuleInfoLhs[rule]);
      if (nov >= (int)(sizeof over / sizeof over[0])) return 0;
      over[nov++] = act;
    } else if (act <= YY_MAX_SHIFTREDUCE) {
      return 1;
    } else if (act == YY_ACCEPT_ACTION) {
      return 1;
    } else {
      return 0;
    }
  }
  return 0;
}
}
