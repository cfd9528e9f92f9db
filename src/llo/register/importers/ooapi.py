# SPDX-License-Identifier: EUPL-1.2
"""Read offers in the shape of OOAPI v6 (``../shared/standards/ooapi/ooapi-v6-bundled.json``).

A file is one JSON object with arrays ``programmes`` (OOAPI Programme), ``courses`` (Course)
and ``offerings`` (CourseOffering / ProgrammeOffering), or an OOAPI list page (``items``) or a
plain array of such objects. What OOAPI has no field for travels in ``ext`` (OOAPI:
"Object for additional non-standard attributes"), see ``docs/register.md``:
``offerType``, ``levelOfQualification`` (a Course has only ``level``), ``levelBasis``,
``formal``, ``leadsTo``, ``legalStatus``, ``partOf``, ``unitCode``, ``skills``,
``occupations``, ``gemeenten`` (CBS codes), ``online``, ``vatExempt``, ``assessmentType``,
``qualityAssurance`` and ``priceInformation``. Learning outcomes are OOAPI's own
``learningOutcomes`` (expanded ``LearningOutcome`` objects, or texts). Price components use
the extensible OOAPI ``costType`` with our values
``x-fee``, ``x-exam`` and ``x-materials`` next to ``total_costs``.

Every object is decoded separately (``json.JSONDecoder.raw_decode``), so the report can name
the line where each offer starts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from llo.core import textguard
from llo.core.money import Money, MoneyError
from llo.regions.models import Gemeente
from llo.register.importers import MAX_OFFERS, Issue, Parsed, too_many
from llo.register.models import OfferingState
from llo.register.services.inputs import OfferingInput, OfferInput

SECTIONS = {
    "programmes": "programme",
    "courses": "course",
    "offerings": "offering",
    "courseOfferings": "offering",
    "programmeOfferings": "offering",
    "items": "",
}
_WS = re.compile(r"[ \t\n\r]*")
_AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")
COST_FIELDS = {"x-fee": "fee_cents", "x-exam": "exam_cents", "x-materials": "materials_cents"}
FORMAL_QUALIFICATIONS = {
    "diploma",
    "vocational_diploma",
    "associate_degree",
    "bachelor",
    "master",
    "doctoral",
}


def _elements(text: str) -> Iterator[tuple[str, Any, int]]:
    """``(section, object, position)`` for every object in the arrays of the document."""
    decoder = json.JSONDecoder()

    def ws(pos: int) -> int:
        match = _WS.match(text, pos)
        return match.end() if match else pos

    def array(pos: int, section: str) -> Iterator[tuple[str, Any, int]]:
        pos = ws(pos + 1)
        if pos < len(text) and text[pos] == "]":
            yield ("", None, pos + 1)
            return
        while True:
            start = pos
            value, pos = decoder.raw_decode(text, pos)
            yield (section, value, start)
            pos = ws(pos)
            if pos < len(text) and text[pos] == ",":
                pos = ws(pos + 1)
                continue
            if pos < len(text) and text[pos] == "]":
                yield ("", None, pos + 1)
                return
            raise json.JSONDecodeError("Expecting ',' or ']'", text, pos)

    pos = ws(0)
    if pos >= len(text):
        raise json.JSONDecodeError("Expecting value", text, pos)
    end = pos
    if text[pos] == "[":
        for item in array(pos, "items"):
            if item[1] is None:
                end = item[2]
            else:
                yield item
    elif text[pos] == "{":
        pos = ws(pos + 1)
        if pos < len(text) and text[pos] == "}":
            end = pos + 1
        else:
            while True:
                if pos >= len(text) or text[pos] != '"':
                    raise json.JSONDecodeError("Expecting property name", text, pos)
                key, pos = decoder.raw_decode(text, pos)
                pos = ws(pos)
                if pos >= len(text) or text[pos] != ":":
                    raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
                pos = ws(pos + 1)
                if key in SECTIONS and pos < len(text) and text[pos] == "[":
                    for item in array(pos, key):
                        if item[1] is None:
                            pos = item[2]
                        else:
                            yield item
                else:
                    _, pos = decoder.raw_decode(text, pos)
                pos = ws(pos)
                if pos < len(text) and text[pos] == ",":
                    pos = ws(pos + 1)
                    continue
                if pos < len(text) and text[pos] == "}":
                    end = pos + 1
                    break
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
    else:
        raise json.JSONDecodeError("Expecting an object or an array", text, pos)
    if ws(end) != len(text):
        raise json.JSONDecodeError("Extra data", text, ws(end))


class _Reader:
    """Turns one object into an OfferInput, collecting problems with their line."""

    def __init__(self, issues: list[Issue], gemeente_names: dict[str, str]) -> None:
        self.issues = issues
        self.gemeente_names = gemeente_names
        self.line: int | None = None
        self.item = ""

    def bad(self, field: str, message: str, code: str = "invalid") -> None:
        self.issues.append(Issue(self.line, field, message, code, self.item))

    # --- small typed getters ------------------------------------------------------------
    def text(self, obj: dict[str, Any], key: str, required: bool = False) -> str:
        value = obj.get(key)
        if value is None or value == []:
            if required:
                self.bad(key, _("Fill this in."), "required")
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            # LanguageTypedString[]: Dutch first, else the first one.
            chosen = next(
                (v for v in value if str(v.get("language", "")).lower().startswith("nl")),
                value[0],
            )
            text = chosen.get("value")
            if isinstance(text, str):
                return text
        self.bad(key, _("Give text, or a list of {language, value}."), "type")
        return ""

    def boolean(self, obj: dict[str, Any], key: str, default: bool) -> bool:
        value = obj.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.bad(f"ext.{key}", _("Give true or false."), "type")
        return default

    def outcomes(self, obj: dict[str, Any]) -> list[str]:
        """OOAPI ``learningOutcomes``: expanded ``LearningOutcome`` objects (their ``name``,
        Dutch first) or plain texts."""
        value = obj.get("learningOutcomes")
        if value is None:
            return []
        if not isinstance(value, list):
            self.bad("learningOutcomes", _("Give a list of learning outcomes."), "type")
            return []
        found = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                found.append(item.strip())
            elif isinstance(item, dict) and self.text(item, "name").strip():
                found.append(self.text(item, "name").strip())
            else:
                self.bad(
                    f"learningOutcomes[{i}]",
                    _("Give the learning outcome as a text or with its name."),
                    "type",
                )
        return found

    def strings(self, obj: dict[str, Any], key: str, field: str) -> list[str]:
        value = obj.get(key)
        if value is None:
            return []
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [v.strip() for v in value if v.strip()]
        self.bad(field, _("Give a list of texts."), "type")
        return []

    def date(self, value: Any, field: str, required: bool = False) -> dt.date | None:
        if value is None:
            if required:
                self.bad(field, _("Fill in a date."), "required")
            return None
        if isinstance(value, str):
            try:
                if len(value) == 10:
                    return dt.date.fromisoformat(value)
                parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                return parsed.date()
            except ValueError:
                pass
        self.bad(field, _("Give a date like 2026-09-01 (RFC 3339)."), "date")
        return None

    def amount(self, value: Any, field: str) -> int | None:
        if not isinstance(value, str):
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                self.bad(field, _("An amount cannot be negative."), "negative")
            else:
                self.bad(field, _('Give the amount as text, like "340.84".'), "type")
            return None
        if value.strip().startswith("-"):
            self.bad(field, _("An amount cannot be negative."), "negative")
            return None
        if not _AMOUNT.match(value):
            self.bad(field, _('Give the amount like "340.84": digits and one dot.'), "amount")
            return None
        try:
            return Money.from_decimal(value).cents
        except MoneyError:
            self.bad(field, _("An amount has at most two decimals."), "amount")
            return None

    # --- the parts ----------------------------------------------------------------------
    def prices(self, costs: Any, data: OfferInput, ext: dict[str, Any]) -> None:
        if costs is None:
            return
        if not isinstance(costs, list):
            self.bad("priceInformation", _("Give a list of costs."), "type")
            return
        parts: dict[str, int] = {}
        total: int | None = None
        vat = False
        for i, cost in enumerate(costs):
            name = f"priceInformation[{i}]"
            if not isinstance(cost, dict):
                self.bad(name, _("Give an object with costType and amount."), "type")
                continue
            kind = cost.get("costType")
            if kind == "stap_eligible":
                continue
            if kind not in (*COST_FIELDS, "total_costs"):
                self.bad(
                    f"{name}.costType",
                    _("'%(value)s' is not allowed. Choose one of: %(allowed)s.")
                    % {"value": kind, "allowed": ", ".join([*COST_FIELDS, "total_costs"])},
                    "enum",
                )
                continue
            if cost.get("currency") not in (None, "EUR"):
                self.bad(f"{name}.currency", _("Only euros (EUR)."), "currency")
            cents = self.amount(cost.get("amount"), f"{name}.amount")
            if cents is None:
                continue
            vat_amount = cost.get("vatAmount")
            if vat_amount not in (None, "0", "0.0", "0.00"):
                vat = True
            if kind == "total_costs":
                total = cents
            else:
                parts[COST_FIELDS[kind]] = cents
        if parts:
            for attr, cents in parts.items():
                setattr(data, attr, cents)
            if total is not None and total != sum(parts.values()):
                self.bad(
                    "priceInformation",
                    _("total_costs is not the sum of the parts."),
                    "sum",
                )
        elif total is not None:
            data.fee_cents = total
        data.vat_exempt = self.boolean(ext, "vatExempt", not vat)

    def offer(self, kind: str, obj: dict[str, Any], programme_codes: dict[str, str]) -> OfferInput:
        ext = obj.get("ext") or {}
        if not isinstance(ext, dict):
            self.bad("ext", _("ext must be an object."), "type")
            ext = {}
        primary = obj.get("primaryCode")
        code = ""
        if isinstance(primary, dict) and isinstance(primary.get("code"), str):
            code = primary["code"].strip()
        else:
            self.bad("primaryCode.code", _("Fill in the code of the offer."), "required")
        self.item = code
        formal_default = obj.get("qualificationAwarded") in FORMAL_QUALIFICATIONS
        formal = self.boolean(ext, "formal", formal_default)
        offer_type = ext.get("offerType") or ("programme" if kind == "programme" else "course")
        level = obj.get("levelOfQualification") or ext.get("levelOfQualification") or ""
        leads_to = ext.get("leadsTo")
        if leads_to is None:
            document = obj.get("formalDocument")
            qualification = obj.get("qualificationAwarded")
            if offer_type == "evc":
                leads_to = "experience_certificate"
            elif document == "micro_credential_certificate" or offer_type == "microcredential":
                leads_to = "microcredential"
            elif qualification in FORMAL_QUALIFICATIONS or document == "diploma":
                leads_to = "diploma"
            else:
                leads_to = "none"
        data = OfferInput(
            code=code,
            offer_type=str(offer_type),
            title=self.text(obj, "name", required=True).strip(),
            description=self.text(obj, "description"),
            level=str(level),
            leads_to=str(leads_to),
            legal_status=str(ext.get("legalStatus") or ("student" if formal else "cursist")),
            formal=formal,
            level_basis=str(ext.get("levelBasis") or ("generic" if formal else "indicative")),
            unit_code=str(ext.get("unitCode") or ""),
            skills=self.strings(ext, "skills", "ext.skills"),
            occupations=self.strings(ext, "occupations", "ext.occupations"),
            learning_outcomes=self.outcomes(obj),
            assessment_type=str(ext.get("assessmentType") or ""),
            quality_assurance=str(ext.get("qualityAssurance") or ""),
            modes=self.strings(obj, "modesOfDelivery", "modesOfDelivery"),
            gemeenten=self.strings(ext, "gemeenten", "ext.gemeenten"),
        )
        if not level:
            self.bad("levelOfQualification", _("Fill in the level (eqf_0 to eqf_8)."), "required")
        languages = obj.get("teachingLanguages")
        if isinstance(languages, list) and languages and isinstance(languages[0], str):
            data.language = {"nld": "nl", "eng": "en"}.get(languages[0], languages[0])
        loads = obj.get("studyLoad")
        if isinstance(loads, list) and loads:
            load = loads[0]
            if isinstance(load, dict):
                data.study_load_unit = str(load.get("studyLoadUnit") or "")
                value = load.get("value")
                try:
                    if isinstance(value, bool) or value is None:
                        raise InvalidOperation
                    data.study_load_value = Decimal(str(value)).quantize(Decimal("0.1"))
                except (InvalidOperation, ValueError):
                    self.bad("studyLoad.value", _("Give a number."), "type")
                if data.study_load_value is not None and data.study_load_value < 0:
                    self.bad("studyLoad.value", _("The study load cannot be negative."), "negative")
                    data.study_load_value = None
        elif loads is not None and not isinstance(loads, list):
            self.bad("studyLoad", _("Give a list of {studyLoadUnit, value}."), "type")
        # Places: CBS codes in ext, or the city of an OOAPI address.
        for i, address in enumerate(obj.get("addresses") or []):
            city = address.get("city") if isinstance(address, dict) else None
            if isinstance(city, str) and city.strip():
                found = self.gemeente_names.get(city.strip().lower())
                if found:
                    # llo's own export names each place twice: as an address (for any OOAPI
                    # client) and as a CBS code in ext.gemeenten.
                    if found not in data.gemeenten:
                        data.gemeenten.append(found)
                else:
                    self.bad(
                        f"addresses[{i}].city",
                        _("We do not know the gemeente '%(city)s'.") % {"city": city},
                        "unknown",
                    )
        data.online = self.boolean(ext, "online", "online" in data.modes and not data.gemeenten)
        part_of = ext.get("partOf")
        if not part_of and kind == "course":
            ids = obj.get("programmeIds") or []
            if isinstance(ids, list) and ids:
                part_of = programme_codes.get(str(ids[0]))
                if part_of is None:
                    self.bad(
                        "programmeIds",
                        _("The programme %(id)s is not in this file.") % {"id": ids[0]},
                        "unknown",
                    )
        data.part_of_code = str(part_of or "")
        self.prices(ext.get("priceInformation"), data, ext)
        return data

    def offering(self, obj: dict[str, Any]) -> tuple[str, OfferingInput | None, Any]:
        parent = obj.get("courseId") or obj.get("programmeId")
        if not isinstance(parent, str):
            self.bad(
                "courseId", _("Say which course or programme this is an offering of."), "required"
            )
            return "", None, None
        start = self.date(obj.get("startDateTime"), "startDateTime", required=True)
        end = self.date(obj.get("endDateTime"), "endDateTime")
        capacity = obj.get("maxNumberStudents")
        if capacity is not None and (
            isinstance(capacity, bool) or not isinstance(capacity, int | float) or capacity < 0
        ):
            self.bad("maxNumberStudents", _("Give a number of places, 0 or more."), "range")
            capacity = None
        state = obj.get("state") or OfferingState.ACTIVE
        if state not in OfferingState.values:
            self.bad(
                "state",
                _("'%(value)s' is not allowed. Choose one of: %(allowed)s.")
                % {"value": state, "allowed": ", ".join(OfferingState.values)},
                "enum",
            )
        primary = obj.get("primaryCode")
        code = primary.get("code", "") if isinstance(primary, dict) else ""
        if start is None:
            return parent, None, None
        return (
            parent,
            OfferingInput(
                start_date=start,
                end_date=end,
                capacity=int(capacity) if capacity is not None else None,
                code=str(code)[:64],
                state=str(state),
            ),
            obj.get("priceInformation"),
        )


def _kind(section: str, obj: dict[str, Any]) -> str:
    if SECTIONS.get(section):
        return SECTIONS[section]
    if "courseOfferingId" in obj or "programmeOfferingId" in obj or "startDateTime" in obj:
        return "offering"
    if "programmeId" in obj or "programmeType" in obj:
        return "programme"
    if "courseId" in obj:
        return "course"
    return ""


FIELD_NAMES = {
    "title": "name",
    "code": "primaryCode.code",
    "offerType": "ext.offerType",
    "leadsTo": "ext.leadsTo",
    "legalStatus": "ext.legalStatus",
    "levelBasis": "ext.levelBasis",
    "fee": "priceInformation",
    "examFee": "priceInformation",
    "materials": "priceInformation",
    "gemeenten": "ext.gemeenten",
    "partOf": "ext.partOf",
    "language": "teachingLanguages",
}


def _objects_fast(text: str, parsed: Parsed) -> list[tuple[str, dict[str, Any], int | None]]:
    """All objects without their lines: one ``json.loads`` (C speed). Lines are only worked
    out (:func:`_objects_with_lines`) when the report needs them."""
    doc = textguard.loads(text)
    found: list[tuple[str, Any]] = []
    if isinstance(doc, list):
        found = [("items", item) for item in doc]
    elif isinstance(doc, dict):
        for key, value in doc.items():
            if key in SECTIONS and isinstance(value, list):
                found.extend((key, item) for item in value)
    else:
        raise json.JSONDecodeError("Expecting an object or an array", text, 0)
    objects: list[tuple[str, dict[str, Any], int | None]] = []
    for section, obj in found:
        if not isinstance(obj, dict):
            parsed.issues.append(Issue(None, section, _("Expected an object here."), "type"))
            continue
        objects.append((_kind(section, obj), obj, None))
    return objects


def _objects_with_lines(text: str, parsed: Parsed) -> list[tuple[str, dict[str, Any], int | None]]:
    objects: list[tuple[str, dict[str, Any], int | None]] = []
    line, last = 1, 0
    for section, obj, pos in _elements(text):
        line += text.count("\n", last, pos)
        last = pos
        if not isinstance(obj, dict):
            parsed.issues.append(Issue(line, section, _("Expected an object here."), "type"))
            continue
        objects.append((_kind(section, obj), obj, line))
    return objects


def parse(raw: bytes, with_lines: bool = False) -> Parsed:
    """Read a file. Without ``with_lines`` the lines in the result are None; the importer
    reads a file again with lines when it has problems to report."""
    parsed = Parsed(field_names=FIELD_NAMES, with_lines=with_lines)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        parsed.issues.append(
            Issue(
                None,
                "file",
                _("The file is not UTF-8 text (byte %(pos)s).") % {"pos": exc.start},
                "encoding",
            )
        )
        return parsed
    try:
        objects = (_objects_with_lines if with_lines else _objects_fast)(text, parsed)
    except textguard.JsonProblem as exc:
        # Nested deeper than llo reads (10,000 levels overflowed the stack: 500), a NUL or a
        # direction override in a text, an impossible date (issue 14, finding 7).
        parsed.issues.append(Issue(None, exc.where, exc.reason, exc.code))
        return parsed
    except RecursionError:
        parsed.issues.append(
            Issue(None, "file", _("The file is nested too deep to read."), "too-deep")
        )
        return parsed
    except json.JSONDecodeError as exc:
        parsed.issues.append(
            Issue(
                exc.lineno,
                "file",
                _("This is not valid JSON: %(error)s (line %(line)s, column %(column)s).")
                % {"error": exc.msg, "line": exc.lineno, "column": exc.colno},
                "json",
            )
        )
        return parsed
    offers = [o for o in objects if o[0] in ("programme", "course")]
    parsed.offerings = sum(1 for o in objects if o[0] == "offering")
    if not objects and not parsed.issues:
        # A file with none of the sections answered {"ok": true, "offers": 0} (issue 14).
        parsed.issues.append(
            Issue(
                None,
                "file",
                _(
                    "The file has no courses, programmes or offerings. Put them in a list "
                    "named %(sections)s (OOAPI v6), or send a list of them."
                )
                % {"sections": ", ".join(sorted(SECTIONS))},
                "empty",
            )
        )
        return parsed
    if len(offers) > MAX_OFFERS:
        parsed.issues.append(too_many(len(offers)))
        parsed.count = len(offers)
        return parsed
    for kind, _obj, obj_line in objects:
        if not kind:
            parsed.issues.append(
                Issue(obj_line, "", _("This is not a course, programme or offering."), "unknown")
            )
    names = {name.lower(): code for code, name in Gemeente.objects.values_list("code", "name")}
    reader = _Reader(parsed.issues, names)
    programme_codes: dict[str, str] = {}
    for kind, obj, _line in offers:
        if kind == "programme":
            primary = obj.get("primaryCode")
            if isinstance(primary, dict) and obj.get("programmeId"):
                programme_codes[str(obj["programmeId"])] = str(primary.get("code", ""))
    by_id: dict[str, OfferInput] = {}
    for kind, obj, obj_line in offers:
        reader.line, reader.item = obj_line, ""
        data = reader.offer(kind, obj, programme_codes)
        parsed.items.append((obj_line, data))
        ident = obj.get("programmeId") if kind == "programme" else obj.get("courseId")
        if ident is not None:
            try:
                parsed.ooapi_ids[data.code] = str(uuid.UUID(str(ident)))
                by_id[str(ident)] = data
            except ValueError:
                reader.bad(f"{kind}Id", _("An id is a UUID."), "uuid")
    offering_prices: dict[str, list[Any]] = defaultdict(list)
    for kind, obj, obj_line in objects:
        if kind != "offering":
            continue
        reader.line, reader.item = obj_line, ""
        parent, offering, prices = reader.offering(obj)
        if not parent:
            continue
        owner = by_id.get(parent)
        if owner is None:
            reader.bad(
                "courseId",
                _("The course or programme %(id)s is not in this file.") % {"id": parent},
                "unknown",
            )
            continue
        reader.item = owner.code
        if offering is not None:
            if owner.offerings is None:
                owner.offerings = []
            owner.offerings.append(offering)
        if prices is not None:
            offering_prices[parent].append((obj_line, prices))
    # Prices on the offerings (the OOAPI place) count when the offer has none in ext.
    for parent, listed in offering_prices.items():
        owner = by_id[parent]
        if owner.fee_cents or owner.exam_cents or owner.materials_cents:
            continue
        first_line, first = listed[0]
        if any(p != first for _, p in listed):
            reader.line, reader.item = first_line, owner.code
            reader.bad(
                "priceInformation",
                _("All offerings of one offer must have the same price. Make separate offers."),
                "price-differs",
            )
            continue
        reader.line, reader.item = first_line, owner.code
        reader.prices(first, owner, {})
    return parsed
