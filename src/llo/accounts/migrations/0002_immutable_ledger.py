# SPDX-License-Identifier: EUPL-1.2
"""The database itself refuses to change a posting or a ledger transaction.

Written by hand: Django has no triggers. Only UPDATE is refused; DELETE stays possible so a
test database can be flushed (and PROTECT foreign keys already stop deleting from the app).
"""

from django.db import migrations

TABLES = ("accounts_posting", "accounts_ledgertransaction")


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {table}_immutable() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{table} rows are immutable';
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_immutable();"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are immutable'); END;"
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update" + (f" ON {table}" if vendor == "postgresql" else ""))
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_immutable()")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
