"""A notice carries a submit link only where its owner can hand something in: a reminder
or overdue notice of a report carries one (body and X-Dabiao-Submit-URL); those of a
rectification, whose lifecycle takes no submission (it is started, verified or closed),
carry none, so no notice says 可通过以下链接在线报送 above a page that says 暂不需要报送."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: lk
title: 链接测试方案
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 超标企业, per: enterprise}
  supervision: {title: 监察支队}
lifecycles:
  rectification:
    initial: listed
    states: [listed, rectifying, verified, closed, overdue]
    final: [verified, closed]
    events:
      start: {listed: rectifying}
      verify: {rectifying: verified, overdue: verified}
      close: {listed: closed, rectifying: closed, overdue: closed}
    deadline: {from: [listed, rectifying], to: overdue}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner, supervision]}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: report
        title: 评估报告
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-03-10
        remind: [-3d]
        escalate: std
      - id: rectify
        title: 限期整改
        owner: enterprise
        for: each enterprise
        submit_to: supervision
        lifecycle: rectification
        due: 2017-03-10
        remind: [-3d]
        escalate: std
"""
REG = """\
jurisdictions:
  - {id: j1, name: 甲县, kind: county, email: [j1@x.example]}
enterprises:
  - {id: 91652301MA74H957X2, name: 甲一钢铁, jurisdiction: j1, industry: steel,
     email: [e1@x.example]}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""

st = Store()
os.environ["DABIAO_WEB_URL"] = "https://dabiao.example.cn"
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
st.ok("load", st.write("lk.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
st.ok("advance", "--to", "2017-03-12T12:00:00+08:00")  # reminders 03-07, overdue 03-12


def body(m):
    return "".join(p.get_content() for p in m.walk() if p.get_content_type() == "text/plain")


seen = {}
for m in st.mails():
    kind, task = m["X-Dabiao-Kind"], m["X-Dabiao-Task"]
    if kind not in ("reminder", "overdue"):
        continue
    seen[(task.split("/")[1], kind)] = (m["X-Dabiao-Submit-URL"], body(m))
eq(sorted(seen), [("rectify", "overdue"), ("rectify", "reminder"),
                  ("report", "overdue"), ("report", "reminder")],
   "each owner got its reminder and its overdue notice")
url, text = seen[("report", "reminder")]
check(url is not None and str(url).startswith("https://dabiao.example.cn/s/"),
      f"the report's reminder carries the link header: {url}")
check(str(url) in text, "and its text has the same link")
for kind in ("reminder", "overdue"):
    url, text = seen[("rectify", kind)]
    eq(url, None, f"the rectification's {kind} carries no link header")
    check("/s/" not in text and "在线报送" not in text,
          f"nor a link in its text: {text[-300:]}")
st.cleanup()
done("submit links only where a submission is possible")
