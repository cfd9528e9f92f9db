# SPDX-License-Identifier: EUPL-1.2
"""Vendor-specific full-text structures of the register search.

PostgreSQL: the pg_trgm and unaccent extensions (both "trusted" since PostgreSQL 13, so the
database owner may create them), a text search configuration ``llo_dutch`` (the ``dutch``
configuration with ``unaccent`` in front of the Snowball stemmer), a ``document`` tsvector (all
words) and a ``title_doc`` tsvector on the search entry, each with a GIN index, and a trigram
GIN index on the vocabulary.

SQLite: an FTS5 table with the stemmed title and body (stemmed in Python by
``llo.register.search.text``, because SQLite has no Dutch stemmer) and a trigram table of the
vocabulary for typo tolerance.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS llo_dutch",
    "CREATE TEXT SEARCH CONFIGURATION llo_dutch (COPY = pg_catalog.dutch)",
    "ALTER TEXT SEARCH CONFIGURATION llo_dutch ALTER MAPPING FOR "
    "asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, dutch_stem",
    "ALTER TABLE register_searchentry ADD COLUMN document tsvector NOT NULL DEFAULT ''",
    "ALTER TABLE register_searchentry ADD COLUMN title_doc tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX register_se_document ON register_searchentry USING gin (document)",
    "CREATE INDEX register_se_title ON register_searchentry USING gin (title_doc)",
    "CREATE INDEX register_sterm_trgm ON register_searchterm USING gin (word gin_trgm_ops)",
    # "stem LIKE 'zorg%'" with any database collation.
    "CREATE INDEX register_sterm_stem_prefix ON register_searchterm (stem varchar_pattern_ops)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS register_sterm_stem_prefix",
    "DROP INDEX IF EXISTS register_sterm_trgm",
    "DROP INDEX IF EXISTS register_se_title",
    "DROP INDEX IF EXISTS register_se_document",
    "ALTER TABLE register_searchentry DROP COLUMN IF EXISTS title_doc",
    "ALTER TABLE register_searchentry DROP COLUMN IF EXISTS document",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS llo_dutch",
]
SQLITE_FORWARD = [
    # rowid = offer id. Columns hold stems separated by spaces; prefix indexes make "zorg*"
    # (Dutch compounds: zorgmedewerker) fast.
    "CREATE VIRTUAL TABLE register_search_fts USING fts5("
    "title, body, tokenize = 'unicode61', prefix = '3 4 5', detail = 'column')",
    "CREATE TABLE register_searchtrigram ("
    "trigram TEXT NOT NULL, term_id INTEGER NOT NULL "
    "REFERENCES register_searchterm (id) ON DELETE CASCADE)",
    "CREATE INDEX register_strigram_lookup ON register_searchtrigram (trigram, term_id)",
    "CREATE INDEX register_strigram_term ON register_searchtrigram (term_id)",
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS register_searchtrigram",
    "DROP TABLE IF EXISTS register_search_fts",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
