#!/usr/bin/env bash
# Run one Asy test script and compare it with the expected output CPython produced.
#
# usage: tests/run_test.sh ASY_BINARY SCRIPT.asy
#
# Runs the script exactly as ../shared/tools/expect-from-cpython ran CPython: from the
# script's own folder, as `ASY_BINARY name.asy < /dev/null` with LC_ALL=C.UTF-8. The
# script folder's absolute path (plus "/") is cut from stdout and stderr, as the tool cuts
# it from CPython's output, so tracebacks read `File "name.asy", line 3`.
# Expected results live beside the script:
#   name.out   stdout (required)
#   name.err   stderr (absent = must be empty)
#   name.code  exit status (absent = 0)
# On a mismatch, prints a unified diff of each differing stream and exits 1.
#
# Environment:
#   ASY_TEST_TIMEOUT  seconds before the run is killed (default 60)
#   ASY_TEST_FLAGS    extra flags put before the script name (e.g. --virtual-time)
set -u

if [ $# -ne 2 ]; then
  echo "usage: $0 ASY_BINARY SCRIPT.asy" >&2
  exit 2
fi

asy=$1
script=$2
if [ ! -f "$script" ]; then
  echo "run_test.sh: no such script: $script" >&2
  exit 2
fi
# Resolve the binary before changing directory (it may be given relative to the caller).
case "$asy" in
  */*) asy="$(cd "$(dirname "$asy")" && pwd)/$(basename "$asy")" ;;
  *) asy=$(command -v "$asy" || echo "$asy") ;;
esac
if [ ! -x "$asy" ]; then
  echo "run_test.sh: interpreter not found or not executable: $asy" >&2
  exit 2
fi

dir=$(cd "$(dirname "$script")" && pwd -P)
name=$(basename "$script")
stem=${name%.*}
timeout_s=${ASY_TEST_TIMEOUT:-60}

work=$(mktemp -d "${TMPDIR:-/tmp}/asy-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The expected files were written from CPython's view of the folder; use the same
# physical path (pwd -P) so a symlinked checkout does not change the prefix.
# shellcheck disable=SC2086  # ASY_TEST_FLAGS is deliberately word-split
(
  cd "$dir" || exit 125
  LC_ALL=C.UTF-8 exec timeout --kill-after=5 "$timeout_s" \
    "$asy" ${ASY_TEST_FLAGS:-} "$name" <"/dev/null" >"$work/stdout.raw" 2>"$work/stderr.raw"
)
code=$?

# Cut "<folder>/" everywhere, literally (perl is part of every Debian base system).
strip_prefix() {
  PREFIX="$dir/" perl -pe 's/\Q$ENV{PREFIX}\E//g' "$1" >"$2"
}
strip_prefix "$work/stdout.raw" "$work/stdout"
strip_prefix "$work/stderr.raw" "$work/stderr"

expected_out="$dir/$stem.out"
expected_err="$dir/$stem.err"
expected_code=0
[ -f "$dir/$stem.code" ] && expected_code=$(tr -d '[:space:]' <"$dir/$stem.code")
[ -f "$expected_out" ] || { echo "run_test.sh: missing expected output $expected_out" >&2; exit 2; }
[ -f "$expected_err" ] || { expected_err="$work/empty"; : >"$expected_err"; }

status=0
if ! cmp -s "$expected_out" "$work/stdout"; then
  echo "=== stdout differs ($stem.out vs actual) ==="
  diff -u --label "expected stdout" --label "actual stdout" "$expected_out" "$work/stdout"
  status=1
fi
if ! cmp -s "$expected_err" "$work/stderr"; then
  echo "=== stderr differs ($stem.err vs actual) ==="
  diff -u --label "expected stderr" --label "actual stderr" "$expected_err" "$work/stderr"
  status=1
fi
if [ "$code" != "$expected_code" ]; then
  if [ "$code" = 124 ] || [ "$code" = 137 ]; then
    echo "=== timed out after ${timeout_s}s (exit $code) ==="
  elif [ "$code" -gt 128 ]; then
    echo "=== killed by signal $((code - 128)) ==="
  fi
  echo "=== exit status differs: expected $expected_code, got $code ==="
  status=1
fi
exit $status
