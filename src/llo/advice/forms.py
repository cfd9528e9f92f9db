# SPDX-License-Identifier: EUPL-1.2
"""Forms of the advice pages. A service's Problem is put beside its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from llo.core.problems import Problem
from llo.core.timeutil import today
from llo.enrolment.services.consent import PURPOSE_APPLY, PURPOSES


class ProblemForm(forms.Form):
    def add_problem(self, problem: Problem) -> None:
        placed = False
        for param in problem.invalid_params:
            if param.name in self.fields:
                self.add_error(param.name, param.reason)
                placed = True
        if not placed:
            self.add_error(None, problem.detail)


class ConsentForm(ProblemForm):
    organisation = forms.TypedChoiceField(
        label=_("Which work centre may help you?"), coerce=int, choices=()
    )
    purpose = forms.ChoiceField(
        label=_("What may the adviser do?"), widget=forms.RadioSelect, choices=()
    )
    until = forms.DateField(
        label=_("Until when?"),
        help_text=_("At most one year. You can stop it earlier at any time."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Fill in a date, for example 1-9-2027.")},
    )

    def __init__(self, *args: Any, work_centres: list[tuple[int, str]], **kwargs: Any) -> None:
        from llo.advice.selectors import purpose_label

        kwargs.setdefault(
            "initial",
            {"purpose": PURPOSE_APPLY, "until": today() + dt.timedelta(days=90)},
        )
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = work_centres  # type: ignore[attr-defined]
        self.fields["purpose"].choices = [(p, purpose_label(p)) for p in PURPOSES]  # type: ignore[attr-defined]


class GoalForm(ProblemForm):
    goal = forms.CharField(
        label=_("Which job is the goal?"),
        help_text=_("Type the name of the job, for example zorgassistent."),
        max_length=200,
    )


class StepForm(ProblemForm):
    offer = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Why this step?"), max_length=300, required=False)


class RemoveForm(ProblemForm):
    position = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=3)
