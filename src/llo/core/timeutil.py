# SPDX-License-Identifier: EUPL-1.2
"""Time helpers: store in UTC, evaluate rules on a date (peildatum)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

AMSTERDAM = dt.UTC  # replaced below when zoneinfo is available
try:
    from zoneinfo import ZoneInfo

    AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # type: ignore[assignment]
except Exception:  # noqa: S110 - tzdata is always there on Debian; keep UTC otherwise
    pass


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return timezone.now()


def today() -> dt.date:
    """Today's date in the Netherlands: a rule's default peildatum."""
    return timezone.now().astimezone(AMSTERDAM).date()


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Age in whole years on a date; someone born on 29 February turns a year older on
    1 March in a non-leap year (as the BRP counts it)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
