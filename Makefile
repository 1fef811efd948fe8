# Convenience wrapper around CMake. The real build description is CMakeLists.txt.
#
#   make run        install missing Debian packages, build, run examples/hello.asy
#   make test       install missing packages, build, run the whole test suite (ctest)
#   make test-asan  build with ASan+UBSan in build-asan/ and run the suite with GC stress
#   make bench      build, then time bench/*.asy against CPython 3.13
#   make clean      remove the build directories
#
# Variables: BUILD (build dir, default build), ASAN_BUILD (default build-asan),
# EXAMPLE (script for `make run`), JOBS (ctest parallelism, default 2),
# BUILD_TYPE (CMAKE_BUILD_TYPE for BUILD, default RelWithDebInfo).

BUILD      ?= build
ASAN_BUILD ?= build-asan
EXAMPLE    ?= examples/hello.asy
JOBS       ?= 2
BUILD_TYPE ?= RelWithDebInfo
NPROC      := $(shell nproc 2>/dev/null || echo 2)

# vm_free releases every object and buffer at exit, so a LeakSanitizer report is a real
# leak. Anything ASan/LSan/UBSan reports goes to stderr and so fails the test that caused it.
ASAN_OPTIONS  ?= detect_leaks=1:abort_on_error=0:halt_on_error=1
UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

.PHONY: all run build deps test test-asan build-asan bench clean

all: build

deps:
	@./tools/setup-deps.sh

# Configure only when the build directory has no CMake cache yet.
build: deps
	@if [ ! -f $(BUILD)/CMakeCache.txt ]; then \
	  cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); \
	fi
	cmake --build $(BUILD) -j$(NPROC)

run: build
	./$(BUILD)/asy $(EXAMPLE)

test: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

build-asan: deps
	@if [ ! -f $(ASAN_BUILD)/CMakeCache.txt ]; then \
	  cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DASY_SANITIZE=ON; \
	fi
	cmake --build $(ASAN_BUILD) -j$(NPROC)

# An unoptimised ASan build uses several times the C stack per interpreter entry, so
# the C-stack guard (fiber.c, a fraction of RLIMIT_STACK) would trip before the
# 1000-frame recursion limit the tests expect; a 32 MB stack restores the proportion.
test-asan: build-asan
	cd $(ASAN_BUILD) && ulimit -s 32768 && ASY_GC_STRESS=1 ASAN_OPTIONS=$(ASAN_OPTIONS) \
	  UBSAN_OPTIONS=$(UBSAN_OPTIONS) ctest --output-on-failure -j$(JOBS)

bench: build
	./bench/run.sh ./$(BUILD)/asy

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
