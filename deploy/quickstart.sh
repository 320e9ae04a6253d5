#!/usr/bin/env bash
# README command (1): from a fresh Debian 12 machine to the Changji 2017 plan running on
# the embedded default. Installs what is missing, builds, creates a virtual-clock store in
# ./changji-2017.db (LMDB in a local folder), loads the plan and the sample registry,
# advances the clock through the plan's horizon and prints every reminder, deadline,
# escalation and warning as it happens. No mail server is needed: each notice is written
# as an .eml file in ./changji-2017.db/outbox/.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
bash "$src/deploy/install-deps.sh"
cmake -S "$src" -B "$src/build/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$src/build/release" -j"$(nproc)" >/dev/null
bin="$src/build/release/dabiao"

db="${DABIAO_DB:-./changji-2017.db}"
rm -rf -- "$db"
"$bin" --db "$db" init --clock virtual --now 2017-01-01T00:00:00+08:00 --tz Asia/Shanghai
"$bin" --db "$db" load "$src/workflows/changji-2017.yaml"
"$bin" --db "$db" import "$src/workflows/changji-registry.yaml"
echo "--- timeline: every notice as it falls due, nobody submitting anything ---"
"$bin" --db "$db" advance --to 2018-12-31T23:59:59+08:00
echo "--- status at the end of the horizon ---"
"$bin" --db "$db" status
echo "notices written as e-mail files: $(ls "$db/outbox" | wc -l) in $db/outbox/"
