"""Delivery's edges against the test SMTP server: STARTTLS required but not offered sends
nothing in clear; STARTTLS with a certificate the test makes is verified against the
configured ca_file (and refused without it); a server that stalls past the timeout is a
temporary failure, retried later; the password comes from a file and never shows."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, src  # noqa: E402
from smtp_delivery_lib import Server, PLAN, REG  # noqa: E402

tmp = tempfile.mkdtemp(prefix="dabiao-tls-")
cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key, "-out", cert], check=True, capture_output=True)
pw = os.path.join(tmp, "password")
with open(pw, "w") as f:
    f.write("s3cret-pa55\n")


def config(st, port, tls, ca=None, timeout="10s"):
    # the certificate names localhost: verification checks the name, as it would a bureau's
    text = f"""\
smtp:
  host: {"localhost" if tls else "127.0.0.1"}
  port: {port}
  security: {"starttls" if tls else "none"}
  from: dabiao@cj-epb.example
  timeout: {timeout}
  password_file: {pw}
"""
    if ca:
        text += f"  ca_file: {ca}\n"
    return {"DABIAO_CONFIG": st.write("dabiao.yaml", text)}


def setup(st, env):
    st.ok("init", "--clock", "virtual", "--now", "2017-02-01T00:00:00+08:00", env=env)
    st.ok("load", st.write("p.yaml", PLAN), env=env)
    st.ok("import", st.write("r.yaml", REG), env=env)


# 1. STARTTLS required, server offers none: nothing stored, the notice waits.
srv = Server()
srv.start(tls=(cert, key), offer_tls=False)
st = Store("notls")
env = config(st, srv.port, True, ca=cert)
setup(st, env)
rc, out, err = st.run("advance", "--to", "2017-02-14T09:00:30+08:00", env=env)
eq(rc, 0, f"advance: {err}")
eq(srv.messages(), [], "nothing sent in clear")
check("retrying" in st.ok("outbox", "--retrying", env=env), "the reminder waits")
check("s3cret" not in out + err, "the password never shows")
# the server starts offering STARTTLS: the retry goes through, encrypted and verified
port = srv.port
srv.stop()
srv.start(port=port, tls=(cert, key))
st.ok("advance", "--to", "2017-02-14T09:10:00+08:00", env=env)
eq([m["X-Dabiao-Kind"] for m in srv.messages()], ["reminder"], "delivered over STARTTLS")
srv.stop()

# 2. A certificate the configuration does not trust is refused.
srv2 = Server()
srv2.start(tls=(cert, key))
st2 = Store("untrusted")
env2 = config(st2, srv2.port, True)
setup(st2, env2)
st2.ok("advance", "--to", "2017-02-14T09:00:30+08:00", env=env2)
eq(srv2.messages(), [], "an unverified server gets nothing")
check("retrying" in st2.ok("outbox", "--retrying", env=env2), "and the notice waits")
srv2.stop()

# 3. A server that stalls past the timeout: a temporary failure, within a few seconds.
srv3 = Server()
srv3.start()
srv3.mode("stall 4")
st3 = Store("stall")
env3 = config(st3, srv3.port, False, timeout="1s")
setup(st3, env3)
t = time.time()
st3.ok("advance", "--to", "2017-02-14T09:00:30+08:00", env=env3)
check(time.time() - t < 30, f"the timeout bounds the wait: {time.time() - t:.1f}s")
check("retrying" in st3.ok("outbox", "--retrying", env=env3), "a stall is retried")
srv3.stop()

for s in (st, st2, st3):
    s.cleanup()
done("STARTTLS required and verified, timeouts, password kept out of sight")
