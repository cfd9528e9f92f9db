# SPDX-License-Identifier: EUPL-1.2
"""Dutch text analysis: normalising, the Snowball stemmer, fuzzy matching."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from llo.register.search import text

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

KNOWN = {
    # Snowball's published Dutch examples and words of the register.
    "lichamelijk": "licham",
    "lichamelijke": "licham",
    "mogelijkheden": "mogelijk",
    "opleidingen": "opleid",
    "opleiding": "opleid",
    "verpleegkundige": "verpleegkund",
    "verpleegkunde": "verpleegkund",
    "lassen": "lass",
    "boekhouding": "boekhoud",
    "maan": "man",
    "koeien": "koei",
}


@pytest.mark.parametrize(("word", "expected"), KNOWN.items())
def test_stems(word: str, expected: str) -> None:
    assert text.stem(word) == expected


def test_normalise_removes_accents_and_punctuation() -> None:
    assert text.normalise("Verzorgende-IG (mbo-3), 'café' Ĳssel ß") == (
        "verzorgende ig mbo 3 cafe ijssel ss"
    )
    assert text.lexemes("de cliënten en hun zorg") == ["client", "zorg"]


def test_similarity_is_pg_trgm_similarity() -> None:
    # pg_trgm: similarity('word', 'two words') = 0.363636
    assert round(text.similarity("boekhouding", "boekhoudng"), 4) == round(9 / 14, 4)
    assert text.similarity("abc", "xyz") == 0.0


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert text.edit_distance("boekhouding", "boekhoudng") == 1
    assert text.edit_distance("lassen", "lasesn") == 1
    assert text.edit_distance("zorg", "zorgmedewerker", 3) == 3


def test_best_correction_prefers_near_then_frequent_then_alphabetical() -> None:
    candidates = [("boekhouding", 5), ("boekhouder", 50), ("boekbinden", 9)]
    assert text.best_correction("boekhoudng", candidates) == "boekhouding"
    assert text.best_correction("lasen", [("lassen", 1), ("lasser", 1)]) == "lassen"
    assert text.best_correction("xyz", candidates) is None


@pytest.mark.django_db
@pytest.mark.postgres_only
def test_the_python_stemmer_equals_postgresql_dutch_stem() -> None:
    """SQLite has no Dutch stemmer; the Python port must stem every word like PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    words = set(KNOWN)
    if SEEDS.exists():
        for path in SEEDS.glob("*.txt"):
            words.update(text.words(path.read_text(encoding="utf-8", errors="ignore")))
    words = {w for w in words if not any(ch.isdigit() for ch in w)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, ts_lexize('dutch_stem', w) FROM unnest(%s::text[]) AS w", [sorted(words)]
        )
        rows = cursor.fetchall()
    different = {w: (pg, text.stem(w)) for w, pg in rows if pg and pg[0] != text.stem(w)}
    assert different == {}
    assert len(rows) > 1000 or not SEEDS.exists()


@pytest.mark.django_db
@pytest.mark.postgres_only
def test_postgresql_indexes_with_the_llo_dutch_configuration() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('llo_dutch', %s)::text", ["Cliënten lassen"])
        assert cursor.fetchone()[0] == "'client':1 'lass':2"
        cursor.execute("SELECT extname FROM pg_extension ORDER BY 1")
        assert {"pg_trgm", "unaccent"} <= {r[0] for r in cursor.fetchall()}
