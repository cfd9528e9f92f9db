# SPDX-License-Identifier: EUPL-1.2
"""The register as OOAPI v6 endpoints (issue 14, finding 9): every answer of every endpoint
for the demo offers validated against the vendored v6 specification with a real JSON-Schema
validator (jsonschema, formats checked), OOAPI paging, problems, what is public, the cost of
a page in queries, and the OOAPI import accepting what the endpoints give."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from llo.demo.offers import ACADEMIE_VAKWERK_KVK, ROC_MAASSTAD_KVK, load_offers
from llo.people.models import Organisation, OrganisationKind
from llo.register import services
from llo.register.models import (
    Offer,
    Offering,
    OfferState,
    OfferType,
    Opleider,
    ProviderStatus,
)
from llo.register.ooapi import pages, spec, v6
from tests.register.conftest import establish
from tests.register.test_import import ooapi_file, run

pytestmark = pytest.mark.django_db

BASE = "/ooapi/v6"
EVER = {"since": "2000-01-01"}  # offerings lists show future ones by default


def get(path: str, **params: Any) -> Any:
    response = Client().get(BASE + path, params)
    assert response.status_code == 200, (path, response.content[:500])
    assert response["Content-Type"] == "application/json"
    return response.json()


def valid(document: Any, pointer: str) -> None:
    problems = spec.errors(document, pointer)
    assert problems == [], "\n".join(problems[:20])


def all_pages(path: str, operation: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged list, each page valid against the operation's response schema,
    the paging members consistent."""
    items: list[dict[str, Any]] = []
    number = 1
    while True:
        page = get(path, pageNumber=number, pageSize=50, **params)
        # llo's /offerings (no OOAPI operation): the paging, and each item below.
        pointer = spec.schema_pointer("Pagination") if operation == "/offerings" else None
        valid(page, pointer or spec.response_pointer(operation))
        assert page["pageNumber"] == number
        assert page["pageSize"] == 50
        assert page["hasPreviousPage"] is (number > 1)
        items.extend(page["items"])
        if not page["hasNextPage"]:
            assert page["totalPages"] == number
            return items
        assert len(page["items"]) == 50
        number += 1


@pytest.fixture
def demo(db: None) -> dict[str, int]:
    for kvk, name, gemeente in (
        (ROC_MAASSTAD_KVK, "ROC Maasstad", "GM0599"),
        (ACADEMIE_VAKWERK_KVK, "Academie Vakwerk", "GM0153"),
    ):
        Organisation.objects.create(
            kvk=kvk, name=name, kind=OrganisationKind.PROVIDER, gemeente_id=gemeente
        )
    return load_offers(seed=7, providers=8, offers=120)


# --- the validator itself ---------------------------------------------------------------------


def test_the_validator_checks_formats_and_extensible_enumerations() -> None:
    """Without rfc3339-validator jsonschema would not check date-time at all; the bug of
    finding 9 (a date where OOAPI wants a date-time with an offset) must fail."""
    assert spec.missing_formats() == []
    offering = {
        "courseOfferingId": "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a01",
        "courseId": "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a02",
        "primaryCode": {"codeType": "offering_code", "code": "1"},
        "name": [{"language": "nl-NL", "value": "Lassen"}],
        "startDateTime": "2027-01-01",
    }
    pointer = spec.schema_pointer("CourseOffering")
    assert spec.errors(offering, pointer) == ["startDateTime: '2027-01-01' is not a 'date-time'"]
    offering["startDateTime"] = "2027-01-01T00:00:00"  # no offset
    assert spec.errors(offering, pointer)
    offering["startDateTime"] = v6.start_datetime(dt.date(2027, 1, 1))
    assert offering["startDateTime"] == "2027-01-01T00:00:00+01:00"
    assert spec.errors(offering, pointer) == []
    offering["state"] = "full"
    assert "extensible enumeration" in spec.errors(offering, pointer)[0]
    offering["state"] = "x-full"
    assert spec.errors(offering, pointer) == []
    offering["courseId"] = "C-12"
    assert spec.errors(offering, pointer) == ["courseId: 'C-12' is not a 'uuid'"]


