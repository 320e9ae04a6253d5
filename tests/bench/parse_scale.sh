#!/usr/bin/env bash
# Time taken by input size: `check` of plans with 1k/10k/100k milestones, and `import` of
# enterprise CSVs with 10k/100k/1M rows, each refused at its last row (a duplicate id, so
# the whole file is read and validated, and nothing is stored) and, for 10k/100k, accepted
# into a store without plans. Plans of other shapes too (review 13e, E3), each at
# 1k/10k/100k: every milestone in a phase of its own, every milestone owned by a role of its
# own, one milestone requiring that many sections, every milestone with an escalation ladder
# of its own, every milestone renamed (`renamed_from:`, review 13f, C4). `load` of a
# version 2 renaming each milestone of a version 1 of as many, then of a version 3 whose
# milestones are renamed from version 1's ids (each looked up in the older versions).
# `import --dry-run` of n enterprises against a milestone whose `where:` lists n values,
# none of them the enterprises' (review 13f, C2: each was compared with every value).
# `submit --sections` naming every section of the `requires:` plan above, at 1k/10k (an
# argument holds ~18k; review 13f, C15: matched pair by pair).
# `status` of a store of 1k/10k jurisdictions with two tasks each (review 13f, C3: each
# task's row was found by a scan of the rows).
# `import --dry-run` of n enterprises of as many industries, a plan's `industries:` (each
# row's industry was looked for in the plan's list by a scan).
# Wide inputs too (review 13d, F16): a CSV whose header has
# 10k/100k columns, refused at its last column (a name given twice) and accepted, then
# imported again (each field compared with the stored one); and a YAML jurisdiction with
# 10k/100k `contacts:` entries, imported and imported again. Linear parsers take ten times
# as long for ten times the input; quadratic ones a hundred. Prints figures and one SUMMARY
# line, which ends with each series' growth over its last tenfold step (`check_x10=8.1`:
# ten times the milestones took 8.1 times as long; about 10 is linear, about 100
# quadratic; the smallest inputs are mostly the program's start). Never fails on a number.
#   tests/bench/parse_scale.sh [BUILD_DIR] [MAX_ROWS] [MAX_MILESTONES] [MAX_WIDE]
set -euo pipefail
build=${1:-build/release}
max_rows=${2:-1000000}
max_ms=${3:-100000}
max_wide=${4:-100000}
bin="$(cd "$build" && pwd)/dabiao"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

/usr/bin/python3 - "$max_rows" "$max_ms" "$max_wide" <<'PY'
import sys

