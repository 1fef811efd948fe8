/*
** repl.c — the interactive interpreter: `asy` on a terminal, and `asy -i script`.
**
** The REPL lives inside the event loop rather than in front of it. Stdin is a reader on
** the loop's poller (vm/poller.c) feeding libedit's callback interface one character at
** a time, so tasks started with asyncio.create_task keep running while the prompt waits,
** and their output is written above the prompt (vm->before_console_write takes the
** prompt off the screen; it is drawn again after the loop iteration).
**
** Each complete input is compiled in interactive mode (expression statements echo their
** repr and set `_`) and runs as a task of its own, so top-level `await` works on any
** line and Ctrl-C cancels just that statement. While it runs, the prompt is down and
** the terminal is back in cooked mode.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "stdlib/asy_stdlib.h"
#include "vm/env.h"
#include "vm/except.h"
#include "vm/gc.h"
#include "vm/loop.h"
#include "vm/obj/str.h"
#include "vm/obj/tuple.h"
#include "vm/poller.h"
#include "vm/traceback.h"


/* One REPL per process: libedit's callback interface is global too. */
static struct {
  VM *vm;
  ObjModule *main;
  Value loop;         /* the asyncio loop the REPL keeps running */
  Value task;         /* the statement running now, or UNDEF */
  Value reader;       /* the native the poller calls when stdin is readable */
  Value no_args;      /* () for it */
  bool reading;       /* stdin is watched (only while the prompt is up) */
  char *source;       /* the lines of the statement being typed */
  size_t source_len, source_cap;
  bool block;         /* a compound statement: it ends at a blank line */
  bool prompt_up;     /* libedit's handler is installed */
  bool prompt_hidden; /* taken off the screen for output; redraw after the iteration */
  bool eof;           /* Ctrl-D at an empty prompt */
  bool color;
  int inputs;         /* numbering of <python-input-N> sources */
  char *history_path;
  char **completions; /* the candidates of the current Tab, NULL-terminated */
} R;

static const char *const keywords[] = {
    "False",  "None",   "True",  "and",      "as",     "assert", "async", "await",
    "break",  "class",  "continue", "def",   "del",    "elif",   "else",  "except",
    "finally", "for",   "from",  "global",   "if",     "import", "in",    "is",
    "lambda", "nonlocal", "not", "or",       "pass",   "raise",  "return", "try",
    "while",  "with",   "yield", "match",    "case",   "exit",   "quit",  "help",
    NULL};

static const char *prompt_text(void) {
  bool more = R.source_len > 0;
  if (!R.color) return more ? "... " : ">>> ";
  /* \1 \2 bracket the escape sequences so libedit does not count them as columns. */
  /* The reset goes before the last space: libedit drops an escape at the very end. */
  return more ? "\1\033[1;35m\2...\1\033[0m\2 " : "\1\033[1;35m\2>>>\1\033[0m\2 ";
}

/* ---- the prompt and output above it ---------------------------------------------------- */

static void on_line(char *line);

static void prompt_show(void) {
  if (R.prompt_up) return;
  if (!R.reading) {
    /* Watched only while the prompt is up: input typed ahead of a running statement
    ** waits in the terminal for the next prompt. */
    if (!asy_poller_add_reader(R.vm, STDIN_FILENO, R.reader, R.no_args, NONE_VAL)) {
      asy_clear_pending(R.vm);
      R.eof = true;
      return;
    }
    R.reading = true;
  }
  rl_callback_handler_install(prompt_text(), on_line);
  R.prompt_up = true;
  R.prompt_hidden = false;
}

static void prompt_remove(void) {
  if (!R.prompt_up) return;
  rl_callback_handler_remove();
  R.prompt_up = false;
  R.prompt_hidden = false;
}

