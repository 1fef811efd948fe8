#!/usr/bin/env bash
# Time each bench/*.asy under Asy and under CPython 3.13 (best of 3 wall-clock runs) and
# report each one's peak memory (maximum resident set size).
#
# usage: bench/run.sh [ASY_BINARY] [BENCH.asy...]
#   ASY_BINARY defaults to build/asy. With no benchmark named, runs every bench/*.asy.
#   Set RUNS to change the number of runs (default 3). CPython is found as
#   `PYENV_VERSION=3.13.0 python3` (or $PY313); if absent its column says "n/a".
# Prints a table: benchmark, Asy seconds, CPython seconds, the ratio CPython/Asy (above
# 1.0 means Asy is faster), then Asy's and CPython's peak RSS in MB (the largest over the
# runs, measured by GNU time, /usr/bin/time, from Debian's `time` package that
# tools/setup-deps.sh installs; "n/a" without it). Also checks that both print the same
# output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
asy=${1:-$root/build/asy}
[ $# -gt 0 ] && shift
# Each benchmark runs from its own folder, so a relative binary path is resolved first.
case "$asy" in */*) [ -e "$asy" ] && asy="$(cd "$(dirname "$asy")" && pwd)/$(basename "$asy")" ;; esac
runs=${RUNS:-3}

if [ ! -x "$asy" ]; then
  echo "bench: $asy not found; build first (make bench builds it)" >&2
  exit 2
fi
py=${PY313:-}
if [ -z "$py" ]; then
  py=$(PYENV_VERSION=3.13.0 pyenv which python3 2>/dev/null || true)
  if [ -z "$py" ] && PYENV_VERSION=3.13.0 python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
    py=$(PYENV_VERSION=3.13.0 python3 -c 'import sys; print(sys.executable)')
  fi
  [ -z "$py" ] && py=$(command -v python3.13 || true)
fi

if [ $# -gt 0 ]; then benches=("$@"); else benches=("$here"/*.asy); fi

# GNU time's -f %M: the peak resident set size in KB (the shell's `time` has no memory).
gnu_time=""
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
  gnu_time=/usr/bin/time
fi

# best_time CMD...: prints the best wall time in seconds over $runs runs; the output of
# the last run is left in $tmp/out and the largest peak RSS (MB) in $tmp/rss. Prints
# "fail" if any run exits non-zero.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
best_time() {
  local best="" i start end t kb peak=0
  echo n/a >"$tmp/rss"
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s.%N)
    if [ -n "$gnu_time" ]; then
      if ! "$gnu_time" -f %M -o "$tmp/kb" "$@" >"$tmp/out" 2>"$tmp/err"; then
        echo fail
        return
      fi
    elif ! "$@" >"$tmp/out" 2>"$tmp/err"; then
      echo fail
      return
    fi
    end=$(date +%s.%N)
    if [ -n "$gnu_time" ]; then
      kb=$(tail -n 1 "$tmp/kb")
      [ "$kb" -gt "$peak" ] 2>/dev/null && peak=$kb
      awk -v k="$peak" 'BEGIN{printf "%.1f", k / 1024}' >"$tmp/rss"
    fi
    t=$(echo "$end - $start" | bc -l 2>/dev/null || awk -v a="$end" -v b="$start" 'BEGIN{print a-b}')
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
  done
  printf '%.3f' "$best"
}

printf '%-14s %10s %12s %12s %8s %8s  %s\n' "benchmark" "asy (s)" "cpython (s)" "cpython/asy" \
  "asy MB" "cpy MB" "output"
for b in "${benches[@]}"; do
  name=$(basename "$b" .asy)
  dir=$(dirname "$b")
  t_asy=$(cd "$dir" && best_time "$asy" "$(basename "$b")")
  out_asy=$(cat "$tmp/out" 2>/dev/null)
  mb_asy=$(cat "$tmp/rss" 2>/dev/null)
  mb_py=n/a
  if [ -n "$py" ]; then
    t_py=$(cd "$dir" && best_time "$py" "$(basename "$b")")
    out_py=$(cat "$tmp/out" 2>/dev/null)
    mb_py=$(cat "$tmp/rss" 2>/dev/null)
  else
    t_py="n/a"; out_py=""
  fi
  ratio="-"
  if [ "$t_asy" != fail ] && [ "$t_py" != fail ] && [ "$t_py" != "n/a" ]; then
    ratio=$(awk -v p="$t_py" -v a="$t_asy" 'BEGIN{ if (a > 0) printf "%.2fx", p / a; else print "-" }')
  fi
  check="same"
  if [ "$t_py" = "n/a" ]; then check="(no cpython)";
  elif [ "$out_asy" != "$out_py" ]; then check="DIFFERS: asy=$(printf %q "$out_asy") cpython=$(printf %q "$out_py")"; fi
  printf '%-14s %10s %12s %12s %8s %8s  %s\n' "$name" "$t_asy" "$t_py" "$ratio" "$mb_asy" "$mb_py" \
    "$check"
done
