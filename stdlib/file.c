/*
** file.c — open() and file objects (ObjFile over a C stdio stream).
**
** Text files (class TextIOWrapper, module _io) read and write str, encoded as the file's
** encoding (UTF-8 by default, as CPython's UTF-8 mode; ascii and latin-1 too) with its
** errors= handler; newline= works as in CPython (None: universal newlines translated to
** "\n"; '': universal, kept; "\n", "\r", "\r\n": that terminator, and written for "\n").
** Binary files (BufferedReader / BufferedWriter / BufferedRandom) read and write bytes.
** open() takes a str, bytes or os.PathLike name, or a descriptor (closefd=). sys.stdin/stdout/stderr are ObjFiles marked `borrowed`, so closing or
** collecting them never fcloses the process's streams.
**
** Errors follow CPython: FileNotFoundError "[Errno 2] No such file or directory: 'x'"
** (an OSError subclass built from errno), "I/O operation on closed file.",
** io.UnsupportedOperation "not readable" / "not writable".
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm/gil.h"
#include "stdlib/asy_stdlib.h"
#include "vm/trace.h"
#include "vm/except.h"
#include "vm/gc.h"
#include "vm/obj/bytes.h"
#include "vm/obj/str.h"

#define AS_FILE(v) ((ObjFile *)AS_OBJ(v))

/* Mode flags parsed from the mode string. */
enum { FM_READ = 1, FM_WRITE = 2, FM_APPEND = 4, FM_CREATE = 8, FM_PLUS = 16, FM_BINARY = 32 };

static int file_flags(ObjFile *f) {
  int fl = 0;
  for (const char *p = f->mode ? f->mode->chars : "r"; *p; p++) {
    switch (*p) {
    case 'r': fl |= FM_READ; break;
    case 'w': fl |= FM_WRITE; break;
    case 'a': fl |= FM_APPEND; break;
    case 'x': fl |= FM_CREATE; break;
    case '+': fl |= FM_PLUS; break;
    case 'b': fl |= FM_BINARY; break;
    }
  }
  return fl;
}

static bool readable(ObjFile *f) {
  int fl = file_flags(f);
  return (fl & FM_READ) || (fl & FM_PLUS);
}

static bool writable(ObjFile *f) {
  int fl = file_flags(f);
  return (fl & (FM_WRITE | FM_APPEND | FM_CREATE)) || (fl & FM_PLUS);
}

/* The errors= handlers a text file accepts (ObjFile.errors indexes this). */
static const char *const error_handlers[] = {"strict",           "ignore",
                                             "replace",          "surrogateescape",
                                             "backslashreplace", "xmlcharrefreplace",
                                             "namereplace",      "surrogatepass"};
#define N_ERROR_HANDLERS (sizeof error_handlers / sizeof error_handlers[0])

/* newline= policies (ObjFile.newline): None (universal, translated), '' (universal, kept),
** and the three single terminators. */
enum { NL_UNIVERSAL, NL_KEEP, NL_LF, NL_CR, NL_CRLF };

static const char *file_encoding(ObjFile *f) { return f->encoding ? f->encoding->chars : "utf-8"; }

/* ascii and latin-1 read one byte per character; the other encodings are UTF-8. */
static bool single_byte(ObjFile *f) {
  const char *e = file_encoding(f);
  return (e[0] | 0x20) == 'a' || e[0] == 'l' || (e[0] | 0x20) == 'i' || !strcmp(e, "us-ascii");
}

static Value unsupported(VM *vm, const char *msg) {
  Value cls = vm->stdlib->unsupported_operation;
  return asy_raise(vm, IS_CLASS(cls) ? AS_CLASS(cls) : vm->exc.OSError, "%s", msg);
}

/* Switching from writing to reading on an update ('+') stream needs a seek in C. */
static void sync_update(ObjFile *f) {
  if (f->fp && !f->borrowed && (file_flags(f) & FM_PLUS)) fseek((FILE *)f->fp, 0, SEEK_CUR);
}

static bool check_open(VM *vm, ObjFile *f) {
  if (!f->closed && f->fp) return true;
  asy_raise(vm, vm->exc.ValueError, "I/O operation on closed file.");
  return false;
}

/* The file object for a method call (args[0]), checked. */
static ObjFile *self_file(VM *vm, int argc, Value *args, const char *name) {
  if (argc < 1 || !IS_OBJ_TYPE(args[0], OBJ_FILE)) {
    asy_raise(vm, vm->exc.TypeError, "descriptor '%s' requires a file object", name);
    return NULL;
  }
  return AS_FILE(args[0]);
}

