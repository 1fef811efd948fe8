/*
** compile_stmt.c — statements. Control flow follows CPython 3.13's compiler code
** shapes exactly (compiler_try_except, compiler_try_finally,
** compiler_try_star_except, compiler_with, compiler_for, compiler_unwind_fblock...),
** because the interpreter implements CPython's exception-table protocol: handlers
** start with PUSH_EXC_INFO, cleanup handlers re-raise with lasti, and so on.
**
** Stack depths noted in comments are relative to the depth `d` at the start of the
** statement.
*/
#include <stdlib.h>
#include <string.h>

#include "lang/compile.h"

/* ------------------------------------------------------------------------ */
/* Frame blocks and unwinding                                                */

bool push_fblock(Compiler *c, const AstNode *at, FBlockType t, int block, int exit,
                 const void *datum, int depth) {
  Unit *u = c->u;
  if (u->nfblocks >= MAX_FBLOCKS) return cerror(c, at, "too many statically nested blocks");
  FBlock *f = &u->fblocks[u->nfblocks++];
  f->type = t;
  f->block = block;
  f->exit = exit;
  f->datum = datum;
  f->loc = at ? node_loc(at) : NO_LOC;
  f->depth = depth;
  return true;
}

void pop_fblock(Compiler *c) {
  if (c->u->nfblocks > 0) c->u->nfblocks--;
}

void emit_call_exit_with_nones(Compiler *c, AsyPos loc) {
  emit_load_const(c, NONE_VAL, loc);
  emit_load_const(c, NONE_VAL, loc);
  emit_load_const(c, NONE_VAL, loc);
  emit(c, OP_CALL, 2, loc);
}

static bool store_none_and_delete(Compiler *c, const char *name) {
  emit_load_const(c, NONE_VAL, NO_LOC);
  TRY(compile_nameop(c, name, AST_Store, NO_LOC));
  return compile_nameop(c, name, AST_Del, NO_LOC);
}

/* Emit what leaving block `info` early needs (CPython compiler_unwind_fblock).
   preserve_tos: a return value sits on top of the stack and must survive. */
static bool unwind_fblock(Compiler *c, FBlock *info, bool preserve_tos, AsyPos *ploc) {
  switch (info->type) {
  case FB_WHILE_LOOP:
  case FB_EXCEPTION_HANDLER:
  case FB_EXCEPTION_GROUP_HANDLER:
  case FB_ASYNC_COMPREHENSION_GENERATOR: return true;
  case FB_FOR_LOOP:
    if (preserve_tos) emit(c, OP_SWAP, 2, *ploc);
    emit(c, OP_POP_TOP, 0, *ploc);
    return true;
  case FB_TRY_EXCEPT: pop_handler(c); return true;
  case FB_FINALLY_TRY: {
    pop_handler(c);
    if (preserve_tos) TRY(push_fblock(c, NULL, FB_POP_VALUE, -1, -1, NULL, c->u->depth));
    TRY(compile_body(c, (AstSeq *)info->datum, 0));
    if (preserve_tos) pop_fblock(c);
    /* the finally body appears to run after the unwinding statement */
    *ploc = NO_LOC;
    return true;
  }
  case FB_FINALLY_END:
    if (preserve_tos) emit(c, OP_SWAP, 2, *ploc);
    emit(c, OP_POP_TOP, 0, *ploc); /* exc_value */
    if (preserve_tos) emit(c, OP_SWAP, 2, *ploc);
    pop_handler(c);
    emit(c, OP_POP_EXCEPT, 0, *ploc);
    return true;
  case FB_WITH:
  case FB_ASYNC_WITH:
    *ploc = info->loc;
    pop_handler(c);
    if (preserve_tos) emit(c, OP_SWAP, 2, *ploc);
    emit_call_exit_with_nones(c, *ploc);
    if (info->type == FB_ASYNC_WITH) emit_await(c, *ploc);
    emit(c, OP_POP_TOP, 0, *ploc);
    *ploc = NO_LOC;
    return true;
  case FB_HANDLER_CLEANUP:
    if (info->datum) pop_handler(c);
    if (preserve_tos) emit(c, OP_SWAP, 2, *ploc);
    pop_handler(c);
    emit(c, OP_POP_EXCEPT, 0, *ploc);
    if (info->datum) TRY(store_none_and_delete(c, (const char *)info->datum));
    return true;
  case FB_POP_VALUE:
    if (preserve_tos) emit(c, OP_SWAP, 2, *ploc);
    emit(c, OP_POP_TOP, 0, *ploc);
    return true;
  }
  return true;
}

/* Unwind blocks from the innermost outwards, stopping at a loop when `loop` is given
   (CPython compiler_unwind_fblock_stack). */
