"""The two timelines — `simulate` (a plan's, what a script testing a plan in CI reads) and
`advance` (what was applied) — are listings like the others: `--format csv|csv-excel|json`
gives one row per action with the fields of docs/output.md (at, kind, task, recipients),
the same actions in the same order as the text lines (review13f C14: text only). Checked
against the text timeline of the same run, line by line."""
import csv
import io
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq, src  # noqa: E402

PLAN, REG = src("workflows", "changji-2017.yaml"), src("workflows", "changji-registry.yaml")
env = dict(os.environ)
env.pop("DABIAO_SMTP", None)


def simulate(*args):
    p = subprocess.run([BIN, "--config", "/dev/null", "simulate", PLAN, "--registry", REG,
                        "--to", "2017-04-01T00:00:00+08:00", *args], capture_output=True,
                       text=True, env=env, timeout=600)
    eq(p.returncode, 0, f"simulate {' '.join(args)}: {p.stderr[-500:]}")
    return p.stdout


def text_rows(text):
    """(date, time, kind, task, recipients) of each text line."""
    out = []
    for line in text.splitlines():
        f = line.split()
        # "2017-02-08 09:00 +08:00  reminder  TASK  a@x, b@y" (a deadline's time has seconds)
        out.append((f[0], f[1][:5], f[3], f[4], " ".join(f[5:])))
    return out


def same(rows, text, what):
    want = text_rows(text)
    eq(len(rows), len(want), f"{what}: one row per text line")
    check(len(rows) > 50, f"{what}: the timeline has actions: {len(rows)}")
    bad = [(r, w) for r, w in zip(rows, want)
           if not (r["at"].startswith(f"{w[0]}T{w[1]}") and r["at"].endswith("+08:00"))
           or (r["kind"], r["task"]) != (w[2], w[3])
           or (",".join(r["recipients"]) if r["recipients"] else "-") != w[4]]
    eq(bad[:3], [], f"{what}: each row is its text line (at in RFC 3339, the recipients as "
                    "a list)")


text = simulate()
rows = json.loads(simulate("--format", "json"))
eq(list(rows[0].keys()), ["at", "kind", "task", "recipients"], "the documented fields")
same(rows, text, "simulate --format json")
eq(sum(r["kind"] == "deadline" for r in rows), sum(" deadline " in x for x in text.splitlines()),
   "every deadline")
c = list(csv.reader(io.StringIO(simulate("--format", "csv").lstrip("\ufeff"))))
eq(c[0], ["at", "kind", "task", "recipients"], "csv: the header is the JSON keys")
eq(len(c) - 1, len(rows), "csv: the same rows")
eq([x[2] for x in c[1:]], [r["task"] for r in rows], "csv: in the same order")

# advance: the same rows as its text, on two copies of one store
a, b = Store("a"), Store("b")
for st in (a, b):
    st.changji(until="2017-02-01T00:00:00+08:00")
t_text = a.ok("advance", "--to", "2017-04-01T00:00:00+08:00")
t_rows = json.loads(b.ok("advance", "--to", "2017-04-01T00:00:00+08:00", "--format", "json"))
same(t_rows, t_text, "advance --format json")
eq([r["task"] for r in t_rows], [x[3] for x in text_rows(t_text)], "advance: the same tasks")
rc, out, err = b.run("advance", "--to", "2017-05-01T00:00:00+08:00", "--format", "xlsx")
eq((rc, out), (64, ""), f"a format a timeline has not is a usage error: {err!r}")
eq(json.loads(b.ok("advance", "--to", "2017-04-01T00:00:00+08:00", "--format", "json")), [],
   "nothing applied: an empty array")
for st in (a, b):
    st.cleanup()
done("simulate and advance write their timelines as csv and json rows too")
