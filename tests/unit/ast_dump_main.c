/*
** ast_dump_main.c — dev tool: parse a file with Asy's front end and print the
** tree the way CPython's ast.dump() does, to diff against the oracle
** (tests/parser/check_ast.sh).
**
**   ast_dump [-p] [-m file|single|eval] FILE
**     -p   include positions (ast.dump(..., include_attributes=True))
** On a syntax error prints one line:
**   ERROR <Kind> <lineno> <offset> <end_lineno> <end_offset> <msg>
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/parse.h"

int main(int argc, char **argv) {
  int flags = 0, mode = ASY_PARSE_FILE;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-p")) flags |= AST_DUMP_POSITIONS;
    else if (!strcmp(argv[i], "-m") && i + 1 < argc) {
      const char *m = argv[++i];
      mode = !strcmp(m, "single") ? ASY_PARSE_SINGLE : !strcmp(m, "eval") ? ASY_PARSE_EVAL
                                                                          : ASY_PARSE_FILE;
    } else path = argv[i];
  }
  if (!path) {
    fprintf(stderr, "usage: ast_dump [-p] [-m file|single|eval] FILE\n");
    return 2;
  }
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    perror(path);
    return 2;
  }
  size_t cap = 1 << 16, len = 0, k;
  char *src = malloc(cap);
  while (src && (k = fread(src + len, 1, cap - len, f)) > 0) {
    len += k;
    if (len == cap) src = realloc(src, cap *= 2);
  }
  if (f != stdin) fclose(f);
  if (!src) return 2;
  AstArena arena;
  asy_arena_init(&arena);
  AsySyntaxErr err;
  AstNode *tree = asy_parse(&arena, path, src, len, mode, &err);
  int rc = 0;
  if (!tree) {
    printf("ERROR %s %d %d %d %d %s\n", asy_err_kind_name(err.kind), err.lineno, err.offset,
           err.end_lineno, err.end_offset, err.msg);
    rc = 1;
  } else {
    asy_ast_dump(stdout, tree, flags);
    putchar('\n');
  }
  asy_arena_free(&arena);
  free(src);
  return rc;
}
