/*
** codefile.c — code objects to bytes and back (see codefile.h).
*/
#include <stdlib.h>
#include <string.h>

#include "vm/codefile.h"
#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/complex.h"

#define CODEFILE_MAGIC 0x43595341u /* "ASYC" */
#define CODEFILE_VERSION 1u

/* T_STR carries a new string (it gets the next number); T_STR_REF repeats one by its
** number, so each name is hashed and interned once per file. */
enum {
  T_NONE = 'N',
  T_TRUE = 'T',
  T_FALSE = 'F',
  T_INT = 'I',
  T_FLOAT = 'D',
  T_STR = 'S',
  T_STR_REF = 'R',
  T_BYTES = 'B',
  T_TUPLE = 'U',
  T_CODE = 'C',
  T_ELLIPSIS = 'E',
  T_FROZENSET = 'Z',
  T_BIGINT = 'L', /* an int beyond int64: sign byte, then its hex digits as T_BYTES data */
  T_COMPLEX = 'J' /* a complex constant (an imaginary literal): two doubles */
};

/* ---- writing ------------------------------------------------------------------------ */

typedef struct {
  VM *vm;
  FILE *out;
  bool ok;
  ObjDict *strings; /* text -> its number */
} Writer;

static void put(Writer *w, const void *p, size_t n) {
  if (w->ok && n && fwrite(p, 1, n, w->out) != n) w->ok = false;
}
static void put_u32(Writer *w, uint32_t v) { put(w, &v, sizeof v); }
static void put_u8(Writer *w, uint8_t v) { put(w, &v, 1); }
static void put_str(Writer *w, ObjStr *s) {
  Value n = asy_dict_get(w->vm, w->strings, OBJ_VAL(s));
  if (IS_INT(n)) {
    put_u8(w, T_STR_REF);
    return put_u32(w, (uint32_t)AS_INT(n));
  }
  asy_dict_set(w->vm, w->strings, OBJ_VAL(s), INT_VAL((int64_t)w->strings->count));
  put_u8(w, T_STR);
  put_u32(w, (uint32_t)s->size);
  put(w, s->chars, s->size);
}

static void put_code(Writer *w, ObjCode *co);

static void put_value(Writer *w, Value v) {
  VM *vm = w->vm;
  if (IS_NONE(v)) return put_u8(w, T_NONE);
  if (IS_BOOL(v)) return put_u8(w, AS_BOOL(v) ? T_TRUE : T_FALSE);
  if (IS_INT(v)) {
    int64_t i = AS_INT(v);
    put_u8(w, T_INT);
    return put(w, &i, sizeof i);
  }
  if (IS_BIGINT(v)) {
    size_t n;
    bool neg;
    char *digits = asy_int_digits_alloc(vm, v, 16, false, &n, &neg); /* no limit in hex */
    put_u8(w, T_BIGINT);
    put_u8(w, neg);
    put_u32(w, (uint32_t)n);
    put(w, digits, n);
    free(digits);
    return;
  }
  if (IS_FLOAT(v)) {
    double d = AS_FLOAT(v);
    put_u8(w, T_FLOAT);
    return put(w, &d, sizeof d);
  }
  if (asy_is_complex(vm, v)) {
    double parts[2];
    asy_complex_parts(v, &parts[0], &parts[1]);
    put_u8(w, T_COMPLEX);
    return put(w, parts, sizeof parts);
  }
  if (IS_STR(v)) return put_str(w, AS_STR(v));
  if (IS_OBJ_TYPE(v, OBJ_BYTES)) {
    ObjBytes *b = (ObjBytes *)AS_OBJ(v);
    put_u8(w, T_BYTES);
    put_u32(w, (uint32_t)b->size);
    return put(w, b->data, b->size);
  }
  if (IS_TUPLE(v)) {
    ObjTuple *t = AS_TUPLE(v);
    put_u8(w, T_TUPLE);
    put_u32(w, (uint32_t)t->size);
    for (size_t i = 0; i < t->size; i++) put_value(w, t->items[i]);
    return;
  }
  if (IS_OBJ_TYPE(v, OBJ_CODE)) return put_code(w, (ObjCode *)AS_OBJ(v));
  if (IS_OBJ_TYPE(v, OBJ_SET) && AS_OBJ(v)->cls == vm->types.frozenset) {
    /* `x in {1, 2, 3}` folds to a frozenset constant: its items in table order. */
    ObjSet *set = (ObjSet *)AS_OBJ(v);
    put_u8(w, T_FROZENSET);
    put_u32(w, (uint32_t)set->used);
    for (size_t i = 0; set->table && i <= set->mask; i++)
      if (!IS_UNDEF(set->table[i].key) && !set->table[i].dummy) put_value(w, set->table[i].key);
    return;
  }
  if (IS_OBJ(v) && AS_OBJ(v) == AS_OBJ(vm->ellipsis)) return put_u8(w, T_ELLIPSIS);
  fprintf(stderr, "codefile: a constant of type %s cannot be written\n", asy_type_name(vm, v));
  w->ok = false;
}

