#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Keys for a developer's machine (`make demo`, `make bench`): made once, at random, in
# var/dev-keys.env (mode 600), never committed. llo has no default keys (docs/operations.md,
# Keys): every installation has its own, so a demo database is unreadable elsewhere.
# Usage: scripts/dev-keys.sh VAR_DIR PYTHON   (prints the path of the file)
set -euo pipefail
var_dir="${1:-var}"
python="${2:-python3}"
file="$var_dir/dev-keys.env"
mkdir -p "$var_dir"
if [ ! -s "$file" ]; then
  if [ -e "$var_dir/llo.sqlite3" ]; then
    # Made with the keys llo used to ship in settings.py: its BSNs cannot be read with new
    # keys. Keep it aside; `make demo` loads the demo data again (about 20 s).
    mv "$var_dir/llo.sqlite3" "$var_dir/llo.sqlite3.before-keys"
    rm -f "$var_dir/llo.sqlite3-wal" "$var_dir/llo.sqlite3-shm"
    echo "var/llo.sqlite3 was made with the old built-in keys: moved to var/llo.sqlite3.before-keys" >&2
  fi
  umask 077
  "$python" - > "$file.tmp" <<'PY'
import secrets
from cryptography.fernet import Fernet
print(f"LLO_SECRET_KEY={secrets.token_urlsafe(48)}")
print(f"LLO_BSN_ENCRYPTION_KEY={Fernet.generate_key().decode()}")
print(f"LLO_BSN_HASH_KEY={secrets.token_urlsafe(32)}")
PY
  mv "$file.tmp" "$file"
fi
echo "$file"
