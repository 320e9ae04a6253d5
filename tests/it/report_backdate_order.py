"""The same facts give the same accountability report whatever order they are typed in
(review12a, P3). 昌吉市's roster (due 2017-02-15, lapsed 02-16) was handed in on 02-20 within
an extension to 03-01 agreed before it, both entered on 2017-08-11. Typed as `submit --at
2017-02-20T10:00` then `extend --backdate`, the lapse was void (事后补记的展期, counted in no
column); typed as `extend --backdate` then `submit --at`, it was counted (逾期) and the row
gave the typing time, 2017-08-11 12:00, as the hand-in's. Now both orders: the row is
事后补记的展期 with the hand-in at 02-20 10:00, the summary the same, the submit record
voids the lapse, `tasks` says late:false."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

T = "changji-2017/roster/changji-city/once"
base = Store()
base.changji("2017-08-11T12:00:00+08:00")


def entered(order):
    st = Store()
    shutil.rmtree(st.db, ignore_errors=True)
    shutil.copytree(base.db, st.db)
    ext = ("extend", T, "--to", "2017-03-01", "--by", "李科长", "--reason", "县里系统故障",
           "--backdate")
    sub = ("submit", T, "--by", "王干事", "--at", "2017-02-20T10:00:00+08:00", "--sections",
           "key-units,enterprise-info")
    for cmd in ((ext, sub) if order == "extend first" else (sub, ext)):
        st.ok(*cmd)
    rep = json.loads(st.ok("report", "accountability", "--from", "2017-01-01", "--to",
                           "2017-08-11", "--format", "json"))
    rows = [r for r in rep["records"] if r.get("task") == T]
    summ = [s for s in rep["summary"] if s["jurisdiction"] == "昌吉市"]
    late = [t["late"] for t in json.loads(st.ok("tasks", "--subject", "changji-city",
                                                "--milestone", "roster", "--format", "json"))]
    subs = [json.loads(r["details"]) for r in st.records()
            if r["action"] == "task.submit" and r["task"] == T]
    return rows, summ, late, subs


out = {o: entered(o) for o in ("submit first", "extend first")}
for order, (rows, summ, late, subs) in out.items():
    eq([r["kind"] for r in rows], ["事后补记的展期"], f"{order}: the lapse's row")
    check("2017-02-20 10:00 +08:00 补报" in rows[0]["reason"] and
          "补报在展期内，所记逾期不予计算" in rows[0]["reason"] and
          "2017-08-11 12:00 +08:00 转为" not in rows[0]["reason"],
          f"{order}: the hand-in at its --at, the lapse not counted: {rows[0]['reason']}")
    eq(late, [False], f"{order}: tasks says on time")
eq(out["extend first"][1], out["submit first"][1], "the same summary either way")
eq([s.get("voids_lapse") for s in out["extend first"][3]], [True],
   "entered after the extension, the hand-in's record voids the lapse")
done("a back-dated extension and a hand-in within it give one report, whichever came first")
