#!/usr/bin/env bash
# Installs Debian's Chromium for the page tests (tests/pages.rs) when it is missing. As root it
# uses apt-get; otherwise it says what to run. Prints the browser's path.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo /usr/bin/chromium
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "Chromium is missing: run 'sudo apt-get update && sudo apt-get install -y chromium'" >&2
  exit 1
fi
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
echo /usr/bin/chromium
