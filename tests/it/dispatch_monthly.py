"""The monthly dispatch (按月调度): on the plan's dispatch day the supervision detachment
and the bureau receive, by SMTP, the clean-up figures (checked by hand here), the overdue
list, the warnings sent, a signed audit checkpoint that the independent verifier accepts,
and the figures as an XLSX workbook that openpyxl reads back."""
import base64
import email
import email.policy
import io
import os
import re
import subprocess
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402

PLAN = """\
plan: dp
title: 调度测试计划
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  enterprise: {title: 企业, per: enterprise}
  supervision: {title: 州环境监察支队}
  prefecture_epb: {title: 州环保局}
lifecycles:
  rectification:
    initial: listed
    states: [listed, rectifying, verified, closed, overdue]
    final: [verified, closed]
    events:
      start: {listed: rectifying}
      verify: {rectifying: verified, overdue: verified}
      close: {listed: closed, rectifying: closed, overdue: closed}
    deadline: {from: [listed, rectifying], to: overdue}
dispatch: {day: 10, notify: [supervision, prefecture_epb]}
phases:
  - id: p
    title: 清理整治
    milestones:
      - id: monthly
        title: 汇总表
        owner: county_epb
        for: each jurisdiction
        due: {every: 1 month, day: 5, from: 2017-07, until: 2017-08}
      - id: rectification
        title: 超标企业整改
        owner: enterprise
        for: each enterprise
        where: {listed: true}
        lifecycle: rectification
        due: {field: rectify_by}
"""
# jurisdiction a: 3 listed (one verified, one rectifying, one overdue by 07-10), b: 1 listed
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙县, kind: county, email: [b@x.example]}
enterprises:
  - {id: 91652301MA77XB5N47, name: 甲一, jurisdiction: a, industry: cement, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-09-30}
  - {id: 91652301MA77XB5N5A, name: 甲二, jurisdiction: a, industry: steel, listed: true,
     measure: listed-supervision, rectify_by: 2017-09-30}
  - {id: 91652301MA77XB5N6D, name: 甲三, jurisdiction: a, industry: coal, listed: true,
     measure: closure, rectify_by: 2017-07-01}
  - {id: 91652301MA77XB5N7G, name: 乙一, jurisdiction: b, industry: paper, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-09-30}
offices:
  supervision: [s@x.example]
  prefecture_epb: [p@x.example]
  admin: [admin@x.example]
