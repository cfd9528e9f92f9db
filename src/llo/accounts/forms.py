# SPDX-License-Identifier: EUPL-1.2
"""Forms of the funder pages: a budget with conditions (no code), deposits, a deposit file.

Amounts are typed in euros as people write them (``400``, ``400,00``, ``1.250,50``) and
become cents through :meth:`llo.core.money.Money.parse`; a fraction of a cent is an error
beside the field.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from llo.accounts.models import AllocationPolicy, Portability, RightKind
from llo.accounts.services import BulkMode
from llo.core.identifiers import LEVEL_CHOICES
from llo.core.money import MAX_CENTS, AmountTooLarge, Money, MoneyError
from llo.core.textguard import date_problem, name_problem
from llo.core.vocabulary import CostComponent, LabourPosition, OfferType, Purpose, Sector
from llo.regions.models import Region
from llo.schemes.errors import ConditionsError
from llo.schemes.funder_conditions import canonical
from llo.skills import codes as occupation_codes
from llo.skills import selectors as skill_selectors
from llo.skills.resolve import TermError, resolve_listed_code


class EuroField(forms.CharField):
    """An amount in euros, cleaned to whole cents (more than 0)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            cents = Money.parse(text).cents
        except AmountTooLarge:
            raise forms.ValidationError(
                _("This amount is too large. The most is %(max)s.")
                % {"max": Money(MAX_CENTS).format()}
            ) from None
        except MoneyError:
            raise forms.ValidationError(
                _("Write an amount in euros with at most 2 decimals, for example 400,00.")
            ) from None
        if cents <= 0:
            raise forms.ValidationError(_("The amount must be more than 0."))
        return cents


class CodesField(forms.CharField):
    """A list of codes typed with commas (occupations)."""

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


_LEADING_GROUP = re.compile(r"^(\d{1,4})(\s*[-\u2013\u2014:(].*)?$")


class OccupationsField(forms.CharField):
    """The occupations a funder's money is for, as ISCO-08 groups: what the schemes' rules
    compare (docs/decisions/017-skills-language.md). Typed one per line as a group at any level
    ("7212" the welders, "72" every occupation in metal and machines) or any Dutch name of an
    occupation ("lasser": its unit group, 7212); shown back as
    the group with the occupations in it, so a funder reads words, not only numbers."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            names = skill_selectors.code_labels(value)
            return "\n".join(f"{c} — {names[c]}" if c in names else str(c) for c in value)
        return value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        parts = [p.strip() for line in text.splitlines() for p in line.split(";") if p.strip()]
        # "7212, 7233" as before: commas between group codes only (names may hold commas).
        split: list[str] = []
        for part in parts:
            pieces = [p.strip() for p in part.split(",") if p.strip()]
            split.extend(pieces if all(p.isdigit() for p in pieces) else [part])
        groups: list[str] = []
        errors: list[str] = []
        for part in split:
            leading = _LEADING_GROUP.match(part)
            try:
                code = resolve_listed_code(leading[1] if leading else part)
            except TermError as exc:
                errors.append(exc.reason)
                continue
            # A group at any level stays itself ("72": every occupation in metal and
            # machines; issue 17); an occupation gives its unit group.
            group = (
                code if occupation_codes.is_isco_code(code) else occupation_codes.unit_group(code)
            )
            if group not in groups:
                groups.append(group)
        if errors:
            raise forms.ValidationError(errors)
        return groups


LEVELS = [("", _("No condition")), *LEVEL_CHOICES]

#: Form field → key of :class:`~llo.accounts.conditions.Conditions`.
CONDITION_FIELDS = {
    "max_level": "max_level",
    "offer_types": "offer_types",
    "purposes": "purposes",
    "occupations": "occupations",
    "regions": "regions",
    "labour_positions": "labour_positions",
    "sectors": "sectors",
    "cost_components": "cost_components",
    "co_payment_pct": "co_payment_pct",
    "co_payment_above_level": "co_payment_above_level",
    "accumulation_cap": "accumulation_cap_cents",
    "max_per_offer": "max_per_offer_cents",
    "subsidiary": "subsidiary",
}


class IdempotentForm(forms.Form):
    """A form that carries a hidden idempotency key, made when the form is first shown: pressing
    its button twice (or sending it again) does its work once."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", str(uuid.uuid4()))

    def ledger_key(self, user_id: object) -> str | None:
        """The ledger's idempotency key of this form sent by this user (None without one)."""
        key = self.cleaned_data["idempotency_key"]
        return f"web:{user_id}:{key}" if key else None


def conditions_text(conditions: dict[str, Any]) -> list[tuple[str, str]]:
    """A budget's conditions as (label, value) in words, with the labels and choices of this
    form (a funder reads them as they set them)."""
    form = BudgetForm()
    shown = []
    for name, key in CONDITION_FIELDS.items():
        if key not in conditions:
            continue
        value = conditions[key]
        field = form.fields[name]
        choices = dict(getattr(field, "choices", []) or [])
        if key == "occupations":
            names = skill_selectors.code_labels(value)
            text = "; ".join(str(names.get(c, c)) for c in value)
        elif isinstance(value, list):
            text = ", ".join(str(choices.get(v, v)) for v in value)
        elif key.endswith("_cents"):
            text = Money(int(value)).format()
        elif isinstance(value, bool):
            text = str(_("yes") if value else _("no"))
        else:
            text = str(choices.get(value, value))
        shown.append((str(field.label), text))
    return shown


