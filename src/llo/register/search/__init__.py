# SPDX-License-Identifier: EUPL-1.2
"""Search in the register: one interface (:func:`search`), a PostgreSQL and an SQLite
implementation chosen by the database in use. See :mod:`llo.register.search.base` for what a
query means."""

from __future__ import annotations

from llo.register.search.query import (
    FACETS,
    SORTS,
    FacetValue,
    QueryError,
    SearchQuery,
    SearchResult,
    Term,
)

__all__ = [
    "FACETS",
    "SORTS",
    "FacetValue",
    "QueryError",
    "SearchQuery",
    "SearchResult",
    "Term",
    "search",
]


def search(query: SearchQuery, *, using: str = "default", with_offers: bool = True) -> SearchResult:
    """Run a search; with ``with_offers`` the offers of the page are loaded in result order."""
    from llo.register.models import Offer
    from llo.register.search.indexer import backend

    result = backend(using).search(query)
    if with_offers and result.offer_ids:
        by_id = {
            o.pk: o
            for o in Offer.objects.using(using)
            .filter(pk__in=result.offer_ids)
            .select_related("opleider__organisation")
            .prefetch_related("gemeenten__region")
        }
        result.offers = [by_id[i] for i in result.offer_ids if i in by_id]
    return result
