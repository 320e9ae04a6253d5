"""A hand-in on the web declares only the sections its sender ticked (review 11c, H1): the
link's form comes with no section ticked, and says that an unticked one counts as missing;
a submission with a file and nothing ticked is 内容不全 (incomplete), its record declaring
no section and missing both, as `dabiao submit` without --sections is; one ticked declares
that one and misses the other; both ticked is a complete hand-in waiting for review. The
receipt shows what was declared and what is missing.

The test plan's report requires overall and problems (tests/lib/web_it.py); the reminders
at -3d (2017-03-07 09:00) carry the links."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import Client, Server, links_in_outbox, setup_store  # noqa: E402

TASKS = ["web/report/j1/once", "web/report/j2/once"]
st = Store()
setup_store(st)
srv = Server(st)
os.environ["DABIAO_WEB_URL"] = srv.base
st.ok("advance", "--to", "2017-03-07T12:00:00+08:00")


def last_submit(task):
    recs = [json.loads(x)["record"] for x in st.ok("audit", "--task", task, "--format",
                                                   "jsonl").splitlines()]
    subs = [r for r in recs if r["action"] == "task.submit"]
    return json.loads(subs[-1]["details"]) if subs else {}


def state(task):
    return [t["state"] for t in st.tasks() if t["key"] == task][0]


def hand_in(task, ticked):
    path = links_in_outbox(st, task, "reminder")[-1][1][len(srv.base):]
    c = Client(srv.base)
    status, _, page = c.get(path)
    eq(status, 200, f"{task}'s link opens")
    boxes = re.findall(r'<input type="checkbox" name="sections"[^>]*>', page)
    eq(len(boxes), 2, "the form offers the two sections")
    check(not any("checked" in b for b in boxes), f"none of them ticked: {boxes}")
    check("未勾选的部分视为缺少" in page, "and it says an unticked one counts as missing")
    status, hdrs, _ = c.post(path, [("by", "甲县李")] + [("sections", s) for s in ticked],
                             files=[("file", "名录.pdf", b"%PDF-1.4\n", "application/pdf")])
    eq(status, 303, f"{task} handed in with {ticked or 'nothing'} ticked")
    return c.get(hdrs["Location"])[2]


# nothing ticked: 内容不全, nothing declared, both missing
receipt = hand_in(TASKS[0], [])
eq(state(TASKS[0]), "incomplete", "a hand-in with nothing ticked is 内容不全")
d = last_submit(TASKS[0])
eq((d.get("sections"), d.get("missing")), ("", "overall、problems"),
   "its record declares no section and misses both")
check("（未勾选任何部分）" in receipt, "the receipt says nothing was declared")
m = re.search(r'id="receipt-missing"[^>]*>(.*?)</td>', receipt)
check(m is not None and "overall" in m.group(1) and "problems" in m.group(1),
      f"and names both as missing: {m.group(1) if m else receipt[-500:]}")

# one ticked: that one declared, the other missing; then both: complete, waiting for review
hand_in(TASKS[1], ["overall"])
eq(state(TASKS[1]), "incomplete", "one section of two is 内容不全")
d = last_submit(TASKS[1])
eq((d.get("sections"), d.get("missing")), ("overall", "problems"),
   "declaring the ticked one, missing the other")
receipt = hand_in(TASKS[0], ["overall", "problems"])
eq(state(TASKS[0]), "submitted", "both ticked: complete, waiting for review")
d = last_submit(TASKS[0])
eq((d.get("sections"), d.get("missing")), ("overall,problems", ""), "declaring both")
check('id="receipt-missing"' not in receipt, "its receipt names nothing missing")
srv.stop()
st.cleanup()
done("a web hand-in declares only the sections its sender ticked")
