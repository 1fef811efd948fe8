/*
** str.h — str: creation, interning, hashing, UTF-8, and the operations the rest of the
** VM calls directly (the methods live in strspan.c and strmethods.c; bytes in bytes.h).
**
** Representation (object.h): UTF-8 bytes plus the code-point count. A string whose
** length equals its size is ASCII, and every per-index operation takes an O(1) fast
** path. Otherwise indexing scans from the start (or from a one-entry cache of the
** last lookup, which makes `for i in range(len(s)): s[i]` linear).
**
** Lone surrogates ('\ud800') are stored with the 3-byte generalised UTF-8 encoding
** (WTF-8), so every Python str has a representation.
**
** Hashes equal CPython's with PYTHONHASHSEED=0: siphash-1-3 with a zero key over the
** PEP 393 form CPython would pick (Latin-1 bytes, UCS-2 or UCS-4, little-endian).
**
** AsyBuf is the string builder used everywhere a result is assembled piece by piece:
** its buffer is raw memory (asy_pool_realloc: pool blocks while short, malloc beyond;
** never collects), so building cannot trigger the GC until asy_buf_to_str creates the
** final object. Only str.c allocates and frees it.
*/
#ifndef ASY_STR_H
#define ASY_STR_H

#include <stdint.h>

#include <stddef.h>

#include "vm/vm.h"

/* The largest str/bytes Asy builds (bytes); beyond it operations raise MemoryError
** instead of letting the allocator abort the process. */
#define ASY_STR_MAX ((size_t)1 << 30)
/* The bytes a builtin str of `size` bytes occupies: header, text, NUL. */
#define ASY_STR_OBJ_SIZE(size) (offsetof(ObjStr, chars) + (size) + 1)
/* Raise MemoryError() (no message, as CPython). Returns EXC_VAL. */
Value asy_memory_error(VM *vm);

/* ---- the string builder ---------------------------------------------------------- */

typedef struct {
  VM *vm;
  char *data;
  size_t len, cap;
} AsyBuf;

/* Start an empty builder. */
void asy_buf_init(AsyBuf *b, VM *vm);
/* Append n bytes / one byte / a C string / a printf-formatted text. */
void asy_buf_put(AsyBuf *b, const char *s, size_t n);
void asy_buf_putc(AsyBuf *b, char c);
void asy_buf_puts(AsyBuf *b, const char *s);
void asy_buf_printf(AsyBuf *b, const char *fmt, ...);
/* Append a code point encoded as UTF-8. */
void asy_buf_put_cp(AsyBuf *b, uint32_t cp);
/* Append a str's bytes. */
void asy_buf_put_str(AsyBuf *b, ObjStr *s);
/* Create a str from the contents (of class cls, or str when NULL) and free the buffer. */
ObjStr *asy_buf_to_str(AsyBuf *b);
ObjStr *asy_buf_to_str_cls(AsyBuf *b, ObjClass *cls);
/* Free the buffer without creating anything (error paths). */
void asy_buf_free(AsyBuf *b);

/* asy_raise with plain C printf semantics (every conversion is vsnprintf's), for
** messages with %zu, %lld, %c, %x… */
Value asy_raise_fmt(VM *vm, ObjClass *cls, const char *fmt, ...);

/* ---- UTF-8 ------------------------------------------------------------------------ */

/* Decode the code point at s[0..n) and store its byte length in *adv (>= 1 when n > 0).
** Malformed input decodes one byte as its own value, so scanning never stalls. */
uint32_t asy_utf8_decode(const char *s, size_t n, size_t *adv);
/* Encode cp into out (1..4 bytes); returns the byte count. */
size_t asy_utf8_encode(uint32_t cp, char out[4]);
/* Number of code points in UTF-8 text. */
size_t asy_utf8_length(const char *s, size_t n);
/* The length of the strict UTF-8 sequence at s[0..n) (1..4), or 0 with CPython's decode
** error reason ("invalid start byte", "invalid continuation byte", "unexpected end of
** data") and *bad = how many bytes the error covers. */
size_t asy_utf8_seq(const uint8_t *s, size_t n, size_t *bad, const char **reason);
/* True if s[0..n) is strict UTF-8 (no surrogates, no overlongs). Sets *bad_pos to the
** offset of the first invalid byte otherwise (for UnicodeDecodeError). */
bool asy_utf8_valid(const char *s, size_t n, size_t *bad_pos);
/* Clamp a find/count/startswith start and end as CPython's ADJUST_INDICES (negative
** counts from the end; end capped at len, both floored at 0; start may exceed len). */
void asy_adjust_indices(int64_t *start, int64_t *end, int64_t len);
/* Offset of the first (reverse: last) occurrence of needle[0..nn) in hay[0..hn), or -1;
** an empty needle is found at 0 (reverse: hn). Byte-level, so it serves bytes and str
** alike: a match of valid UTF-8 in UTF-8 always starts on a code point. */
int64_t asy_mem_find(const void *hay, size_t hn, const void *needle, size_t nn, bool reverse);
/* Number of non-overlapping occurrences of needle (nn > 0) in hay[0..hn). */
int64_t asy_mem_count(const void *hay, size_t hn, const void *needle, size_t nn);
/* Byte offset of code point `index` (0 <= index <= length) in s. */
size_t asy_str_offset(VM *vm, ObjStr *s, size_t index);
/* The code point at `index` (0 <= index < length). */
uint32_t asy_str_char_at(VM *vm, ObjStr *s, size_t index);
/* Largest code point in the text (decides CPython's PEP 393 kind). */
uint32_t asy_str_max_cp(ObjStr *s);

