# SPDX-License-Identifier: EUPL-1.2
"""Export offers in the OOAPI v6 shape the importer reads (a round trip keeps everything),
or as CSV in the columns of the CSV import.

Programmes become OOAPI ``Programme``, everything else ``Course``; start moments become
``CourseOffering``/``ProgrammeOffering`` with the prices in ``priceInformation`` (OOAPI
puts prices on offerings). The fields OOAPI has no place for are in ``ext``
(``llo.register.importers.ooapi``).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Case, QuerySet, When
from django.http import StreamingHttpResponse

from llo.core.money import Money
from llo.register.importers.csv import COLUMNS as CSV_COLUMNS
from llo.register.models import Offer, Offering, OfferingState, OfferType, Opleider

FORMAL_DOCUMENT = {
    "diploma": "diploma",
    "mbo_certificate": "certificate",
    "microcredential": "micro_credential_certificate",
    "experience_certificate": "certificate",
    "none": "no_official_document",
}
QUALIFICATION = {"diploma": "diploma", "mbo_certificate": "certificate"}


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
    costs = [
        {
            "costType": "total_costs",
            "amount": _amount(offer.price_cents),
            "vatAmount": _vat(offer.price_cents, offer.vat_exempt),
            "currency": "EUR",
            "displayAmount": [{"language": "nl-NL", "value": Money(offer.price_cents).format()}],
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


def offer_object(offer: Offer, gemeenten: list[str]) -> dict[str, Any]:
    is_programme = offer.offer_type == OfferType.PROGRAMME
    key = "programmeId" if is_programme else "courseId"
    obj: dict[str, Any] = {
        key: str(offer.ooapi_id),
        "primaryCode": {
            "codeType": "programme_code" if is_programme else "identifier",
            "code": offer.code,
        },
        "name": [{"language": "nl-NL", "value": offer.title}],
        "description": [{"language": "nl-NL", "value": offer.description}],
        "teachingLanguages": [offer.language],
        "modesOfDelivery": list(offer.modes or []),
    }
    if offer.study_load_value is not None and offer.study_load_unit:
        value = offer.study_load_value
        obj["studyLoad"] = [
            {
                "studyLoadUnit": offer.study_load_unit,
                "value": int(value) if value == value.to_integral_value() else float(value),
            }
        ]
    if is_programme:
        obj["programmeType"] = "programme"
        obj["levelOfQualification"] = offer.level
        obj["qualificationAwarded"] = QUALIFICATION.get(offer.leads_to, "none")
        obj["formalDocument"] = FORMAL_DOCUMENT[offer.leads_to]
    elif offer.part_of_id is not None and offer.part_of is not None:
        obj["programmeIds"] = [str(offer.part_of.ooapi_id)]
    obj["ext"] = {
        "offerType": offer.offer_type,
        "levelOfQualification": offer.level,
        "levelBasis": offer.level_basis,
        "formal": offer.formal,
        "leadsTo": offer.leads_to,
        "legalStatus": offer.legal_status,
        "partOf": offer.part_of.code if offer.part_of_id and offer.part_of else None,
        "unitCode": offer.unit_code,
        "skills": list(offer.skills or []),
        "occupations": list(offer.occupations or []),
        "gemeenten": gemeenten,
        "online": offer.online,
        "vatExempt": offer.vat_exempt,
        "priceInformation": price_information(offer),
        "state": offer.state,
        "version": offer.version,
    }
    return obj


def offering_object(offering: Offering, offer: Offer) -> dict[str, Any]:
    is_programme = offer.offer_type == OfferType.PROGRAMME
    obj: dict[str, Any] = {
        ("programmeOfferingId" if is_programme else "courseOfferingId"): str(offering.ooapi_id),
        ("programmeId" if is_programme else "courseId"): str(offer.ooapi_id),
        "primaryCode": {"codeType": "offering_code", "code": offering.code or str(offering.pk)},
        "name": [{"language": "nl-NL", "value": offer.title}],
        "state": offering.state,
        "startDateTime": offering.start_date.isoformat(),
        "priceInformation": price_information(offer),
    }
    if offering.end_date:
        obj["endDateTime"] = offering.end_date.isoformat()
    if offering.capacity is not None:
        obj["maxNumberStudents"] = offering.capacity
    return obj


def iter_ooapi(offers: QuerySet[Offer], chunk: int = 2_000) -> Iterator[str]:
    """The export as JSON text in pieces (for a streaming response or a file)."""
    programmes = list(
        offers.filter(offer_type=OfferType.PROGRAMME).order_by("pk").values_list("pk", flat=True)
    )
    courses = list(
        offers.exclude(offer_type=OfferType.PROGRAMME).order_by("pk").values_list("pk", flat=True)
    )
    yield "{"
    offering_parts: list[str] = []
    for index, (name, group) in enumerate((("programmes", programmes), ("courses", courses))):
        yield ("," if index else "") + f'"{name}":['
        first = True
        for start in range(0, len(group), chunk):
            part = group[start : start + chunk]
            loaded = list(
                Offer.objects.filter(pk__in=part).select_related("part_of").order_by("pk")
            )
            places: dict[int, list[str]] = defaultdict(list)
            through = Offer.gemeenten.through
            for offer_id, code in through.objects.filter(offer_id__in=part).values_list(
                "offer_id", "gemeente_id"
            ):
                places[offer_id].append(code)
            runs: dict[int, list[Offering]] = defaultdict(list)
            for run in Offering.objects.filter(offer_id__in=part).order_by("start_date", "pk"):
                runs[run.offer_id].append(run)
            for offer in loaded:
                yield ("" if first else ",") + json.dumps(
                    offer_object(offer, sorted(places[offer.pk])), ensure_ascii=False
                )
                first = False
                offering_parts.extend(
                    json.dumps(offering_object(run, offer), ensure_ascii=False)
                    for run in runs[offer.pk]
                )
        yield "]"
    yield ',"offerings":['
    for i in range(0, len(offering_parts), chunk):
        yield ("," if i else "") + ",".join(offering_parts[i : i + chunk])
    yield "]}"


def export_provider(opleider: Opleider) -> Iterator[str]:
    return iter_ooapi(Offer.objects.filter(opleider=opleider))


# --- CSV ------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose ``write`` returns the line (``csv.writer`` for streaming)."""

    def write(self, value: str) -> str:
        return value