def test_dates_become_date_times_in_dutch_time() -> None:
    assert v6.start_datetime(dt.date(2027, 7, 1)) == "2027-07-01T00:00:00+02:00"
    assert v6.end_datetime(dt.date(2027, 1, 31)) == "2027-01-31T23:59:59+01:00"
    kvk = "90000008"
    assert v6.kvk_of(v6.organisation_id(kvk)) == kvk
    assert v6.kvk_of("6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a01") is None


# --- every endpoint, every item of the demo data ----------------------------------------------


def test_every_answer_for_the_demo_offers_is_valid_ooapi_v6(demo: dict[str, int]) -> None:
    root = get("/")
    valid(root, spec.response_pointer("/"))
    listed = {unquote(op["path"]) for op in root["supportedOperations"]}
    assert {"/courses", "/programmes", "/offerings", "/organisations"} <= listed
    document = Client().get(BASE + "/openapi.json").json()
    assert set(document["paths"]) == listed
    assert document["servers"] == [
        {"url": "http://testserver/ooapi/v6", "description": document["servers"][0]["description"]}
    ]
    assert root["specification"] == "http://testserver/ooapi/v6/openapi.json"

    public = pages.public_offers()
    courses = all_pages("/courses", "/courses")
    programmes = all_pages("/programmes", "/programmes")
    assert len(courses) == public.exclude(offer_type=OfferType.PROGRAMME).count() > 50
    assert len(programmes) == public.filter(offer_type=OfferType.PROGRAMME).count() >= 4
    assert len({c["courseId"] for c in courses}) == len(courses)

    offerings = all_pages("/offerings", "/offerings", **EVER)
    for item in offerings:
        kind = "CourseOffering" if "courseOfferingId" in item else "ProgrammeOffering"
        valid(item, spec.schema_pointer(kind))
    assert len(offerings) == Offering.objects.filter(offer__in=public).count()
    starts = [o["startDateTime"] for o in offerings]
    assert all("T00:00:00+0" in s for s in starts)
    assert [dt.date.fromisoformat(s[:10]) for s in starts] == sorted(
        dt.date.fromisoformat(s[:10]) for s in starts
    )

    for item in courses[:25]:
        ident = item["courseId"]
        one = get(f"/courses/{ident}", expand="programmes,organisation")
        valid(one, spec.response_pointer("/courses/{courseId}"))
        assert one["organisation"]["organisationId"] == item["organisationId"]
        runs = all_pages(
            f"/courses/{ident}/course-offerings", "/courses/{courseId}/course-offerings", **EVER
        )
        for run_ in runs[:2]:
            single = get(f"/course-offerings/{run_['courseOfferingId']}", expand="course")
            valid(single, spec.response_pointer("/course-offerings/{courseOfferingId}"))
            assert single["course"]["courseId"] == ident
    for item in programmes:
        ident = item["programmeId"]
        valid(get(f"/programmes/{ident}"), spec.response_pointer("/programmes/{programmeId}"))
        all_pages(f"/programmes/{ident}/courses", "/programmes/{programmeId}/courses")
        runs = all_pages(
            f"/programmes/{ident}/programme-offerings",
            "/programmes/{programmeId}/programme-offerings",
            **EVER,
        )
        for run_ in runs[:2]:
            single = get(f"/programme-offerings/{run_['programmeOfferingId']}", expand="programme")
            valid(single, spec.response_pointer("/programme-offerings/{programmeOfferingId}"))
            assert single["programme"]["programmeId"] == ident

    organisations = all_pages("/organisations", "/organisations")
    assert len(organisations) == Opleider.objects.filter(status=ProviderStatus.ADMITTED).count()
    for org in organisations:
        ident = org["organisationId"]
        valid(
            get(f"/organisations/{ident}"), spec.response_pointer("/organisations/{organisationId}")
        )
        for sub in ("courses", "programmes", "course-offerings", "programme-offerings"):
            operation = f"/organisations/{{organisationId}}/{sub}"
            extra = EVER if "offerings" in sub else {}
            all_pages(f"/organisations/{ident}/{sub}", operation, **extra)


