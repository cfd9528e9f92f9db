# SPDX-License-Identifier: EUPL-1.2
"""The adviser (JOURNEYS.md, Ilse at the work centre Rijnmond) with Fatima's consent: she gives
it for a purpose and until a date, Ilse sees her overview (each read in the audit log with
role, organisation and purpose), makes a development plan (goal occupation, skills gap from
ESCO's essential skills, three steps, who pays what) and applies for her; without consent or
after Fatima ends it, every page is 404 and applying is refused."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from llo.accounts import services as accounts
from llo.advice import services as advice
from llo.advice.models import DevelopmentPlan, PlanStep
from llo.core import audit
from llo.core.models import AuditEntry
from llo.core.money import Money
from llo.core.problems import Problem
from llo.core.timeutil import today
from llo.enrolment.models import Application, Consent
from llo.people.models import Organisation, Person, User
from llo.register.models import Offer, Offering, OfferState
from llo.register.search.indexer import reindex
from llo.skills.resolve import Resolver
from tests.accounts.conftest import employ, make_org, make_person
from tests.enrolment.conftest import make_provider

pytestmark = pytest.mark.django_db
ACTOR = audit.Actor("test:advice", "burger")
_n = itertools.count(1)


def nl(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def login(
    client: Client, role: str, *, who: Person | None = None, org: Organisation | None = None
) -> User:
    user = User.objects.create_user(
        f"{role}:a{next(_n)}", role=role, person=who, organisation=org, display_name="Ilse"
    )
    client.force_login(user)
    return user


def skill(name: str) -> str:
    return Resolver("skill").resolve(name)


def offer(title: str, skills: list[str], *, fee: int, offer_type: str = "course") -> Offer:
    opleider = make_provider("ROC Maasstad")
    made = Offer.objects.create(
        opleider=opleider,
        code=f"A{next(_n)}",
        title=title,
        offer_type=offer_type,
        level="eqf_2",
        leads_to="microcredential",
        legal_status="cursist",
        modes=["presential"],
        fee_cents=fee,
        price_cents=fee,
        skills=[skill(s) for s in skills],
        state=OfferState.PUBLISHED,
    )
    made.gemeenten.add("GM0599")  # Rotterdam, where Fatima lives
    Offering.objects.create(offer=made, start_date=today() + dt.timedelta(days=40))
    return made


@pytest.fixture
def world() -> dict[str, object]:
    fatima = make_person(name="Fatima El Amrani", gemeente="GM0599")
    shop = make_org("employer", name="RetailFlex")
    employ(fatima, shop)
    funder = accounts.ensure_funder(shop)
    budget = accounts.create_budget(
        actor=ACTOR,
        funder=funder,
        name="Ontwikkelbudget",
        total=Money(1_000_000),
        period_start=today() - dt.timedelta(days=30),
        period_end=today() + dt.timedelta(days=300),
    )
    accounts.deposit(actor=ACTOR, budget=budget, person=fatima, amount=Money(100_000), on=today())
    rwc = make_org("work_centre", name="Regionaal Werkcentrum Rijnmond")
    care = offer("Verzorgen in de praktijk", ["verzorgen", "hygiënisch werken"], fee=60_000)
    clients = offer("Praten met cliënten", ["communiceren met cliënten"], fee=30_000)
    living = offer("Helpen bij wonen", ["ondersteunen bij wonen"], fee=20_000)
    language = offer("Taal op de werkvloer (NT1)", ["lezen"], fee=0, offer_type="basic_skills")
    welding = offer("Lassen", ["lassen"], fee=10_000)
    reindex([o.pk for o in (care, clients, living, language, welding)])
    return {
        "fatima": fatima, "rwc": rwc, "care": care, "clients": clients, "living": living,
        "language": language, "welding": welding,
    }  # fmt: skip


def give(client: Client, fatima: Person, rwc: Organisation, purpose: str = "apply") -> Consent:
    login(client, "burger", who=fatima)
    until = today() + dt.timedelta(days=60)
    page = client.post(
        reverse("advice:my-consents"),
        {"organisation": rwc.pk, "purpose": purpose, "until": until.isoformat()},
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    consent = Consent.objects.get(person=fatima, organisation=rwc)
    assert (consent.purpose, consent.valid_until.date()) == (purpose, until)
    return consent


def test_fatima_gives_consent_for_a_purpose_until_a_date_and_it_is_audited(world: dict) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    consent = give(client, world["fatima"], world["rwc"])
    entry = AuditEntry.objects.get(action="consent.given")
    assert entry.subject_id == str(consent.pk)
    page = client.get(reverse("advice:my-consents")).content.decode()
    assert "Regionaal Werkcentrum Rijnmond" in page
    assert f'data-consent="{consent.pk}" data-active="yes"' in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"until": "yesterday"}, "until", "Choose an end date after today."),
        ({"until": "far"}, "until", "Choose an end date at most one year from today."),
        ({"organisation": "employer"}, "organisation", ""),
        ({"purpose": "everything"}, "purpose", ""),
    ],
)
def test_a_bad_consent_is_refused_beside_its_field_and_nothing_is_written(
    world: dict, fields: dict[str, str], field: str, message: str
) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(client, "burger", who=world["fatima"])
    employer = Organisation.objects.get(name="RetailFlex")
    days = {"yesterday": -1, "far": 400}
    data = {
        "organisation": str(world["rwc"].pk),
        "purpose": "apply",
        "until": (today() + dt.timedelta(days=30)).isoformat(),
    }
    for key, value in fields.items():
        if key == "until":
            data[key] = (today() + dt.timedelta(days=days[value])).isoformat()
        elif key == "organisation":
            data[key] = str(employer.pk)  # not a work centre
        else:
            data[key] = value
    page = client.post(reverse("advice:my-consents"), data)
    assert page.status_code == 400
    html = page.content.decode()
    assert f'id="id_{field}-error"' in html or f'id="id_{field}_0-error"' in html
    if message:
        assert nl(message) in html
    assert not Consent.objects.exists()


def test_without_consent_the_adviser_sees_nothing(world: dict) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(client, "adviseur", org=world["rwc"])
    fatima = world["fatima"]
    assert client.get(reverse("advice:clients")).status_code == 200
    assert fatima.display_name not in client.get(reverse("advice:clients")).content.decode()
    assert client.get(reverse("advice:client", args=[fatima.pk])).status_code == 404
    assert client.get(reverse("advice:plan", args=[fatima.pk])).status_code == 404
    goal = client.post(
        reverse("advice:plan", args=[fatima.pk]), {"action": "goal", "goal": "zorghulp"}
    )
    assert goal.status_code == 404
    assert not DevelopmentPlan.objects.exists()
    assert not AuditEntry.objects.filter(action=audit.PERSON_READ).exists()


def test_ilse_sees_the_overview_makes_a_plan_and_applies_for_fatima(world: dict) -> None:
    fatima, rwc = world["fatima"], world["rwc"]
    consent = give(Client(HTTP_ACCEPT_LANGUAGE="nl"), fatima, rwc)
    ilse = Client(HTTP_ACCEPT_LANGUAGE="nl")
    user = login(ilse, "adviseur", org=rwc)

    listing = ilse.get(reverse("advice:clients")).content.decode()
    assert "Fatima El Amrani" in listing
    overview = ilse.get(reverse("advice:client", args=[fatima.pk]))
    assert overview.status_code == 200
    assert "RetailFlex" in overview.content.decode()
    assert "€ 1.000,00" in overview.content.decode()
    read = AuditEntry.objects.filter(
        action=audit.PERSON_READ, subject_id=str(fatima.pk), purpose__contains="learning overview"
    ).get()
    assert (read.role, read.organisation, read.actor) == ("adviseur", rwc.kvk, f"user:{user.pk}")
    assert f"consent {consent.pk}" in read.purpose

    # The goal by a Dutch name ESCO has as another name: zorgassistent is zorghulp.
    url = reverse("advice:plan", args=[fatima.pk])
    assert ilse.post(url, {"action": "goal", "goal": "zorgassistent"}).status_code == 302
    plan = DevelopmentPlan.objects.get()
    assert plan.goal == Resolver("occupation").resolve("zorghulp")
    html = ilse.get(url).content.decode()
    # The gap: the four essential skills of zorghulp, none held yet.
    assert len(re.findall(r'data-has="no"', html)) == 4
    # Suggestions teach the gap, the basic-skills course is offered first; welding is not.
    assert f'data-offer="{world["care"].pk}"' in html
    assert f'data-offer="{world["language"].pk}"' in html
    assert f'data-offer="{world["welding"].pk}"' not in html

    for made in ("language", "care", "clients"):
        done = ilse.post(url, {"action": "add", "offer": world[made].pk, "note": "eerst"})
        assert done.status_code == 302
    assert list(plan.steps.values_list("position", "offer")) == [
        (1, world["language"].pk), (2, world["care"].pk), (3, world["clients"].pk)
    ]  # fmt: skip
    full = ilse.post(url, {"action": "add", "offer": world["living"].pk})
    assert full.status_code == 400
    assert nl("A plan has at most three steps. Remove a step first.") in full.content.decode()
    html = ilse.get(url).content.decode()
    # Who pays what: the employer pays the care course in full, Fatima pays € 0.
    step2 = html.split('data-step="2"')[1].split('data-step="3"')[0]
    assert 'data-own="0"' in step2
    assert "RetailFlex" in step2
    assert "€ 600,00" in step2
    # What is still to learn after the plan: ondersteunen bij wonen.
    assert len(re.findall(r'data-has="no"', html)) == 1
    assert len(re.findall(r'data-has="step"', html)) == 3

    # She removes the last step; the plan has two.
    assert ilse.post(url, {"action": "remove", "position": "3"}).status_code == 302
    assert plan.steps.count() == 2

    # Ilse applies for the care course on Fatima's behalf, through the apply page.
    link = re.search(
        r'data-apply href="([^"]+)"', ilse.get(url).content.decode().split('data-step="2"')[1]
    )
    assert link is not None
    apply_url = link[1].replace("&amp;", "&")
    page = ilse.get(apply_url)
    assert page.status_code == 200
    fields = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.content.decode())
    )
    fields.pop("csrfmiddlewaretoken", None)
    done = ilse.post(apply_url.split("?")[0], {**fields, "confirm": "on"})
    assert done.status_code == 302, done.content.decode()[:3000]
    app = Application.objects.get()
    assert (app.person, app.consent, app.applied_by) == (fatima, consent, f"user:{user.pk}")
    assert app.own_cents == 0

    # Fatima sees the plan made with her.
    own = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(own, "burger", who=fatima)
    mine = own.get(reverse("advice:my-plan")).content.decode()
    assert "Regionaal Werkcentrum Rijnmond" in mine
    assert "Verzorgen in de praktijk" in mine


def test_after_fatima_ends_her_consent_ilse_gets_404_and_cannot_apply(world: dict) -> None:
    fatima, rwc = world["fatima"], world["rwc"]
    own = Client(HTTP_ACCEPT_LANGUAGE="nl")
    consent = give(own, fatima, rwc)
    ilse = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(ilse, "adviseur", org=rwc)
    assert ilse.get(reverse("advice:client", args=[fatima.pk])).status_code == 200

    # The revoke link asks first; only the POST ends it.
    url = reverse("advice:revoke", args=[consent.pk])
    ask = own.get(url)
    assert ask.status_code == 200
    assert nl("Yes, stop the help") in ask.content.decode()
    assert Consent.objects.get(pk=consent.pk).revoked_at is None
    assert own.post(url).status_code == 302
    assert Consent.objects.get(pk=consent.pk).revoked_at is not None
    assert AuditEntry.objects.filter(action="consent.revoked", subject_id=str(consent.pk)).exists()

    assert ilse.get(reverse("advice:client", args=[fatima.pk])).status_code == 404
    assert ilse.get(reverse("advice:plan", args=[fatima.pk])).status_code == 404
    offering = Offering.objects.get(offer=world["care"])
    refused = ilse.get(reverse("enrolment:apply", args=[offering.pk]), {"persoon": fatima.pk})
    assert refused.status_code == 403
    assert not Application.objects.exists()


def test_another_persons_consent_cannot_be_ended(world: dict) -> None:
    fatima, rwc = world["fatima"], world["rwc"]
    consent = give(Client(HTTP_ACCEPT_LANGUAGE="nl"), fatima, rwc)
    other = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(other, "burger", who=make_person())
    assert other.post(reverse("advice:revoke", args=[consent.pk])).status_code == 404
    assert Consent.objects.get(pk=consent.pk).revoked_at is None
    with pytest.raises(Problem):
        advice.revoke(actor=ACTOR, person=make_person(), consent_id=consent.pk)


def test_a_consent_to_plan_only_does_not_let_the_adviser_apply(world: dict) -> None:
    fatima, rwc = world["fatima"], world["rwc"]
    give(Client(HTTP_ACCEPT_LANGUAGE="nl"), fatima, rwc, purpose="plan")
    ilse = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(ilse, "adviseur", org=rwc)
    url = reverse("advice:plan", args=[fatima.pk])
    assert ilse.post(url, {"action": "goal", "goal": "zorghulp"}).status_code == 302
    assert ilse.post(url, {"action": "add", "offer": world["care"].pk}).status_code == 302
    assert "data-apply" not in ilse.get(url).content.decode()
    offering = Offering.objects.get(offer=world["care"])
    refused = ilse.get(reverse("enrolment:apply", args=[offering.pk]), {"persoon": fatima.pk})
    assert refused.status_code == 403
    assert PlanStep.objects.count() == 1
