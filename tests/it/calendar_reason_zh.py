"""A calendar file's `not_confirmed` reason in Chinese (review 12c, L13): `status`'s Chinese
说明 lines carried the files' English reasons inside Chinese sentences. A year's value may be
a mapping `{reason, reason_zh}`; Chinese text shows reason_zh, English text reason; a year
with a plain text only is pointed at in Chinese, never quoted in English; reason_zh is
checked at load (required in the mapping, no other key, Chinese characters in it)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src, plan_yaml  # noqa: E402

# 1. The shipped Changji plan in 2017: cn-xinjiang has no 2017 or 2018 notice; its 2017
# reason is "regional 肉孜节 and 古尔邦节 notices not found (searched repeatedly)", in Chinese
# 未找到自治区肉孜节、古尔邦节放假通知（已反复查找）
st = Store()
st.changji("2017-01-02T10:00:00+08:00")
notes = [l for l in st.ok("status").splitlines() if l.startswith("说明：")]
check(any("2017年的期限未计入 cn-xinjiang 的假日（未确认：未找到自治区肉孜节、古尔邦节放假通知"
          "（已反复查找））" in l for l in notes), f"2017's reason in Chinese: {notes}")
for l in notes:
    check("not found" not in l and "regional" not in l and "searched" not in l,
          f"no English reason in a Chinese line: {l}")
en = [l for l in st.ok("status", "--lang", "en").splitlines() if l.startswith("note:")]
check(any("(not confirmed: regional 肉孜节 and 古尔邦节 notices not found (searched repeatedly))"
          in l for l in en), f"English keeps the English reason: {en}")

# 2. A local cn-mainland whose 2027 is a plain text: Chinese points at the file
st2 = Store()
os.mkdir(st2.path("calendars"))
cfg = st2.write("dabiao.yaml", "calendars_dir: calendars\n")
C = ("--config", cfg)
with open(src("workflows", "calendars", "cn-mainland.yaml"), encoding="utf-8") as fh:
    shipped = fh.read()
start = shipped.index("not_confirmed:\n  2027:\n")
end = shipped.index("versions:", start)
block = shipped[start:end]


def mainland(not_confirmed):
    path = st2.path("calendars", "cn-mainland.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(shipped.replace(block, not_confirmed))
    return path


cal = mainland("not_confirmed:\n  2027: notice not found\n")
plan = st2.write("p.yaml", plan_yaml("p", "{use: [cn-mainland]}", [
    "{id: a, title: 年报, owner: office, for: once, due: 2027-03-01}"]))
st2.ok("init", "--clock", "virtual", "--now", "2026-06-01T00:00:00+08:00")
st2.ok(*C, "load", plan)
zh = [l for l in st2.ok(*C, "status").splitlines() if l.startswith("说明：")]
eq(zh, ["说明：p：cn-mainland 没有2027年的通知，2027年的期限只按周末计算"
        "（未确认，原因见 cn-mainland.yaml 的 not_confirmed）"], "a plain text: the file is named")
en = [l for l in st2.ok(*C, "status", "--lang", "en").splitlines() if l.startswith("note:")]
eq(en, ["note: p: cn-mainland has no 2027 notice: dues in 2027 assume weekends only "
        "(not confirmed: notice not found)"], "English: the text as written")

# with reason_zh, Chinese shows it
mainland("not_confirmed:\n  2027:\n    reason: notice not found\n    reason_zh: 未找到该年通知\n")
st2.ok(*C, "load", plan)
zh = [l for l in st2.ok(*C, "status").splitlines() if l.startswith("说明：")]
eq(zh, ["说明：p：cn-mainland 没有2027年的通知，2027年的期限只按周末计算（未确认：未找到该年通知）"],
   "reason_zh in the Chinese line")

# 3. Refused at load and by check, at the line to fix: reason_zh without Chinese, a missing
# reason_zh, an unknown key
line0 = shipped[:start].count("\n") + 1          # the line of `not_confirmed:`
for text, line, col, what in (
        ("not_confirmed:\n  2027:\n    reason: notice not found\n    reason_zh: notice not found\n",
         line0 + 3, 16, "reason_zh holds no Chinese character"),
        ("not_confirmed:\n  2027:\n    reason: notice not found\n",
         line0 + 2, 5, "reason_zh"),
        ("not_confirmed:\n  2027:\n    reason: notice not found\n    reason_zh: 未找到\n"
         "    reason_en: notice not found\n", line0 + 4, 5, "reason_en")):
    path = mainland(text)
    rc, out, err = st2.run(*C, "check", path)
    eq(rc, 65, f"check refuses: {text!r}: {err}")
    check(f"{path}:{line}:{col}:" in err and what in err,
          f"at {line}:{col}, naming {what}: {err}")
    rc, out, err = st2.run(*C, "load", plan)
    eq(rc, 65, f"load refuses it too: {err}")
done("Chinese status lines carry a calendar's Chinese reason, or point at the file")
