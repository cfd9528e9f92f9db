# SPDX-License-Identifier: EUPL-1.2
"""The register search on both databases: Dutch relevance, typos, filters, facets, sorting.

Every test here runs on SQLite and on PostgreSQL (``make test``) against the same small data
set, with the expected results written out: so both databases give the same results."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection

from llo.register.models import Offer, OfferState, Opleider, ProviderKind
from llo.register.search import QueryError, SearchQuery, search
from llo.register.search.indexer import rebuild

from .conftest import ANCHOR

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(
    make_provider: Callable[..., Opleider], make_offer: Callable[..., Offer]
) -> dict[str, Offer]:
    """Twelve offers of a public and a private provider in three regions."""
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        roc = make_provider("ROC Maasstad", kind=ProviderKind.PUBLIC, marks=("ocw", "nrto"))
        vak = make_provider("Academie Vakwerk", kind=ProviderKind.PRIVATE)
        o: dict[str, Offer] = {}
        o["verpleeg"] = make_offer(
            roc,
            "Verpleegkunde (mbo-4)",
            offer_type="programme",
            level="eqf_4",
            leads_to="diploma",
            formal=True,
            legal_status="student",
            fee_cents=320_000,
            starts=(dt.date(2026, 9, 1),),
        )
        o["helpende"] = make_offer(
            roc,
            "Helpende zorg en welzijn",
            offer_type="programme",
            level="eqf_2",
            leads_to="diploma",
            formal=True,
            legal_status="student",
            fee_cents=180_000,
            starts=(dt.date(2026, 9, 1), dt.date(2027, 2, 1)),
            description="Word helpende in de zorg. Je leert verzorgen, begeleiden en "
            "ondersteunen van cliënten in de verpleging en thuiszorg.",
        )
        o["vig"] = make_offer(
            roc,
            "Verzorgende IG: module medicatie",
            offer_type="module",
            level="eqf_3",
            leads_to="mbo_certificate",
            formal=True,
            legal_status="student",
            fee_cents=45_000,
            starts=(dt.date(2026, 10, 5),),
        )
        o["lassen"] = make_offer(
            vak,
            "Lasser MIG/MAG microcredential",
            offer_type="microcredential",
            level="eqf_3",
            leads_to="microcredential",
            fee_cents=125_000,
            exam_cents=15_000,
            gemeenten=("GM0153",),
            starts=(dt.date(2026, 6, 15),),
            skills=["Lassen", "Metaalbewerking"],
            occupations=["Lasser"],
        )
        o["lastech"] = make_offer(
            vak,
            "Lastechniek voor onderhoudsmonteurs",
            level="eqf_4",
            fee_cents=98_000,
            gemeenten=("GM0153",),
            starts=(dt.date(2026, 8, 20),),
        )
        o["evc"] = make_offer(
            vak,
            "EVC-procedure onderhoudsmonteur",
            offer_type="evc",
            level="eqf_4",
            leads_to="experience_certificate",
            fee_cents=110_000,
            gemeenten=("GM0153",),
            description="Laat zien wat je al kunt als monteur in het onderhoud: het "
            "ervaringscertificaat geeft vrijstellingen.",
        )
        o["boekh"] = make_offer(
            vak,
            "Boekhouding voor het mkb",
            level="eqf_4",
            fee_cents=75_000,
            gemeenten=(),
            online=True,
            modes=["online"],
            starts=(dt.date(2026, 7, 1),),
        )
        o["boekh2"] = make_offer(
            roc,
            "Praktijkdiploma boekhouden",
            level="eqf_4",
            fee_cents=99_000,
            modes=["blended"],
            gemeenten=("GM0344",),
            starts=(dt.date(2026, 9, 14),),
        )
        o["taal"] = make_offer(
            roc,
            "Taal op de werkvloer (NT1)",
            offer_type="basic_skills",
            level="eqf_0",
            fee_cents=0,
            starts=(dt.date(2026, 6, 8),),
            description="Beter lezen en schrijven in het Nederlands voor je werk. Gratis "
            "voor inwoners van Rotterdam.",
        )
        o["zorgmw"] = make_offer(
            vak,
            "Zorgmedewerker in de wijk",
            level="eqf_3",
            fee_cents=140_000,
            gemeenten=("GM0599", "GM0344"),
            starts=(dt.date(2026, 11, 2),),
        )
        o["draft"] = make_offer(vak, "Verpleegkunde concept", state=OfferState.DRAFT)
        o["excel"] = make_offer(
            vak,
            "Excel voor gevorderden",
            level="eqf_3",
            fee_cents=39_500,
            modes=["online"],
            online=True,
            gemeenten=(),
        )
    return o


def ids(result: Any) -> list[int]:
    return list(result.offer_ids)


def q(**kw: Any) -> SearchQuery:
    return SearchQuery(**kw)


# --- Dutch relevance ----------------------------------------------------------------------


def test_verpleegkundige_finds_verpleegkunde(catalogue: dict[str, Offer]) -> None:
    result = search(q(text="verpleegkundige"))
    assert ids(result) == [catalogue["verpleeg"].pk]


def test_lassen_finds_lasser_and_lastechniek(catalogue: dict[str, Offer]) -> None:
    result = search(q(text="lassen"))
    # Both have "las..." in the title; the microcredential names a skill and has a start.
    assert ids(result) == [catalogue["lassen"].pk, catalogue["lastech"].pk]


def test_typo_boekhoudng_finds_boekhouding(catalogue: dict[str, Offer]) -> None:
    result = search(q(text="boekhoudng"))
    assert result.corrections == [("boekhoudng", "boekhouding")]
    assert set(ids(result)) == {catalogue["boekh"].pk, catalogue["boekh2"].pk}
    assert ids(result)[0] == catalogue["boekh"].pk  # the exact word outranks the prefix


def test_accents_and_case_do_not_matter(catalogue: dict[str, Offer]) -> None:
    assert ids(search(q(text="CLIËNTEN"))) == [catalogue["helpende"].pk]
    assert ids(search(q(text="clienten"))) == [catalogue["helpende"].pk]


def test_compound_prefix_zorg_finds_zorgmedewerker(catalogue: dict[str, Offer]) -> None:
    found = ids(search(q(text="zorg")))
    assert catalogue["zorgmw"].pk in found
    assert catalogue["helpende"].pk in found
    # Title matches come first.
    assert found.index(catalogue["zorgmw"].pk) < found.index(catalogue["helpende"].pk) or (
        "zorg" in catalogue["helpende"].title.lower()
    )


def test_all_words_must_match(catalogue: dict[str, Offer]) -> None:
    assert ids(search(q(text="helpende zorg"))) == [catalogue["helpende"].pk]
    assert ids(search(q(text="helpende lassen"))) == []


def test_stop_words_only_is_no_text(catalogue: dict[str, Offer]) -> None:
    assert search(q(text="de het een")).total == search(q()).total


def test_provider_name_is_searchable(catalogue: dict[str, Offer]) -> None:
    result = search(q(text="Academie Vakwerk"))
    assert result.total == 6


def test_drafts_are_not_found(catalogue: dict[str, Offer]) -> None:
    assert catalogue["draft"].pk not in ids(search(q(text="verpleegkunde")))


# --- filters, facets, sorting ---------------------------------------------------------------


def test_filters(catalogue: dict[str, Offer]) -> None:
    assert set(ids(search(q(levels=("eqf_0",))))) == {catalogue["taal"].pk}
    twente = ids(search(q(regions=("AM05",), include_online=False)))
    assert set(twente) == {catalogue["lassen"].pk, catalogue["lastech"].pk, catalogue["evc"].pk}
    with_online = set(ids(search(q(regions=("AM05",)))))
    assert with_online == {*twente, catalogue["boekh"].pk, catalogue["excel"].pk}
    utrecht = set(ids(search(q(gemeenten=("GM0344",), include_online=False))))
    assert utrecht == {catalogue["boekh2"].pk, catalogue["zorgmw"].pk}
    assert set(ids(search(q(max_price_cents=50_000)))) == {
        catalogue["vig"].pk,
        catalogue["taal"].pk,
        catalogue["excel"].pk,
    }
    assert set(ids(search(q(modes=("online",))))) == {catalogue["boekh"].pk, catalogue["excel"].pk}
    window = search(q(start_from=dt.date(2026, 9, 1), start_to=dt.date(2026, 9, 30)))
    assert set(ids(window)) == {
        catalogue["verpleeg"].pk,
        catalogue["helpende"].pk,
        catalogue["boekh2"].pk,
    }
    assert set(ids(search(q(provider_kinds=("public",))))) == {
        o.pk for k, o in catalogue.items() if o.opleider.kind == "public"
    }
    assert set(ids(search(q(leads_to=("microcredential",))))) == {catalogue["lassen"].pk}
    assert set(ids(search(q(skills=("lassen",))))) == {catalogue["lassen"].pk}
    assert set(ids(search(q(occupations=("LASSER",))))) == {catalogue["lassen"].pk}


FACET_FILTER = {
    "level": "levels",
    "offerType": "offer_types",
    "mode": "modes",
    "providerKind": "provider_kinds",
    "leadsTo": "leads_to",
    "region": "regions",
}


@pytest.mark.parametrize(
    "base",
    [
        q(),
        q(text="zorg"),
        q(levels=("eqf_4",), regions=("AM05",)),
        q(text="boekhouding", modes=("online",), max_price_cents=80_000),
        q(provider_kinds=("private",), leads_to=("none",), include_online=False, regions=("AM22",)),
    ],
)
def test_facet_counts_equal_filtered_result_counts(
    catalogue: dict[str, Offer], base: SearchQuery
) -> None:
    result = search(base.with_(page_size=100))
    assert result.total == len(result.offer_ids)
    for facet, values in result.facets.items():
        for value in values:
            narrowed = search(
                base.with_(**{FACET_FILTER[facet]: (value.value,), "facets": False}),
                with_offers=False,
            )
            assert value.count == narrowed.total, (facet, value.value)


def test_sorting(catalogue: dict[str, Offer]) -> None:
    cheap = search(q(sort="price", page_size=3))
    assert ids(cheap)[0] == catalogue["taal"].pk
    prices = [o.price_cents for o in search(q(sort="-price", page_size=100)).offers]
    assert prices == sorted(prices, reverse=True)


@time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False)
def test_sort_by_start_date_puts_offers_without_start_last(catalogue: dict[str, Offer]) -> None:
    result = search(q(sort="start", page_size=100))
    assert ids(result)[:2] == [catalogue["taal"].pk, catalogue["lassen"].pk]
    assert ids(result)[-2:] == sorted([catalogue["evc"].pk, catalogue["excel"].pk])


def test_paging(catalogue: dict[str, Offer]) -> None:
    everything = ids(search(q(page_size=100)))
    pages = [ids(search(q(page=p, page_size=4))) for p in (1, 2, 3)]
    assert functools.reduce(operator.iadd, pages, []) == everything
    assert search(q(page_size=4)).pages == 3


def test_ranking_does_not_depend_on_public_or_private(
    catalogue: dict[str, Offer],
) -> None:
    before = ids(search(q(text="boekhouding")))
    for opleider in Opleider.objects.all():
        opleider.kind = "private" if opleider.kind == "public" else "public"
        opleider.institution_code = opleider.institution_code or "30XX"
        opleider.save()
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        rebuild()
    assert ids(search(q(text="boekhouding"))) == before


def test_bad_filter_values_are_refused(catalogue: dict[str, Offer]) -> None:
    with pytest.raises(QueryError) as exc:
        search(q(levels=("eqf_9",)))
    assert exc.value.name == "level"
    with pytest.raises(QueryError):
        search(q(sort="cheapest"))
    with pytest.raises(QueryError):
        search(q(page=0))


def test_rebuild_gives_the_same_results(catalogue: dict[str, Offer]) -> None:
    before = [ids(search(q(text=t))) for t in ("zorg", "lassen", "boekhoudng", "")]
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False):
        rebuild()
    after = [ids(search(q(text=t))) for t in ("zorg", "lassen", "boekhoudng", "")]
    assert before == after


def test_anchor_is_a_date() -> None:
    assert isinstance(ANCHOR, dt.date)


@pytest.mark.parametrize("text", ["zorg", "lassen", "boekhouding", "opleiding", "werkenden"])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_relevance_pages_join_up_to_the_whole_ranking(
    catalogue: dict[str, Offer], text: str, size: int
) -> None:
    """PostgreSQL reads a relevance page tier by tier (rank-bounded top-k); every page must
    be the matching slice of the one ranking both databases define."""
    everything = search(q(text=text, page_size=100), with_offers=False)
    pages = [
        search(q(text=text, page=p, page_size=size, facets=False), with_offers=False).offer_ids
        for p in range(1, everything.total // size + 2)
    ]
    assert functools.reduce(operator.iadd, pages, []) == everything.offer_ids


@pytest.fixture
def everything_sampled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every offer in the sample and no exact counting: the estimated path, with a scale of
    1, so its counts can be compared with the exact ones."""
    from llo.register.search import base

    monkeypatch.setattr(base, "SAMPLE_CUT", base.SAMPLE_BUCKETS)
    monkeypatch.setattr(base, "EXACT_UP_TO", -1)