/* ---- creation ----------------------------------------------------------------------- */

/* A new str of class cls (a subclass of str) copying UTF-8 text. An instance of a user
** subclass gets a __dict__ slot after its text (asy_str_attrs). */
ObjStr *asy_str_new_cls(VM *vm, ObjClass *cls, const char *chars, size_t size);
/* Where an instance of a user subclass of str keeps its __dict__ (NULL until used):
** the first aligned word after the text's NUL. Only for classes without CLASS_BUILTIN. */
#define ASY_STR_ATTRS_OFFSET(size) ((offsetof(ObjStr, chars) + (size) + 1 + 7) & ~(size_t)7)
static inline ObjDict **asy_str_attrs(ObjStr *s) {
  return (ObjDict **)((char *)s + ASY_STR_ATTRS_OFFSET(s->size));
}
/* asy_str_new for text the caller knows is ASCII (a slice of an ASCII str): no scan for
** the code-point count. */
ObjStr *asy_str_new_ascii(VM *vm, const char *chars, size_t size);
/* A one-code-point string (chr()). Single Latin-1 characters are interned. */
ObjStr *asy_str_from_cp(VM *vm, uint32_t cp);
/* Raw allocation: a str of `size` bytes and `length` code points whose chars the
** caller fills in, every byte, before allocating again: they are not zeroed (the NUL
** terminator is already there). */
ObjStr *asy_str_alloc(VM *vm, size_t size, size_t length);
/* asy_str_alloc for a size the program chose (concatenation, repetition): NULL with
** MemoryError raised when memory is short. */
ObjStr *asy_str_try_alloc(VM *vm, size_t size, size_t length);

/* ---- operations called across the VM ------------------------------------------------- */

/* CPython's hash of the str (cached in s->hash). */
int64_t asy_str_hash(ObjStr *s);
/* The same hash computed over raw UTF-8 text (for lookups before a str exists). */
int64_t asy_str_hash_utf8(const char *chars, size_t size);
/* siphash-1-3 with the zero key over raw bytes, as CPython hashes bytes (-1 maps to -2,
** the empty buffer hashes to 0). */
int64_t asy_hash_bytes(const void *data, size_t size);
/* Content equality. */
bool asy_str_equal(ObjStr *a, ObjStr *b);
/* Append repr(s), with Python's quote choice and escapes, to a builder (asy_span_repr
** makes the str). */
void asy_str_repr_to(AsyBuf *b, ObjStr *s);
/* a + b. */
Value asy_str_concat(VM *vm, ObjStr *a, ObjStr *b);
/* Concatenate n str values (BUILD_STRING, f-strings). */
Value asy_str_concat_n(VM *vm, int n, const Value *parts);
/* s * n (n <= 0 gives ''). */
Value asy_str_repeat(VM *vm, ObjStr *s, int64_t n);
/* s[key] for an int index or a slice. */
Value asy_str_getitem(VM *vm, ObjStr *s, Value key);
/* Rich comparison in code-point order (op is AsyCmpOp); returns a bool Value. */
Value asy_str_compare(VM *vm, int op, ObjStr *a, ObjStr *b);
/* Three-way comparison in code-point order (UTF-8 byte order is code-point order). */
int asy_str_cmp(ObjStr *a, ObjStr *b);
/* needle in hay: 1 or 0. */
int asy_str_contains(ObjStr *hay, ObjStr *needle);
/* iter(s): an iterator yielding one-character strings. */
Value asy_str_iter(VM *vm, ObjStr *s);
/* A substring by code-point range [start, stop) (clamped by the caller). */
ObjStr *asy_str_substr(VM *vm, ObjStr *s, size_t start, size_t stop);

/* ---- the intern table, for the collector (gc.c) --------------------------------------- */

/* Drop the unmarked interned strings (before the sweep frees them). */
void asy_strings_sweep(VM *vm);
/* Free the intern table (vm_free). */
void asy_strings_free(VM *vm);

#endif
