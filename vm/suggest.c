/*
** suggest.c — "Did you mean" hints for NameError and AttributeError, as CPython 3.13
** prints them (traceback.py _compute_suggestion_error with the C _suggestions module:
** Python/suggestions.c's Levenshtein distance, its costs and cutoffs).
**
** CPython computes the hint when it prints, from the frame the error came from. Asy's
** frames are gone by then, so a NameError's candidates (locals, globals, builtins) and
** the `self.name` check are evaluated when it is raised; an AttributeError only records
** whether the running frame's `self` was the object, and runs dir(obj) when printed.
*/
#include <stdlib.h>
#include <string.h>

#include "vm/except.h"
#include "vm/gc.h"
#include "vm/suggest.h"

#define MAX_CANDIDATE_ITEMS 750
#define MAX_STRING_SIZE 40
#define MOVE_COST 2
#define CASE_COST 1

/* CPython 3.13's builtins, in its dict order (ties go to the earliest candidate). */
/* clang-format off */
static const char *const cpython_builtins[] = {
  "__name__", "__doc__", "__package__", "__loader__", "__spec__", "__build_class__",
  "__import__", "abs", "all", "any", "ascii", "bin", "breakpoint", "callable", "chr",
  "compile", "delattr", "dir", "divmod", "eval", "exec", "format", "getattr", "globals",
  "hasattr", "hash", "hex", "id", "input", "isinstance", "issubclass", "iter", "aiter",
  "len", "locals", "max", "min", "next", "anext", "oct", "ord", "pow", "print", "repr",
  "round", "setattr", "sorted", "sum", "vars", "None", "Ellipsis", "NotImplemented",
  "False", "True", "bool", "memoryview", "bytearray", "bytes", "classmethod", "complex",
  "dict", "enumerate", "filter", "float", "frozenset", "property", "int", "list", "map",
  "object", "range", "reversed", "set", "slice", "staticmethod", "str", "super", "tuple",
  "type", "zip", "__debug__", "BaseException", "BaseExceptionGroup", "Exception",
  "GeneratorExit", "KeyboardInterrupt", "SystemExit", "ArithmeticError", "AssertionError",
  "AttributeError", "BufferError", "EOFError", "ImportError", "LookupError", "MemoryError",
  "NameError", "OSError", "ReferenceError", "RuntimeError", "StopAsyncIteration",
  "StopIteration", "SyntaxError", "SystemError", "TypeError", "ValueError", "Warning",
  "FloatingPointError", "OverflowError", "ZeroDivisionError", "BytesWarning",
  "DeprecationWarning", "EncodingWarning", "FutureWarning", "ImportWarning",
  "PendingDeprecationWarning", "ResourceWarning", "RuntimeWarning", "SyntaxWarning",
  "UnicodeWarning", "UserWarning", "BlockingIOError", "ChildProcessError",
  "ConnectionError", "FileExistsError", "FileNotFoundError", "InterruptedError",
  "IsADirectoryError", "NotADirectoryError", "PermissionError", "ProcessLookupError",
  "TimeoutError", "IndentationError", "_IncompleteInputError", "IndexError", "KeyError",
  "ModuleNotFoundError", "NotImplementedError", "PythonFinalizationError",
  "RecursionError", "UnboundLocalError", "UnicodeError", "BrokenPipeError",
  "ConnectionAbortedError", "ConnectionRefusedError", "ConnectionResetError", "TabError",
  "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeTranslateError", "ExceptionGroup",
  "EnvironmentError", "IOError", "open", "quit", "exit", "copyright", "credits", "license",
  "help",
};
/* clang-format on */

