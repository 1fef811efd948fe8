/*
** lib_modules.h — standard modules written in Asy itself (stdlib/lib/NAME.asy), embedded
** in the binary by tools/embed.cmake together with their code compiled at build time
** (tools/freeze.c, vm/codefile.h), which is loaded on first import. Their code runs
** under the file name "<frozen NAME>", and tracebacks leave such frames out, as the
** expected outputs leave out CPython's own library frames.
*/
#ifndef ASY_LIB_MODULES_H
#define ASY_LIB_MODULES_H

#include <stddef.h>

typedef struct {
  const char *name; /* module name (the file's stem) */
  const char *text; /* UTF-8 source (for traceback lines) */
  size_t size;
  const unsigned char *code; /* its code file */
  size_t code_size;
} AsyLibSource;

/* Every embedded module, ended by a {0} row (generated). */
extern const AsyLibSource asy_lib_sources[];

#endif
