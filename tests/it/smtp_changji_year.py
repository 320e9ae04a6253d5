"""The Changji 2017 year on a virtual clock, delivered to a real SMTP server: every notice
arrives once, with the right kinds, recipients, dates in Asia/Shanghai and decoded Chinese
subjects and bodies."""
import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402

srv = Server()
srv.start()
import atexit  # noqa: E402
atexit.register(srv.stop)
st = Store()
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}"}
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00", env=env)
st.ok("load", src("workflows", "changji-2017.yaml"), env=env)
st.ok("import", src("workflows", "changji-registry.yaml"), env=env)
st.ok("advance", "--to", "2019-01-01T00:00:00+08:00", env=env)

sent = st.notices("--sent", env=env)
log = srv.log()
msgs = srv.messages()
eq(len(log), len(sent), "every sent notice reached the server")
ids = collections.Counter(x["message_id"] for x in log)
eq(max(ids.values()), 1, "each notice arrived once")
eq(st.notices("--pending", env=env), [], "nothing left queued")
kinds = collections.Counter(m["X-Dabiao-Kind"] for m in msgs)
# The plan's conduct rules ask the bureau to decide: candidate lists go out, warnings wait.
for k in ("reminder", "overdue", "escalation", "candidates", "dispatch"):
    check(kinds[k] > 0, f"{k} notices delivered: {dict(kinds)}")
eq(kinds["interview-warning"] + kinds["approval-restriction-warning"], 0,
   "no warning reaches a county before the bureau decides")
T = "changji-2017/monthly-summary/changji-city/2017-10"
rem = sorted((m for m in msgs if m["X-Dabiao-Task"] == T and m["X-Dabiao-Kind"] == "reminder"),
             key=lambda m: m["Date"].datetime)
eq([str(m["Date"]) for m in rem], ["Sat, 30 Sep 2017 09:00:00 +0800",
                                   "Wed, 04 Oct 2017 09:00:00 +0800"], "October reminders")
eq(str(rem[0]["To"]), "hbj@changji-city.example", "to changji-city's department")
check("全州10个行业超标企业清理汇总表" in str(rem[0]["Subject"]), f"subject: {rem[0]['Subject']}")
body = rem[0].get_body().get_content()
check("2017年10月9日（星期一）24时前" in body and "报送州环境监察支队" in body,
      "the body says by when and to whom")
for m in msgs:
    check(str(m["Date"]).endswith("+0800"), "dated in Asia/Shanghai")
srv.stop()
st.cleanup()
done("the Changji year delivered over SMTP")
