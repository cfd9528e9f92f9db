# SPDX-License-Identifier: EUPL-1.2
"""Keep the search index in step with the register.

An offer is in the index exactly when it is published and its provider is admitted. The
services call :func:`reindex` inside their transaction, so the index never shows a change
that was rolled back. ``llo register_reindex`` rebuilds everything (run it nightly: the next
start date and the static rank depend on today's date).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections

from llo.core.timeutil import today
from llo.register import terms
from llo.register.models import (
    Offer,
    Offering,
    OfferingState,
    OfferState,
    ProviderStatus,
    SearchEntry,
)
from llo.register.search import text as textmod
from llo.register.search.base import SearchBackend
from llo.register.search.keys import facet_keys, mode_bits, region_bits
from llo.register.search.query import EntryRow, tag_value
from llo.register.search.rank import static_rank

BATCH = 5_000


def backend(using: str = "default") -> SearchBackend:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        from llo.register.search.postgres import PostgresSearch

        return PostgresSearch(using)
    if vendor == "sqlite":
        from llo.register.search.sqlite import SqliteSearch

        return SqliteSearch(using)
    raise NotImplementedError(f"no register search for the database '{vendor}'")


def body_text(offer: Offer) -> str:
    """What besides the title is searchable: the description, skills, occupations and the
    provider's name (people search for "ROC Maasstad")."""
    return _body(
        offer.description, offer.skills, offer.occupations, offer.opleider.organisation.name
    )


def _body(description: str, skills: Any, occupations: Any, provider: str) -> str:
    # Offers hold codes; the index holds every Dutch label of them, so an offer is found by
    # any name of its occupation ("gaslasser" finds a course for lasser).
    return " ".join([description, terms.search_text(occupations or [], skills or []), provider])


#: What an index row is made of: the argument of :func:`make_row` and where it is in an
#: offer (a Django lookup path, also followed on an offer in memory by :func:`row_of`).
_FIELDS = {
    "offer_id": "pk",
    "opleider_id": "opleider_id",
    "offer_type": "offer_type",
    "level": "level",
    "leads_to": "leads_to",
    "provider_kind": "opleider__kind",
    "formal": "formal",
    "online": "online",
    "price_cents": "price_cents",
    "modes": "modes",
    "description": "description",
    "has_study_load": "study_load_value",  # not None: has a study load
    "skills": "skills",
    "occupations": "occupations",
    "title": "title",
    "provider_name": "opleider__organisation__name",
}


def _row(
    values: dict[str, Any],
    places: Sequence[tuple[str, str]],
    starts: Iterable[dt.date],
    on: dt.date,
) -> EntryRow:
    values["has_study_load"] = values["has_study_load"] is not None
    return make_row(**values, places=places, starts=starts, on=on)


def entry_rows(offer_ids: Iterable[int], using: str = "default") -> list[EntryRow]:
    """Index rows for those of ``offer_ids`` that belong in the index. Reads plain values,
    not model instances: indexing 100,000 offers must take seconds."""
    ids = list(offer_ids)
    if not ids:
        return []
    offers = list(
        Offer.objects.using(using)
        .filter(pk__in=ids, state=OfferState.PUBLISHED, opleider__status=ProviderStatus.ADMITTED)
        .order_by("pk")
        .values_list(*_FIELDS.values())
    )
    if not offers:
        return []
    found = [o[0] for o in offers]
    places: dict[int, list[tuple[str, str]]] = defaultdict(list)
    through = Offer.gemeenten.through
    for offer_id, code, region in (
        through.objects.using(using)
        .filter(offer_id__in=found)
        .values_list("offer_id", "gemeente_id", "gemeente__region_id")
    ):
        places[offer_id].append((code, region))
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for offer_id, start in (
        Offering.objects.using(using)
        .filter(offer_id__in=found)
        .exclude(state=OfferingState.CANCELLED)
        .values_list("offer_id", "start_date")
    ):
        starts[offer_id].append(start)
    on = today()
    return [
        _row(dict(zip(_FIELDS, values, strict=True)), places[values[0]], starts[values[0]], on)
        for values in offers
    ]