/* sys.stdlib_module_names of CPython 3.13, sorted. */
/* clang-format off */
static const char *const stdlib_module_names[] = {
  "__future__", "_abc", "_aix_support", "_android_support", "_ast", "_asyncio", "_bisect",
  "_blake2", "_bz2", "_codecs", "_codecs_cn", "_codecs_hk", "_codecs_iso2022",
  "_codecs_jp", "_codecs_kr", "_codecs_tw", "_collections", "_collections_abc",
  "_colorize", "_compat_pickle", "_compression", "_contextvars", "_csv", "_ctypes",
  "_curses", "_curses_panel", "_datetime", "_dbm", "_decimal", "_elementtree",
  "_frozen_importlib", "_frozen_importlib_external", "_functools", "_gdbm", "_hashlib",
  "_heapq", "_imp", "_interpchannels", "_interpqueues", "_interpreters", "_io",
  "_ios_support", "_json", "_locale", "_lsprof", "_lzma", "_markupbase", "_md5",
  "_multibytecodec", "_multiprocessing", "_opcode", "_opcode_metadata", "_operator",
  "_osx_support", "_overlapped", "_pickle", "_posixshmem", "_posixsubprocess", "_py_abc",
  "_pydatetime", "_pydecimal", "_pyio", "_pylong", "_pyrepl", "_queue", "_random",
  "_scproxy", "_sha1", "_sha2", "_sha3", "_signal", "_sitebuiltins", "_socket", "_sqlite3",
  "_sre", "_ssl", "_stat", "_statistics", "_string", "_strptime", "_struct",
  "_suggestions", "_symtable", "_sysconfig", "_thread", "_threading_local", "_tkinter",
  "_tokenize", "_tracemalloc", "_typing", "_uuid", "_warnings", "_weakref", "_weakrefset",
  "_winapi", "_wmi", "_zoneinfo", "abc", "antigravity", "argparse", "array", "ast",
  "asyncio", "atexit", "base64", "bdb", "binascii", "bisect", "builtins", "bz2",
  "cProfile", "calendar", "cmath", "cmd", "code", "codecs", "codeop", "collections",
  "colorsys", "compileall", "concurrent", "configparser", "contextlib", "contextvars",
  "copy", "copyreg", "csv", "ctypes", "curses", "dataclasses", "datetime", "dbm",
  "decimal", "difflib", "dis", "doctest", "email", "encodings", "ensurepip", "enum",
  "errno", "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch", "fractions",
  "ftplib", "functools", "gc", "genericpath", "getopt", "getpass", "gettext", "glob",
  "graphlib", "grp", "gzip", "hashlib", "heapq", "hmac", "html", "http", "idlelib",
  "imaplib", "importlib", "inspect", "io", "ipaddress", "itertools", "json", "keyword",
  "linecache", "locale", "logging", "lzma", "mailbox", "marshal", "math", "mimetypes",
  "mmap", "modulefinder", "msvcrt", "multiprocessing", "netrc", "nt", "ntpath",
  "nturl2path", "numbers", "opcode", "operator", "optparse", "os", "pathlib", "pdb",
  "pickle", "pickletools", "pkgutil", "platform", "plistlib", "poplib", "posix",
  "posixpath", "pprint", "profile", "pstats", "pty", "pwd", "py_compile", "pyclbr",
  "pydoc", "pydoc_data", "pyexpat", "queue", "quopri", "random", "re", "readline",
  "reprlib", "resource", "rlcompleter", "runpy", "sched", "secrets", "select", "selectors",
  "shelve", "shlex", "shutil", "signal", "site", "smtplib", "socket", "socketserver",
  "sqlite3", "sre_compile", "sre_constants", "sre_parse", "ssl", "stat", "statistics",
  "string", "stringprep", "struct", "subprocess", "symtable", "sys", "sysconfig", "syslog",
  "tabnanny", "tarfile", "tempfile", "termios", "textwrap", "this", "threading", "time",
  "timeit", "tkinter", "token", "tokenize", "tomllib", "trace", "traceback", "tracemalloc",
  "tty", "turtle", "turtledemo", "types", "typing", "unicodedata", "unittest", "urllib",
  "uuid", "venv", "warnings", "wave", "weakref", "webbrowser", "winreg", "winsound",
  "wsgiref", "xml", "xmlrpc", "zipapp", "zipfile", "zipimport", "zlib", "zoneinfo",
};
/* clang-format on */

static ObjStr *intern(VM *vm, const char *s) { return asy_str_intern(vm, s, strlen(s)); }

/* ---- Python/suggestions.c ----------------------------------------------------------- */

static size_t substitution_cost(char a, char b) {
  if ((a & 31) != (b & 31)) return MOVE_COST; /* not the same letter, not a case flip */
  if (a == b) return 0;
  if (a >= 'A' && a <= 'Z') a += 'a' - 'A';
  if (b >= 'A' && b <= 'Z') b += 'a' - 'A';
  return a == b ? CASE_COST : MOVE_COST;
}

