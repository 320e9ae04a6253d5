"""A stop while the server is answering a message's end of DATA does not send it twice
(docs/notices.md, the daemon's stop): the server stores each message at the end of DATA
and answers it only 1.5 s later (smtpd.py's slowack), so a SIGTERM to `run` always falls
between a message taken and its answer. The daemon lets that message finish within its
grace, records it, and stops; the next run sends the rest, each notice once — where
killing the helper at once left the taken message unrecorded and the next run sent it
again."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done, start_daemon  # noqa: E402
from smtp_delivery_lib import Server  # noqa: E402
import backlog  # noqa: E402

srv = Server()
srv.start()
srv.mode("slowack 1.5")
env = {"DABIAO_SMTP": f"smtp://127.0.0.1:{srv.port}"}
st = Store("stop")
keys = backlog.make(st, 6, 2, env=env)
log = open(st.path("run.log"), "a")
for stop in range(2):
    # a stop in the middle of a taken message's wait, for the first run and again after
    p = start_daemon(st, env, log=log, ready=False)
    taken = len(srv.log())
    backlog.wait_for(lambda: len(srv.log()) > taken, 60, "a message taken by the server")
    time.sleep(0.3)  # inside its 1.5 s wait for the answer
    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    eq(p.wait(timeout=60), 0, "run exits 0 on SIGTERM")
    took = time.time() - t0
    print(f"stop {stop + 1}: the message in flight finished, stopped in {took:.2f} s")
    check(took < 10, f"run stops within 10 s of SIGTERM: {took:.2f} s")
    sent = backlog.count(st, env, "--sent")
    eq(sent, len(srv.log()), "every message the server took is recorded as sent, "
       "none left to be sent again")
    check(sent < len(keys), f"the stop came before the end: {sent} of {len(keys)} sent")
backlog.deliver_rest(st, env, srv, keys, log, "none twice across the stops")
srv.stop()
done("a stop while a message waits for its answer records it; none sent twice")
