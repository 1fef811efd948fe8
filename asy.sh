#!/usr/bin/env bash
# The one entry point for building, running and testing Asy. It needs only bash and
# Debian's base system: missing packages (compiler, cmake, make, re2c, lemon) are
# installed first by tools/setup-deps.sh (as root, or through sudo).
#
# usage: ./asy.sh COMMAND [ARGS...]
#   run [SCRIPT [ARGS...]]  deps, build, run SCRIPT (default examples/hello.asy)
#   test [CTEST ARGS...]    deps, build, run examples/hello.asy, then the whole test
#                           suite (ctest): README's second command
#   test-asan [CTEST ARGS]  the same in an ASan+UBSan build, with GC stress
#   build                   deps, configure if needed, build
#   deps                    install missing Debian packages only
#   bench [BENCH.asy...]    build, then time bench/*.asy against CPython 3.13
#   install [PREFIX]        build, then install asy, its man page and the examples
#                           under PREFIX (default /usr/local; DESTDIR is honoured)
#   deb                     build, then make a Debian package (.deb) in the build dir
#   clean                   remove the build directories
#
# Environment: BUILD (build dir, default build), ASAN_BUILD (default build-asan),
# BUILD_TYPE (CMAKE_BUILD_TYPE of BUILD, default RelWithDebInfo), JOBS (ctest
# parallelism, default 2). The Makefile's targets call this script.
set -euo pipefail
caller=$PWD
root=$(cd "$(dirname "$0")" && pwd)
cd "$root"

BUILD=${BUILD:-build}
ASAN_BUILD=${ASAN_BUILD:-build-asan}
case "$BUILD" in /*) ;; *) BUILD=$root/$BUILD ;; esac
case "$ASAN_BUILD" in /*) ;; *) ASAN_BUILD=$root/$ASAN_BUILD ;; esac
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
JOBS=${JOBS:-2}
NPROC=$(nproc 2>/dev/null || echo 2)

# vm_free releases every object and buffer at exit, so a LeakSanitizer report is a real
# leak. Anything ASan/LSan/UBSan reports goes to stderr and so fails the test that caused it.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

usage() {
  sed -n '6,17s/^# \{0,1\}//p' "$root/asy.sh" >&2
  exit 2
}

# build_dir DIR CMAKE_ARGS...: configure DIR when it has no CMake cache yet, then build.
build_dir() {
  local dir=$1
  shift
  ./tools/setup-deps.sh
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S . -B "$dir" "$@"
  fi
  cmake --build "$dir" -j"$NPROC"
}

build() { build_dir "$BUILD" -DCMAKE_BUILD_TYPE="$BUILD_TYPE"; }
build_asan() { build_dir "$ASAN_BUILD" -DCMAKE_BUILD_TYPE=Debug -DASY_SANITIZE=ON; }

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  deps) ./tools/setup-deps.sh ;;
  build) build ;;
  run)
    build
    [ $# -eq 0 ] && set -- "$root/examples/hello.asy"
    cd "$caller" # script paths are relative to where the command was typed
    exec "$BUILD/asy" "$@"
    ;;
  test)
    build
    "$BUILD/asy" "$root/examples/hello.asy" # what `run` does, as README says
    cd "$BUILD"
    exec ctest --output-on-failure -j"$JOBS" "$@"
    ;;
  test-asan)
    build_asan
    cd "$ASAN_BUILD"
    # An unoptimised ASan build uses several times the C stack per interpreter entry, so
    # the C-stack guard (fiber.c, a fraction of RLIMIT_STACK) would trip before the
    # 1000-frame recursion limit the tests expect; a 32 MB stack restores the proportion.
    ulimit -s 32768
    # A collection at every allocation under the sanitizers makes the longest programs
    # take 40 s alone (programs/real_norvig_lispy), past the 60 s limit when two run at
    # once: a longer limit (under ctest's own 120 s), still a guard against a hang.
    ASY_GC_STRESS=1 ASY_TEST_TIMEOUT="${ASY_TEST_TIMEOUT:-110}" exec ctest --output-on-failure -j"$JOBS" "$@"
    ;;
  bench)
    build
    exec ./bench/run.sh "$BUILD/asy" "$@"
    ;;
  install)
    build
    cmake --install "$BUILD" --prefix "${1:-/usr/local}"
    ;;
  deb)
    build
    cd "$BUILD"
    cpack -G DEB
    ;;
  clean) rm -rf "$BUILD" "$ASAN_BUILD" ;;
  *) usage ;;
esac
