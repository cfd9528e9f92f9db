# SPDX-License-Identifier: EUPL-1.2
"""IDOR probes with real objects (issue 14, "checks that must exist afterwards").

The authorisation matrix (tests/test_authorisation_matrix.py) asks with ids nobody has; here
every address that names an object of an owner is asked, by a user of the same role, for a
real object of *another* owner: another person's right, application, intake entry and
credential; another provider's offer, offering, application, enrolment, credential,
exemption, subscription and organisation; another funder's budget (with its deposit lines),
window and right; another partner's demand statement; another user's background job. Each
answers 404, exactly as for an id nobody has (not 403, which says "it exists", and not
200), changes and reads nothing (no audit row), and is logged on ``llo.security``
(llo.core.denials). The owner, asked the same, is not refused: the probe used a real id in
the right place.

The addresses are enumerated from the matrix, which is itself enumerated from the URL
configuration and the OpenAPI document: an address with an id that needs a login and has
neither a probe here nor a reason in ``OWNERLESS`` fails the build.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from llo.accounts import services as accounts
from llo.advice.services import consent as advice_consent
from llo.core import audit, jobs
from llo.core.models import AuditEntry
from llo.core.money import Money
from llo.core.roles import Role
from llo.credentials import services as credentials
from llo.credentials.models import Credential, Exemption
from llo.enrolment.models import Application, Preview
from llo.people.models import Organisation, OrganisationKind, Person, User
from llo.regions.models import DemandStatement, DemandSubscription, Region
from llo.register.models import Offer, OfferState
from tests.accounts.conftest import employ, make_org
from tests.credentials.conftest import completed, microcredential_offer
from tests.enrolment.conftest import World, make_offer, make_provider, make_window, person
from tests.test_authorisation_matrix import OPERATIONS, PAGES

pytestmark = pytest.mark.django_db

ACTOR = audit.Actor("test:idor", "")

#: Addresses with an id that need a login but name nothing one owner has and another has not,
#: each with its reason.
OWNERLESS: dict[str, str] = {
    # register staff judge every offer and provider; policy staff read every scheme
    "beoordelen/<int:pk>": "staff: every offer in review",
    "beheer/opleiders/<str:kvk>": "staff: every provider",
    "beheer/opleiders/<str:kvk>/status": "staff: every provider",
    "beheer/opleiders/<str:kvk>/keurmerken": "staff: every provider",
    "beleid/regelingen/<slug:key>": "policy staff: every scheme is public law",
    "PUT /api/v1/providers/{kvk}/status": "staff: every provider",
    "POST /api/v1/providers/{kvk}/quality-marks": "staff: every provider",
    # a person applies for a published (public) offering or in a public window
    "aanvragen/nieuw/<int:offering_id>": "a published offering is public",
    "aanvragen/nieuw/<int:offering_id>/gegevens": "a published offering is public",
    "POST /api/v1/windows/{windowId}/applications": "a window is public; the preview in the "
    "body is probed in test_another_persons_preview_is_refused_like_an_unknown_one",
    "mijn-certificaten/vrijstellingen/<int:pk>": "a programme is public; the page shows only "
    "the person's own exemptions",
    "aanvraagrondes/<int:window_id>/vooraanmelden": "a window is public; a person pre-registers "
    "only themselves (the pre-registration has no id of its own in an address)",
}

#: The probe for each address: (object kind, URL parameters filled from the object).
Probe = tuple[str, Callable[["Objects"], dict[str, Any]]]


@dataclass
class Side:
    """One owner of every kind of object, with a logged-in client per role."""

    citizen: Client
    provider: Client
    funder: Client
    employer: Client
    partner: Client
    adviser: Client


@dataclass
class Objects:
    """The victim's objects (side B)."""

    right: int
    funded_right: int
    application: int
    entry: int
    enrolment: int
    credential: str
    exemption: int
    offer: int
    offering: int
    provider_kvk: str
    budget: int
    window: int
    statement: int
    subscription: int
    job: int
    preview: int


def _client(role: str, *, person: Person | None = None, org: Organisation | None = None) -> Client:
    client = Client()
    user = User.objects.create_user(
        f"idor:{role}:{User.objects.count()}", role=role, person=person, organisation=org
    )
    client.force_login(user)
    return client


