"""One client address cannot hold every connection (review of issue 11, F13: 1,010 trickling
connections from one client made every other client's page time out). With
connections_per_address: 5, a sixth connection from 127.0.0.1 while five half-sent requests
are open is answered 503 with Retry-After (it was closed unanswered: a browser showed a
reset); four such answers may be pending at once, and a connection past those is closed
unanswered (answering needs the request read, which would hand a trickling client the
threads the cap keeps from it). A client from 127.0.0.2 is served meanwhile, and 127.0.0.1
is served again once its five close. A trusted proxy is not counted. And a request whose
headers trickle in is closed after header_timeout (F13's other half: each trickle reset the
idle timeout), while a slow body is not."""
import http.client
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Server, setup_store  # noqa: E402

st = Store()
setup_store(st, officers=False)


def alive(s):
    """Whether the server keeps connection s open (a refused one is closed at once)."""
    s.setblocking(False)
    try:
        return s.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        s.setblocking(True)


def half_open(port, n):
    """n connections from 127.0.0.1 the server keeps, each with half a request's headers
    sent. One the server closes is made again: a connection that just closed (the start-up
    probe's) counts until the server has seen it go."""
    out, deadline = [], time.time() + 60
    while len(out) < n and time.time() < deadline:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n")
        time.sleep(0.3)
        if alive(s):
            out.append(s)
        else:
            s.close()
            time.sleep(0.5)
    eq(len(out), n, f"{n} half-sent requests held open")
    return out


def get_full(port, source="127.0.0.1"):
    """(status, headers, body) of GET /login from source, or None when the connection
    gives no answer."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20,
                                   source_address=(source, 0))
    try:
        c.request("GET", "/login")
        resp = c.getresponse()
        return resp.status, resp.headers, resp.read().decode("utf-8", "replace")
    except (ConnectionError, http.client.HTTPException, socket.timeout, OSError):
        return None
    finally:
        c.close()


def get_login(port, source="127.0.0.1"):
    """Status of GET /login from source, or None when the connection gives no answer."""
    got = get_full(port, source)
    return got[0] if got else None


def eventually(port, want, what):
    deadline = time.time() + 30
    got = None
    while time.time() < deadline:
        got = get_login(port)
        if got == want:
            break
        time.sleep(0.2)
    eq(got, want, what)


cfg = st.write("web.yaml", "web:\n  connections_per_address: 5\n")
srv = Server(st, config=cfg)
held = half_open(srv.port, 5)
got = get_full(srv.port)
check(got is not None, "a sixth connection from the same address gets an answer")
status, hdrs, body = got
eq(status, 503, "a sixth connection from the same address is answered 503")
eq(hdrs.get("Retry-After"), "10", "with Retry-After in seconds")
eq(hdrs.get("Connection"), "close", "and the connection closed after it")
check("连接过多" in body and "每个地址最多 5 个" in body,
      f"the page says why, in Chinese, with the bound: {body[-400:]}")
eq([alive(s) for s in held], [True] * 5, "while the five stay open")
eq(get_login(srv.port, "127.0.0.2"), 200, "another address is served meanwhile")
# four refusals may wait for their headers at once; past them a connection is closed
# unanswered, so refusing does not give a trickling client the threads back
refusing = half_open(srv.port, 4)
eq(get_login(srv.port), None, "past the four refusals pending, a connection is closed")
for s in refusing:
    s.close()
deadline = time.time() + 30
while time.time() < deadline and get_login(srv.port) != 503:
    time.sleep(0.2)
eq(get_login(srv.port), 503, "once they close, the next over the share is answered 503 again")
for s in held:
    s.close()
eventually(srv.port, 200, "once the five close, 127.0.0.1 is served again")
srv.stop()
with open(st.path("web.log"), encoding="utf-8") as f:
    log = f.read()
check("refused a connection addr=127.0.0.1 with 503" in log,
      f"the answered refusal is logged: {log[-800:]}")
check("refused a connection addr=127.0.0.1 unanswered" in log,
      f"the unanswered one too: {log[-800:]}")

cfg = st.write("web2.yaml", "web:\n  connections_per_address: 5\n"
               "  trusted_proxies: [127.0.0.1]\n")
srv = Server(st, config=cfg)
held = half_open(srv.port, 8)
eq(get_login(srv.port), 200, "a trusted proxy's connections are not counted")
for s in held:
    s.close()
srv.stop()

# the header deadline: a client that sends a header line every half second is closed once
# header_timeout (2 s) has passed, although it is never idle; a whole request meanwhile is
# answered, and an upload slower than the deadline is not cut
cfg = st.write("web3.yaml", "web:\n  header_timeout: 2\n")
srv = Server(st, config=cfg)
s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n")
start, closed = time.time(), None
while time.time() - start < 20:
    time.sleep(0.5)
    try:
        s.sendall(b"X-Trickle: 1\r\n")
    except OSError:
        closed = time.time() - start
        break
    if not alive(s):
        closed = time.time() - start
        break
s.close()
check(closed is not None and 1.5 <= closed <= 12,
      f"a trickling request is closed after header_timeout (2 s), not kept: {closed}")
eq(get_login(srv.port), 200, "a whole request is answered")
c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
c.putrequest("POST", "/login")
c.putheader("Content-Type", "application/x-www-form-urlencoded")
c.putheader("Content-Length", "40")
c.endheaders()
for i in range(8):  # 4 s of body, 5 bytes every half second: past the 2 s deadline
    c.send(b"x=123")
    time.sleep(0.5)
status = c.getresponse().status
c.close()
check(status in (400, 401, 403), f"a slow body is not cut by the header deadline: {status}")
srv.stop()
with open(st.path("web.log"), encoding="utf-8") as f:
    log = f.read()
check("web.header_timeout" in log, f"the closing is logged: {log[-600:]}")

bad = st.write("bad.yaml", "web:\n  connections_per_address: 0\n")
status, _, err = st.run("--config", bad, "status")
eq(status, 78, "connections_per_address 0 is a configuration error")
check("web.connections_per_address" in err, f"naming the key: {err}")
st.cleanup()
done("connections bounded per client address, a trusted proxy exempt")
