# A directory as the script: with __main__.asy inside it runs that (as CPython runs
# __main__.py, the directory first on the import path); without one, CPython's "can't
# find '__main__' module" and status 1.
. "$(dirname "$0")/_lib.sh"
mkdir -p "$T/app"
run "$ASY" "$T/app"
expect_code 1
expect_out_empty
expect_err "asy: can't find '__main__' module in '$T/app'
"
printf 'import helper\nprint("main ran", __name__, helper.VALUE)\n' >"$T/app/__main__.asy"
printf 'VALUE = 42\n' >"$T/app/helper.asy"
run "$ASY" "$T/app"
expect_code 0
expect_out "main ran __main__ 42
"
finish
