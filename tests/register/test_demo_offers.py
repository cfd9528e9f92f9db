# SPDX-License-Identifier: EUPL-1.2
"""The register's demo data: deterministic, idempotent, spread over the regions, with the
personas' offers findable."""

from __future__ import annotations

import pytest

from llo.demo.offers import ACADEMIE_VAKWERK_KVK, ROC_MAASSTAD_KVK, load_offers
from llo.people.models import Organisation, OrganisationKind
from llo.register.models import Offer, OfferTerm, Opleider, SearchEntry
from llo.register.search import SearchQuery, search
from llo.register.store import offer_terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def persona_providers(db: None) -> None:
    Organisation.objects.create(
        kvk=ROC_MAASSTAD_KVK,
        name="ROC Maasstad",
        kind=OrganisationKind.PROVIDER,
        gemeente_id="GM0599",
    )
    Organisation.objects.create(
        kvk=ACADEMIE_VAKWERK_KVK,
        name="Academie Vakwerk",
        kind=OrganisationKind.PROVIDER,
        gemeente_id="GM0153",
    )


def test_load_offers_is_deterministic_and_idempotent(persona_providers: None) -> None:
    first = load_offers(seed=7, providers=40, offers=400)
    assert first["providers"] == 42
    assert first["offers"] == 412
    assert first["offers_created"] == 412
    titles = list(Offer.objects.order_by("code").values_list("code", "title", "price_cents"))
    again = load_offers(seed=7, providers=40, offers=400)
    assert again["offers_created"] == 0
    assert again["offers"] == 412
    assert (
        list(Offer.objects.order_by("code").values_list("code", "title", "price_cents")) == titles
    )
    assert SearchEntry.objects.count() == 412
    # Their occupations and skills as rows too, equal to their lists (docs/decisions/019).
    assert OfferTerm.objects.count() > 412
    assert offer_terms.drift().none
    kvks = set(Opleider.objects.values_list("organisation__kvk", flat=True))
    generated = kvks - {ROC_MAASSTAD_KVK, ACADEMIE_VAKWERK_KVK}
    assert all(k.startswith("8") and len(k) == 8 for k in generated)
    # Providers in every one of the 35 regions.
    regions = set(
        Opleider.objects.exclude(
            organisation__kvk__in=[ROC_MAASSTAD_KVK, ACADEMIE_VAKWERK_KVK]
        ).values_list("organisation__gemeente__region", flat=True)
    )
    assert len(regions) == 35


def test_the_personas_find_their_offers(persona_providers: None) -> None:
    load_offers(seed=7, providers=10, offers=50)
    welding = search(SearchQuery(text="lassen microcredential"))
    assert "AV-LAS-MC" in [o.code for o in welding.offers]
    care = search(SearchQuery(text="verzorgende", regions=("AM22",)))
    assert "MS-VIG" in [o.code for o in care.offers]
    module = Offer.objects.get(code="MS-VIG-MED")
    assert module.part_of is not None
    assert module.part_of.code == "MS-VIG"
    basic = search(SearchQuery(offer_types=("basic_skills",), regions=("AM22",), max_price_cents=0))
    assert "MS-NT1-DIGI" in [o.code for o in basic.offers]  # free; MS-NT1-TAAL the gemeente pays
    evc = search(SearchQuery(text="EVC onderhoudsmonteur"))
    assert evc.offers[0].code == "AV-EVC-OM"
