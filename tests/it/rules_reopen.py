"""A task a load or an import cancelled because the plan or the registry stopped giving it
comes back when a later version or import gives it again (review 10d, H-1): a rename
undone (the original file loaded again) carries the tasks back to their own milestone and
cancels nothing; a milestone removed and restored, an enterprise unlisted and listed again,
reopen their tasks under their own keys (history kept in the audit trail), with the
plan's date or, too late to be reminded of it, the grace period from now; a period of a
recurring series whose deadline passed while it was cancelled stays cancelled. The owners
are told through the `changed` notice, and `calendar` and `advance` then agree on the
reopened tasks. Also review 10d, M-1: `renamed_from` onto a milestone of another owner
cancels the old owners' tasks (told) instead of carrying them over.
Every value is worked out by hand below (Asia/Shanghai, no calendar: no date shifts,
notify_at 09:00, grace 5 calendar days)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

V1 = """\
plan: vr
title: 恢复测试
timezone: Asia/Shanghai
notify_at: "09:00"
grace: 5d
roles:
  county_epb: {title: 县环保局, per: jurisdiction, unit: 环境保护局}
  enterprise: {title: 企业, per: enterprise}
  sup: {title: 支队}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: b, title: 乙报告, owner: county_epb, for: each jurisdiction, submit_to: sup,
         due: 2017-04-10, remind: [-2d]}
      - {id: m, title: 月报, owner: county_epb, for: each jurisdiction, submit_to: sup,
         due: {every: 1 month, day: 10, from: 2017-03, until: 2017-05}, remind: [-2d]}
      - {id: f, title: 整改报告, owner: enterprise, for: each enterprise, submit_to: sup,
         where: {listed: true}, due: 2017-05-31, remind: [-3d]}
"""
# version 2: b renamed to b2 (same owner, same `for`), the monthly table m removed
V2 = V1.replace("{id: b, title: 乙报告,", "{id: b2, renamed_from: b, title: 乙报告,")
V2 = "\n".join(ln for ln in V2.split("\n")
               if "{id: m," not in ln and "due: {every: 1 month" not in ln)
REG = """\
jurisdictions:
  - {id: k1, name: 甲县, kind: county, email: [k1@x.example]}
  - {id: k2, name: 乙县, kind: county, email: [k2@x.example]}
offices:
  admin: [admin@x.example]
  sup: [sup@x.example]
