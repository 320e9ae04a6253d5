#!/usr/bin/env bash
# Delivery rate of notifiers/mailer.h (one session per batch, in a child) against Postfix's
# own client: both send into Postfix's smtp-sink on loopback over one connection, each
# pinned with taskset. Single-connection rates swing up to 10x on these machines depending
# on whether both ends share a CPU, so every figure is printed for "same CPU" (client and
# sink on CPU 0) and "two CPUs" (sink on 0, client on 1). Prints, never fails on a number.
#   tests/bench/mailer_rate.sh [BUILD_DIR] [COUNT]
set -uo pipefail
build=${1:-build-h10}
count=${2:-5000}
bin="$build/tests/bench_mailer_rate"
if [ ! -x "$bin" ]; then
	echo "mailer_rate: build bench_mailer_rate first (cmake --build $build --target bench_mailer_rate)"
	exit 0
fi
if ! command -v smtp-sink >/dev/null 2>&1 && [ ! -x /usr/sbin/smtp-sink ]; then
	sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postfix >/dev/null
fi
PATH=$PATH:/usr/sbin
ncpu=$(nproc)
user=""; [ "$(id -u)" -eq 0 ] && user="-u nobody"

run() { # $1 label, $2 client cpu
	local port=$(( 20000 + RANDOM % 20000 )) sink t0 t1
	taskset -c 0 smtp-sink $user 127.0.0.1:$port 1000 >/dev/null 2>&1 &
	sink=$!
	sleep 0.5
	t0=$(date +%s.%N)
	taskset -c "$2" smtp-source -d -m "$count" -s 1 -l 2000 -f dabiao@bench.example \
		-t a@bench.example 127.0.0.1:$port >/dev/null
	t1=$(date +%s.%N)
	printf '%s: postfix smtp-source: %d messages, one connection: %.0f msg/s\n' "$1" \
		"$count" "$(echo "$count / ($t1 - $t0)" | bc -l)"
	printf '%s: ' "$1"; taskset -c "$2" "$bin" $port "$count"
	printf '%s: ' "$1"; taskset -c "$2" "$bin" $port 2000 100
	kill $sink 2>/dev/null; wait $sink 2>/dev/null
}

run "same CPU" 0
[ "$ncpu" -gt 1 ] && run "two CPUs" 1
exit 0
