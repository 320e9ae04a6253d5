#!/usr/bin/env bash
# What `audit verify` costs when the web has kept many files: N submissions (default
# 10,000; 10 counties x N/10 milestones) through the API, each with its own file of KIB KiB
# (default 300), then `dabiao audit verify` timed from outside (wall, CPU, peak RSS) with
# the files' pages in the page cache and again with them dropped (posix_fadvise DONTNEED on
# each kept file, which touches no other process's cache), and the web's 立即验证 (POST
# /audit/verify) timed while another client keeps asking for pages, to show whether a long
# verification holds up anyone else. A benchmark: prints figures and one SUMMARY line,
# never fails on a number.
#   tests/bench/verify_files.sh [BUILD_DIR] [N] [KIB]
set -euo pipefail
build=${1:-build/release}; n=${2:-10000}; kib=${3:-300}
bin="$(cd "$build" && pwd)/dabiao"
per=$(( (n + 9) / 10 ))
dir=$(mktemp -d); db=$dir/db
trap 'kill ${wp:-} 2>/dev/null || true; rm -rf "$dir"' EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export DABIAO_WEB_URL=http://127.0.0.1:$port TZ=Asia/Shanghai
{ printf 'plan: bench\ntitle: bench\ntimezone: Asia/Shanghai\nroles:\n  county_epb: {title: c, per: jurisdiction}\n  supervision: {title: s}\nphases:\n  - id: p\n    title: p\n    milestones:\n'
for i in $(seq 0 $per); do printf '      - {id: m%d, title: 事项%d, owner: county_epb, for: each jurisdiction, submit_to: supervision, due: 2099-01-01}\n' $i $i; done; } > $dir/p.yaml
{ echo jurisdictions:; for i in $(seq 0 9); do echo "  - {id: j$i, name: 县$i, kind: county, email: [j$i@x.example]}"; done; printf 'offices:\n  supervision: [s@x.example]\n  admin: [a@x.example]\n'; } > $dir/r.yaml
$bin --db $db init --clock real --tz Asia/Shanghai >/dev/null; $bin --db $db load $dir/p.yaml >/dev/null; $bin --db $db import $dir/r.yaml >/dev/null
echo pw-bench-1234 > $dir/pw; : > $dir/tokens
for j in $(seq 0 9); do $bin --db $db user add c$j --role county_epb --subject j$j --password-file $dir/pw >/dev/null; echo "j$j $($bin --db $db user token c$j)" >> $dir/tokens; done
$bin --db $db user add officer --role supervision --password-file $dir/pw >/dev/null
printf 'web:\n  connections_per_address: 400\n  submissions_per_hour: 100000\n  files_limit: 16GB\n' > $dir/web.yaml
$bin --config $dir/web.yaml --db $db web --listen 127.0.0.1:$port > $dir/web.log 2>&1 & wp=$!
for _ in $(seq 100); do /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null && break; sleep 0.1; done
kill -0 $wp 2>/dev/null || { cat $dir/web.log; exit 1; }
/usr/bin/python3 - $port $dir/tokens $per $kib "$(cd "$(dirname "$0")" && pwd)" <<'PY'
import sys, time, os
port, per, kib = int(sys.argv[1]), int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, sys.argv[5])
from web_api_submit import submit_all
toks = dict(l.split() for l in open(sys.argv[2]))
t0 = time.monotonic()
# each file its own bytes: nothing kept once for two
_, bad = submit_all(port, toks, [(j, m) for m in range(per) for j in toks],
                    lambda j, m: os.urandom(kib * 1024), 16)
