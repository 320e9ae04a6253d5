"""A registry import puts each row of a CSV in its transaction as it is read and checked,
holding none of them (a national registry has millions); when the store's map fills, the
transaction is run again from the start and reads the file again. The result must be the
import a roomy store makes: the same subjects, tasks and audit trail, and a bad row, even
the last, after every other was put, still changes nothing. Store map 4 MiB, so that it
grows several times during the import."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq, src  # noqa: E402

ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"   # GB 32100-2015, no I O S V Z
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def code(i):
    """An 18-character unified social credit code, its check character computed."""
    body = "91652301MA" + "".join(ALPHA[(i // 31 ** k) % 31] for k in range(6, -1, -1))
    s = sum(ALPHA.index(ch) * w for ch, w in zip(body, W))
    return body + ALPHA[(31 - s % 31) % 31]


N = 6000
rows = ["id,name,jurisdiction,industry,listed,measure,rectify_by,responsible_person,email"]
for i in range(N):
    listed = i % 10 == 0
    rows.append(f"{code(i)},某某实业有限公司{i},changji-city,cement,{'是' if listed else '否'},"
                f"{'rectify-by-deadline' if listed else ''},{'2017-09-30' if listed else ''},"
                f"王{i % 100},e{i}@x.example")
text = "\n".join(rows) + "\n"

small = {"DABIAO_STORE_MAPSIZE": "4194304"}
stores = {}
for name, env in (("small", small), ("roomy", None)):
    st = Store(name)
    st.changji(env=env)
    base = len(st.tasks("--milestone", "rectification"))
    rc, out, err = st.run("import", st.write("e.csv", text), env=env)
    eq(rc, 0, f"{name}: the import succeeds: {err[-300:]}")
    stores[name] = (st, base, out.replace(st.root, "ROOT"))

(small_st, base, small_out), (roomy_st, _, roomy_out) = stores["small"], stores["roomy"]
check(os.path.getsize(os.path.join(small_st.db, "data.mdb")) > 4194304, "the map did grow")
eq(small_out, roomy_out, "the same summary")
# every tenth enterprise is listed: 600 more rectification tasks (the sample registry's
# listed enterprises have theirs already)
eq(len(small_st.tasks("--milestone", "rectification")) - base, N // 10,
   "600 more rectification tasks")
eq(small_st.ok("tasks", "--format", "csv", env=small), roomy_st.ok("tasks", "--format", "csv"),
   "the same tasks")
eq(small_st.run("audit", "verify", env=small)[0], 0, "the audit log verifies")

# a bad last row in a store whose map must grow: nothing changes
bad = small_st.write("bad.csv", text.replace("\n", "\n", 1) + f"{code(0)},again,changji-city,"
                     "cement,否,,,,\n")
st3 = Store("bad")
st3.changji(env=small)
before = st3.ok("tasks", "--format", "csv", env=small)
rc, _, err = st3.run("import", bad, env=small)
eq(rc, 65, "a duplicate id in the last row refuses the import")
check(f"row {N + 1}, column 'id': duplicate id" in err, f"named: {err[:300]}")
eq(st3.ok("tasks", "--format", "csv", env=small), before, "and nothing changed")
for st, _, _ in stores.values():
    st.cleanup()
st3.cleanup()
done("an import that puts its rows as it reads them gives the roomy store's result when the map grows")
