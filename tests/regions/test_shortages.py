# SPDX-License-Identifier: EUPL-1.2
"""Shortage lists per region (kansberoepen, krapteberoepen): the CSV import is all or nothing
with every problem named by its line and column (issue 17, "Bad input"), through the service,
the command ``llo import_shortages`` and the page of UWV and register staff; loaded lists show
as the shortage flags of the gap and in the open API. And ``llo recompute_gap``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from llo.core.audit import Actor
from llo.core.models import AuditEntry
from llo.core.roles import Role
from llo.people.models import Organisation, OrganisationKind, User
from llo.regions.models import GapCell, GapRun, ShortageEntry
from llo.regions.services import gap, shortages
from tests.regions.conftest import LASSER, MONTEUR, TWENTE

pytestmark = pytest.mark.django_db

D = dt.date
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
HEADER = "region,occupation,kind,validFrom,validUntil,source\n"
GOOD = (
    HEADER
    + "AM05,lasser,krapteberoep,2026-01-01,2027-12-31,UWV Twente 2026\n"
    + "Twente,7233.7,kansberoep,2026-01-01,2026-12-31,UWV Twente 2026\n"
)


def _import(text: str) -> int:
    return shortages.import_csv(actor=Actor.system("test"), data=text)


@pytest.fixture
def welding_offer(make_provider: Callable[..., Any], make_offer: Callable[..., Any]) -> None:
    with time_machine.travel(NOW, tick=False):
        school = make_provider("Lasschool Twente")
        make_offer(school, "Lassen MIG/MAG", occupations=(LASSER,), runs=((D(2026, 9, 1), 12),))
        gap.recompute(actor=Actor.system("test"))


def test_a_good_file_is_loaded_and_shows_as_flags_of_the_gap(
    welding_offer: None, client: Client
) -> None:
    with time_machine.travel(NOW, tick=False):
        assert _import(GOOD) == 2
        # The region's name is as good as its code; the occupation by code or any label.
        assert set(
            ShortageEntry.objects.values_list("region_id", "occupation_id", "kind", "valid_until")
        ) == {
            (TWENTE, LASSER, "krapteberoep", D(2027, 12, 31)),
            (TWENTE, MONTEUR, "kansberoep", D(2026, 12, 31)),
        }
        assert AuditEntry.objects.filter(action="regions.shortages.imported").count() == 1
        # The region's cells are rewritten at once: the flags in the gap of this and next year.
        rows = client.get(f"/api/v1/regions/{TWENTE}/gap", {"year": "2026"}).json()
        lasser = next(r for r in rows if r["code"] == LASSER)
        assert (lasser["seats"], lasser["shortage"]) == (12, ["krapteberoep"])
        next_year = client.get(f"/api/v1/regions/{TWENTE}/gap", {"year": "2027"}).json()
        assert [r["shortage"] for r in next_year if r["code"] == MONTEUR] in ([], [[]])
        listed = client.get("/api/v1/shortages", {"region": TWENTE, "on": "2026-06-01"}).json()
        assert {(s["occupation"], s["kind"]) for s in listed} == {
            (LASSER, "krapteberoep"),
            (MONTEUR, "kansberoep"),
        }
        assert (
            client.get("/api/v1/shortages", {"region": TWENTE, "on": "2027-06-01"}).json()[0][
                "occupation"
            ]
            == LASSER
        )


def test_the_same_row_again_replaces_it() -> None:
    _import(GOOD)
    _import(HEADER + "AM05,lasser,krapteberoep,2026-01-01,2026-06-30,UWV Twente (herzien)\n")
    entry = ShortageEntry.objects.get(region_id=TWENTE, occupation_id=LASSER)
    assert (entry.valid_until, entry.source) == (D(2026, 6, 30), "UWV Twente (herzien)")
    assert ShortageEntry.objects.count() == 2


def test_every_mistake_is_named_by_line_and_column_and_nothing_is_loaded() -> None:
    _import(GOOD)
    before = set(ShortageEntry.objects.values_list("pk", "valid_until", "source"))
    text = (
        HEADER.replace(",", ";")
        + "AM05;lasser;krapteberoep;2026-01-01;2028-12-31;good line, must not be written\n"
        + "AM99;lasser;krapteberoep;2026-01-01;2026-12-31;UWV\n"
        + "AM05;kunstenaar van niets;kansberoep;2026-01-01;2026-12-31;UWV\n"
        + "AM05;7212;kansberoep;2026-01-01;2026-12-31;UWV\n"
        + "AM05;lasser;tekortberoep;2026-01-01;2026-12-31;UWV\n"
        + "AM05;lasser;kansberoep;1-1-2026;2026-12-31;UWV\n"
        + "AM05;lasser;kansberoep;2026-06-01;2026-01-01;UWV\n"
        + "AM05;lasser;kansberoep;2026-01-01;2026-12-31;\n"
        + "AM05;lasser;krapteberoep;2026-01-01;2026-12-31;twice\n"
    )
    with pytest.raises(shortages.ShortageFileError) as exc:
        _import(text)
    found = [(i.line, i.column) for i in exc.value.issues]
    assert found == [
        (3, "region"),
        (4, "occupation"),
        (5, "occupation"),  # an ISCO group is not an occupation
        (6, "kind"),
        (7, "validFrom"),
        (8, "validUntil"),
        (9, "source"),
        (10, "-"),  # the same key as line 2
    ]
    messages = {i.line: i.message for i in exc.value.issues}
    assert "AM99" in messages[3]
    assert "tekortberoep" in messages[6]
    # Nothing was written, not even the good line 2, and no audit record of an import.
    assert set(ShortageEntry.objects.values_list("pk", "valid_until", "source")) == before
    assert AuditEntry.objects.filter(action="regions.shortages.imported").count() == 1


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("region,occupation,kind\nAM05,lasser,kansberoep\n", 1),  # columns missing
        (HEADER + 'AM05,lasser,kansberoep,2026-01-01,2026-12-31,"UWV\n', 2),  # broken quote
    ],
)
def test_a_broken_file_is_refused(text: str, line: int) -> None:
    with pytest.raises(shortages.ShortageFileError) as exc:
        _import(text)
    assert exc.value.issues[0].line == line
    assert not ShortageEntry.objects.exists()


def test_the_command_loads_a_file_or_names_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "krapte.csv"
    good.write_text("\ufeff" + GOOD, encoding="utf-8")
    call_command("import_shortages", str(good))
    assert "2 shortage rows loaded." in capsys.readouterr().out
    bad = tmp_path / "fout.csv"
    bad.write_text(HEADER + "AM99,lasser,kansberoep,2026-01-01,2026-12-31,UWV\n", "utf-8")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_shortages", str(bad))
    assert "line 2, region:" in capsys.readouterr().err
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_shortages", str(tmp_path / "nergens.csv"))
    assert ShortageEntry.objects.count() == 2


@pytest.fixture
def uwv(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> User:
    return make_user(make_org("UWV", OrganisationKind.UWV), Role.UWV)


def _upload(client: Client, content: bytes) -> Any:
    return client.post(
        "/regio/krapte", {"file": SimpleUploadedFile("krapte.csv", content, "text/csv")}
    )


def test_uwv_loads_a_file_in_the_page(client: Client, uwv: User) -> None:
    client.force_login(uwv)
    assert client.get("/regio/krapte").status_code == 200
    response = _upload(client, GOOD.encode("utf-8-sig"))
    assert response.status_code == 302
    page = client.get("/regio/krapte").content.decode()
    assert "2 regels geladen." in page
    assert "monteur industriële machines" in page  # the occupation's name, not its code
    assert ShortageEntry.objects.count() == 2


def test_the_page_names_the_mistakes_and_loads_nothing(client: Client, uwv: User) -> None:
    client.force_login(uwv)
    response = _upload(
        client, (GOOD + "AM99,lasser,kansberoep,2026-01-01,2026-12-31,UWV\n").encode()
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'aria-invalid="true"' in body
    assert "AM99" in body
    not_utf8 = _upload(
        client, (HEADER + "AM05,lasser,kansberoep,2026-01-01,2026-12-31,é\n").encode("cp1252")
    )
    assert not_utf8.status_code == 400
    assert "UTF-8" in not_utf8.content.decode()
    assert not ShortageEntry.objects.exists()


def test_only_uwv_and_register_staff_load_shortage_lists(
    client: Client, make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> None:
    assert client.get("/regio/krapte").status_code == 302  # to the login page
    client.force_login(make_user(make_org("Regionaal Werkcentrum Twente")))
    assert client.get("/regio/krapte").status_code == 403
    assert _upload(client, GOOD.encode()).status_code == 403
    assert not ShortageEntry.objects.exists()


def test_the_recompute_command_writes_the_whole_table(
    welding_offer: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with time_machine.travel(NOW, tick=False):
        call_command("recompute_gap", "--year", "2026")
    out = capsys.readouterr().out
    run = GapRun.objects.filter(region_code="").first()
    assert run is not None
    assert (run.first_year, run.last_year) == (2026, 2026)
    assert out.startswith("Gap table 2026-2026: ")
    cell = GapCell.objects.get(region_code=TWENTE, dimension="occupation", code=LASSER, year=2026)
    assert (cell.seats, cell.starts) == (12, 1)
