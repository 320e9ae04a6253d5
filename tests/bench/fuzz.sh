#!/usr/bin/env bash
# The libFuzzer harnesses of tests/fuzz/ for a long while: each one SECONDS (default 3600),
# JOBS at a time (default: the number of CPUs), under AddressSanitizer and UBSan, from the
# repository's own files. A crash's input is kept in ARTIFACTS (default ./fuzz-artifacts);
# copy it into tests/fuzz/regress/NAME/ with its fix. Prints one SUMMARY line.
#   tests/bench/fuzz.sh [SECONDS] [JOBS] [ARTIFACTS]
set -uo pipefail
src="$(cd "$(dirname "$0")/../.." && pwd)"
secs=${1:-3600}
jobs=${2:-$(nproc)}
art=$(mkdir -p "${3:-fuzz-artifacts}" && cd "${3:-fuzz-artifacts}" && pwd)
build="$src/build/fuzz"
CC=clang cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
	-DDABIAO_SANITIZE="address;undefined" -DDABIAO_FUZZ=ON >/dev/null || exit 1
cmake --build "$build" -j"$jobs" --target fuzz_all >/dev/null || exit 1
names=(ydoc plan registry_yaml registry_csv template message config time)
logs=$(mktemp -d)
run() { ARTIFACT_DIR="$art" bash "$src/tests/fuzz/run.sh" "$build/tests/fuzz/fuzz_$1" "$1" "$secs" > "$logs/$1" 2>&1; }
export -f run; export art src build secs logs
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash -c 'run {}'
failed=0 execs=0
for n in "${names[@]}"; do
	e=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$n" | tail -1)
	execs=$((execs + ${e:-0}))
	if ! grep -q "fuzz $n: ok" "$logs/$n"; then failed=$((failed + 1)); tail -5 "$logs/$n"; fi
	echo "$n: ${e:-0} inputs"
done
rm -rf "$logs"
echo "SUMMARY fuzz harnesses=${#names[@]} seconds_each=$secs inputs=$execs crashed=$failed artifacts=$art"
