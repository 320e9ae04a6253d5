"""The refusal of a second identical flag names that flag's own raiser and reason
(review10g G2): a task flagged falsified ("数据造假", 监测科) and then concealed ("也瞒报",
监察科) was refused a second falsified flag "by 监察科: 也瞒报", the concealed flag's."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, county_plan, county_task, county_registry  # noqa: E402,E501

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", county_plan("fx", "登记测试", [
    county_task("t", "月报表", "2017-03-31", "submit_to: hq")], offices=[("hq", "支队")])))
st.ok("import", st.write("r.yaml", county_registry([("j1", "甲县")], offices=("hq",))))
K = "fx/t/j1/once"
st.ok("submit", K, "--by", "甲县")
st.ok("flag", K, "--kind", "falsified", "--by", "监测科", "--reason", "数据造假")
st.ok("flag", K, "--kind", "concealed", "--by", "监察科", "--reason", "也瞒报")
rc, _, err = st.run("flag", K, "--kind", "falsified", "--by", "监测科", "--reason", "再报")
eq(rc, 65, f"a second falsified flag is refused: {err}")
check("already flagged falsified (by 监测科: 数据造假)" in err, f"with its own reason: {err}")
rc, _, err = st.run("flag", K, "--kind", "concealed", "--by", "监察科", "--reason", "再报")
check(rc == 65 and "already flagged concealed (by 监察科: 也瞒报)" in err, err)
done("a second identical flag is refused naming that flag's raiser and reason")