/* vm->before_console_write: clear the prompt line so output starts at column 0. */
static void before_console_write(VM *vm) {
  (void)vm;
  if (!R.prompt_up || R.prompt_hidden) return;
  fputs("\r\033[K", stdout);
  fflush(stdout);
  R.prompt_hidden = true;
}

static void prompt_redraw(void) {
  fflush(stdout);
  fflush(stderr);
  if (R.prompt_up && R.prompt_hidden) {
    R.prompt_hidden = false;
    rl_forced_update_display();
  }
}

/* ---- history ------------------------------------------------------------------------------- */

static void history_open(void) {
  const char *home = getenv("HOME");
  const char *file = asy_getenv("ASY_HISTORY");
  if (file && !*file) return; /* ASY_HISTORY= turns history files off */
  if (!file && home && *home) {
    size_t n = strlen(home) + 32;
    R.history_path = malloc(n);
    if (R.history_path) snprintf(R.history_path, n, "%s/.asy_history", home);
  } else if (file) {
    R.history_path = strdup(file);
  }
  using_history();
  stifle_history(1000);
  if (R.history_path) read_history(R.history_path);
}

static void history_close(void) {
  if (R.history_path) write_history(R.history_path);
  free(R.history_path);
  R.history_path = NULL;
}

/* ---- the statement being typed ---------------------------------------------------------------- */

static void source_append(const char *s, size_t n) {
  if (R.source_len + n + 2 > R.source_cap) {
    size_t cap = R.source_cap ? R.source_cap : 256;
    while (R.source_len + n + 2 > cap) cap *= 2;
    char *p = realloc(R.source, cap);
    if (!p) return;
    R.source = p;
    R.source_cap = cap;
  }
  memcpy(R.source + R.source_len, s, n);
  R.source_len += n;
  R.source[R.source_len++] = '\n';
  R.source[R.source_len] = '\0';
}

static void source_reset(void) {
  R.source_len = 0;
  if (R.source) R.source[0] = '\0';
  R.block = false;
}

static bool is_blank(const char *s) {
  for (; *s; s++)
    if (!isspace((unsigned char)*s)) return false;
  return true;
}

/* Does this first line open a compound statement (which then ends at a blank line)? */
static bool opens_block(const char *line) {
  while (*line == ' ' || *line == '\t') line++;
  if (*line == '@') return true;
  /* (`match` is a soft keyword: like any other line, it opens a block by ending in ':'.) */
  static const char *const heads[] = {"if",  "for",   "while", "def", "class",
                                      "with", "try", "async", NULL};
  for (int i = 0; heads[i]; i++) {
    size_t n = strlen(heads[i]);
    if (strncmp(line, heads[i], n) == 0 && (line[n] == ' ' || line[n] == '(' || line[n] == ':'))
      return true;
  }
  const char *end = line + strlen(line);
  while (end > line && isspace((unsigned char)end[-1])) end--;
  return end > line && end[-1] == ':';
}

/* A SyntaxError that more input could fix: an unclosed bracket or string, or an error
** found at the very end of the input (`try:` without its `except` yet). */
static bool is_incomplete(VM *vm, Value exc) {
  Value msg = asy_exc_slot(vm, exc, "msg");
  if (!IS_STR(msg)) return false;
  const char *m = AS_STR(msg)->chars;
  if (strstr(m, "was never closed") || strstr(m, "unterminated triple-quoted") ||
      strstr(m, "unexpected EOF") || strstr(m, "expected an indented block") ||
      strstr(m, "incomplete input"))
    return true;
  Value lineno = asy_exc_slot(vm, exc, "lineno"), offset = asy_exc_slot(vm, exc, "offset");
  if (!IS_INT(lineno) || !IS_INT(offset)) return false;
  int lines = 0;
  size_t last_start = 0;
  for (size_t i = 0; i < R.source_len; i++)
    if (R.source[i] == '\n' && i + 1 < R.source_len) lines++, last_start = i + 1;
  size_t last_len = R.source_len - last_start - 1;
  return AS_INT(lineno) > lines + 1 ||
         (AS_INT(lineno) == lines + 1 && (size_t)AS_INT(offset) > last_len);
}

