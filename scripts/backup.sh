#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# A backup of llo's PostgreSQL database: pg_dump's custom format (compressed, restorable per
# table, with every function, trigger and partition of the ledger), written atomically.
# Usage: DATABASE_URL=postgres://... scripts/backup.sh FILE
set -euo pipefail
file="${1:?usage: scripts/backup.sh FILE}"
pgbin="${LLO_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
"$pgbin/pg_dump" --format=custom --no-owner --no-privileges --file="$file.partial" "$DATABASE_URL"
mv "$file.partial" "$file"
echo "backup: $file ($(du -h "$file" | cut -f1))"
