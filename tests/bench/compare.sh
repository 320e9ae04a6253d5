#!/usr/bin/env bash
# dabiao's burst beside the BullMQ peer, in the same session: ROUNDS rounds (default 3),
# each running tests/bench/burst.sh N then the peer's bench_bullmq.sh N (../shared/peers/,
# or PEERS=DIR), alternating, so both see the same machine. Prints every SUMMARY line, the
# medians, and the same-round ratios of dabiao's rates to BullMQ's fired/s (the stable
# figures on a shared machine); never fails on a number.
#     tests/bench/compare.sh [N] [ROUNDS]      (N: default 100000; BUILD=build/release)
# BUILDS="DIR1 DIR2" runs the burst of each build in every round (a before and an after in
# the same session as the peer); EML_N is passed to burst.sh.
set -euo pipefail
n=${1:-100000}
rounds=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
peers=${PEERS:-$here/../../../shared/peers}
[ -x "$peers/bench_bullmq.sh" ] || peers=/work/shared/peers
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# a run that fails (a peer's port taken, a timeout) loses its round's ratio, not the rest
for r in $(seq "$rounds"); do
	for b in ${BUILDS:-${BUILD:-build/release}}; do
		{ BUILD=$b bash "$here/burst.sh" "$n" 2>&1 || echo "burst.sh failed: $?"; } |
			grep -E '^SUMMARY|failed' | sed "s|^|round=$r build=$b |" | tee -a "$out"
	done
	{ bash "$peers/bench_bullmq.sh" "$n" 2>&1 || echo "bench_bullmq.sh failed: $?"; } |
		grep -E '^SUMMARY|WARNING|failed' | sed "s/^/round=$r /" | tee -a "$out"
done
/usr/bin/python3 - "$out" "$n" <<'EOF'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    if "SUMMARY" not in line:
        continue
    kv = dict(re.findall(r"(\w+)=([\w./-]+)", line))
    who = "bullmq" if "SUMMARY bullmq" in line else "dabiao " + kv.get("build", "")
    rows.setdefault(kv["round"], {})[who] = kv
fields = ["applied_per_s", "queued_per_s", "eml_delivered_per_s", "smtp_delivered_per_s"]
def med(xs):
    return "%.2f [%.2f-%.2f]" % (statistics.median(xs), min(xs), max(xs)) if xs else "-"
fired = [float(b["bullmq"]["fired_per_s"]) for b in rows.values() if "bullmq" in b]
print("bullmq fired_per_s: %s" % med(fired))
whos = sorted({w for b in rows.values() for w in b if w != "bullmq"})
summary = []
for w in whos:
    for f in fields:
        vals = [float(b[w][f]) for b in rows.values() if w in b]
        ratios = [float(b[w][f]) / float(b["bullmq"]["fired_per_s"])
                  for b in rows.values() if w in b and "bullmq" in b]
        print("%s %s: %s; ratio to bullmq %s" % (w, f, med(vals), med(ratios)))
        if ratios:
            summary.append("%s:%s_ratio=%.2f" % (w.split()[-1] or "dabiao", f,
                                                  statistics.median(ratios)))
print("SUMMARY compare N=%s rounds=%d %s" % (sys.argv[2], len(rows), " ".join(summary)))
EOF