/* self_file for write() and writelines(), which take exactly one positional argument. */
static ObjFile *self_file_one_arg(VM *vm, int argc, Value *args, ObjDict *kw, const char *name) {
  ObjFile *f = self_file(vm, argc, args, name);
  if (!f || !asy_no_kw(vm, name, kw)) return NULL;
  if (argc == 2) return f;
  asy_raise(vm, vm->exc.TypeError, "%s() takes exactly one argument (%d given)", name, argc - 1);
  return NULL;
}

bool asy_file_write_raw(VM *vm, ObjFile *f, const char *data, size_t n) {
  if (!check_open(vm, f)) return false;
  if (!writable(f)) {
    unsupported(vm, "not writable");
    return false;
  }
  FILE *fp = (FILE *)f->fp;
  if (vm->trace && (fp == stdout || fp == stderr)) asy_trace_console(vm, fp == stdout);
  if (vm->before_console_write && (fp == stdout || fp == stderr)) vm->before_console_write(vm);
  /* Output written to stdout earlier must come first when both streams share a file
  ** or pipe, as it does under CPython (`asy x.asy > log 2>&1`). */
  if (fp == stderr) fflush(stdout);
  /* C requires a positioning call between reads and writes on an update stream. */
  if (file_flags(f) & FM_PLUS) fseek(fp, 0, SEEK_CUR);
  AsyThreadState *held = asy_gil_release(vm);
  size_t written = n ? fwrite(data, 1, n, fp) : 0;
  int err = errno;
  asy_gil_restore(vm, held);
  if (written != n) {
    clearerr(fp);
    asy_raise_errno(vm, err ? err : EIO, NULL);
    return false;
  }
  return true;
}

/* Text decoding of raw bytes: newline translation (newline=None) then the file's
** encoding and errors handler. */
static Value decode_text(VM *vm, ObjFile *f, char *data, size_t n) {
  size_t j = n;
  if (f->newline == NL_UNIVERSAL) {
    j = 0;
    for (size_t i = 0; i < n; i++) {
      if (data[i] == '\r') {
        data[j++] = '\n';
        if (i + 1 < n && data[i + 1] == '\n') i++;
      } else {
        data[j++] = data[i];
      }
    }
  }
  return asy_bytes_decode(vm, (const uint8_t *)data, j, file_encoding(f),
                          error_handlers[f->errors]);
}

/* Double a malloc'd buffer's capacity: the moved buffer, or NULL with the old one freed. */
static char *grow_buffer(char *buf, size_t *cap) {
  char *nb = realloc(buf, *cap * 2);
  if (nb) *cap *= 2;
  else free(buf);
  return nb;
}

/* Read up to `limit` bytes (all when limit < 0) into a malloc'd buffer. */
static char *read_bytes(FILE *fp, int64_t limit, size_t *out_n) {
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (limit >= 0 && n >= (size_t)limit) break;
    if (n == cap && !(buf = grow_buffer(buf, &cap))) return NULL;
    size_t want = cap - n;
    if (limit >= 0 && want > (size_t)limit - n) want = (size_t)limit - n;
    size_t got = fread(buf + n, 1, want, fp);
    n += got;
    if (got < want) break;
  }
  *out_n = n;
  return buf;
}

/* Read `count` code points of text (UTF-8 aware unless one byte per character), raw
** bytes in a malloc'd buffer; "\r\n" is one character when newline=None translates it. */
static char *read_chars(ObjFile *f, int64_t count, size_t *out_n) {
  FILE *fp = (FILE *)f->fp;
  bool sb = single_byte(f);
  size_t cap = 256, n = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  for (int64_t got = 0; got < count;) {
    int c = getc(fp);
    if (c == EOF) break;
    int extra = sb                   ? 0
                : (c & 0xE0) == 0xC0 ? 1
                : (c & 0xF0) == 0xE0 ? 2
                : (c & 0xF8) == 0xF0 ? 3
                                     : 0;
    if (n + 8 > cap && !(buf = grow_buffer(buf, &cap))) return NULL;
    buf[n++] = (char)c;
    for (int k = 0; k < extra; k++) {
      int d = getc(fp);
      if (d == EOF) break;
      buf[n++] = (char)d;
    }
    if (c == '\r' && f->newline == NL_UNIVERSAL) {
      int d = getc(fp);
      if (d == '\n') buf[n++] = '\n';
      else if (d != EOF) ungetc(d, fp);
    }
    got++;
  }
  *out_n = n;
  return buf;
}

