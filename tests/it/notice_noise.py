"""Less noise, by the plan's choice (notices.group, notices.hold), worked out by hand on a small
plan: two reminders to one county on Monday 2017-03-13 arrive as one message carrying both
texts; a reminder that would fall on Saturday 03-18 is held to Monday 03-20 09:00 and, alone
that day, arrives as itself; an overdue notice (a kind not grouped) comes on its own. The same
plan without those keys sends one message per notice when it falls due, Saturday included.

Escalations grouped (review12z, Z12: the detachment got 27 separate escalations on one day):
two counties' tasks lapse together (overdue notices on 03-16), each one's escalation step (to
the office) comes on Friday 03-17 with the office's own reminder of that day; the office gets one message,
the two escalations first, its subject counting them by kind, each numbered; each escalation
keeps its own notice.queue record, with the sha256 of its own bytes and the digest that
carried it."""
import email
import email.policy
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

PLAN = """\
plan: nz
title: 降噪测试
timezone: Asia/Shanghai
calendar: {{weekend: [sat, sun]}}
{notices}
roles:
  county: {{title: 县环保局, per: jurisdiction, unit: 环境保护局}}
escalations:
  std:
    - {{after: 1d, kind: overdue, notify: [owner]}}
phases:
  - id: p
    title: 阶段
    milestones:
      - {{id: m1, title: 名录, owner: county, for: each jurisdiction, due: 2017-03-14,
         remind: [-1d], escalate: std}}
      - {{id: m2, title: 台帐, owner: county, for: each jurisdiction, due: 2017-03-14,
         remind: [-1d]}}
      - {{id: m3, title: 总结, owner: county, for: each jurisdiction, due: 2017-03-20,
         remind: [-2d]}}
"""
NOISE = "notices: {group: [reminder], hold: [reminder, overdue]}"
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  admin: [admin@x.example]
"""


def mails(notices):
    st = Store()
    st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00", "--tz",
          "Asia/Shanghai")
    st.ok("load", st.write("p.yaml", PLAN.format(notices=notices)))
    st.ok("import", st.write("r.yaml", REG))
    st.ok("advance", "--to", "2017-03-25T00:00:00+08:00")
    out = []
    for name in st.outbox():
        with open(os.path.join(st.db, "outbox", name), "rb") as f:
            m = email.message_from_binary_file(f, policy=email.policy.default)
        out.append((str(m["Date"]), m["X-Dabiao-Kind"], str(m["Subject"]),
                    sorted(m.get_all("X-Dabiao-Task") or []),
                    m.get_body(("plain",)).get_content().replace("\r\n", "\n")))
    st.cleanup()
    return sorted(out)


got = mails(NOISE)
eq([(d, k) for d, k, _, _, _ in got], [
    ("Mon, 13 Mar 2017 09:00:00 +0800", "digest"),    # m1's and m2's reminders, together
    ("Mon, 20 Mar 2017 09:00:00 +0800", "digest"),    # m3's, held from Saturday 03-18
    ("Wed, 15 Mar 2017 09:00:00 +0800", "overdue"),   # m1 lapsed 03-14 24:00; not grouped
], "grouped, held, single")
both = [g for g in got if g[0].startswith("Mon, 13 Mar")][0]
eq(both[2], "关于2017年3月13日调度通知的汇总（共2份，均为提醒）", "one message, two notices")
eq(both[3], ["nz/m1/a/once", "nz/m2/a/once"], "a task header per notice")
check("关于按时报送《名录》的提醒" in both[4] or "关于按时完成名录的提醒" in both[4],
      f"the first text whole: {both[4]}")
check("台帐" in both[4] and both[4].count("距截止时间还有1天") == 2,
      f"both texts, each with its days left: {both[4]}")
check(both[4].split("\n")[2] == "甲县环境保护局：", "addressed to the county's unit")
# one closing for the one message (review 12c, L10): the 成文日期 of 03-13 and the system's
# note once, at its end; the first text runs straight on to （二）, without a closing of its own
lines = [x for x in both[4].split("\n") if x.strip()]
eq((both[4].count("此件由调度系统自动发送"), lines.count("2017年3月13日")), (1, 1),
   f"one note, one 成文日期: {both[4]}")
check(lines[-1].startswith("（此件由调度系统自动发送") and lines[-2] == "2017年3月13日",
      f"at the end: {lines[-3:]}")
second = [i for i, x in enumerate(lines) if x.startswith("（二）")]
eq(len(second), 1, "a second item")
check(lines[second[0] - 1].startswith("　　"), f"the first item ends in its own text: "
      f"{lines[second[0] - 3:second[0]]}")
eq(lines.count(lines[-3]), 1, f"the bureau ({lines[-3]}) signs once")
alone = [g for g in got if g[0].startswith("Mon, 20 Mar")][0]
eq(alone[2], "关于按时完成总结的提醒", "a day's only notice arrives as itself")
eq(alone[4].count("此件由调度系统自动发送"), 1, f"with its own closing: {alone[4]}")
check("请你单位于2017年3月20日（星期一）24时前完成总结。今日即为截止日。" in alone[4],
      f"held to the due day, and it says so: {alone[4]}")

plain = mails("")
eq([(d, k) for d, k, _, _, _ in plain], [
    ("Mon, 13 Mar 2017 09:00:00 +0800", "reminder"),
    ("Mon, 13 Mar 2017 09:00:00 +0800", "reminder"),
    ("Sat, 18 Mar 2017 09:00:00 +0800", "reminder"),
    ("Wed, 15 Mar 2017 09:00:00 +0800", "overdue"),
], "a plan that says nothing: one message per notice, when it falls due")
ESC_PLAN = """\
plan: nz
title: 降噪测试
timezone: Asia/Shanghai
calendar: {weekend: [sat, sun]}
notices: {group: [reminder, overdue, escalation]}
roles:
  county: {title: 县环保局, per: jurisdiction, unit: 环境保护局}
  office: {title: 监察支队}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner]}
    - {after: 2d, kind: escalation, notify: [office]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: m1, title: 名录, owner: county, submit_to: office, for: each jurisdiction,
         due: 2017-03-14, escalate: std}
      - {id: m4, title: 督查记录, owner: office, for: once, due: 2017-03-18, remind: [-1d]}
