"""What people type and browsers send on the web reaches the audit log only as UTF-8 text
(the log's records, `audit export` and /api/audit are UTF-8 JSON that an independent
verifier must be able to read): a name, note, file name or reason that is not UTF-8, has a
control character, or (where required) says nothing but blanks is refused with 400 and
changes nothing. A receipt lists several files one per line, markup not shown as text;
sections are shown by the plan's titles (the ids are only the form's values)."""
import hashlib
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

T1, T2 = "web/report/j1/once", "web/report/j2/once"

st = Store()
setup_store(st)
srv = Server(st)
county = Client(srv.base)
eq(county.login("county1")[0], 303, "county1 logs in")
county.get("/tasks")
officer = Client(srv.base)
eq(officer.login("officer")[0], 303, "the officer logs in")
officer.get("/tasks")
leader = Client(srv.base)
eq(leader.login("leader")[0], 303, "the leader logs in")
leader.get("/warnings")


def raw_multipart(fields, files):
    """Like a browser's form, but with bytes as they are: fields [(name, bytes)], files
    [(filename bytes, content bytes)]."""
    b = b"----dabiao" + uuid.uuid4().hex.encode()
    out = bytearray()
    for k, v in fields:
        out += b"--" + b + b'\r\nContent-Disposition: form-data; name="' + k.encode() + \
            b'"\r\n\r\n' + v + b"\r\n"
    for name, data in files:
        out += b"--" + b + b'\r\nContent-Disposition: form-data; name="file"; filename="' + \
            name + b'"\r\nContent-Type: application/pdf\r\n\r\n' + data + b"\r\n"
    out += b"--" + b + b"--\r\n"
    return bytes(out), "multipart/form-data; boundary=" + b.decode()


def submit(fields, files):
    body, ctype = raw_multipart([("csrf", county.csrf.encode())] + fields, files)
    return county.req("POST", f"/tasks/{T1}/submit", body, None, ctype)


def audit_size():
    return len(st.ok("audit", "--format", "jsonl").splitlines())


def stored_files():
    out = []
    for root, _, names in os.walk(os.path.join(st.db, "files")):
        out += [n for n in names]
    return sorted(out)


pdf = b"%PDF-1.4\n%%EOF\n"
before, before_files = audit_size(), stored_files()
for what, fields, files in [
        ("a name that is not UTF-8", [("by", b"\xff\xfe\xc0")], []),
        ("a name of blanks only", [("by", "  \u3000 ".encode())], []),
        ("a name with a DEL", [("by", b"li\x7f")], []),
        ("a note that is not UTF-8", [("by", "甲县李".encode()), ("note", b"ok\xc0\xaf")], []),
        ("a file name that is not UTF-8", [("by", "甲县李".encode())],
         [(b"\xc0\xaf\xff.pdf", pdf)]),
        ("a file name with a control character", [("by", "甲县李".encode())],
         [(b"a\x01b.pdf", pdf)]),
        ("a file name of 201 characters", [("by", "甲县李".encode())],
         [(b"x" * 197 + b".pdf", pdf)]),
        # characters, as the command line counts them (review 11c, m12)
        ("a name of 201 characters", [("by", ("李" * 201).encode())], []),
        ("a note of 4,001 characters", [("by", "甲县李".encode()), ("note", ("注" * 4001).encode())],
         []),
        # invisible ones make a name read as another (review 11c, m10)
        ("a file name with a zero-width space", [("by", "甲县李".encode())],
         [("a\u200bb.pdf".encode(), pdf)]),
        ("a file name of blanks only", [("by", "甲县李".encode())], [("\u3000".encode(), pdf)]),
        ("a file with bytes and no name", [("by", "甲县李".encode())], [(b"", pdf)]),
        ("a good file beside a bad name", [("by", "甲县李".encode())],
         [("评估报告.pdf".encode(), pdf), (b"\xff.pdf", pdf + b"2")]),
        # a file part whose name the parser cannot read (a NUL, a raw line break) came
        # through as no file at all, and the submission was receipted (review F6)
        ("a file name with a NUL", [("by", "测试nul".encode())], [(b"a\x00b.pdf", pdf)]),
        ("a file name with a raw line break", [("by", "测试crlf".encode())],
         [(b"a\r\nX-Evil: 1.pdf", pdf)])]:
    status, _, body = submit(fields, files)
    eq(status, 400, f"{what} is refused")
    check('class="error"' in body, f"{what}: the page says why")
eq(audit_size(), before, "refused submissions wrote nothing to the audit log")
eq(stored_files(), before_files, "refused submissions kept no file")
eq(st.tasks("--subject", "j1")[0]["state"], "open", "T1 still open")

