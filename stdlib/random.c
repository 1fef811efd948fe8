/*
** random.c — the random module: CPython's Mersenne Twister and random.py algorithms,
** so a seeded script prints exactly CPython's numbers.
**
** Core (as CPython's _randommodule.c): MT19937; seed(int) uses |n| split into 32-bit
** words, least significant first, through init_by_array; seed(None) reads the OS
** entropy source; seed(str/bytes) appends the SHA-512 digest and seeds with the
** resulting big-endian integer (random.py's version 2); other hashable seeds use
** hash(). random() takes 53 bits from two outputs, getrandbits(k) fills 32-bit words
** from the least significant end.
**
** Everything else follows random.py 3.13 step by step (how many outputs each call
** consumes matters): _randbelow draws getrandbits(n.bit_length()) until below n,
** randrange/randint/choice/shuffle/sample/choices/uniform/gauss… as written there.
**
** random.Random is a class whose instances keep their generator in an ObjNativeData
** stored in the instance dict; the module-level functions are bound methods of one
** hidden instance, exactly like random.py's _inst.
*/
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "stdlib/asy_stdlib.h"
#include "vm/gc.h"
#include "vm/obj/bigint.h"
#include "vm/obj/str.h"
#include "vm/opcodes.h"

/* ---- MT19937 ------------------------------------------------------------------------ */

#define MT_N 624
#define MT_M 397

typedef struct {
  uint32_t mt[MT_N];
  int mti;
  bool has_gauss;
  double gauss_next;
} MTState;

static void init_genrand(MTState *s, uint32_t seed) {
  s->mt[0] = seed;
  for (int i = 1; i < MT_N; i++)
    s->mt[i] = 1812433253u * (s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) + (uint32_t)i;
  s->mti = MT_N;
}

