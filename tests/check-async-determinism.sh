#!/usr/bin/env bash
# Check that asyncio test scripts do not depend on real-clock timing or on CPython's
# address-ordered sets, by re-running them under a patched CPython 3.13 asyncio and
# comparing stdout and exit status with the expected files written by
# ../shared/tools/expect-from-cpython.
#
# usage: tests/check-async-determinism.sh FILE.asy...
#
# Each script runs three more times:
#   virtual fwd  an autojump virtual clock (time jumps to the next timer whenever nothing
#                is ready, like `asy --virtual-time`), timer ties broken by scheduling
#                order, and TaskGroup/all_tasks() iterating their tasks in creation order
#                (what Asy does instead of CPython's set order);
#   virtual rev  the same with reverse creation order;
#   real rev     the real clock with reverse creation order.
# A script whose output changes is relying on timing coincidences or on set order.
# stderr is not compared (tracebacks pass through the runner's frames).
set -u
py=${PY313:-$(PYENV_VERSION=3.13.0 pyenv which python3 2>/dev/null || command -v python3.13)}
[ -n "$py" ] && [ -x "$py" ] || { echo "CPython 3.13 not found (set PY313)" >&2; exit 2; }
[ $# -gt 0 ] || { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
runner=$(mktemp "${TMPDIR:-/tmp}/asy-async-check.XXXXXX.py")
trap 'rm -f "$runner"' EXIT
cat >"$runner" <<'PYEOF'
import sys, os, asyncio, itertools, weakref, runpy
from asyncio import events, taskgroups, tasks as _tasks, base_events
import asyncio.runners

clock, order, script = sys.argv[1], sys.argv[2], sys.argv[3]
sys.argv = [os.path.basename(script)]
_seq = itertools.count()
_task_seq = weakref.WeakKeyDictionary()

class SeqTimerHandle(events.TimerHandle):
    """Timers with equal deadlines fire in scheduling order (heapq alone is not stable)."""
    __slots__ = ("_asy_seq",)
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self._asy_seq = next(_seq)
    def __lt__(self, other):
        if isinstance(other, SeqTimerHandle):
            return (self._when, self._asy_seq) < (other._when, other._asy_seq)
        return NotImplemented
    def __gt__(self, other):
        if isinstance(other, SeqTimerHandle):
            return (self._when, self._asy_seq) > (other._when, other._asy_seq)
        return NotImplemented
events.TimerHandle = SeqTimerHandle

class OrderedTaskSet(set):
    """A set of tasks that iterates in creation order (or its reverse)."""
    def __iter__(self):
        items = sorted(set.__iter__(self), key=lambda t: _task_seq.get(t, -1))
        return iter(items[::-1] if order == "rev" else items)

_create_task = base_events.BaseEventLoop.create_task
def create_task(self, *a, **k):
    t = _create_task(self, *a, **k)
    _task_seq[t] = next(_seq)
    return t
base_events.BaseEventLoop.create_task = create_task

_tg_init = taskgroups.TaskGroup.__init__
def tg_init(self, *a, **k):
    _tg_init(self, *a, **k)
    self._tasks = OrderedTaskSet()
taskgroups.TaskGroup.__init__ = tg_init

_all_tasks = _tasks.all_tasks
def all_tasks(loop=None):
    return OrderedTaskSet(_all_tasks(loop))
_tasks.all_tasks = asyncio.all_tasks = asyncio.runners.tasks.all_tasks = all_tasks

if clock == "virtual":
    class VirtualClockLoop(asyncio.SelectorEventLoop):
        def __init__(self):
            super().__init__()
            self._virtual_now = 0.0
            real_select = self._selector.select
            def select(timeout=None):
                if timeout is not None and timeout > 0:
                    self._virtual_now += timeout
                return real_select(0)
            self._selector.select = select
        def time(self):
            return self._virtual_now
    class Policy(asyncio.DefaultEventLoopPolicy):
        _loop_factory = VirtualClockLoop
    asyncio.set_event_loop_policy(Policy())

os.chdir(os.path.dirname(os.path.abspath(script)))
sys.path[0] = os.getcwd()
runpy.run_path(os.path.basename(script), run_name="__main__")
PYEOF
status=0
for f in "$@"; do
  stem=${f%.*}
  dir=$(cd "$(dirname "$f")" && pwd -P)
  [ -f "$stem.out" ] || { echo "$f: no expected output (run expect-from-cpython first)"; status=1; continue; }
  code=0; [ -f "$stem.code" ] && code=$(tr -d '[:space:]' <"$stem.code")
  expected=$(cat "$stem.out"; echo "[exit $code]")
  for mode in "virtual fwd" "virtual rev" "real rev"; do
    # shellcheck disable=SC2086  # $mode is two words on purpose
    actual=$(cd "$dir" && LC_ALL=C.UTF-8 PYTHONHASHSEED=0 PYTHONDONTWRITEBYTECODE=1 timeout 60 \
      "$py" -X utf8 "$runner" $mode "$dir/$(basename "$f")" </dev/null 2>/dev/null \
      | PREFIX="$dir/" perl -pe 's/\Q$ENV{PREFIX}\E//g'; echo "[exit ${PIPESTATUS[0]}]")
    if [ "$actual" != "$expected" ]; then
      echo "$f: output differs under [$mode]"
      diff <(echo "$expected") <(echo "$actual") | head -20
      status=1
    fi
  done
done
[ $status -eq 0 ] && echo "$# script(s): same output under virtual time and either task order"
exit $status
