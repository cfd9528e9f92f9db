# SPDX-License-Identifier: EUPL-1.2
"""The static rank of an offer: how complete and current its information is (pure).

It orders offers that match a query equally well, and it is precomputed, so the search can
take the best few without scoring every match (a rank-bounded top-k). It never looks at the
provider: public and private providers publish "on equal terms" (JOURNEYS.md; seed 000: "een
gelijk speelveld tussen publieke en private aanbieders"). A test pins that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def static_rank(
    *,
    description: str,
    starts: Iterable[dt.date],
    has_study_load: bool,
    skill_count: int,
    leads_to: str,
    today: dt.date,
) -> int:
    """0-100: a described offer with a start in the coming year that leads to a certificate
    and names its skills ranks above a bare one."""
    rank = 0
    length = len(description.strip())
    if length >= 200:
        rank += 25
    elif length >= 80:
        rank += 10
    horizon = today + dt.timedelta(days=366)
    if any(today <= s <= horizon for s in starts):
        rank += 30
    if has_study_load:
        rank += 10
    if skill_count:
        rank += 15
    if leads_to != "none":
        rank += 20
    return rank
