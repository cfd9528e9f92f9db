# SPDX-License-Identifier: EUPL-1.2
"""The what-if: a synthetic population with planned trainings, baseline and reform, the split
tables, the reports and the command. Small populations, so the whole file runs in seconds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from llo.schemes import engine
from llo.schemes.errors import (
    InvalidInputError,
    MissingInputError,
    OutsideValidityError,
    RulesError,
    UnknownSchemeError,
)
from llo.schemes.simulation import population_inputs, report, run
from llo.schemes.simulation.reform import ReformFileError, load_reform, parse_reform
from llo.schemes.simulation.take_up import EDUCATION, PPM, load_take_up

ROOT = Path(__file__).resolve().parents[2]
REFORMS = ROOT / "docs" / "reforms"
ON = dt.date(2027, 3, 1)
STAP_ON = dt.date(2023, 5, 15)
AMOUNT = REFORMS / "llo-bedrag-1500.yaml"
PERSON_READING = REFORMS / "llo-lezing-persoon.yaml"


@pytest.fixture(scope="module")
def amount_result() -> run.SimulationResult:
    return run.simulate(3000, ON, reform=load_reform(AMOUNT), jobs=1)


# --- The population as engine inputs -------------------------------------------------------


def test_the_same_seed_gives_the_same_population_and_trainings() -> None:
    first = population_inputs.build(700, ON, seed=11)
    again = population_inputs.build(700, ON, seed=11)
    other = population_inputs.build(700, ON, seed=12)
    for name, array in first.inputs.items():
        assert np.array_equal(array, again.inputs[name]), name
    assert not np.array_equal(first.inputs["offer_fee_cents"], other.inputs["offer_fee_cents"])


def test_every_input_is_valid_for_the_engine() -> None:
    data = population_inputs.build(2000, ON, seed=3)
    _arrays, count = engine.prepare_inputs(engine.build_system(), data.inputs)
    assert count == 2000
    training = data.training
    money = training.fee_cents + training.exam_cents + training.materials_cents
    assert money.dtype == np.int32
    assert money.min() >= 0
    assert (training.fee_cents % 100 == 0).all()  # whole euros
    assert (training.start_date > np.datetime64(ON)).all()
    # Trainings follow their kind: basic-skills courses at entry level or level 1.
    basic = training.offer_type == population_inputs.OFFER_TYPES.index("basic_skills")
    assert set(np.unique(training.level_rank[basic])) <= {0, 1}
    assert 5 not in set(np.unique(training.level_rank))  # no training at NLQF 4+ (vwo)


def test_insured_months_mask_matches_the_facts() -> None:
    data = population_inputs.build(400, ON, seed=5)
    mask = data.inputs["insured_months_mask"]
    partial = np.flatnonzero(data.population.months_insured < 12)
    assert partial.size, "the seed should give a few recently arrived persons"
    for row in [*partial[:20], *range(30)]:
        person, _offer = population_inputs.facts_of(data, int(row))
        assert person.insured_months_mask(ON) == int(mask[row])
    assert int(mask[np.argmax(data.population.months_insured)]) == (1 << 31) - 1


def _compare_with_decide(persons: int, on: dt.date, seed: int, scheme: str) -> int:
    from llo.schemes.decision import decide

    data = population_inputs.build(persons, on, seed=seed)
    info = engine.build_system().schemes[scheme]
    outputs = engine.evaluate(data.inputs, on, [scheme])
    eligible = 0
    for row in range(persons):
        person, offer = population_inputs.facts_of(data, row)
        decision = decide(person, offer, on, scheme)
        assert decision.eligible == bool(outputs[info.eligible][row]), (row, decision.failed)
        assert decision.amount_cents == int(outputs[info.amount][row]), row
        eligible += decision.eligible
    return eligible


@settings(max_examples=6, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 2**32 - 1),
    scheme_and_day=st.one_of(
        st.tuples(st.just("llo_regeling"), st.dates(dt.date(2027, 1, 1), dt.date(2030, 12, 31))),
        st.tuples(st.just("stap"), st.dates(dt.date(2022, 3, 1), dt.date(2023, 12, 31))),
    ),
)
def test_the_vectorised_run_equals_decide_for_every_generated_person(
    seed: int, scheme_and_day: tuple[str, dt.date]
) -> None:
    """The population mapping goes through the engine's arrays; the facts through decide():
    both doors must give the same decision for every generated person (6 x 50 persons)."""
    scheme, on = scheme_and_day
    _compare_with_decide(50, on, seed, scheme)


def test_both_outcomes_occur_in_the_comparison() -> None:
    """On a day in a window both eligible and not eligible persons occur, so the comparison
    above compares something."""
    for scheme, on in (("llo_regeling", ON), ("stap", STAP_ON)):
        eligible = _compare_with_decide(40, on, 99, scheme)
        assert 0 < eligible < 40


# --- Runs, splits and take-up ------------------------------------------------------------------


def test_split_tables_add_up_to_the_totals(amount_result: run.SimulationResult) -> None:
    for scheme in amount_result.schemes:
        total = scheme.total
        for dimension in run.DIMENSIONS:
            rows = scheme.splits[dimension]
            assert sum(r.persons for r in rows) == total.persons, dimension
            for attribute in (
                "eligible",
                "amount_cents",
                "expected_applicants_ppm",
                "expected_cost_ppm",
            ):
                for which in ("baseline", "reform"):
                    got = sum(getattr(getattr(r, which), attribute) for r in rows)
                    assert got == getattr(getattr(total, which), attribute), (dimension, attribute)


def test_expected_cost_is_eligible_amount_times_take_up(
    amount_result: run.SimulationResult,
) -> None:
    scheme = amount_result.scheme("llo_regeling")
    rates = load_take_up().schemes["llo_regeling"]
    for row, group in zip(scheme.splits["education"], EDUCATION, strict=True):
        ppm = rates.rate(group).ppm
        assert row.baseline.expected_cost_ppm == row.baseline.amount_cents * ppm
        assert row.baseline.expected_applicants_ppm == row.baseline.eligible * ppm
        assert (
            row.baseline.expected_cost_cents == (row.baseline.amount_cents * ppm + PPM // 2) // PPM
        )


def test_the_amount_reform_changes_the_cost_and_not_who_is_eligible(
    amount_result: run.SimulationResult,
) -> None:
    scheme = amount_result.scheme("llo_regeling")
    total = scheme.total
    assert total.reform is not None
    assert total.difference is not None
    assert total.difference.eligible == 0
    assert total.difference.amount_cents > 0
    assert total.difference.expected_cost_cents > 0
    for dimension in run.DIMENSIONS:
        for row in scheme.splits[dimension]:
            assert row.reform is not None
            assert row.difference is not None
            assert row.difference.eligible == 0
            assert row.difference.amount_cents >= 0
    # Every condition holds for the same persons: only the amount moved.
    for condition in scheme.conditions:
        assert condition.reform_not_met == condition.baseline_not_met, condition.name
    # EUR 1,500 instead of 1,000: no grant grows by more than EUR 500 (x eligible).
    assert total.difference.amount_cents <= total.baseline.eligible * 50000
    assert [e.applies for e in amount_result.effects] == [True]
    assert scheme.rule_version != scheme.reform_rule_version


def test_the_person_reading_moves_reach_from_high_to_low_and_middle() -> None:
    result = run.simulate(3000, ON, reform=load_reform(PERSON_READING), jobs=1)
    scheme = result.scheme("llo_regeling")
    low, middle, high = scheme.splits["education"]
    assert high.reform is not None
    assert high.reform.eligible == 0 < high.baseline.eligible
    assert low.difference is not None
    assert low.difference.eligible == 0
    assert middle.difference is not None
    assert middle.difference.eligible > 0
    changed = {c.name for c in scheme.conditions if c.reform_not_met != c.baseline_not_met}
    assert changed == {"llo_level_within_limit"}


def test_runs_are_deterministic_and_the_seed_matters() -> None:
    reform = load_reform(AMOUNT)
    first = report.to_json(run.simulate(1500, ON, reform=reform, seed=7))
    again = report.to_json(run.simulate(1500, ON, reform=reform, seed=7, jobs=1))
    other = report.to_json(run.simulate(1500, ON, reform=reform, seed=8))
    for data in (first, again, other):
        data.pop("timings_seconds")
    assert first == again  # threads or not, the same numbers
    assert first["schemes"] != other["schemes"]


def test_two_threads_give_the_same_result_as_one() -> None:
    reform = load_reform(AMOUNT)
    plan = run.prepare(2500, ON, reform=reform)
    data = population_inputs.build(2500, ON, seed=run.DEFAULT_SEED)
    one, two = run.run(plan, data, jobs=1), run.run(plan, data, jobs=2)
    assert [s.splits for s in one.schemes] == [s.splits for s in two.schemes]
    assert "baseline and reform" in two.timings


def test_without_a_reform_only_the_baseline() -> None:
    result = run.simulate(1000, ON)
    scheme = result.scheme("llo_regeling")
    assert scheme.total.reform is None
    assert scheme.total.difference is None
    assert report.to_json(result)["reform"] is None


def test_stap_on_a_stap_date() -> None:
    result = run.simulate(1000, STAP_ON, reform=load_reform(REFORMS / "stap-bedrag-1500.yaml"))
    assert [s.key for s in result.schemes] == ["stap"]
    stap = result.scheme("stap").total
    assert stap.baseline.eligible > 0
    assert stap.difference is not None
    assert stap.difference.amount_cents > 0


# --- Bad input: named, and nothing runs --------------------------------------------------------


def test_a_date_on_which_no_scheme_takes_applications() -> None:
    with pytest.raises(OutsideValidityError, match="no scheme takes applications on 2025-06-01"):
        run.simulate(100, dt.date(2025, 6, 1))


def test_a_scheme_outside_its_period_and_unknown_schemes() -> None:
    with pytest.raises(OutsideValidityError, match=r"'stap'.*2027-03-01 is outside"):
        run.prepare(100, ON, schemes=["stap"])
    with pytest.raises(UnknownSchemeError, match="Did you mean 'llo_regeling'"):
        run.prepare(100, ON, schemes=["llo_regelin"])
    with pytest.raises(UnknownSchemeError, match="funder budgets are not simulated"):
        run.prepare(100, ON, schemes=["funder"])
    with pytest.raises(InvalidInputError, match="1 to 20,000,000"):
        run.prepare(0, ON)


def test_a_missing_input_is_named_before_the_big_run(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    original = population_inputs.engine_inputs

    def without_birth_date(*args: Any) -> dict[str, np.ndarray]:
        inputs = original(*args)
        built.append(len(inputs["birth_date"]))
        del inputs["birth_date"]
        return inputs

    monkeypatch.setattr(population_inputs, "engine_inputs", without_birth_date)
    with pytest.raises(MissingInputError, match="birth_date") as error:
        run.simulate(50_000, ON)
    assert error.value.item == "birth_date"
    assert built == [run.DRY_RUN_PERSONS]  # the 50,000 were never built


REFORM_WITH_PROBLEMS = """\
name: Veel fouten
changes:
  llo_regeling.amount_per_person_cents:
    2027-01-01: 150000
  llo_regeling.max_level:
    2026-06-01: eqf_3
  llo_regeling.level_reading:
    2027-01-01: everyone
  stap.max_amount_cents:
    2022-03-01: 1500.50
  llo_regeling.min_weeks_before_start:
    2027-13-01: 2
