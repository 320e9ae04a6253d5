"""The inspector a year later keeps `audit checkpoint`'s note and `audit key`'s line in files,
and Windows tools save them their way: Notepad puts a byte order mark first and CRLF line
ends, a mail client saves CRLF, a paste leaves blanks after the line and blank lines at the
end. None of that is in the signed text or the key, so such files verify as the originals
do (review13f C6: the key "was changed", reading as tampering, and the checkpoint was "not a
checkpoint" or signed by "\\ufeffdabiao/…"); a changed root in a CRLF file still fails. A
verifier given a key of another kind is told it is not the log's key, never to generate a
new signing key."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

st = Store()
st.changji(until="2017-03-01T00:00:00+08:00")
cp = st.ok("audit", "checkpoint")
key = st.ok("audit", "key")
BOM = "\ufeff"


def saved(name, text):
    path = st.path(name)
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))
    return path


crlf = cp.replace("\n", "\r\n")
checkpoints = {"cp.txt": cp, "cp-crlf.txt": crlf, "cp-bom.txt": BOM + cp,
               "cp-notepad.txt": BOM + crlf + "\r\n\r\n", "cp-blanks.txt": cp.replace("\n", "  \n")}
keys = {"key.txt": key, "key-notepad.txt": BOM + key.strip() + "\r\n",
        "key-blank.txt": key.strip() + "  \n\n", "key-tab.txt": key.strip() + "\t\r\n \r\n"}
base = st.ok("audit", "verify", "--checkpoint", saved("cp.txt", cp), "--key",
             saved("key.txt", key)).replace(st.path("cp.txt"), "CP")
check("consistent with checkpoint CP" in base, f"the originals verify: {base!r}")
for cname, ctext in checkpoints.items():
    for kname, ktext in keys.items():
        rc, out, err = st.run("audit", "verify", "--checkpoint", saved(cname, ctext), "--key",
                              saved(kname, ktext))
        eq((rc, out.replace(st.path(cname), "CP")), (0, base),
           f"{cname} with {kname} verifies as the originals: {err!r}")

# the originals' bytes were not the point: a changed line is still found
lines = cp.split("\n")
root = lines[2]
lines[2] = ("A" if root[0] != "A" else "B") + root[1:]
rc, _, err = st.run("audit", "verify", "--checkpoint",
                    saved("cp-forged.txt", BOM + "\r\n".join(lines)), "--key",
                    saved("key-notepad.txt", keys["key-notepad.txt"]))
eq(rc, 65, f"a CRLF checkpoint with another root is refused: {err!r}")
k2 = key.strip()
forged_key = k2[:-2] + ("AA" if not k2.endswith("AA") else "BB")
rc, _, err = st.run("audit", "verify", "--checkpoint", saved("cp.txt", cp), "--key",
                    saved("key-forged.txt", BOM + forged_key + "\r\n"))
check(rc in (65, 78), f"a changed key is refused: {rc} {err!r}")

# a key of another kind: not the log's key, and no advice to make one
rsa = st.path("rsa.pem")
subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024",
                "-out", rsa], check=True, capture_output=True)
pub = st.path("rsa.pub.pem")
subprocess.run(["openssl", "pkey", "-in", rsa, "-pubout", "-out", pub], check=True,
               capture_output=True)
rc, _, err = st.run("audit", "verify", "--checkpoint", saved("cp.txt", cp), "--key", pub)
eq(rc, 78, f"an RSA public key is refused: {err!r}")
check("not the log's key" in err and "genpkey" not in err, f"as not the log's key: {err!r}")
st.cleanup()
done("checkpoints and verifier keys saved by Windows tools verify; changes are still found")
