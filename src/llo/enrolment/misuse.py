# SPDX-License-Identifier: EUPL-1.2
"""Misuse controls as rules with reasons, over plain data (no database).

STAP saw price jumps when the scheme started, gifts to lure participants, and sham courses
(issue; stap-regeling.md: art. 4(3) bans gifts and perks, art. 12a caps grants per training,
art. 19a excludes training on misuse). Each rule here returns flags with a stable code and a
reason in plain words; a flag goes to the review queue, it does not refuse anything by itself.

Rules:

* ``training_cap``: more grants on one training this calendar year than the cap (art. 12a).
* ``provider_cap``: more grants for one provider this year than its cap.
* ``price_rise``: the price rose more than ``price_rise_pct`` against the lowest earlier
  version of the same offer in the last ``price_window_days`` days.
* ``spike``: one offer got at least ``spike_factor`` times the median number of applications
  of the offers in the same window, and at least ``spike_min``.
* ``no_pre_registration``: an application without the provider's pre-registration (the STAP
  "aanmeldingsbewijs").
* ``gift``: the provider declared, or someone reported, a gift, perk or travel costs (art. 4(3)).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    training_cap: int = 300  # STAP art. 12a: the announced number (unconfirmed: 300)
    provider_cap: int = 3000
    price_rise_pct: int = 10
    price_window_days: int = 365
    spike_factor: int = 5
    spike_min: int = 25


@dataclass(frozen=True, slots=True)
class PriceVersion:
    offer: int
    at: dt.datetime
    price_cents: int


@dataclass(frozen=True, slots=True)
class AppFact:
    application: int
    offer: int
    provider: int
    window: int | None
    year: int
    granted: bool
    pre_registered: bool


@dataclass(frozen=True, slots=True)
class GiftReport:
    offer: int | None
    provider: int
    declared_by_provider: bool
    text: str


@dataclass(frozen=True)
class Flag:
    rule: str
    subject: str  # "offer", "provider", "application"
    subject_id: int
    provider: int | None
    reason: str
    evidence: dict[str, object] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.rule, self.subject, self.subject_id)


def _euro(cents: int) -> str:
    return f"€ {cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"


def caps(apps: Sequence[AppFact], settings: Settings) -> list[Flag]:
    flags: list[Flag] = []
    by_training: Counter[tuple[int, int]] = Counter()
    by_provider: Counter[tuple[int, int]] = Counter()
    provider_of: dict[int, int] = {}
    for a in apps:
        if a.granted:
            by_training[(a.offer, a.year)] += 1
            by_provider[(a.provider, a.year)] += 1
            provider_of[a.offer] = a.provider
    for (offer, year), n in sorted(by_training.items()):
        if n > settings.training_cap:
            flags.append(
                Flag(
                    "training_cap",
                    "offer",
                    offer,
                    provider_of[offer],
                    f"{n} grants for this training in {year}; the cap is "
                    f"{settings.training_cap} (STAP art. 12a).",
                    {"grants": n, "cap": settings.training_cap, "year": year},
                )
            )
    for (provider, year), n in sorted(by_provider.items()):
        if n > settings.provider_cap:
            flags.append(
                Flag(
                    "provider_cap",
                    "provider",
                    provider,
                    provider,
                    f"{n} grants for this provider in {year}; the cap is {settings.provider_cap}.",
                    {"grants": n, "cap": settings.provider_cap, "year": year},
                )
            )
    return flags


def price_rises(
    versions: Iterable[PriceVersion], provider_of: dict[int, int], settings: Settings
) -> list[Flag]:
    """Compare the newest price of each offer with the lowest earlier one in the window."""
    by_offer: dict[int, list[PriceVersion]] = {}
    for v in versions:
        by_offer.setdefault(v.offer, []).append(v)
    flags: list[Flag] = []
    for offer, items in sorted(by_offer.items()):
        items.sort(key=lambda v: v.at)
        newest = items[-1]
        since = newest.at - dt.timedelta(days=settings.price_window_days)
        earlier = [v for v in items[:-1] if v.at >= since and v.price_cents > 0]
        if not earlier:
            continue
        low = min(earlier, key=lambda v: v.price_cents)
        # Integer arithmetic: flag when new * 100 > low * (100 + pct).
        if newest.price_cents * 100 > low.price_cents * (100 + settings.price_rise_pct):
            rise = (newest.price_cents - low.price_cents) * 100 // low.price_cents
            flags.append(
                Flag(
                    "price_rise",
                    "offer",
                    offer,
                    provider_of.get(offer),
                    f"The price rose {rise} % from {_euro(low.price_cents)} on "
                    f"{low.at:%d-%m-%Y} to {_euro(newest.price_cents)}; more than "
                    f"{settings.price_rise_pct} % within {settings.price_window_days} days.",
                    {"from_cents": low.price_cents, "to_cents": newest.price_cents, "pct": rise},
                )
            )
    return flags


def spikes(apps: Sequence[AppFact], settings: Settings) -> list[Flag]:
    flags: list[Flag] = []
    by_window: dict[int, Counter[int]] = {}
    provider_of: dict[int, int] = {}
    for a in apps:
        if a.window is None:
            continue
        by_window.setdefault(a.window, Counter())[a.offer] += 1
        provider_of[a.offer] = a.provider
    for window, counts in sorted(by_window.items()):
        if len(counts) < 3:
            continue  # no peers to compare with
        median = statistics.median(counts.values())
        for offer, n in sorted(counts.items()):
            if n >= settings.spike_min and n >= settings.spike_factor * median:
                flags.append(
                    Flag(
                        "spike",
                        "offer",
                        offer,
                        provider_of[offer],
                        f"{n} applications on this offer in one window; the median offer "
                        f"got {median:g}.",
                        {"applications": n, "median": median, "window": window},
                    )
                )
    return flags


def missing_pre_registration(apps: Sequence[AppFact]) -> list[Flag]:
    return [
        Flag(
            "no_pre_registration",
            "application",
            a.application,
            a.provider,
            "The provider did not pre-register this person for this training.",
            {"offer": a.offer},
        )
        for a in apps
        if not a.pre_registered
    ]


def gifts(reports: Iterable[GiftReport]) -> list[Flag]:
    flags: list[Flag] = []
    for r in reports:
        who = "The provider declared" if r.declared_by_provider else "Someone reported"
        subject, sid = ("offer", r.offer) if r.offer is not None else ("provider", r.provider)
        flags.append(
            Flag(
                "gift",
                subject,
                sid,
                r.provider,
                f"{who} a gift, perk or travel costs for participants: {r.text} "
                "(STAP art. 4(3): such training is not subsidised).",
                {"declared": r.declared_by_provider, "text": r.text},
            )
        )
    return flags


def scan(
    *,
    apps: Sequence[AppFact],
    versions: Iterable[PriceVersion] = (),
    provider_of_offer: dict[int, int] | None = None,
    reports: Iterable[GiftReport] = (),
    settings: Settings | None = None,
) -> list[Flag]:
    """Every rule over one snapshot; one flag per (rule, subject) at most."""
    settings = settings or Settings()
    provider_of = dict(provider_of_offer or {})
    for a in apps:
        provider_of.setdefault(a.offer, a.provider)
    found = [
        *caps(apps, settings),
        *price_rises(versions, provider_of, settings),
        *spikes(apps, settings),
        *missing_pre_registration(apps),
        *gifts(reports),
    ]
    unique: dict[tuple[str, str, int], Flag] = {}
    for flag in found:
        unique.setdefault(flag.key, flag)
    return list(unique.values())
