"""Review 10e, m-H: a retirement made by mistake (the wrong credit code) can be taken
back: `retire SUBJECT --undo --reason TEXT` removes the mark (audited subject.unretire with
what it was), reopens what the retirement cancelled as a relisted enterprise's tasks are
(a task that had lapsed comes back overdue with its old deadline; one still ahead keeps
its date), tells the owner, and is refused (65) on a subject not retired."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, E1  # noqa: E402

PLAN = """\
plan: ru
title: 撤销退出测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  enterprise: {title: 企业, per: enterprise}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: u, title: 承诺书, owner: enterprise, for: each enterprise, due: 2017-03-10, remind: [-1d]}
      - {id: t, title: 治理方案, owner: enterprise, for: each enterprise, due: 2017-06-30, remind: [-3d]}
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  admin: [admin@x.example]
"""


def states():
    return {t["key"]: (t["state"], t["due_date"]) for t in st.tasks()}


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("import", st.write("e.csv", "id,name,jurisdiction,industry,listed,email\n"
                                  f"{E1},甲厂,a,cement,是,e1@x.example\n"))
st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")      # u lapsed 03-10 23:59:59
st.ok("retire", E1, "--reason", "2017年3月关闭")              # the wrong code
eq(states(), {f"ru/u/{E1}/once": ("cancelled", "2017-03-10"),
              f"ru/t/{E1}/once": ("cancelled", "2017-06-30")}, "retired: both cancelled")
st.ok("advance", "--to", "2017-03-15T10:00:00+08:00")
out = st.ok("retire", E1, "--undo", "--reason", "误操作，应为另一企业")
check("retired no more; 2 cancelled tasks reopened" in out, out)
eq(states(), {f"ru/u/{E1}/once": ("overdue", "2017-03-10"),
              f"ru/t/{E1}/once": ("open", "2017-06-30")},
   "the lapsed one comes back overdue, the other keeps its date")
recs = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
un = [json.loads(r["details"]) for r in recs if r["action"] == "subject.unretire"]
eq([(u["retired"], u["retired_reason"], u["reason"]) for u in un],
   [("2017-03-13", "2017年3月关闭", "误操作，应为另一企业")], "audited with what it was")
told = [m for m in st.mails() if m["X-Dabiao-Kind"] == "changed"
        and m["X-Dabiao-Scheduled"] == "2017-03-15T10:00:00+08:00"]
eq([str(m["To"]) for m in told], ["e1@x.example"], "the enterprise is told, once")
rc, _, err = st.run("retire", E1, "--undo", "--reason", "再次")
eq(rc, 65, f"not retired: {err}")
check("is not retired" in err, err)
st.ok("advance", "--to", "2017-06-28T10:00:00+08:00")
eq([(m["X-Dabiao-Kind"], m["X-Dabiao-Scheduled"]) for m in st.mails()
    if m["X-Dabiao-Task"] == f"ru/t/{E1}/once" and m["X-Dabiao-Kind"] == "reminder"],
   [("reminder", "2017-06-27T09:00:00+08:00")], "its reminder is sent again")
st.cleanup()
done("a retirement can be taken back")
