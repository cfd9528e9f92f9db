# SPDX-License-Identifier: EUPL-1.2
"""Region partners state demand: record, change and close a demand statement.

Seed 003 makes regional demand articulation a duty of the region's partners; here they are the
regional work centre (advisers act for it), employers, sector funds, municipalities, UWV and
providers (core/roles.py). A statement is open data: it names an occupation and/or skills,
a number of people, a level, a period, an urgency and where the figure comes from; never a
person. Each use case is one transaction with its audit record; it notifies the subscribed
providers and updates the region's cells of the gap table in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.identifiers import Level
from llo.core.problems import InvalidParam, Problem, invalid, not_found
from llo.core.roles import Role
from llo.core.timeutil import now, today
from llo.people.models import Organisation
from llo.regions.models import (
    CloseReason,
    DemandSkill,
    DemandStatement,
    DemandStatus,
    Region,
    Urgency,
)
from llo.regions.services import gap, subscriptions
from llo.skills.resolve import Resolver, TermError

#: Who may state demand: the partners of the region (seed 003, JOURNEYS.md "regional partners").
PARTNER_ROLES = frozenset(
    {Role.ADVISEUR, Role.WERKGEVER, Role.FONDS, Role.GEMEENTE, Role.UWV, Role.OPLEIDER}
)
MAX_PEOPLE = 100_000
MAX_YEARS = 5
#: The names the API and the forms use for the fields.
API_NAMES = {
    "region": "region",
    "occupation": "occupation",
    "skills": "skills",
    "people": "people",
    "level": "level",
    "period_start": "periodStart",
    "period_end": "periodEnd",
    "urgency": "urgency",
    "source": "source",
    "note": "note",
}


@dataclass
class DemandInput:
    region: str
    people: Any
    period_start: dt.date | None
    period_end: dt.date | None
    source: str
    occupation: str = ""
    skills: list[str] = field(default_factory=list)
    level: str = ""
    urgency: str = Urgency.NORMAL
    note: str = ""
    #: For a change: the version the partner read. Two advisers of one work centre may open the
    #: same statement; the second to save gets a 409 instead of silently undoing the first.
    version: int | None = None


@dataclass(frozen=True)
class Resolved:
    region: str
    occupation: str | None
    skills: list[str]
    people: int
    period_start: dt.date
    period_end: dt.date


def partner_of(user: Any) -> Organisation:
    """The organisation a logged-in user states demand for (403 for other roles)."""
    if not getattr(user, "is_authenticated", False):
        raise Problem(401, _("Log in to state demand."))
    if getattr(user, "role", None) not in PARTNER_ROLES or user.organisation_id is None:
        raise Problem(403, _("Only the partners of a region can state demand."))
    return user.organisation


def validate(data: DemandInput, *, new: bool = True) -> tuple[Resolved | None, list[InvalidParam]]:
    """Every problem of the input, each named by its field; the resolved codes if none."""
    problems: list[InvalidParam] = []

    def bad(attr: str, reason: str, code: str = "invalid") -> None:
        problems.append(InvalidParam(API_NAMES[attr], reason, code))

    region = (data.region or "").strip().upper()
    if not region:
        bad("region", _("Choose a region."), "required")
    elif not Region.objects.filter(code=region).exists():
        bad(
            "region",
            _("There is no labour-market region with code %(code)s.") % {"code": data.region},
            "unknown",
        )
    occupation: str | None = None
    if data.occupation and data.occupation.strip():
        try:
            occupation = Resolver("occupation").resolve(data.occupation)
        except TermError as exc:
            bad("occupation", exc.reason, exc.code)
    skills, errors = Resolver("skill").resolve_all(data.skills)
    for error in errors:
        bad("skills", error.reason, error.code)
    if not (data.occupation or "").strip() and not any(s.strip() for s in data.skills):
        bad("occupation", _("Name an occupation, skills, or both."), "required")
    people = data.people
    if isinstance(people, str):
        people = people.strip().replace(".", "")
        people = int(people) if people.lstrip("-").isdigit() else people
    if isinstance(people, bool) or not isinstance(people, int):
        bad("people", _("Give a whole number of people."), "type")
    elif people < 0:
        bad("people", _("The number of people cannot be negative."), "negative")
    elif people == 0:
        bad("people", _("Give at least 1 person."), "range")
    elif people > MAX_PEOPLE:
        bad("people", _("Give at most 100,000 people in one statement."), "range")
    if data.level and data.level not in {lv.value for lv in Level}:
        bad("level", _("Choose a level from the list."), "enum")
    start, end = data.period_start, data.period_end
    if start is None:
        bad("period_start", _("Give the first day of the period."), "required")
    if end is None:
        bad("period_end", _("Give the last day of the period."), "required")
    if start is not None and end is not None:
        if end < start:
            bad("period_end", _("The period cannot end before it starts."), "range")
        elif (end - start).days > 366 * MAX_YEARS:
            bad("period_end", _("A period lasts at most 5 years."), "range")
        elif new and end < today():
            bad("period_end", _("This period is over. State demand for now or later."), "range")
    if data.urgency not in Urgency.values:
        bad("urgency", _("Choose how urgent it is."), "enum")
    if not (data.source or "").strip():
        bad("source", _("Say where the figure comes from."), "required")
    elif len(data.source) > 300:
        bad("source", _("Use at most 300 characters."), "max-length")
    if len(data.note or "") > 2000:
        bad("note", _("Use at most 2,000 characters."), "max-length")
    if problems or start is None or end is None:
        return None, problems
    return Resolved(region, occupation, skills, int(people), start, end), []


def _snapshot(st: DemandStatement, skills: list[str]) -> dict[str, Any]:
    return {
        **audit.snapshot(st, exclude=("created_at", "updated_at")),
        "skills": sorted(skills),
    }


def record(*, actor: audit.Actor, organisation: Organisation, data: DemandInput) -> DemandStatement:
    """Record a new statement; subscribed providers are notified."""
    resolved, problems = validate(data)
    if resolved is None:
        raise invalid(_("The demand statement is not complete."), problems)
    at = now()
    with transaction.atomic():
        st = DemandStatement.objects.create(
            region_id=resolved.region,
            organisation=organisation,
            occupation_id=resolved.occupation,
            people=resolved.people,
            level=data.level,
            period_start=resolved.period_start,
            period_end=resolved.period_end,
            urgency=data.urgency,
            source=data.source.strip(),
            note=(data.note or "").strip(),
            created_at=at,
            updated_at=at,
        )
        DemandSkill.objects.bulk_create(
            [DemandSkill(statement=st, skill_id=s) for s in resolved.skills]
        )
        audit.record(
            actor=actor,
            action="regions.demand.recorded",
            subject=st,
            after=_snapshot(st, resolved.skills),
        )
        subscriptions.notify_new_demand(st, resolved.skills)
        gap.refresh_demand(st.region_id)
    return st


def _own(organisation: Organisation, pk: int) -> DemandStatement:
    st = (
        DemandStatement.objects.select_for_update().filter(pk=pk, organisation=organisation).first()
    )
    if st is None:
        raise not_found(_("Your organisation has no demand statement with this number."))
    return st


def update(
    *, actor: audit.Actor, organisation: Organisation, pk: int, data: DemandInput
) -> DemandStatement:
    """Change an open statement of the partner's own organisation."""
    # Whose it is before what is wrong with the change: another partner's statement is 404
    # whatever the body holds (issue 14, IDOR probes).
    if not DemandStatement.objects.filter(pk=pk, organisation=organisation).exists():
        raise not_found(_("Your organisation has no demand statement with this number."))
    resolved, problems = validate(data, new=False)
    if resolved is None:
        raise invalid(_("The demand statement is not complete."), problems)
    with transaction.atomic():
        st = _own(organisation, pk)
        if st.status != DemandStatus.OPEN:
            raise Problem(409, _("This statement is closed; record a new one."), code="closed")
        if data.version is not None and data.version != st.version:
            raise Problem(
                409,
                _(
                    "Someone changed this statement after you opened it. Open it again to see "
                    "the changes, then make yours."
                ),
                code="conflict",
            )
        old_skills = [
            str(s)
            for s in DemandSkill.objects.filter(statement=st).values_list("skill_id", flat=True)
        ]
        before = _snapshot(st, old_skills)
        old_region = st.region_id
        st.region_id = resolved.region
        st.occupation_id = resolved.occupation
        st.people = resolved.people
        st.level = data.level
        st.period_start = resolved.period_start
        st.period_end = resolved.period_end
        st.urgency = data.urgency
        st.source = data.source.strip()
        st.note = (data.note or "").strip()
        st.version += 1
        st.updated_at = now()
        st.save()
        DemandSkill.objects.filter(statement=st).delete()
        DemandSkill.objects.bulk_create(
            [DemandSkill(statement=st, skill_id=s) for s in resolved.skills]
        )
        audit.record(
            actor=actor,
            action="regions.demand.changed",
            subject=st,
            before=before,
            after=_snapshot(st, resolved.skills),
        )
        gap.refresh_demand(st.region_id)
        if old_region != st.region_id:
            gap.refresh_demand(old_region)
    return st


def close(
    *, actor: audit.Actor, organisation: Organisation, pk: int, reason: str
) -> DemandStatement:
    """Close an open statement (filled, withdrawn or replaced): it stops counting from now."""
    if reason not in CloseReason.values:
        raise invalid(
            _("Say why the demand is closed."),
            [InvalidParam("reason", _("Choose a reason from the list."), "enum")],
        )
    with transaction.atomic():
        st = _own(organisation, pk)
        if st.status != DemandStatus.OPEN:
            raise Problem(409, _("This statement is closed already."), code="closed")
        st.status = DemandStatus.CLOSED
        st.closed_at = now()
        st.close_reason = reason
        st.updated_at = st.closed_at
        st.version += 1
        st.save()
        audit.record(
            actor=actor,
            action="regions.demand.closed",
            subject=st,
            before={"status": DemandStatus.OPEN},
            after={"status": st.status, "reason": reason},
        )
        gap.refresh_demand(st.region_id)
    return st
