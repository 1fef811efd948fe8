/*
** compile_match.c — the `match` statement (PEP 634), laid out as CPython 3.13's
** compiler_match: the subject stays on the stack while each case's pattern runs on a
** copy; captured values are rotated under whatever the pattern still holds (newest
** deepest) and stored only once the whole pattern matched; a failed check jumps into a
** ladder of POP_TOPs ("fail_pop") that drops exactly what is on the stack at that
** point. The runtime half is vm/match.c (MATCH_CLASS, MATCH_KEYS...).
*/
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"

typedef struct {
  const char **stores; /* names captured so far, in the order they will be stored */
  int nstores, capstores;
  bool allow_irrefutable;
  int *fail_pop; /* fail_pop[n]: pops n items, then continues at fail_pop[0] */
  int nfail;
  int on_top; /* items the pattern keeps above the captured values */
} PatCtx;

static bool compile_pattern(Compiler *c, AstNode *p, PatCtx *pc);

static void stores_push(PatCtx *pc, const char *name) {
  if (pc->nstores == pc->capstores) {
    pc->capstores = pc->capstores ? pc->capstores * 2 : 8;
    pc->stores = realloc(pc->stores, sizeof *pc->stores * (size_t)pc->capstores);
    if (!pc->stores) abort();
  }
  pc->stores[pc->nstores++] = name;
}

static int stores_index(const PatCtx *pc, const char *name) {
  for (int i = 0; i < pc->nstores; i++)
    if (!strcmp(pc->stores[i], name)) return i;
  return -1;
}

static void ensure_fail_pop(Compiler *c, PatCtx *pc, int n) {
  if (n < pc->nfail) return;
  pc->fail_pop = realloc(pc->fail_pop, sizeof *pc->fail_pop * (size_t)(n + 1));
  if (!pc->fail_pop) abort();
  while (pc->nfail <= n) pc->fail_pop[pc->nfail++] = new_label(c);
}

/* Jump (op) to where everything the pattern holds gets popped. */
static void jump_to_fail_pop(Compiler *c, AsyPos loc, PatCtx *pc, int op) {
  int pops = pc->on_top + pc->nstores;
  ensure_fail_pop(c, pc, pops);
  emit_jump(c, op, pc->fail_pop[pops], loc);
}

static void emit_and_reset_fail_pop(Compiler *c, AsyPos loc, PatCtx *pc) {
  if (!pc->nfail) return;
  for (int i = pc->nfail - 1; i > 0; i--) {
    bind_label(c, pc->fail_pop[i]);
    emit(c, OP_POP_TOP, 0, loc);
  }
  bind_label(c, pc->fail_pop[0]);
  free(pc->fail_pop);
  pc->fail_pop = NULL;
  pc->nfail = 0;
}

/* Move the top item n deep (n >= 1). */
static void rotate(Compiler *c, AsyPos loc, int n) {
  while (n > 1) emit(c, OP_SWAP, n--, loc);
}

static bool store_name(Compiler *c, AstNode *p, const char *name, PatCtx *pc) {
  AsyPos loc = node_loc(p);
  if (!name) {
    emit(c, OP_POP_TOP, 0, loc);
    return true;
  }
  if (stores_index(pc, name) >= 0)
    return cerror(c, p, "multiple assignments to name '%s' in pattern", name);
  rotate(c, loc, pc->on_top + pc->nstores + 1);
  stores_push(pc, name);
  return true;
}

static bool is_wildcard(const AstNode *p) {
  return p->kind == AST_MatchAs && !p->v.MatchAs.pattern && !p->v.MatchAs.name;
}

static bool is_star_wildcard(const AstNode *p) {
  return p->kind == AST_MatchStar && !p->v.MatchStar.name;
}

static bool subpattern(Compiler *c, AstNode *p, PatCtx *pc) {
  bool saved = pc->allow_irrefutable;
  pc->allow_irrefutable = true;
  bool ok = compile_pattern(c, p, pc);
  pc->allow_irrefutable = saved;
  return ok;
}

