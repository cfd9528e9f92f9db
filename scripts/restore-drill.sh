#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# The restore drill (docs/operations.md, "Backups"): back up the database, restore the backup
# into a scratch database on the same server, and prove the copy is whole: every table has
# the same number of rows, the ledger adds up (llo check_ledger) and BSNs decrypt with the
# keys in the environment. The scratch database is dropped afterwards, whatever happened.
# Usage: DATABASE_URL=postgres://... scripts/restore-drill.sh
set -euo pipefail
pgbin="${LLO_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
: "${DATABASE_URL:?set DATABASE_URL to the database to drill}"
here="$(cd "$(dirname "$0")" && pwd)"
python="${LLO_PYTHON:-$here/../.venv/bin/python}"
work=$(mktemp -d /tmp/llo-restore.XXXXXX)
scratch="llo_restore_drill_$$"
base="${DATABASE_URL%/*}"
restored="$base/$scratch"
cleanup() {
  "$pgbin/dropdb" --if-exists "$scratch" --maintenance-db="$DATABASE_URL" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

start=$(date +%s)
"$here/backup.sh" "$work/llo.dump"
"$pgbin/createdb" "$scratch" --maintenance-db="$DATABASE_URL"
"$pgbin/pg_restore" --no-owner --no-privileges --exit-on-error --dbname="$restored" "$work/llo.dump"

count_rows() {
  "$pgbin/psql" --no-psqlrc -qAt -d "$1" -c "
    SELECT string_agg(format('%s=%s', c.relname,
             (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I',
              n.nspname, c.relname), false, true, '')))[1]::text), ' ' ORDER BY c.relname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
}
source_rows=$(count_rows "$DATABASE_URL")
copy_rows=$(count_rows "$restored")
if [ "$source_rows" != "$copy_rows" ]; then
  echo "restore drill FAILED: row counts differ" >&2
  diff <(tr ' ' '\n' <<<"$source_rows") <(tr ' ' '\n' <<<"$copy_rows") >&2 || true
  exit 1
fi
DATABASE_URL="$restored" DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-llo.settings}" \
  "$python" -c "from llo.cli import main; main(['check_ledger'])"
DATABASE_URL="$restored" DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-llo.settings}" \
  "$python" -c "
import django; django.setup()
from llo.people.models import Person
from llo.core.identifiers import validate_bsn
n = 0
for person in Person.objects.all().iterator():
    validate_bsn(person.bsn); n += 1
print(f'{n} BSNs decrypt and pass the 11-proef')
"
tables=$(wc -w <<<"$source_rows")
echo "restore drill ok: $tables tables, same rows, ledger adds up, in $(( $(date +%s) - start )) s"
