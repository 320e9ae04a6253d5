"""The API answers honestly (review 11d). W4: a `show` that is none of open, week, late,
review is 400 (it used to answer every task as if filtered); a county asking for another
county's jurisdiction, or an enterprise for another enterprise, gets an empty list — not its
own tasks under the other's name. W5: a submission's 201 says what it came to — the task's
state, late or not, and the required sections it lacks — so a hand-in without its sections
is heard as 内容不全 (incomplete), not as handed in."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import E1, E2, Client, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)
srv = Server(st)
try:
    county, ent, off = Client(srv.base), Client(srv.base), Client(srv.base)
    eq(county.login("county1")[0], 303, "county1 logs in")
    eq(ent.login("ent1")[0], 303, "ent1 logs in")
    eq(off.login("officer")[0], 303, "the officer logs in")

    def keys(c, query):
        status, _, body = c.get("/api/tasks" + query)
        eq(status, 200, f"{query}: 200")
        return sorted(t["key"] for t in json.loads(body)["tasks"])

    for c, who in ((county, "county1"), (off, "officer")):
        status, _, body = c.get("/api/tasks?show=bogus")
        eq(status, 400, f"{who}: show=bogus is refused")
        check("show" in json.loads(body)["message"], f"naming the filter: {body}")
        eq(c.get("/tasks?show=bogus")[0], 400, f"{who}: and on the page")
    check(keys(off, "?show=open"), "a show that exists still lists")

    own = keys(county, "?jurisdiction=j1")
    check(own and all("/j1/" in k or E1 in k for k in own), f"county1's own: {own}")
    eq(keys(county, "?jurisdiction=j2"), [], "county1 asking for j2: nothing")
    eq(keys(county, "?jurisdiction=-"), [], "county1 asking for the offices' own: nothing")
    eq(keys(ent, f"?subject={E2}"), [], "ent1 asking for another enterprise: nothing")
    eq(keys(ent, "?jurisdiction=j2"), [], "ent1 asking for another county: nothing")
    eq(keys(ent, f"?subject={E1}"), [f"web/filing/{E1}/once"], "ent1's own, by its own id")

    # W5: the submission's answer
    api = Client(srv.base)
    for login, task, sections, want in (
            ("county1", "web/report/j1/once", [], ("incomplete", ["overall", "problems"])),
            ("county2", "web/report/j2/once", ["overall"], ("incomplete", ["problems"])),
            ("ent1", f"web/filing/{E1}/once", [], ("submitted", []))):
        token = st.ok("user", "token", login).strip()
        status, _, body = api.post(f"/api/tasks/{task}/submit",
                                   [("by", "李四")] + [("sections", x) for x in sections],
                                   files=[], headers={"Authorization": f"Bearer {token}"})
        eq(status, 201, f"{login}: 201: {body}")
        got = json.loads(body)
        eq((got["state"], got["missing"], got["late"]), (*want, False),
           f"{login}: the answer says what the hand-in came to")
        eq(got["state"], st.tasks("--subject", task.split("/")[2],
                                  "--milestone", task.split("/")[1])[0]["state"],
           "as `dabiao tasks` says")
finally:
    srv.stop()
st.cleanup()
done("unknown show is 400; another subject's filter lists nothing; a submission says its state")
