# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the regions: demand statements, subscriptions, shortage data and the gap
table. The only place that changes them; each use case one transaction with its audit record."""

from llo.regions.services import demand, gap, shortages, subscriptions

__all__ = ["demand", "gap", "shortages", "subscriptions"]
