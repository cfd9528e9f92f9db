# SPDX-License-Identifier: EUPL-1.2
"""Reads of the advice app, as plain dataclasses: a person's consents, an adviser's clients,
a client's overview and development plan.

Every read of a person's data by an adviser is logged with role, organisation and purpose
(:func:`llo.core.audit.log_reads`; DESIGN.md section 4), and only with the person's valid
consent to the adviser's organisation: without it these reads return None and the page
answers 404, as if the person were not there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from llo.accounts import selectors as account_selectors
from llo.accounts.models import RightStatus
from llo.accounts.plan import funding_plans, own_text
from llo.advice import store
from llo.advice.gap import Gap, skills_gap
from llo.advice.models import MAX_STEPS, DevelopmentPlan
from llo.core import audit
from llo.core.money import Money
from llo.core.timeutil import now, today
from llo.enrolment import selectors as enrolment_selectors
from llo.enrolment.models import Application, Consent
from llo.enrolment.services.consent import PURPOSE_APPLY, PURPOSE_PLAN
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Offering
from llo.schemes import facts_adapter
from llo.skills import selectors as skill_selectors
from llo.skills.codes import normalise

PURPOSE_LABELS = {
    PURPOSE_APPLY: gettext_lazy(
        "Look at my overview, make a development plan with me and apply for training for me"
    ),
    PURPOSE_PLAN: gettext_lazy("Look at my overview and make a development plan with me"),
}


def purpose_label(code: str) -> str:
    return str(PURPOSE_LABELS.get(code, code))


# --- the person's own consents ----------------------------------------------------------


@dataclass(frozen=True)
class ConsentLine:
    pk: int
    organisation: str
    purpose: str
    valid_from: dt.datetime
    valid_until: dt.datetime
    revoked_at: dt.datetime | None
    active: bool


@dataclass(frozen=True)
class MyConsents:
    lines: list[ConsentLine]
    work_centres: list[tuple[int, str]]


def my_consents(person: Person) -> MyConsents:
    """A person's consents (their own read: not logged) and the work centres they can give
    one to."""
    at = now()
    lines = [
        ConsentLine(
            pk=c.pk,
            organisation=c.organisation.name,
            purpose=purpose_label(c.purpose),
            valid_from=c.valid_from,
            valid_until=c.valid_until,
            revoked_at=c.revoked_at,
            active=c.revoked_at is None and c.valid_from <= at <= c.valid_until,
        )
        for c in store.consents_of(person)
    ]
    return MyConsents(lines, [(o.pk, o.name) for o in store.work_centres()])


# --- the adviser's clients ---------------------------------------------------------------


@dataclass(frozen=True)
class Client:
    person_id: int
    name: str
    purpose: str
    may_apply: bool
    valid_until: dt.datetime


def clients(actor: audit.Actor, org: Organisation) -> list[Client]:
    """The persons whose valid consent lets ``org`` see them; each name shown is logged."""
    found = store.clients_of(org, now())
    audit.log_reads(actor, (c.person_id for c in found), "adviser: list of persons who consented")
    return [
        Client(
            c.person_id,
            c.person.display_name,
            purpose_label(c.purpose),
            c.purpose == PURPOSE_APPLY,
            c.valid_until,
        )
        for c in found
    ]


def _consent(actor: audit.Actor, org: Organisation, person_id: int, purpose: str) -> Consent | None:
    consent = store.consent_for(org, person_id, now())
    if consent is not None:
        audit.log_reads(actor, [person_id], f"{purpose} (consent {consent.pk})")
    return consent


@dataclass(frozen=True)
class RightRow:
    funder: str
    kind: str
    balance: Money | None
    info: str
    valid_until: dt.date | None


@dataclass(frozen=True)
class EntryRow:
    pk: int
    title: str
    start_date: dt.date
    status: str
    outcome: str


@dataclass(frozen=True)
class ClientOverview:
    person: Person
    consent: Consent
    purpose: str
    may_apply: bool
    rights: list[RightRow]
    total: Money
    applications: list[Application]
    has_plan: bool
    #: Window entries decided without an application (waiting, refused, lapsed, cancelled).
    entries: list[EntryRow] = field(default_factory=list)


def client_overview(actor: audit.Actor, org: Organisation, person_id: int) -> ClientOverview | None:
    """A client's learning overview for the adviser (None without a valid consent)."""
    consent = _consent(actor, org, person_id, "adviser: learning overview")
    if consent is None:
        return None
    on = today()
    rights = [
        r
        for r in account_selectors.rights_of(person_id)
        .filter(status=RightStatus.ACTIVE)
        .select_related("funder__organisation", "account")
        .order_by("valid_until", "pk")
        if r.is_valid_on(on)
    ]
    rows = [
        RightRow(
            r.funder.organisation.name,
            r.get_kind_display(),
            Money(r.balance_cents) if r.balance_cents is not None else None,
            r.info_text,
            r.valid_until,
        )
        for r in rights
    ]
    total = Money(sum(r.balance.cents for r in rows if r.balance is not None))
    return ClientOverview(
        person=consent.person,
        consent=consent,
        purpose=purpose_label(consent.purpose),
        may_apply=consent.purpose == PURPOSE_APPLY,
        rights=rows,
        total=total,
        applications=store.applications_of(person_id),
        has_plan=DevelopmentPlan.objects.filter(person_id=person_id, organisation=org).exists(),
        entries=[
            EntryRow(
                e.pk,
                e.offer.title,
                e.offering.start_date,
                enrolment_selectors.ENTRY_STATUS.get(e.outcome, ""),
                e.outcome,
            )
            for e in store.decided_entries_of(person_id)
        ],
    )


# --- the development plan ----------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    funder: str
    amount_cents: int