/* ---- running a statement ------------------------------------------------------------------- */

static Value method(VM *vm, Value obj, const char *name, int argc, Value *args) {
  return asy_call_method(vm, obj, asy_str_intern(vm, name, strlen(name)), argc, args);
}

static Value asyncio_call(VM *vm, const char *name, int argc, Value *args) {
  Value mod = asy_import(vm, asy_str_intern(vm, "asyncio", 7));
  if (IS_EXC(mod)) return mod;
  return method(vm, mod, name, argc, args);
}

static void report_pending(VM *vm) {
  Value exc = asy_pending(vm);
  asy_clear_pending(vm);
  asy_print_traceback(vm, exc);
}

/* Start code as the statement task (top-level await allowed everywhere). */
static void start_code(VM *vm, ObjCode *code) {
  size_t mark = asy_temp_mark(vm);
  Value coro = asy_module_coroutine(vm, code, R.main->dict);
  Value task = IS_EXC(coro) ? coro : method(vm, R.loop, "create_task", 1, &coro);
  if (IS_EXC(task)) {
    report_pending(vm);
  } else {
    R.task = task;
    vm->signals.main_task = task;
    vm->signals.cancels = 0;
  }
  asy_temp_reset(vm, mark);
}

/* The statement as one history entry (a block comes back whole with the up arrow). */
static void remember(void) {
  size_t n = R.source_len;
  while (n && (R.source[n - 1] == '\n' || R.source[n - 1] == ' ')) n--;
  if (!n) return;
  char saved = R.source[n];
  R.source[n] = '\0';
  add_history(R.source);
  R.source[n] = saved;
}

/* Compile the typed statement and start it; or, when more input could complete it and
** this is not the blank line that ends a block, wait for the next line. */
static void submit(VM *vm, bool final) {
  char name[48];
  snprintf(name, sizeof name, "<python-input-%d>", R.inputs);
  size_t mark = asy_temp_mark(vm);
  AsySource *src = asy_source_add(vm, name, R.source, R.source_len);
  ObjCode *code = asy_compile(vm, src, 1);
  if (!final && (code ? R.block : is_incomplete(vm, asy_pending(vm)))) {
    if (!code) asy_clear_pending(vm);
    asy_temp_reset(vm, mark); /* wait for more lines */
    return;
  }
  R.inputs++;
  remember();
  if (!code) {
    report_pending(vm);
  } else {
    asy_push_root(vm, OBJ_VAL(code));
    start_code(vm, code);
  }
  asy_temp_reset(vm, mark);
  source_reset();
}

static const char help_text[] =
    "Asy's REPL runs inside an asyncio event loop:\n"
    "  await on any line:      await asyncio.sleep(1)   r = await fetch()\n"
    "  background tasks:       t = asyncio.create_task(worker())  (they run while you type)\n"
    "  blocks end at a blank line; Ctrl-C cancels the running statement;\n"
    "  Tab completes names and attributes; Up recalls earlier input (~/.asy_history);\n"
    "  exit, quit or Ctrl-D leave (background tasks are cancelled first).\n";

/* `exit`, `quit` and `help` typed alone work without parentheses, as in CPython 3.13. */
static bool command(const char *line) {
  while (*line == ' ' || *line == '\t') line++;
  size_t n = strlen(line);
  while (n && isspace((unsigned char)line[n - 1])) n--;
  if (n != 4) return false;
  if (strncmp(line, "exit", 4) == 0 || strncmp(line, "quit", 4) == 0) {
    add_history("exit");
    R.eof = true;
    return true;
  }
  if (strncmp(line, "help", 4) == 0) {
    add_history("help");
    fputs(help_text, stdout);
    return true;
  }
  return false;
}

