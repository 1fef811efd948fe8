/*
** number.h — int, float and bool: arithmetic with Python's semantics, hashing,
** comparison, parsing and printing.
**
** ints are 64-bit (LANGUAGE.md, documented differences): any result that does not fit
** raises OverflowError("integer overflow") instead of growing. Everything else follows
** CPython 3.13: floor division and modulo take the sign of the divisor, int / int is
** correctly rounded, int ** negative int is a float, comparisons between int and float
** are exact, and the ZeroDivisionError messages are CPython's, case by case.
**
** float repr is the shortest string that round-trips (dtoa.c), printed in CPython's
** layout ('1e+16', '1e-05', '0.0001', '-0.0').
*/
#ifndef ASY_NUMBER_H
#define ASY_NUMBER_H

#include "vm.h"

/* ---- arithmetic (number.c) ---------------------------------------------------------- */

/* a op b for ints (op is an AsyBinOp; '/' and negative '**' give floats). */
Value asy_int_binary(VM *vm, int op, int64_t a, int64_t b);
/* a op b for floats (bitwise ops raise TypeError like CPython). */
Value asy_float_binary(VM *vm, int op, double a, double b);
/* a op b for any two int/bool/float values (mixed operands convert to float). */
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
** base 0 or 2..36. Returns 1 on success, 0 on a syntax error, -1 on overflow. */
int asy_parse_int(const char *s, size_t n, int base, int64_t *out);
/* Parse Python float syntax (as float(str)). Returns true on success. */
bool asy_parse_float(VM *vm, const char *s, size_t n, double *out);
/* A float to an int64, truncating: OverflowError/ValueError as CPython for inf/nan,
** OverflowError("integer overflow") outside the 64-bit range. */
bool asy_float_to_int(VM *vm, double d, int64_t *out);

/* ---- printing ------------------------------------------------------------------------------ */

/* repr(i) / str(i). */
Value asy_int_repr(VM *vm, int64_t i);
/* bin/oct/hex: '-0x1f' style with the prefix (base 2, 8 or 16). */
Value asy_int_to_base(VM *vm, int64_t i, int base);
/* repr(d) / str(d): shortest round-trip digits in CPython's layout. */
void asy_float_repr(double d, char buf[40]);
/* round(d, ndigits) with correctly rounded decimal semantics (round(2.675, 2) == 2.67);
** OverflowError if the result is too large. */
Value asy_float_round(VM *vm, double d, int64_t ndigits);

/* ---- dtoa.c: the digit engine shared by repr and format() ---------------------------------- */

enum {
  ASY_DTSF_ALT = 1,       /* '#': keep trailing zeros / the decimal point */
  ASY_DTSF_ADD_DOT_0 = 2, /* integral results get '.0' (repr, format with no type) */
  ASY_DTSF_UPPER = 4,     /* 'E', 'F', 'G': upper-case exponent and INF/NAN */
};
/* Format |d| (the sign is the caller's job) for a format type 'e', 'f', 'g' or 'r'
** (repr; precision ignored) with the given precision and ASY_DTSF_* flags, as CPython's
** PyOS_double_to_string. Returns a malloc'd NUL-terminated string the caller frees. */
char *asy_dtoa_format(double d, char type, int precision, int flags);
/* Shortest round-trip digits of |d| (d finite, nonzero): writes up to 17 digits and a
** NUL into digits, returns their count and the decimal point position (value is
** 0.DIGITS * 10**decpt). */
int asy_dtoa_shortest(double d, char digits[20], int *decpt);

/* A NaN with a payload of its own (vm->nan_serial): the identity of one float("nan")
** "object". */
double asy_fresh_nan(VM *vm, bool negative);

#endif
