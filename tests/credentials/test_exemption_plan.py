# SPDX-License-Identifier: EUPL-1.2
"""Exemptions move the money (issue 16: "the funding plan and price follow"):

* Hypothesis over the pure parts: the price after exemptions plus the exempted units' shares
  is the full price, no component is ever negative, and the funding plan over that price never
  pays more than it nor leaves the person a negative part;
* the use cases on both databases: the registered price adjuster of credentials lowers the
  funding plan, the apply page's preview and the reservation of one person only;
* the assessor's EVC page: the certificate is given from a form, bad input is named beside
  its field (in Dutch), nothing is issued then.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from llo.accounts import price_adjusters
from llo.accounts.plan import PlanRight, allocate, funding_plan
from llo.core import crypto
from llo.core.problems import Problem
from llo.credentials import matching, services
from llo.credentials.models import Credential, Exemption
from llo.credentials.services.exemptions import exemption_reductions
from llo.enrolment import services as enrolment
from llo.enrolment.services.facts import offer_facts
from llo.register.models import Offer
from tests.credentials.conftest import ACTOR, person
from tests.credentials.test_exemptions import _evc, _programme
from tests.enrolment.conftest import DURING, World
from tests.enrolment.test_pages import funded_person, login

ON = dt.date(2023, 6, 1)
COMPONENT = st.integers(0, 5_000_000)


# --- the pure parts ---------------------------------------------------------------------------


@given(
    fee=COMPONENT,
    exam=COMPONENT,
    materials=COMPONENT,
    hours=st.lists(st.one_of(st.none(), st.integers(0, 2_000)), min_size=1, max_size=8),
    data=st.data(),
)
def test_exempted_price_plus_the_shares_is_the_full_price(
    fee: int, exam: int, materials: int, hours: list[int | None], data: st.DataObject
) -> None:
    components = {"tuition": fee, "exam": exam, "materials": materials}
    units = [matching.UnitFacts(i, f"Deel {i}", (), (), "", h) for i, h in enumerate(hours)]
    exempted = sorted(data.draw(st.sets(st.sampled_from(range(len(units))))))
    shares = matching.reductions(fee, units, exempted)
    asked = [
        price_adjusters.Reduction("exemption", "tuition", s.reduction_cents, "", str(s.unit_id))
        for s in shares
    ]
    price = price_adjusters.apply(components, asked)
    assert price.price_cents + sum(s.reduction_cents for s in shares) == fee + exam + materials
    assert price.full_price_cents == fee + exam + materials
    assert all(cents >= 0 for cents in price.components.values())
    assert all(r.cents >= 0 for r in price.reductions)
    # Only the course fee goes down; the exam is still taken, materials still bought.
    assert price.components["exam"] == exam
    assert price.components["materials"] == materials
    # Every unit exempted: at most a cent per unit is left of the fee (rounding down).
    if len(exempted) == len(units):
        assert price.components["tuition"] < max(1, len(units)) or fee == 0

    # The funding plan over the lower price: never more than it, the person never below 0.
    balances = data.draw(st.lists(st.integers(0, 6_000_000), max_size=4))
    pcts = data.draw(st.lists(st.sampled_from([0, 20, 50]), min_size=4, max_size=4))
    rights = [
        PlanRight(
            n,
            b,
            None,
            "employer",
            True,
            co_payment_cents=-(-price.price_cents * pcts[n] // 100),
            co_payment_pct=pcts[n],
        )
        for n, b in enumerate(balances)
    ]
    plan = allocate(price.components, rights, ON)
    assert plan.price_cents == price.price_cents
    assert 0 <= plan.funded_cents <= price.price_cents
    assert plan.own_cents >= 0


@given(
    components=st.dictionaries(st.sampled_from(["tuition", "exam", "materials"]), COMPONENT),
    asked=st.lists(
        st.tuples(st.sampled_from(["tuition", "exam", "other"]), st.integers(-1_000, 9_000_000)),
        max_size=6,
    ),
)
def test_an_adjuster_never_takes_more_than_is_left(
    components: dict[str, int], asked: list[tuple[str, int]]
) -> None:
    reductions = [price_adjusters.Reduction("x", c, cents, "") for c, cents in asked]
    price = price_adjusters.apply(components, reductions)
    assert price.price_cents + price.reduction_cents == sum(components.values())
    assert all(cents >= 0 for cents in price.components.values())
    assert all(r.cents > 0 for r in price.reductions)


def test_credentials_registers_its_adjuster() -> None:
    assert exemption_reductions in price_adjusters.registered()


# --- the use cases ----------------------------------------------------------------------------


def _starts_in_2023(programme: Offer) -> None:
    """The demo's programme starts a month from today; a plan made on ON (2023) with 2023 money
    (usable until 2 January 2025) pays only for a start before then: money that ends before a
    training starts cannot pay for it (issue 15)."""
    programme.offerings.update(start_date=dt.date(2023, 9, 1))


def _decided(world: World, jan: object) -> Offer:
    """Jan's EVC, three proposals; the provider accepts two and refuses one."""
    services.issue_assessment(
        actor=ACTOR, provider=world.provider, person=jan, offer=_evc(world), assessed_on=ON
    )  # type: ignore[arg-type]
    programme = _programme()
    provider = programme.opleider.organisation
    for row in services.propose_exemptions(actor=ACTOR, person=jan, programme=programme):  # type: ignore[arg-type]
        refuse = row.unit.title == "Lastechniek voor onderhoud"
        services.decide_exemption(
            actor=ACTOR, provider=provider, exemption=row, accept=not refuse,
            reason="Een praktijkexamen lassen is nodig." if refuse else "",
        )  # fmt: skip
    return programme


