"""`dabiao calendar` writes RFC 5545 content lines (3.1): each ends in CRLF, none holds a
bare CR or LF, none is longer than 75 octets without its CRLF, a long one is folded by CRLF
and one space and never inside a UTF-8 character (review 13d, F19: libical put the fold of
a 74-octet line between its CR and LF). Checked on the whole Changji calendar, whose
Chinese alarm texts fall on every length, and read back with python3-icalendar: every
alarm's text ends where its county's name ends, with no stray CR."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

import icalendar  # noqa: E402  (python3-icalendar, deploy/install-deps.sh --test)

st = Store()
st.changji()
raw = st.run_bytes("calendar")
check(raw.endswith(b"\r\n"), "the file ends with CRLF")
eq([m.start() for m in re.finditer(rb"\r(?!\n)", raw)][:3], [], "no bare CR")
eq([m.start() for m in re.finditer(rb"(?<!\r)\n", raw)][:3], [], "no bare LF")
lines = raw[:-2].split(b"\r\n")
long_ = [ln for ln in lines if len(ln) > 75]
eq(long_[:2], [], "no line longer than 75 octets")
for ln in lines:
    try:
        ln.decode("utf-8")
    except UnicodeDecodeError:
        check(False, f"a fold inside a UTF-8 character: {ln!r}")
        break
# a folded line is cut at 75 octets (74 after the continuation's space), or just before
# the UTF-8 character that would cross that
for i, ln in enumerate(lines[:-1]):
    if lines[i + 1].startswith(b" "):
        limit = 74 if ln.startswith(b" ") else 75
        body = ln[1:] if ln.startswith(b" ") else ln
        nxt = lines[i + 1][1:]
        check(len(body) <= limit and len(body) + len(nxt[:1]) > limit - 3,
              f"line {i + 1} is folded early ({len(ln)} octets): {ln!r}")
check(sum(1 for ln in lines if ln.startswith(b" ")) > 100, "the calendar has folded lines")
eq(sum(1 for ln in lines if len(ln) in (74, 75) and not ln.startswith(b" ")) > 0, True,
   "lines of 74 and 75 octets, the edge, are there")

cal = icalendar.Calendar.from_ical(raw)
events = [c for c in cal.walk("VEVENT")]
alarms = [c for c in cal.walk("VALARM")]
check(len(events) > 100 and len(alarms) > 100, f"{len(events)} events, {len(alarms)} alarms")
for c in events + alarms:
    for name in ("SUMMARY", "DESCRIPTION"):
        v = str(c.get(name, ""))
        check("\r" not in v, f"{name} holds a CR: {v!r}")
for a in alarms:
    eq((str(a.get("ACTION")), a.get("TRIGGER") is not None), ("DISPLAY", True),
       "every alarm has its action and trigger")
# the alarms of the county-level returns end with the county's name in full-width brackets
tails = [str(a.get("DESCRIPTION")) for a in alarms]
check(all(not t.endswith(("\r", "\n", " ")) for t in tails), "no alarm text ends in a blank")
# what the whole file says, folds taken out, is what a reader unfolds: the same as
# icalendar's own serialisation read again
eq(len(icalendar.Calendar.from_ical(cal.to_ical()).walk("VALARM")), len(alarms),
   "read back whole")
st.cleanup()
done("the calendar's lines are RFC 5545 lines: CRLF, at most 75 octets, folded right")
