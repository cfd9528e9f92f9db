# SPDX-License-Identifier: EUPL-1.2
"""The offers' occupations and skills as a table (docs/decisions/019-offer-terms-table.md).

``register_offerterm`` holds one row per offer, dimension (occupation, skill) and code, for
every offer: the regions' gap groups offers by region and occupation through it instead of
unnesting the JSON lists of 500,000 offers. The migration fills it from the lists stored on
the offers (the SQL is written out here, as it was when the table came, so later changes to
``llo.register.store.terms`` do not change this migration).

On PostgreSQL the GIN indexes on the two lists (migration 0005) go: the portfolio finds the
offers of one occupation or skill through the table's index now, and every import paid for
keeping them.
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = {
    "postgresql": """
        INSERT INTO register_offerterm (offer_id, dimension, code)
        SELECT o.id, c.dimension, c.code
        FROM register_offer o
        CROSS JOIN LATERAL (
            SELECT 'occupation', x FROM jsonb_array_elements_text(o.occupations) AS x
            UNION
            SELECT 'skill', x FROM jsonb_array_elements_text(o.skills) AS x
        ) AS c(dimension, code)
        WHERE c.code IS NOT NULL
    """,
    "sqlite": """
        INSERT INTO register_offerterm (offer_id, dimension, code)
        SELECT o.id, 'occupation', CAST(j.value AS TEXT)
        FROM register_offer o, json_each(o.occupations) AS j
        WHERE j.value IS NOT NULL
        UNION
        SELECT o.id, 'skill', CAST(j.value AS TEXT)
        FROM register_offer o, json_each(o.skills) AS j
        WHERE j.value IS NOT NULL
    """,
}

GIN = """
CREATE INDEX IF NOT EXISTS register_offer_occupations_gin
    ON register_offer USING gin (occupations jsonb_path_ops);
CREATE INDEX IF NOT EXISTS register_offer_skills_gin
    ON register_offer USING gin (skills jsonb_path_ops);
"""
DROP_GIN = """
DROP INDEX IF EXISTS register_offer_occupations_gin;
DROP INDEX IF EXISTS register_offer_skills_gin;
"""


def fill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(FILL[vendor])
    if vendor == "postgresql":
        # The portfolio's filter and the gap plan on the table's statistics at once.
        schema_editor.execute("ANALYZE register_offerterm")


def drop_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_GIN)


def gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN)


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0006_offer_eu_elements"),
    ]

    operations = [
        migrations.CreateModel(
            name="OfferTerm",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "offer_id",
                        "dimension",
                        "code",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "dimension",
                    models.CharField(
                        choices=[("occupation", "Occupation"), ("skill", "Skill")], max_length=10
                    ),
                ),
                ("code", models.CharField(max_length=64)),
                (
                    "offer",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="terms",
                        to="register.offer",
                    ),
                ),
            ],
            options={
                "verbose_name": "occupation or skill of an offer",
                "verbose_name_plural": "occupations and skills of offers",
                "indexes": [
                    models.Index(fields=["dimension", "code", "offer"], name="register_term_code")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("dimension__in", ["occupation", "skill"])),
                        name="register_term_dimension",
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(drop_gin, gin),
    ]
