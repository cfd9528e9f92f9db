# SPDX-License-Identifier: EUPL-1.2
"""The search sample (docs/decisions/003-search-counts.md): a table with the same columns as
the search entry for a fixed random 1/32 of the offers, so counts of a search with very many
results can be estimated from it. PostgreSQL: its own tsvectors with GIN indexes. Existing
entries are copied; the bucket formula is ``llo.register.search.base.sample_bucket``.
"""
import django.db.models.deletion
from django.db import migrations, models

COLUMNS = (
    "offer_id, opleider_id, offer_type, level, leads_to, provider_kind, formal, online, "
    "price_cents, next_start, region_bits, mode_bits, static_rank, indexed_at"
)
# sample_bucket(id) = ((id * 2654435761) mod 2**32) >> 22, in 0..1023; the sample is < 32.
IN_SAMPLE = "((offer_id * 2654435761) %% 4294967296) / 4194304 < 32"  # %% : a parameter-style query
PG_COLUMNS = [
    "ALTER TABLE register_searchentry ADD COLUMN keys integer[] NOT NULL DEFAULT '{}'",
    "ALTER TABLE register_searchsample ADD COLUMN keys integer[] NOT NULL DEFAULT '{}'",
    "ALTER TABLE register_searchsample ADD COLUMN document tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE register_searchsample ADD COLUMN title_doc tsvector NOT NULL DEFAULT ''",
]
PG_INDEXES = [
    # The facet keys beside the words: filters are matched inside the GIN index.
    "DROP INDEX IF EXISTS register_se_document",
    "DROP INDEX IF EXISTS register_se_title",
    "CREATE INDEX register_se_document ON register_searchentry USING gin (document, keys)",
    "CREATE INDEX register_se_title ON register_searchentry USING gin (title_doc, keys)",
    "CREATE INDEX register_ss_document ON register_searchsample USING gin (document)",
    f"INSERT INTO register_searchsample ({COLUMNS}, keys, document, title_doc) "
    f"SELECT {COLUMNS}, keys, document, title_doc FROM register_searchentry WHERE {IN_SAMPLE}",
]
SQLITE_FORWARD = [
    f"INSERT INTO register_searchsample ({COLUMNS}) "
    f"SELECT {COLUMNS} FROM register_searchentry WHERE {IN_SAMPLE}",
]


def fill_keys(schema_editor):
    """The facet keys of the entries indexed before this migration."""
    from llo.register.search.base import facet_keys

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT offer_id, level, offer_type, provider_kind, leads_to, mode_bits, "
            "region_bits, online, price_cents, static_rank, ARRAY(SELECT s.start_date FROM "
            "register_searchstart s WHERE s.entry_id = e.offer_id) FROM register_searchentry e"
        )
        rows = cursor.fetchall()
        for start in range(0, len(rows), 10_000):
            chunk = rows[start : start + 10_000]
            keys = [
                "{" + ",".join(map(str, facet_keys(
                    level=r[1], offer_type=r[2], provider_kind=r[3], leads_to=r[4],
                    mode_bits=r[5], region_bits=r[6], online=r[7], price_cents=r[8],
                    static_rank=r[9], starts=r[10],
                ))) + "}"
                for r in chunk
            ]
            cursor.execute(
                "UPDATE register_searchentry e SET keys = v.keys::integer[] "
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, keys) WHERE e.offer_id = v.id",
                [[r[0] for r in chunk], keys],
            )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in PG_COLUMNS:
            schema_editor.execute(sql)
        fill_keys(schema_editor)
        for sql in PG_INDEXES:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('register', '0002_search_structures'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchSample',
            fields=[
                ('offer', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='register.offer')),
                ('offer_type', models.CharField(max_length=20)),
                ('level', models.CharField(max_length=12)),
                ('leads_to', models.CharField(max_length=24)),
                ('provider_kind', models.CharField(max_length=10)),
                ('formal', models.BooleanField()),
                ('online', models.BooleanField()),
                ('price_cents', models.BigIntegerField()),
                ('next_start', models.DateField(null=True)),
                ('region_bits', models.BigIntegerField(default=0)),
                ('mode_bits', models.IntegerField(default=0)),
                ('static_rank', models.SmallIntegerField(default=0)),
                ('indexed_at', models.DateTimeField()),
                ('opleider', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='register.opleider')),
            ],
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
