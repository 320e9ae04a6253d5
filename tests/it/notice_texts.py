"""Every built-in notice text, rendered for every kind of role, reads as an official letter:
a title 关于……, the addressed units by name, no empty blank ("（）", "于前", a line that starts
with "。"), no key or English id, the issuer's signature and the date it was made. Two plans:
one that names its issuer (and so is signed by it) and one that names nobody (signed by the
plan's title, never by a bureau dabiao made up: no "昌吉" anywhere)."""
import email
import email.policy
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

ISSUER = """\
issuer:
  name: 某某市生态环境局
  short: 市生态环境局
  basis: 《某某市达标排放工作方案》
  clause: 第三部分第（二）项
  report_to: 市生态环境执法支队
  contact: 执法支队办公室，电话0000-0000000
"""


def plan(pid, with_issuer):
    units = with_issuer
    return f"""\
plan: {pid}
title: 某某市达标排放工作方案
timezone: Asia/Shanghai
{ISSUER if with_issuer else ""}
roles:
  county: {{title: 县区生态环境部门, per: jurisdiction{", unit: 生态环境分局" if units else ""}}}
  gov:
    title: 县区党委、政府
    per: jurisdiction
{"    unit: {county: 党委、人民政府, park: 党工委、管委会}" if units else ""}
  ent: {{title: 企业, per: enterprise}}
  team: {{title: 市生态环境执法支队}}
  bureau: {{title: 市生态环境局}}
lifecycles:
  fix:
    initial: listed
    states: [listed, fixing, done, overdue]
    final: [done]
    events:
      start: {{listed: fixing}}
      verify: {{fixing: done, overdue: done}}
    deadline: {{from: [listed, fixing], to: overdue}}
escalations:
  std:
    - {{after: 1d, kind: overdue, notify: [owner, team]}}
    - {{after: 2d, kind: escalation, notify: [team, gov]}}
    - {{after: 3d, kind: late-notice, notify: [bureau]}}
  ent:
    - {{after: 1d, kind: overdue, notify: [owner, county, team]}}
  office:
    - {{after: 1d, kind: overdue, notify: [owner]}}
conduct:
  - {{lapses: 2, within: 90d, kind: interview-warning, notify: [county, gov, bureau]}}
  - {{lapses: 3, within: 90d, kind: approval-restriction-warning, notify: [county, gov, bureau]}}
  - {{lapses: 4, within: 90d, kind: stern-warning, notify: [county, team]}}
  - {{lapses: 2, within: 90d, kind: decided-warning, decide: [bureau], notify: [county]}}
accountability: {{notify: [team, bureau]}}
dispatch: {{day: 10, notify: [team, bureau]}}
phases:
  - id: p
    title: 第一阶段
    milestones:
      - id: roster
        title: 重点排污单位名录
        owner: county
        for: each jurisdiction
        submit_to: team
        due: 2017-03-15
        remind: [-3d, -1d]
        escalate: std
        requires: {{units: 重点排污单位名录, info: 企业环境信息}}
      - id: table
        title: 汇总表
        description: 按附件格式填报。
        owner: county
        for: each jurisdiction
        submit_to: team
        due: {{every: 1 month, day: 5, from: 2017-04, until: 2017-04}}
        covers: previous
        remind: [-1d]
        escalate: std
      - id: plan-filing
        title: 治理方案
        owner: ent
        for: each enterprise
        where: {{listed: true}}
        submit_to: bureau
        due: 2017-03-20
        remind: [-1d]
        escalate: ent
        requires: {{measures: 整改措施}}
      - id: rectify
        title: 限期整改
        owner: ent
        for: each enterprise
        where: {{listed: true}}
        due: {{field: rectify_by}}
        remind: [-1d]
        escalate: ent
        lifecycle: fix
      - id: training
        title: 专项培训
        owner: bureau
        for: once
        due: 2017-03-16
        remind: [-1d]
        escalate: office
        requires: {{batches: 培训批次}}
"""


REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙园区, kind: park, email: [b@x.example]}
enterprises:
  - {id: 91652301MA74H957X2, name: 丙钢铁有限公司, jurisdiction: a, industry: steel,
     listed: true, measure: closure, rectify_by: 2017-03-22, email: [c@x.example]}
offices:
  team: [team@x.example]
  bureau: [bureau@x.example]
  admin: [admin@x.example]
