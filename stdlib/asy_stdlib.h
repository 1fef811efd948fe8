/*
** asy_stdlib.h — the builtins module and the built-in modules (time, random, math, sys,
** json) plus file objects: what the files of stdlib/ share.
**
** (Named asy_stdlib.h, not stdlib.h: stdlib/ is on the include path, and a header
** called stdlib.h there would shadow the C library's <stdlib.h> in every file.)
**
** Per-VM state lives in vm->stdlib (an AsyStdlib): the sys module is created eagerly
** (CPython always has it loaded, and print() needs sys.stdout even when a script never
** imports sys), the three std stream objects, and the classes the modules define. The
** library sits on top of vm/, never the other way round: the host installs it into a
** new VM with asy_init_builtins, which registers the hooks (asy_vm_add_hook) through
** which the GC marks this state and vm_free releases it.
**
** Argument checking: CPython's builtins use several different wordings depending on
** how each function is declared in C (METH_O, Argument Clinic, vectorcall with manual
** checks). The helpers below produce each family of messages; every builtin picks the
** one CPython uses for it.
*/
#ifndef ASY_STDLIB_H
#define ASY_STDLIB_H

#include "vm/vm.h"

/* Asy's own version (--version, the REPL banner, sys.version). */
#define ASY_VERSION "0.1.0"

typedef struct AsyStdlib {
  Value sys_module;               /* the sys module (also in vm->modules) */
  Value std_in, std_out, std_err; /* the original stream objects (ObjFile) */
  Value json_decode_error;        /* json.JSONDecodeError, created on first import of json */
  Value random_class;             /* random.Random */
  ObjClass *iter_classes[7];      /* enumerate, zip, map, filter, reversed, callable_iterator,
                                list_reverseiterator (builtins_iter.c) */
  ObjClass *file_classes[3]; /* BufferedReader, BufferedWriter, BufferedRandom (binary open()) */
  Value unsupported_operation;    /* io.UnsupportedOperation */
  ObjStr *s_stdout, *s_stderr, *s_stdin, *s_write, *s_flush, *s_readline;
} AsyStdlib;

/* ---- installing (builtins.c) -------------------------------------------------------- */

/* Install the library into a VM fresh from vm_new: the builtins module, sys, the native
** modules, and the GC / teardown hooks of vm->stdlib. Every host calls it once. */
void asy_init_builtins(VM *vm);

/* ---- argument checking (builtins.c) ------------------------------------------------ */

/* Positional counts: asy_args / asy_no_kw / asy_arg_count (vm.h). */
/* Keyword arguments by name: each kw entry must be one of names[0..n); its value is
** stored in out[i]. Unknown names raise "f() got an unexpected keyword argument 'x'"
** (style 0) or "'x' is an invalid keyword argument for f()" (style 1). Entries of out
** not given stay as they were. */
bool asy_std_kwargs(VM *vm, const char *fname, ObjDict *kw, const char *const *names, int n,
                    Value *out, int style);
/* Argument Clinic style positional-or-keyword binding: params names[0..n), of which the
** first npos_only are positional-only and the first nreq required. Fills out[0..n)
** (UNDEF when absent). Messages: "f() takes at most N arguments (M given)",
** "f() missing required argument 'x' (pos K)", "argument for f() given by name ('x')
** and position (K)", "f() got an unexpected keyword argument 'x'". */
bool asy_std_bind(VM *vm, const char *fname, int argc, Value *args, ObjDict *kw,
                  const char *const *names, int n, int npos_only, int nreq, Value *out);
/* Binding with the messages of a Python-level method taking self first (random.py's
** methods): "Random.f() takes from 2 to 4 positional arguments but 5 were given",
** "Random.f() missing 1 required positional argument: 'b'", unexpected / multiple
** keyword messages. argc/args exclude self; out[0..n) UNDEF when absent. */
bool asy_std_pybind(VM *vm, const char *qualname, int argc, Value *args, ObjDict *kw,
                    const char *const *names, int n, int nreq, Value *out);
/* A float from an int, bool, float or object with __float__/__index__; TypeError
** "must be real number, not X" otherwise. */
bool asy_std_to_double(VM *vm, Value v, double *out);
/* Call a special method found on type(self) (not the instance), as CPython's slots do.
** *found is false (and UNDEF returned) when the class has no such attribute. */
Value asy_std_call_special(VM *vm, Value self, ObjStr *name, int argc, Value *args, bool *found);
/* True if v is callable. */
bool asy_std_callable(VM *vm, Value v);
/* A plain class for a built-in object kind, created by stdlib (module is the name of
** the defining module, e.g. "builtins"). */
ObjClass *asy_std_class(VM *vm, const char *name, const char *module, ObjClass *base,
                        ObjType layout);

/* ---- the std streams and writing (print.c) ------------------------------------------ */

/* The current sys.stdout / sys.stderr (whatever the script assigned), or the originals. */
Value asy_std_stdout(VM *vm);
Value asy_std_stderr(VM *vm);
/* file.write(s) for any object with a write() method; fast path for ObjFile. */
bool asy_std_write(VM *vm, Value file, ObjStr *s);
/* Write C text to the current sys.stdout / sys.stderr (for C code that prints). */
bool asy_std_write_out(VM *vm, const char *text, size_t n);
bool asy_std_write_err(VM *vm, const char *text, size_t n);
/* print() and input() into the builtins dict. */
void asy_print_init(VM *vm, ObjDict *builtins);

