"""Runs one dabiao command for tests/bench/burst.sh and prints one JSON line about it.

    /usr/bin/python3 tests/bench/burst_run.py -- COMMAND...
    /usr/bin/python3 tests/bench/burst_run.py --bytes -- COMMAND...

--bytes runs it under strace instead (its times mean nothing then) and gives the bytes
LMDB itself wrote to data.mdb (pwrite64/pwritev/writev on its descriptors, which is what a
commit's dirty pages and meta page cost; getrusage's oublock_B counts the file system's
own writes too, four times as much here):
  lmdb_B       every commit's bytes
  commits      synced commits (fdatasync of data.mdb)
  queue_B      the bytes of the commits after which the command printed action lines
               (`advance` prints a batch's applied entries after its commit; the
               deliveries' commits print nothing), the last line (the summary) left out
  queue_lines  those lines: the entries those commits applied

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
import re
import subprocess
import sys
import tempfile
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


def lmdb_bytes(cmd):
    """The command under strace -f -y: bytes written to data.mdb per commit, and the
    action lines printed after each."""
    fd, trace = tempfile.mkstemp(prefix="burst-strace-")
    os.close(fd)
    try:
        with open(os.devnull, "wb") as null:
            rc = subprocess.run(["strace", "-f", "--seccomp-bpf", "-y", "-s", "0", "-o", trace,
                                 "-e", "trace=pwrite64,pwritev,writev,write,fdatasync"] + cmd,
                                stdout=subprocess.PIPE, stderr=null).returncode
        commits = []  # [bytes, lines after it]
        cur = 0
        pending = {}  # pid -> the call an <unfinished ...> line began
        wrote = re.compile(r"^(\d+) +(?:<\.\.\. (\w+) resumed>|(\w+)\((\d+)<([^>]*)>)")
        main = None  # the command's own process: the first in the trace
        with open(trace, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = wrote.match(line)
                if main is None and m:
                    main = m.group(1)
                if not m:
                    continue
                pid, resumed, call, path = m.group(1), m.group(2), m.group(3), m.group(5)
                if resumed:
                    call, path = pending.pop(pid, (resumed, ""))
                elif line.rstrip().endswith("<unfinished ...>"):
                    pending[pid] = (call, path)
                    continue
                n = re.search(r"= (\d+)$", line.rstrip())
                if call == "fdatasync" and path.endswith("/data.mdb"):
                    commits.append([cur, 0])
                    cur = 0
                elif call in ("pwrite64", "pwritev", "writev") and path.endswith("/data.mdb") and n:
                    cur += int(n.group(1))
                elif call == "write" and pid == main and commits and n and \
                        line.split()[1].startswith("write(1<"):
                    commits[-1][1] += 1  # the command's own standard output (not a helper's)
        if commits and commits[-1][1] > 0:
            commits[-1][1] -= 1  # the summary line
        queue = [c for c in commits if c[1] > 0]
        out = {"rc": rc, "lmdb_B": sum(c[0] for c in commits) + cur, "commits": len(commits),
               "queue_B": sum(c[0] for c in queue), "queue_lines": sum(c[1] for c in queue)}
    finally:
        os.unlink(trace)
    print(json.dumps(out))
    return 0 if rc == 0 else 1


def main():
    if sys.argv[1] == "--bytes":
        assert sys.argv[2] == "--"
        return lmdb_bytes(sys.argv[3:])
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
