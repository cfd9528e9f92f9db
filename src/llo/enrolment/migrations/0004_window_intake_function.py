# SPDX-License-Identifier: EUPL-1.2
"""PostgreSQL: the window intake in one round trip (issue 18; sql/window_intake.sql)."""

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parents[1] / "sql" / "window_intake.sql"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(SQL.read_text())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "DROP FUNCTION IF EXISTS llo_window_submit(bigint, bigint, bigint, bigint, text, "
                "text, text[], text[], text, text, text, timestamptz)"
            )


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0003_window_rules"), ("core", "0006_audit_organisation")]

    operations = [migrations.RunPython(create, drop)]
