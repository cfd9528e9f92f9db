#!/usr/bin/env python3
# SPDX-License-Identifier: EUPL-1.2
"""Offline dependency audit: the locked and the installed Python packages against vendored
advisories (the PyPI advisory database, OSV format), with a documented exception list.

pip-audit needs PyPI's JSON API or OSV on the network, which tests may not reach; this does
the same matching on files in the repository:

    python scripts/audit_deps.py                  # audit; exit 1 on any finding
    python scripts/audit_deps.py --refresh DIR    # copy the advisories of our packages from a
                                                  # checkout of pypa/advisory-database

security/README.md says how the advisories are refreshed and what an exception needs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
ADVISORIES = ROOT / "security" / "advisories"
EXCEPTIONS = ROOT / "security" / "audit-exceptions.toml"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path = LOCK) -> dict[str, str]:
    packages: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            packages[normalise(name)] = version.split(";")[0].strip()
    return packages


def installed() -> dict[str, str]:
    return {
        normalise(d.metadata["Name"]): d.version
        for d in importlib.metadata.distributions()
        if d.metadata["Name"] and normalise(d.metadata["Name"]) != "llo"
    }


def _v(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def affects(affected: dict[str, Any], version: str) -> bool:
    """OSV's rule for one ``affected`` entry: listed, or inside an introduced-fixed range."""
    if version in {str(v) for v in affected.get("versions", [])}:
        return True
    current = _v(version)
    if current is None:
        return False
    for span in affected.get("ranges", []):
        if span.get("type") != "ECOSYSTEM":
            continue
        inside = False
        events = span.get("events", [])
        for event in events:
            if "introduced" in event:
                start = str(event["introduced"])
                inside = start == "0" or (_v(start) or current) <= current
            elif "fixed" in event and inside:
                end = _v(str(event["fixed"]))
                if end is not None and current < end:
                    return True
                inside = False
            elif "last_affected" in event and inside:
                end = _v(str(event["last_affected"]))
                if end is not None and current <= end:
                    return True
                inside = False
        if inside:
            return True  # introduced and never fixed
    return False


@dataclass(frozen=True)
class Finding:
    id: str
    package: str
    version: str
    aliases: tuple[str, ...]
    summary: str


def findings(packages: dict[str, str], directory: Path = ADVISORIES) -> list[Finding]:
    found: list[Finding] = []
    for path in sorted(directory.glob("*/*.yaml")):
        advisory = yaml.safe_load(path.read_text())
        if advisory.get("withdrawn"):
            continue
        for affected in advisory.get("affected", []):
            name = normalise(affected.get("package", {}).get("name", ""))
            if name in packages and affects(affected, packages[name]):
                found.append(
                    Finding(
                        id=advisory["id"],
                        package=name,
                        version=packages[name],
                        aliases=tuple(advisory.get("aliases", [])),
                        summary=str(advisory.get("summary") or advisory.get("details", ""))[:200],
                    )
                )
    return found


def exceptions(path: Path = EXCEPTIONS) -> dict[str, dict[str, Any]]:
    data = tomllib.loads(path.read_text()) if path.exists() else {}
    return {item["id"]: item for item in data.get("exception", [])}


def audit(packages: dict[str, str], today: dt.date | None = None) -> list[str]:
    """Problems: findings without an exception, and exceptions that expired or match nothing."""
    today = today or dt.date.today()
    allowed = exceptions()
    problems = []
    seen: set[str] = set()
    for f in findings(packages):
        seen.add(f.id)
        granted = allowed.get(f.id)
        if granted is None:
            problems.append(f"{f.package} {f.version}: {f.id} {' '.join(f.aliases)} {f.summary}")
        elif dt.date.fromisoformat(str(granted["until"])) < today:
            problems.append(f"{f.package} {f.version}: the exception for {f.id} expired")
    for advisory_id in sorted(set(allowed) - seen):
        problems.append(f"exception {advisory_id} matches nothing any more: remove it")
    return problems


def refresh(source: Path, packages: dict[str, str]) -> int:
    """Copy the advisories of ``packages`` from a checkout of pypa/advisory-database."""
    if ADVISORIES.exists():
        shutil.rmtree(ADVISORIES)
    count = 0
    for folder in sorted((source / "vulns").iterdir()):
        if normalise(folder.name) in packages:
            target = ADVISORIES / normalise(folder.name)
            shutil.copytree(folder, target)
            count += len(list(target.glob("*.yaml")))
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refresh", type=Path, help="a checkout of pypa/advisory-database")
    args = parser.parse_args()
    packages = {**locked(), **installed()}
    if args.refresh:
        print(f"{refresh(args.refresh, packages)} advisories copied to {ADVISORIES}")
        return 0
    problems = audit(packages)
    for problem in problems:
        print(problem)
    print(f"{len(packages)} packages audited, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