"""
ESC_REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙县, kind: county, email: [b@x.example]}
offices:
  admin: [admin@x.example]
  office: [office@x.example]
"""
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00", "--tz", "Asia/Shanghai")
st.ok("load", st.write("esc.yaml", ESC_PLAN))
st.ok("import", st.write("esc-r.yaml", ESC_REG))
st.ok("advance", "--to", "2017-03-18T00:00:00+08:00")
office = []
for name in st.outbox():
    with open(os.path.join(st.db, "outbox", name), "rb") as f:
        raw = f.read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    if "office@x.example" in str(m["To"]):
        office.append((name, m))
eq([(str(m["Date"]), m["X-Dabiao-Kind"]) for _, m in office],
   [("Fri, 17 Mar 2017 09:00:00 +0800", "digest")],
   "the office's day: one message for two escalations and a reminder")
name, m = office[0]
eq(str(m["Subject"]), "关于2017年3月17日调度通知的汇总（共3份，其中督办通知2份、提醒1份）",
   "its subject counts them by kind, the escalations first")
body = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
check("3份调度通知（其中督办通知2份、提醒1份）一并发送如下" in body, f"and its first paragraph: {body}")
heads = [x for x in body.split("\n") if x[:1] == "（" and "）关于" in x]
eq(len(heads), 3, f"three items: {heads}")
check("督办通知" in heads[0] and "督办通知" in heads[1] and heads[2].startswith("（三）关于") and
      "提醒" in heads[2], f"numbered （一）（二）（三）, the escalations first: {heads}")
eq(m.get_all("X-Dabiao-Task"), ["nz/m1/a/once", "nz/m1/b/once", "nz/m4/office/once"],
   "task headers in the items' order")
# each escalation's own record: its bytes' hash, and the digest that carried it
esc = [r for r in st.records() if r["action"] == "notice.queue" and
       json.loads(r["details"])["kind"] == "escalation"]
eq(len(esc), 2, "two escalation records")
for r in esc:
    d = json.loads(r["details"])
    eq([x["file"] for x in d["sent_in"]], [name], f"seq {r['seq']}: carried by the digest")
    shown = st.run_bytes("audit", "show", str(r["seq"]))
    eq(hashlib.sha256(shown).hexdigest(), d["sha256"],
       f"seq {r['seq']}: audit show gives the escalation's own bytes, which its hash proves")
    check("督办通知" in shown.decode() or "=?UTF-8?" in shown.decode(), "an escalation's text")
st.cleanup()
done("notices grouped per recipient and day, held off non-working days, by the plan's choice")
