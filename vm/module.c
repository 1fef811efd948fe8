/*
** module.c — `import`: the sys.modules cache, built-in (native) modules and modules
** loaded from source files.
**
** Lookup order for `import name`: vm->modules (sys.modules), then the native modules
** registered with asy_register_native_module (initialised once, on first import), then
** in the main script's folder (vm->script_dir) and in each folder of the colon-separated
** ASYPATH: a package name/__init__.asy (or .py) first, then name.asy and name.py.
** `import a.b` imports the package a, then b from the folders of a.__path__, and sets
** it as the attribute b of a (a module may also register a dotted child itself, as os
** does with os.path). Relative imports resolve against the importer's __package__ as
** CPython's importlib._bootstrap._resolve_name does. A module goes into sys.modules before its body runs, so
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
#include "vm/obj/str.h"

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

/* Find name/__init__.asy|py (a package: *is_pkg) or name.asy|py in dir; fills out
** (PATH_MAX) and returns true if found. */
static bool find_in_dir(const char *dir, size_t dirlen, const char *name, char *out, bool *is_pkg) {
  static const char *const files[] = {"/__init__.asy", "/__init__.py", ".asy", ".py"};
  for (int i = 0; i < 4; i++) {
    int n;
    if (dirlen == 0) n = snprintf(out, PATH_MAX, "%s%s", name, files[i]);
    else n = snprintf(out, PATH_MAX, "%.*s/%s%s", (int)dirlen, dir, name, files[i]);
    if (n > 0 && n < PATH_MAX && is_file(out)) {
      *is_pkg = i < 2;
      return true;
    }
  }
  return false;
}

