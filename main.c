/*
** main.c — the `asy` command line: run a file, a -c string or stdin.
**
** Mirrors CPython's conventions where a user would notice: the main script is named
** by its absolute path in tracebacks, `-c` code is "<string>", stdin is "<stdin>",
** a missing file exits 2 with CPython's wording, an uncaught exception exits 1.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stdlib/asy_stdlib.h"
#include "vm/disasm.h"
#include "vm/except.h"
#include "vm/gc.h"
#include "vm/loop.h"
#include "vm/timeline.h"
#include "vm/trace.h"
#include "vm/traceback.h"
#include "vm/vm.h"


static const char usage_text[] =
    "usage: asy [option] ... [-c cmd | file | -] [arg] ...\n"
    "Options:\n"
    "  -c cmd        program passed in as string (terminates option list)\n"
    "  -i            inspect interactively after running script (the REPL, its tasks alive)\n"
    "  -             program read from stdin (default; interactive mode if a tty)\n"
    "  file          program read from script file\n"
    "  --dis         print the bytecode of the program instead of running it\n"
    "  --debug       teaching diagnostics on stderr\n"
    "  --trace       narrate what the asyncio tasks do, one line per event, on stderr\n"
    "  --timeline FILE.html  draw the tasks' lanes, waits, spawns and cancellations into a page\n"
    "  --schedule random:SEED  run the tasks ready together in a seeded random order\n"
    "  --explore N   run under N schedules (virtual time) and show each different outcome\n"
    "  --ps PID, --pstree PID  print the tasks of another running asy as a table or a tree\n"
    "  --virtual-time  run the event loop on a virtual clock that jumps to the next timer\n"
    "  --version     print the version number and exit\n"
    "  -h, --help    print this help message and exit\n"
    "arg ...: arguments passed to program in sys.argv[1:]\n";

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "usage: asy [option] ... [-c cmd | file | -] [arg] ...\n"
                  "Try `asy -h' for more information.\n");
  return 2;
}

/* Read a whole stream into a NUL-terminated malloc'd buffer. */
static char *read_stream(FILE *f, size_t *size) {
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  size_t got;
  while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        return NULL;
      }
      buf = nb;
    }
  }
  buf[n] = '\0';
  *size = n;
  return buf;
}

/* The absolute form of a script path (CPython names the main script that way).
** Returns a malloc'd string. */
static char *absolute_path(const char *path) {
  if (path[0] == '/') return strdup(path);
  char *cwd = getcwd(NULL, 0);
  const char *dir = cwd ? cwd : ".";
  size_t n = strlen(dir) + 1 + strlen(path) + 1;
  char *abs = malloc(n);
  if (abs) snprintf(abs, n, "%s/%s", dir, path);
  free(cwd);
  return abs;
}

/* The __main__ module, registered in sys.modules. */
static ObjModule *main_module(VM *vm, const char *filename) {
  ObjModule *mod = asy_module_new(vm, vm->names.main);
  vm->main_module = OBJ_VAL(mod);
  /* CPython's __main__ has __builtins__ = the builtins module (set before __file__). */
  Value bmod = asy_dict_get_str(vm->modules, vm->names.builtins);
  if (IS_OBJ(bmod))
    asy_dict_set_str(vm, mod->dict, asy_str_intern(vm, "__builtins__", 12), bmod);
  if (filename) asy_dict_set_str(vm, mod->dict, vm->names.file, STR_VAL(vm, filename));
  asy_dict_set_str(vm, mod->dict, vm->names.name, OBJ_VAL(vm->names.main));
  asy_dict_set_str(vm, vm->modules, vm->names.main, OBJ_VAL(mod));
  return mod;
}

