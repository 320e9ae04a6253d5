"""A role without an address is never dropped in silence: its notice goes to the
registry's admin and `status` names the gap; a role named twice in one step is not a gap."""
import email
import email.policy
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: gp
title: 缺址测试
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
  monitoring: {title: 监测监察科}
escalations:
  e:
    - {after: 1d, kind: overdue, notify: [owner, county_epb, supervision]}
    - {after: 2d, kind: escalation, notify: [monitoring]}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: m
        title: 名录
        owner: county_epb
        for: each jurisdiction
        due: 2017-02-15
        escalate: e
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-02-20T00:00:00+08:00")
to = {}
for name in st.outbox():
    with open(os.path.join(st.db, "outbox", name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    to[msg["X-Dabiao-Kind"]] = sorted(a.strip() for a in str(msg["To"]).split(","))
eq(to["overdue"], ["a@x.example", "s@x.example"], "owner and county_epb are one role: no gap")
eq(to["escalation"], ["admin@x.example"], "monitoring has no address: the admin gets it")
status = st.ok("status")
gaps = status[status.index("无收件地址的角色"):]
check("监测监察科" in gaps, f"status names the gap by the role's title: {gaps}")
check("县环保局" not in gaps and "monitoring" not in gaps, f"no false gap, no key: {gaps}")
status = st.ok("status", "--lang", "en")
gaps = status[status.index("roles without an address"):]
check("监测监察科" in gaps, f"status --lang en names the gap too: {gaps}")
st.cleanup()
done("contact gaps go to the admin and show in status")
