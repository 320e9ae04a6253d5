"""A proposal that counted a lapse voided by a back-dated extension (`extend --backdate`
covering the late hand-in waiting for review) is withdrawn and the deciders are told why in
the words of what happened: the candidate notice said "报送材料在截止前已收到、事后补录" — a
hand-in recorded afterwards — for an extension agreed earlier and recorded late, where
nothing was recorded afterwards. Worked by hand (Asia/Shanghai, notify_at 09:00): 甲表 and
乙表 due 03-10 lapse 03-11 00:00; the rule (2 lapses, decide) proposes on 03-11 09:00; 乙表
handed in 03-12 10:00, and its extension to 03-15, agreed on 03-09, recorded then: one
lapse left, below the rule: withdrawn, the deciders told at once."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("xv", "展期撤销测试", [
    county_task("a", "甲表", "2017-03-10"), county_task("b", "乙表", "2017-03-10")],
    offices=[("hq", "支队")], rules="""\
conduct:
  - {lapses: 2, within: 90d, kind: interview-warning, of: [lapse], notify: [hq], decide: [hq]}
""")

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-02-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县")], offices=("hq",))))
st.ok("advance", "--to", "2017-03-12T10:00:00+08:00")
st.ok("submit", "xv/b/j/once", "--by", "张三")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("extend", "xv/b/j/once", "--to", "2017-03-15", "--by", "支队长", "--reason", "3月9日已同意延期",
      "--backdate")
new = [m for m in st.mails() if m["X-Dabiao-Key"] not in before
       and m["X-Dabiao-Kind"] == "candidates"]
eq(len(new), 1, "the deciders are told at once")
text = new[0].get_body(("plain",)).get_content()
check("报送材料在事后补记的展期内收到（展期经支队长同意，理由：3月9日已同意延期），所记逾期已撤销" in text,
      f"why, as it happened: {text}")
check("事后补录" not in text, f"no hand-in was recorded afterwards: {text}")
st.cleanup()
done("a lapse voided by a back-dated extension: the deciders told so")
