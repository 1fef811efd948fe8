/*
** asyncio_core.c — `_asyncio`, the event loop's Python face: scheduling callbacks on the
** engine's ready ring and timer heap (vm/loop.c), one loop iteration at a time, and the
** Handle/TimerHandle methods. The asyncio module (stdlib/lib/asyncio.asy) builds the
** loop object, futures and tasks on these.
*/
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stdlib/asy_stdlib.h"
#include "vm/gen.h"
#include "vm/poller.h"
#include "vm/trace.h"
#include "vm/obj/context.h"
#include "vm/obj/tuple.h"

/* The keyword argument `context` (None when absent); false on an unexpected keyword. */
static bool context_kw(VM *vm, const char *fname, ObjDict *kw, Value *ctx) {
  *ctx = NONE_VAL;
  if (!kw || kw->count == 0) return true;
  ObjStr *name = asy_str_intern(vm, "context", 7);
  Value v = asy_dict_get_str(kw, name);
  if (IS_UNDEF(v) || kw->count != 1) {
    asy_raise(vm, vm->exc.TypeError, "%s() got an unexpected keyword argument", fname);
    return false;
  }
  *ctx = v;
  return true;
}

static Value args_tuple(VM *vm, int argc, Value *args) {
  return OBJ_VAL(asy_tuple_from(vm, (size_t)argc, args));
}

/* call_soon(callback, *args, context=None) */
static Value c_call_soon(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value ctx;
  if (!context_kw(vm, "call_soon", kw, &ctx)) return EXC_VAL;
  if (argc < 1) return asy_raise(vm, vm->exc.TypeError, "call_soon() missing callback");
  Value a = args_tuple(vm, argc - 1, args + 1);
  return OBJ_VAL(asy_loop_call_soon(vm, args[0], a, ctx));
}

/* call_at(when, callback, *args, context=None) */
static Value c_call_at(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value ctx;
  if (!context_kw(vm, "call_at", kw, &ctx)) return EXC_VAL;
  if (argc < 2) return asy_raise(vm, vm->exc.TypeError, "call_at() missing callback");
  double when;
  if (!asy_std_to_double(vm, args[0], &when)) return EXC_VAL;
  Value a = args_tuple(vm, argc - 2, args + 2);
  ObjHandle *h = asy_loop_call_at(vm, when, args[1], a, ctx);
  h->obj.cls = vm->types.timer_handle;
  return OBJ_VAL(h);
}

/* The fd behind an int or an object with fileno(), as CPython's selectors take it. */
static bool fd_of(VM *vm, Value v, int *fd) {
  if (!IS_INT(v)) {
    v = asy_call_method_opt(vm, v, asy_str_intern(vm, "fileno", 6), 0, NULL);
    if (IS_EXC(v)) return false;
    if (IS_UNDEF(v) || !IS_INT(v)) {
      asy_raise(vm, vm->exc.ValueError, "Invalid file object: %s", "no fileno()");
      return false;
    }
  }
  if (AS_INT(v) < 0 || AS_INT(v) > INT32_MAX) {
    asy_raise(vm, vm->exc.ValueError, "Invalid file descriptor: %lld", (long long)AS_INT(v));
    return false;
  }
  *fd = (int)AS_INT(v);
  return true;
}

/* The (generator or None, code, line) of a frame, for the call graph. */
static Value frame_entry(VM *vm, Value gen, ObjCode *code, uint32_t ip) {
  Value items[3] = {gen, OBJ_VAL(code), INT_VAL(asy_code_line_before(code, ip))};
  return OBJ_VAL(asy_tuple_from(vm, 3, items));
}

/* coro_stack(coro) -> [(coro, code, line)...] along its await chain, outermost first. */
static Value c_coro_stack(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  ObjList *out = asy_list_new(vm, 0);
  asy_push_root(vm, OBJ_VAL(out));
  Value v = args[0];
  while (IS_OBJ_TYPE(v, OBJ_GEN)) {
    ObjGen *g = AS_GEN(v);
    if (g->state == GEN_CLOSED) break;
    asy_list_append(vm, out, frame_entry(vm, v, g->code, g->ip));
    v = asy_gen_delegate(g);
  }
  return OBJ_VAL(out);
}

