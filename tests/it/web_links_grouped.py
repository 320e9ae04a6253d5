"""Submit links in a day's grouped message (notices.group): a county that gets its
reminders in one message a day still finds each task's link as a header
`X-Dabiao-Submit-URL:`, as on a notice of its own (issue 11: "in the body and as the
header"), for a day's only notice sent as itself and for a day of two, one header per link,
each the link in the body, each opening its own task.

Plan worked out by hand: two reports due 2017-03-10 (reminded at -3d, 03-07 09:00) and one
due 2017-03-13 (reminded at -3d, 03-10 09:00), all grouped. j1 gets on 03-07 one message
holding two reminders (two links) and on 03-10 one holding only the third (sent as itself,
one link)."""
import email
import email.policy
import os
import re
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, done  # noqa: E402
from web_it import Server, free_port, one_county_plan, one_county_store  # noqa: E402

PLAN = one_county_plan("gl", "分组链接测试", [
    "{id: roster, title: 排污单位名录, owner: county_epb, for: each jurisdiction, "
    "submit_to: supervision, due: 2017-03-10, remind: [-3d]}",
    "{id: base, title: 超标企业基数, owner: county_epb, for: each jurisdiction, "
    "submit_to: supervision, due: 2017-03-10, remind: [-3d]}",
    "{id: summary, title: 工作总结, owner: county_epb, for: each jurisdiction, "
    "submit_to: supervision, due: 2017-03-13, remind: [-3d]}"],
    extra='notify_at: "09:00"\nnotices:\n  group: [reminder]\n')

st = Store()
port = free_port()
base = f"http://127.0.0.1:{port}"
os.environ["DABIAO_WEB_URL"] = base
one_county_store(st, PLAN)
st.ok("advance", "--to", "2017-03-10T12:00:00+08:00")


def county_mail():
    out = []
    for name in sorted(st.outbox()):
        with open(os.path.join(st.db, "outbox", name), "rb") as f:
            m = email.message_from_binary_file(f, policy=email.policy.default)
        if str(m["To"]) == "j1@x.example":
            out.append(m)
    return sorted(out, key=lambda m: m["X-Dabiao-Scheduled"])


mails = county_mail()
eq([(m["X-Dabiao-Scheduled"][:10], m["X-Dabiao-Kind"]) for m in mails],
   [("2017-03-07", "digest"), ("2017-03-10", "digest")], "one grouped message a day")
pattern = re.escape(base) + r"/s/[A-Za-z0-9_-]{43}"
srv = Server(st)  # the link's host is the configured base; its path works on any port
for m, titles in zip(mails, (["排污单位名录", "超标企业基数"], ["工作总结"])):
    day = m["X-Dabiao-Scheduled"][:10]
    heads = sorted(str(h) for h in m.get_all("X-Dabiao-Submit-URL") or [])
    body = sorted(set(re.findall(pattern, m.get_body(("plain",)).get_content())))
    eq(len(heads), len(titles), f"{day}: one link header per reminder in the message")
    eq(heads, body, f"{day}: the headers are the links the text gives")
    opened = []
    for url in heads:
        with urllib.request.urlopen(srv.base + url[len(base):], timeout=60) as resp:
            page = resp.read().decode()
        opened += [t for t in titles if t in page]
    eq(sorted(opened), sorted(titles), f"{day}: each link opens its own reminder's task")
srv.stop()
st.cleanup()
done("grouped reminders carry their submit links as headers")
