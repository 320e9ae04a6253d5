"""The Changji 2017 year on a virtual clock, nobody submitting anything: the October Annex 3
table of one county reminds, lapses and escalates at its exact local times (National Day
holiday, a worked Saturday, working-day steps); conduct warnings reach every jurisdiction;
every notice is an e-mail Python parses, dated in Asia/Shanghai, with Chinese text."""
import email
import json
import email.policy
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", src("workflows", "changji-2017.yaml"))
st.ok("import", src("workflows", "changji-registry.yaml"))
out = st.ok("advance", "--to", "2019-01-01T00:00:00+08:00")
lines = [ln.split() for ln in out.splitlines()]
T = "changji-2017/monthly-summary/changji-city/2017-10"
# "DATE TIME OFFSET KIND TASK RECIPIENTS": every time with its offset
check(all(ln[2] == "+08:00" for ln in lines if len(ln) >= 5), "every time is +08:00")
lines = [ln[:2] + ln[3:] for ln in lines if len(ln) >= 5]
mine = [(ln[0] + " " + ln[1], ln[2]) for ln in lines if len(ln) >= 4 and ln[3] == T]
eq(mine, [
    ("2017-09-30 09:00", "reminder"),     # -1wd: 10-09's previous working day, a worked Sat
    # -5d, 10-04, falls in the holiday: held to the next working morning (10-09) it would
    # come after the -1wd reminder, so it is left out: reminders never arrive out of order
    ("2017-10-09 23:59:59", "deadline"),  # 10-05 moved to 10-09: its deadline, as tasks says
    ("2017-10-10 09:00", "overdue"),      # 1d
    ("2017-10-12 09:00", "escalation"),   # 3wd
    ("2017-10-23 09:00", "escalation"),   # 10wd
], "October Annex 3 of changji-city")

# decide: [prefecture_epb]: nothing warns a county before the bureau decides; candidate
# lists go to the bureau instead, and every jurisdiction is on one (nobody submits).
eq([ln for ln in lines if len(ln) >= 4 and "warning" in ln[2]], [], "no warning sent undecided")
check(any(len(ln) >= 4 and ln[2] == "candidates" for ln in lines), "candidate lists go out")
props = json.loads(st.ok("warnings", "--state", "proposed", "--format", "json"))
warned = {w["jurisdiction"] for w in props if w["kind"] == "interview-warning"}
eq(len(warned), 9, f"every jurisdiction awaits an interview decision: {sorted(warned)}")
check(any(w["kind"] == "approval-restriction-warning" for w in props),
      "approval-restriction proposals follow")
times = [ln[0] + " " + ln[1] for ln in lines if len(ln) >= 2]
eq(times, sorted(times), "the timeline is in time order")

files = st.outbox()
check(len(files) > 500, f"a year of notices: {len(files)}")
seen_ids = set()
for name in files:
    with open(os.path.join(st.db, "outbox", name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    check(not msg.defects, f"{name}: no parse defects {msg.defects}")
    check(str(msg["Date"]).endswith("+0800"), f"{name}: dated in Asia/Shanghai")
    mid = msg["Message-ID"]
    check(mid not in seen_ids, f"{name}: Message-ID unique")
    seen_ids.add(mid)
    body = msg.get_body().get_content().replace("\r\n", "\n")
    check("昌吉" in body or "达标" in body, f"{name}: Chinese body")
    # the official text: no blank, no key, no English id (addresses and the audit head
    # under a dispatch aside), signed by the bureau the plan names
    text = re.sub(r"审计校验：.*?(\n\u2014 [^\n]*\n|未签名）)", "", str(msg["Subject"]) + "\n" + body, flags=re.S)
    text = re.sub(r"[\w.+-]+@[\w.-]+", "地址", text)
    # the one command a reader types: how the deciders record a decision (candidates)
    text = re.sub(r"dabiao decide 预警编号 approve（发出）或 dismiss（不发出） --by 决定人 "
                  r"--reason 理由", "命令", text)
    bad = re.search(r"（）|\{\{|changji-2017/|[A-Za-z][A-Za-z_-]+|^[　\s]*[。，；：]|：。|于前", text,
                    re.M)
    check(bad is None or bad.group(0) == "xlsx",
          f"{name}: {bad.group(0) if bad else ''!r} in {text[:2000]}")
    # the candidate list is a 请示 to the bureau, from its detachment (review12a P8)
    signer = "州环境监察支队" if msg["X-Dabiao-Kind"] == "candidates" else "昌吉回族自治州环境保护局"
    check(signer + "\n" in body, f"{name}: signed by {signer}")
    if msg["X-Dabiao-Task"] == T and msg["X-Dabiao-Kind"] == "reminder":
        check("全州10个行业超标企业清理汇总表" in str(msg["Subject"]) or
              "全州10个行业超标企业清理汇总表" in body, "the reminder names the table")
        check("2017年10月9日（星期一）24时前" in body, "the reminder says by when, in words")
        check("2017年9月《全州10个行业超标企业清理汇总表（附件3）》" in body,
              "the October table covers September")

st.cleanup()
done("Changji year: exact local times, holidays, escalations, conduct, parseable mail")
