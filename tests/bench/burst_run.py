"""Runs one dabiao command for tests/bench/burst.sh and prints one JSON line about it.

    /usr/bin/python3 tests/bench/burst_run.py -- COMMAND...

Measured from outside, so the engine carries no timing code:
  wall_s       start to exit
  lines        action lines on the command's standard output (one per applied entry)
  stream_s     from the first action line to the last: the engine prints a batch's lines
               after its commit, so for `simulate --from T` (which applies silently what
               comes before T) this is the time of every batch after T's first one
  oublock_B    bytes the process and its children wrote to files (getrusage ru_oublock,
               512-byte units: LMDB's pages, and the .eml files when there are any)
  vmrss_kb, rssanon_kb, rssfile_kb   the peaks of /proc/PID/status, sampled every 20 ms
  maxrss_kb    the kernel's own peak (ru_maxrss)
  cpu_s        user + system CPU time of the process and its waited-for children: on a
               shared machine the steadier figure (wall time includes waiting for a core)
"""
import json
import os
import subprocess
import sys
import threading
import time


def sample(pid, peaks, stop):
    path = "/proc/%d/status" % pid
    while not stop.is_set():
        try:
            with open(path) as f:
                for line in f:
                    k, _, v = line.partition(":")
                    if k in peaks:
                        peaks[k] = max(peaks[k], int(v.split()[0]))
        except (OSError, ValueError):
            pass
        stop.wait(0.02)


def main():
    assert sys.argv[1] == "--"
    cmd = sys.argv[2:]
    peaks = {"VmRSS": 0, "RssAnon": 0, "RssFile": 0}
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, bufsize=0)
    stop = threading.Event()
    th = threading.Thread(target=sample, args=(p.pid, peaks, stop), daemon=True)
    th.start()
    stamps = []
    buf = b""
    while True:
        chunk = p.stdout.read(65536)
        if not chunk:
            break
        now = time.monotonic()
        buf += chunk
        n = buf.count(b"\n")
        if n:
            stamps.extend([now] * n)
            buf = buf[buf.rfind(b"\n") + 1:]
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    stop.set()
    th.join()
    out = {
        "rc": os.waitstatus_to_exitcode(status),
        "wall_s": round(wall, 3),
        "lines": len(stamps),
        "stream_s": round(stamps[-1] - stamps[0], 3) if stamps else 0,
        "oublock_B": ru.ru_oublock * 512,
        "vmrss_kb": peaks["VmRSS"],
        "rssanon_kb": peaks["RssAnon"],
        "rssfile_kb": peaks["RssFile"],
        "maxrss_kb": ru.ru_maxrss,
        "cpu_s": round(ru.ru_utime + ru.ru_stime, 3),
    }
    print(json.dumps(out))
    return 0 if out["rc"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
