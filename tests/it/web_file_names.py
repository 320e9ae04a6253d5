"""A file part's name is read by Content-Disposition's grammar (RFC 7578, RFC 6266), not cut
at the next quote (review of issue 11, F6: `filename="a\\";x=y.pdf"` was kept as `a`; the
library's post processor took the bytes between `filename="` and the next quote). Raw
multipart bodies posted to a county's link, each name worked out by hand:

- taken (303), the audit record naming the file as the county's computer did: an escaped
  quote, a browser's %22, semicolons, a Windows path (its last segment), a Unix path, a
  token, filename* in UTF-8 (preferred to filename), Chinese with spaces;
- refused (400, nothing kept: no record, no file), the page naming the part (the file is
  the 3rd part, after csrf and by) and why: a quote that ends the name early (`"a";x=y.pdf"`,
  F6's own case), an unterminated quote, a NUL, a raw line break, a name that is only a
  folder, filename* in another charset, two names, over 1,000 bytes, a name that is not
  UTF-8, and bidirectional controls (review 11b, M3: `rtl<U+202E>fdp.exe` showed as
  "rtlexe.pdf" to the officer).

Then Chromium uploads a file whose name on disk is `a";x=y.pdf` through the link page:
the browser writes the quote as %22 and the receipt shows the name as it was."""
import json
import os
import socket
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Browser, Client, overdue_with_link  # noqa: E402

T1 = "web/report/j1/once"
st = Store()
srv, link = overdue_with_link(st, T1)
county = Client(srv.base)
county.get(link)
csrf = county.csrf


