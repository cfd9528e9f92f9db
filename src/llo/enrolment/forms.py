# SPDX-License-Identifier: EUPL-1.2
"""Forms of the enrolment pages. Labels are B1 English msgids (the lead keeps the Dutch
catalogue). A service's Problem with invalid parameters is put beside the matching field."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _

from llo.core.problems import Problem


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
