# Sources nested too deep to compile fail as in CPython 3.13: a long left-nested chain
# (`1+1+...`, `a.b.c...`) with RecursionError "during compilation", a long right-nested
# one (`- - ... 1`, `2**2**...`) with MemoryError "Parser stack overflowed". Exit status 1,
# nothing on stdout, one line on stderr. (Asy's depth limit is 3000 nodes, lower than
# CPython's 10000 / 5967: inputs between the two differ.)
. "$(dirname "$0")/_lib.sh"
cd "$T" || exit 2
# chain FILE PREFIX UNIT COUNT SUFFIX: writes PREFIX UNIT*COUNT SUFFIX as a one-line script.
chain() {
  { printf '%s' "$2"; head -c "$4" /dev/zero | tr '\0' '#' | sed "s/#/$3/g"; printf '%s\n' "$5"; } >"$1"
}
recursion='RecursionError: maximum recursion depth exceeded during compilation
'
overflow='MemoryError: Parser stack overflowed - Python source too complex to parse
'
# too_deep PREFIX UNIT COUNT SUFFIX STDERR: the chain fails with exactly STDERR.
too_deep() {
  chain deep.asy "$1" "$2" "$3" "$4"
  run "$ASY" deep.asy
  expect_code 1
  expect_out_empty
  expect_err "$5"
}
too_deep 'print(1' '+1' 199999 ')' "$recursion"
too_deep 'x = a' '.b' 20000 '' "$recursion"
too_deep 'x = f' '()' 20000 '' "$recursion"
too_deep 'x = ' '-' 200000 '1' "$overflow"
too_deep 'x = 2' '**2' 20000 '' "$overflow"
# Well within both limits: runs.
chain ok.asy 'print(1' '+1' 999 ')'
run "$ASY" ok.asy
expect_code 0
expect_out "1000
"
finish