static size_t levenshtein(const char *a, size_t a_size, const char *b, size_t b_size,
                          size_t max_cost, size_t *buffer) {
  if (a == b && a_size == b_size) return 0;
  while (a_size && b_size && a[0] == b[0]) {
    a++;
    a_size--;
    b++;
    b_size--;
  }
  while (a_size && b_size && a[a_size - 1] == b[b_size - 1]) {
    a_size--;
    b_size--;
  }
  if (a_size == 0 || b_size == 0) return (a_size + b_size) * MOVE_COST;
  if (a_size > MAX_STRING_SIZE || b_size > MAX_STRING_SIZE) return max_cost + 1;
  if (b_size < a_size) { /* prefer the shorter buffer */
    /* clang-format off */
    const char *t = a; a = b; b = t;
    size_t ts = a_size; a_size = b_size; b_size = ts;
    /* clang-format on */
  }
  if ((b_size - a_size) * MOVE_COST > max_cost) return max_cost + 1;
  size_t tmp = MOVE_COST;
  for (size_t i = 0; i < a_size; i++) {
    buffer[i] = tmp;
    tmp += MOVE_COST;
  }
  size_t result = 0;
  for (size_t bi = 0; bi < b_size; bi++) {
    char code = b[bi];
    size_t distance = result = bi * MOVE_COST;
    size_t minimum = (size_t)-1;
    for (size_t i = 0; i < a_size; i++) {
      size_t substitute = distance + substitution_cost(code, a[i]);
      distance = buffer[i];
      size_t insert_delete = (result < distance ? result : distance) + MOVE_COST;
      result = insert_delete < substitute ? insert_delete : substitute;
      buffer[i] = result;
      if (result < minimum) minimum = result;
    }
    if (minimum > max_cost) return max_cost + 1;
  }
  return result;
}

typedef struct {
  const char **s;
  size_t *n;
  size_t count, cap;
} Cands;

static void cand_add(Cands *c, const char *s, size_t n) {
  if (c->count == c->cap) {
    c->cap = c->cap ? c->cap * 2 : 64;
    c->s = realloc(c->s, c->cap * sizeof(char *));
    c->n = realloc(c->n, c->cap * sizeof(size_t));
    if (!c->s || !c->n) abort();
  }
  c->s[c->count] = s;
  c->n[c->count] = n;
  c->count++;
}

static void cand_free(Cands *c) {
  free(c->s);
  free(c->n);
}

/* _Py_CalculateSuggestions: index of the best candidate or -1. */
static long best_suggestion(const Cands *c, const char *name, size_t name_size) {
  if (c->count >= MAX_CANDIDATE_ITEMS) return -1;
  size_t buffer[MAX_STRING_SIZE];
  size_t best_distance = (size_t)-1 >> 1;
  long best = -1;
  for (size_t i = 0; i < c->count; i++) {
    if (c->n[i] == name_size && memcmp(c->s[i], name, name_size) == 0) continue;
    size_t max_distance = (name_size + c->n[i] + 3) * MOVE_COST / 6;
    if (best_distance - 1 < max_distance) max_distance = best_distance - 1;
    size_t d = levenshtein(name, name_size, c->s[i], c->n[i], max_distance, buffer);
    if (d > max_distance) continue;
    if (best < 0 || d < best_distance) {
      best = (long)i;
      best_distance = d;
    }
  }
  return best;
}

/* "Did you mean" for an unexpected keyword argument (call.c, as CPython's
** initialize_locals): the best of cands[0..n), or NULL. */
ObjStr *asy_suggest_name(VM *vm, ObjStr *name, ObjStr **cands, int n) {
  (void)vm;
  Cands c = {0};
  for (int i = 0; i < n; i++) cand_add(&c, cands[i]->chars, cands[i]->size);
  long b = best_suggestion(&c, name->chars, name->size);
  cand_free(&c);
  return b >= 0 ? cands[b] : NULL;
}

static void add_dict_keys(Cands *c, ObjDict *d) {
  if (!d) return;
  for (size_t i = 0; i < d->used; i++) {
    Value k = asy_dict_key(d, i);
    if (IS_STR(k)) cand_add(c, AS_STR(k)->chars, AS_STR(k)->size);
  }
}

