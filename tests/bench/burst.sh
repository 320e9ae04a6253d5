#!/usr/bin/env bash
# The burst of issue 15: N deadlines (N/100 jurisdictions x 100 milestones) fall due in the
# same second on a virtual-clock store, and the N overdue notices that follow an hour later;
# once with the embedded default (.eml files) and once with a local SMTP sink configured
# (Postfix's smtp-sink when installed, else tests/lib/smtpd.py). Prints figures and one
# SUMMARY line; never fails on a number.
#     tests/bench/burst.sh [N]        (N: default 100000; BUILD=build/release)
# EML_N=M runs the .eml half with M tasks instead (one fsync'd file per notice makes it
# the slow half: minutes for 100,000 on this machine).
# Figures (each from outside the engine, tests/bench/burst_run.py):
#   applied_per_s     N / wall time of `advance` over the deadline second (state change
#                     and audit record per deadline, one commit per 4096)
#   applied_per_cpu_s N / CPU time of that `advance` (steadier on a shared machine)
#   queued_per_s      notices per second queued durably (render, address, outbox and
#                     delivery records, audit record, a commit per 4096) by `simulate
#                     --from` the notices' instant, which applies the deadlines silently
#                     first and delivers nothing (its store is a throw-away one): the
#                     N - 4096 notices after the first batch, timed from that batch's
#                     lines (printed after its commit) to the last batch's (N > 4096)
#   simulate_cpu_us_per_task  CPU time of that whole `simulate` (load, import, deadlines,
#                     notices) per task, in microseconds
#   eml_/smtp_delivered_per_s   N / wall time of the notices' `advance` (queued, then
#                     delivered after each commit: .eml files, or the SMTP sink)
#   fs_write_B_per_notice    bytes written by the notices' `advance` with SMTP (getrusage's
#                     oublock: LMDB's pages and the file system's own writes for them) / N
#   lmdb_write_B_per_notice  what LMDB itself wrote to data.mdb (strace, burst_run.py
#                     --bytes) over the notices' `advance` with SMTP, per notice, on a
#                     store of BYTES_N tasks (default N, at most 20,000); queue_lmdb_B_per_notice
#                     the same for the commits that queued them (the scheduler path),
#                     deliver_lmdb_B_per_notice the rest (claims and results); "-" without strace
#   store_B_per_notice       growth of LMDB's used pages over that `advance` / N
#   data_mdb_MB       data.mdb at the end (N tasks, their notices, audit trail)
#   rss/anon/file     the peaks of VmRSS, RssAnon, RssFile of that `advance`, in MB
set -euo pipefail
n=${1:-100000}
build=${BUILD:-build/release}
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$build" && pwd)/dabiao
py=/usr/bin/python3
nj=$(((n + 99) / 100))
n=$((nj * 100))
eml_nj=$(((${EML_N:-$n} + 99) / 100))
dir=$(mktemp -d)
sink_pid=
cleanup() {
	if [ -n "$sink_pid" ]; then
		kill "$sink_pid" 2>/dev/null
		wait "$sink_pid" 2>/dev/null || true # its TERM status is not ours
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
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
registry() {
	echo "jurisdictions:"
	for i in $(seq 0 $(($1 - 1))); do
		echo "  - {id: j$i, name: j$i, kind: county, email: [j$i@x.example]}"
	done
}
registry "$nj" > "$dir/r-smtp.yaml"
registry "$eml_nj" > "$dir/r-eml.yaml"

# the SMTP sink on a free loopback port
if command -v smtp-sink >/dev/null 2>&1 || [ -x /usr/sbin/smtp-sink ]; then
	sink=smtp-sink
	port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	PATH=$PATH:/usr/sbin smtp-sink -u nobody "127.0.0.1:$port" 1000 &
	sink_pid=$!
	for _ in $(seq 50); do
		$py -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break
		sleep 0.1
	done
else
	sink=aiosmtpd
	mkdir "$dir/sink"
	coproc SINK { exec $py "$here/../lib/smtpd.py" --port 0 --dir "$dir/sink" --lifetime 3600; }
	sink_pid=$SINK_PID
	read -r _ port <&"${SINK[0]}"
fi

pages() { mdb_stat -e "$1" | awk '/Number of pages used/{print $5}'; }
field() { $py -c "import json,sys; print(json.loads(sys.argv[1])['$2'])" "$1"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN{printf "%.0f", (s > 0 ? n / s : 0)}'; }
declare -A R
q=$(TMPDIR=$dir $py "$here/burst_run.py" -- "$bin" simulate "$dir/p.yaml" --registry "$dir/r-smtp.yaml" \
	--from 2030-03-01T10:00:00+08:00 --to 2030-03-01T10:00:00+08:00)
echo "queue: $q"
queued=$(rate $(($(field "$q" lines) - 4096)) "$(field "$q" stream_s)")
queue_cpu_us=$(awk -v c="$(field "$q" cpu_s)" -v n="$n" 'BEGIN{printf "%.0f", c * 1e6 / n}')
for mode in eml smtp; do
	db="$dir/db-$mode"
	m=$n
	[ "$mode" = eml ] && m=$((eml_nj * 100))
	env=()
	[ "$mode" = smtp ] && env=(DABIAO_SMTP="smtp://127.0.0.1:$port")
	"$bin" --db "$db" init --clock virtual --now 2030-01-01T00:00:00+08:00 >/dev/null
	"$bin" --db "$db" load "$dir/p.yaml" >/dev/null
	t0=$(date +%s.%N)
	"$bin" --db "$db" import "$dir/r-$mode.yaml" >/dev/null
	import_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b - a}')
	# the deadline entry is due at the second after the deadline
	a=$(env "${env[@]}" $py "$here/burst_run.py" -- \
		"$bin" --db "$db" advance --to 2030-03-01T09:00:01+08:00)
	p0=$(pages "$db")
	b=$(env "${env[@]}" $py "$here/burst_run.py" -- \
		"$bin" --db "$db" advance --to 2030-03-01T10:00:00+08:00)
	p1=$(pages "$db")
	ok=$(ls "$db/outbox" | wc -l)
	R[$mode.applied]=$(rate "$m" "$(field "$a" wall_s)")
	R[$mode.applied_cpu]=$(rate "$m" "$(field "$a" cpu_s)")
	R[$mode.delivered]=$(rate "$m" "$(field "$b" wall_s)")
	R[$mode.fsB]=$(($(field "$b" oublock_B) / m))
	R[$mode.sB]=$(((p1 - p0) * 4096 / m))
	R[$mode.mdb]=$(awk -v b="$(stat -c %s "$db/data.mdb")" 'BEGIN{printf "%.1f", b / 1048576}')
	R[$mode.rss]=$(($(field "$b" vmrss_kb) / 1024))
	R[$mode.anon]=$(($(field "$b" rssanon_kb) / 1024))
	R[$mode.file]=$(($(field "$b" rssfile_kb) / 1024))
	echo "$mode: import ${import_s}s; deadlines $a"
	echo "$mode: notices $b (.eml files: $ok)"
	"$bin" --db "$db" audit verify >/dev/null || echo "$mode: audit verify FAILED"
	rm -rf "$db"
done
# The bytes LMDB writes, counted under strace (which slows it: not the timed runs above)
wq=- wd=- wt=-
if command -v strace >/dev/null 2>&1; then
	bn=$(((${BYTES_N:-$((n < 20000 ? n : 20000))} + 99) / 100))
	registry "$bn" > "$dir/r-bytes.yaml"
	db="$dir/db-bytes"
	export DABIAO_SMTP="smtp://127.0.0.1:$port"
	"$bin" --db "$db" init --clock virtual --now 2030-01-01T00:00:00+08:00 >/dev/null
	"$bin" --db "$db" load "$dir/p.yaml" >/dev/null
	"$bin" --db "$db" import "$dir/r-bytes.yaml" >/dev/null
	"$bin" --db "$db" advance --to 2030-03-01T09:00:01+08:00 >/dev/null
	w=$($py "$here/burst_run.py" --bytes -- "$bin" --db "$db" advance --to 2030-03-01T10:00:00+08:00)
	unset DABIAO_SMTP
	echo "bytes (N=$((bn * 100))): $w"
	wt=$(($(field "$w" lmdb_B) / (bn * 100)))
	wq=$(($(field "$w" queue_B) / $(field "$w" queue_lines)))
	wd=$((($(field "$w" lmdb_B) - $(field "$w" queue_B)) / (bn * 100)))
	rm -rf "$db"
fi
echo "SUMMARY dabiao_burst N=$n eml_N=$((eml_nj * 100)) sink=$sink" \
	"applied_per_s=${R[smtp.applied]} applied_per_cpu_s=${R[smtp.applied_cpu]}" \
	"queued_per_s=$queued simulate_cpu_us_per_task=$queue_cpu_us" \
	"eml_delivered_per_s=${R[eml.delivered]} smtp_delivered_per_s=${R[smtp.delivered]}" \
	"lmdb_write_B_per_notice=$wt queue_lmdb_B_per_notice=$wq deliver_lmdb_B_per_notice=$wd" \
	"fs_write_B_per_notice=${R[smtp.fsB]} store_B_per_notice=${R[smtp.sB]}" \
	"data_mdb_MB=${R[smtp.mdb]}" \
	"rss_MB=${R[smtp.rss]} rss_anon_MB=${R[smtp.anon]} rss_file_MB=${R[smtp.file]}" \
	"eml_rss_MB=${R[eml.rss]} eml_rss_anon_MB=${R[eml.anon]} eml_rss_file_MB=${R[eml.file]}"
