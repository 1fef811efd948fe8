#!/usr/bin/env bash
# Install the Debian packages Asy needs to build and test, if any are missing.
#
# usage: tools/setup-deps.sh
#
# Does nothing (and needs no network or root) when every package is already installed.
# Otherwise runs `apt-get update` then `apt-get install -y` for the missing ones, through
# sudo when not running as root. Packages are installed without their recommendations,
# so the ones gcc and cmake only recommend are listed here:
#   gcc, libc6-dev   the compiler and the C library headers (ASan/UBSan come with gcc)
#   cmake, make      the build description and the generator it drives (ctest is in cmake)
#   re2c, lemon      the lexer and parser generators (lemon ships lempar.c)
#   libedit-dev      the REPL's line editing, history and completion (stdlib/repl.c)
#   libgmp-dev       big ints: arithmetic on ints beyond 64 bits (vm/obj/bigint.c)
#   libpcre2-dev     regular expressions: the re module's engine (stdlib/re_engine.c)
#   chromium         headless, for the tests that load `asy --timeline` pages
#   time             GNU time (/usr/bin/time): bench/run.sh's peak-memory column
# The test scripts use only bash, coreutils (timeout, mktemp), diffutils and perl, all
# part of every Debian base system. Nothing needs Python: only regenerating expected
# outputs runs CPython.
set -euo pipefail

packages=(gcc libc6-dev cmake make re2c lemon libedit-dev libgmp-dev libpcre2-dev chromium time)

# Without dpkg (not Debian), trust the commands if they are all there.
if ! command -v dpkg-query >/dev/null 2>&1; then
  for c in cc cmake make re2c lemon; do
    command -v "$c" >/dev/null 2>&1 || {
      echo "setup-deps: no dpkg and no $c; please install: ${packages[*]}" >&2
      exit 1
    }
  done
  exit 0
fi

# One dpkg-query for all of them: a package never installed is absent from its output.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
  grep -qx "$p install ok installed" <<<"$installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup-deps: installing missing packages: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-deps: apt-get not found; please install: ${missing[*]}" >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "setup-deps: not root and sudo is unavailable; please install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