static void put_code(Writer *w, ObjCode *co) {
  put_u8(w, T_CODE);
  int32_t ints[] = {co->argcount, co->posonlyargcount, co->kwonlyargcount,
                    co->flags,    co->nlocals,         co->ncells,
                    co->nfree,    co->stacksize,       co->firstline};
  put(w, ints, sizeof ints);
  put_str(w, co->name);
  put_str(w, co->qualname);
  put_str(w, co->filename);
  put_value(w, OBJ_VAL(co->varnames));
  put_u8(w, co->cell2arg != NULL);
  if (co->cell2arg) put(w, co->cell2arg, sizeof(int) * (size_t)co->ncells);
  put_u32(w, (uint32_t)co->nconsts);
  for (int i = 0; i < co->nconsts; i++) put_value(w, co->consts[i]);
  put_u32(w, (uint32_t)co->nnames);
  for (int i = 0; i < co->nnames; i++) put_str(w, co->names[i]);
  put_u32(w, (uint32_t)co->ncode);
  put(w, co->code, sizeof(uint32_t) * (size_t)co->ncode);
  put_u8(w, co->positions != NULL);
  if (co->positions) put(w, co->positions, sizeof(AsyPos) * (size_t)co->ncode);
  put_u32(w, (uint32_t)co->nexc);
  put(w, co->exctable, sizeof(ExcEntry) * (size_t)co->nexc);
}

bool asy_code_write(VM *vm, ObjCode *code, FILE *out) {
  Writer w = {vm, out, true, asy_dict_new(vm)};
  asy_push_root(vm, OBJ_VAL(w.strings));
  put_u32(&w, CODEFILE_MAGIC);
  put_u32(&w, CODEFILE_VERSION);
  put_code(&w, code);
  return w.ok;
}

/* ---- reading ------------------------------------------------------------------------ */

typedef struct {
  VM *vm;
  const unsigned char *p, *end;
  struct AsySource *source;
  bool ok;
  ObjList *strings; /* by number (rooted) */
} Reader;

static bool take(Reader *r, void *dst, size_t n) {
  if (!r->ok || (size_t)(r->end - r->p) < n) return r->ok = false;
  memcpy(dst, r->p, n);
  r->p += n;
  return true;
}
static uint32_t get_u32(Reader *r) {
  uint32_t v = 0;
  take(r, &v, sizeof v);
  return v;
}
static uint8_t get_u8(Reader *r) {
  uint8_t v = 0;
  take(r, &v, 1);
  return v;
}
/* A string after its tag has been read. */
static ObjStr *get_tagged_str(Reader *r, uint8_t tag) {
  uint32_t n = get_u32(r);
  if (!r->ok) return NULL;
  if (tag == T_STR_REF) {
    if (n >= r->strings->size) return r->ok = false, NULL;
    return AS_STR(r->strings->items[n]);
  }
  if (tag != T_STR || (size_t)(r->end - r->p) < n) return r->ok = false, NULL;
  ObjStr *s = asy_str_intern(r->vm, (const char *)r->p, n);
  r->p += n;
  asy_list_append(r->vm, r->strings, OBJ_VAL(s));
  return s;
}

static ObjStr *get_str(Reader *r) { return get_tagged_str(r, get_u8(r)); }

/* A raw array of n items of `size` bytes, in the VM's accounting (gc.c frees it). */
static void *get_array(Reader *r, size_t n, size_t size) {
  if (!n || !r->ok) return NULL;
  if ((size_t)(r->end - r->p) / size < n) {
    r->ok = false;
    return NULL;
  }
  void *a = asy_realloc(r->vm, NULL, 0, n * size);
  take(r, a, n * size);
  return a;
}

static ObjCode *get_code(Reader *r);

