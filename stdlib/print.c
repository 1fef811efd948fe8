/*
** print.c — print() and input(), and access to the current sys.stdout / sys.stderr.
**
** print() writes to whatever sys.stdout is at the time of the call (a script may assign
** its own object with a write() method). For the real streams the whole line is built
** in one buffer and handed to stdio in a single fwrite; C's buffering then matches
** CPython's (line-buffered on a terminal, block-buffered into a pipe), and everything
** is flushed at exit by main/vm_free. For any other object, print() calls write() once
** per argument, separator and end, exactly as CPython does.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/gil.h"
#include "stdlib/asy_stdlib.h"
#include "vm/gc.h"
#include "vm/obj/bytes.h"
#include "vm/obj/str.h"

/* sys.<name>, or UNDEF if sys or the attribute is gone. */
static Value sys_attr(VM *vm, ObjStr *name) {
  AsyStdlib *st = vm->stdlib;
  if (!IS_MODULE(st->sys_module)) return UNDEF_VAL;
  return asy_dict_get_str(AS_MODULE(st->sys_module)->dict, name);
}

Value asy_std_stdout(VM *vm) {
  Value v = sys_attr(vm, vm->stdlib->s_stdout);
  return IS_UNDEF(v) ? vm->stdlib->std_out : v;
}

Value asy_std_stderr(VM *vm) {
  Value v = sys_attr(vm, vm->stdlib->s_stderr);
  return IS_UNDEF(v) ? vm->stdlib->std_err : v;
}

/* An ObjFile we can write text to directly (no script-visible write() override). */
static bool is_plain_file(Value v) {
  return IS_OBJ_TYPE(v, OBJ_FILE) && !((ObjFile *)AS_OBJ(v))->binary;
}

bool asy_std_write(VM *vm, Value file, ObjStr *s) {
  if (is_plain_file(file))
    return asy_file_write_raw(vm, (ObjFile *)AS_OBJ(file), s->chars, s->size);
  Value arg = OBJ_VAL(s);
  Value r = asy_call_method(vm, file, vm->stdlib->s_write, 1, &arg);
  return !IS_EXC(r);
}

static bool write_text(VM *vm, Value file, const char *text, size_t n) {
  if (IS_NONE(file)) return true;
  if (is_plain_file(file)) return asy_file_write_raw(vm, (ObjFile *)AS_OBJ(file), text, n);
  return asy_std_write(vm, file, asy_str_new(vm, text, n));
}

bool asy_std_write_out(VM *vm, const char *text, size_t n) {
  return write_text(vm, asy_std_stdout(vm), text, n);
}

bool asy_std_write_err(VM *vm, const char *text, size_t n) {
  return write_text(vm, asy_std_stderr(vm), text, n);
}

static bool check_sep(VM *vm, const char *what, Value v) {
  if (IS_UNDEF(v) || IS_NONE(v) || IS_STR(v)) return true;
  asy_raise(vm, vm->exc.TypeError, "%s must be None or a string, not %s", what,
            asy_type_name(vm, v));
  return false;
}

static Value bi_print(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"sep", "end", "file", "flush"};
  Value opt[4] = {UNDEF_VAL, UNDEF_VAL, UNDEF_VAL, UNDEF_VAL};
  if (!asy_std_kwargs(vm, "print", kw, names, 4, opt, 0)) return EXC_VAL;
  if (!check_sep(vm, "sep", opt[0]) || !check_sep(vm, "end", opt[1])) return EXC_VAL;
  const char *sep = " ", *end = "\n";
  size_t seplen = 1, endlen = 1;
  if (IS_STR(opt[0])) {
    sep = AS_STR(opt[0])->chars;
    seplen = AS_STR(opt[0])->size;
  }
  if (IS_STR(opt[1])) {
    end = AS_STR(opt[1])->chars;
    endlen = AS_STR(opt[1])->size;
  }
  Value file = opt[2];
  if (IS_UNDEF(file) || IS_NONE(file)) {
    file = sys_attr(vm, vm->stdlib->s_stdout);
    if (IS_UNDEF(file)) return asy_raise(vm, vm->exc.RuntimeError, "lost sys.stdout");
    if (IS_NONE(file)) return NONE_VAL; /* sys.stdout = None: print does nothing */
  }
  if (is_plain_file(file)) {
    /* One buffer, one write. */
    AsyBuf b;
    asy_buf_init(&b, vm);
    for (int i = 0; i < argc; i++) {
      if (i > 0) asy_buf_put(&b, sep, seplen);
      Value v = args[i];
      if (IS_STR(v)) {
        asy_buf_put_str(&b, AS_STR(v));
        continue;
      }
      Value s = asy_str(vm, v);
      if (IS_EXC(s)) {
        asy_buf_free(&b);
        return s;
      }
      asy_buf_put_str(&b, AS_STR(s));
    }
    asy_buf_put(&b, end, endlen);
    bool ok = asy_file_write_raw(vm, (ObjFile *)AS_OBJ(file), b.data ? b.data : "", b.len);
    asy_buf_free(&b);
    if (!ok) return EXC_VAL;
  } else {
    asy_push_root(vm, file);
    Value w = asy_getattr(vm, file, vm->stdlib->s_write);
    if (IS_EXC(w)) return w;
    Value sepv = IS_STR(opt[0]) ? opt[0] : UNDEF_VAL;
    Value endv = IS_STR(opt[1]) ? opt[1] : UNDEF_VAL;
    for (int i = 0; i < argc; i++) {
      if (i > 0) {
        Value s = IS_UNDEF(sepv) ? STR_VAL(vm, " ") : sepv;
        if (IS_EXC(asy_call(vm, w, 1, &s, NULL))) return EXC_VAL;
      }
      Value s = asy_str(vm, args[i]);
      if (IS_EXC(s)) return s;
      if (IS_EXC(asy_call(vm, w, 1, &s, NULL))) return EXC_VAL;
    }
    Value e = IS_UNDEF(endv) ? STR_VAL(vm, "\n") : endv;
    if (IS_EXC(asy_call(vm, w, 1, &e, NULL))) return EXC_VAL;
  }
  if (!IS_UNDEF(opt[3])) {
    int t = asy_truthy(vm, opt[3]);
    if (t < 0) return EXC_VAL;
    if (t) {
      Value r = asy_call_method(vm, file, vm->stdlib->s_flush, 0, NULL);
      if (IS_EXC(r)) return r;
    }
  }
  return NONE_VAL;
}