bool asy_find_module_file(VM *vm, const char *name, char *out, bool *is_pkg) {
  const char *sd = vm->script_dir ? vm->script_dir : ".";
  if (find_in_dir(sd, strlen(sd), name, out, is_pkg)) return true;
  const char *path = asy_getenv("ASYPATH");
  while (path && *path) {
    const char *colon = strchr(path, ':');
    size_t len = colon ? (size_t)(colon - path) : strlen(path);
    if (len > 0 && find_in_dir(path, len, name, out, is_pkg)) return true;
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

static Value import_file(VM *vm, ObjStr *name, const char *found, bool is_pkg) {
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
  /* __package__: the package itself, or the one holding the module ('' at top level) */
  const char *last_dot = strrchr(name->chars, '.');
  ObjStr *package = is_pkg     ? name
                    : last_dot ? asy_str_new(vm, name->chars, (size_t)(last_dot - name->chars))
                               : asy_str_new(vm, "", 0);
  asy_dict_set_str(vm, mod->dict, asy_str_intern(vm, "__package__", 11), OBJ_VAL(package));
  if (is_pkg) { /* __path__: the package's folder */
    const char *slash = strrchr(abspath, '/');
    ObjList *path = asy_list_new(vm, 1);
    asy_list_append(vm, path, OBJ_VAL(asy_str_new(vm, abspath, (size_t)(slash - abspath))));
    asy_dict_set_str(vm, mod->dict, asy_str_intern(vm, "__path__", 8), OBJ_VAL(path));
  }
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

/* A submodule of a package: found in the folders of parent.__path__. */
static Value import_submodule(VM *vm, ObjStr *name, Value parent, const char *child) {
  Value path = asy_getattr_opt(vm, parent, asy_str_intern(vm, "__path__", 8));
  if (IS_EXC(path)) return EXC_VAL;
  const char *dot = strrchr(name->chars, '.');
  if (!IS_LIST(path))
    return raise_import_error(vm, vm->exc.ModuleNotFoundError, OBJ_VAL(name), UNDEF_VAL,
                              asy_str_printf(vm, "No module named '%s'; '%.*s' is not a package",
                                             name->chars, (int)(dot - name->chars), name->chars));
  char found[PATH_MAX];
  bool is_pkg = false;
  for (size_t i = 0; i < AS_LIST(path)->size; i++) {
    Value dir = AS_LIST(path)->items[i];
    if (!IS_STR(dir)) continue;
    if (find_in_dir(AS_STR(dir)->chars, AS_STR(dir)->size, child, found, &is_pkg)) {
      Value m = import_file(vm, name, found, is_pkg);
      if (IS_EXC(m)) return EXC_VAL;
      if (!asy_setattr(vm, parent, asy_str_cstr(vm, child), m)) return EXC_VAL;
      return m;
    }
  }
  return module_not_found(vm, name);
}

/* The module named by the full dotted `name` (its parents imported first). */
static Value import_module(VM *vm, ObjStr *name) {
  Value m = asy_dict_get_str(vm->modules, name);
  if (!IS_UNDEF(m)) return m;
  const char *dot = strrchr(name->chars, '.');
  if (dot) {
    ObjStr *pname = asy_str_intern(vm, name->chars, (size_t)(dot - name->chars));
    Value parent = import_module(vm, pname);
    if (IS_EXC(parent)) return EXC_VAL;
    /* the parent may have registered the child itself (os.path) */
    m = asy_dict_get_str(vm->modules, name);
    if (!IS_UNDEF(m)) return m;
    return import_submodule(vm, name, parent, dot + 1);
  }
  Value init = asy_dict_get_str(vm->native_modules, name);
  if (IS_NATIVE(init)) return import_native(vm, name, init);
  char path[PATH_MAX];
  bool is_pkg = false;
  if (name->size == 0 || !asy_find_module_file(vm, name->chars, path, &is_pkg))
    return module_not_found(vm, name);
  return import_file(vm, name, path, is_pkg);
}

Value asy_import(VM *vm, ObjStr *name) {
  Value m = import_module(vm, name);
  if (IS_EXC(m)) return EXC_VAL;
  const char *dot = strchr(name->chars, '.');
  if (!dot) return m;
  /* IMPORT_NAME wants the top package; the compiler walks the rest by attribute */
  ObjStr *top = asy_str_intern(vm, name->chars, (size_t)(dot - name->chars));
  Value t = asy_dict_get_str(vm->modules, top);
  return IS_UNDEF(t) ? import_module(vm, top) : t; /* a body may have removed it */
}

Value asy_import_relative(VM *vm, ObjStr *name, ObjDict *globals) {
  int level = 0;
  while (name->chars[level] == '.') level++;
  const char *rest = name->chars + level;
  Value package = asy_dict_get_str(globals, asy_str_intern(vm, "__package__", 11));
  if (IS_UNDEF(package) || IS_NONE(package)) {
    /* CPython's _calc___package__ without a spec: __name__, or its parent */
    Value modname = asy_dict_get_str(globals, vm->names.name);
    if (!IS_STR(modname)) {
      package = OBJ_VAL(asy_str_new(vm, "", 0));
    } else if (!IS_UNDEF(asy_dict_get_str(globals, asy_str_intern(vm, "__path__", 8)))) {
      package = modname;
    } else {
      const char *d = strrchr(AS_STR(modname)->chars, '.');
      package = OBJ_VAL(
          asy_str_new(vm, AS_STR(modname)->chars, d ? (size_t)(d - AS_STR(modname)->chars) : 0));
    }
  }
  if (!IS_STR(package)) return asy_raise(vm, vm->exc.TypeError, "package must be a string");
  if (AS_STR(package)->size == 0)
    return asy_raise(vm, vm->exc.ImportError,
                     "attempted relative import with no known parent package");
  /* base = package.rsplit('.', level - 1)[0] */
  const char *p = AS_STR(package)->chars;
  size_t end = AS_STR(package)->size;
  for (int i = 1; i < level; i++) {
    while (end > 0 && p[end - 1] != '.') end--;
    if (end == 0)
      return asy_raise(vm, vm->exc.ImportError,
                       "attempted relative import beyond top-level package");
    end--;
  }
  ObjStr *full = *rest ? asy_str_printf(vm, "%.*s.%s", (int)end, p, rest) : asy_str_new(vm, p, end);
  return import_module(vm, asy_str_intern(vm, full->chars, full->size));
}

/* ---- from-import (IMPORT_FROM, `import *`) ------------------------------------------ */

Value asy_import_from(VM *vm, Value module, ObjStr *name) {
  Value v = asy_getattr_opt(vm, module, name);
  if (IS_EXC(v) || !IS_UNDEF(v)) return v;
  const char *modname = "<unknown module name>";
  Value n = asy_getattr_opt(vm, module, vm->names.name);
  if (IS_EXC(n)) return EXC_VAL;
  if (IS_STR(n) && IS_MODULE(module)) {
    /* `from pkg import sub`: a submodule not imported yet (CPython's _handle_fromlist) */
    Value path = asy_getattr_opt(vm, module, asy_str_intern(vm, "__path__", 8));
    if (IS_EXC(path)) return EXC_VAL;
    if (!IS_UNDEF(path)) {
      ObjStr *full = asy_str_printf(vm, "%s.%s", AS_STR(n)->chars, name->chars);
      full = asy_str_intern(vm, full->chars, full->size);
      Value sub = import_module(vm, full);
      if (!IS_EXC(sub)) return sub;
      Value exc = asy_pending(vm);
      Value ename = asy_exc_slot(vm, exc, "name");
      if (!asy_pending_is(vm, vm->exc.ModuleNotFoundError) || !IS_STR(ename) ||
          !asy_str_equal(AS_STR(ename), full))
        return EXC_VAL;
      asy_clear_pending(vm);
    }
  }
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
      Value k = asy_dict_key(d, i);
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
