/*
** dtoa.h — float to decimal text, as CPython prints it (dtoa.c): the shortest repr that
** round-trips, and the digit engine format() and %-formatting share.
*/
#ifndef ASY_DTOA_H
#define ASY_DTOA_H

/* repr(d) / str(d): shortest round-trip digits in CPython's layout. */
void asy_float_repr(double d, char buf[40]);

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

#endif
