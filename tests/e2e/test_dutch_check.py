# SPDX-License-Identifier: EUPL-1.2
"""The check the journey tests run on every page finds what issue 15 saw (finding 10)."""

from __future__ import annotations

from django.utils import translation

from tests.e2e.dutch import _translated, problems_in


def test_it_finds_english_raw_codes_and_other_date_formats() -> None:
    with translation.override("nl"):
        assert len(_translated()) > 500  # the catalogue was read
        seen = [
            "STAP-budget ('stap') applies to applications from 2022-03-01",
            "Voor: demo / application:2",
            "(system:admission) (user:10)",
            "Doelgroep: low_educated",
            "Online: False",
            "1-9-2026 tot 30-9-2027",
            "Right to a funded mbo programme",
            "Your budgets",
        ]
        for text in seen:
            assert problems_in(text), text
        assert problems_in("Uw budgetten") == []
        assert problems_in("U betaalt zelf € 3.680,00. Open tot 28 december 2026 17:00.") == []
