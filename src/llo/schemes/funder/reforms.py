# SPDX-License-Identifier: EUPL-1.2
"""The example funders of ../shared/JOURNEYS.md as reforms, so YAML tests can use them:
``reforms: [llo.schemes.funder.reforms.oo_fonds_techniek]`` (one funder: ``funder_index`` 0) or
``reforms: [llo.schemes.funder.reforms.all_examples]`` (every example, in the order of
``funders.example_names()``; rows pick one with ``funder_index``).
"""

from __future__ import annotations

from typing import ClassVar

from llo.schemes.engine import FundersVariant, System
from llo.schemes.funders import example_names, load_example


class _Examples(FundersVariant):
    stems: ClassVar[tuple[str, ...]] = ()

    def __init__(self, baseline: System) -> None:
        super().__init__(baseline, [load_example(stem) for stem in self.stems])


class oo_fonds_techniek(_Examples):
    stems = ("oo_fonds_techniek",)


class oo_fonds_techniek_evc(_Examples):
    stems = ("oo_fonds_techniek_evc",)


class oo_fonds_retail(_Examples):
    stems = ("oo_fonds_retail",)


class oo_fonds_zorg(_Examples):
    stems = ("oo_fonds_zorg",)


class werkgever_korenaar(_Examples):
    stems = ("werkgever_korenaar",)


class werkgever_retailflex(_Examples):
    stems = ("werkgever_retailflex",)


class gemeente_rotterdam_basisvaardigheden(_Examples):
    stems = ("gemeente_rotterdam_basisvaardigheden",)


class uwv_werkzoekenden(_Examples):
    stems = ("uwv_werkzoekenden",)


class all_examples(_Examples):
    stems = tuple(example_names())