Value asy_file_read_all(VM *vm, ObjFile *f) {
  if (!check_open(vm, f)) return EXC_VAL;
  if (!readable(f)) return unsupported(vm, "not readable");
  sync_update(f);
  size_t n;
  AsyThreadState *held = asy_gil_release(vm); /* other threads run while this blocks */
  char *buf = read_bytes((FILE *)f->fp, -1, &n);
  asy_gil_restore(vm, held);
  if (!buf) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  Value r =
      f->binary ? OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)buf, n)) : decode_text(vm, f, buf, n);
  free(buf);
  return r;
}

static bool size_arg(VM *vm, int argc, Value *args, int64_t *size) {
  *size = -1;
  if (argc < 2 || IS_NONE(args[1])) return true;
  if (!IS_INTLIKE(args[1])) {
    asy_raise(vm, vm->exc.TypeError, "argument should be integer or None, not '%s'",
              asy_type_name(vm, args[1]));
    return false;
  }
  *size = AS_INTLIKE(args[1]);
  return true;
}

static Value f_read(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "read");
  if (!f || !asy_no_kw(vm, "read", kw)) return EXC_VAL;
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError, "read expected at most 1 argument, got %d", argc - 1);
  int64_t size;
  if (!size_arg(vm, argc, args, &size)) return EXC_VAL;
  if (size < 0) return asy_file_read_all(vm, f);
  if (!check_open(vm, f)) return EXC_VAL;
  if (!readable(f)) return unsupported(vm, "not readable");
  sync_update(f);
  size_t n;
  AsyThreadState *held = asy_gil_release(vm);
  char *buf = f->binary ? read_bytes((FILE *)f->fp, size, &n) : read_chars(f, size, &n);
  asy_gil_restore(vm, held);
  if (!buf) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  Value r =
      f->binary ? OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)buf, n)) : decode_text(vm, f, buf, n);
  free(buf);
  return r;
}

/* One line (with its newline), "" / b"" at EOF; limit < 0 for no limit. */
static Value read_one_line(VM *vm, ObjFile *f, int64_t limit) {
  FILE *fp = (FILE *)f->fp;
  size_t cap = 128, n = 0;
  char *buf = malloc(cap);
  if (!buf) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  int64_t chars = 0;
  bool sb = !f->binary && single_byte(f);
  int nl = f->binary ? NL_LF : f->newline;
  for (;;) {
    if (limit >= 0 && chars >= limit) break;
    int c = getc(fp);
    if (c == EOF) break;
    if (n + 2 > cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (!nb) {
        free(buf);
        return asy_raise(vm, vm->exc.MemoryError, "out of memory");
      }
      buf = nb;
    }
    buf[n++] = (char)c;
    if (f->binary || sb || (c & 0xC0) != 0x80) chars++;
    if (c == '\n' && nl != NL_CR && nl != NL_CRLF) break;
    if (c == '\r' && nl != NL_LF) {
      if (nl == NL_CR) break;
      int d = getc(fp);
      if (d == '\n') buf[n++] = '\n';
      else if (d != EOF) ungetc(d, fp);
      if (d == '\n' || nl != NL_CRLF) break;
    }
  }
  /* finish a UTF-8 sequence cut by the limit */
  while (!f->binary && !sb && limit >= 0 && n > 0) {
    int d = getc(fp);
    if (d == EOF) break;
    if ((d & 0xC0) != 0x80) {
      ungetc(d, fp);
      break;
    }
    if (n + 2 > cap) break;
    buf[n++] = (char)d;
  }
  Value r =
      f->binary ? OBJ_VAL(asy_bytes_new(vm, (const uint8_t *)buf, n)) : decode_text(vm, f, buf, n);
  free(buf);
  return r;
}

static Value f_readline(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "readline");
  if (!f || !asy_no_kw(vm, "readline", kw)) return EXC_VAL;
  int64_t size;
  if (!size_arg(vm, argc, args, &size)) return EXC_VAL;
  if (!check_open(vm, f)) return EXC_VAL;
  if (!readable(f)) return unsupported(vm, "not readable");
  sync_update(f);
  return read_one_line(vm, f, size);
}

