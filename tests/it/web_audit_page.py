"""The /audit page shows the latest RECORDED checkpoint — the one `dabiao audit checkpoint`
(or the monthly dispatch) kept and sent, with when and by whom it was made — never a head
signed on the spot that no record has, and the last `audit verify` run (command line or the
page's own 立即验证) with its time, who ran it and its outcome. 立即验证 runs the same checks
as `audit verify`, the submitted files included (review 11c, M4)."""
import html
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402


def by_id(body, ident):
    m = re.search(rf'id="{ident}"[^>]*>(.*?)</(?:td|pre|p|code|table)>', body, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))) if m else ""


def records():
    return len(st.ok("audit", "--format", "jsonl").splitlines())


st = Store()
setup_store(st)
srv = Server(st)
officer = Client(srv.base)
eq(officer.login("officer")[0], 303, "the officer logs in")

# nothing recorded yet: the page says so, and signs nothing of its own
status, _, body = officer.get("/audit")
eq(status, 200, "the audit page opens")
check('id="checkpoint-none"' in body and 'id="checkpoint"' not in body,
      "no checkpoint was kept yet: the page shows none (it signs no head of its own)")
check("尚无验证记录" in body, "and no verify run yet")
eq(len(st.ok("audit", "checkpoints").strip().splitlines()), 1,
   "viewing the page kept no checkpoint either (the listing's header only)")

# a checkpoint made on the command line: the page shows exactly it
cli = st.ok("audit", "checkpoint")
size = int(cli.split("\n")[1])
eq(size, records(), "the command line's checkpoint covers the log as it was")
st.ok("advance", "--to", "2017-03-09T10:00:00+08:00")   # reminders: more records
now = records()
check(now > size, f"the log grew after the checkpoint ({size} -> {now})")
status, _, body = officer.get("/audit")
eq(by_id(body, "audit-size"), str(now), "the page counts the log's records now")
shown = by_id(body, "checkpoint")
eq(shown.strip("\n"), cli.strip("\n"), "the page shows the recorded checkpoint, byte for byte")
eq(by_id(body, "checkpoint-size"), str(size), "of the size it was made at, not the log's now")
check("2017-03-01" in by_id(body, "checkpoint-at"),
      f"made on the store's 2017-03-01: {by_id(body, 'checkpoint-at')}")
check("服务器命令行制作" in by_id(body, "checkpoint-by"),
      f"by the command line: {by_id(body, 'checkpoint-by')}")
check(f"此后新增 {now - size} 条记录" in body, "and how many records came after it")
cp = st.write("page-checkpoint.txt", shown if shown.endswith("\n") else shown + "\n")
out = st.ok("audit", "verify", "--checkpoint", cp)
check("signature good" in out, f"the page's checkpoint verifies: {out}")

# the command line's verify just ran (above): the page shows its outcome
status, _, body = officer.get("/audit")
eq(by_id(body, "verify-result"), "通过", "the last verify passed")
check("服务器命令行" in by_id(body, "verify-by"), f"run on the command line: "
      f"{by_id(body, 'verify-by')}")
check("2017-03-09" in by_id(body, "verify-at"), f"at the store's now: {by_id(body, 'verify-at')}")
check(f"{now} 条审计记录" in by_id(body, "verify-scope"), "over the whole log")

# a county hands in a file; it is changed on disk; the page's 立即验证 finds it
county = Client(srv.base)
eq(county.login("county1")[0], 303, "county1 logs in")
key = "web/report/j1/once"
county.get(f"/tasks/{key}")
status, _, _ = county.post(f"/tasks/{key}/submit",
                           [("by", "甲县李"), ("sections", "overall"), ("sections", "problems")],
                           files=[("file", "报告.pdf", b"%PDF-1.4 original\n" * 100,
                                   "application/pdf")])
check(status in (200, 303), f"the county hands in a file: {status}")
eq(county.post("/audit/verify", {})[0], 403, "a county may not run the audit's verify")
officer.get("/audit")
status, hdrs, _ = officer.post("/audit/verify", {})
eq((status, hdrs.get("Location", "").endswith("/audit")), (303, True),
   "立即验证 runs and leads back to the audit page")
status, _, body = officer.get("/audit")
eq(by_id(body, "verify-result"), "通过", "all holds")
check("报送文件 1 个" in by_id(body, "verify-scope"), "the submitted file was checked too")
check("网页账号 officer" in by_id(body, "verify-by"), "run by the officer on the web")

files = os.path.join(st.db, "files")
sub = [d for d in os.listdir(files) if len(d) == 2][0]
name = os.listdir(os.path.join(files, sub))[0]
with open(os.path.join(files, sub, name), "r+b") as f:
    f.write(b"%PDF-1.4 forged!!")
officer.get("/audit")
eq(officer.post("/audit/verify", {})[0], 303, "立即验证 again")
status, _, body = officer.get("/audit")
eq(by_id(body, "verify-result"), "未通过", "the changed file fails the page's verify")
check(name in by_id(body, "verify-fault") and "does not match" in by_id(body, "verify-fault"),
      f"naming the file: {by_id(body, 'verify-fault')}")
eq(by_id(body, "verify-faults"), "1 个", "one file at fault")
eq(st.run("audit", "verify")[0], 65, "as the command line's verify says too")
srv.stop()
st.cleanup()
done("the audit page shows the recorded checkpoint and the last verify, and verifies files")
