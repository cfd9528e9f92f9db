# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the register: the only place that changes register data. Each use case runs
in one transaction that also writes its audit record and keeps the search index in step.

- :mod:`.inputs`: what a provider says about an offer, and its field-level checks;
- :mod:`.providers`: admission to the register, quality marks, a provider's status;
- :mod:`.offers`: create and change offers (versions with prices), start moments;
- :mod:`.workflow`: the admission checks and the steps of the review workflow;
- :mod:`.bulk`: the import of many offers at once, all or nothing (a large file as a job);
- :mod:`.access`: who acts (the audit actor, the side in the workflow).

Reads live in :mod:`llo.register.selectors`; storage mechanics in :mod:`llo.register.store`.
The names below are the package's public surface; the reads among them (``provider_of``,
``visible_offer``, ``review_queue``, ...) are re-exported from the selectors for callers
written before the split.
"""

from __future__ import annotations

from llo.register.selectors import (
    offer_for_provider,
    price_history,
    provider_of,
    review_queue,
    visible_offer,
)
from llo.register.services.access import actor_for, workflow_actor
from llo.register.services.bulk import IMPORT_JOB, BulkSummary, bulk_upsert, queue_import
from llo.register.services.inputs import (
    API_NAMES,
    CONTENT_FIELDS,
    MAX_PRICE_CENTS,
    OfferingInput,
    OfferInput,
    check_input,
    validate_input,
)
from llo.register.services.offers import (
    add_offering,
    cancel_offering,
    check_terms,
    create_offer,
    snapshot,
    update_offer,
)
from llo.register.services.providers import (
    add_quality_mark,
    register_provider,
    set_provider_status,
)
from llo.register.services.workflow import (
    PriceBands,
    offer_facts,
    provider_facts,
    run_checks,
    transition,
)

__all__ = [
    "API_NAMES",
    "CONTENT_FIELDS",
    "IMPORT_JOB",
    "MAX_PRICE_CENTS",
    "BulkSummary",
    "OfferInput",
    "OfferingInput",
    "PriceBands",
    "actor_for",
    "add_offering",
    "add_quality_mark",
    "bulk_upsert",
    "cancel_offering",
    "check_input",
    "check_terms",
    "create_offer",
    "offer_facts",
    "offer_for_provider",
    "price_history",
    "provider_facts",
    "provider_of",
    "queue_import",
    "register_provider",
    "review_queue",
    "run_checks",
    "set_provider_status",
    "snapshot",
    "transition",
    "update_offer",
    "validate_input",
    "visible_offer",
    "workflow_actor",
]
