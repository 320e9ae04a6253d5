#!/usr/bin/env bash
# Time taken by a registry import with a plan loaded, by the number of rows: a valid CSV
# of 10k and 100k enterprises (every tenth listed, so the Changji plan gives it tasks)
# imported into a store holding the Changji plan and registry (`first`), the same rows
# with every address changed previewed (`dry`) and imported (`changed`: a subject.update
# record per row, the plan's tasks reconciled). An import is linear when ten times the
# rows take about ten times as long; a lookup of each row in a list of all the others
# makes it about a hundred.
#
# The machine is shared, so the rates and growth are of CPU time (user + system), which
# other processes do not inflate; wall time is printed beside it. Prints figures and one
# SUMMARY line: rows/s per step and size, and each step's growth from 10k to 100k rows
# (`first_x10=9.8`). Never fails on a number.
#   tests/bench/import_scale.sh [BUILD_DIR] [MAX_ROWS]
set -euo pipefail
build=${1:-build/release}
max_rows=${2:-100000}
src="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(cd "$build" && pwd)/dabiao"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

/usr/bin/python3 - "$max_rows" <<'PY'
import sys

max_rows = int(sys.argv[1])
ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # GB 32100-2015, no I O S V Z
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
JURISDICTIONS = ["changji-city", "fukang-city", "hutubi-county", "manas-county"]


def code(i):
    """An 18-character unified social credit code with a correct check character."""
    body = "91652301" + "".join(ALPHA[(i // 31 ** k) % 31] for k in range(9, -1, -1))[1:]
    body = body[:17]
    s = sum(ALPHA.index(ch) * w for ch, w in zip(body, W))
    return body + ALPHA[(31 - s % 31) % 31]


n = 10_000
while n <= max_rows:
    for name, domain in (("first", "x"), ("changed", "y")):
        with open(f"{name}-{n}.csv", "w") as f:
            f.write("id,name,jurisdiction,industry,listed,measure,rectify_by,email\n")
            for i in range(n):
                listed = i % 10 == 0
                f.write(f"{code(i)},企业{i}（样例）,{JURISDICTIONS[i % 4]},steel,"
                        f"{'是' if listed else '否'},"
                        f"{'rectify-by-deadline' if listed else ''},"
                        f"{'2017-07-31' if listed else ''},e{i}@{domain}.example\n")
    n *= 10
PY

# "wall cpu" of one command, cpu = user + system
t() { /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%s %.2f\n", $1, $2 + $3 }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%d", n / s; else printf "inf" }'; }
summary=""
growth=""
declare -A first_cpu
n=10000
while [ "$n" -le "$max_rows" ]; do
	db="$dir/db-$n"
	"$bin" --db "$db" init --clock virtual --now 2017-01-01T00:00:00+08:00 >/dev/null
	"$bin" --db "$db" load "$src/workflows/changji-2017.yaml" >/dev/null 2>&1
	"$bin" --db "$db" import "$src/workflows/changji-registry.yaml" >/dev/null
	for step in first dry changed; do
		file="$step-$n.csv"
		args=(import "$file")
		if [ "$step" = dry ]; then file="changed-$n.csv"; args=(import --dry-run "$file"); fi
		read -r wall cpu < <(t "$bin" --db "$db" "${args[@]}")
		printf 'import %7d rows, %-8s %7.2f s CPU (%8s rows/s)  %7.2f s wall\n' "$n" "$step:" \
			"$cpu" "$(rate "$n" "$cpu")" "$wall"
		summary+=" ${step}_$((n / 1000))k=$(rate "$n" "$cpu")rows/s"
		if [ -n "${first_cpu[$step]:-}" ]; then
			growth+=" ${step}_x10=$(awk -v a="${first_cpu[$step]}" -v b="$cpu" \
				'BEGIN { if (a > 0) printf "%.1f", b / a; else printf "inf" }')"
		fi
		first_cpu[$step]=$cpu
	done
	rm -rf "$db"
	n=$((n * 10))
done
echo "SUMMARY import_scale$summary$growth"
