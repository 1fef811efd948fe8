/*
** ast_dump.c — print an AST exactly as CPython 3.13's `ast.dump()` does.
**
** Used to diff the parser against the oracle (tests/parser/check_ast.sh) and for
** debugging the compiler. The format rules copied from ast.dump's behaviour:
** fields in _fields order, `name=value`; None-valued optional fields and empty
** lists are omitted (but Constant(value=None) is kept); constants are Python
** reprs. With AST_DUMP_POSITIONS the four position attributes are appended to
** nodes that have them, as `include_attributes=True` does.
*/
#include "lang/ast.h"

#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  FILE *out;
  int flags;
} Dumper;

static void dump_node(Dumper *d, const AstNode *n);

/* ---- Python reprs ------------------------------------------------------- */

/* Decode one UTF-8 sequence; returns its length (1 for invalid bytes). */
static int utf8_decode(const unsigned char *s, size_t len, uint32_t *cp) {
  unsigned c = s[0];
  int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  if (c >= 0x80 && c < 0xC0) n = 1;
  if ((size_t)n > len) n = 1;
  if (n == 1) {
    *cp = c;
    return 1;
  }
  uint32_t v = c & (0x7F >> n);
  for (int i = 1; i < n; i++) v = (v << 6) | (s[i] & 0x3F);
  *cp = v;
  return n;
}

/* An approximation of str.isprintable for non-ASCII code points: enough for
   the usual test texts (accents, CJK, emoji are printable). */
