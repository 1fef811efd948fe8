# 1,000,000 tasks sleeping in one group all finish, and nothing is left behind (under
# the sanitizer build LeakSanitizer fails the run on any leak). With ASY_GC_STRESS (a
# collection at every allocation) the run is quadratic, so it uses 500 tasks.
. "$(dirname "$0")/_lib.sh"
n=1000000
if [ -n "${ASY_GC_STRESS:-}" ] && [ "${ASY_GC_STRESS}" != 0 ]; then n=500; fi
run "$ASY" --virtual-time "$(dirname "$0")/_million_tasks.asy" "$n"
expect_code 0
last=$(( n < 1000 ? 3600 + n - 1 : 4599 )) # the longest sleep ends the group
expect_out "sleeping: $n
finished: $n
left: 0
clock: $last.0
"
expect_err_empty
finish