static Value f_readlines(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "readlines");
  if (!f || !asy_no_kw(vm, "readlines", kw)) return EXC_VAL;
  if (!check_open(vm, f)) return EXC_VAL;
  if (!readable(f)) return unsupported(vm, "not readable");
  sync_update(f);
  ObjList *l = asy_list_new(vm, 0);
  for (;;) {
    Value line = read_one_line(vm, f, -1);
    if (IS_EXC(line)) return line;
    size_t sz = IS_STR(line) ? AS_STR(line)->size : AS_BYTES(line)->size;
    if (sz == 0) break;
    asy_list_append(vm, l, line);
  }
  return OBJ_VAL(l);
}

/* write(s): the number of characters (text) or bytes (binary) written. */
static Value f_write(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file_one_arg(vm, argc, args, kw, "write");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  Value v = args[1];
  if (f->binary) {
    if (!IS_BYTES(v))
      return asy_raise(vm, vm->exc.TypeError, "a bytes-like object is required, not '%s'",
                       asy_type_name(vm, v));
    ObjBytes *b = AS_BYTES(v);
    if (!asy_file_write_raw(vm, f, (const char *)b->data, b->size)) return EXC_VAL;
    return INT_VAL((int64_t)b->size);
  }
  if (!IS_STR(v))
    return asy_raise(vm, vm->exc.TypeError, "write() argument must be str, not %s",
                     asy_arg_type_name(vm, v));
  ObjStr *s = AS_STR(v);
  int64_t length = (int64_t)s->length;
  if ((f->newline == NL_CR || f->newline == NL_CRLF) && memchr(s->chars, '\n', s->size)) {
    AsyBuf b;
    asy_buf_init(&b, vm);
    for (size_t i = 0; i < s->size; i++) {
      if (s->chars[i] != '\n') asy_buf_putc(&b, s->chars[i]);
      else asy_buf_puts(&b, f->newline == NL_CR ? "\r" : "\r\n");
    }
    s = asy_buf_to_str(&b);
  }
  const char *enc = file_encoding(f);
  if (s->size != s->length && strcmp(enc, "utf-8") != 0 && strcmp(enc, "utf8") != 0 &&
      strcmp(enc, "UTF-8") != 0) {
    Value b = asy_str_encode(vm, s, enc, error_handlers[f->errors]);
    if (IS_EXC(b)) return b;
    if (!asy_file_write_raw(vm, f, (const char *)AS_BYTES(b)->data, AS_BYTES(b)->size))
      return EXC_VAL;
  } else if (!asy_file_write_raw(vm, f, s->chars, s->size)) {
    return EXC_VAL;
  }
  return INT_VAL(length);
}

static Value f_writelines(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file_one_arg(vm, argc, args, kw, "writelines");
  if (!f) return EXC_VAL;
  Value it = asy_iter(vm, args[1]);
  if (IS_EXC(it)) return it;
  for (;;) {
    Value v = asy_next(vm, it);
    if (IS_EXC(v)) return v;
    if (IS_UNDEF(v)) return NONE_VAL;
    Value wa[2] = {args[0], v};
    Value r = f_write(vm, 2, wa, NULL);
    if (IS_EXC(r)) return r;
  }
}

static Value f_close(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "close");
  if (!f) return EXC_VAL;
  if (f->closed) return NONE_VAL;
  f->closed = true;
  if (f->fp) {
    FILE *fp = (FILE *)f->fp;
    int rc = f->borrowed ? fflush(fp) : fclose(fp);
    if (!f->borrowed) f->fp = NULL;
    if (rc != 0) return asy_raise_errno(vm, errno ? errno : EIO, NULL);
  }
  return NONE_VAL;
}

static Value f_flush(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "flush");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  fflush((FILE *)f->fp);
  return NONE_VAL;
}

static Value f_enter(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "__enter__");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  return args[0];
}

static Value f_exit(VM *vm, int argc, Value *args, ObjDict *kw) {
  Value r = f_close(vm, argc > 0 ? 1 : 0, args, NULL);
  return IS_EXC(r) ? r : NONE_VAL;
}

static Value f_iter(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "__iter__");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  return args[0];
}

static Value f_next(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "__next__");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  if (!readable(f)) return unsupported(vm, "not readable");
  sync_update(f);
  Value line = read_one_line(vm, f, -1);
  if (IS_EXC(line)) return line;
  size_t sz = IS_STR(line) ? AS_STR(line)->size : AS_BYTES(line)->size;
  if (sz == 0) {
    Value e = asy_new_exception(vm, vm->exc.StopIteration, 0, NULL);
    if (IS_EXC(e)) return e;
    return asy_raise_value(vm, e);
  }
  return line;
}

static Value f_readable(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "readable");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  return BOOL_VAL(readable(f));
}

static Value f_writable(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "writable");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  return BOOL_VAL(writable(f));
}

