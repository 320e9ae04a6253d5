"""Issue 10, cases 6 and 7, on a small plan written here: registry changes reach the tasks.
`import --dry-run` says what a corrected registry would change and changes nothing; the
import moves an enterprise's open tasks to its new jurisdiction (its past lapse stays
counted where it happened), cancels the tasks that depend on `listed` when it is no longer
listed (and only those), and moves a task to a new rectify_by as `extend` does (an overdue
one reopens, the owner is told); every change is audited with before and after.
`dabiao retire` ends a subject's open tasks and a later import keeps it retired; a
jurisdiction with enterprises is not retired. Two plans in one store each run over their
own jurisdictions (registry: {where}). Every expected value is worked out by hand."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: rg
title: 登记册测试
timezone: Asia/Shanghai
notify_at: "09:00"
registry: {where: {prefecture: x}}
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
lifecycles:
  rectification:
    initial: listed
    states: [listed, rectifying, verified, overdue]
    final: [verified]
    events:
      start: {listed: rectifying}
      verify: {rectifying: verified, overdue: verified}
    deadline: {from: [listed, rectifying], to: overdue}
escalations:
  e:
    - {after: 1d, kind: overdue, notify: [owner, county_epb]}
conduct:
  - {lapses: 1, within: 90d, kind: interview-warning, notify: [county_epb]}
phases:
  - id: p
    title: 清理整治
    milestones:
      - {id: treatment-plan, title: 治理方案, owner: enterprise, for: each enterprise,
         where: {listed: true}, due: 2017-06-30, escalate: e}
      - {id: rectification, title: 限期整改, owner: enterprise, for: each enterprise,
         where: {listed: true}, due: {field: rectify_by}, remind: [-30d, -7d], escalate: e,
         lifecycle: rectification}
      - {id: annual, title: 年度报告, owner: enterprise, for: each enterprise, due: 2017-12-20}
"""
# A second plan in the same store, for the other prefecture's jurisdiction only.
OTHER = """\
plan: other
title: 另一地区
timezone: Asia/Shanghai
registry: {where: {prefecture: y}}
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: roster, title: 名录, owner: county_epb, for: each jurisdiction, due: 2017-09-30}
"""
REG = """\
jurisdictions:
  - {id: aa, name: 甲县, kind: county, email: [aa@x.example], attrs: {prefecture: x}}
  - {id: bb, name: 乙县, kind: county, email: [bb@x.example], attrs: {prefecture: x}}
  - {id: cc, name: 丙县, kind: county, email: [cc@x.example], attrs: {prefecture: y}}
offices:
  admin: [admin@x.example]
"""
E1, E2, E3 = "91130000000000001R", "91130000000000002W", "91652325MA00000016"
HEAD = "id,name,jurisdiction,industry,listed,rectify_by,email\n"
V1 = HEAD + (f"{E1},甲钢铁,aa,steel,true,2017-05-31,e1@x.example\n"
             f"{E2},乙水泥,aa,cement,true,2017-08-31,e2@x.example\n"
             f"{E3},丙焦化,aa,coal,true,2017-09-30,e3@x.example\n")
# E1 moves to bb and gets until 07-31; E2 leaves the clean-up list; E3 is not in the file.
V2 = HEAD + (f"{E1},甲钢铁,bb,steel,true,2017-07-31,e1@x.example\n"
             f"{E2},乙水泥,aa,cement,false,2017-08-31,e2@x.example\n")


def count(out, title):
    m = re.search(r"^  " + re.escape(title) + r" +(\d+)$", out, re.M)
    return int(m.group(1)) if m else 0


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00")
st.ok("load", st.write("rg.yaml", PLAN))
st.ok("load", st.write("other.yaml", OTHER))
st.ok("import", st.write("reg.yaml", REG))
st.ok("import", st.write("v1.csv", V1))
t = st.tasks()
# Case 7: each plan over its own jurisdictions: rg 3 tasks for each of 3 enterprises, all
# in aa; other one roster, for cc only.
eq(sorted(x["key"] for x in t if x["plan"] == "other"), ["other/roster/cc/once"],
   "the second plan runs over its own jurisdiction only")
