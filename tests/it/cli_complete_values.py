"""The bash completion completes option values from the store the line names: `tasks
--jurisdiction <TAB>` offers the registry's jurisdictions, `--milestone` the loaded plans'
milestones, `--state` their states, `--plan` the plans, `report annex3 --month` the store's
month and the eleven before it, newest first; fixed lists (`--format`) from the command table
as before. It asks `dabiao help --values KIND`, which prints one value a line; on a missing
store it offers nothing (review 13c, N9: values were not completed). The completion script
is the one `help --completion` prints (deploy/dabiao.bash-completion), run by a real bash."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import BIN, Store, check, done, eq, plan_yaml  # noqa: E402

st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-03-15T10:00:00+08:00")
st.ok("import", st.write("reg.yaml", "jurisdictions:\n"
                         "  - {id: aa-county, name: 甲县, kind: county, email: [a@x.example]}\n"
                         "  - {id: bb-city, name: 乙市, kind: city, email: [b@x.example]}\n"))
st.ok("load", st.write("plan.yaml", plan_yaml("vals", None, [
    "{id: roster, title: 名录, owner: office, for: once, due: 2017-04-05}",
    "{id: report-q, title: 报告, owner: office, for: once, due: 2017-05-05}"])))
script = st.write("completion.bash", st.ok("help", "--completion"))


def complete(*words):
    """What the completion offers for the last word of `dabiao WORDS...`."""
    line = " ".join("'%s'" % w for w in (BIN,) + words)
    p = subprocess.run(["bash", "-c", f"source '{script}'; COMP_WORDS=({line}); "
                        f"COMP_CWORD={len(words)}; _dabiao; "
                        "printf '%s\\n' \"${COMPREPLY[@]}\""],
                       capture_output=True, text=True, timeout=120)
    eq(p.returncode, 0, f"bash ran the completion: {p.stderr}")
    return [w for w in p.stdout.split("\n") if w]


db = ("--db", st.db)
eq(complete(*db, "tasks", "--jurisdiction", ""), ["aa-county", "bb-city"],
   "--jurisdiction: the registry's, in its order")
eq(complete(*db, "tasks", "--jurisdiction", "b"), ["bb-city"], "narrowed by what is typed")
eq(complete(*db, "extend", "--milestone", "r"), ["roster", "report-q"],
   "--milestone: the plan's milestones")
eq(complete(*db, "tasks", "--plan", ""), ["vals"], "--plan: the loaded plans")
states = complete(*db, "tasks", "--state", "")
check("open" in states and "overdue" in states and "tasks" not in states,
      f"--state: the lifecycle's states: {states}")
eq(complete(*db, "report", "annex3", "--month", "2016-"), ["2016-12", "2016-11", "2016-10",
                                                           "2016-09", "2016-08", "2016-07",
                                                           "2016-06", "2016-05", "2016-04"],
   "--month: March 2017 and the eleven months before it, newest first")
eq(complete(*db, "report", "annex3", "--format", "x"), ["xlsx"], "fixed lists as before")
eq(complete("--db", st.path("nothing-here"), "tasks", "--jurisdiction", ""), [],
   "no store: nothing offered, nothing printed")

# what the completion asks, directly
eq(st.ok("help", "--values", "jurisdiction"), "aa-county\nbb-city\n", "one value a line")
rc, out, err = st.run("help", "--values", "enterprise")
eq((rc, out), (64, ""), "an unknown kind is a usage error")
check("plan, milestone, state, role, jurisdiction or month" in err, f"naming the kinds: {err}")
none = Store()   # its folder is never made: no store
rc, out, err = none.run("help", "--values", "enterprise")
eq((rc, out), (64, ""), "without a store too: the kind is the mistake, not the store (C8)")
check("not 'enterprise'" in err, f"named: {err}")
eq(none.run("help", "--values", "plan")[0], 66, "a good kind without a store: no store")
none.cleanup()
# workdays names the option and the value it cannot read (review13f C8)
for opt, bad in (("--from", "2017-02-30"), ("--to", "2017-13-01"), ("--from", "17-01-01")):
    args = {"--from": "2017-02-01", "--to": "2017-03-01"}
    args[opt] = bad
    rc, _, err = st.run("workdays", "--plan", "vals", "--from", args["--from"], "--to",
                        args["--to"])
    check(rc == 64 and f"{opt} '{bad}' is not a date" in err, f"workdays {opt} {bad}: {err!r}")

# the values are the store's own: a configuration that cannot be read (a file being
# edited, a mistyped variable) is set aside for them, so Tab still works and help, which
# lists no 78, does not end with one (review 13e, E7)
bad = st.write("bad.yaml", "smtp: [\n")
eq(st.run("--config", bad, "tasks")[0], 78, "the bad configuration stops a command")
for how, args, env in (("--config", ("--config", bad), None),
                       ("DABIAO_CONFIG", (), {"DABIAO_CONFIG": bad}),
                       ("DABIAO_SMTP", (), {"DABIAO_SMTP": "not-a-url"})):
    eq(st.run(*args, "help", "--values", "jurisdiction", env=env)[:2],
       (0, "aa-county\nbb-city\n"), f"help --values with a bad {how}: the values, 0")
old_env = dict(os.environ)
os.environ["DABIAO_CONFIG"] = bad
eq(complete(*db, "tasks", "--jurisdiction", ""), ["aa-county", "bb-city"],
   "the completion offers the values under a bad configuration")
os.environ.clear()
os.environ.update(old_env)
st.cleanup()
done("bash completion offers the store's plans, milestones, states, jurisdictions, months")
