# SPDX-License-Identifier: EUPL-1.2
"""What-if: every scheme over a synthetic population, for the baseline and a reform.

``llo simulate --population N --date D [--reform file.yaml]`` and the beleid page
(``/beleid/wat-als``) both call :func:`run.simulate`. docs/what-if.md explains the method,
the assumptions and the reform file format.

* :mod:`.reform` — reform files (YAML: parameter paths, dates, values), checked against the
  rules with the file, line and item of every problem (``load_reform``, ``parse_reform``).
* :mod:`.population_inputs` — ``llo.people.population`` plus one *planned training* per
  person, as the engine's input arrays (``build``); ``facts_of`` gives one row as the facts
  ``decide()`` takes.
* :mod:`.take_up` — take-up rates (``take_up.yaml``) as whole parts per million.
* :mod:`.run` — ``prepare`` (every check first), ``run`` (baseline and reform, reduced to
  cells), ``simulate`` (both); results split by education, level, age band, labour-market
  position and region.
* :mod:`.report` — a rich table, JSON, Vega-Lite charts and a standalone HTML report.

Imports are lazy, like ``llo.schemes``: loading the Django app does not load OpenFisca.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "simulate": "llo.schemes.simulation.run",
    "prepare": "llo.schemes.simulation.run",
    "SimulationResult": "llo.schemes.simulation.run",
    "load_reform": "llo.schemes.simulation.reform",
    "parse_reform": "llo.schemes.simulation.reform",
    "ReformSpec": "llo.schemes.simulation.reform",
    "ReformFileError": "llo.schemes.simulation.reform",
    "load_take_up": "llo.schemes.simulation.take_up",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'llo.schemes.simulation' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)
