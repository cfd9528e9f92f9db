# SPDX-License-Identifier: EUPL-1.2
"""The import: create or change many offers of one provider at once, all or nothing.

The use case decides in memory (which offers are new, changed or unchanged; which workflow
steps each takes) and then writes every kind of row once, through :mod:`llo.register.store`:
100,000 offers must import within a minute (``bench/search``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit, jobs
from llo.core.models import Job
from llo.core.problems import Problem
from llo.core.timeutil import now, today
from llo.regions.models import Gemeente
from llo.register import checks, selectors, transitions
from llo.register.models import (
    Offer,
    OfferingState,
    OfferState,
    OfferType,
    Opleider,
    ProviderStatus,
)
from llo.register.search import indexer
from llo.register.services.inputs import CONTENT_FIELDS, OfferInput
from llo.register.services.offers import apply, snapshot
from llo.register.services.workflow import PriceBands, offer_facts, provider_facts
from llo.register.store import offer_terms
from llo.register.store import offers as store


@dataclass
class BulkSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    submitted: int = 0
    approved: int = 0
    published: int = 0
    flagged: int = 0
    blocked: int = 0
    offerings: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


#: What an import may change on an existing offer.
UPDATED_FIELDS = (
    *CONTENT_FIELDS,
    "price_cents",
    "version",
    "updated_at",
    "state",
    "state_changed_at",
    "checks",
)


#: The kind of job that imports a file too large for a request (``LLO_JOB_HANDLERS`` names
#: its handler, :func:`llo.register.jobs.import_offers`).
IMPORT_JOB = "register.import"


@dataclass
class _Batch:
    """The offers of one import: new ones, changed ones, and both with their input."""

    summary: BulkSummary = field(default_factory=BulkSummary)
    created: list[Offer] = field(default_factory=list)
    updated: list[Offer] = field(default_factory=list)
    changed: list[tuple[Offer, OfferInput]] = field(default_factory=list)


@transaction.atomic
def bulk_upsert(
    *,
    actor: audit.Actor,
    opleider: Opleider,
    items: Sequence[OfferInput],
    submit: bool = False,
    publish: bool = False,
    source: str = "",
) -> BulkSummary:
    """Create or change many offers of one provider at once (the import), all or nothing.

    Offers are matched on the provider's own code. Every created or changed offer gets a
    version. With ``submit`` the admission checks run: clean offers are approved, and with
    ``publish`` published; flagged ones wait for review; blocked ones stay drafts with their
    reasons in ``checks``. The steps of each offer are taken through the transition table and
    kept as one ReviewEvent; one audit record covers the whole import.
    """
    at = now()
    programmes = store.programme_ids(opleider)
    _refuse_unknown_programmes(items, programmes)
    batch = _match(opleider, items, at)
    # The workflow runs on the offers in memory, so new offers are written once, in their
    # final state.
    steps = _review(opleider, batch, publish, at) if submit or publish else {}
    _write(batch, steps, programmes, actor, at)
    audit.record(
        actor=actor,
        action="register.offers.imported",
        subject=opleider,
        purpose=source[:200],
        after={**batch.summary.as_dict(), "offers": len(items)},
    )
    _index(opleider, batch)
    return batch.summary


def queue_import(
    *,
    actor: audit.Actor,
    owner: str,
    opleider: Opleider,
    data: bytes,
    content_type: str = "",
    filename: str = "",
    submit: bool = True,
    publish: bool = False,
    title: str = "",
) -> Job:
    """Hand a file too large for a request (:func:`llo.core.jobs.too_large_for_a_request`)
    to ``llo run_jobs``: the job, with its audit record, in one transaction. The job reads
    and imports it as :func:`llo.register.importers.import_file` does in a request.

    ``title`` heads the job's page (only the pages give one); ``owner`` alone reads the job.
    """
    params: dict[str, str | bool] = {
        "kvk": opleider.kvk,
        "content_type": content_type,
        "submit": submit,
        "publish": publish,
    }
    if filename:
        params["filename"] = filename
    if title:
        params["title"] = title
    return jobs.enqueue(actor=actor, kind=IMPORT_JOB, owner=owner, params=params, data=data)


def _refuse_unknown_programmes(items: Sequence[OfferInput], programmes: dict[str, int]) -> None:
    """A part names a programme of the provider's, already stored or in the same file."""
    in_file = {d.code for d in items if d.offer_type == OfferType.PROGRAMME}
    for data in items:
        code = data.part_of_code
        if code and code not in programmes and code not in in_file:
            raise Problem(
                400,
                _("The programme %(code)s does not exist.") % {"code": code},
                code="invalid-params",
            )


def _match(opleider: Opleider, items: Sequence[OfferInput], at: dt.datetime) -> _Batch:
    """Each item paired with the provider's offer of the same code: a new offer, a changed
    one (a new version), or one left alone when nothing changes."""
    existing = store.offers_by_code(opleider, [i.code for i in items])
    batch = _Batch()
    for data in items:
        offer = existing.get(data.code)
        if offer is None:
            offer = Offer(
                opleider=opleider,
                state=OfferState.DRAFT,
                state_changed_at=at,
                version=1,
                created_at=at,
                updated_at=at,
            )
            apply(offer, data)
            if data.ooapi_id:
                offer.ooapi_id = uuid.UUID(data.ooapi_id)
            batch.created.append(offer)
            batch.changed.append((offer, data))
            batch.summary.created += 1
            continue
        if offer.state == OfferState.REMOVED:
            raise Problem(
                409,
                _("The offer with code %(code)s has been removed; it cannot be imported again.")
                % {"code": data.code},
                code="offer-removed",
            )
        old = {name: getattr(offer, name) for name in CONTENT_FIELDS}
        apply(offer, data)
        new = {name: getattr(offer, name) for name in CONTENT_FIELDS}
        if old == new and data.offerings is None and not data.gemeenten:
            batch.summary.unchanged += 1
            continue
        offer.version += 1
        offer.updated_at = at
        batch.updated.append(offer)
        batch.changed.append((offer, data))
        batch.summary.updated += 1
    return batch


