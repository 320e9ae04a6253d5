"""Another bureau's plan, written from scratch (not a copy of Changji's): other titles, other
roles, other forms numbered 附件1/附件2, districts (区) for jurisdictions. Whatever it
produces — every notice (subject, From, body), every form and workbook attached, Annex 3/4,
the accountability record, `status` — holds none of Changji's words, which used to come
from the C code (review12a P6) and from its accountability sentence (P4).

Also, on the same plans: a plan with `form: annex3` and `dispatch` but no enterprise clean-up
milestone runs through its dispatches (P1: the scheduler stopped at the first one, exit 65
at every advance and restart); the dispatch names each enterprise whose task is late (P2);
the accountability record names a district by the unit the notices address (P10);
an accountability notice cites the plan's `accountability_clause` and only that, and none
when the plan gives none (P4); the candidate list for the bureau's decision is a 请示 from the
office the plan reports to, to the deciding role, in the plan's words, saying how to decide:
the command, and the web page when the web is configured (P8)."""
import io
import os
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

# Changji's own words and numbers, as they were hard-wired: none belongs in another plan's
# papers ("附件3"/"附件4": the plan below numbers its forms 附件1/附件2)
CHANGJI = ["昌吉", "10个行业", "附件3", "附件4", "县市、园区", "县市（园区）", "达标排放",
           "州环境监察支队", "州环保局", "四（二）", "第四部分", "全州", "全区", "严肃问责",
           "应当列入清单而未列入"]

PLAN = """plan: fs-2019
title: 佛山市2019年固定污染源排污许可清理整顿工作方案
timezone: Asia/Shanghai
notify_at: "08:30"
issuer:
  name: 佛山市生态环境局
  short: 市生态环境局
  basis: 《佛山市2019年固定污染源排污许可清理整顿工作方案》
  clause: 第五条第（三）款
  report_to: 市生态环境综合执法支队
  contact: 市执法支队办公室，电话0757-0000000
ISSUER_MORE
industries:
  ceramics: 陶瓷
  other: 其他行业
roles:
  district_bureau: {title: 各区分局, per: jurisdiction, unit: 分局}
  firm: {title: 排污单位, per: enterprise}
  zhifa: {title: 市执法支队}
  ju: {title: 市生态环境局}
  kefa: {title: 市局法规科}
LIFECYCLES
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner, zhifa]}
conduct:
  - {lapses: 2, within: 60d, kind: interview-warning, notify: [district_bureau, ju]}
  - {lapses: 3, within: 60d, kind: approval-restriction-warning, decide: [ju],
     notify: [district_bureau]}
accountability: {notify: [kefa]}
dispatch: {day: 12, notify: [zhifa, ju]}
phases:
  - id: p1
    title: 清理整顿
    milestones:
      - id: list
        title: 排污许可发证登记清单
        owner: district_bureau
        for: each jurisdiction
        submit_to: zhifa
        due: 2019-09-30
        remind: [-1d]
        escalate: std
      - id: self-check
        title: 区分局自查报告
        owner: district_bureau
        for: each jurisdiction
        submit_to: zhifa
        due: 2019-09-20
        escalate: std
      - id: monthly
        title: 全市陶瓷行业超标企业清理汇总表（附件1）
        owner: district_bureau
        for: each jurisdiction
        submit_to: zhifa
        due: {every: 1 month, day: 5, from: 2019-09, until: 2019-11}
        remind: [-3d]
        escalate: std
        covers: previous
        form: annex3
      - id: detail
        title: 全市陶瓷行业超标企业清理明细表（附件2）
        owner: district_bureau
        for: each jurisdiction
        submit_to: zhifa
        due: 2019-10-08
        remind: [-3d]
        escalate: std
        form: annex4
      - id: permit
        title: 排污许可证申请材料
        owner: firm
        for: each enterprise
        where: {listed: true}
        submit_to: district_bureau
        due: 2019-09-25
        escalate: std
CLEANUP
"""

CLEANUP_LC = """lifecycles:
  fix:
    initial: listed
    states: [listed, fixing, done, overdue]
    final: [done]
    events:
      start: {listed: fixing}
      verify: {fixing: done, overdue: done}
    deadline: {from: [listed, fixing], to: overdue}"""

CLEANUP_MS = """      - id: fix
        title: 陶瓷企业整改
        owner: firm
        for: each enterprise
        where: {listed: true}
        submit_to: district_bureau
        lifecycle: fix
        due: {field: rectify_by}"""

REGISTRY = """jurisdictions:
  - id: chancheng
    name: 禅城区
    kind: county
    contacts:
      district_bureau: [fj@cc.example]
  - id: nanhai
    name: 南海区
    kind: county
    contacts:
      district_bureau: [fj@nh.example]
offices:
  zhifa: [zhidui@fs.example]
  ju: [ju@fs.example]
  kefa: [fagui@fs.example]
  admin: [it@fs.example]
"""

