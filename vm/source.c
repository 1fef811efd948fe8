/*
** source.c — the source texts the VM has loaded, kept for traceback lines.
*/
#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

static char *dup_bytes(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (!p) abort();
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

AsySource *asy_source_add(VM *vm, const char *filename, const char *text, size_t size) {
  AsySource *src = calloc(1, sizeof(AsySource));
  if (!src) abort();
  src->filename = dup_bytes(filename, strlen(filename));
  src->text = dup_bytes(text, size);
  src->size = size;
  src->next = vm->sources;
  vm->sources = src;
  return src;
}

/* The line index, built on the first line asked for: most sources (a library module
** loaded as code) never show a line. */
static void index_lines(AsySource *src) {
  size_t cap = 64;
  src->line_starts = malloc(cap * sizeof(size_t));
  if (!src->line_starts) abort();
  src->line_starts[src->nlines++] = 0;
  for (size_t i = 0; i < src->size; i++) {
    if (src->text[i] != '\n' || i + 1 >= src->size) continue;
    if (src->nlines == cap) {
      cap *= 2;
      src->line_starts = realloc(src->line_starts, cap * sizeof(size_t));
      if (!src->line_starts) abort();
    }
    src->line_starts[src->nlines++] = i + 1;
  }
}

const char *asy_source_line(AsySource *src, int line, size_t *len) {
  if (!src || line < 1) return NULL;
  if (!src->line_starts) index_lines(src);
  if ((size_t)line > src->nlines) return NULL;
  size_t start = src->line_starts[line - 1];
  size_t end = start;
  while (end < src->size && src->text[end] != '\n') end++;
  if (end > start && src->text[end - 1] == '\r') end--;
  *len = end - start;
  return src->text + start;
}