/* A value pattern's expression: a literal, a negated number, a complex literal or a
** dotted name (CPython's validate_pattern_match_value). */
static bool check_value(Compiler *c, AstNode *e) {
  switch (e->kind) {
  case AST_Constant:
  case AST_Attribute: return true;
  case AST_UnaryOp:
    if (e->v.UnaryOp.op == AST_USub) return true;
    break;
  case AST_BinOp: {
    if (e->v.BinOp.op != AST_Add && e->v.BinOp.op != AST_Sub) break;
    /* a complex literal: real (maybe negated) +/- imaginary */
    AstNode *l = e->v.BinOp.left, *r = e->v.BinOp.right;
    AstNode *lnum = l->kind == AST_UnaryOp ? l->v.UnaryOp.operand : l;
    if (lnum->kind == AST_Constant && lnum->v.Constant.value.kind == AST_CONST_IMAG)
      return cerror(c, l, "real number required in complex literal");
    if (r->kind != AST_Constant || r->v.Constant.value.kind != AST_CONST_IMAG)
      return cerror(c, r, "imaginary number required in complex literal");
    return true;
  }
  default: break;
  }
  return cerror(c, e, "patterns may only match literals and attribute lookups");
}

static bool pattern_value(Compiler *c, AstNode *p, PatCtx *pc) {
  AstNode *v = p->v.MatchValue.value;
  TRY(check_value(c, v));
  if (v->kind == AST_Constant || v->kind == AST_Attribute || v->kind == AST_UnaryOp ||
      v->kind == AST_BinOp)
    TRY(compile_expr(c, v));
  emit(c, OP_COMPARE_OP, CMP_EQ, node_loc(p));
  jump_to_fail_pop(c, node_loc(p), pc, OP_POP_JUMP_IF_FALSE);
  return true;
}

static bool pattern_singleton(Compiler *c, AstNode *p, PatCtx *pc) {
  AstConstKind k = p->v.MatchSingleton.value.kind;
  Value v = k == AST_CONST_TRUE ? TRUE_VAL : k == AST_CONST_FALSE ? FALSE_VAL : NONE_VAL;
  emit_load_const(c, v, node_loc(p));
  emit(c, OP_IS_OP, 0, node_loc(p));
  jump_to_fail_pop(c, node_loc(p), pc, OP_POP_JUMP_IF_FALSE);
  return true;
}

static bool pattern_as(Compiler *c, AstNode *p, PatCtx *pc) {
  if (!p->v.MatchAs.pattern) {
    if (!pc->allow_irrefutable) {
      if (!p->v.MatchAs.name) return cerror(c, p, "wildcard makes remaining patterns unreachable");
      return cerror(c, p, "name capture '%s' makes remaining patterns unreachable",
                    p->v.MatchAs.name);
    }
    return store_name(c, p, p->v.MatchAs.name, pc);
  }
  /* keep the subject for the name once the inner pattern has consumed its copy */
  pc->on_top++;
  emit(c, OP_COPY, 1, node_loc(p));
  TRY(compile_pattern(c, p->v.MatchAs.pattern, pc));
  pc->on_top--;
  return store_name(c, p, p->v.MatchAs.name, pc);
}

/* UNPACK_SEQUENCE / UNPACK_EX for a sequence pattern's items. */
static bool unpack_items(Compiler *c, AsyPos loc, AstSeq *pats) {
  int n = pats->n;
  for (int i = 0; i < n; i++) {
    if (pats->items[i]->kind == AST_MatchStar) {
      if (i >= (1 << 8) || n - i - 1 >= (1 << 16))
        return cerror_at(c, loc, "too many expressions in star-unpacking sequence pattern");
      emit(c, OP_UNPACK_EX, i | ((n - i - 1) << 8), loc);
      return true;
    }
  }
  emit(c, OP_UNPACK_SEQUENCE, n, loc);
  return true;
}

static bool sequence_unpack(Compiler *c, AsyPos loc, AstSeq *pats, PatCtx *pc) {
  TRY(unpack_items(c, loc, pats));
  pc->on_top += pats->n;
  for (int i = 0; i < pats->n; i++) {
    pc->on_top--;
    TRY(subpattern(c, pats->items[i], pc));
  }
  return true;
}

/* [a, *_, b]: index the subject instead of unpacking all of it. */
static bool sequence_subscr(Compiler *c, AsyPos loc, AstSeq *pats, int star, PatCtx *pc) {
  pc->on_top++;
  for (int i = 0; i < pats->n; i++) {
    AstNode *sub = pats->items[i];
    if (is_wildcard(sub) || i == star) continue;
    emit(c, OP_COPY, 1, loc);
    if (i < star) {
      emit_load_const(c, INT_VAL(i), loc);
    } else {
      /* the subject may not support negative indexing */
      emit(c, OP_GET_LEN, 0, loc);
      emit_load_const(c, INT_VAL(pats->n - i), loc);
      emit(c, OP_BINARY_OP, BINOP_SUBTRACT, loc);
    }
    emit(c, OP_BINARY_SUBSCR, 0, loc);
    TRY(subpattern(c, sub, pc));
  }
  pc->on_top--;
  emit(c, OP_POP_TOP, 0, loc);
  return true;
}