def _csv_amount(cents: int) -> str:
    """Dutch style without thousands separator (``1234,50``): Dutch spreadsheet programs
    read it as a number and the CSV reader (``Money.parse``) reads it back exactly."""
    euros, rest = divmod(cents, 100)
    return f"{euros},{rest:02d}"


def _csv_load(offer: Offer) -> str:
    value = offer.study_load_value
    if value is None:
        return ""
    return str(int(value)) if value == value.to_integral_value() else str(value)


def csv_row(offer: Offer, gemeenten: list[str], runs: list[Offering]) -> list[str]:
    """One offer as a line in the columns the CSV reader accepts
    (``llo.register.importers.csv.COLUMNS``). Lists are joined with ``|`` so they need no
    quoting in a file separated by semicolons. CSV has one capacity per offer: that of the
    first start moment."""
    capacity = next((r.capacity for r in runs if r.capacity is not None), None)
    values = {
        "code": offer.code,
        "offerType": offer.offer_type,
        "title": offer.title,
        "description": offer.description,
        "formal": "ja" if offer.formal else "nee",
        "levelOfQualification": offer.level,
        "levelBasis": offer.level_basis,
        "studyLoad": _csv_load(offer),
        "studyLoadUnit": offer.study_load_unit or "",
        "leadsTo": offer.leads_to,
        "partOf": offer.part_of.code if offer.part_of_id and offer.part_of else "",
        "unitCode": offer.unit_code,
        "skills": "|".join(offer.skills or []),
        "occupations": "|".join(offer.occupations or []),
        "language": offer.language,
        "modesOfDelivery": "|".join(offer.modes or []),
        "online": "ja" if offer.online else "nee",
        "gemeenten": "|".join(gemeenten),
        "fee": _csv_amount(offer.fee_cents),
        "examFee": _csv_amount(offer.exam_cents),
        "materials": _csv_amount(offer.materials_cents),
        "vatExempt": "ja" if offer.vat_exempt else "nee",
        "legalStatus": offer.legal_status,
        "startDates": "|".join(r.start_date.isoformat() for r in runs),
        "capacity": "" if capacity is None else str(capacity),
    }
    return [values[name] for name in CSV_COLUMNS]


def iter_csv(offers: QuerySet[Offer], chunk: int = 2_000) -> Iterator[str]:
    """The offers as CSV text in pieces: semicolons, UTF-8 with a byte order mark (Dutch
    spreadsheet programs need it to read the accents), the columns of the CSV import.
    Programmes come first, so a module's ``partOf`` names a programme read before it.
    Cancelled start moments are left out: importing them would open them again."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    ids = list(
        offers.annotate(
            programme_first=Case(When(offer_type=OfferType.PROGRAMME, then=0), default=1)
        )
        .order_by("programme_first", "pk")
        .values_list("pk", flat=True)
    )
    through = Offer.gemeenten.through
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        places: dict[int, list[str]] = defaultdict(list)
        for offer_id, code in through.objects.filter(offer_id__in=part).values_list(
            "offer_id", "gemeente_id"
        ):
            places[offer_id].append(code)
        runs: dict[int, list[Offering]] = defaultdict(list)
        for run in (
            Offering.objects.filter(offer_id__in=part)
            .exclude(state=OfferingState.CANCELLED)
            .order_by("start_date", "pk")
        ):
            runs[run.offer_id].append(run)
        loaded = {o.pk: o for o in Offer.objects.filter(pk__in=part).select_related("part_of")}
        yield "".join(
            writer.writerow(csv_row(loaded[pk], sorted(places[pk]), runs[pk])) for pk in part
        )


def export_provider_csv(opleider: Opleider) -> Iterator[str]:
    return iter_csv(Offer.objects.filter(opleider=opleider))


# --- downloads ----------------------------------------------------------------------------------

CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def download(opleider: Opleider, format: str = "json") -> StreamingHttpResponse:
    """A provider's offers as a file to save: ``json`` (OOAPI v6) or ``csv``, streamed."""
    chunks = export_provider_csv(opleider) if format == "csv" else export_provider(opleider)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="aanbod-{opleider.kvk}.{format}"'
    return response