class BudgetForm(IdempotentForm):
    name = forms.CharField(
        label=_("Name of the budget"),
        max_length=200,
        help_text=_("For example: Learning budget 2026."),
    )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"])
        if name_problem(name):
            raise forms.ValidationError(
                _("Use letters, digits and punctuation only: no invisible or control characters.")
            )
        return name

    total = EuroField(label=_("Total amount"), help_text=_("In euros, for example 7.200,00."))
    period_start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_end = forms.DateField(
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("After this date, money that was not given out goes back to you."),
    )
    amount_per_person = EuroField(
        label=_("Amount per person"),
        required=False,
        help_text=_("Optional. The amount we suggest when you deposit, for example 400,00."),
    )
    right_validity_months = forms.IntegerField(
        label=_("How long may a person use the money? (months)"),
        min_value=1,
        max_value=240,
        initial=24,
    )
    right_kind = forms.ChoiceField(
        label=_("What do people get?"),
        choices=[
            (RightKind.MONEY.value, RightKind.MONEY.label),
            (RightKind.VOUCHER.value, RightKind.VOUCHER.label),
        ],
        initial=RightKind.MONEY.value,
        widget=forms.RadioSelect,
    )
    portability = forms.ChoiceField(
        label=_("What happens when someone changes jobs?"),
        choices=Portability.choices,
        initial=Portability.CAO.value,
        widget=forms.RadioSelect,
    )
    allocation_policy = forms.ChoiceField(
        label=_("How is the money shared?"), choices=AllocationPolicy.choices
    )
    # --- conditions ---------------------------------------------------------------------------
    max_level = forms.ChoiceField(
        label=_("Highest level of the training"), choices=LEVELS, required=False
    )
    offer_types = forms.MultipleChoiceField(
        label=_("Kinds of training"),
        choices=OfferType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none for all kinds."),
    )
    purposes = forms.MultipleChoiceField(
        label=_("Goal of the training"),
        choices=Purpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none for every goal."),
    )
    occupations = OccupationsField(
        label=_("Occupations the training must lead to"),
        required=False,
        help_text=_(
            "One per line: the name of an occupation (for example lasser) or a group of "
            "occupations (for example 7212 for welders, or 72 for every occupation in metal "
            "and machines). Empty: every occupation."
        ),
    )
    regions = forms.MultipleChoiceField(
        label=_("People must live in these regions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none for the whole country."),
    )
    labour_positions = forms.MultipleChoiceField(
        label=_("Work situation"),
        choices=LabourPosition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label=_("People must work in these sectors"),
        choices=[c for c in Sector.choices if c[0] not in (Sector.NONE, Sector.OTHER)],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none for every sector."),
    )
    cost_components = forms.MultipleChoiceField(
        label=_("Costs you pay"),
        choices=CostComponent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to pay all costs."),
    )
    co_payment_pct = forms.IntegerField(
        label=_("Own contribution of the person (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("For example 20. Empty or 0: the person pays nothing."),
    )
    co_payment_above_level = forms.ChoiceField(
        label=_("Own contribution only for training above"),
        choices=LEVELS,
        required=False,
    )
    max_per_offer = EuroField(label=_("At most per training"), required=False)
    accumulation_cap = EuroField(
        label=_("All funders together at most"),
        required=False,
        help_text=_(
            "When your money is used, all money for one training together is at most this."
        ),
    )
    subsidiary = forms.BooleanField(
        label=_("Use other money first (private and sector money before ours)"),
        required=False,
    )
    BASIC = (
        "name",
        "total",
        "period_start",
        "period_end",
        "amount_per_person",
        "right_validity_months",
        "right_kind",
        "portability",
        "allocation_policy",
    )
    CONDITIONS = tuple(CONDITION_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = self.fields["regions"]
        assert isinstance(regions, forms.ChoiceField)
        regions.choices = list(Region.objects.order_by("name").values_list("code", "name"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("period_start", "period_end"):
            # The same window of years as the API (llo.core.textguard): year 0001 or 30 was
            # accepted as a budget period.
            if data.get(name) and date_problem(data[name].isoformat()):
                self.add_error(name, _("Choose a date between 1900 and 2199."))  # drops it
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end is before the start."))
        total, per_person = data.get("total"), data.get("amount_per_person")
        if total and per_person and per_person > total:
            self.add_error("amount_per_person", _("This is more than the whole budget."))
        raw = {}
        for name, key in CONDITION_FIELDS.items():
            value = data.get(name)
            if value not in (None, "", [], False):
                raw[key] = value
        try:
            data["conditions"] = canonical(raw)
        except ConditionsError as exc:
            by_key = {key: name for name, key in CONDITION_FIELDS.items()}
            for key, reason in exc.errors.items():
                self.add_error(by_key.get(key), reason)
        return data


class DepositForm(IdempotentForm):
    """Deposit the same amount to the persons chosen from the funder's reach."""

    persons = forms.MultipleChoiceField(
        label=_("Who gets money?"), widget=forms.CheckboxSelectMultiple
    )
    amount = EuroField(label=_("Amount per person"), help_text=_("In euros, for example 400,00."))
    valid_until = forms.DateField(
        label=_("May be used until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: as set in the budget."),
    )

    def __init__(self, *args: Any, person_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        persons = self.fields["persons"]
        assert isinstance(persons, forms.ChoiceField)
        persons.choices = person_choices


class DepositFileForm(IdempotentForm):
    file = forms.FileField(
        label=_("Deposit file (CSV)"),
        help_text=_(
            "A first line with the column names bsn (or person_id) and amount (or amount_cents); "
            "optionally valid_until. Separate with a comma or a semicolon."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    mode = forms.ChoiceField(
        label=_("When some lines are wrong"),
        choices=[
            (BulkMode.ALL_OR_NOTHING.value, _("Deposit nothing, so I can correct the file")),
            (BulkMode.PARTIAL.value, _("Deposit the correct lines, and show me the wrong ones")),
        ],
        initial=BulkMode.ALL_OR_NOTHING.value,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 200 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 200 MB. Split it."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again.")
            ) from None
