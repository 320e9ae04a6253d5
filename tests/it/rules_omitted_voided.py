"""Voiding a lapse leaves the task's 漏报 counted on its own (review10h K1; docs/plan-format.md
conduct, "What counts"): before, the lapse-and-漏报 event left with the lapse, and the
proposal was withdrawn ("余1项，不足预警标准") while `report accountability` still counted the
漏报 and `status` showed it flagged.

Worked out by hand (Europe/Berlin, rule {lapses: 2, within: 30d, of: [lapse, flag], decide}):
甲县 misses 甲表 and 乙表 (due Friday 2017-03-10); 甲表 is flagged 漏报 on 03-11 08:00; the
rule proposes warning 1 at 09:00 with 2 events. 甲表's hand-in, received 03-10 12:00, is
recorded on 03-11 10:00: its lapse is void, its 漏报 stands, so 2 events remain and a
proposal with 2 stands, saying the 漏报 still counts. Withdrawing the 漏报 then leaves 1:
the proposal is withdrawn."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: kk
title: 甲计划
timezone: Europe/Berlin
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  boss: {title: 局领导}
conduct:
  - {lapses: 2, within: 30d, kind: interview-warning, notify: [county_epb, boss], decide: [boss], of: [lapse, flag]}
accountability: {notify: [boss]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: a, title: 甲表, owner: county_epb, for: each jurisdiction, due: 2017-03-10, remind: [-1d]}
      - {id: b, title: 乙表, owner: county_epb, for: each jurisdiction, due: 2017-03-10, remind: [-1d]}
"""
REG = """\
jurisdictions:
  - {id: k1, name: 甲县, kind: county, email: [k1@x.example]}
offices:
  boss: [boss@x.example]
  admin: [admin@x.example]
"""
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+01:00")
st.ok("import", st.write("r.yaml", REG))
st.ok("load", st.write("p.yaml", PLAN))
st.ok("advance", "--to", "2017-03-11T08:00:00+01:00")
st.ok("flag", "kk/a/k1/once", "--kind", "omitted", "--by", "监测科", "--reason", "未报")
st.ok("advance", "--to", "2017-03-11T10:00:00+01:00")


def proposed():
    return [(w["count"], sorted(w["tasks"])) for w in json.loads(st.ok("warnings", "--format",
                                                                       "json"))
            if w["state"] == "proposed"]


eq(proposed(), [(2, ["kk/a/k1/once", "kk/b/k1/once"])], "one proposal, 2 events")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("submit", "kk/a/k1/once", "--by", "甲县", "--at", "2017-03-10T12:00:00+01:00")
eq(proposed(), [(2, ["kk/a/k1/once", "kk/b/k1/once"])],
   "the lapse voided, 甲表's 漏报 still counts: 2 events, a proposal stands")
told = [m.get_content() for m in st.mails() if m["X-Dabiao-Key"] not in before
        and m["X-Dabiao-Kind"] == "candidates"]
check(all("不足预警标准" not in t for t in told), f"nobody is told it fell below: {told}")
check(any("其漏报登记仍计入" in t for t in told) or not told,
      f"a change the deciders hear of says the 漏报 still counts: {told}")
st.ok("flag", "kk/a/k1/once", "--withdraw", "--kind", "omitted", "--by", "监测科", "--reason",
      "误登")
eq(proposed(), [], "the 漏报 withdrawn too: 1 event left, the proposal is withdrawn")
done("voiding a lapse leaves its 漏报 counted")