static Value get_value(Reader *r) {
  VM *vm = r->vm;
  uint8_t tag = get_u8(r);
  switch (tag) {
  case T_NONE: return NONE_VAL;
  case T_TRUE: return TRUE_VAL;
  case T_FALSE: return FALSE_VAL;
  case T_ELLIPSIS: return vm->ellipsis;
  case T_INT: {
    int64_t i = 0;
    take(r, &i, sizeof i);
    return INT_VAL(i);
  }
  case T_FLOAT: {
    double d = 0;
    take(r, &d, sizeof d);
    return FLOAT_VAL(d);
  }
  case T_COMPLEX: {
    double parts[2] = {0, 0};
    take(r, parts, sizeof parts);
    return asy_complex_new(r->vm, parts[0], parts[1]);
  }
  case T_STR:
  case T_STR_REF: {
    ObjStr *s = get_tagged_str(r, tag);
    return s ? OBJ_VAL(s) : NONE_VAL;
  }
  case T_BIGINT: {
    bool neg = get_u8(r) != 0;
    uint32_t n = get_u32(r);
    if (!r->ok || (size_t)(r->end - r->p) < n) break;
    char *digits = malloc((size_t)n + 1);
    if (!digits) abort();
    memcpy(digits, r->p, n);
    digits[n] = '\0';
    r->p += n;
    Value v = asy_int_from_digits(vm, digits, n, 16, neg);
    free(digits);
    if (IS_EXC(v)) break;
    asy_push_root(vm, v);
    return v;
  }
  case T_BYTES: {
    uint32_t n = get_u32(r);
    if (!r->ok || (size_t)(r->end - r->p) < n) break;
    ObjBytes *b = asy_bytes_new(vm, r->p, n);
    r->p += n;
    asy_push_root(vm, OBJ_VAL(b));
    return OBJ_VAL(b);
  }
  case T_TUPLE: {
    uint32_t n = get_u32(r);
    if (!r->ok || (size_t)(r->end - r->p) < n) break;
    ObjTuple *t = asy_tuple_new(vm, n);
    asy_push_root(vm, OBJ_VAL(t));
    for (uint32_t i = 0; i < n && r->ok; i++) t->items[i] = get_value(r);
    return OBJ_VAL(t);
  }
  case T_FROZENSET: {
    uint32_t n = get_u32(r);
    if (!r->ok || (size_t)(r->end - r->p) < n) break;
    ObjSet *set = asy_set_new(vm, vm->types.frozenset);
    asy_push_root(vm, OBJ_VAL(set));
    for (uint32_t i = 0; i < n && r->ok; i++) {
      Value item = get_value(r);
      if (r->ok && !asy_set_add(vm, set, item)) r->ok = false;
    }
    return OBJ_VAL(set);
  }
  case T_CODE: {
    ObjCode *co = get_code(r);
    return co ? OBJ_VAL(co) : NONE_VAL;
  }
  default: break;
  }
  r->ok = false;
  return NONE_VAL;
}

static ObjCode *get_code(Reader *r) {
  VM *vm = r->vm;
  int32_t ints[9];
  if (!take(r, ints, sizeof ints)) return NULL;
  ObjStr *name = get_str(r), *qualname = get_str(r), *filename = get_str(r);
  Value varnames = get_value(r);
  if (!r->ok || !IS_TUPLE(varnames)) return r->ok = false, NULL;
  ObjCode *co = (ObjCode *)asy_alloc_obj(vm, sizeof(ObjCode), OBJ_CODE, vm->types.code);
  co->argcount = ints[0];
  co->posonlyargcount = ints[1];
  co->kwonlyargcount = ints[2];
  co->flags = ints[3];
  co->nlocals = ints[4];
  co->ncells = ints[5];
  co->nfree = ints[6];
  co->stacksize = ints[7];
  asy_code_set_sizes(co);
  co->firstline = ints[8];
  co->name = name;
  co->qualname = qualname;
  co->filename = filename;
  co->source = r->source;
  co->varnames = AS_TUPLE(varnames);
  if (get_u8(r)) co->cell2arg = get_array(r, (size_t)co->ncells, sizeof(int));
  uint32_t nconsts = get_u32(r);
  if (r->ok && nconsts) {
    if ((size_t)(r->end - r->p) < nconsts) return r->ok = false, NULL;
    /* Filled in place: the code object (rooted) keeps what is read so far alive. */
    co->consts = asy_realloc(vm, NULL, 0, sizeof(Value) * nconsts);
    for (uint32_t i = 0; i < nconsts; i++) co->consts[i] = NONE_VAL;
    co->nconsts = (int)nconsts;
    for (uint32_t i = 0; i < nconsts && r->ok; i++) co->consts[i] = get_value(r);
  }
  uint32_t nnames = get_u32(r);
  if (r->ok && nnames) {
    if ((size_t)(r->end - r->p) < nnames) return r->ok = false, NULL;
    co->names = asy_realloc(vm, NULL, 0, sizeof(ObjStr *) * nnames);
    for (uint32_t i = 0; i < nnames; i++) co->names[i] = vm->names.name;
    co->nnames = (int)nnames;
    for (uint32_t i = 0; i < nnames && r->ok; i++) {
      ObjStr *s = get_str(r);
      if (s) co->names[i] = s;
    }
  }
  uint32_t ncode = get_u32(r);
  co->code = get_array(r, ncode, sizeof(uint32_t));
  co->ncode = co->code ? (int)ncode : 0;
  if (get_u8(r) && co->ncode) co->positions = get_array(r, ncode, sizeof(AsyPos));
  uint32_t nexc = get_u32(r);
  co->exctable = get_array(r, nexc, sizeof(ExcEntry));
  co->nexc = co->exctable ? (int)nexc : 0;
  return r->ok ? co : NULL;
}

ObjCode *asy_code_read(VM *vm, const unsigned char *bytes, size_t size, struct AsySource *source) {
  size_t mark = asy_temp_mark(vm);
  Reader r = {vm, bytes, bytes + size, source, true, asy_list_new(vm, 0)};
  ObjCode *co = NULL;
  if (get_u32(&r) == CODEFILE_MAGIC && get_u32(&r) == CODEFILE_VERSION && get_u8(&r) == T_CODE)
    co = get_code(&r);
  asy_temp_reset(vm, mark);
  if (!co || !r.ok || r.p != r.end) {
    asy_raise(vm, vm->exc.ImportError, "bad code file (not made by this build of asy)");
    return NULL;
  }
  asy_push_root(vm, OBJ_VAL(co));
  return co;
}
