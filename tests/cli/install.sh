# `cmake --install` into a DESTDIR with a prefix: bin/asy, the man page and the examples;
# the installed binary runs an installed example from outside the build and source trees
# (the check the issue wants in CI: .ci/run runs this suite), and the Debian package.
. "$(dirname "$0")/_lib.sh"
build=$(dirname "$ASY")
if [ ! -f "$build/cmake_install.cmake" ]; then
  echo "skipped: $build is not a CMake build directory"
  finish
fi
examples=$(cd "$(dirname "$0")/../../examples" && pwd)
run env DESTDIR="$T/root" cmake --install "$build" --prefix /opt/asy
expect_code 0
p="$T/root/opt/asy"
for f in bin/asy share/man/man1/asy.1 share/doc/asy/examples/hello.asy \
  share/doc/asy/examples/fan_out_taskgroup.asy share/doc/asy/LANGUAGE.md; do
  [ -f "$p/$f" ] || fail "$f not installed"
done
[ -x "$p/bin/asy" ] || fail "bin/asy is not executable"
# Run from an unrelated folder, the build tree out of reach of the installed binary.
mkdir "$T/elsewhere"
cd "$T/elsewhere" || exit 2
run env -u ASYPATH "$p/bin/asy" "$p/share/doc/asy/examples/hello.asy"
expect_code 0
expect_out "$(cat "$examples/hello.out")
"
run env ASY_VIRTUAL_TIME=1 "$p/bin/asy" "$p/share/doc/asy/examples/fan_out_taskgroup.asy"
expect_code 0
expect_out "$(cat "$examples/fan_out_taskgroup.out")
"
# The man page is well-formed roff with the options in it.
if command -v man >/dev/null; then
  page=$(MANWIDTH=80 man -l "$p/share/man/man1/asy.1" 2>&1)
  for opt in "-m mod" "--virtual-time" "--timeline FILE.html" "ASYPATH"; do
    case "$page" in *"$opt"*) ;; *) fail "the man page lacks $opt" ;; esac
  done
fi

# `./asy.sh deb`'s package, built here into the temporary folder (not from a sanitizer
# build: nobody ships one, and stripping and compressing its binary takes minutes).
if grep -q __asan_init "$ASY"; then
  echo "package: skipped for an AddressSanitizer build"
elif command -v cpack >/dev/null && command -v dpkg-deb >/dev/null; then
  run cpack -G DEB -B "$T/deb" --config "$build/CPackConfig.cmake"
  expect_code 0
  deb=$(ls "$T"/deb/asy_*.deb 2>/dev/null | head -1)
  if [ -z "$deb" ]; then
    fail "no .deb built"
  else
    run dpkg-deb -c "$deb"
    for f in ./usr/bin/asy ./usr/share/man/man1/asy.1 ./usr/share/doc/asy/examples/hello.asy; do
      case "$OUT" in *" $f"*) ;; *) fail "the package lacks $f" ;; esac
    done
    run dpkg-deb -f "$deb" Package Depends
    case "$OUT" in *"Package: asy"*"Depends: "*libedit*libgmp*) ;; *) fail "package fields: $OUT" ;; esac
  fi
fi
finish