"""

st = Store()
key = st.path("audit-key.pem")
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True,
               capture_output=True)
srv = Server()
srv.start()
import atexit  # noqa: E402
atexit.register(srv.stop)
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}", "DABIAO_AUDIT_KEY": key,
       "DABIAO_AUDIT_ORIGIN": "dabiao/test"}
st.ok("init", "--clock", "virtual", "--now", "2017-06-20T00:00:00+08:00", env=env)
st.ok("load", st.write("p.yaml", PLAN), env=env)
rc, out, err = st.run("import", st.write("r.yaml", REG), env=env)
eq(rc, 0, f"import: {err}")
st.ok("event", "dp/rectification/91652301MA77XB5N47/once", "start", "--by", "甲县", env=env)
st.ok("event", "dp/rectification/91652301MA77XB5N47/once", "verify", "--by", "支队", env=env)
st.ok("event", "dp/rectification/91652301MA77XB5N5A/once", "start", "--by", "甲县", env=env)
st.ok("advance", "--to", "2017-07-10T10:00:00+08:00", env=env)

msgs = [m for m in srv.messages() if m["X-Dabiao-Kind"] == "dispatch"]
eq(len(msgs), 1, "one dispatch by 07-10")
m = msgs[0]
eq(str(m["Date"]), "Mon, 10 Jul 2017 09:00:00 +0800", "on the dispatch day at notify_at")
eq(sorted(a.strip() for a in str(m["To"]).split(",")), ["p@x.example", "s@x.example"],
   "to the supervision detachment and the bureau")
body = m.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
check("甲县：名录基数 3 家，已完成 1 家，整治中 1 家，未启动 0 家，逾期 1 家" in body,
      f"a's figures: {body}")
check("限期整改 1、挂牌督办 1、淘汰关闭 1；完成率 33%" in body, "a's measures and rate")
check("乙县：名录基数 1 家，已完成 0 家，整治中 0 家，未启动 1 家，逾期 0 家" in body, "b's figures")
check("合计：名录基数 4 家，已完成 1 家，整治中 1 家，未启动 1 家，逾期 1 家；完成率 25%" in body,
      "totals")
check("2017年7月汇总表，截止日期2017年7月5日（星期三）" in body,
      "the lapsed July tables are listed as overdue, by period and date in words")

# the checkpoint in the mail: the independent verifier accepts it against the export
lines = body[body.index("dabiao/test\n"):].split("\n")
sig = [x for x in lines[3:6] if x.startswith("— dabiao/test ")]
eq(len(sig), 1, "the mailed checkpoint is signed")
cp = "\n".join(lines[:3]) + "\n\n" + sig[0] + "\n"
cpf = st.write("cp.txt", cp)
exp = st.write("export.txt", st.ok("audit", "export", env=env))
v = subprocess.run(["/usr/bin/python3", src("tests", "lib", "audit_verify.py"), exp, cpf,
                    "--key", key], capture_output=True, text=True)
eq(v.returncode, 0, f"the mailed checkpoint verifies: {v.stdout} {v.stderr}")

# the workbook
att = [p for p in m.iter_attachments()]
eq(len(att), 1, "one attachment")
# named for both kinds of reader: RFC 2231 filename* (the standard) and RFC 2047 name= on
# Content-Type (what some widely used clients read instead)
fname = att[0].get_filename()
# no form: annex3 milestone in this plan: the seed's name without a place, the month in words
# a plan that numbers no annex and names no table: neither Changji's 附件3 nor its 10个行业
# (review12a P6)
eq(fname, "超标企业清理汇总表_2017年7月调度.xlsx", "RFC 2231 name")
raw = [open(os.path.join(srv.dir, n), "rb").read() for n in sorted(os.listdir(srv.dir))
       if n.endswith(".eml")]
raw = [r for r in raw if b"X-Dabiao-Kind: dispatch" in r][0].decode("ascii")
part = raw.split("\r\n--=_dabiao_mixed")[2].split("\r\n\r\n", 1)[0]
ctype = re.sub(r"\r\n[ \t]+", " ", part.split("Content-Disposition:")[0])
words = re.findall(r'name="((?:=\?UTF-8\?B\?[^?]*\?=\s*)+)"', ctype)
eq(len(words), 1, f"Content-Type has a name= of encoded-words: {ctype}")
eq("".join(base64.b64decode(w).decode("utf-8")
           for w in re.findall(r"=\?UTF-8\?B\?([^?]*)\?=", words[0] if words else "")),
   fname, "the RFC 2047 name= gives the same name")
wb = openpyxl.load_workbook(io.BytesIO(att[0].get_content()))
ws = wb.worksheets[0]
rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
# Annex 3's columns, as `dabiao report annex3` writes them: base, three measures, done,
# in progress, not started, overdue
eq(list(rows["甲县"][1:9]), [3, 1, 1, 1, 1, 1, 0, 1], "XLSX: a's figures")
eq(list(rows["乙县"][1:9]), [1, 1, 0, 0, 0, 0, 1, 0], "XLSX: b's figures")
eq(ws.cell(row=2, column=2).value, "超标企业基数（家）", "XLSX: Chinese headers")
eq(ws.cell(row=1, column=1).value, "超标企业清理汇总表（2017年7月调度）", "XLSX: title")
text = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
check("　　附件：超标企业清理汇总表（2017年7月调度）\n" in text,
      f"the 附件说明 line names the workbook by its title: {text}")
srv.stop()
st.cleanup()
done("monthly dispatch: figures, overdue list, signed checkpoint, XLSX")
