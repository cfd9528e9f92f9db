# SPDX-License-Identifier: EUPL-1.2
"""BSN (11-proef), KvK number and qualification levels."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from llo.core.identifiers import IdentifierError, Level, is_valid_bsn, validate_bsn, validate_kvk


@pytest.fixture(autouse=True)
def _english() -> object:
    """The messages are translated (Dutch by default); these tests read the English msgids."""
    with translation.override("en"):
        yield


WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def eleven_check(digits: str) -> bool:
    """The 11-proef written out independently of python-stdnum."""
    return sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11 == 0


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(nine_digits)
def test_bsn_validity_is_exactly_the_11_proef(digits: str) -> None:
    expected = eleven_check(digits) and set(digits) != {"0"}
    assert is_valid_bsn(digits) is expected


@given(nine_digits.filter(lambda d: eleven_check(d) and set(d) != {"0"}))
def test_a_valid_bsn_with_spaces_or_dots_is_accepted(digits: str) -> None:
    spaced = f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    assert validate_bsn(spaced) == digits
    assert validate_bsn(f" {digits[:3]} {digits[3:]} ") == digits


@given(nine_digits.filter(lambda d: eleven_check(d) and set(d) != {"0"}), st.integers(0, 8))
def test_changing_one_digit_breaks_the_11_proef(digits: str, position: int) -> None:
    changed = (int(digits[position]) + 1) % 10
    other = digits[:position] + str(changed) + digits[position + 1 :]
    assert not is_valid_bsn(other) or eleven_check(other)
    # weights 1..9 are all coprime with 11, so one changed digit always breaks the sum
    assert not eleven_check(other)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12345678", "not correct"),
        ("1234567890", "9 digits"),
        ("12345678a", "only digits"),
        ("", "9 digits"),
        ("000000000", "not a valid"),
        ("123456789", "not correct"),
    ],
)
def test_invalid_bsn_says_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(IdentifierError, match=message):
        validate_bsn(value)


def test_eight_digit_bsn_gets_a_leading_zero() -> None:
    # 11-proef of 0 + 12345672: 0*9+1*8+2*7+3*6+4*5+5*4+6*3+7*2-2 = 110
    assert validate_bsn("12345672") == "012345672"


@pytest.mark.parametrize("value", ["12345678", "0123 4567", "90000001"])
def test_valid_kvk(value: str) -> None:
    assert len(validate_kvk(value)) == 8


@pytest.mark.parametrize("value", ["1234567", "123456789", "1234567a", "", "00000000"])
def test_invalid_kvk(value: str) -> None:
    with pytest.raises(IdentifierError):
        validate_kvk(value)


def test_levels_are_the_ooapi_values_in_order() -> None:
    assert [level.value for level in Level] == [
        "eqf_0", "eqf_1", "eqf_2", "eqf_3", "eqf_4", "nlqf_4plus",
        "eqf_5", "eqf_6", "eqf_7", "eqf_8",
    ]  # fmt: skip
    assert Level.EQF_2 < Level.EQF_4 < Level.NLQF_4PLUS < Level.EQF_5
    assert Level.EQF_4 <= Level.EQF_4
    assert Level.parse("eqf_4") is Level.EQF_4
    with pytest.raises(IdentifierError, match="eqf_9"):
        Level.parse("eqf_9")


def test_levels_match_the_ooapi_specification() -> None:
    import json
    from pathlib import Path

    spec = Path(__file__).resolve().parents[3] / "shared/standards/ooapi/ooapi-v6-bundled.json"
    if not spec.exists():
        pytest.skip("../shared/standards is not beside this checkout")
    schemas = json.loads(spec.read_text())["components"]["schemas"]
    assert [lv.value for lv in Level] == schemas["levelOfQualification"]["x-ooapi-extensible-enum"]
