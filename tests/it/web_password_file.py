"""A password file is read as the password the login form will send: a file Notepad saved
(UTF-8 with a byte order mark, CRLF) gives the password typed in it, not one starting with
an invisible BOM nobody can type (review13f C7: the account was added, 0, and its officer
could never log in); the password on standard input alike. What no form can send is
refused (64) naming it, and nothing is added: a first line over 1024 bytes (it was cut at
1,099 without a word, on standard input too), a NUL byte (a UTF-16 file), bytes that are
not UTF-8 (a GBK file). A line of exactly 1024 bytes is taken whole."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)


def add(login, data, stdin=None):
    """`user add LOGIN --role supervision --password-file F` (F holds data), or '-' with
    stdin: (status, stderr)."""
    if stdin is None:
        path = st.path(f"pw-{login}")
        with open(path, "wb") as f:
            f.write(data)
    else:
        path = "-"
    env = dict(os.environ)
    env.pop("DABIAO_SMTP", None)
    p = subprocess.run([BIN, "--db", st.db, "user", "add", login, "--role", "supervision",
                        "--password-file", path], input=stdin, capture_output=True, env=env,
                       timeout=300)
    return p.returncode, p.stderr.decode("utf-8", "replace")


PW = "Secret-pass-2017"
eq(add("notepad", b"\xef\xbb\xbf" + PW.encode() + b"\r\n")[0], 0, "a Notepad file is taken")
eq(add("piped", None, stdin=b"\xef\xbb\xbf" + PW.encode() + b"\r\nsecond line\n")[0], 0,
   "and on standard input")
chinese = "昌吉州环境保护局督查支队" * 27 + "abcd"     # 324 characters, 976 bytes
long_pw = (chinese + "x" * (1024 - len(chinese.encode()))).encode()
eq(len(long_pw), 1024, "a password of 1024 bytes")
eq(add("longest", long_pw + b"\n")[0], 0, "a first line of 1024 bytes is taken")

for login, data, stdin, what in (
        ("toolong", long_pw + b"y\n", None, "longer than 1024 bytes"),
        ("toolong2", None, b"z" * 5000 + b"\n", "longer than 1024 bytes"),
        ("endless", None, b"z" * 200000, "longer than 1024 bytes"),
        ("utf16", "\ufeffSecret-pass\r\n".encode("utf-16-le"), None, "NUL byte"),
        ("gbk", "密码是长城2017".encode("gbk") + b"\n", None, "not UTF-8")):
    rc, err = add(login, data, stdin)
    eq(rc, 64, f"{login}: refused as a usage error")
    check(what in err, f"{login}: saying why ({what}): {err!r}")
users = st.ok("user", "list")
for login in ("toolong", "toolong2", "endless", "utf16", "gbk"):
    check(f"\n{login} " not in users, f"{login} was not added")

srv = Server(st)
try:
    for login, pw in (("notepad", PW), ("piped", PW), ("longest", long_pw.decode())):
        eq(Client(srv.base).login(login, pw)[0], 303, f"{login} logs in with what was typed")
    eq(Client(srv.base).login("notepad", "\ufeff" + PW)[0], 401,
       "and not with an invisible BOM before it")
    eq(Client(srv.base).login("longest", long_pw.decode()[:-1])[0], 401,
       "the longest password is whole: one byte less is another password")
finally:
    srv.stop()
st.cleanup()
done("a password file is the password typed in it: BOM and CRLF off, over-long, NUL and "
     "non-UTF-8 refused")
