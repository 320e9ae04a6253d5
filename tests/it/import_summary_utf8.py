"""`dabiao import`'s summary of changed fields cuts a long value at a character, never inside
one (review12z, Z4): a 330-character 超标原因 printed `…烧\\xe7\\xbb`, a line that is not UTF-8
(iconv and Python's text mode refuse it). The line now ends at a whole character with `…`."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from spreadsheet_it import PLAN, registry  # noqa: E402

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00", "--tz", "Asia/Shanghai")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r1.yaml", registry("91652301MA74H957X2", "甲企业", "甲单位", "张三",
                                                "颗粒物", "原因")))
for n, what in ((330, "a reason of three-byte characters"), (331, "cut at another byte")):
    st.ok("import", st.write("r0.yaml", registry("91652301MA74H957X2", "甲企业", "甲单位", "张三",
                                                    "颗粒物", "原因")))
    out = st.run_bytes("import", st.write(f"r{n}.yaml", registry(
        "91652301MA74H957X2", "甲企业", "甲单位", "张三", "颗粒物", "a" * (n - 330) + "烧" * 330)))
    try:
        text = out.decode("utf-8")
    except UnicodeDecodeError as x:
        text = None
        check(False, f"{what}: the summary is UTF-8: {x}")
    if text is not None:
        line = [ln for ln in text.splitlines() if "reason" in ln]
        eq(len(line), 1, f"{what}: one line for the changed reason")
        check(line and line[0].endswith("…"), f"{what}: cut, and said so: {line[:1]}")
done("the import summary stays UTF-8")
