"""The test SMTP server: aiosmtpd on 127.0.0.1, told how to misbehave by a file.

    /usr/bin/python3 tests/smtp_test_server.py --port 0 --dir DIR [--lifetime 600]
        [--tls-cert CERT --tls-key KEY]

Prints "PORT <n>" on its first line, then serves. Each accepted message is DIR/<seq>.eml
and one JSON line in DIR/log.jsonl {mail_from, rcpt_tos, message_id, size, session}.
DIR/connections gets one line per connection. DIR/mode is read at every command:
  ok               accept everything
  tempfail         451 at the end of DATA
  reject ADDR      550 at RCPT for that address only
  drop             close the connection after MAIL FROM
  stall SECONDS    wait before answering DATA
  notls            do not offer STARTTLS
It exits on SIGTERM, and by itself after --lifetime seconds.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


def mode(d):
    try:
        with open(os.path.join(d, "mode")) as f:
            parts = f.read().split()
    except OSError:
        return ["ok"]
    return parts or ["ok"]


class Handler:
    def __init__(self, d):
        self.dir = d
        self.seq = 0

    async def handle_MAIL(self, server, session, envelope, address, options):
        if mode(self.dir)[0] == "drop":
            session.transport.close() if hasattr(session, "transport") and \
                session.transport else None
            server.transport.close()
            return "421 closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        m = mode(self.dir)
        if m[0] == "reject" and len(m) > 1 and address == m[1]:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        m = mode(self.dir)
        if m[0] == "stall":
            await asyncio.sleep(float(m[1]))
        if m[0] == "tempfail":
            return "451 4.3.0 try again later"
        self.seq += 1
        data = envelope.original_content or envelope.content
        with open(os.path.join(self.dir, f"{self.seq:06d}.eml"), "wb") as f:
            f.write(data)
        mid = ""
        for line in data.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                mid = line.split(b":", 1)[1].strip().decode()
                break
            if not line:
                break
        with open(os.path.join(self.dir, "log.jsonl"), "a") as f:
            f.write(json.dumps({"mail_from": envelope.mail_from,
                                "rcpt_tos": envelope.rcpt_tos, "message_id": mid,
                                "size": len(data), "session": id(session)}) + "\n")
        return "250 OK queued"


class Server(SMTP):
    def __init__(self, *a, dirname=None, **kw):
        super().__init__(*a, **kw)
        self.dirname = dirname

    def connection_made(self, transport):
        with open(os.path.join(self.dirname, "connections"), "a") as f:
            f.write("connection\n")
        super().connection_made(transport)

    async def smtp_EHLO(self, hostname):
        if mode(self.dirname)[0] == "notls":
            saved, self.tls_context = self.tls_context, None
            try:
                await super().smtp_EHLO(hostname)
            finally:
                self.tls_context = saved
            return
        await super().smtp_EHLO(hostname)


class Ctl(Controller):
    def __init__(self, handler, dirname, tls, **kw):
        self.dirname = dirname
        self.tls = tls
        super().__init__(handler, **kw)

    def factory(self):
        return Server(self.handler, dirname=self.dirname, tls_context=self.tls,
                      require_starttls=False, decode_data=False,
                      enable_SMTPUTF8=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--lifetime", type=float, default=600)
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    tls = None
    if a.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.tls_cert, a.tls_key)
    port = a.port
    if port == 0:
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
    ctl = Ctl(Handler(a.dir), a.dir, tls, hostname="127.0.0.1", port=port)
    ctl.start()
    print(f"PORT {port}", flush=True)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    import time
    end = time.time() + a.lifetime
    while not stop["now"] and time.time() < end:
        time.sleep(0.1)
    ctl.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