@pytest.mark.django_db
def test_the_plan_the_preview_and_the_reservation_follow(world: World) -> None:
    jan = funded_person(300_000)
    programme = _decided(world, jan)
    _starts_in_2023(programme)
    facts, _sources = offer_facts(programme, programme.offerings.get(), ON)
    full = funding_plan(jan, facts, ON)
    assert full.price_cents == 500_000
    assert [line.amount_cents for line in full.lines] == [300_000]
    assert full.own_cents == 200_000

    # Fee EUR 4,800 over 600 hours of units; two units of 160 hours off: EUR 2,560 less.
    plan = funding_plan(jan, facts, ON, offer_id=programme.pk)
    assert plan.price_cents == 500_000 - 256_000
    assert plan.full_price_cents == 500_000
    assert sorted(r.subject for r in plan.reductions) == ["Preventief onderhoud", "Storingsanalyse"]
    assert [r.cents for r in plan.reductions] == [128_000, 128_000]
    assert [line.amount_cents for line in plan.lines] == [244_000]  # the line shrinks
    assert plan.own_cents == 0

    offering = programme.offerings.get()
    shown = enrolment.preview(actor=ACTOR, person=jan, offering=offering, on=ON)
    assert (shown.price_cents, shown.amount_cents, shown.own_cents) == (244_000, 244_000, 0)
    notes = [r for r in shown.reasons if r["condition"] == "exemption"]
    assert [n["reductionCents"] for n in notes] == [128_000, 128_000]
    assert all(n["passed"] for n in notes)
    app = enrolment.apply(actor=ACTOR, shown=shown, amount_cents=244_000, on=ON)
    assert (app.amount_cents, app.own_cents) == (244_000, 0)

    # Through a window the scheme's amount is capped at the same lower price.
    windowed = enrolment.preview(
        actor=ACTOR, person=jan, offering=offering, window=world.window, on=DURING.date()
    )
    assert windowed.price_cents == 244_000
    assert 0 <= windowed.amount_cents <= 244_000
    assert windowed.own_cents == 244_000 - windowed.amount_cents
    assert [r["reductionCents"] for r in windowed.reasons if r["condition"] == "exemption"] == [
        128_000,
        128_000,
    ]

    # Someone without exemptions pays the whole price of the same programme.
    other = funded_person(300_000)
    assert funding_plan(other, facts, ON, offer_id=programme.pk).price_cents == 500_000


