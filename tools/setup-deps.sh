#!/usr/bin/env bash
# Install the Debian packages Asy needs to build and test, if any are missing.
#
# usage: tools/setup-deps.sh
#
# Does nothing (and needs no network or root) when every package is already installed.
# Otherwise runs `apt-get update` then `apt-get install -y` for the missing ones, through
# sudo when not running as root. Packages: cmake, gcc, re2c, lemon, libedit-dev.
set -euo pipefail

packages=(cmake gcc re2c lemon libedit-dev)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing+=("$p") ;;
  esac
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
