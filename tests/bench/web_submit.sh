#!/usr/bin/env bash
# The web's writes alone: C concurrent keep-alive clients (default 100) submit 1,000 tasks
# (10 counties x 100 milestones) through the API as fast as they are answered, each with a
# small file; nothing else runs, unless DAEMON=1 (`dabiao run` beside, delivering the
# receipts). Reports submissions a second and their p50/p99, then checks the audit log.
# A benchmark: prints figures and one SUMMARY line, never fails on a number.
#   tests/bench/web_submit.sh [BUILD_DIR] [CLIENTS]
set -euo pipefail
build=${1:-build/release}; clients=${2:-100}
bin="$(cd "$build" && pwd)/dabiao"
dir=$(mktemp -d); db=$dir/db
trap 'kill ${wp:-} ${rp:-} 2>/dev/null || true; rm -rf "$dir"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export DABIAO_WEB_URL=http://127.0.0.1:$port TZ=Asia/Shanghai
{ printf 'plan: bench\ntitle: bench\ntimezone: Asia/Shanghai\nroles:\n  county_epb: {title: c, per: jurisdiction}\n  supervision: {title: s}\nphases:\n  - id: p\n    title: p\n    milestones:\n'
for i in $(seq 0 99); do printf '      - {id: m%d, title: 事项%d, owner: county_epb, for: each jurisdiction, submit_to: supervision, due: 2099-01-01}\n' $i $i; done; } > $dir/p.yaml
{ echo jurisdictions:; for i in $(seq 0 9); do echo "  - {id: j$i, name: 县$i, kind: county, email: [j$i@x.example]}"; done; printf 'offices:\n  supervision: [s@x.example]\n  admin: [a@x.example]\n'; } > $dir/r.yaml
$bin --db $db init --clock real --tz Asia/Shanghai >/dev/null; $bin --db $db load $dir/p.yaml >/dev/null; $bin --db $db import $dir/r.yaml >/dev/null
echo pw-bench-1234 > $dir/pw; : > $dir/tokens
for j in $(seq 0 9); do $bin --db $db user add c$j --role county_epb --subject j$j --password-file $dir/pw >/dev/null; echo "j$j $($bin --db $db user token c$j)" >> $dir/tokens; done
printf 'web:\n  connections_per_address: 400\n  submissions_per_hour: 1000\n' > $dir/web.yaml
if [ "${DAEMON:-0}" = 1 ]; then $bin --db $db run > $dir/run.log 2>&1 & rp=$!; fi
$bin --config $dir/web.yaml --db $db web --listen 127.0.0.1:$port > $dir/web.log 2>&1 & wp=$!
for _ in $(seq 100); do /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break; sleep 0.1; done
/usr/bin/python3 - $port $clients $dir/tokens "$(cd "$(dirname "$0")" && pwd)" <<'PY'
import sys, time, uuid
port, clients = int(sys.argv[1]), int(sys.argv[2])
sys.path.insert(0, sys.argv[4])
from web_api_submit import submit_all
toks = dict(l.split() for l in open(sys.argv[3]))
todo = [(j, m) for m in range(100) for j in toks]
t0 = time.monotonic()
lat, bad = submit_all(port, toks, todo, lambda j, m: f"%PDF {j} {m} {uuid.uuid4().hex}".encode(),
                      clients)
took = time.monotonic() - t0
lat.sort()
print(f"SUMMARY web_submit clients={clients} submissions={len(lat)} not_201={len(bad)} "
      f"seconds={took:.1f} per_s={len(lat) / took:.1f} p50_ms={lat[len(lat) // 2] * 1000:.0f} "
      f"p99_ms={lat[int(len(lat) * .99)] * 1000:.0f}")
PY
kill $wp ${rp:-}; wait 2>/dev/null || true
$bin --db $db audit verify >/dev/null && echo "audit verify: ok"
