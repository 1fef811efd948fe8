/*
** freeze.c — the build step that compiles a library module written in Asy into a code
** file (vm/codefile.h), which the interpreter then carries instead of compiling the
** module at every import.
**
** usage: asy-freeze OUT.bin NAME SOURCE.asy
** The code runs as file "<frozen NAME>", like the text it replaces.
*/
#include <stdio.h>
#include <stdlib.h>

#include "vm/codefile.h"
#include "vm/vm.h"

static char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  if (buf) *size = n;
  return buf;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fputs("usage: asy-freeze OUT.bin NAME SOURCE.asy\n", stderr);
    return 2;
  }
  size_t size = 0;
  char *text = read_file(argv[3], &size);
  if (!text) {
    perror(argv[3]);
    return 1;
  }
  VM *vm = vm_new();
  char filename[128];
  snprintf(filename, sizeof filename, "<frozen %s>", argv[2]);
  AsySource *src = asy_source_add(vm, filename, text, size);
  ObjCode *code = asy_compile(vm, src, 0);
  int status = 0;
  if (!code) {
    asy_print_exception(vm, asy_pending(vm)); /* the SyntaxError, with file and line */
    fprintf(stderr, "asy-freeze: %s does not compile\n", argv[3]);
    status = 1;
  } else {
    FILE *out = fopen(argv[1], "wb");
    if (!out || !asy_code_write(vm, code, out) || fclose(out) != 0) {
      fprintf(stderr, "asy-freeze: cannot write %s\n", argv[1]);
      status = 1;
    }
  }
  vm_free(vm);
  free(text);
  return status;
}