/* running_stack(depth) -> [(gen or None, code, line)...] of the running frames, innermost
** first, skipping `depth` frames, up to the running task's outermost coroutine (3.14's
** capture_call_graph walk of sys._getframe). */
static Value c_running_stack(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int64_t skip = IS_INT(args[0]) ? AS_INT(args[0]) : 1;
  ObjList *out = asy_list_new(vm, 0);
  asy_push_root(vm, OBJ_VAL(out));
  Fiber *f = vm->fiber;
  for (int i = f->frame_count - 1 - (int)skip; i >= 0; i--) {
    Frame *fr = &f->frames[i];
    ObjGen *g = asy_frame_gen(fr);
    Value gen = g ? OBJ_VAL(g) : NONE_VAL;
    asy_list_append(vm, out, frame_entry(vm, gen, fr->code, (uint32_t)(fr->ip - fr->code->code)));
    if (g && (i == 0 || !asy_frame_gen(&f->frames[i - 1]) || (fr->flags & FRAME_ENTRY))) break;
  }
  return OBJ_VAL(out);
}

/* describe_wait(task) -> what the suspended task waits on, in --trace's words. */
static Value c_describe_wait(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  if (!IS_OBJ_TYPE(args[0], OBJ_FUTURE) || !AS_FUTURE(args[0])->is_task) return NONE_VAL;
  char text[400];
  asy_trace_describe_wait(vm, AS_FUTURE(args[0]), text, sizeof text);
  return OBJ_VAL(asy_str_cstr(vm, text));
}

/* set_tree_hook(fn, ps_fn): what Ctrl-\ (SIGQUIT) calls to print the task tree, and
** what `asy --ps PID` (SIGUSR1) calls with a path to write the task table to. */
static Value c_set_tree_hook(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  vm->signals.tree_hook = args[0];
  vm->signals.ps_hook = args[1];
  return NONE_VAL;
}

/* tracing() -> whether --trace is on (the library asks once, at import). */
static Value c_tracing(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return BOOL_VAL(vm->observe);
}

/* trace_now() -> the trace clock (seconds since tracing began). */
static Value c_trace_now(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return FLOAT_VAL(asy_loop_time(vm) - vm->trace_origin);
}

/* trace(task or None, text): an event the library narrates. */
static Value c_trace(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  if (vm->observe && IS_STR(args[1])) asy_trace_note(vm, args[0], AS_STR(args[1])->chars);
  return NONE_VAL;
}

/* trace_group_open(parent task) -> (group number, depth of its tasks); narrates it. */
static Value c_trace_group_open(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int depth = IS_OBJ_TYPE(args[0], OBJ_FUTURE) ? AS_FUTURE(args[0])->trace_depth + 1 : 1;
  int n = ++vm->trace_groups;
  if (vm->observe) {
    char text[64];
    snprintf(text, sizeof text, "opens group %d", n);
    asy_trace_note(vm, args[0], text);
  }
  Value items[2] = {INT_VAL(n), INT_VAL(depth)};
  return OBJ_VAL(asy_tuple_from(vm, 2, items));
}

/* trace_group_next(depth, group): the next task created belongs to that group. */
static Value c_trace_group_next(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  if (IS_INT(args[0]) && IS_INT(args[1]))
    asy_trace_group_next(vm, (int)AS_INT(args[0]), (int)AS_INT(args[1]));
  return NONE_VAL;
}

/* add_reader(fd, callback, *args) */
static Value c_add_reader(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  int fd;
  if (argc < 2) return asy_raise(vm, vm->exc.TypeError, "add_reader() missing callback");
  if (!fd_of(vm, args[0], &fd)) return EXC_VAL;
  Value a = args_tuple(vm, argc - 2, args + 2);
  return asy_poller_add_reader(vm, fd, args[1], a, NONE_VAL) ? NONE_VAL : EXC_VAL;
}

/* remove_reader(fd) -> True if fd was watched */
static Value c_remove_reader(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)kw;
  int fd;
  if (!fd_of(vm, args[0], &fd)) return EXC_VAL;
  return BOOL_VAL(asy_poller_remove_reader(vm, fd));
}