static bool unwind_fblock_stack(Compiler *c, const AstNode *stmt, AsyPos *ploc, bool preserve_tos,
                                FBlock **loop) {
  Unit *u = c->u;
  if (u->nfblocks == 0) return true;
  FBlock *top = &u->fblocks[u->nfblocks - 1];
  if (top->type == FB_EXCEPTION_GROUP_HANDLER) {
    const char *msg = "'break', 'continue' and 'return' cannot appear in an except* block";
    return ploc->line > 0 ? cerror_at(c, *ploc, "%s", msg) : cerror(c, stmt, "%s", msg);
  }
  if (loop && (top->type == FB_WHILE_LOOP || top->type == FB_FOR_LOOP)) {
    *loop = top;
    return true;
  }
  FBlock copy = *top;
  u->nfblocks--;
  bool ok = unwind_fblock(c, &copy, preserve_tos, ploc) &&
            unwind_fblock_stack(c, stmt, ploc, preserve_tos, loop);
  u->fblocks[u->nfblocks++] = copy;
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Simple statements                                                         */

static bool compile_return(Compiler *c, AstNode *s) {
  AsyPos loc = node_loc(s);
  AstNode *v = s->v.Return.value;
  if (c->u->ste->type != BLOCK_FUNCTION) return cerror(c, s, "'return' outside function");
  if (v && (c->u->flags & CODE_ASYNC_GENERATOR))
    return cerror(c, s, "'return' with value in async generator");
  bool preserve = v && !expr_is_const(c, v);
  Value cv = NONE_VAL;
  if (preserve) TRY(compile_expr(c, v));
  else if (v) TRY(const_value_of(c, v, &cv));
  /* CPython: a constant return value on the statement's line lends its position */
  if (v && !preserve) loc = node_loc(v);
  if (!v || v->lineno != s->lineno) loc = node_loc(s);
  int saved = c->u->cur_handler;
  TRY(unwind_fblock_stack(c, s, &loc, preserve, NULL));
  if (preserve) emit(c, OP_RETURN_VALUE, 0, loc);
  else emit(c, OP_RETURN_CONST, add_const(c, cv), loc);
  c->u->cur_handler = saved;
  return true;
}

static bool compile_break_continue(Compiler *c, AstNode *s, bool is_break) {
  AsyPos loc = node_loc(s);
  FBlock *loop = NULL;
  int saved = c->u->cur_handler;
  TRY(unwind_fblock_stack(c, s, &loc, false, &loop));
  if (!loop)
    return cerror(c, s, is_break ? "'break' outside loop" : "'continue' not properly in loop");
  if (is_break) {
    TRY(unwind_fblock(c, loop, false, &loc));
    emit_jump(c, OP_JUMP_PSEUDO, loop->exit, loc);
  } else {
    emit_jump(c, OP_JUMP_PSEUDO, loop->block, loc);
  }
  c->u->cur_handler = saved;
  return true;
}

static bool compile_delete_target(Compiler *c, AstNode *t) {
  switch (t->kind) {
  case AST_Name: return compile_nameop(c, t->v.Name.id, AST_Del, node_loc(t));
  case AST_Attribute:
    TRY(compile_expr(c, t->v.Attribute.value));
    emit(c, OP_DELETE_ATTR, add_name(c, cmangle(c, t->v.Attribute.attr)), attr_loc(t, node_loc(t)));
    return true;
  case AST_Subscript:
    TRY(compile_expr(c, t->v.Subscript.value));
    TRY(compile_expr(c, t->v.Subscript.slice));
    emit(c, OP_DELETE_SUBSCR, 0, node_loc(t));
    return true;
  case AST_Tuple:
  case AST_List: {
    AstSeq *elts = t->kind == AST_Tuple ? &t->v.Tuple.elts : &t->v.List.elts;
    for (int i = 0; i < elts->n; i++) TRY(compile_delete_target(c, elts->items[i]));
    return true;
  }
  default: return cerror(c, t, "cannot delete %s", asy_ast_kind_name(t->kind));
  }
}

static bool is_two_element_slice(const AstNode *s) {
  return s->kind == AST_Slice && !s->v.Slice.step;
}

static bool compile_augassign(Compiler *c, AstNode *s) {
  AstNode *t = s->v.AugAssign.target;
  AsyPos tloc = node_loc(t);
  switch (t->kind) {
  case AST_Attribute:
    TRY(compile_expr(c, t->v.Attribute.value));
    emit(c, OP_COPY, 1, tloc);
    emit(c, OP_LOAD_ATTR, add_name(c, cmangle(c, t->v.Attribute.attr)) << 1, attr_loc(t, tloc));
    break;
  case AST_Subscript:
    TRY(compile_expr(c, t->v.Subscript.value));
    if (is_two_element_slice(t->v.Subscript.slice)) {
      compile_slice_parts(c, t->v.Subscript.slice);
      if (c->failed) return false;
      emit(c, OP_COPY, 3, tloc);
      emit(c, OP_COPY, 3, tloc);
      emit(c, OP_COPY, 3, tloc);
      emit(c, OP_BINARY_SLICE, 0, tloc);
    } else {
      TRY(compile_expr(c, t->v.Subscript.slice));
      emit(c, OP_COPY, 2, tloc);
      emit(c, OP_COPY, 2, tloc);
      emit(c, OP_BINARY_SUBSCR, 0, tloc);
    }
    break;
  case AST_Name: TRY(compile_nameop(c, t->v.Name.id, AST_Load, tloc)); break;
  default:
    return cerror(c, t, "'%s' is an illegal expression for augmented assignment",
                  asy_ast_kind_name(t->kind));
  }
  TRY(compile_expr(c, s->v.AugAssign.value));
  emit(c, OP_BINARY_OP, binop_arg(s->v.AugAssign.op) + ASY_INPLACE, node_loc(s));
  switch (t->kind) {
  case AST_Attribute:
    emit(c, OP_SWAP, 2, attr_loc(t, tloc));
    emit(c, OP_STORE_ATTR, add_name(c, cmangle(c, t->v.Attribute.attr)), attr_loc(t, tloc));
    return true;
  case AST_Subscript:
    if (is_two_element_slice(t->v.Subscript.slice)) {
      emit(c, OP_SWAP, 4, tloc);
      emit(c, OP_SWAP, 3, tloc);
      emit(c, OP_SWAP, 2, tloc);
      emit(c, OP_STORE_SLICE, 0, tloc);
    } else {
      emit(c, OP_SWAP, 3, tloc);
      emit(c, OP_SWAP, 2, tloc);
      emit(c, OP_STORE_SUBSCR, 0, tloc);
    }
    return true;
  default: return compile_nameop(c, t->v.Name.id, AST_Store, tloc);
  }
}

static bool compile_annassign(Compiler *c, AstNode *s) {
  AstNode *t = s->v.AnnAssign.target;
  AsyPos loc = node_loc(s);
  bool module_or_class = c->u->kind == UNIT_MODULE || c->u->kind == UNIT_CLASS;
  if (s->v.AnnAssign.value) {
    TRY(compile_expr(c, s->v.AnnAssign.value));
    TRY(compile_store(c, t));
  }
  if (t->kind == AST_Name && s->v.AnnAssign.simple && module_or_class) {
    /* __annotations__[name] = annotation (evaluated, as CPython 3.13; its source
       text under `from __future__ import annotations`) */
    TRY(compile_annotation(c, s->v.AnnAssign.annotation));
    emit(c, OP_LOAD_NAME, add_name(c, "__annotations__"), loc);
    const char *m = cmangle(c, t->v.Name.id);
    emit_load_const(c, OBJ_VAL(asy_str_intern(c->vm, m, strlen(m))), loc);
    emit(c, OP_STORE_SUBSCR, 0, loc);
  } else if (!s->v.AnnAssign.simple && module_or_class && !c->future_annotations) {
    TRY(compile_expr(c, s->v.AnnAssign.annotation));
    emit(c, OP_POP_TOP, 0, loc);
  }
  return true;
}

/* The source text of a node (lines joined with single spaces when it spans several). */
ObjStr *source_segment(Compiler *c, const AstNode *n) {
  size_t cap = 64, len = 0;
  char *buf = malloc(cap);
  if (!buf) abort();
  for (int line = n->lineno; line <= n->end_lineno; line++) {
    size_t llen;
    const char *text = asy_source_line(c->src, line, &llen);
    if (!text) break;
    size_t from = line == n->lineno ? (size_t)n->col_offset : 0;
    size_t to = line == n->end_lineno ? (size_t)n->end_col_offset : llen;
    if (to > llen) to = llen;
    if (from > to) from = to;
    while (line != n->lineno && from < to && (text[from] == ' ' || text[from] == '\t')) from++;
    if (len + (to - from) + 2 > cap) {
      while (len + (to - from) + 2 > cap) cap *= 2;
      buf = realloc(buf, cap);
      if (!buf) abort();
    }
    if (line != n->lineno && len && buf[len - 1] != ' ') buf[len++] = ' ';
    memcpy(buf + len, text + from, to - from);
    len += to - from;
  }
  ObjStr *s = asy_str_new(c->vm, buf, len);
  free(buf);
  return s;
}

static bool compile_expr_stmt(Compiler *c, AstNode *s) {
  AstNode *v = s->v.Expr.value;
  if (c->interactive && c->u->kind == UNIT_MODULE) {
    TRY(compile_expr(c, v));
    emit(c, OP_PRINT_EXPR, 0, node_loc(s));
    return true;
  }
  if (v->kind == AST_Constant) return true; /* a bare constant does nothing */
  TRY(compile_expr(c, v));
  emit(c, OP_POP_TOP, 0, NO_LOC);
  return true;
}

static bool compile_raise(Compiler *c, AstNode *s) {
  int n = 0;
  if (s->v.Raise.exc) {
    TRY(compile_expr(c, s->v.Raise.exc));
    n++;
    if (s->v.Raise.cause) {
      TRY(compile_expr(c, s->v.Raise.cause));
      n++;
    }
  }
  emit(c, OP_RAISE_VARARGS, n, node_loc(s));
  return true;
}

static bool compile_assert(Compiler *c, AstNode *s) {
  AsyPos loc = node_loc(s);
  int end = new_label(c);
  if (s->v.Assert.test->kind == AST_Tuple && s->v.Assert.test->v.Tuple.elts.n > 0)
    cwarn(c, loc, "assertion is always true, perhaps remove parentheses?");
  TRY(compile_jump_if(c, s->v.Assert.test, end, true));
  emit(c, OP_LOAD_ASSERTION_ERROR, 0, loc);
  if (s->v.Assert.msg) {
    TRY(compile_expr(c, s->v.Assert.msg));
    emit(c, OP_CALL, 0, loc);
  }
  emit(c, OP_RAISE_VARARGS, 1, node_loc(s->v.Assert.test));
  bind_label(c, end);
  return true;
}

/* After IMPORT_NAME "a.b.c" (which pushes the top package a), walk to a.b.c. */
static void import_walk(Compiler *c, const char *dotted, AsyPos loc) {
  const char *p = strchr(dotted, '.');
  while (p) {
    const char *q = strchr(p + 1, '.');
    size_t n = q ? (size_t)(q - p - 1) : strlen(p + 1);
    char *comp = asy_arena_strndup(c->arena, p + 1, n);
    emit(c, OP_IMPORT_FROM, add_name(c, comp), loc);
    emit(c, OP_SWAP, 2, loc);
    emit(c, OP_POP_TOP, 0, loc);
    p = q;
  }
}

static bool compile_import(Compiler *c, AstNode *s) {
  AsyPos loc = node_loc(s);
  for (int i = 0; i < s->v.Import.names.n; i++) {
    AstNode *a = s->v.Import.names.items[i];
    const char *name = a->v.alias.name;
    emit(c, OP_IMPORT_NAME, add_name(c, name), loc);
    if (a->v.alias.asname) {
      import_walk(c, name, loc);
      TRY(compile_nameop(c, a->v.alias.asname, AST_Store, loc));
    } else {
      const char *dot = strchr(name, '.');
      const char *top = dot ? asy_arena_strndup(c->arena, name, (size_t)(dot - name)) : name;
      TRY(compile_nameop(c, top, AST_Store, loc));
    }
  }
  return true;
}

static bool compile_import_from(Compiler *c, AstNode *s) {
  AsyPos loc = node_loc(s);
  const char *mod = s->v.ImportFrom.module;
  int level = s->v.ImportFrom.level;
  if (level > 0) {
    /* relative: the name keeps its dots, and IMPORT_NAME gives the module itself */
    size_t n = mod ? strlen(mod) : 0;
    char *rel = asy_arena_alloc(c->arena, (size_t)level + n + 1);
    memset(rel, '.', (size_t)level);
    if (n) memcpy(rel + level, mod, n);
    rel[level + n] = 0;
    emit(c, OP_IMPORT_NAME, add_name(c, rel), loc);
  } else {
    /* `from __future__ import annotations` and friends: nothing to do at run time. */
    if (strcmp(mod, "__future__") == 0) return true;
    emit(c, OP_IMPORT_NAME, add_name(c, mod), loc);
    import_walk(c, mod, loc);
  }
  AstSeq *names = &s->v.ImportFrom.names;
  if (names->n == 1 && strcmp(names->items[0]->v.alias.name, "*") == 0) {
    emit(c, OP_CALL_INTRINSIC_1, INTRINSIC_IMPORT_STAR, loc);
    emit(c, OP_POP_TOP, 0, loc);
    return true;
  }
  for (int i = 0; i < names->n; i++) {
    AstNode *a = names->items[i];
    emit(c, OP_IMPORT_FROM, add_name(c, a->v.alias.name), loc);
    TRY(compile_nameop(c, a->v.alias.asname ? a->v.alias.asname : a->v.alias.name, AST_Store, loc));
  }
  emit(c, OP_POP_TOP, 0, loc);
  return true;
}

/* ------------------------------------------------------------------------ */
/* Compound statements                                                       */

static bool compile_if(Compiler *c, AstNode *s) {
  int end = new_label(c);
  int next = s->v.If.orelse.n ? new_label(c) : end;
  TRY(compile_jump_if(c, s->v.If.test, next, false));
  TRY(compile_body(c, &s->v.If.body, 0));
  if (s->v.If.orelse.n) {
    emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
    bind_label(c, next);
    TRY(compile_body(c, &s->v.If.orelse, 0));
  }
  bind_label(c, end);
  return true;
}

static bool compile_while(Compiler *c, AstNode *s) {
  int loop = new_label(c), anchor = new_label(c), end = new_label(c);
  bind_label(c, loop);
  TRY(push_fblock(c, s, FB_WHILE_LOOP, loop, end, NULL, c->u->depth));
  TRY(compile_jump_if(c, s->v.While.test, anchor, false));
  TRY(compile_body(c, &s->v.While.body, 0));
  emit_jump(c, OP_JUMP_PSEUDO, loop, NO_LOC);
  pop_fblock(c);
  bind_label(c, anchor);
  TRY(compile_body(c, &s->v.While.orelse, 0));
  bind_label(c, end);
  return true;
}

static bool async_allowed(Compiler *c, AstNode *s, const char *what) {
  if (c->u->kind == UNIT_MODULE && !c->no_toplevel_await) {
    c->u->flags |= CODE_HAS_AWAIT; /* Asy: top-level async statements run as a task */
    return true;
  }
  if (c->u->kind != UNIT_ASYNC_FUNCTION) return cerror(c, s, "'%s' outside async function", what);
  return true;
}

static bool compile_for(Compiler *c, AstNode *s) {
  int start = new_label(c), cleanup = new_label(c), end = new_label(c);
  AsyPos iloc = node_loc(s->v.For.iter);
  TRY(compile_expr(c, s->v.For.iter));
  emit(c, OP_GET_ITER, 0, iloc);
  bind_label(c, start);
  TRY(push_fblock(c, s, FB_FOR_LOOP, start, end, NULL, c->u->depth));
  emit_jump(c, OP_FOR_ITER, cleanup, iloc);
  TRY(compile_store(c, s->v.For.target));
  TRY(compile_body(c, &s->v.For.body, 0));
  emit_jump(c, OP_JUMP_PSEUDO, start, NO_LOC);
  pop_fblock(c);
  bind_label(c, cleanup);
  TRY(compile_body(c, &s->v.For.orelse, 0));
  bind_label(c, end);
  return true;
}

static bool compile_async_for(Compiler *c, AstNode *s) {
  TRY(async_allowed(c, s, "async for"));
  int start = new_label(c), except = new_label(c), end = new_label(c);
  AsyPos loc = node_loc(s), iloc = node_loc(s->v.For.iter);
  TRY(compile_expr(c, s->v.For.iter));
  emit(c, OP_GET_AITER, 0, iloc);
  bind_label(c, start);
  TRY(push_fblock(c, s, FB_FOR_LOOP, start, end, NULL, c->u->depth));
  push_handler(c, except, c->u->depth, false); /* guards __anext__ */
  emit(c, OP_GET_ANEXT, 0, loc);
  emit_await(c, loc);
  pop_handler(c);
  TRY(compile_store(c, s->v.For.target));
  TRY(compile_body(c, &s->v.For.body, 0));
  emit_jump(c, OP_JUMP_PSEUDO, start, NO_LOC);
  pop_fblock(c);
  bind_label(c, except);
  emit(c, OP_END_ASYNC_FOR, 0, iloc);
  TRY(compile_body(c, &s->v.For.orelse, 0));
  bind_label(c, end);
  return true;
}

/* The handler that guards an except or finally block's own code: the exception raised
** there replaces the one being handled, which is restored first ([prev lasti exc]). */
static void emit_cleanup_reraise(Compiler *c, int cleanup) {
  bind_label(c, cleanup);
  emit(c, OP_COPY, 3, NO_LOC);
  emit(c, OP_POP_EXCEPT, 0, NO_LOC);
  emit(c, OP_RERAISE, 1, NO_LOC);
}

/* The exceptional exit of a with block: [exit lasti prev exc result] on the stack
   (CPython compiler_with_except_finish). */
static void with_except_finish(Compiler *c, int cleanup) {
  int suppress = new_label(c), exit = new_label(c);
  emit_jump(c, OP_POP_JUMP_IF_TRUE, suppress, NO_LOC);
  emit(c, OP_RERAISE, 2, NO_LOC);
  bind_label(c, suppress);
  emit(c, OP_POP_TOP, 0, NO_LOC); /* exc_value */
  pop_handler(c);
  emit(c, OP_POP_EXCEPT, 0, NO_LOC);
  emit(c, OP_POP_TOP, 0, NO_LOC);
  emit(c, OP_POP_TOP, 0, NO_LOC);
  emit_jump(c, OP_JUMP_PSEUDO, exit, NO_LOC);
  emit_cleanup_reraise(c, cleanup);
  bind_label(c, exit);
}

static bool compile_with(Compiler *c, AstNode *s, int pos) {
  bool is_async = s->kind == AST_AsyncWith;
  if (pos == 0 && is_async) TRY(async_allowed(c, s, "async with"));
  AstNode *item = s->v.With.items.items[pos];
  AsyPos loc = node_loc(item->v.withitem.context_expr);
  int final = new_label(c), exit = new_label(c), cleanup = new_label(c);
  TRY(compile_expr(c, item->v.withitem.context_expr));
  if (is_async) {
    emit(c, OP_BEFORE_ASYNC_WITH, 0, loc);
    emit_await(c, loc);
  } else {
    emit(c, OP_BEFORE_WITH, 0, loc);
  }
  int body_depth = c->u->depth - 1;         /* the bound __exit__ stays below the body */
  push_handler(c, final, body_depth, true); /* SETUP_WITH */
  TRY(push_fblock(c, item->v.withitem.context_expr, is_async ? FB_ASYNC_WITH : FB_WITH, -1, final,
                  s, body_depth));
  if (item->v.withitem.optional_vars) TRY(compile_store(c, item->v.withitem.optional_vars));
  else emit(c, OP_POP_TOP, 0, loc);
  if (pos + 1 < s->v.With.items.n) TRY(compile_with(c, s, pos + 1));
  else TRY(compile_body(c, &s->v.With.body, 0));
  pop_fblock(c);
  pop_handler(c);
  if (!unreachable(c)) {
    emit_call_exit_with_nones(c, loc);
    if (is_async) emit_await(c, loc);
    emit(c, OP_POP_TOP, 0, loc);
    emit_jump(c, OP_JUMP_PSEUDO, exit, loc);
  }
  bind_label(c, final);
  push_handler(c, cleanup, c->u->depth, true); /* SETUP_CLEANUP */
  emit(c, OP_PUSH_EXC_INFO, 0, loc);
  emit(c, OP_WITH_EXCEPT_START, 0, loc);
  if (is_async) emit_await(c, loc);
  with_except_finish(c, cleanup);
  bind_label(c, exit);
  return true;
}

/* The body of a try with except clauses, whose exceptions go to `except` (SETUP_FINALLY). */
static bool compile_try_body(Compiler *c, AstNode *s, int except) {
  int d = c->u->depth;
  push_handler(c, except, d, false);
  TRY(push_fblock(c, s, FB_TRY_EXCEPT, -1, -1, NULL, d));
  TRY(compile_body(c, &s->v.Try.body, 0));
  pop_fblock(c);
  pop_handler(c);
  return true;
}

static bool compile_try_except(Compiler *c, AstNode *s) {
  AstSeq *handlers = &s->v.Try.handlers;
  int except = new_label(c), end = new_label(c), cleanup = new_label(c);
  int d = c->u->depth;
  TRY(compile_try_body(c, s, except));
  TRY(compile_body(c, &s->v.Try.orelse, 0));
  emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
  bind_label(c, except);                 /* [exc] */
  push_handler(c, cleanup, d + 1, true); /* SETUP_CLEANUP */
  emit(c, OP_PUSH_EXC_INFO, 0, NO_LOC);  /* [prev exc] */
  TRY(push_fblock(c, s, FB_EXCEPTION_HANDLER, -1, -1, NULL, d + 2));
  for (int i = 0; i < handlers->n; i++) {
    AstNode *h = handlers->items[i];
    AsyPos hloc = node_loc(h);
    if (!h->v.ExceptHandler.type && i < handlers->n - 1)
      return cerror(c, h, "default 'except:' must be last");
    int next = new_label(c);
    if (h->v.ExceptHandler.type) {
      TRY(compile_expr(c, h->v.ExceptHandler.type));
      emit(c, OP_CHECK_EXC_MATCH, 0, hloc);
      emit_jump(c, OP_POP_JUMP_IF_FALSE, next, hloc);
    }
    const char *name = h->v.ExceptHandler.name;
    if (name) {
      int cleanup_end = new_label(c);
      TRY(compile_nameop(c, name, AST_Store, hloc)); /* [prev] */
      push_handler(c, cleanup_end, d + 1, true);
      TRY(push_fblock(c, h, FB_HANDLER_CLEANUP, -1, -1, name, d + 1));
      TRY(compile_body(c, &h->v.ExceptHandler.body, 0));
      pop_fblock(c);
      pop_handler(c);
      pop_handler(c);
      if (!unreachable(c)) {
        emit(c, OP_POP_EXCEPT, 0, NO_LOC);
        TRY(store_none_and_delete(c, name));
        emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
      }
      bind_label(c, cleanup_end); /* [prev lasti exc2] */
      TRY(store_none_and_delete(c, name));
      emit(c, OP_RERAISE, 1, NO_LOC);
    } else {
      emit(c, OP_POP_TOP, 0, hloc); /* [prev] */
      TRY(push_fblock(c, h, FB_HANDLER_CLEANUP, -1, -1, NULL, d + 1));
      TRY(compile_body(c, &h->v.ExceptHandler.body, 0));
      pop_fblock(c);
      pop_handler(c);
      if (!unreachable(c)) {
        emit(c, OP_POP_EXCEPT, 0, NO_LOC);
        emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
      }
    }
    bind_label(c, next);
  }
  pop_fblock(c);
  emit(c, OP_RERAISE, 0, NO_LOC);
  emit_cleanup_reraise(c, cleanup);
  bind_label(c, end);
  return true;
}

static bool compile_try_star_except(Compiler *c, AstNode *s) {
  AstSeq *handlers = &s->v.Try.handlers;
  int except = new_label(c), orelse = new_label(c), end = new_label(c), cleanup = new_label(c),
      reraise_star = new_label(c), reraise = new_label(c);
  AsyPos loc = node_loc(s);
  int d = c->u->depth;
  TRY(compile_try_body(c, s, except));
  emit_jump(c, OP_JUMP_PSEUDO, orelse, NO_LOC);
  bind_label(c, except); /* [orig] */
  push_handler(c, cleanup, d + 1, true);
  emit(c, OP_PUSH_EXC_INFO, 0, NO_LOC); /* [prev orig] */
  TRY(push_fblock(c, s, FB_EXCEPTION_GROUP_HANDLER, -1, -1, NULL, d + 2));
  (void)loc;
  for (int i = 0; i < handlers->n; i++) {
    AstNode *h = handlers->items[i];
    AsyPos hloc = node_loc(h);
    int next_except = new_label(c), except_with_error = new_label(c), no_match = new_label(c),
        cleanup_end = new_label(c);
    if (i == 0) {
      emit(c, OP_BUILD_LIST, 0, hloc); /* [prev orig list] */
      emit(c, OP_COPY, 2, hloc);       /* [prev orig list exc] */
    }
    if (h->v.ExceptHandler.type) {
      TRY(compile_expr(c, h->v.ExceptHandler.type));
      emit(c, OP_CHECK_EG_MATCH, 0, hloc); /* [.. list rest match] */
      emit(c, OP_COPY, 1, hloc);
      emit_jump(c, OP_POP_JUMP_IF_NONE, no_match, hloc);
    }
    const char *name = h->v.ExceptHandler.name;
    if (name) TRY(compile_nameop(c, name, AST_Store, hloc));
    else emit(c, OP_POP_TOP, 0, hloc); /* [prev orig list rest] */
    push_handler(c, cleanup_end, d + 4, true);
    TRY(push_fblock(c, h, FB_HANDLER_CLEANUP, -1, -1, name, d + 4));
    TRY(compile_body(c, &h->v.ExceptHandler.body, 0));
    pop_fblock(c);
    pop_handler(c);
    if (!unreachable(c)) {
      if (name) TRY(store_none_and_delete(c, name));
      emit_jump(c, OP_JUMP_PSEUDO, next_except, NO_LOC);
    }
    bind_label(c, cleanup_end); /* [prev orig list rest lasti exc] */
    if (name) TRY(store_none_and_delete(c, name));
    emit(c, OP_LIST_APPEND, 3, NO_LOC); /* the raised exception goes to the list */
    emit(c, OP_POP_TOP, 0, NO_LOC);     /* lasti */
    emit_jump(c, OP_JUMP_PSEUDO, except_with_error, NO_LOC);
    bind_label(c, next_except);
    emit(c, OP_NOP, 0, NO_LOC);
    emit_jump(c, OP_JUMP_PSEUDO, except_with_error, NO_LOC);
    bind_label(c, no_match);
    emit(c, OP_POP_TOP, 0, hloc); /* match (None) */
    bind_label(c, except_with_error);
    if (i == handlers->n - 1) {
      /* the unhandled rest joins the list too */
      emit(c, OP_LIST_APPEND, 1, NO_LOC); /* [prev orig list] */
      emit_jump(c, OP_JUMP_PSEUDO, reraise_star, NO_LOC);
    }
  }
  pop_fblock(c);
  bind_label(c, reraise_star);
  emit(c, OP_CALL_INTRINSIC_2, INTRINSIC_PREP_RERAISE_STAR, NO_LOC); /* [prev result] */
  emit(c, OP_COPY, 1, NO_LOC);
  emit_jump(c, OP_POP_JUMP_IF_NOT_NONE, reraise, NO_LOC);
  emit(c, OP_POP_TOP, 0, NO_LOC); /* nothing to re-raise */
  pop_handler(c);
  emit(c, OP_POP_EXCEPT, 0, NO_LOC);
  emit_jump(c, OP_JUMP_PSEUDO, end, NO_LOC);
  bind_label(c, reraise);
  pop_handler(c);
  emit(c, OP_SWAP, 2, NO_LOC);
  emit(c, OP_POP_EXCEPT, 0, NO_LOC);
  emit(c, OP_RERAISE, 0, NO_LOC);
  emit_cleanup_reraise(c, cleanup);
  bind_label(c, orelse);
  TRY(compile_body(c, &s->v.Try.orelse, 0));
  bind_label(c, end);
  return true;
}

static bool compile_try_finally(Compiler *c, AstNode *s) {
  bool star = s->kind == AST_TryStar;
  int end = new_label(c), exit = new_label(c), cleanup = new_label(c);
  int d = c->u->depth;
  push_handler(c, end, d, false); /* SETUP_FINALLY */
  TRY(push_fblock(c, s, FB_FINALLY_TRY, -1, -1, &s->v.Try.finalbody, d));
  if (s->v.Try.handlers.n) TRY(star ? compile_try_star_except(c, s) : compile_try_except(c, s));
  else TRY(compile_body(c, &s->v.Try.body, 0));
  pop_handler(c);
  pop_fblock(c);
  TRY(compile_body(c, &s->v.Try.finalbody, 0));
  emit_jump(c, OP_JUMP_PSEUDO, exit, NO_LOC);
  bind_label(c, end);                    /* [exc] */
  push_handler(c, cleanup, d + 1, true); /* SETUP_CLEANUP */
  emit(c, OP_PUSH_EXC_INFO, 0, NO_LOC);
  TRY(push_fblock(c, s, FB_FINALLY_END, -1, -1, NULL, d + 2));
  TRY(compile_body(c, &s->v.Try.finalbody, 0));
  pop_fblock(c);
  emit(c, OP_RERAISE, 0, NO_LOC);
  emit_cleanup_reraise(c, cleanup);
  bind_label(c, exit);
  return true;
}

static bool compile_try(Compiler *c, AstNode *s) {
  if (s->v.Try.finalbody.n) return compile_try_finally(c, s);
  return s->kind == AST_TryStar ? compile_try_star_except(c, s) : compile_try_except(c, s);
}

/* ------------------------------------------------------------------------ */

bool compile_stmt(Compiler *c, AstNode *s) {
  switch (s->kind) {
  case AST_FunctionDef:
  case AST_AsyncFunctionDef: return compile_function(c, s);
  case AST_ClassDef: return compile_class(c, s);
  case AST_Return: return compile_return(c, s);
  case AST_Delete:
    for (int i = 0; i < s->v.Delete.targets.n; i++)
      TRY(compile_delete_target(c, s->v.Delete.targets.items[i]));
    return true;
  case AST_Assign: {
    AstSeq *targets = &s->v.Assign.targets;
    TRY(compile_expr(c, s->v.Assign.value));
    for (int i = 0; i < targets->n; i++) {
      if (i < targets->n - 1) emit(c, OP_COPY, 1, node_loc(s));
      TRY(compile_store(c, targets->items[i]));
    }
    return true;
  }
  case AST_AugAssign: return compile_augassign(c, s);
  case AST_AnnAssign: return compile_annassign(c, s);
  case AST_For: return compile_for(c, s);
  case AST_AsyncFor: return compile_async_for(c, s);
  case AST_While: return compile_while(c, s);
  case AST_If: return compile_if(c, s);
  case AST_With:
  case AST_AsyncWith: return compile_with(c, s, 0);
  case AST_Raise: return compile_raise(c, s);
  case AST_Try:
  case AST_TryStar: return compile_try(c, s);
  case AST_Assert: return compile_assert(c, s);
  case AST_Import: return compile_import(c, s);
  case AST_ImportFrom: return compile_import_from(c, s);
  case AST_Global:
  case AST_Nonlocal:
  case AST_Pass: return true;
  case AST_Expr: return compile_expr_stmt(c, s);
  case AST_Match: return compile_match(c, s);
  case AST_TypeAlias: return compile_type_alias(c, s);
  case AST_Break: return compile_break_continue(c, s, true);
  case AST_Continue: return compile_break_continue(c, s, false);
  default: return cerror(c, s, "unsupported statement");
  }
}