static bool pattern_sequence(Compiler *c, AstNode *p, PatCtx *pc) {
  AstSeq *pats = &p->v.MatchSequence.patterns;
  AsyPos loc = node_loc(p);
  int size = pats->n, star = -1;
  bool only_wildcard = true, star_wildcard = false;
  for (int i = 0; i < size; i++) {
    AstNode *sub = pats->items[i];
    if (sub->kind == AST_MatchStar) {
      if (star >= 0) return cerror(c, p, "multiple starred names in sequence pattern");
      star_wildcard = is_star_wildcard(sub);
      only_wildcard &= star_wildcard;
      star = i;
      continue;
    }
    only_wildcard &= is_wildcard(sub);
  }
  pc->on_top++;
  emit(c, OP_MATCH_SEQUENCE, 0, loc);
  jump_to_fail_pop(c, loc, pc, OP_POP_JUMP_IF_FALSE);
  if (star < 0) {
    emit(c, OP_GET_LEN, 0, loc);
    emit_load_const(c, INT_VAL(size), loc);
    emit(c, OP_COMPARE_OP, CMP_EQ, loc);
    jump_to_fail_pop(c, loc, pc, OP_POP_JUMP_IF_FALSE);
  } else if (size > 1) {
    emit(c, OP_GET_LEN, 0, loc);
    emit_load_const(c, INT_VAL(size - 1), loc);
    emit(c, OP_COMPARE_OP, CMP_GE, loc);
    jump_to_fail_pop(c, loc, pc, OP_POP_JUMP_IF_FALSE);
  }
  pc->on_top--;
  if (only_wildcard) {
    emit(c, OP_POP_TOP, 0, loc);
    return true;
  }
  if (star_wildcard) return sequence_subscr(c, loc, pats, star, pc);
  return sequence_unpack(c, loc, pats, pc);
}

static bool pattern_mapping(Compiler *c, AstNode *p, PatCtx *pc) {
  AstSeq *keys = &p->v.MatchMapping.keys, *pats = &p->v.MatchMapping.patterns;
  const char *rest = p->v.MatchMapping.rest;
  AsyPos loc = node_loc(p);
  int size = keys->n;
  pc->on_top++;
  emit(c, OP_MATCH_MAPPING, 0, loc);
  jump_to_fail_pop(c, loc, pc, OP_POP_JUMP_IF_FALSE);
  if (!size && !rest) {
    pc->on_top--;
    emit(c, OP_POP_TOP, 0, loc);
    return true;
  }
  if (size) {
    emit(c, OP_GET_LEN, 0, loc);
    emit_load_const(c, INT_VAL(size), loc);
    emit(c, OP_COMPARE_OP, CMP_GE, loc);
    jump_to_fail_pop(c, loc, pc, OP_POP_JUMP_IF_FALSE);
  }
  for (int i = 0; i < size; i++) {
    AstNode *k = keys->items[i];
    if (k->kind == AST_Attribute) {
      TRY(compile_expr(c, k));
      continue;
    }
    if (!expr_is_const(c, k))
      return cerror(c, k, "mapping pattern keys may only match literals and attribute lookups");
    Value kv;
    TRY(const_value_of(c, k, &kv));
    for (int j = 0; j < i; j++) {
      AstNode *o = keys->items[j];
      Value ov;
      if (o->kind == AST_Attribute || !const_value_of(c, o, &ov)) continue;
      int eq = asy_equal(c->vm, ov, kv);
      if (eq < 0) asy_clear_pending(c->vm);
      if (eq > 0) {
        Value r = asy_repr(c->vm, kv);
        if (IS_EXC(r)) {
          asy_clear_pending(c->vm);
          return cerror(c, p, "mapping pattern checks duplicate key");
        }
        return cerror(c, p, "mapping pattern checks duplicate key (%s)", AS_STR(r)->chars);
      }
    }
    TRY(compile_expr(c, k));
  }
  emit(c, OP_BUILD_TUPLE, size, loc);
  emit(c, OP_MATCH_KEYS, 0, loc);
  /* subject keys values_or_None */
  pc->on_top += 2;
  emit(c, OP_COPY, 1, loc);
  emit_load_const(c, NONE_VAL, loc);
  emit(c, OP_IS_OP, 1, loc);
  jump_to_fail_pop(c, loc, pc, OP_POP_JUMP_IF_FALSE);
  emit(c, OP_UNPACK_SEQUENCE, size, loc);
  pc->on_top += size - 1;
  for (int i = 0; i < size; i++) {
    pc->on_top--;
    TRY(subpattern(c, pats->items[i], pc));
  }
  pc->on_top -= 2;
  if (rest) {
    /* rest = dict(subject); del rest[k] for each key */
    emit(c, OP_BUILD_MAP, 0, loc);
    emit(c, OP_SWAP, 3, loc);
    emit(c, OP_DICT_UPDATE, 2, loc);
    emit(c, OP_UNPACK_SEQUENCE, size, loc);
    while (size) {
      emit(c, OP_COPY, 1 + size--, loc);
      emit(c, OP_SWAP, 2, loc);
      emit(c, OP_DELETE_SUBSCR, 0, loc);
    }
    return store_name(c, p, rest, pc);
  }
  emit(c, OP_POP_TOP, 0, loc); /* the keys */
  emit(c, OP_POP_TOP, 0, loc); /* the subject */
  return true;
}

