"""The /audit page signs the log's head with the key `dabiao audit checkpoint` uses — the
configured audit.key_file, else the store's own made by `init` — under the same origin, so
the checkpoint an officer copies from the page verifies with `dabiao audit verify`."""
import html
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)
check(os.path.exists(os.path.join(st.db, "audit-key.pem")), "init made the store's own key")
srv = Server(st)
officer = Client(srv.base)
eq(officer.login("officer")[0], 303, "the officer logs in")
status, _, body = officer.get("/audit")
eq(status, 200, "the audit page opens")
check("未配置签名密钥" not in body, "the page does not say there is no key")
m = re.search(r'<pre class="hash" id="checkpoint">(.*?)</pre>', body, re.S)
check(m is not None, "the page shows a signed checkpoint")
text = html.unescape(m.group(1)) if m else ""
cli = st.ok("audit", "checkpoint")
eq(text.split("\n")[:3], cli.split("\n")[:3],
   "its origin, size and root are the command line's checkpoint's")
cp = st.write("page-checkpoint.txt", text if text.endswith("\n") else text + "\n")
out = st.ok("audit", "verify", "--checkpoint", cp)
check("checkpoint" in out, f"`dabiao audit verify` accepts the page's checkpoint: {out}")
srv.stop()
st.cleanup()
done("the audit page's checkpoint is signed with the store's key and verifies")
