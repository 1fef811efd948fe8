# bench/run.sh with a relative binary path (`bench/run.sh build/asy`): the script runs
# each benchmark from its own folder, so it must resolve the path first. The "CPython"
# here is asy itself (PY313), so the row must say "same".
. "$(dirname "$0")/_lib.sh"
bench=$(cd "$(dirname "$0")/../../bench" && pwd)/run.sh
mkdir -p "$T/bin" "$T/b"
cp "$ASY" "$T/bin/asy"
printf 'print(sum(range(10)))\n' >"$T/b/tiny.asy"
cd "$T" || exit 2
run env RUNS=1 PY313="$ASY" bash "$bench" bin/asy b/tiny.asy
expect_code 0
case "$OUT" in *"tiny "*" same"*) ;; *) fail "the row should time both and say same" ;; esac
finish
