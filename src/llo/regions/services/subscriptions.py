# SPDX-License-Identifier: EUPL-1.2
"""Providers subscribe to new demand in their field and are notified (in the app and by
e-mail, llo.notifications) when a region partner records it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid, not_found
from llo.core.timeutil import now
from llo.notifications import services as notifications
from llo.people.models import Organisation
from llo.regions.models import DemandStatement, DemandSubscription, Region
from llo.skills import codes, selectors
from llo.skills.resolve import Resolver, TermError, resolve_listed_code

#: Notification text (translated when shown; e-mailed in Dutch).
NEW_DEMAND = gettext_noop("New demand in %(region)s: %(people)s people for %(what)s.")


def subscribe(
    *,
    actor: audit.Actor,
    organisation: Organisation,
    occupation: str = "",
    skill: str = "",
    region: str = "",
) -> DemandSubscription:
    """Subscribe to new demand for an occupation (or a whole ISCO-08 group: "7212" for every
    kind of welder) or a skill, in one region or in all."""
    problems: list[InvalidParam] = []
    occupation_code = skill_code = ""
    if bool(occupation.strip()) == bool(skill.strip()):
        problems.append(
            InvalidParam("occupation", _("Choose an occupation or a skill (one of the two)."))
        )
    elif occupation.strip():
        try:
            occupation_code = resolve_listed_code(occupation)
        except TermError as exc:
            problems.append(InvalidParam("occupation", exc.reason, exc.code))
    else:
        try:
            skill_code = Resolver("skill").resolve(skill)
        except TermError as exc:
            problems.append(InvalidParam("skill", exc.reason, exc.code))
    region_code = region.strip().upper()
    if region_code and not Region.objects.filter(code=region_code).exists():
        problems.append(
            InvalidParam(
                "region",
                _("There is no labour-market region with code %(code)s.") % {"code": region},
                "unknown",
            )
        )
    if problems:
        raise invalid(_("The subscription is not complete."), problems)
    key = f"{occupation_code}|{skill_code}|{region_code}"
    with transaction.atomic():
        found = DemandSubscription.objects.filter(organisation=organisation, key=key).first()
        if found is not None:
            return found
        sub = DemandSubscription.objects.create(
            organisation=organisation,
            occupation_code=occupation_code,
            skill_id=skill_code or None,
            region_id=region_code or None,
            key=key,
            created_at=now(),
        )
        audit.record(
            actor=actor,
            action="regions.subscription.created",
            subject=sub,
            after={"occupation": occupation_code, "skill": skill_code, "region": region_code},
        )
    return sub


def unsubscribe(*, actor: audit.Actor, organisation: Organisation, pk: int) -> None:
    with transaction.atomic():
        sub = DemandSubscription.objects.filter(pk=pk, organisation=organisation).first()
        if sub is None:
            raise not_found(_("You have no such subscription."))
        before = {"occupation": sub.occupation_code, "skill": sub.skill_id or ""}
        sub.delete()
        audit.record(
            actor=actor,
            action="regions.subscription.deleted",
            subject=("regions.DemandSubscription", str(pk)),
            before=before,
        )


def notify_new_demand(statement: DemandStatement, skills: list[str]) -> int:
    """Notify every subscriber whose field the statement is in (not the partner who made it).
    Runs inside the transaction that records the statement."""
    field = Q()
    if statement.occupation_id:
        field |= Q(occupation_code__in=codes.ancestors(statement.occupation_id))
    if skills:
        field |= Q(skill_id__in=skills)
    if not field:
        return 0
    orgs = set(
        DemandSubscription.objects.filter(field)
        .filter(Q(region__isnull=True) | Q(region_id=statement.region_id))
        .exclude(organisation_id=statement.organisation_id)
        .values_list("organisation_id", flat=True)
    )
    if not orgs:
        return 0
    names = []
    if statement.occupation_id:
        names.append(
            selectors.occupation_labels([statement.occupation_id])[statement.occupation_id]
        )
    names += [t.label for t in selectors.skill_terms(skills)]
    notifications.notify(
        recipients=[notifications.Recipient(organisation_id=o) for o in sorted(orgs)],
        topic="regions.demand.new",
        message=NEW_DEMAND,
        params={
            "region": statement.region.name,
            "people": statement.people,
            "what": ", ".join(names),
        },
        link=f"/regio/vraag/{statement.pk}",
        subject=("regions.DemandStatement", str(statement.pk)),
    )
    return len(orgs)


__all__ = ["NEW_DEMAND", "Problem", "notify_new_demand", "subscribe", "unsubscribe"]
