# A missing script: CPython's message with "asy", the absolute path, exit status 2.
. "$(dirname "$0")/_lib.sh"
cd "$T" || exit 2
run "$ASY" missing.asy
expect_code 2
expect_out_empty
expect_err "asy: can't open file '$T/missing.asy': [Errno 2] No such file or directory
"
run "$ASY" "$T/sub/also_missing.asy" a b
expect_code 2
expect_err "asy: can't open file '$T/sub/also_missing.asy': [Errno 2] No such file or directory
"
finish