/* Read one line from a C stream (without translating newlines); NULL at EOF. */
static char *read_line(FILE *fp, size_t *len) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, fp);
  if (n < 0) {
    free(line);
    return NULL;
  }
  *len = (size_t)n;
  return line;
}

static Value bi_input(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (!asy_no_kw(vm, "input", kw) || !asy_arg_count(vm, "input", argc, 0, 1)) return EXC_VAL;
  AsyStdlib *st = vm->stdlib;
  Value in = sys_attr(vm, st->s_stdin);
  if (IS_UNDEF(in) || IS_NONE(in))
    return asy_raise(vm, vm->exc.RuntimeError, "input(): lost sys.stdin");
  Value out = asy_std_stdout(vm);
  Value err = asy_std_stderr(vm);
  /* CPython flushes stderr, then writes the prompt to stdout and flushes it. */
  if (is_plain_file(err) && ((ObjFile *)AS_OBJ(err))->fp && !((ObjFile *)AS_OBJ(err))->closed)
    fflush((FILE *)((ObjFile *)AS_OBJ(err))->fp);
  if (argc == 1) {
    Value p = asy_str(vm, args[0]);
    if (IS_EXC(p)) return p;
    if (!IS_NONE(out) && !asy_std_write(vm, out, AS_STR(p))) return EXC_VAL;
  }
  if (is_plain_file(out)) {
    ObjFile *f = (ObjFile *)AS_OBJ(out);
    if (f->fp && !f->closed) fflush((FILE *)f->fp);
  } else if (!IS_NONE(out)) {
    Value r = asy_call_method_opt(vm, out, st->s_flush, 0, NULL);
    if (IS_EXC(r)) return r;
  }
  if (is_plain_file(in) && ((ObjFile *)AS_OBJ(in))->fp && !((ObjFile *)AS_OBJ(in))->closed) {
    size_t n;
    AsyThreadState *held = asy_gil_release(vm);
    char *line = read_line((FILE *)((ObjFile *)AS_OBJ(in))->fp, &n);
    asy_gil_restore(vm, held);
    if (!line) return asy_raise(vm, vm->exc.EOFError, "EOF when reading a line");
    if (n > 0 && line[n - 1] == '\n') n--;
    if (n > 0 && line[n - 1] == '\r') n--;
    Value s = asy_bytes_decode(vm, (const uint8_t *)line, n, "utf-8", "replace");
    free(line);
    return s;
  }
  Value line = asy_call_method(vm, in, st->s_readline, 0, NULL);
  if (IS_EXC(line)) return line;
  if (!IS_STR(line))
    return asy_raise(vm, vm->exc.TypeError, "object.readline() returned non-string");
  ObjStr *s = AS_STR(line);
  if (s->size == 0) return asy_raise(vm, vm->exc.EOFError, "EOF when reading a line");
  size_t n = s->size;
  if (s->chars[n - 1] == '\n') n--;
  return OBJ_VAL(asy_str_new(vm, s->chars, n));
}

void asy_print_init(VM *vm, ObjDict *builtins) {
  static const AsyMethodDef fns[] = {
      {"print", bi_print, ASY_UNCHECKED},
      {"input", bi_input, ASY_UNCHECKED},
      {0},
  };
  asy_def_natives(vm, NULL, builtins, fns);
}

int asy_flush_stdout_at_exit(VM *vm, int status) {
  (void)vm;
  if (fflush(stdout) == 0) return status;
  int err = errno;
  clearerr(stdout);
  /* CPython's final flush failing: reported as an ignored exception, status 120. */
  fprintf(stderr, "Exception ignored on flushing sys.stdout:\n%s: [Errno %d] %s\n",
          err == EPIPE ? "BrokenPipeError" : "OSError", err, strerror(err));
  return 120;
}
