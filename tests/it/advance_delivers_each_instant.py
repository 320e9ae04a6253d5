"""`advance` delivers what an instant queued at that instant, all of it, before the clock
moves on, though the claims and the results now share the scheduler's commits: 300 overdue
notices fall due at one instant (more than one delivery batch of 256) and 300 more a day
later. Every notice's result is recorded at the clock time it was queued, every record of
the first instant comes before any of the second in the audit trail, each notice is sent
once and written once, and the trail verifies."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
import backlog  # noqa: E402

N_JUR = 300
PLAN = """\
plan: inst
title: 两个时刻
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
escalations:
  fast:
    - {after: 1s, kind: overdue, notify: [owner]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: a, title: 报表甲, owner: county_epb, for: each jurisdiction,
         due: "2026-03-02T09:00:00", escalate: fast}
      - {id: b, title: 报表乙, owner: county_epb, for: each jurisdiction,
         due: "2026-03-03T09:00:00", escalate: fast}
"""

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2026-01-01T00:00:00+08:00")
st.ok("load", st.write("plan.yaml", PLAN))
st.ok("import", st.write("reg.yaml", backlog.registry_text(N_JUR)))
st.ok("advance", "--to", "2026-03-05T00:00:00+08:00")

records = [json.loads(ln)["record"] for ln in
           st.ok("audit", "--format", "jsonl").splitlines() if ln.strip()]
queued, sent = {}, {}
for i, r in enumerate(records):
    if r["action"] in ("notice.queue", "notice.sent"):
        key = json.loads(r["details"])["key"]
        (queued if r["action"] == "notice.queue" else sent).setdefault(key, []).append(
            (i, r["clock_time"]))
overdue = sorted(k for k in queued if "#overdue#" in k)
eq(len(overdue), 2 * N_JUR, "an overdue notice per task")
eq(sorted(k for k in sent if "#overdue#" in k), overdue, "each of them is sent")
check(all(len(sent[k]) == 1 and len(queued[k]) == 1 for k in overdue), "once")
late = [k for k in overdue if sent[k][0][1] != queued[k][0][1]]
eq(late, [], "every result is recorded at the clock time its notice was queued")
# 2026-03-02T09:00:01+08:00, the first instant's overdue step
first = 1772413201
end_first = max(sent[k][0][0] for k in overdue if queued[k][0][1] == first)
begin_second = min(queued[k][0][0] for k in overdue if queued[k][0][1] > first)
eq(sum(1 for k in overdue if queued[k][0][1] == first), N_JUR, "300 at the first instant")
check(end_first < begin_second, "the first instant's notices are all sent before the "
      "second instant queues anything")
eq(len(st.outbox()), 2 * N_JUR, "one .eml file per notice")
rc, out, err = st.run("audit", "verify")
eq(rc, 0, f"the audit trail verifies: {out} {err}")
st.cleanup()
done("advance delivers each instant's notices, more than a batch of them, at that instant")
