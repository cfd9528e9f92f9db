# SPDX-License-Identifier: EUPL-1.2
"""Two indexes fewer on ledger transactions (every reserve and pay writes one): the pattern
index PostgreSQL gets for a unique CharField (no query uses LIKE on keys) and the budget index
(the (budget, cause) index serves it). The uniqueness stays, renamed to a constraint.

Done in SQL of our own: on SQLite Django would rebuild the table, which drops the triggers
that keep the ledger immutable; there the table keeps its inline UNIQUE and its index, which
cost little with one writer at a time."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = """
DO $$
DECLARE n text;
BEGIN
    FOR n IN SELECT indexname FROM pg_indexes WHERE tablename = 'accounts_ledgertransaction'
        AND (indexname LIKE 'accounts_ledgertransaction_idempotency_key%%_like'
             OR indexname LIKE 'accounts_ledgertransaction_budget_id_%%')
    LOOP
        EXECUTE format('DROP INDEX %%I', n);
    END LOOP;
END $$;
ALTER TABLE accounts_ledgertransaction
    RENAME CONSTRAINT accounts_ledgertransaction_idempotency_key_key TO ledger_transaction_key;
"""

BACKWARD = """
ALTER TABLE accounts_ledgertransaction
    RENAME CONSTRAINT ledger_transaction_key TO accounts_ledgertransaction_idempotency_key_key;
CREATE INDEX accounts_ledgertransaction_budget_id_5ccc49cb
    ON accounts_ledgertransaction (budget_id);
CREATE INDEX accounts_ledgertransaction_idempotency_key_06a76ead_like
    ON accounts_ledgertransaction (idempotency_key varchar_pattern_ops);
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_deposit_lines")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ledgertransaction",
                    name="budget",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="transactions",
                        to="accounts.budget",
                    ),
                ),
                migrations.AlterField(
                    model_name="ledgertransaction",
                    name="idempotency_key",
                    field=models.CharField(max_length=255, verbose_name="idempotency key"),
                ),
                migrations.AddConstraint(
                    model_name="ledgertransaction",
                    constraint=models.UniqueConstraint(
                        fields=("idempotency_key",), name="ledger_transaction_key"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
