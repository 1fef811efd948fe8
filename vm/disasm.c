/*
** disasm.c — the bytecode listing behind `asy --dis`, laid out like CPython's dis:
** a header per code object, then one line per instruction with the source line on
** line changes, the index, the opcode name, the argument and its meaning in
** parentheses; then the exception table. Nested code objects follow.
*/
#include "vm/env.h"
#include "vm/disasm.h"

#include <stdlib.h>
#include <string.h>

#include "vm/opcodes.h"

static const char *const opcode_names[] = {
#define OP(name, pops, pushes, flags, doc) #name,
    ASY_OPCODES(OP)
#undef OP
};

const char *asy_opcode_name(int op) {
  if (op < 0 || op >= OP__COUNT) return "<unknown>";
  return opcode_names[op];
}

static const char *const binop_names[] = {"+", "&",  "//", "<<", "@", "*", "%",
                                          "|", "**", ">>", "-",  "/", "^"};
static const char *const cmp_names[] = {"<", "<=", "==", "!=", ">", ">="};

static void print_str(FILE *out, ObjStr *s) {
  if (s) fwrite(s->chars, 1, s->size, out);
  else fputs("?", out);
}

static void print_code_name(FILE *out, ObjCode *co) {
  fputs("<code object ", out);
  print_str(out, co->name);
  fputs(", file \"", out);
  print_str(out, co->filename);
  fprintf(out, "\", line %d>", co->firstline);
}

/* The argument's meaning is built in a buffer so that an empty one prints nothing. */
typedef struct {
  char text[160];
  size_t len;
} ArgBuf;

static void ab_put(ArgBuf *b, const char *s, size_t n) {
  if (n > sizeof b->text - 1 - b->len) n = sizeof b->text - 1 - b->len;
  memcpy(b->text + b->len, s, n);
  b->len += n;
  b->text[b->len] = 0;
}
static void ab_cstr(ArgBuf *b, const char *s) { ab_put(b, s, strlen(s)); }
static void ab_str(ArgBuf *b, ObjStr *s) {
  if (s) ab_put(b, s->chars, s->size);
  else ab_cstr(b, "?");
}

static void print_const(VM *vm, ArgBuf *out, Value v) {
  if (IS_CODE(v)) {
    ObjCode *co = AS_CODE(v);
    char line[32];
    ab_cstr(out, "<code object ");
    ab_str(out, co->name);
    snprintf(line, sizeof line, ", line %d>", co->firstline);
    ab_cstr(out, line);
    return;
  }
  Value r = asy_repr(vm, v);
  if (IS_EXC(r) || !IS_STR(r)) {
    asy_clear_pending(vm);
    ab_cstr(out, "?");
    return;
  }
  ObjStr *s = AS_STR(r);
  if (s->size > 60) {
    ab_put(out, s->chars, 57);
    ab_cstr(out, "...");
  } else {
    ab_str(out, s);
  }
}

static ObjStr *name_at(ObjCode *co, int i) {
  return i >= 0 && i < co->nnames ? co->names[i] : NULL;
}

static ObjStr *local_at(ObjCode *co, int i) {
  if (!co->varnames || i < 0 || (size_t)i >= co->varnames->size) return NULL;
  Value v = co->varnames->items[i];
  return IS_STR(v) ? AS_STR(v) : NULL;
}

static void print_flags(FILE *out, int flags) {
  /* clang-format off */
  static const struct { int bit; const char *name; } names[] = {
      {CODE_VARARGS, "VARARGS"},   {CODE_VARKW, "VARKEYWORDS"},
      {CODE_COROUTINE, "COROUTINE"}, {CODE_MODULE, "MODULE"},
      {CODE_CLASS, "CLASS"},       {CODE_HAS_AWAIT, "HAS_AWAIT"},
      {CODE_LAMBDA, "LAMBDA"},     {CODE_INLINED_COMP, "INLINED_COMP"},
      {CODE_HAS_DOCSTRING, "HAS_DOCSTRING"},
  };
  /* clang-format on */
  bool first = true;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (!(flags & names[i].bit)) continue;
    fprintf(out, "%s%s", first ? "" : ", ", names[i].name);
    first = false;
  }
  if (first) fputs("-", out);
}

