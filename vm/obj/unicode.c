/*
** unicode.c — character properties and case mappings for str's methods.
**
** The data (unicode_data.h) is generated from CPython 3.13 by vm/obj/unicode_gen.py, so
** predicates like isprintable (which drives repr) and case mappings agree with the
** oracle. Lookups are binary searches over sorted run tables: a few thousand entries,
** about 12 probes per character, with an ASCII table in front for the common case.
*/
#include "vm/obj/str.h"

typedef struct {
  uint32_t first, last;
  int32_t stride, delta;
} UniCaseRun;

typedef struct {
  uint32_t cp;
  uint32_t to[3];
} UniCaseMulti;

#include "vm/obj/unicode.h"
#include "vm/obj/unicode_data.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static unsigned lookup_flags(uint32_t cp) {
  if (cp > 0x10FFFF) return 0;
  size_t lo = 0, hi = COUNT(uni_run_start);
  while (hi - lo > 1) { /* the last run starting at or before cp */
    size_t mid = (lo + hi) / 2;
    if (uni_run_start[mid] <= cp) lo = mid;
    else hi = mid;
  }
  return uni_run_flags[lo];
}

unsigned asy_uni_flags(uint32_t cp) {
  /* Filled on first use; idempotent, so a race between threads writes equal values. */
  static unsigned ascii[128];
  static bool ascii_ready;
  if (cp >= 128) return lookup_flags(cp);
  if (!ascii_ready) {
    for (uint32_t c = 0; c < 128; c++) ascii[c] = lookup_flags(c);
    ascii_ready = true;
  }
  return ascii[cp];
}

int asy_uni_decimal(uint32_t cp) {
  if (cp >= '0' && cp <= '9') return (int)(cp - '0');
  if (cp < 0x660) return -1;
  size_t lo = 0, hi = COUNT(uni_decimal_zero);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (uni_decimal_zero[mid] + 9 < cp) lo = mid + 1;
    else hi = mid;
  }
  if (lo < COUNT(uni_decimal_zero) && uni_decimal_zero[lo] <= cp && cp <= uni_decimal_zero[lo] + 9)
    return (int)(cp - uni_decimal_zero[lo]);
  return -1;
}

static int map_case(uint32_t cp, uint32_t out[3], const UniCaseRun *runs, size_t nruns,
                    const UniCaseMulti *multi, size_t nmulti) {
  size_t lo = 0, hi = nmulti;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (multi[mid].cp < cp) lo = mid + 1;
    else hi = mid;
  }
  if (lo < nmulti && multi[lo].cp == cp) {
    int n = 0;
    while (n < 3 && multi[lo].to[n]) {
      out[n] = multi[lo].to[n];
      n++;
    }
    return n;
  }
  lo = 0;
  hi = nruns;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (runs[mid].last < cp) lo = mid + 1;
    else hi = mid;
  }
  out[0] = cp;
  if (lo < nruns && runs[lo].first <= cp && (cp - runs[lo].first) % (uint32_t)runs[lo].stride == 0)
    out[0] = (uint32_t)((int64_t)cp + runs[lo].delta);
  return 1;
}

int asy_uni_lower(uint32_t cp, uint32_t out[3]) {
  if (cp < 128) {
    out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    return 1;
  }
  return map_case(cp, out, uni_lower_runs, COUNT(uni_lower_runs), uni_lower_multi,
                  UNI_LOWER_MULTI_COUNT);
}

int asy_uni_upper(uint32_t cp, uint32_t out[3]) {
  if (cp < 128) {
    out[0] = (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    return 1;
  }
  return map_case(cp, out, uni_upper_runs, COUNT(uni_upper_runs), uni_upper_multi,
                  UNI_UPPER_MULTI_COUNT);
}

int asy_uni_title(uint32_t cp, uint32_t out[3]) {
  if (cp < 128) {
    out[0] = (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
    return 1;
  }
  return map_case(cp, out, uni_title_runs, COUNT(uni_title_runs), uni_title_multi,
                  UNI_TITLE_MULTI_COUNT);
}

int asy_uni_fold(uint32_t cp, uint32_t out[3]) {
  if (cp < 128) {
    out[0] = (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    return 1;
  }
  return map_case(cp, out, uni_fold_runs, COUNT(uni_fold_runs), uni_fold_multi,
                  UNI_FOLD_MULTI_COUNT);
}
