# `asy --dis FILE` prints the bytecode (with opcode names) instead of running the program.
. "$(dirname "$0")/_lib.sh"
printf 'def f(x):\n    return x + 1\nprint(f(41))\n' >"$T/tiny.asy"
run "$ASY" --dis "$T/tiny.asy"
expect_code 0
[ -n "$OUT" ] || fail "expected a disassembly on stdout"
case "$OUT" in *LOAD_CONST*) ;; *) fail "disassembly should mention LOAD_CONST" ;; esac
case "$OUT" in *RETURN_VALUE*) ;; *) fail "disassembly should mention RETURN_VALUE" ;; esac
# (a line of its own: the temporary folder's random name may contain "42")
printf '%s\n' "$OUT" | grep -qx 42 && fail "--dis must not run the program"
printf '%s\n' "$(cd "$T" && "$ASY" tiny.asy)" | grep -qx 42 || fail "a plain run must print 42"
finish
