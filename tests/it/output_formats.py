"""One writer for every --format: tasks, outbox, clock, audit checkpoint, user list and the
reports give the same rows as a table (with a header row), as CSV (BOM, CRLF, header) and as
JSON whose field names are exactly those docs/output.md lists; the outbox comes earliest
scheduled first; a record is one JSON object; a format a command does not have is 64."""
import csv
import datetime
import io
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, SRC, Store, check, done, eq  # noqa: E402

DOC = open(os.path.join(SRC, "docs", "output.md"), encoding="utf-8").read()


def doc_fields(heading):
    """The field names (first column, in backticks) of the tables under a ## heading."""
    part = DOC.split(f"## `{heading}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", part, re.M)


def rfc3339(s):
    return datetime.datetime.fromisoformat(s)


def csv_rows(*args):
    """dabiao ARGS, read as bytes (text mode would hide the CRLF) and parsed as CSV."""
    raw = subprocess.run([BIN, "--db", st.db, *args], capture_output=True, check=True).stdout
    check(raw.startswith(b"\xef\xbb\xbf"), "CSV starts with a byte order mark")
    check(b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""), "CSV lines end in CRLF")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
st.ok("load", os.path.join(SRC, "workflows", "changji-2017.yaml"))
st.ok("import", os.path.join(SRC, "workflows", "changji-registry.yaml"))
st.ok("advance", "--to", "2017-07-20T00:00:00+08:00")

# ---- tasks ----
tj = json.loads(st.ok("tasks", "--format", "json"))
eq(list(tj[0].keys()), doc_fields("dabiao tasks"), "tasks JSON fields are docs/output.md's")
tc = csv_rows("tasks", "--format", "csv")
eq(tc[0], doc_fields("dabiao tasks"), "tasks CSV header is the same fields")
eq([r[0] for r in tc[1:]], [t["key"] for t in tj], "CSV and JSON list the same tasks in order")
text = st.ok("tasks").splitlines()
eq(text[0].split(), ["key", "state", "due_date", "deadline"], "the table has a header row")
eq([line.split()[0] for line in text[1:]], [t["key"] for t in tj], "and the same rows")
overdue = [t for t in tj if t["state"] == "overdue"]
check(overdue, "some task is overdue by July 20")
eq(len(json.loads(st.ok("tasks", "--state", "overdue", "--format", "json"))), len(overdue),
   "--state filters the JSON too")
for t in tj:
    eq(type(t["late"]) is bool and type(t["extended"]) is bool, True, "late/extended are booleans")
    check(rfc3339(t["deadline"]).utcoffset() == datetime.timedelta(hours=8),
          f"deadline carries the plan's offset: {t['deadline']}")
    break
rc, _, err = st.run("tasks", "--format", "xml")
eq((rc, "table, csv or json" in err), (64, True), "an unknown format is 64, naming the formats")

# ---- status: five parts ----
sj = json.loads(st.ok("status", "--format", "json"))
eq(list(sj.keys()), ["jurisdictions", "overdue", "review", "next", "gaps"], "status JSON parts")
f = doc_fields("dabiao status")
eq(list(sj["jurisdictions"][0].keys()), f[0:9], "status jurisdictions fields")
eq(list(sj["overdue"][0].keys()), f[9:15], "status overdue fields")
eq(list(sj["next"][0].keys()), f[20:23], "status next fields")
eq(len(sj["overdue"]), len(overdue), "status lists every overdue task")
eq(sum(j["overdue"] for j in sj["jurisdictions"]), len(overdue), "and counts each once")
eq(sorted(o["task"] for o in sj["overdue"]), sorted(t["key"] for t in overdue),
   "the same tasks as tasks --state overdue")
eq(len(sj["next"]), 10, "the ten next deadlines")
check(all(rfc3339(n["deadline"]) > datetime.datetime(2017, 7, 20, tzinfo=datetime.timezone.utc)
          for n in sj["next"]), "next deadlines are ahead")