# a submission with two files: the receipt lists them one per line
files = [("评估报告.pdf".encode(), pdf), ("附件<1>.pdf".encode(), pdf + b"2")]
LONG = "甲县李" + "某" * 197  # 200 characters, 600 bytes: a name, counted as the CLI counts
status, hdrs, _ = submit([("by", LONG.encode()), ("sections", b"overall"),
                          ("sections", b"problems")], files)
eq(status, 303, "a submission of UTF-8 text, a 200-character name and two files is taken")
status, _, body = county.get(hdrs["Location"])
eq(status, 200, "its receipt opens")
sha1, sha2 = hashlib.sha256(pdf).hexdigest(), hashlib.sha256(pdf + b"2").hexdigest()
check(sha1 in body and sha2 in body, "the receipt names both files' sha256")
check("&lt;br&gt;" not in body, "no markup shown as text on the receipt")
check(f"sha256 {sha1}</span><br><span>附件&lt;1&gt;.pdf" in body,
      "the second file starts a line of its own, its name escaped")

# the audit log stays readable JSON and UTF-8 from end to end
exported = st.path("export.jsonl")
st.ok("audit", "export", "--out", exported)
with open(exported, "rb") as f:
    for n, line in enumerate(f, 1):
        json.loads(line.decode("utf-8"))  # raises on a byte that is not UTF-8

# the officers' reasons: review, extension, and leadership's decision on a warning
before = audit_size()
officer.get(f"/tasks/{T2}")
for what, path, fields in [
        ("a return whose reason is not UTF-8", f"/tasks/{T1}/review",
         "action=return&reason=%FF%FE"),
        ("a return whose reason is blanks", f"/tasks/{T1}/review",
         "action=return&reason=%E3%80%80%20"),
        ("an acceptance whose remark is not UTF-8", f"/tasks/{T1}/review",
         "action=accept&reason=%C0%AF"),
        ("an extension whose reason is not UTF-8", "/extend",
         f"task={T2.replace('/', '%2F')}&to=2017-04-01&reason=%FF"),
        ("an extension whose reason is blanks", "/extend",
         f"task={T2.replace('/', '%2F')}&to=2017-04-01&reason=%20%20")]:
    data = (fields + "&csrf=" + officer.csrf).encode()
    status, _, _ = officer.req("POST", path, data, None, "application/x-www-form-urlencoded")
    eq(status, 400, f"{what} is refused")
data = ("decision=approve&reason=%E3%80%80&csrf=" + leader.csrf).encode()
status, _, _ = leader.req("POST", "/warnings/1", data, None,
                          "application/x-www-form-urlencoded")
eq(status, 400, "a decision on a warning whose reason is blanks is refused")
eq(audit_size(), before, "refused reasons wrote nothing")
eq(st.tasks("--subject", "j1")[0]["state"], "submitted", "T1 still waits for review")

# ---- sections are shown by the plan's titles, never by their ids ----
TITLED = """\
plan: titled
title: 标题测试方案
timezone: Asia/Shanghai
roles:
  county_epb: {title: 县环保局, per: jurisdiction}
  supervision: {title: 监察支队}
phases:
  - id: p
    title: 阶段
    milestones:
      - id: roster
        title: 名录
        owner: county_epb
        for: each jurisdiction
        submit_to: supervision
        due: 2017-04-10
        requires: {key-units: 重点排污单位名录, enterprise-info: 企业环境信息}
"""
st.ok("load", st.write("titled.yaml", TITLED))
TT = "titled/roster/j1/once"
status, _, body = county.get(f"/tasks/{TT}")
eq(status, 200, "county1 opens the titled plan's task")
check("<th>应含内容</th><td>重点排污单位名录、企业环境信息</td>" in body,
      "the task names its required sections by title")
check('value="key-units"> 重点排污单位名录</label>' in body and
      'value="enterprise-info"> 企业环境信息</label>' in body,
      "the form's check boxes (unticked: review 11c, H1) say the titles and send the ids")
body, ctype = raw_multipart([("csrf", county.csrf.encode()), ("by", "甲县李".encode()),
                             ("sections", b"key-units")], [])
status, hdrs, _ = county.req("POST", f"/tasks/{TT}/submit", body, None, ctype)
eq(status, 303, "county1 submits one of the two sections")
status, _, body = county.get(hdrs["Location"])
check("<th>声明包含</th><td>重点排污单位名录</td>" in body, "the receipt names it by title")
status, _, body = officer.get(f"/tasks/{TT}")
check("声明包含：重点排污单位名录<br>缺少：企业环境信息" in body,
      "the timeline names the declared and the missing sections by title")
for page in (body, county.get(f"/tasks/{TT}")[2]):
    check("key-units<" not in page and "enterprise-info<" not in page and
          "：key-units" not in page, "no section id shown as text")

srv.stop()
st.cleanup()
done("web text: UTF-8 only, no blank names or reasons; a receipt's files one per line; "
     "sections by title")
