# `asy --help` and `asy -h` print a usage text on stdout and exit 0.
. "$(dirname "$0")/_lib.sh"
for flag in --help -h; do
  run "$ASY" $flag
  expect_code 0
  case "$OUT" in [Uu]sage:*asy*) ;; *) fail "$flag: stdout should start with 'usage:' and name asy" ;; esac
  case "$OUT" in *-c*) ;; *) fail "$flag: usage should mention -c" ;; esac
  expect_err_empty
done
finish
