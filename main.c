/*
** main.c — the `asy` command line: run a file, a -c string or stdin.
**
** Mirrors CPython's conventions where a user would notice: the main script is named
** by its absolute path in tracebacks, `-c` code is "<string>", stdin is "<stdin>",
** a missing file exits 2 with CPython's wording, an uncaught exception exits 1.
*/
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stdlib/asy_stdlib.h"
#include "vm/disasm.h"
#include "vm/env.h"
#include "vm/except.h"
#include "vm/gc.h"
#include "vm/loop.h"
#include "vm/timeline.h"
#include "vm/trace.h"
#include "vm/traceback.h"
#include "vm/vm.h"

static const char usage_line[] = "usage: asy [option] ... [-c cmd | -m mod | file | -] [arg] ...\n";

static const char usage_text[] =
    "Options (and corresponding environment variables):\n"
    "-c cmd : program passed in as string (terminates option list)\n"
    "-E     : ignore ASY* and PYTHON* environment variables (such as ASYPATH)\n"
    "-h     : print this help message and exit (also -? or --help)\n"
    "-i     : inspect interactively after running script: the asyncio REPL opens in its\n"
    "         namespace, with its tasks still alive\n"
    "-m mod : run a module (mod.asy or mod.py, found as `import` finds it) as __main__\n"
    "         (terminates option list); -m asyncio opens the REPL\n"
    "-q     : don't print the version banner on interactive startup\n"
    "-u     : force the stdout and stderr streams to be unbuffered\n"
    "-V     : print the version number and exit (also --version);\n"
    "         when given twice, print the commit, compiler, build type and date\n"
    "-X opt : set an implementation-specific option, seen in sys._xoptions (-X name or\n"
    "         -X name=value; none changes what Asy does yet)\n"
    "-B, -s, -S, -I: accepted for scripts written for python3 (-I implies -E); Asy\n"
    "         writes no .pyc files and has no site module\n"
    "--     : end of options: the next argument is the program\n"
    "\n"
    "Asy's own options:\n"
    "--trace          : narrate what the asyncio tasks do, one line per event, on stderr\n"
    "--timeline FILE  : draw the tasks' lanes, waits, spawns and cancellations into an\n"
    "                   HTML page\n"
    "--virtual-time   : run the event loop on a virtual clock that jumps to the next\n"
    "                   timer; also ASY_VIRTUAL_TIME=1\n"
    "--schedule random:SEED : run the tasks ready together in a seeded random order\n"
    "--explore N      : run under N schedules (virtual time) and show each different\n"
    "                   outcome\n"
    "--debug          : teaching diagnostics on stderr: swallowed cancellations, steps\n"
    "                   that hold the loop, blocking calls inside tasks\n"
    "--ps PID         : print the tasks of another running asy as a table\n"
    "--pstree PID     : the same as a tree of who awaits whom\n"
    "--dis            : print the bytecode of the program instead of running it\n"
    "\n"
    "Arguments:\n"
    "file   : program read from script file (a folder runs its __main__.asy)\n"
    "-      : program read from stdin (default; interactive mode if a tty)\n"
    "arg ...: arguments passed to program in sys.argv[1:]\n"
    "\n"
    "Environment variables:\n"
    "ASYPATH        : ':'-separated folders searched for modules after the script's own\n"
    "ASY_HISTORY    : the REPL's history file (default ~/.asy_history; empty: none)\n"
    "PYTHON_COLORS, NO_COLOR, FORCE_COLOR: colour in tracebacks, as in CPython 3.13\n";

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, fmt, arg);
  fputs(usage_line, stderr);
  fputs("Try `asy -h' for more information.\n", stderr);
  return 2;
}

/* What the command line asks for. */
typedef struct Options {
  bool dis, debug, interactive, trace, virtual_time, quiet, unbuffered, ignore_env, help;
  int version; /* how many -V */
  unsigned long long schedule_seed;
  const char *timeline_path;
  const char *command; /* -c */
  const char *module;  /* -m */
  const char **xoptions;
  int nxoptions;
} Options;

enum { OPTIONS_END = -2 };

#ifndef ASY_COMMIT
#define ASY_COMMIT "unknown"
#endif
#ifndef ASY_BUILD_TYPE
#define ASY_BUILD_TYPE "unknown"
#endif

/* The compiler that built asy, as CPython's -VV names it ("GCC 12.2.0"). */
static const char *compiler_name(void) {
#if defined(__clang__)
  return "Clang " __clang_version__;
#elif defined(__GNUC__)
  return "GCC " __VERSION__;
#else
  return "unknown compiler";
#endif
}