static void init_by_array(MTState *s, const uint32_t *key, size_t len) {
  init_genrand(s, 19650218u);
  size_t i = 1, j = 0;
  size_t k = MT_N > len ? MT_N : len;
  for (; k; k--) {
    s->mt[i] =
        (s->mt[i] ^ ((s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
    i++;
    j++;
    if (i >= MT_N) {
      s->mt[0] = s->mt[MT_N - 1];
      i = 1;
    }
    if (j >= len) j = 0;
  }
  for (k = MT_N - 1; k; k--) {
    s->mt[i] = (s->mt[i] ^ ((s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
    i++;
    if (i >= MT_N) {
      s->mt[0] = s->mt[MT_N - 1];
      i = 1;
    }
  }
  s->mt[0] = 0x80000000u;
}

static uint32_t genrand(MTState *s) {
  static const uint32_t mag01[2] = {0, 0x9908b0dfu};
  uint32_t y;
  if (s->mti >= MT_N) {
    int kk;
    for (kk = 0; kk < MT_N - MT_M; kk++) {
      y = (s->mt[kk] & 0x80000000u) | (s->mt[kk + 1] & 0x7fffffffu);
      s->mt[kk] = s->mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 1];
    }
    for (; kk < MT_N - 1; kk++) {
      y = (s->mt[kk] & 0x80000000u) | (s->mt[kk + 1] & 0x7fffffffu);
      s->mt[kk] = s->mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1];
    }
    y = (s->mt[MT_N - 1] & 0x80000000u) | (s->mt[0] & 0x7fffffffu);
    s->mt[MT_N - 1] = s->mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1];
    s->mti = 0;
  }
  y = s->mt[s->mti++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680u;
  y ^= (y << 15) & 0xefc60000u;
  y ^= y >> 18;
  return y;
}

static double mt_random(MTState *s) {
  uint32_t a = genrand(s) >> 5, b = genrand(s) >> 6;
  return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

/* getrandbits(k) for 1 <= k <= 64, as an unsigned value. */
static uint64_t mt_bits(MTState *s, int k) {
  if (k <= 32) return genrand(s) >> (32 - k);
  uint64_t lo = genrand(s);
  uint64_t hi = genrand(s) >> (64 - k);
  return lo | (hi << 32);
}

static int bit_length(uint64_t n) {
  int k = 0;
  while (n) {
    k++;
    n >>= 1;
  }
  return k;
}

/* _randbelow_with_getrandbits(n), n > 0. */
static uint64_t mt_below(MTState *s, uint64_t n) {
  int k = bit_length(n);
  uint64_t r = mt_bits(s, k);
  while (r >= n) r = mt_bits(s, k);
  return r;
}

/* getrandbits(k) for any k >= 1 into r: 32-bit words, least significant first, the
** last one shifted down to the bits left (CPython's order, so k <= 64 agrees with
** mt_bits). */
static void mt_bits_mpz(MTState *s, uint64_t k, mpz_t r) {
  size_t words = (size_t)((k - 1) / 32 + 1);
  uint32_t *buf = malloc(words * sizeof *buf);
  if (!buf) {
    fputs("asy: out of memory\n", stderr);
    abort();
  }
  for (size_t i = 0; i < words; i++, k -= 32) {
    uint32_t w = genrand(s);
    if (k < 32) w >>= (32 - k);
    buf[i] = w;
    if (k < 32) break;
  }
  mpz_import(r, words, -1, sizeof(uint32_t), 0, 0, buf);
  free(buf);
}

/* _randbelow(n) for any n > 0. */
static void mt_below_mpz(MTState *s, mpz_srcptr n, mpz_t r) {
  uint64_t k = mpz_sizeinbase(n, 2);
  do mt_bits_mpz(s, k, r);
  while (mpz_cmp(r, n) >= 0);
}

/* ---- SHA-512 (for str/bytes seeds) ---------------------------------------------------- */

/* Constants: fractional parts of the cube roots (K) and square roots (H0) of the first
** primes, computed exactly (see FIPS 180-4). */
static const uint64_t K[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};
static const uint64_t H0[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (64 - (n))))

static void sha512_block(uint64_t h[8], const uint8_t *p) {
  uint64_t w[80];
  for (int i = 0; i < 16; i++) {
    w[i] = 0;
    for (int j = 0; j < 8; j++) w[i] = (w[i] << 8) | p[i * 8 + j];
  }
  for (int i = 16; i < 80; i++) {
    uint64_t s0 = ROTR(w[i - 15], 1) ^ ROTR(w[i - 15], 8) ^ (w[i - 15] >> 7);
    uint64_t s1 = ROTR(w[i - 2], 19) ^ ROTR(w[i - 2], 61) ^ (w[i - 2] >> 6);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint64_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int i = 0; i < 80; i++) {
    uint64_t S1 = ROTR(e, 14) ^ ROTR(e, 18) ^ ROTR(e, 41);
    uint64_t ch = (e & f) ^ (~e & g);
    uint64_t t1 = hh + S1 + ch + K[i] + w[i];
    uint64_t S0 = ROTR(a, 28) ^ ROTR(a, 34) ^ ROTR(a, 39);
    uint64_t maj = (a & b) ^ (a & c) ^ (b & c);
    uint64_t t2 = S0 + maj;
    /* clang-format off */
    hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  /* clang-format on */
}

static void sha512(const uint8_t *data, size_t len, uint8_t out[64]) {
  uint64_t h[8];
  memcpy(h, H0, sizeof h);
  size_t i = 0;
  for (; i + 128 <= len; i += 128) sha512_block(h, data + i);
  uint8_t block[256];
  size_t rest = len - i;
  memset(block, 0, sizeof block);
  memcpy(block, data + i, rest);
  block[rest] = 0x80;
  size_t total = rest + 1 + 16 <= 128 ? 128 : 256;
  uint64_t bits = (uint64_t)len * 8;
  for (int j = 0; j < 8; j++) block[total - 1 - j] = (uint8_t)(bits >> (8 * j));
  sha512_block(h, block);
  if (total == 256) sha512_block(h, block + 128);
  for (int j = 0; j < 8; j++)
    for (int b = 0; b < 8; b++) out[j * 8 + b] = (uint8_t)(h[j] >> (56 - 8 * b));
}

/* ---- seeding -------------------------------------------------------------------------- */

static void seed_u64(MTState *s, uint64_t n) {
  uint32_t key[2] = {(uint32_t)n, (uint32_t)(n >> 32)};
  init_by_array(s, key, key[1] ? 2 : 1);
}

/* Seed from big-endian bytes (the integer int.from_bytes(data, 'big')). */
static void seed_bytes_be(MTState *s, const uint8_t *data, size_t len) {
  while (len > 0 && data[0] == 0) {
    data++;
    len--;
  }
  if (len == 0) {
    uint32_t zero = 0;
    init_by_array(s, &zero, 1);
    return;
  }
  size_t nwords = (len + 3) / 4;
  uint32_t *key = malloc(nwords * sizeof(uint32_t));
  if (!key) return;
  for (size_t w = 0; w < nwords; w++) {
    uint32_t v = 0;
    for (int b = 3; b >= 0; b--) {
      ptrdiff_t idx = (ptrdiff_t)len - 1 - (ptrdiff_t)(w * 4) - b;
      v = (v << 8) | (idx >= 0 ? data[idx] : 0);
    }
    key[w] = v;
  }
  init_by_array(s, key, nwords);
  free(key);
}

static void seed_os(MTState *s) {
  uint32_t key[MT_N];
  size_t got = 0;
  while (got < sizeof key) {
    ssize_t n = getrandom((char *)key + got, sizeof key - got, 0);
    if (n <= 0) break;
    got += (size_t)n;
  }
  if (got < sizeof key) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t t = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    uint32_t k2[4] = {(uint32_t)t, (uint32_t)(t >> 32), (uint32_t)getpid(), (uint32_t)clock()};
    init_by_array(s, k2, 4);
    return;
  }
  init_by_array(s, key, MT_N);
}

/* seed(a): false with an exception pending for unsupported types. */
static bool seed_value(VM *vm, MTState *s, Value a) {
  s->has_gauss = false;
  if (IS_UNDEF(a) || IS_NONE(a)) {
    seed_os(s);
    return true;
  }
  if (IS_INTLIKE(a)) {
    int64_t v = AS_INTLIKE(a);
    seed_u64(s, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
    return true;
  }
  if (IS_STR(a) || IS_BYTES(a)) {
    const uint8_t *data = IS_STR(a) ? (const uint8_t *)AS_STR(a)->chars : AS_BYTES(a)->data;
    size_t len = IS_STR(a) ? AS_STR(a)->size : AS_BYTES(a)->size;
    uint8_t *buf = malloc(len + 64);
    if (!buf) {
      asy_raise(vm, vm->exc.MemoryError, "out of memory");
      return false;
    }
    memcpy(buf, data, len);
    sha512(data, len, buf + len);
    seed_bytes_be(s, buf, len + 64);
    free(buf);
    return true;
  }
  if (!IS_FLOAT(a)) {
    asy_raise(vm, vm->exc.TypeError,
              "The only supported seed types are:\nNone, int, float, str, bytes, and bytearray.");
    return false;
  }
  /* CPython seeds with (size_t)hash(a): a negative hash wraps, it is not negated. */
  int64_t h;
  if (!asy_hash(vm, a, &h)) return false;
  seed_u64(s, (uint64_t)h);
  return true;
}

/* ---- the Random class ----------------------------------------------------------------------- */

static const char STATE_KEY[] = "_asy_mt_state";

static MTState *new_state_obj(VM *vm, Value *out) {
  ObjNativeData *nd = (ObjNativeData *)asy_alloc_obj(vm, sizeof(ObjNativeData), OBJ_NATIVE_DATA,
                                                     vm->types.native_data);
  MTState *s = calloc(1, sizeof(MTState));
  if (!s) {
    fputs("asy: out of memory\n", stderr);
    abort();
  }
  init_genrand(s, 19650218u);
  nd->data = s;
  nd->finalize = free;
  *out = OBJ_VAL(nd);
  return s;
}

/* The generator of `self` (args[0]), created on first use. */
static MTState *state_of(VM *vm, int argc, Value *args, const char *meth) {
  if (argc < 1 || !(IS_INSTANCE(args[0]))) {
    asy_raise(vm, vm->exc.TypeError, "descriptor '%s' requires a 'random.Random' object", meth);
    return NULL;
  }
  ObjInstance *inst = AS_INSTANCE(args[0]);
  if (!inst->dict) {
    asy_raise(vm, vm->exc.TypeError, "descriptor '%s' requires a 'random.Random' object", meth);
    return NULL;
  }
  ObjStr *key = asy_str_intern(vm, STATE_KEY, sizeof STATE_KEY - 1);
  Value v = asy_dict_get_str(inst->dict, key);
  if (IS_OBJ_TYPE(v, OBJ_NATIVE_DATA)) return (MTState *)((ObjNativeData *)AS_OBJ(v))->data;
  Value nd;
  MTState *s = new_state_obj(vm, &nd);
  seed_os(s);
  asy_dict_set_str(vm, inst->dict, key, nd);
  return s;
}

#define SELF_STATE(name) \
  MTState *s = state_of(vm, argc, args, name); \
  if (!s) return EXC_VAL; \
  argc--; \
  args++;

static Value r_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("__init__");
  if (!asy_no_kw(vm, "Random", kw) || !asy_arg_count(vm, "Random", argc, 0, 1)) return EXC_VAL;
  if (!seed_value(vm, s, argc ? args[0] : NONE_VAL)) return EXC_VAL;
  return NONE_VAL;
}

static Value r_seed(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("seed");
  static const char *const names[] = {"a", "version"};
  Value a[2];
  if (!asy_std_pybind(vm, "Random.seed", argc, args, kw, names, 2, 0, a)) return EXC_VAL;
  if (!seed_value(vm, s, a[0])) return EXC_VAL;
  return NONE_VAL;
}

static Value r_random(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("random");
  if (!asy_no_kw(vm, "random", kw)) return EXC_VAL;
  if (argc != 0)
    return asy_raise(vm, vm->exc.TypeError, "Random.random() takes no arguments (%d given)", argc);
  return FLOAT_VAL(mt_random(s));
}

static Value r_getrandbits(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("getrandbits");
  if (!asy_no_kw(vm, "getrandbits", kw)) return EXC_VAL;
  if (argc != 1)
    return asy_raise(vm, vm->exc.TypeError,
                     "Random.getrandbits() takes exactly one argument (%d given)", argc);
  int64_t k;
  if (!asy_index(vm, args[0], &k)) return EXC_VAL;
  if (k < 0) return asy_raise(vm, vm->exc.ValueError, "number of bits must be non-negative");
  if (k == 0) return INT_VAL(0);
  if (k < 64) return INT_VAL((int64_t)mt_bits(s, (int)k));
  mpz_t r;
  mpz_init(r);
  mt_bits_mpz(s, (uint64_t)k, r);
  return asy_int_from_mpz(vm, r); /* consumes r */
}

static Value r_randbytes(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("randbytes");
  if (!asy_no_kw(vm, "randbytes", kw)) return EXC_VAL;
  if (argc != 1)
    return asy_raise(vm, vm->exc.TypeError,
                     "Random.randbytes() takes exactly one argument (%d given)", argc);
  int64_t n;
  if (!asy_index(vm, args[0], &n)) return EXC_VAL;
  if (n < 0) return asy_raise(vm, vm->exc.ValueError, "number of bits must be non-negative");
  uint8_t *buf = malloc((size_t)n + 4);
  if (!buf) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  int64_t k = n * 8;
  for (int64_t i = 0; k > 0; i += 4, k -= 32) {
    uint32_t r = genrand(s);
    if (k < 32) r >>= (32 - k);
    for (int b = 0; b < 4; b++) buf[i + b] = (uint8_t)(r >> (8 * b));
  }
  Value res = OBJ_VAL(asy_bytes_new(vm, buf, (size_t)n));
  free(buf);
  return res;
}

/* random.py's _index: operator.index semantics. */
static bool index_arg(VM *vm, Value v, int64_t *out) {
  if (IS_FLOAT(v)) {
    asy_raise(vm, vm->exc.TypeError, "'float' object cannot be interpreted as an integer");
    return false;
  }
  return asy_index(vm, v, out);
}

static Value str_of(VM *vm, Value v, const char **out) {
  Value r = asy_str(vm, v);
  if (!IS_EXC(r)) *out = AS_STR(r)->chars;
  return r;
}

/* randrange over ints of any size (random.py's arithmetic on mpz), for arguments or a
** width beyond int64. */
static Value randrange_big(VM *vm, MTState *s, Value start, Value stop, Value step) {
  if (IS_FLOAT(start) || IS_FLOAT(stop) || IS_FLOAT(step) || !asy_is_int(start) ||
      !asy_is_int(stop) || (!IS_UNDEF(step) && !asy_is_int(step)))
    return asy_raise(vm, vm->exc.TypeError, "'%s' object cannot be interpreted as an integer",
                     asy_type_name(vm, !asy_is_int(start)  ? start
                                       : !asy_is_int(stop) ? stop
                                                           : step));
  AsyIntView t1, t2, t3;
  mpz_t width, st, n, r;
  mpz_inits(width, st, n, r, NULL);
  mpz_srcptr a = asy_int_view(start, &t1), b = asy_int_view(stop, &t2);
  mpz_sub(width, b, a);
  if (IS_UNDEF(step)) mpz_set_si(st, 1);
  else mpz_set(st, asy_int_view(step, &t3));
  Value result = UNDEF_VAL;
  if (mpz_cmp_si(st, 1) == 0) {
    mpz_set(n, width);
  } else if (mpz_sgn(st) == 0) {
    result = asy_raise(vm, vm->exc.ValueError, "zero step for randrange()");
  } else {
    /* n = (width + step -/+ 1) // step */
    mpz_add(n, width, st);
    if (mpz_sgn(st) > 0) mpz_sub_ui(n, n, 1);
    else mpz_add_ui(n, n, 1);
    mpz_fdiv_q(n, n, st);
  }
  if (IS_UNDEF(result) && mpz_sgn(n) <= 0) {
    const char *x = "", *y = "", *z = "";
    if (IS_EXC(str_of(vm, start, &x)) || IS_EXC(str_of(vm, stop, &y)) ||
        (!IS_UNDEF(step) && mpz_cmp_si(st, 1) != 0 && IS_EXC(str_of(vm, step, &z))))
      result = EXC_VAL;
    else if (mpz_cmp_si(st, 1) == 0)
      result = asy_raise(vm, vm->exc.ValueError, "empty range in randrange(%s, %s)", x, y);
    else
      result = asy_raise(vm, vm->exc.ValueError, "empty range in randrange(%s, %s, %s)", x, y, z);
  }
  if (IS_UNDEF(result)) {
    mt_below_mpz(s, n, r);
    mpz_mul(r, r, st);
    mpz_add(r, r, asy_int_view(start, &t1));
    result = asy_int_from_mpz(vm, r); /* consumes r */
    mpz_init(r);
  }
  mpz_clears(width, st, n, r, NULL);
  return result;
}

static Value randrange(VM *vm, MTState *s, Value start, Value stop, Value step) {
  int64_t istart, istop, istep = 1;
  if (IS_BIGINT(start) || IS_BIGINT(stop) || IS_BIGINT(step)) {
    if (IS_UNDEF(stop) || IS_NONE(stop)) {
      if (!IS_UNDEF(step) && !(IS_INTLIKE(step) && AS_INTLIKE(step) == 1))
        return asy_raise(vm, vm->exc.TypeError, "Missing a non-None stop argument");
      AsyIntView t;
      if (mpz_sgn(asy_int_view(start, &t)) <= 0)
        return asy_raise(vm, vm->exc.ValueError, "empty range for randrange()");
      return randrange_big(vm, s, INT_VAL(0), start, UNDEF_VAL);
    }
    return randrange_big(vm, s, start, stop, step);
  }
  if (!index_arg(vm, start, &istart)) return EXC_VAL;
  if (IS_UNDEF(stop) || IS_NONE(stop)) {
    if (!IS_UNDEF(step) && !(IS_INTLIKE(step) && AS_INTLIKE(step) == 1))
      return asy_raise(vm, vm->exc.TypeError, "Missing a non-None stop argument");
    if (istart > 0) return INT_VAL((int64_t)mt_below(s, (uint64_t)istart));
    return asy_raise(vm, vm->exc.ValueError, "empty range for randrange()");
  }
  if (!index_arg(vm, stop, &istop)) return EXC_VAL;
  int64_t width;
  if (__builtin_sub_overflow(istop, istart, &width)) return randrange_big(vm, s, start, stop, step);
  if (!IS_UNDEF(step) && !index_arg(vm, step, &istep)) return EXC_VAL;
  if (istep == 1) {
    if (width > 0) return INT_VAL(istart + (int64_t)mt_below(s, (uint64_t)width));
    Value a = asy_str(vm, start);
    if (IS_EXC(a)) return a;
    Value b = asy_str(vm, stop);
    if (IS_EXC(b)) return b;
    return asy_raise(vm, vm->exc.ValueError, "empty range in randrange(%s, %s)", AS_STR(a)->chars,
                     AS_STR(b)->chars);
  }
  if (istep == 0) return asy_raise(vm, vm->exc.ValueError, "zero step for randrange()");
  /* n = (width + step -/+ 1) // step, with Python's floor division */
  __int128 num = (__int128)width + istep + (istep > 0 ? -1 : 1);
  __int128 q = num / istep;
  if (num % istep != 0 && ((num < 0) != (istep < 0))) q--;
  int64_t n = q > INT64_MAX ? INT64_MAX : (int64_t)q;
  if (n <= 0) {
    Value a = asy_str(vm, start);
    if (IS_EXC(a)) return a;
    Value b = asy_str(vm, stop);
    if (IS_EXC(b)) return b;
    Value c = asy_str(vm, step);
    if (IS_EXC(c)) return c;
    return asy_raise(vm, vm->exc.ValueError, "empty range in randrange(%s, %s, %s)",
                     AS_STR(a)->chars, AS_STR(b)->chars, AS_STR(c)->chars);
  }
  __int128 r = (__int128)istart + (__int128)istep * (__int128)mt_below(s, (uint64_t)n);
  return INT_VAL((int64_t)r);
}

static Value r_randrange(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("randrange");
  static const char *const names[] = {"start", "stop", "step"};
  Value a[3];
  if (!asy_std_pybind(vm, "Random.randrange", argc, args, kw, names, 3, 1, a)) return EXC_VAL;
  return randrange(vm, s, a[0], a[1], a[2]);
}

static Value r_randint(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("randint");
  static const char *const names[] = {"a", "b"};
  Value a[2];
  if (!asy_std_pybind(vm, "Random.randint", argc, args, kw, names, 2, 2, a)) return EXC_VAL;
  Value stop = asy_binary_op(vm, BINOP_ADD, a[1], INT_VAL(1));
  if (IS_EXC(stop)) return stop;
  return randrange(vm, s, a[0], stop, UNDEF_VAL);
}

static Value r_choice(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("choice");
  static const char *const names[] = {"seq"};
  Value seq;
  if (!asy_std_pybind(vm, "Random.choice", argc, args, kw, names, 1, 1, &seq)) return EXC_VAL;
  args = &seq;
  int64_t n = asy_len(vm, args[0]);
  if (n < 0) return EXC_VAL;
  if (n == 0) return asy_raise(vm, vm->exc.IndexError, "Cannot choose from an empty sequence");
  int64_t i = (int64_t)mt_below(s, (uint64_t)n);
  if (IS_LIST(args[0]) && (size_t)i < AS_LIST(args[0])->size) return AS_LIST(args[0])->items[i];
  if (IS_TUPLE(args[0])) return AS_TUPLE(args[0])->items[i];
  return asy_getitem(vm, args[0], INT_VAL(i));
}

static Value r_shuffle(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("shuffle");
  static const char *const names[] = {"x"};
  Value x;
  if (!asy_std_pybind(vm, "Random.shuffle", argc, args, kw, names, 1, 1, &x)) return EXC_VAL;
  int64_t n = asy_len(vm, x);
  if (n < 0) return EXC_VAL;
  for (int64_t i = n - 1; i >= 1; i--) {
    int64_t j = (int64_t)mt_below(s, (uint64_t)i + 1);
    if (IS_LIST(x) && (int64_t)AS_LIST(x)->size == n) {
      Value t = AS_LIST(x)->items[i];
      AS_LIST(x)->items[i] = AS_LIST(x)->items[j];
      AS_LIST(x)->items[j] = t;
      continue;
    }
    Value xj = asy_getitem(vm, x, INT_VAL(j));
    if (IS_EXC(xj)) return xj;
    asy_push_root(vm, xj);
    Value xi = asy_getitem(vm, x, INT_VAL(i));
    if (IS_EXC(xi)) return xi;
    asy_push_root(vm, xi);
    if (!asy_setitem(vm, x, INT_VAL(i), xj) || !asy_setitem(vm, x, INT_VAL(j), xi)) return EXC_VAL;
  }
  return NONE_VAL;
}

/* A small open-addressing set of int64 (sample()'s "selected" set). */
typedef struct {
  int64_t *keys;
  uint8_t *used;
  size_t cap, count;
} IntSet;

static bool intset_has(IntSet *s, int64_t k) {
  size_t i = (size_t)((uint64_t)k * 0x9e3779b97f4a7c15ull) & (s->cap - 1);
  while (s->used[i]) {
    if (s->keys[i] == k) return true;
    i = (i + 1) & (s->cap - 1);
  }
  return false;
}

static void intset_add(IntSet *s, int64_t k) {
  size_t i = (size_t)((uint64_t)k * 0x9e3779b97f4a7c15ull) & (s->cap - 1);
  while (s->used[i]) {
    if (s->keys[i] == k) return;
    i = (i + 1) & (s->cap - 1);
  }
  s->used[i] = 1;
  s->keys[i] = k;
  s->count++;
}

static Value seq_item(VM *vm, Value seq, int64_t i) {
  if (IS_LIST(seq) && (size_t)i < AS_LIST(seq)->size) return AS_LIST(seq)->items[i];
  if (IS_TUPLE(seq)) return AS_TUPLE(seq)->items[i];
  if (IS_RANGE(seq)) {
    ObjRange *r = AS_RANGE(seq);
    return INT_VAL(r->start + i * r->step);
  }
  return asy_getitem(vm, seq, INT_VAL(i));
}

static Value sample(VM *vm, MTState *s, Value pop, int64_t k);

static Value sample_counts(VM *vm, MTState *s, Value pop, int64_t n, Value counts, int64_t k) {
  Value cl = asy_call(vm, OBJ_VAL(vm->types.list), 1, &counts, NULL);
  if (IS_EXC(cl)) return cl;
  ObjList *c = AS_LIST(cl);
  int64_t *cum = malloc(sizeof(int64_t) * (c->size + 1));
  if (!cum) return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  int64_t total = 0;
  bool ints = true;
  for (size_t i = 0; i < c->size; i++) {
    if (!IS_INTLIKE(c->items[i])) ints = false;
    else total += AS_INTLIKE(c->items[i]);
    cum[i] = total;
  }
  if ((int64_t)c->size != n) {
    free(cum);
    return asy_raise(vm, vm->exc.ValueError, "The number of counts does not match the population");
  }
  if (!ints) {
    free(cum);
    return asy_raise(vm, vm->exc.TypeError, "Counts must be integers");
  }
  if (total <= 0) {
    free(cum);
    return asy_raise(vm, vm->exc.ValueError, "Total of counts must be greater than zero");
  }
  ObjRange *r = asy_range_new(vm, 0, total, 1);
  Value sel = sample(vm, s, OBJ_VAL(r), k);
  if (IS_EXC(sel)) {
    free(cum);
    return sel;
  }
  ObjList *res = asy_list_new(vm, (size_t)k);
  ObjList *sl = AS_LIST(sel);
  for (size_t i = 0; i < sl->size; i++) {
    int64_t v = AS_INT(sl->items[i]);
    /* bisect_right over cum[0..n-1) */
    size_t lo = 0, hi = (size_t)n - 1;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (v < cum[mid]) hi = mid;
      else lo = mid + 1;
    }
    Value item = seq_item(vm, pop, (int64_t)lo);
    if (IS_EXC(item)) {
      free(cum);
      return item;
    }
    asy_list_append(vm, res, item);
  }
  free(cum);
  return OBJ_VAL(res);
}

static Value sample(VM *vm, MTState *s, Value pop, int64_t k) {
  int64_t n = asy_len(vm, pop);
  if (n < 0) return EXC_VAL;
  if (k < 0 || k > n)
    return asy_raise(vm, vm->exc.ValueError, "Sample larger than population or is negative");
  ObjList *result = asy_list_new(vm, (size_t)k);
  int64_t setsize = 21;
  if (k > 5) {
    double e = ceil(log((double)(k * 3)) / log(4.0));
    setsize += (int64_t)pow(4.0, e);
  }
  if (n <= setsize) {
    Value pl = asy_call(vm, OBJ_VAL(vm->types.list), 1, &pop, NULL);
    if (IS_EXC(pl)) return pl;
    ObjList *pool = AS_LIST(pl);
    for (int64_t i = 0; i < k; i++) {
      int64_t j = (int64_t)mt_below(s, (uint64_t)(n - i));
      asy_list_append(vm, result, pool->items[j]);
      pool->items[j] = pool->items[n - i - 1];
    }
    return OBJ_VAL(result);
  }
  IntSet set;
  set.cap = 16;
  while (set.cap < (size_t)k * 2 + 2) set.cap *= 2;
  set.count = 0;
  set.keys = malloc(sizeof(int64_t) * set.cap);
  set.used = calloc(set.cap, 1);
  if (!set.keys || !set.used) {
    free(set.keys);
    free(set.used);
    return asy_raise(vm, vm->exc.MemoryError, "out of memory");
  }
  for (int64_t i = 0; i < k; i++) {
    int64_t j = (int64_t)mt_below(s, (uint64_t)n);
    while (intset_has(&set, j)) j = (int64_t)mt_below(s, (uint64_t)n);
    intset_add(&set, j);
    Value item = seq_item(vm, pop, j);
    if (IS_EXC(item)) {
      free(set.keys);
      free(set.used);
      return item;
    }
    asy_list_append(vm, result, item);
  }
  free(set.keys);
  free(set.used);
  return OBJ_VAL(result);
}

static Value r_sample(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("sample");
  Value a[3] = {UNDEF_VAL, UNDEF_VAL, UNDEF_VAL};
  if (argc > 2)
    return asy_raise(vm, vm->exc.TypeError,
                     "Random.sample() takes 3 positional arguments but %d were given", argc + 1);
  for (int i = 0; i < argc; i++) a[i] = args[i];
  static const char *const names[] = {"population", "k", "counts"};
  if (kw) {
    for (size_t i = 0; i < kw->used; i++) {
      DictEntry *e = &kw->entries[i];
      Value name = asy_dict_key(kw, i);
      if (IS_UNDEF(name)) continue;
      const char *key = IS_STR(name) ? AS_STR(name)->chars : "";
      int idx = -1;
      for (int j = 0; j < 3; j++)
        if (strcmp(key, names[j]) == 0) idx = j;
      if (idx < 0)
        return asy_raise(vm, vm->exc.TypeError,
                         "Random.sample() got an unexpected keyword argument '%s'", key);
      if (idx < argc)
        return asy_raise(vm, vm->exc.TypeError,
                         "Random.sample() got multiple values for argument '%s'", key);
      a[idx] = e->value;
    }
  }
  if (IS_UNDEF(a[0]) || IS_UNDEF(a[1])) {
    if (IS_UNDEF(a[0]) && IS_UNDEF(a[1]))
      return asy_raise(
          vm, vm->exc.TypeError,
          "Random.sample() missing 2 required positional arguments: 'population' and 'k'");
    return asy_raise(vm, vm->exc.TypeError,
                     "Random.sample() missing 1 required positional argument: '%s'",
                     IS_UNDEF(a[0]) ? "population" : "k");
  }
  Value pop = a[0];
  if (!IS_LIST(pop) && !IS_TUPLE(pop) && !IS_STR(pop) && !IS_RANGE(pop) && !IS_BYTES(pop))
    return asy_raise(vm, vm->exc.TypeError,
                     "Population must be a sequence.  For dicts or sets, use sorted(d).");
  int64_t k;
  if (!index_arg(vm, a[1], &k)) return EXC_VAL;
  if (!IS_UNDEF(a[2]) && !IS_NONE(a[2])) {
    int64_t n = asy_len(vm, pop);
    if (n < 0) return EXC_VAL;
    return sample_counts(vm, s, pop, n, a[2], k);
  }
  return sample(vm, s, pop, k);
}

/* bisect_right(cum, x, 0, hi) over a list of numbers. */
static int64_t bisect_right(VM *vm, ObjList *cum, double x, int64_t hi, bool *err) {
  int64_t lo = 0;
  while (lo < hi) {
    int64_t mid = (lo + hi) / 2;
    double c;
    if (!asy_std_to_double(vm, cum->items[mid], &c)) {
      *err = true;
      return 0;
    }
    if (x < c) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

static Value r_choices(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("choices");
  if (argc < 1 || argc > 2)
    return asy_raise(vm, vm->exc.TypeError,
                     "Random.choices() takes from 2 to 3 positional arguments but %d were given",
                     argc + 1);
  static const char *const names[] = {"weights", "cum_weights", "k"};
  Value opt[3] = {argc > 1 ? args[1] : UNDEF_VAL, UNDEF_VAL, UNDEF_VAL};
  if (!asy_std_kwargs(vm, "Random.choices", kw, names, 3, opt, 0)) return EXC_VAL;
  Value pop = args[0];
  int64_t n = asy_len(vm, pop);
  if (n < 0) return EXC_VAL;
  int64_t k = 1;
  if (!IS_UNDEF(opt[2]) && !index_arg(vm, opt[2], &k)) return EXC_VAL;
  Value weights = IS_UNDEF(opt[0]) ? NONE_VAL : opt[0];
  Value cumw = IS_UNDEF(opt[1]) ? NONE_VAL : opt[1];
  ObjList *res = asy_list_new(vm, k > 0 ? (size_t)k : 0);
  if (IS_NONE(cumw)) {
    if (IS_NONE(weights)) {
      double fn = (double)n;
      for (int64_t i = 0; i < k; i++) {
        Value item = seq_item(vm, pop, (int64_t)floor(mt_random(s) * fn));
        if (IS_EXC(item)) return item;
        asy_list_append(vm, res, item);
      }
      return OBJ_VAL(res);
    }
    if (IS_INTLIKE(weights))
      return asy_raise(vm, vm->exc.TypeError,
                       "The number of choices must be a keyword argument: k=%lld",
                       (long long)AS_INTLIKE(weights));
    /* cum_weights = list(accumulate(weights)) */
    Value it = asy_iter(vm, weights);
    if (IS_EXC(it)) return it;
    ObjList *cl = asy_list_new(vm, 0);
    Value acc = UNDEF_VAL;
    for (;;) {
      Value v = asy_next(vm, it);
      if (IS_EXC(v)) return v;
      if (IS_UNDEF(v)) break;
      if (IS_UNDEF(acc)) acc = v;
      else {
        acc = asy_binary_op(vm, BINOP_ADD, acc, v);
        if (IS_EXC(acc)) return acc;
      }
      asy_list_append(vm, cl, acc);
    }
    cumw = OBJ_VAL(cl);
  } else if (!IS_NONE(weights)) {
    return asy_raise(vm, vm->exc.TypeError, "Cannot specify both weights and cumulative weights");
  } else {
    cumw = asy_call(vm, OBJ_VAL(vm->types.list), 1, &cumw, NULL);
    if (IS_EXC(cumw)) return cumw;
  }
  ObjList *cum = AS_LIST(cumw);
  if ((int64_t)cum->size != n)
    return asy_raise(vm, vm->exc.ValueError, "The number of weights does not match the population");
  double total;
  if (n == 0) return asy_raise(vm, vm->exc.IndexError, "list index out of range");
  if (!asy_std_to_double(vm, cum->items[cum->size - 1], &total)) return EXC_VAL;
  if (total <= 0.0)
    return asy_raise(vm, vm->exc.ValueError, "Total of weights must be greater than zero");
  if (!isfinite(total)) return asy_raise(vm, vm->exc.ValueError, "Total of weights must be finite");
  for (int64_t i = 0; i < k; i++) {
    bool err = false;
    int64_t idx = bisect_right(vm, cum, mt_random(s) * total, n - 1, &err);
    if (err) return EXC_VAL;
    Value item = seq_item(vm, pop, idx);
    if (IS_EXC(item)) return item;
    asy_list_append(vm, res, item);
  }
  return OBJ_VAL(res);
}

/* Two float args with defaults (uniform, gauss, …). */
static bool float_args(VM *vm, const char *fname, int argc, Value *args, ObjDict *kw,
                       const char *const *names, int n, int nreq, const double *defaults,
                       double *out) {
  Value a[3];
  if (!asy_std_pybind(vm, fname, argc, args, kw, names, n, nreq, a)) return false;
  for (int i = 0; i < n; i++) {
    out[i] = defaults ? defaults[i] : 0.0;
    if (!IS_UNDEF(a[i]) && !asy_std_to_double(vm, a[i], &out[i])) return false;
  }
  return true;
}

static Value r_uniform(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("uniform");
  static const char *const names[] = {"a", "b"};
  double v[2];
  if (!float_args(vm, "Random.uniform", argc, args, kw, names, 2, 2, NULL, v)) return EXC_VAL;
  return FLOAT_VAL(v[0] + (v[1] - v[0]) * mt_random(s));
}

static Value r_triangular(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("triangular");
  static const char *const names[] = {"low", "high", "mode"};
  Value a[3];
  if (!asy_std_pybind(vm, "Random.triangular", argc, args, kw, names, 3, 0, a)) return EXC_VAL;
  double low = 0.0, high = 1.0, c;
  if (!IS_UNDEF(a[0]) && !asy_std_to_double(vm, a[0], &low)) return EXC_VAL;
  if (!IS_UNDEF(a[1]) && !asy_std_to_double(vm, a[1], &high)) return EXC_VAL;
  double u = mt_random(s);
  if (IS_UNDEF(a[2]) || IS_NONE(a[2])) {
    c = 0.5;
  } else {
    double mode;
    if (!asy_std_to_double(vm, a[2], &mode)) return EXC_VAL;
    if (high - low == 0.0) return FLOAT_VAL(low);
    c = (mode - low) / (high - low);
  }
  if (u > c) {
    u = 1.0 - u;
    c = 1.0 - c;
    double t = low;
    low = high;
    high = t;
  }
  return FLOAT_VAL(low + (high - low) * sqrt(u * c));
}

static double normalvariate(MTState *s, double mu, double sigma) {
  const double nv_magicconst = 4 * exp(-0.5) / sqrt(2.0);
  double z;
  for (;;) {
    double u1 = mt_random(s);
    double u2 = 1.0 - mt_random(s);
    z = nv_magicconst * (u1 - 0.5) / u2;
    double zz = z * z / 4.0;
    if (zz <= -log(u2)) break;
  }
  return mu + z * sigma;
}

static Value r_normalvariate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("normalvariate");
  static const char *const names[] = {"mu", "sigma"};
  static const double defaults[] = {0.0, 1.0};
  double v[2];
  if (!float_args(vm, "Random.normalvariate", argc, args, kw, names, 2, 0, defaults, v))
    return EXC_VAL;
  return FLOAT_VAL(normalvariate(s, v[0], v[1]));
}

static Value r_lognormvariate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("lognormvariate");
  static const char *const names[] = {"mu", "sigma"};
  double v[2];
  if (!float_args(vm, "Random.lognormvariate", argc, args, kw, names, 2, 2, NULL, v))
    return EXC_VAL;
  return FLOAT_VAL(exp(normalvariate(s, v[0], v[1])));
}

static Value r_gauss(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("gauss");
  static const char *const names[] = {"mu", "sigma"};
  static const double defaults[] = {0.0, 1.0};
  double v[2];
  if (!float_args(vm, "Random.gauss", argc, args, kw, names, 2, 0, defaults, v)) return EXC_VAL;
  double z;
  if (s->has_gauss) {
    z = s->gauss_next;
    s->has_gauss = false;
  } else {
    double x2pi = mt_random(s) * (2.0 * M_PI);
    double g2rad = sqrt(-2.0 * log(1.0 - mt_random(s)));
    z = cos(x2pi) * g2rad;
    s->gauss_next = sin(x2pi) * g2rad;
    s->has_gauss = true;
  }
  return FLOAT_VAL(v[0] + z * v[1]);
}

static Value r_expovariate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("expovariate");
  static const char *const names[] = {"lambd"};
  static const double defaults[] = {1.0};
  double v[1];
  if (!float_args(vm, "Random.expovariate", argc, args, kw, names, 1, 0, defaults, v))
    return EXC_VAL;
  double r = -log(1.0 - mt_random(s));
  if (v[0] == 0.0) return asy_raise(vm, vm->exc.ZeroDivisionError, "float division by zero");
  return FLOAT_VAL(r / v[0]);
}

/* Python's float %: the result takes the divisor's sign. */
static double py_fmod(double a, double b) {
  double m = fmod(a, b);
  if (m != 0.0 && ((m < 0.0) != (b < 0.0))) m += b;
  return m;
}

static Value r_vonmisesvariate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("vonmisesvariate");
  static const char *const names[] = {"mu", "kappa"};
  double v[2];
  if (!float_args(vm, "Random.vonmisesvariate", argc, args, kw, names, 2, 2, NULL, v))
    return EXC_VAL;
  double mu = v[0], kappa = v[1], z;
  if (kappa <= 1e-6) return FLOAT_VAL(2.0 * M_PI * mt_random(s));
  double sc = 0.5 / kappa, r = sc + sqrt(1.0 + sc * sc);
  for (;;) {
    double u1 = mt_random(s);
    z = cos(M_PI * u1);
    double d = z / (r + z);
    double u2 = mt_random(s);
    if (u2 < 1.0 - d * d || u2 <= (1.0 - d) * exp(d)) break;
  }
  double q = 1.0 / r, f = (q + z) / (1.0 + q * z);
  double u3 = mt_random(s);
  return FLOAT_VAL(u3 > 0.5 ? py_fmod(mu + acos(f), 2.0 * M_PI)
                            : py_fmod(mu - acos(f), 2.0 * M_PI));
}

/* random.py's gammavariate (Cheng's / Ahrens-Dieter algorithms), same draws in the same order. */
static bool gammavariate(VM *vm, MTState *s, double alpha, double beta, double *out) {
  if (alpha <= 0.0 || beta <= 0.0) {
    asy_raise(vm, vm->exc.ValueError, "gammavariate: alpha and beta must be > 0.0");
    return false;
  }
  if (alpha > 1.0) {
    double ainv = sqrt(2.0 * alpha - 1.0), bbb = alpha - log(4.0), ccc = alpha + ainv;
    for (;;) {
      double u1 = mt_random(s);
      if (!(1e-7 < u1 && u1 < 0.9999999)) continue;
      double u2 = 1.0 - mt_random(s);
      double v = log(u1 / (1.0 - u1)) / ainv;
      double x = alpha * exp(v), z = u1 * u1 * u2, r = bbb + ccc * v - x;
      if (r + (1.0 + log(4.5)) - 4.5 * z >= 0.0 || r >= log(z)) {
        *out = x * beta;
        return true;
      }
    }
  }
  if (alpha == 1.0) {
    *out = -log(1.0 - mt_random(s)) * beta;
    return true;
  }
  double x;
  for (;;) {
    double u = mt_random(s);
    double b = (M_E + alpha) / M_E, p = b * u;
    x = p <= 1.0 ? pow(p, 1.0 / alpha) : -log((b - p) / alpha);
    double u1 = mt_random(s);
    if (p > 1.0) {
      if (u1 <= pow(x, alpha - 1.0)) break;
    } else if (u1 <= exp(-x)) {
      break;
    }
  }
  *out = x * beta;
  return true;
}

static Value r_gammavariate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("gammavariate");
  static const char *const names[] = {"alpha", "beta"};
  double v[2], x;
  if (!float_args(vm, "Random.gammavariate", argc, args, kw, names, 2, 2, NULL, v)) return EXC_VAL;
  if (!gammavariate(vm, s, v[0], v[1], &x)) return EXC_VAL;
  return FLOAT_VAL(x);
}

