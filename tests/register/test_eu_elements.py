# SPDX-License-Identifier: EUPL-1.2
"""The EU micro-credential elements a provider gives (issue 16 item 4): learning outcomes,
type of assessment and quality assurance (with the study load, the level and the modes of
delivery) in the offer form, the API, the CSV and OOAPI imports and exports; a
microcredential needs them; the credential carries what the provider entered."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from llo.credentials.services.issuing import achievement_for
from llo.register.exports import export_provider, export_provider_csv
from llo.register.models import Offer, Opleider
from tests.register.test_import import ooapi_file, run

pytestmark = pytest.mark.django_db

OUTCOMES = [
    "Je last een hoeknaad met MIG/MAG volgens de lasmethodebeschrijving.",
    "Je controleert je las op fouten; je meldt wat niet goed is.",
]
ASSURANCE = "Praktijkexamen met een externe examinator."


@pytest.fixture
def roc(make_provider: Callable[..., Opleider]) -> Opleider:
    return make_provider("ROC Twente", kind="public", marks=("ocw", "nrto", "crkbo"))


def _micro(payload: dict[str, Any], **ext: Any) -> dict[str, Any]:
    course = payload["courses"][0]
    course["ext"].update({"leadsTo": "microcredential", "formal": False, **ext})
    course["ext"].pop("unitCode", None)
    course.pop("programmeIds", None)
    return payload


def test_ooapi_import_keeps_the_elements_and_a_microcredential_needs_them(roc: Opleider) -> None:
    missing = run(roc, _micro(ooapi_file()))
    assert not missing.ok
    named = {i.field for i in missing.issues}
    assert {"learningOutcomes", "assessmentType"} <= named
    assert not Offer.objects.filter(code="MC-LAS").exists()

    payload = _micro(ooapi_file(), assessmentType="practical_exam", qualityAssurance=ASSURANCE)
    payload["courses"][0]["learningOutcomes"] = [
        {
            "learningOutcomeId": "6f1c3a52-0d7e-4f55-9a55-0c3b6f1d2a09",
            "primaryCode": {"codeType": "learningOutcomeCode", "code": "LO1"},
            "name": [{"language": "nl-NL", "value": OUTCOMES[0]}],
        },
        OUTCOMES[1],
    ]
    report = run(roc, payload)
    assert report.ok, report.as_dict()
    offer = Offer.objects.get(code="MC-LAS")
    assert offer.learning_outcomes == OUTCOMES
    assert (offer.assessment_type, offer.quality_assurance) == ("practical_exam", ASSURANCE)

    # The OOAPI export names them in OOAPI's own fields, and imports again unchanged.
    exported = json.loads("".join(export_provider(roc)))
    course = next(c for c in exported["courses"] if c["primaryCode"]["code"] == "MC-LAS")
    assert [lo["name"][0]["value"] for lo in course["learningOutcomes"]] == OUTCOMES
    assert course["ext"]["assessmentType"] == "practical_exam"
    bad = copy.deepcopy(payload)
    bad["courses"][0]["learningOutcomes"] = [42]
    bad["courses"][0]["ext"]["assessmentType"] = "guess"
    refused = run(roc, bad)
    named = {i.field for i in refused.issues}
    assert {"learningOutcomes[0]", "assessmentType"} <= named


def test_csv_import_and_export_keep_the_elements(roc: Opleider) -> None:
    header = (
        "code;offerType;title;description;levelOfQualification;studyLoad;studyLoadUnit;leadsTo;"
        "modesOfDelivery;fee;learningOutcomes;assessmentType;qualityAssurance\n"
    )
    description = "Je leert veilig lassen met MIG/MAG in de metaal, voor monteurs in onderhoud."
    body = header + (
        f'L1;microcredential;Lassen MIG/MAG;"{description}";eqf_3;80;hour;microcredential;'
        f'presential;1450;"{OUTCOMES[0]}|{OUTCOMES[1]}";practical_exam;{ASSURANCE}\n'
    )
    report = run(roc, body.encode(), filename="aanbod.csv")
    assert report.ok, report.as_dict()
    offer = Offer.objects.get(code="L1")
    assert offer.learning_outcomes == OUTCOMES  # the semicolon inside an outcome stays
    assert (offer.assessment_type, offer.quality_assurance) == ("practical_exam", ASSURANCE)
    exported = "".join(export_provider_csv(roc))
    assert f"{OUTCOMES[0]}|{OUTCOMES[1]}" in exported
    assert run(roc, exported.encode(), filename="aanbod.csv").ok
    assert Offer.objects.get(code="L1").learning_outcomes == OUTCOMES

    no_outcomes = header + (
        f'L2;microcredential;Lassen TIG;"{description}";eqf_3;;hour;microcredential;'
        "presential;1450;;;\n"
    )
    refused = run(roc, no_outcomes.encode(), filename="aanbod.csv")
    named = {i.field for i in refused.issues}
    assert {"learningOutcomes", "assessmentType", "studyLoad"} <= named


def test_the_form_asks_for_them_and_the_credential_carries_them(
    roc: Opleider, client: Client
) -> None:
    from llo.people.models import User

    user = User.objects.create_user(
        "opleider:eu", role="opleider", organisation=roc.organisation, display_name="ROC"
    )
    client.force_login(user)
    form = {
        "code": "F1", "title": "Lassen MIG/MAG", "offer_type": "microcredential",
        "description": "Je leert veilig lassen met MIG/MAG in de metaal, voor monteurs.",
        "level": "eqf_3", "level_basis": "indicative", "study_load_value": "80",
        "study_load_unit": "hour", "leads_to": "microcredential", "legal_status": "cursist",
        "language": "nl", "modes": ["presential"], "fee": "1.450,00", "exam_fee": "0",
        "materials": "0", "vat_exempt": "on",
    }  # fmt: skip
    page = client.post("/mijn-aanbod/nieuw", form, HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 400
    html = page.content.decode()
    assert 'id="id_learning_outcomes-error"' in html
    assert 'id="id_assessment_type-error"' in html
    assert not Offer.objects.filter(code="F1").exists()

    form.update(
        learning_outcomes="\n".join(OUTCOMES),
        assessment_type="practical_exam",
        quality_assurance=ASSURANCE,
    )
    page = client.post("/mijn-aanbod/nieuw", form)
    assert page.status_code == 302, page.content.decode()[:2000]
    offer = Offer.objects.get(code="F1")
    assert offer.learning_outcomes == OUTCOMES
    edit = client.get(f"/mijn-aanbod/{offer.pk}/wijzigen").content.decode()
    assert OUTCOMES[1].replace("'", "&#x27;") in edit

    achievement = achievement_for(offer, dt.date(2026, 12, 1))
    assert achievement.learning_outcomes == tuple(OUTCOMES)
    assert achievement.assessment_type == str(offer.get_assessment_type_display())
    assert achievement.quality_assurance[0] == ASSURANCE
    assert achievement.workload_hours == 80
    assert achievement.eqf == "3"
    assert achievement.participation_form == "Op locatie"


def test_what_the_provider_did_not_give_is_left_out(roc: Opleider) -> None:
    """An offer without outcomes or a type of assessment (a course certificate): the
    credential leaves them out instead of inventing them."""
    assert run(roc, ooapi_file()).ok
    offer = Offer.objects.get(code="MC-LAS")
    offer.leads_to = "none"
    achievement = achievement_for(offer, dt.date(2026, 12, 1))
    assert achievement.learning_outcomes == ()
    assert achievement.assessment_type == ""


def test_the_api_takes_and_gives_them(roc: Opleider, client: Client) -> None:
    from llo.people.models import User

    user = User.objects.create_user(
        "opleider:api", role="opleider", organisation=roc.organisation, display_name="ROC"
    )
    client.force_login(user)
    body = {
        "code": "A1", "offerType": "microcredential", "title": "Lassen MIG/MAG",
        "description": "Je leert veilig lassen met MIG/MAG in de metaal, voor monteurs.",
        "levelOfQualification": "eqf_3", "leadsTo": "microcredential",
        "legalStatus": "cursist", "studyLoad": {"value": 80, "studyLoadUnit": "hour"},
        "feeCents": 145_000,
    }  # fmt: skip
    answer = client.post("/api/v1/offers", body, content_type="application/json")
    assert answer.status_code == 400, answer.content
    names = {p["name"] for p in answer.json()["invalidParams"]}
    assert {"learningOutcomes", "assessmentType"} <= names
    body.update(
        learningOutcomes=OUTCOMES, assessmentType="practical_exam", qualityAssurance=ASSURANCE
    )
    answer = client.post("/api/v1/offers", body, content_type="application/json")
    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert made["learningOutcomes"] == OUTCOMES
    assert (made["assessmentType"], made["qualityAssurance"]) == ("practical_exam", ASSURANCE)
    answer = client.post(
        "/api/v1/offers", {**body, "code": "A2", "assessmentType": "guess"},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code in (400, 422)
