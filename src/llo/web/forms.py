# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from llo.core.identifiers import IdentifierError, validate_bsn, validate_kvk
from llo.core.roles import PERSON_ROLES, Role


class DemoLoginForm(forms.Form):
    """Type a BSN (citizen) or a KvK number (organisation roles) and choose a role."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.BURGER)
    bsn = forms.CharField(
        label=_("BSN"),
        required=False,
        max_length=11,
        help_text=_("9 digits. Only for the role Citizen."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kvk = forms.CharField(
        label=_("KvK number"),
        required=False,
        max_length=10,
        help_text=_("8 digits. For all roles of an organisation."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if not role:
            return data
        if role in PERSON_ROLES:
            if not data.get("bsn"):
                self.add_error("bsn", _("Fill in your BSN."))
            else:
                try:
                    data["bsn"] = validate_bsn(data["bsn"])
                except IdentifierError as exc:
                    self.add_error("bsn", str(exc))
        else:
            if not data.get("kvk"):
                self.add_error("kvk", _("Fill in the KvK number of your organisation."))
            else:
                try:
                    data["kvk"] = validate_kvk(data["kvk"])
                except IdentifierError as exc:
                    self.add_error("kvk", str(exc))
        return data