def test_the_modules_of_a_programme_and_their_link(
    make_provider: Callable[..., Opleider], make_offer: Callable[..., Offer]
) -> None:
    roc = make_provider("ROC Twente", kind="public", marks=("ocw", "nrto", "crkbo"))
    whole = make_offer(roc, "Monteur mechatronica", offer_type="programme", level="eqf_4")
    part = make_offer(roc, "Lassen", offer_type="module", part_of=whole, unit_code="K1")
    page = get(f"/programmes/{whole.ooapi_id}/courses")
    valid(page, spec.response_pointer("/programmes/{programmeId}/courses"))
    assert [c["courseId"] for c in page["items"]] == [str(part.ooapi_id)]
    assert page["items"][0]["programmeIds"] == [str(whole.ooapi_id)]
    assert page["items"][0]["link"] == f"http://testserver/opleidingen/{part.pk}"
    assert page["items"][0]["addresses"] == [
        {"addressType": "teaching", "city": "Rotterdam", "countryCode": {"iso3166-1-alpha2": "NL"}}
    ]
    # A module of a programme that is not public does not point at it.
    whole.state = OfferState.DRAFT
    whole.save()
    assert "programmeIds" not in get(f"/courses/{part.ooapi_id}")


# --- paging, filters and problems ----------------------------------------------------------------


def test_paging_covers_every_item_once_and_past_the_end_is_empty(
    make_provider: Callable[..., Opleider], make_offer: Callable[..., Offer]
) -> None:
    provider = make_provider()
    made = [make_offer(provider, f"Cursus {i:02d}", index=False) for i in range(23)]
    seen = []
    for number in (1, 2, 3):
        page = get("/courses", pageNumber=number)
        assert (page["pageSize"], page["totalPages"]) == (10, 3)
        assert page["hasNextPage"] is (number < 3)
        seen += [c["courseId"] for c in page["items"]]
    assert seen == [str(o.ooapi_id) for o in made]  # by name, then id
    past = get("/courses", pageNumber=99999)
    assert past["items"] == []
    assert (past["hasPreviousPage"], past["hasNextPage"]) == (True, False)
    empty = get("/programmes")
    assert empty == {
        "pageSize": 10,
        "pageNumber": 1,
        "hasPreviousPage": False,
        "hasNextPage": False,
        "totalPages": 1,
        "items": [],
    }


def test_filters(make_provider: Callable[..., Opleider], make_offer: Callable[..., Offer]) -> None:
    provider = make_provider()
    other = make_provider("Ander")
    welding = make_offer(
        provider,
        "Lassen MIG/MAG",
        modes=["presential"],
        starts=(dt.date(2027, 3, 1), dt.date(2020, 3, 1)),
    )
    online = make_offer(other, "Excel online", modes=["online"], language="en")

    def ids(path: str, **params: Any) -> list[str]:
        return [
            i.get("courseOfferingId") or i.get("courseId") for i in get(path, **params)["items"]
        ]

    assert ids("/courses", q="lassen") == [str(welding.ooapi_id)]
    assert ids("/courses", modeOfDelivery="online") == [str(online.ooapi_id)]
    assert ids("/courses", teachingLanguage="en") == [str(online.ooapi_id)]
    assert ids("/courses", primaryCode=welding.code) == [str(welding.ooapi_id)]
    org = v6.organisation_id(other.kvk)
    assert ids(f"/organisations/{org}/courses") == [str(online.ooapi_id)]
    runs = list(welding.offerings.order_by("start_date"))
    # Offerings: from today by default (OOAPI), or since a date.
    assert ids(f"/courses/{welding.ooapi_id}/course-offerings") == [str(runs[1].ooapi_id)]
    assert ids(f"/courses/{welding.ooapi_id}/course-offerings", **EVER) == [
        str(r.ooapi_id) for r in runs
    ]
    assert ids("/offerings", since="2020-01-01T00:00:00Z", until="2021-01-01") == [
        str(runs[0].ooapi_id)
    ]
    runs[1].state = "cancelled"
    runs[1].save()
    assert ids("/offerings", state="cancelled") == [str(runs[1].ooapi_id)]


