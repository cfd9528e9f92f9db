# SPDX-License-Identifier: EUPL-1.2
"""A failing load leaves nothing behind: the whole load is one transaction."""

from __future__ import annotations

import pytest

from llo.core.models import AuditEntry
from llo.demo import loader
from llo.people.models import Employment, Organisation, Person

pytestmark = pytest.mark.django_db


def test_a_failure_half_way_leaves_nothing_written(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    # Fail at the last step, after organisations and persons were written.
    monkeypatch.setattr(Employment.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        loader.load(persons=200)
    assert Organisation.objects.count() == 0
    assert Person.objects.count() == 0
    assert not AuditEntry.objects.filter(action="demo.loaded").exists()


def test_a_small_load_then_a_larger_one_tops_up(monkeypatch: pytest.MonkeyPatch) -> None:
    first = loader.load(persons=100)
    assert first.created["persons"] == 104
    second = loader.load(persons=150)
    # Persons are keyed by BSN and the first 100 BSNs are already there: only 50 are new.
    assert second.created["persons"] == 50
    assert second.created["organisations"] == 0
    assert Person.objects.count() == 154