static Value f_fileno(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "fileno");
  if (!f) return EXC_VAL;
  if (f->closed || !f->fp) return asy_raise(vm, vm->exc.ValueError, "I/O operation on closed file");
  return INT_VAL(fileno((FILE *)f->fp));
}

static Value f_isatty(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "isatty");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  return BOOL_VAL(isatty(fileno((FILE *)f->fp)));
}

static Value f_seekable(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "seekable");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  return BOOL_VAL(!f->borrowed);
}

static Value f_tell(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "tell");
  if (!f || !check_open(vm, f)) return EXC_VAL;
  long pos = ftell((FILE *)f->fp);
  if (pos < 0) return asy_raise_errno(vm, errno, NULL);
  return INT_VAL(pos);
}

static Value f_seek(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "seek");
  if (!f || !asy_no_kw(vm, "seek", kw)) return EXC_VAL;
  if (argc < 2 || argc > 3)
    return asy_raise(vm, vm->exc.TypeError, "seek expected at least 1 argument, got %d", argc - 1);
  if (!check_open(vm, f)) return EXC_VAL;
  int64_t off, whence = 0;
  if (!asy_index(vm, args[1], &off)) return EXC_VAL;
  if (argc == 3 && !asy_index(vm, args[2], &whence)) return EXC_VAL;
  if (whence < 0 || whence > 2)
    return asy_raise(vm, vm->exc.ValueError, "invalid whence (%lld, should be 0, 1 or 2)",
                     (long long)whence);
  if (!f->binary && whence != 0 && off != 0)
    return unsupported(vm, whence == 1 ? "can't do nonzero cur-relative seeks"
                                       : "can't do nonzero end-relative seeks");
  int w = whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : SEEK_END;
  if (fseek((FILE *)f->fp, (long)off, w) != 0) return asy_raise_errno(vm, errno, NULL);
  return INT_VAL(ftell((FILE *)f->fp));
}

/* truncate(size=None): cut (or extend) the file at size or at the current position. */
static Value f_truncate(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "truncate");
  if (!f || !asy_no_kw(vm, "truncate", kw)) return EXC_VAL;
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError, "truncate expected at most 1 argument, got %d",
                     argc - 1);
  if (!check_open(vm, f)) return EXC_VAL;
  if (!writable(f)) return unsupported(vm, f->binary ? "File not open for writing" : "truncate");
  FILE *fp = (FILE *)f->fp;
  fflush(fp);
  int64_t size;
  if (argc == 2 && !IS_NONE(args[1])) {
    if (!asy_index(vm, args[1], &size)) return EXC_VAL;
    if (size < 0)
      return asy_raise(vm, vm->exc.ValueError, "negative size value %lld", (long long)size);
  } else {
    size = ftell(fp);
  }
  if (ftruncate(fileno(fp), (off_t)size) != 0) return asy_raise_errno(vm, errno, NULL);
  return INT_VAL(size);
}

/* Attributes (read-only properties): name, mode, closed, encoding, errors, newlines. */
static Value f_get_name(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "name");
  if (f && f->fd_name) return INT_VAL(atoll(f->name->chars));
  return f ? (f->name ? OBJ_VAL(f->name) : NONE_VAL) : EXC_VAL;
}
static Value f_get_errors(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "errors");
  return f ? STR_VAL(vm, error_handlers[f->errors]) : EXC_VAL;
}
static Value f_get_newlines(VM *vm, int argc, Value *args, ObjDict *kw) { return NONE_VAL; }
static Value f_get_mode(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "mode");
  return f ? (f->mode ? OBJ_VAL(f->mode) : NONE_VAL) : EXC_VAL;
}
static Value f_get_closed(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "closed");
  return f ? BOOL_VAL(f->closed) : EXC_VAL;
}
static Value f_get_encoding(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "encoding");
  if (!f) return EXC_VAL;
  if (f->binary)
    return asy_raise(vm, vm->exc.AttributeError, "'%s' object has no attribute 'encoding'",
                     asy_type_name(vm, args[0]));
  return f->encoding ? OBJ_VAL(f->encoding) : STR_VAL(vm, "utf-8");
}

