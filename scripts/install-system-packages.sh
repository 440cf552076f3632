#!/usr/bin/env bash
# Install the Debian packages SCR Tracker needs when they are missing and we can (root with apt).
#   runtime: the libraries WeasyPrint loads.   test: those plus chromium (browser tests),
#   poppler-utils (pdftotext for PDF checks) and wrk (scripts/benchmark_national.py's smoke check).
# Where nothing can be installed, say what is missing and carry on: tests that need a missing
# tool skip with a clear reason locally, and fail under CI.
set -euo pipefail

want=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-liberation)
if [ "${1:-runtime}" = "test" ]; then
  want+=(chromium poppler-utils wrk)
fi

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "warning: these system packages are missing and cannot be installed from here: ${missing[*]}" >&2
fi
