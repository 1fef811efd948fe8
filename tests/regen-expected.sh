#!/usr/bin/env bash
# Regenerate expected outputs (.out/.err/.code) for test scripts from CPython 3.13.
#
# usage: tests/regen-expected.sh FILE.asy...      (or no argument: every test script)
#
# A thin wrapper around ../shared/tools/expect-from-cpython that:
#   - keeps CPython from writing __pycache__ folders into tests/ (imports tests);
#   - rewrites helper-module file names in the expected stderr: CPython imports a helper
#     through its `_name.py` symlink, Asy loads `_name.asy`, so tracebacks must say `.asy`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool=${EXPECT_FROM_CPYTHON:-$here/../../shared/tools/expect-from-cpython}
[ -x "$tool" ] || tool=/work/shared/tools/expect-from-cpython
if [ $# -eq 0 ]; then
  mapfile -t files < <(cd "$here" && find . -name '*.asy' ! -name '_*' | sed 's|^\./||' | sort)
  cd "$here"
  set -- "${files[@]}"
fi
status=0
PYTHONDONTWRITEBYTECODE=1 "$tool" "$@" || status=$?
for f in "$@"; do
  err="${f%.asy}.err"
  [ -f "$err" ] && sed -i -E 's/File "(_[A-Za-z0-9_]+)\.py"/File "\1.asy"/g' "$err"
done
exit $status
