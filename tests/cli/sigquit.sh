# Ctrl-\ (SIGQUIT) prints the tree of every task, what each waits on and where, and the
# program goes on to finish normally. (Job control on, so the background child does not
# start with SIGQUIT ignored, as a non-interactive shell's background jobs do.)
. "$(dirname "$0")/_lib.sh"
set -m
cat >"$T/hang.asy" <<'PROG'
import asyncio

async def waiter(ev):
    await ev.wait()

async def main():
    ev = asyncio.Event()
    async with asyncio.TaskGroup() as tg:
        tg.create_task(waiter(ev), name="waiter")
        await asyncio.sleep(0)
        print("ready", flush=True)
        await asyncio.sleep(1.5)
        ev.set()
    print("finished normally")

asyncio.run(main())
PROG
"$ASY" "$T/hang.asy" >"$T/out" 2>"$T/err" &
pid=$!
# Signal once the tasks are set up (start-up is slow under the sanitizer).
for _ in $(seq 100); do grep -q ready "$T/out" 2>/dev/null && break; sleep 0.1; done
kill -QUIT "$pid"
wait "$pid"
CODE=$?
OUT=$(cat "$T/out")
ERR=$(cat "$T/err")
expect_code 0
expect_out "ready
finished normally"
case "$ERR" in *"asy: the tasks at "*"(Ctrl-\\):"*) ;; *) fail "no task tree header" ;; esac
case "$ERR" in *"  * Task-1 sleeps until "*" at hang.asy:12"*) ;; *) fail "no main task line" ;; esac
case "$ERR" in *"    * waiter waits for an event at hang.asy:4"*) ;; *) fail "no child line" ;; esac
finish
