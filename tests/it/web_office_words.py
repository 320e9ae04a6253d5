"""No machine keys for an office (review 11b, m1): a task an office owns shows the office by
its role's title in the plan (州环保局), never its id (prefecture_epb), on the task list, the
task page and the dashboard's overdue list, in Chromium; and a flag with a kind the form
does not offer is the form's fault, answered 400 in Chinese, not the engine's English
refusal (409 "--kind must be …")."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402
from web_it import (PASSWORD, Browser, Client, Server, one_county_plan,  # noqa: E402
                    one_county_store, screenshots)

PLAN = one_county_plan("off", "办公室事项", [
    "{id: training, title: 专项培训, owner: prefecture_epb, for: once, submit_to: supervision, "
    "due: 2017-03-10}",
    "{id: roster, title: 名录, owner: county_epb, for: each jurisdiction, "
    "submit_to: supervision, due: 2017-03-10}"], offices=("supervision", "prefecture_epb"))
TASK = "off/training/prefecture_epb/once"

st = Store()
one_county_store(st, PLAN)
st.ok("user", "add", "officer", "--role", "supervision", "--name", "王科长",
      "--password-file", st.write("pw", PASSWORD + "\n"))
st.ok("advance", "--to", "2017-05-01T12:00:00+08:00")  # past any grace: overdue
eq([t["subject"] for t in st.tasks("--milestone", "training")], ["prefecture_epb"],
   "the office's task (its subject is the role's id)")
srv = Server(st)

c = Client(srv.base)
eq(c.login("officer")[0], 303, "the officer logs in")
c.get(f"/tasks/{TASK}")
status, _, body = c.post(f"/tasks/off/roster/j1/once/review",
                         {"action": "flag", "kind": "bogus", "reason": "测试"})
eq(status, 400, "a flag kind the form does not offer is a bad form: 400")
check("瞒报" in body and "--kind" not in body, "said in Chinese, naming the kinds")

browser = Browser(srv.base, screenshots("web_office_words"))
try:
    browser.login("officer")
    for path in ("/", "/tasks?jurisdiction=-", f"/tasks/{TASK}"):
        browser.go(path)
        browser.shot(path.strip("/").replace("/", "-").replace("?", "-") or "dashboard")
        text = browser.drv.execute_script("return document.body.innerText")
        check("prefecture_epb" not in text, f"{path}: no role id on screen")
        check("州环保局" in text, f"{path}: the office by its title")
finally:
    browser.quit()
srv.stop()
st.cleanup()
done("an office shows by its title, and a bad flag kind is a Chinese 400")
