/*
** astbuild_match.c — AST builders for the patterns of a `match` statement (PEP 634),
** called from grammar.y's pattern rules. The grammar parses the general shapes; these
** sort them into CPython's pattern nodes (MatchAs, MatchValue, MatchSequence...).
*/
#include <string.h>

#include "lang/parser_int.h"

AstNode *ab_pattern_list(AsyParse *P, AstSeq *items, int comma, const AsyToken *lpar,
                         const AsyToken *rpar) {
  if (items->n == 1 && !comma) {
    AstNode *only = items->items[0];
    if (only->kind == AST_MatchStar) ab_error_node(P, only, "invalid syntax");
    return only; /* a group keeps the inner pattern's position, as CPython */
  }
  AstNode *n = lpar ? NTT(P, AST_MatchSequence, *lpar, *rpar)
                    : NNN(P, AST_MatchSequence, items->items[0], items->items[items->n - 1]);
  n->v.MatchSequence.patterns = *items;
  return n;
}

AstNode *ab_literal_pattern(AsyParse *P, AstNode *e) {
  if (e->kind == AST_Constant) {
    AstConstKind k = e->v.Constant.value.kind;
    if (k == AST_CONST_NONE || k == AST_CONST_TRUE || k == AST_CONST_FALSE) {
      AstNode *n = NNN(P, AST_MatchSingleton, e, e);
      n->v.MatchSingleton.value = e->v.Constant.value;
      return n;
    }
  }
  AstNode *n = NNN(P, AST_MatchValue, e, e);
  n->v.MatchValue.value = e;
  return n;
}

AstNode *ab_name_pattern(AsyParse *P, AstNode *e) {
  if (e->kind == AST_Name) {
    AstNode *n = NNN(P, AST_MatchAs, e, e);
    n->v.MatchAs.name = strcmp(e->v.Name.id, "_") ? e->v.Name.id : NULL;
    return n;
  }
  AstNode *n = NNN(P, AST_MatchValue, e, e);
  n->v.MatchValue.value = e;
  return n;
}

AstNode *ab_class_pattern(AsyParse *P, AstNode *cls, AstSeq *pos, AstSeq *kw,
                          const AsyToken *rpar) {
  AstNode *n = NNT(P, AST_MatchClass, cls, *rpar);
  n->v.MatchClass.cls = cls;
  if (pos) n->v.MatchClass.patterns = *pos;
  for (int i = 0; kw && i < kw->n; i++) {
    AstNode *k = kw->items[i];
    asy_idseq_push(P->a, &n->v.MatchClass.kwd_attrs, k->v.keyword.arg);
    ab_push(P, &n->v.MatchClass.kwd_patterns, k->v.keyword.value);
  }
  return n;
}

AstNode *ab_map_item(AsyParse *P, AstNode *key, AstNode *pattern) {
  if (key->kind == AST_Name) /* CPython stops at the ':' after a bare name */
    ab_error_range(P, key->end_lineno, key->end_col_offset, key->end_lineno,
                   key->end_col_offset + 1, "invalid syntax");
  /* carried as a one-entry Dict until ab_mapping_pattern splits the entries */
  AstNode *n = NNN(P, AST_Dict, key, pattern);
  ab_push(P, &n->v.Dict.keys, key);
  ab_push(P, &n->v.Dict.values, pattern);
  return n;
}

AstNode *ab_mapping_pattern(AsyParse *P, const AsyToken *lbrace, AstSeq *items,
                            const AsyToken *rest, const AsyToken *rbrace) {
  AstNode *n = NTT(P, AST_MatchMapping, *lbrace, *rbrace);
  for (int i = 0; items && i < items->n; i++) {
    AstNode *it = items->items[i];
    ab_push(P, &n->v.MatchMapping.keys, it->v.Dict.keys.items[0]);
    ab_push(P, &n->v.MatchMapping.patterns, it->v.Dict.values.items[0]);
  }
  if (rest) {
    char *id = ab_str(P, rest);
    if (!strcmp(id, "_")) ab_error_tok(P, *rest, "invalid syntax");
    n->v.MatchMapping.rest = id;
  }
  return n;
}
