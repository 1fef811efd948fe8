/*
** vm.c — creating and destroying the interpreter.
**
** Bootstrap order matters because every object needs its class: the class objects
** are allocated first (with `type` as their class), then the dicts and names that
** need the str/dict classes, then each area's init hook fills in methods. The builtins
** module exposes all of the above, so the host installs it afterwards (stdlib/'s
** asy_init_builtins); the library reaches back only through asy_vm_add_hook.
*/
#include <stdlib.h>
#include <string.h>

#include "vm/env.h"
#include "vm/except.h"
#include "vm/gc.h"
#include "vm/gen.h"
#include "vm/gil.h"
#include "vm/obj/class.h"
#include "vm/obj/list.h"
#include "vm/obj/numbermethods.h"
#include "vm/obj/str.h"
#include "vm/obj/strmethods.h"
#include "vm/vm.h"

/* Allocate a bare class object; names and dicts are filled in later. */
static ObjClass *raw_class(VM *vm, ObjClass *base, ObjType layout, int flags) {
  ObjClass *c = (ObjClass *)asy_alloc_obj(vm, sizeof(ObjClass), OBJ_CLASS, vm->types.type);
  c->base = base;
  c->layout = layout;
  c->flags = CLASS_BUILTIN | flags;
  c->depth = base ? base->depth + 1 : 0;
  c->module = NONE_VAL;
  return c;
}

/* The C layout and flags of each built-in type's instances. */
static void builtin_layout(const char *name, ObjType *layout, int *flags) {
  /* clang-format off */
  static const struct { const char *name; ObjType layout; int flags; } table[] = {
    {"object", OBJ_INSTANCE, 0}, {"type", OBJ_CLASS, 0},
    {"NoneType", OBJ_INSTANCE, CLASS_FINAL}, {"NotImplementedType", OBJ_INSTANCE, CLASS_FINAL},
    {"ellipsis", OBJ_INSTANCE, CLASS_FINAL}, {"bool", OBJ_INSTANCE, CLASS_FINAL},
    {"int", OBJ_INSTANCE, 0}, {"float", OBJ_INSTANCE, 0}, {"str", OBJ_STR, 0},
    {"bytes", OBJ_BYTES, 0}, {"tuple", OBJ_TUPLE, 0}, {"list", OBJ_LIST, 0},
    {"dict", OBJ_DICT, 0}, {"set", OBJ_SET, 0}, {"frozenset", OBJ_SET, 0},
    {"range", OBJ_RANGE, CLASS_FINAL}, {"slice", OBJ_SLICE, CLASS_FINAL},
    {"code", OBJ_CODE, CLASS_FINAL}, {"function", OBJ_FUNCTION, CLASS_FINAL},
    {"cell", OBJ_CELL, CLASS_FINAL}, {"method", OBJ_BOUND, CLASS_FINAL},
    {"builtin_function_or_method", OBJ_NATIVE, CLASS_FINAL}, {"module", OBJ_MODULE, 0},
    {"iterator", OBJ_ITER, CLASS_FINAL}, {"dict_keys", OBJ_DICTVIEW, CLASS_FINAL},
    {"dict_values", OBJ_DICTVIEW, CLASS_FINAL}, {"dict_items", OBJ_DICTVIEW, CLASS_FINAL},
    {"property", OBJ_WRAPPER, 0}, {"staticmethod", OBJ_WRAPPER, 0},
    {"classmethod", OBJ_WRAPPER, 0}, {"super", OBJ_SUPER, 0},
    {"TextIOWrapper", OBJ_FILE, CLASS_FINAL}, {"coroutine", OBJ_GEN, CLASS_FINAL},
    {"generator", OBJ_GEN, CLASS_FINAL}, {"async_generator", OBJ_GEN, CLASS_FINAL},
    {"async_generator_asend", OBJ_ITER, CLASS_FINAL}, {"async_generator_athrow", OBJ_ITER, CLASS_FINAL},
    {"anext_awaitable", OBJ_ITER, CLASS_FINAL},
    {"Handle", OBJ_HANDLE, CLASS_FINAL}, {"TimerHandle", OBJ_HANDLE, CLASS_FINAL},
    {"Future", OBJ_FUTURE, 0}, {"Task", OBJ_FUTURE, 0}, {"FutureIter", OBJ_ITER, CLASS_FINAL},
    {"Context", OBJ_CONTEXT, CLASS_FINAL}, {"deque", OBJ_DEQUE, CLASS_FINAL},
    {"native_data", OBJ_NATIVE_DATA, CLASS_FINAL}, {"member_descriptor", OBJ_WRAPPER, CLASS_FINAL},
  };
  /* clang-format on */
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(table[i].name, name) == 0) {
      *layout = table[i].layout;
      *flags = table[i].flags;
      return;
    }
  *layout = OBJ_INSTANCE;
  *flags = 0;
}

/* The module a built-in exception reports (CPython prints it before the name). */
static const char *exception_module(const char *name) {
  if (!strcmp(name, "CancelledError") || !strcmp(name, "InvalidStateError"))
    return "asyncio.exceptions";
  if (!strcmp(name, "QueueEmpty") || !strcmp(name, "QueueFull") || !strcmp(name, "QueueShutDown"))
    return "asyncio.queues";
  return "builtins";
}

