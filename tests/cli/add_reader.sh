# loop.add_reader on stdin (a pipe): the reader runs in the iteration that finds the fd
# readable, after the handles already queued, as CPython's selector loop orders them;
# remove_reader answers whether it was watched. Expected output: CPython 3.13 with the
# same input (_add_reader.out).
. "$(dirname "$0")/_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
printf 'hello\n' | "$ASY" "$here/_add_reader.asy" >"$T/out" 2>"$T/err"
CODE=$?
OUT=$(cat "$T/out"; echo x); OUT=${OUT%x}
ERR=$(cat "$T/err"; echo x); ERR=${ERR%x}
expect_code 0
EXP=$(cat "$here/_add_reader.out"; echo x); expect_out "${EXP%x}"
expect_err_empty
finish
