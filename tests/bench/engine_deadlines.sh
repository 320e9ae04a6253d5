#!/usr/bin/env bash
# Engine throughput: N jurisdictions x 100 milestones due at the same instant (100,000
# tasks for N = 1000) on a virtual-clock store: time to expand them (import), to apply
# every deadline falling due in the same second, and to make the overdue notices that
# follow (rendered, queued, audited, written as .eml files). Prints figures; never fails
# on a number.   tests/bench/engine_deadlines.sh [BUILD_DIR] [N]
set -euo pipefail
build=${1:-build/release}
n=${2:-1000}
bin="$build/dabiao"
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
{
	echo "jurisdictions:"
	for i in $(seq 0 $((n - 1))); do
		echo "  - {id: j$i, name: j$i, kind: county, email: [j$i@x.example]}"
	done
} > "$dir/r.yaml"
db="$dir/db"
"$bin" --db "$db" init --clock virtual --now 2030-01-01T00:00:00+08:00 >/dev/null
"$bin" --db "$db" load "$dir/p.yaml" >/dev/null
t() { /usr/bin/time -f "%e s, max RSS %M KB" "$@" 2>&1 >/dev/null | tail -1; }
echo "tasks: $((n * 100))"
echo "expand (import):            $(t "$bin" --db "$db" import "$dir/r.yaml")"
echo "deadlines in one second:    $(t "$bin" --db "$db" advance --to 2030-03-01T09:00:00+08:00)"
echo "overdue notices (.eml):     $(t "$bin" --db "$db" advance --to 2030-03-01T10:00:00+08:00)"
echo "store size: $(du -sh "$db/data.mdb" | cut -f1)"
