# SPDX-License-Identifier: EUPL-1.2
"""``llo rules test`` and ``llo rules list``, as policy staff run them.

The YAML tests run in a child process: OpenFisca's runner is pytest, which should not run
inside this pytest session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LLO = [sys.executable, "-c", "from llo.cli import main; main()"]


def _llo(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    return subprocess.run(
        [*LLO, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_llo_rules_test_runs_every_yaml_test_and_passes() -> None:
    result = _llo("rules", "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "YAML tests passed" in result.stdout
    assert "failed" not in result.stdout.lower()


def _run_folder(folder: Path) -> subprocess.CompletedProcess[str]:
    script = textwrap.dedent(
        f"""
        import sys, django
        django.setup()
        from pathlib import Path
        from llo.schemes import yaml_tests
        sys.exit(yaml_tests.run(paths=[Path({str(folder)!r})], out=sys.stdout))
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_failing_yaml_test_gives_a_readable_message_and_a_non_zero_exit(tmp_path: Path) -> None:
    (tmp_path / "wrong.yaml").write_text(
        textwrap.dedent(
            """\
            - name: The VAT is added wrongly on purpose
              period: 2022-05-02
              input:
                offer_fee_cents: 82645
                offer_exam_cents: 0
                offer_materials_cents: 0
                offer_prices_include_vat: false
                offer_vat_percent: 21
              output:
                offer_cost_incl_vat_cents: 99999
            """
        ),
        encoding="utf-8",
    )
    result = _run_folder(tmp_path)
    assert result.returncode == 1
    assert "The VAT is added wrongly on purpose" in result.stdout
    assert "offer_cost_incl_vat_cents@2022-05-02: [100000.] differs from 99999" in result.stdout


def test_a_misspelt_variable_stops_the_run_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "typo.yaml").write_text(
        "- name: typo\n  period: 2022-05-02\n  input:\n    offer_fee_cent: 1\n"
        "  output:\n    offer_fee_cents: 1\n",
        encoding="utf-8",
    )
    result = _run_folder(tmp_path)
    assert result.returncode == 2
    assert "typo.yaml:4: test 'typo': unknown variable 'offer_fee_cent' in input." in result.stdout
    assert "nothing was run" in result.stdout


@pytest.mark.parametrize(
    "args", [("rules", "list"), ("rules", "list", "--parameters", "--on", "2023-03-20")]
)
def test_llo_rules_list_shows_schemes_and_parameters(args: tuple[str, ...]) -> None:
    result = _llo(*args)
    assert result.returncode == 0, result.stderr
    assert "stap" in result.stdout
    assert "llo_regeling" in result.stdout
    if "--parameters" in args:
        assert "stap.max_grants_per_training_per_year" in result.stdout
        assert "unconfirmed" in result.stdout
