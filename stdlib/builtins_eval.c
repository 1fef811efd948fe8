/*
** builtins_eval.c — eval(), exec() and compile(): source text compiled at run time
** (filename "<string>" unless compile() names one) and run in a module-like frame
** whose namespaces default to the caller's, as CPython 3.13: at module level its
** globals, inside a function its globals and a snapshot of its locals.
*/
#include <stdlib.h>
#include <string.h>

#include "stdlib/asy_stdlib.h"
#include "vm/obj/dict.h"

/* Tracebacks show no line of a string's code: linecache cannot read it back. */
static void detach_source(ObjCode *code) {
  code->source = NULL;
  for (int i = 0; i < code->nconsts; i++)
    if (IS_CODE(code->consts[i])) detach_source(AS_CODE(code->consts[i]));
}

/* Compile text as mode 0 (exec), 1 (single) or 2 (eval): code, or NULL with the
** SyntaxError pending. */
static ObjCode *compile_text(VM *vm, const char *text, size_t len, const char *filename, int mode) {
  AsySource *src;
  if (mode != 2 && (len == 0 || text[len - 1] != '\n')) {
    /* CPython's string tokenizer ends exec/single input with a newline */
    char *t = malloc(len + 2);
    if (!t) abort();
    memcpy(t, text, len);
    t[len] = '\n';
    src = asy_source_add(vm, filename, t, len + 1);
    free(t);
  } else {
    src = asy_source_add(vm, filename, text, len);
  }
  ObjCode *code = asy_compile(vm, src, mode | ASY_COMPILE_NO_TOPLEVEL_AWAIT);
  if (code) detach_source(code);
  return code;
}

/* The text of a str or bytes source; false for any other value. */
static bool source_text(Value src, const char **text, size_t *len) {
  if (IS_STR(src)) {
    *text = AS_STR(src)->chars;
    *len = AS_STR(src)->size;
    return true;
  }
  if (IS_BYTES(src)) {
    *text = (const char *)AS_BYTES(src)->data;
    *len = AS_BYTES(src)->size;
    return true;
  }
  return false;
}

/* The code of eval/exec's first argument (str, bytes or code). */
static ObjCode *source_code(VM *vm, const char *fname, Value src, int mode) {
  if (IS_CODE(src)) return AS_CODE(src);
  const char *text;
  size_t len;
  if (!source_text(src, &text, &len)) {
    asy_raise(vm, vm->exc.TypeError, "%s() arg 1 must be a string, bytes or code object", fname);
    return NULL;
  }
  if (mode == 2) /* eval ignores leading blanks, as CPython */
    while (len && (*text == ' ' || *text == '\t')) text++, len--;
  return compile_text(vm, text, len, "<string>", mode);
}

/* The namespaces for eval/exec: the given ones checked, or the caller's. */
static bool namespaces(VM *vm, const char *fname, Value g, Value l, ObjDict **gout,
                       ObjDict **lout) {
  bool no_g = IS_UNDEF(g) || IS_NONE(g), no_l = IS_UNDEF(l) || IS_NONE(l);
  if (!no_l && !IS_DICT(l)) {
    asy_raise(vm, vm->exc.TypeError, "locals must be a mapping");
    return false;
  }
  if (no_g) {
    Frame *fr = asy_caller_frame(vm);
    *gout = fr && fr->globals ? fr->globals : asy_dict_new(vm);
    if (no_l) {
      Value loc = asy_caller_locals(vm);
      if (IS_EXC(loc)) return false;
      l = loc;
      no_l = false;
    }
  } else {
    if (!IS_DICT(g)) {
      if (!strcmp(fname, "exec"))
        asy_raise(vm, vm->exc.TypeError, "exec() globals must be a dict, not %s",
                  asy_type_name(vm, g));
      else if (!IS_UNDEF(asy_class_lookup(asy_class_of(vm, g), vm->names.getitem)))
        asy_raise(vm, vm->exc.TypeError,
                  "globals must be a real dict; try eval(expr, {}, mapping)");
      else asy_raise(vm, vm->exc.TypeError, "globals must be a dict");
      return false;
    }
    *gout = AS_DICT(g);
  }
  *lout = no_l ? *gout : AS_DICT(l);
  /* CPython puts the builtins into a globals dict that has none */
  ObjStr *bkey = asy_str_intern(vm, "__builtins__", 12);
  if (IS_UNDEF(asy_dict_get_str(*gout, bkey)))
    asy_dict_set_str(vm, *gout, bkey, OBJ_VAL(vm->builtins));
  return true;
}