max_rows, max_ms, max_wide = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"          # GB 32100-2015, no I O S V Z
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def code(i):
    """An 18-character unified social credit code with a correct check character."""
    body = "91652301" + "".join(ALPHA[(i // 31 ** k) % 31] for k in range(9, -1, -1))[1:]
    body = body[:17]
    s = sum(ALPHA.index(ch) * w for ch, w in zip(body, W))
    return body + ALPHA[(31 - s % 31) % 31]


with open("offices.yaml", "w") as f:
    f.write("offices:\n  hq: [hq@x.example]\n")
with open("registry.yaml", "w") as f:
    f.write("jurisdictions:\n")
    for j in range(10):
        f.write(f"  - {{id: j{j}, name: 县{j}, kind: county, email: [j{j}@x.example]}}\n")
n = 10_000
while n <= max_rows:
    rows = [f"{code(i)},企业{i}（样例）,j{i % 10},steel" for i in range(n)]
    with open(f"ok-{n}.csv", "w") as f:
        f.write("id,name,jurisdiction,industry\n" + "\n".join(rows) + "\n")
    with open(f"bad-{n}.csv", "w") as f:
        f.write("id,name,jurisdiction,industry\n" + "\n".join(rows[:-1]) + "\n" + rows[0] + "\n")
    n *= 10
n = 1_000
while n <= max_ms:
    with open(f"plan-{n}.yaml", "w") as f:
        f.write("plan: big\ntitle: 大计划\ntimezone: Asia/Shanghai\nroles:\n"
                "  hq: {title: 州环保局}\n  county_epb: {title: 县, per: jurisdiction}\n"
                "phases:\n  - id: p\n    title: P\n    milestones:\n")
        for i in range(n):
            # every tenth milestone comes after the one before it, so `after` is resolved too
            due = f"{{after: m{i - 1}, plus: 3d}}" if i % 10 == 9 else "2017-05-10"
            f.write(f"      - {{id: m{i}, title: 第{i}项, owner: hq, for: once, due: {due}}}\n")
    head = "plan: big\ntitle: 大计划\ntimezone: Asia/Shanghai\nroles:\n"
    one = "phases:\n  - id: p\n    title: P\n    milestones:\n"
    ms = "      - {{id: m{0}, title: 第{0}项, owner: {1}, for: once, due: 2017-05-10{2}}}\n"
    with open(f"phases-{n}.yaml", "w") as f:
        f.write(head + "  hq: {title: 州环保局}\nphases:\n")
        for i in range(n):
            f.write(f"  - id: p{i}\n    title: P{i}\n    milestones:\n" + ms.format(i, "hq", ""))
    with open(f"roles-{n}.yaml", "w") as f:
        f.write(head + "".join(f"  r{i}: {{title: 角色{i}}}\n" for i in range(n)) + one)
        f.write("".join(ms.format(i, f"r{i}", "") for i in range(n)))
    with open(f"requires-{n}.yaml", "w") as f:
        f.write(head + "  hq: {title: 州环保局}\n" + one + "      - id: m0\n        title: 第0项\n"
                "        owner: hq\n        for: once\n        due: 2017-05-10\n"
                "        requires:\n")
        f.write("".join(f"          s{i}: 第{i}节\n" for i in range(n)))
    with open(f"escalations-{n}.yaml", "w") as f:
        f.write(head + "  hq: {title: 州环保局}\nescalations:\n")
        f.write("".join(f"  e{i}:\n    - {{after: 1d, kind: overdue, notify: [owner]}}\n"
                        for i in range(n)) + one)
        f.write("".join(ms.format(i, "hq", f", escalate: e{i}") for i in range(n)))
    with open(f"renamed-{n}.yaml", "w") as f:
        f.write(head + "  hq: {title: 州环保局}\n" + one)
        f.write("".join(ms.format(i, "hq", f", renamed_from: old{i}") for i in range(n)))
    # versions 1-3 of one plan: m<i>; n<i> renamed from m<i>; q<i> renamed from m<i> too
    for v, (mid, was) in enumerate((("m", ""), ("n", "m"), ("q", "m")), 1):
        with open(f"v{v}-{n}.yaml", "w") as f:
            f.write(head + "  hq: {title: 州环保局}\n" + one)
            f.write("".join(f"      - {{id: {mid}{i}, title: 第{i}项, owner: hq, for: once, "
                            f"due: 2017-05-10{f', renamed_from: {was}{i}' if was else ''}}}\n"
                            for i in range(n)))
    with open(f"where-{n}.yaml", "w") as f:
        f.write("plan: wh\ntitle: 名单\ntimezone: Asia/Shanghai\nroles:\n"
                "  firm: {title: 企业, per: enterprise}\n" + one +
                "      - {id: m, title: M, owner: firm, for: each enterprise, due: 2017-05-10, "
                "where: {grp: [" + ", ".join(f"g{i}" for i in range(n)) + "]}}\n")
    with open(f"where-ent-{n}.csv", "w") as f:
        f.write("id,name,jurisdiction,industry,grp\n")
        f.write("".join(f"{code(i)},企业{i},j{i % 10},steel,none\n" for i in range(n)))
    if n <= 10_000:
        with open(f"jur-{n}.yaml", "w") as f:
            f.write("jurisdictions:\n" + "".join(
                f"  - {{id: c{i}, name: 县{i}, kind: county, email: [c{i}@x.example]}}\n"
                for i in range(n)))
    with open(f"industries-{n}.yaml", "w") as f:
        f.write(head + "  hq: {title: 州环保局}\nindustries:\n"
                + "".join(f"  i{i}: 行业{i}\n" for i in range(n)) + one
                + ms.format(0, "hq", ""))
    with open(f"industries-ent-{n}.csv", "w") as f:
        f.write("id,name,jurisdiction,industry\n")
        f.write("".join(f"{code(i)},企业{i},j{i % 10},i{(i * 7919) % n}\n" for i in range(n)))
    n *= 10
with open("per-jur.yaml", "w") as f:
    f.write("plan: pj\ntitle: 分县\ntimezone: Asia/Shanghai\nroles:\n"
            "  county: {title: 县, per: jurisdiction}\n"
            "phases:\n  - id: p\n    title: P\n    milestones:\n"
            "      - {id: a, title: A, owner: county, for: each jurisdiction, due: 2017-01-10}\n"
            "      - {id: b, title: B, owner: county, for: each jurisdiction, due: 2017-03-10}\n")
n = 10_000
while n <= max_wide:
    names = [f"attr{i}" for i in range(n)]
    row = f"{code(1)},企业,j1,steel," + ",".join(f"值{i}" for i in range(n))
    with open(f"wide-{n}.csv", "w") as f:
        f.write("id,name,jurisdiction,industry," + ",".join(names) + "\n" + row + "\n")
    with open(f"wide-dup-{n}.csv", "w") as f:
        f.write("id,name,jurisdiction,industry," + ",".join(names[:-1] + [names[0]]) + "\n"
                + row + "\n")
    with open(f"contacts-{n}.yaml", "w") as f:
        f.write("jurisdictions:\n  - id: w0\n    name: 宽县\n    kind: county\n"
                "    email: [w0@x.example]\n    contacts:\n")
        for i in range(n):
            f.write(f"      role{i}: [r{i}@x.example, r{i}b@x.example]\n")
    n *= 10
PY

t() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
summary=""
growth=""
# last[series] is its time at the size before, for the growth over a tenfold step
declare -A last
step() {
	local series=$1 secs=$2
	if [ -n "${last[$series]:-}" ]; then
		growth=$(echo "$growth" | sed "s/ ${series}_x10=[^ ]*//")
		growth+=" ${series}_x10=$(awk -v a="${last[$series]}" -v b="$secs" \
			'BEGIN { if (a > 0) printf "%.1f", b / a; else printf "inf" }')"
	fi
	last[$series]=$secs
}
n=1000
while [ "$n" -le "$max_ms" ]; do
	read -r secs rss < <(t "$bin" check "plan-$n.yaml")
	printf 'check  %7d milestones: %8.2f s  max RSS %7d KB  (%s)\n' "$n" "$secs" "$rss" \
		"$(du -h "plan-$n.yaml" | cut -f1)"
	summary+=" check_${n}ms=${secs}s"
	step check "$secs"
	n=$((n * 10))
done
for shape in phases roles requires escalations renamed; do
	n=1000
	while [ "$n" -le "$max_ms" ]; do
		read -r secs rss < <(t "$bin" check "$shape-$n.yaml")
		printf 'check  %7d %-11s %8.2f s  max RSS %7d KB  (%s)\n' "$n" "$shape:" "$secs" \
			"$rss" "$(du -h "$shape-$n.yaml" | cut -f1)"
		summary+=" check_${shape}_${n}=${secs}s"
		step "check_$shape" "$secs"
		n=$((n * 10))
	done
done
# a plan of n once tasks renamed by version 2, and renamed from version 1's ids by version 3
n=1000
while [ "$n" -le "$max_ms" ]; do
	db="$dir/db-load-$n"
	"$bin" --db "$db" init --clock virtual --now 2017-01-01T00:00:00+08:00 >/dev/null
	"$bin" --db "$db" import offices.yaml >/dev/null
	"$bin" --db "$db" load "v1-$n.yaml" >/dev/null
	for v in 2 3; do
		read -r secs rss < <(t "$bin" --db "$db" load "v$v-$n.yaml")
		printf 'load   %7d milestones, version %d renaming all: %8.2f s  max RSS %7d KB\n' \
			"$n" "$v" "$secs" "$rss"
		summary+=" load_renamed_v${v}_${n}=${secs}s"
		step "load_renamed_v$v" "$secs"
	done
	rm -rf "$db"
	n=$((n * 10))
done
# import --dry-run of n enterprises (KIND-ent-N.csv) against a plan KIND-N.yaml, at 1k/10k/...
import_series() {
	local kind=$1 what=$2 n=1000 db secs rss
	while [ "$n" -le "$max_ms" ]; do
		db="$dir/db-$kind-$n"
		"$bin" --db "$db" init --clock virtual --now 2017-01-01T00:00:00+08:00 >/dev/null
		"$bin" --db "$db" import registry.yaml >/dev/null
		"$bin" --db "$db" load "$kind-$n.yaml" >/dev/null
		read -r secs rss < <(t "$bin" --db "$db" import "$kind-ent-$n.csv" --dry-run)
		printf 'import %7d enterprises, %s: %8.2f s  max RSS %7d KB\n' "$n" "$what" \
			"$secs" "$rss"
		summary+=" import_${kind}_${n}=${secs}s"
		step "import_$kind" "$secs"
		rm -rf "$db"
		n=$((n * 10))
	done
}
import_series where "where: of as many"
n=1000
while [ "$n" -le "$max_ms" ] && [ "$n" -le 10000 ]; do
	db="$dir/db-sections-$n"
	"$bin" --db "$db" init --clock virtual --now 2017-01-01T00:00:00+08:00 >/dev/null
	"$bin" --db "$db" import offices.yaml >/dev/null
	"$bin" --db "$db" load "requires-$n.yaml" >/dev/null
	sections=$(seq -f 's%.0f' 0 $((n - 1)) | paste -sd,)
	read -r secs rss < <(t "$bin" --db "$db" submit big/m0/hq/once --by x --sections "$sections")
	printf 'submit %7d sections, all named:  %8.2f s  max RSS %7d KB\n' "$n" "$secs" "$rss"
	summary+=" submit_sections_${n}=${secs}s"
	step submit_sections "$secs"
	rm -rf "$db"
	n=$((n * 10))
done
n=1000
while [ "$n" -le "$max_ms" ] && [ "$n" -le 10000 ]; do
	db="$dir/db-status-$n"
	"$bin" --db "$db" init --clock virtual --now 2017-01-01T00:00:00+08:00 >/dev/null
	"$bin" --db "$db" load per-jur.yaml >/dev/null
	"$bin" --db "$db" import "jur-$n.yaml" >/dev/null
	read -r secs rss < <(t "$bin" --db "$db" status --format json)
	printf 'status %7d jurisdictions:        %8.2f s  max RSS %7d KB\n' "$n" "$secs" "$rss"
	summary+=" status_${n}jur=${secs}s"
	step status "$secs"
	rm -rf "$db"
	n=$((n * 10))
done
import_series industries "of as many industries"
n=10000
while [ "$n" -le "$max_rows" ]; do
	db="$dir/db-$n"
	"$bin" --db "$db" init --clock virtual --now 2017-01-01T00:00:00+08:00 >/dev/null
	"$bin" --db "$db" import registry.yaml >/dev/null
	read -r secs rss < <(t "$bin" --db "$db" import "bad-$n.csv")
	printf 'import %7d rows, bad last row: %8.2f s  max RSS %7d KB\n' "$n" "$secs" "$rss"
	summary+=" import_bad_${n}rows=${secs}s"
	step import_bad "$secs"
	if [ "$n" -le 100000 ]; then
		read -r secs rss < <(t "$bin" --db "$db" import "ok-$n.csv")
		printf 'import %7d rows, all good:     %8.2f s  max RSS %7d KB\n' "$n" "$secs" "$rss"
		summary+=" import_ok_${n}rows=${secs}s"
		step import_ok "$secs"
	fi
	rm -rf "$db"
	n=$((n * 10))
done
# one import into $db, timed: printed as LABEL, summed as SERIES_N, grown as SERIES
wide() {
	local series=$1 label=$2 file=$3 secs rss
	read -r secs rss < <(t "$bin" --db "$db" import "$file")
	printf 'import %7d %-26s %8.2f s  max RSS %7d KB\n' "$n" "$label:" "$secs" "$rss"
	summary+=" ${series}_${n}=${secs}s"
	step "$series" "$secs"
}
n=10000
while [ "$n" -le "$max_wide" ]; do
	db="$dir/db-wide-$n"
	"$bin" --db "$db" init --clock virtual --now 2017-01-01T00:00:00+08:00 >/dev/null
	"$bin" --db "$db" import registry.yaml >/dev/null
	wide wide_dup "columns, the last twice" "wide-dup-$n.csv"
	wide wide "columns" "wide-$n.csv"
	wide wide_again "columns again" "wide-$n.csv"
	wide contacts "contacts" "contacts-$n.yaml"
	wide contacts_again "contacts again" "contacts-$n.yaml"
	rm -rf "$db"
	n=$((n * 10))
done
echo "SUMMARY parse_scale$summary$growth"
