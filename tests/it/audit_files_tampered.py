"""A file handed in on the web and changed or removed in DB/files/ afterwards is caught
(review 11c, M3): `dabiao audit verify` checks every file a task.submit record names against
its recorded sha256, names each missing or changed one by record, task and path, and exits
65; the officer's download refuses a changed file (never its new bytes under the old
hash) and says a removed one is gone. `--no-files` skips the files and says so."""
import hashlib
import os
import re
import sys
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)
srv = Server(st)
county = Client(srv.base)
eq(county.login("county1")[0], 303, "county1 logs in")

A = b"%PDF-1.4 the county's evaluation report, page 1 of 1\n" * 300   # 16,200 bytes
B = bytes(range(256)) * 40                                          # 10,240 bytes
sha_a, sha_b = hashlib.sha256(A).hexdigest(), hashlib.sha256(B).hexdigest()
key = "web/report/j1/once"
county.get(f"/tasks/{key}")
status, _, body = county.post(f"/tasks/{key}/submit",
                              [("by", "甲县李"), ("sections", "overall"),
                               ("sections", "problems")],
                              files=[("file", "评估报告.pdf", A, "application/pdf"),
                                     ("file", "附表.xlsx", B, "application/octet-stream")])
check(status in (200, 303), f"the county hands in two files: {status} {body[:300]}")
path_a = os.path.join(st.db, "files", sha_a[:2], sha_a)
path_b = os.path.join(st.db, "files", sha_b[:2], sha_b)
check(os.path.exists(path_a) and os.path.exists(path_b), "both files are kept by their sha256")
seq = [r for r in st.ok("audit", "--task", key, "--format", "jsonl").splitlines()
       if '"action":"task.submit"' in r]
eq(len(seq), 1, "one task.submit record")
seq = re.search(r'"seq":(\d+)', seq[0]).group(1)

officer = Client(srv.base)
eq(officer.login("officer")[0], 303, "the officer logs in")


def download(sha):
    """The officer's download from the task page: (status, the bytes)."""
    req = urllib.request.Request(f"{srv.base}/tasks/{key}/files/{sha}")
    try:
        resp = officer.opener.open(req, timeout=60)
        return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


# all holds: both files are checked, their bytes counted
rc, out, err = st.run("audit", "verify")
eq(rc, 0, f"verify passes on an untouched store: {err}")
check(f"submitted files: 2 ({len(A) + len(B)} bytes) match" in out,
      f"verify says it checked both files, {len(A) + len(B)} bytes: {out}")
eq(download(sha_a), (200, A), "the officer downloads the file as handed in")

# the first file's bytes changed in place (same length, so no size check could see it)
os.chmod(path_a, 0o600)
with open(path_a, "r+b") as f:
    f.write(b"%PDF-1.4 A FORGED REPORT")
rc, out, err = st.run("audit", "verify")
eq(rc, 65, f"verify fails when a submitted file was changed: {out} {err}")
check(re.search(rf"record {seq} \(task {re.escape(key)}\): .*files/{sha_a[:2]}/{sha_a} "
                r"\(\"评估报告.pdf\"\) does not match the record's sha256", err),
      f"it names the record, the task, the path and the file's name: {err}")
check("1 submitted file named by the audit log is missing or no longer matches" in err,
      f"and counts the faults: {err}")
check(sha_b not in err, "the untouched file is not named")
status, got = download(sha_a)
eq(status, 500, "the changed file is not served")
check(b"A FORGED" not in got and "已被改动" in got.decode("utf-8", "replace"),
      "the officer gets a page saying the file was changed, not the changed bytes")

# the second removed too: both named
os.remove(path_b)
rc, out, err = st.run("audit", "verify")
eq(rc, 65, "verify fails with a file missing")
check(re.search(rf"record {seq} \(task {re.escape(key)}\): .*files/{sha_b[:2]}/{sha_b} "
                r"\(\"附表.xlsx\"\) is missing", err), f"the missing file is named: {err}")
check("2 submitted files named by the audit log are missing" in err, f"two faults: {err}")
status, got = download(sha_b)
eq(status, 404, "a removed file answers 404")
check("不在存储中" in got.decode("utf-8", "replace") and "audit verify" in
      got.decode("utf-8", "replace"), "saying it is gone and what to run")

# --no-files: the tree and the notices only, and it says the files were not checked
rc, out, err = st.run("audit", "verify", "--no-files")
eq(rc, 0, f"--no-files skips the files: {err}")
check("submitted files: not checked (--no-files)" in out, f"and says so: {out}")

# restored from a backup copy: all holds again, and the download serves the original
with open(path_a, "wb") as f:
    f.write(A)
with open(path_b, "wb") as f:
    f.write(B)
rc, out, err = st.run("audit", "verify")
eq(rc, 0, f"restored, verify passes again: {err}")
eq(download(sha_a), (200, A), "and the original downloads again")
srv.stop()
st.cleanup()
done("a changed or removed submitted file fails audit verify by name and is never served")
