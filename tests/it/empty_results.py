"""Empty results are ordinary: `status` of an empty store, a jurisdiction with no task, an
accountability report of a period without records, and the other listings print their
empty form and exit 0 (under the sanitizer build too: qsort and bsearch are never handed a
NULL array). A period whose --from is after its --to is a usage error, 64, and so is a
--jurisdiction the registry does not hold (an unknown filter is not an empty result)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00", "--tz", "Europe/Berlin")
for args in (("status",), ("report", "accountability"),
             ("report", "accountability", "--from", "2017-02-01", "--to", "2017-03-01"),
             ("tasks",), ("outbox",), ("audit",), ("calendar",)):
    rc, out, err = st.run(*args)
    eq((rc, err), (0, ""), f"dabiao {' '.join(args)} on an empty store")
rc, out, err = st.run("status", "--jurisdiction", "nobody")
eq(rc, 64, "an unknown --jurisdiction is a usage error, not an empty status")
check("nobody" in err, f"and names it: {err!r}")
# a jurisdiction the registry holds, with no task (no plan is loaded): the empty form, 0
st.ok("import", st.write("reg.yaml", "jurisdictions:\n"
                         "  - {id: j1, name: 甲县, kind: county, email: [j1@x.example]}\n"))
rc, out, err = st.run("status", "--jurisdiction", "j1")
eq((rc, err), (0, ""), "status of a jurisdiction with no task")
rc, out, err = st.run("report", "accountability", "--from", "2017-03-01", "--to", "2017-02-01")
eq(rc, 64, "--from after --to is a usage error")
check("--from 2017-03-01 is after --to 2017-02-01" in err, f"and says so: {err!r}")
# the same day as both ends is one day, not an error
eq(st.run("report", "accountability", "--from", "2017-03-01", "--to", "2017-03-01")[0], 0,
   "--from and --to the same day")
st.cleanup()
done("empty results print their empty form; --from after --to is refused")