static Value r_betavariate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("betavariate");
  static const char *const names[] = {"alpha", "beta"};
  double v[2], y, z;
  if (!float_args(vm, "Random.betavariate", argc, args, kw, names, 2, 2, NULL, v)) return EXC_VAL;
  if (!gammavariate(vm, s, v[0], 1.0, &y)) return EXC_VAL;
  if (y == 0.0) return FLOAT_VAL(0.0);
  if (!gammavariate(vm, s, v[1], 1.0, &z)) return EXC_VAL;
  return FLOAT_VAL(y / (y + z));
}

static Value r_paretovariate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("paretovariate");
  static const char *const names[] = {"alpha"};
  double v[1];
  if (!float_args(vm, "Random.paretovariate", argc, args, kw, names, 1, 1, NULL, v)) return EXC_VAL;
  double u = 1.0 - mt_random(s);
  if (v[0] == 0.0) return asy_raise(vm, vm->exc.ZeroDivisionError, "float division by zero");
  return FLOAT_VAL(pow(u, -1.0 / v[0]));
}

static Value r_weibullvariate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("weibullvariate");
  static const char *const names[] = {"alpha", "beta"};
  double v[2];
  if (!float_args(vm, "Random.weibullvariate", argc, args, kw, names, 2, 2, NULL, v))
    return EXC_VAL;
  double u = 1.0 - mt_random(s);
  if (v[1] == 0.0) return asy_raise(vm, vm->exc.ZeroDivisionError, "float division by zero");
  return FLOAT_VAL(v[0] * pow(-log(u), 1.0 / v[1]));
}

