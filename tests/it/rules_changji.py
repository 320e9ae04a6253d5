"""Issue 10's numbered cases on the Changji plan (workflows/changji-2017.yaml and its
registry), one function per case, each on a store of its own on the virtual clock. Every
expected date is worked out by hand from the plan's keys and the seed's clauses, in the
comments beside it; none is computed by the code under test. The plan's keys that matter:
notify_at 09:00, Asia/Shanghai; the State Council's 2017 days off (05-01, 05-29..05-30,
10-01..10-08; Saturday 05-27 and 09-30 worked); correction 5wd, grace 10wd; remind
[-7d, -1wd]; ladder `standard`: overdue 1d (owner, detachment), escalation 3wd (detachment,
monitoring section), escalation 10wd (county Party committee and government, bureau);
conduct 2 in 90d (约谈) and 3 in 180d (限批), both decided by the bureau (prefecture_epb);
notices held off days off (hold: all), reminders and overdue notices grouped per recipient.
Addresses (the registry): 昌吉市 county_epb hbj@changji-city.example, government
zfb@changji-city.example; the detachment zhidui@cj-epb.example, the monitoring section
jiancejiancha@cj-epb.example, the bureau bangongshi@cj-epb.example.
Case 3 (nothing sent undecided over the whole year) is changji_year.py's; item 2 here shows
the decision on one county."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402

P = "changji-2017"
DET, MON, BUREAU = "zhidui@cj-epb.example", "jiancejiancha@cj-epb.example", \
    "bangongshi@cj-epb.example"
SIX = "overall,problems,conclusion,countermeasures,next-steps,enterprise-details"


def epb(j):
    return f"hbj@{j}.example"


def notices_of(st, task):
    """(scheduled, kind, recipients) of every notice about task, earliest first."""
    return [(n["scheduled"][:16], n["kind"], sorted(n["to"])) for n in st.notices()
            if n["key"].startswith(task + "#")]


def mails_of(st, task):
    """(scheduled, kind, recipients) of every message naming task in an X-Dabiao-Task
    header (a start notice lists an owner's late arrivals of one load or import)."""
    return sorted((m["X-Dabiao-Scheduled"][:16], m["X-Dabiao-Kind"],
                   sorted(a.strip() for a in str(m["To"]).split(",")))
                  for m in st.mails() if task in (m.get_all("X-Dabiao-Task") or []))


def task(st, key):
    return next(t for t in st.tasks() if t["key"] == key)


def item1_incomplete_and_returned_chased():
    """1. An incomplete report and a report returned after its deadline are chased like
    open ones: correction 5wd, reminded, lapsed, escalated up the ladder."""
    st = Store("item1")
    st.changji("2017-05-08T10:00:00+08:00")
    er = f"{P}/evaluation-report"
    # Monday 05-08 10:00: 昌吉市 hands in the evaluation report with one of its six sections
    st.ok("submit", f"{er}/changji-city/once", "--by", "李四", "--sections", "overall")
    # 阜康市 hands in all six on 05-09; the detachment returns it on Friday 05-12, after
    # the 05-10 deadline, while it waited for review: a correction period of its own
    st.ok("advance", "--to", "2017-05-09T10:00:00+08:00")
    st.ok("submit", f"{er}/fukang-city/once", "--by", "王五", "--sections", SIX)
    st.ok("advance", "--to", "2017-05-12T10:00:00+08:00")
    st.ok("event", f"{er}/fukang-city/once", "return", "--by", "州环境监察支队",
          "--reason", "超标企业详细情况缺治理计划")
    # 5wd after Monday 05-08: 05-09, 10, 11, 12, 15 -> Monday 05-15 23:59:59 (later than
    # 05-10, so it applies); 5wd after Friday 05-12: 05-15..05-19 -> Friday 05-19
    c, f = task(st, f"{er}/changji-city/once"), task(st, f"{er}/fukang-city/once")
    eq((c["state"], c["deadline"], c["original_due_date"]),
       ("incomplete", "2017-05-15T23:59:59+08:00", "2017-05-10"), "昌吉市: incomplete, 5wd")
    eq((f["state"], f["deadline"]), ("returned", "2017-05-19T23:59:59+08:00"),
       "阜康市: returned after its deadline, 5wd from the return")
    st.ok("advance", "--to", "2017-06-06T10:00:00+08:00")
    # 昌吉市: reminded -7d, Wednesday 05-03 09:00; the incomplete notice at once to the county and the detachment; its -1wd
    # reminder Friday 05-12 09:00 (the -7d one, 05-08 09:00, came before the change: never
    # sent); lapse 05-16 00:00; overdue 1d: Tuesday 05-16 09:00; escalation 3wd after
    # 05-15: 05-16, 17, 18 -> 05-18 09:00; 10wd: 05-16..19 (4), 22..26 (9), Saturday 05-27
    # worked (10) -> 05-27 09:00 to the county government and the bureau
    eq(notices_of(st, f"{er}/changji-city/once"), [
        ("2017-05-03T09:00", "reminder", [epb("changji-city")]),
        ("2017-05-08T10:00", "incomplete", sorted([epb("changji-city"), DET])),
        ("2017-05-12T09:00", "reminder", [epb("changji-city")]),
        ("2017-05-16T09:00", "overdue", sorted([epb("changji-city"), DET])),
        ("2017-05-18T09:00", "escalation", sorted([DET, MON])),
        ("2017-05-27T09:00", "escalation", sorted(["zfb@changji-city.example", BUREAU]))],
       "昌吉市's incomplete report chased to the county government")
    # 阜康市: reminded -7d (05-03) and -1wd (Tuesday 05-09 09:00, an hour before it
    # handed in); returned notice at once; -1wd reminder Thursday 05-18; lapse Saturday 05-20
    # 00:00, overdue 1d (05-20 09:00) held to Monday 05-22 09:00; escalation 3wd after
    # 05-19: 05-22, 23, 24; 10wd: 05-22..27 (6), 05-31 (7; 05-29..30 off), 06-01, 02, 05
    eq(notices_of(st, f"{er}/fukang-city/once"), [
        ("2017-05-03T09:00", "reminder", [epb("fukang-city")]),
        ("2017-05-09T09:00", "reminder", [epb("fukang-city")]),
        ("2017-05-12T10:00", "returned", [epb("fukang-city")]),
        ("2017-05-18T09:00", "reminder", [epb("fukang-city")]),
        ("2017-05-22T09:00", "overdue", sorted([epb("fukang-city"), DET])),
        ("2017-05-24T09:00", "escalation", sorted([DET, MON])),
        ("2017-06-05T09:00", "escalation", sorted(["zfb@fukang-city.example", BUREAU]))],
       "阜康市's report returned late chased to the county government")
    ret = [m for m in st.mails() if m["X-Dabiao-Kind"] == "returned"]
    body = ret[0].get_body(("plain",)).get_content() if ret else ""
    check("超标企业详细情况缺治理计划" in body and "2017年5月19日" in body,
          f"the returned notice gives the reason and the new date: {body[:600]!r}")
    stat = st.ok("status", "--jurisdiction", "changji-city")
    check("10个行业污染物排放情况评估报告" in stat.split("逾期未办结事项")[1].split("\n\n")[0],
          f"status lists 昌吉市's incomplete report as overdue: {stat!r}")
    st.cleanup()


def hand_in(st, milestone, sections, but=()):
    """Every county's task of milestone handed in with its sections, except those of but."""
    for t in st.tasks("--milestone", milestone):
        if t["subject"] not in but:
            st.ok("submit", t["key"], "--by", "经办人", "--sections", sections)


def item2_true_counts_once():
    """2. Conduct counts the truth, once: a county that misses three reports due the same
    day is one candidate per rule with all three, decided by the bureau before anything
    reaches the county; a 漏报 flag on one of them adds no event."""
    st = Store("item2")
    st.changji("2017-02-14T10:00:00+08:00")
    hand_in(st, "roster", "key-units,enterprise-info")
    st.ok("advance", "--to", "2017-05-09T10:00:00+08:00")
    # 玛纳斯县 hands in none of the three reports due Wednesday 05-10; everyone else all
    for m, s in (("evaluation-report", SIX), ("base-number", "base-number,enterprise-list"),
                 ("plan-explanation", "channels,key-enterprises")):
        hand_in(st, m, s, but=("manas-county",))
    # three lapses 05-11 00:00; both rules evaluated at 09:00 the same morning: 3 events
    # meet 约谈 (2 in 90d) and 限批 (3 in 180d); one proposal each, with the three
    st.ok("advance", "--to", "2017-05-12T10:00:00+08:00")
    ws = json.loads(st.ok("warnings", "--format", "json"))
    eq(sorted((w["kind"], w["jurisdiction"], w["state"], w["count"], w["at"]) for w in ws),
       [("approval-restriction-warning", "manas-county", "proposed", 3,
         "2017-05-11T09:00:00+08:00"),
        ("interview-warning", "manas-county", "proposed", 3, "2017-05-11T09:00:00+08:00")],
       "one proposal per rule for 玛纳斯县, each counting the three lapses")
    cand = [(n["scheduled"][:16], n["to"]) for n in st.notices() if n["kind"] == "candidates"]
    eq(cand, [("2017-05-11T09:00", [BUREAU])] * 2,
       "the bureau gets the 约谈 and the 限批 candidate lists that morning, nobody else")
    check(not any("manas" in a for n in st.notices() if "warning" in n["kind"]
                  for a in n["to"]), "no warning reaches 玛纳斯县 undecided")
    # the detachment flags the evaluation report 漏报 (it never came): the same fact as its
    # lapse, no new event, no new proposal the next morning
    st.ok("flag", f"{P}/evaluation-report/manas-county/once", "--kind", "omitted",
          "--by", "州环保局监测监察科", "--reason", "评估报告未报送")
    st.ok("advance", "--to", "2017-05-15T10:00:00+08:00")
    ws = json.loads(st.ok("warnings", "--format", "json"))
    eq(len(ws), 2, "a 漏报 on a lapsed report makes no new proposal")
    # the bureau decides the interview warning: sent then, to the county's department,
    # its government and the bureau
    iw = next(w["id"] for w in ws if w["kind"] == "interview-warning")
    st.decider("juzhang", "prefecture_epb", "局长")
    st.ok("decide", iw, "approve", "--by", "局长", "--reason", "局务会研究同意")
    sent = [(n["scheduled"][:16], sorted(n["to"])) for n in st.notices()
            if n["kind"] == "interview-warning"]
    eq(sent, [("2017-05-15T10:00", sorted([epb("manas"), "zfb@manas.example", BUREAU]))],
       "the interview warning leaves when decided, to the county and its government")
    st.cleanup()


def item4_late_subjects_fair_start():
    """4. Late arrivals are not punished at once: the plan loaded on 05-20 (the docs'
    example) and an enterprise found on 08-15 get start notices and the grace period."""
    st = Store("item4")
    st.ok("init", "--clock", "virtual", "--now", "2017-05-20T10:00:00+08:00")
    st.ok("load", src("workflows", "changji-2017.yaml"))
    st.ok("import", src("workflows", "changji-registry.yaml"))
    # grace 10wd from Saturday 05-20: 05-22..26 (5), 05-27 worked (6), 05-31 (7), 06-01,
    # 02, 05 -> 06-05; the detachment's summary, 10wd after the reports are owed:
    # 06-06..09 (4), 06-12..16 (9), 06-19
    er = task(st, f"{P}/evaluation-report/changji-city/once")
    eq((er["state"], er["deadline"]), ("open", "2017-06-05T23:59:59+08:00"),
       "the evaluation report due 05-10, loaded 05-20: until 06-05")
    eq(task(st, f"{P}/evaluation-summary/supervision/once")["deadline"],
       "2017-06-19T23:59:59+08:00", "the summary follows: 06-19, not 05-24")
    st.ok("advance", "--to", "2017-05-23T10:00:00+08:00")
    eq(mails_of(st, f"{P}/evaluation-report/changji-city/once"),
       [("2017-05-20T10:00", "start", [epb("changji-city")])],
       "a start notice when loaded, and nothing back-dated or overdue")
    eq([n["kind"] for n in st.notices() if n["kind"] in ("overdue", "escalation")], [],
       "nobody is overdue on 05-23")
    eq(st.ok("warnings", "--format", "json").strip(), "[]", "no conduct warning")
    st.cleanup()

    # an enterprise the investigation finds on Tuesday 08-15, listed in 昌吉市, its
    # rectify_by 08-10 already past: its treatment plan (due 06-30) and its rectification
    # get 10wd from 08-15: 08-16..18 (3), 08-21..25 (8), 08-28, 29 -> 08-29
    st = Store("item4b")
    st.changji("2017-08-15T10:00:00+08:00")
    NEW = "91130000000000001R"
    st.ok("import", st.write("new.csv", "id,name,jurisdiction,industry,listed,measure,"
                             "rectify_by,responsible_unit,responsible_person,email\n"
                             f"{NEW},新发现钢铁厂,changji-city,steel,是,rectify-by-deadline,"
                             "2017-08-10,昌吉市环境保护局,赵六,nf@x.example\n"))
    for m in ("treatment-plan", "rectification"):
        t = task(st, f"{P}/{m}/{NEW}/once")
        eq(t["deadline"], "2017-08-29T23:59:59+08:00", f"the new enterprise's {m}: 08-29")
    st.ok("advance", "--to", "2017-08-17T10:00:00+08:00")
    # one start notice listing both (one per owner per import, review 10e m-K)
    eq([(s, k) for s, k, _ in mails_of(st, f"{P}/treatment-plan/{NEW}/once")],
       [("2017-08-15T10:00", "start")], "a start notice only, at the import")
    eq(mails_of(st, f"{P}/rectification/{NEW}/once"),
       mails_of(st, f"{P}/treatment-plan/{NEW}/once"), "the same notice names both tasks")
    check(not any(NEW in " ".join(w["tasks"])
                  for w in json.loads(st.ok("warnings", "--format", "json"))),
          "no warning counts the new enterprise's tasks")
    st.cleanup()


def item5_plan_version_reaches_tasks():
    """5. A new version reaches the open tasks: version 2 moves the base number from 05-10
    to 05-19 and its -7d reminder to -3d, and drops the plan explanation."""
    st = Store("item5")
    st.changji("2017-04-05T10:00:00+08:00")
    with open(src("workflows", "changji-2017.yaml"), encoding="utf-8") as f:
        v1 = f.read()
    base = v1.index("      - id: base-number")
    v2 = v1[:base] + v1[base:].replace("due: 2017-05-10\n        remind: [-7d, -1wd]",
                                       "due: 2017-05-19\n        remind: [-3d, -1wd]", 1)
    pe = v2.index("      # \"县市、园区环保部门应通过多种渠道")
    v2 = v2[:pe] + v2[v2.index("  # 三、第三阶段"):]
    p2 = st.write("v2.yaml", v2)
    pre = st.ok("load", "--dry-run", p2)
    # nine counties: nine base numbers moved, nine explanations cancelled, nine owners told
    counts = {ln[:58].strip(): ln[58:].strip() for ln in pre.splitlines()[1:4]}
    eq(counts, {"tasks cancelled": "9", "deadlines moved": "9",
                "owners told (one notice each, listing their changes)": "9"},
       "the preview counts what version 2 changes")
    check(f"  {P}/base-number/changji-city/once" in pre and "2017-05-10 -> 2017-05-19" in pre,
          f"the preview lists the moves: {pre[:800]!r}")
    eq(task(st, f"{P}/base-number/changji-city/once")["deadline"],
       "2017-05-10T23:59:59+08:00", "--dry-run changes nothing")
    st.ok("load", p2)
    t = task(st, f"{P}/base-number/changji-city/once")
    eq(t["deadline"], "2017-05-19T23:59:59+08:00", "the open task takes version 2's deadline")
    moved = [json.loads(r["details"]) for r in st.records() if r["action"] == "task.redate"
             and r["task"] == f"{P}/base-number/changji-city/once"]
    eq([(d["plan_version"], d["from_deadline"], d["to_deadline"]) for d in moved],
       [(2, "2017-05-10T23:59:59+08:00", "2017-05-19T23:59:59+08:00")],
       "the old deadline kept on record")
    eq(sorted(n["to"][0] for n in st.notices() if n["kind"] == "changed"),
       sorted(epb(j) for j in ("changji-city", "changji-hitech", "fukang-city", "hutubi",
                               "jimsar", "manas", "mori", "qitai", "zhundong")),
       "each county told once of its changes, at the load")
    eq(task(st, f"{P}/plan-explanation/changji-city/once")["state"], "cancelled",
       "the dropped milestone's task is cancelled")
    # version 2's reminders: -3d of Friday 05-19 is Tuesday 05-16 09:00, -1wd Thursday
    # 05-18 09:00; version 1's 05-03 (-7d) and 05-09 (-1wd) are never sent
    st.ok("advance", "--to", "2017-05-20T10:00:00+08:00")
    eq([(s, k) for s, k, _ in notices_of(st, f"{P}/base-number/changji-city/once")],
       [("2017-05-16T09:00", "reminder"), ("2017-05-18T09:00", "reminder")],
       "the e-mails follow version 2")
    eq([(s, k) for s, k, _ in notices_of(st, f"{P}/plan-explanation/changji-city/once")
        if k != "changed"], [], "nothing chases a cancelled task")
    st.cleanup()


def item6_registry_reaches_tasks():
    """6. A registry re-import reaches the tasks: an enterprise moved, one unlisted, one
    given a new rectify_by; and an enterprise retired."""
    st = Store("item6")
    st.changji("2017-04-05T10:00:00+08:00")
    MOVE, UNLIST, LATER = "91652301MA74H957X2", "91652325MA785GKQ8T", "91652323MA77AQUU8C"
    head = ("id,name,jurisdiction,industry,listed,measure,rectify_by,responsible_unit,"
            "responsible_person,email\n")
    csv = st.write("re.csv", head +
                   f"{MOVE},昌吉天山钢铁有限公司（样例数据）,fukang-city,steel,是,"
                   "listed-supervision,2017-06-30,阜康市环境保护局,张伟,huanbao@e01.example\n"
                   f"{UNLIST},奇台企业（样例数据）,qitai-county,coal,否,,,奇台县环境保护局,"
                   "李娜,x@e05.example\n"
                   f"{LATER},呼图壁瑞达水泥有限公司（样例数据）,hutubi-county,cement,是,"
                   "rectify-by-deadline,2017-08-31,呼图壁县环境保护局,刘洋,x@e03.example\n")
    st.ok("import", "--dry-run", csv)
    eq(task(st, f"{P}/rectification/{MOVE}/once")["jurisdiction"], "changji-city",
       "--dry-run changes nothing")
    st.ok("import", csv)
    eq(task(st, f"{P}/rectification/{MOVE}/once")["jurisdiction"], "fukang-city",
       "the moved enterprise's open task moves with it")
    eq(sorted(t["state"] for t in st.tasks("--subject", UNLIST)), ["cancelled", "cancelled"],
       "the unlisted enterprise's treatment plan and rectification are cancelled")
    eq(task(st, f"{P}/rectification/{LATER}/once")["deadline"], "2017-08-31T23:59:59+08:00",
       "a new rectify_by moves the rectification from 07-31 to 08-31")
    st.cleanup()


HAMI = """\
plan: hami-2017
title: 哈密市达标计划
timezone: Asia/Shanghai
notify_at: "09:00"
registry: {where: {prefecture: hami}}
roles:
  hami_epb: {title: 区县环保局, per: jurisdiction}
phases:
  - id: p
    title: 阶段
    milestones:
      - {id: roster, title: 重点排污单位名录, owner: hami_epb, for: each jurisdiction, due: 2017-03-10}
"""
HAMI_REGISTRY = """\
jurisdictions:
  - {id: yizhou, name: 伊州区, kind: county, attrs: {prefecture: hami}, email: [hb@yizhou.example]}
offices:
  admin: [it@cj-epb.example]
"""
CHANGJI_IDS = ["changji-city", "fukang-city", "hutubi-county", "manas-county", "qitai-county",
               "jimsar-county", "mori-county", "zhundong-park", "changji-hitech-park"]


def item7_two_plans_own_subjects():
    """7. Two plans in one store, each over its own subjects: the Changji plan selecting its
    nine jurisdictions (`registry:`), a Hami plan its prefecture's, the registries imported
    one after the other."""
    st = Store("item7")
    st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
    with open(src("workflows", "changji-2017.yaml"), encoding="utf-8") as f:
        cj = f.read().replace("\ncalendar:\n", "\nregistry: {where: {id: [%s]}}\ncalendar:\n"
                              % ", ".join(CHANGJI_IDS), 1)
    st.ok("load", st.write("cj.yaml", cj))
    st.ok("load", st.write("hami.yaml", HAMI))
    st.ok("import", src("workflows", "changji-registry.yaml"))
    st.ok("import", st.write("hami-registry.yaml", HAMI_REGISTRY))
    eq([t["key"] for t in st.tasks("--subject", "yizhou")], ["hami-2017/roster/yizhou/once"],
       "伊州区 has the Hami plan's task only")
    eq(sorted({t["jurisdiction"] for t in st.tasks("--plan", P) if t["jurisdiction"]}),
       sorted(CHANGJI_IDS), "the Changji plan's tasks are its nine jurisdictions'")
    # nobody hands in: the Changji rosters lapse 02-16 00:00, the Hami roster 03-11 00:00;
    # Hami's plan has no ladder and no conduct: 伊州区 hears nothing from Changji's bureau
    st.ok("advance", "--to", "2017-03-13T10:00:00+08:00")
    eq(task(st, "hami-2017/roster/yizhou/once")["state"], "overdue", "Hami's roster lapsed")
    check(not any("hb@yizhou.example" in n["to"] for n in st.notices()
                  if not n["key"].startswith("hami-2017/")),
          "no Changji notice reaches 伊州区")
    check(all(w["plan"] == P and w["jurisdiction"] in CHANGJI_IDS
              for w in json.loads(st.ok("warnings", "--format", "json"))),
          "Changji's conduct rules count Changji's jurisdictions only")
    st.cleanup()


def item8_edges_refused():
    """8. Edges refused with 65, changing nothing."""
    st = Store("item8")
    st.changji("2017-05-12T10:00:00+08:00")
    k = f"{P}/evaluation-report/changji-city/once"
    eq(st.run("extend", k, "--to", "2017-05-11", "--by", "支队长", "--reason", "补")[0], 65,
       "extend to a past date")
    eq(st.run("submit", k, "--by", "李四", "--at", "2017-05-13T10:00:00+08:00")[0], 65,
       "submit --at in the future")
    st.ok("flag", k, "--kind", "omitted", "--by", "监测科", "--reason", "未报")
    eq(st.run("flag", k, "--kind", "omitted", "--by", "监测科", "--reason", "未报")[0], 65,
       "a second identical flag")
    t = task(st, k)
    eq((t["state"], t["deadline"]), ("overdue", "2017-05-10T23:59:59+08:00"),
       "nothing changed")
    st.cleanup()


item1_incomplete_and_returned_chased()
item2_true_counts_once()
item4_late_subjects_fair_start()
item5_plan_version_reaches_tasks()
item6_registry_reaches_tasks()
item7_two_plans_own_subjects()
item8_edges_refused()
done("issue 10's numbered cases on the Changji plan")
