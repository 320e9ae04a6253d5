"""The optional daily digest: with `digest: [county_epb]` in the configuration, a county
gets one message a day listing that day's notices (X-Dabiao-Kind: digest, one
X-Dabiao-Task per notice), while roles without a digest still get each notice; without
the setting, everyone gets each notice."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402

PLAN = """\
plan: dg
title: 汇总测试
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner, supervision]}
phases:
  - id: p
    title: 阶段
    milestones:
""" + "".join(f"""\
      - id: r{i}
        title: 报表{i}
        owner: county_epb
        for: each jurisdiction
        due: 2017-03-10
        remind: [-1d]
        escalate: std
""" for i in range(3))
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  supervision: [s@x.example]
"""


def run(digest):
    srv = Server()
    srv.start()
    st = Store("d" if digest else "n")
    cfg = f"smtp: {{host: 127.0.0.1, port: {srv.port}, from: dabiao@x.example}}\n"
    if digest:
        cfg += "digest: [county_epb]\n"
    env = {"DABIAO_CONFIG": st.write("dabiao.yaml", cfg)}
    st.ok("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00", env=env)
    st.ok("load", st.write("p.yaml", PLAN), env=env)
    st.ok("import", st.write("r.yaml", REG), env=env)
    st.ok("advance", "--to", "2017-03-12T00:00:00+08:00", env=env)
    # (envelope recipients, message): the To header names everyone the notice is for,
    # the envelope says who was sent this copy
    msgs = list(zip([x["rcpt_tos"] for x in srv.log()], srv.messages()))
    srv.stop()
    st.cleanup()
    return msgs


def to_a(msgs):
    return [m for rcpt, m in msgs if "a@x.example" in rcpt]


plain = run(False)
eq(sorted(m["X-Dabiao-Kind"] for m in to_a(plain)), ["overdue"] * 3 + ["reminder"] * 3,
   "without a digest the county gets six messages")
dig = run(True)
a = to_a(dig)
eq(sorted(m["X-Dabiao-Kind"] for m in a), ["digest", "digest"],
   "with a digest the county gets one message a day (reminders 03-09, overdue 03-11)")
first = sorted(a, key=lambda m: m["Date"].datetime)[0]
eq(str(first["Date"]), "Thu, 09 Mar 2017 09:00:00 +0800", "the digest goes out at notify_at")
eq(sorted(first.get_all("X-Dabiao-Task")), [f"dg/r{i}/a/once" for i in range(3)],
   "one X-Dabiao-Task per notice listed")
body = first.get_body().get_content()
check("报表0" in body and "报表2" in body and "共3份" in body, f"the digest carries all: {body}")
eq(len([m for rcpt, m in dig if rcpt == ["s@x.example"]]), 3,
   "supervision, not a digest role, gets each overdue notice")
done("daily digest per role")
