#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Install Debian's PostgreSQL, chromium and wrk when they are missing (non-interactive; CI runs as
# root on a fresh machine). Nothing else is downloaded at run time.
set -euo pipefail

need=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql postgresql-contrib)
fi
# wrk: the HTTP load generator of bench/rush (issue 18), scripted in Lua.
if ! command -v wrk >/dev/null 2>&1; then
  need+=(wrk)
fi
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  need+=(chromium)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing Debian packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "Need root to install ${need[*]}: run 'apt-get install ${need[*]}' as root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
