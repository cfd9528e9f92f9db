# SPDX-License-Identifier: EUPL-1.2
"""Issue 15 item 1: offers name ESCO occupations, funders' conditions ISCO-08 groups; the
condition is met by every occupation inside the listed group, in both checkers."""

from __future__ import annotations

import datetime as dt

import pytest

from llo.accounts.conditions import OfferFacts, PersonFacts, RuleChecker, SchemesChecker
from llo.core.identifiers import Level

ON = dt.date(2026, 3, 1)
JAN = PersonFacts(
    level=Level.EQF_4, region="AM05", labour_position="employed", sectors=frozenset({"metal"})
)
# O&O-fonds Techniek: its sector list in ISCO-08 unit groups (JOURNEYS.md).
FUND = {"occupations": ["7212", "7233"], "sectors": ["metal"]}


def welding(*occupations: str) -> OfferFacts:
    return OfferFacts(
        {"tuition": 145_000}, Level.EQF_3, "microcredential", frozenset(occupations), purpose="grow"
    )


@pytest.mark.parametrize("checker", [RuleChecker(), SchemesChecker()])
@pytest.mark.parametrize(
    ("occupations", "eligible"),
    [
        (("7212.3",), True),  # lasser, in unit group 7212
        (("7212.3.4",), True),  # puntlasser, a narrower welder
        (("7233.7",), True),  # monteur industriële machines: Jan's trade
        (("5120.1",), False),  # kok
        (("5120.1", "7212.3"), True),  # one of the offer's occupations is enough
        ((), False),
    ],
)
def test_an_esco_occupation_meets_the_isco_group_it_lies_in(
    checker: RuleChecker | SchemesChecker, occupations: tuple[str, ...], eligible: bool
) -> None:
    verdict = checker.check(FUND, JAN, welding(*occupations), ON)
    assert verdict.eligible is eligible, [r.text for r in verdict.reasons]


@pytest.mark.django_db
def test_the_schemes_get_the_isco_unit_groups_of_an_offer() -> None:
    from llo.enrolment.services.facts import scheme_offer_facts
    from llo.people.models import Organisation
    from llo.register.models import Offer, Offering, Opleider

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
    offering = Offering.objects.create(offer=offer, start_date=ON)
    assert scheme_offer_facts(offer, offering, ON).occupations == (7212, 7214)


@pytest.mark.django_db
def test_a_fund_names_occupations_in_words_and_reads_them_back_in_words() -> None:
    from django.test import Client

    from llo.accounts.models import Budget
    from llo.people.models import Organisation, User
    from tests.accounts.test_views import form_budget

    fund = Organisation.objects.create(kvk="90000004", name="O&O-fonds Techniek", kind="oo_fund")
    client = Client()
    client.force_login(User.objects.create_user("fonds:90000004", "fonds", organisation=fund))
    bad = client.post("/financier/budgetten/nieuw", form_budget(occupations="verzorgende\n72"))
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "woonbegeleider; zorghulp; verpleeghulp" in html
    assert "72 is een grote groep" in html
    ok = client.post(
        "/financier/budgetten/nieuw", form_budget(occupations="lasser\nonderhoudsmonteur\n7411")
    )
    assert ok.status_code == 302
    assert Budget.objects.get().conditions["occupations"] == ["7212", "7233", "7411"]
    page = client.get(ok["Location"]).content.decode()
    assert "beroepen zoals hardsoldeerder, soldeerder, lasser" in page


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
