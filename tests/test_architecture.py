# SPDX-License-Identifier: EUPL-1.2
"""The layer direction of DESIGN.md section 2 is enforced by import-linter."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contract_layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = [
        c for c in config["tool"]["importlinter"]["contracts"] if c.get("containers") == ["llo"]
    ]
    return list(contract["layers"])


def run_lint(cwd: Path, env_path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_layers_are_the_ones_of_design_md() -> None:
    flat = [
        name.strip() for layer in contract_layers() for name in layer.replace(":", "|").split("|")
    ]
    apps = "core people regions skills register schemes accounts enrolment credentials advice"
    for app in [*apps.split(), "monitoring", "web", "api", "demo", "notifications"]:
        assert app in flat, f"{app} is missing from the layer contract"
    layers = contract_layers()
    assert layers[-1] == "core"
    assert layers.index("register") < layers.index("people : regions : skills : notifications")
    assert layers.index("accounts") < layers.index("schemes") < layers.index("register")


def test_the_code_keeps_the_layer_contract() -> None:
    result = run_lint(ROOT, str(ROOT / "src"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path: Path) -> None:
    """Copy the package, let core import web, and the same contract must fail."""
    skip = shutil.ignore_patterns("__pycache__", "static", "data", "locale")
    shutil.copytree(ROOT / "src" / "llo", tmp_path / "src" / "llo", ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    bad = tmp_path / "src" / "llo" / "core" / "bad_import.py"
    bad.write_text("from llo.web import views  # noqa\n")
    result = run_lint(tmp_path, str(tmp_path / "src"))
    assert result.returncode != 0
    assert "llo.core.bad_import -> llo.web.views" in result.stdout


#: Modules still over the limit, each with the issue that splits it; a module leaves this list
#: when it is split (the test says so), and no new module joins it.
#: Modules allowed over the limit, each with the reason (empty: none is).
LONG_MODULES: dict[str, str] = {}
MAX_MODULE_LINES = 700


def test_no_module_over_about_700_lines() -> None:
    """The house rule: no module over ~700 lines (migrations are generated)."""
    package = ROOT / "src" / "llo"
    too_long = []
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = path.relative_to(package).as_posix()
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES and name not in LONG_MODULES:
            too_long.append(f"{name}: {lines} lines")
        if lines <= MAX_MODULE_LINES and name in LONG_MODULES:
            too_long.append(f"{name} is short now ({lines} lines): take it off LONG_MODULES")
    assert not too_long, too_long


def test_today_is_the_dutch_date_everywhere() -> None:
    """A rule, a form and a page mean the date in the Netherlands (``timeutil.today``). The UTC
    date (``now().date()``) or the server's (``date.today()``) is yesterday between midnight
    and 01:00 or 02:00 in Amsterdam: a right deposited "today" could not be used "today" on
    the apply page then (found by the browser suite at 00:02 Amsterdam time)."""
    package = ROOT / "src" / "llo"
    found = [
        f"{path.relative_to(package).as_posix()}:{number}"
        for path in sorted(package.rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "now().date()" in line or "date.today()" in line
    ]
    assert not found, found