static void print_arg(VM *vm, ArgBuf *out, ObjCode *co, int op, int arg) {
  switch (asy_op_facts(op).arg) {
  case OPARG_CONST:
    if (arg < co->nconsts) print_const(vm, out, co->consts[arg]);
    return;
  case OPARG_NAME: ab_str(out, name_at(co, arg)); return;
  case OPARG_NAME_FLAG:
    ab_str(out, name_at(co, arg >> 1));
    if (arg & 1) ab_cstr(out, op == OP_LOAD_ATTR ? " + NULL|self" : " + NULL");
    return;
  case OPARG_LOCAL: ab_str(out, local_at(co, arg)); return;
  case OPARG_JUMP: {
    char t[24];
    snprintf(t, sizeof t, "to %d", arg);
    ab_cstr(out, t);
    return;
  }
  default: break;
  }
  switch (op) {
  case OP_COMPARE_OP: ab_cstr(out, arg >= 0 && arg < 6 ? cmp_names[arg] : "?"); return;
  case OP_BINARY_OP: {
    int base = arg >= ASY_INPLACE ? arg - ASY_INPLACE : arg;
    ab_cstr(out, base >= 0 && base < BINOP__COUNT ? binop_names[base] : "?");
    if (arg >= ASY_INPLACE) ab_cstr(out, "=");
    return;
  }
  case OP_LOAD_FAST_ADD_INT:
  case OP_LOAD_FAST_ADD_INT_STORE: {
    char t[32];
    ab_str(out, local_at(co, arg & 0xff));
    snprintf(t, sizeof t, " + %d", (int)(int16_t)(arg >> 8));
    ab_cstr(out, t);
    return;
  }
  case OP_LOAD_FAST_CMP_INT: {
    char t[32];
    static const int by_mask[8] = {-1, CMP_LT, CMP_EQ, CMP_LE, CMP_GT, CMP_NE, CMP_GE, -1};
    int cmp = by_mask[(arg >> 8) & 7];
    ab_str(out, local_at(co, arg & 0xff));
    snprintf(t, sizeof t, " %s %d", cmp >= 0 ? cmp_names[cmp] : "?",
             (int)((int32_t)((uint32_t)arg << 8) >> 19));
    ab_cstr(out, t);
    return;
  }
  case OP_IS_OP: ab_cstr(out, arg ? "is not" : "is"); return;
  case OP_CONTAINS_OP: ab_cstr(out, arg ? "not in" : "in"); return;
  case OP_CONVERT_VALUE:
    ab_cstr(out, arg == 1 ? "str" : arg == 2 ? "repr" : arg == 3 ? "ascii" : "?");
    return;
  case OP_UNPACK_EX: {
    char t[48];
    snprintf(t, sizeof t, "%d before, %d after", arg & 0xff, arg >> 8);
    ab_cstr(out, t);
    return;
  }
  case OP_MAKE_FUNCTION: {
    const char *sep = "";
    if (arg & 1) ab_cstr(out, sep), ab_cstr(out, "defaults"), sep = ", ";
    if (arg & 2) ab_cstr(out, sep), ab_cstr(out, "kwdefaults"), sep = ", ";
    if (arg & 4) ab_cstr(out, sep), ab_cstr(out, "annotations"), sep = ", ";
    if (arg & 8) ab_cstr(out, sep), ab_cstr(out, "closure");
    return;
  }
  case OP_CALL_INTRINSIC_1: {
    static const char *const names1[] = {
        [INTRINSIC_IMPORT_STAR] = "INTRINSIC_IMPORT_STAR",
        [INTRINSIC_TYPEVAR] = "INTRINSIC_TYPEVAR",
        [INTRINSIC_PARAMSPEC] = "INTRINSIC_PARAMSPEC",
        [INTRINSIC_TYPEVARTUPLE] = "INTRINSIC_TYPEVARTUPLE",
        [INTRINSIC_SUBSCRIPT_GENERIC] = "INTRINSIC_SUBSCRIPT_GENERIC",
        [INTRINSIC_TYPEALIAS] = "INTRINSIC_TYPEALIAS",
    };
    ab_cstr(out, (size_t)arg < sizeof names1 / sizeof names1[0] && names1[arg] ? names1[arg] : "?");
    return;
  }
  case OP_CALL_INTRINSIC_2: {
    static const char *const names2[] = {
        [INTRINSIC_PREP_RERAISE_STAR] = "INTRINSIC_PREP_RERAISE_STAR",
        [INTRINSIC_TYPEVAR_WITH_BOUND] = "INTRINSIC_TYPEVAR_WITH_BOUND",
        [INTRINSIC_TYPEVAR_WITH_CONSTRAINTS] = "INTRINSIC_TYPEVAR_WITH_CONSTRAINTS",
        [INTRINSIC_SET_FUNCTION_TYPE_PARAMS] = "INTRINSIC_SET_FUNCTION_TYPE_PARAMS",
        [INTRINSIC_SET_TYPEPARAM_DEFAULT] = "INTRINSIC_SET_TYPEPARAM_DEFAULT",
    };
    ab_cstr(out, (size_t)arg < sizeof names2 / sizeof names2[0] && names2[arg] ? names2[arg] : "?");
    return;
  }
  default: return;
  }
}

