# `asy --version` prints one line starting with "Asy " and exits 0.
. "$(dirname "$0")/_lib.sh"
run "$ASY" --version
expect_code 0
case "$OUT" in "Asy "*) ;; *) fail "stdout should start with 'Asy '" ;; esac
[ "$(printf '%s' "$OUT" | wc -l)" -le 1 ] || fail "expected a single line"
finish