ENTERPRISES = """id,name,jurisdiction,industry,listed,measure,rectify_by,responsible_unit,responsible_person,email
91440604MA4UXX108R,禅城陶瓷有限公司,chancheng,ceramics,是,rectify-by-deadline,2019-10-31,禅城分局,李四,a@e1.example
91440605MA4UYY202A,南海陶瓷有限公司,nanhai,ceramics,是,rectify-by-deadline,2019-10-31,南海分局,王五,b@e2.example
"""


def clean(text, where):
    left = sorted({w for w in CHANGJI if w in text})
    check(not left, f"{where}: Changji words {left} in {text[:600]!r}")


def body(m):
    return m.get_body(("plain",)).get_content()


def read_all(st):
    """Every mail's subject, From and body, every attachment's name, sheets and cells:
    clean of Changji. Returns the mails."""
    mails = st.mails()
    for m in mails:
        where = m["X-Dabiao-Key"]
        clean(str(m["Subject"]) + str(m["From"]) + body(m), where)
        for a in m.iter_attachments():
            clean(a.get_filename(), f"{where}: attachment name")
            wb = openpyxl.load_workbook(io.BytesIO(a.get_content()))
            clean(" ".join(ws.title for ws in wb), f"{where}: sheet names")
            clean(" ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True)
                           for c in row if c is not None), f"{where}: {a.get_filename()}")
    return mails


def store(plan, name):
    st = Store(name)
    st.ok("init", "--clock", "virtual", "--now", "2019-09-01T00:00:00+08:00")
    st.ok("check", st.write(f"{name}.yaml", plan))
    st.ok("load", st.path(f"{name}.yaml"))
    st.ok("import", st.write("reg.yaml", REGISTRY))
    st.ok("import", st.write("ent.csv", ENTERPRISES))
    return st


# --- A: no enterprise clean-up milestone, no accountability clause ---
plan_a = PLAN.replace("ISSUER_MORE\n", "").replace("LIFECYCLES\n", "").replace("CLEANUP\n", "")
a = store(plan_a, "a")
# P1: two dispatches (09-12, 10-12) pass; the clock reaches the end
a.ok("advance", "--to", "2019-10-13T12:00:00+08:00")
check("2019-10-13T12:00:00+08:00" in a.ok("clock"), "the clock moved past both dispatches")
a.ok("submit", "fs-2019/list/chancheng/once", "--by", "张三")
a.ok("flag", "fs-2019/list/chancheng/once", "--kind", "omitted", "--by", "法规科",
     "--reason", "漏报3家")
mails = read_all(a)
disp = [m for m in mails if m["X-Dabiao-Kind"] == "dispatch"]
eq(len(disp), 2, "both monthly dispatches were sent")
d = body(disp[-1])
check("本计划无企业清理整治事项" in d and "名录基数" not in d,
      f"no clean-up figures (no base of 0 for a registry listing 2): {d}")
eq(list(disp[-1].iter_attachments()), [], "no workbook of figures the plan cannot have")
# P2: the late enterprise task is named by its enterprise, under its district
check("南海区：南海陶瓷有限公司，排污许可证申请材料" in d, f"the enterprise is named: {d}")
check("禅城区：禅城陶瓷有限公司，排污许可证申请材料" in d, f"the enterprise is named: {d}")
# P4: the accountability notice cites no provision: the plan gives no accountability clause,
# and its interview clause says something else
acc = [m for m in mails if m["X-Dabiao-Kind"] == "accountability"]
eq(len(acc), 1, "one accountability notice")
check("依照" not in body(acc[0]) and "第五条" not in body(acc[0]),
      f"no clause attributed to the plan: {body(acc[0])}")
# P6: the warning's subject, the sender's name, status and the record in the plan's words
warn = [m for m in mails if m["X-Dabiao-Kind"] == "interview-warning"]
check(warn, "a warning was sent")
check("落实《佛山市2019年固定污染源排污许可清理整顿工作方案》" in str(warn[0]["Subject"]),
      f"the warning names this plan's work: {warn[0]['Subject']}")
check(str(disp[0]["From"]).startswith("佛山市生态环境局调度系统"),
      f"From: the issuer's system: {disp[0]['From']}")
forms = {a_.get_filename(): a_ for m in mails for a_ in m.iter_attachments()}
f1 = [n for n in forms if n.startswith("附件1_全市陶瓷行业超标企业清理汇总表_禅城区_")]
check(f1, f"the blank Annex 3 form is the plan's 附件1: {sorted(forms)}")
ws = openpyxl.load_workbook(io.BytesIO(forms[f1[0]].get_content())).active
eq((ws.title, ws["A2"].value), ("附件1", "地区"), "its sheet and first column: the plan's")
f2 = [n for n in forms if n.startswith("附件2_全市陶瓷行业超标企业清理明细表_")]
check(f2, f"the blank Annex 4 form is the plan's 附件2: {sorted(forms)}")
# P8: the 请示 goes from the detachment (issuer.report_to) to the deciding role, and says how
cand = [m for m in mails if m["X-Dabiao-Kind"] == "candidates"]
check(cand, "a candidate list was sent")
lines = [x.strip() for x in body(cand[0]).splitlines() if x.strip()]
eq(lines[1], "市生态环境局：", "addressed to the deciding role")
check("市生态环境综合执法支队" in lines and "佛山市生态环境局" not in lines,
      f"signed by the office that asks, not by the bureau it asks: {lines}")
