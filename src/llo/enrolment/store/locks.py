# SPDX-License-Identifier: EUPL-1.2
"""Every row lock the enrolment services take, named once, in one order (after saleor's
``checkout/lock_objects.py``).

The order, outermost first; a use case that needs several takes them in this order only, so
two use cases never wait for each other crosswise (a deadlock):

1. the **window** (``FOR UPDATE``): its allocator, its waiting list (granting, lapsing,
   leaving it: every writer of a waiting entry holds it, so the entries themselves are not
   locked), and a cancel that gives a grant back to it; the intake holds it ``FOR KEY
   SHARE`` (:func:`window_for_intake`), so the allocator waits for entries being written;
2. an **application** (``FOR UPDATE``);
3. the application's **enrolment** (``FOR UPDATE``);
4. a provider's **review case** (``FOR UPDATE``);
5. then, inside :mod:`llo.accounts.services`, the ledger's own locks (budget, right,
   reservation, ledger account), in the order that module names.

The training counter and the window's granted total are changed by one conditional
``UPDATE`` each (:mod:`.counters`), which locks only that row for the rest of the
transaction; they come after the locks above. Every function here must run inside
``transaction.atomic()``.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from llo.enrolment.models import Application, Enrolment, ReviewCase, Window


def window(window_id: int) -> Window:
    """Lock 1: the window, with its budget and funder read along."""
    return (
        Window.objects.select_for_update()
        .select_related("budget__funder__organisation")
        .get(pk=window_id)
    )


def window_for_intake(window_id: int) -> dt.datetime | None:
    """The intake's hold on the window (``FOR KEY SHARE``: intake requests never wait for
    each other, the allocator's ``FOR UPDATE`` waits for them and they for it): when the
    window was allocated, or None. SQLite writes one transaction at a time anyway."""
    table = Window._meta.db_table
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT allocated_at FROM {table} WHERE id = %s{lock}", [window_id])  # noqa: S608
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    value = row[0]
    if isinstance(value, str):  # SQLite hands back the stored text
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def application(application: Application) -> Application:
    """Lock 2: one application. When it belongs to a window and the use case may change the
    window's total (a cancel), lock the window first with :func:`window`."""
    return Application.objects.select_for_update().get(pk=application.pk)


def enrolment(application: Application) -> Enrolment:
    """Lock 3: the enrolment of an application."""
    return Enrolment.objects.select_for_update().get(application=application)


def review_case(case: ReviewCase) -> ReviewCase:
    """Lock 4: a provider's review case."""
    return ReviewCase.objects.select_for_update().get(pk=case.pk)
