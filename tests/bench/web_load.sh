#!/usr/bin/env bash
# The web under load while the daemon works: a real-clock store of N jurisdictions x 100
# milestones (100,000 tasks for N = 1000) whose deadlines fall due 20 to 40 s into the run,
# each followed 5 s later by an overdue notice (.eml), so `dabiao run` applies 100,000
# lapses and makes 100,000 notices while C clients (default 200) browse the pages and the
# API and counties submit through it for S seconds (default 60), on loopback.
# Reports errors, the pages' p50/p99, and the daemon's lateness (when it applied each lapse
# and queued each overdue notice, against when they were due, from the audit trail).
# A benchmark: prints figures and one SUMMARY line, never fails on a number.
#   tests/bench/web_load.sh [BUILD_DIR] [N] [SECONDS] [CLIENTS]
# NO_DAEMON=1: without `dabiao run` (the web's own writes alone; nothing lapses, and the web
# delivers what its actions queue itself, as it does when no daemon serves the store).
set -euo pipefail
build=${1:-build/release}
n=${2:-1000}
secs=${3:-60}
clients=${4:-200}
bin="$(cd "$build" && pwd)/dabiao"
here="$(cd "$(dirname "$0")" && pwd)"
dir=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
db="$dir/db"
export DABIAO_WEB_URL="http://127.0.0.1:$port"
export TZ=Asia/Shanghai

# the load starts 30 s from now (set-up takes less); deadlines 20..40 s after that
start=$(( $(date +%s) + 30 ))
{
	# grace: 0d: tasks made seconds before their deadline are ordinary ones (fair start)
	printf 'plan: bench\ntitle: bench\ntimezone: Asia/Shanghai\ngrace: 0d\n'
	printf 'roles:\n  county_epb: {title: c, per: jurisdiction}\n  supervision: {title: s}\n'
	printf 'escalations:\n  e:\n    - {after: 5s, kind: overdue, notify: [owner]}\n'
	printf 'phases:\n  - id: p\n    title: p\n    milestones:\n'
	for i in $(seq 0 99); do
		due=$(date -d "@$(( start + 20 + i / 5 ))" +%Y-%m-%dT%H:%M:%S)
		printf '      - {id: m%d, title: 事项%d, owner: county_epb, for: each jurisdiction,' "$i" "$i"
		printf ' submit_to: supervision, due: "%s", escalate: e}\n' "$due"
	done
} > "$dir/p.yaml"
{
	echo "jurisdictions:"
	for i in $(seq 0 $((n - 1))); do
		echo "  - {id: j$i, name: 县$i, kind: county, email: [j$i@x.example]}"
	done
	echo "offices:"
	echo "  supervision: [s@x.example]"
	echo "  admin: [a@x.example]"
} > "$dir/r.yaml"
"$bin" --db "$db" init --clock real --tz Asia/Shanghai >/dev/null
"$bin" --db "$db" load "$dir/p.yaml" >/dev/null
"$bin" --db "$db" import "$dir/r.yaml" >/dev/null
echo "bench-password" > "$dir/pw"
"$bin" --db "$db" user add officer --role supervision --password-file "$dir/pw" >/dev/null
officer=$("$bin" --db "$db" user token officer)
: > "$dir/tokens"
for j in $(seq 0 9); do
	"$bin" --db "$db" user add "c$j" --role county_epb --subject "j$j" --password-file "$dir/pw" >/dev/null
	echo "j$j $("$bin" --db "$db" user token "c$j")" >> "$dir/tokens"
done

if [ "${NO_DAEMON:-0}" != 1 ]; then
	"$bin" --db "$db" run > "$dir/run.log" 2>&1 &
	pids+=($!)
fi
# every client comes from 127.0.0.1: lift the per-address cap (web.connections_per_address,
# 20 by default), or most of them are turned away and the load is not the one measured
printf 'web:\n  connections_per_address: %d\n' $((clients + 50)) > "$dir/web.yaml"
"$bin" --config "$dir/web.yaml" --db "$db" web --listen "127.0.0.1:$port" > "$dir/web.log" 2>&1 &
pids+=($!)
# the web listening before the clients come (set-up on a busy machine can take the 30 s)
for _ in $(seq 600); do
	/usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" \
		2>/dev/null && break
	sleep 0.1
done
while [ "$(date +%s)" -lt "$start" ]; do sleep 0.2; done
echo "tasks: $((n * 100)); $clients clients for ${secs} s; deadlines due 20-40 s in"
load=$(/usr/bin/python3 "$here/web_load.py" "$port" "$secs" "$clients" "$officer" \
	"$dir/tokens" "$n" 100)
echo "$load"
# let the daemon finish what fell due, then stop both
sleep 5
for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
lateness=$("$bin" --db "$db" audit --format jsonl | /usr/bin/python3 -c '
import json, sys
start = int(sys.argv[1])
lapse, notice = [], []
for line in sys.stdin:
    r = json.loads(line)["record"]
    if r["action"] == "task.lapse":
        m = int(r["task"].split("/")[1][1:])
        lapse.append(r["real_time"] - (start + 20 + m // 5))
    elif r["action"] == "notice.queue" and "\"kind\":\"overdue\"" in r["details"]:
        m = int(r["task"].split("/")[1][1:])
        notice.append(r["real_time"] - (start + 20 + m // 5 + 5))
def q(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(len(v) * p))] if v else None
print(json.dumps({"lapses": len(lapse), "lapse_late_s_p50": q(lapse, .5),
                  "lapse_late_s_max": q(lapse, 1), "overdue_notices": len(notice),
                  "notice_late_s_p50": q(notice, .5), "notice_late_s_max": q(notice, 1)}))
' "$start")
echo "daemon: $lateness"
/usr/bin/python3 - "$load" "$lateness" <<'EOF'
import json, sys
l, d = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"SUMMARY web_load clients={l['clients']} seconds={l['seconds']} requests={l['requests']} "
      f"rps={l['rps']} errors={l['errors']} p50_ms={l['p50_ms']} p99_ms={l['p99_ms']} "
      f"submit_p99_ms={l['p99_ms_by_kind'].get('submit')} "
      f"lapses={d['lapses']} lapse_late_max_s={d['lapse_late_s_max']} "
      f"overdue_notices={d['overdue_notices']} notice_late_max_s={d['notice_late_s_max']}")
EOF
