# -q: no banner on an interactive start; -m asyncio opens the REPL (CPython's asyncio
# REPL); driven through script(1)'s pseudo-terminal.
. "$(dirname "$0")/_lib.sh"
if ! command -v script >/dev/null; then
  echo "skipped: no script(1)"
  finish
fi
repl() { (sleep 0.5; printf 'exit\r'; sleep 0.3) | NO_COLOR=1 ASY_HISTORY= timeout 20 script -qec "$*" /dev/null; }
out=$(repl "$ASY" -q)
case "$out" in *Asy*) fail "-q: banner printed: $out" ;; *'>>>'*) ;; *) fail "-q: no prompt: $out" ;; esac
out=$(repl "$ASY")
case "$out" in *"Asy "*">>>"*) ;; *) fail "banner missing without -q: $out" ;; esac
out=$(repl "$ASY" -q -m asyncio)
case "$out" in *Asy*) fail "-m asyncio -q: banner printed: $out" ;; *'>>>'*) ;; *) fail "-m asyncio: no REPL: $out" ;; esac
finish
