#!/bin/sh
# Check Asy's parser against CPython 3.13's, through committed oracle dumps.
#   check_ast.sh AST_DUMP_BINARY            compare with the committed expectations
#   check_ast.sh --regen AST_DUMP_BINARY    rewrite the expectations with CPython 3.13
# AST_DUMP_BINARY is tests/unit/ast_dump_main.c built with the front end.
# corpus/*.py: the tree must equal ast.dump(), both plain (F.ast) and with positions
#   (F.astpos). Files named *_single.py / *_eval.py are parsed in that mode.
# errors/*.py: the SyntaxError (F.ast) must match what `python3 FILE` reports: kind,
#   message, lineno, offset, end_lineno, end_offset (oracle_dump.py runs the file with
#   oracle_hook/sitecustomize.py to read them).
# The test itself never runs Python; only --regen does. VERBOSE=1 shows diffs.
regen=
if [ "$1" = "--regen" ]; then regen=1; shift; fi
DUMP=${1:?usage: check_ast.sh [--regen] AST_DUMP_BINARY}
HERE=$(cd "$(dirname "$0")" && pwd)
PY="env PYENV_VERSION=3.13.0 python3"
ORACLE="$HERE/oracle_dump.py"
pass=0; fail=0
for f in "$HERE"/corpus/*.py "$HERE"/errors/*.py; do
  mode=file
  case "$f" in *_single.py) mode=single;; *_eval.py) mode=eval;; esac
  for p in "" "-p"; do
    case "$f" in */errors/*) [ -n "$p" ] && continue;; esac
    expected="${f%.py}.ast${p:+pos}"
    if [ -n "$regen" ]; then
      $PY "$ORACLE" $p -m $mode "$f" > "$expected" 2>/dev/null
      continue
    fi
    got=$("$DUMP" $p -m $mode "$f" 2>&1)
    if [ -f "$expected" ] && [ "$(cat "$expected")" = "$got" ]; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL $f $p"
      if [ -n "$VERBOSE" ]; then
        printf '%s\n' "$got" | diff "$expected" - | head -20
      fi
    fi
  done
done
[ -n "$regen" ] && { echo "expectations written"; exit 0; }
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