/* The value of an option that takes one: the rest of this argument (`-cCODE`) or the
** next argument; NULL when there is none. */
static const char *option_value(const char *rest, int argc, char **argv, int *i) {
  if (*rest) return rest;
  if (*i + 1 >= argc) return NULL;
  return argv[++*i];
}

/* A short-option cluster argv[*i] (`-qu`, `-cCODE`, `-X dev`), as CPython reads it.
** Returns -1 to go on, OPTIONS_END when the option list ends here (-c, -m), or an exit
** status. */
static int parse_short(Options *o, int argc, char **argv, int *i) {
  const char *a = argv[*i];
  for (const char *p = a + 1; *p; p++) {
    char c = *p;
    switch (c) {
    case 'c':
    case 'm': {
      const char *v = option_value(p + 1, argc, argv, i);
      char flag[3] = {'-', c, 0};
      if (!v) return usage_error("Argument expected for the %s option\n", flag);
      if (c == 'c') o->command = v;
      else o->module = v;
      return OPTIONS_END;
    }
    case 'X': {
      const char *v = option_value(p + 1, argc, argv, i);
      if (!v) return usage_error("Argument expected for the %s option\n", "-X");
      o->xoptions[o->nxoptions++] = v;
      return -1;
    }
    case 'E': o->ignore_env = true; break;
    case 'I': o->ignore_env = true; break;
    case 'i': o->interactive = true; break;
    case 'q': o->quiet = true; break;
    case 'u': o->unbuffered = true; break;
    case 'V': o->version++; break;
    case 'h':
    case '?': o->help = true; break;
    case 'B':
    case 's':
    case 'S': break; /* no .pyc files, no site: nothing to turn off */
    default: {
      char flag[3] = {'-', c, 0};
      return usage_error("Unknown option: %s\n", flag);
    }
    }
  }
  return -1;
}

/* A long option (`--trace`, `--timeline FILE`). Returns -1 to go on or an exit status. */
static int parse_long(Options *o, int argc, char **argv, int *i) {
  const char *a = argv[*i];
  if (strcmp(a, "--version") == 0) {
    o->version++;
  } else if (strcmp(a, "--help") == 0) {
    o->help = true;
  } else if (strcmp(a, "--dis") == 0) {
    o->dis = true;
  } else if (strcmp(a, "--debug") == 0) {
    o->debug = true;
  } else if (strcmp(a, "--trace") == 0) {
    o->trace = true;
  } else if (strcmp(a, "--virtual-time") == 0) {
    o->virtual_time = true;
  } else if (strcmp(a, "--timeline") == 0) {
    if (*i + 1 >= argc) return usage_error("Argument expected for the %s option\n", a);
    o->timeline_path = argv[++*i];
  } else if (strcmp(a, "--schedule") == 0) {
    char *end = NULL;
    const char *v = *i + 1 < argc ? argv[*i + 1] : "";
    if (strncmp(v, "random:", 7) == 0) o->schedule_seed = strtoull(v + 7, &end, 10);
    if (!end || *end || o->schedule_seed == 0)
      return usage_error("--schedule wants random:SEED (a positive integer), not '%s'\n", v);
    ++*i;
  } else if (strcmp(a, "--ps") == 0 || strcmp(a, "--pstree") == 0) {
    if (*i + 1 >= argc) return usage_error("Argument expected for the %s option\n", a);
    char *end = NULL;
    long pid = strtol(argv[*i + 1], &end, 10);
    if (!*argv[*i + 1] || *end) return usage_error("%s wants a process id\n", a);
    return asy_ps(pid, strcmp(a, "--pstree") == 0);
  } else if (strcmp(a, "--explore") == 0) {
    char *end = NULL;
    const char *v = *i + 1 < argc ? argv[*i + 1] : "";
    long runs = strtol(v, &end, 10);
    if (!*v || *end || runs < 1 || runs > 100000)
      return usage_error("--explore wants a number of runs, not '%s'\n", v);
    /* The runs get the rest of the command line, without --explore N. */
    for (int k = *i; k + 2 <= argc; k++) argv[k] = argv[k + 2];
    return asy_explore((int)runs, argc - 2, argv);
  } else {
    return usage_error("unknown option %s\n", a);
  }
  return -1;
}

