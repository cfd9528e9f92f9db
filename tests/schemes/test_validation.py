# SPDX-License-Identifier: EUPL-1.2
"""Rule files with mistakes: every problem is named with its file and line."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

import llo
from llo.schemes.errors import RulesFileError
from llo.schemes.system import COMMON, SCHEME_KEYS, SCHEMES_DIR, LloSystem, files_hash
from llo.schemes.validation import (
    check_parameter_file,
    check_parameter_tree,
    check_test_file,
    load_yaml,
)

GOOD = """\
description: Most a scheme pays.
metadata:
  unit: cents
values:
  2027-01-01:
    value: 100000
    metadata:
      status: scenario
      reference:
        - title: Seed 004
          href: https://example.org/004
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_shipped_parameter_files_are_all_valid() -> None:
    for key in (COMMON, *SCHEME_KEYS):
        folder = SCHEMES_DIR / key / "parameters"
        if folder.is_dir():
            assert not check_parameter_tree(folder, key).items


def test_a_good_parameter_file_passes(tmp_path: Path) -> None:
    path = _write(tmp_path, "amount_cents.yaml", GOOD)
    assert not check_parameter_file(path, "x.amount_cents", tmp_path).items


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("    value: 100000", "    value: 999.5", 6, "whole cents"),
        ("      status: scenario", "      status: maybe", 8, "status must be one of"),
        ("          href: https://example.org/004", "          href: example.org", 10, "href"),
        ("  2027-01-01:", "  2027-13-01:", 5, "not a date"),
        (
            "description: Most a scheme pays.",
            "descripton: Most a scheme pays.",
            1,
            "unexpected key",
        ),
    ],
)
def test_a_mistake_in_a_parameter_file_is_reported_with_its_line(
    tmp_path: Path, old: str, new: str, line: int, words: str
) -> None:
    path = _write(tmp_path, "amount_cents.yaml", GOOD.replace(old, new))
    problems = check_parameter_file(path, "x.amount_cents", tmp_path).items
    assert problems, "expected a problem"
    found = [p for p in problems if words in p.message]
    assert found, [str(p) for p in problems]
    assert found[0].location == f"amount_cents.yaml:{line}"


def test_a_value_without_reference_is_refused(tmp_path: Path) -> None:
    text = GOOD.replace(
        "      reference:\n        - title: Seed 004\n          href: https://example.org/004\n", ""
    )
    path = _write(tmp_path, "amount_cents.yaml", text)
    problems = check_parameter_file(path, "x.amount_cents", tmp_path).items
    assert any("reference" in p.message for p in problems)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.yaml", "description: x\nvalues:\n  2027-01-01: [1, 2\n")
    with pytest.raises(RulesFileError) as info:
        load_yaml(path, tmp_path)
    assert info.value.location.startswith("bad.yaml:")


def test_a_key_written_twice_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "twice.yaml", "a: 1\nb: 2\na: 3\n")
    with pytest.raises(RulesFileError) as info:
        load_yaml(path, tmp_path)
    assert "duplicate key 'a'" in str(info.value)
    assert info.value.location == "twice.yaml:3"


def test_a_reserved_name_cannot_be_a_parameter(tmp_path: Path) -> None:
    (tmp_path / "node").mkdir()
    _write(tmp_path / "node", "name.yaml", GOOD)
    problems = check_parameter_tree(tmp_path, "x", tmp_path).items
    assert any("cannot be a parameter name" in p.message for p in problems)


def test_mistakes_in_a_yaml_test_are_named_with_their_lines(
    tmp_path: Path, system: LloSystem
) -> None:
    path = _write(
        tmp_path,
        "bad_test.yaml",
        """\
        - name: typo in a variable
          period: 2022-05-02
          input:
            brith_date: 2004-05-15
          output:
            stap_adult: true
        - name: outside STAP
          period: 2024-01-02
          output:
            stap_adult: true
        """,
    )
    problems, count = check_test_file(
        path,
        system.variables,
        valid_from=dt.date(2022, 3, 1),
        valid_until=dt.date(2023, 12, 31),
        scheme_title="STAP-budget",
        root=tmp_path,
    )
    assert count == 2
    messages = [str(p) for p in problems.items]
    assert (
        "bad_test.yaml:4: test 'typo in a variable': unknown variable 'brith_date' in input. "
        in (messages[0])
    )
    assert "Did you mean 'birth_date'?" in messages[0]
    assert messages[1].startswith("bad_test.yaml:8: test 'outside STAP': 2024-01-02 is outside")


def test_the_rule_version_changes_with_a_rule_file(system: LloSystem) -> None:
    assert system.schemes["stap"].rule_version.endswith(files_hash("stap")[:12])
    assert files_hash("stap") != files_hash("llo_regeling")
    assert system.schemes["stap"].rule_version.startswith(f"{llo.__version__}+stap.")