def _review(
    opleider: Opleider, batch: _Batch, publish: bool, at: dt.datetime
) -> dict[int, list[str]]:
    """Checks and workflow steps of an import, on the offers in memory.

    Returns, by ``id()`` of each offer that moved, its first state followed by the actions
    taken. Every step goes through :func:`transitions.apply`, so an import can do nothing the
    table forbids.
    """
    summary = batch.summary
    bands = PriceBands()
    provider = provider_facts(opleider)
    on = today()
    steps: dict[int, list[str]] = {}

    def step(offer: Offer, action: str, who: str) -> None:
        trail = steps.setdefault(id(offer), [offer.state])
        offer.state = transitions.apply(offer.state, action, who)
        offer.state_changed_at = at
        trail.append(action)

    # One query for the price history of every changed offer (the new versions are not
    # written yet, so every stored version is an earlier one).
    references = selectors.reference_prices([o.pk for o, _ in batch.changed if o.pk])
    for offer, data in batch.changed:
        facts = dataclasses.replace(
            offer_facts(
                offer,
                gemeente_count=len(set(data.gemeenten)),
                reference_price_cents=references.get(offer.pk) if offer.pk else None,
                read_reference=False,
            ),
            has_programme=bool(data.part_of_code),
        )
        results = checks.run(facts, provider, on, bands.get(offer.offer_type, offer.level))
        offer.checks = [r.as_dict() for r in results]
        if checks.blocking(results):
            summary.blocked += 1
            continue
        flagged = bool(checks.flags(results))
        if offer.state == OfferState.APPROVED:
            step(offer, "edit", transitions.SYSTEM)
        if offer.state == OfferState.WITHDRAWN:
            step(offer, "reopen", transitions.PROVIDER)
        if offer.state == OfferState.PUBLISHED:
            if flagged:
                step(offer, "resubmit", transitions.SYSTEM)
                summary.flagged += 1
            else:
                summary.published += 1
            continue
        if offer.state == OfferState.DRAFT:
            step(offer, "submit", transitions.SYSTEM)
            summary.submitted += 1
        if flagged:
            summary.flagged += 1
            continue
        step(offer, "approve", transitions.SYSTEM)
        summary.approved += 1
        if publish:
            step(offer, "publish", transitions.SYSTEM)
            summary.published += 1
    return steps


def _write(
    batch: _Batch,
    steps: dict[int, list[str]],
    programmes: dict[str, int],
    actor: audit.Actor,
    at: dt.datetime,
) -> None:
    """Every kind of row once: offers, their occupations and skills as rows, their programmes,
    places, start moments (replaced when given), versions (the price history) and review
    steps."""
    store.insert_offers(batch.created)
    store.update_offers(batch.updated, UPDATED_FIELDS)
    offer_terms.replace([o.pk for o, _ in batch.changed])
    programmes.update((o.code, o.pk) for o in batch.created if o.offer_type == OfferType.PROGRAMME)
    store.update_offers(_link_parts(batch.changed, programmes), ["part_of"])
    updated = [o.pk for o in batch.updated]
    store.replace_places(
        updated, [(o.pk, code) for o, d in batch.changed for code in sorted(set(d.gemeenten))]
    )
    replaced = set(updated)
    batch.summary.offerings = store.replace_offerings(
        [o.pk for o, d in batch.changed if d.offerings is not None and o.pk in replaced],
        [
            (o.pk, x.code, x.start_date, x.end_date, x.capacity, x.state)
            for o, d in batch.changed
            for x in d.offerings or []
        ],
    )
    store.insert_versions(
        [(o, snapshot(o, d.gemeenten)) for o, d in batch.changed], actor=actor.name, at=at
    )
    store.insert_review_events(
        [
            (o, "+".join(steps[id(o)][1:]), steps[id(o)][0])
            for o, _ in batch.changed
            if id(o) in steps
        ],
        actor=actor.name,
        at=at,
    )


def _link_parts(
    changed: Sequence[tuple[Offer, OfferInput]], programmes: dict[str, int]
) -> list[Offer]:
    """Stackable units: ``part_of`` by programme code, within this provider (also new
    programmes); returns the offers whose link changed."""
    parts: list[Offer] = []
    for offer, data in changed:
        wanted = programmes.get(data.part_of_code) if data.part_of_code else None
        if wanted == offer.pk:
            wanted = None
        if offer.part_of_id != wanted:
            offer.part_of_id = wanted
            parts.append(offer)
    return parts


def _index(opleider: Opleider, batch: _Batch) -> None:
    """New published offers are indexed from memory (no read back); changed ones the usual
    way."""
    fresh = {o.pk for o in batch.created}
    if opleider.status == ProviderStatus.ADMITTED:
        regions = dict(Gemeente.objects.values_list("code", "region_id"))
        on = today()
        indexer.index_new(
            [
                indexer.row_of(
                    o,
                    places=[(g, regions[g]) for g in set(d.gemeenten)],
                    starts=[
                        x.start_date
                        for x in d.offerings or []
                        if x.state != OfferingState.CANCELLED
                    ],
                    on=on,
                )
                for o, d in batch.changed
                if o.pk in fresh and o.state == OfferState.PUBLISHED
            ]
        )
    indexer.reindex([o.pk for o, _ in batch.changed if o.pk not in fresh])
