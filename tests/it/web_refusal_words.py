"""A refused action is explained by its own reason (review 11d, W9): a second flag of the same
kind on a task used to be told "如新的截止日期不晚于原截止日期" (an extension's hint); an
extension of a selection naming a task twice got the same. Now the flag says the task is
flagged 瞒报 already, and the selection is refused as holding a task twice, nothing kept."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

T1 = "web/report/j1/once"
st = Store()
setup_store(st)
st.ok("submit", T1, "--by", "甲县李", "--sections", "overall,problems")
srv = Server(st)
try:
    c = Client(srv.base)
    eq(c.login("officer")[0], 303, "the officer logs in")
    c.get(f"/tasks/{T1}")
    flag = {"action": "flag", "kind": "concealed", "reason": "隐瞒了一家企业"}
    eq(c.post(f"/tasks/{T1}/review", flag)[0], 303, "the first flag")
    status, _, body = c.post(f"/tasks/{T1}/review", flag)
    eq(status, 409, "the second flag of the same kind is refused")
    check("已标记为瞒报" in body and "截止日期" not in body, f"with the flag's own reason: {body[-600:]}")
    before = st.tasks("--subject", "j2", "--milestone", "report")[0]["due_date"]
    status, _, body = c.post("/extend", [("task", "web/report/j2/once"),
                                         ("task", "web/report/j2/once"),
                                         ("to", "2017-04-30"), ("reason", "延期")])
    eq(status, 400, "a selection naming a task twice is the form's fault")
    check("重复" in body, f"said so: {body[-400:]}")
    eq(st.tasks("--subject", "j2", "--milestone", "report")[0]["due_date"], before,
       "nothing extended")
    # found by a set since review 13f: a repeat after other tasks, not next to its first,
    # is refused the same; the same tasks each once are extended
    both = [t["key"] for t in st.tasks("--milestone", "report") if t["key"] != T1]
    check(len(both) >= 1, f"tasks to extend besides {T1}: {both}")
    sel = [("task", k) for k in both + [T1]]
    status, _, body = c.post("/extend", sel + [sel[0], ("to", "2017-04-30"), ("reason", "延期")])
    eq((status, "重复" in body), (400, True), "a repeat at the end of the selection is refused")
    eq(st.tasks("--subject", "j2", "--milestone", "report")[0]["due_date"], before,
       "nothing extended")
    status, _, body = c.post("/extend", [("task", k) for k in both] +
                             [("to", "2017-04-30"), ("reason", "延期")])
    eq(status, 303, f"each task once: extended ({body[-300:]})")
    eq(sorted(t["due_date"] for t in st.tasks("--milestone", "report") if t["key"] in both),
       ["2017-04-30"] * len(both), "every task of the selection extended")
finally:
    srv.stop()
st.cleanup()
done("a refusal gives the action's own reason")
