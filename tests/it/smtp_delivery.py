"""Notices delivered to a real SMTP server on 127.0.0.1 (tests/lib/smtpd.py, aiosmtpd):
the right kinds, recipients, dates and decoded Chinese text; a server that is down, then
up: everything delivered once; 451 then success; 550 for one of three recipients: the
other two receive it once, the notice is failed and the admin is told."""
import email
import email.policy
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402

from smtp_delivery_lib import Server, PLAN, REG  # noqa: E402


def setup(st, port):
    env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{port}"}
    st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00")
    st.ok("load", st.write("p.yaml", PLAN))
    st.ok("import", st.write("r.yaml", REG))
    return env


# 1. The plan's notices arrive with their headers and decoded Chinese text.
srv = Server()
srv.start()
st = Store("one")
env = setup(st, srv.port)
st.ok("advance", "--to", "2017-02-20T00:00:00+08:00", env=env)
msgs = srv.messages()
eq(sorted(m["X-Dabiao-Kind"] for m in msgs), ["overdue", "reminder"], "kinds delivered")
rem = [m for m in msgs if m["X-Dabiao-Kind"] == "reminder"][0]
eq(str(rem["Date"]), "Tue, 14 Feb 2017 09:00:00 +0800", "reminder dated at its time")
eq(rem["X-Dabiao-Task"], "mail/roster/a/once", "task header")
check("重点排污单位名录" in str(rem["Subject"]), f"decoded subject: {rem['Subject']}")
check("2017年2月15日（星期三）24时前" in rem.get_body().get_content(), "body says by when")
over = [m for m in msgs if m["X-Dabiao-Kind"] == "overdue"][0]
eq(sorted(a.strip() for a in str(over["To"]).split(",")),
   ["a@x.example", "m@x.example", "s@x.example"], "overdue recipients")
log = srv.log()
eq(sorted(len(x["rcpt_tos"]) for x in log), [1, 3], "one transaction per notice")
eq(len(st.notices("--sent", env=env)), 2, "both notices are sent")
eq(st.outbox(), [], "no .eml files when a server is configured")
srv.stop()

# 2. Server down, then up: retried with backoff, each delivered once.
srv2 = Server()
st2 = Store("two")
env2 = setup(st2, 1)           # port 1: connection refused
st2.ok("advance", "--to", "2017-02-14T12:00:00+08:00", env=env2)
out = st2.notices("--retrying", env=env2)
eq(len(out), 1, f"the reminder waits to be retried: {out}")
srv2.start()
env2 = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv2.port}"}
st2.ok("advance", "--to", "2017-02-14T13:10:00+08:00", env=env2)
eq([m["X-Dabiao-Kind"] for m in srv2.messages()], ["reminder"], "delivered after the retry")
st2.ok("advance", "--to", "2017-02-14T14:00:00+08:00", env=env2)
eq(len(srv2.messages()), 1, "delivered once")

# 3. 451, then success.
srv2.mode("tempfail")
st2.ok("advance", "--to", "2017-02-16T09:00:30+08:00", env=env2)
eq(len(srv2.messages()), 1, "451: nothing stored")
check("overdue" in st2.ok("outbox", "--retrying", env=env2), "overdue is retrying")
srv2.mode("ok")
st2.ok("advance", "--to", "2017-02-16T12:00:00+08:00", env=env2)
eq(sorted(m["X-Dabiao-Kind"] for m in srv2.messages()), ["overdue", "reminder"],
   "overdue delivered after the 451")
srv2.stop()

# 4. 550 for one of three recipients.
srv3 = Server()
srv3.start()
srv3.mode("reject m@x.example")
st3 = Store("three")
env3 = setup(st3, srv3.port)
st3.ok("advance", "--to", "2017-02-20T00:00:00+08:00", env=env3)
over = [x for x in srv3.log() if "s@x.example" in x["rcpt_tos"]]
eq(len(over), 1, "the overdue notice reached the server once")
eq(sorted(over[0]["rcpt_tos"]), ["a@x.example", "s@x.example"], "to the two accepted")
st3.ok("advance", "--to", "2017-02-25T00:00:00+08:00", env=env3)
over = [x for x in srv3.log() if "s@x.example" in x["rcpt_tos"]]
eq(len(over), 1, "and never again")
failed = st3.ok("outbox", "--failed", env=env3)
check("m@x.example" in failed and "550" in failed, f"the failure is recorded: {failed}")
admin = [m for m in srv3.messages() if m["X-Dabiao-Kind"] == "delivery-failed"]
eq(len(admin), 1, "the admin is told")
eq(str(admin[0]["To"]), "admin@x.example", "to the admin")
# the report speaks of the notice that failed (the overdue notice of 02-16, the day after the
# 02-15 deadline, at 09:00), in words, not of itself
text = admin[0].get_body().get_content()
for want in ("通知类型：逾期通知", "任务编号：mail/roster/a/once", "原定发送时间：2017-02-16 09:00 +08:00"):
    check(want in text, f"{want} in the failure report: {text}")
check("m@x.example" in text.split("收件地址：")[1].split("\n")[0], f"its recipients: {text}")
check("delivery-failed" not in text and "admin@x.example" not in text.split("收件地址：")[1],
      f"not the report's own kind or recipient: {text}")
srv3.stop()

for s in (st, st2, st3):
    s.cleanup()
done("SMTP delivery: headers, retries, 451, 550 for one recipient")