/* ---- files (file.c) ------------------------------------------------------------------ */

/* Define the methods of the file classes and open() into builtins. */
void asy_file_init(VM *vm, ObjDict *builtins);
/* A file object wrapping an already open C stream (sys.stdin/stdout/stderr). */
Value asy_file_wrap(VM *vm, FILE *fp, const char *name, const char *mode);
/* Write raw bytes to an ObjFile (text or binary), raising on a closed file. */
bool asy_file_write_raw(VM *vm, ObjFile *f, const char *data, size_t n);
/* Read a whole file's text (for json.load); an ObjStr/ObjBytes value or EXC_VAL. */
Value asy_file_read_all(VM *vm, ObjFile *f);

/* ---- iterator builtins (builtins_iter.c) --------------------------------------------- */

/* enumerate, zip, map, filter, reversed, iter, next, sorted, min, max, sum, any, all. */
void asy_builtins_iter_init(VM *vm, ObjDict *builtins);
/* aiter() and anext() (builtins_async.c). */
void asy_builtins_async_init(VM *vm, ObjDict *builtins);
/* eval, exec and compile (builtins_eval.c). */
void asy_builtins_eval_init(VM *vm, ObjDict *builtins);
/* The frame of the script code calling a builtin (NULL at start-up) (builtins.c). */
Frame *asy_caller_frame(VM *vm);
/* locals() of that frame: its namespace dict, or a snapshot of a function's locals. */
Value asy_caller_locals(VM *vm);

/* ---- modules ----------------------------------------------------------------------------
** Module initialisers (NativeFn called once by import with args[0] the module). */
Value asy_mod_math_init(VM *vm, int argc, Value *args, ObjDict *kw);
Value asy_mod_random_init(VM *vm, int argc, Value *args, ObjDict *kw);
Value asy_mod_json_init(VM *vm, int argc, Value *args, ObjDict *kw);
Value asy_mod_time_init(VM *vm, int argc, Value *args, ObjDict *kw);
/* `_collections`: deque (vm/obj/deque.c). */
Value asy_mod_collections_init(VM *vm, int argc, Value *args, ObjDict *kw);
/* `_operator`: the operator functions as natives (operator.c). */
Value asy_mod_operator_init(VM *vm, int argc, Value *args, ObjDict *kw);
/* `posix`: the operating-system calls under os.asy (os.c). */
Value asy_mod_posix_init(VM *vm, int argc, Value *args, ObjDict *kw);
/* `_io`: open, the file classes and UnsupportedOperation (file.c), under io.asy. */
Value asy_mod_io_init(VM *vm, int argc, Value *args, ObjDict *kw);
/* os.fspath(v): v if str or bytes, else v.__fspath__() checked; EXC_VAL with CPython's
** TypeError otherwise (os.c). */
Value asy_fspath(VM *vm, Value v);
/* sys is created eagerly by asy_init_builtins (see above). */
void asy_sys_create(VM *vm);

/* Register the modules written in Asy (lib_modules.c) and the event-loop core
** `_asyncio` (asyncio_core.c) for import. */
void asy_lib_modules_init(VM *vm);
Value asy_mod_asyncio_core_init(VM *vm, int argc, Value *args, ObjDict *kw);
/* Install Future, Task and the task functions into `_asyncio` (asyncio_future.c). */
void asy_asyncio_future_init(VM *vm, ObjDict *module_dict);
/* Add the worker-pool functions (asyncio_threads.c) to `_asyncio`'s dict. */
void asy_asyncio_threads_init(VM *vm, ObjDict *module_dict);

/* Clocks: vm/clock.h (the engine owns them, so the event loop and time agree). */
#include "vm/clock.h"

/* ---- json (json.c), for other C code -------------------------------------------------- */

/* json.dumps(v) with default options: an ObjStr value or EXC_VAL. */
Value asy_json_dumps(VM *vm, Value v);

/* The interactive interpreter on the terminal (repl.c), in main_module's namespace;
** script, when not NULL, runs first as its first statement (`asy -i script`). Returns
** the exit status. */
int asy_repl_run(VM *vm, ObjModule *main_module, ObjCode *script);

/* The last flush of stdout at exit; a failure (the reader of a pipe went away) prints
** CPython's "Exception ignored on flushing sys.stdout" and makes the status 120. */
int asy_flush_stdout_at_exit(VM *vm, int status);

/* `asy --explore N ...` (explore.c): run the program under schedules 1..N on the virtual
** clock and print each different outcome once; argv is the command line without
** --explore N. Returns the exit status. */
int asy_explore(int runs, int argc, char **argv);

/* `asy --timeline FILE.html` (timeline_html.c): stop recording and write the page, titled
** with the program's name. Returns 0, or 1 when the file cannot be written. */
int asy_timeline_write(VM *vm, const char *path, const char *title);

/* `asy --ps PID` / `asy --pstree PID` (ps.c): print the tasks of another running asy as
** a table or a tree. Returns the exit status. */
int asy_ps(long pid, bool tree);

#endif
