"""Review11g S11: with `link_days`, a reminder's link expires while its task is still due.
Its page says so — when it expired, the task's deadline, whom to ask — and offers a fresh
link, sent to the county's registered address (never to whoever holds the link), audited
`link.reissue`, at most once an hour a task; the fresh link takes the hand-in. A hand-in
through the expired link is refused (410) saying to ask for a new one. Worked by hand
(link_days: 1): the report due 2017-03-20 is reminded 15 days before, 03-05 09:00, with a
link that expires 03-06 09:00; on 03-08 the county opens it."""
import email
import email.policy
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import Client, Server, links_in_outbox, one_county_plan, one_county_store  # noqa: E402

PLAN = one_county_plan("lx", "链接方案", [
    "{id: r, title: 季度报告, owner: county_epb, for: each jurisdiction, submit_to: supervision, "
    "due: 2017-03-20, remind: [-15d]}"], extra='notify_at: "09:00"\n')
TASK = "lx/r/j1/once"
st = Store()
cfg = st.write("dabiao.yaml", "web:\n  link_days: 1\n")
os.environ["DABIAO_CONFIG"] = cfg
one_county_store(st, PLAN)
srv = Server(st)
os.environ["DABIAO_WEB_URL"] = srv.base  # so `advance` writes links to this server
try:
    st.ok("advance", "--to", "2017-03-08T10:00:00+08:00")
    links = links_in_outbox(st, TASK, "reminder")
    eq(len(links), 1, "the reminder carried a link")
    path = links[0][1][len(srv.base):]
    c = Client(srv.base)
    status, _, page = c.get(path)
    eq(status, 200, "the expired link still opens its page")
    box = page[page.index('id="link-expired"'):]
    box = box[:box.index("</div>")]
    check("已于 2017-03-06 09:00" in box and "有效期为 1 天" in box,
          f"it says the link expired and when: {box}")
    check("仍须报送" in box and "2017-03-20" in box, f"and that the task is still due: {box}")
    check('id="contact">如有疑问，请联系监察支队（s@x.example）' in box, f"whom to ask: {box}")
    check('type="file"' not in page, "no hand-in form")
    token = re.search(r'name="csrf" value="([^"]+)"', box).group(1)
    status, _, body = c.post(path, [("by", "甲县李"), ("csrf", token)], files=[])
    eq(status, 410, "a hand-in through the expired link is refused")
    check("申请" in body and "新的报送链接" in body, f"saying to ask for a new one: {body}")

    eq(c.post(path + "/reissue", [], csrf=False)[0], 403, "no form token: 403")
    before = set(st.outbox())
    status, hdrs, _ = c.post(path + "/reissue", [("csrf", token)])
    eq(status, 303, "the county asks for a fresh link")
    eq(hdrs["Location"], path + "?reissued=1", "and is sent back to the page")
    check('id="reissued"' in c.get(path + "?reissued=1")[2], "which says the link went out")
    new = [n for n in set(st.outbox()) - before]
    eq(len(new), 1, "one notice queued")
    with open(os.path.join(st.db, "outbox", new[0]), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    eq((msg["X-Dabiao-Kind"], str(msg["To"])), ("link", "j1@x.example"),
       "a link notice to the county's registered address")
    fresh = str(msg["X-Dabiao-Submit-URL"])
    check(fresh.startswith(srv.base + "/s/") and fresh != links[0][1], "with a new link")
    status, _, page = c.get(fresh[len(srv.base):])
    check(status == 200 and 'type="file"' in page and 'id="link-expired"' not in page,
          "the fresh link opens the hand-in form")
    status, _, body = c.post(path + "/reissue", [("csrf", token)])
    eq(status, 429, "a second request within the hour")
    check("2017-03-08 10:00" in body, f"says when the last went out: {body}")
    recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
    reissues = [r for r in recs if r["action"] == "link.reissue"]
    eq(len(reissues), 1, "one link.reissue record")
    check(reissues[0]["task"] == TASK and reissues[0]["actor"].startswith("link:county_epb/j1"),
          f"of the task, by the link's holder: {reissues}")
    ftoken = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    eq(c.post(fresh[len(srv.base):] + "/reissue", [("csrf", ftoken)])[0], 409,
       "a link still good asks for nothing")
    status, _, _ = c.post(fresh[len(srv.base):], [("by", "甲县李"), ("csrf", ftoken)], files=[])
    eq(status, 303, "the county hands in through the fresh link")
finally:
    srv.stop()
st.cleanup()
done("an expired link says so, names the deadline and whom to ask, and brings a fresh one")
