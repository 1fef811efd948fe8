# CPython's -m and -E/-I (the other short flags: cli/flags_short; -q and -m asyncio,
# which need a terminal: cli/flags_repl).
. "$(dirname "$0")/_lib.sh"
cd "$T" || exit 2
mkdir mods
printf 'import sys\nprint(__name__, sys.argv[1:], sys.argv[0] == __file__)\n' >mods/mymod.asy
printf 'print("from ASYPATH")\n' >mods/onpath.asy

# -m runs a module found as import finds it (here: the current folder) as __main__.
cd mods
run "$ASY" -m mymod a -b
cd ..
expect_code 0
expect_out "__main__ ['a', '-b'] True
"
expect_err_empty
run "$ASY" -mmymod
expect_code 1
expect_err "asy: No module named mymod
"
run env ASYPATH="$T/mods" "$ASY" -m onpath
expect_out "from ASYPATH
"
# ... a missing one as CPython's "python3: No module named nosuch", status 1.
run "$ASY" -m nosuch
expect_code 1
expect_out_empty
expect_err "asy: No module named nosuch
"
run "$ASY" -m math
expect_code 1
expect_err "asy: No code object available for math
"

# -E hides ASY*/PYTHON* variables from the runtime (ASYPATH here); -I implies it.
for flag in -E -I; do
  run env ASYPATH="$T/mods" "$ASY" $flag -c 'import onpath'
  expect_code 1
  case "$ERR" in *"ModuleNotFoundError: No module named 'onpath'"*) ;; *) fail "$flag: ASYPATH still used" ;; esac
done
run env ASYPATH="$T/mods" "$ASY" -E -c 'import os; print(os.environ["ASYPATH"] != "")'
expect_out "True
"

finish
