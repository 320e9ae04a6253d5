#!/usr/bin/env bash
# Time taken by `import-annex` by the number of rows of a county's Annex 4: valid CSV tables
# of 呼图壁县 with 10k, 20k, 40k and 80k enterprises (80k rows are about 14 MiB, under the
# 16 MiB cap of a county's table), each checked (`--dry-run`), recorded, and read back by
# `report annex4 --month 2017-06`, on a store holding the Changji plan and registry at
# 2017-07-03. A pass is linear when twice the rows take about twice as long; a lookup of
# each credit code among the rows before it makes it about four times (the old duplicate
# check: 40k rows 11.4 s CPU, 90k rows 150 s to record).
#
# Rates and growth are of CPU time (user + system), which other processes on a shared
# machine do not inflate; wall time is printed beside it. Prints figures and one SUMMARY
# line: rows/s per step and size, and each step's growth per doubling from the smallest to
# the largest size (`dry_x2=2.0`). Never fails on a number.
#   tests/bench/annex_scale.sh [BUILD_DIR] [MAX_ROWS]
set -euo pipefail
build=${1:-build/release}
max_rows=${2:-80000}
src="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(cd "$build" && pwd)/dabiao"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

/usr/bin/python3 - "$max_rows" <<'PY'
import sys

max_rows = int(sys.argv[1])
ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # GB 32100-2015, no I O S V Z
HEAD = ("序号,县市、园区,企业名称,统一社会信用代码,行业,主要污染物,超标原因,清理措施,整改时限,"
        "月末状态,完成日期,责任单位,责任人")


def code(i):
    """An 18-character unified social credit code with a correct check character."""
    body = "91652323" + "".join(ALPHA[(i // 31 ** k) % 31] for k in range(8, -1, -1))
    s = sum(ALPHA.index(ch) * pow(3, k, 31) for k, ch in enumerate(body))
    return body + ALPHA[(31 - s % 31) % 31]


n = 10_000
while n <= max_rows:
    with open(f"a4-{n}.csv", "w", encoding="utf-8") as f:
        f.write("全区超标企业清理明细表（2017年5—6月）" + "," * 12 + "\n" + HEAD + "\n")
        for i in range(n):
            f.write(f"{i + 1},呼图壁县,呼图壁县样例企业{i}有限公司,{code(i)},钢铁,颗粒物,"
                    f"超标排放,限期整改,2017-07-31,整治中,,呼图壁县环境保护局,王{i % 100}\n")
        f.write("填报单位（盖章）：呼图壁县环境保护局" + "," * 12 + "\n")
    n *= 2
PY

# "wall cpu" of one command, cpu = user + system
t() { /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%s %.2f\n", $1, $2 + $3 }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%d", n / s; else printf "inf" }'; }
summary=""
growth=""
declare -A first_cpu last_cpu
doublings=0
db="$dir/db0"
"$bin" --db "$db" init --clock virtual --now 2017-01-01T00:00:00+08:00 >/dev/null
"$bin" --db "$db" load "$src/workflows/changji-2017.yaml" >/dev/null 2>&1
"$bin" --db "$db" import "$src/workflows/changji-registry.yaml" >/dev/null
"$bin" --db "$db" advance --to 2017-07-03T10:00:00+08:00 >/dev/null
n=10000
while [ "$n" -le "$max_rows" ]; do
	rm -rf "$dir/db"
	cp -a "$db" "$dir/db"
	imp=(--db "$dir/db" import-annex "a4-$n.csv" --jurisdiction hutubi-county
	     --month 2017-06 --by 王明)
	for step in dry record report; do
		case $step in
		dry) args=("${imp[@]}" --dry-run) ;;
		record) args=("${imp[@]}") ;;
		report) args=(--db "$dir/db" report annex4 --month 2017-06 --format csv) ;;
		esac
		read -r wall cpu < <(t "$bin" "${args[@]}")
		printf 'annex4 %6d rows, %-7s %7.2f s CPU (%8s rows/s)  %7.2f s wall\n' "$n" "$step:" \
			"$cpu" "$(rate "$n" "$cpu")" "$wall"
		summary+=" ${step}_$((n / 1000))k=$(rate "$n" "$cpu")rows/s"
		[ -n "${first_cpu[$step]:-}" ] || first_cpu[$step]=$cpu
		last_cpu[$step]=$cpu
	done
	n=$((n * 2))
	doublings=$((doublings + 1))
done
# growth per doubling: (last / first) ^ (1 / doublings), 2.0 when linear, 4.0 when quadratic
for step in dry record report; do
	growth+=" ${step}_x2=$(awk -v a="${first_cpu[$step]}" -v b="${last_cpu[$step]}" \
		-v d="$((doublings - 1))" \
		'BEGIN { if (a > 0 && d > 0) printf "%.1f", exp(log(b / a) / d); else printf "-" }')"
done
echo "SUMMARY annex_scale$summary$growth"
