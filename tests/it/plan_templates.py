"""A plan's own template folder: its texts replace the built-in ones for the kinds it has
(the others fall back); the folder's files are kept with the plan version, so a template
edited on disk changes no notice until the plan is loaded again (a new version, its
templates' hashes in the audit record); and a template naming an unknown placeholder is
refused at `check` and `load` with its FILE:LINE:COLUMN, before any deadline could need
it."""
import email
import hashlib
import json
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


def mails_of(kind):
    out = []
    for name in st.outbox():
        with open(os.path.join(st.db, "outbox", name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        if msg["X-Dabiao-Kind"] == kind:
            out.append(msg)
    return out


def plan_loads():
    lines = st.ok("audit", "--format", "jsonl").splitlines()
    recs = [json.loads(x)["record"] for x in lines]
    return [r for r in recs if r["action"] == "plan.load"]


# The version keeps its folder: an overdue text written after the load is not used by the
# next process (each command is a new engine, as a restarted daemon is) ...
st2 = Store()
os.makedirs(st2.path("tpl"))
REMINDER = "Subject: 自定义提醒：{{milestone_title}}\n\n请于 {{due_date}} 前报送。\n"
OVERDUE1 = "Subject: 第一版逾期：{{milestone_title}}\n\n已逾期。\n"
OVERDUE2 = "Subject: 第二版逾期：{{milestone_title}}\n\n已逾期{{days_overdue}}天。\n"
st2.write("tpl/reminder.txt", REMINDER)
st2.write("tpl/overdue.txt", OVERDUE1)
plan2 = st2.write("tp.yaml", PLAN + "      - id: m2\n        title: 第二项\n        owner: county_epb\n"
                  "        for: each jurisdiction\n        due: 2017-03-15\n        escalate: e\n")
st2.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st2.ok("load", plan2)
st2.ok("import", st2.write("r.yaml", REG))
st2.write("tpl/overdue.txt", OVERDUE2)
st2.ok("advance", "--to", "2017-02-20T00:00:00+08:00")
st, keep = st2, st
over = mails_of("overdue")
eq([str(m["Subject"]) for m in over], ["第一版逾期：名录"], "the version's own text, not the edit")
loads = plan_loads()
eq(len(loads), 1, "one version so far")
want = [{"kind": "overdue", "sha256": hashlib.sha256(OVERDUE1.encode()).hexdigest()},
        {"kind": "reminder", "sha256": hashlib.sha256(REMINDER.encode()).hexdigest()}]
eq(json.loads(loads[0]["details"])["templates"], want, "each kept template's hash on record")
# ... until the plan is loaded again: a new version for the changed template alone
out = st2.ok("load", plan2)
loads = plan_loads()
eq(len(loads), 2, f"the edit made version 2: {out}")
eq(json.loads(loads[1]["details"])["version"], 2, "version 2")
eq(json.loads(loads[1]["details"])["templates"][0]["sha256"],
   hashlib.sha256(OVERDUE2.encode()).hexdigest(), "its overdue template's hash")
st2.ok("advance", "--to", "2017-03-20T00:00:00+08:00")
subjects = sorted(str(m["Subject"]) for m in mails_of("overdue"))
eq(subjects, ["第一版逾期：名录", "第二版逾期：第二项"], "version 2's notices use the new text")
st2.ok("load", plan2)
eq(len(plan_loads()), 2, "loading the same files again makes no version")
st = keep
st2.cleanup()

st.write("tpl/reminder.txt", "Subject: 提醒\n\n请于 {{due_date}} 前报送。\n{{no_such_value}}\n")
for cmd in ("check", "load"):
    rc, out, err = st.run(cmd, plan)
    eq(rc, 65, f"{cmd} refuses an unknown placeholder: {err}")
    check("tpl/reminder.txt:4:1: error:" in err and "no_such_value" in err,
          f"{cmd} names FILE:LINE:COLUMN and the name: {err}")
st.cleanup()
done("a plan's own templates, and unknown placeholders refused at check and load")