/* Compile and run one program as __main__ (interactive: then open the REPL in its
** namespace, the program running as the REPL's first statement); returns the process
** exit status. */
static int run_program(VM *vm, const char *filename, const char *text, size_t size,
                       bool dis, bool interactive) {
  AsySource *src = asy_source_add(vm, filename, text, size);
  size_t mark = asy_temp_mark(vm);
  ObjCode *code = asy_compile(vm, src, 0);
  if (!code && !interactive) return asy_handle_uncaught(vm, asy_pending(vm));
  if (dis && code) {
    asy_disassemble(vm, code, stdout);
    return 0;
  }
  if (!code) asy_print_traceback(vm, asy_pending(vm)), asy_clear_pending(vm);
  ObjModule *mod = main_module(vm, filename);
  /* Drop the compiler's temporaries; the code object itself must stay rooted. */
  asy_temp_reset(vm, mark);
  asy_push_root(vm, OBJ_VAL(mod));
  if (code) asy_push_root(vm, OBJ_VAL(code));
  if (interactive) return asy_repl_run(vm, mod, code);
  Value result;
  if (code->flags & CODE_HAS_AWAIT) {
    /* Top-level await: the body runs as the main task, as if inside asyncio.run(). */
    result = asy_module_coroutine(vm, code, mod->dict);
    Value asyncio = IS_EXC(result) ? result : asy_import(vm, asy_str_intern(vm, "asyncio", 7));
    Value run = IS_EXC(asyncio) ? asyncio : asy_getattr(vm, asyncio, asy_str_intern(vm, "run", 3));
    if (!IS_EXC(run)) result = asy_call(vm, run, 1, &result, NULL);
    else result = run;
  } else {
    result = asy_run_code(vm, code, mod->dict);
  }
  if (IS_EXC(result)) return asy_handle_uncaught(vm, asy_pending(vm));
  return 0;
}

