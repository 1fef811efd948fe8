/*
** lib_modules.c — importing the modules written in Asy (see lib_modules.h).
*/
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "stdlib/lib_modules.h"
#include "stdlib/native_modules.h"
#include "stdlib/net_modules.h"
#include "vm/codefile.h"
#include "vm/obj/complex.h"

/* The module's init: load the embedded code and run it in the module's namespace. */
static Value lib_module_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjModule *mod = AS_MODULE(args[0]);
  const AsyLibSource *lib = asy_lib_sources;
  while (lib->name && strcmp(lib->name, mod->name->chars) != 0) lib++;
  if (!lib->name)
    return asy_raise(vm, vm->exc.ImportError, "no library module %s", mod->name->chars);
  char filename[128];
  snprintf(filename, sizeof filename, "<frozen %s>", lib->name);
  AsySource *src = asy_source_add(vm, filename, lib->text, lib->size);
  ObjCode *code = asy_code_read(vm, lib->code, lib->code_size, src);
  if (!code) return EXC_VAL;
  Value r = asy_run_code(vm, code, mod->dict);
  return IS_EXC(r) ? r : NONE_VAL;
}

void asy_lib_modules_init(VM *vm) {
  for (const AsyLibSource *lib = asy_lib_sources; lib->name; lib++)
    asy_register_native_module(vm, lib->name, lib_module_init);
  asy_register_native_module(vm, "_re", asy_mod_re_init);
  asy_complex_init(vm, vm->builtins);
  asy_register_native_module(vm, "_struct", asy_mod_struct_init);
  asy_register_native_module(vm, "cmath", asy_mod_cmath_init);
  asy_register_native_module(vm, "_gc", asy_mod_gc_init);
  /* The native halves of socket, signal and asyncio's streams and subprocesses. */
  asy_register_native_module(vm, "_socket", asy_mod_socket_init);
  asy_register_native_module(vm, "_subprocess", asy_mod_subprocess_init);
  asy_register_native_module(vm, "_signal", asy_mod_signal_init);
}
