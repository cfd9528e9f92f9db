# SPDX-License-Identifier: EUPL-1.2
"""How an index row encodes what the filters ask about: bit sets and integer keys.

Places and modes of delivery are bit sets (bit n = arbeidsmarktregio AMnn), so a region filter
is one ``&`` on both databases. Every facet value, price ceiling, start month and static-rank
floor is also a small integer in the row's ``keys``, so PostgreSQL can answer "these words,
this level, in this region" inside its GIN index (decision 003).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from llo.core.identifiers import Level
from llo.register.models import LeadsTo, ModeOfDelivery, OfferType, ProviderKind

MODE_BITS = {mode.value: 1 << i for i, mode in enumerate(ModeOfDelivery)}


def region_bit(code: str) -> int:
    """Bit of an arbeidsmarktregio code AMnn (CBS, 01-38 in 2025; room up to 62). A code
    outside that range has no bit, so it matches no place."""
    number = int(code[2:])
    return 1 << number if 0 < number < 63 else 0


#: Every facet value as a small integer, so PostgreSQL can match facet filters inside the
#: GIN index together with the words (``keys && ARRAY[...]``) instead of reading each matching
#: row. Stored in the index: change a number only together with ``llo register_reindex``.
KEY_BASE = {"level": 100, "offerType": 200, "providerKind": 300, "leadsTo": 400, "mode": 500}
KEY_VALUES: dict[str, list[str]] = {
    "level": [lv.value for lv in Level],
    "offerType": list(OfferType.values),
    "providerKind": list(ProviderKind.values),
    "leadsTo": list(LeadsTo.values),
    "mode": list(MODE_BITS),
}
#: A region AMnn is 600 + nn; 600 itself means "can be followed online".
REGION_KEY = 600


#: Price ceilings (cents): an offer has the key PRICE_KEY + i of every ceiling i at or above
#: its price, so "at most X" is narrowed in the index to the smallest ceiling >= X.
PRICE_CEILINGS = tuple(
    euros * 100
    for euros in (100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 7500)
)
PRICE_KEY = 700
#: A start in month m of year y: START_KEY + 12 * (y - 2000) + m - 1.
START_KEY = 1000
#: Static rank floors: an offer has the key RANK_KEY + f of every floor f at or below its
#: static rank, so "the best of these results" can be read in the index from a floor down.
RANK_FLOORS = (90, 80, 70, 60, 50, 40, 30, 20, 10)
RANK_KEY = 3000


def price_key(max_cents: int) -> int | None:
    for i, ceiling in enumerate(PRICE_CEILINGS):
        if max_cents <= ceiling:
            return PRICE_KEY + i
    return None


def month_key(day: dt.date) -> int:
    return START_KEY + 12 * (day.year - 2000) + day.month - 1


def facet_key(dim: str, value: str) -> int:
    if dim == "region":
        return REGION_KEY + int(value[2:])
    return KEY_BASE[dim] + KEY_VALUES[dim].index(value)


def facet_keys(
    *,
    level: str,
    offer_type: str,
    provider_kind: str,
    leads_to: str,
    mode_bits: int,
    region_bits: int,
    online: bool,
    price_cents: int = 0,
    starts: Iterable[dt.date] = (),
    static_rank: int = 0,
) -> list[int]:
    """The keys of one index row (see :data:`KEY_BASE`, :data:`PRICE_KEY`, :data:`START_KEY`)."""
    keys = []
    for dim, value in (
        ("level", level),
        ("offerType", offer_type),
        ("providerKind", provider_kind),
        ("leadsTo", leads_to),
    ):
        if value in KEY_VALUES[dim]:
            keys.append(facet_key(dim, value))
    keys += [KEY_BASE["mode"] + i for i in range(len(MODE_BITS)) if mode_bits >> i & 1]
    keys += [REGION_KEY + n for n in range(1, 63) if region_bits >> n & 1]
    if online:
        keys.append(REGION_KEY)
    keys += [PRICE_KEY + i for i, c in enumerate(PRICE_CEILINGS) if price_cents <= c]
    keys += sorted({month_key(s) for s in starts if s.year >= 2000})
    keys += [RANK_KEY + f for f in RANK_FLOORS if static_rank >= f]
    return keys


def region_bits(codes: Iterable[str]) -> int:
    bits = 0
    for code in codes:
        bits |= region_bit(code)
    return bits


def mode_bits(modes: Iterable[str]) -> int:
    bits = 0
    for mode in modes:
        bits |= MODE_BITS.get(mode, 0)
    return bits
