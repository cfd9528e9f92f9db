# SPDX-License-Identifier: EUPL-1.2
"""A development plan an adviser makes with a person (JOURNEYS.md, Ilse and Fatima): a goal
occupation from the skills language and up to three steps, each an offer of the register.

What each step costs the person is not stored: it is the funding plan of the day
(``accounts.funding_plan``), read when the plan is shown. The consent that lets the adviser
see the person and act for them is :class:`llo.enrolment.models.Consent`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from llo.people.models import Organisation, Person
from llo.register.models import Offer

#: At most three steps (JOURNEYS.md: "care assistant, skills gap, three steps, who pays what").
MAX_STEPS = 3


class DevelopmentPlan(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="development_plans")
    #: The work centre whose adviser made it (the organisation the person consented to).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="development_plans"
    )
    #: An occupation code of the skills language (``skills.Occupation.code``).
    goal = models.CharField(_("goal occupation"), max_length=32)
    #: The audit name of who made or last changed it (an adviser's user).
    made_by = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="advice_one_plan_per_work_centre"
            )
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk}"


class PlanStep(models.Model):
    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    #: Why this step, in the adviser's words (shown to the person).
    note = models.CharField(_("why this step"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="advice_step_position"),
            models.UniqueConstraint(fields=["plan", "offer"], name="advice_step_offer_once"),
        ]

    def __str__(self) -> str:
        return f"Step {self.position} of plan {self.plan_id}"
