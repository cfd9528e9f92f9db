# SPDX-License-Identifier: EUPL-1.2
"""The same achievement in the European Learning Model (ELM 3, JSON-LD): the shape of a
European Digital Credential for Learning, so a Dutch microcredential can travel into the
Europass wallet; and back (import into llo's wallet).

ELM 3 (data.europa.eu/snb/model, "EDC application profile"): a ``EuropeanDigitalCredential``
whose ``credentialSubject`` (a Person) ``hasClaim`` a ``LearningAchievement``, ``awardedBy``
an awarding process of the issuer, ``specifiedBy`` a ``LearningAchievementSpecification`` with
learning outcomes, volume of learning (ISO 8601 duration), EQF/NQF level, mode and credit
points. llo does not hold the EDC JSON-LD context (nothing is fetched), so the export is signed
as VC-JOSE (the payload is not canonicalised as RDF) by the issuer's key; an import verifies
that signature like any other JWT.

Pure: no database.
"""

from __future__ import annotations

from typing import Any

from llo.credentials import ob3

ELM_CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "http://data.europa.eu/snb/model/context/edc-ap",
]
EQF = "http://data.europa.eu/snb/eqf/"
NLD = "http://publications.europa.eu/resource/authority/country/NLD"
KIND_SCHEME = "https://llo.example.nl/ns/credentials#"
MODES = {
    "Op locatie": "http://data.europa.eu/snb/learning-setting/classroom",
    "Online": "http://data.europa.eu/snb/learning-setting/online",
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _lang(text: str, lang: str = "nl") -> dict[str, str]:
    return {lang: text}


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        return str(value.get("nl") or next(iter(value.values()), ""))
    return str(value or "")


def export(ob: dict[str, Any]) -> dict[str, Any]:
    """ELM 3 of an llo OpenBadgeCredential (unsigned; the caller signs it as VC-JOSE)."""
    ach = ob3.achievement_of(ob)
    issuer = _dict(ob.get("issuer"))
    subject = _dict(ob.get("credentialSubject"))
    name = ""
    for ident in subject.get("identifier", []):
        if isinstance(ident, dict) and ident.get("identityType") == "name":
            name = str(ident.get("identityHash", ""))
    local = str(ob.get("id", "")).removeprefix("urn:uuid:")
    spec: dict[str, Any] = {
        "id": f"urn:epass:learningAchievementSpec:{local}",
        "type": "LearningAchievementSpecification",
        "title": _lang(str(ach.get("name", ""))),
        "description": _lang(str(ach.get("description", ""))),
        "learningOutcome": [
            {
                "id": f"urn:epass:learningOutcome:{local}:{i}",
                "type": "LearningOutcome",
                "title": _lang(str(o)),
            }
            for i, o in enumerate(ach.get("learningOutcome", []))
        ],
        "dcType": {
            "id": KIND_SCHEME + str(ach.get("credentialKind", "course")),
            "type": "Concept",
            "prefLabel": _lang(str(ach.get("credentialKind", "course"))),
        },
        "language": [
            {
                "id": "http://publications.europa.eu/resource/authority/language/NLD",
                "type": "Concept",
            }
        ],
    }
    if isinstance(ach.get("workloadHours"), int):
        spec["volumeOfLearning"] = f"PT{ach['workloadHours']}H"
    if ach.get("eqfLevel"):
        spec["eqfLevel"] = {"id": EQF + str(ach["eqfLevel"]), "type": "Concept"}
    if ach.get("nlqfLevel"):
        spec["nqfLevel"] = [
            {"id": f"https://www.nlqf.nl/nlqf-niveaus#{ach['nlqfLevel']}", "type": "Concept"}
        ]
    if ach.get("creditsAvailable"):
        spec["creditPoint"] = [
            {
                "type": "CreditPoint",
                "framework": {
                    "id": "http://data.europa.eu/snb/education-credit/6fcec5c5af",
                    "type": "Concept",
                },
                "point": str(ach["creditsAvailable"]),
            }
        ]
    mode = MODES.get(str(ach.get("participationForm", "")))
    if mode:
        spec["mode"] = [{"id": mode, "type": "Concept"}]
    skills = [
        a
        for a in ach.get("alignment", [])
        if isinstance(a, dict) and a.get("targetType") == "ceasn:Competency"
    ]
    if skills:
        spec["relatedSkill"] = [
            {"id": a["targetUrl"], "type": "Concept", "prefLabel": _lang(a["targetName"])}
            for a in skills
        ]
    if ach.get("qualityAssurance"):
        spec["additionalNote"] = [
            {"type": "Note", "noteLiteral": _lang(str(q))} for q in ach["qualityAssurance"]
        ]
    return {
        "@context": ELM_CONTEXT,
        "id": f"urn:credential:{local}",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": {
            "id": issuer.get("id", ""),
            "type": "Organisation",
            "legalName": _lang(str(issuer.get("name", ""))),
            "registration": {
                "type": "LegalIdentifier",
                "notation": str(issuer.get("kvkNumber", "")),
                "spatial": {"id": NLD, "type": "Concept"},
            },
            "location": [
                {
                    "type": "Location",
                    "address": [{"type": "Address", "countryCode": {"id": NLD, "type": "Concept"}}],
                }
            ],
        },
        "issuanceDate": ob.get("validFrom"),
        "issued": ob.get("validFrom"),
        "validFrom": ob.get("validFrom"),
        **({"expirationDate": ob["validUntil"]} if ob.get("validUntil") else {}),
        "credentialSubject": {
            "id": f"urn:epass:person:{local}",
            "type": "Person",
            "fullName": _lang(name),
            "hasClaim": [
                {
                    "id": f"urn:epass:learningAchievement:{local}",
                    "type": "LearningAchievement",
                    "title": _lang(str(ach.get("name", ""))),
                    "awardedBy": {
                        "id": f"urn:epass:awardingProcess:{local}",
                        "type": "AwardingProcess",
                        "awardingBody": [issuer.get("id", "")],
                        "awardingDate": ob.get("validFrom"),
                    },
                    "specifiedBy": spec,
                }
            ],
        },
        "credentialStatus": ob.get("credentialStatus"),
        "sameAs": ob.get("id"),
    }


