#!/usr/bin/env bash
# README command (2): from a fresh Debian 12 machine to the whole test suite passing.
# Installs what is missing (apt-get), builds twice (plain with -Werror, and with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every CTest test on both, then
# builds the libFuzzer harnesses with clang and runs each briefly.
# Tests start their own servers (the SMTP server on 127.0.0.1) and stop them.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
bash "$src/deploy/install-deps.sh" --test
jobs=$(nproc)

cmake -S "$src" -B "$src/build/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDABIAO_WERROR=ON
cmake --build "$src/build/release" -j"$jobs"
ctest --test-dir "$src/build/release" --output-on-failure -j"$jobs"

cmake -S "$src" -B "$src/build/asan" -DCMAKE_BUILD_TYPE=Debug -DDABIAO_WERROR=ON \
	-DDABIAO_SANITIZE="address;undefined"
cmake --build "$src/build/asan" -j"$jobs"
ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir "$src/build/asan" --output-on-failure -j"$jobs"

# The libFuzzer harnesses (tests/fuzz/), built with clang under ASan and UBSan, each for
# a short while from the repository's own files; tests/bench/fuzz.sh runs them for hours.
CC=clang cmake -S "$src" -B "$src/build/fuzz" -DCMAKE_BUILD_TYPE=Debug -DDABIAO_WERROR=ON \
	-DDABIAO_SANITIZE="address;undefined" -DDABIAO_FUZZ=ON
cmake --build "$src/build/fuzz" -j"$jobs" --target fuzz_all
ctest --test-dir "$src/build/fuzz" -L fuzz --output-on-failure -j"$jobs"
