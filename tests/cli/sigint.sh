# Ctrl-C (SIGINT) while asyncio.run runs: the main task is cancelled, `finally` blocks
# and __aexit__ run, the KeyboardInterrupt traceback prints as CPython's (without its
# library frames) and the exit status is 130. A plain loop gets KeyboardInterrupt.
# The expected text was checked against CPython 3.13 by hand (its library frames left out).
. "$(dirname "$0")/_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$T" || exit 2
cp "$here/_sigint_cleanup.asy" sigint_cleanup.asy
printf 'i = 0\nwhile True:\n    i += 1\n' >busy.asy

# Job control on: a background job then keeps SIGINT (without it bash ignores it there).
set -m
# send_sigint SCRIPT WAIT_FOR: start asy, wait until its stdout has WAIT_FOR (or 5 s), Ctrl-C.
send_sigint() {
  "$ASY" "$1" >"$T/out" 2>"$T/err" </dev/null &
  local pid=$! i
  for ((i = 0; i < 100; i++)); do
    grep -q "$2" "$T/out" 2>/dev/null && break
    sleep 0.05
  done
  [ -z "$2" ] && sleep 0.3
  kill -INT "$pid"
  wait "$pid"
  CODE=$?
  OUT=$(cat "$T/out"; echo x); OUT=${OUT%x}
  ERR=$(cat "$T/err"; echo x); ERR=${ERR%x}
}

send_sigint sigint_cleanup.asy ready
expect_code 130
expect_out "open
ready
worker finally
close CancelledError
"
expect_err "Traceback (most recent call last):
  File \"$T/sigint_cleanup.asy\", line 18, in main
    async with asyncio.TaskGroup() as tg:
               ~~~~~~~~~~~~~~~~~^^
  File \"$T/sigint_cleanup.asy\", line 21, in main
    await asyncio.sleep(3600)
asyncio.exceptions.CancelledError

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File \"$T/sigint_cleanup.asy\", line 23, in <module>
    asyncio.run(main())
    ~~~~~~~~~~~^^^^^^^^
KeyboardInterrupt
"

send_sigint busy.asy ""
expect_code 130
case "$ERR" in
  *"busy.asy\", line "[23]", in <module>"*KeyboardInterrupt*) ;;
  *) fail "expected a KeyboardInterrupt traceback at the loop" ;;
esac
finish
