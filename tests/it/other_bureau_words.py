"""Another bureau's plan says nothing of Changji: its notices, the forms and the dispatch
workbook they carry (file names and cells), Annex 3/4, the accountability record and
`status` use the plan's own words.

The plan is the Changji plan with every Changji name replaced, as a bureau elsewhere would
copy it (酒泉市环境保护局, Gansu: 市环保局, 市环境监察支队, its tables titled 全市…汇总表（附件3）
and 全省…明细表（附件4）), run from January to mid-August over the Changji registry renamed
likewise. Nothing it prints or mails may hold a Changji word."""
import io
import os
import re
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, src  # noqa: E402

# Changji's own words: its place names, its bureau and offices, its clause and telephone
# code, and the "whole prefecture" / "whole region" of its tables' titles
CHANGJI = ["昌吉", "阜康", "呼图壁", "玛纳斯", "奇台", "吉木萨尔", "木垒", "准东", "新疆",
           "自治区", "州环保局", "州环境监察支队", "全州", "全区", "州直部门", "0994", "第四部分"]

with open(src("workflows", "changji-2017.yaml"), encoding="utf-8") as f:
    plan = "\n".join(line for line in f.read().splitlines() if not line.lstrip().startswith("#"))
for a, b in [("changji-2017", "jiuquan-2017"), ("昌吉回族自治州环境保护局", "酒泉市环境保护局"),
             ("昌吉州", "酒泉市"), ("州环境监察支队", "市环境监察支队"), ("州环保局", "市环保局"),
             ("自治区环保厅", "省环保厅"), ("0994-0000000", "0937-0000000"),
             ("第四部分第（二）项", "第五部分第（三）项"), ("全州", "全市"), ("全区", "全省"),
             ("use: [cn-mainland, cn-xinjiang]", "use: [cn-mainland]")]:
    plan = plan.replace(a, b)
with open(src("workflows", "changji-registry.yaml"), encoding="utf-8") as f:
    reg = "\n".join(re.sub(r"\s+#.*", "", line) for line in f.read().splitlines()
                    if not line.lstrip().startswith("#"))
for a, b in [("昌吉国家高新技术产业开发区", "酒泉高新技术产业开发区"), ("昌吉高新区", "酒泉高新区"),
             ("准东经济技术开发区", "酒泉经济技术开发区"), ("准东", "酒泉经开"),
             ("木垒哈萨克自治县", "肃州区"), ("木垒县", "肃州区"), ("木垒", "肃州"),
             ("吉木萨尔", "肃北"), ("奇台", "金塔"), ("玛纳斯", "瓜州"), ("呼图壁", "玉门"),
             ("阜康", "敦煌"), ("昌吉", "嘉峪")]:
    reg = reg.replace(a, b)
for text, what in [(plan, "plan"), (reg, "registry")]:
    left = [w for w in CHANGJI if w in text]
    check(not left, f"the {what} copy holds no Changji word: {left}")


def clean(text, where):
    left = sorted({w for w in CHANGJI if w in text})
    check(not left, f"{where}: Changji words {left} in {text[:400]!r}")


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("jiuquan-2017.yaml", plan))
st.ok("import", st.write("jiuquan-registry.yaml", reg))
st.ok("advance", "--to", "2017-08-12T10:00:00+08:00")     # the forms of July, August's dispatch

kinds, forms, escalations = set(), 0, 0
for m in st.mails():
    kinds.add(m["X-Dabiao-Kind"])
    where = m["X-Dabiao-Key"]
    body = m.get_body(("plain",)).get_content()
    # the plan groups escalations (review12z Z12): their texts arrive in the day's digest
    escalations += len(re.findall(r"的督办通知\r?\n", body))
    clean(str(m["Subject"]) + body, where)
    for a in m.iter_attachments():
        forms += 1
        clean(a.get_filename(), f"{where}: attachment name")
        wb = openpyxl.load_workbook(io.BytesIO(a.get_content()))
        clean(" ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True)
                       for c in row if c is not None), f"{where}: {a.get_filename()}")
check({"digest", "dispatch"} <= kinds, f"the year's kinds were read: {kinds}")
check(escalations > 0, f"escalations' texts among them: {escalations}")
check(forms >= 20, f"the forms and dispatch workbooks were read: {forms}")

for args in (["report", "annex3", "--month", "2017-07"],
             ["report", "annex3", "--month", "2017-07", "--by", "industry"],
             ["report", "annex4", "--month", "2017-07"],
             ["report", "accountability"], ["status"]):
    out = st.ok(*args)
    clean(out, " ".join(args))
a3 = st.ok("report", "annex3", "--month", "2017-07")
check(a3.startswith("全市10个行业超标企业清理汇总表（2017-07）"), f"the plan's title: {a3[:60]}")
acc = st.ok("report", "accountability")
check("市环保局" in acc, "the bureau's own offices are grouped under its short name")
xf = st.path("a4.xlsx")
st.ok("report", "annex4", "--month", "2017-07", "--format", "xlsx", "--out", xf)
ws = openpyxl.load_workbook(xf).active
check(ws["A1"].value == "全省10个行业超标企业清理明细表（2017-07）", f"Annex 4's title: {ws['A1'].value}")
done("another bureau's notices, forms and reports in its own words")
