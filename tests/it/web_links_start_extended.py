"""The notices that tell the owner to hand in by a date carry its submit link as a reminder
does (review 11d, W8): `start` — the first notice of a task created too late for its
reminders (here a county added to the registry the day before the due date) — and
`extended` — an extension's — each with X-Dabiao-Submit-URL and the link in the body, the
link opening that task's page."""
import email
import email.policy
import os
import sys
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import REG, links_in_outbox, served_store  # noqa: E402

st = Store()
srv = served_store(st)
try:
    st.ok("advance", "--to", "2017-03-09T12:00:00+08:00")
    st.ok("import", st.write("reg3.yaml", REG.replace(
        "enterprises:", "  - {id: j3, name: 丙县, kind: county, email: [j3@x.example]}\n"
                        "enterprises:")))
    st.ok("extend", "web/report/j2/once", "--to", "2017-03-20", "--by", "王科长",
          "--reason", "乙县申请")
    st.ok("advance", "--to", "2017-03-09T13:00:00+08:00")
    for task, kind in (("web/report/j3/once", "start"), ("web/report/j2/once", "extended")):
        links = links_in_outbox(st, task, kind)
        eq(len(links), 1, f"{task}: its {kind} notice carries a submit link")
        for name in st.outbox():
            with open(os.path.join(st.db, "outbox", name), "rb") as f:
                m = email.message_from_binary_file(f, policy=email.policy.default)
            if m["X-Dabiao-Kind"] == kind and task in (m.get_all("X-Dabiao-Task") or []):
                check(links[0][1] in m.get_body(("plain",)).get_content(),
                      f"{kind}: the link is in the body too")
        with urllib.request.urlopen(links[0][1], timeout=30) as r:
            page = r.read().decode()
        eq(r.status, 200, f"{kind}: the link opens")
        check("评估报告" in page and "by" in page, f"{kind}: on the task's page with its form")
finally:
    srv.stop()
st.cleanup()
done("start and extended notices carry the submit link")