"""
E1 = "91130000000000001R"
HEAD = "id,name,jurisdiction,industry,listed,email\n"
ENT = HEAD + f"{E1},甲钢铁,k1,steel,true,e1@x.example\n"
UNLISTED = HEAD + f"{E1},甲钢铁,k1,steel,false,e1@x.example\n"

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
v1 = st.write("v1.yaml", V1)
v2 = st.write("v2.yaml", V2)
st.ok("load", v1)
st.ok("import", st.write("reg.yaml", REG))
st.ok("import", st.write("e.csv", ENT))
st.ok("advance", "--to", "2017-03-05T10:00:00+08:00")


def state(key):
    return {t["key"]: t for t in st.tasks("--plan", "vr")}[key]


def field(t, *names):
    for n in names:
        if n in t:
            return t[n]
    return None


out = st.ok("load", v2)
# by hand: b's 2 tasks carried over; m's 3 periods (03, 04, 05) x 2 counties cancelled
check("renamed milestone's tasks carried over                     2" in out, out)
check("tasks cancelled                                            6" in out, out)
st.ok("import", st.write("u.csv", UNLISTED))
eq(state(f"vr/f/{E1}/once")["state"], "cancelled", "unlisting cancels the enterprise's task")

# Thursday 2017-03-09 12:00: m 2017-03's reminder (03-08 09:00) has passed, its deadline
# (03-10 23:59:59) not. The original file again (version 3):
st.ok("advance", "--to", "2017-03-09T12:00:00+08:00")
before = {m["X-Dabiao-Key"] for m in st.mails()}
out = st.ok("load", v1)
check("tasks cancelled" not in out, f"undoing the rename cancels nothing: {out}")
check("renamed milestone's tasks carried over                     2" in out,
      f"b's tasks go back to b: {out}")
check("cancelled tasks given again (reopened, history kept)       6" in out,
      f"m's six tasks are reopened: {out}")
eq((state("vr/b/k1/once")["state"], state("vr/b/k1/once")["milestone"]), ("open", "b"),
   "b's task is b's again, open")
t = state("vr/m/k1/2017-03")
eq((t["state"], t["due_date"]), ("open", "2017-03-14"),
   "too late to be reminded of 03-10: grace of 5 days from 03-09")
t = state("vr/m/k1/2017-04")
eq((t["state"], t["due_date"]), ("open", "2017-04-10"), "04 reopened at the plan's date")
told = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq(sorted((str(m["To"]), m["X-Dabiao-Kind"]) for m in told),
   [("k1@x.example", "changed"), ("k2@x.example", "changed")],
   "each county told once; b's rename back changes nothing for anyone")
body = [m for m in told if str(m["To"]) == "k1@x.example"][0].get_body().get_content()
body = body.replace("\r\n", "\n")
for line in ("　　1. 2017年3月《月报》：恢复报送，截止时间为2017年3月14日（星期二）24时"
             "（修订后的方案重新包括该事项；原定2017年3月10日（星期五）24时已来不及按期提醒，"
             "给予宽限期）；",
             "　　2. 2017年4月《月报》：恢复报送，截止时间为2017年4月10日（星期一）24时"
             "（修订后的方案重新包括该事项）；",
             "　　3. 2017年5月《月报》：恢复报送，截止时间为2017年5月10日（星期三）24时"
             "（修订后的方案重新包括该事项）。",
             "　　恢复的事项，此前撤销的通知不再适用，请按所列截止时间办理。"):
    check(line in body, f"甲县's notice says {line!r}:\n{body}")
audit = st.ok("audit", "--task", "vr/m/k1/2017-04", "--format", "jsonl")
check('"task.cancel"' in audit and '"task.reopen"' in audit,
      f"the trail keeps the cancellation and the reopening: {audit}")

# listed again: the enterprise's task comes back at the registry's date, the owner told
before = {m["X-Dabiao-Key"] for m in st.mails()}
out = st.ok("import", st.write("e2.csv", ENT))
check("cancelled tasks given again (reopened, history kept)       1" in out, out)
t = state(f"vr/f/{E1}/once")
eq((t["state"], t["due_date"]), ("open", "2017-05-31"), "listed again: open, due 05-31")
told = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq([(str(m["To"]), m["X-Dabiao-Kind"]) for m in told], [("e1@x.example", "changed")],
   "the enterprise is told its task is back")
check("更新后的登记册重新包括该事项" in told[0].get_body().get_content(),
      "the notice says the registry gives it again")

# calendar and advance agree: m 2017-03 (due 03-14) has its -2d reminder on 03-12 09:00
# (01:00Z) in the calendar, and advance sends it then
cal = st.ok("calendar", "--subject", "k1").replace("\r\n ", "")
check("UID:vr/m/k1/2017-03@dabiao" in cal, "the reopened task is in the calendar")
ev = cal[cal.index("UID:vr/m/k1/2017-03@dabiao"):]
ev = ev[:ev.index("END:VEVENT")]
check("DTSTART;VALUE=DATE:20170314" in ev and "20170312T010000Z" in ev,
      f"its calendar event is on 03-14 with an alarm at 03-12 09:00: {ev}")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("advance", "--to", "2017-03-12T10:00:00+08:00")
sent = [m for m in st.mails() if m["X-Dabiao-Key"] not in before
        and "vr/m/k1/2017-03" in m.get_all("X-Dabiao-Task", [])]
eq(len(sent), 1, "advance sends the reopened task's reminder the calendar shows")

# version 4 (v2 again) cancels m again; 2017-04-12: m 2017-04's deadline (04-10) passed
# while it was cancelled. Version 5 (v1 again): 2017-04 and 2017-03 stay cancelled (a new
# task would be not applicable), 2017-05 (due 05-10, reminder 05-08) is reopened.
st.ok("load", v2)
st.ok("advance", "--to", "2017-04-12T10:00:00+08:00")
out = st.ok("load", v1)
check("cancelled tasks given again (reopened, history kept)       2" in out,
      f"only the two 2017-05 tasks come back: {out}")
check("stays cancelled: its deadline (2017-04-10) passed while it was cancelled" in out,
      f"the load says why 04 stays cancelled: {out}")
eq([state(f"vr/m/k1/{p}")["state"] for p in ("2017-03", "2017-04", "2017-05")],
   ["cancelled", "cancelled", "open"], "only the period still ahead is live")

# M-1: b renamed onto a milestone the detachment owns once. The counties' b tasks are not
# carried over: cancelled, each county told; the detachment gets its own task.
st2 = Store()
st2.ok("init", "--clock", "virtual", "--now", "2017-03-05T10:00:00+08:00")
st2.ok("load", st2.write("v1.yaml", V1))
st2.ok("import", st2.write("reg.yaml", REG))
V3 = V1.replace("{id: b, title: 乙报告, owner: county_epb, for: each jurisdiction, submit_to: sup,",
                "{id: b2, renamed_from: b, title: 乙汇总, owner: sup, for: once,")
before = {m["X-Dabiao-Key"] for m in st2.mails()}
out = st2.ok("load", st2.write("v3.yaml", V3))
check("renamed milestone's tasks carried over" not in out, f"nothing carried over: {out}")
check("tasks cancelled                                            2" in out, out)
check("tasks added                                                1" in out, out)
tasks = {t["key"]: t["state"] for t in st2.tasks("--plan", "vr")}
eq((tasks["vr/b/k1/once"], tasks["vr/b/k2/once"], tasks["vr/b2/sup/once"]),
   ("cancelled", "cancelled", "open"), "the counties' b ends; the detachment's b2 is open")
told = [m for m in st2.mails() if m["X-Dabiao-Key"] not in before]
eq(sorted((str(m["To"]), m["X-Dabiao-Kind"]) for m in told),
   [("k1@x.example", "changed"), ("k2@x.example", "changed")], "both counties told")
check("《乙报告》：撤销，不再报送（修订后的方案已将该事项调整为由支队办理）"
      in told[0].get_body().get_content(), told[0].get_body().get_content())

st.cleanup()
st2.cleanup()
done("cancelled tasks given again are reopened and told; renamed_from to another owner "
     "cancels the old owners' tasks")
