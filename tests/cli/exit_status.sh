# Exit statuses: 0 on success, 1 on an uncaught exception or a syntax error.
. "$(dirname "$0")/_lib.sh"
cd "$T" || exit 2
printf 'print("ok")\n' >ok.asy
printf 'raise ValueError("boom")\n' >bad.asy
printf 'x = (\n' >syntax.asy
run "$ASY" ok.asy
expect_code 0
expect_out "ok
"
run "$ASY" bad.asy
expect_code 1
expect_err "Traceback (most recent call last):
  File \"$T/bad.asy\", line 1, in <module>
    raise ValueError(\"boom\")
ValueError: boom
"
run "$ASY" syntax.asy
expect_code 1
case "$ERR" in *"SyntaxError: '(' was never closed"*) ;; *) fail "expected the SyntaxError message" ;; esac
finish
