# SPDX-License-Identifier: EUPL-1.2
"""Forms of the credentials pages. Labels and messages are B1 English msgids (Dutch in the
catalogue); a service's refusal is put beside the field it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from llo.core.identifiers import is_valid_bsn
from llo.register.models import Offer

DATE = {
    "required": _("Fill in a date."),
    "invalid": _("Fill in a date, for example 14-11-2026."),
}


class EvcForm(forms.Form):
    """The assessor's decision at the end of an EVC procedure (seed 001): which procedure,
    which candidate, when assessed, and that the standard was met."""

    #: The service's parameter names (``invalidParams``) per field of this form.
    FIELD_OF = {
        "procedure": "procedure",
        "bsn": "bsn",
        "birthDate": "birth_date",
        "assessedOn": "assessed_on",
    }

    procedure = forms.ChoiceField(
        label=_("EVC procedure"),
        error_messages={
            "required": _("Choose the EVC procedure."),
            "invalid_choice": _("Choose one of your EVC procedures."),
        },
    )
    bsn = forms.CharField(
        label=_("BSN of the candidate"),
        max_length=11,
        help_text=_("9 digits. We use it only to find the candidate."),
        error_messages={"required": _("Fill in the BSN of the candidate.")},
    )
    birth_date = forms.DateField(
        label=_("Date of birth of the candidate"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=DATE,
    )
    assessed_on = forms.DateField(
        label=_("Date of the assessment"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the assessor decided."),
        error_messages=DATE,
    )
    confirm = forms.BooleanField(
        label=_("The assessor decided that the candidate can do everything in this procedure"),
        error_messages={"required": _("Tick the box. Only then can you give the certificate.")},
    )

    def __init__(self, *args: Any, procedures: list[Offer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedures = {str(o.pk): o for o in procedures}
        field = self.fields["procedure"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Choose a procedure"))] + [(str(o.pk), o.title) for o in procedures]

    def clean_bsn(self) -> str:
        value = "".join(self.cleaned_data["bsn"].split()).replace(".", "")
        if not is_valid_bsn(value):
            raise forms.ValidationError(
                _("This BSN is not right. A BSN has 9 digits. Check the number.")
            )
        return value

    def offer(self) -> Offer | None:
        return self.procedures.get(self.cleaned_data.get("procedure", ""))

    def add_problem(self, name: str, reason: str) -> None:
        field = self.FIELD_OF.get(name)
        self.add_error(field if field in self.fields else None, reason)
