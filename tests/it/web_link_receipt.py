"""A county that submits from its link, with no account, can open the inclusion proof its
receipt points to, and keeps its receipt after the officer accepts (review of issue 11, F4):
the receipt page points at /s/TOKEN/proof/SEQ, which shows the record of that task only, and
the mail at the receipt's own address /r/SEQ/TOKEN; after accept the link's page and receipt
still answer 200 and a submission 410; a revoked link opens nothing, while the receipt's own
address still opens its receipt (review 11b, m7)."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, links_in_outbox, setup_store  # noqa: E402

T1, T2 = "web/report/j1/once", "web/report/j2/once"
st = Store()
setup_store(st)
srv = Server(st)
os.environ["DABIAO_WEB_URL"] = srv.base
st.ok("advance", "--to", "2017-03-07T12:00:00+08:00")  # the -3d reminders
url1 = links_in_outbox(st, T1, "reminder")[0][1]
url2 = links_in_outbox(st, T2, "reminder")[0][1]
path1, path2 = url1[len(srv.base):], url2[len(srv.base):]

county = Client(srv.base)
eq(county.get(path1)[0], 200, "the county opens its link")
status, hdrs, _ = county.post(path1, [("by", "甲县李"), ("sections", "overall"),
                                     ("sections", "problems")],
                              files=[("file", "名录.pdf", b"%PDF-1.4 j1\n", "application/pdf")])
eq(status, 303, "it submits from the link")
receipt = hdrs["Location"]
m = re.search(r"receipt=(\d+)", receipt)
check(m is not None, f"the answer goes to the receipt: {receipt}")
seq = int(m.group(1))
status, _, page = county.get(receipt)
eq(status, 200, "the receipt page opens")
check("可用于日后证明按时报送" in page and "迟报" not in page.split('id="receipt-time"')[0],
      "a hand-in before the deadline is receipted as in time")
proof = f"{path1}/proof/{seq}"
check(f'href="{proof}"' in page, f"the receipt points at the proof under the link: {proof}")
check(f'href="/proof/{seq}"' not in page, "not at the login-only /proof")

status, _, page = county.get(proof)
eq(status, 200, "the county opens its proof without an account")
check(f"审计记录 #{seq} 的包含证明" in page and 'id="root"' in page,
      "the page is the record's inclusion proof")
canon = re.search(r'<pre class="hash" id="canonical">(.*?)</pre>', page, re.S)
check(canon is not None and "task.submit" in canon.group(1) and T1 in canon.group(1),
      "the proof is of its own submission")

# the receipt mail names the receipt's own address, which the page shows too
mail = [m for m in st.mails() if m["X-Dabiao-Kind"] == "receipt"]
eq(len(mail), 1, "one receipt mail")
text = "".join(p.get_content() for p in mail[0].walk() if p.get_content_type() == "text/plain")
page_r = county.get(receipt)[2]
own = re.search(r'id="receipt-url" href="(/r/%d/[A-Za-z0-9_-]{43})"' % seq, page_r)
check(own is not None, f"the receipt page shows its own address: {page_r[-800:]}")
own = own.group(1) if own else "/r/missing"
check(f"{srv.base}{own}" in text, f"the receipt mail points at that address: {text[-400:]}")

# records of other tasks are not under this link, whether they exist or not
other = Client(srv.base)
eq(other.get(path2)[0], 200, "j2's link opens")
status, hdrs, _ = other.post(path2, {"by": "乙县周"}, files=[])
eq(status, 303, "j2 submits from its link")
seq2 = int(re.search(r"receipt=(\d+)", hdrs["Location"]).group(1))
own2 = re.search(r'id="receipt-url" href="([^"]+)"', other.get(hdrs["Location"])[2]).group(1)
eq(county.get(f"{path1}/proof/{seq2}")[0], 404, "j1's link does not show j2's record")
eq(county.get(f"{path1}/proof/1")[0], 404, "nor the log's first record (not its task's)")
eq(county.get(f"{path1}/proof/999999")[0], 404, "nor one that does not exist")
eq(county.get(f"{path1}/other")[0], 404, "nothing else is under a link")

# the officer accepts: the link takes no more, but shows the receipt and proof
officer = Client(srv.base)
eq(officer.login("officer")[0], 303, "the officer logs in")
officer.get(f"/tasks/{T1}")
status, _, _ = officer.post(f"/tasks/{T1}/review", {"action": "accept", "reason": ""})
eq(status, 303, "the officer accepts j1's submission")
eq([t["state"] for t in st.tasks() if t["key"] == T1], ["accepted"], "j1's task is accepted")
status, _, page = county.get(receipt)
eq(status, 200, "after accept the receipt page still opens (the county's evidence)")
check(f"{seq}" in page and "名录.pdf" in page, "and still shows what was received")
check('type="file"' not in page, "with no form to submit")
eq(county.get(proof)[0], 200, "and the proof")
status, _, _ = county.post(path1, {"by": "甲县李"}, files=[])
eq(status, 410, "a submission through it is refused")

# revoked: nothing opens
officer.get(f"/tasks/{T2}")
status, _, _ = officer.post(f"/tasks/{T2}/revoke", {})
check(status in (303, 200), f"the officer revokes j2's links: {status}")
eq(other.get(path2)[0], 410, "a revoked link opens nothing")
eq(other.get(f"{path2}/proof/{seq2}")[0], 410, "not even its proof")
status, _, page = other.get(own2)
eq(status, 200, "the receipt's own address still opens the receipt")
check("乙县周" in page and 'id="receipt-checkpoint"' in page,
      "with what was received and its checkpoint")
check(path2 not in page and 'type="file"' not in page and "/files/" not in page,
      "and nothing else of the task: no link, no form, no file")
srv.stop()
st.cleanup()
done("a link's receipt and proof stay open to the county, scoped to its task")
