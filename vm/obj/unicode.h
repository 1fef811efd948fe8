/*
** unicode.h — the Unicode character database behind str's predicates and case mappings
** (unicode.c over the tables of unicode_data.h, generated from CPython 3.13 by
** unicode_gen.py, so the answers are the oracle's).
*/
#ifndef ASY_UNICODE_H
#define ASY_UNICODE_H

#include <stdint.h>

enum {
  UNI_PRINTABLE = 1 << 0,
  UNI_SPACE = 1 << 1,
  UNI_ALPHA = 1 << 2,
  UNI_DECIMAL = 1 << 3,
  UNI_DIGIT = 1 << 4,
  UNI_NUMERIC = 1 << 5,
  UNI_UPPER = 1 << 6,
  UNI_LOWER = 1 << 7,
  UNI_TITLE = 1 << 8,
  UNI_CASED = 1 << 9,
  UNI_CASE_IGNORABLE = 1 << 10,
  UNI_ID_START = 1 << 11,
  UNI_ID_CONTINUE = 1 << 12,
  UNI_LINEBREAK = 1 << 13,
};

/* Property bits (UNI_*) of a code point, as CPython's str predicates see them. */
unsigned asy_uni_flags(uint32_t cp);
/* Decimal digit value (0-9) or -1. */
int asy_uni_decimal(uint32_t cp);
/* Case mappings: write up to 3 code points into out, return the count (>= 1). */
int asy_uni_lower(uint32_t cp, uint32_t out[3]);
int asy_uni_upper(uint32_t cp, uint32_t out[3]);
int asy_uni_title(uint32_t cp, uint32_t out[3]);
int asy_uni_fold(uint32_t cp, uint32_t out[3]);

#endif