print(f"made: {per * len(toks)} submissions in {time.monotonic() - t0:.0f} s, not 201: {len(bad)}")
PY
files=$(find $db/files -type f -not -path "$db/files/tmp/*" | wc -l); bytes=$(du -sb $db/files | cut -f1)
echo "store: $files files, $((bytes / 1048576)) MiB in files/, data.mdb $(( $(stat -c %s $db/data.mdb) / 1048576 )) MiB"
sync
evict() { find $db/files -type f -not -path "$db/files/tmp/*" -print0 | /usr/bin/python3 -c '
import os, sys
for p in sys.stdin.buffer.read().split(b"\0"):
    if p:
        fd = os.open(p, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)'; }
measure() {   # label: wall s, CPU s (user+sys), peak RSS MiB of `audit verify`
  /usr/bin/time -f "%e %U %S %M" -o $dir/time $bin --db $db audit verify > $dir/verify.out 2>&1 || { cat $dir/verify.out; exit 1; }
  read -r wall user sys rss < $dir/time
  cpu=$(/usr/bin/python3 -c "print(f'{$user + $sys:.2f}')"); rssm=$((rss / 1024))
  echo "audit verify ($1): wall ${wall} s, CPU ${cpu} s (user ${user}, sys ${sys}), peak RSS ${rssm} MiB"
  eval "${1}_wall=$wall ${1}_cpu=$cpu ${1}_rss=$rssm"
}
measure warm
evict
measure cold
cat $dir/verify.out
evict
# 立即验证 on the web while a second client asks for the dashboard and the task list
/usr/bin/python3 - $port $dir/pw $dir/tokens $per <<'PY' | tee $dir/web.out
import sys, time, threading, http.client, re, urllib.parse, uuid
port, pw, per = int(sys.argv[1]), open(sys.argv[2]).read().strip(), int(sys.argv[4])
def session():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    c.request("GET", "/login"); r = c.getresponse(); body = r.read().decode()
    cookies = "; ".join(h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie")
    tok = re.search(r'name="csrf" value="([0-9a-f]+)"', body).group(1)
    c.request("POST", "/login", urllib.parse.urlencode({"login": "officer", "password": pw, "csrf": tok}),
              {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies})
    r = c.getresponse(); r.read()
    cookies = "; ".join(h.split(";")[0] for k, h in r.getheaders() if k.lower() == "set-cookie")
    c.request("GET", "/audit", headers={"Cookie": cookies}); r = c.getresponse(); body = r.read().decode()
    return c, cookies, re.search(r'name="csrf" value="([0-9a-f]+)"', body).group(1)
vc, vcook, vtok = session()
pc, pcook, _ = session()
done = threading.Event(); lat = []; sub = []
toks = dict(l.split() for l in open(sys.argv[3]))
def pages():
    while not done.is_set():
        for path in ("/", "/tasks", "/tasks/bench/m0/j0/once"):
            t = time.monotonic(); pc.request("GET", path, headers={"Cookie": pcook})
            r = pc.getresponse(); r.read(); lat.append((time.monotonic() - t, r.status))
def submissions():   # the spare milestone's tasks, handed in meanwhile, one a second
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    for j, tok in toks.items():
        if done.is_set():
            return
        b = "----b" + uuid.uuid4().hex
        body = (f"--{b}\r\nContent-Disposition: form-data; name=\"by\"\r\n\r\n县\r\n--{b}--\r\n").encode()
        t = time.monotonic()
        c.request("POST", f"/api/tasks/bench/m{per}/{j}/once/submit", body,
                  {"Authorization": f"Bearer {tok}", "Content-Type": f"multipart/form-data; boundary={b}"})
        r = c.getresponse(); r.read(); sub.append((time.monotonic() - t, r.status))
        time.sleep(1)
th = threading.Thread(target=pages); th.start()
ts = threading.Thread(target=submissions); ts.start()
t = time.monotonic()
vc.request("POST", "/audit/verify", urllib.parse.urlencode({"csrf": vtok}),
           {"Content-Type": "application/x-www-form-urlencoded", "Cookie": vcook})
r = vc.getresponse(); r.read(); took = time.monotonic() - t
done.set(); th.join(); ts.join()
ls = sorted(x for x, _ in lat); ss = sorted(x for x, _ in sub) or [0]
print(f"web 立即验证: answered {r.status} after {took:.1f} s; meanwhile {len(ls)} pages, "
      f"not 200: {sum(1 for _, s in lat if s != 200)}, p50 {ls[len(ls) // 2] * 1000:.0f} ms, "
      f"max {ls[-1] * 1000:.0f} ms; {len(sub)} submissions, not 201: "
      f"{sum(1 for _, s in sub if s != 201)}, max {ss[-1] * 1000:.0f} ms")
print(f"WEB {took:.1f} {len(ls)} {ls[len(ls) // 2] * 1000:.0f} {ls[-1] * 1000:.0f} {len(sub)} {ss[-1] * 1000:.0f}")
PY
read -r _ web_s pages p50 pmax subs smax < <(grep '^WEB ' $dir/web.out)
echo "SUMMARY verify_files submissions=$n file_kib=$kib files=$files files_mib=$((bytes / 1048576)) warm_wall_s=$warm_wall warm_cpu_s=$warm_cpu warm_rss_mib=$warm_rss cold_wall_s=$cold_wall cold_cpu_s=$cold_cpu cold_rss_mib=$cold_rss web_verify_s=$web_s pages_meanwhile=$pages page_p50_ms=$p50 page_max_ms=$pmax submissions_meanwhile=$subs submission_max_ms=$smax"