static bool is_stdlib_module(const char *name) {
  int lo = 0, hi = (int)(sizeof stdlib_module_names / sizeof stdlib_module_names[0]) - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(name, stdlib_module_names[mid]);
    if (c == 0) return true;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return false;
}

/* The running frame, if it runs `code`. */
static Frame *frame_of(VM *vm, ObjCode *code) {
  Fiber *f = vm->fiber;
  if (!f || f->frame_count <= 0) return NULL;
  Frame *fr = &f->frames[f->frame_count - 1];
  return !code || fr->code == code ? fr : NULL;
}

/* The value of local `name` in a frame's fast locals (UNDEF if absent/unbound). */
static Value fast_local(Frame *fr, const char *name) {
  ObjCode *code = fr->code;
  if (!code->varnames || !fr->base) return UNDEF_VAL;
  int total = code->nlocalsplus;
  for (int i = 0; i < total && (size_t)i < code->varnames->size; i++) {
    Value n = code->varnames->items[i];
    if (!IS_STR(n) || strcmp(AS_STR(n)->chars, name)) continue;
    Value v = fr->base[i];
    if (i >= code->nlocals && IS_OBJ_TYPE(v, OBJ_CELL)) v = AS_CELL(v)->value;
    if (!IS_UNDEF(v)) return v;
  }
  return UNDEF_VAL;
}

/* f_locals['self'] of the running frame (UNDEF if none). */
static Value frame_self(VM *vm, Frame *fr) {
  if (!fr) return UNDEF_VAL;
  if (fr->locals) return asy_dict_get_str(fr->locals, vm->names.self);
  return fast_local(fr, "self");
}

void asy_name_error_hint(VM *vm, Value exc, ObjStr *name, ObjDict *globals, ObjDict *locals_or_null,
                         ObjCode *code) {
  Frame *fr = frame_of(vm, code);
  ObjDict *locals = locals_or_null ? locals_or_null : fr ? fr->locals : NULL;
  Value self = locals ? asy_dict_get_str(locals, vm->names.self) : frame_self(vm, fr);
  if (!IS_UNDEF(self) && !IS_EXC(self)) {
    Value saved = vm->fiber->exc;
    Value v = asy_getattr_opt(vm, self, name);
    vm->fiber->exc = saved;
    if (!IS_UNDEF(v) && !IS_EXC(v)) {
      ObjStr *s = asy_str_printf(vm, "self.%s", name->chars);
      asy_exc_set_slot(vm, exc, "__suggestion__", OBJ_VAL(s));
      return;
    }
  }
  Cands c = {0};
  if (locals) {
    add_dict_keys(&c, locals);
  } else if (fr && fr->base && fr->code->varnames) {
    ObjCode *co = fr->code;
    int total = co->nlocalsplus;
    for (int i = 0; i < total && (size_t)i < co->varnames->size; i++) {
      Value n = co->varnames->items[i], v = fr->base[i];
      if (i >= co->nlocals && IS_OBJ_TYPE(v, OBJ_CELL)) v = AS_CELL(v)->value;
      if (IS_STR(n) && !IS_UNDEF(v)) cand_add(&c, AS_STR(n)->chars, AS_STR(n)->size);
    }
  }
  add_dict_keys(&c, globals);
  for (size_t i = 0; i < sizeof cpython_builtins / sizeof cpython_builtins[0]; i++)
    cand_add(&c, cpython_builtins[i], strlen(cpython_builtins[i]));
  long best = best_suggestion(&c, name->chars, name->size);
  if (best >= 0) {
    ObjStr *s = asy_str_new(vm, c.s[best], c.n[best]);
    asy_exc_set_slot(vm, exc, "__suggestion__", OBJ_VAL(s));
  }
  cand_free(&c);
}

void asy_attribute_error_hint(VM *vm, Value exc, Value obj) {
  Value self = frame_self(vm, frame_of(vm, NULL));
  if (!IS_UNDEF(self) && asy_same(self, obj))
    asy_exc_set_slot(vm, exc, "__self_is_obj__", TRUE_VAL);
}

