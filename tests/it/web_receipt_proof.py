"""A county proves its hand-in from its receipt alone (review 11b, m7; docs/audit.md "A
receipt's proof"): the receipt mail carries the record, its inclusion proof and the signed
checkpoint of the log up to and including the submission (its record is the tree's last
leaf), which tests/lib/audit_verify.py --receipt checks with the bureau's public key and no
export and no server; a changed byte fails it. The checkpoint is kept with the heads that
left the machine (`audit checkpoints`) and `audit verify --checkpoint` holds the log to it
later. The receipt's own address /r/SEQ/TOKEN shows the same checkpoint and proof file,
and keeps doing so after the link is revoked and after the county is retired (its task
cancelled); a wrong token, another record's number or a record that is no submission
answers 404."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import E2, Client, links_in_outbox, overdue_with_link  # noqa: E402

VERIFY = os.path.join(os.path.dirname(__file__), "..", "lib", "audit_verify.py")
T1, T2 = "web/report/j1/once", "web/report/j2/once"
st = Store()
srv, path1 = overdue_with_link(st, T1)
path2 = links_in_outbox(st, T2)[-1][1][len(srv.base):]
pub = st.path("audit-key.pub.pem")
subprocess.run(["openssl", "pkey", "-in", os.path.join(st.db, "audit-key.pem"), "-pubout",
                "-out", pub], check=True)


def verify(path):
    p = subprocess.run(["/usr/bin/python3", VERIFY, "--receipt", path, "--key", pub],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def submit(path, by):
    c = Client(srv.base)
    c.get(path)
    status, hdrs, _ = c.post(path, {"by": by},
                             files=[("file", "名录.pdf", f"%PDF-1.4 {by}\n".encode(),
                                     "application/pdf")])
    eq(status, 303, f"{by} submits from its link")
    seq = int(re.search(r"receipt=(\d+)", hdrs["Location"]).group(1))
    page = c.get(hdrs["Location"])[2]
    own = re.search(r'id="receipt-url" href="(/r/%d/[A-Za-z0-9_-]{43})"' % seq, page)
    check(own is not None, f"the receipt shows its own address: {page[-600:]}")
    return seq, own.group(1) if own else "/r/0/x", page


seq1, own1, page1 = submit(path1, "甲县李")
# the hand-in is after the deadline (03-10; now 03-12): its receipt proves when, not 按时
# (review 11c, m2), to the second
check("已收到（迟报）" in page1 and "可用于日后证明按时报送" not in page1,
      f"a late hand-in's receipt says 迟报 and promises nothing: {page1[:600]}")
check(re.search(r'id="receipt-time">2017-03-12 12:00:\d\d \+08:00', page1) is not None,
      "its time to the second")
seq2, own2, _ = submit(path2, "乙县周")

# the mail's block alone proves the record, signed
mails = [m for m in st.mails() if m["X-Dabiao-Kind"] == "receipt" and
         T1 in (m.get_all("X-Dabiao-Task") or [])]
eq(len(mails), 1, "one receipt mail for j1")
text = "".join(p.get_content() for p in mails[0].walk()
               if p.get_content_type() == "text/plain").replace("\r\n", "\n")
check("-----BEGIN DABIAO RECEIPT PROOF-----" in text, f"the mail carries the proof: {text[-800:]}")
check(f"{srv.base}{own1}" in text, "and the receipt's own address")
check(re.search(r"于2017-03-12 12:00:\d\d \+08:00（迟报）收到", text) is not None,
      f"the mail says when, to the second, and that it was late: {text[:600]}")
mailed = st.write("mail-proof.txt", text)
rc, out = verify(mailed)
eq(rc, 0, f"the mail's proof verifies with the public key alone: {out}")
check(f"record {seq1}: included in the checkpoint" in out and f" at {seq1} " in out,
      f"the record is the last leaf of the signed tree of {seq1} records: {out}")
block = text.split("-----BEGIN DABIAO RECEIPT PROOF-----")[1]
record = json.loads(re.search(r"^record (.*)$", block, re.M).group(1))
eq((record["seq"], record["action"], record["task"]), (seq1, "task.submit", T1),
   "the proven record is j1's submission")
check("甲县李" in record["details"] and "名录.pdf" in record["details"],
      "naming who handed in and the file")

# a changed byte anywhere that matters fails
for what, old, new in [("the record", "甲县李", "甲县王"),
                       ("a path hash", re.search(r"^proof (\w)", block, re.M).group(0),
                        "proof " + ("0" if re.search(r"^proof (\w)", block, re.M).group(1) != "0"
                                    else "1")),
                       ("the tree size", f"tree_size {seq1}", f"tree_size {seq1 + 1}")]:
    head, tail = text.split("-----BEGIN DABIAO RECEIPT PROOF-----")
    bad = st.write("bad-proof.txt", head + "-----BEGIN DABIAO RECEIPT PROOF-----" +
                   tail.replace(old, new, 1))
    rc, out = verify(bad)
    check(rc != 0, f"a receipt with {what} changed does not verify: {out}")
# what the bureau hands a verifier, and the mail as the county saved it (review 11d, W2): the
# line `dabiao audit key` prints is a key too, and the .eml (base64 body) is read as a mail
verifier = st.write("verifier.txt", st.ok("audit", "key"))
eml = [n for n, m in zip(st.outbox(), st.mails()) if m["X-Dabiao-Kind"] == "receipt" and
       T1 in (m.get_all("X-Dabiao-Task") or [])]
eq(len(eml), 1, "the receipt's .eml in the outbox")
for key, what in ((verifier, "the verifier key line"), (pub, "the PEM public key")):
    p = subprocess.run(["/usr/bin/python3", VERIFY, "--receipt",
                        os.path.join(st.db, "outbox", eml[0]), "--key", key],
                       capture_output=True, text=True)
    eq(p.returncode, 0, f"the saved .eml verifies with {what}: {p.stdout}{p.stderr}")
    check("(signature verified)" in p.stdout, f"signed: {p.stdout}")
junk = st.write("junk-key.txt", "not a key\n")
p = subprocess.run(["/usr/bin/python3", VERIFY, "--receipt", mailed, "--key", junk],
                   capture_output=True, text=True)
check(p.returncode == 1 and "Traceback" not in p.stderr and "dabiao audit key" in p.stderr,
      f"a key that is none: one line saying what to give: {p.stderr}")
other_key = st.path("other.pem")
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", other_key], check=True)
p = subprocess.run(["/usr/bin/python3", VERIFY, "--receipt", mailed, "--key", other_key],
                   capture_output=True, text=True)
check(p.returncode != 0, f"nor with another key: {p.stdout}{p.stderr}")

# the checkpoint is kept, and the log is held to it
kept = st.ok("audit", "checkpoints", "--full")
cp_text = block.split("\ncheckpoint\n", 1)[1].split("-----END")[0].rstrip("\n") + "\n"
check(cp_text.strip() in kept, f"the receipt's checkpoint is kept: {kept[-600:]}")
cp_file = st.write("receipt-cp.txt", cp_text)
st.ok("audit", "verify", "--checkpoint", cp_file, "--key", pub)
proved = st.ok("audit", "prove", str(seq1), "--checkpoint", cp_file)
check(proved.strip() in block, f"`audit prove --checkpoint` gives the mail's lines: {proved}")

# the receipt's own address: the same checkpoint and file, for the holder only
county = Client(srv.base)
status, _, page = county.get(own1)
eq(status, 200, "the receipt's own address opens without an account")
check(cp_text.strip().split("\n")[-1] in page.replace("&#8212;", "\u2014"),
      "showing the checkpoint the mail carried")
status, hdrs, body = county.get(own1 + "/proof.txt")
eq(status, 200, "its proof file downloads")
check("attachment" in (hdrs.get("Content-Disposition") or ""), "as an attachment")
got = st.write("page-proof.txt", body)
rc, out = verify(got)
eq(rc, 0, f"and verifies as the mail's does: {out}")
check(body.strip() == block.split("-----END")[0].strip(), "byte for byte the mail's proof")
token = own1.rsplit("/", 1)[1]
eq(county.get(f"/r/{seq2}/{token}")[0], 404, "j1's token opens no other record")
eq(county.get(f"/r/{seq1}/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}")[0], 404,
   "a wrong token opens nothing")
eq(county.get(f"/r/1/{token}")[0], 404, "nor the log's first record")
eq(county.get(f"/r/{seq1}/{token}/other")[0], 404, "nothing else is under a receipt")

# revoked and retired: the links answer 410, the receipts stay
officer = Client(srv.base)
eq(officer.login("officer")[0], 303, "the officer logs in")
officer.get(f"/tasks/{T1}")
check(officer.post(f"/tasks/{T1}/revoke", {})[0] in (200, 303), "the officer revokes j1's links")
eq(county.get(path1)[0], 410, "j1's link opens nothing")
eq(county.get(own1)[0], 200, "its receipt's own address still opens")
eq(county.get(own1 + "/proof.txt")[2], body, "with the same proof")
st.ok("retire", E2, "--reason", "关停")  # its enterprise first
st.ok("retire", "j2", "--reason", "撤并")
eq([t["state"] for t in st.tasks() if t["key"] == T2], ["cancelled"], "j2's task is cancelled")
eq(county.get(path2)[0], 410, "the retired county's link opens nothing")
status, _, page = county.get(own2)
eq(status, 200, "the retired county's receipt still opens")
check("乙县周" in page, "showing its submission")
srv.stop()
st.cleanup()
done("a receipt carries its signed checkpoint and proof, and outlives its link")
