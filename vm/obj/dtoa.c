/*
** dtoa.c — float to decimal text, as CPython prints it.
**
** glibc's printf and strtod are correctly rounded, which is all the precision the
** work needs: the shortest repr is the first precision at which a p-digit decimal reads
** back as the same double. Only the two p-digit decimals around d can: the correctly
** rounded one (tried first: it is the closest) and its neighbour on the other side,
** which is the one that reads back when d is a power of two (the gap below it is half
** the gap above) or sits exactly halfway (2**-24 is 5.960464477539063e-08, where
** printf's round-half-even gives ...062). The layout step (where the
** decimal point and exponent go, '.0' for repr) reimplements CPython's
** format_float_short rules.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/obj/dtoa.h"
#include "vm/obj/number.h"

/* Digits and exponent of |d| printed with `%.*e` at `sig` significant digits. */
static int e_digits(double d, int sig, char *digits, int *decpt) {
  char tmp[64];
  snprintf(tmp, sizeof tmp, "%.*e", sig - 1, fabs(d));
  int n = 0;
  const char *p = tmp;
  for (; *p && *p != 'e'; p++)
    if (*p >= '0' && *p <= '9') digits[n++] = *p;
  digits[n] = '\0';
  *decpt = (*p == 'e' ? atoi(p + 1) : 0) + 1;
  return n;
}

/* The double the n digits with decimal exponent decpt read back as. */
static double read_back(const char *digits, int n, int decpt) {
  char back[64];
  snprintf(back, sizeof back, "%se%d", digits, decpt - n);
  return strtod(back, NULL);
}

/* The n-digit decimal one unit in the last place away from digits (up: above), in
** place; false when that needs another digit or a leading zero. */
static bool step_last_digit(char *digits, int n, bool up) {
  for (int i = n - 1; i >= 0; i--) {
    if (up ? digits[i] < '9' : digits[i] > '0') {
      digits[i] = (char)(digits[i] + (up ? 1 : -1));
      return digits[0] != '0';
    }
    digits[i] = up ? '0' : '9';
  }
  return false;
}

int asy_dtoa_shortest(double d, char digits[20], int *decpt) {
  int n = 0;
  for (int sig = 1; sig <= 17; sig++) {
    n = e_digits(d, sig, digits, decpt);
    double rounded = read_back(digits, n, *decpt);
    if (rounded == fabs(d)) break;
    /* The other neighbour: above d when the rounded digits are below it, else below. */
    char other[20];
    memcpy(other, digits, (size_t)n + 1);
    if (step_last_digit(other, n, rounded < fabs(d)) &&
        read_back(other, n, *decpt) == fabs(d)) {
      memcpy(digits, other, (size_t)n + 1);
      break;
    }
  }
  while (n > 1 && digits[n - 1] == '0') digits[--n] = '\0';
  return n;
}

/* CPython's layout of a digit string: `vdigits_end` is the position after the last
** digit to show (zeros pad up to it); use_exp moves the point after the first digit. */
static char *layout(const char *digits, int nd, int decpt, int use_exp, int vdigits_end,
                    int flags) {
  int exp = 0;
  if (use_exp) {
    exp = decpt - 1;
    decpt = 1;
  }
  int vdigits_start = decpt <= 0 ? decpt - 1 : 0;
  if (!use_exp && (flags & ASY_DTSF_ADD_DOT_0))
    vdigits_end = vdigits_end > decpt ? vdigits_end : decpt + 1;
  else vdigits_end = vdigits_end > decpt ? vdigits_end : decpt;
  size_t cap = (size_t)(vdigits_end - vdigits_start) + (size_t)nd + 16;
  char *out = malloc(cap);
  if (!out) abort();
  char *p = out;
  if (decpt <= 0) {
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < -decpt; i++) *p++ = '0';
  }
  if (decpt > 0 && decpt <= nd) {
    memcpy(p, digits, (size_t)decpt);
    p += decpt;
    *p++ = '.';
    memcpy(p, digits + decpt, (size_t)(nd - decpt));
    p += nd - decpt;
  } else {
    memcpy(p, digits, (size_t)nd);
    p += nd;
  }
  if (nd < decpt) {
    for (int i = 0; i < decpt - nd; i++) *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < vdigits_end - decpt; i++) *p++ = '0';
  } else {
    for (int i = 0; i < vdigits_end - nd; i++) *p++ = '0';
  }
  if (p[-1] == '.' && !(flags & ASY_DTSF_ALT)) p--;
  if (use_exp) p += sprintf(p, "%c%+.02d", (flags & ASY_DTSF_UPPER) ? 'E' : 'e', exp);
  *p = '\0';
  return out;
}

