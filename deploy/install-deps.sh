#!/usr/bin/env bash
# Installs what dabiao needs from Debian 12's packages, only what is missing.
#   deploy/install-deps.sh          to build and run dabiao
#   deploy/install-deps.sh --test   also what the test suite needs (SMTP server, parsers,
#                                   Debian's headless Chromium and its driver for the web's
#                                   browser tests, CJK fonts for their screenshots, wrk)
set -euo pipefail

pkgs=(build-essential cmake pkg-config tzdata ca-certificates
      liblmdb-dev libuv1-dev libyaml-dev libesmtp-dev libssl-dev libxlsxwriter-dev
      libical-dev libmicrohttpd-dev libsodium-dev zlib1g-dev libzip-dev libexpat1-dev)
if [ "${1:-}" = "--test" ]; then
	pkgs+=(python3 python3-aiosmtpd python3-icalendar python3-openpyxl python3-cryptography openssl lmdb-utils groff-base
	       libreoffice-calc-nogui
	       procps clang libclang-rt-14-dev chromium chromium-driver python3-selenium
	       fonts-noto-cjk wrk)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