static Value f_repr(VM *vm, int argc, Value *args, ObjDict *kw) {
  ObjFile *f = self_file(vm, argc, args, "__repr__");
  if (!f) return EXC_VAL;
  AsyBuf b;
  asy_buf_init(&b, vm);
  asy_buf_printf(&b, "<%s", asy_type_name(vm, args[0]));
  if (f->name) {
    asy_buf_puts(&b, " name=");
    if (f->fd_name) asy_buf_put_str(&b, f->name);
    else asy_str_repr_to(&b, f->name);
  }
  if (!f->binary) {
    if (f->mode) {
      asy_buf_puts(&b, " mode=");
      asy_str_repr_to(&b, f->mode);
    }
    asy_buf_puts(&b, " encoding=");
    ObjStr *enc = f->encoding;
    if (enc) asy_str_repr_to(&b, enc);
    else asy_buf_puts(&b, "'utf-8'");
  }
  asy_buf_putc(&b, '>');
  return OBJ_VAL(asy_buf_to_str(&b));
}

static void def_file_methods(VM *vm, ObjClass *c) {
#define UNCHECKED ASY_UNCHECKED
  /* clang-format off */
  static const AsyMethodDef methods[] = {
    {"read", f_read, UNCHECKED}, {"readline", f_readline, UNCHECKED},
    {"readlines", f_readlines, UNCHECKED}, {"write", f_write, UNCHECKED},
    {"writelines", f_writelines, UNCHECKED}, {"close", f_close, UNCHECKED},
    {"flush", f_flush, UNCHECKED}, {"__enter__", f_enter, UNCHECKED},
    {"__exit__", f_exit, UNCHECKED}, {"__iter__", f_iter, UNCHECKED},
    {"__next__", f_next, UNCHECKED}, {"readable", f_readable, UNCHECKED},
    {"writable", f_writable, UNCHECKED}, {"fileno", f_fileno, UNCHECKED},
    {"isatty", f_isatty, UNCHECKED}, {"seekable", f_seekable, UNCHECKED},
    {"tell", f_tell, UNCHECKED}, {"seek", f_seek, UNCHECKED}, {"__repr__", f_repr, UNCHECKED},
    {"truncate", f_truncate, UNCHECKED},
    {0},
  };
  /* clang-format on */
#undef UNCHECKED
  asy_def_natives(vm, c, NULL, methods);
  asy_def_getset(vm, c, "name", f_get_name, NULL);
  asy_def_getset(vm, c, "mode", f_get_mode, NULL);
  asy_def_getset(vm, c, "closed", f_get_closed, NULL);
  if (c == vm->types.file) {
    asy_def_getset(vm, c, "encoding", f_get_encoding, NULL);
    asy_def_getset(vm, c, "errors", f_get_errors, NULL);
    asy_def_getset(vm, c, "newlines", f_get_newlines, NULL);
  }
}

static ObjFile *new_file(VM *vm, ObjClass *cls, FILE *fp, ObjStr *name, ObjStr *mode, bool binary) {
  ObjFile *f = (ObjFile *)asy_alloc_obj(vm, sizeof(ObjFile), OBJ_FILE, cls);
  f->name = name;
  f->mode = mode;
  f->binary = binary;
  f->fp = fp;
  return f;
}

Value asy_file_wrap(VM *vm, FILE *fp, const char *name, const char *mode) {
  ObjStr *n = asy_str_cstr(vm, name);
  ObjStr *m = asy_str_cstr(vm, mode);
  ObjFile *f = new_file(vm, vm->types.file, fp, n, m, false);
  f->borrowed = true;
  f->encoding = asy_str_cstr(vm, "utf-8");
  return OBJ_VAL(f);
}