sc = csv_rows("status", "--format", "csv")
eq(sc[0], f[0:9], "status CSV starts with the jurisdictions table")

# ---- outbox: earliest scheduled first ----
ob = json.loads(st.ok("outbox", "--format", "json"))
eq(list(ob[0].keys()), doc_fields("dabiao outbox"), "outbox JSON fields are docs/output.md's")
times = [rfc3339(n["scheduled"]) for n in ob]
eq(times, sorted(times), "the outbox is in scheduled order")
keys = [n["key"] for n in ob]
check(keys != sorted(keys), "(and that is not the key order, so the order was made)")
check(all(isinstance(n["to"], list) and n["to"] for n in ob), "to is a non-empty array")
oc = csv_rows("outbox", "--format", "csv")
eq(oc[0], doc_fields("dabiao outbox"), "outbox CSV header")
eq([r[3] for r in oc[1:]], keys, "CSV rows in the same order")
ot = st.ok("outbox").splitlines()
eq(ot[0].split()[:4], ["scheduled", "state", "kind", "key"], "outbox table has a header row")
eq([line.split()[3] for line in ot[1:]], keys, "table rows in the same order")
sent = json.loads(st.ok("outbox", "--sent", "--format", "json"))
eq(len(sent), sum(1 for n in ob if n["state"] == "sent"), "--sent filters the JSON")

# ---- clock: one object ----
cj = json.loads(st.ok("clock", "--format", "json"))
eq(list(cj.keys()), doc_fields("dabiao clock"), "clock JSON fields")
eq((cj["mode"], cj["zone"]), ("virtual", "Asia/Shanghai"), "clock values")
eq(rfc3339(cj["now"]), datetime.datetime(2017, 7, 20, tzinfo=datetime.timezone(
    datetime.timedelta(hours=8))), "now is the advanced-to instant")
eq(cj["now_unix"], 1500480000, "now_unix: 2017-07-19T16:00:00Z")  # by hand
eq(st.ok("clock"), "mode: virtual\nnow: 2017-07-20T00:00:00+08:00\nzone: Asia/Shanghai\n",
   "clock's text form")
eq(st.run("clock", "--format", "csv")[0], 64, "clock has no CSV form")

# ---- audit checkpoint as JSON: the same note ----
key = os.path.join(st.root, "key.pem")
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True,
               capture_output=True)
os.chmod(key, 0o600)  # a signing key is its owner's alone
env = {"DABIAO_AUDIT_KEY": key, "DABIAO_AUDIT_ORIGIN": "test.example/audit"}
note = st.ok("audit", "checkpoint", env=env)
cp = json.loads(st.ok("audit", "checkpoint", "--format", "json", env=env))
eq(list(cp.keys()), doc_fields("dabiao audit checkpoint"), "checkpoint JSON fields")
eq(cp["note"], note, "the JSON's note is the signed note (Ed25519 signs deterministically)")
lines = note.split("\n")
eq((cp["origin"], cp["size"], cp["root"]), (lines[0], int(lines[1]), lines[2]),
   "origin, size, root are the note's lines")
eq(bytes.fromhex(cp["root_hex"]), __import__("base64").b64decode(cp["root"]), "root_hex")
eq(cp["size"], len(st.ok("audit", "export").splitlines()), "size is the number of records")

# ---- reports ----
a3 = json.loads(st.ok("report", "annex3", "--month", "2017-07", "--format", "json"))
eq(list(a3[0].keys()), doc_fields("dabiao report annex3"), "annex3 JSON fields")
eq(a3[-1]["jurisdiction"], "合计", "the last row is the total")
a3c = csv_rows("report", "annex3", "--month", "2017-07", "--format", "csv")
for row, obj in zip(a3c[1:], a3):
    eq(row[0], obj["jurisdiction"], "annex3 CSV and JSON: same jurisdiction")
    eq(int(row[1]), obj["base"], "annex3 CSV and JSON: same base")
    # no value: null in JSON, an empty cell in CSV (docs/output.md), never the table's —
    eq(row[9] == "", obj["completion_rate"] is None, "no rate is null in JSON, empty in CSV")
