#!/usr/bin/env bash
# The crash loop of tests/it/crash_loop.py with N kills (default 1,000): kill -9 of `run`
# at random moments while it applies 2,000 past deadlines and delivers their notices to
# the test SMTP server; after every kill `audit verify`; at the end the counts. Prints one
# SUMMARY line (kills, notices, messages received, duplicates, notices claimed at the
# kills). Never decides pass or fail on a figure; a broken guarantee still fails it.
#   tests/bench/crash_loop.sh [N] [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
kills=${1:-1000}
build=${2:-$here/build/release}
export DABIAO_BIN=${DABIAO_BIN:-$build/dabiao} DABIAO_SRC=$here DABIAO_KILLS=$kills
exec /usr/bin/python3 "$here/tests/it/crash_loop.py"
