# SPDX-License-Identifier: EUPL-1.2
"""Small register fixtures: a few providers and offers, made directly and indexed."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from llo.core.roles import Role
from llo.people.models import Organisation, OrganisationKind, User
from llo.register.models import (
    Offer,
    Offering,
    OfferState,
    Opleider,
    ProviderKind,
    QualityMark,
)
from llo.register.search import indexer
from llo.register.store import offer_terms

_kvk = itertools.count(80000100)

ANCHOR = dt.date(2026, 6, 1)


@pytest.fixture
def make_provider(db: None) -> Callable[..., Opleider]:
    def make(
        name: str = "Opleider",
        *,
        kind: str = ProviderKind.PRIVATE,
        marks: tuple[str, ...] = ("nrto", "crkbo"),
        kvk: str | None = None,
        gemeente: str = "GM0599",
        established: bool = False,
    ) -> Opleider:
        org = Organisation.objects.create(
            kvk=kvk or str(next(_kvk)),
            name=name,
            kind=OrganisationKind.PROVIDER,
            gemeente_id=gemeente,
        )
        opleider = Opleider.objects.create(
            organisation=org,
            kind=kind,
            funded=kind == ProviderKind.PUBLIC,
            institution_code="25PZ" if kind == ProviderKind.PUBLIC else "",
        )
        for mark in marks:
            QualityMark.objects.create(opleider=opleider, kind=mark, valid_from=dt.date(2020, 1, 1))
        if established:
            establish(opleider)
        return opleider

    return make


def establish(opleider: Opleider) -> Offer:
    """Give a provider an offer published before, so its clean offers need no person
    (checks.new_provider). Not indexed, so searches do not find it."""
    return Offer.objects.create(
        opleider=opleider,
        code="ESTABLISHED",
        title="Eerder toegelaten aanbod",
        description="Een aanbod dat het register eerder heeft toegelaten.",
        state=OfferState.PUBLISHED,
        offer_type="course",
        level="eqf_2",
        leads_to="none",
        legal_status="cursist",
        level_basis="indicative",
        modes=["presential"],
        online=True,
    )


_code = itertools.count(1)


@pytest.fixture
def make_offer(db: None) -> Callable[..., Offer]:
    def make(
        opleider: Opleider,
        title: str,
        *,
        description: str = "",
        state: str = OfferState.PUBLISHED,
        gemeenten: tuple[str, ...] = ("GM0599",),
        starts: tuple[dt.date, ...] = (),
        index: bool = True,
        **fields: Any,
    ) -> Offer:
        values: dict[str, Any] = {
            "code": f"C{next(_code)}",
            "offer_type": "course",
            "level": "eqf_2",
            "leads_to": "none",
            "legal_status": "cursist",
            "level_basis": "indicative",
            "study_load_value": Decimal(40),
            "study_load_unit": "hour",
            "modes": ["presential"],
            "fee_cents": 50_000,
        }
        values.update(fields)
        values["price_cents"] = (
            values.get("fee_cents", 0)
            + values.get("exam_cents", 0)
            + values.get("materials_cents", 0)
        )
        offer = Offer.objects.create(
            opleider=opleider,
            title=title,
            description=description
            or f"{title}. Een opleiding voor werkenden en werkzoekenden die verder willen.",
            state=state,
            **values,
        )
        offer.gemeenten.set(gemeenten)
        offer_terms.replace([offer.pk])
        for start in starts:
            Offering.objects.create(offer=offer, start_date=start)
        if index:
            indexer.reindex([offer.pk])
        return offer

    return make


@pytest.fixture
def provider_user(db: None) -> Callable[[Opleider], User]:
    def make(opleider: Opleider) -> User:
        return User.objects.create_user(
            username=f"opleider:{opleider.kvk}",
            role=Role.OPLEIDER,
            organisation=opleider.organisation,
            display_name=opleider.name,
        )

    return make


@pytest.fixture
def staff_user(db: None) -> User:
    org = Organisation.objects.create(
        kvk="90000012", name="Register Leven Lang Ontwikkelen", kind=OrganisationKind.MINISTRY
    )
    return User.objects.create_user(
        username="beheer:90000012", role=Role.BEHEER, organisation=org, display_name="Register"
    )