/* dir(obj) filtered as CPython's _compute_suggestion_error; the best match or NULL. */
static ObjStr *attribute_suggestion(VM *vm, Value exc, ObjStr *name) {
  Value dir = asy_dict_get_str(vm->builtins, intern(vm, "dir"));
  if (IS_UNDEF(dir)) return NULL;
  Value obj = asy_exc_slot(vm, exc, "obj");
  Value saved = vm->fiber->exc;
  Value d = asy_call(vm, dir, 1, &obj, NULL);
  if (IS_EXC(d) || !IS_LIST(d)) {
    vm->fiber->exc = saved;
    return NULL;
  }
  bool hide = name->chars[0] != '_';
  if (hide && IS_BOOL(asy_exc_slot(vm, exc, "__self_is_obj__"))) hide = false;
  Cands c = {0};
  ObjList *l = AS_LIST(d);
  for (size_t i = 0; i < l->size; i++) {
    Value k = l->items[i];
    if (!IS_STR(k)) continue;
    if (hide && AS_STR(k)->chars[0] == '_') continue;
    cand_add(&c, AS_STR(k)->chars, AS_STR(k)->size);
  }
  long best = best_suggestion(&c, name->chars, name->size);
  ObjStr *r = best >= 0 ? asy_str_new(vm, c.s[best], c.n[best]) : NULL;
  cand_free(&c);
  return r;
}

/* `from m import x` failed: the best match for x in dir(m), hiding _names unless x
** starts with '_' (CPython imports m again by its name). */
static ObjStr *import_suggestion(VM *vm, Value exc, ObjStr *wrong) {
  Value modname = asy_exc_slot(vm, exc, "name");
  Value dir = asy_dict_get_str(vm->builtins, intern(vm, "dir"));
  if (!IS_STR(modname) || IS_UNDEF(dir)) return NULL;
  Value saved = vm->fiber->exc;
  Value mod = asy_import(vm, AS_STR(modname));
  Value d = IS_EXC(mod) ? EXC_VAL : asy_call(vm, dir, 1, &mod, NULL);
  if (IS_EXC(d) || !IS_LIST(d)) {
    vm->fiber->exc = saved;
    return NULL;
  }
  bool hide = wrong->chars[0] != '_';
  Cands c = {0};
  ObjList *l = AS_LIST(d);
  for (size_t i = 0; i < l->size; i++) {
    Value k = l->items[i];
    if (!IS_STR(k) || (hide && AS_STR(k)->chars[0] == '_')) continue;
    cand_add(&c, AS_STR(k)->chars, AS_STR(k)->size);
  }
  long best = best_suggestion(&c, wrong->chars, wrong->size);
  ObjStr *r = best >= 0 ? asy_str_new(vm, c.s[best], c.n[best]) : NULL;
  cand_free(&c);
  return r;
}

void asy_suggestion_suffix(VM *vm, Value exc, AsyExBuf *out) {
  ObjClass *cls = AS_OBJ(exc)->cls;
  if (asy_exc_subclass(vm, cls, vm->exc.ImportError)) {
    Value from = asy_exc_slot(vm, exc, "name_from");
    if (!IS_STR(from)) return;
    ObjStr *s = import_suggestion(vm, exc, AS_STR(from));
    if (s) asy_exbuf_printf(out, ". Did you mean: '%s'?", s->chars);
    return;
  }
  bool is_name = asy_exc_subclass(vm, cls, vm->exc.NameError);
  bool is_attr = asy_exc_subclass(vm, cls, vm->exc.AttributeError);
  if (!is_name && !is_attr) return;
  Value name = asy_exc_slot(vm, exc, "name");
  if (!IS_STR(name)) return;
  ObjStr *suggestion = NULL;
  if (is_attr) {
    suggestion = attribute_suggestion(vm, exc, AS_STR(name));
  } else {
    Value s = asy_exc_slot(vm, exc, "__suggestion__");
    if (IS_STR(s)) suggestion = AS_STR(s);
  }
  if (suggestion) asy_exbuf_printf(out, ". Did you mean: '%s'?", suggestion->chars);
  if (is_name && is_stdlib_module(AS_STR(name)->chars)) {
    if (suggestion)
      asy_exbuf_printf(out, " Or did you forget to import '%s'?", AS_STR(name)->chars);
    else asy_exbuf_printf(out, ". Did you forget to import '%s'?", AS_STR(name)->chars);
  }
}
