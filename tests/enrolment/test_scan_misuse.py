# SPDX-License-Identifier: EUPL-1.2
"""``llo scan_misuse`` (issue 15, "also seen": the misuse rules never ran, so the signals
queue was always empty): the command runs the rules over a year's applications, fills the
queue once (a second run adds nothing), and register staff read each signal in Dutch."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from llo.enrolment import services
from llo.enrolment.models import Application, MisuseFlag, ReviewCase
from tests.e2e.dutch import problems_in
from tests.enrolment.conftest import DURING, World, person
from tests.enrolment.test_pages import funded_person, login, nl

pytestmark = pytest.mark.django_db
ACTOR = services.SYSTEM


def _apply_direct(world: World) -> Application:
    """An application from an employer's budget, without a window (no pre-registration)."""
    someone = funded_person()
    shown = services.preview(actor=ACTOR, person=someone, offering=world.offering, on=DURING.date())
    return services.apply(
        actor=ACTOR, shown=shown, amount_cents=shown.amount_cents, on=DURING.date()
    )


def test_scan_misuse_fills_the_signals_queue_once_in_dutch(world: World) -> None:
    direct = _apply_direct(world)
    # In the STAP window: STAP asked for the provider's pre-registration, this one has none.
    shown = services.preview(
        actor=ACTOR, person=person(), offering=world.offering, window=world.window, on=DURING.date()
    )
    services.submit(
        actor=ACTOR, window=world.window, shown=shown, amount_cents=shown.amount_cents,
        idempotency_key="k1", at=DURING,
    )  # fmt: skip
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    in_window = Application.objects.exclude(pk=direct.pk).get()
    services.report_gift(
        actor=ACTOR, provider=world.provider, offer=world.offer, declared=False,
        text="Iedereen krijgt een gratis tablet",
    )  # fmt: skip

    out = StringIO()
    call_command("scan_misuse", "--year", "2023", stdout=out)
    assert "2023: 2 new signals (gift 1, no_pre_registration 1)" in out.getvalue()
    flags = {(f.rule, f.subject, f.subject_id) for f in MisuseFlag.objects.all()}
    assert flags == {
        ("gift", "offer", world.offer.pk),
        ("no_pre_registration", "application", in_window.pk),
    }  # the direct application is not flagged for a pre-registration STAP alone asked
    assert ReviewCase.objects.filter(provider=world.provider, closed_at__isnull=True).count() == 1

    again = StringIO()
    call_command("scan_misuse", "--year", "2023", stdout=again)
    assert "2023: 0 new signals (none)" in again.getvalue()
    assert MisuseFlag.objects.count() == 2

    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(client, "beheer")
    page = client.get(reverse("enrolment:review-queue")).content.decode()
    assert nl("Gift or perk for participants") in page
    assert "Iedereen krijgt een gratis tablet" in page
    assert nl("The provider did not register this person for this training first.") in page
    assert "STAP art." not in page  # the scan's English log text stays out of the page
    main = page.split("<main")[1].split("</main>")[0]
    text = re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])
    with translation.override("nl"):
        assert problems_in(text) == []
