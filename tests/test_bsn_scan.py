# SPDX-License-Identifier: EUPL-1.2
"""The BSN scan (issue 14, "checks that must exist afterwards"): after a run through the main
flows, no BSN of the data is in a log line, an address (the URLs asked and every Location
answered), an error page or problem, an export or a file a command wrote.

The run, over HTTP with the test client and real sessions per role: a funder registers its
budget and deposits by BSN (JSON, one known and one unknown person; a CSV file, also in
partial mode with an unknown BSN), reads its budget page, the rights, the export; staff
register a person by BSN (and again: the conflict); a person logs in with their BSN on the
login form, reads their home page and rights; a provider exports its offers; everyone reads
the open spending data; plus the errors: an unknown BSN, a BSN where an id belongs, a BSN in
an address. Every log record of every logger, the audit table and every job's result are
scanned too, as are the files written by ``llo register_export``.

A form that shows back what its user typed (the login form after a refused attempt) is that
user's own input on their own screen: an ``<input value="…">`` is left out of the scan, and
nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from llo.core.models import AuditEntry, Job
from llo.core.roles import Role
from llo.people.models import Organisation, Person, User
from tests.accounts.conftest import deposited, employ, make_org, valid_bsn
from tests.e2e.personas import create_demo_personas
from tests.enrolment.conftest import make_offer, make_provider

pytestmark = pytest.mark.django_db

_INPUT_VALUE = re.compile(r'<input[^>]*\bvalue="[^"]*"[^>]*>')


class Recorder:
    """A test client per role that keeps every URL, Location and body it saw."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (where, text)

    def client(self, user: User | None = None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        recorder = self
        original = client.request

        def request(**environ: Any) -> Any:
            response = original(**environ)
            url = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
            recorder.seen.append(("url", url))
            recorder.seen.append(("location", response.get("Location", "")))
            if getattr(response, "streaming", False):
                body = b"".join(response.streaming_content).decode("utf-8", "replace")
            else:
                body = response.content.decode("utf-8", "replace")
            if "text/html" in response.get("Content-Type", ""):
                body = _INPUT_VALUE.sub("<input>", body)
            kind = "error" if response.status_code >= 400 else "body"
            recorder.seen.append((f"{kind} {response.status_code} {url}", body))
            return response

        client.request = request  # type: ignore[method-assign]
        return client


def _bsns() -> set[str]:
    found = {p.bsn for p in Person.objects.all()}
    assert all(len(b) == 9 for b in found)
    return found


def test_no_bsn_in_logs_urls_errors_or_exports(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    create_demo_personas()
    rec = Recorder()
    employer = Organisation.objects.get(kvk="90000001")  # Bakkerij de Korenaar
    staff_org = make_org("ministry", name="Registerbeheer")
    people = list(Person.objects.all())
    for someone in people:
        employ(someone, employer)
    fatima = Person.objects.by_bsn("999990019")
    assert fatima is not None

    funder = rec.client(User.objects.create_user("s:werkgever", role=Role.WERKGEVER,
                                                 organisation=employer))  # fmt: skip
    budget = funder.post(
        "/api/v1/budgets",
        {"name": "Leerbudget 2026", "totalCents": 5_000_000, "periodStart": "2026-01-01",
         "periodEnd": "2026-12-31"},
        content_type="application/json",
    ).json()  # fmt: skip
    budget_id = budget["id"]
    unknown = valid_bsn(77)
    funder.post(
        f"/api/v1/budgets/{budget_id}/deposits",
        {"deposits": [{"bsn": p.bsn, "amountCents": 40_000} for p in people[:2]]
         + [{"bsn": unknown, "amountCents": 100}], "mode": "partial"},
        content_type="application/json",
    )  # fmt: skip
    funder.post(
        f"/api/v1/budgets/{budget_id}/deposits",
        {"deposits": [{"bsn": unknown, "amountCents": 100}]},
        content_type="application/json",
    )
    csv_file = "bsn,amount\n" + "".join(f"{p.bsn},25\n" for p in people[2:]) + f"{unknown},5\n"
    funder.post(
        f"/api/v1/budgets/{budget_id}/deposit-files?mode=partial",
        csv_file,
        content_type="text/csv",
    )
    funder.post(f"/api/v1/budgets/{budget_id}/deposit-files", csv_file, content_type="text/csv")
    funder.post(
        f"/api/v1/budgets/{budget_id}/deposits",
        {"deposits": [{"personId": int(fatima.bsn), "amountCents": 1}]},
        content_type="application/json",
    )  # a BSN where an id belongs
    for url in (
        "/financier/budgetten",
        f"/financier/budgetten/{budget_id}",
        f"/financier/budgetten/{budget_id}/export.csv",
        f"/api/v1/budgets/{budget_id}",
        "/api/v1/rights",
        f"/api/v1/providers/{fatima.bsn}",  # a BSN in an address
        f"/opleiders/{fatima.bsn}",
    ):
        funder.get(url)

    staff = rec.client(User.objects.create_user("s:beheer", role=Role.BEHEER,
                                                organisation=staff_org))  # fmt: skip
    new_bsn = valid_bsn(78)
    for _ in range(2):  # the second time: the conflict
        staff.post(
            "/api/v1/persons",
            {"bsn": new_bsn, "gemeenteCode": "GM0599", "displayName": "Nieuw Persoon",
             "birthDate": "1990-01-01", "highestLevel": "eqf_2", "labourPosition": "employed"},
            content_type="application/json",
        )  # fmt: skip

    # A person logs in with their BSN on the demo form, and reads their things.
    person_client = rec.client()
    person_client.post("/inloggen/demo", {"role": "burger", "bsn": fatima.bsn})
    person_client.post("/inloggen/demo", {"role": "burger", "bsn": fatima.bsn[:8] + "0"})
    for url in ("/home", "/api/v1/me", "/api/v1/rights", "/mijn-certificaten", "/aanvragen"):
        person_client.get(url)

    # A provider exports its offers; everyone reads the open data.
    opleider = make_provider("Opleider Scan")
    make_offer(opleider, start=dt.date(2026, 9, 1))
    provider = rec.client(User.objects.create_user("s:opleider", role=Role.OPLEIDER,
                                                   organisation=opleider.organisation))  # fmt: skip
    provider.get(f"/api/v1/providers/{opleider.organisation.kvk}/export?format=csv")
    provider.get("/opleider/aanvragen")
    anyone = rec.client()
    for url in ("/uitgaven.csv?jaar=2026", "/uitgaven.json?jaar=2026", "/api/v1/spending"):
        anyone.get(url)

    written = tmp_path / "export.csv"
    call_command("register_export", opleider.organisation.kvk, str(written), format="csv")

    bsns = _bsns()
    assert fatima.bsn in bsns
    assert len(bsns) >= 5  # the four personas and the person staff registered
    places: list[tuple[str, str]] = [
        *rec.seen,
        *(("log " + r.name, r.getMessage()) for r in caplog.records),
        *(
            ("audit " + a.action, json.dumps([a.actor, a.subject_id, a.purpose, a.before, a.after]))
            for a in AuditEntry.objects.all()
        ),
        *(("job result", json.dumps([j.params, j.result, j.error])) for j in Job.objects.all()),
        ("file", written.read_text(encoding="utf-8")),
    ]
    # Make sure the run did what it says: deposits landed, errors were answered.
    assert deposited() >= len(people)
    assert any(where.startswith("error 4") for where, _ in rec.seen)
    assert any("export.csv" in where and where.startswith("body 200") for where, _ in rec.seen)
    # The addresses this test itself typed a BSN into (the client's mistake, on purpose) are
    # not llo's to keep clean; the answers and logs about them are.
    deliberate = (f"/api/v1/providers/{fatima.bsn}?", f"/opleiders/{fatima.bsn}?")
    places = [(w, t) for w, t in places if not (w == "url" and t in deliberate)]
    leaks = [
        f"{where}: …{text[max(0, text.index(b) - 60) : text.index(b) + 20]}…"
        for where, text in places
        for b in bsns
        if b in text
    ]
    assert leaks == [], "\n".join(leaks[:20])
