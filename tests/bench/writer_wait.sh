#!/usr/bin/env bash
# How long another process's write waits while `run` works through a burst: a store of N
# tasks (N/100 jurisdictions x 100 milestones) whose deadlines have passed (rehearsed on a
# virtual clock, gone live), so the first `run` applies N lapses and queues N overdue
# notices (.eml); meanwhile `dabiao submit` hands in one task of a small plan of its own
# every SPACING seconds (default 0.5), COUNT times (default 40), each timed from exec to
# exit; then the same COUNT submissions once the daemon is idle, as the floor.
# Prints figures and one SUMMARY line; never fails on a number.
#     tests/bench/writer_wait.sh [N]          (default 100000; BUILD=build/release)
set -euo pipefail
n=${1:-100000}
build=${BUILD:-build/release}
count=${COUNT:-40}
spacing=${SPACING:-0.5}
bin=$(cd "$build" && pwd)/dabiao
py=/usr/bin/python3
nj=$(((n + 99) / 100))
n=$((nj * 100))
dir=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
{
	printf 'plan: bench\ntitle: bench\ntimezone: Asia/Shanghai\ngrace: 0d\n'
	printf 'roles:\n  county_epb: {title: c, per: jurisdiction}\n'
	printf 'escalations:\n  e:\n    - {after: 1s, kind: overdue, notify: [owner]}\n'
	printf 'phases:\n  - id: p\n    title: p\n    milestones:\n'
	for i in $(seq 0 99); do
		printf '      - {id: m%d, title: m%d, owner: county_epb, for: each jurisdiction,' "$i" "$i"
		printf ' due: "2026-03-01T09:00:00", escalate: e}\n'
	done
} > "$dir/p.yaml"
{
	printf 'plan: w\ntitle: w\ntimezone: Asia/Shanghai\nroles:\n  supervision: {title: s}\n'
	printf 'phases:\n  - id: p\n    title: p\n    milestones:\n'
	for i in $(seq 0 $((2 * count - 1))); do
		printf '      - {id: w%d, title: w%d, owner: supervision, for: once,' "$i" "$i"
		printf ' due: "2030-03-01T09:00:00"}\n'
	done
} > "$dir/w.yaml"
{
	echo "jurisdictions:"
	for i in $(seq 0 $((nj - 1))); do
		echo "  - {id: j$i, name: j$i, kind: county, email: [j$i@x.example]}"
	done
	echo "offices:"
	echo "  supervision: [s@x.example]"
} > "$dir/r.yaml"
db="$dir/db"
"$bin" --db "$db" init --clock virtual --now 2026-01-01T00:00:00+08:00 >/dev/null
"$bin" --db "$db" load "$dir/p.yaml" >/dev/null
"$bin" --db "$db" load "$dir/w.yaml" >/dev/null
"$bin" --db "$db" import "$dir/r.yaml" >/dev/null
"$bin" --db "$db" clock --go-live >/dev/null

# COUNT submissions from task FIRST on, SPACING s apart; prints their ms, one a line
submit_ms() {
	$py - "$bin" "$db" "$1" "$count" "$spacing" <<'EOF'
import subprocess, sys, time
bin, db, first, count, spacing = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
for i in range(first, first + count):
    t = time.monotonic()
    p = subprocess.run([bin, "--db", db, "submit", f"w/w{i}/supervision/once", "--by", "bench"],
                       capture_output=True, text=True)
    ms = (time.monotonic() - t) * 1000
    print(f"{ms:.0f}" if p.returncode == 0 else f"error:{p.stderr.strip()[:200]}")
    time.sleep(spacing)
EOF
}
stats() {
	$py -c 'import sys
v = sorted(float(x) for x in sys.argv[1:] if not x.startswith("error"))
e = sum(1 for x in sys.argv[1:] if x.startswith("error"))
q = lambda p: v[min(len(v) - 1, int(len(v) * p))] if v else -1
print(f"p50={q(.5):.0f} p99={q(.99):.0f} max={q(1):.0f} errors={e}")' "$@"
}
"$bin" --db "$db" run 2> "$dir/run.log" &
pid=$!
until grep -q "action kind=deadline" "$dir/run.log" 2>/dev/null; do sleep 0.05; done
busy=($(submit_ms 0))
lapsed_then=$(grep -c "action kind=deadline" "$dir/run.log" || true)
# the burst's end: every overdue notice queued
until [ "$(grep -c "action kind=overdue" "$dir/run.log" || true)" -ge "$n" ]; do sleep 0.5; done
idle=($(submit_ms "$count"))
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
echo "submit during the burst (ms): ${busy[*]}"
echo "lapses applied when the last of them ended: $lapsed_then of $n"
echo "submit with the daemon idle (ms): ${idle[*]}"
echo "SUMMARY dabiao_writer_wait N=$n count=$count busy $(stats "${busy[@]}")" \
	"idle $(stats "${idle[@]}") lapsed_during=$lapsed_then"
