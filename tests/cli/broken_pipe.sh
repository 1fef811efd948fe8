# Writing into a pipe whose reader has gone (`asy x | head -2`): as CPython 3.13, SIGPIPE
# is ignored, the write raises BrokenPipeError where it happens (a traceback and exit
# status 1 when uncaught), and a script can catch it. Outputs checked against CPython.
. "$(dirname "$0")/_lib.sh"
cd "$T" || exit 2
# pipe_run CODE: runs `asy -c CODE | head -2`; sets OUT (what head printed), ERR, CODE.
pipe_run() {
  OUT=$("$ASY" -c "$1" 2>"$T/err" </dev/null | head -2; echo "x${PIPESTATUS[0]}")
  CODE=${OUT##*x}
  OUT=${OUT%x*}
  ERR=$(cat "$T/err"; echo x); ERR=${ERR%x}
}
pipe_run 'for i in range(100000): print(i)'
expect_code 1
expect_out "0
1
"
expect_err 'Traceback (most recent call last):
  File "<string>", line 1, in <module>
    for i in range(100000): print(i)
                            ~~~~~^^^
BrokenPipeError: [Errno 32] Broken pipe
'
pipe_run 'import sys
for i in range(100000): sys.stdout.write(f"{i}\n")'
expect_code 1
expect_err 'Traceback (most recent call last):
  File "<string>", line 2, in <module>
    for i in range(100000): sys.stdout.write(f"{i}\n")
                            ~~~~~~~~~~~~~~~~^^^^^^^^^^
BrokenPipeError: [Errno 32] Broken pipe
'
pipe_run 'import sys
try:
    for i in range(100000): print(i)
except BrokenPipeError as e:
    print("caught", type(e).__name__, e.errno, file=sys.stderr)'
expect_code 0
expect_out "0
1
"
expect_err 'caught BrokenPipeError 32
'
# A script file: the traceback names it by its absolute path.
printf 'i = 0\nwhile True:\n    print(i)\n    i += 1\n' >loop.asy
OUT=$("$ASY" loop.asy 2>"$T/err" </dev/null | head -2; echo "x${PIPESTATUS[0]}")
CODE=${OUT##*x}
ERR=$(cat "$T/err")
expect_code 1
case "$ERR" in *"File \"$T/loop.asy\", line 3, in <module>"*"BrokenPipeError: [Errno 32] Broken pipe") ;; *) fail "expected a BrokenPipeError traceback" ;; esac
# Output still buffered at exit when the reader has gone: CPython reports the failed
# final flush as an ignored exception and exits 120.
OUT=$("$ASY" -c 'import time
print("hello")
time.sleep(0.3)' 2>"$T/err" </dev/null | true; echo "x${PIPESTATUS[0]}")
CODE=${OUT##*x}
ERR=$(cat "$T/err")
expect_code 120
expect_err 'Exception ignored on flushing sys.stdout:
BrokenPipeError: [Errno 32] Broken pipe'
finish
