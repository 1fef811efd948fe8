# CPython's short flags -u, -X, -B/-s/-S, combined (-qu, -qcCODE), and `--`.
. "$(dirname "$0")/_lib.sh"
cd "$T" || exit 2

# -u: stdout unbuffered, so print and os.write keep their order in a pipe (without it
# the print waits in the buffer, as in CPython).
code='import os; print("a"); os.write(1, b"b\n"); print("c")'
run "$ASY" -u -c "$code"
expect_out "a
b
c
"
run "$ASY" -c "$code"
expect_out "b
a
c
"
# Combined short flags and a -c value glued to its flag.
run "$ASY" -qu -c 'print(1)'
expect_out "1
"
run "$ASY" -qcprint\(2\)
expect_out "2
"
run "$ASY" -BsS -c 'print(3)'
expect_out "3
"

# -X: sys._xoptions as in CPython.
run "$ASY" -X dev -Xa=b -c 'import sys; print(sys._xoptions)'
expect_out "{'dev': True, 'a': 'b'}
"

# --: what follows is the program and its arguments, even when it starts with '-'.
printf 'import sys\nprint(sys.argv[1:])\n' >-prog.asy
run "$ASY" -- -prog.asy -x --y
expect_code 0
expect_out "['-x', '--y']
"
# Options after the program belong to the program.
run "$ASY" -c 'import sys; print(sys.argv)' -q -z
expect_out "['-c', '-q', '-z']
"

finish