/* One line from libedit (NULL: Ctrl-D on an empty line). */
static void on_line(char *line) {
  prompt_remove();
  if (!line) {
    R.eof = true;
    fputc('\n', stdout);
    return;
  }
  if (R.source_len == 0 && (is_blank(line) || command(line))) {
    free(line);
    return;
  }
  bool blank = is_blank(line);
  bool recalled = strchr(line, '\n') != NULL; /* a block from history, whole */
  if (R.source_len == 0 && (recalled || opens_block(line))) R.block = true;
  source_append(line, strlen(line));
  free(line);
  if (recalled) {
    source_append("", 0); /* it was complete when it was typed */
    blank = true;
  }
  /* A block ends at a blank line; before that, only an error more lines cannot fix is
  ** reported (`def f(:` at once, as CPython's REPL does). */
  submit(R.vm, R.block && blank);
}

/* ---- Tab completion ------------------------------------------------------------------------- */

static void completions_free(void) {
  if (!R.completions) return;
  for (char **p = R.completions; *p; p++) free(*p);
  free(R.completions);
  R.completions = NULL;
}

static void add_candidate(char ***list, size_t *n, size_t *cap, const char *prefix,
                          const char *name, size_t plen, const char *text) {
  if (strncmp(name, text + plen, strlen(text) - plen) != 0) return;
  for (size_t i = 0; i < *n; i++) /* no duplicates */
    if (strcmp((*list)[i] + plen, name) == 0) return;
  if (*n + 2 > *cap) {
    *cap = *cap ? *cap * 2 : 32;
    char **l = realloc(*list, *cap * sizeof(char *));
    if (!l) return;
    *list = l;
  }
  size_t len = plen + strlen(name) + 1;
  char *s = malloc(len);
  if (!s) return;
  memcpy(s, prefix, plen);
  strcpy(s + plen, name);
  (*list)[(*n)++] = s;
  (*list)[*n] = NULL;
}

static void add_dict_keys(VM *vm, ObjDict *d, char ***list, size_t *n, size_t *cap,
                          const char *prefix, size_t plen, const char *text) {
  (void)vm;
  for (size_t i = 0; i < d->used; i++) {
    Value k = asy_dict_key(d, i);
    if (IS_STR(k) && !IS_UNDEF(d->entries[i].value))
      add_candidate(list, n, cap, prefix, AS_STR(k)->chars, plen, text);
  }
}

/* The object a dotted prefix names (`asyncio`, `t.get_coro()` is not evaluated). */
static Value resolve_dotted(VM *vm, const char *expr, size_t len) {
  Value v = UNDEF_VAL;
  size_t i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && (isalnum((unsigned char)expr[j]) || expr[j] == '_')) j++;
    if (j == i || (j < len && expr[j] != '.')) return UNDEF_VAL;
    ObjStr *name = asy_str_intern(vm, expr + i, j - i);
    if (IS_UNDEF(v)) {
      v = asy_dict_get_str(R.main->dict, name);
      if (IS_UNDEF(v)) v = asy_dict_get_str(vm->builtins, name);
    } else {
      v = asy_getattr_opt(vm, v, name);
      if (IS_EXC(v)) {
        asy_clear_pending(vm);
        return UNDEF_VAL;
      }
    }
    if (IS_UNDEF(v)) return UNDEF_VAL;
    asy_push_root(vm, v);
    i = j + 1;
  }
  return v;
}

