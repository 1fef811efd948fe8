# Shared helpers for the command-line tests (sourced, not a test itself).
# Each test is run as `bash tests/cli/NAME.sh ASY_BINARY`; it exits 0 on success and
# prints what differed otherwise.
set -u
ASY=${1:-${ASY:-}}
if [ -z "$ASY" ] || [ ! -x "$ASY" ]; then
  echo "usage: $0 ASY_BINARY" >&2
  exit 2
fi
case "$ASY" in /*) ;; *) ASY="$(cd "$(dirname "$ASY")" && pwd)/$(basename "$ASY")" ;; esac
export LC_ALL=C.UTF-8
T=$(mktemp -d "${TMPDIR:-/tmp}/asy-cli.XXXXXX")
T=$(cd "$T" && pwd -P)
trap 'rm -rf "$T"' EXIT
failures=0

# run CMD...: runs it with stdin from /dev/null unless redirected by the caller;
# sets OUT, ERR (contents) and CODE.
run() {
  "$@" >"$T/out" 2>"$T/err" </dev/null
  CODE=$?
  OUT=$(cat "$T/out"; echo x); OUT=${OUT%x}
  ERR=$(cat "$T/err"; echo x); ERR=${ERR%x}
}

fail() {
  echo "FAIL: $*"
  echo "  exit status: $CODE"
  echo "  stdout: $(printf '%q' "$OUT")"
  echo "  stderr: $(printf '%q' "$ERR")"
  failures=$((failures + 1))
}

expect_code() { [ "$CODE" = "$1" ] || fail "expected exit status $1"; }
expect_out() { [ "$OUT" = "$1" ] || fail "expected stdout $(printf '%q' "$1")"; }
expect_err() { [ "$ERR" = "$1" ] || fail "expected stderr $(printf '%q' "$1")"; }
expect_out_empty() { [ -z "$OUT" ] || fail "expected empty stdout"; }
expect_err_empty() { [ -z "$ERR" ] || fail "expected empty stderr"; }

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
  fi
  exit 0
}
