/*
** parse.h — the front end's API: source text in, AST (ast.h) out.
**
** The front end is a pure C library: it knows nothing about the VM. Errors are
** reported in an AsySyntaxErr that carries exactly the attributes of CPython's
** SyntaxError (msg, lineno, offset, end_lineno, end_offset, text), so the caller
** can build the exception object and print it the way CPython does:
**
**     File "x.asy", line 3
**       if x = 1:
**          ^^^^^
**     SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='?
*/
#ifndef ASY_PARSE_H
#define ASY_PARSE_H

#include <stddef.h>

#include "lang/ast.h"

/* Which Python exception class an error is. */
typedef enum {
  ASY_ERR_NONE = 0,
  ASY_ERR_SYNTAX,      /* SyntaxError */
  ASY_ERR_INDENTATION, /* IndentationError (subclass of SyntaxError) */
  ASY_ERR_TAB,         /* TabError (subclass of IndentationError) */
  ASY_ERR_MEMORY,      /* MemoryError: "Parser stack overflowed - Python source too
                          complex to parse" (CPython raises MemoryError too) */
  ASY_ERR_RECURSION    /* RecursionError: "maximum recursion depth exceeded during
                          compilation" (a tree nested too deep to compile) */
} AsyErrKind;

typedef struct AsySyntaxErr {
  AsyErrKind kind;
  char msg[256]; /* e.g. "expected ':'" (no exception class name) */
  /* Positions as CPython's SyntaxError attributes: lineno/end_lineno 1-based;
     offset/end_offset 1-based and counted in CHARACTERS (code points) of the
     line, end exclusive. 0 means "unknown" (CPython's None). end_lineno and
     end_offset may be 0 when CPython gives no range. */
  int lineno, offset, end_lineno, end_offset;
  const char *text; /* the source line `lineno` including its '\n' if any
                          (CPython's SyntaxError.text); NULL if unknown.
                          Allocated in the arena passed to asy_parse. */
  /* 1 when the error is only "input ended too early" (unclosed bracket, block
     expecting a body, unterminated triple-quoted string, trailing backslash):
     the REPL reads another line instead of reporting it. */
  int incomplete;
  /* 1 for the errors CPython's file reader raises before tokenizing (undecodable
     source, unknown coding declaration): the exception has no filename and no
     line, so only "SyntaxError: msg" is printed. */
  int no_location;
} AsySyntaxErr;

enum {
  ASY_PARSE_FILE = 0,   /* a module: AST_Module (ast.parse(src)) */
  ASY_PARSE_SINGLE = 1, /* one REPL input: AST_Interactive (mode='single') */
  ASY_PARSE_EVAL = 2    /* one expression: AST_Expression (mode='eval'); leading
                           spaces/tabs and surrounding newlines are allowed so a
                           fragment cut out of a file, e.g. "a + b[1]" or a
                           parenthesised multi-line slice, parses */
};

/* Parse src[0..len) (UTF-8, need not be NUL-terminated) in `mode`. Returns the
   tree (allocated in `arena`; the caller frees it with asy_arena_free) or NULL
   with *err filled. `filename` is only informative (may be NULL). */
AstNode *asy_parse(AstArena *arena, const char *filename, const char *src, size_t len, int mode,
                   AsySyntaxErr *err);

/* Python's class name for an error kind ("SyntaxError", "IndentationError"...). */
const char *asy_err_kind_name(AsyErrKind kind);

#endif /* ASY_PARSE_H */
