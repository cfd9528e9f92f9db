# SPDX-License-Identifier: EUPL-1.2
"""Misuse: run the rules of :mod:`llo.enrolment.misuse` over a year's applications (new
flags go to the review queue, and a provider with a flag gets an open review case), take a
report of a gift or perk, and decide one flag."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import InvalidParam, invalid
from llo.core.timeutil import now
from llo.enrolment import deciding, lifecycle, misuse
from llo.enrolment.lifecycle import Status
from llo.enrolment.models import Application, GiftReport, MisuseFlag, ReviewCase, Window
from llo.enrolment.services.common import SYSTEM
from llo.people.models import Organisation
from llo.register.models import Offer, OfferVersion


def scan_misuse(
    *, year: int, settings: misuse.Settings | None = None, actor: audit.Actor = SYSTEM
) -> list[MisuseFlag]:
    """Run every misuse rule over this year's applications; new flags go to the review queue,
    and a provider with a flag gets an open review case (payments go on; the case tracks).

    Locks: none (a unique index keeps one flag per rule and subject)."""
    granted = {
        s.value
        for s in lifecycle.HOLDS_MONEY | {Status.PAID, Status.DROPPED_OUT, Status.NOT_COMPLETED}
    }
    # Only STAP asked for the provider's pre-registration (the "aanmeldingsbewijs"): an
    # application from a person's own budgets, or in a round on other rules, is not flagged
    # for lacking one (before, every such application went to the review queue).
    stap = {
        w.pk for w in Window.objects.select_related("budget") if deciding.rules_key(w) == "stap"
    }
    apps = [
        misuse.AppFact(a[0], a[1], a[2], a[3], a[4], a[5] in granted, a[6] or a[3] not in stap)
        for a in Application.objects.filter(year=year).values_list(
            "pk", "offer_id", "provider_id", "window_id", "year", "status", "pre_registered"
        )
    ]
    offers = {a.offer for a in apps}
    provider_of = dict(
        Offer.objects.filter(pk__in=offers).values_list("pk", "opleider__organisation_id")
    )
    versions = [
        misuse.PriceVersion(v[0], v[1], v[2])
        for v in OfferVersion.objects.filter(offer_id__in=offers).values_list(
            "offer_id", "created_at", "price_cents"
        )
    ]
    reports = [
        misuse.GiftReport(r.offer_id, r.provider_id, r.declared_by_provider, r.text)
        for r in GiftReport.objects.all()
    ]
    flags = misuse.scan(
        apps=apps,
        versions=versions,
        provider_of_offer=provider_of,
        reports=reports,
        settings=settings,
    )
    created: list[MisuseFlag] = []
    with transaction.atomic():
        at = now()
        for flag in flags:
            case = None
            if flag.provider is not None:
                case = ReviewCase.objects.filter(
                    provider_id=flag.provider, closed_at__isnull=True
                ).first()
                if case is None:
                    case = ReviewCase.objects.create(provider_id=flag.provider, opened_at=at)
            row, new = MisuseFlag.objects.get_or_create(
                rule=flag.rule,
                subject=flag.subject,
                subject_id=flag.subject_id,
                defaults={
                    "provider_id": flag.provider,
                    "reason": flag.reason,
                    "evidence": flag.evidence,
                    "detected_at": at,
                    "case": case,
                },
            )
            if new:
                created.append(row)
        audit.record(
            actor=actor,
            action="misuse.scanned",
            subject=("enrolment.scan", str(year)),
            after={"flags": len(flags), "new": len(created)},
        )
    return created


def report_gift(
    *, actor: audit.Actor, provider: Organisation, offer: Offer | None, text: str, declared: bool
) -> GiftReport:
    """A report of a gift or perk for applicants (STAP art. 4(3)), by the provider itself or
    by someone else; the next scan reads it. Locks: none."""
    if not text.strip():
        raise invalid(
            _("Describe the gift or perk."), [InvalidParam("text", _("required"), "required")]
        )
    with transaction.atomic():
        report = GiftReport.objects.create(
            provider=provider,
            offer=offer,
            declared_by_provider=declared,
            text=text[:500],
            reported_at=now(),
        )
        audit.record(actor=actor, action="misuse.gift_reported", subject=report)
    return report


def decide_flag(
    *, actor: audit.Actor, flag: MisuseFlag, confirm: bool, note: str = ""
) -> MisuseFlag:
    """Staff confirm or dismiss one flag. Locks: none (one row written)."""
    with transaction.atomic():
        flag.status = "confirmed" if confirm else "dismissed"
        flag.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="misuse.flag_decided",
            subject=flag,
            after={"status": flag.status, "note": note},
        )
    return flag
