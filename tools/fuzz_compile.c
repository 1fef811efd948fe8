/*
** fuzz_compile.c — libFuzzer harness for the front end (not part of the build).
**
** Each input is compiled as a module: lexer, layout, parser, AST builder, symbol table,
** compiler. A fresh VM per input, freed afterwards, so LeakSanitizer sees anything the
** front end forgets on an error path. Build and run with tools/fuzz_compile.sh.
*/
#include <stddef.h>
#include <stdint.h>

#include "stdlib/asy_stdlib.h"
#include "vm/gc.h"
#include "vm/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  VM *vm = vm_new();
  asy_init_builtins(vm);
  AsySource *src = asy_source_add(vm, "<fuzz>", (const char *)data, size);
  size_t mark = asy_temp_mark(vm);
  ObjCode *code = asy_compile(vm, src, 0);
  if (!code) asy_clear_pending(vm);
  asy_temp_reset(vm, mark);
  vm_free(vm);
  return 0;
}
