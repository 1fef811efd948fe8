#!/bin/sh
# Diff Asy's parser against CPython's ast.dump over the parser corpus.
#   check_ast.sh AST_DUMP_BINARY [files...]
# Each file is compared twice: plain dump and with positions (-p).
# Files named *_single.py / *_eval.py are parsed in that mode.
# Error files (expected SyntaxError) live in tests/parser/errors/*.py: the
# exception kind, message and (lineno, offset, end_lineno, end_offset) must match.
DUMP=${1:?usage: check_ast.sh AST_DUMP_BINARY [files...]}
shift
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 0 ] && set -- "$HERE"/corpus/*.py "$HERE"/errors/*.py
PY="env PYENV_VERSION=3.13.0 python3"
ORACLE="$HERE/oracle_dump.py"
pass=0; fail=0
for f in "$@"; do
  mode=file
  case "$f" in *_single.py) mode=single;; *_eval.py) mode=eval;; esac
  for p in "" "-p"; do
    case "$f" in */errors/*) [ -n "$p" ] && continue;; esac
    want=$($PY "$ORACLE" $p -m $mode "$f" 2>/dev/null)
    got=$("$DUMP" $p -m $mode "$f" 2>&1)
    if [ "$want" = "$got" ]; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL $f $p"
      if [ -n "$VERBOSE" ]; then
        $PY "$HERE/first_diff.py" "$want" "$got"
      fi
    fi
  done
done
echo "passed $pass, failed $fail"
[ $fail -eq 0 ]