@pytest.mark.django_db
def test_a_proposal_or_a_refusal_changes_no_price(world: World) -> None:
    jan = funded_person(300_000)
    services.issue_assessment(
        actor=ACTOR, provider=world.provider, person=jan, offer=_evc(world), assessed_on=ON
    )
    programme = _programme()
    rows = services.propose_exemptions(actor=ACTOR, person=jan, programme=programme)
    facts, _sources = offer_facts(programme, programme.offerings.get(), ON)
    assert funding_plan(jan, facts, ON, offer_id=programme.pk).price_cents == 500_000
    services.decide_exemption(
        actor=ACTOR, provider=programme.opleider.organisation, exemption=rows[0], accept=False,
        reason="Niet aangetoond.",
    )  # fmt: skip
    assert funding_plan(jan, facts, ON, offer_id=programme.pk).reductions == ()


@pytest.mark.django_db
def test_exemptions_page_shows_the_plan_after_exemptions(world: World, client: Client) -> None:
    jan = funded_person(300_000)
    programme = _decided(world, jan)
    login(client, "burger", who=jan)
    page = client.get(f"/mijn-certificaten/vrijstellingen/{programme.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-price="244000"' in html
    assert html.count('data-state="accepted"') == 2
    assert "Preventief onderhoud" in html
    assert "Storingsanalyse" in html
    assert f"/aanvragen/nieuw/{programme.offerings.get().pk}" in html


# --- the assessor's EVC page ------------------------------------------------------------------


def _post(client: Client, **fields: str) -> tuple[int, str]:
    answer = client.post("/certificaten/evc", data=fields, HTTP_ACCEPT_LANGUAGE="nl")
    return answer.status_code, answer.content.decode()


def _errors(html: str) -> dict[str, str]:
    """Error messages beside their fields (the id names the field)."""
    return {
        name: re.sub(r"<[^>]+>", "", text).strip()
        for name, text in re.findall(
            r'id="id_(\w+)-error"><span class="llo-visually-hidden">[^<]*</span>([^<]*)<', html
        )
    }


@pytest.mark.django_db
def test_the_assessor_gives_an_evc_from_the_page(world: World, client: Client) -> None:
    evc = _evc(world)
    jan = person(level="eqf_4")
    bsn = crypto.decrypt(jan.bsn_encrypted)
    login(client, "assessor", org=world.provider)
    page = client.get("/certificaten/evc")
    assert page.status_code == 200
    assert evc.title in page.content.decode()

    status, html = _post(client)
    assert status == 400
    errors = _errors(html)
    with translation.override("nl"):
        assert errors["procedure"] == translation.gettext("Choose the EVC procedure.")
        assert errors["confirm"] == translation.gettext(
            "Tick the box. Only then can you give the certificate."
        )
    assert set(errors) == {"procedure", "bsn", "birth_date", "assessed_on", "confirm"}
    assert "Kies" in errors["procedure"]  # Dutch, not the English msgid

    good = {
        "procedure": str(evc.pk),
        "bsn": bsn,
        "birth_date": jan.birth_date.isoformat(),
        "assessed_on": ON.isoformat(),
        "confirm": "on",
    }
    status, html = _post(client, **{**good, "bsn": "123456789"})
    assert (status, list(_errors(html))) == (400, ["bsn"])
    status, html = _post(client, **{**good, "birth_date": "1999-01-01"})
    assert (status, list(_errors(html))) == (400, ["bsn"])  # which one is wrong: not said
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    status, html = _post(client, **{**good, "assessed_on": tomorrow.isoformat()})
    assert (status, list(_errors(html))) == (400, ["assessed_on"])
    status, html = _post(client, **{**good, "assessed_on": "31-02-2026"})
    assert (status, list(_errors(html))) == (400, ["assessed_on"])
    assert not Credential.objects.exists()

    answer = client.post("/certificaten/evc", data=good)
    assert answer.status_code == 302
    row = Credential.objects.get()
    assert (row.person_id, row.kind, row.offer_id) == (jan.pk, "evc", evc.pk)
    page = client.get("/certificaten/evc").content.decode()
    assert f'data-credential="{row.uuid}"' in page

    status, html = _post(client, **good)  # twice: beside the procedure
    assert (status, list(_errors(html))) == (400, ["procedure"])
    assert Credential.objects.count() == 1


@pytest.mark.django_db
def test_only_own_evc_procedures_and_only_assessors(world: World, client: Client) -> None:
    evc = _evc(world)
    jan = person(level="eqf_4")
    other = _programme().opleider.organisation
    with pytest.raises(Problem) as foreign:
        services.issue_evc(
            actor=ACTOR, provider=other, offer=evc, bsn=crypto.decrypt(jan.bsn_encrypted),
            birth_date=jan.birth_date, assessed_on=ON,
        )  # fmt: skip
    assert [p.name for p in foreign.value.invalid_params] == ["procedure"]
    assert services.evc_procedures(other) == []
    login(client, "assessor", org=other)
    html = client.get("/certificaten/evc").content.decode()
    assert evc.title not in html
    client.logout()
    # The provider's own role does not give experience certificates: its assessors do.
    login(client, "opleider", org=world.provider)
    assert client.get("/certificaten/evc").status_code == 403
    client.logout()
    login(client, "burger", who=jan)
    assert client.get("/certificaten/evc").status_code == 403
    assert not Exemption.objects.exists()


# --- one price everywhere a plan is shown (issue 16 item 1) -----------------------------------


@pytest.mark.django_db
def test_every_plan_of_the_programme_shows_the_same_price(world: World, client: Client) -> None:
    """The single plan, the batch plans (search, offer page: ``accounts.funding_plans``),
    the register's pages and ``POST /api/v1/funding-plans`` all price the programme after
    the exemptions the provider accepted: one source, ``price_adjusters.adjust_many``."""
    from llo.accounts.plan import funding_plans
    from llo.enrolment.plans import offer_plans
    from llo.schemes.facts_adapter import offer_facts as register_facts

    jan = funded_person(300_000)
    programme = _decided(world, jan)
    facts, _sources = register_facts(programme, ON)
    single = funding_plan(jan, facts, ON, offer_id=programme.pk)
    other_offer = _evc(world)
    other_facts, _ = register_facts(other_offer, ON)
    batch = funding_plans(
        jan,
        [(facts, programme.title, programme.pk), (other_facts, other_offer.title, other_offer.pk)],
        ON,
    )
    assert single.price_cents == batch[0].price_cents == 244_000
    assert batch[0].full_price_cents == 500_000
    assert [r.subject for r in batch[0].reductions] == [r.subject for r in single.reductions]
    assert [line.amount_cents for line in batch[0].lines] == [
        line.amount_cents for line in single.lines
    ]
    assert batch[0].own_cents == single.own_cents == 0
    # The other offer is not a programme with exemptions: its price is the register's.
    assert batch[1].price_cents == other_offer.price_cents
    assert batch[1].reductions == ()
    # Without offer ids (an offer not in the register) nothing is adjusted.
    assert funding_plans(jan, [(facts, programme.title)], ON)[0].price_cents == 500_000

    user = login(client, "burger", who=jan)
    shown = offer_plans(user, [programme, other_offer], ON)
    assert shown[programme.pk].price_cents == 244_000
    assert shown[programme.pk].full_price_cents == 500_000
    assert len(shown[programme.pk].reductions) == 2
    assert shown[other_offer.pk].reductions == ()

    # Someone else still sees the full price on the same page.
    stranger = funded_person(300_000)
    stranger_user = login(client, "burger", who=stranger)
    assert offer_plans(stranger_user, [programme], ON)[programme.pk].price_cents == 500_000

    # The offer page names the lower price and each exemption.
    login(client, "burger", who=jan)
    with time_machine.travel(dt.datetime(2023, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        html = client.get(f"/opleidingen/{programme.pk}").content.decode()
    assert 'data-price-cents="244000"' in html
    reductions = html.split('class="utrecht-unordered-list llo-plan-reductions"')[1].split("</ul>")[
        0
    ]
    assert reductions.count("<li") == 2
    assert "Preventief onderhoud" in reductions
    assert "Storingsanalyse" in reductions


@pytest.mark.django_db
def test_the_funding_plan_api_prices_a_register_offer_after_exemptions(
    world: World, client: Client
) -> None:
    jan = funded_person(300_000)
    programme = _decided(world, jan)
    _starts_in_2023(programme)
    login(client, "burger", who=jan)

    def ask(body: dict[str, object]) -> tuple[int, dict[str, object]]:
        answer = client.post("/api/v1/funding-plans", body, content_type="application/json")
        return answer.status_code, answer.json()

    status, plan = ask({"offerId": programme.pk, "date": ON.isoformat()})
    assert status == 200, plan
    assert (plan["priceCents"], plan["fullPriceCents"]) == (244_000, 500_000)
    assert sorted(r["subject"] for r in plan["reductions"]) == [  # type: ignore[union-attr]
        "Preventief onderhoud",
        "Storingsanalyse",
    ]
    assert all(r["code"] == "exemption" for r in plan["reductions"])  # type: ignore[union-attr]
    single = funding_plan(jan, offer_facts(programme, programme.offerings.get(), ON)[0], ON,
                          offer_id=programme.pk)  # fmt: skip
    assert plan["fundedCents"] == single.funded_cents
    assert plan["ownCents"] == single.own_cents

    # An offer the person describes has no exemptions: the full price.
    status, described = ask(
        {"offer": {"priceComponents": {"tuition": 480_000, "exam": 20_000}, "level": "eqf_4"},
         "date": ON.isoformat()}
    )  # fmt: skip
    assert status == 200, described
    assert described["priceCents"] == described["fullPriceCents"] == 500_000
    assert described["reductions"] == []

    # Bad input: an unknown offer is named; both or neither offer is refused.
    status, problem = ask({"offerId": 999_999})
    assert status == 400
    assert problem["invalidParams"][0]["name"] == "offerId"  # type: ignore[index]
    status, _ = ask({"offerId": programme.pk, "offer": {"priceComponents": {}, "level": "eqf_4"}})
    assert status in (400, 422)
    status, _ = ask({})
    assert status in (400, 422)


@pytest.mark.django_db
def test_a_withdrawn_certificate_no_longer_exempts(world: World, client: Client) -> None:
    """A revoked credential shows as revoked everywhere, exemptions included: its accepted
    exemptions stop lowering the price, its open proposals cannot be accepted, and a new
    search proposes nothing."""
    jan = funded_person(300_000)
    programme = _decided(world, jan)
    facts, _sources = offer_facts(programme, programme.offerings.get(), ON)
    assert funding_plan(jan, facts, ON, offer_id=programme.pk).price_cents == 244_000
    evc = Credential.objects.get(person=jan)
    services.revoke(
        actor=ACTOR, provider=world.provider, credential=evc, reason="Assessment niet goed."
    )
    plan = funding_plan(jan, facts, ON, offer_id=programme.pk)
    assert (plan.price_cents, plan.reductions) == (500_000, ())
    login(client, "burger", who=jan)
    html = client.get(f"/mijn-certificaten/vrijstellingen/{programme.pk}").content.decode()
    assert 'data-price="500000"' in html
    assert html.count("data-credential-not-valid") == 3

    # A new programme's proposals from the withdrawn certificate: none.
    Exemption.objects.filter(person=jan).delete()
    assert services.propose_exemptions(actor=ACTOR, person=jan, programme=programme) == []


@pytest.mark.django_db
def test_a_proposal_of_a_withdrawn_certificate_cannot_be_accepted(world: World) -> None:
    jan = funded_person(300_000)
    services.issue_assessment(
        actor=ACTOR, provider=world.provider, person=jan, offer=_evc(world), assessed_on=ON
    )
    programme = _programme()
    rows = services.propose_exemptions(actor=ACTOR, person=jan, programme=programme)
    services.revoke(
        actor=ACTOR, provider=world.provider, credential=Credential.objects.get(person=jan),
        reason="Ingetrokken.",
    )  # fmt: skip
    provider = programme.opleider.organisation
    with pytest.raises(Problem) as refused:
        services.decide_exemption(
            actor=ACTOR, provider=provider, exemption=rows[0], accept=True, reason=""
        )
    assert [p.name for p in refused.value.invalid_params] == ["reason"]
    decided = services.decide_exemption(
        actor=ACTOR, provider=provider, exemption=rows[0], accept=False, reason="Ingetrokken."
    )
    assert decided.state == "refused"