"""

CONFIG = "digest: [county]\n"

BAD = [
    ("an empty pair of brackets", re.compile(r"（）|\(\)|《》|“”")),
    ("a line that starts with punctuation", re.compile(r"^[　\s]*[。，；：、）]", re.M)),
    ("doubled or dangling punctuation", re.compile(r"[。，；：、][。，；、]|：。|于前|向书面|将报送")),
    ("a placeholder", re.compile(r"\{\{|\}\}")),
    ("a Changji name in a plan that names nobody", None),
]
TITLE = re.compile(r"^关于.+的(提醒|通知|请示|督办通知|约谈预警|限批预警|预警|通报（截至\d{4}年\d{1,2}月\d{1,2}日）|通报|汇总（共\d+份，(均为|其中)[^（）]+）)$")


def texts(st):
    out = []
    for name in st.outbox():
        with open(os.path.join(st.db, "outbox", name), "rb") as f:
            m = email.message_from_binary_file(f, policy=email.policy.default)
        body = m.get_body(("plain",)).get_content().replace("\r\n", "\n")
        out.append((name, m["X-Dabiao-Kind"], str(m["Subject"]), body))
    return out


def letter_problems(kind, subject, body, issuer):
    probs = []
    if not TITLE.match(subject):
        probs.append(f"title {subject!r}")
    lines = body.split("\n")
    if lines[0] != subject or lines[1] != "":
        probs.append("the text does not open with its title")
    if not re.match(r"^[^\s：]+.*：$", lines[2]):
        probs.append(f"addressee line {lines[2]!r}")
    # the signature and the date: the last lines before the 附注 in brackets
    tail = [ln for ln in lines if ln.strip()]
    if not (tail[-3] == issuer and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", tail[-2])
            and tail[-1].startswith("（此件由调度系统自动发送")):
        probs.append(f"signature and date {tail[-3:]!r}")
    text = subject + "\n" + body
    # the audit head under a dispatch is for machines; addresses are addresses
    text = re.sub(r"审计校验：.*?(\n\u2014 [^\n]*\n|未签名）)", "", text, flags=re.S)
    text = re.sub(r"[\w.+-]+@[\w.-]+", "地址", text)
    # the one command a reader types: how the deciders record a decision (candidates)
    text = re.sub(r"dabiao decide 预警编号 approve（发出）或 dismiss（不发出） --by 决定人 "
                  r"--reason 理由", "命令", text)
    for what, rx in BAD:
        if rx is not None and rx.search(text):
            probs.append(f"{what}: {rx.search(text).group(0)!r} in "
                         f"{text[max(0, rx.search(text).start() - 30):rx.search(text).end() + 30]!r}")
    words = set(re.findall(r"[A-Za-z][A-Za-z_-]+", text)) - {"xlsx"}
    if words:
        probs.append(f"English ids or keys: {sorted(words)}")
    return probs


def run(with_issuer, digest):
    st = Store()
    cfg = st.write("dabiao.yaml", CONFIG if digest else "{}\n")
    env = {"DABIAO_CONFIG": cfg}
    st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00", "--tz",
          "Asia/Shanghai", env=env)
    pid = "with-issuer" if with_issuer else "no-issuer"
    st.ok("load", st.write("p.yaml", plan(pid, with_issuer)), env=env)
    st.ok("import", st.write("r.yaml", REG), env=env)
    st.decider("juzhang", "bureau", "局长", env=env)
    st.ok("advance", "--to", "2017-03-14T12:00:00+08:00", env=env)
    # 乙园区 hands its roster in without the second section: incomplete
    st.ok("submit", f"{pid}/roster/b/once", "--by", "王五", "--sections", "units",
          "--at", "2017-03-14T11:00:00+08:00", env=env)
    # a flag needs a hand-in (review 10e, m-F): 乙园区's roster, just handed in
    st.ok("flag", f"{pid}/roster/b/once", "--kind", "omitted", "--by", "监测科",
          "--reason", "漏报两家重点排污单位", env=env)
    # the rules' notices: a return, an acceptance, an extension, a late arrival's start,
    # a candidate list and a decided warning
    st.ok("event", f"{pid}/roster/b/once", "return", "--by", "执法支队张三", "--reason",
          "企业环境信息缺失", env=env)
    st.ok("submit", f"{pid}/training/bureau/once", "--by", "李四", "--sections", "batches",
          env=env)
    st.ok("event", f"{pid}/training/bureau/once", "accept", "--by", "局长", "--reason", "同意",
          env=env)
    st.ok("extend", f"{pid}/plan-filing/91652301MA74H957X2/once", "--to", "2017-03-31", "--by",
          "市生态环境局", "--reason", "企业申请延期", env=env)
    st.ok("advance", "--to", "2017-04-03T10:00:00+08:00", env=env)
    st.ok("import", st.write("late.csv", "id,name,jurisdiction,industry,listed,email\n"
                             "91130000000000001R,丁水泥有限公司,b,cement,是,d@x.example\n"), env=env)
    # version 2 moves the monthly table from the 5th to the 12th: each county is told
    st.ok("load", st.write("p2.yaml", plan(pid, with_issuer).replace(
        "day: 5, from: 2017-04", "day: 12, from: 2017-04")), env=env)
    props = [w for w in json.loads(st.ok("warnings", "--state", "proposed", "--format", "json",
                                         env=env)) if w["plan"] == pid]
    check(props, f"{pid}: a proposed warning to decide")
    if props:
        st.ok("decide", props[0]["id"], "approve", "--by", "局长", "--reason", "情况属实", env=env)
    st.ok("advance", "--to", "2017-05-01T00:00:00+08:00", env=env)
    got = texts(st)
    kinds = {k for _, k, _, _ in got}
    for k in ("reminder", "overdue", "escalation", "late-notice", "incomplete", "accountability",
              "interview-warning", "approval-restriction-warning", "stern-warning", "dispatch",
              "accepted", "extended", "start", "candidates"
              ) + (("digest",) if digest else ("returned", "decided-warning", "changed")):
        # (with the county's digest on, what goes to the county alone is in its digest)
        check(k in kinds, f"{pid}: a {k} notice was made: {sorted(kinds)}")
    issuer = "某某市生态环境局" if with_issuer else "《某某市达标排放工作方案》调度系统"
    for name, kind, subject, body in got:
        # the candidate list is a 请示 to the bureau from the office that keeps the record
        # (issuer.report_to), never the bureau asking itself (review12a P8)
        signer = "市生态环境执法支队" if kind == "candidates" and with_issuer else issuer
        for p in letter_problems(kind, subject, body, signer):
            check(False, f"{pid} {name}: {p}\n{body}")
        check("昌吉" not in body and "州环保局" not in body, f"{pid} {name}: names Changji")
    st.cleanup()
    return got


a = run(True, False)
# the units addressed, by the registry's names and the roles' units
over = [b for n, k, s, b in a if k == "overdue" and "/roster/a/" not in n and "roster_a_" in n]
check(over and over[0].split("\n")[2] == "甲县生态环境分局、市生态环境执法支队：",
      f"overdue addressed to 甲县生态环境分局 and the team: {over[:1]}")
warn = [b for n, k, s, b in a if k == "escalation" and "table_b_" in n]
check(warn and warn[0].split("\n")[2] == "市生态环境执法支队、乙园区党工委、管委会：",
      f"a park's government is its 党工委、管委会: {warn[:1]}")
warn = [b for n, k, s, b in a if k == "escalation" and "table_a_" in n]
check(warn and warn[0].split("\n")[2] == "市生态环境执法支队、甲县党委、人民政府：",
      f"a county's government is its 党委、人民政府: {warn[:1]}")
# the reminder the day before 03-15 says one day, with the deadline in words
rem = [b for n, k, s, b in a if k == "reminder" and "roster_a_once_reminder_1" in n]
check(rem and "请你单位于2017年3月15日（星期三）24时前将《重点排污单位名录》报送市生态环境执法支队。"
      "距截止时间还有1天。" in rem[0], f"the last reminder: {rem[:1]}")
check(rem and "（一）重点排污单位名录；\n　　（二）企业环境信息。" in rem[0],
      f"required sections by their titles: {rem[:1]}")
# the April table covers March
tab = [s for n, k, s, b in a if k == "reminder" and "table_a_2017-04" in n]
eq(tab, ["关于按时报送2017年3月《汇总表》的提醒"], "the table due in April covers March")
# measures only where they apply: the county's overdue threatens them, the enterprise's not
ent = [b for n, k, s, b in a if k == "overdue" and "plan-filing" in n]
check(ent and "约谈" not in ent[0] and "限批" not in ent[0], f"no 约谈/限批 for an enterprise: {ent[:1]}")
check(over and "公开约谈、项目限批" in over[0], f"the county's overdue names the measures: {over[:1]}")
inc = [b for n, k, s, b in a if k == "incomplete"]
check(inc and "（一）企业环境信息。" in inc[0] and "王五" in inc[0], f"what is missing: {inc[:1]}")
run(False, True)
done("every notice text reads as an official letter, for every kind of role, with and without an issuer")
