"""The web's inclusion proof is kept in memory between requests (review 11b, H1: every
proof page rehashed the whole log): it must still be the proof of the whole log as it is
at each request. A county's proof page, opened again after the log has grown (other
submissions, the deadlines applied), shows the new tree size and exactly what
`dabiao audit prove SEQ` prints for that log: the same leaf, root and path."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, eq, check, done  # noqa: E402
from web_it import Client, Server, links_in_outbox, setup_store  # noqa: E402

T1, T2 = "web/report/j1/once", "web/report/j2/once"
st = Store()
setup_store(st)
srv = Server(st)
os.environ["DABIAO_WEB_URL"] = srv.base
st.ok("advance", "--to", "2017-03-07T12:00:00+08:00")
path1 = links_in_outbox(st, T1, "reminder")[0][1][len(srv.base):]
path2 = links_in_outbox(st, T2, "reminder")[0][1][len(srv.base):]

county = Client(srv.base)
eq(county.get(path1)[0], 200, "the county opens its link")
status, hdrs, _ = county.post(path1, [("by", "甲县李"), ("sections", "overall"),
                                     ("sections", "problems")],
                              files=[("file", "名录.pdf", b"%PDF-1.4 j1\n", "application/pdf")])
eq(status, 303, "j1 submits from its link")
seq = int(re.search(r"receipt=(\d+)", hdrs["Location"]).group(1))


def page_proof():
    status, _, page = county.get(f"{path1}/proof/{seq}")
    eq(status, 200, "the proof page opens")
    leaf = re.search(r'id="leaf">([0-9a-f]{64})<', page)
    size = re.search(r'id="tree-size">(\d+)<', page)
    root = re.search(r'id="root">([0-9a-f]{64})<', page)
    path = re.findall(r'class="hash proof">([0-9a-f]{64})<', page)
    check(leaf and size and root, f"the page shows leaf, size and root: {page[-600:]}")
    return leaf.group(1), int(size.group(1)), root.group(1), path


def cli_proof():
    out = st.ok("audit", "prove", str(seq))
    fields = {}
    path = []
    for line in out.splitlines():
        k, _, v = line.partition(" ")
        if k == "proof":
            path.append(v)
        else:
            fields[k] = v
    return fields["leaf"], int(fields["tree_size"]), fields["root"], path


first = page_proof()
eq(first, cli_proof(), "the page's proof is audit prove's")
# the log grows: another county submits, the officer's deadlines apply
other = Client(srv.base)
eq(other.get(path2)[0], 200, "j2 opens its link")
eq(other.post(path2, {"by": "乙县周"}, files=[])[0], 303, "j2 submits from its link")
st.ok("advance", "--to", "2017-03-20T12:00:00+08:00")
second = page_proof()
check(second[1] > first[1], f"the tree has grown: {first[1]} -> {second[1]} records")
eq(second[0], first[0], "the same record, the same leaf")
check(second[2] != first[2], "a new root")
eq(second, cli_proof(), "and the page's proof is still audit prove's for the grown log")
# a third time without change: the same answer
eq(page_proof(), second, "asked again, the same proof")
srv.stop()
st.cleanup()
done("the web's proof follows the log as it grows")
