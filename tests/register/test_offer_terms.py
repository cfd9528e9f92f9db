# SPDX-License-Identifier: EUPL-1.2
"""The offer-term table never drifts from the offers' lists (docs/decisions/019): whatever
sequence of creating, changing, importing, reviewing, withdrawing, removing and deleting
offers and suspending their provider, its rows are exactly the codes on the offers."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llo.core.audit import Actor
from llo.core.models import AuditEntry
from llo.core.problems import Problem
from llo.register import services
from llo.register.models import Offer, OfferTerm, Opleider
from llo.register.store import offer_terms
from tests.register.conftest import establish

from .test_import import DESCRIPTION

pytestmark = pytest.mark.django_db

PROVIDER = Actor("user:1", "opleider")
STAFF = Actor("user:2", "beheer")
CODES = ("T1", "T2", "T3")
#: Codes, and labels that resolve to them ("lasser" is 7212.3): a list may name one twice.
OCCUPATIONS = ("7212.3", "7233.7", "5321.1", "lasser")
SKILLS = ("lassen", "onderhoud", "lezen", "schrijven")
BASE = services.OfferInput(
    code="T1",
    offer_type="course",
    title="Lassen voor monteurs",
    level="eqf_2",
    leads_to="none",
    legal_status="cursist",
    description=DESCRIPTION,
    study_load_value=Decimal(40),
    study_load_unit="hour",
    modes=["presential"],
    gemeenten=["GM0153"],
    fee_cents=90_000,
)

lists = st.tuples(
    st.lists(st.sampled_from(OCCUPATIONS), max_size=3),
    st.lists(st.sampled_from(SKILLS), max_size=3),
)
codes = st.sampled_from(CODES)
steps = st.one_of(
    st.tuples(st.just("save"), codes, lists),
    st.tuples(
        st.just("import"),
        st.lists(st.tuples(codes, lists), min_size=1, max_size=3, unique_by=lambda i: i[0]),
        st.booleans(),
    ),
    st.tuples(
        st.just("step"),
        codes,
        st.sampled_from(("submit", "publish", "withdraw", "reopen", "remove", "reject")),
    ),
    st.tuples(st.just("provider"), st.sampled_from(("admitted", "suspended"))),
    st.tuples(st.just("delete"), codes),
)


def _input(code: str, terms: tuple[list[str], list[str]]) -> services.OfferInput:
    return dataclasses.replace(
        BASE, code=code, title=f"Lassen voor monteurs {code}", occupations=list(terms[0]),
        skills=list(terms[1]),
    )  # fmt: skip


def _take(opleider: Opleider, step: tuple[Any, ...]) -> None:
    kind = step[0]
    offer = (
        Offer.objects.filter(opleider=opleider, code=step[1]).first() if kind != "import" else None
    )
    if kind == "save":
        data = _input(step[1], step[2])
        if offer is None:
            services.create_offer(actor=PROVIDER, opleider=opleider, data=data)
        else:
            services.update_offer(actor=PROVIDER, offer=offer, data=data)
    elif kind == "import":
        items = [_input(code, terms) for code, terms in step[1]]
        services.bulk_upsert(
            actor=PROVIDER, opleider=opleider, items=items, submit=True, publish=step[2]
        )
    elif kind == "step" and offer is not None:
        staff = step[2] in ("remove", "reject")
        services.transition(
            actor=STAFF if staff else PROVIDER,
            offer=offer,
            action=step[2],
            who="beheer" if staff else "opleider",
            reason="Test" if staff else "",
        )
    elif kind == "provider":
        opleider.refresh_from_db()
        services.set_provider_status(
            actor=STAFF, opleider=opleider, status=step[1], reason="Onderzoek"
        )
    elif kind == "delete" and offer is not None:
        offer.delete()  # the register never deletes an offer; the rows go with it anyway


def assert_in_step() -> None:
    """The table holds exactly the codes on the offers (read in Python from the offers, and
    compared in SQL by ``drift``)."""
    expected = {
        (pk, dimension, str(code))
        for pk, occupations, skills in Offer.objects.values_list("pk", "occupations", "skills")
        for dimension, values in (("occupation", occupations), ("skill", skills))
        for code in values or []
    }
    stored = set(OfferTerm.objects.values_list("offer_id", "dimension", "code"))
    assert stored == expected
    assert offer_terms.drift().none


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(steps, min_size=1, max_size=8))
def test_no_sequence_of_changes_makes_the_table_drift(
    make_provider: Callable[..., Opleider], sequence: list[tuple[Any, ...]]
) -> None:
    with transaction.atomic():  # each example from a clean register (rolled back below)
        opleider = make_provider("Lasschool Twente", gemeente="GM0153")
        establish(opleider)  # clean offers are published without review
        for step in sequence:
            with contextlib.suppress(Problem):  # refused: nothing of it is kept, nor rows
                _take(opleider, step)
            assert_in_step()
        transaction.set_rollback(True)


def test_rows_follow_a_change_of_the_lists(make_provider: Callable[..., Opleider]) -> None:
    opleider = make_provider("Lasschool")
    offer = services.create_offer(
        actor=PROVIDER, opleider=opleider, data=_input("T1", (["lasser", "7212.3"], ["lassen"]))
    )
    rows = set(OfferTerm.objects.filter(offer=offer).values_list("dimension", "code"))
    assert rows == {("occupation", "7212.3"), ("skill", "lassen")}
    services.update_offer(
        actor=PROVIDER, offer=offer, data=_input("T1", (["7233.7"], ["onderhoud", "lezen"]))
    )
    rows = set(OfferTerm.objects.filter(offer=offer).values_list("dimension", "code"))
    assert rows == {("occupation", "7233.7"), ("skill", "onderhoud"), ("skill", "lezen")}


def test_drift_finds_a_list_written_past_the_register_and_the_nightly_check_repairs_it(
    make_provider: Callable[..., Opleider],
) -> None:
    opleider = make_provider("Lasschool")
    offer = services.create_offer(
        actor=PROVIDER, opleider=opleider, data=_input("T1", (["7212.3"], ["lassen"]))
    )
    assert offer_terms.drift().none
    # Written around the use cases (a shell, a script): the table does not know.
    Offer.objects.filter(pk=offer.pk).update(occupations=["7233.7"], skills=["lassen"])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO register_offerterm (offer_id, dimension, code) VALUES (%s, %s, %s)",
            [-1, "skill", "lezen"],
        )
    found = offer_terms.drift()
    assert (found.missing, found.extra) == (1, 2)  # 7233.7 missing; 7212.3 and the orphan
    assert found.offers == (-1, offer.pk)
    # The nightly check (llo register_reindex) writes the table again and says so.
    assert services.check_terms(actor=STAFF) == found
    assert offer_terms.drift().none
    entry = AuditEntry.objects.get(action="register.offer_terms.rebuilt")
    assert entry.after == {"missing": 1, "extra": 2, "offers": [-1, offer.pk], "rows": 2}
    assert services.check_terms(actor=STAFF).none
    assert AuditEntry.objects.filter(action="register.offer_terms.rebuilt").count() == 1
