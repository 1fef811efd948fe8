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
  return AST_IS_STMT(k) || AST_IS_EXPR(k) || k == AST_arg || k == AST_keyword ||
         k == AST_alias || k == AST_ExceptHandler;
}
/* clang-format on */

static void dump_node(Dumper *d, const AstNode *n) {
  FILE *o = d->out;
  Fields F = {d, 0}, *f = &F;
  fprintf(o, "%s(", asy_ast_kind_name(n->kind));
  switch (n->kind) {
  case AST_Module: f_seq(f, "body", &n->v.Module.body); break;
  case AST_Interactive: f_seq(f, "body", &n->v.Interactive.body); break;
  case AST_Expression: f_node(f, "body", n->v.Expression.body); break;
  case AST_FunctionDef:
  case AST_AsyncFunctionDef:
    f_id(f, "name", n->v.FunctionDef.name);
    f_node(f, "args", n->v.FunctionDef.args);
    f_seq(f, "body", &n->v.FunctionDef.body);
    f_seq(f, "decorator_list", &n->v.FunctionDef.decorator_list);
    f_node(f, "returns", n->v.FunctionDef.returns);
    break;
  case AST_ClassDef:
    f_id(f, "name", n->v.ClassDef.name);
    f_seq(f, "bases", &n->v.ClassDef.bases);
    f_seq(f, "keywords", &n->v.ClassDef.keywords);
    f_seq(f, "body", &n->v.ClassDef.body);
    f_seq(f, "decorator_list", &n->v.ClassDef.decorator_list);
    break;
  case AST_Return: f_node(f, "value", n->v.Return.value); break;
  case AST_Delete: f_seq(f, "targets", &n->v.Delete.targets); break;
  case AST_Assign:
    f_seq(f, "targets", &n->v.Assign.targets);
    f_node(f, "value", n->v.Assign.value);
    break;
  case AST_AugAssign:
    f_node(f, "target", n->v.AugAssign.target);
    f_raw(f, "op", binop_names[n->v.AugAssign.op]);
    f_node(f, "value", n->v.AugAssign.value);
    break;
  case AST_AnnAssign:
    f_node(f, "target", n->v.AnnAssign.target);
    f_node(f, "annotation", n->v.AnnAssign.annotation);
    f_node(f, "value", n->v.AnnAssign.value);
    f_int(f, "simple", n->v.AnnAssign.simple);
    break;
  case AST_For:
  case AST_AsyncFor:
    f_node(f, "target", n->v.For.target);
    f_node(f, "iter", n->v.For.iter);
    f_seq(f, "body", &n->v.For.body);
    f_seq(f, "orelse", &n->v.For.orelse);
    break;
  case AST_While:
    f_node(f, "test", n->v.While.test);
    f_seq(f, "body", &n->v.While.body);
    f_seq(f, "orelse", &n->v.While.orelse);
    break;
  case AST_If:
    f_node(f, "test", n->v.If.test);
    f_seq(f, "body", &n->v.If.body);
    f_seq(f, "orelse", &n->v.If.orelse);
    break;
  case AST_With:
  case AST_AsyncWith:
    f_seq(f, "items", &n->v.With.items);
    f_seq(f, "body", &n->v.With.body);
    break;
  case AST_Raise:
    f_node(f, "exc", n->v.Raise.exc);
    f_node(f, "cause", n->v.Raise.cause);
    break;
  case AST_Try:
  case AST_TryStar:
    f_seq(f, "body", &n->v.Try.body);
    f_seq(f, "handlers", &n->v.Try.handlers);
    f_seq(f, "orelse", &n->v.Try.orelse);
    f_seq(f, "finalbody", &n->v.Try.finalbody);
    break;
  case AST_Assert:
    f_node(f, "test", n->v.Assert.test);
    f_node(f, "msg", n->v.Assert.msg);
    break;
  case AST_Import: f_seq(f, "names", &n->v.Import.names); break;
  case AST_ImportFrom:
    f_id(f, "module", n->v.ImportFrom.module);
    f_seq(f, "names", &n->v.ImportFrom.names);
    f_int(f, "level", n->v.ImportFrom.level);
    break;
  case AST_Global: f_ids(f, "names", &n->v.Global.names); break;
  case AST_Nonlocal: f_ids(f, "names", &n->v.Nonlocal.names); break;
  case AST_Expr: f_node(f, "value", n->v.Expr.value); break;
  case AST_Pass:
  case AST_Break:
  case AST_Continue: break;
  case AST_BoolOp:
    f_raw(f, "op", n->v.BoolOp.op == AST_And ? "And()" : "Or()");
    f_seq(f, "values", &n->v.BoolOp.values);
    break;
  case AST_NamedExpr:
    f_node(f, "target", n->v.NamedExpr.target);
    f_node(f, "value", n->v.NamedExpr.value);
    break;
  case AST_BinOp:
    f_node(f, "left", n->v.BinOp.left);
    f_raw(f, "op", binop_names[n->v.BinOp.op]);
    f_node(f, "right", n->v.BinOp.right);
    break;
  case AST_UnaryOp:
    f_raw(f, "op", unop_names[n->v.UnaryOp.op]);
    f_node(f, "operand", n->v.UnaryOp.operand);
    break;
  case AST_Lambda:
    f_node(f, "args", n->v.Lambda.args);
    f_node(f, "body", n->v.Lambda.body);
    break;
  case AST_IfExp:
    f_node(f, "test", n->v.IfExp.test);
    f_node(f, "body", n->v.IfExp.body);
    f_node(f, "orelse", n->v.IfExp.orelse);
    break;
  case AST_Dict:
    f_seq(f, "keys", &n->v.Dict.keys);
    f_seq(f, "values", &n->v.Dict.values);
    break;
  case AST_Set: f_seq(f, "elts", &n->v.Set.elts); break;
  case AST_ListComp:
  case AST_SetComp:
  case AST_GeneratorExp: /* same layout for the three */
    f_node(f, "elt", n->v.ListComp.elt);
    f_seq(f, "generators", &n->v.ListComp.generators);
    break;
  case AST_DictComp:
    f_node(f, "key", n->v.DictComp.key);
    f_node(f, "value", n->v.DictComp.value);
    f_seq(f, "generators", &n->v.DictComp.generators);
    break;
  case AST_Await: f_node(f, "value", n->v.Await.value); break;
  case AST_Yield: f_node(f, "value", n->v.Yield.value); break;
  case AST_YieldFrom: f_node(f, "value", n->v.YieldFrom.value); break;
  case AST_Compare:
    f_node(f, "left", n->v.Compare.left);
    fsep(f, "ops");
    fputc('[', o);
    for (int i = 0; i < n->v.Compare.comparators.n; i++)
      fprintf(o, "%s%s", i ? ", " : "", cmpop_names[n->v.Compare.ops[i]]);
    fputc(']', o);
    f_seq(f, "comparators", &n->v.Compare.comparators);
    break;
  case AST_Call:
    f_node(f, "func", n->v.Call.func);
    f_seq(f, "args", &n->v.Call.args);
    f_seq(f, "keywords", &n->v.Call.keywords);
    break;
  case AST_FormattedValue:
    f_node(f, "value", n->v.FormattedValue.value);
    f_int(f, "conversion", n->v.FormattedValue.conversion);
    f_node(f, "format_spec", n->v.FormattedValue.format_spec);
    break;
  case AST_JoinedStr: f_seq(f, "values", &n->v.JoinedStr.values); break;
  case AST_Constant:
    fsep(f, "value");
    dump_const(d, &n->v.Constant.value);
    if (n->v.Constant.kind_u) f_raw(f, "kind", "'u'");
    break;
  case AST_Attribute:
    f_node(f, "value", n->v.Attribute.value);
    f_id(f, "attr", n->v.Attribute.attr);
    f_raw(f, "ctx", ctx_name(n->v.Attribute.ctx));
    break;
  case AST_Subscript:
    f_node(f, "value", n->v.Subscript.value);
    f_node(f, "slice", n->v.Subscript.slice);
    f_raw(f, "ctx", ctx_name(n->v.Subscript.ctx));
    break;
  case AST_Starred:
    f_node(f, "value", n->v.Starred.value);
    f_raw(f, "ctx", ctx_name(n->v.Starred.ctx));
    break;
  case AST_Name:
    f_id(f, "id", n->v.Name.id);
    f_raw(f, "ctx", ctx_name(n->v.Name.ctx));
    break;
  case AST_List:
    f_seq(f, "elts", &n->v.List.elts);
    f_raw(f, "ctx", ctx_name(n->v.List.ctx));
    break;
  case AST_Tuple:
    f_seq(f, "elts", &n->v.Tuple.elts);
    f_raw(f, "ctx", ctx_name(n->v.Tuple.ctx));
    break;
  case AST_Slice:
    f_node(f, "lower", n->v.Slice.lower);
    f_node(f, "upper", n->v.Slice.upper);
    f_node(f, "step", n->v.Slice.step);
    break;
  case AST_arguments:
    f_seq(f, "posonlyargs", &n->v.arguments.posonlyargs);
    f_seq(f, "args", &n->v.arguments.args);
    f_node(f, "vararg", n->v.arguments.vararg);
    f_seq(f, "kwonlyargs", &n->v.arguments.kwonlyargs);
    f_seq(f, "kw_defaults", &n->v.arguments.kw_defaults);
    f_node(f, "kwarg", n->v.arguments.kwarg);
    f_seq(f, "defaults", &n->v.arguments.defaults);
    break;
  case AST_arg:
    f_id(f, "arg", n->v.arg.arg);
    f_node(f, "annotation", n->v.arg.annotation);
    break;
  case AST_keyword:
    f_id(f, "arg", n->v.keyword.arg);
    f_node(f, "value", n->v.keyword.value);
    break;
  case AST_alias:
    f_id(f, "name", n->v.alias.name);
    f_id(f, "asname", n->v.alias.asname);
    break;
  case AST_withitem:
    f_node(f, "context_expr", n->v.withitem.context_expr);
    f_node(f, "optional_vars", n->v.withitem.optional_vars);
    break;
  case AST_comprehension:
    f_node(f, "target", n->v.comprehension.target);
    f_node(f, "iter", n->v.comprehension.iter);
    f_seq(f, "ifs", &n->v.comprehension.ifs);
    f_int(f, "is_async", n->v.comprehension.is_async);
    break;
  case AST_ExceptHandler:
    f_node(f, "type", n->v.ExceptHandler.type);
    f_id(f, "name", n->v.ExceptHandler.name);
    f_seq(f, "body", &n->v.ExceptHandler.body);
    break;
  default: break;
  }
  if ((d->flags & AST_DUMP_POSITIONS) && has_position(n->kind)) {
    f_int(f, "lineno", n->lineno);
    f_int(f, "col_offset", n->col_offset);
    f_int(f, "end_lineno", n->end_lineno);
    f_int(f, "end_col_offset", n->end_col_offset);
  }
  fputc(')', o);
}

int asy_ast_dump(FILE *out, const AstNode *n, int flags) {
  Dumper d = {out, flags};
  if (n) dump_node(&d, n);
  else fputs("None", out);
  return ferror(out) ? -1 : 0;
}
