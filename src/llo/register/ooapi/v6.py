# SPDX-License-Identifier: EUPL-1.2
"""Offers, start moments and providers as OOAPI v6 objects (pure: no queries).

One shape for everything llo says in OOAPI: the public endpoints (``/ooapi/v6/…``) and a
provider's export file (``llo.register.exporters``), which the OOAPI import reads back
unchanged (``llo.register.importers.ooapi``). Every object is valid against the vendored v6
schema (``tests/register/test_ooapi_v6.py``):

* a programme is a ``Programme``, every other offer a ``Course`` (OOAPI has no module, EVC
  or microcredential type; ``ext.offerType`` says which);
* a start moment is a ``CourseOffering`` or ``ProgrammeOffering``. Its dates are Dutch
  calendar dates, and OOAPI wants a date-time with an offset (RFC 3339 section 5.6; a bare
  date failed the schema, issue 14 finding 9): the start is 00:00 and the end 23:59:59 of
  that day in Europe/Amsterdam, so a reader that takes the date in Dutch time gets the date
  back, in winter and in summer;
* a provider is an ``Organisation`` (``organisationType`` ``root``) with its KvK number as
  ``primaryCode`` (``kvk_organisation_id``) and its BRIN as an ``institution_code``. Its
  ``organisationId`` is a UUIDv8 (RFC 9562 section 5.8, custom layout) that holds the KvK
  number in its last digits: stable, nothing to store, and found again without a search;
* prices are on the offerings (where OOAPI puts them) and, for the import, in
  ``ext.priceInformation`` of the offer, with the parts ``x-fee``, ``x-exam``,
  ``x-materials`` beside OOAPI's ``total_costs`` (``costType`` is an extensible
  enumeration: custom values start with ``x-``);
* places are ``addresses`` of type ``teaching`` with the gemeente as ``city`` (what any OOAPI
  client understands) and the CBS codes in ``ext.gemeenten``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from llo.core.money import Money
from llo.core.timeutil import AMSTERDAM
from llo.register.checks import title_for_export
from llo.register.models import Offer, Offering, OfferType, Opleider

#: Provider ids: this prefix ("llo", "kv", version 8, RFC 4122 variant) and "0000" + the
#: eight digits of the KvK number (decimal digits are hex digits).
_ORGANISATION_PREFIX = "6c6c6f00-6b76-8000-8000-0000"

LANGUAGE = "nl-NL"

FORMAL_DOCUMENT = {
    "diploma": "diploma",
    "mbo_certificate": "certificate",
    "microcredential": "micro_credential_certificate",
    "experience_certificate": "certificate",
    "none": "no_official_document",
}
QUALIFICATION = {"diploma": "diploma", "mbo_certificate": "certificate"}


def organisation_id(kvk: str) -> str:
    return str(uuid.UUID(_ORGANISATION_PREFIX + kvk))


def kvk_of(organisation: str) -> str | None:
    """The KvK number in an ``organisationId`` made by :func:`organisation_id`, else None."""
    try:
        text = str(uuid.UUID(organisation))
    except ValueError:
        return None
    kvk = text[len(_ORGANISATION_PREFIX) :]
    return kvk if text.startswith(_ORGANISATION_PREFIX) and kvk.isdigit() else None


def start_datetime(day: dt.date) -> str:
    """The first moment of a Dutch calendar day, with its offset: 2027-01-01T00:00:00+01:00."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=AMSTERDAM).isoformat()


