# SPDX-License-Identifier: EUPL-1.2
"""The data of Fatima's and Ilse's journeys for the browser tests: Fatima's budgets as
JOURNEYS.md gives them (her employer's development budget of € 500 a year, two years saved;
O&O-fonds Retail's € 150; Gemeente Rotterdam's basic-skills voucher, earmarked for NT1 so it
pays first, decision 015), each deposited by a funder that reaches her (decision 010), and ROC
Maasstad's basic-skills and care courses in Rotterdam.

The employer's and the fund's budgets here pay for vocational training only; the demo's have
no such condition, and there the voucher pays the NT1 course first because it is earmarked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from llo.accounts import services as accounts
from llo.accounts.models import Budget, RightKind
from llo.core import audit
from llo.core.money import Money
from llo.core.timeutil import today
from llo.demo import accounts as demo_accounts
from llo.demo import personas
from llo.people.models import Organisation, Person
from llo.regions.models import Gemeente
from llo.register.models import Offer, Offering, OfferState, Opleider, QualityMark
from llo.register.search.indexer import reindex
from llo.skills.resolve import Resolver

ACTOR = audit.Actor.system("tests")
VOCATIONAL = ["programme", "course", "module", "evc", "microcredential"]


@dataclass
class FatimaWorld:
    fatima: Person
    rwc: Organisation
    language: Offering  # basic skills, € 350, the gemeente pays
    care: Offering  # € 1.100: O&O-fonds Retail € 150 and RetailFlex € 950
    living: Offering  # € 600


def _org(key: str) -> Organisation:
    return Organisation.objects.get(kvk=next(o.kvk for o in personas.ORGANISATIONS if o.key == key))


def _budget(
    org: Organisation, name: str, total: int, conditions: dict[str, Any], **kw: Any
) -> Budget:
    on = today()
    return accounts.create_budget(
        actor=ACTOR,
        funder=accounts.ensure_funder(org, actor=ACTOR),
        name=name,
        total=Money(total),
        period_start=on - dt.timedelta(days=60),
        period_end=on + dt.timedelta(days=300),
        conditions=conditions,
        **kw,
    )


def _offer(
    maasstad: Opleider, code: str, title: str, kind: str, cents: int, skills: list[str]
) -> Offering:
    resolve = Resolver("skill")
    offer = Offer.objects.create(
        opleider=maasstad, code=code, title=title, offer_type=kind,
        level="eqf_1" if kind == "basic_skills" else "eqf_2",
        leads_to="none" if kind == "basic_skills" else "mbo_certificate",
        legal_status="cursist", modes=["presential"], fee_cents=cents, price_cents=cents,
        skills=[resolve.resolve(s) for s in skills],
        occupations=[] if kind == "basic_skills" else [Resolver("occupation").resolve("zorghulp")],
        state=OfferState.PUBLISHED,
        description=f"{title}. Voor volwassenen die verder willen in hun werk.",
    )  # fmt: skip
    offer.gemeenten.add(Gemeente.objects.get(code="GM0599"))
    return Offering.objects.create(offer=offer, start_date=today() + dt.timedelta(days=30))


def build() -> FatimaWorld:
    """Call after the ``app`` fixture made the personas."""
    demo_accounts._persona_employments()  # Fatima works at RetailFlex (CAO Retail)
    demo_accounts._reach_relations()  # RetailFlex is a member firm of O&O-fonds Retail
    fatima = Person.objects.by_bsn(next(p.bsn for p in personas.PERSONS if p.key == "fatima"))
    assert fatima is not None
    on = today()
    shop = _budget(_org("retailflex"), "Ontwikkelbudget", 1_000_000, {"offer_types": VOCATIONAL})
    accounts.deposit(actor=ACTOR, budget=shop, person=fatima, amount=Money(100_000), on=on)
    fund = _budget(
        _org("ooretail"), "Scholingsbudget retail", 1_000_000,
        {"offer_types": VOCATIONAL, "sectors": ["retail"]},
    )  # fmt: skip
    accounts.deposit(
        actor=ACTOR, budget=fund, person=fatima, amount=Money(15_000), on=on,
        valid_until=on + dt.timedelta(days=200),
    )  # fmt: skip
    nt1 = _budget(
        _org("rotterdam"), "Basisvaardigheden Rotterdam", 1_000_000,
        {"offer_types": ["basic_skills"], "regions": ["AM22"]},
        right_kind=RightKind.VOUCHER,
    )  # fmt: skip
    accounts.deposit(actor=ACTOR, budget=nt1, person=fatima, amount=Money(120_000), on=on)
    maasstad_org = _org("maasstad")
    maasstad, _ = Opleider.objects.get_or_create(
        organisation=maasstad_org,
        defaults={
            "kind": "public",
            "funded": True,
            "status": "admitted",
            "institution_code": "25PJ",
        },
    )
    QualityMark.objects.get_or_create(
        opleider=maasstad, kind="nrto", defaults={"valid_from": dt.date(2020, 1, 1)}
    )
    world = FatimaWorld(
        fatima=fatima,
        rwc=_org("rwc_rijnmond"),
        language=_offer(maasstad, "T-NT1", "Beter lezen en schrijven (NT1)", "basic_skills",
                        35_000, ["lezen", "schrijven"]),
        care=_offer(maasstad, "T-ZORG", "Starten in de zorg", "course", 110_000,
                    ["verzorgen", "hygiënisch werken", "communiceren met cliënten"]),
        living=_offer(maasstad, "T-WON", "Helpen bij wonen", "course", 60_000,
                      ["ondersteunen bij wonen"]),
    )  # fmt: skip
    reindex([o.offer_id for o in (world.language, world.care, world.living)])
    return world
