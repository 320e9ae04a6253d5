"""Issue 10, cases 2 and 3, on a small plan written here: conduct warnings count the truth
(one warning per rule and jurisdiction per evaluation, the true count, every lapse named by
its Chinese title, a task counted once, a flag counted once per task) and a rule with
`decide` proposes: a candidate list goes to the deciding role, and only `dabiao decide`
sends (approve) or drops (dismiss) the warning, audited both ways; an undecided proposal is
superseded by a newer one. A rule without `decide` sends at once. `of: [flag]` counts flags
only. Every expected notice is worked out by hand below."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: r2
title: 预警测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  county_government: {title: 县政府, per: jurisdiction}
  supervision: {title: 监察支队}
  bureau: {title: 州环保局}
accountability: {notify: [supervision]}
conduct:
  - {lapses: 2, within: 30d, kind: interview-warning, decide: [bureau],
     notify: [county_epb, county_government]}
  - {lapses: 3, within: 30d, kind: approval-restriction-warning, notify: [county_government]}
  - {lapses: 1, within: 30d, kind: flag-warning, of: [flag], notify: [supervision]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: m1, title: 排污单位名录, owner: county_epb, for: each jurisdiction, due: 2017-03-10}
      - {id: m2, title: 超标企业基数, owner: county_epb, for: each jurisdiction, due: 2017-03-10}
      - {id: m3, title: 评估报告, owner: county_epb, for: each jurisdiction, due: 2017-03-10}
      - {id: m4, title: 月报, owner: county_epb, for: each jurisdiction,
         due: {every: 1 month, day: 20, from: 2017-03, until: 2017-03}}
      - {id: m5, title: 整改台帐, owner: county_epb, for: each jurisdiction, due: 2017-03-20}
"""

REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, contacts: {county_epb: [a-epb@x.example], county_government: [a-gov@x.example]}}
  - {id: b, name: 乙县, kind: county, contacts: {county_epb: [b-epb@x.example], county_government: [b-gov@x.example]}}
  - {id: c, name: 丙县, kind: county, contacts: {county_epb: [c-epb@x.example], county_government: [c-gov@x.example]}}
  - {id: d, name: 丁县, kind: county, contacts: {county_epb: [d-epb@x.example], county_government: [d-gov@x.example]}}
offices:
  supervision: [s@x.example]
  bureau: [bureau@x.example]
  admin: [admin@x.example]