/* Normalise an encoding name; false if unsupported. */
static bool known_encoding(const char *e) {
  static const char *const ok[] = {"utf-8",  "utf8",       "UTF-8",      "UTF8",      "utf_8",
                                   "U8",     "ascii",      "ASCII",      "us-ascii",  "latin-1",
                                   "latin1", "iso-8859-1", "ISO-8859-1", "iso8859-1", "l1"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
    if (strcmp(e, ok[i]) == 0) return true;
  return false;
}

/* open()'s newline= argument: the NL_* policy, or -1 with the error raised. */
static int newline_arg(VM *vm, Value v) {
  if (IS_UNDEF(v) || IS_NONE(v)) return NL_UNIVERSAL;
  if (!IS_STR(v)) {
    asy_raise(vm, vm->exc.TypeError, "open() argument 'newline' must be str or None, not %s",
              asy_arg_type_name(vm, v));
    return -1;
  }
  const char *n = AS_STR(v)->chars;
  if (AS_STR(v)->size == strlen(n)) {
    if (!*n) return NL_KEEP;
    if (!strcmp(n, "\n")) return NL_LF;
    if (!strcmp(n, "\r")) return NL_CR;
    if (!strcmp(n, "\r\n")) return NL_CRLF;
  }
  Value r = asy_repr(vm, v);
  if (IS_EXC(r)) return -1;
  asy_raise(vm, vm->exc.ValueError, "illegal newline value: %s", AS_STR(v)->chars);
  return -1;
}

/* open()'s errors= argument: an index in error_handlers, or -1 with the error raised. */
static int errors_arg(VM *vm, Value v) {
  if (IS_UNDEF(v) || IS_NONE(v)) return 0;
  if (!IS_STR(v)) {
    asy_raise(vm, vm->exc.TypeError, "open() argument 'errors' must be str or None, not %s",
              asy_arg_type_name(vm, v));
    return -1;
  }
  for (size_t i = 0; i < N_ERROR_HANDLERS; i++)
    if (!strcmp(AS_STR(v)->chars, error_handlers[i])) return (int)i;
  asy_raise(vm, vm->exc.LookupError, "unknown error handler name '%s'", AS_STR(v)->chars);
  return -1;
}

static Value bi_open(VM *vm, int argc, Value *args, ObjDict *kw) {
  static const char *const names[] = {"file",   "mode",    "buffering", "encoding",
                                      "errors", "newline", "closefd",   "opener"};
  Value a[8];
  if (!asy_std_bind(vm, "open", argc, args, kw, names, 8, 0, 1, a)) return EXC_VAL;
  Value file = a[0];
  bool from_fd = false;
  int64_t fd = -1;
  if (IS_INTLIKE(file) && !IS_BOOL(file)) {
    from_fd = true;
    fd = AS_INTLIKE(file);
    if (fd < 0) return asy_raise(vm, vm->exc.ValueError, "negative file descriptor");
  } else {
    file = asy_fspath(vm, file);
    if (IS_EXC(file)) return file;
  }
  ObjStr *mode = asy_str_cstr(vm, "r");
  if (!IS_UNDEF(a[1])) {
    if (!IS_STR(a[1]))
      return asy_raise(vm, vm->exc.TypeError, "open() argument 'mode' must be str, not %s",
                       asy_arg_type_name(vm, a[1]));
    mode = AS_STR(a[1]);
  }
  /* Validate the mode as _io.open does. */
  int fl = 0, nrw = 0;
  for (size_t i = 0; i < mode->size; i++) {
    char c = mode->chars[i];
    int bit = c == 'r'   ? FM_READ
              : c == 'w' ? FM_WRITE
              : c == 'a' ? FM_APPEND
              : c == 'x' ? FM_CREATE
              : c == '+' ? FM_PLUS
              : c == 'b' ? FM_BINARY
              : c == 't' ? 64
                         : 0;
    if (!bit || (fl & bit))
      return asy_raise(vm, vm->exc.ValueError, "invalid mode: '%s'", mode->chars);
    fl |= bit;
    if (bit & (FM_READ | FM_WRITE | FM_APPEND | FM_CREATE)) nrw++;
  }
  if ((fl & 64) && (fl & FM_BINARY))
    return asy_raise(vm, vm->exc.ValueError, "can't have text and binary mode at once");
  if (nrw != 1)
    return asy_raise(vm, vm->exc.ValueError,
                     "must have exactly one of create/read/write/append mode");
  bool binary = (fl & FM_BINARY) != 0;
  ObjStr *encoding = NULL;
  if (!IS_UNDEF(a[3]) && !IS_NONE(a[3])) {
    if (!IS_STR(a[3]))
      return asy_raise(vm, vm->exc.TypeError,
                       "open() argument 'encoding' must be str or None, not %s",
                       asy_type_name(vm, a[3]));
    if (binary)
      return asy_raise(vm, vm->exc.ValueError, "binary mode doesn't take an encoding argument");
    encoding = AS_STR(a[3]);
    if (!known_encoding(encoding->chars))
      return asy_raise(vm, vm->exc.LookupError, "unknown encoding: %s", encoding->chars);
  }
  if (binary && !IS_UNDEF(a[4]) && !IS_NONE(a[4]))
    return asy_raise(vm, vm->exc.ValueError, "binary mode doesn't take an errors argument");
  if (binary && !IS_UNDEF(a[5]) && !IS_NONE(a[5]))
    return asy_raise(vm, vm->exc.ValueError, "binary mode doesn't take a newline argument");
  int errors = errors_arg(vm, a[4]);
  int newline = newline_arg(vm, a[5]);
  if (errors < 0 || newline < 0) return EXC_VAL;
  bool closefd = IS_UNDEF(a[6]) || asy_truthy(vm, a[6]);
  if (!closefd && !from_fd)
    return asy_raise(vm, vm->exc.ValueError, "Cannot use closefd=False with file name");
  char cmode[8];
  int n = 0;
  if (fl & FM_READ) cmode[n++] = 'r';
  else if (fl & FM_WRITE) cmode[n++] = 'w';
  else if (fl & FM_APPEND) cmode[n++] = 'a';
  else cmode[n++] = 'w';
  if (fl & FM_PLUS) cmode[n++] = '+';
  cmode[n++] = 'b';
  if ((fl & FM_CREATE) && !from_fd) cmode[n++] = 'x';
  cmode[n] = '\0';
  ObjStr *path;
  FILE *fp;
  if (from_fd) {
    path = asy_str_printf(vm, "%lld", (long long)fd);
    fp = fdopen((int)fd, cmode);
    if (!fp) return asy_raise_errno(vm, errno, NULL);
  } else {
    if (IS_BYTES(file)) {
      file = asy_bytes_decode(vm, AS_BYTES(file)->data, AS_BYTES(file)->size, "utf-8",
                              "surrogateescape");
      if (IS_EXC(file)) return file;
    }
    path = AS_STR(file);
    if (strlen(path->chars) != path->size)
      return asy_raise(vm, vm->exc.ValueError, "embedded null character");
    fp = fopen(path->chars, cmode);
    if (!fp) return asy_raise_errno(vm, errno, path);
  }
  struct stat sb;
  if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
    if (from_fd && !closefd) fflush(fp);
    else fclose(fp);
    return asy_raise_errno(vm, EISDIR, from_fd ? NULL : path);
  }
  ObjClass *cls = vm->types.file;
  if (binary) cls = vm->stdlib->file_classes[(fl & FM_PLUS) ? 2 : (fl & FM_READ) ? 0 : 1];
  ObjFile *f = new_file(vm, cls, fp, path, mode, binary);
  f->encoding = encoding;
  f->errors = (uint8_t)errors;
  f->newline = (uint8_t)newline;
  f->fd_name = from_fd;
  f->borrowed = !closefd;
  return OBJ_VAL(f);
}

