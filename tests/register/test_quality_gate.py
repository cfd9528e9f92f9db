# SPDX-License-Identifier: EUPL-1.2
"""The human quality gate (issue 15 item 7): offers of new providers, price jumps, an
implausible price per hour and misleading promises wait for register staff instead of being
published automatically; staff decide with a reason, which the provider reads."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from llo.core.audit import Actor
from llo.people.models import User
from llo.register import services
from llo.register.models import Offer, OfferState, Opleider, ReviewEvent
from llo.register.search import SearchQuery, search
from tests.register.conftest import establish

from .test_services import INPUT

pytestmark = pytest.mark.django_db

ACTOR = Actor("user:1", "opleider")
RICH = dataclasses.replace(
    INPUT,
    code="RIJK-1",
    title="Gegarandeerd rijk worden met lassen",
    description=(
        "In één dag leer je lassen zoals de profs. Na deze training verdien je gegarandeerd "
        "een vermogen als zelfstandig lasser."
    ),
    study_load_value=Decimal(8),
    fee_cents=1_499_900,
)


def submit(offer: Offer) -> Offer:
    services.transition(actor=ACTOR, offer=offer, action="submit", who="opleider")
    offer.refresh_from_db()
    return offer


def codes(offer: Offer) -> set[str]:
    return {c["code"] for c in offer.checks}


def test_the_first_offer_of_a_new_provider_waits_for_a_person(
    make_provider: Callable[..., Opleider],
) -> None:
    new = make_provider("Nieuwe Opleider")
    offer = submit(services.create_offer(actor=ACTOR, opleider=new, data=INPUT))
    assert offer.state == OfferState.SUBMITTED
    assert codes(offer) == {"new-provider"}
    # Once the provider has an offer published, its clean offers are approved at once.
    establish(new)
    second = dataclasses.replace(INPUT, code="HEF-2")
    assert submit(services.create_offer(actor=ACTOR, opleider=new, data=second)).state == (
        OfferState.APPROVED
    )


def test_rich_quick_for_14999_waits_with_every_reason(
    make_provider: Callable[..., Opleider],
) -> None:
    provider = make_provider("Snel Vakman Academie")
    establish(provider)
    offer = submit(services.create_offer(actor=ACTOR, opleider=provider, data=RICH))
    assert offer.state == OfferState.SUBMITTED
    assert codes(offer) == {"price-per-hour", "promise"}
    assert search(SearchQuery(text="lassen")).offer_ids == []


def test_a_price_jump_sends_a_published_offer_back_to_review(
    make_provider: Callable[..., Opleider],
) -> None:
    provider = make_provider("Logistiek Leerhuis")
    establish(provider)
    offer = submit(services.create_offer(actor=ACTOR, opleider=provider, data=INPUT))
    services.transition(actor=ACTOR, offer=offer, action="publish", who="opleider")
    # + 20 %: stays published.
    services.update_offer(
        actor=ACTOR, offer=offer, data=dataclasses.replace(INPUT, fee_cents=42_000)
    )
    offer.refresh_from_db()
    assert offer.state == OfferState.PUBLISHED
    # Another + 20 % is + 44 % over the lowest price of the year: a person looks.
    services.update_offer(
        actor=ACTOR, offer=offer, data=dataclasses.replace(INPUT, fee_cents=50_400)
    )
    offer.refresh_from_db()
    assert offer.state == OfferState.SUBMITTED
    (jump,) = [c for c in offer.checks if c["code"] == "price-jump"]
    assert (jump["old"], jump["new"], jump["pct"]) == (35_000, 50_400, 44)
    assert search(SearchQuery(text="heftruck")).offer_ids == []


def test_an_import_of_a_new_provider_waits_too(
    make_provider: Callable[..., Opleider],
) -> None:
    import json

    from llo.register.importers import import_file

    from .test_import import ooapi_file

    roc = make_provider("ROC Nieuw", kind="public", marks=("ocw", "nrto", "crkbo"))
    report = import_file(
        actor=ACTOR, opleider=roc, data=json.dumps(ooapi_file()).encode(), publish=True
    )
    assert report.ok, report.as_dict()
    assert report.summary is not None
    assert report.summary.published == 0
    assert report.summary.flagged == 2
    assert set(Offer.objects.filter(opleider=roc).values_list("state", flat=True)) == {
        OfferState.SUBMITTED
    }


def test_staff_decide_with_a_reason_the_provider_reads(
    make_provider: Callable[..., Opleider],
    provider_user: Callable[[Opleider], User],
    staff_user: User,
) -> None:
    provider = make_provider("Snel Vakman Academie")
    offer = submit(services.create_offer(actor=ACTOR, opleider=provider, data=RICH))
    staff = Client(HTTP_ACCEPT_LANGUAGE="nl")
    staff.force_login(staff_user)
    queue = staff.get("/beoordelen").content.decode()
    assert "Gegarandeerd rijk worden met lassen" in queue
    assert "€ 14.999,00" in queue
    assert "per uur leren" in queue  # the price per hour, in Dutch
    # Approving without a reason: the message stands beside the field; nothing changes.
    response = staff.post(f"/beoordelen/{offer.pk}", {"action": "approve", "reason": " "})
    assert response.status_code == 400
    assert 'id="id_reason-error"' in response.content.decode()
    offer.refresh_from_db()
    assert offer.state == OfferState.SUBMITTED
    reason = "Een dag lassen maakt niemand rijk. Pas de tekst en de prijs aan."
    response = staff.post(f"/beoordelen/{offer.pk}", {"action": "reject", "reason": reason})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.state == OfferState.DRAFT
    assert ReviewEvent.objects.filter(offer=offer, action="reject", reason=reason).exists()
    own = Client(HTTP_ACCEPT_LANGUAGE="nl")
    own.force_login(provider_user(provider))
    page = own.get(f"/mijn-aanbod/{offer.pk}").content.decode()
    assert reason in page
    assert "het team van het register" in page
    assert "user:" not in page
    assert "system:" not in page
