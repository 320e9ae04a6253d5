"""kill -9 of `dabiao run` 50 times at random moments while it applies a backlog of 2,000
past deadlines and delivers their overdue notices to the test SMTP server: the audit log
verifies after every kill, nothing is lost, nothing is recorded twice, and each repeat
at the server is a message that was claimed when a daemon died (tests/lib/crash_loop.py
says exactly what is asserted). tests/bench/crash_loop.sh runs the same for 1,000 kills."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from dabiao_it import done  # noqa: E402
import crash_loop  # noqa: E402

fig = crash_loop.run(kills=int(os.environ.get("DABIAO_KILLS", "50")), n_jur=200, n_ms=10,
                     seed=int(os.environ.get("DABIAO_SEED", "20171109")))
print(crash_loop.summary(fig))
done("crash loop: every kill verified, nothing lost, repeats only of claimed messages")