eq(len([x for x in t if x["plan"] == "rg"]), 9, "the first over its own")

# E1's rectification (05-31) lapses at 06-01 00:00: overdue notice and aa's warning at 09:00.
st.ok("advance", "--to", "2017-06-01T10:00:00+08:00")
v2 = st.write("v2.csv", V2)
tasks_before, audit_before = st.tasks(), st.ok("audit", "--format", "jsonl")
out = st.ok("import", v2, "--dry-run")
# by hand: E1's three open tasks move to bb; its rectification gets 07-31; E2's two listed
# tasks are cancelled (its annual report stays); E3 is in the store, not in the file
eq([count(out, k) for k in ("moved to another jurisdiction", "deadlines moved",
                            "tasks cancelled")], [3, 1, 2], f"the preview: {out}")
check(re.search(r"subjects whose fields change \(each audited\) +2", out), out)
check(re.search(r"not in the file, kept .*1$", out, re.M), out)
eq(st.tasks(), tasks_before, "a dry run changes no task")
eq(st.ok("audit", "--format", "jsonl"), audit_before, "and records nothing")
# only the kinds a file lists are told: a file of jurisdictions aa and bb leaves cc out, and
# no enterprise (it lists none)
out = st.ok("import", st.write("aa-bb.yaml", "\n".join(ln for ln in REG.splitlines()
                                                      if "id: cc" not in ln)), "--dry-run")
check(re.search(r"not in the file, kept .*  1$", out, re.M), out)

out = st.ok("import", v2)
t = {x["key"]: x for x in st.tasks()}
r1 = t[f"rg/rectification/{E1}/once"]
eq((r1["jurisdiction"], r1["due_date"], r1["state"]), ("bb", "2017-07-31", "listed"),
   "E1's rectification: moved to bb, the new time limit, reopened as extend would")
eq(t[f"rg/treatment-plan/{E1}/once"]["jurisdiction"], "bb", "its other open tasks too")
eq({k.split("/")[1]: x["state"] for k, x in t.items() if E2 in k},
   {"treatment-plan": "cancelled", "rectification": "cancelled", "annual": "open"},
   "unlisted: only the tasks that depend on listed are cancelled")
eq(sorted(x["state"] for k, x in t.items() if E3 in k), ["listed", "open", "open"],
   "a subject left out of the file keeps its tasks")
# one grouped `changed` notice per owner, not an `extended` one per task (issue 10, left
# from rules5): the enterprise's names its rectification's move
ext = [m for m in st.mails() if m["X-Dabiao-Kind"] in ("extended", "changed")
       and str(m["To"]) == "e1@x.example"]
eq([(m["X-Dabiao-Kind"], m.get_all("X-Dabiao-Task")) for m in ext],
   [("changed", [f"rg/rectification/{E1}/once"])], "the enterprise is told its new time limit")
eb = ext[0].get_body().get_content()
check("根据更新后的登记册" in eb and "同意" not in eb and
      "由2017年5月31日（星期三）24时调整为2017年7月31日（星期一）24时（登记册中的整改时限已调整）"
      in eb, f"the notice says the date comes from the registry, not a person's approval: {eb}")
eq((r1["original_due_date"], r1["previous_due_date"]), ("2017-05-31", "2017-05-31"),
   "the date it was made with stays original; the one before the move is on record")
st.ok("import", v2)
eq(len([m for m in st.mails() if m["X-Dabiao-Kind"] in ("extended", "changed")
        and str(m["To"]) == "e1@x.example"]), 1,
   "the same registry again moves nothing and tells nobody twice")
eq({x["key"]: x["due_date"] for x in st.tasks()}[f"rg/rectification/{E1}/once"], "2017-07-31",
   "and leaves the registry's date")
recs = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
upd = {r["subject"]: json.loads(r["details"])["changes"] for r in recs
       if r["action"] == "subject.update"}
