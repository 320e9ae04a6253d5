"""The daemon's memory does not grow with the number of tasks: the timer queue lives in
LMDB. `dabiao run` over a store of 100,000 scheduled tasks keeps about the resident size it
has over 100 tasks (a generous bound; speed is the benchmarks' business, not this test's)."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import Store, BIN, check, done  # noqa: E402


def plan(n_ms):
    ms = "".join(f"""\
      - id: m{i}
        title: 报表{i}
        owner: county_epb
        for: each jurisdiction
        due: 2030-0{1 + i % 9}-{10 + i % 18}
        remind: [-3d, -1d]
""" for i in range(n_ms))
    return f"""\
plan: mem
title: 内存测试
timezone: Asia/Shanghai
roles:
  county_epb: {{title: 县环保局, per: jurisdiction}}
phases:
  - id: p
    title: 阶段
    milestones:
{ms}"""


def registry(n):
    return "jurisdictions:\n" + "".join(
        f"  - {{id: j{i}, name: 县{i}, kind: county, email: [j{i}@x.example]}}\n"
        for i in range(n))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def measure(n_jur, n_ms):
    st = Store(f"s{n_jur}")
    st.ok("init", "--clock", "real")
    st.ok("load", st.write("p.yaml", plan(n_ms)))
    st.ok("import", st.write("r.yaml", registry(n_jur)), timeout=600)
    p = subprocess.Popen([BIN, "--db", st.db, "run"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    samples = []
    for _ in range(8):
        time.sleep(0.5)
        samples.append(rss_kb(p.pid))
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=30)
    st.cleanup()
    return samples


small = measure(10, 10)        # 100 tasks
big = measure(1000, 100)       # 100,000 tasks
print(f"RSS small store (kB): {small}")
print(f"RSS 100k-task store (kB): {big}")
sanitized = "asan" in BIN
bound = 4 * max(small) + (64 * 1024 if sanitized else 16 * 1024)
check(max(big) < bound, f"run over 100k tasks stays near its size over 100: "
                        f"{max(big)} kB vs bound {bound} kB")
check(big[-1] <= big[2] + 2048, f"RSS does not grow while running: {big}")
done("run's memory is flat in the number of tasks")
