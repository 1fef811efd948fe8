/*
** lib_modules.h — standard modules written in Asy itself (stdlib/lib/NAME.asy), embedded
** in the binary by tools/embed.cmake and compiled on first import. Their code runs
** under the file name "<frozen NAME>", and tracebacks leave such frames out, as the
** expected outputs leave out CPython's own library frames.
*/
#ifndef ASY_LIB_MODULES_H
#define ASY_LIB_MODULES_H

#include <stddef.h>

typedef struct {
  const char *name; /* module name (the file's stem) */
  const char *text; /* UTF-8 source */
  size_t size;
} AsyLibSource;

/* Every embedded module, ended by a {0} row (generated). */
extern const AsyLibSource asy_lib_sources[];

#endif
