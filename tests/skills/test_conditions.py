# SPDX-License-Identifier: EUPL-1.2
"""Offers name ESCO occupations, funders' conditions and the schemes' sector lists ISCO-08 unit
groups: the one source of rules (llo.schemes.facts_adapter) gives the engine the unit group of
each of the offer's occupations, so a listed group is met by every occupation inside it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from llo.core.identifiers import Level
from llo.schemes.decision import decide
from llo.schemes.facts import OfferFacts
from llo.schemes.facts_adapter import _occupation_codes
from tests.schemes.conftest import jan

ON = dt.date(2026, 3, 1)
# O&O-fonds Techniek: its sector list in ISCO-08 unit groups (JOURNEYS.md).
FUND = {"name": "O&O-fonds Techniek", "occupations": ["7212", "7233"], "sectors": ["metal"]}


def welding(occupations: tuple[int, ...] | None) -> OfferFacts:
    facts = OfferFacts(
        level=Level.EQF_3, offer_type="microcredential", fee_cents=145_000, exam_cents=0,
        materials_cents=0, prices_include_vat=True, in_register=True, quality_mark_valid=True,
        purpose="grow", start_date=dt.date(2026, 4, 1), occupations=(7212,),
        other_funding_cents=0,
    )  # fmt: skip
    return dataclasses.replace(facts, occupations=occupations)


@pytest.mark.parametrize(
    ("occupations", "eligible"),
    [
        (("7212.3",), True),  # lasser, in unit group 7212
        (("7212.3.4",), True),  # puntlasser, a narrower welder
        (("7233.7",), True),  # monteur industriële machines: Jan's trade
        (("5120.1",), False),  # kok
        (("5120.1", "7212.3"), True),  # one of the offer's occupations is enough
        (("7212",), True),  # an offer may name the unit group itself
    ],
)
def test_an_esco_occupation_meets_the_isco_group_it_lies_in(
    occupations: tuple[str, ...], eligible: bool
) -> None:
    decision = decide(jan(), welding(_occupation_codes(occupations)), ON, FUND)
    assert decision.eligible is eligible, [r.text for r in decision.failed]


def test_free_text_occupations_are_not_yet_known() -> None:
    assert _occupation_codes(["lasser"]) is None
    assert _occupation_codes(["7212.3", "7214.3", "7212.4", "5120.1"]) == (7212, 7214, 5120)


@pytest.mark.django_db
def test_the_schemes_get_the_isco_unit_groups_of_an_offer() -> None:
    from llo.people.models import Organisation
    from llo.register.models import Offer, Opleider
    from llo.schemes.facts_adapter import offer_facts

    org = Organisation.objects.create(kvk="81999555", name="Lasschool", kind="provider")
    opleider = Opleider.objects.create(organisation=org, kind="private")
    offer = Offer.objects.create(
        opleider=opleider,
        code="L1",
        offer_type="microcredential",
        title="Lassen MIG/MAG",
        level="eqf_3",
        leads_to="microcredential",
        legal_status="cursist",
        occupations=["7212.3", "7214.3", "7212.4"],
        fee_cents=145_000,
        price_cents=145_000,
    )
    facts, _sources = offer_facts(offer, ON, start_date=ON)
    assert facts.occupations == (7212, 7214)


@pytest.mark.django_db
def test_a_fund_names_occupations_in_words_and_reads_them_back_in_words() -> None:
    from django.test import Client

    from llo.accounts.models import Budget
    from llo.people.models import Organisation, User
    from tests.accounts.test_views import form_budget

    fund = Organisation.objects.create(kvk="90000004", name="O&O-fonds Techniek", kind="oo_fund")
    client = Client()
    client.force_login(User.objects.create_user("fonds:90000004", "fonds", organisation=fund))
    bad = client.post("/financier/budgetten/nieuw", form_budget(occupations="verzorgende\n99"))
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "woonbegeleider; zorghulp; verpleeghulp" in html
    assert "Er is geen groep beroepen met code 99" in html
    # A broad group (issue 17): "72" is every occupation in metal and machines.
    ok = client.post(
        "/financier/budgetten/nieuw",
        form_budget(occupations="lasser\nonderhoudsmonteur\n7411\n72"),
    )
    assert ok.status_code == 302
    assert Budget.objects.get().conditions["occupations"] == ["72", "7212", "7233", "7411"]
    page = client.get(ok["Location"]).content.decode()
    assert "beroepen zoals hardsoldeerder, soldeerder, lasser" in page
    assert "vakmensen in metaal en machines (zoals" in page


@pytest.mark.django_db
def test_the_sector_lists_of_the_llo_scheme_are_known_isco_unit_groups() -> None:
    from importlib import resources

    import yaml

    from llo.skills import selectors

    folder = resources.files("llo.schemes").joinpath("llo_regeling/parameters/desired_occupations")
    # A real ISCO-08 unit group in which ESCO puts no occupation: no offer can lead to it
    # (ESCO's nurses lie in 2221). Harmless, but a new code here is more likely a typo.
    without_esco = {3221}
    empty = set()
    seen = 0
    for item in folder.iterdir():
        if not item.name.endswith(".yaml"):
            continue
        for dated in yaml.safe_load(item.read_text("utf-8"))["values"].values():
            for code in dated["value"]:
                assert len(str(code)) == 4, (item.name, code)
                if selectors.isco_group(str(code)) is None:
                    empty.add(code)
                seen += 1
    assert seen >= 20
    assert empty == without_esco


@pytest.mark.parametrize(
    ("listed", "eligible"),
    [
        (["0110"], True),  # the unit group of officers itself
        (["011"], True),  # its minor group
        (["01"], True),  # its sub-major group
        (["0"], True),  # the armed forces, major group 0
        (["110"], False),  # digits as a number: not the officers' group
        (["11"], False),  # chief executives and senior officials
        (["1"], False),  # managers
    ],
)
def test_a_group_code_keeps_its_leading_zero(listed: list[str], eligible: bool) -> None:
    # Issue 17: the number of digits is the level; "0110" (officers) is not 110.
    decision = decide(jan(), welding((110,)), ON, {"name": "Fonds", "occupations": listed})
    assert decision.eligible is eligible, [r.text for r in decision.failed]