@pytest.mark.parametrize(
    ("path", "params", "name", "code"),
    [
        ("/courses", {"pageSize": "11"}, "pageSize", "invalid"),
        ("/courses", {"pageSize": "ten"}, "pageSize", "invalid"),
        ("/courses", {"pageNumber": "0"}, "pageNumber", "invalid"),
        ("/courses", {"pageNumber": "99999999999999999999"}, "pageNumber", "invalid"),
        ("/courses", {"modeOfDelivery": "telepathy"}, "modeOfDelivery", "invalid"),
        ("/courses", {"pagesize": "20"}, "pagesize", "unknown-parameter"),
        ("/courses", {"resultExpected": "true"}, "resultExpected", "unknown-parameter"),
        (
            "/courses/{id}/course-offerings",
            {"resultExpected": "true"},
            "resultExpected",
            "unsupported-parameter",
        ),
        ("/courses", {"level": "bachelor"}, "level", "unsupported-parameter"),
        # NUL: refused by the request guard before any view (llo.core.middleware), still
        # OOAPI's Problem; a direction override: refused by the OOAPI query check.
        ("/courses", {"q": "las\x00sen"}, "q", "invalid-text"),
        ("/courses", {"q": "lassen\u202e"}, "q", "invalid"),
        (
            "/courses",
            {"filter_query[name][like]": "*x*"},
            "filter_query[name][like]",
            "unsupported-parameter",
        ),
        ("/offerings", {"since": "gisteren"}, "since", "invalid"),
        ("/offerings", {"state": "full"}, "state", "invalid"),
        ("/programmes", {"levelOfQualification": "eqf_9"}, "levelOfQualification", "invalid"),
    ],
)
def test_a_bad_query_is_a_400_problem_naming_the_parameter(
    path: str, params: dict[str, str], name: str, code: str
) -> None:
    # The query is checked before the id is looked up.
    path = path.replace("{id}", "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a01")
    response = Client().get(BASE + path, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    valid(body, spec.schema_pointer("Problem"))
    assert [(p["name"], p["code"]) for p in body["invalidParams"]] == [(name, code)]


def test_not_found_and_methods_are_problems(
    make_provider: Callable[..., Opleider], make_offer: Callable[..., Offer]
) -> None:
    provider = make_provider()
    draft = make_offer(
        provider, "Nog niet klaar", state=OfferState.DRAFT, starts=(dt.date(2030, 1, 1),)
    )
    programme = make_offer(provider, "Hele opleiding", offer_type="programme")
    for path in (
        f"/courses/{draft.ooapi_id}",
        f"/course-offerings/{draft.offerings.get().ooapi_id}",
        f"/courses/{programme.ooapi_id}",  # a programme is not a course
        "/courses/not-a-uuid",
        # Characters a URI may not hold as they are: the problem's instance escapes them.
        "/programmes/a]b%25c[d|e/courses",
        "/organisations/6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a01",
        "/nope",
    ):
        response = Client().get(BASE + path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
        valid(response.json(), spec.schema_pointer("Problem"))
    response = Client().get(BASE + "/courses/%00")  # the request guard's 400, as OOAPI's
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    valid(response.json(), spec.schema_pointer("Problem"))
    # Read-only endpoints: no CSRF check answers first with the site's HTML 403.
    response = Client(enforce_csrf_checks=True).post(BASE + "/courses", {})
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    response = Client(enforce_csrf_checks=False).delete(BASE + "/courses")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_only_what_is_public(
    make_provider: Callable[..., Opleider], make_offer: Callable[..., Offer]
) -> None:
    provider = make_provider()
    shown = make_offer(provider, "Zichtbaar")
    make_offer(provider, "Concept", state=OfferState.DRAFT)
    make_offer(provider, "Ingediend", state=OfferState.SUBMITTED)
    suspended = make_provider("Geschorst")
    make_offer(suspended, "Van een geschorste opleider")
    suspended.status = ProviderStatus.SUSPENDED
    suspended.save()
    assert [c["courseId"] for c in get("/courses")["items"]] == [str(shown.ooapi_id)]
    assert [o["primaryCode"]["code"] for o in get("/organisations")["items"]] == [provider.kvk]
    response = Client().get(BASE + f"/organisations/{v6.organisation_id(suspended.kvk)}")
    assert response.status_code == 404


# --- cheap pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/courses", "/programmes", "/offerings", "/organisations", "/organisations/{org}/courses"],
)
def test_a_page_costs_the_same_queries_whatever_its_size(demo: dict[str, int], path: str) -> None:
    roc = Opleider.objects.get(organisation__kvk=ROC_MAASSTAD_KVK)
    path = path.replace("{org}", v6.organisation_id(roc.kvk))
    counts = {}
    for size in (10, 250):
        with CaptureQueriesContext(connection) as queries:
            page = (
                get(path, pageSize=size, **EVER)
                if "offerings" in path
                else get(path, pageSize=size)
            )
        counts[size] = len(queries)
        assert len(page["items"]) >= min(size, 3)
    # A count, the rows (provider and programme joined), the places of the page's offers;
    # under an organisation also the organisation itself.
    assert counts[10] == counts[250] <= (4 if "/organisations/" in path else 3), counts


# --- the import accepts what the endpoints give ---------------------------------------------------


def test_the_ooapi_import_reads_back_what_the_endpoints_give(
    make_provider: Callable[..., Opleider],
) -> None:
    roc = make_provider("ROC Twente", kind="public", marks=("ocw", "nrto", "crkbo"))
    # Known to the register: its clean offers are published without a person (checks).
    establish(roc)
    assert run(roc, ooapi_file(), publish=True).ok
    org = v6.organisation_id(roc.kvk)
    harvested = {
        "programmes": get(f"/organisations/{org}/programmes")["items"],
        "courses": get(f"/organisations/{org}/courses")["items"],
        "offerings": get(f"/organisations/{org}/course-offerings", **EVER)["items"]
        + get(f"/organisations/{org}/programme-offerings", **EVER)["items"],
    }
    assert len(harvested["offerings"]) == 2

    def content() -> dict[str, Any]:
        found = {}
        for offer in Offer.objects.filter(opleider=roc):
            snap = services.snapshot(offer)
            snap.pop("version", None)
            found[offer.code] = {
                **snap,
                "starts": [(o.start_date, o.end_date, o.state) for o in offer.offerings.all()],
            }
        return found

    before = content()
    report = run(roc, json.loads(json.dumps(harvested)))
    assert report.ok, report.as_dict()
    assert content() == before


def test_a_providers_export_file_holds_valid_ooapi_v6_objects(demo: dict[str, int]) -> None:
    """The export file keeps the envelope the import reads; every object in it is v6, drafts
    and cancelled start moments included (issue 14, finding 9: offerings had bare dates)."""
    from llo.register.exports import export_provider

    checked = 0
    for provider in Opleider.objects.all():
        document = json.loads("".join(export_provider(provider)))
        assert set(document) == {"programmes", "courses", "offerings"}
        for section, schema in (("programmes", "Programme"), ("courses", "Course")):
            for item in document[section]:
                valid(item, spec.schema_pointer(schema))
                checked += 1
        for item in document["offerings"]:
            kind = "CourseOffering" if "courseOfferingId" in item else "ProgrammeOffering"
            valid(item, spec.schema_pointer(kind))
            checked += 1
    assert checked > 300
