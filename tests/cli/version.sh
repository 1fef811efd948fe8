# `asy --version` / `-V` print one line starting with "Asy " and exit 0; `-VV` (or -V -V)
# adds the commit, the build type, the build date and the compiler, as CPython's -VV does.
. "$(dirname "$0")/_lib.sh"
for flag in --version -V; do
  run "$ASY" $flag
  expect_code 0
  case "$OUT" in "Asy "*) ;; *) fail "$flag: stdout should start with 'Asy '" ;; esac
  [ "$(printf '%s' "$OUT" | wc -l)" -le 1 ] || fail "$flag: expected a single line"
done
for flags in -VV "-V -V"; do
  run "$ASY" $flags
  expect_code 0
  [ "$(printf '%s' "$OUT" | wc -l)" -le 1 ] || fail "$flags: expected a single line"
  case "$OUT" in "Asy "*"(commit "*" build, "*[0-9][0-9]":"[0-9][0-9]":"[0-9][0-9]") ["*"]"*) ;;
    *) fail "$flags: expected Asy VERSION (...) (commit C, TYPE build, DATE TIME) [COMPILER]" ;; esac
done
finish