@pytest.mark.parametrize(
    "base_query",
    [
        q(),
        q(text="zorg"),
        q(text="boekhouding", modes=("online",)),
        q(levels=("eqf_4",), regions=("AM05",)),
        q(max_price_cents=100_000, start_from=dt.date(2026, 6, 1), start_to=dt.date(2026, 9, 30)),
        q(provider_kinds=("private",), leads_to=("none",), include_online=False, regions=("AM22",)),
    ],
)
def test_estimated_counts_are_labelled_and_scale_the_sample(
    catalogue: dict[str, Offer], everything_sampled: None, base_query: SearchQuery
) -> None:
    """Above the threshold the counts come from the sample, flagged as estimates; with every
    offer in the sample they equal the exact counts, and the page is the same as ever."""
    from llo.register.search import base

    rebuild()
    estimated = search(base_query.with_(page_size=100), with_offers=False)
    assert not estimated.counts_exact
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(base, "EXACT_UP_TO", 10**9)
        exact = search(base_query.with_(page_size=100), with_offers=False)
    assert exact.counts_exact
    assert exact.total_exact
    assert estimated.offer_ids == exact.offer_ids
    # The page was not full, so the total was seen whole: it is exact.
    assert (estimated.total, estimated.total_exact) == (exact.total, True)
    assert estimated.facets == exact.facets