check("个地区已达到项目限批的预警标准" in body(cand[0]), f"the plan's word: {body(cand[0])}")
check("dabiao decide 预警编号 approve" in body(cand[0]) and "/warnings" not in body(cand[0]),
      f"how to decide, without a web link when none is configured: {body(cand[0])}")
st_out = a.ok("status")
clean(st_out, "status")
check(st_out.startswith("落实《佛山市2019年固定污染源排污许可清理整顿工作方案》进展情况"),
      f"status's title: {st_out[:80]}")
acc_csv = a.ok("report", "accountability", "--format", "csv")
clean(acc_csv, "report accountability")
# P10: the district answers as the unit the notices address (禅城区 + 分局), not the role
check("禅城区,禅城区分局," in acc_csv and "各区分局" not in acc_csv,
      f"责任人 is the unit the notices address: {acc_csv}")
# the tables a plan without clean-up figures cannot have: refused, naming what is missing
code, _, err = a.run("report", "annex3", "--month", "2019-09", "--plan", "fs-2019")
check(code == 65 and "clean-up milestone" in err, f"annex3 refused: {code} {err}")

# --- B: an enterprise clean-up milestone, the plan's word for its districts and an
# accountability clause of its own ---
plan_b = (PLAN.replace("ISSUER_MORE", "  accountability_clause: 第六条\n  area: 市辖区")
          .replace("LIFECYCLES", CLEANUP_LC).replace("CLEANUP\n", CLEANUP_MS + "\n"))
b = store(plan_b, "b")
b.ok("advance", "--to", "2019-10-13T12:00:00+08:00",
     env={"DABIAO_WEB_URL": "https://dabiao.fs.example"})
b.ok("submit", "fs-2019/list/nanhai/once", "--by", "张三")
b.ok("flag", "fs-2019/list/nanhai/once", "--kind", "concealed", "--by", "法规科",
     "--reason", "瞒报2家")
mails = read_all(b)
disp = [m for m in mails if m["X-Dabiao-Kind"] == "dispatch"]
d = body(disp[-1])
check("一、超标企业清理整治进展（附件1口径）" in d, f"the plan's annex number: {d}")
check("南海区：名录基数 1 家" in d, f"the figures: {d}")
atts = list(disp[-1].iter_attachments())
eq([x.get_filename() for x in atts], ["附件1_全市陶瓷行业超标企业清理汇总表_2019年10月调度.xlsx"],
   "the dispatch workbook, named as the plan names its table")
ws = openpyxl.load_workbook(io.BytesIO(atts[0].get_content())).active
eq((ws.title, ws["A2"].value), ("附件1", "市辖区"), "its sheet and the plan's word")
cand = [body(m) for m in mails if m["X-Dabiao-Kind"] == "candidates"]
check(cand and "https://dabiao.fs.example/warnings" in cand[0] and "个市辖区已达到" in cand[0],
      f"the web page to decide on, with the web configured; the plan's word: {cand[:1]}")
acc = [m for m in mails if m["X-Dabiao-Kind"] == "accountability"]
t = body(acc[0])
check("第六条" in t and "第五条" not in t,
      f"the accountability clause, not the interview clause: {t}")
for args in (["report", "annex3", "--month", "2019-09"], ["report", "annex4", "--month", "2019-09"],
             ["report", "accountability"], ["status"]):
    out = b.ok(*args)
    clean(out, " ".join(args))
    check("市辖区" in out, f"{' '.join(args)} heads its districts with the plan's word: {out[:300]}")
x = b.path("a3.xlsx")
b.ok("report", "annex3", "--month", "2019-09", "--format", "xlsx", "--out", x)
eq(openpyxl.load_workbook(x).active.title, "附件1", "the report's sheet")
# a district hands in the form as it was sent: its column head is the plan's word
form = [m for m in mails for x_ in m.iter_attachments()
        if x_.get_filename().startswith("附件1_全市陶瓷行业超标企业清理汇总表_禅城区_2019年9月")]
check(form, "the September form was sent")
att = [x_ for x_ in form[0].iter_attachments()][0]
wb = openpyxl.load_workbook(io.BytesIO(att.get_content()))
ws = wb.active
for col, v in zip("BCDEFGHI", (1, 1, 0, 0, 0, 0, 1, 0)):
    ws[f"{col}3"] = v
p = b.path("filled.xlsx")
wb.save(p)
out = b.ok("import-annex", p, "--jurisdiction", "chancheng", "--month", "2019-09", "--by", "张三")
tk = [t for t in b.tasks() if t["key"] == "fs-2019/monthly/chancheng/2019-10"]
eq([t["state"] for t in tk], ["submitted"], f"the September table was recorded: {out}")
done("another bureau's papers hold no Changji word; its dispatch runs without clean-up "
     "figures and names late enterprises; its accountability clause alone is cited")
