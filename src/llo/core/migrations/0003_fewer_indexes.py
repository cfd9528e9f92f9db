# SPDX-License-Identifier: EUPL-1.2
"""Three indexes fewer on audit entries (every change of money writes one): the pattern
indexes PostgreSQL adds for an indexed CharField (no query uses LIKE on them) and the index on
the subject id alone (the (subject type, subject id) index serves look-ups of a subject). The
index on the action stays, as an index of the table."""

from django.db import migrations, models


def forward(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'core_auditentry' AND ("
                "indexname LIKE 'core_auditentry_action_%%' "
                "OR indexname LIKE 'core_auditentry_subject_id_%%')"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                "'core_auditentry' AND (name LIKE 'core_auditentry_action_%%' "
                "OR name LIKE 'core_auditentry_subject_id_%%')"
            )
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f'DROP INDEX "{name}"')
    schema_editor.execute('CREATE INDEX "core_audit_action" ON "core_auditentry" ("action")')


def backward(apps, schema_editor):
    schema_editor.execute('DROP INDEX "core_audit_action"')
    schema_editor.execute(
        'CREATE INDEX "core_auditentry_action_6ad0fad5" ON "core_auditentry" ("action")'
    )
    schema_editor.execute(
        'CREATE INDEX "core_auditentry_subject_id_61f312f7" ON "core_auditentry" ("subject_id")'
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_idempotencyrecord")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="action",
                    field=models.CharField(max_length=100, verbose_name="action"),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="subject_id",
                    field=models.CharField(max_length=100, verbose_name="subject id"),
                ),
                migrations.AddIndex(
                    model_name="auditentry",
                    index=models.Index(fields=["action"], name="core_audit_action"),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
