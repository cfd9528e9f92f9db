# SPDX-License-Identifier: EUPL-1.2
"""llo: the open platform of the Dutch lifelong-learning system (Leven Lang Ontwikkelen)."""

__version__ = "0.1.0"
