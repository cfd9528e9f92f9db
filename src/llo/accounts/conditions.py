# SPDX-License-Identifier: EUPL-1.2
"""A funder's conditions on its money, and the check of one right against one training.

A budget carries its own conditions as a plain dict (stored as JSON, filled in a form, no
code): levels, offer types, occupations, region, purpose, co-payment, validity, accumulation
cap (seed 002: "NLQF levels to decide what may be funded", "a careful trade-off between
conditions and misuse"; JOURNEYS.md: the O&O fund's occupation list and 20 % co-payment
above NLQF 4, the bakery's "any level, purpose current job").

Everything here is pure: :class:`Conditions` parses and validates the dict, :class:`RuleChecker`
checks it against :class:`PersonFacts` and :class:`OfferFacts` and says why, in B1. The funding
plan asks a :class:`ConditionsChecker` (a protocol), so the rules engine of ``llo.schemes`` can
take over the check when its generic funder-conditions evaluator lands, without changing the
plan or the ledger.

The codes of offer types and purposes are those of ``llo.schemes.enums`` (``OfferType``,
``Purpose``), so a conditions dict means the same to both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from llo.core.identifiers import LEVEL_LABELS, Level
from llo.core.money import Money

#: ``llo.schemes.enums.OfferType`` codes, with the words a funder sees in the form.
OFFER_TYPES: dict[str, Any] = {
    "programme": gettext_lazy("A whole programme"),
    "module": gettext_lazy("Part of a programme"),
    "course": gettext_lazy("A course"),
    "mbo_certificate": gettext_lazy("An mbo certificate"),
    "microcredential": gettext_lazy("A microcredential"),
    "evc": gettext_lazy("An EVC procedure (recognition of prior learning)"),
    "basic_skills": gettext_lazy("A basic-skills course (language, numeracy, digital)"),
    "other": gettext_lazy("Other training"),
}

#: ``llo.schemes.enums.Purpose`` codes. Seed 002 distinguishes training for the current job
#: ("het werk") from training toward "een beroep in de toekomst"; seed 004 adds getting into
#: work.
PURPOSES: dict[str, Any] = {
    "work": gettext_lazy("Finding work"),
    "grow": gettext_lazy("Growing in your current job"),
    "switch": gettext_lazy("Moving to another occupation (a future occupation)"),
}

#: Parts of a price a funder may or may not pay (register offers carry these components).
COST_COMPONENTS: dict[str, Any] = {
    "tuition": gettext_lazy("Tuition"),
    "exam": gettext_lazy("Exam"),
    "materials": gettext_lazy("Books and materials"),
    "evc": gettext_lazy("EVC procedure"),
    "other": gettext_lazy("Other costs"),
}

LABOUR_POSITIONS = ("employed", "flex", "self_employed", "job_seeker", "on_benefit")


class ConditionsError(ValueError):
    """A conditions dict that is not valid; ``errors`` maps each key to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _codes(
    value: Any, allowed: Iterable[str] | None, key: str, errors: dict[str, str]
) -> frozenset[str]:
    if value in (None, "", []):
        return frozenset()
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        errors[key] = "a list of codes"
        return frozenset()
    items = {str(v).strip() for v in value if str(v).strip()}
    if allowed is not None:
        allowed_set = set(allowed)
        unknown = sorted(items - allowed_set)
        if unknown:
            errors[key] = f"unknown: {', '.join(unknown)}; use: {', '.join(sorted(allowed_set))}"
    return frozenset(items)


def _level(value: Any, key: str, errors: dict[str, str]) -> Level | None:
    if value in (None, ""):
        return None
    try:
        return Level(str(value))
    except ValueError:
        errors[key] = f"'{value}' is not a level; use one of: {', '.join(lv.value for lv in Level)}"
        return None


def _cents(value: Any, key: str, errors: dict[str, str], *, positive: bool = True) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = "a whole number of cents"
        return None
    if positive and value <= 0:
        errors[key] = "more than 0 cents"
        return None
    return value


