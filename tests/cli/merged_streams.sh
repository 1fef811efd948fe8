# With stdout and stderr going to one file (`asy x > log 2>&1`), what the program
# printed appears before later stderr output and before its traceback, as in CPython
# (checked against CPython 3.13: stdout is flushed before anything goes to stderr).
. "$(dirname "$0")/_lib.sh"
merged() { "$ASY" -c "$1" >"$T/both" 2>&1 </dev/null; CODE=$?; OUT=$(cat "$T/both"; echo x); OUT=${OUT%x}; ERR=; }
merged 'import sys
print("a")
sys.stderr.write("b\n")
print("c", file=sys.stderr)
print("d")'
expect_code 0
expect_out "a
b
c
d
"
merged 'print(1); 1/0'
expect_code 1
expect_out '1
Traceback (most recent call last):
  File "<string>", line 1, in <module>
    print(1); 1/0
              ~^~
ZeroDivisionError: division by zero
'
merged 'import sys; print(1); sys.exit("bye")'
expect_code 1
expect_out '1
bye
'
finish
