# SPDX-License-Identifier: EUPL-1.2
"""Named reforms of the new LLO scheme, for YAML tests (``reforms: [llo.schemes.llo_regeling.
reforms.person_level_reading]``) and for what-if runs. Each changes parameters from 2027-01-01;
``engine.apply_reform`` does the same for any parameter given as a dict.
"""

from __future__ import annotations

from typing import Any, ClassVar

from llo.schemes.engine import ParameterReform, System

START = "2027-01-01"


class _Named(ParameterReform):
    changes_from_start: ClassVar[dict[str, Any]] = {}

    def __init__(self, baseline: System) -> None:
        super().__init__(
            baseline, {path: {START: value} for path, value in self.changes_from_start.items()}
        )


class person_level_reading(_Named):
    """'Tot en met mbo 4' read as: the person's highest completed education is at most mbo 4."""

    name = "person level reading"
    changes_from_start: ClassVar[dict[str, Any]] = {"llo_regeling.level_reading": "person"}


class training_level_reading(_Named):
    """'Tot en met mbo 4' read as: the training's level is at most mbo 4 (the default)."""

    name = "training level reading"
    changes_from_start: ClassVar[dict[str, Any]] = {"llo_regeling.level_reading": "training"}


class only_priority_groups(_Named):
    """The scheme only for job seekers, low-educated, mkb and older workers."""

    name = "only priority groups"
    changes_from_start: ClassVar[dict[str, Any]] = {
        "llo_regeling.priority.only_priority_groups": True
    }
