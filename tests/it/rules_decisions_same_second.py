"""Every decision on a hand-in is told, even several in one second (review10k Q3): an
officer's script (or a virtual clock not advanced) returns a report, the county hands it
in again, it is returned for another reason and then accepted, all at the same instant.
Each decision is its own notice to the county with its own reason — where the second
return took the first one's key and was dropped, the county never reading why it was sent
back again."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: ss
title: 同秒决定
timezone: Asia/Urumqi
notify_at: "10:00"
roles:
  county: {title: 县环保局, per: jurisdiction}
  office: {title: 监察支队}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: plan, title: 整改方案, owner: county, for: each jurisdiction, submit_to: office,
         due: 2019-05-20}
"""
REG = """\
jurisdictions:
  - {id: q1, name: 乙县, kind: county, email: [q1@x.example]}
offices: {office: [o@x.example], admin: [admin@x.example]}
"""
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2019-05-10T11:00", "--tz", "Asia/Urumqi")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
task = "ss/plan/q1/once"
reasons = ["缺少附表一", "治理设施台账与现场不符", "同意"]
for event, reason in zip(["return", "return", "accept"], reasons):
    st.ok("submit", task, "--by", "乙县经办人")
    st.ok("event", task, event, "--by", "王科长", "--reason", reason)
events = [r for r in st.records() if r.get("action") == "task.event"]
eq(len(events), 3, "three decisions recorded")
told = [n for n in st.notices() if n["kind"] in ("returned", "accepted")]
eq(sorted(n["kind"] for n in told), ["accepted", "returned", "returned"],
   "three decisions, three notices to the county")
eq(len({n["key"] for n in told}), 3, "each under its own key")
bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in st.mails()
          if m["X-Dabiao-Kind"] in ("returned", "accepted")]
for reason in reasons:
    eq(sum(reason in b for b in bodies), 1, f"the reason {reason} told once")
done("three decisions in one second: three notices, each with its reason")
