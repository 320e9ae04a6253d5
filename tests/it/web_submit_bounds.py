"""Submissions without files are bounded too: an overdue task whose incomplete submissions
leave it open to more took one empty submission after another from its link, each an audit
record and a receipt mail (review of issue 11, F23's other half; only files were bounded).

With task_submissions_limit 4 and submissions_per_hour 3 (worked out below):
- the link submits 3 times in the hour; its 4th attempt is 429 with Retry-After, a Chinese
  page naming web.submissions_per_hour, nothing kept, and one `web.submit_refused` audit
  record (bound submissions_per_hour, the link's actor, the address); a 5th attempt is
  refused too, without a second record (once per hour and link);
- an account of the same county is counted apart (per account and task): its 1st
  submission is the task's 4th and is taken; its 2nd would be the 5th: 429 naming
  web.task_submissions_limit, audited each time, nothing kept;
- the API answers the same refusal as JSON.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, links_in_outbox, setup_store  # noqa: E402

T1 = "web/report/j1/once"
st = Store()
setup_store(st)
cfg = st.write("web.yaml", "web:\n  task_submissions_limit: 4\n  submissions_per_hour: 3\n")
srv = Server(st, config=cfg)
os.environ["DABIAO_WEB_URL"] = srv.base
# past the deadline (03-10): an incomplete submission leaves the task overdue, open to more
st.ok("--config", cfg, "advance", "--to", "2017-03-12T12:00:00+08:00")
link = links_in_outbox(st, T1)[0][1][len(srv.base):]


def records():
    return [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]


def submissions():
    return [r for r in records() if r["action"] == "task.submit" and r["task"] == T1]


def refusals():
    out = []
    for r in records():
        if r["action"] == "web.submit_refused":
            d = json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]
            out.append((r["task"], r["actor"], d["bound"], d["limit"], d["address"]))
    return out


county = Client(srv.base)
county.get(link)
for i in (1, 2, 3):
    eq(county.post(link, {"by": "呼图壁某"})[0], 303, f"link submission {i} without a file")
    county.get(link)
eq(len(submissions()), 3, "three submissions kept")
eq([t["state"] for t in st.tasks() if t["key"] == T1], ["overdue"],
   "the incomplete late submissions leave the task open to more")
before = len(records())
status, hdrs, page = county.post(link, {"by": "呼图壁某"})
eq(status, 429, "the link's 4th submission within the hour is refused")
eq(hdrs.get("Retry-After"), "3600", "Retry-After: the hour")
check("web.submissions_per_hour" in page and "3 次" in page and "未保存任何内容" in page,
      f"the page says which bound and that nothing was kept: {page[-700:]}")
eq(len(submissions()), 3, "nothing submitted")
eq(refusals(), [(T1, "link:county_epb/j1:呼图壁某", "submissions_per_hour", 3, "127.0.0.1")],
   "the refusal is audited, naming the bound, the link's actor and the address")
eq(len(records()), before + 1, "and only that record")
county.get(link)
status, _, page = county.post(link, {"by": "呼图壁某"})
eq(status, 429, "a 5th attempt is refused too")
check("过于频繁" in page, f"with a short page: {page[-400:]}")
eq(len(refusals()), 1, "without a second record this hour")

# an account is counted per account and task, apart from the link; the task's own bound
acct = Client(srv.base)
eq(acct.login("county1")[0], 303, "county1 logs in")
acct.get(f"/tasks/{T1}")
eq(acct.post(f"/tasks/{T1}/submit", {"by": "甲县李"})[0], 303,
   "the account's first submission is the task's 4th: taken")
eq(len(submissions()), 4, "four kept")
acct.get(f"/tasks/{T1}")
status, hdrs, page = acct.post(f"/tasks/{T1}/submit", {"by": "甲县李"})
eq(status, 429, "a 5th submission of the task is refused")
check("web.task_submissions_limit" in page and "已累计报送 4 次" in page,
      f"naming the task's bound and its count: {page[-700:]}")
eq(hdrs.get("Retry-After"), None, "no point retrying: the task's bound does not pass")
eq(len(submissions()), 4, "nothing submitted")
eq(refusals()[-1], (T1, "web:county1", "task_submissions_limit", 4, "127.0.0.1"),
   "audited with the account as the actor")

token = st.ok("user", "token", "county1").strip()
status, _, body = acct.req("POST", f"/api/tasks/{T1}/submit", data=b"by=%E7%94%B2",
                           headers={"Authorization": f"Bearer {token}"},
                           ctype="application/x-www-form-urlencoded")
eq(status, 429, "the API refuses it too")
eq(json.loads(body)["error"], 429, "as JSON")
check("web.task_submissions_limit" in json.loads(body)["message"], f"with the message: {body}")
eq(len(refusals()), 3, "each refusal by the task's bound is a record")

bad = st.write("bad.yaml", "web:\n  submissions_per_hour: 0\n")
status, _, err = st.run("--config", bad, "status")
eq(status, 78, "submissions_per_hour 0 is a configuration error")
check("bad.yaml:2:" in err and "web.submissions_per_hour" in err, f"naming where: {err}")
srv.stop()
st.cleanup()
done("submissions bounded per task and per link or account and task within an hour")
