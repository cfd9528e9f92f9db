# SPDX-License-Identifier: EUPL-1.2
"""The register API: search, offers, providers, the review workflow, import and export.

NL API Design Rules: plural kebab-case collections, camelCase query keys, errors as
problem+json (raised as :class:`llo.core.problems.Problem`). Offers are published in the
OOAPI v6 vocabulary; the import and export use the OOAPI v6 shape itself.

- :mod:`.offers`: search, one offer, versions, a provider's changes, the review workflow;
- :mod:`.providers`: providers, their status and quality marks, a provider's own offers;
- :mod:`.files`: import and export;
- :mod:`.schemas` (the shapes) and :mod:`.render` (camelCase to the register's objects).

``router`` is mounted by :mod:`llo.api.api` as before.
"""

from __future__ import annotations

from ninja import Router

from llo.register.api import files, offers, providers

router = Router()

for part in (offers.router, providers.router, files.router):
    # Clients generate code from the operation ids: keep the ids published when the API was
    # one module (``llo_register_api_<function>``), wherever a function lives now.
    for view in part.path_operations.values():
        for operation in view.operations:
            operation.operation_id = (
                operation.operation_id or f"llo_register_api_{operation.view_func.__name__}"
            )
    router.add_router("", part)

__all__ = ["router"]
