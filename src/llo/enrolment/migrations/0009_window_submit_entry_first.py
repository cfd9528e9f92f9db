# SPDX-License-Identifier: EUPL-1.2
"""PostgreSQL: the window intake's function writes the entry first and looks the
Idempotency-Key up only when it cannot (issue 18, decision 013; sql/window_intake.sql). The
same signature and answers: CREATE OR REPLACE of the file 0004 read."""

from pathlib import Path

from django.db import migrations

SQL = Path(__file__).resolve().parents[1] / "sql" / "window_intake.sql"


def replace(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(SQL.read_text())


class Migration(migrations.Migration):
    dependencies = [("enrolment", "0008_entry_keeps_its_outcome")]

    operations = [migrations.RunPython(replace, migrations.RunPython.noop)]