static bool pattern_class(Compiler *c, AstNode *p, PatCtx *pc) {
  AstSeq *pats = &p->v.MatchClass.patterns, *kpats = &p->v.MatchClass.kwd_patterns;
  AstIdSeq *attrs = &p->v.MatchClass.kwd_attrs;
  AsyPos loc = node_loc(p);
  int nargs = pats->n, nattrs = attrs->n;
  for (int i = 0; i < nattrs; i++) {
    for (int j = i + 1; j < nattrs; j++)
      if (!strcmp(attrs->items[i], attrs->items[j]))
        return cerror(c, kpats->items[j], "attribute name repeated in class pattern: %s",
                      attrs->items[i]);
  }
  TRY(compile_expr(c, p->v.MatchClass.cls));
  ObjTuple *names = asy_tuple_new(c->vm, (size_t)nattrs);
  for (int i = 0; i < nattrs; i++)
    names->items[i] = OBJ_VAL(asy_str_intern(c->vm, attrs->items[i], strlen(attrs->items[i])));
  emit_load_const(c, OBJ_VAL(names), loc);
  emit(c, OP_MATCH_CLASS, nargs, loc);
  emit(c, OP_COPY, 1, loc);
  emit_load_const(c, NONE_VAL, loc);
  emit(c, OP_IS_OP, 1, loc);
  pc->on_top++;
  jump_to_fail_pop(c, loc, pc, OP_POP_JUMP_IF_FALSE);
  emit(c, OP_UNPACK_SEQUENCE, nargs + nattrs, loc);
  pc->on_top += nargs + nattrs - 1;
  for (int i = 0; i < nargs + nattrs; i++) {
    pc->on_top--;
    AstNode *sub = i < nargs ? pats->items[i] : kpats->items[i - nargs];
    if (is_wildcard(sub)) {
      emit(c, OP_POP_TOP, 0, loc);
      continue;
    }
    TRY(subpattern(c, sub, pc));
  }
  return true;
}

static bool pattern_or(Compiler *c, AstNode *p, PatCtx *pc) {
  AstSeq *alts = &p->v.MatchOr.patterns;
  AsyPos loc = node_loc(p);
  int end = new_label(c);
  PatCtx old = *pc;
  const char **control = NULL;
  int ncontrol = 0;
  bool ok = false;
  pc->stores = NULL;
  for (int i = 0; i < alts->n; i++) {
    AstNode *alt = alts->items[i];
    pc->stores = NULL;
    pc->nstores = pc->capstores = 0;
    pc->allow_irrefutable = i == alts->n - 1 && old.allow_irrefutable;
    pc->fail_pop = NULL;
    pc->nfail = 0;
    pc->on_top = 0;
    emit(c, OP_COPY, 1, loc);
    if (!compile_pattern(c, alt, pc)) goto done;
    if (i == 0) {
      control = pc->stores;
      ncontrol = pc->nstores;
      pc->stores = NULL;
    } else if (pc->nstores != ncontrol) {
      cerror(c, p, "alternative patterns bind different names");
      goto done;
    } else if (ncontrol) {
      /* put the captures in the order of the first alternative */
      for (int ic = ncontrol - 1; ic >= 0; ic--) {
        int is = stores_index(pc, control[ic]);
        if (is < 0) {
          cerror(c, p, "alternative patterns bind different names");
          goto done;
        }
        if (ic != is) {
          int rotations = is + 1;
          const char **rotated = malloc(sizeof *rotated * (size_t)rotations);
          if (!rotated) abort();
          memcpy(rotated, pc->stores, sizeof *rotated * (size_t)rotations);
          memmove(pc->stores, pc->stores + rotations,
                  sizeof *rotated * (size_t)(pc->nstores - rotations));
          int at = ic - is;
          memmove(pc->stores + at + rotations, pc->stores + at,
                  sizeof *rotated * (size_t)(pc->nstores - rotations - at));
          memcpy(pc->stores + at, rotated, sizeof *rotated * (size_t)rotations);
          free(rotated);
          while (rotations--) rotate(c, loc, ic + 1);
        }
      }
    }
    emit_jump(c, OP_JUMP_PSEUDO, end, loc);
    emit_and_reset_fail_pop(c, loc, pc);
    free(pc->stores);
    pc->stores = NULL;
  }
  free(pc->stores);
  *pc = old;
  /* no alternative matched: drop the subject's last copy and fail */
  emit(c, OP_POP_TOP, 0, loc);
  jump_to_fail_pop(c, loc, pc, OP_JUMP_PSEUDO);
  bind_label(c, end);
  {
    int nrots = ncontrol + 1 + pc->on_top + pc->nstores;
    for (int i = 0; i < ncontrol; i++) {
      rotate(c, loc, nrots);
      if (stores_index(pc, control[i]) >= 0) {
        cerror(c, p, "multiple assignments to name '%s' in pattern", control[i]);
        free(control);
        return false;
      }
      stores_push(pc, control[i]);
    }
  }
  free(control);
  emit(c, OP_POP_TOP, 0, loc); /* the subject */
  return true;
done:
  free(pc->stores);
  free(pc->fail_pop);
  free(control);
  *pc = old;
  return ok;
}