/* Read the options into o; *next is then the first argument after them. Returns -1 to
** run a program or an exit status (usage errors 2, --help/--version 0). */
static int parse_options(Options *o, int argc, char **argv, int *next) {
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || strcmp(a, "-") == 0) break;
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    int r = a[1] == '-' ? parse_long(o, argc, argv, &i) : parse_short(o, argc, argv, &i);
    if (r == OPTIONS_END) {
      i++;
      break;
    }
    if (r >= 0) return r;
  }
  *next = i;
  if (o->help) {
    fputs(usage_line, stdout);
    fputs(usage_text, stdout);
    return 0;
  }
  if (o->version == 1) {
    printf("Asy %s (Python 3.13 subset)\n", ASY_VERSION);
    return 0;
  }
  if (o->version > 1) {
    printf("Asy %s (Python 3.13 subset) (commit %s, %s build, %s %s) [%s]\n", ASY_VERSION,
           ASY_COMMIT, ASY_BUILD_TYPE, __DATE__, __TIME__, compiler_name());
    return 0;
  }
  return -1;
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
  if (IS_OBJ(bmod)) asy_dict_set_str(vm, mod->dict, asy_str_intern(vm, "__builtins__", 12), bmod);
  if (filename) asy_dict_set_str(vm, mod->dict, vm->names.file, STR_VAL(vm, filename));
  asy_dict_set_str(vm, mod->dict, vm->names.name, OBJ_VAL(vm->names.main));
  asy_dict_set_str(vm, vm->modules, vm->names.main, OBJ_VAL(mod));
  return mod;
}

