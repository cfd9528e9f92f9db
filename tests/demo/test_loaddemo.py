# SPDX-License-Identifier: EUPL-1.2
"""``llo loaddemo`` and ``llo demo_logins`` on the real database (SQLite and PostgreSQL).

The demo is loaded once for this module, inside a transaction that is rolled back at the end,
so each test sees it without paying for the load again.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from pytest_django import DjangoDbBlocker

from llo.core.identifiers import is_valid_bsn
from llo.core.models import AuditEntry
from llo.demo import loader, personas
from llo.people.models import Employment, Organisation, OrganisationKind, Person
from llo.people.population import SECTORS
from llo.regions.models import Region


@pytest.fixture(scope="module")
def demo_output(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[str]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = StringIO()
            call_command("loaddemo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_output: str, db: None) -> str:
    return demo_output


def snapshot() -> dict[str, object]:
    return {
        "persons": sorted(
            Person.objects.values_list(
                "bsn_hash", "display_name", "birth_date", "highest_level", "labour_position",
                "gemeente_id",
            )
        ),
        "organisations": sorted(
            Organisation.objects.values_list("kvk", "name", "kind", "sector", "employees",
                                             "gemeente_id")
        ),
        "employments": sorted(
            Employment.objects.values_list(
                "person__bsn_hash", "employer__kvk", "sector", "cao", "start", "end"
            )
        ),
        "audit": AuditEntry.objects.count(),
    }  # fmt: skip


def test_loads_about_5000_persons_and_300_organisations(demo: str) -> None:
    assert Person.objects.count() == loader.DEMO_PERSONS + len(personas.PERSONS)
    # ~300 organisations of every kind, plus the ~300 providers of the register demo.
    assert 290 <= Organisation.objects.exclude(kvk__startswith="8").count() <= 320
    assert 590 <= Organisation.objects.count() <= 640
    assert "Demo data loaded" in demo


def test_every_kind_of_organisation_is_there(demo: str) -> None:
    kinds = dict(Organisation.objects.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == set(OrganisationKind.values)
    assert kinds["employer"] >= 140
    # 60 of the people demo, ~300 of the register demo, 2 new ones in the review queue.
    assert kinds["provider"] == 60 + 300 + 2
    assert kinds["work_centre"] == 35
    assert kinds["municipality"] == 35
    # An O&O-fund for every sector of the population generator.
    funds = set(Organisation.objects.filter(kind="oo_fund").values_list("sector", flat=True))
    assert funds == set(SECTORS)
    kvks = list(Organisation.objects.values_list("kvk", flat=True))
    assert all(len(k) == 8 and k.isdigit() for k in kvks)
    assert len(set(kvks)) == len(kvks)
    # Employers of every size class and in every region.
    sizes = [
        n
        for n in Organisation.objects.filter(kind="employer").values_list("employees", flat=True)
        if n is not None
    ]
    assert min(sizes) < 10
    assert max(sizes) >= 250
    employer_regions = Organisation.objects.filter(kind="employer").values("gemeente__region")
    assert employer_regions.distinct().count() == 35


def test_every_persona_is_there_and_found_by_bsn(demo: str) -> None:
    for persona in personas.PERSONS:
        person = Person.objects.by_bsn(persona.bsn)
        assert person is not None, persona.key
        assert person.display_name == persona.name
        assert person.gemeente_id == persona.gemeente
    for org in personas.ORGANISATIONS:
        assert Organisation.objects.get(kvk=org.kvk).name == org.name
    fatima = Person.objects.by_bsn("999990019")
    assert fatima is not None
    job = fatima.employments.get()
    assert (job.employer.name, job.sector, job.cao) == (
        "RetailFlex Uitzendbureau", "retail", "CAO Retail",
    )  # fmt: skip
    jan = Person.objects.by_bsn("999990020")
    assert jan is not None
    assert {job.cao for job in jan.employments.all()} == {"CAO Metaal en Techniek"}
    # Bakkerij de Korenaar has employees for its per-employee deposit.
    assert Employment.objects.filter(employer__kvk="90000001").count() == 17


def test_all_bsns_pass_the_11_proef_and_are_unique(demo: str) -> None:
    bsns = [p.bsn for p in Person.objects.only("bsn_encrypted")]
    assert len(bsns) == len(set(bsns)) == Person.objects.count()
    assert all(is_valid_bsn(b) for b in bsns)
    # Stored encrypted, never in clear text.
    stored = Person.objects.values_list("bsn_encrypted", flat=True)
    assert not any(b in s for b, s in zip(bsns, stored, strict=False))


def test_every_region_has_persons(demo: str) -> None:
    empty = Region.objects.annotate(n=Count("gemeenten__persons")).filter(n=0)
    assert list(empty) == []


def test_workers_have_employments_and_others_do_not(demo: str) -> None:
    with_job = Person.objects.filter(employments__isnull=False).distinct()
    positions = set(with_job.values_list("labour_position", flat=True))
    # Employees (and Sanne, whose job ended) have employments; the self-employed do not.
    assert positions <= {"employed", "flex", "job_seeker"}
    employees = Person.objects.filter(labour_position__in=["employed", "flex"])
    assert employees.filter(employments__isnull=True).count() == 0


def test_running_it_again_changes_nothing(demo: str) -> None:
    before = snapshot()
    out = StringIO()
    call_command("loaddemo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert snapshot() == before


def test_the_load_wrote_one_audit_record(demo: str) -> None:
    entries = AuditEntry.objects.filter(action="demo.loaded")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor == "system:loaddemo"
    assert entry.after is not None
    assert entry.after["created"]["persons"] == loader.DEMO_PERSONS + len(personas.PERSONS)


def test_demo_logins_prints_the_url_and_every_login(demo: str) -> None:
    out = StringIO()
    call_command("demo_logins", "--url", "http://127.0.0.1:8000/", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000/" in text
    for login in personas.LOGINS:
        assert (login.bsn or login.kvk) in text


def test_the_review_queue_holds_real_cases(demo: str) -> None:
    """Issue 15 item 7: the admission checks, not the loader, send these to a person."""
    from llo.register.models import Offer, OfferState
    from llo.register.selectors import review_queue

    waiting = {o.title: {c["code"] for c in o.checks} for o in review_queue()}
    assert waiting["Gegarandeerd rijk worden met lassen"] >= {
        "new-provider",
        "price-per-hour",
        "promise",
    }
    assert "price-jump" in waiting["Boekhouden voor het mkb"]
    assert waiting["Yoga voor ondernemers"] >= {"new-provider", "maybe-leisure"}
    rich = Offer.objects.get(code="SVA-LAS-RIJK")
    assert (rich.state, rich.price_cents) == (OfferState.SUBMITTED, 1_499_900)


def test_jan_has_a_new_employer_under_his_cao_and_his_rights_move_with_him(demo: str) -> None:
    """JOURNEYS.md: Jan changes employer within the same CAO and his right moves with him. The
    demo holds the change (his new employer registered the job); the move is his to make on
    "Ik heb een nieuwe werkgever", which says each O&O-fund right moves with him."""
    from llo.core.timeutil import today
    from llo.web.person_pages import moves_for

    jan = Person.objects.by_bsn("999990020")
    assert jan is not None
    on = today()
    jobs = {job.employer.name: job for job in jan.employments.select_related("employer")}
    assert set(jobs) == {"Metaalbedrijf Twente Precisie", "Machinefabriek Hengelo"}
    new, old = jobs["Machinefabriek Hengelo"], jobs["Metaalbedrijf Twente Precisie"]
    assert new.start == on.replace(day=1)
    assert old.end is not None
    assert old.end < new.start
    assert not old.is_active_on(on)
    moves, current = moves_for(jan, on)
    assert current == [new]
    assert moves
    assert {m.right.funder.organisation.name for m in moves} == {"O&O-fonds Techniek"}
    assert {m.outcome for m in moves} == {"same_cao"}
    assert all(m.employment == new for m in moves)
