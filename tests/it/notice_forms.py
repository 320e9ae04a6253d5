"""A milestone's `form:` (annex3, annex4): its reminders, alone or in the day's grouped
message, carry the blank table the county fills in as an XLSX attachment, named in the
text (附件：…) and in the file name; Annex 3's row is the county's with every figure blank,
Annex 4's rows are the county's own listed enterprises with what the registry says and the
state left blank. A milestone without `form:` attaches nothing, and a form on a task that
is not a jurisdiction's is refused at `check` with its line and column."""
import email
import email.policy
import io
import os
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: fm
title: 表格测试方案
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县市环保部门, per: jurisdiction, unit: 环境保护局}
  team: {title: 州环境监察支队}
phases:
  - id: p
    title: 清理
    milestones:
      - id: summary
        title: 全市10个行业超标企业清理汇总表（附件3）
        owner: county_epb
        for: each jurisdiction
        submit_to: team
        due: {every: 1 month, day: 5, from: 2017-07, until: 2017-07}
        covers: previous
        remind: [-5d]
        form: annex3
      - id: detail
        title: 全省10个行业超标企业清理明细表（附件4）
        owner: county_epb
        for: each jurisdiction
        submit_to: team
        due: {every: 1 month, day: 5, from: 2017-07, until: 2017-07}
        covers: previous
        remind: [-4d]
        form: annex4
      - id: other
        title: 其他材料
        owner: county_epb
        for: each jurisdiction
        submit_to: team
        due: 2017-07-05
        remind: [-3d]
%s"""

REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙园区, kind: park, email: [b@x.example]}
enterprises:
  - {id: 91652301MA74H957X2, name: 丙钢铁有限公司, jurisdiction: a, industry: steel,
     listed: true, measure: listed-supervision, rectify_by: 2017-08-31,
     responsible_person: 张三}
  - {id: 91652301MA74H957Y5, name: 丁水泥有限公司, jurisdiction: a, industry: cement,
     listed: false}
  - {id: 91652300MA71FUDG84, name: 戊印染有限公司, jurisdiction: b, industry: dyeing,
     listed: true, measure: rectify-by-deadline, rectify_by: 2017-09-30}
offices:
  team: [team@x.example]
  admin: [admin@x.example]
"""


def mails(st):
    out = []
    for name in st.outbox():
        with open(os.path.join(st.db, "outbox", name), "rb") as f:
            out.append(email.message_from_binary_file(f, policy=email.policy.default))
    return out


def rows(part):
    ws = openpyxl.load_workbook(io.BytesIO(part.get_content())).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def year(grouped):
    st = Store()
    noise = "notices: {group: [reminder]}\n" if grouped else ""
    st.ok("init", "--clock", "virtual", "--now", "2017-06-01T00:00:00+08:00")
    st.ok("load", st.write("fm.yaml", PLAN % noise))
    st.ok("import", st.write("r.yaml", REG))
    st.ok("advance", "--to", "2017-07-03T00:00:00+08:00")
    return st, [m for m in mails(st) if m["To"] == "a@x.example"]


# one message per notice: the reminder of each table carries its form
st, ms = year(False)
by_task = {m["X-Dabiao-Task"].split("/")[1]: m for m in ms if m["X-Dabiao-Kind"] == "reminder"}
eq(sorted(by_task), ["detail", "other", "summary"], "the three reminders to 甲县")
s = by_task["summary"]
atts = list(s.iter_attachments())
eq([a.get_filename() for a in atts], ["附件3_全市10个行业超标企业清理汇总表_甲县_2017年6月.xlsx"],
   "the summary reminder's form, named for the county and the month it covers (June)")
text = s.get_body(("plain",)).get_content().replace("\r\n", "\n")
check("　　附件：全市10个行业超标企业清理汇总表（2017年6月）\n" in text, f"附件说明: {text}")
check(text.index("附件：") < text.rindex("2017年6月30日"), "附件说明 before 落款 and 成文日期")
r = rows(atts[0])
# the plan's own name of the table (its milestone's title without 附件3), not Changji's 全州
eq(r[0][0], "全市10个行业超标企业清理汇总表（2017年6月）", "the form's title")
eq(r[1][:2], ["地区", "超标企业基数（家）"], "Annex 3's columns")
eq(r[2], ["甲县"] + [None] * 9, "the county's row, every figure left to the county")
eq(r[4][0], "填报单位（盖章）：", "under the row, a 填报单位 line left to stamp")
check(any(c and "报送州环境监察支队" in c for row in r for c in row if isinstance(c, str)),
      f"the form says where it goes: {r}")

d = by_task["detail"]
atts = list(d.iter_attachments())
eq([a.get_filename() for a in atts], ["附件4_全省10个行业超标企业清理明细表_甲县_2017年6月.xlsx"],
   "the detail reminder's form")
r = rows(atts[0])
eq(r[0][0], "全省10个行业超标企业清理明细表（2017年6月）", "Annex 4's title: the plan's words")
eq(r[1][:4], ["序号", "地区", "企业名称", "统一社会信用代码"], "Annex 4's columns")
# only 甲县's listed enterprise: not its unlisted one, not 乙园区's
eq(r[2][:9], [1, "甲县", "丙钢铁有限公司", "91652301MA74H957X2", "钢铁", None, None, "挂牌督办",
              "2017-08-31"], "what the registry says about it")
eq(r[2][9:11], [None, None], "its state and completion date left to the county")
eq(r[2][12], "张三", "its responsible person")
eq(r[4][0], "填报单位（盖章）：", "one enterprise row, then the signature lines")
eq(list(by_task["other"].iter_attachments()), [], "a milestone without form: attaches nothing")
b = [m for m in mails(st) if m["To"] == "b@x.example" and m["X-Dabiao-Kind"] == "reminder"
     and "/detail/" in m["X-Dabiao-Task"]]
eq([rows(a)[2][2] for a in b[0].iter_attachments()], ["戊印染有限公司"], "乙园区's own enterprise")
st.cleanup()

# grouped per day: the day's message carries the forms of the reminders in it
st, ms = year(True)
dig = [m for m in ms if m["X-Dabiao-Kind"] in ("digest", "reminder")]
names = sorted(a.get_filename() for m in dig for a in m.iter_attachments())
eq(names, ["附件3_全市10个行业超标企业清理汇总表_甲县_2017年6月.xlsx",
           "附件4_全省10个行业超标企业清理明细表_甲县_2017年6月.xlsx"],
   "each form once, with the message that carries its reminder")
st.cleanup()

# a form is a jurisdiction's table
st = Store()
bad = (PLAN % "").replace("  team: {title: 州环境监察支队}\n",
                          "  team: {title: 州环境监察支队}\n  enterprise: {title: 企业, per: enterprise}\n")
bad = bad.replace("        title: 其他材料\n        owner: county_epb\n        for: each jurisdiction\n",
                  "        title: 其他材料\n        owner: enterprise\n        for: each enterprise\n"
                  "        form: annex4\n")
rc, out, err = st.run("check", st.write("bad.yaml", bad))
eq(rc, 65, f"check refuses it: {err}")
line = bad.splitlines().index("        form: annex4", bad.splitlines().index("      - id: other")) + 1
check(f"bad.yaml:{line}:15: error:" in err and "jurisdiction" in err, f"at the form's line: {err}")
st.cleanup()
done("forms: Annex 3/4 tables attached to the reminders that ask for them")
