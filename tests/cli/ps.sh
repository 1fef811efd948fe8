# asy --ps PID / --pstree PID print the tasks of another running asy (a table; a tree under
# the task that awaits each), as `python -m asyncio ps|pstree PID` does in 3.14; the
# exchange file is removed; a process that is not asy is refused.
. "$(dirname "$0")/_lib.sh"
cat >"$T/svc.asy" <<'PROG'
import asyncio

async def worker(n, lock):
    async with lock:
        await asyncio.sleep(2)

async def main():
    lock = asyncio.Lock()
    async with asyncio.TaskGroup() as tg:
        for n in range(3):
            tg.create_task(worker(n, lock), name=f"worker-{n}")
        await asyncio.sleep(0)
        print("ready", flush=True)

asyncio.run(main())
PROG
"$ASY" "$T/svc.asy" >"$T/svc.out" 2>&1 &
pid=$!
# Ask once the tasks are set up (start-up is slow under the sanitizer).
for _ in $(seq 100); do grep -q ready "$T/svc.out" 2>/dev/null && break; sleep 0.1; done
run "$ASY" --pstree "$pid"
expect_code 0
OUT=$(printf '%s' "$OUT" | sed 's/sleeps until [0-9.]*/sleeps until T/')
expect_out "└── (T) Task-1  waits for the tasks of its group at svc.asy:9
    ├── (T) worker-0  sleeps until T at svc.asy:5
    ├── (T) worker-1  waits for a lock at svc.asy:4
    └── (T) worker-2  waits for a lock at svc.asy:4"
run "$ASY" --ps "$pid"
expect_code 0
case "$OUT" in *"worker-1"*"waits for a lock at svc.asy:4"*"Task-1"*"worker svc.asy:4"*) ;;
  *) fail "no worker-1 row" ;; esac
[ -e "/tmp/asy-$pid.tasks" ] && fail "the exchange file was left behind"
wait "$pid"
sleep 30 &
other=$!
run "$ASY" --ps "$other"
expect_code 1
expect_err "asy: process $other is not running this asy
"
kill "$other"
finish