def _side(tag: str) -> tuple[Side, dict[str, Any]]:
    """One owner of everything: a person, a provider, a UWV funder with a window, an employer
    with a budget, a regional partner; and the objects they own."""
    world = World(
        make_window(total=50_000_000, window_cents=20_000_000),
        (opleider := make_provider(f"Opleider {tag}")),
        *microcredential_offer(opleider),
    )
    someone = person()
    enrolment = completed(world, who=someone)
    application = enrolment.application
    provider = opleider.organisation
    credential = credentials.issue_for_enrolment(
        actor=ACTOR, provider=provider, enrolment=enrolment
    )
    # An employer's budget with a right of the person (an employer reaches its employees).
    employer = make_org("employer", name=f"Werkgever {tag}")
    employ(someone, employer)
    funder = accounts.ensure_funder(employer)
    budget = accounts.create_budget(
        actor=ACTOR,
        funder=funder,
        name=f"Leerbudget {tag}",
        total=Money(1_000_000),
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
    )
    right = accounts.deposit(
        actor=ACTOR, budget=budget, person=someone, amount=Money(10_000), on=dt.date(2023, 2, 1)
    )
    draft, draft_offering = make_offer(opleider, state=OfferState.DRAFT)
    programme, _ = make_offer(opleider)
    Offer.objects.filter(pk=programme.pk).update(offer_type="programme")
    exemption = Exemption.objects.create(
        person=someone,
        programme=programme,
        unit=world.offer,
        credential=credential,
        reason="Probe",
        proposed_at=dt.datetime(2023, 9, 1, tzinfo=dt.UTC),
    )
    partner_org = make_org(OrganisationKind.MUNICIPALITY, name=f"Gemeente {tag}")
    region = Region.objects.order_by("code").first()
    assert region is not None
    statement = DemandStatement.objects.create(
        region=region,
        organisation=partner_org,
        people=12,
        period_start=dt.date(2027, 1, 1),
        period_end=dt.date(2027, 12, 31),
        source="Probe",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    subscription = DemandSubscription.objects.create(
        organisation=provider,
        occupation_code="7212",  # an ISCO-08 group: welders
        region=region,
        key=f"7212||{region.code}",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    citizen = _client(Role.BURGER, person=someone)
    uwv_user_client = _client(Role.UWV, org=world.window.budget.funder.organisation)
    side = Side(
        citizen=citizen,
        provider=_client(Role.OPLEIDER, org=provider),
        funder=uwv_user_client,
        employer=_client(Role.WERKGEVER, org=employer),
        partner=_client(Role.GEMEENTE, org=partner_org),
        adviser=_client(
            Role.ADVISEUR, org=(centre := make_org("work_centre", name=f"Werkcentrum {tag}"))
        ),
    )
    # The person lets their own side's work centre see them (the advice app, issue 15).
    consent = advice_consent.give(
        actor=audit.Actor("test", "burger", person_id=someone.pk),
        person=someone,
        organisation_id=centre.pk,
        purpose="apply",
        until=dt.date.today() + dt.timedelta(days=30),
    )
    owner_user = User.objects.get(person=someone)
    job = jobs.enqueue(
        actor=ACTOR,
        kind="accounts.deposit_file",
        owner=jobs.owner_of(owner_user),
        params={"budget": budget.pk, "mode": "all"},
        data=b"bsn,amount\n",
    )
    preview = Preview.objects.filter(person=someone).latest("pk")
    return side, {
        "right": right.pk,
        "funded_right": right.pk,
        "application": application.pk,
        "entry": application.intake_id,
        "enrolment": enrolment.pk,
        "credential": str(credential.uuid),
        "exemption": exemption.pk,
        "offer": draft.pk,
        "offering": draft_offering.pk,
        "provider_kvk": provider.kvk,
        "budget": world.window.budget_id,
        "employer_budget": budget.pk,
        "window": world.window.pk,
        "statement": statement.pk,
        "subscription": subscription.pk,
        "job": job.pk,
        "preview": preview.pk,
        "person": someone.pk,
        "consent": consent.pk,
    }


def _o(**names: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda objs: {param: objs[key] for param, key in names.items()}


#: address → (who asks: an attribute of Side, the URL parameters from the victim's objects)
PROBES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    # a person's own things
    "mijn-rechten/<int:pk>": ("citizen", _o(pk="right")),
    "aanvragen/<int:pk>": ("citizen", _o(pk="application")),
    "aanvragen/<int:pk>/annuleren": ("citizen", _o(pk="application")),
    "aanvragen/ontvangen/<int:pk>": ("citizen", _o(pk="entry")),
    "aanvragen/ontvangen/<int:pk>/wachtlijst-verlaten": ("citizen", _o(pk="entry")),
    "GET /api/v1/applications/{applicationId}": ("citizen", _o(applicationId="application")),
    "mijn-certificaten/<str:value>": ("citizen", _o(value="credential")),
    "mijn-certificaten/<str:value>/download/<str:form>": (
        "citizen",
        lambda objs: {"value": objs["credential"], "form": "jwt"},
    ),
    "GET /api/v1/credentials/mine/{credential_id}": ("citizen", _o(credential_id="credential")),
    "taken/<int:pk>": ("citizen", _o(pk="job")),
    "GET /api/v1/jobs/{jobId}": ("citizen", _o(jobId="job")),
    # a provider's own things
    "mijn-aanbod/<int:pk>": ("provider", _o(pk="offer")),
    "mijn-aanbod/<int:pk>/wijzigen": ("provider", _o(pk="offer")),
    "mijn-aanbod/<int:pk>/stap": ("provider", _o(pk="offer")),
    "mijn-aanbod/<int:pk>/startmomenten/<int:offering>/annuleren": (
        "provider",
        _o(pk="offer", offering="offering"),
    ),
    "GET /api/v1/offers/{id}": ("provider", _o(id="offer")),  # a draft
    "GET /api/v1/offers/{id}/versions": ("provider", _o(id="offer")),
    "PUT /api/v1/offers/{id}": ("provider", _o(id="offer")),
    "POST /api/v1/offers/{id}/offerings": ("provider", _o(id="offer")),
    "POST /api/v1/offers/{id}/transitions": ("provider", _o(id="offer")),
    "GET /api/v1/providers/{kvk}/offers": ("provider", _o(kvk="provider_kvk")),
    "POST /api/v1/providers/{kvk}/imports": ("provider", _o(kvk="provider_kvk")),
    "GET /api/v1/providers/{kvk}/export": ("provider", _o(kvk="provider_kvk")),
    "opleider/aanvragen/<int:pk>": ("provider", _o(pk="application")),
    "opleider/aanvragen/<int:pk>/<slug:action>": (
        "provider",
        lambda objs: {"pk": objs["application"], "action": "aanwezigheid"},
    ),
    "POST /api/v1/enrolments/{applicationId}": ("provider", _o(applicationId="application")),
    "POST /api/v1/enrolments/{applicationId}/start": (
        "provider",
        _o(applicationId="application"),
    ),
    "PUT /api/v1/enrolments/{applicationId}/attendance": (
        "provider",
        _o(applicationId="application"),
    ),
    "POST /api/v1/enrolments/{applicationId}/completion": (
        "provider",
        _o(applicationId="application"),
    ),
    "certificaten/uitgeven/<int:pk>": ("provider", _o(pk="enrolment")),
    "certificaten/<str:value>/status": ("provider", _o(value="credential")),
    "POST /api/v1/credentials/issued/{credential_id}/status": (
        "provider",
        _o(credential_id="credential"),
    ),
    "certificaten/vrijstellingen/<int:pk>": ("provider", _o(pk="exemption")),
    "regio/abonnementen/<int:pk>/stoppen": ("provider", _o(pk="subscription")),
    "DELETE /api/v1/demand-subscriptions/{pk}": ("provider", _o(pk="subscription")),
    # a funder's own things (the budget page and export hold its deposit lines)
    "financier/budgetten/<int:budget_id>": ("funder", _o(budget_id="budget")),
    "financier/budgetten/<int:budget_id>/storten": ("funder", _o(budget_id="budget")),
    "financier/budgetten/<int:budget_id>/bestand": ("funder", _o(budget_id="budget")),
    "financier/budgetten/<int:budget_id>/export.csv": ("funder", _o(budget_id="budget")),
    "financier/budgetten/<int:budget_id>/rondes/nieuw": ("funder", _o(budget_id="budget")),
    "GET /api/v1/budgets/{budgetId}": ("funder", _o(budgetId="budget")),
    "POST /api/v1/budgets/{budgetId}/deposits": ("funder", _o(budgetId="budget")),
    "POST /api/v1/budgets/{budgetId}/deposit-files": ("funder", _o(budgetId="budget")),
    "POST /api/v1/budgets/{budgetId}/windows": ("funder", _o(budgetId="budget")),
    "financier/rondes/<int:window_id>": ("funder", _o(window_id="window")),
    "financier/rondes/<int:window_id>/verdelen": ("funder", _o(window_id="window")),
    "GET /api/v1/windows/{windowId}/report": ("funder", _o(windowId="window")),
    "GET /api/v1/windows/{windowId}/applications/{entryId}": (
        "citizen",
        _o(windowId="window", entryId="entry"),
    ),
    "POST /api/v1/rights/{rightId}/transfers": ("employer", _o(rightId="funded_right")),
    # the advice app: a person's consents; an adviser's clients (only with their consent)
    "mijn-toestemmingen/<int:pk>/intrekken": ("citizen", _o(pk="consent")),
    "adviseur/clienten/<int:person_id>": ("adviser", _o(person_id="person")),
    "adviseur/clienten/<int:person_id>/plan": ("adviser", _o(person_id="person")),
    # a regional partner's own demand statements
    "regio/vraag/<int:pk>/wijzigen": ("partner", _o(pk="statement")),
    "regio/vraag/<int:pk>/sluiten": ("partner", _o(pk="statement")),
    "PUT /api/v1/demand/{pk}": ("partner", _o(pk="statement")),
    "POST /api/v1/demand/{pk}/close": ("partner", _o(pk="statement")),
}

#: Second askers of an address: an adviser without the person's consent (consent is what
#: lets an adviser see a person's applications; llo.enrolment.services.consent).
MORE_PROBES: list[tuple[str, str, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    ("aanvragen/<int:pk>", "adviser", _o(pk="application")),
    ("aanvragen/ontvangen/<int:pk>", "adviser", _o(pk="entry")),
]

#: Bodies that get an owner's request past validation to its lookup.
BODIES: dict[str, dict[str, Any]] = {
    "PUT /api/v1/demand/{pk}": {
        "region": "",  # filled in from the statement
        "people": 12,
        "periodStart": "2027-01-01",
        "periodEnd": "2027-12-31",
        "source": "Probe",
        "version": 1,
    },
}


#: Forms that get an owner's POST past its own checks to the lookup.
FORMS: dict[str, dict[str, str]] = {
    "certificaten/<str:value>/status": {"action": "suspend", "reason": "Probe"},
}


def needs_login(row: dict[str, str]) -> bool:
    return row["anonymous"] in {"login", "401"}


def object_addresses() -> list[str]:
    pages = [r for r, row in PAGES.items() if re.search(r"<\w+:\w+>", r) and needs_login(row)]
    ops = [k for k, row in OPERATIONS.items() if "{" in k and needs_login(row)]
    return sorted(pages + ops)


def test_every_address_with_an_id_has_a_probe_or_a_reason() -> None:
    addresses = set(object_addresses())
    assert sorted(addresses - set(PROBES) - set(OWNERLESS)) == [], "addresses without a probe"
    # A public address may be probed too where an owner's object is not public yet (another
    # provider's draft offer); a probe of an address that is gone fails.
    every = set(PAGES) | set(OPERATIONS)
    assert sorted((set(PROBES) | set(OWNERLESS)) - every) == [], "probes of addresses gone"
    assert sorted(set(OWNERLESS) - addresses) == [], "reasons for addresses without a login"
    assert not set(PROBES) & set(OWNERLESS)


def _url(address: str, params: dict[str, Any]) -> tuple[str, str]:
    if " " in address:
        method, path = address.split(" ", 1)
        return method, re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), path)
    route = re.sub(r"<\w+:(\w+)>", lambda m: str(params[m.group(1)]), address)
    return "GET", "/" + route


def _ask(client: Client, address: str, method: str, url: str) -> Any:
    body: Any = {}
    if " " in address:
        from tests.test_authorisation_matrix import request_body

        data, content_type = request_body(address)
        if address in BODIES:
            body = dict(BODIES[address])
            region = DemandStatement.objects.order_by("pk").first()
            body["region"] = region.region_id if region else ""
            data, content_type = json.dumps(body).encode(), "application/json"
        return client.generic(method, url, data, content_type=content_type)
    response = client.get(url)
    if response.status_code == 405:  # a form's target: POST only
        response = client.post(url, FORMS.get(address, {}))
    return response


def test_another_owners_object_is_404_logged_and_untouched(
    caplog: pytest.LogCaptureFixture,
) -> None:
    intruder, _mine = _side("A")
    owner, objects = _side("B")
    failures: list[str] = []
    probes = [(a, *PROBES[a], False) for a in sorted(PROBES)] + [(*p, True) for p in MORE_PROBES]
    for address, who, params_of, person_owned in probes:
        method, url = _url(address, params_of(objects))
        before = AuditEntry.objects.count()
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="llo.security"):
            response = _ask(getattr(intruder, who), address, method, url)
        logged = [r.getMessage() for r in caplog.records if r.name == "llo.security"]
        if response.status_code != 404:
            failures.append(f"{address}: intruder got {response.status_code}")
        route = address.split(" ", 1)[-1].removeprefix("/")
        route = re.sub(r"\{(\w+)\}", r"<\1>", route)
        if not any("status=404" in line and f"route={route} " in line for line in logged):
            failures.append(f"{address}: not logged ({logged})")
        if AuditEntry.objects.count() != before:
            failures.append(f"{address}: the refused request wrote audit rows")
        # The owner asking the same is not refused (the probe used a real id in its place);
        # rolled back after, so one probe's effect (a closed statement) does not change the
        # next one's.
        owner_side = "citizen" if person_owned else who
        with transaction.atomic():
            answer = _ask(getattr(owner, owner_side), address, method, url)
            transaction.set_rollback(True)
        if answer.status_code in (403, 404) or answer.status_code >= 500:
            failures.append(f"{address}: the owner got {answer.status_code}")
    assert failures == [], "\n".join(failures)


