# SPDX-License-Identifier: EUPL-1.2
"""Forms of the enrolment pages. Labels are B1 English msgids (the lead keeps the Dutch
catalogue). A service's Problem with invalid parameters is put beside the matching field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from llo.accounts.forms import EuroField, IdempotentForm
from llo.core import vocabulary
from llo.core.problems import Problem
from llo.core.timeutil import AMSTERDAM
from llo.enrolment.window_words import GROUP_LABELS, POLICY_LABELS, THEN_LABELS
from llo.people.models import FactName


class ConfirmForm(forms.Form):
    """Confirming what was shown: the preview and its amount travel back, so a changed
    amount is caught by the service (nothing is reserved then)."""

    preview = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    amount = forms.IntegerField(widget=forms.HiddenInput)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    persoon = forms.IntegerField(widget=forms.HiddenInput, required=False)
    venster = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label=_("I checked this. I want to apply."),
        error_messages={"required": _("Tick the box if you want to apply.")},
    )


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class FactsForm(forms.Form):
    """What a decision still needs to know from the person (``facts_adapter.questions``):
    only the questions asked are fields. The answers are the person's own statements, kept
    with today's date (``people.PersonFact``)."""

    insured_since = forms.DateField(
        label=_("Since when have you lived or worked in the Netherlands without a break?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Have you always lived here? Fill in your date of birth."),
        error_messages={"invalid": _("Fill in a date, for example 1-9-2019.")},
    )
    receives_study_support = forms.ChoiceField(
        label=_(
            "Do you get student finance or other money for your studies from the government now?"
        ),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    needs_basic_skills = forms.ChoiceField(
        label=_("Do you want to learn to read, write, count or use a computer better?"),
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
    )
    training_purpose = forms.ChoiceField(
        label=_("Why do you want to follow this training?"),
        choices=[
            (vocabulary.Purpose.WORK, _("To find work")),
            (vocabulary.Purpose.GROW, _("To grow in the work I do now")),
            (vocabulary.Purpose.SWITCH, _("To move to other work")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    persoon = forms.IntegerField(widget=forms.HiddenInput, required=False)
    venster = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, asked: Sequence[str], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        for name in [str(f) for f in FactName]:
            if name not in asked:
                del self.fields[name]
        for name in self.fields:
            if name in FactName.values:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = _("Answer this question.")

    def clean_insured_since(self) -> dt.date | None:
        since: dt.date | None = self.cleaned_data.get("insured_since")
        if since is not None and since > self.today:
            raise forms.ValidationError(_("Fill in today or a day in the past."))
        return since

    def answers(self) -> dict[str, object]:
        """The statements to record: fact name -> value (a date, or True/False)."""
        found: dict[str, object] = {}
        for name in FactName.values:
            if name in self.fields:
                value = self.cleaned_data.get(name)
                if name != FactName.TRAINING_PURPOSE and isinstance(value, str):
                    value = value == "yes"
                found[name] = value
        return found


class EnrolForm(forms.Form):
    sessions_planned = forms.IntegerField(
        label=_("Number of lessons"),
        min_value=1,
        max_value=1000,
        help_text=_("How many lessons or days does the training have?"),
        error_messages={
            "required": _("Fill in the number of lessons."),
            "invalid": _("Fill in a whole number."),
            "min_value": _("Fill in a number more than 0."),
        },
    )


class AttendanceForm(forms.Form):
    attended = forms.IntegerField(
        label=_("Lessons attended"),
        min_value=0,
        error_messages={
            "required": _("Fill in how many lessons the student came."),
            "invalid": _("Fill in a whole number."),
        },
    )
    excused = forms.IntegerField(
        label=_("Lessons missed with a good reason"),
        min_value=0,
        required=False,
        help_text=_("For example illness. These lessons do not count."),
        error_messages={"invalid": _("Fill in a whole number.")},
    )
    excused_reason = forms.CharField(label=_("Reason for missing"), max_length=300, required=False)


class CompletionForm(forms.Form):
    credential = forms.CharField(
        label=_("Diploma or certificate number"),
        max_length=300,
        required=False,
        help_text=_(
            "Leave this empty if there is no certificate. Then attendance counts: at least 80 %."
        ),
    )


class DropOutForm(forms.Form):
    excused = forms.BooleanField(
        label=_("The student stopped for a good reason, for example illness"), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class CloseCaseForm(forms.Form):
    note = forms.CharField(
        label=_("What did you find?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what you found.")},
    )


def add_problem(form: forms.Form, problem: Problem, names: Mapping[str, str]) -> None:
    """Put a service's refusal on the form: beside the field it names, else on top."""
    placed = False
    for param in problem.invalid_params:
        field = names.get(param.name)
        if field and field in form.fields:
            form.add_error(field, param.reason)
            placed = True
    if not placed or not problem.invalid_params:
        form.add_error(None, problem.detail)


# --- a funder opens a window -------------------------------------------------------------------


def _time_widget() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WindowForm(IdempotentForm):
    """What a funder fills in to open a window on a budget. The checks that need the budget,
    the rules and the dates together are the service's (:mod:`.services.opening`); its
    answers come back beside these fields (:data:`WINDOW_FIELDS`)."""

    name = forms.CharField(
        label=_("Name of the round"),
        max_length=200,
        help_text=_("People see this name. For example: Training toward work, round 1."),
    )
    description = forms.CharField(
        label=_("For whom is this round?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In simple words. People read this before they apply."),
    )
    scheme = forms.ChoiceField(
        label=_("Rules that decide"),
        widget=forms.RadioSelect,
        help_text=_("The rules must apply on every day of the round."),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=_date_widget())
    opens_time = forms.TimeField(label=_("Opens at (time)"), initial="09:00", widget=_time_widget())
    closes_on = forms.DateField(label=_("Closes on"), widget=_date_widget())
    closes_time = forms.TimeField(
        label=_("Closes at (time)"), initial="17:00", widget=_time_widget()
    )
    budget = EuroField(
        label=_("Money for this round"),
        help_text=_("In euros, for example 250.000,00. It comes from the budget."),
    )
    max_per_person = EuroField(
        label=_("Most per person"),
        required=False,
        help_text=_("Optional. For example 1.000,00. Empty: what the rules give."),
    )
    policy = forms.ChoiceField(
        label=_("Who gets the money first?"),
        choices=list(POLICY_LABELS.items()),
        initial="lottery",
        widget=forms.RadioSelect,
    )
    then_policy = forms.ChoiceField(
        label=_("Inside a group that goes first"),
        choices=list(THEN_LABELS.items()),
        initial="lottery",
        widget=forms.RadioSelect,
        help_text=_("Only for priority for target groups."),
    )
    group_1 = forms.ChoiceField(label=_("Goes first"), required=False)
    group_2 = forms.ChoiceField(label=_("Goes second"), required=False)
    group_3 = forms.ChoiceField(label=_("Goes third"), required=False)
    training_cap = forms.IntegerField(
        label=_("Most grants per training this year"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Optional. STAP had 300. It stops one training from taking everything."),
        error_messages={
            "invalid": _("Fill in a whole number."),
            "min_value": _("Fill in a whole number of 1 or more."),
        },
    )
    waiting_list = forms.BooleanField(
        label=_("Keep a waiting list when the money is used up"),
        required=False,
        initial=True,
    )

    GROUP_FIELDS = ("group_1", "group_2", "group_3")

    def __init__(self, *args: Any, rules: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scheme"]).choices = list(rules)
        if len(rules) == 1 and not self.is_bound:
            self.initial.setdefault("scheme", rules[0][0])
        groups = [("", _("No group")), *GROUP_LABELS.items()]
        for name in self.GROUP_FIELDS:
            cast(forms.ChoiceField, self.fields[name]).choices = groups

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(name) for name in self.GROUP_FIELDS]
        data["priority_groups"] = [g for g in chosen if g]
        return data

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """Opening and closing as aware moments (Dutch time, stored in UTC)."""
        data = self.cleaned_data
        opens = dt.datetime.combine(data["opens_on"], data["opens_time"], tzinfo=AMSTERDAM)
        closes = dt.datetime.combine(data["closes_on"], data["closes_time"], tzinfo=AMSTERDAM)
        return opens, closes


#: Names of a window's invalid parameters (the service's camelCase) → fields of the form.
WINDOW_FIELDS = {
    "name": "name",
    "opensAt": "opens_on",
    "closesAt": "closes_on",
    "scheme": "scheme",
    "budgetCents": "budget",
    "maxPerPersonCents": "max_per_person",
    "policy": "policy",
    "thenPolicy": "then_policy",
    "priorityGroups": "group_1",
    "trainingCap": "training_cap",
}


class CompareForm(forms.Form):
    """Comparing trainings in a window (a GET form: it works without JavaScript)."""

    woorden = forms.CharField(
        label=_("Words in the name of the training"),
        required=False,
        max_length=100,
        help_text=_("For example: nurse, care, welding."),
    )
    volgorde = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("betaal", _("What you pay yourself, lowest first")),
            ("start", _("Start date, first first")),
        ],
    )
    alles = forms.BooleanField(
        label=_("Also show trainings this round does not pay for"), required=False
    )