@dataclass(frozen=True)
class OfferView:
    """An offer in a plan or among the suggestions, with what the person pays for it."""

    offer: Offer
    provider: str
    offering: Offering | None  # the next start moment (None: no start to apply for)
    price_cents: int
    own_cents: int
    own_text: str
    parts: tuple[Part, ...]
    teaches: tuple[str, ...]  # names of the missing skills it teaches
    position: int = 0
    note: str = ""


@dataclass(frozen=True)
class SkillName:
    code: str
    label: str


@dataclass(frozen=True)
class PlanPage:
    person: Person
    consent: Consent | None  # None: the person's own view
    may_apply: bool
    plan: DevelopmentPlan | None
    goal_label: str
    goal_description: str
    essential: list[SkillName]
    held: list[SkillName]
    missing: list[SkillName]
    left: list[SkillName]
    steps: list[OfferView]
    suggestions: list[OfferView] = field(default_factory=list)
    basics: list[OfferView] = field(default_factory=list)
    matches: list[skill_selectors.Match] = field(default_factory=list)
    full: bool = False


def held_skills(person_id: int) -> set[str]:
    """Skill codes the person holds: codes as they are, names turned into codes."""
    texts = store.held_skill_texts(person_id)
    if not texts:
        return set()
    _occ, skill_names = skill_selectors.names()
    by_name = {normalise(label): code for code, label in skill_names.items()}
    return {t if t in skill_names else by_name.get(normalise(t), t) for t in texts}


def _views(
    person: Person,
    offers: Sequence[Offer],
    on: dt.date,
    missing: dict[str, str],
    notes: dict[int, tuple[int, str]] | None = None,
) -> list[OfferView]:
    """Each offer with the person's funding plan of the day: one run of the rules for all
    (``accounts.funding_plans``, as the search does)."""
    if not offers:
        return []
    asked = [(facts_adapter.offer_facts(o, on)[0], o.title) for o in offers]
    plans = funding_plans(person, asked, on)
    starts = store.next_offerings([o.pk for o in offers], on)
    notes = notes or {}
    out = []
    for offer, plan in zip(offers, plans, strict=True):
        position, note = notes.get(offer.pk, (0, ""))
        out.append(
            OfferView(
                offer=offer,
                provider=offer.opleider.organisation.name,
                offering=starts.get(offer.pk),
                price_cents=plan.price_cents,
                own_cents=plan.own_cents,
                own_text=own_text(plan.own_cents),
                parts=tuple(
                    Part(line.funder, line.amount_cents)
                    for line in plan.lines
                    if line.amount_cents > 0
                ),
                teaches=tuple(missing[s] for s in offer.skills or [] if s in missing),
                position=position,
                note=note,
            )
        )
    return out


def _plan_page(
    person: Person,
    consent: Consent | None,
    plan: DevelopmentPlan | None,
    query: str = "",
    suggest: bool = False,
) -> PlanPage:
    on = today()
    goal = skill_selectors.occupation(plan.goal) if plan is not None else None
    essential = [SkillName(t.code, t.label) for t in goal.essential] if goal else []
    steps = list(plan.steps.select_related("offer__opleider__organisation")) if plan else []
    gap: Gap = skills_gap(
        [s.code for s in essential],
        held_skills(person.pk),
        {s.position: s.offer.skills or [] for s in steps},
    )
    names = {s.code: s.label for s in essential}
    missing = {c: names[c] for c in gap.missing}
    step_views = _views(
        person,
        [s.offer for s in steps],
        on,
        missing,
        {s.offer_id: (s.position, s.note) for s in steps},
    )
    suggestions: list[OfferView] = []
    basics: list[OfferView] = []
    if suggest and plan is not None and len(steps) < MAX_STEPS:
        chosen = {s.offer_id for s in steps}
        gemeente = person.gemeente.code
        found = [
            o
            for o in store.offers_for(gap.left or gap.missing, plan.goal, gemeente, on)
            if o.pk not in chosen
        ]
        basic = [
            o
            for o in store.offers_for((), "", gemeente, on, basic_skills=True, limit=3)
            if o.pk not in chosen
        ]
        suggestions = _views(person, found, on, missing)
        basics = _views(person, basic, on, missing)
    matches = skill_selectors.search_occupations(query, limit=8) if query.strip() else []
    return PlanPage(
        person=person,
        consent=consent,
        may_apply=consent is not None and consent.purpose == PURPOSE_APPLY,
        plan=plan,
        goal_label=goal.label if goal else "",
        goal_description=goal.description if goal else "",
        essential=essential,
        held=[SkillName(c, names[c]) for c in gap.held],
        missing=[SkillName(c, names[c]) for c in gap.missing],
        left=[SkillName(c, names[c]) for c in gap.left],
        steps=step_views,
        suggestions=suggestions,
        basics=basics,
        matches=matches,
        full=len(steps) >= MAX_STEPS,
    )


def client_plan(
    actor: audit.Actor, org: Organisation, person_id: int, query: str = ""
) -> PlanPage | None:
    """The development plan the adviser makes with a client (None without consent)."""
    consent = _consent(actor, org, person_id, "adviser: development plan")
    if consent is None:
        return None
    plan = DevelopmentPlan.objects.filter(person_id=person_id, organisation=org).first()
    return _plan_page(consent.person, consent, plan, query, suggest=True)


def my_plans(person: Person) -> list[tuple[str, PlanPage]]:
    """The person's own development plans, with the work centre that made each."""
    return [
        (plan.organisation.name, _plan_page(person, None, plan))
        for plan in DevelopmentPlan.objects.filter(person=person)
        .select_related("organisation")
        .order_by("-updated_at")
    ]


def no_access() -> str:
    return _("This person is not in your list. They have not given consent, or it has ended.")