def test_deposit_lines_of_another_funder_never_show(caplog: pytest.LogCaptureFixture) -> None:
    """The budget list of one employer holds nothing of another's (its deposit lines, names
    of its people), in the page, the API and the export."""
    intruder, _mine = _side("A")
    _owner, objects = _side("B")
    victim = Person.objects.get(rights__pk=objects["right"])
    for url in ("/financier/budgetten", "/api/v1/budgets", "/api/v1/rights"):
        response = intruder.employer.get(url)
        assert response.status_code == 200, url
        assert victim.display_name not in response.content.decode(), url
        assert "Leerbudget B" not in response.content.decode(), url


def test_another_persons_preview_is_refused_like_an_unknown_one() -> None:
    """A preview (the plan a person was shown) is named in a request's body, not its address:
    another person's preview is refused exactly as an id nobody has, so it leaks nothing."""
    intruder, _mine = _side("A")
    _owner, objects = _side("B")
    body = {"previewId": objects["preview"], "amountCents": 100}
    unknown = {"previewId": 999_999_999, "amountCents": 100}
    for path in ("/api/v1/applications", f"/api/v1/windows/{objects['window']}/applications"):
        theirs = intruder.citizen.post(
            path, body, content_type="application/json", headers={"Idempotency-Key": "p1"}
        )
        nobodys = intruder.citizen.post(
            path, unknown, content_type="application/json", headers={"Idempotency-Key": "p2"}
        )
        assert theirs.status_code == nobodys.status_code, path
        assert theirs.status_code in (400, 404, 422), path
        assert theirs.json()["detail"] == nobodys.json()["detail"], path
    assert Application.objects.filter(preview_id=objects["preview"]).count() <= 1
    assert Credential.objects.count() == 2
