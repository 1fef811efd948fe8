# `asy -` reads the program from stdin.
. "$(dirname "$0")/_lib.sh"
printf 'print(3)\nprint("second line")\n' >"$T/prog.txt"
"$ASY" - <"$T/prog.txt" >"$T/out" 2>"$T/err"
CODE=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
expect_code 0
expect_out "3
second line"
expect_err_empty
OUT=$(echo 'print(3)' | "$ASY" -); CODE=$?
expect_code 0
expect_out "3"
finish
