#!/usr/bin/env bash
# Delivery rate: dabiao's sender vs Postfix's smtp-source, both into Postfix's smtp-sink
# on loopback, one connection each, everything pinned to one CPU (taskset), in one run.
# Prints figures and the ratio; never fails on a number. Installs postfix when missing.
#   tests/bench/smtp_rate.sh [BUILD_DIR] [COUNT]
set -euo pipefail
build=${1:-build/release}
count=${2:-5000}
if ! command -v smtp-sink >/dev/null 2>&1 && [ ! -x /usr/sbin/smtp-sink ]; then
	sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postfix >/dev/null
fi
PATH=$PATH:/usr/sbin
port=$(( 20000 + RANDOM % 20000 ))
user=""; [ "$(id -u)" -eq 0 ] && user="-u nobody"
taskset -c 0 smtp-sink $user 127.0.0.1:$port 1000 >/dev/null 2>&1 &
sink=$!
trap 'kill $sink 2>/dev/null' EXIT
sleep 0.5
msgfile=$(mktemp)
head -c 2000 /dev/zero | tr '\0' 'x' | fold -w 64 > "$msgfile"
t0=$(date +%s.%N)
taskset -c 0 smtp-source -d -m "$count" -s 1 -l 2000 -f dabiao@bench.example \
	-t a@bench.example 127.0.0.1:$port >/dev/null
t1=$(date +%s.%N)
src_rate=$(echo "$count / ($t1 - $t0)" | bc -l)
printf "postfix smtp-source: %d messages, one connection (-d): %.0f msg/s\n" "$count" "$src_rate"
out=$(DABIAO_BIN="$build/dabiao" taskset -c 0 "$build/tests/bench_smtp_rate" $port "$count")
echo "$out"
ours=$(echo "$out" | sed -n 's/.* \([0-9]*\) msg\/s/\1/p')
printf 'ratio dabiao / smtp-source: %.2f\n' "$(echo "$ours / $src_rate" | bc -l)"
rm -f "$msgfile"
