# SPDX-License-Identifier: EUPL-1.2
"""Date arithmetic for the rules, on whole numpy arrays (never a Python loop per person).

Every function states its rounding. Dates are ``datetime64[D]`` arrays; the peildatum is a
scalar ``datetime.date``, because one run evaluates everyone on the same date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools

import numpy as np

EPOCH_YEAR = 1970


def month_index(on: dt.date) -> int:
    """Months since January 1970 (the unit numpy uses for ``datetime64[M]``)."""
    return (on.year - EPOCH_YEAR) * 12 + on.month - 1


_TABLE_FIRST = np.datetime64("1850-01-01", "D")
_TABLE_DAYS = int((np.datetime64("2200-01-01", "D") - _TABLE_FIRST).astype(np.int64))


@functools.lru_cache(maxsize=1)
def _month_day_table() -> tuple[np.ndarray, np.ndarray]:
    """Month index and day of month for every day from 1850 to 2199 (about 128,000 days)."""
    days = _TABLE_FIRST + np.arange(_TABLE_DAYS).astype("timedelta64[D]")
    months = days.astype("datetime64[M]")
    day = (days - months.astype("datetime64[D]")).astype(np.int8) + 1
    return months.astype(np.int32), day


def _offsets(dates: np.ndarray) -> np.ndarray | None:
    """Positions in the table, or None when a date falls outside it."""
    days = np.asarray(dates, dtype="datetime64[D]")
    offset = (days - _TABLE_FIRST).astype(np.int64)
    if offset.size and (offset.min() < 0 or offset.max() >= _TABLE_DAYS):
        return None
    return offset


def month_index_of(dates: np.ndarray) -> np.ndarray:
    """Months since January 1970 of each date (``int32``).

    A look-up in a table of every day from 1850 to 2199 (a gather from a table that stays in
    the CPU cache), several times faster than numpy's conversion to ``datetime64[M]`` on
    millions of dates. Dates outside the table take the slow, exact conversion.
    """
    offset = _offsets(dates)
    if offset is None:
        return np.asarray(dates, dtype="datetime64[D]").astype("datetime64[M]").astype(np.int32)
    return _month_day_table()[0][offset]


def day_of_month(dates: np.ndarray) -> np.ndarray:
    """Day of the month 1..31 of each date (``int32``), by the same table."""
    offset = _offsets(dates)
    if offset is None:
        days = np.asarray(dates, dtype="datetime64[D]")
        return (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int32) + 1
    return _month_day_table()[1][offset].astype(np.int32)


def split_month_day(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(months since 1970-01, day of month 1..31) for an array of ``datetime64[D]``."""
    return month_index_of(dates), day_of_month(dates)


def months_completed(birth: np.ndarray, on: dt.date) -> np.ndarray:
    """Whole months of age on ``on`` (``int32``).

    A month is complete on the day with the same number as the birth day; when the month has
    no such day (born on the 31st, or on 29 February) it is complete on the 1st of the next
    month. So someone born on 29 February 2004 turns 18 (216 months) on 1 March 2022, as the
    BRP counts it (``llo.core.timeutil.age_on``).
    """
    return months_completed_from(month_index_of(birth), day_of_month(birth), on)


def months_completed_from(
    birth_month: np.ndarray, birth_day: np.ndarray, on: dt.date
) -> np.ndarray:
    """As :func:`months_completed`, from the birth month index and day of month."""
    return (month_index(on) - birth_month - (on.day < birth_day)).astype(np.int32)


def months_completed_at_end_of_previous_year(birth_month: np.ndarray, on: dt.date) -> np.ndarray:
    """Whole months of age on 31 December of the year before ``on``, from the birth month.

    On 31 December every birth day of the month has passed (no month has more than 31 days),
    so this is just the difference in months.
    """
    return (month_index(dt.date(on.year - 1, 12, 31)) - birth_month).astype(np.int32)


def days_between(on: dt.date, later: np.ndarray) -> np.ndarray:
    """Calendar days from ``on`` to each date in ``later`` (``int32``; negative if earlier).
    Leap days count as days: 1 to 29 February 2028 is 28 days."""
    return (np.asarray(later, dtype="datetime64[D]") - np.datetime64(on, "D")).astype(np.int32)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months; when that month is shorter, its last day
    (31 August + 3 months = 30 November; 31 December + 3 months = 31 March)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def parse_interval(text: str) -> tuple[dt.date, dt.date]:
    """An ISO 8601 interval ``2022-03-01/2022-04-30`` (both days included)."""
    start, _, end = str(text).partition("/")
    first, last = dt.date.fromisoformat(start.strip()), dt.date.fromisoformat(end.strip())
    if last < first:
        raise ValueError(f"interval {text} ends before it starts")
    return first, last


def as_date(value: object) -> dt.date:
    """A ``datetime.date`` from a date, datetime (its date part) or ISO string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date, got {type(value).__name__}")