static void create_classes(VM *vm) {
  /* type and object first: every class object's class is `type`. */
  vm->types.type = raw_class(vm, NULL, OBJ_CLASS, 0);
  vm->types.type->obj.cls = vm->types.type;
  vm->types.object = raw_class(vm, NULL, OBJ_INSTANCE, 0);
  vm->types.type->base = vm->types.object;
  vm->types.type->depth = 1;

  const char *type_names[] = {
#define X(field, name) name,
      ASY_BUILTIN_TYPES(X)
#undef X
  };
  ObjClass **types = (ObjClass **)&vm->types;
  size_t ntypes = sizeof vm->types / sizeof(ObjClass *);
  for (size_t i = 0; i < ntypes; i++) {
    if (types[i]) continue; /* type, object */
    ObjType layout;
    int flags;
    builtin_layout(type_names[i], &layout, &flags);
    types[i] = raw_class(vm, vm->types.object, layout, flags);
  }
  vm->types.bool_->base = vm->types.int_;
  vm->types.bool_->depth = 2;
  vm->types.task->base = vm->types.future;
  vm->types.task->depth = 2;

  /* Exceptions, in X-macro order (bases first). */
#define X(field, name, basefield) \
  vm->exc.field = raw_class(vm, vm->exc.basefield ? vm->exc.basefield : vm->types.object, \
                            OBJ_EXCEPTION, CLASS_EXCEPTION);
  ASY_EXCEPTION_TYPES(X)
#undef X

  /* Now str and dict exist: give every class its name, module and dict. */
  ObjStr *builtins_name = asy_str_intern(vm, "builtins", 8);
  for (size_t i = 0; i < ntypes; i++) {
    types[i]->name = asy_str_intern(vm, type_names[i], strlen(type_names[i]));
    types[i]->qualname = types[i]->name;
    types[i]->module = OBJ_VAL(builtins_name);
    types[i]->dict = asy_dict_new(vm);
  }
#define X(field, pyname, basefield) \
  vm->exc.field->name = asy_str_intern(vm, pyname, strlen(pyname)); \
  vm->exc.field->qualname = vm->exc.field->name; \
  vm->exc.field->module = STR_VAL(vm, exception_module(pyname)); \
  vm->exc.field->dict = asy_dict_new(vm);
  ASY_EXCEPTION_TYPES(X)
#undef X
}

static Value singleton(VM *vm, ObjClass *cls) {
  return OBJ_VAL(asy_alloc_obj(vm, sizeof(ObjInstance), OBJ_INSTANCE, cls));
}

VM *vm_new(void) {
  VM *vm = calloc(1, sizeof(VM));
  if (!vm) return NULL;
  const char *stress = asy_getenv("ASY_GC_STRESS");
  vm->gc_stress = stress && *stress && strcmp(stress, "0") != 0;
  vm->next_gc = 4u << 20;
  vm->recursion_limit = 1000;
  vm->int_max_str_digits = 4300; /* CPython's default (bigint.h) */
  vm->gc_paused = 1;

  vm->fiber = calloc(1, sizeof(Fiber));
  vm->fibers = vm->fiber;
  vm->fiber->exc = UNDEF_VAL;
  vm->fiber->handling = UNDEF_VAL;
  vm->main_module = NONE_VAL;
  vm->argv = NONE_VAL;
  vm->loop.error_hook = UNDEF_VAL;
  vm->loop.context = UNDEF_VAL;
  vm->loop.current_task = NONE_VAL;
  for (int i = 0; i < 2; i++) vm->loop.hooks[i] = UNDEF_VAL;
  vm->loop.context_var_class = UNDEF_VAL;
  vm->loop.no_args = UNDEF_VAL;
  vm->class_epoch = 1; /* the zeroed cache entries (epoch 0) never match */
  vm->signals.main_task = UNDEF_VAL;

  create_classes(vm);
#define X(field, text) vm->names.field = asy_str_intern(vm, text, sizeof(text) - 1);
  ASY_COMMON_NAMES(X)
#undef X
  vm->notimplemented = singleton(vm, vm->types.notimpl);
  vm->ellipsis = singleton(vm, vm->types.ellipsis);
  vm->builtins = asy_dict_new(vm);
  vm->modules = asy_dict_new(vm);
  vm->native_modules = asy_dict_new(vm);
  vm->argv = OBJ_VAL(asy_list_new(vm, 0));

  /* The init hooks, one per area (docs/ARCHITECTURE.md). */
  asy_init_object_types(vm);
  asy_init_container_types(vm);
  asy_init_str_types(vm);
  asy_init_number_types(vm);
  asy_init_exception_types(vm);
  asy_init_gen_types(vm);

  asy_temp_reset(vm, 0);
  vm->gc_paused = 0;
  return vm;
}

void vm_free(VM *vm) {
  if (!vm) return;
  asy_threads_shutdown(vm);
  asy_loop_free(vm);
  asy_finalize_free(vm);
  asy_gc_free_all(vm);
  asy_strings_free(vm);
  for (int i = 0; i < vm->hook_count; i++)
    if (vm->hooks[i].release) vm->hooks[i].release(vm);
  free(vm->repr.stack);
  for (Fiber *f = vm->fibers; f;) {
    Fiber *next = f->next_fiber;
    free(f->stack);
    free(f->frames);
    free(f);
    f = next;
  }
  for (AsySource *s = vm->sources; s;) {
    AsySource *next = s->next;
    free(s->filename);
    free(s->text);
    free(s->line_starts);
    free(s);
    s = next;
  }
  free(vm);
}

void asy_vm_add_hook(VM *vm, void (*mark)(VM *vm), void (*release)(VM *vm)) {
  /* A fixed table: hooks come from the few libraries a host links, never from scripts. */
  if (vm->hook_count == (int)(sizeof vm->hooks / sizeof vm->hooks[0])) {
    fputs("asy: too many VM hooks\n", stderr);
    abort();
  }
  vm->hooks[vm->hook_count].mark = mark;
  vm->hooks[vm->hook_count].release = release;
  vm->hook_count++;
}