def post_raw(disposition, data=b"%PDF-1.4 x"):
    """POSTs csrf, by and a file part whose Content-Disposition is disposition (bytes),
    over a raw socket (no client library second-guesses the header). (status, body)."""
    b = ("----dabiao" + uuid.uuid4().hex).encode()
    body = b""
    for k, v in (("csrf", csrf), ("by", "测试")):
        body += b"--" + b + b"\r\nContent-Disposition: form-data; name=\"" + k.encode() + \
            b"\"\r\n\r\n" + v.encode() + b"\r\n"
    body += b"--" + b + b"\r\nContent-Disposition: " + disposition + \
        b"\r\nContent-Type: application/pdf\r\n\r\n" + data + b"\r\n--" + b + b"--\r\n"
    head = (f"POST {link} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Content-Type: multipart/form-data; boundary={b.decode()}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=60)
    s.sendall(head + body)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    status = int(out.split(b" ", 2)[1])
    return status, out.split(b"\r\n\r\n", 1)[1].decode("utf-8", "replace")


def last_files():
    recs = [json.loads(x)["record"] for x in st.ok("audit", "--format", "jsonl").splitlines()]
    subs = [r for r in recs if r["action"] == "task.submit"]
    d = json.loads(subs[-1]["details"])
    return len(recs), [f["name"] for f in d.get("files", [])]


def kept_files():
    out = []
    for root, _, names in os.walk(os.path.join(st.db, "files")):
        out += [n for n in names if os.path.basename(root) != "tmp"]
    tmp = os.listdir(os.path.join(st.db, "files", "tmp"))
    return sorted(out), tmp


TAKEN = [
    (b'form-data; name="file"; filename="a\\";x=y.pdf"', 'a";x=y.pdf'),
    (b'form-data; name="file"; filename="a%22;x=y.pdf"', 'a";x=y.pdf'),
    (b'form-data; name="file"; filename="a;b; filename=c.pdf"', "a;b; filename=c.pdf"),
    (b'form-data; name="file"; filename="C:\\fakepath\\x.pdf"', "x.pdf"),
    (b'form-data; name="file"; filename="../../etc/passwd"', "passwd"),
    (b'form-data; name="file"; filename=plain.pdf', "plain.pdf"),
    (b"form-data; name=\"file\"; filename=\"fallback.pdf\"; "
     b"filename*=UTF-8''%E5%90%8D%E5%BD%95.pdf", "名录.pdf"),
    ('form-data; name="file"; filename="报告 (2017) 第1期.pdf"'.encode(),
     "报告 (2017) 第1期.pdf"),
    (b'FORM-DATA ; NAME="file" ; FILENAME="upper.pdf"', "upper.pdf"),
]
for i, (disp, want) in enumerate(TAKEN):
    status, page = post_raw(disp, f"%PDF-1.4 {i}".encode())
    eq(status, 303, f"taken: {disp!r} ({page[-300:]})")
    eq(last_files()[1], [want], f"{disp!r} is kept as {want!r}")
    county.get(link)

REFUSED = [
    (b'form-data; name="file"; filename="a";x=y.pdf"', "参数之间缺少分号"),
    (b'form-data; name="file"; filename="a.pdf', "引号未闭合"),
    (b'form-data; name="file"; filename="a\x00b.pdf"', "空字符"),
    (b'form-data; name="file"; filename="a\r\nX-Evil: 1.pdf"', "无法读取"),
    (b'form-data; name="file"; filename="dir/sub/"', "只有路径"),
    (b'form-data; name="file"; filename=".."', "只有路径"),
    (b"form-data; name=\"file\"; filename*=GBK''%C3%FB.pdf", "UTF-8"),
    (b'form-data; name="file"; filename="a.pdf"; filename="b.pdf"', "出现了两次"),
    (b'attachment; name="file"; filename="a.pdf"', "form-data"),
    (b'form-data; filename="a.pdf"', "缺少字段名"),
]
before, files = last_files()[0], kept_files()
for disp, why in REFUSED:
    status, page = post_raw(disp)
    eq(status, 400, f"refused: {disp!r}")
    check("第 3 个部分" in page and why in page and "未保存任何内容" in page,
          f"the page names the part and says why ({why}): {page[-500:]}")
# readable, but not a name an officer may be shown
TEXT_REFUSED = [
    ('form-data; name="file"; filename="' + "长" * 400 + '.pdf"').encode(),
    b'form-data; name="file"; filename="\xc0\xaf.pdf"',
    'form-data; name="file"; filename="rtl\u202efdp.exe"'.encode(),
    'form-data; name="file"; filename="a\u2066b\u2069.pdf"'.encode(),
    b"form-data; name=\"file\"; filename*=UTF-8''%FF%FE.pdf",
]
for disp in TEXT_REFUSED:
    status, page = post_raw(disp)
    eq(status, 400, f"refused: {disp[:80]!r}")
    check("文件名" in page and "未保存任何内容" in page, f"saying the name is why: {page[-400:]}")
eq((last_files()[0], kept_files()), (before, files),
   "nothing refused is kept: no audit record, no file, nothing left in files/tmp")

# a real browser: a file named a";x=y.pdf on disk, chosen on the link page
folder = tempfile.mkdtemp(prefix="dabiao-names-")
path = os.path.join(folder, 'a";x=y.pdf')
with open(path, "wb") as f:
    f.write(b"%PDF-1.4 from chromium")
browser = Browser(srv.base, os.path.join(os.getcwd(), "web_file_names-screenshots"))
from selenium.webdriver.common.by import By  # noqa: E402

browser.go(link)
browser.drv.find_element(By.NAME, "by").send_keys("浏览器测试")
browser.drv.find_element(By.ID, "file").send_keys(path)
browser.submit("submit-button")
check('a";x=y.pdf' in browser.text("#receipt"),
      f"the receipt names the file as it was: {browser.text('#receipt')[:400]}")
eq(last_files()[1], ['a";x=y.pdf'], "and the audit record does")
browser.shot("receipt")
browser.quit()
os.unlink(path)
os.rmdir(folder)
srv.stop()
st.cleanup()
done("file names read by Content-Disposition's grammar; hostile ones refused naming the part")