static void collect(const char *text) {
  VM *vm = R.vm;
  size_t mark = asy_temp_mark(vm);
  char **list = NULL;
  size_t n = 0, cap = 0;
  const char *dot = strrchr(text, '.');
  const char *line = rl_line_buffer ? rl_line_buffer : "";
  while (*line == ' ') line++;
  if (!dot && (strncmp(line, "import ", 7) == 0 || strncmp(line, "from ", 5) == 0) &&
      !strstr(line, " import ")) {
    /* Every module import can find: loaded ones, and the registered native and library
    ** modules (vm->native_modules). */
    add_dict_keys(vm, vm->modules, &list, &n, &cap, "", 0, text);
    add_dict_keys(vm, vm->native_modules, &list, &n, &cap, "", 0, text);
  } else if (dot) {
    size_t plen = (size_t)(dot - text) + 1;
    Value obj = resolve_dotted(vm, text, plen - 1);
    if (!IS_UNDEF(obj)) {
      Value names = asy_call(vm, asy_dict_get_str(vm->builtins, asy_str_intern(vm, "dir", 3)), 1,
                             &obj, NULL);
      if (IS_EXC(names)) {
        asy_clear_pending(vm);
      } else if (IS_OBJ_TYPE(names, OBJ_LIST)) {
        ObjList *l = AS_LIST(names);
        bool want_private = text[plen] == '_';
        for (size_t i = 0; i < l->size; i++)
          if (IS_STR(l->items[i]) && (want_private || AS_STR(l->items[i])->chars[0] != '_'))
            add_candidate(&list, &n, &cap, text, AS_STR(l->items[i])->chars, plen, text);
      }
    }
  } else {
    for (int i = 0; keywords[i]; i++) add_candidate(&list, &n, &cap, "", keywords[i], 0, text);
    add_dict_keys(vm, R.main->dict, &list, &n, &cap, "", 0, text);
    add_dict_keys(vm, vm->builtins, &list, &n, &cap, "", 0, text);
  }
  asy_temp_reset(vm, mark);
  R.completions = list;
}

static char *next_completion(const char *text, int state) {
  static size_t next;
  if (state == 0) {
    completions_free();
    collect(text);
    next = 0;
  }
  if (!R.completions || !R.completions[next]) return NULL;
  return strdup(R.completions[next++]);
}

static char **complete(const char *text, int start, int end) {
  (void)start, (void)end;
  rl_attempted_completion_over = 1; /* never fall back to file names */
  return rl_completion_matches(text, next_completion);
}

/* ---- the loop ---------------------------------------------------------------------------------- */

static Value repl_on_stdin(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  if (R.prompt_up) rl_callback_read_char();
  if (!R.prompt_up && R.reading) {
    asy_poller_remove_reader(vm, STDIN_FILENO);
    R.reading = false;
  }
  return NONE_VAL;
}

/* The running statement finished: show what it raised (a Ctrl-C shows KeyboardInterrupt). */
static void statement_done(VM *vm) {
  Value task = R.task;
  R.task = UNDEF_VAL;
  vm->signals.main_task = UNDEF_VAL;
  size_t mark = asy_temp_mark(vm);
  asy_push_root(vm, task);
  Value cancelled = method(vm, task, "cancelled", 0, NULL);
  if (IS_EXC(cancelled)) {
    report_pending(vm);
  } else if (IS_BOOL(cancelled) && AS_BOOL(cancelled)) {
    if (vm->signals.cancels) fputs("\nKeyboardInterrupt\n", stderr);
    else fputs("asyncio.exceptions.CancelledError\n", stderr);
  } else {
    Value exc = method(vm, task, "exception", 0, NULL);
    if (IS_EXC(exc)) report_pending(vm);
    else if (!IS_NONE(exc)) asy_print_traceback(vm, exc);
  }
  vm->signals.cancels = 0;
  asy_temp_reset(vm, mark);
}

static bool task_done(VM *vm) {
  Value d = method(vm, R.task, "done", 0, NULL);
  if (IS_EXC(d)) {
    asy_clear_pending(vm);
    return true;
  }
  return IS_BOOL(d) && AS_BOOL(d);
}

/* SystemExit from a statement ends the session with its status; returns -1 otherwise. */
static int exit_status_of(VM *vm, Value exc) {
  if (!IS_EXCEPTION(exc) || !asy_isinstance(vm, exc, vm->exc.SystemExit)) return -1;
  return asy_handle_uncaught(vm, exc);
}

