# SPDX-License-Identifier: EUPL-1.2
"""Deposit lines (models.DepositLine): a deposit writes one narrow line per person, made into a
right when first read or moved. On PostgreSQL the table is partitioned by deposit and its
references are checked per statement (sql/deposit_lines.sql); SQLite checks them per row."""

from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

SQL = Path(__file__).resolve().parents[1] / "sql" / "deposit_lines.sql"

SQLITE = [
    """CREATE TRIGGER accounts_depositline_references_insert BEFORE INSERT ON accounts_depositline
    WHEN NOT EXISTS (SELECT 1 FROM people_person WHERE id = NEW.person_id)
      OR NOT EXISTS (SELECT 1 FROM accounts_ledgertransaction WHERE id = NEW.deposit_id)
    BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: a deposit line refers to a missing row');
    END""",
]


def partition(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(SQL.read_text())
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS accounts_depositline_refers_person ON people_person"
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS accounts_depositline_check_deleted()")
        schema_editor.execute("DROP FUNCTION IF EXISTS accounts_depositline_check_new() CASCADE")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_depositline_references_insert")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_return_to_budget"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DepositLine",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "person_id",
                        "deposit_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deposit_lines",
                        to="people.person",
                    ),
                ),
                (
                    "deposit",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="lines",
                        to="accounts.ledgertransaction",
                    ),
                ),
                ("cents", models.BigIntegerField(verbose_name="deposited (cents)")),
                ("valid_until", models.DateField(verbose_name="valid until")),
                (
                    "employment",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.employment",
                    ),
                ),
                (
                    "cao",
                    models.CharField(
                        blank=True,
                        max_length=100,
                        null=True,
                        verbose_name="collective agreement (CAO)",
                    ),
                ),
            ],
            options={
                "verbose_name": "deposit line",
                "verbose_name_plural": "deposit lines",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("cents__gt", 0)), name="deposit_line_cents_positive"
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="right",
            constraint=models.UniqueConstraint(
                condition=models.Q(("deposit__isnull", False)),
                fields=("person", "deposit"),
                name="right_one_per_person_and_deposit",
            ),
        ),
        migrations.RunPython(partition, unpartition),
    ]
