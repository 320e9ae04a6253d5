"""Owners are told when a plan version or a registry change moves or cancels their
tasks (review of issue 10, M4): one `changed` notice per owner per load, import or
retirement, naming every task it touches with the old and the new deadline, or that the
task is withdrawn and why. A version touching four of a county's tasks sends that county
one message, not four; an owner whose tasks did not change hears nothing. Every expected
value is worked out by hand below (Asia/Shanghai, no calendar: no date shifts)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

V1 = """\
plan: vt
title: 调整测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction, unit: 环境保护局}
  enterprise: {title: 企业, per: enterprise}
  bureau: {title: 州环保局}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: roster, title: 排污单位名录, owner: county_epb, submit_to: bureau,
         for: each jurisdiction, due: 2017-03-15, remind: [-1wd]}
      - {id: annual, title: 年度报告, owner: county_epb, submit_to: bureau,
         for: each jurisdiction, due: 2017-04-28}
      - {id: monthly, title: 月报表, owner: county_epb, submit_to: bureau,
         for: each jurisdiction, due: {every: 1 month, day: 10, from: 2017-02, until: 2017-06}}
      - {id: filing, title: 治理方案, owner: enterprise, submit_to: bureau,
         for: each enterprise, where: {listed: true}, due: 2017-05-31}
      - {id: summary, title: 工作总结, owner: bureau, for: once, due: 2017-04-28}
"""
# Version 2, loaded Monday 2017-02-20 10:00: the roster moves from Wed 03-15 to Wed 03-22,
# the annual report is dropped, the monthly table ends with 2017-04 (05 and 06 go), the
# bureau's summary moves from Fri 04-28 to Fri 05-12; the enterprises' filing is unchanged.
V2 = (V1.replace("due: 2017-03-15", "due: 2017-03-22")
        .replace("until: 2017-06", "until: 2017-04")
        .replace("for: once, due: 2017-04-28", "for: once, due: 2017-05-12"))
V2 = "\n".join(ln for ln in V2.split("\n")
               if "id: annual" not in ln and "for: each jurisdiction, due: 2017-04-28}" not in ln)
REG = """\
jurisdictions:
  - {id: aa, name: 甲县, kind: county, email: [aa@x.example]}
  - {id: bb, name: 乙县, kind: county, email: [bb@x.example]}
offices:
  admin: [admin@x.example]
  bureau: [bureau@x.example]
