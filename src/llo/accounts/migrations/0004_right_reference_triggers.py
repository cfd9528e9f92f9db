# SPDX-License-Identifier: EUPL-1.2
"""Every budget has a pool account; the references of rights are checked by triggers (see
0003). A migration of its own: PostgreSQL cannot alter a table with pending foreign key checks
from the data written in 0003."""

from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

SQL = Path(__file__).resolve().parents[1] / "sql" / "right_references.sql"

#: SQLite runs one writer at a time and checks a row in microseconds, so plain row triggers do
#: there what the statement triggers do on PostgreSQL (deletes are guarded by Django's PROTECT;
#: a test database must stay flushable table by table).
SQLITE = [
    """CREATE TRIGGER accounts_right_references_insert BEFORE INSERT ON accounts_right
    WHEN NOT EXISTS (SELECT 1 FROM people_person WHERE id = NEW.person_id)
      OR NOT EXISTS (SELECT 1 FROM accounts_funder WHERE id = NEW.funder_id)
      OR (NEW.budget_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM accounts_budget WHERE id = NEW.budget_id))
      OR (NEW.deposit_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM accounts_ledgertransaction WHERE id = NEW.deposit_id))
      OR (NEW.employment_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM people_employment WHERE id = NEW.employment_id))
      OR (NEW.account_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM accounts_ledgeraccount WHERE id = NEW.account_id))
      OR (NEW.transferred_from_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM accounts_right WHERE id = NEW.transferred_from_id))
    BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a right refers to a missing row');
    END""",
    """CREATE TRIGGER accounts_right_references_update BEFORE UPDATE ON accounts_right
    WHEN NEW.person_id IS NOT OLD.person_id OR NEW.funder_id IS NOT OLD.funder_id
      OR NEW.budget_id IS NOT OLD.budget_id OR NEW.deposit_id IS NOT OLD.deposit_id
      OR (NEW.employment_id IS NOT NULL AND NEW.employment_id IS NOT OLD.employment_id
          AND NOT EXISTS (SELECT 1 FROM people_employment WHERE id = NEW.employment_id))
      OR (NEW.account_id IS NOT OLD.account_id AND (OLD.account_id IS NOT NULL
          OR NOT EXISTS (SELECT 1 FROM accounts_ledgeraccount WHERE id = NEW.account_id)))
    BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a right refers to a missing row');
    END""",
]
TRIGGERS = {
    "accounts_right_references_insert": "accounts_right",
    "accounts_right_references_update": "accounts_right",
    "accounts_right_refers_person": "people_person",
    "accounts_right_refers_funder": "accounts_funder",
    "accounts_right_refers_budget": "accounts_budget",
    "accounts_right_refers_deposit": "accounts_ledgertransaction",
    "accounts_right_refers_employment": "people_employment",
    "accounts_right_refers_account": "accounts_ledgeraccount",
    "accounts_right_refers_right": "accounts_right",
}


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(SQL.read_text())  # no parameters: its '%' are format() markers
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for name, table in TRIGGERS.items():
        on = f" ON {table}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}")
    if vendor == "postgresql":
        for fn in ("check_new", "check_changed", "check_deleted"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS accounts_right_{fn}()")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_lazy_right_accounts")]

    operations = [
        migrations.AlterField(
            model_name="budget",
            name="pool_account",
            field=models.OneToOneField(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pool_of",
                to="accounts.ledgeraccount",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
