"""Leadership decides conduct warnings on the web (issue 11, "Review"): a rule with `decide`
proposes a 约谈 warning for each county that lapsed; /warnings shows every office the
proposals with the lapses behind each (names as text, each linking to its task); only an
account of a deciding role gets the form and may post it; approve sends the warning to the
county (the same engine call as `dabiao decide`, audited as web:LOGIN with the person's name
and reason), dismiss keeps it from them; a decision is made once; the dashboard counts
proposed and sent warnings per county. Expected values are worked out by hand below."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import PASSWORD, WARNINGS_REG, Client, Server  # noqa: E402

PLAN = """\
plan: wd
title: 预警决定测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
  prefecture_epb: {title: 州环保局}
conduct:
  - {lapses: 1, within: 90d, kind: interview-warning, decide: [prefecture_epb],
     notify: [county_epb]}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: roster, title: 排污单位名录, owner: county_epb, for: each jurisdiction,
         due: 2017-03-10}
"""

st = Store()
# a month ahead: a task made within the grace period (10wd) before a due without
# reminders would be a late arrival (docs/plan-format.md, "Fair start")
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
st.ok("load", st.write("wd.yaml", PLAN))
st.ok("import", st.write("reg.yaml", WARNINGS_REG))
pw = st.write("pw", PASSWORD + "\n")
for login, role, subject, name in [("officer", "supervision", None, "王科长"),
                                   ("leader", "prefecture_epb", None, "赵局长"),
                                   ("county1", "county_epb", "j1", "甲县李")]:
    st.ok("user", "add", login, "--role", role, "--name", name, "--password-file", pw,
          *(["--subject", subject] if subject else []))
# Both rosters lapse after 03-10 23:59:59; one lapse reaches `lapses: 1`, so at the next
# notify_at (03-11 09:00) the rule proposes one warning per county, and nothing is sent.
st.ok("advance", "--to", "2017-03-11T12:00:00+08:00")


def warnings():
    return {w["jurisdiction"]: w for w in json.loads(st.ok("warnings", "--format", "json"))}


def warning_mails():
    return [m for m in st.mails() if m["X-Dabiao-Kind"] == "interview-warning"]


ws = warnings()
eq(sorted(ws), ["j1", "j2"], "one proposal per county")
eq([ws[j]["state"] for j in ("j1", "j2")], ["proposed", "proposed"], "both proposed")
eq(warning_mails(), [], "nothing sent to a county before a decision")
id1, id2 = ws["j1"]["id"], ws["j2"]["id"]

srv = Server(st)
clients = {}
for login in ("officer", "leader", "county1"):
    c = Client(srv.base)
    eq(c.login(login)[0], 303, f"{login} logs in")
    clients[login] = c
anon = Client(srv.base)

# ---- who sees the page ----
for who, want in (("officer", 200), ("leader", 200), ("county1", 403)):
    eq(clients[who].get("/warnings")[0], want, f"{who} GET /warnings")
eq(anon.get("/warnings")[0], 303, "nobody is sent to the login")

# ---- the dashboard counts the proposals per county ----


def dash_row(c, name):
    _, _, body = c.get("/")
    table = body.split('id="by-jurisdiction"', 1)[1].split("</table>", 1)[0]
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", td)
                 for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        if cells and cells[0] == name:
            return cells
    return None


esc_j1 = "&lt;script&gt;alert(1)&lt;/script&gt;甲县"
# columns: 辖区 未完成 7日内到期 逾期 迟报 内容不全 已退回 待审核 预警待决定 预警已发出
eq(dash_row(clients["officer"], esc_j1)[8:], ["1", "0"], "j1: one warning proposed, none sent")
eq(dash_row(clients["officer"], "乙县")[8:], ["1", "0"], "j2: one warning proposed, none sent")

# ---- what the leader sees: both proposals, each lapse named and linked, with a form ----
status, _, body = clients["leader"].get("/warnings")
proposed = body.split('id="proposed"', 1)[1].split("</table>", 1)[0]
for wid in (id1, id2):
    check(f'id="warning-{wid}"' in proposed, f"warning {wid} is listed as proposed")
    check(f'action="/warnings/{wid}"' in proposed, f"the leader may decide {wid}")
check(esc_j1 in proposed and "<script>alert(1)" not in body, "the county's name is text")
check(proposed.count("逾期：") == 2 and proposed.count("排污单位名录") == 2,
      "each proposal names the lapse behind it")
check('href="/tasks/wd/roster/j1/once"' in proposed, "the lapse links to its task")
check("约谈预警" in proposed and "interview-warning" not in body, "no machine key on screen")

# ---- the officer sees them but is not a deciding role ----
_, _, body = clients["officer"].get("/warnings")
check(f'id="warning-{id1}"' in body and 'action="/warnings/' not in body,
      "the officer sees the proposals without a form")
eq(clients["officer"].post(f"/warnings/{id1}", {"decision": "approve", "reason": "x"})[0], 403,
   "the officer may not decide")
clients["county1"].get("/tasks")
eq(clients["county1"].post(f"/warnings/{id1}", {"decision": "approve", "reason": "x"})[0],
   403, "a county may not decide")
eq(anon.post(f"/warnings/{id1}", {"decision": "approve", "reason": "x"})[0], 401,
   "nobody may not decide")

# ---- the leader's mistakes change nothing ----
L = clients["leader"]
L.get("/warnings")
eq(L.post(f"/warnings/{id1}", {"decision": "approve", "reason": "x"}, csrf=False)[0], 403,
   "no form token: refused")
eq(L.post(f"/warnings/{id1}", {"decision": "approve", "reason": ""})[0], 400,
   "a decision needs a reason")
eq(L.post(f"/warnings/{id1}", {"decision": "maybe", "reason": "x"})[0], 400,
   "approve or dismiss only")
eq(L.post("/warnings/999", {"decision": "approve", "reason": "x"})[0], 404, "no such warning")
eq([warnings()[j]["state"] for j in ("j1", "j2")], ["proposed", "proposed"],
   "nothing decided by the refusals")
eq(warning_mails(), [], "nothing sent by the refusals")

# ---- approve j1's, dismiss j2's ----
eq(L.post(f"/warnings/{id1}", {"decision": "approve", "reason": "名录逾期未报"})[0], 303,
   "the leader approves j1's warning")
eq(L.post(f"/warnings/{id2}", {"decision": "dismiss", "reason": "已电话说明"})[0], 303,
   "the leader dismisses j2's warning")
eq(L.post(f"/warnings/{id1}", {"decision": "dismiss", "reason": "again"})[0], 409,
   "a decision is made once")
ws = warnings()
eq((ws["j1"]["state"], ws["j1"]["decided_by"], ws["j1"]["reason"]),
   ("sent", "赵局长", "名录逾期未报"), "j1's warning sent, by the leader's name, with why")
eq((ws["j2"]["state"], ws["j2"]["decided_by"], ws["j2"]["reason"]),
   ("dismissed", "赵局长", "已电话说明"), "j2's warning dismissed")
mails = warning_mails()
eq([(m["X-Dabiao-Subject"], str(m["To"])) for m in mails], [("j1", "j1@x.example")],
   "the approved warning went to j1's county office, and only it")
audit = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
dec = [(r["actor"], r["to_state"], json.loads(r["details"])["id"]) for r in audit
       if r["action"] == "conduct.decide"]
eq(sorted(dec), sorted([("web:leader", "approved", id1), ("web:leader", "dismissed", id2)]),
   "both decisions audited as the leader's account")

# ---- the page and the dashboard after the decisions ----
_, _, body = L.get("/warnings")
check("没有待决定的预警" in body, "nothing left to decide")
decided = body.split('id="decided"', 1)[1].split("</table>", 1)[0]
check("已发出" in decided and "不予发出" in decided and "名录逾期未报" in decided,
      "the decided table says what happened and why")
eq(dash_row(clients["officer"], esc_j1)[8:], ["0", "1"], "j1: the warning sent")
eq(dash_row(clients["officer"], "乙县")[8:], ["0", "0"], "j2: a dismissed warning is neither")

srv.stop()
st.cleanup()
done("leadership decides conduct warnings on the web")
