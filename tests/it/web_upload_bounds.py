"""Uploads are bounded per task and in total (review of issue 11, F23): an overdue task whose
incomplete submissions leave it open to more took 900 KB after 900 KB from its link without
end. With task_files_limit 2MB and files_limit 3MB (worked out by hand below), the third
900 KB file of one task and a new file past the store's 3 MB are answered 413 with a page
naming the bound, and keep nothing: no file, no audit record. Bytes kept already cost
nothing; a restarted server counts what is on disk."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, links_in_outbox, setup_store  # noqa: E402

T1, T2 = "web/report/j1/once", "web/report/j2/once"
KB = 1024
st = Store()
setup_store(st)
cfg = st.write("web.yaml", "web:\n  upload_limit: 1MB\n  task_files_limit: 2MB\n"
               "  files_limit: 3MB\n")
srv = Server(st, config=cfg)
os.environ["DABIAO_WEB_URL"] = srv.base
# past the deadline (03-10): an incomplete submission leaves the task overdue, open to more
st.ok("--config", cfg, "advance", "--to", "2017-03-12T12:00:00+08:00")
link = links_in_outbox(st, T1)[0][1][len(srv.base):]


def blob(tag):
    """900 KB that differ per tag (so each is a new file to the store)."""
    return (tag.encode() * (900 * KB // len(tag) + 1))[:900 * KB]


def kept():
    out = {}
    for root, _, names in os.walk(os.path.join(st.db, "files")):
        if os.path.basename(root) != "tmp":
            for n in names:
                out[n] = os.path.getsize(os.path.join(root, n))
    return out


def audit_size():
    return len(st.ok("audit", "--format", "jsonl").splitlines())


county = Client(srv.base)
county.get(link)
for i in (1, 2):  # 900 KB + 900 KB = 1,800 KB <= 2,048 KB
    status, _, _ = county.post(link, {"by": "呼图壁某"},
                               files=[("file", f"f{i}.pdf", blob(f"j1-{i}"), "application/pdf")])
    eq(status, 303, f"submission {i} of 900 KB is taken")
    county.get(link)
eq([t["state"] for t in st.tasks() if t["key"] == T1], ["overdue"],
   "the incomplete late submissions leave the task open to more")
before, files = audit_size(), kept()
eq(sum(files.values()), 1800 * KB, "1,800 KB kept")
status, _, page = county.post(link, {"by": "呼图壁某"},
                              files=[("file", "f3.pdf", blob("j1-3"), "application/pdf")])
eq(status, 413, "a third 900 KB (2,700 KB > 2,048 KB for the task) is refused")
check("web.task_files_limit" in page and "1800 KB" in page,
      f"the page names the bound and what the task keeps: {page[-600:]}")
eq((audit_size(), kept()), (before, files), "nothing is kept: no record, no file")
status, _, _ = county.post(link, {"by": "呼图壁某"}, files=[])
eq(status, 303, "a submission without files is still taken")

# the store's total: 1,800 KB kept; j2 adds 900 KB (2,700 KB), then 900 KB more would be 3,600
other = Client(srv.base)
eq(other.login("county2")[0], 303, "county2 logs in")
other.get(f"/tasks/{T2}")
status, _, _ = other.post(f"/tasks/{T2}/submit", {"by": "乙县周"},
                          files=[("file", "a.pdf", blob("j2-1"), "application/pdf")])
eq(status, 303, "j2's first 900 KB is taken (2,700 KB of 3,072 KB)")
other.get(f"/tasks/{T2}")
before, files = audit_size(), kept()
status, _, page = other.post(f"/tasks/{T2}/submit", {"by": "乙县周"},
                             files=[("file", "b.pdf", blob("j2-2"), "application/pdf")])
eq(status, 413, "a new 900 KB past the store's 3 MB is refused")
check("web.files_limit" in page, "the page names the store's bound")
eq((audit_size(), kept()), (before, files), "nothing is kept")
other.get(f"/tasks/{T2}")
status, _, _ = other.post(f"/tasks/{T2}/submit", {"by": "乙县周"},
                          files=[("file", "same.pdf", blob("j1-1"), "application/pdf")])
eq(status, 303, "bytes the store keeps already cost nothing more: taken")
eq(sum(kept().values()), 2700 * KB, "still 2,700 KB on disk")
srv.stop()

# a new server counts what is on disk
srv = Server(st, config=cfg)
other = Client(srv.base)
eq(other.login("county2")[0], 303, "county2 logs in again")
other.get(f"/tasks/{T2}")
status, _, _ = other.post(f"/tasks/{T2}/submit", {"by": "乙县周"},
                          files=[("file", "b.pdf", blob("j2-2"), "application/pdf")])
eq(status, 413, "after a restart the store's bound still holds")
recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
eq(len([r for r in recs if r["action"] == "task.submit"]), 5,
   "five submissions recorded: two and one without files for j1, two for j2")
srv.stop()
st.cleanup()
done("uploads bounded per task and in total, 413 and nothing kept beyond")
