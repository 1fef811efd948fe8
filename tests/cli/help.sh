# `asy --help`, `asy -h` and `asy -?` print a usage text on stdout and exit 0; it
# documents every option asy accepts.
. "$(dirname "$0")/_lib.sh"
for flag in --help -h '-?'; do
  run "$ASY" "$flag"
  expect_code 0
  case "$OUT" in "usage: asy [option] ... [-c cmd | -m mod | file | -] [arg] ..."*) ;; *) fail "$flag: stdout should start with the usage line" ;; esac
  for opt in -c -E -h -i -m -q -u -V -X -I -- --trace --timeline --virtual-time --schedule \
    --explore --debug --ps --pstree --dis ASYPATH; do
    case "$OUT" in *"
$opt "*|*"
$opt,"*|*"
-B, -s, -S, $opt"*) ;; *) fail "$flag: $opt is not documented at the start of a line" ;; esac
  done
  expect_err_empty
done
finish
