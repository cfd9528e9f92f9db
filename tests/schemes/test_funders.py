# SPDX-License-Identifier: EUPL-1.2
"""Funder conditions as a form stores them: one parser (llo.schemes.funder_conditions) for the
funder form, the API, the funding plan and the engine; checked, named when wrong."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from llo.schemes.errors import ConditionsError
from llo.schemes.funders import (
    FunderConditions,
    example_names,
    funders_node,
    load_example,
    parse_conditions,
)


def test_every_example_of_journeys_is_valid_and_round_trips_as_json() -> None:
    assert set(example_names()) >= {
        "oo_fonds_techniek",
        "werkgever_korenaar",
        "gemeente_rotterdam_basisvaardigheden",
    }
    for name in example_names():
        conditions = load_example(name)
        stored = json.loads(json.dumps(conditions.as_json()))
        assert parse_conditions(stored) == conditions


def test_an_empty_form_means_no_conditions() -> None:
    conditions = parse_conditions({})
    assert conditions.offer_types == ()
    assert conditions.valid_from is None
    assert conditions.key == ""
    assert conditions.ident.startswith("c")
    assert parse_conditions({}).ident == conditions.ident  # stable


def test_the_accounts_form_keys_are_understood() -> None:
    """Every key of the funder form (accounts.forms.CONDITION_FIELDS) parses here."""
    form = {
        "max_level": "eqf_4",
        "offer_types": ["course", "microcredential"],
        "occupations": ["7212", "7233"],
        "regions": ["AM05"],
        "purposes": ["grow"],
        "labour_positions": ["employed", "flex"],
        "sectors": ["metal"],
        "cost_components": ["tuition", "exam"],
        "co_payment_pct": 20,
        "co_payment_above_level": "eqf_4",
        "valid_from": "2026-01-01",
        "valid_until": "2026-12-31",
        "accumulation_cap_cents": 300000,
        "max_per_offer_cents": 150000,
        "subsidiary": False,
    }
    conditions = parse_conditions(form)
    assert conditions.occupations == ("7212", "7233")
    assert conditions.valid_until == dt.date(2026, 12, 31)
    from llo.accounts.forms import CONDITION_FIELDS

    assert set(CONDITION_FIELDS.values()) <= set(form)
    assert parse_conditions(conditions.to_dict()) == conditions


@pytest.mark.parametrize(
    ("form", "item", "words"),
    [
        ({"max_levl": "eqf_4"}, "max_levl", "'max_level'"),
        ({"max_level": "mbo4"}, "max_level", "geen niveau"),
        ({"max_per_offer_cents": 99.5}, "max_per_offer_cents", "heel aantal centen"),
        ({"max_per_offer_cents": True}, "max_per_offer_cents", "heel aantal centen"),
        ({"co_payment_pct": 120}, "co_payment_pct", "tussen 0 en 100"),
        ({"valid_from": "01-01-2026"}, "valid_from", "JJJJ-MM-DD"),
        ({"valid_from": "2026-02-01", "valid_until": "2026-01-01"}, "valid_until", "begindatum"),
        ({"sectors": ["bakkerij"]}, "sectors", "bakkerij"),
        ({"offer_types": "course"}, "offer_types", "lijst met codes"),
        ({"gemeenten": ["0599"]}, "gemeenten", "GM0599"),
        ({"regions": ["AM5"]}, "regions", "AM12"),
        ({"occupations": ["welder"]}, "occupations", "ISCO-08"),
        ({"key": "Mijn Fonds"}, "key", "kleine letters"),
        ({"reference": {"title": "x", "href": "ftp://x"}}, "reference", "href"),
        ({"needs_basic_skills": "yes"}, "needs_basic_skills", "ja of nee"),
    ],
)
def test_a_wrong_field_is_named(form: dict, item: str, words: str) -> None:
    with pytest.raises(ConditionsError) as info:
        parse_conditions(form)
    assert info.value.item == item
    assert words in str(info.value)


def test_all_problems_are_reported_together() -> None:
    with pytest.raises(ConditionsError) as info:
        parse_conditions({"max_level": "x", "co_payment_pct": -1, "colour": "red"})
    message = str(info.value)
    assert "colour" in message
    assert "max_level" in message
    assert "co_payment_pct" in message


def test_conditions_become_dated_parameters() -> None:
    conditions = parse_conditions(
        {"key": "k", "valid_from": "2026-01-01", "valid_until": "2026-12-31", "max_level": "eqf_4"}
    )
    node = funders_node([conditions]).children["f0"]
    active = node.children["active"]
    assert active("2025-12-31") is False
    assert active("2026-01-01") is True
    assert active("2026-12-31") is True
    assert active("2027-01-01") is False
    assert node.children["max_level"]("2026-06-01") == "eqf_4"
    assert node.children["display_name"]("2000-01-01") == "de financier"


def test_a_funder_key_may_be_used_once_per_run() -> None:
    one = FunderConditions(key="same")
    with pytest.raises(ConditionsError):
        funders_node([one, one])


def test_an_unknown_example_is_named() -> None:
    with pytest.raises(ConditionsError) as info:
        load_example("oo_fonds_techniek_2")
    assert "oo_fonds_techniek" in str(info.value)
