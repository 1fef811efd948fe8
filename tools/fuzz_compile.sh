#!/usr/bin/env bash
# Build and run the libFuzzer harness for the front end (tools/fuzz_compile.c).
#
# usage: tools/fuzz_compile.sh [SECONDS] [extra libFuzzer flags...]
#   Needs clang and a configured CMake build tree for the generated lexer/parser and the
#   embedded library (GEN_DIR, default /tmp/build-fuzz/gen: `cmake -S . -B /tmp/build-fuzz`
#   and a build make them).
#   Seeds are the scripts under tests/; crashes land in $OUT (default /tmp/asy-fuzz-compile).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
gen=${GEN_DIR:-/tmp/build-fuzz/gen}
out=${OUT:-/tmp/asy-fuzz-compile}
[ -f "$gen/lexer.c" ] && [ -f "$gen/grammar.c" ] && [ -f "$gen/lib_sources.c" ] || {
  echo "no generated lexer/grammar/lib_sources in $gen: configure and build a CMake tree first" >&2
  exit 2
}
mkdir -p "$out/corpus" "$out/crashes"
bin=$out/fuzz_compile
srcs=$(ls "$here"/lang/*.c "$here"/vm/*.c "$here"/vm/obj/*.c "$here"/stdlib/*.c)
# shellcheck disable=SC2086
clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$here" -I"$gen" \
  $srcs "$gen/lexer.c" "$gen/grammar.c" "$gen/lib_sources.c" "$here/tools/fuzz_compile.c" -lm -o "$bin"
find "$here/tests" -name '*.asy' -exec cp {} "$out/corpus/" \; 2>/dev/null || true
cd "$out/crashes"
"$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
  "$@" "$out/corpus" 2>&1 | tail -40