def make_row(
    *,
    offer_id: int,
    opleider_id: int,
    offer_type: str,
    level: str,
    leads_to: str,
    provider_kind: str,
    formal: bool,
    online: bool,
    price_cents: int,
    modes: Any,
    description: str,
    has_study_load: bool,
    skills: Any,
    occupations: Any,
    title: str,
    provider_name: str,
    places: Sequence[tuple[str, str]],
    starts: Iterable[dt.date],
    on: dt.date,
) -> EntryRow:
    """One index row: what the search filters, sorts and matches on."""
    offer_starts = sorted(set(starts))
    upcoming = [s for s in offer_starts if s >= on]
    regions = region_bits({region for _, region in places})
    rank = static_rank(
        description=description,
        starts=offer_starts,
        has_study_load=has_study_load,
        skill_count=len(skills or []) + len(occupations or []),
        leads_to=leads_to,
        today=on,
    )
    modes_set = mode_bits(modes or [])
    return EntryRow(
        offer_id=offer_id,
        opleider_id=opleider_id,
        offer_type=offer_type,
        level=level,
        leads_to=leads_to,
        provider_kind=provider_kind,
        formal=formal,
        online=online,
        price_cents=price_cents,
        next_start=upcoming[0] if upcoming else None,
        region_bits=regions,
        mode_bits=modes_set,
        static_rank=rank,
        title=textmod.normalise(title),
        body=textmod.normalise(_body(description, skills, occupations, provider_name)),
        gemeenten=sorted({code for code, _ in places}),
        skills=sorted({tag_value(str(s)) for s in skills or []}),
        occupations=sorted({tag_value(str(s)) for s in occupations or []}),
        starts=offer_starts,
        keys=facet_keys(
            level=level,
            offer_type=offer_type,
            provider_kind=provider_kind,
            leads_to=leads_to,
            mode_bits=modes_set,
            region_bits=regions,
            online=online,
            price_cents=price_cents,
            starts=offer_starts,
            static_rank=rank,
        ),
    )


def row_of(
    offer: Offer, *, places: Sequence[tuple[str, str]], starts: Iterable[dt.date], on: dt.date
) -> EntryRow:
    """The index row of an offer held in memory, with its provider (the import: it saves
    reading the offers back). ``places`` are ``(gemeente, region)`` pairs."""
    values = {
        name: functools.reduce(getattr, path.split("__"), offer) for name, path in _FIELDS.items()
    }
    return _row(values, places, starts, on)


def vocabulary(rows: Sequence[EntryRow]) -> dict[str, tuple[str, int]]:
    """``word -> (stem, number of rows with the word)``."""
    df: Counter[str] = Counter()
    stems: dict[str, str] = {}
    for word, stem in textmod.iter_vocabulary(f"{r.title} {r.body}" for r in rows):
        df[word] += 1
        stems[word] = stem
    return {w: (stems[w][:64], n) for w, n in df.items() if len(w) <= 64}


def reindex(offer_ids: Iterable[int], using: str = "default") -> int:
    """Bring the index entries of these offers up to date; returns how many are indexed.

    Words of offers that enter the index for the first time count in the vocabulary's
    document frequency; a full :func:`rebuild` recounts it exactly.
    """
    ids = sorted(set(offer_ids))
    if not ids:
        return 0
    engine = backend(using)
    indexed = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        before = set(
            SearchEntry.objects.using(using).filter(pk__in=chunk).values_list("pk", flat=True)
        )
        engine.delete_entries(chunk)
        rows = entry_rows(chunk, using)
        engine.write_entries(rows)
        engine.add_vocabulary(vocabulary([r for r in rows if r.offer_id not in before]))
        indexed += len(rows)
    return indexed


def index_new(rows: Sequence[EntryRow], using: str = "default") -> int:
    """Index rows built in memory for offers that are not in the index yet (the import):
    it saves reading 100,000 offers back from the database."""
    engine = backend(using)
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        engine.write_entries(chunk)
        engine.add_vocabulary(vocabulary(chunk))
    return len(rows)


def unindex(offer_ids: Iterable[int], using: str = "default") -> None:
    backend(using).delete_entries(sorted(set(offer_ids)))


def rebuild(using: str = "default", progress: object = None) -> int:
    """Empty the index and index every published offer again."""
    engine = backend(using)
    engine.clear()
    ids = list(
        Offer.objects.using(using)
        .filter(state=OfferState.PUBLISHED, opleider__status=ProviderStatus.ADMITTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = 0
    for start in range(0, len(ids), BATCH):
        rows = entry_rows(ids[start : start + BATCH], using)
        engine.write_entries(rows)
        engine.add_vocabulary(vocabulary(rows))
        total += len(rows)
        if callable(progress):
            progress(len(rows))
    return total
