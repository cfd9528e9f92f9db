# SPDX-License-Identifier: EUPL-1.2
"""Moved: deposit lines are stored by :mod:`llo.accounts.store.lines`, and a person's rights
are read with :func:`llo.accounts.selectors.rights_of`. This name stays only for
``accounts/plan.py`` until its owner switches it (issue 13)."""

from llo.accounts.selectors import rights_of

__all__ = ["rights_of"]
