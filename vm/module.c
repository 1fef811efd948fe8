/*
** module.c — `import`: the sys.modules cache, built-in (native) modules and modules
** loaded from source files.
**
** Lookup order for `import name` (absolute, top-level names only — there are no
** packages, though a module may register a dotted child, as os does with os.path): vm->modules (sys.modules), then the native modules registered with
** asy_register_native_module (initialised once, on first import), then name.asy and
** name.py in the main script's folder (vm->script_dir), then in each folder of the
** colon-separated ASYPATH. A module goes into sys.modules before its body runs, so
** circular imports see the partially initialised module, as in CPython; a failing
** body removes it again. The bodies of the from-import opcodes live here too, for
** their ImportError wording ("partially initialized module" while a body runs).
*/
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vm/env.h"
#include "vm/except.h"
#include "vm/interp.h"

/* vm->importing: the modules whose body is running (a small stack: imports nest only as
** deep as the import chain). */
static bool module_initializing(VM *vm, Value m) {
  if (!IS_OBJ(m)) return false;
  for (int i = 0; i < vm->importing_count; i++)
    if (vm->importing[i] == AS_OBJ(m)) return true;
  return false;
}

void asy_register_native_module(VM *vm, const char *name, NativeFn init) {
  ObjNative *n = asy_native_new(vm, name, init);
  ObjStr *key = asy_str_intern(vm, name, strlen(name));
  asy_dict_set_str(vm, vm->native_modules, key, OBJ_VAL(n));
}

/* Raise cls (ImportError or a subclass) with message msg and the name/path attributes
** (UNDEF = leave None). Returns EXC_VAL. */
static Value raise_import_error(VM *vm, ObjClass *cls, Value name, Value path, ObjStr *msg) {
  Value m = OBJ_VAL(msg);
  Value exc = asy_new_exception(vm, cls, 1, &m);
  if (IS_EXC(exc)) return exc;
  if (!IS_UNDEF(name)) asy_exc_set_slot(vm, exc, "name", name);
  if (!IS_UNDEF(path)) asy_exc_set_slot(vm, exc, "path", path);
  return asy_raise_value(vm, exc);
}

static Value module_not_found(VM *vm, ObjStr *name) {
  return raise_import_error(vm, vm->exc.ModuleNotFoundError, OBJ_VAL(name), UNDEF_VAL,
                            asy_str_printf(vm, "No module named '%s'", name->chars));
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Find name.asy / name.py in dir; fills out (PATH_MAX) and returns true if found. */
static bool find_in_dir(const char *dir, size_t dirlen, const char *name, char *out) {
  static const char *const exts[] = {".asy", ".py"};
  for (int i = 0; i < 2; i++) {
    int n;
    if (dirlen == 0) n = snprintf(out, PATH_MAX, "%s%s", name, exts[i]);
    else n = snprintf(out, PATH_MAX, "%.*s/%s%s", (int)dirlen, dir, name, exts[i]);
    if (n > 0 && n < PATH_MAX && is_file(out)) return true;
  }
  return false;
}

bool asy_find_module_file(VM *vm, const char *name, char *out) {
  const char *sd = vm->script_dir ? vm->script_dir : ".";
  if (find_in_dir(sd, strlen(sd), name, out)) return true;
  const char *path = asy_getenv("ASYPATH");
  while (path && *path) {
    const char *colon = strchr(path, ':');
    size_t len = colon ? (size_t)(colon - path) : strlen(path);
    if (len > 0 && find_in_dir(path, len, name, out)) return true;
    if (!colon) break;
    path = colon + 1;
  }
  return false;
}

static char *read_file(const char *path, size_t *size) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    size_t n = fread(buf + len, 1, cap - len, fp);
    len += n;
    if (len < cap) break;
    cap *= 2;
    char *nb = realloc(buf, cap + 1);
    if (!nb) {
      free(buf);
      buf = NULL;
    }
    buf = nb;
  }
  bool err = ferror(fp);
  fclose(fp);
  if (!buf || err) {
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  *size = len;
  return buf;
}

/* A module whose body raised leaves sys.modules, as in CPython; the exception stays
** pending. Returns EXC_VAL. */
static Value import_failed(VM *vm, ObjStr *name) {
  Value pending = asy_pending(vm);
  asy_clear_pending(vm);
  asy_dict_delete(vm, vm->modules, OBJ_VAL(name));
  vm->fiber->exc = pending;
  return EXC_VAL;
}

static Value import_native(VM *vm, ObjStr *name, Value init) {
  ObjModule *mod = asy_module_new(vm, name);
  Value m = OBJ_VAL(mod);
  asy_dict_set_str(vm, vm->modules, name, m);
  Value r = AS_NATIVE(init)->fn(vm, 1, &m, NULL);
  return IS_EXC(r) ? import_failed(vm, name) : m;
}

static Value import_file(VM *vm, ObjStr *name, const char *found) {
  char abspath[PATH_MAX];
  if (!realpath(found, abspath)) snprintf(abspath, sizeof abspath, "%s", found);
  size_t size = 0;
  char *text = read_file(abspath, &size);
  if (!text)
    return asy_raise(vm, vm->exc.ImportError, "cannot read module '%s' (%s): %s", name->chars,
                     abspath, strerror(errno));
  AsySource *src = asy_source_add(vm, abspath, text, size);
  free(text);
  ObjCode *code = asy_compile(vm, src, 0);
  if (!code) return EXC_VAL;
  ObjModule *mod = asy_module_new(vm, name);
  Value m = OBJ_VAL(mod);
  ObjStr *file = asy_str_cstr(vm, abspath);
  mod->filename = OBJ_VAL(file);
  asy_dict_set_str(vm, mod->dict, vm->names.name, OBJ_VAL(name));
  asy_dict_set_str(vm, mod->dict, vm->names.file, OBJ_VAL(file));
  asy_dict_set_str(vm, vm->modules, name, m);
  if (vm->importing_count >= (int)(sizeof vm->importing / sizeof vm->importing[0]))
    return asy_recursion_error(vm);
  vm->importing[vm->importing_count++] = AS_OBJ(m);
  Value r = asy_run_code(vm, code, mod->dict);
  vm->importing_count--;
  if (IS_EXC(r)) return import_failed(vm, name);
  /* The body may have replaced its sys.modules entry, as CPython honours. */
  Value final = asy_dict_get_str(vm->modules, name);
  return IS_UNDEF(final) ? m : final;
}

