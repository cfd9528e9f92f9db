# SPDX-License-Identifier: EUPL-1.2
"""The two shared totals of a window rush, each changed by one conditional statement so that
concurrent writers cannot pass a limit together: a training's grants this year (STAP art.
12a, the cap per training) and a window's granted money (never above its budget). The
caller decides what to add and what to do when the statement refuses."""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from llo.enrolment.models import TrainingCounter, Window


def add_grants(offer_id: int, year: int, by: int, cap: int | None) -> bool:
    """Add ``by`` grants to a training's count unless that passes ``cap``; False when it
    would. ``cap=None`` always adds (a negative ``by`` gives grants back)."""
    TrainingCounter.objects.get_or_create(offer_id=offer_id, year=year)
    table = TrainingCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET grants = grants + %s WHERE offer_id = %s AND year = %s"  # noqa: S608
            + (" AND grants + %s <= %s" if cap is not None else ""),
            [by, offer_id, year, *([by, cap] if cap is not None else [])],
        )
        return cursor.rowcount == 1


def grants_by_offer(offer_ids: set[int], year: int) -> dict[int, int]:
    """The grants so far this year of each training."""
    return dict(
        TrainingCounter.objects.filter(offer_id__in=offer_ids, year=year).values_list(
            "offer_id", "grants"
        )
    )


def spend_window(window_id: int, cents: int) -> bool:
    """Add ``cents`` to the window's granted total unless that passes its budget."""
    table = Window._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET granted_cents = granted_cents + %s "  # noqa: S608
            "WHERE id = %s AND granted_cents + %s <= budget_cents",
            [cents, window_id, cents],
        )
        return cursor.rowcount == 1


def give_back(window_id: int, cents: int, offer_id: int, year: int) -> None:
    """A grant goes back: lower the window's total by ``cents`` and the training's count by
    one."""
    Window.objects.filter(pk=window_id).update(granted_cents=F("granted_cents") - cents)
    TrainingCounter.objects.filter(offer_id=offer_id, year=year).update(grants=F("grants") - 1)
