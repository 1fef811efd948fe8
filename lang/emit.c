/*
** emit.c — the instruction buffer of a compilation unit and its assembly into an
** ObjCode: labels and jump resolution, the handler stack and the exception table,
** constants and names, operand-stack depth bookkeeping and the stacksize pass.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("asy: out of memory in compiler\n", stderr);
    abort();
  }
  return q;
}

#define GROW(arr, cap, need) \
  do { \
    if ((need) > (cap)) { \
      int ncap_ = (cap) ? (cap)*2 : 16; \
      while (ncap_ < (need)) ncap_ *= 2; \
      (arr) = xrealloc((arr), sizeof *(arr) * (size_t)ncap_); \
      (cap) = ncap_; \
    } \
  } while (0)

/* ------------------------------------------------------------------------ */
/* Stack effects                                                             */

/* Every row must mark both counts or neither, so that no count is silently
   overridden by varying_effect(). */
#define OP(name, pops, pushes, flags, doc) \
  _Static_assert(((pops) == ASY_VARIES) == ((pushes) == ASY_VARIES), \
                 #name ": ASY_VARIES must mark both pops and pushes");
ASY_OPCODES(OP)
#undef OP

/* JUMP_PSEUDO becomes JUMP_FORWARD or JUMP_BACKWARD at assembly; both have the
   same row, so it borrows theirs. */
static AsyOpFacts facts(int op) {
  return asy_op_facts(op == OP_JUMP_PSEUDO ? OP_JUMP_FORWARD : op);
}

/* The effects the table marks ASY_VARIES: they depend on the argument, or for
   conditional jumps that keep or drop an item, on the path taken. */
static int varying_effect(int op, int arg, bool jump) {
  switch (op) {
  case OP_LOAD_GLOBAL: return 1 + (arg & 1);
  case OP_LOAD_ATTR: return arg & 1;
  case OP_BUILD_SLICE:
  case OP_BUILD_TUPLE:
  case OP_BUILD_LIST:
  case OP_BUILD_SET:
  case OP_BUILD_STRING: return 1 - arg;
  case OP_BUILD_MAP: return 1 - 2 * arg;
  case OP_JUMP_IF_FALSE_OR_POP:
  case OP_JUMP_IF_TRUE_OR_POP: return jump ? 0 : -1;
  case OP_FOR_ITER: return jump ? -1 : 1;
  case OP_UNPACK_SEQUENCE: return arg - 1;
  case OP_UNPACK_EX: return (arg & 0xff) + (arg >> 8);
  case OP_CALL: return -1 - arg;
  case OP_CALL_KW: return -2 - arg;
  case OP_CALL_FUNCTION_EX: return -2 - (arg & 1);
  case OP_MAKE_FUNCTION:
    return -(((arg & 1) != 0) + ((arg & 2) != 0) + ((arg & 4) != 0) + ((arg & 8) != 0));
  case OP_BUILD_CLASS: return -3 - arg;
  case OP_RAISE_VARARGS: return -arg;
  default:
    /* A wrong depth would be a silently wrong stacksize: stop instead. */
    fprintf(stderr, "asy: internal compiler error: no stack effect for opcode %d\n", op);
    abort();
  }
}

int asy_stack_effect(int op, int arg, bool jump) {
  AsyOpFacts f = facts(op);
  if (f.pops == ASY_VARIES) return varying_effect(op, arg, jump);
  return f.pushes - f.pops;
}

static bool is_jump(int op) { return facts(op).arg == OPARG_JUMP; }

/* No fall-through to the next instruction. */
static bool is_terminal(int op) { return facts(op).terminal; }

/* ------------------------------------------------------------------------ */
/* Units                                                                     */

Unit *unit_new(Compiler *c, Scope *ste, UnitKind kind, const char *name, int firstline) {
  (void)c;
  Unit *u = calloc(1, sizeof *u);
  if (!u) {
    fputs("asy: out of memory in compiler\n", stderr);
    abort();
  }
  u->ste = ste;
  u->kind = kind;
  u->name = name;
  u->firstline = firstline;
  u->cur_handler = -1;
  return u;
}

void unit_free(Unit *u) {
  if (!u) return;
  /* clang-format off */
  free(u->code); free(u->pos); free(u->hid);
  free(u->lpos); free(u->ldepth); free(u->lhid);
  free(u->handlers);
  free(u->consts); free(u->cindex);
  free(u->names); free(u->nindex);
  free(u->fast); free(u->cells); free(u->cell2arg); free(u->frees);
  free(u->fast_ix); free(u->cell_ix); free(u->free_ix);
  /* clang-format on */
  free(u->qualname);
  free(u->static_attrs);
  free(u);
}

/* ------------------------------------------------------------------------ */
/* Emission                                                                  */

static void emit_raw(Compiler *c, int op, int arg, AsyPos loc) {
  Unit *u = c->u;
  int oldcap = u->capcode;
  GROW(u->code, u->capcode, u->ncode + 1);
  if (u->capcode != oldcap) {
    u->pos = xrealloc(u->pos, sizeof *u->pos * (size_t)u->capcode);
    u->hid = xrealloc(u->hid, sizeof *u->hid * (size_t)u->capcode);
  }
  if (loc.line < 0) {
    /* CPython gives artificial instructions the location of what precedes them. */
    loc = u->ncode ? u->pos[u->ncode - 1] : (AsyPos){u->firstline, u->firstline, -1, -1};
  }
  u->code[u->ncode] = ASY_INS(op & 0xff, (uint32_t)arg);
  u->pos[u->ncode] = loc;
  u->hid[u->ncode] = u->cur_handler;
  u->ncode++;
}

static void note_depth(Unit *u) {
  if (u->depth > u->maxdepth) u->maxdepth = u->depth;
}

void emit(Compiler *c, int op, int arg, AsyPos loc) {
  Unit *u = c->u;
  emit_raw(c, op, arg, loc);
  if (u->depth >= 0) {
    u->depth += asy_stack_effect(op, arg, false);
    note_depth(u);
    if (u->depth < 0) {
      fprintf(stderr, "asy: internal compiler error: negative stack depth in %s at %d\n", u->name,
              u->ncode - 1);
      u->depth = 0;
    }
  }
  if (is_terminal(op)) u->depth = -1;
}

static void label_set_depth(Compiler *c, int label, int depth) {
  Unit *u = c->u;
  if (depth < 0) return;
  if (u->ldepth[label] < 0) {
    u->ldepth[label] = depth;
  } else if (u->ldepth[label] != depth) {
    fprintf(stderr,
            "asy: internal compiler error: inconsistent stack depth at label %d in %s "
            "(%d vs %d)\n",
            label, u->name, u->ldepth[label], depth);
  }
}

void emit_jump(Compiler *c, int op, int label, AsyPos loc) {
  Unit *u = c->u;
  if (u->depth >= 0) {
    int d = u->depth + asy_stack_effect(op, 0, true);
    label_set_depth(c, label, d);
    if (d > u->maxdepth) u->maxdepth = d;
    if (u->lhid[label] == -2) u->lhid[label] = u->cur_handler;
  }
  emit(c, op, label, loc);
}

int new_label(Compiler *c) {
  Unit *u = c->u;
  int l = u->nlabels;
  int cap = u->caplabels;
  GROW(u->lpos, u->caplabels, l + 1);
  if (u->caplabels != cap) {
    u->ldepth = xrealloc(u->ldepth, sizeof(int) * (size_t)u->caplabels);
    u->lhid = xrealloc(u->lhid, sizeof(int) * (size_t)u->caplabels);
  }
  u->lpos[l] = -1;
  u->ldepth[l] = -1;
  u->lhid[l] = -2;
  u->nlabels++;
  return l;
}

void bind_label(Compiler *c, int label) {
  Unit *u = c->u;
  u->lpos[label] = u->ncode;
  if (u->depth >= 0) {
    /* reached by falling through: the state flows on */
    label_set_depth(c, label, u->depth);
    if (u->lhid[label] == -2) u->lhid[label] = u->cur_handler;
  } else {
    u->depth = u->ldepth[label];
    if (u->lhid[label] != -2) u->cur_handler = u->lhid[label];
  }
}

void push_handler(Compiler *c, int label, int depth, bool lasti) {
  Unit *u = c->u;
  GROW(u->handlers, u->caphandlers, u->nhandlers + 1);
  u->handlers[u->nhandlers] = (Handler){label, depth, lasti, u->cur_handler};
  if (depth >= 0) {
    label_set_depth(c, label, depth + (lasti ? 1 : 0) + 1);
    if (depth + 2 > u->maxdepth) u->maxdepth = depth + 2;
  }
  u->lhid[label] = u->cur_handler; /* the handler's code runs under its parent */
  u->cur_handler = u->nhandlers++;
}

void pop_handler(Compiler *c) {
  Unit *u = c->u;
  if (u->cur_handler >= 0) u->cur_handler = u->handlers[u->cur_handler].parent;
}

/* ------------------------------------------------------------------------ */
/* Constants and names                                                       */

static uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

static uint64_t bytes_hash(const void *p, size_t n) {
  const unsigned char *s = p;
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ULL;
  return h;
}

static uint64_t cv_hash(Value v) {
  switch (v.tag) {
  case VAL_NONE: return 1;
  case VAL_BOOL: return 2 + (uint64_t)AS_BOOL(v);
  case VAL_INT: return mix64((uint64_t)AS_INT(v) * 3 + 5);
  case VAL_FLOAT: {
    uint64_t bits;
    memcpy(&bits, &v.as.f, sizeof bits);
    return mix64(bits * 7 + 11);
  }
  case VAL_OBJ: {
    Obj *o = AS_OBJ(v);
    if (o->type == OBJ_STR) return bytes_hash(((ObjStr *)o)->chars, ((ObjStr *)o)->size) * 13;
    if (o->type == OBJ_BYTES) return bytes_hash(((ObjBytes *)o)->data, ((ObjBytes *)o)->size) * 17;
    if (o->type == OBJ_TUPLE) {
      ObjTuple *t = (ObjTuple *)o;
      uint64_t h = 19 + t->size;
      for (size_t i = 0; i < t->size; i++) h = h * 1000003ULL ^ cv_hash(t->items[i]);
      return h;
    }
    return mix64((uint64_t)(uintptr_t)o);
  }
  default: return 0;
  }
}

static bool cv_eq(Value a, Value b) {
  if (a.tag != b.tag) return false;
  switch (a.tag) {
  case VAL_NONE: return true;
  case VAL_BOOL: return AS_BOOL(a) == AS_BOOL(b);
  case VAL_INT: return AS_INT(a) == AS_INT(b);
  case VAL_FLOAT: return memcmp(&a.as.f, &b.as.f, sizeof(double)) == 0;
  case VAL_OBJ: {
    Obj *x = AS_OBJ(a), *y = AS_OBJ(b);
    if (x == y) return true;
    if (x->type != y->type) return false;
    if (x->type == OBJ_STR) {
      ObjStr *s = (ObjStr *)x, *t = (ObjStr *)y;
      return s->size == t->size && memcmp(s->chars, t->chars, s->size) == 0;
    }
    if (x->type == OBJ_BYTES) {
      ObjBytes *s = (ObjBytes *)x, *t = (ObjBytes *)y;
      return s->size == t->size && memcmp(s->data, t->data, s->size) == 0;
    }
    if (x->type == OBJ_TUPLE) {
      ObjTuple *s = (ObjTuple *)x, *t = (ObjTuple *)y;
      if (s->size != t->size) return false;
      for (size_t i = 0; i < s->size; i++)
        if (!cv_eq(s->items[i], t->items[i])) return false;
      return true;
    }
    return false;
  }
  default: return false;
  }
}

static void cindex_insert(Unit *u, int ci) {
  unsigned m = (unsigned)u->cindex_cap - 1;
  unsigned i = (unsigned)cv_hash(u->consts[ci]) & m;
  while (u->cindex[i]) i = (i + 1) & m;
  u->cindex[i] = ci + 1;
}

int add_const(Compiler *c, Value v) {
  Unit *u = c->u;
  if (u->cindex_cap) {
    unsigned m = (unsigned)u->cindex_cap - 1;
    for (unsigned i = (unsigned)cv_hash(v) & m; u->cindex[i]; i = (i + 1) & m)
      if (cv_eq(u->consts[u->cindex[i] - 1], v)) return u->cindex[i] - 1;
  }
  GROW(u->consts, u->capconsts, u->nconsts + 1);
  int ci = u->nconsts++;
  u->consts[ci] = v;
  asy_push_root(c->vm, v); /* interned strings may come back unrooted */
  if (u->nconsts * 2 > u->cindex_cap) {
    u->cindex_cap = u->cindex_cap ? u->cindex_cap * 2 : 32;
    free(u->cindex);
    u->cindex = calloc((size_t)u->cindex_cap, sizeof(int));
    if (!u->cindex) abort();
    for (int i = 0; i < u->nconsts; i++) cindex_insert(u, i);
  } else {
    cindex_insert(u, ci);
  }
  return ci;
}

static unsigned name_hash(const char *s) {
  unsigned h = 2166136261u;
  while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
  return h;
}

static void nindex_insert(Unit *u, int ni) {
  unsigned m = (unsigned)u->nindex_cap - 1;
  unsigned i = name_hash(u->names[ni]) & m;
  while (u->nindex[i]) i = (i + 1) & m;
  u->nindex[i] = ni + 1;
}

int add_name(Compiler *c, const char *name) {
  Unit *u = c->u;
  if (u->nindex_cap) {
    unsigned m = (unsigned)u->nindex_cap - 1;
    for (unsigned i = name_hash(name) & m; u->nindex[i]; i = (i + 1) & m)
      if (strcmp(u->names[u->nindex[i] - 1], name) == 0) return u->nindex[i] - 1;
  }
  GROW(u->names, u->capnames, u->nnames + 1);
  int ni = u->nnames++;
  u->names[ni] = name;
  if (u->nnames * 2 > u->nindex_cap) {
    u->nindex_cap = u->nindex_cap ? u->nindex_cap * 2 : 32;
    free(u->nindex);
    u->nindex = calloc((size_t)u->nindex_cap, sizeof(int));
    if (!u->nindex) abort();
    for (int i = 0; i < u->nnames; i++) nindex_insert(u, i);
  } else {
    nindex_insert(u, ni);
  }
  return ni;
}

void emit_load_const(Compiler *c, Value v, AsyPos loc) {
  emit(c, OP_LOAD_CONST, add_const(c, v), loc);
}

/* ------------------------------------------------------------------------ */
/* Assembly                                                                  */

/* Flow analysis of the operand stack over reachable code (CPython's stackdepth()).
   Returns the maximum depth; reports inconsistencies (compiler bugs) on stderr. */
static int flow_stacksize(Unit *u, const uint32_t *code, int n, const ExcEntry *ex, int nex) {
  int *at = malloc(sizeof(int) * (size_t)(n + 1));
  int *work = malloc(sizeof(int) * (size_t)(n + 1 + nex));
  if (!at || !work) abort();
  for (int i = 0; i <= n; i++) at[i] = -1;
  int nw = 0, maxd = 0;
  bool bad = false;
#define VISIT(idx, d) \
  do { \
    int i_ = (idx), d_ = (d); \
    if (i_ >= 0 && i_ < n) { \
      if (at[i_] < 0) { \
        at[i_] = d_; \
        work[nw++] = i_; \
        if (d_ > maxd) maxd = d_; \
      } else if (at[i_] != d_ && !bad) { \
        bad = true; \
        fprintf(stderr, "asy: internal compiler error: stack depth %d vs %d at %d in %s\n", \
                at[i_], d_, i_, u->name); \
      } \
    } \
  } while (0)
  if (n > 0) VISIT(0, 0);
  for (;;) {
    while (nw > 0) {
      int i = work[--nw];
      int d = at[i];
      int op = ASY_OP(code[i]);
      int arg = (int)ASY_ARG(code[i]);
      if (is_jump(op)) VISIT(arg, d + asy_stack_effect(op, arg, true));
      if (!is_terminal(op)) VISIT(i + 1, d + asy_stack_effect(op, arg, false));
    }
    /* Handlers are reachable when an instruction they cover is. */
    bool more = false;
    for (int k = 0; k < nex; k++) {
      int t = (int)ex[k].target;
      if (at[t] >= 0) continue;
      for (uint32_t j = ex[k].start; j < ex[k].end; j++) {
        if (at[j] >= 0) {
          VISIT(t, ex[k].depth + ex[k].push_lasti + 1);
          more = true;
          break;
        }
      }
    }
    if (!more) break;
  }
#undef VISIT
  for (int k = 0; k < nex && !bad; k++)
    for (uint32_t j = ex[k].start; j < ex[k].end; j++)
      if (at[j] >= 0 && at[j] < ex[k].depth) {
        bad = true;
        fprintf(stderr,
                "asy: internal compiler error: handler depth %d above stack %d at %u in %s\n",
                ex[k].depth, at[j], j, u->name);
        break;
      }
  free(at);
  free(work);
  return maxd;
}

/* Superinstructions (opcodes.h): over LOAD_FAST, when what follows it makes a common
** pair or run, write the fused form; the instructions it stands for stay in place. Run
** after the stack depth is computed (the fused forms describe no stack effect of their
** own). */
static bool plain_local_arg(uint32_t ins) { /* a LOAD_FAST, or a fused one whose arg is
                                              the local alone */
  int op = ASY_OP(ins);
  return op == OP_LOAD_FAST || op == OP_LOAD_FAST_LOAD_FAST || op == OP_LOAD_FAST_LOAD_CONST ||
         op == OP_LOAD_FAST_LOAD_ATTR || op == OP_LOAD_FAST_STORE_ATTR || op == OP_LOAD_FAST_RETURN;
}

static void fuse(uint32_t *code, int n, const Value *consts) {
  /* Backwards, so that LOAD_FAST_LOAD_FAST sees what its second LOAD_FAST became: it
  ** reads that instruction's argument as a local index. */
  for (int i = n - 2; i >= 0; i--) {
    uint32_t local = ASY_ARG(code[i]);
    if (ASY_OP(code[i]) != OP_LOAD_FAST) continue;
    if (ASY_OP(code[i + 1]) == OP_LOAD_ATTR) { /* `self.x`, `self.f(...)` */
      code[i] = ASY_INS(OP_LOAD_FAST_LOAD_ATTR, local);
      continue;
    }
    if (plain_local_arg(code[i + 1])) { /* `a + b` */
      code[i] = ASY_INS(OP_LOAD_FAST_LOAD_FAST, local);
      continue;
    }
    if (ASY_OP(code[i + 1]) == OP_RETURN_VALUE) { /* `return x` */
      code[i] = ASY_INS(OP_LOAD_FAST_RETURN, local);
      continue;
    }
    if (ASY_OP(code[i + 1]) == OP_STORE_ATTR) { /* `self.x = v` */
      code[i] = ASY_INS(OP_LOAD_FAST_STORE_ATTR, local);
      continue;
    }
    if (ASY_OP(code[i + 1]) != OP_LOAD_CONST) continue;
    Value k = consts[ASY_ARG(code[i + 1])];
    if (local < 256 && IS_INT(k) && i + 2 < n) {
      int64_t c = AS_INT(k);
      uint32_t next = code[i + 2], op = ASY_ARG(next);
      bool add = op == BINOP_ADD || op == BINOP_ADD + ASY_INPLACE;
      bool sub = op == BINOP_SUBTRACT || op == BINOP_SUBTRACT + ASY_INPLACE;
      if (ASY_OP(next) == OP_BINARY_OP && (add || sub) && c > -32768 && c < 32768) {
        int64_t addend = add ? c : -c;
        int fused = i + 3 < n && ASY_OP(code[i + 3]) == OP_STORE_FAST ? OP_LOAD_FAST_ADD_INT_STORE
                                                                      : OP_LOAD_FAST_ADD_INT;
        code[i] = ASY_INS(fused, local | ((uint32_t)(addend & 0xffff) << 8));
        continue;
      }
      if (ASY_OP(next) == OP_COMPARE_OP && op < 6 && i + 3 < n &&
          ASY_OP(code[i + 3]) == OP_POP_JUMP_IF_FALSE && c >= -4096 && c < 4096) {
        /* the operator as the interpreter's comparison mask (interp.c's cmp_masks) */
        static const uint32_t masks[6] = {
            [CMP_LT] = 1, [CMP_LE] = 3, [CMP_EQ] = 2, [CMP_NE] = 5, [CMP_GT] = 4, [CMP_GE] = 6};
        code[i] = ASY_INS(OP_LOAD_FAST_CMP_INT,
                          local | (masks[op] << 8) | ((uint32_t)(c & 0x1fff) << 11));
        continue;
      }
    }
    code[i] = ASY_INS(OP_LOAD_FAST_LOAD_CONST, local);
  }
}

static ObjStr *intern_name(Compiler *c, const char *s) {
  ObjStr *o = asy_str_intern(c->vm, s, strlen(s));
  asy_push_root(c->vm, OBJ_VAL(o));
  return o;
}

ObjCode *assemble(Compiler *c) {
  Unit *u = c->u;
  VM *vm = c->vm;
  int n = u->ncode;
  /* Resolve labels. */
  for (int i = 0; i < n; i++) {
    int op = ASY_OP(u->code[i]);
    if (!is_jump(op)) continue;
    int label = (int)ASY_ARG(u->code[i]);
    int target = u->lpos[label];
    if (target < 0) {
      cinternal(c, "unbound label");
      return NULL;
    }
    if (op == OP_JUMP_PSEUDO) op = target <= i ? OP_JUMP_BACKWARD : OP_JUMP_FORWARD;
    u->code[i] = ASY_INS(op, (uint32_t)target);
  }
  /* Exception table: runs of instructions sharing a handler. */
  int nex = 0;
  ExcEntry *ex = NULL;
  int capex = 0;
  for (int i = 0; i < n;) {
    int h = u->hid[i];
    int j = i + 1;
    while (j < n && u->hid[j] == h) j++;
    if (h >= 0) {
      Handler *hd = &u->handlers[h];
      GROW(ex, capex, nex + 1);
      ex[nex].start = (uint32_t)i;
      ex[nex].end = (uint32_t)j;
      ex[nex].target = (uint32_t)u->lpos[hd->label];
      ex[nex].depth = (uint16_t)(hd->depth < 0 ? 0 : hd->depth);
      ex[nex].push_lasti = hd->lasti;
      if (u->lpos[hd->label] < 0) {
        free(ex);
        cinternal(c, "unbound handler label");
        return NULL;
      }
      nex++;
    }
    i = j;
  }
  int stacksize = flow_stacksize(u, u->code, n, ex, nex);
  if (u->maxdepth > stacksize) stacksize = u->maxdepth;
  fuse(u->code, n, u->consts);

  /* Objects first (each allocation may collect; everything is temp-rooted). */
  ObjStr *name = intern_name(c, u->name);
  ObjStr *qualname = asy_str_cstr(vm, u->qualname ? u->qualname : u->name);
  int nlp = u->nfast + u->ncells + u->nfree;
  ObjTuple *varnames = asy_tuple_new(vm, (size_t)nlp);
  for (int i = 0; i < nlp; i++) {
    const char *s = i < u->nfast               ? u->fast[i]
                    : i < u->nfast + u->ncells ? u->cells[i - u->nfast]
                                               : u->frees[i - u->nfast - u->ncells];
    varnames->items[i] = OBJ_VAL(intern_name(c, s));
  }
  ObjStr **names = NULL;
  if (u->nnames) {
    names = malloc(sizeof *names * (size_t)u->nnames);
    if (!names) abort();
    for (int i = 0; i < u->nnames; i++) names[i] = intern_name(c, u->names[i]);
  }
  ObjCode *co = (ObjCode *)asy_alloc_obj(vm, sizeof(ObjCode), OBJ_CODE, vm->types.code);
  /* From here on nothing allocates objects: fill the raw buffers. */
  co->name = name;
  co->qualname = qualname;
  co->filename = c->filename;
  co->source = c->src;
  co->argcount = u->argcount;
  co->posonlyargcount = u->posonly;
  co->kwonlyargcount = u->kwonly;
  co->flags = u->flags;
  co->nlocals = u->nfast;
  co->ncells = u->ncells;
  co->nfree = u->nfree;
  co->stacksize = stacksize;
  asy_code_set_sizes(co);
  co->firstline = u->firstline;
  co->varnames = varnames;
  if (u->ncells) {
    bool any = false;
    for (int i = 0; i < u->ncells; i++) any |= u->cell2arg[i] >= 0;
    if (any) {
      int *c2a = ASY_ALLOC(vm, int, (size_t)u->ncells);
      memcpy(c2a, u->cell2arg, sizeof(int) * (size_t)u->ncells);
      co->cell2arg = c2a;
    }
  }
  if (u->nconsts) {
    Value *cs = ASY_ALLOC(vm, Value, (size_t)u->nconsts);
    memcpy(cs, u->consts, sizeof(Value) * (size_t)u->nconsts);
    co->consts = cs;
    co->nconsts = u->nconsts;
  }
  if (u->nnames) {
    ObjStr **ns = ASY_ALLOC(vm, ObjStr *, (size_t)u->nnames);
    memcpy(ns, names, sizeof *ns * (size_t)u->nnames);
    co->names = ns;
    co->nnames = u->nnames;
  }
  free(names);
  if (n) {
    uint32_t *code = ASY_ALLOC(vm, uint32_t, (size_t)n);
    memcpy(code, u->code, sizeof(uint32_t) * (size_t)n);
    AsyPos *pos = ASY_ALLOC(vm, AsyPos, (size_t)n);
    memcpy(pos, u->pos, sizeof(AsyPos) * (size_t)n);
    co->code = code;
    co->positions = pos;
    co->ncode = n;
  }
  if (nex) {
    ExcEntry *e = ASY_ALLOC(vm, ExcEntry, (size_t)nex);
    memcpy(e, ex, sizeof(ExcEntry) * (size_t)nex);
    co->exctable = e;
    co->nexc = nex;
  }
  free(ex);
  return co;
}
