"""An incomplete submission's notice names what is missing by the titles the plan gives
(`requires: {id: title}`), numbered, never by the ids a submitter types: the submit records
the missing ids joined by 、, and the notice must read that list, one id or several, an id
that is part of another (`problems`, `problems-more`) included."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402

PLAN = """\
plan: inc
title: 补正测试
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction, unit: 环境保护局}
  supervision: {title: 监察支队}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: annual
        title: 年度工作报告
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-11-15
        requires:
          work-done: 工作开展情况
          problems: 存在的问题
          problems-more: 问题原因及改进措施
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
  - {id: b, name: 乙县, kind: county, email: [b@x.example]}
offices:
  supervision: [s@x.example]
  admin: [admin@x.example]
"""

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-05-01T00:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", REG))
st.ok("submit", "inc/annual/a/once", "--by", "王", "--sections", "problems-more")
st.ok("submit", "inc/annual/b/once", "--by", "李", "--sections", "work-done,problems")


def missing(county):
    ms = [m for m in st.mails() if m["X-Dabiao-Kind"] == "incomplete" and m["To"].startswith(county)]
    eq(len(ms), 1, f"one incomplete notice to {county}")
    text = ms[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
    body = text.split("缺少以下必备内容：\n", 1)[1].split("\n　　请", 1)[0]
    for word in ("work-done", "problems", "、"):
        check(word not in body, f"no id or id list ('{word}') in {body!r}")
    return body


eq(missing("a@"), "　　（一）工作开展情况；\n　　（二）存在的问题。",
   "甲县 lacks two sections, named and numbered (problems-more was given, not problems)")
eq(missing("b@"), "　　（一）问题原因及改进措施。", "乙县 lacks one")
done("an incomplete notice names the missing sections by their titles")
