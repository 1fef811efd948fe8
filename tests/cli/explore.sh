# --explore N runs a program under N seeded schedules on the virtual clock and prints each
# different outcome once with a replay command; --schedule random:SEED replays one. The
# race example has three outcomes over seeds 1..10 (FIFO, CPython's order, gives 70);
# with the Lock alone there is one.
. "$(dirname "$0")/_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../examples" || exit 2
run "$ASY" --explore 10 race_fixed_by_lock.asy
expect_code 0
expect_out "=== outcome 1 of 3: 2 runs (seeds 1, 6), exit status 0
    replay: asy --virtual-time --schedule random:1 race_fixed_by_lock.asy
without a lock: 90
with a lock:    40
=== outcome 2 of 3: 7 runs (seeds 2, 3, 4, 5, 8, 9, 10), exit status 0
    replay: asy --virtual-time --schedule random:2 race_fixed_by_lock.asy
without a lock: 70
with a lock:    40
=== outcome 3 of 3: 1 run (seed 7), exit status 0
    replay: asy --virtual-time --schedule random:7 race_fixed_by_lock.asy
without a lock: 80
with a lock:    40
explore: 10 runs, 3 different outcomes (the result depends on the order tasks run in)
"
run "$ASY" --virtual-time --schedule random:7 race_fixed_by_lock.asy
expect_code 0
expect_out "without a lock: 80
with a lock:    40
"
printf 'import asyncio\nasync def f(lock, log, n):\n    async with lock:\n        await asyncio.sleep(0)\n        log.append(n)\nasync def main():\n    lock, log = asyncio.Lock(), []\n    await asyncio.gather(*(f(lock, log, n) for n in range(3)))\n    print(sorted(log))\nasyncio.run(main())\n' >"$T/locked.asy"
run "$ASY" --explore 5 "$T/locked.asy"
expect_code 0
case "$OUT" in *"explore: 5 runs, 1 different outcome"*) ;; *) fail "one outcome expected" ;; esac
run "$ASY" --schedule fifo race_fixed_by_lock.asy
expect_code 2
case "$ERR" in *"--schedule wants random:SEED"*) ;; *) fail "bad --schedule message" ;; esac
run "$ASY" --explore 0 race_fixed_by_lock.asy
expect_code 2
finish
