#!/usr/bin/env bash
# The national calendar of issue 15: N enterprises (default 10,000; run by hand with
# 1000000) in 100 counties under a plan of one milestone, a monthly report due on the 15th
# of every month of 2030 (12 task-periods an enterprise a year; 3 million enterprises are
# 36 million). No reminder and no escalation, so the year's advance measures the task
# path (every period lapses: state change, audit record, conduct count) and no notice:
# notices are burst.sh's. The store's clock is at 2029-12-01, so every period is ahead.
#   1. `import` of the registry (YAML counties, then the CSV of N enterprises)
#   2. `advance --to 2031-01-01`, the whole year
# Each step is measured from outside (burst_run.py): wall and CPU time, LMDB's bytes
# written (getrusage blocks out), the peaks of VmRSS, RssAnon and RssFile; the store's
# growth in used pages (mdb_stat) per task-period, and data.mdb's size. Prints figures and
# one SUMMARY line; never fails on a number, only when a command fails.
#     tests/bench/national.sh [N]         (BUILD=build/release)
# ADVANCE=0 stops after the import; MONTHS=M advances through the first M months only
# (the figures are then per task-period lapsed: N x M). PERIODS=P gives the plan only the
# first P months of 2030 (default 12): N x P task-periods, for a quicker look at large N
# (a month's tasks are then neighbours in key order, which the advance favours).
# PERF=1 records each step with `perf record -g` (perf.import.data, perf.advance.data in
# PERF_DIR, default the current folder) for the profile's top entries.
set -euo pipefail
n=${1:-10000}
build=${BUILD:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$build" && pwd)/dabiao
py=/usr/bin/python3
perf_dir=$(pwd)
[ -n "${PERF_DIR:-}" ] && perf_dir=$(cd "$PERF_DIR" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export DABIAO_CONFIG=/dev/null
unset DABIAO_SMTP DABIAO_DB

periods=${PERIODS:-12}
cat > "$dir/p.yaml" <<EOF
plan: national
title: national monthly report
timezone: Asia/Shanghai
roles:
  enterprise: {title: e, per: enterprise}
phases:
  - id: p
    title: p
    milestones:
      - {id: monthly, title: monthly, owner: enterprise, for: each enterprise,
         due: {every: 1 month, day: 15, from: 2030-01, until: $(printf '2030-%02d' "$periods")}}
EOF
$py - "$n" "$dir" <<'PY'
import sys

n, d = int(sys.argv[1]), sys.argv[2]
ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # GB 32100-2015, no I O S V Z
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def code(i):
    """An 18-character unified social credit code with a correct check character."""
    body = "91110000" + "".join(ALPHA[(i // 31 ** k) % 31] for k in range(8, -1, -1))
    s = sum(ALPHA.index(ch) * w for ch, w in zip(body, W))
    return body + ALPHA[(31 - s % 31) % 31]


with open(f"{d}/counties.yaml", "w") as f:
    f.write("jurisdictions:\n")
    for j in range(100):
        f.write(f"  - {{id: c{j}, name: c{j}, kind: county, email: [c{j}@x.example]}}\n")
with open(f"{d}/enterprises.csv", "w", encoding="utf-8") as f:
    f.write("id,name,jurisdiction,industry,email\n")
    for i in range(n):
        f.write(f"{code(i)},某某实业有限公司{i},c{i % 100},steel,e{i}@x.example\n")
PY
db="$dir/db"
"$bin" --db "$db" init --clock virtual --now 2029-12-01T00:00:00+08:00 >/dev/null
"$bin" --db "$db" load "$dir/p.yaml" >/dev/null
"$bin" --db "$db" import "$dir/counties.yaml" >/dev/null

pages() { mdb_stat -e "$1" | awk '/Number of pages used/{print $5}'; }
field() { $py -c "import json,sys; print(json.loads(sys.argv[1])['$2'])" "$1"; }
mb() { awk -v k="$1" 'BEGIN{printf "%.0f", k / 1024}'; }
per() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.0f", (b > 0 ? a / b : 0)}'; }
tasks=$((n * periods))
summary="SUMMARY national N=$n periods=$periods task_periods=$tasks"
step() { # NAME COMMAND...: runs it measured, adds its figures to the summary
	local name=$1 p0 p1 r
	shift
	p0=$(pages "$db")
	local cmd=("$bin" --db "$db" "$@")
	[ -n "${PERF:-}" ] && cmd=(perf record -q -g -o "$perf_dir/perf.$name.data" -- "${cmd[@]}")
	if ! r=$($py "$here/burst_run.py" -- "${cmd[@]}"); then
		echo "$name failed: $r" >&2
		exit 1
	fi
	p1=$(pages "$db")
	echo "$name: $r"
	echo "$name: store growth $(((p1 - p0) * 4096 / tasks)) B a task-period," \
		"LMDB writes $(($(field "$r" oublock_B) / tasks)) B a task-period," \
		"data.mdb $(($(stat -c %s "$db/data.mdb") / 1048576)) MB"
	summary+=" ${name}_wall_s=$(field "$r" wall_s) ${name}_cpu_s=$(field "$r" cpu_s)"
	summary+=" ${name}_per_cpu_s=$(per "$tasks" "$(field "$r" cpu_s)")"
	summary+=" ${name}_store_B=$(((p1 - p0) * 4096 / tasks))"
	summary+=" ${name}_write_B=$(($(field "$r" oublock_B) / tasks))"
	summary+=" ${name}_rss_MB=$(mb "$(field "$r" vmrss_kb)")"
	summary+=" ${name}_anon_MB=$(mb "$(field "$r" rssanon_kb)")"
	summary+=" ${name}_file_MB=$(mb "$(field "$r" rssfile_kb)")"
}
echo "enterprises.csv: $n rows, $(($(stat -c %s "$dir/enterprises.csv") / 1024)) KiB"
step import import "$dir/enterprises.csv"
got=$("$bin" --db "$db" tasks --plan national --subject "$(sed -n 2p "$dir/enterprises.csv" | cut -d, -f1)" \
	--format csv | tail -n +2 | wc -l)
[ "$got" = "$periods" ] || { echo "the first enterprise has $got tasks, not $periods" >&2; exit 1; }
months=${MONTHS:-$periods}
if [ "${ADVANCE:-1}" != 0 ]; then
	tasks=$((n * months))
	summary+=" advanced_task_periods=$tasks"
	step advance advance --to "$(printf '%04d-%02d-01T00:00:00+08:00' \
		$((2030 + months / 12)) $((months % 12 + 1)))"
fi
summary+=" data_mdb_MB=$(($(stat -c %s "$db/data.mdb") / 1048576))"
echo "$summary"
