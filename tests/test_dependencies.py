# SPDX-License-Identifier: EUPL-1.2
"""The dependency audit (issue 14, "Checks that must exist"): the locked and installed Python
packages against the vendored advisories, offline, with the documented exceptions."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _audit_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "scripts" / "audit_deps.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["audit_deps"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


audit_deps = _audit_module()


def test_no_known_vulnerability_without_a_documented_exception() -> None:
    packages = {**audit_deps.locked(), **audit_deps.installed()}
    assert len(packages) > 50
    problems = audit_deps.audit(packages)
    assert problems == [], "\n".join(problems)


def test_the_lock_holds_what_is_installed() -> None:
    lock, present = audit_deps.locked(), audit_deps.installed()
    tooling = {"pip", "setuptools", "wheel"}
    missing = {n: v for n, v in present.items() if n not in lock and n not in tooling}
    assert not missing, f"installed but not locked (run `make lock`): {missing}"
    differ = {n: (lock[n], present[n]) for n in lock if n in present and lock[n] != present[n]}
    assert not differ, f"installed versions differ from requirements.lock: {differ}"


def test_the_audit_finds_a_known_vulnerable_version() -> None:
    """The check is real: Django 5.0.7 has CVE-2024-42005 (fixed in 5.0.8)."""
    found = {f.id for f in audit_deps.findings({"django": "5.0.7"})}
    assert "PYSEC-2024-70" in found
    assert "PYSEC-2024-70" not in {f.id for f in audit_deps.findings({"django": "5.0.8"})}


def test_osv_ranges() -> None:
    affected = {"ranges": [{"type": "ECOSYSTEM", "events": [
        {"introduced": "0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"last_affected": "2.1"},
    ]}]}  # fmt: skip
    assert audit_deps.affects(affected, "1.1.9")
    assert not audit_deps.affects(affected, "1.2")
    assert not audit_deps.affects(affected, "1.9")
    assert audit_deps.affects(affected, "2.1")
    assert not audit_deps.affects(affected, "2.1.1")


def test_an_expired_exception_fails(monkeypatch: object) -> None:
    packages = {"numexpr": "2.14.2"}
    assert audit_deps.audit(packages, today=dt.date(2026, 1, 1)) == []
    late = audit_deps.audit(packages, today=dt.date(2099, 1, 1))
    assert any("expired" in p for p in late)
