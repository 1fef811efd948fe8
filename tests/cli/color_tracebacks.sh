# Tracebacks in CPython 3.13's colours when colour is on (FORCE_COLOR here; on a
# terminal by default): frames, carets, chained exceptions, a SyntaxError, and an
# exception group whose members CPython leaves plain. Expected stderr from CPython 3.13
# (FORCE_COLOR=1, the folder cut). NO_COLOR and PYTHON_COLORS=0 turn it off.
. "$(dirname "$0")/_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
for name in chain syntax group; do
  cd "$here"
  FORCE_COLOR=1 "$ASY" "_color_$name.asy" >"$T/out" 2>"$T/err"
  CODE=$?
  OUT=""
  ERR=$(sed "s|$here/||g" "$T/err"; echo x); ERR=${ERR%x}
  EXP=$(cat "$here/_color_$name.err"; echo x)
  expect_code 1
  expect_err "${EXP%x}"
done
cd "$here"
for env in NO_COLOR=1 PYTHON_COLORS=0 "NO_COLOR= FORCE_COLOR=1"; do
  env $env "$ASY" _color_chain.asy >"$T/out" 2>"$T/err"
  CODE=$?
  ERR=$(cat "$T/err")
  case "$ERR" in *$'\e['*) fail "colour with $env" ;; esac
done
PYTHON_COLORS=1 NO_COLOR=1 "$ASY" _color_chain.asy >"$T/out" 2>"$T/err"
CODE=$?; ERR=$(cat "$T/err")
case "$ERR" in *$'\e['*) ;; *) fail "PYTHON_COLORS=1 wins over NO_COLOR" ;; esac
finish
