# SPDX-License-Identifier: EUPL-1.2
"""Run the YAML tests of every scheme with OpenFisca's own runner (``llo rules test``).

First the system is built and every test file is checked (unknown variables, dates outside a
scheme, missing names; each with file and line). Only when all is well do the tests run,
through ``openfisca_core.tools.test_runner.run_tests`` with our system. pytest is given its own
small configuration, so the project's pytest settings (Django, xdist) do not apply to it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from llo.schemes.errors import RulesError
from llo.schemes.system import COMMON, SCHEME_KEYS, SCHEMES_DIR, LloSystem, build_system
from llo.schemes.validation import Problems, check_test_file

# pytest settings for the YAML tests: warnings are errors, as in the project's own tests,
# except one of OpenFisca 44.7: its YAML collector opens each test file without closing it.
_UNCLOSED_TEST_FILE = (
    r"ignore:Exception ignored in. <_io.FileIO name='.*\.ya?ml'"
    ":pytest.PytestUnraisableExceptionWarning"
)
_PYTEST_INI = f"""[pytest]
filterwarnings =
    error
    {_UNCLOSED_TEST_FILE}
"""
# OpenFisca 44.7's plugin still takes pytest's legacy ``path`` argument; pytest warns once when
# the plugin is registered. That is OpenFisca's to change, so it is silenced here only.
_LEGACY_PATH_WARNING = r"The \(path: py\.path\.local\) argument is deprecated"


class Output(Protocol):
    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...


@dataclass(frozen=True)
class YamlTestFolder:
    scheme: str
    path: Path


def yaml_test_folders(scheme: str | None = None) -> list[YamlTestFolder]:
    keys = [COMMON, *SCHEME_KEYS] if scheme is None else [scheme]
    found: list[YamlTestFolder] = []
    for key in keys:
        path = SCHEMES_DIR / key / "tests"
        if path.is_dir():
            found.append(YamlTestFolder(key, path))
    return found


def yaml_test_files(directories: Sequence[YamlTestFolder]) -> list[tuple[YamlTestFolder, Path]]:
    found: list[tuple[YamlTestFolder, Path]] = []
    for directory in directories:
        paths = [directory.path] if directory.path.is_file() else sorted(directory.path.rglob("*"))
        found.extend((directory, p) for p in paths if p.suffix in {".yaml", ".yml"})
    return found


def check_tests(
    system: LloSystem, directories: Sequence[YamlTestFolder], name_filter: str | None = None
) -> tuple[Problems, int, int]:
    """Check every test file; returns the problems, the number of files and of tests."""
    problems = Problems()
    files = tests = 0
    root = SCHEMES_DIR.parent.parent.parent
    for directory, path in yaml_test_files(directories):
        # The runner matches the file name and the test names; count files with either.
        if name_filter and name_filter not in path.read_text(encoding="utf-8") + path.name:
            continue
        scheme = system.schemes.get(directory.scheme)
        found, count = check_test_file(
            path,
            system.variables,
            valid_from=scheme.valid_from if scheme else None,
            valid_until=scheme.valid_until if scheme else None,
            scheme_title=scheme.title if scheme else "",
            root=root,
        )
        problems.extend(found)
        files += 1
        tests += count
    return problems, files, tests


@contextlib.contextmanager
def _pytest_settings() -> Iterator[None]:
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - removed in finally
        "w", suffix=".ini", prefix="llo-rules-", delete=False
    )
    try:
        handle.write(_PYTEST_INI)
        handle.close()
        before = os.environ.get("PYTEST_ADDOPTS")
        os.environ["PYTEST_ADDOPTS"] = (
            f"-c {handle.name} --rootdir {SCHEMES_DIR} "
            "-p no:cacheprovider -p no:django -p no:xdist -p no:randomly"
        )
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=_LEGACY_PATH_WARNING)
                yield
        finally:
            if before is None:
                os.environ.pop("PYTEST_ADDOPTS", None)
            else:
                os.environ["PYTEST_ADDOPTS"] = before
    finally:
        Path(handle.name).unlink(missing_ok=True)


def run(
    scheme: str | None = None,
    *,
    paths: Sequence[Path] | None = None,
    name_filter: str | None = None,
    verbose: bool = False,
    out: Output,
) -> int:
    """Check and run the YAML tests; 0 when every test passed, else non-zero.

    ``paths`` runs other test folders or files instead (checked against ``scheme``'s dates
    when one is given).
    """
    try:
        system = build_system()
        if scheme is not None and scheme != COMMON:
            system.scheme(scheme)
    except RulesError as exc:
        out.write(f"The rules could not be loaded:\n{exc}\n")
        return 2
    if paths is not None:
        directories = [YamlTestFolder(scheme or "", Path(p)) for p in paths]
    else:
        directories = yaml_test_folders(scheme)
    problems, files, tests = check_tests(system, directories, name_filter)
    if problems:
        out.write(f"{len(problems.items)} problem(s) in the YAML tests; nothing was run:\n")
        for problem in problems.items:
            out.write(f"  {problem}\n")
        return 2
    if not tests:
        out.write("No YAML tests found.\n")
        return 5
    out.write(f"Running {tests} YAML tests from {files} files with OpenFisca's test runner...\n")
    out.flush()
    from openfisca_core.tools.test_runner import run_tests

    options = {"name_filter": name_filter, "verbose": verbose}
    with _pytest_settings():
        code = int(run_tests(system, [str(d.path) for d in directories], options))
    if code == 0:
        out.write(f"All {tests} YAML tests passed.\n")
    else:
        out.write("Some YAML tests failed (see above).\n")
    return code