static Value c_time(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return FLOAT_VAL(asy_loop_time(vm));
}

/* run_once() -> True after an iteration, False when nothing can ever happen (idle). */
static Value c_run_once(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  AsyLoopStatus st = asy_loop_run_once(vm);
  if (st == ASY_LOOP_ERROR) return EXC_VAL;
  return BOOL_VAL(st == ASY_LOOP_RAN);
}

static Value c_set_error_hook(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  vm->loop.error_hook = argc > 0 && !IS_NONE(args[0]) ? args[0] : UNDEF_VAL;
  return NONE_VAL;
}

static Value c_virtual_time(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return BOOL_VAL(vm->clock.virtual_time);
}

/* coro_location(coro) -> "file:line" where a suspended coroutine/generator waits, or
** where it was defined when not started; None when finished. For Task reprs. */
static Value c_coro_location(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_OBJ_TYPE(args[0], OBJ_GEN)) return NONE_VAL;
  ObjGen *g = AS_GEN(args[0]);
  if (g->state == GEN_CLOSED) return NONE_VAL;
  int line = g->state == GEN_CREATED ? g->code->firstline : asy_code_line_before(g->code, g->ip);
  return OBJ_VAL(asy_str_printf(vm, "%s:%d", g->code->filename->chars, line));
}

/* code_location(fn) -> "file:line" of a function's definition, or None. */
static Value c_code_location(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1) return NONE_VAL;
  ObjCode *co = NULL;
  if (IS_OBJ_TYPE(args[0], OBJ_FUNCTION)) co = AS_FUNCTION(args[0])->code;
  else if (IS_OBJ_TYPE(args[0], OBJ_GEN)) co = AS_GEN(args[0])->code;
  if (!co) return NONE_VAL;
  return OBJ_VAL(asy_str_printf(vm, "%s:%d", co->filename->chars, co->firstline));
}

/* gen_state(gen) -> 'CREATED' / 'SUSPENDED' / 'RUNNING' / 'CLOSED' */
static Value c_gen_state(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  static const char *const names[] = {"CREATED", "SUSPENDED", "RUNNING", "CLOSED"};
  if (argc < 1 || !IS_OBJ_TYPE(args[0], OBJ_GEN)) return NONE_VAL;
  const char *s = names[AS_GEN(args[0])->state];
  return OBJ_VAL(asy_str_intern(vm, s, strlen(s)));
}

/* deadlock(): the loop is idle for good. Under virtual time nothing can ever wake it:
** say so and end the program (status 1). On the real clock CPython waits forever for
** outside events (a signal), and so does this. */
static Value c_deadlock(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (!vm->clock.virtual_time && !vm->debug) {
    /* Nothing can happen but a signal: wait for one, as CPython's loop does. */
    while (!ASY_INTERRUPTED(vm)) {
      pause();
      asy_signals_check_quit(vm);
    }
    return asy_signals_check(vm) ? NONE_VAL : EXC_VAL;
  }
  fflush(stdout);
  static const char msg[] = "deadlock: every task is waiting and nothing can wake them "
                            "(no callback is ready, no timer is set)\n";
  asy_std_write_err(vm, msg, sizeof msg - 1);
  if (argc >= 1 && IS_STR(args[0]) && AS_STR(args[0])->size) {
    asy_std_write_err(vm, AS_STR(args[0])->chars, AS_STR(args[0])->size);
    asy_std_write_err(vm, "\n", 1);
  }
  Value code = INT_VAL(1);
  Value e = asy_new_exception(vm, vm->exc.SystemExit, 1, &code);
  return IS_EXC(e) ? e : asy_raise_value(vm, e);
}

static Value c_print_exception(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc >= 1) asy_print_exception(vm, args[0]);
  return NONE_VAL;
}

static Value c_is_coroutine_function(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1) return FALSE_VAL;
  Value f = args[0];
  if (IS_OBJ_TYPE(f, OBJ_BOUND)) f = AS_BOUND(f)->func;
  return BOOL_VAL(IS_OBJ_TYPE(f, OBJ_FUNCTION) && (AS_FUNCTION(f)->code->flags & CODE_COROUTINE));
}

