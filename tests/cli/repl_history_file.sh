# The REPL keeps its history across sessions in $ASY_HISTORY (default ~/.asy_history):
# a line typed in one session comes back with the up arrow in the next.
. "$(dirname "$0")/_lib.sh"
PTY=$(dirname "$ASY")/tests/ptydrive
[ -x "$PTY" ] || { echo "ptydrive not built next to $ASY"; exit 1; }
export ASY_HISTORY="$T/history" NO_COLOR=1
printf 'expect >>> \nsend remembered = 6 * 7\\r\nexpect >>> \nsleep 150\nsend \\x04\nstatus 0\n' >"$T/one.pty"
printf 'expect >>> \nsend \\e[A\\r\nexpect >>> \nsend remembered\\r\nexpect 42\nexpect >>> \nsleep 150\nsend \\x04\nstatus 0\n' >"$T/two.pty"
"$PTY" "$T/one.pty" "$ASY" >"$T/out" 2>&1; CODE=$?; OUT=$(cat "$T/out"); ERR=""
expect_code 0
grep -q "remembered" "$ASY_HISTORY" || fail "history file lacks the line"
"$PTY" "$T/two.pty" "$ASY" >"$T/out" 2>&1; CODE=$?; OUT=$(cat "$T/out")
expect_code 0
unset ASY_HISTORY
HOME="$T/home"; mkdir -p "$HOME"; export HOME
"$PTY" "$T/one.pty" "$ASY" >"$T/out" 2>&1; CODE=$?; OUT=$(cat "$T/out")
expect_code 0
[ -f "$HOME/.asy_history" ] || fail "no ~/.asy_history written"
finish
