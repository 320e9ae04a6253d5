"""Two bureaus' clean-up plans in one store (docs/plan-format.md, "registry"): the plan
text and the registry the tests of a plan's own counties and reports share. 甲县 (a) and
乙县 (b) are of prefecture p1, 丙县 (c) of p2; 甲县 and 丙县 have one listed enterprise
each, 乙县 none."""


def cleanup_plan(pid, prefecture, county, office, leader, title=None, shared=""):
    """Plan pid over the jurisdictions of `prefecture`: a county role, an enterprise role
    ({pid}_ent), two offices (office, leader; shared: more role lines, each ending in a
    newline), a monthly table of the counties from 2017-07, an enterprise clean-up
    milestone of the plan's own lifecycle and a monthly dispatch on the 10th."""
    return f"""\
plan: {pid}
title: {title or pid + ' 方案'}
timezone: Asia/Shanghai
notify_at: "09:00"
registry: {{where: {{prefecture: {prefecture}}}}}
roles:
  {county}: {{title: 县环保局, per: jurisdiction}}
  {pid}_ent: {{title: 企业, per: enterprise}}
  {office}: {{title: 监察支队}}
  {leader}: {{title: 环保局}}
{shared}lifecycles:
  rectification:
    initial: listed
    states: [listed, rectifying, verified, closed, overdue]
    final: [verified, closed]
    events:
      start: {{listed: rectifying}}
      verify: {{rectifying: verified, overdue: verified}}
      close: {{listed: closed, rectifying: closed, overdue: closed}}
    deadline: {{from: [listed, rectifying], to: overdue}}
dispatch: {{day: 10, notify: [{office}, {leader}]}}
phases:
  - id: p
    title: 清理整治
    milestones:
      - {{id: monthly, title: 汇总表, owner: {county}, for: each jurisdiction,
         due: {{every: 1 month, day: 5, from: 2017-07, until: 2017-08}}}}
      - {{id: rect, title: 超标企业整改, owner: {pid}_ent, for: each enterprise,
         where: {{listed: true}}, lifecycle: rectification, due: {{field: rectify_by}}}}
"""


REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example], attrs: {prefecture: p1}}
  - {id: b, name: 乙县, kind: county, email: [b@x.example], attrs: {prefecture: p1}}
  - {id: c, name: 丙县, kind: county, email: [c@x.example], attrs: {prefecture: p2}}
enterprises:
  - {id: 91652301MA77XB5N47, name: 甲一, jurisdiction: a, industry: cement, listed: true,
     measure: rectify-by-deadline, rectify_by: 2017-09-30}
  - {id: 91652301MA77XB5N7G, name: 丙一, jurisdiction: c, industry: paper, listed: true,
     measure: closure, rectify_by: 2017-09-30}
offices:
  sup: [s@x.example]
  boss: [p@x.example]
  pb_boss: [pb@x.example]
  admin: [admin@x.example]
"""
COUNTIES = ("甲县", "乙县", "丙县")