void asy_file_init(VM *vm, ObjDict *builtins) {
  ObjStr *io = asy_str_intern(vm, "_io", 3);
  vm->types.file->module = OBJ_VAL(io);
  vm->stdlib->file_classes[0] =
      asy_std_class(vm, "BufferedReader", "_io", vm->types.object, OBJ_FILE);
  vm->stdlib->file_classes[1] =
      asy_std_class(vm, "BufferedWriter", "_io", vm->types.object, OBJ_FILE);
  vm->stdlib->file_classes[2] =
      asy_std_class(vm, "BufferedRandom", "_io", vm->types.object, OBJ_FILE);
  def_file_methods(vm, vm->types.file);
  asy_class_set_c_name(vm, vm->types.file, "_io");
  for (int i = 0; i < 3; i++) {
    def_file_methods(vm, vm->stdlib->file_classes[i]);
    asy_class_set_c_name(vm, vm->stdlib->file_classes[i], "_io");
  }
  /* io.UnsupportedOperation derives from OSError and ValueError in CPython; single
  ** inheritance here keeps OSError. */
  vm->stdlib->unsupported_operation =
      OBJ_VAL(asy_std_class(vm, "UnsupportedOperation", "io", vm->exc.OSError, OBJ_EXCEPTION));
  static const AsyMethodDef fns[] = {{"open", bi_open, ASY_UNCHECKED}, {0}};
  asy_def_natives(vm, NULL, builtins, fns);
}

/* The `_io` module: what io.asy re-exports from C. */
Value asy_mod_io_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjDict *d = AS_MODULE(args[0])->dict;
  asy_def_value(vm, d, "open", asy_dict_get_str(vm->builtins, asy_str_intern(vm, "open", 4)));
  asy_def_value(vm, d, "TextIOWrapper", OBJ_VAL(vm->types.file));
  asy_def_value(vm, d, "BufferedReader", OBJ_VAL(vm->stdlib->file_classes[0]));
  asy_def_value(vm, d, "BufferedWriter", OBJ_VAL(vm->stdlib->file_classes[1]));
  asy_def_value(vm, d, "BufferedRandom", OBJ_VAL(vm->stdlib->file_classes[2]));
  asy_def_value(vm, d, "UnsupportedOperation", vm->stdlib->unsupported_operation);
  return NONE_VAL;
}
