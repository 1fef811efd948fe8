# `asy -c CODE` runs the code; later words become sys.argv[1:] with argv[0] == "-c".
# Tracebacks name the code "<string>" and, as CPython 3.13 does, show its source line.
. "$(dirname "$0")/_lib.sh"
run "$ASY" -c 'print(1+1)'
expect_code 0
expect_out "2
"
expect_err_empty
run "$ASY" -c 'import sys; print(sys.argv)' x y
expect_out "['-c', 'x', 'y']
"
run "$ASY" -c 'import sys; sys.exit(7)'
expect_code 7
run "$ASY" -c '1/0'
expect_code 1
expect_out_empty
expect_err 'Traceback (most recent call last):
  File "<string>", line 1, in <module>
    1/0
    ~^~
ZeroDivisionError: division by zero
'
finish
