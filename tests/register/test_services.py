# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the register: audit, versions, the index kept in step with the workflow."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal

import pytest

from llo.core.audit import Actor
from llo.core.models import AuditEntry
from llo.core.problems import Problem
from llo.register import services
from llo.register.importers import import_file
from llo.register.models import Offer, OfferState, Opleider, ReviewEvent
from llo.register.search import SearchQuery, search
from tests.register.conftest import establish

from .test_import import DESCRIPTION

pytestmark = pytest.mark.django_db

ACTOR = Actor("user:1", "opleider")
INPUT = services.OfferInput(
    code="HEF-1",
    offer_type="course",
    title="Heftruck certificaat",
    level="eqf_2",
    leads_to="none",
    legal_status="cursist",
    description=DESCRIPTION,
    study_load_value=Decimal(8),
    study_load_unit="hour",
    modes=["presential"],
    gemeenten=["GM0599"],
    fee_cents=35_000,
)


def found(text: str) -> list[int]:
    return search(SearchQuery(text=text)).offer_ids


@pytest.fixture
def provider(make_provider: Callable[..., Opleider]) -> Opleider:
    return make_provider("Logistiek Leerhuis")


def publish(offer: Offer) -> Offer:
    services.transition(actor=ACTOR, offer=offer, action="submit", who="opleider")
    return services.transition(actor=ACTOR, offer=offer, action="publish", who="opleider")


def test_create_writes_a_version_and_an_audit_record(provider: Opleider) -> None:
    offer = services.create_offer(actor=ACTOR, opleider=provider, data=INPUT)
    assert offer.versions.get().price_cents == 35_000
    entry = AuditEntry.objects.get(action="register.offer.created")
    assert entry.subject_id == str(offer.pk)
    assert entry.actor == "user:1"


def test_the_index_follows_the_workflow(provider: Opleider) -> None:
    establish(provider)
    offer = services.create_offer(actor=ACTOR, opleider=provider, data=INPUT)
    assert found("heftruck") == []
    publish(offer)
    assert found("heftruck") == [offer.pk]
    services.transition(actor=ACTOR, offer=offer, action="withdraw", who="opleider")
    assert found("heftruck") == []
    services.transition(actor=ACTOR, offer=offer, action="reopen", who="opleider")
    offer.refresh_from_db()
    assert offer.state == OfferState.DRAFT
    assert [e.action for e in offer.review_events.order_by("pk")] == [
        "submit", "approve", "publish", "withdraw", "reopen",
    ]  # fmt: skip


def test_a_change_that_raises_a_flag_goes_back_to_review(provider: Opleider) -> None:
    establish(provider)
    offer = publish(services.create_offer(actor=ACTOR, opleider=provider, data=INPUT))
    changed = dataclasses.replace(INPUT, title="Heftruck en yoga")
    services.update_offer(actor=ACTOR, offer=offer, data=changed)
    offer.refresh_from_db()
    assert offer.state == OfferState.SUBMITTED
    assert offer.version == 2
    assert found("heftruck") == []
    assert list(services.review_queue()) == [offer]


def test_a_change_that_blocks_is_refused_and_nothing_changes(provider: Opleider) -> None:
    establish(provider)
    offer = publish(services.create_offer(actor=ACTOR, opleider=provider, data=INPUT))
    with pytest.raises(Problem) as exc:
        services.update_offer(
            actor=ACTOR, offer=offer, data=dataclasses.replace(INPUT, description="Kort")
        )
    assert exc.value.status == 422
    offer.refresh_from_db()
    assert offer.version == 1
    assert offer.description == DESCRIPTION
    assert found("heftruck") == [offer.pk]


def test_negative_prices_and_unknown_values_are_refused(provider: Opleider) -> None:
    with pytest.raises(Problem) as exc:
        services.create_offer(
            actor=ACTOR,
            opleider=provider,
            data=dataclasses.replace(INPUT, fee_cents=-1, level="eqf_12", modes=["telepathy"]),
        )
    names = {p.name for p in exc.value.invalid_params}
    assert names == {"fee", "levelOfQualification", "modesOfDelivery"}
    assert Offer.objects.count() == 0


def test_an_import_with_flags_waits_in_the_review_queue(provider: Opleider) -> None:
    establish(provider)
    body = (
        "code,offerType,title,description,levelOfQualification,studyLoad,studyLoadUnit,leadsTo,"
        "modesOfDelivery,gemeenten,fee\n"
        f'Y1,course,Yoga op het werk,"{DESCRIPTION}",eqf_2,10,hour,none,presential,GM0599,100\n'
        f'H1,course,Heftruck basis,"{DESCRIPTION}",eqf_2,10,hour,none,presential,GM0599,100\n'
    )
    report = import_file(actor=ACTOR, opleider=provider, data=body.encode(), publish=True)
    assert report.ok, report.as_dict()
    assert report.summary is not None
    assert (report.summary.flagged, report.summary.published) == (1, 1)
    yoga = Offer.objects.get(code="Y1")
    assert yoga.state == OfferState.SUBMITTED
    assert ReviewEvent.objects.get(offer=yoga).action == "submit"
    assert ReviewEvent.objects.get(offer__code="H1").action == "submit+approve+publish"
    assert found("heftruck") == [Offer.objects.get(code="H1").pk]


def test_a_removed_offer_cannot_come_back_through_an_import(
    provider: Opleider, staff_user: object
) -> None:
    establish(provider)
    offer = publish(services.create_offer(actor=ACTOR, opleider=provider, data=INPUT))
    services.transition(
        actor=Actor("user:9", "beheer"), offer=offer, action="remove", who="beheer", reason="Nep."
    )
    body = (
        "code,offerType,title,levelOfQualification,leadsTo\n"
        "HEF-1,course,Heftruck certificaat,eqf_2,none\n"
    )
    report = import_file(actor=ACTOR, opleider=provider, data=body.encode())
    assert [i.code for i in report.issues] == ["offer-removed"]
    offer.refresh_from_db()
    assert offer.state == OfferState.REMOVED
    assert offer.removal_reason == "Nep."