/* eval/exec: mode 2 or 0. */
static Value run(VM *vm, const char *fname, int mode, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"source", "globals", "locals"};
  Value a[3];
  if (!asy_kwargs(vm, fname, argc, args, kw, names, 3, 1, 1, a)) return EXC_VAL;
  ObjDict *g, *l;
  if (!namespaces(vm, fname, a[1], a[2], &g, &l)) return EXC_VAL;
  ObjCode *code = source_code(vm, fname, a[0], mode);
  if (!code) return EXC_VAL;
  Value r = asy_run_code_in(vm, code, g, l);
  if (IS_EXC(r)) return EXC_VAL;
  return mode == 2 ? r : NONE_VAL;
}

static Value bi_eval(VM *vm, int argc, Value *args, ObjDict *kw) {
  return run(vm, "eval", 2, argc, args, kw);
}

static Value bi_exec(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (kw) { /* exec(..., closure=None) */
    Value closure = asy_kwarg(vm, kw, "closure");
    if (!IS_UNDEF(closure)) {
      if (!IS_NONE(closure))
        return asy_raise(vm, vm->exc.TypeError,
                         "closure can only be used when source is a code object");
      kw = asy_dict_copy(vm, kw);
      asy_dict_delete(vm, kw, OBJ_VAL(asy_str_intern(vm, "closure", 7)));
    }
  }
  return run(vm, "exec", 0, argc, args, kw);
}

static Value bi_compile(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {
      "source", "filename", "mode", "flags", "dont_inherit", "optimize", "_feature_version"};
  Value a[7];
  if (!asy_kwargs(vm, "compile", argc, args, kw, names, 7, 0, 3, a)) return EXC_VAL;
  const char *text;
  size_t len;
  if (!source_text(a[0], &text, &len))
    return asy_raise(vm, vm->exc.TypeError,
                     "compile() arg 1 must be a string, bytes or AST object");
  Value fn = a[1];
  if (!IS_STR(fn)) {
    Value s = asy_str(vm, fn);
    if (IS_EXC(s)) return EXC_VAL;
    fn = s;
  }
  if (!IS_STR(a[2]))
    return asy_raise(vm, vm->exc.TypeError, "compile() argument 'mode' must be str, not %s",
                     asy_type_name(vm, a[2]));
  const char *mode = AS_STR(a[2])->chars;
  int m = !strcmp(mode, "exec") ? 0 : !strcmp(mode, "single") ? 1 : !strcmp(mode, "eval") ? 2 : -1;
  if (m < 0)
    return asy_raise(vm, vm->exc.ValueError, "compile() mode must be 'exec', 'eval' or 'single'");
  ObjCode *code = compile_text(vm, text, len, AS_STR(fn)->chars, m);
  return code ? OBJ_VAL(code) : EXC_VAL;
}

void asy_builtins_eval_init(VM *vm, ObjDict *builtins) {
  static const AsyMethodDef fns[] = {
      {"eval", bi_eval, ASY_UNCHECKED},
      {"exec", bi_exec, ASY_UNCHECKED},
      {"compile", bi_compile, ASY_UNCHECKED},
      {0},
  };
  asy_def_natives(vm, NULL, builtins, fns);
}
