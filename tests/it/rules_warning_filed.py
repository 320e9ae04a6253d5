"""An approved conduct warning's delivery is filed where its queue record is, under the
warning's own key, not under the first lapsed task it names (review 10d, m-5): a county's
trail and the warning's own must each tell the whole story of the notice."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("wf", "归档测试", [
    county_task("x", "甲事项", "2017-03-01", "submit_to: bureau")],
    offices=[("bureau", "州环保局")], rules="conduct:\n"
    "  - {lapses: 1, within: 30d, kind: interview-warning, notify: [county], decide: [bureau]}\n")
REG = county_registry([("a", "甲县")], offices=("bureau",))

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("reg.yaml", REG))
st.decider("juzhang", "bureau", "局长")
# x lapses at 03-02 00:00; the 09:00 evaluation proposes a warning
st.ok("advance", "--to", "2017-03-02T10:00:00+08:00")
ws = json.loads(st.ok("warnings", "--format", "json"))
eq([w["state"] for w in ws], ["proposed"], "one proposal")
st.ok("decide", str(ws[0]["id"]), "approve", "--by", "局长", "--reason", "测试")
st.ok("advance", "--to", "2017-03-02T11:00:00+08:00")
recs = [json.loads(ln)["record"] for ln in st.ok("audit", "--format", "jsonl").splitlines()]


def details(r):
    d = r["details"]
    return json.loads(d) if isinstance(d, str) and d else (d or {})


queued = [r for r in recs if r["action"] == "notice.queue"
          and details(r).get("kind") == "interview-warning"]
sent = [r for r in recs if r["action"] == "notice.sent"
        and details(r).get("kind") == "interview-warning"]
eq(len(queued), 1, "the approved warning queued once")
eq(len(sent), 1, "and delivered once")
check(queued[0]["task"] != "wf/x/a/once", f"queued under the warning: {queued[0]['task']}")
eq(sent[0]["task"], queued[0]["task"], "its delivery is filed with its queue record")
st.cleanup()
done("an approved warning's delivery is filed under the warning, as its queue record is")
