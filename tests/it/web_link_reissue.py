"""Revoking a task's links sends its owner a fresh one (review 11c, M1; docs/web.md "Links"):
the officer revokes a leaked link of an overdue task with 同时向责任单位发送新的报送链接
ticked (the form's default); the old link answers 410 at once, the owner gets a notice of
kind `link` carrying a new link (body and X-Dabiao-Submit-URL), which opens the task and
takes the hand-in; `link.revoke` records that one was reissued. Unticked, nothing is sent;
a task that takes no hand-in now (waiting for review) gets no link either."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import Client, links_in_outbox, overdue_with_link  # noqa: E402

T1, T2 = "web/report/j1/once", "web/report/j2/once"
st = Store()
srv, old = overdue_with_link(st, T1)
old2 = links_in_outbox(st, T2)[-1][1][len(srv.base):]
county = Client(srv.base)
eq(county.get(old)[0], 200, "j1's link opens before the revoke")


def revokes(task):
    recs = [json.loads(x)["record"] for x in st.ok("audit", "--task", task, "--format",
                                                   "jsonl").splitlines()]
    return [json.loads(r["details"]) for r in recs if r["action"] == "link.revoke"]


officer = Client(srv.base)
eq(officer.login("officer")[0], 303, "the officer logs in")
status, _, page = officer.get(f"/tasks/{T1}")
check('name="reissue" value="1" id="reissue" checked' in page,
      "the revoke form offers a fresh link, ticked")
live = len(links_in_outbox(st, T1))  # every notice's link so far, none revoked yet
eq(officer.post(f"/tasks/{T1}/revoke", {"reissue": "1"})[0], 303, "the officer revokes j1's links")
eq(county.get(old)[0], 410, "the old link opens nothing")
fresh = links_in_outbox(st, T1, "link")
eq(len(fresh), 1, "the owner gets one notice of kind `link`, with a link")
new = fresh[0][1][len(srv.base):] if fresh else "/s/none"
check(new != old, "a new link")
mail = [m for m in st.mails() if m["X-Dabiao-Kind"] == "link"]
eq([m["To"] for m in mail], ["j1@x.example"], "to the owner's address")
text = "".join(p.get_content() for p in mail[0].walk() if p.get_content_type() == "text/plain")
check(fresh and fresh[0][1] in text and "已停用" in text,
      f"its body says the old link is stopped and gives the new one: {text[-500:]}")
status, _, page = county.get(new)
eq(status, 200, "the new link opens the task")
status, hdrs, _ = county.post(new, {"by": "甲县李", "sections": "overall"},
                              files=[("file", "名录.pdf", b"%PDF-1.4\n", "application/pdf")])
eq(status, 303, "and takes the hand-in")
eq(revokes(T1), [{"revoked": live, "reissued": True}],
   f"the revoke is audited: its {live} links revoked, one reissued")

# unticked: revoked, nothing sent
officer.get(f"/tasks/{T2}")
live2 = len(links_in_outbox(st, T2))
eq(officer.post(f"/tasks/{T2}/revoke", {})[0], 303, "j2's links revoked without a fresh one")
eq(links_in_outbox(st, T2, "link"), [], "no link notice for j2")
eq(county.get(old2)[0], 410, "j2's old link opens nothing")
eq(revokes(T2), [{"revoked": live2, "reissued": False}], "audited as not reissued")

# a task that takes no hand-in now gets no link, even ticked
county.get(new)
status, _, _ = county.post(new, [("by", "甲县李"), ("sections", "overall"),
                                 ("sections", "problems")], files=[])
eq([t["state"] for t in st.tasks() if t["key"] == T1], ["submitted"],
   "j1's complete hand-in waits for review")
officer.get(f"/tasks/{T1}")
since = len(links_in_outbox(st, T1)) - live  # the fresh link, the 内容不全 notice's
eq(officer.post(f"/tasks/{T1}/revoke", {"reissue": "1"})[0], 303, "revoked again, ticked")
eq(len(links_in_outbox(st, T1, "link")), 1, "no second link notice: nothing to hand in now")
eq(revokes(T1)[-1], {"revoked": since, "reissued": False},
   f"audited as not reissued, its {since} newer links revoked")
srv.stop()
st.cleanup()
done("revoking a task's links sends the owner a fresh one while it can hand in")
