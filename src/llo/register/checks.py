# SPDX-License-Identifier: EUPL-1.2
"""Admission checks of an offer: rules with reasons (pure, no database).

Each rule looks at plain facts about the offer and its provider and returns results with a
severity: ``block`` (the offer cannot be approved until it is fixed) or ``flag`` (a person in
the register team looks at it). Results are stored as codes with parameters, and turned into
Dutch B1 text (gettext) when they are shown, so the language can change afterwards.

Sources: seed 001 (the STAP training register: "een scholingsregister met
kwaliteitseisen", only EVC procedures "van goede kwaliteit"; NLQF levelling); seed 000
(student or cursist; mbo-certificaat and diploma are formal, civil effect); Wet op de
omzetbelasting 1968 art. 11(1)(o) (education is VAT-exempt when the provider is recognised by
law or registered in the CRKBO).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from llo.core.csvio import starts_like_formula
from llo.core.money import Money
from llo.register.search.text import words

BLOCK = "block"
FLAG = "flag"


@dataclass(frozen=True)
class Mark:
    kind: str
    valid_from: dt.date
    valid_until: dt.date | None = None

    def valid_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True)
class ProviderFacts:
    kind: str  # public / private
    status: str
    institution_code: str = ""
    marks: tuple[Mark, ...] = ()
    #: How many offers of this provider are published now; ``None``: not known (no flag).
    published_offers: int | None = None

    def has_valid(self, kinds: Sequence[str], on: dt.date) -> bool:
        return any(m.kind in kinds and m.valid_on(on) for m in self.marks)


@dataclass(frozen=True)
class OfferFacts:
    offer_type: str
    title: str
    description: str
    formal: bool
    level: str
    level_basis: str
    study_load_value: Decimal | None
    study_load_unit: str
    leads_to: str
    legal_status: str
    modes: tuple[str, ...]
    online: bool
    gemeente_count: int
    fee_cents: int
    exam_cents: int
    materials_cents: int
    vat_exempt: bool
    has_programme: bool = False
    #: The lowest price of this offer in the last year before this change (its earlier
    #: versions); ``None`` for a new offer.
    reference_price_cents: int | None = None

    @property
    def price_cents(self) -> int:
        return self.fee_cents + self.exam_cents + self.materials_cents

    @property
    def hours(self) -> Decimal | None:
        """The study load in hours: 1 EC (studiepunt) is 28 hours of study (WHW art. 7.4);
        an SBU and a contact hour are one hour each."""
        if self.study_load_value is None or self.study_load_value <= 0:
            return None
        per = HOURS_PER_UNIT.get(self.study_load_unit)
        return self.study_load_value * per if per else None


@dataclass(frozen=True)
class PriceBand:
    """The plausible price range of similar offers (same type and level)."""

    low_cents: int
    high_cents: int
    median_cents: int
    count: int


@dataclass(frozen=True)
class CheckResult:
    code: str
    severity: str
    field: str = ""
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "field": self.field, **self.params}

    @property
    def message(self) -> str:
        return message(self.as_dict())


HOURS_PER_UNIT = {"hour": 1, "sbu": 1, "contact_time": 1, "ects": 28, "sp": 28}

#: The smallest number of similar offers a price band is computed from.
MIN_SIMILAR = 5


def price_band(prices_cents: Sequence[int]) -> PriceBand | None:
    """A robust band around the median: median plus or minus 3 times the scaled MAD, in whole cents.

    The median absolute deviation times 1.4826 estimates the standard deviation without
    letting a few extreme prices pull it (Rousseeuw & Croux 1993). It is floored at a quarter
    of the median, so a market where most offers cost the same does not flag small
    differences. Integer arithmetic only: no float enters a money path (DESIGN.md 4).
    """
    if len(prices_cents) < MIN_SIMILAR:
        return None
    ordered = sorted(prices_cents)
    median = _median(ordered)
    mad = _median(sorted(abs(p - median) for p in ordered))
    scaled = max(mad * 14826 // 10000, median // 4)
    return PriceBand(
        low_cents=max(0, median - 3 * scaled),
        high_cents=median + 3 * scaled,
        median_cents=median,
        count=len(ordered),
    )


def _median(ordered: Sequence[int]) -> int:
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) // 2


#: Words that point at leisure rather than work. STAP paid only for training "gericht op de
#: arbeidsmarkt" (Regeling STAP-budget, art. 5); a reviewer decides, so this only flags.
LEISURE_WORDS = frozenset(
    (
        "hobby", "hobbyist", "yoga", "meditatie", "mindfulness", "reiki", "tarot", "astrologie",
        "wijnproeven", "wijnproeverij", "bierproeven", "paardrijden", "golf", "zeilen",
        "schilderles", "aquarelleren", "breien", "haken", "pottenbakken", "bloemschikken",
        "fotografie", "kookworkshop", "dansles", "salsa",
    )
)  # fmt: skip


#: Above this price per hour of study a person looks before the offer is published. A policy
#: value, not a law: non-formal vocational courses in the demo market cost € 15 to € 60 an
#: hour; € 150 an hour is far above that and is what a course like "8 hours for € 14.999"
#: (issue 15 item 7, € 1.875 an hour) trips. A reviewer decides; it never refuses.
MAX_CENTS_PER_HOUR = 150_00

#: A price rise of more than this percentage over the lowest price of the last year, and of at
#: least MIN_JUMP_CENTS, goes to a person: a price raised after admission, or raised in small
#: steps, is compared with the price people saw (issue 15 item 7: "price jumps").
MAX_RISE_PCT = 25
MIN_JUMP_CENTS = 100_00

#: Words of promises a course cannot keep. Misleading commercial practice is forbidden (BW
#: 6:193c, Wet oneerlijke handelspraktijken) and the NRTO code of conduct asks for honest
#: information; a reviewer decides, so these only flag.
PROMISE_WORDS = frozenset(
    (
        "gegarandeerd", "garantie", "baangarantie", "slagingsgarantie", "rijk", "miljonair",
        "schatrijk", "geldgarantie", "guaranteed", "rich",
    )
)  # fmt: skip


# --- the rules ----------------------------------------------------------------------------

Rule = Callable[[OfferFacts, ProviderFacts, dt.date, PriceBand | None], list[CheckResult]]


def provider_admitted(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    if p.status != "admitted":
        return [CheckResult("provider-not-admitted", BLOCK, "", {"status": p.status})]
    return []


def quality_mark(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    if not any(m.valid_on(on) for m in p.marks):
        return [CheckResult("no-valid-quality-mark", BLOCK, "qualityMarks")]
    return []


def formal_recognition(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    """A diploma or mbo-certificaat has civil effect only from a recognised institution
    (seed 000 note 6 and 7; seed 001 section 7)."""
    results = []
    if (o.formal or o.leads_to in ("diploma", "mbo_certificate")) and not p.has_valid(
        ("ocw", "nvao"), on
    ):
        results.append(CheckResult("formal-needs-recognition", BLOCK, "formal"))
    if o.leads_to == "mbo_certificate" and not o.formal:
        results.append(CheckResult("certificate-is-formal", BLOCK, "leadsTo"))
    if o.leads_to == "diploma" and o.offer_type != "programme":
        results.append(CheckResult("diploma-needs-programme", BLOCK, "leadsTo"))
    return results


def level_basis(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    if o.level_basis == "levelled" and not p.has_valid(("nlqf",), on):
        return [CheckResult("levelled-needs-nlqf", BLOCK, "levelBasis")]
    if o.level_basis == "generic" and not o.formal:
        return [CheckResult("generic-level-is-formal", BLOCK, "levelBasis")]
    return []


def title_for_export(offer_id: int, title: str) -> str:
    """The title an export that others publish or open in a spreadsheet shows (the open
    spending data, the OOAPI endpoints): the title, or, when it starts like a formula, a
    neutral stand-in until register staff have looked at it.

    The check on titles (``title-formula`` above) came after some offers were published, so
    every public export checks again (issue 14). The CSV writer neutralises such a title
    anyway (llo.core.csvio); the stand-in also keeps it out of JSON that someone else turns
    into a spreadsheet. ``llo register_formula_titles --flag`` sends those offers back to
    review, where the provider changes the title.
    """
    if starts_like_formula(title):
        return _("Offer %(id)s (title under review)") % {"id": offer_id}
    return title


def required_fields(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    results = []
    if len(o.title.strip()) < 5:
        results.append(CheckResult("title-too-short", BLOCK, "title"))
    if starts_like_formula(o.title):
        # A title is in every export and in the open spending data; a spreadsheet reads one
        # that starts with = + - @ as a formula (issue 14, finding 4; OWASP CSV injection).
        # Every CSV writer neutralises it too (llo.core.csvio); here it is refused at once.
        results.append(CheckResult("title-formula", BLOCK, "title"))
    if len(o.description.strip()) < 50:
        results.append(CheckResult("description-too-short", BLOCK, "description"))
    if o.study_load_value is None or o.study_load_value <= 0 or not o.study_load_unit:
        results.append(CheckResult("study-load-missing", BLOCK, "studyLoad"))
    if not o.modes:
        results.append(CheckResult("mode-missing", BLOCK, "modesOfDelivery"))
    if not o.online and o.gemeente_count == 0:
        results.append(CheckResult("place-missing", BLOCK, "gemeenten"))
    if o.offer_type == "module" and not o.has_programme:
        results.append(CheckResult("module-needs-programme", BLOCK, "partOf"))
    return results


def consistency(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    results = []
    expected = "student" if o.formal else "cursist"
    if o.legal_status != expected:
        results.append(
            CheckResult("legal-status-mismatch", BLOCK, "legalStatus", {"expected": expected})
        )
    if o.offer_type == "evc" and o.leads_to != "experience_certificate":
        results.append(CheckResult("evc-leads-to-certificate", BLOCK, "leadsTo"))
    if o.offer_type == "microcredential" and o.leads_to != "microcredential":
        results.append(CheckResult("microcredential-leads-to", BLOCK, "leadsTo"))
    if o.vat_exempt and o.price_cents > 0 and not p.has_valid(("crkbo", "ocw", "nvao"), on):
        results.append(CheckResult("vat-exemption-needs-registration", BLOCK, "vatExempt"))
    return results


def price_plausible(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    if band is None:
        return []
    price = o.price_cents
    params = {
        "low": band.low_cents,
        "high": band.high_cents,
        "median": band.median_cents,
        "similar": band.count,
    }
    if price > band.high_cents:
        return [CheckResult("price-much-higher", FLAG, "price", params)]
    if price < band.low_cents:
        return [CheckResult("price-much-lower", FLAG, "price", params)]
    return []


def labour_market(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    found = sorted({w for w in words(f"{o.title} {o.description}") if w in LEISURE_WORDS})
    if found:
        return [CheckResult("maybe-leisure", FLAG, "title", {"words": ", ".join(found)})]
    return []


def new_provider(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    """A provider with nothing published yet: its offers are read by a person before they are
    public (issue 15 item 7: the offers of new providers go to staff review)."""
    if p.published_offers == 0:
        return [CheckResult("new-provider", FLAG, "")]
    return []


def price_jump(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    old = o.reference_price_cents
    if not old or o.price_cents - old < MIN_JUMP_CENTS:
        return []
    if o.price_cents * 100 > old * (100 + MAX_RISE_PCT):
        rise = (o.price_cents - old) * 100 // old
        return [
            CheckResult(
                "price-jump", FLAG, "price", {"old": old, "new": o.price_cents, "pct": rise}
            )
        ]
    return []


def price_per_hour(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    hours = o.hours
    if not hours or not o.price_cents:
        return []
    per_hour = int(Decimal(o.price_cents) / hours)
    if per_hour > MAX_CENTS_PER_HOUR:
        return [
            CheckResult(
                "price-per-hour",
                FLAG,
                "price",
                {"perHour": per_hour, "hours": str(hours.normalize()), "max": MAX_CENTS_PER_HOUR},
            )
        ]
    return []


def promises(
    o: OfferFacts, p: ProviderFacts, on: dt.date, band: PriceBand | None
) -> list[CheckResult]:
    found = sorted({w for w in words(f"{o.title} {o.description}") if w in PROMISE_WORDS})
    if found:
        return [CheckResult("promise", FLAG, "title", {"words": ", ".join(found)})]
    return []


RULES: tuple[Rule, ...] = (
    provider_admitted,
    quality_mark,
    formal_recognition,
    level_basis,
    required_fields,
    consistency,
    price_plausible,
    labour_market,
    new_provider,
    price_jump,
    price_per_hour,
    promises,
)


def run(
    offer: OfferFacts, provider: ProviderFacts, on: dt.date, band: PriceBand | None = None
) -> list[CheckResult]:
    """All results of all rules, in rule order."""
    results: list[CheckResult] = []
    for rule in RULES:
        results.extend(rule(offer, provider, on, band))
    return results


def blocking(results: Sequence[CheckResult | dict[str, Any]]) -> list[Any]:
    return [r for r in results if _severity(r) == BLOCK]


def flags(results: Sequence[CheckResult | dict[str, Any]]) -> list[Any]:
    return [r for r in results if _severity(r) == FLAG]


def _severity(r: CheckResult | dict[str, Any]) -> str:
    return r.severity if isinstance(r, CheckResult) else str(r.get("severity", ""))


# --- messages (Dutch B1 through gettext; msgids in English) -------------------------------


def _euros(cents: Any) -> str:
    return Money(int(cents)).format()


def message(result: dict[str, Any]) -> str:
    """The text for a stored result, in the current language."""
    code = result.get("code", "")
    p = {k: v for k, v in result.items() if k not in ("code", "severity", "field")}
    texts: dict[str, Callable[[], str]] = {
        "provider-not-admitted": lambda: _(
            "Your organisation is not admitted to the register now. You cannot offer courses."
        ),
        "no-valid-quality-mark": lambda: _(
            "Your organisation has no valid quality mark. Add one, for example NRTO, CRKBO or NVAO."
        ),
        "formal-needs-recognition": lambda: _(
            "A diploma or mbo certificate needs recognition by OCW or NVAO. Your organisation "
            "does not have that."
        ),
        "certificate-is-formal": lambda: _(
            "An mbo certificate is formal education. Tick 'formal education'."
        ),
        "diploma-needs-programme": lambda: _("Only a whole programme leads to a diploma."),
        "levelled-needs-nlqf": lambda: _(
            "You say the level was set by the NCP NLQF. Add the NLQF quality mark first."
        ),
        "generic-level-is-formal": lambda: _(
            "Only formal education has a level set by law. Choose another basis for the level."
        ),
        "title-too-short": lambda: _("Give a title of at least 5 letters."),
        "title-formula": lambda: _(
            "Start the title with a letter or a digit. A title that starts with =, +, -, @ or "
            "a tab is read as a formula by spreadsheet programs."
        ),
        "description-too-short": lambda: _(
            "Describe the offer in at least 50 letters: what people learn and for which work."
        ),
        "study-load-missing": lambda: _("Say how much time the offer takes, and in which unit."),
        "mode-missing": lambda: _("Say how the offer is given: in class, online or both."),
        "place-missing": lambda: _("Say where the offer is given, or that it is online."),
        "module-needs-programme": lambda: _("Say which programme this module is part of."),
        "legal-status-mismatch": lambda: (
            _("In formal education participants are students.")
            if p.get("expected") == "student"
            else _("In non-formal education participants are course participants, not students.")
        ),
        "evc-leads-to-certificate": lambda: _(
            "An EVC procedure leads to an experience certificate."
        ),
        "microcredential-leads-to": lambda: _(
            "A microcredential offer leads to a microcredential."
        ),
        "vat-exemption-needs-registration": lambda: _(
            "Only providers in the CRKBO register or recognised by OCW or NVAO may charge no VAT."
        ),
        "price-much-higher": lambda: (
            _(
                "This price is much higher than similar offers. %(similar)s similar offers mostly "
                "cost between %(low)s and %(high)s."
            )
            % {
                "similar": p.get("similar", 0),
                "low": _euros(p.get("low", 0)),
                "high": _euros(p.get("high", 0)),
            }
        ),
        "price-much-lower": lambda: (
            _(
                "This price is much lower than similar offers. %(similar)s similar offers mostly "
                "cost between %(low)s and %(high)s."
            )
            % {
                "similar": p.get("similar", 0),
                "low": _euros(p.get("low", 0)),
                "high": _euros(p.get("high", 0)),
            }
        ),
        "maybe-leisure": lambda: (
            _(
                "This may be a leisure course, not training for work (words: %(words)s). A "
                "reviewer will look at it."
            )
            % {"words": p.get("words", "")}
        ),
        "new-provider": lambda: _(
            "This is one of the first offers of this provider. A person from the register "
            "reads it before it is published."
        ),
        "price-jump": lambda: (
            _("The price went up from %(old)s to %(new)s (%(pct)s %% more) in the last year.")
            % {"old": _euros(p.get("old", 0)), "new": _euros(p.get("new", 0)), "pct": p.get("pct")}
        ),
        "price-per-hour": lambda: (
            _(
                "This costs %(per_hour)s per hour of study (%(hours)s hours). That is more than "
                "%(max)s per hour, which is very high."
            )
            % {
                "per_hour": _euros(p.get("perHour", 0)),
                "hours": str(p.get("hours", "")).replace(".", ","),
                "max": _euros(p.get("max", MAX_CENTS_PER_HOUR)),
            }
        ),
        "promise": lambda: (
            _(
                "The text makes a promise that a course cannot keep (words: %(words)s). "
                "A reviewer will look at it."
            )
            % {"words": p.get("words", "")}
        ),
    }
    text = texts.get(code)
    return text() if text else code
