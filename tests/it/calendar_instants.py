"""`dabiao calendar`: a due with a time of day is an event at that instant in the plan's
zone (DTSTART with TZID and the zone's VTIMEZONE, no DTEND), read back with
python3-icalendar as the same instant; a date due stays an all-day event; an extended
timed task, due at the end of its new day, becomes all-day; a zone with daylight saving
keeps the local wall time on both sides of the change."""
import datetime as dt
import os
import sys
import zoneinfo

import icalendar

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, check, done, eq  # noqa: E402

PLAN = """\
plan: inst
title: 时刻
timezone: {zone}
roles:
  hq: {{title: 州环保局}}
phases:
  - id: p
    title: P
    milestones:
      - {{id: timed, title: 定时, owner: hq, for: once, due: "2017-03-01T09:30:00"}}
      - {{id: summer, title: 夏令时, owner: hq, for: once, due: "2017-07-03T10:00:00"}}
      - {{id: day, title: 全天, owner: hq, for: once, due: 2017-03-02}}
      - {{id: later, title: 延期, owner: hq, for: once, due: "2017-03-03T15:00:00"}}
"""


def events(st):
    cal = icalendar.Calendar.from_ical(st.ok("calendar"))
    zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
    return {str(e["UID"]).split("/")[1]: e for e in cal.walk("VEVENT")}, zones, cal


for zone in ("Asia/Shanghai", "Europe/Berlin"):
    tz = zoneinfo.ZoneInfo(zone)
    st = Store()
    st.ok("init", "--clock", "virtual", "--now", "2017-01-01T00:00:00+08:00")
    st.ok("load", st.write("p.yaml", PLAN.format(zone=zone)))
    st.ok("extend", "inst/later/hq/once", "--to", "2017-03-06", "--by", "x", "--reason", "r")
    ev, zones, cal = events(st)
    eq(zones, [zone], f"{zone}: the zone's VTIMEZONE, once, named by its IANA name")
    for name, local in (("timed", dt.datetime(2017, 3, 1, 9, 30)),
                        ("summer", dt.datetime(2017, 7, 3, 10, 0))):
        start = ev[name]["DTSTART"]
        eq(start.params.get("TZID"), zone, f"{zone} {name}: DTSTART names the plan's zone")
        eq(start.dt, local.replace(tzinfo=start.dt.tzinfo), f"{zone} {name}: the wall time")
        # the instant, worked out from the zone by hand: 09:30 CST is 01:30 UTC; in Berlin
        # 09:30 CET is 08:30 UTC, 10:00 CEST 08:00 UTC
        eq(start.dt.astimezone(dt.timezone.utc), local.replace(tzinfo=tz).astimezone(
            dt.timezone.utc), f"{zone} {name}: the deadline instant")
        check("DTEND" not in ev[name] and "DURATION" not in ev[name],
              f"{zone} {name}: an instant, no end")
    if zone == "Europe/Berlin":
        eq(ev["summer"]["DTSTART"].dt.astimezone(dt.timezone.utc).hour, 8,
           "10:00 CEST is 08:00 UTC")
    for name, day in (("day", dt.date(2017, 3, 2)), ("later", dt.date(2017, 3, 6))):
        eq((ev[name]["DTSTART"].dt, ev[name]["DTEND"].dt), (day, day + dt.timedelta(days=1)),
           f"{zone} {name}: an all-day event on its (extended) due date")
    raw = st.ok("calendar")
    check("DTSTART;TZID=%s:20170301T093000\r" % zone in raw.replace("\n", "\r\n") or
          "DTSTART;TZID=%s:20170301T093000" % zone in raw, "the wall time as written")
    st.cleanup()
done("timed dues are events at their instant in the plan's zone; date dues stay all-day")
