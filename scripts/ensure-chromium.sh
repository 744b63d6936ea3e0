#!/usr/bin/env bash
# Makes sure Debian's chromium is installed for the real-browser tests (playwright-core drives it).
# Idempotent: does nothing when /usr/bin/chromium exists; installs it when we are root; otherwise
# says how. The browser tests fail (never skip) when chromium is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ]; then
  echo "ensure-chromium: installing Debian's chromium for the browser tests"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
else
  echo "ensure-chromium: /usr/bin/chromium is missing; install it with: sudo apt-get update && sudo apt-get install -y chromium" >&2
fi