def is_elm(doc: dict[str, Any]) -> bool:
    types = doc.get("type")
    return isinstance(types, list) and "EuropeanDigitalCredential" in types


def to_ob3_view(doc: dict[str, Any]) -> dict[str, Any]:
    """The fields of an ELM credential that the verifier and the wallet read, in OB 3.0's
    names (issuer, achievement with kind, outcomes, hours, skills, dates, status)."""
    subject = _dict(doc.get("credentialSubject"))
    claim = _dict(_first(subject.get("hasClaim")))
    spec = _dict(claim.get("specifiedBy"))
    kind_id = str(_dict(spec.get("dcType")).get("id", ""))
    kind = kind_id.removeprefix(KIND_SCHEME) if kind_id.startswith(KIND_SCHEME) else ""
    hours = None
    volume = str(spec.get("volumeOfLearning", ""))
    if volume.startswith("PT") and volume.endswith("H") and volume[2:-1].isdigit():
        hours = int(volume[2:-1])
    issuer = _dict(doc.get("issuer"))
    achievement: dict[str, Any] = {
        "name": _text(spec.get("title") or claim.get("title")),
        "learningOutcome": [
            _text(o.get("title")) for o in spec.get("learningOutcome", []) if isinstance(o, dict)
        ],
        "alignment": [
            {
                "targetName": _text(s.get("prefLabel")),
                "targetUrl": s.get("id", ""),
                "targetType": "ceasn:Competency",
            }
            for s in spec.get("relatedSkill", [])
            if isinstance(s, dict)
        ],
    }
    if kind in ob3.Kind.__members__.values():
        achievement["credentialKind"] = kind
    if hours is not None:
        achievement["workloadHours"] = hours
    view: dict[str, Any] = {
        "id": doc.get("sameAs") or doc.get("id"),
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "issuer": {"id": issuer.get("id", ""), "name": _text(issuer.get("legalName"))},
        "validFrom": doc.get("validFrom") or doc.get("issuanceDate"),
        "credentialSubject": {"achievement": achievement, "name": _text(subject.get("fullName"))},
    }
    if doc.get("expirationDate"):
        view["validUntil"] = doc["expirationDate"]
    if doc.get("credentialStatus"):
        view["credentialStatus"] = doc["credentialStatus"]
    return view


def problems(doc: dict[str, Any]) -> list[str]:
    """What an ELM credential lacks for llo to read it (its schema is not bundled)."""
    view = to_ob3_view(doc)
    out = []
    if not view["issuer"]["id"]:
        out.append("issuer/id: missing")
    if not view["credentialSubject"]["achievement"]["name"]:
        out.append("credentialSubject/hasClaim/specifiedBy/title: missing")
    if not view.get("validFrom"):
        out.append("validFrom: missing")
    return out


def subject_name(doc: dict[str, Any]) -> str:
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict):
        return ""
    if subject.get("name"):
        return str(subject["name"])
    for ident in subject.get("identifier", []):
        if isinstance(ident, dict) and ident.get("identityType") == "name":
            return str(ident.get("identityHash", ""))
    return _text(subject.get("fullName"))
