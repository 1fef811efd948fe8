# An unknown option prints a usage message on stderr and exits 2 without running anything.
. "$(dirname "$0")/_lib.sh"
printf 'print("ran")\n' >"$T/prog.asy"
run "$ASY" --no-such-flag "$T/prog.asy"
expect_code 2
expect_out_empty
case "$ERR" in *[Uu]sage*) ;; *) fail "stderr should contain a usage message" ;; esac
case "$ERR" in *no-such-flag*) ;; *) fail "stderr should name the bad option" ;; esac
finish
