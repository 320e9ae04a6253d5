"""`dabiao web` speaks HTTPS itself when the configuration names web.tls_cert and
web.tls_key (docs/web.md, "Deployment"): a client that trusts the certificate (made here
with openssl for 127.0.0.1) logs in over TLS and gets its session cookie marked Secure;
plain HTTP on that port gets no HTTP answer; a certificate without its key, or a file that
is not PEM, is a configuration error (78) that names the key and serves nothing."""
import http.client
import os
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import PASSWORD, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)
cert, key = st.path("cert.pem"), st.path("key.pem")
subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key, "-out", cert], check=True, capture_output=True)

# ---- refused configurations: nothing served, status 78, the key named ----
for name, text, words in [
        ("half.yaml", f"web:\n  tls_cert: {cert}\n", "tls_cert and tls_key go together"),
        ("notpem.yaml", f"web:\n  tls_cert: {st.path('half.yaml')}\n  tls_key: {key}\n",
         "not a PEM file")]:
    cfg = st.write(name, text)
    rc, _, err = st.run("--config", cfg, "web", "--listen", "127.0.0.1:1")
    eq(rc, 78, f"{name}: a configuration error")
    check(words in err and ("web" in err), f"{name}: says what is wrong: {err}")

cfg = st.write("tls.yaml", f"web:\n  tls_cert: {cert}\n  tls_key: {key}\n")
srv = Server(st, config=cfg, extra_env={"DABIAO_WEB_URL": ""})
ctx = ssl.create_default_context(cafile=cert)


def https(method, path, body=None, headers=None):
    c = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=60)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    out = (r.status, r.getheaders(), r.read().decode("utf-8", "replace"))
    c.close()
    return out


status, hdrs, body = https("GET", "/login")
eq(status, 200, "the login page over TLS, the certificate verified")
check("default-src 'self'" in dict(hdrs).get("Content-Security-Policy", ""),
      "the same safety headers over TLS")
form_cookie = [v.split(";")[0] for k, v in hdrs if k.lower() == "set-cookie"]
import re  # noqa: E402
token = re.search(r'name="csrf" value="([0-9a-f]+)"', body).group(1)
status, hdrs, _ = https("POST", "/login",
                        f"login=officer&password={PASSWORD.replace(' ', '+')}&csrf={token}",
                        {"Content-Type": "application/x-www-form-urlencoded",
                         "Cookie": "; ".join(form_cookie)})
eq(status, 303, "the officer logs in over TLS")
session = [v for k, v in hdrs if k.lower() == "set-cookie" and v.startswith("dabiao_session=")]
eq(len(session), 1, "a session cookie")
attrs = [a.strip().lower() for a in session[0].split(";")[1:]]
check("secure" in attrs and "httponly" in attrs and "samesite=strict" in attrs,
      f"served over TLS, the session cookie is Secure, HttpOnly, SameSite=Strict: {attrs}")

# TLS 1.2 and 1.3 only, as the nginx example (review 11b, m4: 1.0 and 1.1 were taken); the
# client lowers its own floor (SECLEVEL=0), so a refusal is the server's
for version, taken in (("-tls1", False), ("-tls1_1", False), ("-tls1_2", True),
                       ("-tls1_3", True)):
    p = subprocess.run(["openssl", "s_client", version, "-cipher", "DEFAULT:@SECLEVEL=0",
                        "-connect", f"127.0.0.1:{srv.port}"], input=b"", capture_output=True,
                       timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    got = p.returncode == 0 and re.search(r"Cipher is (?!\(NONE\))", out) is not None
    eq(got, taken, f"openssl s_client {version}: {'taken' if taken else 'refused'}")

# plain HTTP to the TLS port: no HTTP answer
c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
try:
    c.request("GET", "/login")
    got = c.getresponse().status
except (http.client.HTTPException, OSError):
    got = None
check(got is None or got == 400, f"plain HTTP on the TLS port is not served a page: {got}")
c.close()

srv.stop()
st.cleanup()
done("dabiao web over TLS from the library")