def _date(value: Any, key: str, errors: dict[str, str]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[key] = "a date as YYYY-MM-DD"
        return None


@dataclass(frozen=True)
class Conditions:
    """A funder's conditions. Empty sets and ``None`` mean "no condition"."""

    max_level: Level | None = None
    offer_types: frozenset[str] = frozenset()
    occupations: frozenset[str] = frozenset()
    #: Labour-market regions (CBS ``AMnn``) the person must live in (a municipality pays for
    #: its residents).
    regions: frozenset[str] = frozenset()
    purposes: frozenset[str] = frozenset()
    labour_positions: frozenset[str] = frozenset()
    #: Sectors the person must work in (an O&O fund pays for workers in its sector).
    sectors: frozenset[str] = frozenset()
    cost_components: frozenset[str] = frozenset()
    co_payment_pct: int = 0
    #: The co-payment applies only to offers above this level (O&O-fonds Techniek: 20 % above
    #: NLQF 4); ``None`` means to every offer.
    co_payment_above_level: Level | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    #: All funding of one training together may not exceed this when this money is used.
    accumulation_cap_cents: int | None = None
    #: This money pays at most this much for one training.
    max_per_offer_cents: int | None = None
    #: A public scheme that says "other money first" (DESIGN.md 3: "private before public
    #: where a scheme says so"): the plan uses it after every other right.
    subsidiary: bool = False
    #: Keys only the rules engine uses (``llo.schemes.funders``: gemeenten, needs_basic_skills,
    #: requires_register, key, name, kind, reference): kept as they are, so one stored dict
    #: serves both; :class:`RuleChecker` does not check them, :class:`SchemesChecker` does.
    engine_only: tuple[tuple[str, Any], ...] = ()

    KEYS = (
        "max_level",
        "offer_types",
        "occupations",
        "regions",
        "purposes",
        "labour_positions",
        "sectors",
        "cost_components",
        "co_payment_pct",
        "co_payment_above_level",
        "valid_from",
        "valid_until",
        "accumulation_cap_cents",
        "max_per_offer_cents",
        "subsidiary",
    )

    ENGINE_ONLY = (
        "gemeenten",
        "needs_basic_skills",
        "requires_register",
        "key",
        "name",
        "kind",
        "reference",
    )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Conditions:
        """Parse and validate; raises :class:`ConditionsError` naming every bad key."""
        data = dict(data or {})
        errors: dict[str, str] = {}
        for key in sorted(set(data) - set(cls.KEYS) - set(cls.ENGINE_ONLY)):
            errors[key] = "unknown condition"
        engine_only = tuple(
            (k, data[k]) for k in cls.ENGINE_ONLY if data.get(k) not in (None, "", [], False)
        )
        pct = data.get("co_payment_pct", 0) or 0
        if isinstance(pct, bool) or not isinstance(pct, int) or not 0 <= pct <= 100:
            errors["co_payment_pct"] = "a whole percentage from 0 to 100"
            pct = 0
        subsidiary = data.get("subsidiary", False)
        if not isinstance(subsidiary, bool):
            errors["subsidiary"] = "true or false"
            subsidiary = False
        conditions = cls(
            max_level=_level(data.get("max_level"), "max_level", errors),
            offer_types=_codes(data.get("offer_types"), OFFER_TYPES, "offer_types", errors),
            occupations=_codes(data.get("occupations"), None, "occupations", errors),
            regions=_codes(data.get("regions"), None, "regions", errors),
            purposes=_codes(data.get("purposes"), PURPOSES, "purposes", errors),
            labour_positions=_codes(
                data.get("labour_positions"), LABOUR_POSITIONS, "labour_positions", errors
            ),
            sectors=_codes(data.get("sectors"), None, "sectors", errors),
            cost_components=_codes(
                data.get("cost_components"), COST_COMPONENTS, "cost_components", errors
            ),
            co_payment_pct=pct,
            co_payment_above_level=_level(
                data.get("co_payment_above_level"), "co_payment_above_level", errors
            ),
            valid_from=_date(data.get("valid_from"), "valid_from", errors),
            valid_until=_date(data.get("valid_until"), "valid_until", errors),
            accumulation_cap_cents=_cents(
                data.get("accumulation_cap_cents"), "accumulation_cap_cents", errors
            ),
            max_per_offer_cents=_cents(
                data.get("max_per_offer_cents"), "max_per_offer_cents", errors
            ),
            subsidiary=subsidiary,
            engine_only=engine_only,
        )
        if (
            conditions.valid_from
            and conditions.valid_until
            and conditions.valid_until < conditions.valid_from
        ):
            errors["valid_until"] = "on or after valid_from"
        for key in ("regions",):
            bad = sorted(c for c in getattr(conditions, key) if not _is_region(c))
            if bad:
                errors[key] = f"not a region code (AMnn): {', '.join(bad)}"
        if errors:
            raise ConditionsError(errors)
        return conditions

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON form: only the conditions that are set, sorted lists."""
        out: dict[str, Any] = {}
        for key in self.KEYS:
            value = getattr(self, key)
            if value in (None, frozenset(), 0, False):
                continue
            if isinstance(value, frozenset):
                value = sorted(value)
            elif isinstance(value, Level):
                value = value.value
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[key] = value
        out.update(dict(self.engine_only))
        return out

    def narrowed_to_purpose(self, purpose: str) -> Conditions:
        """The same conditions, usable only for ``purpose`` (seed 002: without a new employer
        the money stays usable for training toward a future occupation)."""
        from dataclasses import replace

        return replace(self, purposes=frozenset({purpose}))


def _is_region(code: str) -> bool:
    return len(code) == 4 and code.startswith("AM") and code[2:].isdigit()


@dataclass(frozen=True)
class PersonFacts:
    """What the conditions may ask about a person (AVG: no more)."""

    level: Level | None = None
    region: str = ""
    gemeente: str = ""
    labour_position: str = ""
    sectors: frozenset[str] = frozenset()
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class OfferFacts:
    """What the conditions may ask about a training, without needing the register.

    ``price_components`` are cents per component (``tuition``, ``exam``...); the price is their
    sum. The register adapter (``llo.register``) fills this from an offer.
    """

    price_components: Mapping[str, int]
    level: Level | None = None
    offer_type: str = "course"
    occupations: frozenset[str] = frozenset()
    purpose: str = ""
    region: str = ""
    title: str = ""

    @property
    def price_cents(self) -> int:
        return sum(self.price_components.values())


@dataclass(frozen=True)
class Reason:
    """Why a condition did or did not hold: a stable ``code`` for machines, ``text`` in B1."""

    code: str
    text: str
    ok: bool


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    reasons: tuple[Reason, ...] = ()
    co_payment_pct: int = 0
    #: Price components this money may pay; ``None`` means all of them.
    components: frozenset[str] | None = None
    max_cents: int | None = None
    accumulation_cap_cents: int | None = None
    subsidiary: bool = False

    @property
    def failed(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.ok)


class ConditionsChecker(Protocol):
    """Checks one right's conditions for one person, one training, on one date."""

    def check(
        self,
        conditions: Mapping[str, Any],
        person: PersonFacts,
        offer: OfferFacts,
        on: dt.date,
    ) -> Verdict: ...


def _level_label(level: Level) -> str:
    return str(LEVEL_LABELS[level])


def _names(codes: Iterable[str], labels: Mapping[str, Any]) -> str:
    return ", ".join(str(labels.get(c, c)) for c in sorted(codes))


@dataclass
class RuleChecker:
    """The default checker: every condition of :class:`Conditions`, with a B1 reason each."""

    _cache: dict[str, Conditions] = field(default_factory=dict, repr=False)

    def parse(self, conditions: Mapping[str, Any]) -> Conditions:
        key = repr(sorted(conditions.items()))
        parsed = self._cache.get(key)
        if parsed is None:
            parsed = Conditions.from_dict(conditions)
            self._cache[key] = parsed
        return parsed

    def check(
        self,
        conditions: Mapping[str, Any],
        person: PersonFacts,
        offer: OfferFacts,
        on: dt.date,
    ) -> Verdict:
        c = self.parse(conditions)
        reasons: list[Reason] = []

        def add(code: str, ok: bool, text: str) -> None:
            reasons.append(Reason(code, text, ok))

        if c.valid_from and on < c.valid_from:
            add(
                "not_yet_valid",
                False,
                _("This money can be used from %(date)s.")
                % {"date": c.valid_from.strftime("%d-%m-%Y")},
            )
        if c.valid_until and on > c.valid_until:
            add(
                "no_longer_valid",
                False,
                _("This money could be used until %(date)s.")
                % {"date": c.valid_until.strftime("%d-%m-%Y")},
            )
        if c.max_level is not None:
            if offer.level is None:
                add(
                    "level_unknown",
                    False,
                    _(
                        "The training has no NLQF level. "
                        "This money is only for training up to %(level)s."
                    )
                    % {"level": _level_label(c.max_level)},
                )
            else:
                ok = offer.level <= c.max_level
                add(
                    "max_level",
                    ok,
                    (
                        _("The level of the training fits: up to %(level)s.")
                        if ok
                        else _("The training is above %(level)s. This money is not for that.")
                    )
                    % {"level": _level_label(c.max_level)},
                )
        if c.offer_types:
            ok = offer.offer_type in c.offer_types
            add(
                "offer_type",
                ok,
                _("This kind of training may be paid.")
                if ok
                else _("This money is only for: %(types)s.")
                % {"types": _names(c.offer_types, OFFER_TYPES)},
            )
        if c.occupations:
            ok = bool(set(offer.occupations) & c.occupations)
            add(
                "occupation",
                ok,
                _("The training leads to an occupation on the funder's list.")
                if ok
                else _("The training does not lead to an occupation on the funder's list."),
            )
        if c.purposes:
            ok = offer.purpose in c.purposes
            add(
                "purpose",
                ok,
                _("The goal of the training fits.")
                if ok
                else _("This money is only for this goal: %(purposes)s.")
                % {"purposes": _names(c.purposes, PURPOSES)},
            )
        if c.regions:
            ok = person.region in c.regions
            add(
                "region",
                ok,
                _("You live in the region of this money.")
                if ok
                else _("This money is only for people who live in the region of the funder."),
            )
        if c.labour_positions:
            ok = person.labour_position in c.labour_positions
            add(
                "labour_position",
                ok,
                _("Your work situation fits.")
                if ok
                else _("This money is not for your work situation."),
            )
        if c.sectors:
            ok = bool(set(person.sectors) & c.sectors)
            add(
                "sector",
                ok,
                _("You work in the sector of this fund.")
                if ok
                else _("This money is only for people who work in the sector of the fund."),
            )
        components: frozenset[str] | None = None
        if c.cost_components:
            components = c.cost_components
            if not set(offer.price_components) & components:
                add(
                    "cost_components",
                    False,
                    _("This money only pays for: %(parts)s. The training has no such costs.")
                    % {"parts": _names(components, COST_COMPONENTS)},
                )
        co_payment = 0
        if c.co_payment_pct:
            applies = c.co_payment_above_level is None or (
                offer.level is not None and offer.level > c.co_payment_above_level
            )
            if applies:
                co_payment = c.co_payment_pct
                if c.co_payment_above_level is None:
                    text = _("You pay %(pct)s %% of the price yourself.") % {"pct": co_payment}
                else:
                    text = _(
                        "The training is above %(level)s, "
                        "so you pay %(pct)s %% of the price yourself."
                    ) % {"pct": co_payment, "level": _level_label(c.co_payment_above_level)}
                add("co_payment", True, text)
        if c.max_per_offer_cents is not None:
            add(
                "max_per_offer",
                True,
                _("This money pays at most %(amount)s for one training.")
                % {"amount": Money(c.max_per_offer_cents).format()},
            )
        eligible = all(r.ok for r in reasons)
        return Verdict(
            eligible=eligible,
            reasons=tuple(reasons),
            co_payment_pct=co_payment,
            components=components,
            max_cents=c.max_per_offer_cents,
            accumulation_cap_cents=c.accumulation_cap_cents,
            subsidiary=c.subsidiary,
        )


@dataclass
class SchemesChecker:
    """The check done by the rules engine: ``llo.schemes.decide`` with the funder's conditions
    dict, evaluated by the generic funder rule (OpenFisca), with its own reasons.

    The engine wants more facts than the plan has; the mapping is stated here:

    * person: no insured months and no study support (the funder rule does not use them), the
      first sector of the person's jobs, a balance large enough (the plan caps amounts itself);
    * offer: ``tuition``, ``evc`` and ``other`` price parts are the fee, prices include VAT,
      the offer is in the register with a valid quality mark (the register checks that before
      an offer can be chosen), it starts on the plan's date, the purpose ``grow`` when none is
      given, occupations that are ISCO-08 numbers (other codes are left out);
    * co-payment, caps, cost components and ``subsidiary`` come from the same dict
      (:class:`Conditions`), so the plan limits amounts the same way with either checker.

    An input the engine refuses (an offer without a level, an unknown code) makes the right
    ineligible with the engine's message as the reason.
    """

    def check(
        self,
        conditions: Mapping[str, Any],
        person: PersonFacts,
        offer: OfferFacts,
        on: dt.date,
    ) -> Verdict:
        from llo.schemes import decision
        from llo.schemes import facts as engine_facts
        from llo.schemes.errors import RulesError

        parsed = Conditions.from_dict(conditions)
        parts = dict(offer.price_components)
        try:
            engine_person = engine_facts.PersonFacts(
                birth_date=person.birth_date or dt.date(1970, 1, 1),
                highest_level=person.level or Level.EQF_0,
                labour_position=person.labour_position or "employed",
                insured_months=frozenset(),
                receives_study_support=False,
                gemeente=person.gemeente,
                region=person.region,
                sector=engine_facts.sector_code(min(person.sectors) if person.sectors else ""),
                funder_balance_cents=2_000_000_000,
            )
            engine_offer = engine_facts.OfferFacts(
                level=offer.level,  # type: ignore[arg-type]  # None is refused: no level
                offer_type=offer.offer_type,
                fee_cents=parts.get("tuition", 0) + parts.get("evc", 0) + parts.get("other", 0),
                exam_cents=parts.get("exam", 0),
                materials_cents=parts.get("materials", 0),
                prices_include_vat=True,
                in_register=True,
                quality_mark_valid=True,
                purpose=offer.purpose or "grow",
                start_date=on,
                occupations=tuple(int(c) for c in sorted(offer.occupations) if c.isdigit())[:3],
            )
            decided = decision.decide(engine_person, engine_offer, on, dict(conditions))
        except (RulesError, ValueError) as exc:
            return Verdict(False, (Reason("engine", str(exc), False),))
        reasons = tuple(Reason(r.condition, r.text, r.passed) for r in decided.reasons)
        co_payment = 0
        if parsed.co_payment_pct and (
            parsed.co_payment_above_level is None
            or (offer.level is not None and offer.level > parsed.co_payment_above_level)
        ):
            co_payment = parsed.co_payment_pct
        return Verdict(
            eligible=decided.eligible,
            reasons=reasons,
            co_payment_pct=co_payment,
            components=parsed.cost_components or None,
            max_cents=parsed.max_per_offer_cents,
            accumulation_cap_cents=parsed.accumulation_cap_cents,
            subsidiary=parsed.subsidiary,
        )


def default_checker() -> ConditionsChecker:
    """The checker the funding plan uses: :class:`RuleChecker`, pure and fast.

    :class:`SchemesChecker` asks the rules engine instead (same conditions dict, the engine's
    reasons and decision record). It is not the default yet because the two still differ in
    inputs: the engine wants ISCO-08 occupation numbers and register facts the plan does not
    have; pass ``checker=SchemesChecker()`` to ``funding_plan`` to use it.
    """
    return RuleChecker()
