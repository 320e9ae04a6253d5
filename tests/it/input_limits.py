"""The size limits on input files, named with their remedy (review of issue 13, F4): a
registry of more than 1024 MiB is refused at once (65) saying to import it in parts, with
the store unchanged; a plan of more than 64 MiB is refused naming its limit. Sparse files:
nothing is written to disk, and dabiao refuses by size before reading a byte."""
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

MIB = 1 << 20


def sparse(path, size):
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def data_sha(st):
    with open(os.path.join(st.db, "data.mdb"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


st = Store()
st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
before = data_sha(st)

big = sparse(st.path("huge.csv"), 1024 * MIB + 1)
rc, out, err = st.run("import", big)
eq(rc, 65, f"a registry one byte over 1024 MiB is refused: {err}")
check("larger than 1024 MiB" in err and "split the rows into several files" in err
      and "header row" in err, f"naming the limit and the remedy: {err}")
eq(data_sha(st), before, "the store is unchanged")

os.remove(big)

plan = sparse(st.path("plan.yaml"), 64 * MIB + 1)
rc, out, err = st.run("check", plan)
eq(rc, 65, "a plan over 64 MiB is refused")
check("larger than 64 MiB" in err, f"naming its limit: {err}")

# what a path is is judged before its name: /dev/zero is not a regular file (66), as in check
rc, out, err = st.run("import", "/dev/zero")
check(rc == 66 and "not a regular file" in err, f"import /dev/zero: {err}")
eq(st.run("check", "/dev/zero")[0], 66, "check /dev/zero: the same")

done("input limits named, with what to do")