"""


def test_every_reform_problem_is_named_with_file_line_and_item(tmp_path: Path) -> None:
    path = tmp_path / "reform.yaml"
    path.write_text(REFORM_WITH_PROBLEMS)
    with pytest.raises(ReformFileError) as error:
        load_reform(path, display="reform.yaml")
    problems = {p.location: (p.item, p.message) for p in error.value.problems}
    assert problems["reform.yaml:3"] == (
        "llo_regeling.amount_per_person_cents",
        "unknown parameter 'llo_regeling.amount_per_person_cents'. "
        "Did you mean 'llo_regeling.amount_per_person_per_year_cents'?",
    )
    assert "applies from 2027-01-01" in problems["reform.yaml:6"][1]
    assert problems["reform.yaml:6"][0] == "llo_regeling.max_level"
    assert "'everyone' is not allowed" in problems["reform.yaml:8"][1]
    assert "money is in whole cents" in problems["reform.yaml:10"][1]
    assert "'2027-13-01' is not a date" in problems["reform.yaml:12"][1]
    assert len(error.value.problems) == 5
    assert str(error.value).startswith("5 problems in reform.yaml:\nreform.yaml:3: unknown")


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("changes:\n  a: 1\n  a: 2\n", "x.yaml:3", "duplicate key 'a'"),
        ("name: [unclosed\n", "x.yaml:2", "not valid YAML"),
        ("name: test\n", "x.yaml:1", "give 'changes'"),
        ("chnages:\n  x: 1\n", "x.yaml:1", "Did you mean 'changes'?"),
        ("changes:\n  funders.f0.max_level:\n    2027-01-01: eqf_3\n", "x.yaml:2", "forms"),
        ("changes:\n  llo_regeling.max_level: eqf_3\n", "x.yaml:2", "one line per date"),
        ("changes:\n  llo_regeling.max_level:\n    2027-01-01:\n", "x.yaml:3", "give a value"),
        (
            "changes:\n  llo_regeling.priority:\n    2027-01-01: true\n",
            "x.yaml:2",
            "group of parameters",
        ),
        (
            "changes:\n  llo_regeling.amount_per_person_per_year_cents:\n    2027-01-01: -1\n",
            "x.yaml:3",
            "cannot be negative",
        ),
        (
            "changes:\n  stap.max_amount_cents:\n    2024-01-01: 150000\n",
            "x.yaml:3",
            "2022-03-01 to 2023-12-31",
        ),
        (
            "a: &a [1, 2]\nchanges:\n  llo_regeling.purposes:\n    2027-01-01: [*a, *a]\n",
            "x.yaml:1",
            "unexpected key 'a'",
        ),
        (
            "changes:\n  llo_regeling.purposes:\n    2027-01-01: [[work], grow]\n",
            "x.yaml:3",
            "a list of at most 1000",
        ),
    ],
)
def test_reform_errors(text: str, location: str, message: str) -> None:
    with pytest.raises(ReformFileError) as error:
        parse_reform(text, source="x.yaml")
    first = error.value.problems[0]
    assert first.location == location, str(error.value)
    assert message in str(error.value)


def test_a_change_after_the_date_or_for_another_scheme_is_a_warning() -> None:
    later = parse_reform(
        "changes:\n  llo_regeling.priority.only_priority_groups:\n    2028-01-01: true\n"
        "  stap.max_amount_cents:\n    2022-03-01: 150000\n",
        source="w.yaml",
    )
    result = run.simulate(500, ON, reform=later)
    assert any("w.yaml:3" in w and "after the simulation date" in w for w in result.warnings)
    assert any("w.yaml:5" in w and "not simulated" in w for w in result.warnings)
    assert result.scheme("llo_regeling").total.difference == run.ZERO


def test_every_example_reform_loads() -> None:
    examples = sorted(REFORMS.glob("*.yaml"))
    assert len(examples) >= 4
    for path in examples:
        spec = load_reform(path)
        assert spec.name, path
        assert spec.changes, path


def test_the_take_up_file_and_its_errors(tmp_path: Path) -> None:
    take_up = load_take_up()
    for key in ("stap", "llo_regeling"):
        rates = take_up.schemes[key]
        assert all(0 < ppm < PPM for ppm in rates.ppm_by_education)
        assert rates.default.source
        assert rates.default.note
    bad = tmp_path / "take_up.yaml"
    bad.write_text(
        "schemes:\n  llo:\n    default: {value: 0.1, source: a, note: b}\n"
        "  stap:\n    default: {value: 1.5, source: a, note: b}\n"
        "    by_education:\n      lowest: {value: 0.1, source: a, note: b}\n"
    )
    with pytest.raises(RulesError) as error:
        load_take_up(bad)
    text = str(error.value)
    assert "take_up.yaml:2: unknown scheme 'llo'" in text
    assert "take_up.yaml:5: stap: the rate is from 0 to 1" in text
    assert "take_up.yaml:7: 'stap': education group 'lowest'" in text


# --- Reports and the command -------------------------------------------------------------------


def test_the_charts_are_valid_vega_lite(amount_result: run.SimulationResult) -> None:
    found = report.charts(amount_result)
    assert len(found) == len(run.DIMENSIONS) * 2
    assert len({c["id"] for c in found}) == len(found)
    for chart in found[:3]:
        alt.Chart.from_dict(chart["spec"], validate=True)  # raises when the spec is invalid


def test_the_command_writes_table_json_and_html(tmp_path: Path) -> None:
    from io import StringIO

    out = StringIO()
    call_command(
        "simulate",
        population="2_000",
        date="2027-03-01",
        reform=str(AMOUNT),
        json_path=str(tmp_path / "what-if.json"),
        html_path=str(tmp_path / "what-if.html"),
        no_progress=True,
        stdout=out,
    )
    text = out.getvalue()
    assert "What-if on 2027-03-01 over 2.000 persons" in text
    assert "Education (CBS)" in text
    assert "Labour-market region" in text
    assert "AM22 Rijnmond" in text
    assert "Looking for work" in text
    assert "55 to AOW age" in text
    data = json.loads((tmp_path / "what-if.json").read_text())
    assert data["persons"] == 2000
    assert data["date"] == "2027-03-01"
    assert data["reform"]["changes"] == [
        {
            "parameter": "llo_regeling.amount_per_person_per_year_cents",
            "from": "2027-01-01",
            "value": 150000,
        }
    ]
    scheme = data["schemes"][0]
    assert scheme["key"] == "llo_regeling"
    assert set(scheme["splits"]) == set(run.DIMENSIONS)
    assert len(scheme["splits"]["region"]["rows"]) == 35
    assert scheme["total"]["difference"]["eligible"] == 0
    page = (tmp_path / "what-if.html").read_text()
    assert 'id="llo-charts"' in page
    assert "vegaEmbed" in page
    assert page.count('role="img"') == len(run.DIMENSIONS) * 2
    assert page.count("<table>") >= len(run.DIMENSIONS) * 2


def test_the_command_stops_on_a_bad_reform_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("changes:\n  llo_regeling.max_levl:\n    2027-01-01: eqf_3\n")
    target = tmp_path / "out.json"
    with pytest.raises(CommandError) as error:
        call_command(
            "simulate",
            population="1000",
            date="2027-03-01",
            reform=str(bad),
            json_path=str(target),
            no_progress=True,
        )
    assert f"{bad}:2: unknown parameter 'llo_regeling.max_levl'" in str(error.value)
    assert "Did you mean 'llo_regeling.max_level'?" in str(error.value)
    assert not target.exists()
    with pytest.raises(CommandError, match="'2027-02-30' is not a date"):
        call_command("simulate", population="10", date="2027-02-30", no_progress=True)
    with pytest.raises(CommandError, match="no scheme takes applications"):
        call_command("simulate", population="10", date="2026-01-01", no_progress=True)
