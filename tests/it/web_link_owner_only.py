"""A submit link reaches only the task's owner (review of issue 11, F15): whoever opens it
submits as the owner (actor link:ROLE/SUBJECT), so a notice addressed to the owner and to
others goes as two messages, the owner's with the link and its header, the others' (KEY#copy)
with the same words and no link; so do the others' day's messages.

Plan worked out by hand: roster due 2017-03-10 for j1, overdue 1 day later, notified to
[owner, supervision, prefecture_epb]; the configuration digests prefecture_epb. The overdue
notice goes to j1@ (owner: link), s@ (supervision: copy, no link) and, in its day's message,
p@ (prefecture: no link).

Then the Changji plan as the reviewer ran it: up to 2017-02-17 every message that carries a
link is addressed to the owner of the tasks it names, never to the detachment
(zhidui@cj-epb.example) or the bureau's office, which still get the overdue words."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import one_county_plan, one_county_store  # noqa: E402

PLAN = one_county_plan("lo", "链接归属测试", [
    "{id: roster, title: 排污单位名录, owner: county_epb, for: each jurisdiction, "
    "submit_to: supervision, due: 2017-03-10, grace: 0d, escalate: late}"],
    offices=("supervision", "prefecture_epb"),
    extra='notify_at: "09:00"\nescalations:\n  late:\n'
          "    - {after: 1d, kind: overdue, notify: [owner, supervision, prefecture_epb]}\n")
BASE = "https://dabiao.example.cn"
LINK = re.compile(re.escape(BASE) + r"/s/[A-Za-z0-9_-]{43}")


def body(m):
    return "".join(p.get_content() for p in m.walk() if p.get_content_type() == "text/plain")


def rcpts(m):
    return sorted(a.strip() for a in str(m["To"]).split(","))


def links(m):
    return set(LINK.findall(body(m))) | {str(h) for h in m.get_all("X-Dabiao-Submit-URL") or []}


os.environ["DABIAO_WEB_URL"] = BASE
st = Store()
cfg = st.write("dabiao.yaml", "digest: [prefecture_epb]\n")
one_county_store(st, PLAN, config=cfg)
st.ok("--config", cfg, "advance", "--to", "2017-03-13T12:00:00+08:00")

mails = st.mails()
overdue = {tuple(rcpts(m)): m for m in mails if m["X-Dabiao-Kind"] == "overdue"}
# (a message names every addressee; p@ gets it in its day's message, not this one)
eq(sorted(overdue), [("j1@x.example",), ("p@x.example", "s@x.example")],
   "the overdue notice goes as two messages: the owner's and the others'")
own, copy = overdue[("j1@x.example",)], overdue[("p@x.example", "s@x.example")]
url = own["X-Dabiao-Submit-URL"]
check(url is not None and LINK.fullmatch(str(url)) is not None,
      f"the owner's carries the link header: {url}")
check(str(url) in body(own), "and the link in its text")
eq(copy["X-Dabiao-Submit-URL"], None, "the detachment's copy has no link header")
eq(links(copy), set(), "nor a link in its text")
eq(body(copy).split("\n")[0], body(own).split("\n")[0], "the copy has the same title")
check("排污单位名录" in body(copy), "and says what is overdue")
eq(str(copy["X-Dabiao-Key"]), str(own["X-Dabiao-Key"]) + "#copy",
   "the copy's notice key is the owner's with #copy")

digests = [m for m in mails if rcpts(m) == ["p@x.example"]]
check(len(digests) == 1, f"the prefecture gets one day's message: {len(digests)}")
eq(links(digests[0]), set(), "the prefecture's day's message carries no link")
check("排污单位名录" in body(digests[0]), "yet holds the overdue words")

for m in mails:
    if links(m):
        eq(rcpts(m), ["j1@x.example"], f"a message with a link ({m['X-Dabiao-Kind']}) "
           "goes to the owner only")

# the audit trail says who got what: the owner's notice.queue lists j1@ only
recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
queued = []
for r in recs:
    d = json.loads(r["details"]) if isinstance(r["details"], str) else r["details"]
    if r["action"] == "notice.queue" and d.get("kind") == "overdue":
        queued.append(tuple(sorted(d["to"])))
queued.sort()
eq(queued, [("j1@x.example",), ("p@x.example", "s@x.example")],
   "two notice.queue records: the owner's, and the copy's to the others")
st.cleanup()

# The reviewer's store: Changji up to 2017-02-17, links in nobody's mail but the owners'.
st = Store("cj")
st.changji(until="2017-02-17T10:00:00+08:00")
with open(os.path.join(os.path.dirname(__file__), "..", "..", "workflows",
                       "changji-registry.yaml"), encoding="utf-8") as f:
    reg = f.read()
offices = set(re.findall(r"[\w.-]+@cj-epb\.example|[\w.-]+@xj-epb\.example", reg))
mails = st.mails()
with_link = [m for m in mails if links(m)]
check(len(with_link) > 0, "Changji's reminders and overdue notices carry links")
for m in with_link:
    bad = set(rcpts(m)) & offices
    eq(bad, set(), f"no office gets a link ({m['X-Dabiao-Kind']} {m['X-Dabiao-Key']})")
zhidui = [m for m in mails if "zhidui@cj-epb.example" in rcpts(m)
          and ("逾期" in body(m) or m["X-Dabiao-Kind"] == "overdue")]
check(len(zhidui) > 0, "the detachment still gets the overdue words")
for m in zhidui:
    eq(links(m), set(), f"without links: {m['X-Dabiao-Key']}")
st.cleanup()
done("a submit link reaches only the owner; the others get the words without it")
