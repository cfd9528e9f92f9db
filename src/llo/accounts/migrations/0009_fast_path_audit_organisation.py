# SPDX-License-Identifier: EUPL-1.2
"""PostgreSQL: the ledger functions write the audit entry's organisation (added by issue 14);
without it every call broke a NOT NULL constraint and fell back to the Python path."""

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parents[1] / "sql" / "ledger_fast_path.sql"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(SQL.read_text())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_fewer_indexes")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
