# `asy script.asy a b` gives sys.argv == ['script.asy', 'a', 'b'].
. "$(dirname "$0")/_lib.sh"
printf 'import sys\nprint(sys.argv)\nprint(__name__)\n' >"$T/script.asy"
cd "$T" || exit 2
run "$ASY" script.asy a b
expect_code 0
expect_out "['script.asy', 'a', 'b']
__main__
"
expect_err_empty
run "$ASY" script.asy
expect_out "['script.asy']
__main__
"
run "$ASY" script.asy -c --version "two words"
expect_out "['script.asy', '-c', '--version', 'two words']
__main__
"
finish