static void print_banner(void) {
  fprintf(stderr,
          "Asy %s (Python 3.13 subset): an asyncio REPL. Use \"await\" directly.\n"
          "Type \"help\" for more information, Ctrl-D or \"exit\" to leave.\n",
          ASY_VERSION);
}

int asy_repl_run(VM *vm, ObjModule *main_module, ObjCode *script) {
  memset(&R, 0, sizeof R);
  R.vm = vm;
  R.main = main_module;
  R.task = UNDEF_VAL;
  R.loop = UNDEF_VAL;
  R.color = asy_can_colorize();
  bool tty = isatty(STDIN_FILENO);
  int status = 0;
  size_t mark = asy_temp_mark(vm);

  Value loop = asyncio_call(vm, "_repl_start", 0, NULL);
  if (IS_EXC(loop)) return asy_handle_uncaught(vm, asy_pending(vm));
  R.loop = loop;
  asy_push_root(vm, loop);
  Value asyncio = asy_import(vm, asy_str_intern(vm, "asyncio", 7));
  if (!IS_EXC(asyncio)) asy_dict_set_str(vm, R.main->dict, asy_str_intern(vm, "asyncio", 7), asyncio);
  static const AsyMethodDef reader_def[] = {{"_repl_stdin", repl_on_stdin, ASY_UNCHECKED}, {0}};
  ObjDict *holder = asy_dict_new(vm);
  asy_push_root(vm, OBJ_VAL(holder));
  asy_def_natives(vm, NULL, holder, reader_def);
  R.reader = asy_dict_get_str(holder, asy_str_intern(vm, "_repl_stdin", 11));
  R.no_args = OBJ_VAL(asy_tuple_new(vm, 0));
  asy_push_root(vm, R.no_args);
  rl_catch_signals = 0;
  rl_readline_name = "asy";
  rl_attempted_completion_function = complete;
  rl_completion_append_character = '\0';
  history_open();
  vm->before_console_write = before_console_write;
  if (script) start_code(vm, script);
  else if (tty && !vm->quiet) print_banner();

  while (!R.eof) {
    if (IS_UNDEF(R.task)) prompt_show();
    AsyLoopStatus st = asy_loop_run_once(vm);
    if (st == ASY_LOOP_ERROR) {
      Value exc = asy_pending(vm);
      asy_clear_pending(vm);
      asy_push_root(vm, exc);
      status = exit_status_of(vm, exc);
      if (status >= 0) break;
      status = 0;
      if (!IS_UNDEF(R.task)) {
        /* Ctrl-C in a statement that does not await: it stops where it is. */
        R.task = UNDEF_VAL;
        vm->signals.main_task = UNDEF_VAL;
        vm->signals.cancels = 0;
        before_console_write(vm);
        asy_print_traceback(vm, exc);
      } else {
        /* Ctrl-C at the prompt clears what was typed. */
        before_console_write(vm);
        fputs("\nKeyboardInterrupt\n", stderr);
        source_reset();
        prompt_remove();
      }
    }
    if (!IS_UNDEF(R.task) && task_done(vm)) {
      before_console_write(vm);
      statement_done(vm);
    }
    prompt_redraw();
  }

  prompt_remove();
  vm->before_console_write = NULL;
  history_close();
  completions_free();
  if (R.reading) asy_poller_remove_reader(vm, STDIN_FILENO);
  /* Leaving: background tasks are cancelled and their clean-up awaited, as asyncio.run. */
  vm->signals.main_task = UNDEF_VAL;
  Value r = asyncio_call(vm, "_repl_stop", 1, &loop);
  if (IS_EXC(r)) {
    int s = asy_handle_uncaught(vm, asy_pending(vm));
    if (status == 0) status = s;
  }
  free(R.source);
  asy_temp_reset(vm, mark);
  fflush(stdout);
  return status;
}