def end_datetime(day: dt.date) -> str:
    """The last second of a Dutch calendar day, with its offset: 2027-06-30T23:59:59+02:00."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=AMSTERDAM).isoformat()


def _text(value: str) -> list[dict[str, str]]:
    return [{"language": LANGUAGE, "value": value}]


def _amount(cents: int) -> str:
    """OOAPI ``Cost.amount``: digits with a dot, no thousands separator."""
    euros, rest = divmod(cents, 100)
    return f"{euros}.{rest:02d}"


def _vat(cents: int, exempt: bool) -> str:
    """The VAT inside a price that includes 21 % VAT (Wet OB art. 9): the price split 21:100
    without losing a cent (``Money.allocate``)."""
    if exempt:
        return "0.00"
    return _amount(Money(cents).allocate([21, 100])[0].cents)


def price_information(offer: Offer) -> list[dict[str, Any]]:
    costs: list[dict[str, Any]] = [
        {
            "costType": "total_costs",
            "amount": _amount(offer.price_cents),
            "vatAmount": _vat(offer.price_cents, offer.vat_exempt),
            "currency": "EUR",
            "displayAmount": _text(Money(offer.price_cents).format()),
        }
    ]
    for kind, cents in (
        ("x-fee", offer.fee_cents),
        ("x-exam", offer.exam_cents),
        ("x-materials", offer.materials_cents),
    ):
        costs.append(
            {
                "costType": kind,
                "amount": _amount(cents),
                "vatAmount": _vat(cents, offer.vat_exempt),
                "currency": "EUR",
            }
        )
    return costs


def _addresses(places: list[tuple[str, str]]) -> list[dict[str, Any]]:
    return [
        {"addressType": "teaching", "city": name, "countryCode": {"iso3166-1-alpha2": "NL"}}
        for _code, name in places
    ]


def offer_object(
    offer: Offer,
    places: list[tuple[str, str]],
    *,
    kvk: str,
    part_of: Offer | None = None,
    link: str = "",
) -> dict[str, Any]:
    """A ``Programme`` or ``Course``. ``places``: (CBS code, name) of its gemeenten, sorted by
    code; ``part_of``: the programme a module belongs to; ``link``: the public page."""
    is_programme = offer.offer_type == OfferType.PROGRAMME
    obj: dict[str, Any] = {
        ("programmeId" if is_programme else "courseId"): str(offer.ooapi_id),
        "primaryCode": {
            "codeType": "programme_code" if is_programme else "identifier",
            "code": offer.code,
        },
        "name": _text(title_for_export(offer.pk, offer.title)),
    }
    if is_programme:
        obj["programmeType"] = "programme"
    if offer.description:
        obj["description"] = _text(offer.description)
    obj["teachingLanguages"] = [offer.language]
    obj["modesOfDelivery"] = list(offer.modes or [])
    if offer.study_load_value is not None and offer.study_load_unit:
        value = offer.study_load_value
        obj["studyLoad"] = [
            {
                "studyLoadUnit": offer.study_load_unit,
                "value": int(value) if value == value.to_integral_value() else float(value),
            }
        ]
    if offer.learning_outcomes:
        # OOAPI LearningOutcome objects, ids derived from the offer's so they stay the same.
        obj["learningOutcomes"] = [
            {
                "learningOutcomeId": str(uuid.uuid5(offer.ooapi_id, f"learning-outcome/{n}")),
                "primaryCode": {"codeType": "learningOutcomeCode", "code": f"LO{n}"},
                "name": _text(str(text)),
            }
            for n, text in enumerate(offer.learning_outcomes, start=1)
        ]
    if offer.assessment_type:
        obj["assessment"] = _text(str(offer.get_assessment_type_display()))
    if is_programme:
        obj["levelOfQualification"] = offer.level
        obj["qualificationAwarded"] = QUALIFICATION.get(offer.leads_to, "none")
        obj["formalDocument"] = FORMAL_DOCUMENT[offer.leads_to]
    elif part_of is not None:
        obj["programmeIds"] = [str(part_of.ooapi_id)]
    if places:
        obj["addresses"] = _addresses(places)
    if link:
        obj["link"] = link
    obj["organisationId"] = organisation_id(kvk)
    obj["ext"] = {
        "offerType": offer.offer_type,
        "levelOfQualification": offer.level,
        "levelBasis": offer.level_basis,
        "formal": offer.formal,
        "leadsTo": offer.leads_to,
        "legalStatus": offer.legal_status,
        "partOf": part_of.code if part_of is not None else None,
        "unitCode": offer.unit_code,
        "skills": list(offer.skills or []),
        "occupations": list(offer.occupations or []),
        "assessmentType": offer.assessment_type or None,
        "qualityAssurance": offer.quality_assurance or None,
        "gemeenten": [code for code, _name in places],
        "online": offer.online,
        "vatExempt": offer.vat_exempt,
        "priceInformation": price_information(offer),
        "state": offer.state,
        "version": offer.version,
    }
    return obj


def offering_object(offering: Offering, offer: Offer, *, kvk: str) -> dict[str, Any]:
    """A ``CourseOffering`` or ``ProgrammeOffering`` of ``offer``."""
    is_programme = offer.offer_type == OfferType.PROGRAMME
    obj: dict[str, Any] = {
        ("programmeOfferingId" if is_programme else "courseOfferingId"): str(offering.ooapi_id),
        ("programmeId" if is_programme else "courseId"): str(offer.ooapi_id),
        "primaryCode": {"codeType": "offering_code", "code": offering.code or str(offering.pk)},
        "name": _text(title_for_export(offer.pk, offer.title)),
        "state": offering.state,
        "teachingLanguages": [offer.language],
        "modesOfDelivery": list(offer.modes or []),
        "startDateTime": start_datetime(offering.start_date),
    }
    if offering.end_date:
        obj["endDateTime"] = end_datetime(offering.end_date)
    if offering.capacity is not None:
        obj["maxNumberStudents"] = offering.capacity
    obj["priceInformation"] = price_information(offer)
    obj["organisationId"] = organisation_id(kvk)
    return obj


def organisation_object(opleider: Opleider, link: str = "") -> dict[str, Any]:
    """A provider as an OOAPI ``Organisation``."""
    obj: dict[str, Any] = {
        "organisationId": organisation_id(opleider.kvk),
        "primaryCode": {"codeType": "kvk_organisation_id", "code": opleider.kvk},
        "organisationType": "root",
        "name": _text(opleider.name),
    }
    if opleider.institution_code:
        obj["otherCodes"] = [{"codeType": "institution_code", "code": opleider.institution_code}]
    if link:
        obj["link"] = link
    obj["ext"] = {
        "kind": opleider.kind,
        "funded": opleider.funded,
        "status": opleider.status,
        "statusReason": opleider.status_reason,
    }
    return obj
