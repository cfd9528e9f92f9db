# SPDX-License-Identifier: EUPL-1.2
"""Export offers in the OOAPI v6 shape the importer reads (a round trip keeps everything),
or as CSV in the columns of the CSV import.

The OOAPI objects are those of the public endpoints (``llo.register.ooapi.v6``: valid v6,
date-times with their Dutch offset); the file keeps its envelope (``programmes``, ``courses``,
``offerings``: what the import reads). The CSV is written by the one CSV writer
(``llo.core.csvio``): a cell a spreadsheet would read as a formula gets a quote mark, which the
CSV import removes again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import Case, QuerySet, When
from django.http import HttpResponse, StreamingHttpResponse

from llo.core import csvio
from llo.register.importers.csv import COLUMNS as CSV_COLUMNS
from llo.register.models import Offer, Offering, OfferingState, OfferType, Opleider
from llo.register.ooapi import v6
from llo.register.ooapi.pages import places_of


def _places(offer_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    return places_of(offer_ids)


def offer_object(offer: Offer, places: list[tuple[str, str]]) -> dict[str, Any]:
    """An offer as an OOAPI v6 ``Programme`` or ``Course`` (``llo.register.ooapi.v6``)."""
    part_of = offer.part_of if offer.part_of_id else None
    return v6.offer_object(offer, places, kvk=offer.opleider.organisation.kvk, part_of=part_of)


def offering_object(offering: Offering, offer: Offer) -> dict[str, Any]:
    return v6.offering_object(offering, offer, kvk=offer.opleider.organisation.kvk)


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
                Offer.objects.filter(pk__in=part)
                .select_related("part_of", "opleider__organisation")
                .order_by("pk")
            )
            places = _places(part)
            runs: dict[int, list[Offering]] = defaultdict(list)
            for run in Offering.objects.filter(offer_id__in=part).order_by("start_date", "pk"):
                runs[run.offer_id].append(run)
            for offer in loaded:
                yield ("" if first else ",") + json.dumps(
                    offer_object(offer, places[offer.pk]), ensure_ascii=False
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
        "learningOutcomes": "|".join(str(o) for o in offer.learning_outcomes or []),
        "assessmentType": offer.assessment_type,
        "qualityAssurance": offer.quality_assurance,
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
    writer = csvio.Writer(";")
    yield csvio.BOM + writer.line(CSV_COLUMNS)
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
        yield "".join(writer.line(csv_row(loaded[pk], sorted(places[pk]), runs[pk])) for pk in part)


def export_provider_csv(opleider: Opleider) -> Iterator[str]:
    return iter_csv(Offer.objects.filter(opleider=opleider))


# --- downloads ----------------------------------------------------------------------------------


def download(opleider: Opleider, format: str = "json") -> HttpResponse | StreamingHttpResponse:
    """A provider's offers as a file to save, streamed: ``json`` (OOAPI v6) or ``csv`` (through
    the one CSV writer's response, ``llo.core.csvio``)."""
    filename = f"aanbod-{opleider.kvk}.{format}"
    if format == "csv":
        return csvio.response(export_provider_csv(opleider), filename)
    response = StreamingHttpResponse(export_provider(opleider), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
