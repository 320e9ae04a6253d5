"""`dabiao audit`'s table shows who acted as well as who ran the command (review12z, Z11):
an officer's `submit --by 王科长` run as the service user read `root  task.submit  …` (the
OS actor), the officer only in `--format jsonl`'s details. The line now ends `by 王科长`;
a record whose `by` is the actor itself, or that has none (the engine's own), says nothing
more."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

T = "changji-2017/roster/changji-city/once"
st = Store()
st.changji("2017-02-01T10:00:00+08:00")
st.ok("submit", T, "--by", "王科长")
lines = st.ok("audit", "--task", T).splitlines()
check(lines[0].rstrip().endswith("by whom"), f"the header says so: {lines[0]}")
sub = [x for x in lines if " task.submit " in x]
eq(len(sub), 1, f"one hand-in: {lines}")
check(sub and sub[0].rstrip().endswith("by 王科长"), f"the hand-in names who acted: {sub}")
create = [x for x in lines if " task.create " in x]
check(create and " by " not in create[0], f"the engine's own record names nobody else: {create}")
done("the audit table shows who acted")
