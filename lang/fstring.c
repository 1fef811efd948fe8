/*
** fstring.c — string atoms: implicit concatenation of adjacent literals and
** the JoinedStr / FormattedValue trees of f-strings, shaped like CPython's.
**
** CPython's rules reproduced here (Parser/action_helpers.c):
** - adjacent plain literals fold into one Constant spanning all of them
**   (kind 'u' when the first one has a u prefix); bytes and str cannot mix;
** - if any piece is an f-string the result is a JoinedStr: plain literals
**   become Constants spanning their whole token, f-string text runs keep the
**   span of the text, empty texts are dropped, and neighbouring Constants are
**   merged into one spanning from the first to the last;
** - `{x=}` adds the literal text "x=" (everything between '{' and the next
**   part, spaces included) and defaults the conversion to !r unless a format
**   spec is given;
** - a format spec is a JoinedStr spanning from ':' to the closing '}'.
*/
#include <string.h>

#include "lang/parser_int.h"

void ab_str_piece(AsyParse *P, StrPieces **sp, int is_f, const AsyToken *t, AstNode *fs) {
  StrPieces *s = *sp;
  if (!s) s = *sp = asy_arena_alloc(P->a, sizeof *s);
  if (s->n == s->cap) {
    int cap = s->cap ? s->cap * 2 : 4;
    StrPiece *items = asy_arena_alloc(P->a, sizeof *items * (size_t)cap);
    if (s->n) memcpy(items, s->items, sizeof *items * (size_t)s->n);
    s->items = items;
    s->cap = cap;
  }
  StrPiece *p = &s->items[s->n++];
  memset(p, 0, sizeof *p);
  p->is_f = is_f;
  if (t) p->tok = *t;
  p->fs = fs;
}

static AstNode *str_const(AsyParse *P, int l1, int c1, int l2, int c2, const char *s, size_t n) {
  AstNode *c = ab_new(P, AST_Constant, l1, c1, l2, c2);
  c->v.Constant.value.kind = AST_CONST_STR;
  c->v.Constant.value.s = s;
  c->v.Constant.value.len = n;
  return c;
}

/* Merge runs of adjacent str Constants (the CPython JoinedStr shape). */
static AstSeq merge_constants(AsyParse *P, AstSeq in) {
  AstSeq out;
  memset(&out, 0, sizeof out);
  for (int i = 0; i < in.n;) {
    AstNode *x = in.items[i];
    if (x->kind != AST_Constant) {
      ab_push(P, &out, x);
      i++;
      continue;
    }
    int j = i;
    size_t len = 0;
    while (j < in.n && in.items[j]->kind == AST_Constant)
      len += in.items[j++]->v.Constant.value.len;
    if (len == 0) {
      i = j;
      continue;
    }
    if (j == i + 1) {
      ab_push(P, &out, x);
    } else {
      char *s = asy_arena_alloc(P->a, len + 1);
      size_t k = 0;
      for (int m = i; m < j; m++) {
        AstConst *c = &in.items[m]->v.Constant.value;
        memcpy(s + k, c->s, c->len);
        k += c->len;
      }
      AstNode *last = in.items[j - 1];
      ab_push(
          P, &out,
          str_const(P, x->lineno, x->col_offset, last->end_lineno, last->end_col_offset, s, len));
    }
    i = j;
  }
  return out;
}

