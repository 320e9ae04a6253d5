"""A submit link hands in as its role; when a plan version gives the task's milestone to
another role, the old role's link becomes read-only (its page and receipts open, POST 410),
as the old role's accounts are refused (403) — review 11d, W11: the February link still
handed in as `link:county_epb/…` for a task county_epb no longer owned."""
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, done, eq  # noqa: E402
from web_it import PLAN, Client, overdue_with_link  # noqa: E402

T1 = "web/report/j1/once"
st = Store()
srv, link = overdue_with_link(st)
try:
    # version 2: the report is the county government's, no longer the county bureau's
    v2 = PLAN.replace("  county_epb: {title: 县环保局, per: jurisdiction}\n",
                      "  county_epb: {title: 县环保局, per: jurisdiction}\n"
                      "  county_gov: {title: 县政府, per: jurisdiction}\n")
    v2 = v2.replace("        title: 评估报告\n        owner: county_epb\n",
                    "        title: 评估报告\n        owner: county_gov\n")
    eq(v2.count("owner: county_gov"), 1, "the test's version 2 moves the report")
    st.ok("load", st.write("web2.yaml", v2))
    c = Client(srv.base)
    status, _, page = c.get(link)
    eq(status, 200, "the old role's link still opens its page")
    status, _, _ = c.post(link, {"by": "甲县李"}, files=[])
    eq(status, 410, "but hands in nothing")
    eq(st.tasks("--subject", "j1", "--milestone", "report")[0]["state"], "overdue",
       "the task as it was")
    county = Client(srv.base)
    eq(county.login("county1")[0], 303, "county1 (county_epb) logs in")
    county.get(f"/tasks/{T1}")
    eq(county.post(f"/tasks/{T1}/submit", {"by": "甲县李"})[0], 403,
       "as the same role's account is refused")
finally:
    srv.stop()
st.cleanup()
done("a link whose role no longer owns its task is read-only")
