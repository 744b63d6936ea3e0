#!/usr/bin/env bash
# Makes sure Debian's chromium (used by the real-browser tests) is installed. Idempotent: does
# nothing when /usr/bin/chromium exists. As root it installs chromium (and a CJK font so the
# fallback page's Chinese renders in screenshots) with apt-get; otherwise it says how to.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "ensure-chromium: installing chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y chromium fonts-wqy-zenhei
  exit 0
fi
cat >&2 <<MSG
ensure-chromium: $CHROMIUM is missing and this shell cannot install it.
Install it on Debian/Ubuntu with:
  sudo apt-get update && sudo apt-get install -y chromium fonts-wqy-zenhei
The real-browser tests (test/**/*.browser.test.ts) fail without it.
MSG
exit 0
