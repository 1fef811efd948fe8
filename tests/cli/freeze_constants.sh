# asy-freeze (the build's library compiler) writes every kind of constant the compiler
# makes, including the frozenset that `x in {"a", "b", 3}` folds to (it stopped the build
# before: "a constant of type frozenset cannot be written").
. "$(dirname "$0")/_lib.sh"
FREEZE=$(dirname "$ASY")/asy-freeze
[ -x "$FREEZE" ] || { echo "asy-freeze not built next to $ASY"; exit 1; }
printf 'def f(x):\n    return x in {"a", "b", 3}, x in {1.5, (1, 2)}, b"x", ..., None\n' >"$T/m.asy"
run "$FREEZE" "$T/m.bin" m "$T/m.asy"
expect_code 0
expect_err_empty
[ -s "$T/m.bin" ] || fail "no code file written"
grep -q 'Z' "$T/m.bin" || fail "no frozenset constant in the file"
finish
