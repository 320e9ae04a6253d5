"""A configured audit.key_file that cannot be used stops `init`, `run` and `web` before they
start (78, naming audit.key_file and the file) — review 11d, W10: with the documented
configuration and the key never made, `web` served and every county's receipt went out
unsigned while its page said 由本局的审计密钥签名. With the key made, the receipt is signed;
if the key goes after the web started, the receipt page says the configured key cannot be
used and claims no signature."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq  # noqa: E402
from web_it import E1, Server, hand_in, setup_store  # noqa: E402

st = Store()
key = st.path("keys", "audit-key.pem")
os.makedirs(os.path.dirname(key))
cfg = st.write("dabiao.yaml", f"audit:\n  key_file: {key}\n  origin: test.example/audit\n")


def refused(*args, what):
    code, _, err = st.run("--config", cfg, *args, timeout=60)
    eq(code, 78, f"{what}: refused with 78: {err}")
    check("audit.key_file" in err and key in err, f"{what}: names audit.key_file and the file: {err}")


refused("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00", what="init, no key")
check(not os.path.exists(os.path.join(st.db, "data.mdb")), "init made no store")
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True,
               capture_output=True)
os.chmod(key, 0o644)
refused("init", "--clock", "virtual", "--now", "2017-03-01T00:00:00+08:00",
        what="init, a key others may read")
os.chmod(key, 0o600)

# a store made without the configuration; `web` and `run` started with it, key gone
setup_store(st)
os.rename(key, key + ".away")
refused("web", "--listen", "127.0.0.1:1", what="web, no key")
refused("run", what="run, no key")
os.rename(key + ".away", key)

srv = Server(st, config=cfg)
try:
    _, body = hand_in(srv.base, "county1", "web/report/j1/once", "甲县李")
    check('<pre class="hash" id="receipt-checkpoint">test.example/audit' in body,
          "with the key: the receipt carries a signed checkpoint")
    # the key goes while the web runs: the next receipt says so, and claims no signature
    os.rename(key, key + ".away")
    _, body = hand_in(srv.base, "ent1", f"web/filing/{E1}/once", "甲一")
    check("配置的审计签名密钥（audit.key_file）无法使用" in body, "the receipt names the real cause")
    check("由本局的审计密钥签名" not in body and "未配置审计签名密钥" not in body,
          "and claims neither a signature nor that no key is configured")
finally:
    srv.stop()
st.cleanup()
done("a configured audit key that cannot be used stops init, run and web; receipts say what is")
