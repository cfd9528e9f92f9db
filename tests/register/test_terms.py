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


def test_an_import_stores_codes_and_names_every_unknown_or_ambiguous_occupation(
    make_provider: Callable[..., Any],
) -> None:
    from llo.core.audit import Actor
    from llo.register.importers import import_file
    from tests.register.test_import import CSV_HEADER, DESCRIPTION, ooapi_file, run

    roc = make_provider("ROC Twente", kind="public", marks=("ocw", "nrto", "crkbo"))
    report = run(roc, ooapi_file(), publish=True)
    assert report.ok, report.as_dict()
    welding = Offer.objects.get(title="Lassen MIG/MAG")
    assert (welding.occupations, welding.skills) == (["7212.3"], ["lassen"])
    header = CSV_HEADER.replace(";skills\n", ";skills;occupations\n")
    body = (
        header
        + f'T1;course;Zorg;"{DESCRIPTION}";eqf_2;40;hour;none;presential;GM0599;100;0;0;ja;;;'
        "verzorgen;verzorgende\n"
        + f'T2;course;Lassen;"{DESCRIPTION}";eqf_2;40;hour;none;presential;GM0599;100;0;0;ja;;;'
        "lassen;tovenaar\n"
    )
    bad = import_file(actor=Actor.system("test"), opleider=roc, data=body.encode())
    assert not bad.ok
    found = {(i.line, i.field, i.code) for i in bad.issues}
    assert (2, "occupations", "ambiguous") in found
    assert (3, "occupations", "unknown") in found
    assert not Offer.objects.filter(code__in=["T1", "T2"]).exists()  # nothing half-imported


def test_the_search_finds_an_offer_by_any_name_of_its_occupation(
    make_provider: Callable[..., Any], make_offer: Callable[..., Any]
) -> None:
    from llo.register.search import SearchQuery, search

    school = make_provider("Lasschool")
    welding = make_offer(school, "MIG/MAG basis", occupations=["7212.3"], skills=["mig-mag-lassen"])
    other = make_offer(school, "Koken voor beginners", occupations=["5120.1"], skills=["koken"])
    hits = set(search(SearchQuery(text="gaslasser")).offer_ids)
    assert welding.pk in hits
    assert other.pk not in hits
    by_filter = search(SearchQuery(occupations=terms.filter_codes(["lasser"], "occupation")))
    assert list(by_filter.offer_ids) == [welding.pk]


def test_a_provider_names_occupations_in_words_and_pages_show_words(
    client: Any, make_provider: Callable[..., Any], provider_user: Callable[..., Any]
) -> None:
    from tests.register.test_views import DESCRIPTION

    school = make_provider("Academie Vakwerk", kvk="90000009")
    client.force_login(provider_user(school))
    form: dict[str, Any] = {
        "code": "LAS-1",
        "title": "Lassen MIG/MAG",
        "description": DESCRIPTION,
        "offer_type": "course",
        "level": "eqf_3",
        "level_basis": "indicative",
        "study_load_value": "40",
        "study_load_unit": "hour",
        "leads_to": "none",
        "legal_status": "cursist",
        "language": "nl",
        "modes": ["presential"],
        "gemeenten": "Enschede",
        "fee": "1.450",
        "vat_exempt": "on",
        "occupations": "lasser\nverzorgende",
        "skills": "MIG/MAG-lassen",
    }
    response = client.post("/mijn-aanbod/nieuw", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_occupations-error"' in page
    assert "woonbegeleider; zorghulp; verpleeghulp" in page
    form["occupations"] = "lasser\nbanketbakker (7512.3)"
    assert client.post("/mijn-aanbod/nieuw", form).status_code == 302
    offer = Offer.objects.get(code="LAS-1")
    assert (offer.occupations, offer.skills) == (["7212.3", "7512.3"], ["mig-mag-lassen"])
    edit = client.get(f"/mijn-aanbod/{offer.pk}/wijzigen").content.decode()
    assert "lasser\nbanketbakker (7512.3)</textarea>" in edit
    client.logout()
    offer.state = "published"
    offer.save()
    public = client.get(f"/opleidingen/{offer.pk}").content.decode()
    assert "lasser, banketbakker" in public
    assert "7212.3" not in public


def test_the_search_page_takes_any_name_and_says_when_it_fits_several(
    client: Any, make_provider: Callable[..., Any], make_offer: Callable[..., Any]
) -> None:
    school = make_provider("Lasschool")
    make_offer(school, "MIG/MAG basis", occupations=["7212.3"])
    make_offer(school, "Koken voor beginners", occupations=["5120.1"])
    page = client.get("/opleidingen", {"occupation": "gaslasser"}).content.decode()
    assert "MIG/MAG basis" in page
    assert "Koken voor beginners" not in page
    page = client.get("/opleidingen", {"occupation": "verzorgende"}).content.decode()
    assert 'id="id_occupation-error"' in page
    assert "woonbegeleider; zorghulp; verpleeghulp" in page
