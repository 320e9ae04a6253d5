"""An extension gives time; a plan version never takes it away (review 10e, M-A). A county
extended to 04-20 keeps its extension against a version that moves the date earlier than
that, but a version that gives everyone 05-31 gives it 05-31 too, and tells it; the
extension is then spent (a later version's earlier date moves it like anyone's). Every
expected value is worked out by hand below (Asia/Shanghai; no holidays in 2017's spring
besides 清明, which no date here touches)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_task,  # noqa: E402
                       county_registry)

REG = county_registry([("k1", "甲县"), ("k2", "乙县")])


def plan(due):
    return county_plan("ve", "延期测试", [county_task("a", "甲报告", due, "remind: [-2d]")])


def dues():
    return {t["key"]: (t["due_date"], t["extended"]) for t in st.tasks()}


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-05T10:00:00+08:00")
st.ok("load", st.write("v1.yaml", plan("2017-04-10")))
st.ok("import", st.write("r.yaml", REG))
st.ok("extend", "ve/a/k1/once", "--to", "2017-04-20", "--by", "支队", "--reason", "县里申请延期")
st.ok("advance", "--to", "2017-03-15T10:00:00+08:00")
# version 2 moves a to 04-14 (earlier than k1's extension): k1 keeps 04-20
out = st.ok("load", st.write("v2.yaml", plan("2017-04-14")))
check("kept: extended by hand to 2017-04-20 (支队)" in " ".join(out.split()), out)
eq(dues(), {"ve/a/k1/once": ("2017-04-20", True), "ve/a/k2/once": ("2017-04-14", False)},
   "v2: the extension stands against an earlier date")
# version 3 gives everyone 05-31: k1 too, and k1 is told
before = len(st.mails())
st.ok("load", st.write("v3.yaml", plan("2017-05-31")))
eq(dues(), {"ve/a/k1/once": ("2017-05-31", False), "ve/a/k2/once": ("2017-05-31", False)},
   "v3: the later date reaches the extended county too; its extension is spent")
told = sorted((str(m["To"]), m.get_body().get_content()) for m in st.mails()[before:]
              if m["X-Dabiao-Kind"] == "changed")
eq([to for to, _ in told], ["k1@x.example", "k2@x.example"], "both counties told")
check("截止时间由2017年4月20日（星期四）24时调整为2017年5月31日（星期三）24时" in told[0][1],
      told[0][1])
# version 4 brings it back to 05-15: k1 moves like k2, its extension spent
st.ok("load", st.write("v4.yaml", plan("2017-05-15")))
eq(dues(), {"ve/a/k1/once": ("2017-05-15", False), "ve/a/k2/once": ("2017-05-15", False)},
   "v4: an earlier date moves both")
st.cleanup()
done("an extension gives time and a version never takes it away")