static Value r_getstate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("getstate");
  ObjTuple *inner = asy_tuple_new(vm, MT_N + 1);
  for (int i = 0; i < MT_N; i++) inner->items[i] = INT_VAL(s->mt[i]);
  inner->items[MT_N] = INT_VAL(s->mti);
  Value items[3] = {INT_VAL(3), OBJ_VAL(inner), s->has_gauss ? FLOAT_VAL(s->gauss_next) : NONE_VAL};
  return OBJ_VAL(asy_tuple_from(vm, 3, items));
}

static Value r_setstate(VM *vm, int argc, Value *args, ObjDict *kw) {
  SELF_STATE("setstate");
  if (argc != 1 || !IS_TUPLE(args[0]) || AS_TUPLE(args[0])->size != 3)
    return asy_raise(vm, vm->exc.TypeError, "state vector must be a tuple");
  ObjTuple *st = AS_TUPLE(args[0]);
  if (!IS_INTLIKE(st->items[0]) || AS_INTLIKE(st->items[0]) != 3) {
    Value v = asy_str(vm, st->items[0]);
    if (IS_EXC(v)) return v;
    return asy_raise(vm, vm->exc.ValueError,
                     "state with version %s passed to Random.setstate() of version 3",
                     AS_STR(v)->chars);
  }
  if (!IS_TUPLE(st->items[1]) || AS_TUPLE(st->items[1])->size != MT_N + 1)
    return asy_raise(vm, vm->exc.ValueError, "state vector is the wrong size");
  ObjTuple *inner = AS_TUPLE(st->items[1]);
  for (int i = 0; i <= MT_N; i++)
    if (!IS_INTLIKE(inner->items[i]))
      return asy_raise(vm, vm->exc.TypeError, "state vector items must be integers");
  int64_t mti = AS_INTLIKE(inner->items[MT_N]);
  if (mti < 0 || mti > MT_N) return asy_raise(vm, vm->exc.ValueError, "invalid state");
  for (int i = 0; i < MT_N; i++) s->mt[i] = (uint32_t)AS_INTLIKE(inner->items[i]);
  s->mti = (int)mti;
  Value g = st->items[2];
  s->has_gauss = !IS_NONE(g);
  if (s->has_gauss && !asy_std_to_double(vm, g, &s->gauss_next)) return EXC_VAL;
  return NONE_VAL;
}

