"""The test SMTP server for notifiers/smtp.h: aiosmtpd on 127.0.0.1, misbehaving on demand.

    /usr/bin/python3 tests/lib/smtpd.py --port 0 --dir DIR [--lifetime 600]
        [--starttls CERT KEY] [--no-starttls-offer]
        [--require-auth USER PASSWORD]

The first stdout line is "PORT <n>" (the port really bound: port 0 binds a free one in the
same socket we serve on, so there is no window in which another process can take it).

Each accepted message is stored as DIR/NNNNNN.eml plus one JSON line in DIR/log.jsonl:
    {"mail_from", "rcpt_tos", "message_id", "size", "conn"}
where conn numbers the TCP connection (1, 2, ...), so a test can count sessions.
DIR/connections gets one line per accepted connection.

DIR/mode is re-read at every command, so a test changes behaviour between batches:
    ok               accept everything (also when the file is missing or empty)
    tempfail         451 at the end of DATA
    reject ADDR      550 at RCPT for that one address, others accepted
    tempreject ADDR  452 at RCPT for that one address, others accepted
    drop             close the connection on MAIL FROM, without a reply
    dropdata         take the whole message (stored and logged as accepted), then close
                     the connection without the final reply to DATA
    stall SECONDS    wait before answering the end of DATA; the message is stored only if
                     the client is still there afterwards
    slowack SECONDS  store the message at the end of DATA, then wait before answering it:
                     a client stopped meanwhile leaves a message taken but unanswered
    tlsstall SECONDS wait before answering EHLO on a connection that has done STARTTLS
    authtemp         with --require-auth: refuse every AUTH with 454 (a temporary failure)

With --require-auth, a wrong user or password is refused at once with
    535 5.7.8 Authentication credentials invalid (test)
(and MAIL FROM without a successful AUTH gets aiosmtpd's 530).

DIR/server.log is aiosmtpd's own protocol log (every line each way, with milliseconds): the
first place to look when a session stalls. It holds the AUTH lines, so only test passwords.

It exits on SIGTERM, and by itself after --lifetime seconds so a failed test never leaves it
running.
"""
import argparse
import asyncio
import json
import logging
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, syntax


def read_mode(d):
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

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if read_mode(self.dir)[0] == "drop":
            server.transport.close()
            return "421 4.3.0 closing (test: drop)"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        m = read_mode(self.dir)
        if m[0] == "reject" and len(m) > 1 and address.lower() == m[1].lower():
            return "550 5.1.1 <%s>: no such user (test)" % address
        if m[0] == "tempreject" and len(m) > 1 and address.lower() == m[1].lower():
            return "452 4.2.2 <%s>: mailbox full, try later (test)" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        m = read_mode(self.dir)
        if m[0] == "stall":
            await asyncio.sleep(float(m[1]) if len(m) > 1 else 5.0)
            if server.transport is None or server.transport.is_closing():
                return "451 4.4.2 client went away"
        if m[0] == "tempfail":
            return "451 4.3.0 try again later (test)"
        data = envelope.original_content or envelope.content
        self.seq += 1
        with open(os.path.join(self.dir, "%06d.eml" % self.seq), "wb") as f:
            f.write(data)
        mid = ""
        for line in data.split(b"\r\n"):
            if not line:
                break
            if line.lower().startswith(b"message-id:"):
                mid = line.split(b":", 1)[1].strip().decode("ascii", "replace")
        with open(os.path.join(self.dir, "log.jsonl"), "a") as f:
            f.write(json.dumps({"mail_from": envelope.mail_from,
                                "rcpt_tos": envelope.rcpt_tos,
                                "message_id": mid, "size": len(data),
                                "conn": server.conn_no}) + "\n")
        if m[0] == "dropdata":
            server.transport.close()
            return "421 4.3.0 closing (test: dropdata)"
        if m[0] == "slowack":
            await asyncio.sleep(float(m[1]) if len(m) > 1 else 5.0)
        return "250 2.0.0 OK queued as %06d" % self.seq


class Server(SMTP):
    """One instance per connection: numbers it and logs it."""
    counter = 0

    def __init__(self, handler, dirname, **kw):
        super().__init__(handler, **kw)
        self.dirname = dirname
        Server.counter += 1
        self.conn_no = Server.counter

    def connection_made(self, transport):
        with open(os.path.join(self.dirname, "connections"), "a") as f:
            f.write("%d\n" % self.conn_no)
        super().connection_made(transport)

    @syntax("EHLO hostname")
    async def smtp_EHLO(self, hostname):
        m = read_mode(self.dirname)
        if m[0] == "tlsstall" and self._tls_protocol is not None:
            await asyncio.sleep(float(m[1]) if len(m) > 1 else 5.0)
        return await super().smtp_EHLO(hostname)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--lifetime", type=float, default=600)
    ap.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--no-starttls-offer", action="store_true")
    ap.add_argument("--require-auth", nargs=2, metavar=("USER", "PASSWORD"))
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    logging.basicConfig(filename=os.path.join(a.dir, "server.log"), level=logging.DEBUG,
                        format="%(asctime)s.%(msecs)03d %(message)s", datefmt="%H:%M:%S")

    tls = None
    if a.starttls and not a.no_starttls_offer:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.starttls[0], a.starttls[1])
    kw = dict(tls_context=tls, require_starttls=False, decode_data=False,
              enable_SMTPUTF8=True, hostname="dabiao-test-smtpd")
    if a.require_auth:
        want = (a.require_auth[0].encode(), a.require_auth[1].encode())

        def authenticator(server, session, envelope, mechanism, auth_data):
            # handled=False with a message: aiosmtpd sends that reply. AuthResult's default
            # handled=True means "the authenticator has already replied", so a refusal went
            # unanswered and the client waited for its timeout.
            if read_mode(a.dir)[0] == "authtemp":
                return AuthResult(success=False, handled=False,
                                  message="454 4.7.0 Temporary authentication failure (test)")
            if (auth_data.login, auth_data.password) == want:
                return AuthResult(success=True)
            return AuthResult(success=False, handled=False,
                              message="535 5.7.8 Authentication credentials invalid (test)")
        kw.update(auth_required=True, auth_require_tls=False,
                  authenticator=authenticator)

    handler = Handler(a.dir)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        lambda: Server(handler, a.dir, loop=loop, **kw), "127.0.0.1", a.port))
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    loop.call_later(a.lifetime, loop.stop)
    loop.run_forever()
    server.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
