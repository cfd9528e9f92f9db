# SPDX-License-Identifier: EUPL-1.2
"""The rows an import writes around its offers, and the look-ups it needs, in chunks.

:func:`llo.register.services.bulk_upsert` decides what changes; these functions write it with
COPY (PostgreSQL) or ``executemany`` (SQLite) through :mod:`.bulk`, since Django's
``bulk_create`` takes over a minute for the 600,000 rows of an import of 100,000 offers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from llo.register.models import Offer, Offering, OfferType, OfferVersion, Opleider, ReviewEvent
from llo.register.store import bulk

#: PostgreSQL takes at most 65,535 parameters in one statement.
CODES_PER_STATEMENT = 5_000
IDS_PER_STATEMENT = 10_000


def offers_by_code(opleider: Opleider, codes: Sequence[str]) -> dict[str, Offer]:
    """The provider's offers with these codes, by code."""
    found: dict[str, Offer] = {}
    for start in range(0, len(codes), CODES_PER_STATEMENT):
        chunk = codes[start : start + CODES_PER_STATEMENT]
        found.update((o.code, o) for o in Offer.objects.filter(opleider=opleider, code__in=chunk))
    return found


def programme_ids(opleider: Opleider) -> dict[str, int]:
    """The ids of the provider's programmes, by code."""
    programmes = Offer.objects.filter(opleider=opleider, offer_type=OfferType.PROGRAMME)
    return dict(programmes.values_list("code", "pk"))


def insert_offers(offers: Sequence[Offer]) -> None:
    """Insert new offers; each gets its primary key first (``offer.pk`` is set)."""
    bulk.insert(Offer, offers, with_ids=True)


def update_offers(offers: Sequence[Offer], fields: Sequence[str]) -> None:
    bulk.update(offers, fields)


def _delete_children(model: Any, offer_ids: Sequence[int]) -> None:
    for start in range(0, len(offer_ids), IDS_PER_STATEMENT):
        model.objects.filter(offer_id__in=offer_ids[start : start + IDS_PER_STATEMENT]).delete()


def replace_places(offer_ids: Sequence[int], places: Iterable[tuple[int, str]]) -> None:
    """The places of ``offer_ids`` out, then ``(offer_id, gemeente code)`` pairs in."""
    through = Offer.gemeenten.through
    _delete_children(through, offer_ids)
    bulk.insert_rows(through, ("offer_id", "gemeente_id"), list(places))


def replace_offerings(
    offer_ids: Sequence[int],
    offerings: Iterable[tuple[int, str, dt.date, dt.date | None, int | None, str]],
) -> int:
    """The start moments of ``offer_ids`` out, then ``(offer_id, code, start, end, capacity,
    state)`` in, each with a new OOAPI id. Returns how many were written."""
    _delete_children(Offering, offer_ids)
    rows = [(pk, code, uuid.uuid4(), *rest) for pk, code, *rest in offerings]
    bulk.insert_rows(
        Offering,
        ("offer_id", "code", "ooapi_id", "start_date", "end_date", "capacity", "state"),
        rows,
    )
    return len(rows)


def insert_versions(
    versions: Iterable[tuple[Offer, dict[str, Any]]], *, actor: str, at: dt.datetime
) -> None:
    """A version (the price history) of each offer at its current number, with its content."""
    bulk.insert_rows(
        OfferVersion,
        (
            "offer_id",
            "number",
            "created_at",
            "actor",
            "fee_cents",
            "exam_cents",
            "materials_cents",
            "price_cents",
            "vat_exempt",
            "snapshot",
        ),
        [
            (
                o.pk,
                o.version,
                at,
                actor,
                o.fee_cents,
                o.exam_cents,
                o.materials_cents,
                o.price_cents,
                o.vat_exempt,
                content,
            )
            for o, content in versions
        ],
    )


def insert_review_events(
    steps: Iterable[tuple[Offer, str, str]], *, actor: str, at: dt.datetime
) -> None:
    """One review step per ``(offer, action, state before)``, ending in the offer's state."""
    bulk.insert_rows(
        ReviewEvent,
        ("offer_id", "at", "actor", "action", "from_state", "to_state", "reason", "checks"),
        [(o.pk, at, actor, action, source, o.state, "", o.checks) for o, action, source in steps],
    )
