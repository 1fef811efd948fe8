# An unknown option is answered in CPython's words on stderr (a short one: "Unknown
# option: -z"; a long one: "unknown option --name"), then the usage lines, and exits 2
# without running anything. So is an option missing its argument.
. "$(dirname "$0")/_lib.sh"
printf 'print("ran")\n' >"$T/prog.asy"
usage='usage: asy [option] ... [-c cmd | -m mod | file | -] [arg] ...
Try `asy -h'"'"' for more information.
'
run "$ASY" -z "$T/prog.asy"
expect_code 2
expect_out_empty
expect_err "Unknown option: -z
$usage"
run "$ASY" -qz "$T/prog.asy"
expect_code 2
expect_err "Unknown option: -z
$usage"
run "$ASY" --no-such-flag "$T/prog.asy"
expect_code 2
expect_out_empty
expect_err "unknown option --no-such-flag
$usage"
for flag in -c -m -X; do
  run "$ASY" $flag
  expect_code 2
  expect_err "Argument expected for the $flag option
$usage"
done
finish