"""



def of_kind(st, kind):
    return sorted((m for m in st.mails() if m["X-Dabiao-Kind"] == kind),
                  key=lambda m: (m["X-Dabiao-Scheduled"], m["X-Dabiao-Subject"]))


def to(m):
    return sorted(a.strip() for a in str(m["To"]).split(","))


st = Store()
# the plan is there more than its grace (10wd) before its first dues, which have no
# reminders: its tasks are ordinary ones, not late arrivals (docs/plan-format.md, fair start)
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("r2.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
st.decider("zhangsan", "bureau", "局长张三")
st.ok("advance", "--to", "2017-03-02T10:00:00+08:00")
# b hands in everything; c and d only the evaluation report and the later ones; a nothing.
for m in ("m1", "m2", "m3", "m5"):
    st.ok("submit", f"r2/{m}/b/once", "--by", "乙县")
st.ok("submit", "r2/m4/b/2017-03", "--by", "乙县")
for j in ("c", "d"):
    st.ok("submit", f"r2/m3/{j}/once", "--by", j)
st.ok("submit", "r2/m4/d/2017-03", "--by", "d")
st.ok("submit", "r2/m5/d/once", "--by", "d")

# 03-10 23:59: a misses three deliverables due the same day, c and d two each.
st.ok("advance", "--to", "2017-03-11T12:00:00+08:00")
# The evaluation at 03-11 09:00, once per rule and jurisdiction:
#   interview (decide): a 3, c 2, d 2 -> proposals 1, 2, 3 (numbered in the due index's
#   order: rule, then jurisdiction), one candidate list to the bureau;
#   restriction (direct, 3 in 30 days): a 3 -> warning 4, sent to a's government at once.
eq(of_kind(st, "interview-warning"), [], "no interview warning before a decision")
cands = of_kind(st, "candidates")
eq(len(cands), 1, "one candidate list for the morning's evaluation")
c0 = cands[0]
eq((to(c0), c0["X-Dabiao-Scheduled"]), (["bureau@x.example"], "2017-03-11T09:00:00+08:00"),
   "the candidate list goes to the deciding role only")
body = c0.get_body().get_content()
for name, n, wid in (("甲县", 3, 1), ("丙县", 2, 2), ("丁县", 2, 3)):
    check(f"{name}，共{n}项（2017年3月11日（星期六）统计，预警编号 {wid}）" in body,
          f"{name} listed with {n} and number {wid}: {body}")
check("甲县：排污单位名录，截止时间2017年3月10日（星期五）24时，逾期" in body and
      "超标企业基数" in body and "r2/m1/" not in body, f"lapses named by title, not key: {body}")
rest = of_kind(st, "approval-restriction-warning")
eq(len(rest), 1, "one restriction warning, to a")
r0 = rest[0]
eq((to(r0), r0["X-Dabiao-Subject"], sorted(r0.get_all("X-Dabiao-Task"))),
   (["a-gov@x.example"], "a", ["r2/m1/a/once", "r2/m2/a/once", "r2/m3/a/once"]),
   "sent directly (no decide), every lapse behind it")
body = r0.get_body().get_content()
check("共有3项" in body and "评估报告" in body and "不是限批决定" in body,
      f"true count, names, a rule's warning is not the measure: {body}")

# The bureau decides on 03-12: a approved, d dismissed; c left for later.
st.ok("advance", "--to", "2017-03-12T10:00:00+08:00")
rc, _, err = st.run("decide", "1", "approve", "--by", "局长张三")
eq(rc, 64, "a decision needs a reason")
st.ok("decide", "1", "approve", "--by", "局长张三", "--reason", "三项材料均未报送")
st.ok("decide", "3", "dismiss", "--by", "局长张三", "--reason", "已电话说明，次日补报")
rc, _, err = st.run("decide", "1", "dismiss", "--by", "x", "--reason", "y")
eq(rc, 65, f"a decision is made once: {err}")
rc, _, err = st.run("decide", "99", "approve", "--by", "x", "--reason", "y")
eq(rc, 65, f"no such warning: {err}")
iw = of_kind(st, "interview-warning")
eq([(to(m), m["X-Dabiao-Subject"], m["X-Dabiao-Scheduled"]) for m in iw],
   [(["a-epb@x.example", "a-gov@x.example"], "a", "2017-03-12T10:00:00+08:00")],
   "the approved warning goes to a, at the decision; the dismissed one nowhere")
body = iw[0].get_body().get_content()
check("本预警经局长张三于2017年3月12日（星期日）决定发出。决定理由：三项材料均未报送。" in body and
      "共有3项" in body and "不是约谈决定" not in body,
      f"the warning says who decided, when and why, and the true count: {body}")

# Flags on b's roster: concealed, the same again (refused), then falsified (recorded, a
# notice, but the task counts once): the flag rule warns once, count 1.
st.ok("flag", "r2/m1/b/once", "--kind", "concealed", "--by", "监测监察科", "--reason", "漏列两家")
rc, _, err = st.run("flag", "r2/m1/b/once", "--kind", "concealed", "--by", "监测监察科",
                    "--reason", "漏列两家")
eq(rc, 65, f"the same flag twice is refused: {err}")
st.ok("flag", "r2/m1/b/once", "--kind", "falsified", "--by", "监测监察科", "--reason", "数据不实")

# 03-20 23:59: a and c miss the monthly table and the ledger (two new lapses each).
# 03-21 09:00: interview: a 5 in the window, 2 new since its last warning -> 6; c 4, 2 new
# -> 7, which supersedes the undecided 2. Restriction: a has 2 new (< 3): nothing; c
# reaches 4 in the window, never warned before: 8, sent at once with 4. (5 is b's flag
# warning of 03-13.)
st.ok("advance", "--to", "2017-03-22T00:00:00+08:00")
fw = of_kind(st, "flag-warning")
eq([(to(m), m["X-Dabiao-Subject"], m["X-Dabiao-Scheduled"], m.get_all("X-Dabiao-Task"))
    for m in fw], [(["s@x.example"], "b", "2017-03-13T09:00:00+08:00", ["r2/m1/b/once"])],
   "of: [flag]: one warning, the task counted once")
check("共有1项" in fw[0].get_body().get_content(), "flag warning: count 1")
check("被登记为瞒报、谎报" in fw[0].get_body().get_content(),
      f"and both flags named: {fw[0].get_body().get_content()}")
eq(len(of_kind(st, "accountability")), 2, "each flag is still told to the accountability roles")
rest = of_kind(st, "approval-restriction-warning")
eq([(to(m), m["X-Dabiao-Subject"], m["X-Dabiao-Scheduled"], len(m.get_all("X-Dabiao-Task")))
    for m in rest], [(["a-gov@x.example"], "a", "2017-03-11T09:00:00+08:00", 3),
                     (["c-gov@x.example"], "c", "2017-03-21T09:00:00+08:00", 4)],
   "restriction: a once (2 new are not 3), c once with its 4")
cands = of_kind(st, "candidates")
eq(len(cands), 2, "a second candidate list on 03-21")
body = cands[1].get_body().get_content()
check("甲县，共5项" in body and "预警编号 6" in body and "丙县，共4项" in body and
      "预警编号 7" in body and "丁县" not in body,
      f"the second list: a 5, c 4, not d (dismissed, nothing new): {body}")
check("2017年3月月报" in body, f"a period in Chinese: {body}")
rc, _, err = st.run("decide", "2", "approve", "--by", "x", "--reason", "y")
eq(rc, 65, "a superseded proposal cannot be decided")
check("superseded by 7" in err, f"the refusal names the newer one: {err}")

ws = {w["id"]: w for w in json.loads(st.ok("warnings", "--format", "json"))}
eq({k: (w["kind"], w["jurisdiction"], w["state"], w["count"]) for k, w in ws.items()}, {
    "1": ("interview-warning", "a", "sent", 3),
    "2": ("interview-warning", "c", "superseded", 2),
    "3": ("interview-warning", "d", "dismissed", 2),
    "4": ("approval-restriction-warning", "a", "sent", 3),
    "5": ("flag-warning", "b", "sent", 1),
    "6": ("interview-warning", "a", "proposed", 5),
    "7": ("interview-warning", "c", "proposed", 4),
    "8": ("approval-restriction-warning", "c", "sent", 4),
}, "every warning with its number, state and true count")

audit = [json.loads(l)["record"] for l in st.ok("audit", "--format", "jsonl").splitlines()]
acts = {}
for r in audit:
    if r["action"].startswith("conduct."):
        acts.setdefault(r["action"], []).append((r["subject"], r["to_state"]))
eq(sorted(acts["conduct.decide"]), [("a", "approved"), ("d", "dismissed")], "decisions audited")
dec = [json.loads(r["details"]) for r in audit if r["action"] == "conduct.decide"]
eq(sorted((d["id"], d["decided_by"], d["reason"]) for d in dec),
   [("1", "局长张三", "三项材料均未报送"), ("3", "局长张三", "已电话说明，次日补报")],
   "who and why")
eq(len(acts["conduct.propose"]), 5, "five proposals")
eq(acts["conduct.supersede"], [("c", "superseded")], "c/1 superseded")
eq(sorted(acts["conduct.warning"]), [("a", "approval-restriction-warning"),
                                     ("a", "interview-warning"), ("b", "flag-warning"),
                                     ("c", "approval-restriction-warning")],
   "four warnings sent")
# Two flags on c's reports on 03-22 (the interview rule counts flags too, of's default):
# two new events since proposal 7, so the 03-22 09:00 evaluation proposes 9 with 6, which
# supersedes 7 (the flag rule's warning for c is 10; restriction: 2 new < 3, nothing).
# Warning 2's refusal names 9, the proposal that holds its facts now, not 7, itself
# superseded; once 9 is decided there is nothing left to decide.
st.ok("flag", "r2/m3/c/once", "--kind", "falsified", "--by", "监测监察科", "--reason", "数据不实")
st.ok("flag", "r2/m1/c/once", "--kind", "concealed", "--by", "监测监察科", "--reason", "未报送")
st.ok("advance", "--to", "2017-03-23T00:00:00+08:00")
ws = {w["id"]: w for w in json.loads(st.ok("warnings", "--format", "json"))}
eq([(ws[k]["kind"], ws[k]["jurisdiction"], ws[k]["state"], ws[k]["count"]) for k in "79"],
   [("interview-warning", "c", "superseded", 4), ("interview-warning", "c", "proposed", 6)],
   "c's new proposal supersedes 7")
rc, _, err = st.run("decide", "2", "approve", "--by", "x", "--reason", "y")
eq(rc, 65, "still refused")
check("superseded by 9" in err and "decide that one" in err,
      f"the refusal follows the chain 2 -> 7 -> 9: {err}")
# 9 need not hold 2's facts (they may have left the window): the refusal must not say so
check("holds its facts" not in err and "newest proposal of its rule and jurisdiction" in err,
      f"the refusal names 9 as the newest proposal, not as holding 2's facts: {err}")
st.ok("decide", "9", "dismiss", "--by", "局长张三", "--reason", "已约谈县长")
rc, _, err = st.run("decide", "7", "approve", "--by", "x", "--reason", "y")
eq(rc, 65, "refused")
check("superseded by 9" in err and "dismissed" in err and "nothing is left to decide" in err,
      f"the refusal says the newest is decided: {err}")

# never two warnings of one rule for one jurisdiction on one day
days = [(m["X-Dabiao-Kind"], m["X-Dabiao-Subject"], m["X-Dabiao-Scheduled"][:10])
        for m in st.mails() if "warning" in m["X-Dabiao-Kind"]]
eq(len(days), len(set(days)), "no same-day duplicates")

st.cleanup()
done("conduct warnings: true counts, names, once per task, candidate lists, decisions")