/* set_main_task(task or None): the task Ctrl-C cancels while asyncio.run runs it. */
static Value c_set_main_task(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  vm->signals.main_task = argc >= 1 && !IS_NONE(args[0]) ? args[0] : UNDEF_VAL;
  vm->signals.cancels = 0;
  return NONE_VAL;
}

/* interrupted() -> how many Ctrl-Cs cancelled the main task in this run. */
static Value c_interrupted(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)argc, (void)args, (void)kw;
  return INT_VAL(vm->signals.cancels);
}

/* ---- Handle / TimerHandle ------------------------------------------------------------ */

#define HANDLE_SELF(meth) \
  do { \
    if (argc < 1 || !IS_OBJ_TYPE(args[0], OBJ_HANDLE)) \
      return asy_raise(vm, vm->exc.TypeError, "%s() needs a Handle", meth); \
  } while (0)

static Value h_cancel(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  asy_loop_cancel(vm, AS_HANDLE(args[0]));
  return NONE_VAL;
}

static Value h_cancelled(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  return BOOL_VAL(AS_HANDLE(args[0])->cancelled);
}

static Value h_when(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  return FLOAT_VAL(AS_HANDLE(args[0])->when);
}

static Value h_callback(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  HANDLE_SELF("_callback");
  return AS_HANDLE(args[0])->callback;
}

static Value h_args(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  HANDLE_SELF("_args");
  return AS_HANDLE(args[0])->args;
}

/* CPython's format_helpers._format_callback_source: "f(arg, …) at file:line". */
static Value callback_source(VM *vm, Value fn, Value fargs) {
  Value target = IS_OBJ_TYPE(fn, OBJ_BOUND) ? AS_BOUND(fn)->func : fn;
  ObjStr *text;
  if (IS_OBJ_TYPE(target, OBJ_FUNCTION)) {
    text = asy_str_printf(vm, "%s(", AS_FUNCTION(target)->qualname->chars);
  } else {
    Value r = asy_repr(vm, fn);
    if (IS_EXC(r)) return r;
    text = asy_str_printf(vm, "%s(", AS_STR(r)->chars);
  }
  ObjTuple *a = AS_TUPLE(fargs);
  for (size_t i = 0; i < a->size; i++) {
    Value r = asy_repr(vm, a->items[i]);
    if (IS_EXC(r)) return r;
    text = asy_str_printf(vm, "%s%s%s", text->chars, i ? ", " : "", AS_STR(r)->chars);
  }
  if (IS_OBJ_TYPE(target, OBJ_FUNCTION)) {
    ObjCode *co = AS_FUNCTION(target)->code;
    return OBJ_VAL(
        asy_str_printf(vm, "%s) at %s:%d", text->chars, co->filename->chars, co->firstline));
  }
  return OBJ_VAL(asy_str_printf(vm, "%s)", text->chars));
}

static Value h_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  ObjHandle *h = AS_HANDLE(args[0]);
  const char *kind = h->timer ? "TimerHandle" : "Handle";
  if (h->cancelled) return OBJ_VAL(asy_str_printf(vm, "<%s cancelled>", kind));
  Value r = callback_source(vm, h->callback, h->args);
  if (IS_EXC(r)) return r;
  if (h->timer)
    return OBJ_VAL(asy_str_printf(vm, "<%s when=%g %s>", kind, h->when, AS_STR(r)->chars));
  return OBJ_VAL(asy_str_printf(vm, "<%s %s>", kind, AS_STR(r)->chars));
}

