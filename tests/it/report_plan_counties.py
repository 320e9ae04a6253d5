"""Review 11f, Y5: two bureaus' plans in one store (`registry: {where}`), each with its own
clean-up milestone and monthly dispatch. Each plan's tables name its own counties only —
`report annex3 --plan` (a county of the plan without listed enterprises still a row of
zeros, docs/reports.md), `report annex4 --plan`, the monthly dispatch's mail and workbook,
`status --plan` (its rows and its roles without an address), and the web's reports and
downloads for an office of one plan — never the other bureau's county, whose row read
"丙县,0,0,…" in the first bureau's official table. Worked by hand: 甲县 (a, plan pa) has one
listed enterprise, 乙县 (b, plan pa) none, 丙县 (c, plan pb) one.
Y6: an office of a third plan, which has no clean-up milestone, reads that its plan has
none (it read that no plan of the store had one)."""
import io
import json
import os
import sys

import openpyxl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from smtp_delivery_lib import Server as Smtp  # noqa: E402
from bureaus_it import COUNTIES, REG, cleanup_plan as plan  # noqa: E402
from web_it import PASSWORD, Client, Server  # noqa: E402

# a third bureau's plan without a clean-up milestone (review 11f, Y6)
PC = """\
plan: pc
title: 丁局方案
timezone: Asia/Shanghai
registry: {where: {prefecture: p3}}
roles:
  pc_sup: {title: 丁局支队}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: sum, title: 丁局汇总, owner: pc_sup, for: once, due: 2017-12-20}
"""
# pb_sup has no address: pb's dispatch goes to the admin instead, a gap `status` names
MINE = {"pa": ["甲县", "乙县"], "pb": ["丙县"]}

smtp = Smtp()
smtp.start()
import atexit  # noqa: E402
atexit.register(smtp.stop)
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{smtp.port}"}
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-06-20T00:00:00+08:00", env=env)
st.ok("load", st.write("pa.yaml", plan("pa", "p1", "county_epb", "sup", "boss")), env=env)
st.ok("load", st.write("pb.yaml", plan("pb", "p2", "pb_county", "pb_sup", "pb_boss")), env=env)
st.ok("load", st.write("pc.yaml", PC), env=env)
st.ok("import", st.write("r.yaml", REG), env=env)
st.ok("advance", "--to", "2017-07-10T10:00:00+08:00", env=env)


def names(rows, field):
    return [r[field] for r in rows]


for pid, mine in MINE.items():
    a3 = json.loads(st.ok("report", "annex3", "--month", "2017-07", "--plan", pid,
                          "--format", "json"))
    eq(names(a3, "jurisdiction"), mine + ["合计"], f"{pid}'s Annex 3: its counties")
    a3i = json.loads(st.ok("report", "annex3", "--month", "2017-07", "--plan", pid,
                           "--by", "industry", "--format", "json"))
    eq(a3i[-1]["base"], 1, f"{pid}'s Annex 3 by industry: its one enterprise")
    a4 = json.loads(st.ok("report", "annex4", "--month", "2017-07", "--plan", pid,
                          "--format", "json"))
    eq(sorted(set(names(a4, "jurisdiction"))), sorted(mine[:1]),
       f"{pid}'s Annex 4: its enterprise's county")
    status = st.ok("status", "--plan", pid)
    for other in COUNTIES:
        if other not in mine:
            check(other not in status, f"status --plan {pid} names no {other}: {status}")
check("无收件地址" in st.ok("status", "--plan", "pb") and
      "监察支队" in st.ok("status", "--plan", "pb").split("无收件地址")[1],
      "status --plan pb names its office without an address")
eq(st.ok("status", "--plan", "pa").split("无收件地址")[1].count("监察支队"), 0,
   "status --plan pa does not name pb's office without an address")

# the monthly dispatch of each plan, its mail and its workbook
for pid, mine in MINE.items():
    msgs = [m for m in smtp.messages() if m["X-Dabiao-Kind"] == "dispatch" and
            m["X-Dabiao-Task"].startswith(f"{pid}/")]
    eq(len(msgs), 1, f"{pid}: one dispatch by 07-10")
    body = msgs[0].get_body(preferencelist=("plain",)).get_content()
    # the mail lists the counties with listed enterprises (乙县 has none)
    for county in COUNTIES:
        eq(f"{county}：名录基数" in body, county == mine[0], f"{pid}'s dispatch and {county}: {body}")
    att = list(msgs[0].iter_attachments())
    ws = openpyxl.load_workbook(io.BytesIO(att[0].get_content())).worksheets[0]
    rows = [r[0] for r in ws.iter_rows(min_row=3, values_only=True) if r[0]]
    eq([r for r in rows if r in COUNTIES], mine, f"{pid}'s workbook rows")

# the web: an office of one plan gets its plan's tables, with its counties only
pw = st.write("pw", PASSWORD + "\n")
st.ok("user", "add", "pao", "--role", "sup", "--password-file", pw)
st.ok("user", "add", "pbo", "--role", "pb_boss", "--password-file", pw)
srv = Server(st)
try:
    for login, pid in (("pao", "pa"), ("pbo", "pb")):
        c = Client(srv.base)
        eq(c.login(login)[0], 303, f"{login} logs in")
        status, _, csv = c.get("/reports/annex3.csv?month=2017-07")
        eq(status, 200, f"{login}: annex3.csv")
        first = [line.split(",")[0].lstrip("\ufeff") for line in csv.splitlines()]
        eq([x for x in first if x in COUNTIES], MINE[pid],
           f"{login}'s Annex 3 download: {pid}'s counties")
        status, _, page = c.get("/reports?month=2017-07")
        eq(status, 200, f"{login}: /reports")
        for county in ("乙县", "丙县"):  # 甲一's county is named in pb's page by no row
            eq(f"<td>{county}</td>" in page, county in MINE[pid], f"{login}'s page and {county}")
    # an office of a plan without a clean-up milestone is told its plan has none, not the
    # store (pa's and pb's have one): review 11f, Y6
    st.ok("user", "add", "pco", "--role", "pc_sup", "--password-file", pw)
    c = Client(srv.base)
    eq(c.login("pco")[0], 303, "pco logs in")
    status, _, page = c.get("/reports?month=2017-07")
    eq(status, 200, "pco: /reports")
    check("本方案没有企业清理整治节点" in page and "库中的方案都没有" not in page,
          f"pco is told its plan has no clean-up milestone: {page}")
    status, _, page = c.get("/reports/annex3.csv?month=2017-07")
    eq(status, 404, "pco: no annex3.csv")
    check("本方案没有企业清理整治节点" in page, f"saying why: {page}")
finally:
    srv.stop()
smtp.stop()
st.cleanup()
done("a plan's reports, dispatch and status name its own counties only")
