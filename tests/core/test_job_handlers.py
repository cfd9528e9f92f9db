# SPDX-License-Identifier: EUPL-1.2
"""The two long works run as jobs by `llo run_jobs`: an import of offers and a deposit file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from llo.accounts import services as accounts
from llo.accounts.models import DepositLine, Right
from llo.core import audit, crypto, jobs
from llo.core.models import Job, JobStatus
from llo.core.money import Money
from llo.core.roles import Role
from llo.people.models import Employment, Organisation, OrganisationKind, Person, User
from llo.register.models import Offer, Opleider, ProviderKind

pytestmark = pytest.mark.django_db
ACTOR = audit.Actor.system("tests")


def test_an_import_of_offers_runs_as_a_job() -> None:
    org = Organisation.objects.create(kvk="90000009", name="Academie Vakwerk", kind="provider")
    Opleider.objects.create(organisation=org, kind=ProviderKind.PRIVATE)
    user = User.objects.create_user("opleider:v", role=Role.OPLEIDER, organisation=org)
    csv = (
        "code;title;offerType;levelOfQualification;leadsTo;legalStatus;levelBasis;studyLoad;"
        "studyLoadUnit;modesOfDelivery;fee;gemeenten;description\n"
        "LAS-1;Lassen MIG/MAG;course;eqf_2;none;cursist;indicative;40;hour;presential;450,00;"
        "GM0153;Leer lassen met MIG/MAG in de werkplaats van Academie Vakwerk in Enschede.\n"
    )
    job = jobs.enqueue(
        actor=ACTOR,
        kind="register.import",
        owner=jobs.owner_of(user),
        params={"kvk": "90000009", "content_type": "text/csv", "submit": False},
        data=csv.encode(),
    )
    call_command("run_jobs", once=True)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert job.result is not None
    assert job.result["ok"] is True, json.dumps(job.result["issues"])
    assert Offer.objects.filter(code="LAS-1").exists()


def test_a_deposit_file_runs_as_a_job() -> None:
    employer = Organisation.objects.create(
        kvk="90000001", name="Bakkerij", kind=OrganisationKind.EMPLOYER, gemeente_id="GM0599"
    )
    budget = accounts.create_budget(
        actor=ACTOR,
        funder=accounts.ensure_funder(employer),
        name="Leerbudget",
        total=Money(1_000_000),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    fatima = Person.objects.create(
        bsn_encrypted=crypto.encrypt("999990019"), bsn_hash=crypto.keyed_hash("999990019"),
        display_name="Fatima", birth_date=dt.date(1982, 1, 1), highest_level="eqf_2",
        labour_position="flex", gemeente_id="GM0599",
    )  # fmt: skip
    # she works at the bakery, so its budget reaches her (accounts.reach, issue 14 item 2)
    Employment.objects.create(
        person=fatima, employer=employer, cao="", sector="bakery", start=dt.date(2020, 1, 1)
    )
    user = User.objects.create_user("werkgever:b", role=Role.WERKGEVER, organisation=employer)
    job = jobs.enqueue(
        actor=ACTOR,
        kind="accounts.deposit_file",
        owner=jobs.owner_of(user),
        params={"budget": budget.pk, "mode": "all-or-nothing"},
        data=b"bsn,amount\r\n999990019,400\r\n",
    )
    call_command("run_jobs", once=True)
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.DONE, job.error
    assert job.result is not None
    assert job.result["created"] == 1
    assert job.result["totalCents"] == 40_000
    assert Right.objects.count() + DepositLine.objects.count() == 1


def test_a_large_deposit_file_in_the_api_is_202_and_a_job(settings: object) -> None:
    from django.test import Client

    settings.LLO_JOB_INLINE_BYTES = 10  # type: ignore[attr-defined]
    employer = Organisation.objects.create(
        kvk="90000001", name="Bakkerij", kind=OrganisationKind.EMPLOYER, gemeente_id="GM0599"
    )
    budget = accounts.create_budget(
        actor=ACTOR, funder=accounts.ensure_funder(employer), name="Leerbudget",
        total=Money(1_000_000), period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )  # fmt: skip
    fatima = Person.objects.create(
        bsn_encrypted=crypto.encrypt("999990019"), bsn_hash=crypto.keyed_hash("999990019"),
        display_name="Fatima", birth_date=dt.date(1982, 1, 1), highest_level="eqf_2",
        labour_position="flex", gemeente_id="GM0599",
    )  # fmt: skip
    # she works at the bakery, so its budget reaches her (accounts.reach, issue 14 item 2)
    Employment.objects.create(
        person=fatima, employer=employer, cao="", sector="bakery", start=dt.date(2020, 1, 1)
    )
    client = Client()
    client.force_login(
        User.objects.create_user("werkgever:b", role=Role.WERKGEVER, organisation=employer)
    )
    response = client.post(
        f"/api/v1/budgets/{budget.pk}/deposit-files",
        data="bsn,amount\n999990019,400\n",
        content_type="text/csv",
        headers={"Idempotency-Key": "file-1"},
    )
    assert response.status_code == 202, response.content
    location = response["Location"]
    assert client.get(location).json()["status"] == "queued"
    # A retry with the same key is the same job, not a second one.
    again = client.post(
        f"/api/v1/budgets/{budget.pk}/deposit-files",
        data="bsn,amount\n999990019,400\n",
        content_type="text/csv",
        headers={"Idempotency-Key": "file-1"},
    )
    assert again.status_code == 202
    assert again.json()["id"] == response.json()["id"]
    # The replay is the first answer in full, its Location included (issue 14: it was lost).
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == location
    assert Job.objects.count() == 1
    call_command("run_jobs", once=True)
    done = client.get(location).json()
    assert done["status"] == "done"
    assert done["result"]["totalCents"] == 40_000


def test_a_large_import_on_the_page_goes_to_the_jobs_page(settings: object) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    settings.LLO_JOB_INLINE_BYTES = 10  # type: ignore[attr-defined]
    org = Organisation.objects.create(kvk="90000009", name="Academie Vakwerk", kind="provider")
    Opleider.objects.create(organisation=org, kind=ProviderKind.PRIVATE)
    client = Client()
    client.force_login(User.objects.create_user("opleider:v", role=Role.OPLEIDER, organisation=org))
    upload = SimpleUploadedFile("aanbod.json", b'{"courses": []}', "application/json")
    response = client.post("/mijn-aanbod/importeren", {"file": upload})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == f"/taken/{job.pk}"
    page = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page
