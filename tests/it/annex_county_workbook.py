"""Issue 12 end to end, as a county and the detachment do it with the forms dabiao mails:
呼图壁县 takes the two workbooks attached to its 06-30 digest (June's Annex 3 and May–June's
Annex 4), fills them in as a spreadsheet user does — figures typed, 完成率 as a formula that
the program saving it never computed, the 填报单位 line signed, a photo of the stamped page
pasted in, a long 超标原因 wrapped with Alt+Enter — and sends the workbooks back; the
detachment hands them in with `import-annex FILE.xlsx`; `report annex3/annex4` show the
county's figures beside dabiao's and flag where they differ; the 07-10 dispatch says so in
its text and its workbook.

Values worked out by hand from changji-registry.yaml: 呼图壁县 has three listed enterprises,
all 限期整改 and untouched on 06-30, so dabiao's June row is 基数 3, 限期整改 3, 整治中 0,
未启动 3. The county reports 基数 3, 限期整改 3, 整治中 2, 未启动 1: 整治中 and 未启动 differ.
In Annex 4 it reports 瑞达 and 天山 整治中 (dabiao: 未启动) and 祥和 未启动 (the same)."""
import email
import io
import json
import os
import sys
import zipfile
from email import policy

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
import openpyxl  # noqa: E402

E1, E2, E3 = "91652323MA77AQUU8C", "91652323MA7TW6PQ90", "91652323MA7YF613X1"
TASK3 = "changji-2017/monthly-summary/hutubi-county/2017-07"
TASK4 = "changji-2017/bimonthly-detail/hutubi-county/2017-07"

st = Store()
st.changji("2017-07-03T10:00:00+08:00")

# ---- the county: the forms as mailed ----
digest = [os.path.join(st.db, "outbox", f) for f in st.outbox() if "digest_2017-06-30_hbj@hutubi.example" in f]
eq(len(digest), 1, f"呼图壁县's digest of 06-30: {digest}")
with open(digest[0], "rb") as fh:
    mail = email.message_from_binary_file(fh, policy=policy.default)
forms = {p.get_filename(): p.get_payload(decode=True) for p in mail.iter_attachments()}
eq(sorted(forms), ["附件3_全州10个行业超标企业清理汇总表_呼图壁县_2017年6月.xlsx",
                   "附件4_全区10个行业超标企业清理明细表_呼图壁县_2017年5—6月.xlsx"],
   "the two forms attached, named for the county and the period")
a3name, a4name = sorted(forms)

wb = openpyxl.load_workbook(io.BytesIO(forms[a3name]))
ws = wb.active
eq((ws.title, ws["A2"].value, ws["A3"].value, ws["B3"].value), ("附件3", "县市、园区", "呼图壁县", None),
   "Annex 3: the county's row, its figures blank")
for col, v in zip("BCDEFGHI", (3, 3, 0, 0, 0, 2, 1, 0)):
    ws[f"{col}3"] = v
ws["J3"] = "=F3/B3*100"                  # saved without its value by this program
ws["A5"] = "填报单位（盖章）：呼图壁县环境保护局"
a3 = st.path(a3name)
wb.save(a3)
with zipfile.ZipFile(a3, "a") as z:    # the stamped page, photographed (not compressible)
    z.writestr("xl/media/image1.jpeg", os.urandom(4 << 20), zipfile.ZIP_STORED)

wb = openpyxl.load_workbook(io.BytesIO(forms[a4name]))
ws = wb.active
eq([ws[f"D{r}"].value for r in (3, 4, 5)], [E1, E2, E3], "Annex 4: a row per listed enterprise")
for r, state in zip((3, 4, 5), ("整治中", "整治中", "未启动")):
    ws[f"J{r}"] = state
ws["G4"] = "烧结机头脱硫设施老化，\n正在更换"
a4 = st.path(a4name)
wb.save(a4)

# ---- the detachment: the workbooks are the hand-in ----
for path, task in ((a3, TASK3), (a4, TASK4)):
    out = st.ok("import-annex", path, "--jurisdiction", "hutubi-county", "--month", "2017-06",
                "--by", "王科长")
    check(f"recorded Annex {3 if path == a3 else 4} of hutubi-county for 2017-06" in out and
          task in out and "open -> submitted" in out, f"recorded and handed in: {out}")
tasks = {t["key"]: t for t in json.loads(st.ok("tasks", "--format", "json"))}
eq((tasks[TASK3]["state"], tasks[TASK4]["state"]), ("submitted", "submitted"),
   "both tasks handed in by their tables")
recs = st.records()
seq = {r["task"]: r["seq"] for r in recs if r["action"] == "annex.report"}
d4 = [json.loads(r["details"]) for r in recs if r["action"] == "annex.report"][-1]
check("烧结机头脱硫设施老化， 正在更换" in d4["rows"], f"the wrapped 超标原因 as one line: {d4['rows']!r}")

rows3 = {r["jurisdiction"]: r for r in
         json.loads(st.ok("report", "annex3", "--month", "2017-06", "--format", "json"))}
h = rows3["呼图壁县"]
eq((h["base"], h["in_progress"], h["not_started"], h["reported_base"]), (3, 0, 3, 3),
   "dabiao's figures, and the county's base beside them")
eq(h["check"], f"不一致：整治中 县报2/核算0；未启动 县报1/核算3（王科长，第 {seq[TASK3]} 号）",
   "the differences flagged, with who handed it in and the record")
rows4 = {r["credit_code"]: r for r in
         json.loads(st.ok("report", "annex4", "--month", "2017-06", "--format", "json"))
         if r.get("credit_code")}
for code, want in ((E1, f"不一致：月末状态 县报“整治中”/核算“未启动”（第 {seq[TASK4]} 号）"),
                   (E2, f"不一致：月末状态 县报“整治中”/核算“未启动”（第 {seq[TASK4]} 号）"),
                   (E3, f"一致（第 {seq[TASK4]} 号）")):
    eq(rows4[code]["check"], want, f"Annex 4 {code}")

# ---- the 07-10 dispatch: its text and its workbook say the same ----
st.ok("advance", "--to", "2017-07-10T10:00:00+08:00")
disp = [os.path.join(st.db, "outbox", f) for f in st.outbox() if "_dispatch_2017-07" in f]
eq(len(disp), 1, f"the July dispatch: {disp}")
with open(disp[0], "rb") as fh:
    mail = email.message_from_binary_file(fh, policy=policy.default)
body = mail.get_body(("plain",)).get_content()
check("呼图壁县：名录基数 3 家（县市报送基数 3 家；所报汇总表与所填月份月末核算不一致）" in body,
      f"the dispatch's text: {body[:600]}")
att = [p for p in mail.iter_attachments() if p.get_filename().endswith(".xlsx")]
eq(len(att), 1, "one workbook attached")
ws = openpyxl.load_workbook(io.BytesIO(att[0].get_payload(decode=True))).active
row = [r for r in ws.iter_rows(values_only=True) if r[0] == "呼图壁县"]
eq(len(row), 1, "呼图壁县's row in the dispatch's workbook")
eq((row[0][1], row[0][10], row[0][11]),
   (3, 3, f"不一致：整治中 县报2/核算0；未启动 县报1/核算3（王科长，第 {seq[TASK3]} 号）"),
   "the workbook's 基数, 县市报送基数 and 核对")
st.ok("audit", "verify")
st.cleanup()
done("a county's mailed forms filled in, handed in as workbooks, shown in the reports and the "
     "dispatch")
