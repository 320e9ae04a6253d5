#!/usr/bin/env bash
# SMTP delivery over several connections (smtp.connections), end to end, beside Postfix's
# smtp-source with as many sessions, both into Postfix's smtp-sink on loopback, alternating
# in each round. dabiao's figure is the `advance` that delivers COUNT notices already queued
# (made retrying first by a server that refuses connections, so the timed step is delivery:
# claims, the sessions, the results' commits). Prints figures and one SUMMARY line; never
# fails on a number. Installs postfix when missing. Beside each wall rate, the CPU both
# sides spent (the client with every process it waited for, and the sink's share, from
# /proc): on a CPU other engineers share, the wall ratio measures them too, while the ratio
# of CPU per message is what one quiet CPU would give both ends (cpu_ratio in SUMMARY).
#   tests/bench/smtp_connections.sh [BUILD_DIR] [COUNT] [CONNECTIONS...]
#   (default build/release 2000 "1 4"; ROUNDS=3; PIN=0 pins everything to CPU 0;
#   SINK_DELAY=S: the sink waits S seconds before answering each DATA, as a slow server or
#   content filter does, where more connections pay off)
set -euo pipefail
build=${1:-build/release}
count=${2:-2000}
shift $(($# < 2 ? $# : 2))
conns=(1 4)
[ $# -gt 0 ] && conns=("$@")
rounds=${ROUNDS:-3}
bin=$(cd "$build" && pwd)/dabiao
py=/usr/bin/python3
if ! command -v smtp-sink >/dev/null 2>&1 && [ ! -x /usr/sbin/smtp-sink ]; then
	sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postfix >/dev/null
fi
PATH=$PATH:/usr/sbin
pin=()
[ -n "${PIN:-}" ] && pin=(taskset -c "$PIN")
dir=$(mktemp -d)
sink=
cleanup() {
	[ -n "$sink" ] && kill "$sink" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dead=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
user=""; [ "$(id -u)" -eq 0 ] && user="-u nobody"
delay=()
[ -n "${SINK_DELAY:-}" ] && delay=(-w "$SINK_DELAY")
"${pin[@]}" smtp-sink $user "${delay[@]}" "127.0.0.1:$port" 1000 >/dev/null 2>&1 &
sink=$!
for _ in $(seq 50); do
	$py -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break
	sleep 0.1
done
nj=$(((count + 99) / 100))
count=$((nj * 100))
{
	printf 'plan: bench\ntitle: bench\ntimezone: Asia/Shanghai\n'
	printf 'roles:\n  county_epb: {title: c, per: jurisdiction}\n'
	printf 'escalations:\n  e:\n    - {after: 1h, kind: overdue, notify: [owner]}\n'
	printf 'phases:\n  - id: p\n    title: p\n    milestones:\n'
	for i in $(seq 0 99); do
		printf '      - {id: m%d, title: m%d, owner: county_epb, for: each jurisdiction,' "$i" "$i"
		printf ' due: "2030-03-01T09:00:00", escalate: e}\n'
	done
} > "$dir/p.yaml"
{
	echo "jurisdictions:"
	for i in $(seq 0 $((nj - 1))); do
		echo "  - {id: j$i, name: j$i, kind: county, email: [j$i@x.example]}"
	done
} > "$dir/r.yaml"
cfg() { printf 'smtp:\n  host: 127.0.0.1\n  port: %s\n  from: dabiao@x.example\n  connections: %s\n' "$1" "$2" > "$3"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN{printf "%.0f", (s > 0 ? n / s : 0)}'; }
# "WALL CPU" seconds of a command (CPU: user + system of it and all it waited for)
timed() {
	$py -c 'import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{time.monotonic() - t:.4f} {r.ru_utime + r.ru_stime:.4f}")' "$@"
}
sink_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.4f", ($14 + $15) / hz}' "/proc/$sink/stat"; }
# one store with COUNT overdue notices queued, made retrying (refused), copied for each run
"$bin" --db "$dir/seed" init --clock virtual --now 2030-01-01T00:00:00+08:00 >/dev/null
"$bin" --db "$dir/seed" load "$dir/p.yaml" >/dev/null
"$bin" --db "$dir/seed" import "$dir/r.yaml" >/dev/null
cfg "$dead" 1 "$dir/dead.yaml"
"$bin" --config "$dir/dead.yaml" --db "$dir/seed" advance --to 2030-03-01T10:00:00+08:00 >/dev/null
declare -A ours theirs cpus
for r in $(seq "$rounds"); do
	for k in "${conns[@]}"; do
		rm -rf "$dir/db" && cp -r "$dir/seed" "$dir/db"
		cfg "$port" "$k" "$dir/c.yaml"
		s0=$(sink_cpu)
		read -r wall cpu < <(timed "${pin[@]}" "$bin" --config "$dir/c.yaml" --db "$dir/db" \
			advance --to 2030-03-01T10:05:00+08:00)
		dcpu=$(echo "$cpu + $(sink_cpu) - $s0" | bc -l)
		sent=$("$bin" --db "$dir/db" outbox --sent --format csv | tail -n +2 | wc -l)
		d=$(rate "$count" "$wall")
		s0=$(sink_cpu)
		read -r wall cpu < <(timed "${pin[@]}" smtp-source -d -m "$count" -s "$k" -l 2000 \
			-f dabiao@bench.example -t a@bench.example "127.0.0.1:$port")
		scpu=$(echo "$cpu + $(sink_cpu) - $s0" | bc -l)
		s=$(rate "$count" "$wall")
		printf 'round %s connections %s: dabiao %s msg/s (%s of %s sent), smtp-source %s msg/s, ratio %.2f; CPU per message, the sink included: dabiao %.0f us, smtp-source %.0f us, ratio %.2f; load %s\n' \
			"$r" "$k" "$d" "$sent" "$count" "$s" "$(echo "$d / $s" | bc -l)" \
			"$(echo "$dcpu * 1000000 / $count" | bc -l)" "$(echo "$scpu * 1000000 / $count" | bc -l)" \
			"$(echo "$scpu / $dcpu" | bc -l)" "$(cut -d' ' -f1-3 /proc/loadavg)"
		ours[$k]="${ours[$k]:-} $d"
		theirs[$k]="${theirs[$k]:-} $(echo "scale=4; $d / $s" | bc -l)"
		cpus[$k]="${cpus[$k]:-} $(echo "scale=4; $scpu / $dcpu" | bc -l)"
	done
done
summary="SUMMARY smtp_connections count=$count rounds=$rounds pin=${PIN:-none} sink_delay_s=${SINK_DELAY:-0}"
for k in "${conns[@]}"; do
	med=$(echo "${ours[$k]}" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
	ratio=$(echo "${theirs[$k]}" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END{printf "%.2f", a[int((NR+1)/2)]}')
	cratio=$(echo "${cpus[$k]}" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END{printf "%.2f", a[int((NR+1)/2)]}')
	summary="$summary c${k}_msg_per_s=$med c${k}_ratio_to_smtp_source=$ratio c${k}_cpu_ratio=$cratio"
done
echo "$summary"
