#!/usr/bin/env bash
# README command (1): from a fresh Debian 12 machine to the Changji 2017 plan running on
# the embedded default. Installs what is missing, builds, creates a virtual-clock store in
# ./changji-2017.db (LMDB in a local folder), loads the plan and the sample registry,
# advances the clock through the plan's horizon and prints every reminder, deadline,
# escalation and warning as it happens. No mail server is needed: each notice is written
# as an .eml file in ./changji-2017.db/outbox/.
#
# The demo's store is always ./changji-2017.db, whatever $DABIAO_DB says (a shell set up
# for the service may name the production store there), and a second run deletes it only
# if this script made it (the marker file QUICKSTART-DEMO inside). It never mails anyone:
# $DABIAO_SMTP and any configuration file are ignored. DABIAO_BIN=path runs an already
# built binary instead of installing and building.
#
# Then it serves the store on the web in the foreground (docs/web.md) and prints the URL
# and a demo officer's login; Ctrl-C stops it. Scripts skip that part with --no-web (or
# DABIAO_NO_WEB=1); it is skipped too when standard input is not a terminal (CI, tests).
# DABIAO_WEB_LISTEN picks another address than 127.0.0.1:8080.
set -euo pipefail
web=yes
for a in "$@"; do
	case "$a" in
	--no-web) web=no ;;
	*) echo "usage: bash deploy/quickstart.sh [--no-web]" >&2; exit 64 ;;
	esac
done
[ "${DABIAO_NO_WEB:-}" = 1 ] && web=no
[ -t 0 ] || web=no
listen="${DABIAO_WEB_LISTEN:-127.0.0.1:8080}"
# notices carry submit links to the web served at the end
export DABIAO_WEB_URL="http://$listen"
src="$(cd "$(dirname "$0")/.." && pwd)"
if [ -n "${DABIAO_BIN:-}" ]; then
	bin="$DABIAO_BIN"
else
	bash "$src/deploy/install-deps.sh"
	cmake -S "$src" -B "$src/build/release" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$src/build/release" -j"$(nproc)" >/dev/null
	bin="$src/build/release/dabiao"
fi

db=./changji-2017.db
marker="$db/QUICKSTART-DEMO"
if [ -e "$db" ] || [ -L "$db" ]; then
	if [ ! -f "$marker" ] || [ -L "$db" ]; then
		echo "quickstart: $db exists and was not made by this script; move it away first" >&2
		exit 73
	fi
	rm -rf -- "$db"
fi
unset DABIAO_SMTP DABIAO_DB
cfg="$(mktemp)"
trap 'rm -f -- "$cfg"' EXIT
echo "# the quick start's configuration: no SMTP server, notices become .eml files" > "$cfg"
dabiao() { "$bin" --config "$cfg" --db "$db" "$@"; }
dabiao init --clock virtual --now 2017-01-01T00:00:00+08:00 --tz Asia/Shanghai
echo "made by deploy/quickstart.sh; a second run replaces this demo store" > "$marker"
dabiao load "$src/workflows/changji-2017.yaml"
dabiao import "$src/workflows/changji-registry.yaml"
echo "--- timeline: every notice as it falls due, nobody submitting anything ---"
dabiao advance --to 2018-12-31T23:59:59+08:00
echo "--- status at the end of the horizon ---"
dabiao status
echo "notices written as e-mail files: $(ls "$db/outbox" | wc -l) in $db/outbox/"

[ "$web" = yes ] || exit 0
pw="$db/demo-officer.pw"
echo "dabiao-demo-2017" > "$pw"
dabiao user add demo --role supervision --name 演示科员 --password-file "$pw" >/dev/null
echo "--- the store on the web: open the URL, log in as demo / dabiao-demo-2017 ---"
echo "    (each reminder in $db/outbox/ has a submit link for its county; Ctrl-C stops)"
dabiao web --listen "$listen" --demo-login "demo / dabiao-demo-2017"