static int cp_printable(uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return 0;
  if (cp < 0x7F) return 1;
  if (cp <= 0xA0 || cp == 0xAD) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  if ((cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
      (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF || cp == 0x1680)
    return 0;
  if (cp >= 0xE000 && cp <= 0xF8FF) return 0;
  if (cp >= 0xFFF0 && cp <= 0xFFFF) return cp == 0xFFFC || cp == 0xFFFD;
  if (cp >= 0xE0000) return 0;
  return 1;
}

static void repr_str(FILE *o, const char *s, size_t len, int is_bytes) {
  const unsigned char *p = (const unsigned char *)s;
  int has_sq = memchr(s, '\'', len) != NULL, has_dq = memchr(s, '"', len) != NULL;
  char q = (has_sq && !has_dq) ? '"' : '\'';
  if (is_bytes) fputc('b', o);
  fputc(q, o);
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    int k = is_bytes ? (cp = p[i], 1) : utf8_decode(p + i, len - i, &cp);
    if (cp == (uint32_t)q || cp == '\\') fprintf(o, "\\%c", (int)cp);
    else if (cp == '\t') fputs("\\t", o);
    else if (cp == '\n') fputs("\\n", o);
    else if (cp == '\r') fputs("\\r", o);
    else if (is_bytes ? (cp >= 0x20 && cp < 0x7F) : cp_printable(cp))
      fwrite(p + i, 1, (size_t)k, o);
    else if (cp < 0x100) fprintf(o, "\\x%02x", (unsigned)cp);
    else if (cp < 0x10000) fprintf(o, "\\u%04x", (unsigned)cp);
    else fprintf(o, "\\U%08x", (unsigned)cp);
    i += (size_t)k;
  }
  fputc(q, o);
}

/* repr(float) (force_dot) and the imaginary part of repr(complex) (no '.0'). */
static void repr_float(FILE *o, double f, int force_dot) {
  if (isinf(f)) {
    fputs(f > 0 ? "inf" : "-inf", o);
    return;
  }
  if (isnan(f)) {
    fputs("nan", o);
    return;
  }
  char buf[64];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*e", prec - 1, f);
    if (strtod(buf, NULL) == f) break;
  }
  /* buf = [-]d[.ddd]e[+-]XX: split into digits and decimal exponent. */
  char digits[32];
  int nd = 0, neg = 0;
  char *p = buf;
  if (*p == '-') neg = 1, p++;
  for (; *p && *p != 'e'; p++)
    if (*p != '.') digits[nd++] = *p;
  int exp = atoi(p + 1);
  while (nd > 1 && digits[nd - 1] == '0') nd--;
  digits[nd] = 0;
  if (neg) fputc('-', o);
  if (exp < -4 || exp >= 16) {
    fputc(digits[0], o);
    if (nd > 1) fprintf(o, ".%s", digits + 1);
    fprintf(o, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  } else if (exp < 0) {
    fputs("0.", o);
    for (int i = 0; i < -exp - 1; i++) fputc('0', o);
    fputs(digits, o);
  } else {
    for (int i = 0; i <= exp; i++) fputc(i < nd ? digits[i] : '0', o);
    if (nd > exp + 1) fprintf(o, ".%s", digits + exp + 1);
    else if (force_dot) fputs(".0", o);
  }
}

/* Print a big int literal (any base, with '_') in decimal. */
static void repr_bigint(FILE *o, const char *s, size_t len) {
  int base = 10;
  size_t i = 0;
  if (len > 1 && s[0] == '0' && strchr("xXoObB", s[1])) {
    base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
    i = 2;
  }
  /* little-endian limbs of 1e9 */
  uint32_t *limb = calloc(len + 2, sizeof *limb);
  int nl = 1;
  if (!limb) return;
  for (; i < len; i++) {
    int c = s[i], v;
    if (c == '_') continue;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else continue;
    uint64_t carry = (uint64_t)v;
    for (int k = 0; k < nl; k++) {
      uint64_t t = (uint64_t)limb[k] * (uint64_t)base + carry;
      limb[k] = (uint32_t)(t % 1000000000u);
      carry = t / 1000000000u;
    }
    if (carry) limb[nl++] = (uint32_t)carry;
  }
  fprintf(o, "%" PRIu32, limb[nl - 1]);
  for (int k = nl - 2; k >= 0; k--) fprintf(o, "%09" PRIu32, limb[k]);
  free(limb);
}

static void dump_const(Dumper *d, const AstConst *c) {
  FILE *o = d->out;
  switch (c->kind) {
  case AST_CONST_NONE: fputs("None", o); break;
  case AST_CONST_TRUE: fputs("True", o); break;
  case AST_CONST_FALSE: fputs("False", o); break;
  case AST_CONST_ELLIPSIS: fputs("Ellipsis", o); break;
  case AST_CONST_INT:
    if (c->big) repr_bigint(o, c->s, c->len);
    else fprintf(o, "%" PRId64, c->i);
    break;
  case AST_CONST_FLOAT: repr_float(o, c->f, 1); break;
  case AST_CONST_IMAG:
    repr_float(o, c->f, 0);
    fputc('j', o);
    break;
  case AST_CONST_STR: repr_str(o, c->s, c->len, 0); break;
  case AST_CONST_BYTES: repr_str(o, c->s, c->len, 1); break;
  }
}

/* ---- fields ------------------------------------------------------------- */

/* Field printer state: handles the ", " separators. */
typedef struct {
  Dumper *d;
  int count;
} Fields;

static void fsep(Fields *f, const char *name) {
  if (f->count++) fputs(", ", f->d->out);
  fprintf(f->d->out, "%s=", name);
}

static void f_node(Fields *f, const char *name, const AstNode *n) {
  if (!n) return;
  fsep(f, name);
  dump_node(f->d, n);
}

static void f_seq(Fields *f, const char *name, const AstSeq *s) {
  if (s->n == 0) return;
  fsep(f, name);
  fputc('[', f->d->out);
  for (int i = 0; i < s->n; i++) {
    if (i) fputs(", ", f->d->out);
    if (s->items[i]) dump_node(f->d, s->items[i]);
    else fputs("None", f->d->out);
  }
  fputc(']', f->d->out);
}

static void f_id(Fields *f, const char *name, const char *id) {
  if (!id) return;
  fsep(f, name);
  repr_str(f->d->out, id, strlen(id), 0);
}

static void f_ids(Fields *f, const char *name, const AstIdSeq *s) {
  if (s->n == 0) return;
  fsep(f, name);
  fputc('[', f->d->out);
  for (int i = 0; i < s->n; i++) {
    if (i) fputs(", ", f->d->out);
    repr_str(f->d->out, s->items[i], strlen(s->items[i]), 0);
  }
  fputc(']', f->d->out);
}

static void f_int(Fields *f, const char *name, int v) {
  fsep(f, name);
  fprintf(f->d->out, "%d", v);
}

static void f_raw(Fields *f, const char *name, const char *text) {
  fsep(f, name);
  fputs(text, f->d->out);
}

static const char *ctx_name(AstExprContext c) {
  return c == AST_Store ? "Store()" : c == AST_Del ? "Del()" : "Load()";
}

/* clang-format off */
static const char *const binop_names[] = {
    "?", "Add()", "Sub()", "Mult()", "MatMult()", "Div()", "Mod()", "Pow()",
    "LShift()", "RShift()", "BitOr()", "BitXor()", "BitAnd()", "FloorDiv()"};
static const char *const unop_names[] = {"?", "Invert()", "Not()", "UAdd()", "USub()"};
static const char *const cmpop_names[] = {"?",     "Eq()", "NotEq()", "Lt()",
                                          "LtE()", "Gt()", "GtE()",   "Is()",
                                          "IsNot()", "In()", "NotIn()"};

static int has_position(AstKind k) {
  return AST_IS_STMT(k) || AST_IS_EXPR(k) || AST_IS_PATTERN(k) || k == AST_arg ||
         k == AST_keyword || k == AST_alias || k == AST_ExceptHandler || k == AST_TypeVar ||
         k == AST_ParamSpec || k == AST_TypeVarTuple;
}
/* clang-format on */

/* How a field is stored in its node, which decides how it prints. */
typedef enum {
  F_NODE,   /* AstNode *, omitted when NULL */
  F_SEQ,    /* AstSeq, omitted when empty */
  F_ID,     /* char *, omitted when NULL */
  F_IDS,    /* AstIdSeq, omitted when empty */
  F_INT,    /* int */
  F_CTX,    /* AstExprContext */
  F_BOOLOP, /* AstBoolOp */
  F_BINOP,  /* AstOperator */
  F_UNOP,   /* AstUnaryOp */
  F_CMPOPS, /* Compare.ops: one AstCmpOp per comparator */
  F_CONST,  /* AstConst */
  F_KIND_U  /* Constant.kind_u: kind='u' when set, else omitted */
} FieldKind;

typedef struct {
  const char *name;
  FieldKind kind;
  size_t offset; /* of the value in AstNode */
} Field;

/* Each kind's fields in the order of CPython's _fields, ended by END; the kinds that
** share a payload (FunctionDef and AsyncFunctionDef …) share a list. */
#define F(kind, K, field) \
  { #field, kind, offsetof(AstNode, v.K.field) }
#define END \
  { NULL, F_NODE, 0 }
#define FIELDS(...) ((const Field[]){__VA_ARGS__, END})
/* clang-format off */
static const Field function_fields[] = {
  F(F_ID, FunctionDef, name), F(F_NODE, FunctionDef, args), F(F_SEQ, FunctionDef, body),
  F(F_SEQ, FunctionDef, decorator_list), F(F_NODE, FunctionDef, returns),
  F(F_SEQ, FunctionDef, type_params), END};
static const Field for_fields[] = {
  F(F_NODE, For, target), F(F_NODE, For, iter), F(F_SEQ, For, body), F(F_SEQ, For, orelse),
  END};
static const Field with_fields[] = {F(F_SEQ, With, items), F(F_SEQ, With, body), END};
static const Field try_fields[] = {
  F(F_SEQ, Try, body), F(F_SEQ, Try, handlers), F(F_SEQ, Try, orelse), F(F_SEQ, Try, finalbody),
  END};
/* ListComp, SetComp and GeneratorExp have the same layout. */
static const Field comp_fields[] = {
  F(F_NODE, ListComp, elt), F(F_SEQ, ListComp, generators), END};

static const Field *const node_fields[AST_KIND_COUNT] = {
  [AST_Module] = FIELDS(F(F_SEQ, Module, body)),
  [AST_Interactive] = FIELDS(F(F_SEQ, Interactive, body)),
  [AST_Expression] = FIELDS(F(F_NODE, Expression, body)),
  [AST_FunctionDef] = function_fields, [AST_AsyncFunctionDef] = function_fields,
  [AST_ClassDef] = FIELDS(F(F_ID, ClassDef, name), F(F_SEQ, ClassDef, bases),
                          F(F_SEQ, ClassDef, keywords), F(F_SEQ, ClassDef, body),
                          F(F_SEQ, ClassDef, decorator_list), F(F_SEQ, ClassDef, type_params)),
  [AST_Return] = FIELDS(F(F_NODE, Return, value)),
  [AST_Delete] = FIELDS(F(F_SEQ, Delete, targets)),
  [AST_Assign] = FIELDS(F(F_SEQ, Assign, targets), F(F_NODE, Assign, value)),
  [AST_AugAssign] = FIELDS(F(F_NODE, AugAssign, target), F(F_BINOP, AugAssign, op),
                           F(F_NODE, AugAssign, value)),
  [AST_AnnAssign] = FIELDS(F(F_NODE, AnnAssign, target), F(F_NODE, AnnAssign, annotation),
                           F(F_NODE, AnnAssign, value), F(F_INT, AnnAssign, simple)),
  [AST_For] = for_fields, [AST_AsyncFor] = for_fields,
  [AST_While] = FIELDS(F(F_NODE, While, test), F(F_SEQ, While, body), F(F_SEQ, While, orelse)),
  [AST_If] = FIELDS(F(F_NODE, If, test), F(F_SEQ, If, body), F(F_SEQ, If, orelse)),
  [AST_With] = with_fields, [AST_AsyncWith] = with_fields,
  [AST_Raise] = FIELDS(F(F_NODE, Raise, exc), F(F_NODE, Raise, cause)),
  [AST_Try] = try_fields, [AST_TryStar] = try_fields,
  [AST_Assert] = FIELDS(F(F_NODE, Assert, test), F(F_NODE, Assert, msg)),
  [AST_Import] = FIELDS(F(F_SEQ, Import, names)),
  [AST_ImportFrom] = FIELDS(F(F_ID, ImportFrom, module), F(F_SEQ, ImportFrom, names),
                            F(F_INT, ImportFrom, level)),
  [AST_Global] = FIELDS(F(F_IDS, Global, names)),
  [AST_Nonlocal] = FIELDS(F(F_IDS, Nonlocal, names)),
  [AST_Expr] = FIELDS(F(F_NODE, Expr, value)),
  [AST_BoolOp] = FIELDS(F(F_BOOLOP, BoolOp, op), F(F_SEQ, BoolOp, values)),
  [AST_NamedExpr] = FIELDS(F(F_NODE, NamedExpr, target), F(F_NODE, NamedExpr, value)),
  [AST_BinOp] = FIELDS(F(F_NODE, BinOp, left), F(F_BINOP, BinOp, op), F(F_NODE, BinOp, right)),
  [AST_UnaryOp] = FIELDS(F(F_UNOP, UnaryOp, op), F(F_NODE, UnaryOp, operand)),
  [AST_Lambda] = FIELDS(F(F_NODE, Lambda, args), F(F_NODE, Lambda, body)),
  [AST_IfExp] = FIELDS(F(F_NODE, IfExp, test), F(F_NODE, IfExp, body), F(F_NODE, IfExp, orelse)),
  [AST_Dict] = FIELDS(F(F_SEQ, Dict, keys), F(F_SEQ, Dict, values)),
  [AST_Set] = FIELDS(F(F_SEQ, Set, elts)),
  [AST_ListComp] = comp_fields, [AST_SetComp] = comp_fields, [AST_GeneratorExp] = comp_fields,
  [AST_DictComp] = FIELDS(F(F_NODE, DictComp, key), F(F_NODE, DictComp, value),
                          F(F_SEQ, DictComp, generators)),
  [AST_Await] = FIELDS(F(F_NODE, Await, value)),
  [AST_Yield] = FIELDS(F(F_NODE, Yield, value)),
  [AST_YieldFrom] = FIELDS(F(F_NODE, YieldFrom, value)),
  [AST_Compare] = FIELDS(F(F_NODE, Compare, left), F(F_CMPOPS, Compare, ops),
                         F(F_SEQ, Compare, comparators)),
  [AST_Call] = FIELDS(F(F_NODE, Call, func), F(F_SEQ, Call, args), F(F_SEQ, Call, keywords)),
  [AST_FormattedValue] = FIELDS(F(F_NODE, FormattedValue, value),
                                F(F_INT, FormattedValue, conversion),
                                F(F_NODE, FormattedValue, format_spec)),
  [AST_JoinedStr] = FIELDS(F(F_SEQ, JoinedStr, values)),
  [AST_Constant] = FIELDS(F(F_CONST, Constant, value),
                          {"kind", F_KIND_U, offsetof(AstNode, v.Constant.kind_u)}),
  [AST_Attribute] = FIELDS(F(F_NODE, Attribute, value), F(F_ID, Attribute, attr),
                           F(F_CTX, Attribute, ctx)),
  [AST_Subscript] = FIELDS(F(F_NODE, Subscript, value), F(F_NODE, Subscript, slice),
                           F(F_CTX, Subscript, ctx)),
  [AST_Starred] = FIELDS(F(F_NODE, Starred, value), F(F_CTX, Starred, ctx)),
  [AST_Name] = FIELDS(F(F_ID, Name, id), F(F_CTX, Name, ctx)),
  [AST_List] = FIELDS(F(F_SEQ, List, elts), F(F_CTX, List, ctx)),
  [AST_Tuple] = FIELDS(F(F_SEQ, Tuple, elts), F(F_CTX, Tuple, ctx)),
  [AST_Slice] = FIELDS(F(F_NODE, Slice, lower), F(F_NODE, Slice, upper), F(F_NODE, Slice, step)),
  [AST_arguments] = FIELDS(F(F_SEQ, arguments, posonlyargs), F(F_SEQ, arguments, args),
                           F(F_NODE, arguments, vararg), F(F_SEQ, arguments, kwonlyargs),
                           F(F_SEQ, arguments, kw_defaults), F(F_NODE, arguments, kwarg),
                           F(F_SEQ, arguments, defaults)),
  [AST_arg] = FIELDS(F(F_ID, arg, arg), F(F_NODE, arg, annotation)),
  [AST_keyword] = FIELDS(F(F_ID, keyword, arg), F(F_NODE, keyword, value)),
  [AST_alias] = FIELDS(F(F_ID, alias, name), F(F_ID, alias, asname)),
  [AST_withitem] = FIELDS(F(F_NODE, withitem, context_expr), F(F_NODE, withitem, optional_vars)),
  [AST_comprehension] = FIELDS(F(F_NODE, comprehension, target), F(F_NODE, comprehension, iter),
                               F(F_SEQ, comprehension, ifs), F(F_INT, comprehension, is_async)),
  [AST_ExceptHandler] = FIELDS(F(F_NODE, ExceptHandler, type), F(F_ID, ExceptHandler, name),
                               F(F_SEQ, ExceptHandler, body)),
  [AST_Match] = FIELDS(F(F_NODE, Match, subject), F(F_SEQ, Match, cases)),
  [AST_TypeAlias] = FIELDS(F(F_NODE, TypeAlias, name), F(F_SEQ, TypeAlias, type_params),
                           F(F_NODE, TypeAlias, value)),
  [AST_match_case] = FIELDS(F(F_NODE, match_case, pattern), F(F_NODE, match_case, guard),
                            F(F_SEQ, match_case, body)),
  [AST_MatchValue] = FIELDS(F(F_NODE, MatchValue, value)),
  [AST_MatchSingleton] = FIELDS(F(F_CONST, MatchSingleton, value)),
  [AST_MatchSequence] = FIELDS(F(F_SEQ, MatchSequence, patterns)),
  [AST_MatchMapping] = FIELDS(F(F_SEQ, MatchMapping, keys), F(F_SEQ, MatchMapping, patterns),
                              F(F_ID, MatchMapping, rest)),
  [AST_MatchClass] = FIELDS(F(F_NODE, MatchClass, cls), F(F_SEQ, MatchClass, patterns),
                            F(F_IDS, MatchClass, kwd_attrs), F(F_SEQ, MatchClass, kwd_patterns)),
  [AST_MatchStar] = FIELDS(F(F_ID, MatchStar, name)),
  [AST_MatchAs] = FIELDS(F(F_NODE, MatchAs, pattern), F(F_ID, MatchAs, name)),
  [AST_MatchOr] = FIELDS(F(F_SEQ, MatchOr, patterns)),
  [AST_TypeVar] = FIELDS(F(F_ID, TypeVar, name), F(F_NODE, TypeVar, bound),
                         F(F_NODE, TypeVar, default_value)),
  [AST_ParamSpec] = FIELDS(F(F_ID, ParamSpec, name), F(F_NODE, ParamSpec, default_value)),
  [AST_TypeVarTuple] = FIELDS(F(F_ID, TypeVarTuple, name), F(F_NODE, TypeVarTuple, default_value)),
};
/* clang-format on */
#undef F
#undef END
#undef FIELDS

static void dump_field(Fields *f, const AstNode *n, const Field *fd) {
  const char *p = (const char *)n + fd->offset;
  FILE *o = f->d->out;
  switch (fd->kind) {
  case F_NODE: f_node(f, fd->name, *(AstNode *const *)p); break;
  case F_SEQ: f_seq(f, fd->name, (const AstSeq *)p); break;
  case F_ID: f_id(f, fd->name, *(char *const *)p); break;
  case F_IDS: f_ids(f, fd->name, (const AstIdSeq *)p); break;
  case F_INT: f_int(f, fd->name, *(const int *)p); break;
  case F_CTX: f_raw(f, fd->name, ctx_name(*(const AstExprContext *)p)); break;
  case F_BOOLOP: f_raw(f, fd->name, *(const AstBoolOp *)p == AST_And ? "And()" : "Or()"); break;
  case F_BINOP: f_raw(f, fd->name, binop_names[*(const AstOperator *)p]); break;
  case F_UNOP: f_raw(f, fd->name, unop_names[*(const AstUnaryOp *)p]); break;
  case F_CMPOPS:
    fsep(f, fd->name);
    fputc('[', o);
    for (int i = 0; i < n->v.Compare.comparators.n; i++)
      fprintf(o, "%s%s", i ? ", " : "", cmpop_names[n->v.Compare.ops[i]]);
    fputc(']', o);
    break;
  case F_CONST:
    fsep(f, fd->name);
    dump_const(f->d, (const AstConst *)p);
    break;
  case F_KIND_U:
    if (*(const int *)p) f_raw(f, fd->name, "'u'");
    break;
  }
}

static void dump_node(Dumper *d, const AstNode *n) {
  Fields F = {d, 0}, *f = &F;
  fprintf(d->out, "%s(", asy_ast_kind_name(n->kind));
  const Field *fd = n->kind > 0 && n->kind < AST_KIND_COUNT ? node_fields[n->kind] : NULL;
  for (; fd && fd->name; fd++) dump_field(f, n, fd);
  if ((d->flags & AST_DUMP_POSITIONS) && has_position(n->kind)) {
    f_int(f, "lineno", n->lineno);
    f_int(f, "col_offset", n->col_offset);
    f_int(f, "end_lineno", n->end_lineno);
    f_int(f, "end_col_offset", n->end_col_offset);
  }
  fputc(')', d->out);
}

int asy_ast_dump(FILE *out, const AstNode *n, int flags) {
  Dumper d = {out, flags};
  if (n) dump_node(&d, n);
  else fputs("None", out);
  return ferror(out) ? -1 : 0;
}