"""
E1, E2 = "91130000000000001R", "91130000000000002W"
HEAD = "id,name,jurisdiction,industry,listed,email\n"
ENT = HEAD + f"{E1},甲钢铁,aa,steel,true,e1@x.example\n{E2},乙水泥,bb,cement,true,e2@x.example\n"

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("v1.yaml", V1))
st.ok("import", st.write("reg.yaml", REG))
st.ok("import", st.write("e.csv", ENT))
st.ok("advance", "--to", "2017-02-20T10:00:00+08:00")
before = {m["X-Dabiao-Key"] for m in st.mails()}
out = st.ok("load", st.write("v2.yaml", V2))
check("owners told (one notice each, listing their changes)       3" in out,
      f"the load says three owners were told: {out}")
told = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq(sorted((str(m["To"]), m["X-Dabiao-Kind"]) for m in told),
   [("aa@x.example", "changed"), ("bb@x.example", "changed"), ("bureau@x.example", "changed")],
   "one notice to each county and one to the bureau; the enterprises, unchanged, hear nothing")
by = {str(m["To"]): m for m in told}
eq(sorted(by["aa@x.example"].get_all("X-Dabiao-Task")),
   ["vt/annual/aa/once", "vt/monthly/aa/2017-05", "vt/monthly/aa/2017-06", "vt/roster/aa/once"],
   "甲县's one notice carries its four changed tasks")
body = by["aa@x.example"].get_body().get_content().replace("\r\n", "\n")
# by hand: tasks in key order (annual, monthly 05, monthly 06, roster); the roster moves
# from Wednesday 03-15 to Wednesday 03-22
want = ("甲县环境保护局：\n"
        "　　根据修订后的《调整测试》（第2版），你单位承担的以下4项事项有调整：\n"
        "　　1. 《年度报告》：撤销，不再报送（修订后的方案已取消该事项）；\n"
        "　　2. 2017年5月《月报表》：撤销，不再报送（修订后的方案已不再包括该期）；\n"
        "　　3. 2017年6月《月报表》：撤销，不再报送（修订后的方案已不再包括该期）；\n"
        "　　4. 《排污单位名录》：截止时间由2017年3月15日（星期三）24时调整为2017年3月22日（星期三）24时。\n"
        "　　截止时间调整的，以调整后的截止时间为准，此前通知和提醒中的截止时间不再适用。\n"
        "　　撤销的事项，自即日起不再办理。\n")
check(want in body, f"the county's notice, word for word:\n{body}")
eq(str(by["aa@x.example"]["Subject"]), "关于你单位承担事项调整的通知", "its title")
check("Date: Mon, 20 Feb 2017 10:00:00 +0800" in str(by["aa@x.example"]),
      "dated at the load, not before")
bb = by["bureau@x.example"].get_body().get_content().replace("\r\n", "\n")
check("　　1. 工作总结：截止时间由2017年4月28日（星期五）24时调整为2017年5月12日（星期五）24时。\n"
      in bb and "撤销的事项" not in bb,
      f"the bureau's one change, done not handed in, and no word of withdrawal: {bb}")
# the same version loaded again changes nothing and tells nobody again
n = len(st.mails())
st.ok("load", st.write("v2.yaml", V2))
eq(len(st.mails()), n, "loading the same version again sends nothing")

# A registry change: 甲钢铁 leaves the clean-up list; 乙水泥 is retired.
st.ok("advance", "--to", "2017-02-21T10:00:00+08:00")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("import", st.write("e2.csv", HEAD + f"{E1},甲钢铁,aa,steel,false,e1@x.example\n"))
st.ok("retire", E2, "--reason", "企业已关停")
told = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq(sorted((str(m["To"]), m["X-Dabiao-Kind"], m["X-Dabiao-Task"]) for m in told),
   [("e1@x.example", "changed", f"vt/filing/{E1}/once"),
    ("e2@x.example", "changed", f"vt/filing/{E2}/once")],
   "each enterprise is told its task is withdrawn")
b1 = [m for m in told if str(m["To"]) == "e1@x.example"][0].get_body().get_content().replace("\r\n", "\n")
check("甲钢铁：\n　　根据更新后的登记册，你单位承担的以下1项事项有调整：\n"
      "　　1. 《治理方案》：撤销，不再报送（根据更新后的登记信息，该事项已不适用于你单位）。\n"
      in b1, f"unlisted: why, in words: {b1}")
b2 = [m for m in told if str(m["To"]) == "e2@x.example"][0].get_body().get_content().replace("\r\n", "\n")
check("　　1. 《治理方案》：撤销，不再报送（乙水泥已于2017年2月21日（星期二）退出登记"
      "（原因：企业已关停））。\n" in b2, f"retired: when and why: {b2}")
import json  # noqa: E402
aud = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]
eq(len([r for r in aud if r["action"] == "notice.queue" and "/changed/" in json.dumps(r)]), 5,
   "each of the five notices is audited (notice.queue)")
# Review 10c, m3: a renamed milestone's task that a shorter `until` cancels is counted as
# cancelled, not also as carried over. Loaded 02-21, each county's 2017-02 table (due
# 02-10) is not applicable; 03 and 04 are carried over (2 x 2), 05 and 06 cancelled (2 x 2).
R1 = V1.replace("plan: vt", "plan: vr")
R2 = R1.replace("{id: monthly,", "{id: table, renamed_from: monthly,").replace(
    "until: 2017-06", "until: 2017-04")
st.ok("load", st.write("r1.yaml", R1))
out = st.ok("load", st.write("r2.yaml", R2), "--dry-run")


def count(title):
    import re
    m = re.search(r"^  " + re.escape(title) + r" +(\d+)$", out, re.M)
    return int(m.group(1)) if m else 0


eq((count("renamed milestone's tasks carried over"), count("tasks cancelled")), (4, 4),
   f"carried over and cancelled, each task once: {out}")
st.cleanup()
done("owners told, one notice each, when a version or the registry moves or cancels their tasks")
