"""Shared by the SMTP integration tests: the test server, a small plan and registry."""
import email
import email.policy
import json
import os
import subprocess
import tempfile

from dabiao_it import check, src

PLAN = """\
plan: mail
title: 邮件测试计划
timezone: Asia/Shanghai
notify_at: "09:00"
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 州环境监察支队}
  monitoring: {title: 监测监察科}
escalations:
  std:
    - {after: 1d, kind: overdue, notify: [owner, supervision, monitoring]}
phases:
  - id: p
    title: 第一阶段
    milestones:
      - id: roster
        title: 重点排污单位名录
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-02-15
        remind: [-1d]
        escalate: std
"""
REG = """\
jurisdictions:
  - {id: a, name: 甲县, kind: county, email: [a@x.example]}
offices:
  supervision: [s@x.example]
  monitoring: [m@x.example]
  admin: [admin@x.example]
"""


class Server:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="dabiao-smtp-")
        self.proc = None
        self.port = None

    def start(self, port=0, tls=None, offer_tls=True):
        args = ["/usr/bin/python3", src("tests", "lib", "smtpd.py"), "--port", str(port),
                "--dir", self.dir, "--lifetime", "300"]
        if tls:
            args += ["--starttls", tls[0], tls[1]]
            if not offer_tls:
                args.append("--no-starttls-offer")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().split()
        check(len(line) == 2 and line[0] == "PORT", f"server says its port: {line}")
        self.port = int(line[1])

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None

    def mode(self, text):
        with open(os.path.join(self.dir, "mode"), "w") as f:
            f.write(text + "\n")

    def log(self):
        p = os.path.join(self.dir, "log.jsonl")
        if not os.path.exists(p):
            return []
        with open(p) as f:
            return [json.loads(x) for x in f if x.strip()]

    def messages(self):
        out = []
        for name in sorted(os.listdir(self.dir)):
            if name.endswith(".eml"):
                with open(os.path.join(self.dir, name), "rb") as f:
                    out.append(email.message_from_binary_file(f, policy=email.policy.default))
        return out


