#!/usr/bin/env bash
# Restart with N pending tasks (issue 15's "Restart" goal: < 50 ms from start to the first
# applied action with 1,000,000 pending, cold cache included): a store of N/100
# jurisdictions x 100 milestones due in 2030, rehearsed on a virtual clock and gone live
# (`clock --go-live`), plus one task whose deadline has passed, so the first `run` has
# exactly one thing to do at once. `run` is started ROUNDS times (default 3) warm (the
# store's pages in the page cache) and ROUNDS times cold (data.mdb's pages dropped from
# the cache with posix_fadvise(DONTNEED) first: the binary and its libraries stay warm),
# each time on a fresh copy of the store, so the late task is pending every time.
# Measured from outside: from the exec of `run` to its log line of the first applied action.
# Prints figures and one SUMMARY line; never fails on a number.
#     tests/bench/restart.sh [N]          (default 1000000; BUILD=build/release)
set -euo pipefail
n=${1:-1000000}
build=${BUILD:-build/release}
rounds=${ROUNDS:-3}
bin=$(cd "$build" && pwd)/dabiao
py=/usr/bin/python3
nj=$(((n + 99) / 100))
n=$((nj * 100))
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
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
# the one task already late when the store goes live: a plan of its own, once
printf 'plan: late\ntitle: late\ntimezone: Asia/Shanghai\nroles:\n  supervision: {title: s}\n%s' \
	'phases:
  - id: p
    title: p
    milestones:
      - {id: late, title: late, owner: supervision, for: once, due: "2026-02-01T09:00:00"}
' > "$dir/late.yaml"
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
"$bin" --db "$db" load "$dir/late.yaml" >/dev/null
t0=$(date +%s.%N)
"$bin" --db "$db" import "$dir/r.yaml" >/dev/null
import_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}')
"$bin" --db "$db" clock --go-live >/dev/null
mb=$(awk -v b="$(stat -c %s "$db/data.mdb")" 'BEGIN{printf "%.0f", b / 1048576}')
echo "store: $n pending tasks + 1 late; import ${import_s} s; data.mdb ${mb} MB"

# one start of `run` on a copy of the store: ms from exec to the first action's log line
first_action_ms() {
	rm -rf "$dir/run"
	cp -r "$db" "$dir/run"
	$py - "$bin" "$dir/run" "$1" <<'EOF'
import os, subprocess, sys, time
bin, db, cold = sys.argv[1], sys.argv[2], sys.argv[3] == "cold"
# the copy's pages on disk first either way: else the first commit of `run` waits for the
# write-back of the whole copy
fd = os.open(os.path.join(db, "data.mdb"), os.O_RDONLY)
os.fsync(fd)
if cold:
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
os.close(fd)
t = time.monotonic()
p = subprocess.Popen([bin, "--db", db, "run"], stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE, text=True)
ms = None
for line in p.stderr:
    if "action kind=" in line:
        ms = (time.monotonic() - t) * 1000
        break
p.terminate()
p.communicate(timeout=60)
print(f"{ms:.1f}" if ms is not None else "none")
EOF
}
# the floor on this machine: exec, dynamic linking and exit of `dabiao --version`
exec_ms() {
	$py -c 'import subprocess, sys, time
t = time.monotonic()
subprocess.run([sys.argv[1], "--version"], capture_output=True)
print(f"{(time.monotonic() - t) * 1000:.1f}")' "$bin"
}
warm=() cold=() floor=()
for _ in $(seq "$rounds"); do
	cold+=("$(first_action_ms cold)")
	warm+=("$(first_action_ms warm)")
	floor+=("$(exec_ms)")
done
echo "first action, cold (ms): ${cold[*]}"
echo "first action, warm (ms): ${warm[*]}"
echo "dabiao --version (ms): ${floor[*]}"
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }
echo "SUMMARY dabiao_restart pending=$n data_mdb_MB=$mb import_s=$import_s" \
	"first_action_cold_ms_median=$(med "${cold[@]}") first_action_warm_ms_median=$(med "${warm[@]}")" \
	"version_ms_median=$(med "${floor[@]}")" \
	"cold_ms=$(IFS=/; echo "${cold[*]}") warm_ms=$(IFS=/; echo "${warm[*]}")" \
	"version_ms=$(IFS=/; echo "${floor[*]}")"
