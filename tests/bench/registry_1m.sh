#!/usr/bin/env bash
# A realistic large registry: N enterprises (default 1,000,000) with every column of
# docs/registry-format.md filled (id, name, jurisdiction, industry, listed, measure,
# rectify_by, responsible_unit, responsible_person, email, phone, address, reason: about
# 157 bytes a row, 150 MiB for a million; every tenth listed, so the Changji plan gives it
# rectification tasks), imported into a virtual store holding the Changji plan and
# registry: `--dry-run` first (read, checked, nothing stored), then the import itself.
# Prints wall time, CPU time (user + system) and the largest resident set of each, and one
# SUMMARY line. Never fails on a number; fails only when an import fails.
#   tests/bench/registry_1m.sh [BUILD_DIR] [ROWS]
set -euo pipefail
build=${1:-build/release}
rows=${2:-1000000}
src="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(cd "$build" && pwd)/dabiao"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
export DABIAO_CONFIG=/dev/null
unset DABIAO_SMTP DABIAO_DB

/usr/bin/python3 - "$rows" <<'PY'
import sys

rows = int(sys.argv[1])
ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # GB 32100-2015, no I O S V Z
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
JURISDICTIONS = ["changji-city", "fukang-city", "hutubi-county", "manas-county",
                 "qitai-county", "jimsar-county", "mori-county", "changji-hitech-park"]
INDUSTRIES = ["steel", "thermal-power", "cement", "coal", "paper"]


def code(i):
    """An 18-character unified social credit code with a correct check character."""
    body = "91652301" + "".join(ALPHA[(i // 31 ** k) % 31] for k in range(9, -1, -1))[1:]
    body = body[:17]
    s = sum(ALPHA.index(ch) * w for ch, w in zip(body, W))
    return body + ALPHA[(31 - s % 31) % 31]


with open("registry.csv", "w", encoding="utf-8") as f:
    f.write("id,name,jurisdiction,industry,listed,measure,rectify_by,responsible_unit,"
            "responsible_person,email,phone,address,reason\n")
    for i in range(rows):
        listed = i % 10 == 0
        f.write(f"{code(i)},昌吉某某实业有限公司{i},{JURISDICTIONS[i % 8]},"
                f"{INDUSTRIES[i % 5]},{'是' if listed else '否'},"
                f"{'rectify-by-deadline' if listed else ''},"
                f"{'2017-09-30' if listed else ''},县环保局,王{i % 100}科长,"
                f"e{i}@x.example,0994-{i % 10000000:07d},北路{i % 1000}号,"
                f"{'超标排放' if listed else ''}\n")
PY

"$bin" --db db init --clock virtual --now 2017-01-01T00:00:00+08:00 >/dev/null
"$bin" --db db load "$src/workflows/changji-2017.yaml" >/dev/null 2>&1
"$bin" --db db import "$src/workflows/changji-registry.yaml" >/dev/null
mib=$(du -m registry.csv | cut -f1)
printf 'registry.csv: %d rows, %d MiB\n' "$rows" "$mib"

# "wall cpu maxrss_kb" of one command, cpu = user + system
t() { /usr/bin/time -f "%e %U %S %M %x" "$@" 2>&1 >/dev/null | tail -1; }
summary="rows=$rows file_mib=$mib"
for step in dry import; do
	args=(import registry.csv)
	[ "$step" = dry ] && args+=(--dry-run)
	read -r wall user sys rss status < <(t "$bin" --db db "${args[@]}")
	if [ "$status" != 0 ]; then
		echo "import ($step) failed with status $status:" >&2
		"$bin" --db db "${args[@]}" 2>&1 >/dev/null | tail -3 >&2
		exit 1
	fi
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	printf '%-6s %8.2f s wall  %8.2f s cpu  max RSS %8d KB\n' "$step" "$wall" "$cpu" "$rss"
	summary+=" ${step}_wall=${wall}s ${step}_cpu=${cpu}s ${step}_rss=$((rss / 1024))MiB"
done
tasks=$("$bin" --db db tasks --milestone rectification --format csv | tail -n +2 | wc -l)
summary+=" rectification_tasks=$tasks"
echo "SUMMARY registry_1m $summary"
