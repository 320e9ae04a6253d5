"""Review10j R4: in a plan's own two-stage lifecycle (draft, then final, each reviewed),
accepting the draft was told to the county as a return ("予以退回。退回原因：初稿通过"): the
owner's notice followed the state the event led to (one the deadline watches), not what the
event was. `accept` is told as accepted; when more is owed (the final version), the notice
says the matter is not finished and by when the rest is due, and the reminders that follow
say the draft was accepted, never that it was sent back or must be corrected.
Worked by hand (Asia/Shanghai, notify_at 09:00): 方案 due Friday 2017-03-10, reminded -2d
(Wednesday 03-08 09:00); the draft handed in 03-01, accepted 03-02; the final handed in
03-09 and accepted 03-09."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import (Store, eq, check, done, county_plan, county_registry,  # noqa: E402
                       county_task)

PLAN = county_plan("ts", "两阶段审核测试", [
    county_task("r", "方案", "2017-03-10", "submit_to: hq, remind: [-2d], lifecycle: twostage")],
    offices=[("hq", "支队")], rules="""\
lifecycles:
  twostage:
    initial: draft
    states: [draft, review1, final, review2, done, late]
    final: [done]
    events:
      submit: {draft: review1, final: review2, late: review1}
      accept: {review1: final, review2: done}
      return: {review1: draft, review2: final}
    deadline: {from: [draft, final], to: late}
""")
T = "ts/r/j/once"

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-01T10:00:00+08:00")
st.ok("load", st.write("p.yaml", PLAN))
st.ok("import", st.write("r.yaml", county_registry([("j", "甲县")], offices=("hq",))))
st.ok("submit", T, "--by", "经办")
st.ok("advance", "--to", "2017-03-02T10:00:00+08:00")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("event", T, "accept", "--by", "处长", "--reason", "初稿通过，请报送终稿")
new = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq([(m["X-Dabiao-Kind"], m["To"]) for m in new], [("accepted", "j@x.example")],
   "the county is told its draft was accepted")
text = new[0].get_body(("plain",)).get_content()
check("退回" not in text and "退回" not in new[0]["Subject"], f"no word of a return: {text}")
check("审核通过" in new[0]["Subject"], new[0]["Subject"])
check("予以通过。" in text and "本事项办结" not in text, f"passed, not finished: {text}")
check("本事项尚未办结" in text and "2017年3月10日（星期五）24时前报送" in text,
      f"what is still owed, by when: {text}")
check("初稿通过，请报送终稿" in text, f"the reviewer's words: {text}")

st.ok("advance", "--to", "2017-03-08T10:00:00+08:00")
rem = [m for m in st.mails() if m["X-Dabiao-Kind"] == "reminder"]
eq(len(rem), 1, "the -2d reminder of the final version")
text = rem[0].get_body(("plain",)).get_content()
check("你单位已报送的材料已审核通过，后续材料尚未报送，请于上述时间前报送。" in text,
      f"the reminder says the draft passed: {text}")
check("退回" not in text and "补正后重新" not in text,
      f"nothing sent back, nothing to correct: {text}")

st.ok("advance", "--to", "2017-03-09T10:00:00+08:00")
st.ok("submit", T, "--by", "经办")
before = {m["X-Dabiao-Key"] for m in st.mails()}
st.ok("event", T, "accept", "--by", "处长", "--reason", "终稿通过")
new = [m for m in st.mails() if m["X-Dabiao-Key"] not in before]
eq([m["X-Dabiao-Kind"] for m in new], ["accepted"], "the final accepted")
text = new[0].get_body(("plain",)).get_content()
check("予以通过，本事项办结。" in text and "尚未办结" not in text, f"now finished: {text}")
st.ok("advance", "--to", "2017-03-20T10:00:00+08:00")
eq([m["X-Dabiao-Kind"] for m in st.mails() if m["X-Dabiao-Kind"] in ("overdue", "returned")],
   [], "nothing overdue, nothing returned")
st.cleanup()
done("a stage accepted is told as accepted, with what is still owed")