#define UNCHECKED ASY_UNCHECKED
/* clang-format off */
static const AsyMethodDef random_methods[] = {
  {"__init__", r_init, UNCHECKED}, {"seed", r_seed, UNCHECKED}, {"random", r_random, UNCHECKED},
  {"getrandbits", r_getrandbits, UNCHECKED}, {"randbytes", r_randbytes, UNCHECKED},
  {"randrange", r_randrange, UNCHECKED}, {"randint", r_randint, UNCHECKED},
  {"choice", r_choice, UNCHECKED}, {"shuffle", r_shuffle, UNCHECKED},
  {"sample", r_sample, UNCHECKED}, {"choices", r_choices, UNCHECKED},
  {"uniform", r_uniform, UNCHECKED}, {"triangular", r_triangular, UNCHECKED},
  {"normalvariate", r_normalvariate, UNCHECKED}, {"lognormvariate", r_lognormvariate, UNCHECKED},
  {"gauss", r_gauss, UNCHECKED}, {"expovariate", r_expovariate, UNCHECKED},
  {"getstate", r_getstate, UNCHECKED}, {"setstate", r_setstate, UNCHECKED},
  {"vonmisesvariate", r_vonmisesvariate, UNCHECKED}, {"gammavariate", r_gammavariate, UNCHECKED},
  {"betavariate", r_betavariate, UNCHECKED}, {"paretovariate", r_paretovariate, UNCHECKED},
  {"weibullvariate", r_weibullvariate, UNCHECKED},
  {0},
};
/* clang-format on */
#undef UNCHECKED