static char *dup_cstr(const char *s) {
  char *r = malloc(strlen(s) + 1);
  if (!r) abort();
  strcpy(r, s);
  return r;
}

char *asy_dtoa_format(double d, char type, int precision, int flags) {
  bool upper = (flags & ASY_DTSF_UPPER) != 0;
  if (isinf(d)) return dup_cstr(upper ? "INF" : "inf");
  if (isnan(d)) return dup_cstr(upper ? "NAN" : "nan");
  d = fabs(d);
  char digits[24];
  int decpt, nd;
  if (type == 'r') {
    if (d == 0) {
      strcpy(digits, "0");
      nd = 1;
      decpt = 1;
    } else {
      nd = asy_dtoa_shortest(d, digits, &decpt);
    }
    return layout(digits, nd, decpt, decpt <= -4 || decpt > 16, nd, flags);
  }
  if (type == 'g' && (flags & ASY_DTSF_ADD_DOT_0)) {
    /* The no-type format with a precision: 'g' that keeps a '.0' and switches to an
    ** exponent one digit earlier. */
    if (precision == 0) precision = 1;
    if (precision > 17) {
      /* More digits than a double holds: print them exactly. */
      char *buf = malloc((size_t)precision + 400);
      if (!buf) abort();
      snprintf(buf, (size_t)precision + 400, "%.*e", precision - 1, d);
      char *dg = malloc((size_t)precision + 2);
      if (!dg) abort();
      int n = 0;
      const char *q = buf;
      for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9') dg[n++] = *q;
      decpt = atoi(q + 1) + 1;
      if (d == 0) decpt = 1;
      if (!(flags & ASY_DTSF_ALT))
        while (n > 1 && dg[n - 1] == '0') n--;
      int use_exp = decpt <= -4 || decpt > precision - 1;
      char *r = layout(dg, n, decpt, use_exp, (flags & ASY_DTSF_ALT) ? precision : n, flags);
      free(buf);
      free(dg);
      return r;
    }
    nd = e_digits(d, precision, digits, &decpt);
    if (d == 0) decpt = 1;
    if (!(flags & ASY_DTSF_ALT))
      while (nd > 1 && digits[nd - 1] == '0') digits[--nd] = '\0';
    int use_exp = decpt <= -4 || decpt > precision - 1;
    return layout(digits, nd, decpt, use_exp, (flags & ASY_DTSF_ALT) ? precision : nd, flags);
  }
  /* 'e', 'f', 'g': C's printf implements exactly Python's rules for these. */
  char fmt[8];
  char *f = fmt;
  *f++ = '%';
  if (flags & ASY_DTSF_ALT) *f++ = '#';
  *f++ = '.';
  *f++ = '*';
  *f++ = upper ? (char)(type - 32) : type;
  *f = '\0';
  int n = snprintf(NULL, 0, fmt, precision, d);
  char *out = malloc((size_t)n + 1);
  if (!out) abort();
  snprintf(out, (size_t)n + 1, fmt, precision, d);
  return out;
}

void asy_float_repr(double d, char buf[40]) {
  if (isnan(d)) {
    strcpy(buf, "nan");
    return;
  }
  char *s = asy_dtoa_format(d, 'r', 0, ASY_DTSF_ADD_DOT_0);
  buf[0] = '\0';
  if (signbit(d)) strcpy(buf, "-");
  strncat(buf, s, 38);
  free(s);
}
