# CPython's short flags: -m, -u, -E, -X, -I/-B/-s/-S, combined (-qu, -qc CODE), `--`
# (-q and -m asyncio, which need a terminal: cli/flags_repl).
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

# -u: stdout unbuffered, so print and os.write keep their order in a pipe (without it
# the print waits in the buffer, as in CPython).
code='import os; print("a"); os.write(1, b"b\n"); print("c")'
run "$ASY" -u -c "$code"
expect_out "a
b
c
"
run "$ASY" -c "$code"
expect_out "b
a
c
"
# Combined short flags and a -c value glued to its flag.
run "$ASY" -qu -c 'print(1)'
expect_out "1
"
run "$ASY" -qcprint\(2\)
expect_out "2
"
run "$ASY" -BsS -c 'print(3)'
expect_out "3
"

# -X: sys._xoptions as in CPython.
run "$ASY" -X dev -Xa=b -c 'import sys; print(sys._xoptions)'
expect_out "{'dev': True, 'a': 'b'}
"

# --: what follows is the program and its arguments, even when it starts with '-'.
printf 'import sys\nprint(sys.argv[1:])\n' >-prog.asy
run "$ASY" -- -prog.asy -x --y
expect_code 0
expect_out "['-x', '--y']
"
# Options after the program belong to the program.
run "$ASY" -c 'import sys; print(sys.argv)' -q -z
expect_out "['-c', '-q', '-z']
"

finish