Value asy_mod_random_init(VM *vm, int argc, Value *args, ObjDict *kw) {
  if (argc < 1 || !IS_MODULE(args[0])) return NONE_VAL;
  ObjModule *m = AS_MODULE(args[0]);
  ObjDict *d = m->dict;
  ObjClass *cls;
  if (IS_CLASS(vm->stdlib->random_class)) {
    cls = AS_CLASS(vm->stdlib->random_class);
  } else {
    cls = asy_std_class(vm, "Random", "random", vm->types.object, OBJ_INSTANCE);
    cls->flags &= ~CLASS_BUILTIN; /* instances are plain objects with a __dict__ */
    asy_def_natives(vm, cls, NULL, random_methods);
    asy_def_value(vm, cls->dict, "VERSION", INT_VAL(3));
    vm->stdlib->random_class = OBJ_VAL(cls);
  }
  asy_def_value(vm, d, "Random", OBJ_VAL(cls));
  /* The hidden shared instance and its bound methods (random.py's _inst). */
  Value inst = asy_instance_new(vm, cls);
  if (IS_EXC(inst)) return inst;
  asy_push_root(vm, inst);
  Value nd;
  MTState *s = new_state_obj(vm, &nd);
  seed_os(s);
  if (!AS_INSTANCE(inst)->dict) AS_INSTANCE(inst)->dict = asy_dict_new(vm);
  asy_dict_set_str(vm, AS_INSTANCE(inst)->dict, asy_str_intern(vm, STATE_KEY, sizeof STATE_KEY - 1),
                   nd);
  asy_def_value(vm, d, "_inst", inst);
  for (const AsyMethodDef *m = random_methods; m->name; m++) {
    const char *name = m->name;
    if (name[0] == '_') continue; /* __init__ stays a method */
    Value meth = asy_dict_get_str(cls->dict, asy_str_intern(vm, name, strlen(name)));
    asy_def_value(vm, d, name, OBJ_VAL(asy_bound_new(vm, inst, meth)));
  }
  return NONE_VAL;
}
