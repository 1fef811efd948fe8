/*
** bigint.h — ints beyond 64 bits, as CPython's arbitrary-precision int.
**
** An int is either an immediate (VAL_INT, int64) or, when its value does not fit, an
** ObjBigInt holding a GMP mpz. The representation is canonical: every operation that
** produces an int goes through asy_int_from_mpz, which shrinks a value that fits back to
** VAL_INT, so an ObjBigInt is never in the int64 range and equal ints have one form.
** Both forms have class int; type(), isinstance and the int methods do not tell them
** apart.
**
** The interpreter's int fast paths stay on int64 and detect overflow with
** __builtin_*_overflow; on overflow (and for any big operand) they call into here.
** Functions taking "int" Values accept int, bool and big ints (asy_is_int).
**
** Memory: an ObjBigInt owns its limbs (allocated by GMP with malloc); the GC frees them
** with mpz_clear (gc.c) and counts them in vm->bytes_allocated. Results whose size
** would exceed physical memory raise MemoryError before GMP is asked for them.
*/
#ifndef ASY_BIGINT_H
#define ASY_BIGINT_H

#include <gmp.h>

#include "vm/vm.h"

typedef struct {
  Obj obj;
  mpz_t z; /* never in the int64 range */
} ObjBigInt;

#define AS_BIGINT(v) ((ObjBigInt *)AS_OBJ(v))

/* CPython's default sys.get_int_max_str_digits() and the smallest nonzero limit. */
#define ASY_INT_MAX_STR_DIGITS 4300
#define ASY_INT_MAX_STR_DIGITS_THRESHOLD 640

/* isinstance(v, int) among the built-in layouts: int, bool or big int. */
static inline bool asy_is_int(Value v) { return IS_INTLIKE(v) || IS_BIGINT(v); }
/* int, bool, big int or float. */
static inline bool asy_is_num(Value v) { return IS_NUMBER(v) || IS_BIGINT(v); }

/* An mpz view of an int Value: a big int's own mpz, or a read-only mpz over `limb` for
** an immediate. Valid while v and the view live; never modify it. */
typedef struct {
  mpz_t z;
  mp_limb_t limb;
} AsyIntView;
mpz_srcptr asy_int_view(Value v, AsyIntView *tmp);

/* The int with z's value (consumes z: it is cleared or moved into the new object). */
Value asy_int_from_mpz(VM *vm, mpz_t z);

/* The tuple (a, b) of two ints (consumes a and b). */
Value asy_int_pair_from_mpz(VM *vm, mpz_t a, mpz_t b);
/* The int with value v. */
Value asy_int_from_i128(VM *vm, __int128 v);

/* a op b for two ints, any size (op is an AsyBinOp, in-place ones too). */
Value asy_bigint_binary(VM *vm, int op, Value a, Value b);
/* -a, +a, ~a, abs(a) (op = UNOP_NEGATIVE, UNOP_POSITIVE, UNOP_INVERT, or -1 for abs). */
Value asy_bigint_unary(VM *vm, int op, Value a);
/* divmod(a, b) for two ints. */
Value asy_bigint_divmod(VM *vm, Value a, Value b);
/* pow(a, b, m) for three ints, CPython's errors. */
Value asy_bigint_pow_mod(VM *vm, Value a, Value b, Value m);
/* Three-way comparison of two ints. */
int asy_int_cmp(Value a, Value b);
/* Exact three-way comparison of an int with a float: -1, 0, 1, or 2 if f is nan. */
int asy_bigint_float_cmp(Value i, double f);
/* hash() of a big int, CPython's modular hash. */
int64_t asy_bigint_hash(ObjBigInt *b);

/* float(i), correctly rounded: false + OverflowError("int too large to convert to float"). */
bool asy_int_to_double(VM *vm, Value i, double *out);
/* m and *e with b == m * 2**e, 0.5 <= |m| < 1, m correctly rounded (CPython's frexp of
** an int, for logarithms of ints too large for a float). */
double asy_bigint_frexp(ObjBigInt *b, int64_t *e);
/* int(d) for a float (truncating): CPython's errors for inf and nan. */
Value asy_int_from_double(VM *vm, double d);
/* i / j correctly rounded, for two ints. */
Value asy_int_true_divide(VM *vm, Value a, Value b);

/* The digits of |i| in base 2..36 (lower case; upper when `upper`), NUL-terminated, in
** a malloc'd buffer; *neg tells the sign. Base 10 enforces sys.get_int_max_str_digits():
** NULL + ValueError beyond it. */
char *asy_int_digits_alloc(VM *vm, Value i, int base, bool upper, size_t *len, bool *neg);
/* str(i) / repr(i) for any int. */
Value asy_int_str(VM *vm, Value i);
/* bin/oct/hex for any int (base 2, 8, 16). */
Value asy_int_to_base_str(VM *vm, Value i, int base);
/* int(text, base) for text already validated (ASCII digits of `base`, no sign, prefix,
** underscores or spaces; n of them): the value, negated when neg; applies the str-digits
** limit for bases that are not powers of two. */
Value asy_int_from_digits(VM *vm, const char *digits, size_t n, int base, bool neg);

/* i as an int64 index (an int or __index__): beyond int64, `exc` (IndexError or
** OverflowError) with "cannot fit 'int' into an index-sized integer". */
bool asy_index_or(VM *vm, Value v, int64_t *out, ObjClass *exc);

/* int.bit_length() for any int. */
uint64_t asy_int_bit_length(Value i);

#endif
