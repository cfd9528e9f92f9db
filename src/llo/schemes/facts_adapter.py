# SPDX-License-Identifier: EUPL-1.2
"""The one place where stored data becomes rule facts (issue 13): person facts from the people
app and the person's own statements, offer facts from the register, funder facts from a
funder's stored conditions and what is left of its money.

No invented defaults. Where the data lacks a fact, the fact is ``None`` (not known), the
decision says so as a condition not yet known, and :func:`questions` gives the apply page the
B1 question to ask (or says which source must give it). Every fact comes with its source, so
a decision record shows where each one came from:

========================  =================================================================
source                    what
========================  =================================================================
``people``                the person's record: birth date, education, labour position,
                          municipality (and its region), the job on the date
``declaration``           the person's own statement, with its date (``PersonFact``)
``register``              a source register's statement (SVB, DUO; when llo is connected)
``register_of_offers``    llo's training register: the offer, its provider, quality marks
``application``           what the application itself says (purpose, other money planned)
``accounts``              the funder's stored conditions and the right's balance
``applications``          llo's own applications (grants received this year)
``unknown``               not in llo's data: asked on the apply page, or from a source
========================  =================================================================

A statement speaks for the day it was made and is used for decisions up to
:data:`STATEMENT_VALID_DAYS` later; after that the person is asked again (a person's study
support or insurance can change; a quarter is how far back STAP's reference period stops).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import gettext as _

from llo.core.identifiers import Level
from llo.people.models import FactName, Person, PersonFact
from llo.register.models import Offer, OfferState, QualityMarkKind
from llo.schemes.decision import FunderFacts
from llo.schemes.facts import INSURED_MONTHS_KEPT, OfferFacts, PersonFacts, sector_code
from llo.schemes.funder_conditions import FunderConditions, parse_conditions
from llo.skills import codes as occupation_codes

#: How long a person's own statement is used for decisions (days after the day it was made).
STATEMENT_VALID_DAYS = 92

Sources = dict[str, dict[str, Any]]


def _source(source: str, detail: str = "", on: dt.date | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"source": source}
    if detail:
        data["detail"] = detail
    if on is not None:
        data["on"] = on.isoformat()
    return data


# --- the person -------------------------------------------------------------------------------


def statements(person: Person, on: dt.date) -> dict[str, PersonFact]:
    """The newest statement of each fact that speaks for ``on`` (made on or before it, and at
    most :data:`STATEMENT_VALID_DAYS` before it)."""
    oldest = on - dt.timedelta(days=STATEMENT_VALID_DAYS)
    found: dict[str, PersonFact] = {}
    for fact in PersonFact.objects.filter(
        person=person, stated_on__lte=on, stated_on__gte=oldest
    ).order_by("name", "-stated_on", "-id"):
        found.setdefault(fact.name, fact)
    return found


def _months_since(since: dt.date, on: dt.date) -> frozenset[dt.date]:
    """First days of the whole calendar months from ``since`` up to the month before ``on``
    (the month ``since`` falls in counts only when it starts on its first day)."""
    first = since if since.day == 1 else _next_month(since)
    end = on.replace(day=1)
    start = max(first, _months_back(end, INSURED_MONTHS_KEPT))
    months = set()
    month = start
    while month < end:
        months.add(month)
        month = _next_month(month)
    return frozenset(months)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _months_back(first: dt.date, back: int) -> dt.date:
    index = first.year * 12 + first.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _stated(fact: PersonFact) -> dict[str, Any]:
    kind = fact.source if fact.source == "declaration" else "register"
    return _source(kind, fact.source_name or fact.recorded_by, fact.stated_on)


def person_facts(
    person: Person,
    on: dt.date,
    *,
    stap_grants_received_this_year: int | None = None,
    llo_received_this_year_cents: int | None = None,
    funder_balance_cents: int | None = None,
) -> tuple[PersonFacts, Sources]:
    """The person on ``on`` and the source of every fact. Grants already received come from
    the applications (the enrolment app passes them); ``None`` where nobody said."""
    people = _source("people")
    sources: Sources = {
        name: people
        for name in ("birth_date", "highest_level", "labour_position", "gemeente", "region")
    }
    employment = _active_employment(person, on)
    sector: str | None = "none"
    size: int | None = 0
    if employment is not None:
        text = employment.sector or employment.employer.sector
        sector = sector_code(text) if text else None
        size = employment.employer.employees
        sources["sector"] = sources["employer_size"] = _source(
            "people", f"employment at {employment.employer.name}", employment.start
        )
    else:
        sources["sector"] = sources["employer_size"] = _source("people", "no employer")
    if sector is None:
        sources["sector"] = _source("unknown")
    if size is None:
        sources["employer_size"] = _source("unknown")
    said = statements(person, on)
    insured: frozenset[dt.date] | None = None
    if FactName.INSURED_SINCE in said:
        fact = said[FactName.INSURED_SINCE]
        since = fact.value
        insured = _months_since(dt.date.fromisoformat(since), on) if since else frozenset()
        sources["insured_months"] = _stated(fact)
    else:
        sources["insured_months"] = _source("unknown")
    flags: dict[str, bool | None] = {}
    for flag in (FactName.RECEIVES_STUDY_SUPPORT, FactName.NEEDS_BASIC_SKILLS):
        stated = said.get(flag)
        flags[flag] = bool(stated.value) if stated is not None else None
        sources[str(flag)] = _stated(stated) if stated is not None else _source("unknown")
    for name, value, where in (
        ("stap_grants_received_this_year", stap_grants_received_this_year, "applications"),
        ("llo_received_this_year_cents", llo_received_this_year_cents, "applications"),
        ("funder_balance_cents", funder_balance_cents, "accounts"),
    ):
        sources[name] = _source(where if value is not None else "unknown")
    facts = PersonFacts(
        birth_date=person.birth_date,
        highest_level=Level(person.highest_level),
        labour_position=person.labour_position,
        insured_months=insured,
        receives_study_support=flags[FactName.RECEIVES_STUDY_SUPPORT],
        gemeente=person.gemeente_id,
        region=person.gemeente.region_id,
        sector=sector,
        employer_size=size,
        needs_basic_skills=flags[FactName.NEEDS_BASIC_SKILLS],
        stap_grants_received_this_year=stap_grants_received_this_year,
        llo_received_this_year_cents=llo_received_this_year_cents,
        funder_balance_cents=funder_balance_cents,
    )
    return facts, sources


def _active_employment(person: Person, on: dt.date) -> Any:
    """The job on ``on`` that started last (the one whose employer and sector count)."""
    active = [e for e in person.employments.select_related("employer") if e.is_active_on(on)]
    return max(active, key=lambda e: (e.start, e.pk)) if active else None


# --- the offer --------------------------------------------------------------------------------

#: Quality marks that recognise a provider for OCW-recognised education (STAP "scholing" from
#: the autumn 2023 windows): WEB art. 1.4.1 recognition (mbo), NVAO accreditation (ho).
OCW_MARKS = (QualityMarkKind.OCW, QualityMarkKind.NVAO)


def _occupation_codes(values: Iterable[Any]) -> tuple[int, ...] | None:
    """ISCO-08 codes of the register's occupations: an ESCO occupation (``7212.3``, what offers
    name since issue 17) gives its unit group (``7212``, llo.skills.codes; a funder's list may
    hold a group of any level, which the rule matches on the unit group's first digits);
    ``None`` when it names occupations
    without their codes."""
    codes: list[int] = []
    for value in values:
        text = str(value).strip()
        if occupation_codes.is_esco_code(text):
            text = occupation_codes.unit_group(text)
        if not (text.isdigit() and 1 <= len(text) <= 4 and int(text) > 0):
            return None
        codes.append(int(text))
    return tuple(dict.fromkeys(codes))[:3]


def offer_facts(
    offer: Offer,
    on: dt.date,
    *,
    start_date: dt.date | None = None,
    purpose: str | None = None,
    other_funding_cents: int | None = 0,
    grants_this_year: int = 0,
) -> tuple[OfferFacts, Sources]:
    """The offer as the register holds it on ``on``, and the application's own facts:
    ``start_date`` of the chosen offering, the ``purpose`` the person states, the money from
    other budgets already planned (``0``: none yet), grants this year for this training."""
    opleider = offer.opleider
    marks = [m for m in opleider.quality_marks.all() if m.is_valid_on(on)]
    register = _source("register_of_offers", f"{opleider.name}: {offer.code}", on)
    listed = offer.state == OfferState.PUBLISHED and opleider.status == "admitted"
    places = bool(offer.gemeenten.all()) if offer.pk else False
    given_abroad: bool | None = False if (places or offer.online) else None
    excluded_on = None
    if offer.state == OfferState.REMOVED and offer.state_changed_at is not None:
        excluded_on = offer.state_changed_at.date()
    # llo's register plays the STAP scholingsregister: an offer is published only after its
    # admission review (register/checks.py: the price against similar offers, leisure words
    # for the labour market), and misuse such as gifts gets it removed (art. 19a; enrolment
    # misuse reports). So for a published offer the register is the source of these facts;
    # for any other offer they are not known (and not needed: it is not in the register).
    admitted: bool | None = True if listed else None
    # What is learnt is assessed when the offer leads to a diploma, a certificate, a
    # microcredential or an EVC certificate; a course without one may or may not test.
    assessed: bool | None = True if offer.leads_to and offer.leads_to != "none" else None
    facts = OfferFacts(
        level=Level(offer.level),
        offer_type=offer.offer_type,
        fee_cents=offer.fee_cents,
        exam_cents=offer.exam_cents,
        materials_cents=offer.materials_cents,
        # The register's prices are what a person pays, VAT included where it applies.
        prices_include_vat=True,
        in_register=listed,
        quality_mark_valid=opleider.funded or bool(marks),
        purpose=purpose,
        start_date=start_date,
        occupations=_occupation_codes(offer.occupations or []),
        grants_this_year=grants_this_year,
        other_funding_cents=other_funding_cents,
        given_abroad=given_abroad,
        ocw_recognised=offer.formal
        and (opleider.funded or any(m.kind in OCW_MARKS for m in marks)),
        excluded_on=excluded_on,
        gifts_or_perks=None if admitted is None else not admitted,
        market_rate=admitted,
        labour_market_oriented=admitted,
        programme_teacher_assessment=assessed,
    )
    unknown = _source("unknown")
    application = _source("application")
    sources: Sources = {
        name: register
        for name in (
            "level",
            "offer_type",
            "fee_cents",
            "exam_cents",
            "materials_cents",
            "in_register",
            "quality_mark_valid",
            "ocw_recognised",
            "excluded_on",
        )
    }
    sources["occupations"] = register if facts.occupations is not None else unknown
    sources["given_abroad"] = register if given_abroad is not None else unknown
    review = _source("register_of_offers", "admission review, not excluded", on)
    for name in ("gifts_or_perks", "market_rate", "labour_market_oriented"):
        sources[name] = review if admitted is not None else unknown
    sources["programme_teacher_assessment"] = (
        _source("register_of_offers", f"leads to: {offer.leads_to}", on) if assessed else unknown
    )
    sources["purpose"] = application if purpose is not None else unknown
    sources["start_date"] = application if start_date is not None else unknown
    sources["other_funding_cents"] = application if other_funding_cents is not None else unknown
    sources["grants_this_year"] = _source("register_of_offers", "grants counted by llo")
    return facts, sources


# --- the funder -------------------------------------------------------------------------------


class _Named(Protocol):
    name: str


class _FunderLike(Protocol):
    kind: str

    @property
    def organisation(self) -> _Named: ...


class RightLike(Protocol):
    """What the accounts app's ``Right`` offers (the rules do not import the accounts app)."""

    pk: Any
    conditions: Any
    balance_cents: int | None

    @property
    def funder(self) -> _FunderLike: ...


def funder_facts(
    conditions: Mapping[str, Any] | FunderConditions,
    *,
    key: str,
    name: str,
    kind: str,
    balance_cents: int,
) -> FunderFacts:
    """A funder's stored conditions (checked by the one parser) with the funder's name, so
    the sentences name it, and what is left of its money for this person."""
    parsed = parse_conditions(conditions)
    kinds = ("employer", "oo_fund", "municipality", "uwv")
    named = parse_conditions(
        {
            **parsed.to_dict(),
            "key": key,
            "name": name,
            "kind": kind if kind in kinds else "other",
        }
    )
    return FunderFacts(named, balance_cents)


def right_funder_facts(right: RightLike) -> FunderFacts:
    """A person's right (``llo.accounts.models.Right``) as funder facts."""
    return funder_facts(
        right.conditions or {},
        key=f"right_{right.pk}",
        name=right.funder.organisation.name,
        kind=right.funder.kind,
        balance_cents=max(0, right.balance_cents or 0),
    )


# --- asking for what is missing ---------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """What the apply page asks for a missing fact, or whom it points to."""

    fact: str
    text: str
    #: The person can answer it (a statement); otherwise ``who`` must give it.
    ask_person: bool
    who: str = ""


def questions(missing: Iterable[str]) -> list[Question]:
    """The B1 questions for missing facts, in a fixed order, each once."""
    table: dict[str, Question] = {
        "insured_months": Question(
            FactName.INSURED_SINCE,
            _("Since when have you lived or worked in the Netherlands without a break?"),
            True,
        ),
        "receives_study_support": Question(
            FactName.RECEIVES_STUDY_SUPPORT,
            _(
                "Do you get student finance or other money for your studies from the "
                "government now?"
            ),
            True,
        ),
        "needs_basic_skills": Question(
            FactName.NEEDS_BASIC_SKILLS,
            _("Do you want to learn to read, write, count or use a computer better?"),
            True,
        ),
        "purpose": Question(
            FactName.TRAINING_PURPOSE, _("Why do you want to follow this training?"), True
        ),
        "occupations": Question(
            "occupations",
            _("Which occupations does this training lead to? The provider must say so."),
            False,
            _("the provider"),
        ),
        "sector": Question(
            "sector",
            _("In which sector do you work? Your employer's details must say so."),
            False,
            _("your employer"),
        ),
        "employer_size": Question(
            "employer_size",
            _("How many people work at your employer? Your employer's details must say so."),
            False,
            _("your employer"),
        ),
    }
    wanted = list(dict.fromkeys(missing))
    found = [table[fact] for fact in table if fact in wanted]
    others = [fact for fact in wanted if fact not in table]
    if others:
        found.append(
            Question(
                others[0],
                _("We still need a fact about this training from the provider."),
                False,
                _("the provider"),
            )
        )
    return found
