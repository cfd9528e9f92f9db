# SPDX-License-Identifier: EUPL-1.2
"""PostgreSQL: reserve and pay in one round trip each (``sql/ledger_fast_path.sql``)."""

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parents[1] / "sql" / "ledger_fast_path.sql"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(SQL.read_text())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION IF EXISTS llo_ledger_reserve")
            cursor.execute("DROP FUNCTION IF EXISTS llo_ledger_pay")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_right_reference_triggers")]

    operations = [migrations.RunPython(create, drop)]
