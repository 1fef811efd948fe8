# Out of memory under `ulimit -v`: MemoryError that `except MemoryError` catches, for one
# huge allocation and for gradual growth (list, string, set, dict), the interpreter still
# usable afterwards; uncaught, a MemoryError traceback and status 1 (it used to print
# "asy: out of memory" and abort with status 134). Not under AddressSanitizer, whose
# shadow memory needs more address space than any such limit.
. "$(dirname "$0")/_lib.sh"
if grep -q __asan_init "$ASY"; then
  echo "skipped: AddressSanitizer build"
  finish
fi
limit=800000 # KiB of address space
run bash -c "ulimit -v $limit && exec \"\$0\" \"\$1\"" "$ASY" "$(dirname "$0")/_out_of_memory.asy"
expect_code 0
expect_out "repeat MemoryError MemoryError()
append MemoryError MemoryError()
extend MemoryError MemoryError()
str doubling MemoryError MemoryError()
str join MemoryError MemoryError()
set MemoryError MemoryError()
dict MemoryError MemoryError()
str repeat MemoryError MemoryError()
comprehension MemoryError MemoryError()
100000 100000 2000000
"
expect_err_empty

run bash -c "ulimit -v $limit && exec \"\$0\" -c 'x = [0] * 10**9'" "$ASY"
expect_code 1
expect_out_empty
expect_err 'Traceback (most recent call last):
  File "<string>", line 1, in <module>
    x = [0] * 10**9
        ~~~~^~~~~~~
MemoryError
'
printf 's = "ab"\nwhile True:\n    s += s\n' >"$T/grow.asy"
run bash -c "ulimit -v $limit && exec \"\$0\" \"\$1\"" "$ASY" "$T/grow.asy"
expect_code 1
case "$ERR" in "Traceback (most recent call last):"*"
MemoryError
") ;; *) fail "expected a MemoryError traceback" ;; esac
finish