/* clang-format off */
/* The module's functions check their own arguments (call_soon/call_at take any
** number and a context= keyword; the rest are internal to asyncio). */
static const AsyMethodDef core_functions[] = {
  {"call_soon", c_call_soon, ASY_UNCHECKED}, {"call_at", c_call_at, ASY_UNCHECKED},
  {"add_reader", c_add_reader, ASY_UNCHECKED},
  {"tracing", c_tracing, 0, 0, ASY_ARGS_AUTO},
  {"set_tree_hook", c_set_tree_hook, 2, 2, ASY_ARGS_AUTO},
  {"coro_stack", c_coro_stack, 1, 1, ASY_ARGS_AUTO},
  {"running_stack", c_running_stack, 1, 1, ASY_ARGS_AUTO},
  {"describe_wait", c_describe_wait, 1, 1, ASY_ARGS_AUTO},
  {"trace", c_trace, 2, 2, ASY_ARGS_AUTO},
  {"trace_now", c_trace_now, 0, 0, ASY_ARGS_AUTO},
  {"trace_group_open", c_trace_group_open, 1, 1, ASY_ARGS_AUTO},
  {"trace_group_next", c_trace_group_next, 2, 2, ASY_ARGS_AUTO},
  {"remove_reader", c_remove_reader, 1, 1, ASY_ARGS_AUTO},
  {"time", c_time, 0, 0, ASY_ARGS_AUTO}, {"run_once", c_run_once, 0, 0, ASY_ARGS_AUTO},
  {"set_error_hook", c_set_error_hook, 1, 1, ASY_ARGS_AUTO},
  {"virtual_time", c_virtual_time, 0, 0, ASY_ARGS_AUTO},
  {"coro_location", c_coro_location, 1, 1, ASY_ARGS_AUTO},
  {"code_location", c_code_location, 1, 1, ASY_ARGS_AUTO},
  {"gen_state", c_gen_state, 1, 1, ASY_ARGS_AUTO}, {"deadlock", c_deadlock, 0, 1, ASY_ARGS_AUTO},
  {"print_exception", c_print_exception, 1, 1, ASY_ARGS_AUTO},
  {"is_coroutine_function", c_is_coroutine_function, 1, 1, ASY_ARGS_AUTO},
  {"set_main_task", c_set_main_task, 1, 1, ASY_ARGS_AUTO},
  {"interrupted", c_interrupted, 0, 0, ASY_ARGS_AUTO},
  {0},
};

static const AsyMethodDef handle_methods[] = {
  {"cancel", h_cancel, 0, 0, ASY_ARGS_AUTO}, {"cancelled", h_cancelled, 0, 0, ASY_ARGS_AUTO},
  {"__repr__", h_repr, 0, 0, ASY_ARGS_SLOT},
  {"_callback", h_callback, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {"_args", h_args, ASY_UNCHECKED | ASY_DEF_PROPERTY},
  {0},
};

static const AsyMethodDef timer_handle_methods[] = {
  {"when", h_when, 0, 0, ASY_ARGS_AUTO},
  {0},
};
/* clang-format on */

Value asy_mod_asyncio_core_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  (void)kw;
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjDict *d = AS_MODULE(args[0])->dict;
  asy_def_natives(vm, NULL, d, core_functions);
  asy_asyncio_future_init(vm, d);
  asy_asyncio_threads_init(vm, d);
  asy_context_init(vm, d);
  ObjClass *classes[] = {vm->types.handle, vm->types.timer_handle};
  for (int i = 0; i < 2; i++) {
    classes[i]->module = OBJ_VAL(asy_str_intern(vm, "asyncio.events", 14));
    asy_def_natives(vm, classes[i], NULL, handle_methods);
  }
  asy_def_natives(vm, vm->types.timer_handle, NULL, timer_handle_methods);
  /* clang-format off */
  static const struct { const char *name; size_t offset; } classes_by_name[] = {
    {"CancelledError", offsetof(VM, exc.CancelledError)},
    {"InvalidStateError", offsetof(VM, exc.InvalidStateError)},
    {"QueueEmpty", offsetof(VM, exc.QueueEmpty)}, {"QueueFull", offsetof(VM, exc.QueueFull)},
    {"QueueShutDown", offsetof(VM, exc.QueueShutDown)},
    {"Handle", offsetof(VM, types.handle)}, {"TimerHandle", offsetof(VM, types.timer_handle)},
  };
  /* clang-format on */
  for (size_t i = 0; i < sizeof classes_by_name / sizeof classes_by_name[0]; i++) {
    ObjClass *c = *(ObjClass **)((char *)vm + classes_by_name[i].offset);
    asy_def_value(vm, d, classes_by_name[i].name, OBJ_VAL(c));
  }
  return NONE_VAL;
}
