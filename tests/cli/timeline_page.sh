# --timeline FILE.html: a self-contained page, byte for byte the same on every run under
# --virtual-time (the committed _timeline_expected.html); headless Chromium loads it with
# no script error and its DOM holds one lane per task with the right names; a screenshot
# of it is a real picture (PNG of the window's size, not blank).
. "$(dirname "$0")/_lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 2
"$ASY" --virtual-time --timeline "$T/page.html" _timeline.asy >"$T/out" 2>"$T/err"
CODE=$?; OUT=$(cat "$T/out"); ERR=$(cat "$T/err")
expect_code 0
expect_err_empty
cmp -s "$T/page.html" _timeline_expected.html || fail "page differs from _timeline_expected.html"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
  echo "chromium is missing (tools/setup-deps.sh installs it)"
  exit 1
fi
chrome() {
  timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --user-data-dir="$T/profile" "$@" 2>/dev/null
}
chrome --dump-dom "file://$T/page.html" >"$T/dom.html"
grep -q 'data-ready="yes"' "$T/dom.html" || fail "the page's script did not finish"
grep -q 'data-errors' "$T/dom.html" && fail "script errors: $(grep -o 'data-errors="[^"]*"' "$T/dom.html")"
lanes=$(grep -o 'class="lane" data-task="[^"]*"' "$T/dom.html" | sed 's/.*data-task="//; s/"//' | tr '\n' ' ')
[ "$lanes" = "Task-1 fetch-a fetch-b fetch-c Task-2 Task-3 " ] || fail "lanes: $lanes"
grep -q 'showing 0.000 s to ' "$T/dom.html" || fail "no zoom status after the script ran"
chrome --hide-scrollbars --window-size=1200,500 --screenshot="$T/shot.png" "file://$T/page.html"
[ -s "$T/shot.png" ] || fail "no screenshot"
size=$(stat -c %s "$T/shot.png" 2>/dev/null || echo 0)
[ "$size" -gt 10000 ] || fail "screenshot looks blank ($size bytes)"
dims=$(od -An -tu1 -j16 -N8 "$T/shot.png" | tr -s ' ' | sed 's/^ //')
[ "$dims" = "0 0 4 176 0 0 1 244" ] || fail "screenshot is not 1200x500: $dims"
finish
