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
text = [m for m in st.mails() if m["X-Dabiao-Kind"] == "incomplete" and m["To"].startswith("a@")]
text = text[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
check("请甲县环境保护局补齐上述内容，于2017年11月15日（星期三）24时前重新报送" in text,
      f"handed in on time: asked to complete by the deadline still ahead:\n{text}")

# review 10d, m-3: 甲县 hands in again on 11-20, after its deadline (Wednesday 11-15 24:00;
# no correction period in this plan), still incomplete: the task stays overdue, and the
# notice must not ask for a correction "by" a date already past
st.ok("advance", "--to", "2017-11-20T10:00:00+08:00")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("submit", "inc/annual/a/once", "--by", "王", "--sections", "work-done")
late = [m for m in st.mails() if m["X-Dabiao-Key"] not in before
        and m["X-Dabiao-Kind"] == "incomplete" and m["To"].startswith("a@")]
eq(len(late), 1, "one incomplete notice for the late hand-in")
text = late[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
check("前重新报送" not in text, f"no correction by a past date:\n{text}")
check("本事项的截止时间2017年11月15日（星期三）24时已过，已按逾期处理。请甲县环境保护局尽快"
      "补齐上述内容后重新报送" in text, f"says the deadline passed:\n{text}")
done("an incomplete notice names the missing sections by their titles, and a late one "
     "does not ask for a correction by a date already past")
