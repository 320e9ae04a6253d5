"""A task filter naming nothing the plans have is refused, never answered with an empty list
(review 11c, m5; docs/api.md): `/api/tasks?state=nonsense` (or milestone=, plan=) is 400
naming the field, as `dabiao tasks --state nonsense` is 64, so a province's sync job with a
typo hears so; the page `/tasks` says it in Chinese. Known values, the states the engine
gives a task of any lifecycle (cancelled, not-applicable) among them, are answered as before."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import Client, Server, setup_store  # noqa: E402

st = Store()
setup_store(st)
srv = Server(st)
officer = Client(srv.base)
eq(officer.login("officer")[0], 303, "the officer logs in")
for query, field in [("state=nonsense", "state"), ("milestone=nonsense", "milestone"),
                     ("plan=nonsense", "plan"), ("plan=web&milestone=nonsense", "milestone")]:
    status, _, body = officer.get(f"/api/tasks?{query}")
    eq(status, 400, f"/api/tasks?{query} is refused")
    check(field in body, f"naming the {field}: {body[:200]}")
    status, _, body = officer.get(f"/tasks?{query}")
    eq(status, 400, f"/tasks?{query} is refused")
    check("不存在" in body, f"the page says so in Chinese: {body[-400:]}")
for query in ["state=open", "state=cancelled", "state=not-applicable", "milestone=report",
              "plan=web&milestone=report"]:
    status, _, body = officer.get(f"/api/tasks?{query}")
    eq(status, 200, f"/api/tasks?{query} is answered")
    check(isinstance(json.loads(body)["tasks"], list), "with the task list")
eq(len(json.loads(officer.get("/api/tasks?state=open")[2])["tasks"]),
   len(st.tasks("--state", "open")), "the open tasks as `dabiao tasks` lists them")
srv.stop()
st.cleanup()
done("an unknown task filter is refused naming the field")
