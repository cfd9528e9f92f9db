# SPDX-License-Identifier: EUPL-1.2
"""Batch signing of a cohort gives exactly what signing one by one gives (Ed25519 is
deterministic: the proof values are equal too), and both forms verify."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llo.credentials import batch, eddsa, jose, verify
from tests.credentials.factories import ISSUED, world

pytestmark = pytest.mark.django_db(databases=[])

VARYING = [
    ("id",),
    ("credentialSubject", "identifier", 0, "identityHash"),
    ("credentialStatus", "id"),
    ("credentialStatus", "statusListIndex"),
]
NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(NAME, min_size=1, max_size=5), start=st.integers(0, 10_000))
def test_cohort_equals_one_by_one(names: list[str], start: int) -> None:
    w = world()
    cohort = batch.Cohort(w.credential(), VARYING, w.key, w.vm, ISSUED)
    resolver = w.resolver()
    for n, name in enumerate(names):
        index = start + n
        doc = w.credential(
            index=index, name=name, id=f"urn:uuid:00000000-0000-4000-8000-{index:012d}"
        )
        values = [doc["id"], name, doc["credentialStatus"]["id"], str(index)]
        signed = cohort.sign(values)
        one = eddsa.sign(doc, w.key, w.vm, ISSUED)
        assert json.loads(signed.document) == one
        _header, payload = jose.verify(signed.jwt, lambda kid, c: w.key.public_key())
        assert payload == doc
        assert verify.verify_document(signed.document, resolver).valid
        assert verify.verify_document(signed.jwt, resolver).valid


def test_a_path_that_is_no_value_is_refused() -> None:
    w = world()
    with pytest.raises(ValueError, match="not a text value"):
        batch.Cohort(w.credential(), [("nope",)], w.key, w.vm, ISSUED)
