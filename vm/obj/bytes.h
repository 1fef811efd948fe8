/*
** bytes.h — the bytes type (bytes.c) beyond vm.h's asy_bytes_new: the operations the
** rest of the VM calls directly, and the text codecs between str and bytes (UTF-8,
** ASCII, Latin-1) with CPython's error handlers and messages. bytes shares its search,
** split and strip methods with str (strspan.h).
*/
#ifndef ASY_BYTES_H
#define ASY_BYTES_H

#include <stdint.h>

#include "vm/obj/str.h"
#include "vm/vm.h"

/* Append repr(b), b'...' with Python's quoting, to a builder (asy_span_repr makes the
** str). */
void asy_bytes_repr_to(AsyBuf *buf, ObjBytes *b);
/* b[key] for an int index (an int) or a slice (bytes). */
Value asy_bytes_getitem(VM *vm, ObjBytes *b, Value key);
/* Hash (cached), CPython-compatible. */
int64_t asy_bytes_hash(ObjBytes *b);
/* Equality and three-way comparison. */
bool asy_bytes_equal(ObjBytes *a, ObjBytes *b);
int asy_bytes_cmp(ObjBytes *a, ObjBytes *b);
/* a + b, and b * n (n <= 0 gives b''). */
Value asy_bytes_concat(VM *vm, ObjBytes *a, ObjBytes *b);
Value asy_bytes_repeat(VM *vm, ObjBytes *b, int64_t n);
/* Raw allocation: a zero-filled bytes of `size` bytes for the caller to fill. */
ObjBytes *asy_bytes_alloc(VM *vm, size_t size);
/* asy_bytes_alloc for a size the program chose: NULL with MemoryError raised when memory
** is short. */
ObjBytes *asy_bytes_try_alloc(VM *vm, size_t size);
/* Rich comparison (op is AsyCmpOp). */
Value asy_bytes_compare(VM *vm, int op, ObjBytes *a, ObjBytes *b);
/* Decode UTF-8 bytes to str (errors "strict"/"replace"/"ignore"); encoding names as
** Python accepts ("utf-8", "utf8", "ascii", "latin-1"…). */
Value asy_bytes_decode(VM *vm, const uint8_t *data, size_t size, const char *encoding,
                       const char *errors);
/* Encode a str to bytes. */
Value asy_str_encode(VM *vm, ObjStr *s, const char *encoding, const char *errors);
/* The (encoding, errors) arguments of str.encode / bytes.decode (args[0..argc), receiver
** excluded, and kw) as C strings defaulting to "utf-8" and "strict": false with Argument
** Clinic's TypeError when one is not a str. */
bool asy_codec_args(VM *vm, const char *fname, int argc, Value *args, ObjDict *kw, const char **enc,
                    const char **err);
/* v.__bytes__() when v's class has that method (bytes(v), b'%b' % v): UNDEF when it has
** none, EXC_VAL when it fails or returns a non-bytes. */
Value asy_bytes_dunder(VM *vm, Value v);
/* iter(b): yields ints. */
Value asy_bytes_iter(VM *vm, ObjBytes *b);

/* Fill the bytes class (called by asy_init_str_types). */
void asy_init_bytes_type(VM *vm);

#endif
