# SPDX-License-Identifier: EUPL-1.2
"""The old name of :mod:`llo.register.exports`, kept while callers move over."""

from __future__ import annotations

from llo.register.exports import (
    csv_row,
    export_provider,
    export_provider_csv,
    iter_csv,
    iter_ooapi,
    offer_object,
    offering_object,
)
from llo.register.ooapi.v6 import price_information

__all__ = [
    "csv_row",
    "export_provider",
    "export_provider_csv",
    "iter_csv",
    "iter_ooapi",
    "offer_object",
    "offering_object",
    "price_information",
]
