# SPDX-License-Identifier: EUPL-1.2
"""Forms of the register pages. Labels and help are English msgids (Dutch B1 in the .po)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from llo.core.identifiers import LEVEL_CHOICES
from llo.core.money import Money, MoneyError
from llo.core.numbers import NumberError, format_decimal, parse_decimal
from llo.regions.models import Gemeente
from llo.register.models import (
    AssessmentType,
    LeadsTo,
    LegalStatus,
    LevelBasis,
    ModeOfDelivery,
    Offer,
    OfferType,
    Opleider,
    ProviderKind,
    ProviderStatus,
    QualityMarkKind,
    StudyLoadUnit,
)
from llo.register.search import SORTS
from llo.register.search.base import region_names
from llo.register.services import inputs
from llo.skills import selectors as skill_selectors
from llo.skills.resolve import Resolver, TermError


class EuroField(forms.Field):
    """An amount in euros as people type it (``1.234,50``), cleaned to whole cents."""

    widget = forms.TextInput
    max_length = 20

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > self.max_length:
            raise forms.ValidationError(_("Write an amount in euros, like 1.234,50."))
        try:
            cents = Money.parse(text).cents
        except MoneyError as exc:
            raise forms.ValidationError(_("Write an amount in euros, like 1.234,50.")) from exc
        if cents < 0:
            raise forms.ValidationError(_("An amount cannot be negative."))
        if cents > inputs.MAX_PRICE_CENTS:
            raise forms.ValidationError(_("This amount is too high."))
        return cents


class DutchDecimalField(forms.Field):
    """A number as Dutch people type it (``80,5``, ``1.250``), shown back the same way.

    Django's DecimalField shows ``80,0`` in a Dutch page but reads only ``80.0``, so an
    unchanged form came back refused (issue 15 item 6). Parsing and formatting are one pair
    (:mod:`llo.core.numbers`), so what the page shows is always read back unchanged.
    """

    widget = forms.TextInput
    max_length = 20

    def __init__(
        self,
        *,
        min_value: Decimal | None = None,
        max_value: Decimal | None = None,
        decimal_places: int | None = None,
        integer: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.min_value, self.max_value = min_value, max_value
        self.decimal_places, self.integer = decimal_places, integer
        self.widget.attrs["inputmode"] = "numeric" if integer else "decimal"

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_decimal(value)
        return value

    def to_python(self, value: Any) -> Decimal | int | None:
        text = str(value or "").strip()
        if not text:
            return None
        example = (
            _("Write a whole number, like 12.")
            if self.integer
            else _("Write a number, like 12 or 12,5.")
        )
        if len(text) > self.max_length:
            raise forms.ValidationError(example)
        try:
            number = parse_decimal(text)
        except NumberError as exc:
            raise forms.ValidationError(example) from exc
        if self.integer and number != number.to_integral_value():
            raise forms.ValidationError(example)
        if self.decimal_places is not None and number != round(number, self.decimal_places):
            raise forms.ValidationError(
                _("Use at most %(n)s digit after the comma.") % {"n": self.decimal_places}
            )
        if self.min_value is not None and number < self.min_value:
            raise forms.ValidationError(
                _("Write a number of at least %(n)s.") % {"n": format_decimal(self.min_value)}
            )
        if self.max_value is not None and number > self.max_value:
            raise forms.ValidationError(
                _("Write a number of at most %(n)s.") % {"n": format_decimal(self.max_value)}
            )
        return int(number) if self.integer else number


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]


def _lines(value: str) -> list[str]:
    """Names of occupations and skills: one per line or separated by semicolons (some names
    hold a comma, such as 'verkoopspecialist vis, schaal- en weekdieren')."""
    return [p.strip() for line in value.splitlines() for p in line.split(";") if p.strip()]


class OfferForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=64,
        help_text=_("Your own code for this offer. It must be unique within your offers."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What do people learn, and for which work? At least 50 letters."),
    )
    offer_type = forms.ChoiceField(label=_("Type"), choices=OfferType.choices)
    formal = forms.BooleanField(
        label=_("Formal education (leads to a diploma or mbo certificate)"), required=False
    )
    level = forms.ChoiceField(label=_("Level (NLQF/EQF)"), choices=LEVEL_CHOICES)
    level_basis = forms.ChoiceField(label=_("Basis of the level"), choices=LevelBasis.choices)
    study_load_value = DutchDecimalField(
        label=_("Study load"),
        min_value=Decimal(0),
        max_value=Decimal("999999.9"),
        decimal_places=1,
        help_text=_("A number, for example 80 or 12,5."),
    )
    study_load_unit = forms.ChoiceField(
        label=_("Unit of study load"),
        required=False,
        choices=[("", _("Choose a unit")), *StudyLoadUnit.choices],
    )
    leads_to = forms.ChoiceField(label=_("Leads to"), choices=LeadsTo.choices)
    legal_status = forms.ChoiceField(
        label=_("Participants are"),
        choices=LegalStatus.choices,
        help_text=_("In formal education: students. Otherwise: course participants."),
    )
    part_of = forms.ChoiceField(label=_("Part of programme"), required=False, choices=[])
    unit_code = forms.CharField(label=_("Unit of the programme"), max_length=64, required=False)
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, for example: TIG-lassen."),
    )
    occupations = forms.CharField(
        label=_("Occupations the course leads to"),
        required=False,
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, any name of the occupation, for example: lasser."),
    )
    learning_outcomes = forms.CharField(
        label=_("Learning outcomes"),
        required=False,
        max_length=15_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What can someone do after this? One per line, for example: "
            "Last een hoeknaad volgens de lasmethodebeschrijving. "
            "Needed for a microcredential. They are on the certificate."
        ),
    )
    assessment_type = forms.ChoiceField(
        label=_("Type of assessment"),
        required=False,
        choices=[("", _("Choose how you assess")), *AssessmentType.choices],
        help_text=_("Needed for a microcredential. It is on the certificate."),
    )
    quality_assurance = forms.CharField(
        label=_("Quality assurance"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "How do you make sure the assessment is good? For example: an external examiner. "
            "It is on the certificate, with your quality marks."
        ),
    )
    language = forms.CharField(label=_("Language"), max_length=12, initial="nl")
    modes = forms.MultipleChoiceField(
        label=_("How is it given?"),
        choices=ModeOfDelivery.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    online = forms.BooleanField(label=_("Can be followed online"), required=False)
    gemeenten = forms.CharField(
        label=_("Places"),
        required=False,
        max_length=4_000,
        help_text=_("Names of gemeenten, separated by commas. For example: Rotterdam, Schiedam."),
    )
    fee = EuroField(label=_("Course fee"), help_text=_("In euros, for example 1.250,00."))
    exam_fee = EuroField(label=_("Exam fee"))
    materials = EuroField(label=_("Materials"))
    vat_exempt = forms.BooleanField(label=_("Exempt from VAT"), required=False, initial=True)

    #: Names in the API and the checks, and the form field they belong to.
    FIELD_OF = {
        "code": "code",
        "title": "title",
        "description": "description",
        "offerType": "offer_type",
        "formal": "formal",
        "levelOfQualification": "level",
        "levelBasis": "level_basis",
        "studyLoad": "study_load_value",
        "studyLoad.value": "study_load_value",
        "studyLoad.studyLoadUnit": "study_load_unit",
        "leadsTo": "leads_to",
        "legalStatus": "legal_status",
        "partOf": "part_of",
        "modesOfDelivery": "modes",
        "gemeenten": "gemeenten",
        "price": "fee",
        "fee": "fee",
        "examFee": "exam_fee",
        "materials": "materials",
        "vatExempt": "vat_exempt",
        "language": "language",
        "occupations": "occupations",
        "skills": "skills",
        "learningOutcomes": "learning_outcomes",
        "assessmentType": "assessment_type",
        "qualityAssurance": "quality_assurance",
    }

    def __init__(
        self, *args: Any, opleider: Opleider, offer: Offer | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.opleider = opleider
        programmes = Offer.objects.filter(opleider=opleider, offer_type=OfferType.PROGRAMME)
        if offer is not None:
            programmes = programmes.exclude(pk=offer.pk)
        self.fields["part_of"].choices = [  # type: ignore[attr-defined]
            ("", _("Not part of a programme")),
            *[(p.code, f"{p.title} ({p.code})") for p in programmes.order_by("title")],
        ]

    @staticmethod
    def initial_from(offer: Offer) -> dict[str, Any]:
        names = dict(Gemeente.objects.filter(offers=offer).values_list("code", "name"))
        return {
            "code": offer.code,
            "title": offer.title,
            "description": offer.description,
            "offer_type": offer.offer_type,
            "formal": offer.formal,
            "level": offer.level,
            "level_basis": offer.level_basis,
            "study_load_value": offer.study_load_value,
            "study_load_unit": offer.study_load_unit,
            "leads_to": offer.leads_to,
            "legal_status": offer.legal_status,
            "part_of": offer.part_of.code if offer.part_of else "",
            "unit_code": offer.unit_code,
            "skills": "\n".join(t.label for t in skill_selectors.skill_terms(offer.skills or [])),
            "occupations": "\n".join(skill_selectors.form_names(offer.occupations or [])),
            "learning_outcomes": "\n".join(str(o) for o in offer.learning_outcomes or []),
            "assessment_type": offer.assessment_type,
            "quality_assurance": offer.quality_assurance,
            "language": offer.language,
            "modes": offer.modes,
            "online": offer.online,
            "gemeenten": ", ".join(sorted(names.values())),
            "fee": Money(offer.fee_cents).format().replace("€ ", ""),
            "exam_fee": Money(offer.exam_cents).format().replace("€ ", ""),
            "materials": Money(offer.materials_cents).format().replace("€ ", ""),
            "vat_exempt": offer.vat_exempt,
        }

    def clean_gemeenten(self) -> list[str]:
        names = _split(self.cleaned_data.get("gemeenten") or "")
        if not names:
            return []
        by_name = {n.lower(): c for c, n in Gemeente.objects.values_list("code", "name")}
        codes, unknown = [], []
        for name in names:
            code = name.upper() if name.upper() in by_name.values() else by_name.get(name.lower())
            (codes.append(code) if code else unknown.append(name))
        if unknown:
            raise forms.ValidationError(
                _("We do not know these gemeenten: %(names)s.") % {"names": ", ".join(unknown)}
            )
        return sorted(set(codes))

    def to_input(self) -> inputs.OfferInput:
        d = self.cleaned_data
        return inputs.OfferInput(
            code=d["code"].strip(),
            offer_type=d["offer_type"],
            title=d["title"].strip(),
            description=d.get("description") or "",
            formal=bool(d.get("formal")),
            level=d["level"],
            level_basis=d["level_basis"],
            study_load_value=d.get("study_load_value"),
            study_load_unit=d.get("study_load_unit") or "",
            leads_to=d["leads_to"],
            legal_status=d["legal_status"],
            part_of_code=d.get("part_of") or "",
            unit_code=d.get("unit_code") or "",
            skills=_lines(d.get("skills") or ""),
            occupations=_lines(d.get("occupations") or ""),
            # One outcome per line (an outcome may hold a semicolon or a comma).
            learning_outcomes=[
                line.strip()
                for line in (d.get("learning_outcomes") or "").splitlines()
                if line.strip()
            ],
            assessment_type=d.get("assessment_type") or "",
            quality_assurance=(d.get("quality_assurance") or "").strip(),
            language=d.get("language") or "nl",
            modes=list(d.get("modes") or []),
            online=bool(d.get("online")),
            gemeenten=d.get("gemeenten") or [],
            fee_cents=d.get("fee") or 0,
            exam_cents=d.get("exam_fee") or 0,
            materials_cents=d.get("materials") or 0,
            vat_exempt=bool(d.get("vat_exempt")),
        )

    def add_problem(self, name: str, reason: str) -> None:
        """Put an error from a service or a check beside its field."""
        field = self.FIELD_OF.get(name)
        if field is None and "." in name:
            field = self.FIELD_OF.get(name.split(".")[0])
        if not self.is_bound and getattr(self, "_errors", None) is None:
            # An unbound form (the edit page) that shows the reasons of the last checks.
            self._errors = ErrorDict()
            self.cleaned_data = {}
        self.add_error(field if field in self.fields else None, reason)


class OfferingForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    capacity = DutchDecimalField(
        label=_("Places"), integer=True, min_value=Decimal(0), max_value=Decimal(1_000_000)
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("An OOAPI JSON file or a CSV file. At most 100,000 offers."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.csv,application/json,text/csv"}),
    )
    publish = forms.BooleanField(
        label=_("Publish the offers that pass the checks at once"), required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Say why you decide this. The provider reads your reason; for a removal, everyone does."
        ),
    )


class ProviderStatusForm(forms.Form):
    """Suspend, readmit or remove a provider (register staff). The reason is public."""

    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (ProviderStatus.SUSPENDED, _("Suspend")),
            (ProviderStatus.ADMITTED, _("Admit again")),
            (ProviderStatus.REMOVED, _("Remove from the register")),
        ],
    )
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Everyone can read this reason on the page of the provider. "
            "It is required when you suspend or remove a provider."
        ),
    )


class QualityMarkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of quality mark"), choices=QualityMarkKind.choices)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Certificate number"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date is before the start date."))
        return data


SORT_LABELS = {
    "relevance": _("Best match"),
    "price": _("Price: low to high"),
    "-price": _("Price: high to low"),
    "start": _("Start date: soonest first"),
}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, max_length=200)
    level = forms.MultipleChoiceField(label=_("Level"), required=False, choices=LEVEL_CHOICES)
    offerType = forms.MultipleChoiceField(
        label=_("Type"), required=False, choices=OfferType.choices
    )
    mode = forms.MultipleChoiceField(
        label=_("How is it given?"), required=False, choices=ModeOfDelivery.choices
    )
    providerKind = forms.MultipleChoiceField(
        label=_("Provider"), required=False, choices=ProviderKind.choices
    )
    leadsTo = forms.MultipleChoiceField(
        label=_("Leads to"), required=False, choices=LeadsTo.choices
    )
    region = forms.MultipleChoiceField(label=_("Region"), required=False, choices=[])
    placeOnly = forms.BooleanField(
        label=_("Only offers in the region itself, not online"), required=False
    )
    maxPrice = EuroField(label=_("Price at most (euros)"))
    startFrom = forms.DateField(
        label=_("Starts from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    startTo = forms.DateField(
        label=_("Starts until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    skill = forms.CharField(label=_("Skill"), required=False, max_length=200)
    occupation = forms.CharField(label=_("Occupation"), required=False, max_length=200)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(s, SORT_LABELS[s]) for s in SORTS]
    )
    mine = forms.BooleanField(label=_("Only courses that my budgets pay for"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=500)

    def __init__(self, *args: Any, can_plan: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_plan:
            # Only a logged-in person has budgets to filter by.
            del self.fields["mine"]
        self.fields["region"].choices = sorted(  # type: ignore[attr-defined]
            region_names().items(), key=lambda item: item[1]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("startFrom"), data.get("startTo")
        if start and end and end < start:
            self.add_error("startTo", _("This date is before the first date."))
        # Any name of an occupation or skill finds the offers that lead to it (by code).
        for name, what in (("occupation", "occupation"), ("skill", "skill")):
            if data.get(name):
                try:
                    data[name] = Resolver(what).resolve(data[name])
                except TermError as exc:
                    self.add_error(name, exc.reason)
        return data