static bool compile_pattern(Compiler *c, AstNode *p, PatCtx *pc) {
  switch (p->kind) {
  case AST_MatchValue: return pattern_value(c, p, pc);
  case AST_MatchSingleton: return pattern_singleton(c, p, pc);
  case AST_MatchSequence: return pattern_sequence(c, p, pc);
  case AST_MatchMapping: return pattern_mapping(c, p, pc);
  case AST_MatchClass: return pattern_class(c, p, pc);
  case AST_MatchStar: return store_name(c, p, p->v.MatchStar.name, pc);
  case AST_MatchAs: return pattern_as(c, p, pc);
  case AST_MatchOr: return pattern_or(c, p, pc);
  default: return cinternal(c, "unknown pattern kind");
  }
}

bool compile_match(Compiler *c, AstNode *s) {
  AstSeq *cases = &s->v.Match.cases;
  TRY(compile_expr(c, s->v.Match.subject));
  int end = new_label(c);
  int n = cases->n;
  AstNode *last = cases->items[n - 1];
  bool has_default = n > 1 && is_wildcard(last->v.match_case.pattern);
  PatCtx pc;
  memset(&pc, 0, sizeof pc);
  for (int i = 0; i < n - has_default; i++) {
    AstNode *m = cases->items[i];
    AstNode *pat = m->v.match_case.pattern;
    AsyPos ploc = node_loc(pat);
    /* only copy the subject if this is not the last case */
    if (i != n - has_default - 1) emit(c, OP_COPY, 1, ploc);
    pc.nstores = 0;
    pc.allow_irrefutable = m->v.match_case.guard != NULL || i == n - 1;
    pc.fail_pop = NULL;
    pc.nfail = 0;
    pc.on_top = 0;
    bool ok = compile_pattern(c, pat, &pc);
    for (int k = 0; ok && k < pc.nstores; k++)
      ok = compile_nameop(c, pc.stores[k], AST_Store, ploc);
    if (ok && m->v.match_case.guard) {
      ensure_fail_pop(c, &pc, 0);
      ok = compile_jump_if(c, m->v.match_case.guard, pc.fail_pop[0], false);
    }
    if (!ok) {
      free(pc.stores);
      free(pc.fail_pop);
      return false;
    }
    if (i != n - has_default - 1) emit(c, OP_POP_TOP, 0, ploc);
    if (!compile_body(c, &m->v.match_case.body, 0)) {
      free(pc.stores);
      free(pc.fail_pop);
      return false;
    }
    emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
    emit_and_reset_fail_pop(c, ploc, &pc);
  }
  free(pc.stores);
  if (has_default) {
    if (n == 1) emit(c, OP_NOP, 0, node_loc(last->v.match_case.pattern));
    if (last->v.match_case.guard) TRY(compile_jump_if(c, last->v.match_case.guard, end, false));
    TRY(compile_body(c, &last->v.match_case.body, 0));
  }
  bind_label(c, end);
  return true;
}
