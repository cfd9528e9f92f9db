# SPDX-License-Identifier: EUPL-1.2
"""Fixtures of the regions tests: partners of Twente, providers and offers in the register
(real rows: the gap reads the register through its own SQL), and a hand-checked example."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from llo.core.roles import Role
from llo.people.models import Organisation, OrganisationKind, User
from llo.register.models import Offer, Offering, OfferState, Opleider, ProviderKind
from llo.register.store import offer_terms

_kvk = itertools.count(82000100)
_code = itertools.count(1)

ENSCHEDE = "GM0153"  # Twente (AM05)
HENGELO = "GM0164"  # Twente
ROTTERDAM = "GM0599"  # Rijnmond (AM22)
TWENTE = "AM05"
RIJNMOND = "AM22"
LASSER = "7212.3"
MONTEUR = "7233.7"  # monteur industriële machines: Jan's trade, maintenance technician


@pytest.fixture
def make_org(db: None) -> Callable[..., Organisation]:
    def make(
        name: str, kind: str = OrganisationKind.WORK_CENTRE, gemeente: str = ENSCHEDE
    ) -> Organisation:
        return Organisation.objects.create(
            kvk=str(next(_kvk)), name=name, kind=kind, gemeente_id=gemeente
        )

    return make


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(org: Organisation, role: str = Role.ADVISEUR) -> User:
        return User.objects.create_user(
            username=f"{role}:{org.kvk}", role=role, organisation=org, display_name=org.name
        )

    return make


@pytest.fixture
def make_provider(make_org: Callable[..., Organisation]) -> Callable[..., Opleider]:
    def make(name: str, kind: str = ProviderKind.PRIVATE, gemeente: str = ENSCHEDE) -> Opleider:
        org = make_org(name, OrganisationKind.PROVIDER, gemeente)
        return Opleider.objects.create(
            organisation=org,
            kind=kind,
            funded=kind == ProviderKind.PUBLIC,
            institution_code="25PZ" if kind == ProviderKind.PUBLIC else "",
        )

    return make


@pytest.fixture
def make_offer(db: None) -> Callable[..., Offer]:
    def make(
        opleider: Opleider,
        title: str,
        *,
        occupations: tuple[str, ...] = (),
        skills: tuple[str, ...] = (),
        gemeenten: tuple[str, ...] = (ENSCHEDE,),
        online: bool = False,
        runs: tuple[tuple[dt.date, int | None], ...] = (),
        state: str = OfferState.PUBLISHED,
        **fields: Any,
    ) -> Offer:
        values: dict[str, Any] = {
            "code": f"R{next(_code)}",
            "offer_type": "course",
            "level": "eqf_3",
            "leads_to": "none",
            "legal_status": "cursist",
            "study_load_value": Decimal(40),
            "study_load_unit": "hour",
            "modes": ["online" if online else "presential"],
            "fee_cents": 100_000,
            "price_cents": 100_000,
        }
        values.update(fields)
        offer = Offer.objects.create(
            opleider=opleider,
            title=title,
            state=state,
            occupations=list(occupations),
            skills=list(skills),
            online=online,
            **values,
        )
        offer.gemeenten.set(gemeenten)
        offer_terms.replace([offer.pk])  # as the register's use cases do
        for start, capacity in runs:
            Offering.objects.create(offer=offer, start_date=start, capacity=capacity)
        return offer

    return make