/* Compile and run one program as __main__ (interactive: then open the REPL in its
** namespace, the program running as the REPL's first statement); returns the process
** exit status. */
static int run_program(VM *vm, const char *filename, const char *text, size_t size, bool dis,
                       bool interactive) {
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

/* Read a script file into *text; a folder stands for its __main__.asy (or __main__.py),
** as CPython runs __main__.py. *filename (absolute, malloc'd) names it in tracebacks.
** Returns -1 on success or an exit status after printing CPython's message. */
static int read_script(char **filename, char **text, size_t *size) {
  struct stat st;
  if (stat(*filename, &st) == 0 && S_ISDIR(st.st_mode)) {
    const char *names[] = {"__main__.asy", "__main__.py"};
    char *found = NULL;
    for (int k = 0; k < 2 && !found; k++) {
      size_t n = strlen(*filename) + strlen(names[k]) + 2;
      char *p = malloc(n);
      if (!p) break;
      snprintf(p, n, "%s/%s", *filename, names[k]);
      if (access(p, R_OK) == 0) found = p;
      else free(p);
    }
    if (!found) {
      fprintf(stderr, "asy: can't find '__main__' module in '%s'\n", *filename);
      return 1;
    }
    free(*filename);
    *filename = found;
  }
  FILE *f = fopen(*filename, "rb");
  if (!f) {
    int err = errno;
    fprintf(stderr, "asy: can't open file '%s': [Errno %d] %s\n", *filename, err, strerror(err));
    return 2;
  }
  *text = read_stream(f, size);
  fclose(f);
  return -1;
}

/* `-m NAME`: the module's file, found as `import NAME` finds it, with the current folder
** as the script folder (CPython puts the current folder first in sys.path for -m).
** Returns -1 with *filename set, 0 for the REPL (`-m asyncio`, which opens CPython's
** asyncio REPL too), or an exit status after printing CPython's message. */
static int find_main_module(VM *vm, const char *name, char **filename) {
  ObjStr *key = asy_str_intern(vm, name, strlen(name));
  if (!IS_UNDEF(asy_dict_get_str(vm->native_modules, key)) ||
      !IS_UNDEF(asy_dict_get_str(vm->modules, key))) {
    if (strcmp(name, "asyncio") == 0) return 0;
    fprintf(stderr, "asy: No code object available for %s\n", name);
    return 1;
  }
  char path[PATH_MAX];
  bool is_pkg = false;
  if (!*name || strchr(name, '/') || !asy_find_module_file(vm, name, path, &is_pkg)) {
    fprintf(stderr, "asy: No module named %s\n", name);
    return 1;
  }
  char abspath[PATH_MAX];
  *filename = strdup(realpath(path, abspath) ? abspath : path);
  return -1;
}

/* sys._xoptions from the -X options: {'name': True} or {'name': 'value'}. */
static void set_xoptions(VM *vm, const char **xoptions, int n) {
  Value sys = asy_import(vm, asy_str_intern(vm, "sys", 3));
  if (IS_EXC(sys)) {
    asy_clear_pending(vm);
    return;
  }
  ObjDict *d = asy_dict_new(vm); /* new objects stay on the temp roots (gc.h) */
  for (int k = 0; k < n; k++) {
    const char *eq = strchr(xoptions[k], '=');
    size_t len = eq ? (size_t)(eq - xoptions[k]) : strlen(xoptions[k]);
    ObjStr *key = asy_str_new(vm, xoptions[k], len);
    asy_dict_set_str(vm, d, key, eq ? STR_VAL(vm, eq + 1) : TRUE_VAL);
  }
  asy_setattr(vm, sys, asy_str_intern(vm, "_xoptions", 9), OBJ_VAL(d));
}

int main(int argc, char **argv) {
  Options o = {0};
  o.xoptions = calloc((size_t)argc, sizeof *o.xoptions);
  if (!o.xoptions) return 1;
  int i;
  int r = parse_options(&o, argc, argv, &i);
  if (r >= 0) {
    free(o.xoptions);
    return r;
  }
  asy_env_ignore(o.ignore_env);
  const char *vt_env = asy_getenv("ASY_VIRTUAL_TIME");
  if (vt_env && *vt_env && strcmp(vt_env, "0") != 0) o.virtual_time = true;
  if (o.unbuffered) {
    setvbuf(stdout, NULL, _IONBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);
  }

  /* Determine the program before creating the VM so bad paths fail fast. */
  char *text = NULL;
  size_t size = 0;
  char *filename = NULL;   /* as tracebacks name it */
  char *script_dir = NULL; /* where `import` looks first */
  const char *script_arg = NULL;
  bool repl_only = false; /* no program at all: the REPL alone */
  if (o.command) {
    text = strdup(o.command);
    size = strlen(o.command);
    filename = strdup("<string>");
    script_arg = "-c";
  } else if (o.module) {
    script_dir = getcwd(NULL, 0); /* the module is found once the VM exists */
  } else if (i >= argc && isatty(STDIN_FILENO)) {
    /* `asy` on a terminal: the REPL. */
    text = strdup("");
    filename = strdup("<stdin>");
    script_arg = "";
    o.interactive = true;
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
    int status = read_script(&filename, &text, &size);
    if (status >= 0) {
      free(filename);
      free(o.xoptions);
      return status;
    }
    script_dir = strdup(filename);
    if (script_dir) *strrchr(script_dir, '/') = '\0';
  }
  if (!text && !o.module) {
    fputs("asy: out of memory reading the program\n", stderr);
    return 1;
  }

  VM *vm = vm_new();
  asy_init_builtins(vm);
  vm->dis = o.dis;
  vm->debug = o.debug;
  vm->quiet = o.quiet;
  vm->script_dir = script_dir ? script_dir : ".";
  if (o.module) {
    int status = find_main_module(vm, o.module, &filename);
    if (status == 0) {
      text = strdup("");
      filename = strdup("<stdin>");
      script_arg = "";
      o.interactive = true;
      repl_only = true;
    } else if (status > 0 || (status = read_script(&filename, &text, &size)) >= 0) {
      vm_free(vm);
      free(filename);
      free(script_dir);
      free(o.xoptions);
      return status;
    } else {
      script_arg = filename;
    }
  }
  if (o.virtual_time) asy_clock_use_virtual(vm);
  vm->trace_origin = asy_loop_time(vm); /* times in --trace and --debug count from here */
  if (o.trace) asy_trace_enable(vm);
  if (o.schedule_seed) asy_loop_set_schedule_seed(vm, o.schedule_seed);
  if (o.timeline_path) {
    asy_timeline_start(vm);
    vm->observe = true;
  }
  asy_signals_install(vm);
  ObjList *args = AS_LIST(vm->argv);
  asy_list_append(vm, args, STR_VAL(vm, script_arg));
  for (; i < argc; i++) asy_list_append(vm, args, STR_VAL(vm, argv[i]));
  if (o.nxoptions) set_xoptions(vm, o.xoptions, o.nxoptions);
  free(o.xoptions);

  int status;
  if (repl_only) {
    ObjModule *mod = main_module(vm, NULL); /* the REPL's __main__ has no __file__ */
    asy_push_root(vm, OBJ_VAL(mod));
    status = asy_repl_run(vm, mod, NULL);
  } else {
    status = run_program(vm, filename, text, size, o.dis, o.interactive && !o.dis);
  }
  asy_gc_finalize_at_exit(vm);
  asy_trace_finish(vm);
  if (o.timeline_path) {
    const char *slash = strrchr(filename, '/');
    if (asy_timeline_write(vm, o.timeline_path, slash ? slash + 1 : filename) && status == 0)
      status = 1;
  }
  free(text);
  free(filename);
  status = asy_flush_stdout_at_exit(vm, status);
  vm_free(vm);
  free(script_dir);
  return status;
}
