# SPDX-License-Identifier: EUPL-1.2
"""An adviser makes a development plan with a person who consented: the goal occupation and
up to three steps. Each use case checks the consent first (without it: 404, as if the person
were not there), is one transaction and writes its audit record."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from llo.advice import store
from llo.advice.models import MAX_STEPS, DevelopmentPlan, PlanStep
from llo.core import audit
from llo.core.problems import InvalidParam, Problem
from llo.core.timeutil import now
from llo.enrolment.models import Consent
from llo.people.models import Organisation
from llo.skills.resolve import Resolver, TermError


def _consent(org: Organisation, person_id: int) -> Consent:
    consent = store.consent_for(org, person_id, now())
    if consent is None:
        raise Problem(404, _("This person was not found."), code="not-found")
    return consent


def _field(name: str, reason: str, code: str = "invalid") -> Problem:
    return Problem(400, reason, code=code, invalid_params=[InvalidParam(name, reason, code)])


def set_goal(
    *, actor: audit.Actor, org: Organisation, person_id: int, goal: str
) -> DevelopmentPlan:
    """Make the plan (or change its goal): ``goal`` is an occupation code or any Dutch name of
    it in the skills language ("zorgassistent" is zorghulp). Takes no lock; the unique key of
    one plan per person and work centre decides between two advisers at once."""
    consent = _consent(org, person_id)
    try:
        code = Resolver("occupation").resolve(goal)
    except TermError as exc:
        raise _field("goal", exc.reason, exc.code) from None
    at = now()
    with transaction.atomic():
        plan, made = DevelopmentPlan.objects.select_for_update().get_or_create(
            person_id=person_id,
            organisation=org,
            defaults={"goal": code, "made_by": actor.name, "created_at": at, "updated_at": at},
        )
        before = None if made else plan.goal
        if not made:
            plan.goal, plan.made_by, plan.updated_at = code, actor.name, at
            plan.save(update_fields=["goal", "made_by", "updated_at"])
        audit.record(
            actor=actor,
            action="advice.plan.goal",
            subject=plan,
            before={"goal": before} if before else None,
            after={"goal": code, "consent": consent.pk},
        )
    return plan


def _plan(org: Organisation, person_id: int) -> DevelopmentPlan:
    plan = DevelopmentPlan.objects.filter(person_id=person_id, organisation=org).first()
    if plan is None:
        raise _field("goal", _("Choose the goal occupation first."), "no-plan")
    return plan


def add_step(
    *, actor: audit.Actor, org: Organisation, person_id: int, offer_id: int, note: str = ""
) -> PlanStep:
    """Add a published offer as the next step (at most three, each offer once). Locks the
    plan row, so two additions at once get positions 1 and 2, never the same."""
    consent = _consent(org, person_id)
    offer = store.published_offer(offer_id)
    if offer is None:
        raise _field("offer", _("This training is not in the register (any more)."), "no-offer")
    note = " ".join(note.split())
    if len(note) > 300:
        raise _field("note", _("Write at most 300 characters."), "too-long")
    with transaction.atomic():
        plan = DevelopmentPlan.objects.select_for_update().get(pk=_plan(org, person_id).pk)
        steps = PlanStep.objects.filter(plan=plan)
        if steps.filter(offer=offer).exists():
            raise _field("offer", _("This training is already a step of the plan."), "twice")
        if steps.count() >= MAX_STEPS:
            raise _field(
                "offer",
                _("A plan has at most three steps. Remove a step first."),
                "full",
            )
        position = (steps.aggregate(m=Max("position"))["m"] or 0) + 1
        step = PlanStep.objects.create(plan=plan, position=position, offer=offer, note=note)
        plan.made_by, plan.updated_at = actor.name, now()
        plan.save(update_fields=["made_by", "updated_at"])
        audit.record(
            actor=actor,
            action="advice.plan.step_added",
            subject=plan,
            after={"offer": offer.pk, "position": position, "consent": consent.pk},
        )
    return step


def remove_step(*, actor: audit.Actor, org: Organisation, person_id: int, position: int) -> None:
    """Remove a step; the steps after it move up one place."""
    consent = _consent(org, person_id)
    with transaction.atomic():
        plan = DevelopmentPlan.objects.select_for_update().get(pk=_plan(org, person_id).pk)
        step = PlanStep.objects.filter(plan=plan, position=position).first()
        if step is None:
            raise _field("position", _("This step is not in the plan."), "no-step")
        offer_id = step.offer_id
        step.delete()
        # One by one in order, so the unique position never holds twice on the way.
        for later in PlanStep.objects.filter(plan=plan, position__gt=position).order_by("position"):
            later.position -= 1
            later.save(update_fields=["position"])
        plan.made_by, plan.updated_at = actor.name, now()
        plan.save(update_fields=["made_by", "updated_at"])
        audit.record(
            actor=actor,
            action="advice.plan.step_removed",
            subject=plan,
            before={"offer": offer_id, "position": position},
            after={"consent": consent.pk},
        )
