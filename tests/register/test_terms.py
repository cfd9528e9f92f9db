# SPDX-License-Identifier: EUPL-1.2
"""Offers point at codes of the skills language: the data migration maps free text to codes
and keeps what it could not map in the audit log; input resolves a code or any Dutch label."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps

from llo.core.models import AuditEntry
from llo.register import terms
from llo.register.models import Offer

pytestmark = pytest.mark.django_db

migration = importlib.import_module("llo.register.migrations.0005_offer_terms")


def test_the_migration_maps_free_text_to_codes_and_keeps_what_it_could_not(
    make_provider: Callable[..., Any], make_offer: Callable[..., Any]
) -> None:
    school = make_provider("Lasschool")
    welding = make_offer(
        school,
        "Lassen MIG/MAG",
        occupations=["Lasser", "Constructiebankwerker", "Zorgmedewerker", "Tovenaar"],
        skills=["Lassen", "Veilig werken", "Toveren"],
        index=False,
    )
    done = make_offer(school, "Al goed", occupations=["7212.3"], skills=["lassen"], index=False)
    migration.forwards(apps, None)
    welding.refresh_from_db()
    assert welding.occupations == ["7212.3", "7214.3", "5321.1"]
    assert welding.skills == ["lassen", "veilig-werken"]
    entry = AuditEntry.objects.get(action="register.offer.terms_mapped", subject_id=str(welding.pk))
    assert entry.before == {
        "occupations": ["Lasser", "Constructiebankwerker", "Zorgmedewerker", "Tovenaar"],
        "skills": ["Lassen", "Veilig werken", "Toveren"],
    }
    assert entry.after["unmapped"] == ["Tovenaar", "Toveren"]
    # An offer that already points at codes is left alone, without an audit entry.
    assert Offer.objects.get(pk=done.pk).occupations == ["7212.3"]
    assert not AuditEntry.objects.filter(subject_id=str(done.pk)).exists()


def test_input_resolves_codes_and_labels_and_names_every_problem() -> None:
    occupations, skills, problems = terms.resolve(
        ["lasser", "7212.3", "gaslasser", "verzorgende", "7212"], ["TIG-lassen", "toveren"]
    )
    assert occupations == ["7212.3"]
    assert skills == ["tig-lassen"]
    assert [(p.name, p.code) for p in problems] == [
        ("occupations", "ambiguous"),
        ("occupations", "group"),
        ("skills", "unknown"),
    ]


def test_search_text_holds_every_label_of_the_occupation() -> None:
    text = terms.search_text(["7212.3"], ["lassen"])
    assert "gaslasser" in text
    assert "laswerk" in text
