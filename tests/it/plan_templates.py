"""A plan's own template folder: its texts replace the built-in ones for the kinds it has
(the others fall back), and a template naming an unknown placeholder is refused at
`check` and `load` with its FILE:LINE:COLUMN, before any deadline could need it."""
import email
import email.policy
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: tp
title: 模板测试
timezone: Asia/Shanghai
templates: tpl
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
escalations:
  e:
    - {after: 1d, kind: overdue, notify: [owner]}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: m
        title: 名录
        owner: county_epb
        for: each jurisdiction
        due: 2017-02-15
        remind: [-1d]
        escalate: e
"""
REG = "jurisdictions:\n  - {id: a, name: 甲县, kind: county, email: [a@x.example]}\n"

st = Store()
os.makedirs(st.path("tpl"))
st.write("tpl/reminder.txt", "Subject: 自定义提醒：{{milestone_title}}\n\n请于 {{due_date}} 前报送。\n")
plan = st.write("tp.yaml", PLAN)
st.ok("check", plan)
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", plan)
st.ok("import", st.write("r.yaml", REG))
st.ok("advance", "--to", "2017-02-20T00:00:00+08:00")
kinds = {}
for name in st.outbox():
    with open(os.path.join(st.db, "outbox", name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    kinds[msg["X-Dabiao-Kind"]] = msg
eq(str(kinds["reminder"]["Subject"]), "自定义提醒：名录", "the plan's own reminder text")
check("2017-02-15" in kinds["reminder"].get_body().get_content(), "its body is rendered")
check("自定义" not in str(kinds["overdue"]["Subject"]), "other kinds fall back to built-in")

st.write("tpl/reminder.txt", "Subject: 提醒\n\n请于 {{due_date}} 前报送。\n{{no_such_value}}\n")
for cmd in ("check", "load"):
    rc, out, err = st.run(cmd, plan)
    eq(rc, 65, f"{cmd} refuses an unknown placeholder: {err}")
    check("tpl/reminder.txt:4:1: error:" in err and "no_such_value" in err,
          f"{cmd} names FILE:LINE:COLUMN and the name: {err}")
st.cleanup()
done("a plan's own templates, and unknown placeholders refused at check and load")
