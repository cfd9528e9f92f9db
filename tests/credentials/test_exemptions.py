# SPDX-License-Identifier: EUPL-1.2
"""Exemptions: the matching rule (pure), the price after exemptions (Hypothesis: never more
than the fee, never negative, shares in proportion), and the use cases on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llo.core.models import AuditEntry
from llo.core.problems import Problem
from llo.credentials import matching, services
from llo.credentials.models import ExemptionState
from llo.demo.credentials import UNITS, ensure_programme
from llo.register.models import Offer
from tests.credentials.conftest import ACTOR, completed, person
from tests.enrolment.conftest import World, make_provider

UNIT = matching.UnitFacts(
    1,
    "Storingsanalyse",
    ("Storingsanalyse",),
    (
        "Je zoekt storingen systematisch op in mechanische en elektrische systemen.",
        "Je analyseert de oorzaak van een storing en verhelpt die.",
    ),
    "eqf_4",
    160,
)


def held(**kw: object) -> matching.HeldFacts:
    data: dict[str, object] = {
        "credential_id": 7,
        "title": "EVC onderhoudsmonteur",
        "skills": (),
        "outcomes": (
            "Je zoekt storingen systematisch op in mechanische en elektrische systemen.",
            "Je analyseert de oorzaak van een storing en verhelpt deze.",
        ),
        "level": "eqf_4",
    }
    data.update(kw)
    return matching.HeldFacts(**data)  # type: ignore[arg-type]


def test_outcomes_cover_a_unit() -> None:
    found = matching.cover(UNIT, held())
    assert found is not None
    assert found.by == "outcomes"
    assert len(found.outcomes) == 2


def test_skills_cover_a_unit_but_not_a_lower_level() -> None:
    by_skill = held(outcomes=(), skills=("storingsanalyse",))
    assert matching.cover(UNIT, by_skill) is not None
    assert matching.cover(UNIT, held(level="eqf_2")) is None


def test_one_outcome_of_three_is_not_enough() -> None:
    unit = matching.UnitFacts(
        2, "Lassen", (), ("Je last een hoeknaad.", "Je leest een tekening.", "Je werkt veilig."),
        "", None,
    )  # fmt: skip
    assert matching.cover(unit, held(outcomes=("Je last een hoeknaad.",))) is None
    two = held(outcomes=("Je last een hoeknaad.", "Je werkt veilig volgens VCA."))
    assert matching.cover(unit, two) is not None


def test_best_credential_per_unit() -> None:
    weak = held(
        credential_id=1,
        outcomes=("Je analyseert de oorzaak van een storing.",),
        skills=("Storingsanalyse",),
    )
    strong = held(credential_id=2, skills=("Storingsanalyse",))
    proposals = matching.propose([UNIT], [weak, strong])
    assert [p.credential_id for p in proposals] == [2]


UNITS_ST = st.lists(st.integers(0, 400), min_size=1, max_size=6)


@given(fee=st.integers(0, 10_000_000), hours=UNITS_ST, data=st.data())
def test_reductions_never_exceed_the_fee(fee: int, hours: list[int], data: st.DataObject) -> None:
    units = [matching.UnitFacts(i, "", (), (), "", h) for i, h in enumerate(hours)]
    chosen = data.draw(st.sets(st.sampled_from(range(len(units)))))
    left, shares = matching.price_after({"tuition": fee, "exam": 5_000}, units, sorted(chosen))
    assert sum(s.reduction_cents for s in shares) <= fee
    assert left["tuition"] == fee - sum(s.reduction_cents for s in shares)
    assert left["exam"] == 5_000
    total = sum(hours)
    for share in shares:
        expected = fee * hours[share.unit_id] // total if total else fee // len(units)
        assert share.reduction_cents == expected
    if len(chosen) == len(units) and total:
        assert fee - sum(s.reduction_cents for s in shares) < len(units)  # rounding only


# --- the use cases ----------------------------------------------------------------------------


def _programme() -> Offer:
    opleider = make_provider("Academie Vakwerk Test")
    programme, made = ensure_programme(opleider)
    assert made == 1 + len(UNITS) + 1  # the programme, its units, one start
    assert ensure_programme(opleider)[1] == 0  # idempotent
    return programme


def _evc(world: World) -> object:
    offer = world.offer
    offer.offer_type = "evc"
    offer.leads_to = "experience_certificate"
    offer.level = "eqf_4"
    offer.learning_outcomes = [
        "Je voert preventief onderhoud uit aan machines volgens het onderhoudsplan.",
        "Je vervangt slijtende onderdelen en stelt machines opnieuw af.",
        "Je zoekt storingen systematisch op in mechanische en elektrische systemen.",
        "Je analyseert de oorzaak van een storing en verhelpt die.",
        "Je repareert metalen onderdelen met lassen.",
        "Je werkt veilig volgens VCA.",
    ]
    offer.study_load_value = Decimal(24)
    offer.save()
    return offer


@pytest.mark.django_db
def test_evc_proposes_three_the_provider_decides_the_price_follows(world: World) -> None:
    evc = _evc(world)
    jan = person(level="eqf_4")
    row = services.issue_assessment(
        actor=ACTOR,
        provider=world.provider,
        person=jan,
        offer=evc,
        assessed_on=dt.date(2026, 11, 1),  # type: ignore[arg-type]
    )
    assert row.kind == "evc"
    programme = _programme()
    proposals = services.propose_exemptions(actor=ACTOR, person=jan, programme=programme)
    assert sorted(p.unit.title for p in proposals) == [
        "Lastechniek voor onderhoud",
        "Preventief onderhoud",
        "Storingsanalyse",
    ]
    assert all("EVC" in p.reason or evc.title in p.reason for p in proposals)  # type: ignore[attr-defined]
    again = services.propose_exemptions(actor=ACTOR, person=jan, programme=programme)
    assert len(again) == 3  # proposed once per unit
    provider = programme.opleider.organisation
    by_title = {p.unit.title: p for p in proposals}
    with pytest.raises(Problem) as foreign:
        services.decide_exemption(
            actor=ACTOR,
            provider=world.provider,
            exemption=by_title["Storingsanalyse"],
            accept=True,
            reason="",
        )
    assert foreign.value.status == 403
    with pytest.raises(Problem) as no_reason:
        services.decide_exemption(
            actor=ACTOR,
            provider=provider,
            exemption=by_title["Lastechniek voor onderhoud"],
            accept=False,
            reason=" ",
        )
    assert no_reason.value.status == 400
    for title in ("Preventief onderhoud", "Storingsanalyse"):
        services.decide_exemption(
            actor=ACTOR, provider=provider, exemption=by_title[title], accept=True, reason=""
        )
    refused = services.decide_exemption(
        actor=ACTOR, provider=provider, exemption=by_title["Lastechniek voor onderhoud"],
        accept=False, reason="Een praktijkexamen lassen is nodig.",
    )  # fmt: skip
    assert refused.state == ExemptionState.REFUSED
    with pytest.raises(Problem) as twice:
        services.decide_exemption(
            actor=ACTOR, provider=provider, exemption=refused, accept=True, reason=""
        )
    assert twice.value.status == 409
    price = services.price_after_exemptions(
        jan.pk, programme.pk, {"tuition": programme.fee_cents, "exam": programme.exam_cents}
    )
    assert price.reduction_cents == 480_000 * 320 // 600
    assert price.price_cents == 500_000 - 256_000
    assert AuditEntry.objects.filter(action="credentials.exemption.decide").count() == 3
    # Another person pays the full price.
    other = services.price_after_exemptions(person().pk, programme.pk, {"tuition": 480_000})
    assert other.price_cents == 480_000


@pytest.mark.django_db
def test_a_withdrawn_credential_proposes_nothing(world: World) -> None:
    done = completed(world)
    row = services.issue_for_enrolment(actor=ACTOR, provider=world.provider, enrolment=done)
    services.revoke(actor=ACTOR, provider=world.provider, credential=row, reason="Fraude")
    programme = _programme()
    assert services.propose_exemptions(actor=ACTOR, person=row.person, programme=programme) == []
    with pytest.raises(Problem):
        services.propose_exemptions(actor=ACTOR, person=row.person, programme=world.offer)
