"""A milestone's `where:` and a plan's `registry: {where:}` with long lists of values select
exactly the subjects whose attribute is one of the values (review 13f, C2: each subject was
compared with every value; a set now, and the selection must be the same):

- an enterprise whose `grp` is listed, among 3,000 values, gets the task; one whose value
  is not listed, differs only in case or by a trailing blank, or who has no `grp`, none;
- two attributes must both match; a value listed twice counts once;
- a YAML boolean in the list (`yes`) is the value `true` (plan-format.md: compared as text,
  booleans spelt `true`), so an enterprise with `listed: true` matches it;
- `id:` lists enterprise ids; the plan's `registry: {where: {prefecture: [...]}}` covers
  only jurisdictions listed, and their enterprises.

Each expected set is worked out by hand from the registry below."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, done  # noqa: E402
from spreadsheet_it import credit_code  # noqa: E402


def code(i):
    return credit_code(f"91130000{i:09d}")


MANY = [f"g{i}" for i in range(3000)]
GRP = MANY + ["g7", "甲组"]                 # g7 twice; a Chinese value
PREFECTURES = [f"p{i}" for i in range(3000)] + ["x"]
E = {i: code(i) for i in range(1, 10)}

plan = f"""plan: wl
title: 名单测试
timezone: Asia/Shanghai
registry: {{where: {{prefecture: [{", ".join(PREFECTURES)}]}}}}
roles:
  enterprise: {{title: 企业, per: enterprise}}
phases:
  - id: p
    title: 阶段
    milestones:
      - {{id: grp, title: 分组, owner: enterprise, for: each enterprise, due: 2017-05-10,
          where: {{grp: [{", ".join(GRP)}], industry: [steel, cement]}}}}
      - {{id: flag, title: 标记, owner: enterprise, for: each enterprise, due: 2017-05-10,
          where: {{listed: [no-such, yes]}}}}
      - {{id: ids, title: 点名, owner: enterprise, for: each enterprise, due: 2017-05-10,
          where: {{id: [{", ".join([code(50000 + i) for i in range(2000)] + [E[2], E[5]])}]}}}}
"""


def ent(i, jur, industry, attrs, listed="false"):
    return (f"  - {{id: {E[i]}, name: 企业{i}, jurisdiction: {jur}, industry: {industry}, "
            f"listed: {listed}, attrs: {{{attrs}}}}}\n")


registry = ("jurisdictions:\n"
            "  - {id: ja, name: 甲县, kind: county, email: [ja@x.example], attrs: {prefecture: x}}\n"
            "  - {id: jb, name: 乙县, kind: county, email: [jb@x.example], attrs: {prefecture: y}}\n"
            "enterprises:\n"
            + ent(1, "ja", "steel", "grp: g2999")            # listed value, last of the 3,000
            + ent(2, "ja", "cement", "grp: g7", "true")      # listed twice; listed: true
            + ent(3, "ja", "steel", "grp: g3000")            # one past the list
            + ent(4, "ja", "steel", "grp: G5")               # case differs
            + ent(5, "ja", "paper", "grp: g5")               # industry not listed
            + ent(6, "ja", "steel", "other: g5", "true")     # no grp at all
            + ent(7, "ja", "cement", "grp: 甲组")             # the Chinese value
            + ent(8, "jb", "steel", "grp: g1", "true")       # outside the plan's registry
            + ent(9, "ja", "steel", "grp: g0"))              # the first value
st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", st.write("wl.yaml", plan))
st.ok("import", st.write("r.yaml", registry))
got = {}
for t in st.tasks():
    got.setdefault(t["milestone"], set()).add(t["subject"])
eq(sorted(got.get("grp", ())), sorted([E[1], E[2], E[7], E[9]]),
   "grp: the listed values (first, last, repeated, Chinese) with a listed industry")
eq(sorted(got.get("flag", ())), sorted([E[2], E[6]]),
   "listed: [no-such, yes]: the enterprises with listed: true in the plan's jurisdictions")
eq(sorted(got.get("ids", ())), sorted([E[2], E[5]]), "id: the two listed enterprises")
st.cleanup()
done("where lists: listed values select, others do not, booleans and ids as documented")
