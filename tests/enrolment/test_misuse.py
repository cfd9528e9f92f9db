# SPDX-License-Identifier: EUPL-1.2
"""The misuse rules on a replayed synthetic scenario with planted cases: every planted case
is found, with its reason, and nothing clean is flagged."""

from __future__ import annotations

import datetime as dt
import random

from llo.enrolment import misuse

T0 = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)


def scenario(
    seed: int = 7,
) -> tuple[
    list[misuse.AppFact],
    list[misuse.PriceVersion],
    list[misuse.GiftReport],
    set[tuple[str, str, int]],
]:
    rng = random.Random(seed)
    apps: list[misuse.AppFact] = []
    versions: list[misuse.PriceVersion] = []
    planted: set[tuple[str, str, int]] = set()
    n_offers = 60
    provider_of = {o: 1 + o % 12 for o in range(1, n_offers + 1)}
    app_id = 0

    def add(offer: int, window: int, *, pre: bool = True) -> None:
        nonlocal app_id
        app_id += 1
        apps.append(misuse.AppFact(app_id, offer, provider_of[offer], window, 2023, True, pre))

    for offer in range(1, n_offers + 1):
        base = rng.randint(300, 1000) * 100
        versions.append(misuse.PriceVersion(offer, T0, base))
        # ordinary price changes within 10 %
        versions.append(misuse.PriceVersion(offer, T0 + dt.timedelta(days=90), base + base // 20))
        for window in (1, 2):
            for _ in range(rng.randint(3, 12)):
                add(offer, window)
    # planted: price jumps on 3 offers (STAP: prices rose when the scheme came)
    for offer in (5, 17, 42):
        versions.append(misuse.PriceVersion(offer, T0 + dt.timedelta(days=120), 150_000))
        planted.add(("price_rise", "offer", offer))
    # planted: a spike on one offer in window 2 (a sham course pushed hard)
    for _ in range(80):
        add(23, 2)
    planted.add(("spike", "offer", 23))
    # planted: a training over the cap of 300 a year (art. 12a)
    for _ in range(310):
        add(31, 3)
    planted.add(("training_cap", "offer", 31))
    # planted: applications without pre-registration
    for _ in range(4):
        add(8, 1, pre=False)
        planted.add(("no_pre_registration", "application", app_id))
    # planted: gifts, one declared, one reported
    reports = [
        misuse.GiftReport(12, provider_of[12], True, "a free tablet"),
        misuse.GiftReport(None, 9, False, "a weekend in a hotel"),
    ]
    planted |= {("gift", "offer", 12), ("gift", "provider", 9)}
    return apps, versions, reports, planted


def test_planted_cases_found_with_reasons() -> None:
    apps, versions, reports, planted = scenario()
    flags = misuse.scan(
        apps=apps, versions=versions, reports=reports, settings=misuse.Settings(provider_cap=10_000)
    )
    found = {f.key for f in flags}
    assert planted <= found, planted - found
    assert found - planted == set()  # no false positives on the clean offers
    assert len(planted) == 11
    for f in flags:
        assert f.reason
    rise = next(f for f in flags if f.key == ("price_rise", "offer", 5))
    assert "€ 1.500,00" in rise.reason


def test_provider_cap() -> None:
    apps = [misuse.AppFact(i, 1, 7, 1, 2023, True, True) for i in range(5)]
    flags = misuse.caps(apps, misuse.Settings(training_cap=10, provider_cap=4))
    assert [f.rule for f in flags] == ["provider_cap"]
