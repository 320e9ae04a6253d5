#!/usr/bin/env bash
# Runs one libFuzzer harness for SECONDS from the repository's own files as seeds, plus
# the inputs kept in tests/fuzz/regress/NAME/ (each once a crash, now fixed):
#   tests/fuzz/run.sh BINARY NAME SECONDS
# New inputs go to a temporary corpus, never into the repository. A crash leaves its
# input as ARTIFACT_DIR/crash-* (default: the temporary folder, printed) and fails.
set -euo pipefail
bin=$1 name=$2 secs=$3
src="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dabiao-fuzz-$name-XXXXXX")"
art="${ARTIFACT_DIR:-$work}"
mkdir -p "$work/corpus" "$art"

# seeds: what the project itself reads of that kind
seed() { for f in "$@"; do [ -f "$f" ] && cp -- "$f" "$work/corpus/$(basename "$(dirname "$f")")-$(basename "$f")"; done; return 0; }
case "$name" in
ydoc|plan) seed "$src"/workflows/*.yaml "$src"/tests/workflows/plans/*.yaml "$src"/docs/*.yaml ;;
registry_yaml) seed "$src"/workflows/*registry*.yaml ;;
registry_csv) seed "$src"/workflows/*.csv "$src"/tests/workflows/*.csv ;;
registry_xlsx) # the enterprises' CSV as a workbook (stored, not deflated: the fuzzer's
	# mutations then reach the XML), one cell a date
	/usr/bin/python3 - "$src/workflows/changji-enterprises.csv" "$work/corpus" <<'PY'
import csv, datetime, io, sys, zipfile, openpyxl
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))[:4]
wb = openpyxl.Workbook()
for r in rows:
    wb.active.append(r)
wb.active.cell(2, 7).value = datetime.date(2017, 6, 30)
wb.active.cell(2, 7).number_format = "yyyy/m/d"
b = io.BytesIO()
wb.save(b)
for mode, name in ((zipfile.ZIP_STORED, "stored.xlsx"), (zipfile.ZIP_DEFLATED, "deflated.xlsx")):
    with zipfile.ZipFile(io.BytesIO(b.getvalue())) as zi, \
         zipfile.ZipFile(f"{sys.argv[2]}/{name}", "w", mode) as zo:
        for n in zi.namelist():
            zo.writestr(n, zi.read(n))
PY
	;;
template) seed "$src"/notifiers/templates/zh-CN/* ;;
message) printf 'Bureau\0a@x.example\0Subject\0Body line\r\nmore\0odd\0\0plan/m/j/2017-07\0a.csv\0a,b\r\n' > "$work/corpus/seed" ;;
config) seed "$src"/deploy/dabiao.yaml.example ;;
time) printf '%s\n' 2017-07-03T10:00:00+08:00 2017-03-26T02:30:00 2017-12-31 2017-W27 2017-07 \
	> "$work/corpus/lines"
	i=0; while read -r t; do printf '%s' "$t" > "$work/corpus/t$i"; i=$((i + 1)); done < "$work/corpus/lines" ;;
esac
[ -d "$src/tests/fuzz/regress/$name" ] && cp "$src/tests/fuzz/regress/$name"/* "$work/corpus/" 2>/dev/null || true
[ -n "$(ls -A "$work/corpus")" ] || echo x > "$work/corpus/empty"

status=0
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	-print_final_stats=1 -artifact_prefix="$art/" "$work/corpus" > "$work/log" 2>&1 || status=$?
grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|SUMMARY|==[0-9]+==ERROR)" "$work/log" || true
if [ "$status" -ne 0 ]; then
	tail -40 "$work/log"
	echo "fuzz $name: FAILED, input kept in $art/ (add it to tests/fuzz/regress/$name/ with the fix)"
	exit 1
fi
rm -rf -- "$work"
echo "fuzz $name: ok ($secs s)"
