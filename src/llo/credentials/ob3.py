# SPDX-License-Identifier: EUPL-1.2
"""Open Badges 3.0 ``OpenBadgeCredential`` (W3C VC Data Model 2.0) for the four kinds llo
issues, carrying the EU micro-credential elements.

Council Recommendation of 16 June 2022 on a European approach to micro-credentials
(2022/C 243/02), Annex I, mandatory elements, and where each lives here:

=================================  ==============================================================
identification of the learner      ``credentialSubject.identifier`` (IdentityObject, the name)
title                              ``credentialSubject.achievement.name``
country of the issuer              ``issuer.address.addressCountryCode`` ("NL")
awarding body                      ``issuer`` (Profile: DID, name, KvK number, register entry)
date of issue                      ``validFrom`` and ``awardedDate``
learning outcomes                  ``achievement.learningOutcome`` (llo context) and ``criteria``
notional workload                  ``achievement.workloadHours`` (llo), ``creditsAvailable`` (ECTS)
level (EQF/NLQF)                   ``achievement.alignment`` (EQF and NLQF) and ``eqfLevel``
type of assessment                 ``achievement.assessmentType`` (llo context)
form of participation              ``achievement.participationForm`` (llo context)
quality assurance                  ``achievement.qualityAssurance`` (llo context)
=================================  ==============================================================

Skills and occupations are alignments; ``registerOffer`` names the offer in llo's register it
came from, ``registerProvider`` the provider's register entry. Pure: no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from llo.credentials.contexts import LLO_V1, OB_V3, VC_V2
from llo.credentials.statuslist import entry


class Kind(StrEnum):
    """The kinds of achievement llo issues (seed 001: mbo-certificaat; seed 000:
    microcredentials; EVC: ervaringscertificaat; a course certificate for the rest)."""

    MICROCREDENTIAL = "microcredential"
    MBO_CERTIFICATE = "mbo_certificate"
    EVC = "evc"
    COURSE = "course"


#: OB 3.0 achievementType per kind (an extensible vocabulary; ``ext:`` for our own).
ACHIEVEMENT_TYPE = {
    Kind.MICROCREDENTIAL: "MicroCredential",
    Kind.MBO_CERTIFICATE: "Certificate",
    Kind.EVC: "ext:Ervaringscertificaat",
    Kind.COURSE: "CertificateOfCompletion",
}
KIND_OF_TYPE = {v: k for k, v in ACHIEVEMENT_TYPE.items()}

#: The register's ``leads_to`` -> the kind of credential a completion gives. A programme that
#: leads to a diploma gives a certificate of completion: the diploma itself comes from the
#: school through DUO's diploma register, so llo's certificate carries no qualification level.
KIND_OF_LEADS_TO = {
    "diploma": Kind.COURSE,
    "microcredential": Kind.MICROCREDENTIAL,
    "mbo_certificate": Kind.MBO_CERTIFICATE,
    "experience_certificate": Kind.EVC,
    "none": Kind.COURSE,
}

EQF_URL = "http://data.europa.eu/snb/eqf/"


@dataclass(frozen=True)
class Alignment:
    name: str
    url: str
    framework: str
    code: str = ""
    target_type: str = "ceasn:Competency"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": self.name,
            "targetUrl": self.url,
            "targetFramework": self.framework,
            "targetType": self.target_type,
        }
        if self.code:
            data["targetCode"] = self.code
        return data


@dataclass(frozen=True)
class Issuer:
    did: str
    name: str
    kvk: str
    url: str
    register_url: str


@dataclass(frozen=True)
class Achievement:
    id: str
    kind: Kind
    name: str
    description: str
    criteria: str
    learning_outcomes: tuple[str, ...] = ()
    workload_hours: int | None = None
    ects: Decimal | None = None
    eqf: str = ""  # "0".."8"; "0" is the NLQF entry level
    nlqf: str = ""  # "instap", "1".."8", "4+"
    assessment_type: str = ""
    participation_form: str = ""
    quality_assurance: tuple[str, ...] = ()
    stackability: str = ""
    skills: tuple[Alignment, ...] = ()
    occupations: tuple[Alignment, ...] = ()
    register_offer: str = ""
    unit_code: str = ""
    language: str = "nl"


@dataclass(frozen=True)
class Subject:
    name: str
    activity_start: dt.date | None = None
    activity_end: dt.date | None = None


@dataclass(frozen=True)
class Status:
    list_url: str
    purpose: str
    index: int
    size: int = 1


def stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _achievement(a: Achievement) -> dict[str, Any]:
    alignment = []
    if a.eqf:
        alignment.append(
            Alignment(
                f"EQF {a.eqf}",
                EQF_URL + a.eqf,
                "European Qualifications Framework",
                a.eqf,
                "ext:EQFLevel",
            ).as_json()
        )
    if a.nlqf:
        alignment.append(
            Alignment(
                f"NLQF {a.nlqf}",
                f"https://www.nlqf.nl/nlqf-niveaus#{a.nlqf}",
                "Nederlands Kwalificatieraamwerk (NLQF)",
                a.nlqf,
                "ext:NLQFLevel",
            ).as_json()
        )
    alignment += [s.as_json() for s in a.skills]
    alignment += [o.as_json() for o in a.occupations]
    # Every node of the achievement has an IRI of its own (a fragment of the achievement):
    # RDF canonicalisation then labels few blank nodes, and a verifier can point at each one.
    for n, item in enumerate(alignment, start=1):
        item["id"] = f"{a.id}#alignment-{n}"
    data: dict[str, Any] = {
        "id": a.id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE[a.kind],
        "credentialKind": a.kind.value,
        "name": a.name,
        "description": a.description or a.name,
        "criteria": {"id": f"{a.id}#criteria", "narrative": a.criteria},
        "inLanguage": a.language,
    }
    if a.learning_outcomes:
        data["learningOutcome"] = list(a.learning_outcomes)
    if a.workload_hours is not None:
        data["workloadHours"] = int(a.workload_hours)
    if a.ects is not None:
        data["creditsAvailable"] = float(a.ects)
    if a.eqf:
        data["eqfLevel"] = a.eqf
    if a.nlqf:
        data["nlqfLevel"] = a.nlqf
    if a.assessment_type:
        data["assessmentType"] = a.assessment_type
    if a.participation_form:
        data["participationForm"] = a.participation_form
    if a.quality_assurance:
        data["qualityAssurance"] = list(a.quality_assurance)
    if a.stackability:
        data["stackability"] = a.stackability
    if a.register_offer:
        data["registerOffer"] = a.register_offer
    if a.unit_code:
        data["unitCode"] = a.unit_code
    if alignment:
        data["alignment"] = alignment
    return data


def issuer_profile(issuer: Issuer) -> dict[str, Any]:
    return {
        "id": issuer.did,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "kvkNumber": issuer.kvk,
        "registerProvider": issuer.register_url,
        "address": {
            "id": f"{issuer.register_url}#address",
            "type": ["Address"],
            "addressCountry": "Nederland",
            "addressCountryCode": "NL",
        },
    }


def credential(
    *,
    id: str,
    issuer: Issuer,
    subject: Subject,
    achievement: Achievement,
    valid_from: dt.datetime,
    valid_until: dt.datetime | None = None,
    status: tuple[Status, ...] = (),
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential."""
    cs: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": subject.name,
                "identityType": "name",
                "hashed": False,
            }
        ],
        "achievement": _achievement(achievement),
    }
    if subject.activity_start:
        cs["activityStartDate"] = f"{subject.activity_start.isoformat()}T00:00:00Z"
    if subject.activity_end:
        cs["activityEndDate"] = f"{subject.activity_end.isoformat()}T00:00:00Z"
    doc: dict[str, Any] = {
        "@context": [VC_V2, OB_V3, LLO_V1],
        "id": id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": issuer_profile(issuer),
        "validFrom": stamp(valid_from),
        "awardedDate": stamp(valid_from),
        "credentialSubject": cs,
    }
    if valid_until is not None:
        doc["validUntil"] = stamp(valid_until)
    if status:
        entries = [entry(s.list_url, s.purpose, s.index, s.size) for s in status]
        doc["credentialStatus"] = entries[0] if len(entries) == 1 else entries
    return doc


def achievement_of(doc: dict[str, Any]) -> dict[str, Any]:
    subject = doc.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else {}
    ach = subject.get("achievement") if isinstance(subject, dict) else None
    return ach if isinstance(ach, dict) else {}


def kind_of(doc: dict[str, Any]) -> Kind | None:
    ach = achievement_of(doc)
    kind = ach.get("credentialKind")
    if isinstance(kind, str) and kind in Kind.__members__.values():
        return Kind(kind)
    return KIND_OF_TYPE.get(ach.get("achievementType", ""))


def issuer_id(doc: dict[str, Any]) -> str:
    issuer = doc.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else ""