for obj in a3:
    if obj["base"] == 0:
        eq(obj["completion_rate"], None, "completion_rate of no enterprise is null")
eq(sum(o["base"] for o in a3[:-1]), a3[-1]["base"], "the total adds up")
a4 = json.loads(st.ok("report", "annex4", "--month", "2017-07", "--format", "json"))
eq(list(a4[0].keys()), doc_fields("dabiao report annex4"), "annex4 JSON fields")
eq(len(a4), a3[-1]["base"], "one annex4 row per listed enterprise")
acc = json.loads(st.ok("report", "accountability", "--format", "json"))
eq(list(acc.keys()), ["records", "summary"], "accountability JSON is records and summary")
fields = doc_fields("dabiao report accountability")
eq(list(acc["records"][0].keys()), fields[:8], "accountability records fields")
eq(list(acc["summary"][0].keys()), fields[8:], "accountability summary fields")
# 合计 counts lapses and flags; the warnings stand in their own columns (docs/reports.md)
warnings = [r for r in acc["records"] if r["kind"] in ("约谈预警", "限批预警")]
eq(sum(s["total"] for s in acc["summary"]), len(acc["records"]) - len(warnings),
   "the summary's totals count the lapses and flags")
eq(sum(s["interview_warnings"] + s["restriction_warnings"] for s in acc["summary"]),
   len(warnings), "and its warning columns the warnings")
with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "acc.json")
    st.ok("report", "accountability", "--format", "json", "--out", out)
    eq(json.load(open(out, encoding="utf-8")), acc, "--out FILE writes the same JSON")

# ---- user list ----
pw = st.write("pw", "password1\n")
st.ok("user", "add", "wang", "--role", "supervision", "--name", "王科长", "--password-file", pw)
st.ok("user", "add", "fk", "--role", "county_epb", "--subject", "fukang-city",
      "--password-file", pw)
st.ok("user", "token", "wang")
st.ok("user", "disable", "fk")
uj = json.loads(st.ok("user", "list", "--format", "json"))
eq(list(uj[0].keys()), doc_fields("dabiao user list"), "user list JSON fields")
# by login: fk (disabled, no token, an office of fukang-city) before wang
eq([(u["login"], u["role"], u["subject"], u["name"], u["state"], u["token"], u["failures"],
     u["locked_until"]) for u in uj],
   [("fk", "county_epb", "fukang-city", None, "disabled", False, 0, None),
    ("wang", "supervision", None, "王科长", "active", True, 0, None)],
   "user list JSON values (no name, an office role's subject: null)")
check(all(rfc3339(u["created_at"]).utcoffset() is not None for u in uj), "created_at is RFC 3339")
uc = csv_rows("user", "list", "--format", "csv")
eq(uc[0], doc_fields("dabiao user list"), "user list CSV header")
eq([r[:6] for r in uc[1:]], [["fk", "county_epb", "fukang-city", "", "disabled", "false"],
                             ["wang", "supervision", "", "王科长", "active", "true"]],
   "user list CSV rows")
ut = st.ok("user", "list").splitlines()
eq(ut[0].split(), ["login", "role", "subject", "name", "state", "token"],
   "user list table: a header row of its narrow columns")
eq([ln.split()[0] for ln in ut[1:]], ["fk", "wang"], "and a line per account")
eq(st.run("user", "list", "--format", "xlsx")[0], 64, "user list has no xlsx")
eq(st.run("user", "disable", "fk", "--format", "json")[0], 64, "--format is for list only")

st.cleanup()
done("every --format through one writer, with the documented field names")
