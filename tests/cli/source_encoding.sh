# Source encoding on the paths the script tests (tests/encoding/) do not cover, as CPython
# 3.13 prints it: a program on stdin is checked like a file and named <stdin>; a -c
# command is text already, so a coding declaration in it is ignored.
. "$(dirname "$0")/_lib.sh"
# run_stdin FILE: `asy -` with the program on stdin; sets OUT, ERR and CODE as run does.
run_stdin() {
  "$ASY" - <"$1" >"$T/out" 2>"$T/err"
  CODE=$?
  OUT=$(cat "$T/out"; echo x); OUT=${OUT%x}
  ERR=$(cat "$T/err"; echo x); ERR=${ERR%x}
}
printf 'print(1)\n# \xff\n' >"$T/bad.asy"
run_stdin "$T/bad.asy"
expect_code 1
expect_out_empty
expect_err "SyntaxError: Non-UTF-8 code starting with '\\xff' in file <stdin> on line 2, but no encoding declared; see https://peps.python.org/pep-0263/ for details
"
printf '# coding: xyz\nprint(1)\n' >"$T/xyz.asy"
run_stdin "$T/xyz.asy"
expect_code 1
expect_err "SyntaxError: encoding problem: xyz
"
printf '# coding: latin-1\nprint("\xe9")\n' >"$T/latin.asy"
run_stdin "$T/latin.asy"
expect_code 0
expect_out "é
"
run "$ASY" -c '# coding: xyz
print(2)'
expect_code 0
expect_out "2
"
finish
