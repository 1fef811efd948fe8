# Thin wrappers over ./asy.sh, the one entry point (it works without make on a fresh
# machine and installs make itself). Each target runs `./asy.sh TARGET`:
#
#   make run        install missing Debian packages, build, run examples/hello.asy
#   make test       install missing packages, build, run the whole test suite (ctest)
#   make test-asan  build with ASan+UBSan in build-asan/ and run the suite with GC stress
#   make bench      build, then time bench/*.asy against CPython 3.13
#   make build      install missing packages, configure if needed, build
#   make deps       install missing packages only
#   make install    build, install under PREFIX (default /usr/local; DESTDIR honoured)
#   make deb        build, then make a Debian package in the build directory
#   make clean      remove the build directories
#
# Variables, passed on to asy.sh: BUILD (build dir, default build), ASAN_BUILD (default
# build-asan), EXAMPLE (script for `make run`), JOBS (ctest parallelism, default 2),
# BUILD_TYPE (CMAKE_BUILD_TYPE for BUILD, default RelWithDebInfo).

EXAMPLE ?= examples/hello.asy
VARS := $(foreach v,BUILD ASAN_BUILD JOBS BUILD_TYPE,$(if $($(v)),$(v)=$($(v))))

PREFIX ?= /usr/local

.PHONY: all run build deps test test-asan bench install deb clean

all: build

run:
	$(VARS) ./asy.sh run $(EXAMPLE)

install:
	$(VARS) ./asy.sh install $(PREFIX)

build deps test test-asan bench deb clean:
	$(VARS) ./asy.sh $@
