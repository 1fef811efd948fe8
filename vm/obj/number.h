/*
** number.h — int, float and bool: arithmetic with Python's semantics, hashing,
** comparison, parsing and printing.
**
** ints are arbitrary-precision: these functions work on int64 and hand any result that
** does not fit (and any big operand) to bigint.h. Everything follows CPython 3.13: floor division and modulo take the sign of the divisor, int / int is
** correctly rounded, int ** negative int is a float, comparisons between int and float
** are exact, and the ZeroDivisionError messages are CPython's, case by case.
**
** float repr is the shortest string that round-trips (dtoa.h), printed in CPython's
** layout ('1e+16', '1e-05', '0.0001', '-0.0').
*/
#ifndef ASY_NUMBER_H
#define ASY_NUMBER_H

#include "vm/vm.h"

/* ---- arithmetic (number.c) ---------------------------------------------------------- */

/* a op b for ints (op is an AsyBinOp; '/' and negative '**' give floats; a result beyond
** int64 is a big int). */
Value asy_int_binary(VM *vm, int op, int64_t a, int64_t b);
/* a op b for floats (bitwise ops raise TypeError like CPython). */
Value asy_float_binary(VM *vm, int op, double a, double b);
/* a op b for any two int/bool/float/big int values (mixed operands convert to float). */
Value asy_number_binary(VM *vm, int op, Value a, Value b);
/* -a, +a, ~a for an int/bool/float (op is AsyUnaryOp, not UNOP_NOT). */
Value asy_number_unary(VM *vm, int op, Value a);
/* divmod(a, b) for numbers: a 2-tuple, CPython's messages. */
Value asy_number_divmod(VM *vm, Value a, Value b);
/* pow(a, b, mod) for ints, with CPython's errors (mod 0, non-invertible base). */
Value asy_int_pow_mod(VM *vm, int64_t a, int64_t b, int64_t mod);
/* Exact comparison of two int/bool/float values (op is AsyCmpOp); a bool Value. */
Value asy_number_compare(VM *vm, int op, Value a, Value b);
/* Exact three-way comparison of an int with a float: -1, 0, 1, or 2 if f is nan. */
int asy_int_float_cmp(int64_t i, double f);
/* The bool a rich comparison `op` (AsyCmpOp) gives for a three-way result c. */
Value asy_cmp_result(int op, int c);

/* ---- hashing --------------------------------------------------------------------------- */

/* hash(i) / hash(d) exactly as CPython (modulus 2**61 - 1; hash(-1) == -2; nan -> 0). */
int64_t asy_hash_int(int64_t i);
int64_t asy_hash_float(double d);

/* ---- conversion ------------------------------------------------------------------------- */

/* int(v) / int(v, base): base is UNDEF when not given. CPython's messages. */
Value asy_int_from_value(VM *vm, Value v, Value base);
/* float(v). */
Value asy_float_from_value(VM *vm, Value v);
/* Parse Python int syntax (whitespace, sign, prefixes, underscores, Unicode digits) in
** base 0 or 2..36. Returns 1 on success, 0 on a syntax error, -1 beyond int64. */
int asy_parse_int(const char *s, size_t n, int base, int64_t *out);
/* Parse Python float syntax (as float(str)). Returns true on success. */
bool asy_parse_float(VM *vm, const char *s, size_t n, double *out);
/* A float to an int64, truncating: OverflowError/ValueError as CPython for inf/nan,
** OverflowError outside the 64-bit range (asy_int_from_double gives any int). */
bool asy_float_to_int(VM *vm, double d, int64_t *out);

/* ---- printing ------------------------------------------------------------------------------ */

/* repr(i) / str(i). */
Value asy_int_repr(VM *vm, int64_t i);
/* The digits of |i| in `base` (2 to 16; letters upper-case when `upper`), written so that
** they end just before `end`: where they start. 64 chars of room are always enough. */
char *asy_int_digits(char *end, int64_t i, int base, bool upper);
/* bin/oct/hex: '-0x1f' style with the prefix (base 2, 8 or 16). */
Value asy_int_to_base(VM *vm, int64_t i, int base);
/* round(d, ndigits) with correctly rounded decimal semantics (round(2.675, 2) == 2.67);
** OverflowError if the result is too large. */
Value asy_float_round(VM *vm, double d, int64_t ndigits);

/* A NaN with a payload of its own (vm->nan_serial): the identity of one float("nan")
** "object". */
double asy_fresh_nan(VM *vm, bool negative);

#endif