eq(upd, {E1: {"jurisdiction": ["aa", "bb"], "rectify_by": ["2017-05-31", "2017-07-31"]},
         E2: {"listed": ["true", "false"]}}, "each changed field with before and after")
moves = sorted((r["task"], json.loads(r["details"])["from_jurisdiction"],
                json.loads(r["details"])["to_jurisdiction"]) for r in recs
               if r["action"] == "task.move")
eq(moves, [(f"rg/annual/{E1}/once", "aa", "bb"), (f"rg/rectification/{E1}/once", "aa", "bb"),
           (f"rg/treatment-plan/{E1}/once", "aa", "bb")], "each move audited")
eq(len([r for r in recs if r["action"] == "task.cancel"]), 2, "each cancellation audited")

# retire: E3 closed for good. A dry run first; then its three open tasks are cancelled; an
# import of the old file keeps it retired; jurisdiction aa, with E2 in it, is refused.
out = st.ok("retire", E3, "--reason", "2017年6月关闭", "--dry-run")
check("would be retired" in out and "3 unfinished tasks would be cancelled" in out, out)
eq(sorted(x["state"] for x in st.tasks() if E3 in x["key"]), ["listed", "open", "open"],
   "the dry run changed nothing")
out = st.ok("retire", E3, "--reason", "2017年6月关闭")
check("3 unfinished tasks cancelled" in out, out)
rc, _, err = st.run("retire", E3, "--reason", "again")
eq(rc, 65, f"retired already: {err}")
rc, _, err = st.run("retire", "aa", "--reason", "合并")
eq(rc, 65, f"a jurisdiction with an enterprise is not retired: {err}")
check("1 enterprise" in err, err)
out = st.ok("import", st.write("v1-again.csv", V1.replace(f"{E1},甲钢铁,aa", f"{E1},甲钢铁,bb")
                                                 .replace("2017-05-31", "2017-07-31")
                                                 .replace(f"{E2},乙水泥,aa,cement,true",
                                                          f"{E2},乙水泥,aa,cement,false")))
check(re.search(r"retired subjects in the file, kept retired +1", out), out)
eq(sorted((x["key"].split("/")[1], x["state"]) for x in st.tasks() if E3 in x["key"]),
   [("annual", "cancelled"), ("rectification", "cancelled"), ("treatment-plan", "cancelled")],
   "it stays retired: no task comes back")
why = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
why = [json.loads(r["details"])["reason"] for r in why
       if r["action"] == "task.cancel" and E3 in r["task"]]
check(why and all("2017年6月关闭" in w for w in why), f"the reason is kept: {why}")

# Past lapses stay where they happened: aa's warning for E1's lapse of 05-31; E1's lapses
# after its move (06-30 treatment plan, 07-31 rectification) are bb's.
st.ok("advance", "--to", "2017-08-02T00:00:00+08:00")
warns = sorted((m["X-Dabiao-Scheduled"][:16], m["X-Dabiao-Subject"], m.get_all("X-Dabiao-Task"))
               for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning")
eq(warns, [("2017-06-01T09:00", "aa", [f"rg/rectification/{E1}/once"]),
           ("2017-07-01T09:00", "bb", [f"rg/treatment-plan/{E1}/once"]),
           ("2017-08-01T09:00", "bb", [f"rg/treatment-plan/{E1}/once",
                                       f"rg/rectification/{E1}/once"])],
   "lapses counted in the jurisdiction where they happened")

# cc moves to prefecture x (previewed): plan other's roster for it would be cancelled, and
# the reason names the plan's selector and what cc has now, not a placeholder
out = st.ok("import", st.write("reg2.yaml", REG.replace("attrs: {prefecture: y}",
                                                        "attrs: {prefecture: x}")), "--dry-run")
check("other/roster/cc/once" in out and
      "its subject is outside plan other's registry (where prefecture: y (now x))" in out,
      f"the cancel reason names the selector: {out}")
st.cleanup()
done("registry changes reach tasks: preview, moves, unlisting, new time limits, retire")