static void disassemble_one(VM *vm, ObjCode *co, FILE *out) {
  fputs("Disassembly of ", out);
  print_code_name(out, co);
  fputs(":\n", out);
  fputs("  qualname: ", out);
  print_str(out, co->qualname);
  fprintf(out,
          "  args: %d (posonly %d, kwonly %d)  locals: %d  cells: %d  free: %d  "
          "stack: %d  flags: ",
          co->argcount, co->posonlyargcount, co->kwonlyargcount, co->nlocals, co->ncells, co->nfree,
          co->stacksize);
  print_flags(out, co->flags);
  fputs("\n", out);
  /* jump targets get a marker, as dis's labels do */
  bool *target = calloc((size_t)co->ncode + 1, sizeof(bool));
  for (int i = 0; i < co->ncode && target; i++) {
    int arg = (int)ASY_ARG(co->code[i]);
    if (asy_op_facts(ASY_OP(co->code[i])).arg == OPARG_JUMP && arg >= 0 && arg <= co->ncode)
      target[arg] = true;
  }
  for (int k = 0; k < co->nexc && target; k++)
    if ((int)co->exctable[k].target <= co->ncode) target[co->exctable[k].target] = true;
  int last_line = -1;
  /* ASY_DIS_POSITIONS=1 adds each instruction's full source range (dis's
     show_positions), to compare carets with CPython's co_positions(). */
  const char *sp = asy_getenv("ASY_DIS_POSITIONS");
  bool show_pos = sp && *sp && *sp != '0';
  for (int i = 0; i < co->ncode; i++) {
    int op = ASY_OP(co->code[i]);
    int arg = (int)ASY_ARG(co->code[i]);
    int line = co->positions ? co->positions[i].line : 0;
    if (line != last_line) {
      if (i > 0) fputs("\n", out);
      if (line > 0) fprintf(out, "%4d", line);
      else fputs("  --", out);
      last_line = line;
    } else {
      fputs("    ", out);
    }
    fprintf(out, "  %s %5d %-26s", target && target[i] ? ">>" : "  ", i, asy_opcode_name(op));
    if (asy_op_facts(op).arg != OPARG_NONE) {
      fprintf(out, " %5d", arg);
      ArgBuf b = {{0}, 0};
      print_arg(vm, &b, co, op, arg);
      if (b.len) fprintf(out, " (%s)", b.text);
    }
    if (show_pos && co->positions) {
      AsyPos *p = &co->positions[i];
      fprintf(out, "    @%d:%d-%d:%d", p->line, p->col, p->end_line, p->end_col);
    }
    fputs("\n", out);
  }
  free(target);
  if (co->nexc) {
    fputs("ExceptionTable:\n", out);
    for (int k = 0; k < co->nexc; k++) {
      ExcEntry *e = &co->exctable[k];
      fprintf(out, "  %u to %u -> %u [%u]%s\n", e->start, e->end, e->target, e->depth,
              e->push_lasti ? " lasti" : "");
    }
  }
}

void asy_disassemble(VM *vm, ObjCode *code, FILE *out) {
  disassemble_one(vm, code, out);
  for (int i = 0; i < code->nconsts; i++) {
    if (IS_CODE(code->consts[i])) {
      fputs("\n", out);
      asy_disassemble(vm, AS_CODE(code->consts[i]), out);
    }
  }
}