AstNode *ab_strings(AsyParse *P, StrPieces *sp) {
  int has_f = 0, nbytes = 0;
  for (int i = 0; i < sp->n; i++) {
    StrPiece *p = &sp->items[i];
    if (p->is_f) {
      has_f = 1;
      continue;
    }
    const char *z = p->tok.z;
    while (*z != '\'' && *z != '"') {
      if ((*z | 0x20) == 'b') nbytes++;
      z++;
    }
  }
  StrPiece *first = &sp->items[0], *last = &sp->items[sp->n - 1];
  int l1 = first->is_f ? first->fs->lineno : first->tok.lineno;
  int c1 = first->is_f ? first->fs->col_offset : first->tok.col;
  int l2 = last->is_f ? last->fs->end_lineno : last->tok.end_lineno;
  int c2 = last->is_f ? last->fs->end_col_offset : last->tok.end_col;
  if (nbytes && (nbytes != sp->n || has_f)) {
    ab_error_tok(P, P->cur, "cannot mix bytes and nonbytes literals");
    return ab_new(P, AST_Constant, l1, c1, l2, c2);
  }
  if (!has_f) {
    AstNode *n = ab_new(P, AST_Constant, l1, c1, l2, c2);
    if (sp->n == 1) {
      asy_decode_string(P->L, &first->tok, &n->v.Constant.value, &n->v.Constant.kind_u);
      return n;
    }
    /* concatenate the decoded pieces */
    AstConst *vals = asy_arena_alloc(P->a, sizeof *vals * (size_t)sp->n);
    size_t len = 0;
    for (int i = 0; i < sp->n; i++) {
      int u = 0;
      if (asy_decode_string(P->L, &sp->items[i].tok, &vals[i], &u) < 0) return n;
      if (i == 0) n->v.Constant.kind_u = u;
      len += vals[i].len;
    }
    char *s = asy_arena_alloc(P->a, len + 1);
    size_t k = 0;
    for (int i = 0; i < sp->n; i++) {
      memcpy(s + k, vals[i].s, vals[i].len);
      k += vals[i].len;
    }
    n->v.Constant.value = vals[0];
    n->v.Constant.value.s = s;
    n->v.Constant.value.len = len;
    return n;
  }
  AstSeq parts;
  memset(&parts, 0, sizeof parts);
  for (int i = 0; i < sp->n; i++) {
    StrPiece *p = &sp->items[i];
    if (p->is_f) {
      for (int j = 0; j < p->fs->v.JoinedStr.values.n; j++)
        ab_push(P, &parts, p->fs->v.JoinedStr.values.items[j]);
    } else {
      AstNode *c = NTT(P, AST_Constant, p->tok, p->tok);
      if (asy_decode_string(P->L, &p->tok, &c->v.Constant.value, NULL) < 0) break;
      ab_push(P, &parts, c);
    }
  }
  AstNode *n = ab_new(P, AST_JoinedStr, l1, c1, l2, c2);
  n->v.JoinedStr.values = merge_constants(P, parts);
  return n;
}

AstNode *ab_fmiddle(AsyParse *P, const AsyToken *t) {
  AstNode *c = NTT(P, AST_Constant, *t, *t);
  asy_decode_fmiddle(P->L, t, &c->v.Constant.value);
  return c;
}

AstNode *ab_fstring(AsyParse *P, const AsyToken *start, AstSeq parts, const AsyToken *end) {
  AstNode *n = NTT(P, AST_JoinedStr, *start, *end);
  n->v.JoinedStr.values = parts; /* merged by ab_strings */
  return n;
}

FConv ab_fconv(AsyParse *P, const AsyToken *bang, const AsyToken *name) {
  FConv c;
  c.tok = *bang;
  c.conv = -1;
  if (name->lineno != bang->end_lineno || name->col != bang->end_col) {
    ab_error_tok(P, *name,
                 "f-string: conversion type must come right after the exclamanation mark");
    return c;
  }
  if (name->n == 1 && (name->z[0] == 's' || name->z[0] == 'r' || name->z[0] == 'a')) {
    c.conv = name->z[0];
    return c;
  }
  ab_error_tok(P, *name, "f-string: invalid conversion character '%.*s': expected 's', 'r', or 'a'",
               name->n, name->z);
  return c;
}

void ab_ffield(AsyParse *P, AstSeq *out, const AsyToken *lbrace, AstNode *expr, const AsyToken *eq,
               FConv conv, FSpec spec, const AsyToken *rbrace) {
  int conversion = conv.conv;
  if (eq) {
    /* the debug text runs from after '{' to the start of what follows '=' */
    const AsyToken *next = conv.conv != -1 ? &conv.tok : spec.present ? &spec.colon : rbrace;
    const char *s = lbrace->z + lbrace->n;
    size_t n = (size_t)(next->z - s);
    char *text = asy_arena_strndup(P->a, s, n);
    ab_push(P, out,
            str_const(P, lbrace->end_lineno, lbrace->end_col, next->lineno, next->col, text, n));
    if (conversion == -1 && !spec.present) conversion = 'r';
  }
  AstNode *fv = NTT(P, AST_FormattedValue, *lbrace, *rbrace);
  fv->v.FormattedValue.value = expr;
  fv->v.FormattedValue.conversion = conversion;
  if (spec.present) {
    /* from ':' to the end of the last spec part (or of the ':') */
    AstNode *js = NTT(P, AST_JoinedStr, spec.colon, spec.colon);
    if (spec.parts.n) ab_extend(P, js, spec.parts.items[spec.parts.n - 1]);
    js->v.JoinedStr.values = merge_constants(P, spec.parts);
    fv->v.FormattedValue.format_spec = js;
  }
  ab_push(P, out, fv);
}