Value asy_import(VM *vm, ObjStr *name) {
  const char *dot = strchr(name->chars, '.');
  if (dot) {
    /* No packages: import the first component; a module may register a dotted child in
    ** sys.modules itself (os puts posixpath there as "os.path"), which then imports.
    ** IMPORT_NAME wants the top module, the compiler walks the rest by attribute. */
    ObjStr *first = asy_str_intern(vm, name->chars, (size_t)(dot - name->chars));
    Value parent = asy_import(vm, first);
    if (IS_EXC(parent)) return EXC_VAL;
    if (!IS_UNDEF(asy_dict_get_str(vm->modules, name))) return parent;
    return raise_import_error(vm, vm->exc.ModuleNotFoundError, OBJ_VAL(name), UNDEF_VAL,
                              asy_str_printf(vm, "No module named '%s'; '%s' is not a package",
                                             name->chars, first->chars));
  }
  Value m = asy_dict_get_str(vm->modules, name);
  if (!IS_UNDEF(m)) return m;
  Value init = asy_dict_get_str(vm->native_modules, name);
  if (IS_NATIVE(init)) return import_native(vm, name, init);
  char path[PATH_MAX];
  if (name->size == 0 || !asy_find_module_file(vm, name->chars, path))
    return module_not_found(vm, name);
  return import_file(vm, name, path);
}

/* ---- from-import (IMPORT_FROM, `import *`) ------------------------------------------ */

Value asy_import_from(VM *vm, Value module, ObjStr *name) {
  Value v = asy_getattr_opt(vm, module, name);
  if (IS_EXC(v) || !IS_UNDEF(v)) return v;
  const char *modname = "<unknown module name>";
  Value n = asy_getattr_opt(vm, module, vm->names.name);
  if (IS_EXC(n)) return EXC_VAL;
  if (IS_STR(n)) modname = AS_STR(n)->chars;
  else n = UNDEF_VAL;
  const char *where = "unknown location";
  Value path = UNDEF_VAL;
  if (IS_MODULE(module) && IS_STR(AS_MODULE(module)->filename)) {
    path = AS_MODULE(module)->filename;
    where = AS_STR(path)->chars;
  }
  ObjStr *msg;
  if (module_initializing(vm, module))
    msg = asy_str_printf(vm,
                         "cannot import name '%s' from partially initialized module '%s' "
                         "(most likely due to a circular import) (%s)",
                         name->chars, modname, where);
  else
    msg = asy_str_printf(vm, "cannot import name '%s' from '%s' (%s)", name->chars, modname, where);
  Value r = raise_import_error(vm, vm->exc.ImportError, n, path, msg);
  /* CPython's name_from: the traceback printer suggests a close name from dir(module). */
  asy_exc_set_slot(vm, asy_pending(vm), "name_from", OBJ_VAL(name));
  return r;
}

Value asy_import_star(VM *vm, Value module, ObjDict *ns) {
  ObjStr *all_name = asy_str_intern(vm, "__all__", 7);
  Value all = asy_getattr_opt(vm, module, all_name);
  if (IS_EXC(all)) return EXC_VAL;
  if (IS_UNDEF(all)) {
    /* No __all__: every name of the module's dict not starting with '_'. */
    ObjDict *d = NULL;
    if (IS_MODULE(module)) d = AS_MODULE(module)->dict;
    if (!d) {
      Value dv = asy_getattr(vm, module, vm->names.dict);
      if (IS_EXC(dv)) return EXC_VAL;
      if (!IS_DICT(dv))
        return asy_raise(vm, vm->exc.ImportError,
                         "from-import-* object has no __dict__ and no __all__");
      d = AS_DICT(dv);
    }
    for (size_t i = 0; i < d->used; i++) {
      Value k = d->entries[i].key;
      if (!IS_STR(k) || AS_STR(k)->chars[0] == '_') continue;
      if (!asy_dict_set(vm, ns, k, d->entries[i].value)) return EXC_VAL;
    }
    return NONE_VAL;
  }
  Value it = asy_iter(vm, all);
  if (IS_EXC(it)) return EXC_VAL;
  for (;;) {
    Value k = asy_next(vm, it);
    if (IS_EXC(k)) return EXC_VAL;
    if (IS_UNDEF(k)) return NONE_VAL;
    if (!IS_STR(k)) {
      Value n = asy_getattr_opt(vm, module, vm->names.name);
      return asy_raise(vm, vm->exc.TypeError, "Item in %s.__all__ must be str, not %s",
                       IS_STR(n) ? AS_STR(n)->chars : "module", asy_type_name(vm, k));
    }
    asy_push_root(vm, k);
    Value v = asy_getattr(vm, module, AS_STR(k));
    if (IS_EXC(v)) return EXC_VAL;
    if (!asy_dict_set(vm, ns, k, v)) return EXC_VAL;
  }
}