int main(int argc, char **argv) {
  bool dis = false, debug = false, interactive = false, trace = false;
  unsigned long long schedule_seed = 0;
  const char *timeline_path = NULL;
  const char *vt_env = getenv("ASY_VIRTUAL_TIME");
  bool virtual_time = vt_env && *vt_env && strcmp(vt_env, "0") != 0;
  const char *command = NULL;
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
      printf("Asy %s (Python 3.13 subset)\n", ASY_VERSION);
      return 0;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      fputs(usage_text, stdout);
      return 0;
    } else if (strcmp(a, "-i") == 0) {
      interactive = true;
    } else if (strcmp(a, "--dis") == 0) {
      dis = true;
    } else if (strcmp(a, "--debug") == 0) {
      debug = true;
    } else if (strcmp(a, "--trace") == 0) {
      trace = true;
    } else if (strcmp(a, "--virtual-time") == 0) {
      virtual_time = true;
    } else if (strcmp(a, "--timeline") == 0) {
      if (i + 1 >= argc) return usage_error("Argument expected for the %s option\n", a);
      timeline_path = argv[++i];
    } else if (strcmp(a, "--schedule") == 0) {
      char *end = NULL;
      const char *v = i + 1 < argc ? argv[i + 1] : "";
      if (strncmp(v, "random:", 7) == 0) schedule_seed = strtoull(v + 7, &end, 10);
      if (!end || *end || schedule_seed == 0)
        return usage_error("--schedule wants random:SEED (a positive integer), not '%s'\n", v);
      i++;
    } else if (strcmp(a, "--ps") == 0 || strcmp(a, "--pstree") == 0) {
      if (i + 1 >= argc) return usage_error("Argument expected for the %s option\n", a);
      char *end = NULL;
      long pid = strtol(argv[i + 1], &end, 10);
      if (!*argv[i + 1] || *end) return usage_error("%s wants a process id\n", a);
      return asy_ps(pid, strcmp(a, "--pstree") == 0);
    } else if (strcmp(a, "--explore") == 0) {
      char *end = NULL;
      const char *v = i + 1 < argc ? argv[i + 1] : "";
      long runs = strtol(v, &end, 10);
      if (!*v || *end || runs < 1 || runs > 100000)
        return usage_error("--explore wants a number of runs, not '%s'\n", v);
      /* The runs get the rest of the command line, without --explore N. */
      for (int k = i; k + 2 <= argc; k++) argv[k] = argv[k + 2];
      return asy_explore((int)runs, argc - 2, argv);
    } else if (strcmp(a, "-c") == 0) {
      if (i + 1 >= argc) return usage_error("Argument expected for the %s option\n", "-c");
      command = argv[++i];
      i++;
      break;
    } else if (strcmp(a, "-") == 0 || a[0] != '-') {
      break;
    } else {
      return usage_error("unknown option %s\n", a);
    }
  }

  /* Determine the program before creating the VM so bad paths fail fast. */
  char *text = NULL;
  size_t size = 0;
  char *filename = NULL;   /* as tracebacks name it */
  char *script_dir = NULL; /* where `import` looks first */
  const char *script_arg = NULL;
  bool repl_only = false; /* no program at all: the REPL alone */
  if (command) {
    text = strdup(command);
    size = strlen(command);
    filename = strdup("<string>");
    script_arg = "-c";
  } else if (i >= argc && isatty(STDIN_FILENO)) {
    /* `asy` on a terminal: the REPL. */
    text = strdup("");
    filename = strdup("<stdin>");
    script_arg = "";
    interactive = true;
    repl_only = true;
  } else if (i >= argc || strcmp(argv[i], "-") == 0) {
    text = read_stream(stdin, &size);
    filename = strdup("<stdin>");
    script_arg = i < argc ? "-" : "";
    if (i < argc) i++;
  } else {
    script_arg = argv[i++];
    filename = absolute_path(script_arg);
    if (!filename) {
      fputs("asy: out of memory\n", stderr);
      return 1;
    }
    struct stat st;
    if (stat(script_arg, &st) == 0 && S_ISDIR(st.st_mode)) {
      /* A directory runs its __main__.asy (or __main__.py), as CPython runs __main__.py. */
      const char *names[] = {"__main__.asy", "__main__.py"};
      char *found = NULL;
      for (int k = 0; k < 2 && !found; k++) {
        size_t n = strlen(filename) + strlen(names[k]) + 2;
        char *p = malloc(n);
        if (!p) break;
        snprintf(p, n, "%s/%s", filename, names[k]);
        if (access(p, R_OK) == 0) found = p;
        else free(p);
      }
      if (!found) {
        fprintf(stderr, "asy: can't find '__main__' module in '%s'\n", filename);
        free(filename);
        return 1;
      }
      free(filename);
      filename = found;
    }
    FILE *f = fopen(filename, "rb");
    if (!f) {
      int err = errno;
      fprintf(stderr, "asy: can't open file '%s': [Errno %d] %s\n", filename, err, strerror(err));
      free(filename);
      return 2;
    }
    text = read_stream(f, &size);
    fclose(f);
    script_dir = strdup(filename);
    if (script_dir) *strrchr(script_dir, '/') = '\0';
  }
  if (!text) {
    fputs("asy: out of memory reading the program\n", stderr);
    return 1;
  }

  VM *vm = vm_new();
  asy_init_builtins(vm);
  vm->dis = dis;
  vm->debug = debug;
  if (virtual_time) asy_clock_use_virtual(vm);
  vm->trace_origin = asy_loop_time(vm); /* times in --trace and --debug count from here */
  if (trace) asy_trace_enable(vm);
  if (schedule_seed) asy_loop_set_schedule_seed(vm, schedule_seed);
  if (timeline_path) {
    asy_timeline_start(vm);
    vm->observe = true;
  }
  asy_signals_install(vm);
  vm->script_dir = script_dir ? script_dir : ".";
  ObjList *args = AS_LIST(vm->argv);
  asy_list_append(vm, args, STR_VAL(vm, script_arg));
  for (; i < argc; i++) asy_list_append(vm, args, STR_VAL(vm, argv[i]));

  int status;
  if (repl_only) {
    ObjModule *mod = main_module(vm, NULL); /* the REPL's __main__ has no __file__ */
    asy_push_root(vm, OBJ_VAL(mod));
    status = asy_repl_run(vm, mod, NULL);
  } else {
    status = run_program(vm, filename, text, size, dis, interactive && !dis);
  }
  asy_gc_finalize_at_exit(vm);
  asy_trace_finish(vm);
  if (timeline_path) {
    const char *slash = strrchr(filename, '/');
    if (asy_timeline_write(vm, timeline_path, slash ? slash + 1 : filename) && status == 0)
      status = 1;
  }
  free(text);
  free(filename);
  status = asy_flush_stdout_at_exit(vm, status);
  vm_free(vm);
  free(script_dir);
  return status;
}
