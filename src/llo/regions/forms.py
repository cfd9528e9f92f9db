# SPDX-License-Identifier: EUPL-1.2
"""Forms of the region pages. They only collect text: the services check it (the same checks
for the pages and the API) and their named problems are put beside the fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from llo.core.identifiers import LEVEL_CHOICES
from llo.regions.models import CloseReason, Region, Urgency
from llo.regions.services.demand import DemandInput

#: API names of the services' problems → form fields.
FIELD_OF = {
    "region": "region",
    "occupation": "occupation",
    "skills": "skills",
    "people": "people",
    "level": "level",
    "periodStart": "period_start",
    "periodEnd": "period_end",
    "urgency": "urgency",
    "source": "source",
    "note": "note",
    "skill": "skill",
    "email": "email",
    "reason": "reason",
}


def _region_choices(blank: str = "") -> list[tuple[str, str]]:
    rows = [(c, n) for c, n in Region.objects.order_by("name").values_list("code", "name")]
    return [("", blank), *rows] if blank else rows


def split_terms(text: str) -> list[str]:
    """Skills typed one per line (or separated by semicolons)."""
    return [p.strip() for line in (text or "").splitlines() for p in line.split(";") if p.strip()]


class ProblemForm(forms.Form):
    def add_problem(self, name: str, reason: str) -> None:
        field = FIELD_OF.get(name)
        self.add_error(field if field in self.fields else None, reason)


class DemandForm(ProblemForm):
    region = forms.ChoiceField(label=_("Region"), choices=())
    occupation = forms.CharField(
        label=_("Occupation"),
        required=False,
        max_length=200,
        help_text=_("Type the name of the occupation, for example 'lasser'. Any name works."),
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One skill per line, for example 'TIG-lassen'. Fill in an occupation, skills, or both."
        ),
    )
    people = forms.CharField(label=_("Number of people"), max_length=12)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("Any level")), *LEVEL_CHOICES]
    )
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    urgency = forms.ChoiceField(
        label=_("How urgent"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    source = forms.CharField(
        label=_("Where does the figure come from?"),
        max_length=300,
        help_text=_("For example: a survey of employers, vacancies, a sector plan."),
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everything you fill in here is public. Do not write names of people."),
    )

    #: The version of the statement the form was opened on (a change only; see demand.update).
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices()  # type: ignore[attr-defined]

    def to_input(self) -> DemandInput:
        d = self.cleaned_data
        return DemandInput(
            region=d["region"],
            occupation=d.get("occupation") or "",
            skills=split_terms(d.get("skills") or ""),
            people=d["people"],
            level=d.get("level") or "",
            period_start=d["period_start"],
            period_end=d["period_end"],
            urgency=d["urgency"],
            source=d["source"],
            note=d.get("note") or "",
            version=d.get("version"),
        )

    @staticmethod
    def initial_for(region: str, today: dt.date) -> dict[str, Any]:
        return {
            "region": region,
            "period_start": today,
            "period_end": dt.date(today.year + 1, 12, 31),
            "urgency": Urgency.NORMAL,
        }


class CloseForm(ProblemForm):
    reason = forms.ChoiceField(label=_("Why do you close it?"), choices=CloseReason.choices)


class SubscriptionForm(ProblemForm):
    occupation = forms.CharField(
        label=_("Occupation"),
        required=False,
        max_length=200,
        help_text=_("A name such as 'lasser'. Fill in an occupation or a skill."),
    )
    skill = forms.CharField(label=_("Skill"), required=False, max_length=200)
    region = forms.ChoiceField(label=_("Region"), required=False, choices=())
    email = forms.CharField(
        label=_("E-mail address for notifications"),
        required=False,
        max_length=254,
        help_text=_("Leave empty to get notifications in llo only."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _region_choices(str(_("All regions")))  # type: ignore[attr-defined]


class ShortageImportForm(ProblemForm):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: region, occupation, kind (kansberoep or krapteberoep), validFrom, "
            "validUntil, source."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class MapForm(forms.Form):
    """The choices above the map (GET)."""

    jaar = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=(), required=False)
    beroep = forms.CharField(label=_("Occupation"), required=False, max_length=200)
    maat = forms.ChoiceField(
        label=_("Colour the map by"),
        required=False,
        choices=[
            ("gap", _("Too few training places")),
            ("demand_people", _("People needed")),
            ("seats", _("Training places")),
        ],
    )

    def __init__(self, *args: Any, years: tuple[int, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jaar"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
