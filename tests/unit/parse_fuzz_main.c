/*
** parse_fuzz_main.c — dev tool: mutate seed files and parse every mutant, to
** shake out crashes, hangs and leaks in the front end (build it with
** -fsanitize=address,undefined, and -I for the repo root and the generated dir). Mutations: truncation, byte deletion,
** duplication of a random slice, insertion of syntax-heavy snippets.
**
**   parse_fuzz ITERATIONS SEED_FILES...
** Exits non-zero only if the sanitizer aborts; prints a summary line.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/parse.h"

static const char *const snippets[] = {
    "(", ")", "[", "]", "{", "}", ":", "'", "\"", "'''", "\"\"\"", "f\"", "f'{", "}",
    "\\", "\n", "\t", "    ", "#", ",", "=", ":=", "**", "*", "lambda", "yield", "await",
    "async", "def", "class", "if", "else", "elif", "for", "in", "not", "is", "with", "as",
    "try", "except", "except*", "finally", "@", "!r", "{x=}", "0x", "1e", "1_", "\xe2\x82",
    "\xff", "rb'", "u'", "\\N{", "\\x", "...", ".", ";", "->", "/", "global", "del",
    "from", "import", "return", "raise", "pass", "\r", "\f", "0", "9999999999999999999999",
};

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return n ? (unsigned)(rng % n) : 0;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  *len = (size_t)n;
  return b;
}

static void parse_all_modes(const char *s, size_t n, long *errors) {
  for (int mode = 0; mode < 3; mode++) {
    AstArena a;
    asy_arena_init(&a);
    AsySyntaxErr err;
    AstNode *t = asy_parse(&a, "fuzz", s, n, mode, &err);
    if (!t) (*errors)++;
    else {
      FILE *devnull = fopen("/dev/null", "w");
      if (devnull) {
        asy_ast_dump(devnull, t, AST_DUMP_POSITIONS);
        fclose(devnull);
      }
    }
    asy_arena_free(&a);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: parse_fuzz ITERATIONS SEED_FILES...\n");
    return 2;
  }
  long iters = atol(argv[1]), errors = 0, runs = 0;
  for (int fi = 2; fi < argc; fi++) {
    size_t len;
    char *seed = read_file(argv[fi], &len);
    if (!seed) continue;
    parse_all_modes(seed, len, &errors);
    for (long it = 0; it < iters; it++) {
      size_t cap = len * 2 + 256, n = len;
      char *m = malloc(cap);
      memcpy(m, seed, len);
      int muts = 1 + (int)rnd(4);
      for (int k = 0; k < muts; k++) {
        switch (rnd(4)) {
        case 0: /* truncate */
          n = rnd((unsigned)n + 1);
          break;
        case 1: /* delete a slice */
          if (n) {
            size_t at = rnd((unsigned)n), del = 1 + rnd(8);
            if (at + del > n) del = n - at;
            memmove(m + at, m + at + del, n - at - del);
            n -= del;
          }
          break;
        case 2: { /* duplicate a slice */
          if (!n) break;
          size_t at = rnd((unsigned)n), sz = 1 + rnd(40);
          if (at + sz > n) sz = n - at;
          if (n + sz > cap) break;
          char tmp[64];
          memcpy(tmp, m + at, sz);
          size_t to = rnd((unsigned)n);
          memmove(m + to + sz, m + to, n - to);
          memcpy(m + to, tmp, sz);
          n += sz;
          break;
        }
        default: { /* insert a snippet */
          const char *sn = snippets[rnd(sizeof snippets / sizeof snippets[0])];
          size_t sz = strlen(sn), to = rnd((unsigned)n + 1);
          if (n + sz > cap) break;
          memmove(m + to + sz, m + to, n - to);
          memcpy(m + to, sn, sz);
          n += sz;
        }
        }
      }
      parse_all_modes(m, n, &errors);
      runs++;
      free(m);
    }
    free(seed);
  }
  printf("fuzz: %ld mutants, %ld parse errors, no crash\n", runs, errors);
  return 0;
}
