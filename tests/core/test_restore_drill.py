# SPDX-License-Identifier: EUPL-1.2
"""The restore drill of docs/operations.md runs: a pg_dump backup restored into a scratch
database has every row, a ledger that adds up and BSNs that decrypt (issue 14)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from llo.accounts import services as accounts
from llo.core import audit, crypto
from llo.core.money import Money
from llo.people.models import Employment, Organisation, OrganisationKind, Person

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_backup_restores_whole() -> None:
    actor = audit.Actor.system("tests")
    person = Person.objects.create(
        bsn_encrypted=crypto.encrypt("999990019"),
        bsn_hash=crypto.keyed_hash("999990019"),
        display_name="Fatima El Amrani",
        birth_date=dt.date(1982, 1, 1),
        highest_level="eqf_2",
        labour_position="flex",
        gemeente_id="GM0599",
    )
    employer = Organisation.objects.create(
        kvk="90000001", name="Bakkerij", kind=OrganisationKind.EMPLOYER, gemeente_id="GM0599"
    )
    # she works at the bakery, so its budget reaches her (accounts.reach)
    Employment.objects.create(
        person=person, employer=employer, cao="", sector="bakery", start=dt.date(2020, 1, 1)
    )
    budget = accounts.create_budget(
        actor=actor,
        funder=accounts.ensure_funder(employer),
        name="Leerbudget",
        total=Money(100_000),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    accounts.deposit(actor=actor, budget=budget, person=person, amount=Money(40_000))

    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(DATABASE_URL=url, LLO_PYTHON=sys.executable, DJANGO_SETTINGS_MODULE="llo.settings")
    result = subprocess.run(
        [str(ROOT / "scripts" / "restore-drill.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "ledger ok" in output
    assert "1 BSNs decrypt" in output
    assert "restore drill ok" in output