def test_estimates_are_scaled_up_and_rounded(
    catalogue: dict[str, Offer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sample of half the buckets: every count is twice the sample's, rounded."""
    from llo.register.search import base

    monkeypatch.setattr(base, "SAMPLE_CUT", base.SAMPLE_BUCKETS // 2)
    monkeypatch.setattr(base, "EXACT_UP_TO", -1)
    rebuild()
    sampled = {pk for pk in (o.pk for o in catalogue.values()) if base.in_sample(pk)}
    result = search(q(page_size=2), with_offers=False)
    assert not result.counts_exact
    assert not result.total_exact
    published = {o.pk for k, o in catalogue.items() if k != "draft"}
    assert result.total == 2 * len(sampled & published)
    public = next(v for v in result.facets["providerKind"] if v.value == "public")
    in_sample_public = {
        o.pk for k, o in catalogue.items() if k != "draft" and o.opleider.kind == "public"
    } & sampled
    assert public.count == 2 * len(in_sample_public)
    assert len(result.offer_ids) == 2  # the page itself is exact


def test_an_estimate_is_never_below_what_the_page_shows(
    catalogue: dict[str, Offer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty sample estimates 0; the full page proves there are more."""
    from llo.register.search import base, postgres, sqlite

    for module in (postgres, sqlite):
        monkeypatch.setattr(module, "in_sample", lambda offer_id: False)
    monkeypatch.setattr(base, "EXACT_UP_TO", -1)
    rebuild()
    result = search(q(page=2, page_size=2), with_offers=False)
    assert len(result.offer_ids) == 2
    assert result.total >= 4
    assert not result.total_exact
    last = search(q(page=6, page_size=2), with_offers=False)
    assert (last.total, last.total_exact) == (11, True)


def test_about_rounds_to_two_digits() -> None:
    from llo.register.search.base import about

    assert [about(n) for n in (0, 7, 96, 123, 12_345.6, 230_400)] == [
        0,
        7,
        96,
        120,
        12_000,
        230_000,
    ]


def test_the_sample_is_a_fixed_thirty_second() -> None:
    from llo.register.search.base import SAMPLE_BUCKETS, in_sample, sample_bucket

    buckets = [sample_bucket(i) for i in range(1, 100_001)]
    assert min(buckets) >= 0
    assert max(buckets) < SAMPLE_BUCKETS
    share = sum(in_sample(i) for i in range(1, 100_001)) / 100_000
    assert abs(share - 1 / 32) < 0.002


@pytest.mark.parametrize("text", ["zorg", "lassen", "opleiding", "werkenden"])
def test_relevance_pages_on_the_estimated_path_join_up_to_the_whole_ranking(
    catalogue: dict[str, Offer],
    everything_sampled: None,
    monkeypatch: pytest.MonkeyPatch,
    db_vendor: str,
    text: str,
) -> None:
    """PostgreSQL reads a large result's page tier by tier: from the top of the rank index
    (a probe), from the GIN index above a rank floor, or the whole tier. Each path must give
    the shared ranking; the settings here make every path run on the small catalogue."""

    expected = search(q(text=text, page_size=100), with_offers=False).offer_ids
    rebuild()
    paths: list[dict[str, int]] = [{}]
    if db_vendor == "postgresql":
        from llo.register.search.postgres import PostgresSearch

        paths = [
            {"PROBE_EXPECTED": 10**6},  # always probe
            {"PROBE_EXPECTED": -1},  # never probe: rank floors, else the whole tier
        ]
        monkeypatch.setattr(PostgresSearch, "_tops", (0.0, ()))
    statements: list[str] = []

    def seen(execute: Any, sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    for settings in paths:
        with pytest.MonkeyPatch.context() as mp, connection.execute_wrapper(seen):
            for name, value in settings.items():
                mp.setattr(PostgresSearch, name, value)
            pages = [
                search(q(text=text, page=p, page_size=2, facets=False), with_offers=False)
                for p in range(1, len(expected) // 2 + 2)
            ]
        assert not pages[0].counts_exact
        assert functools.reduce(operator.iadd, [p.offer_ids for p in pages], []) == expected, (
            text,
            settings,
        )
    if db_vendor == "postgresql":
        # The probe of a rank band, below the few results read whole from the GIN index.
        probes = [s for s in statements if "FROM (SELECT * FROM register_searchentry" in s]
        if text in ("opleiding", "werkenden"):  # their page lies below a rank band here
            assert any("WHERE static_rank <" in s for s in probes), text
