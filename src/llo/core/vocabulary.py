# SPDX-License-Identifier: EUPL-1.2
"""The words of llo's domain, defined once: kinds of offer, cost components, purposes,
labour-market positions and sectors (levels are :class:`llo.core.identifiers.Level`).

Every app imports these: the register (what an offer is), the funder form and the API (the
conditions a funder sets), the rules (``llo.schemes.enums`` builds its OpenFisca enums from
them, so a code means the same in a stored offer, a funder's conditions and a decision), and
the synthetic population. A kind of offer the register cannot produce is not here, so a rule
can never ask for one (issue 13).

Each code has two texts, both through gettext (msgids in English, Dutch at level B1 in the
catalogue):

* its **label**, the ``TextChoices`` label a form or a table shows ("Course", "Cursus");
* its **phrase**, the words inside a sentence of a rule ("a course", "een cursus"), used by
  :func:`phrase`. The rules' sentences are Dutch policy text, so :func:`phrase` renders Dutch
  whatever the page's language (decision 002, point 4).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from llo.core.identifiers import LEVEL_LABELS, Level


# The register's list of kinds of offer is the rules' list. An mbo-certificate is a ``module``
# that leads to one (``register.LeadsTo``).
class OfferType(models.TextChoices):
    """The kind of a training offer."""

    PROGRAMME = "programme", _("Programme")
    COURSE = "course", _("Course")
    MODULE = "module", _("Module (part of a programme)")
    EVC = "evc", _("EVC procedure (recognition of prior learning)")
    BASIC_SKILLS = "basic_skills", _("Basic skills course")
    MICROCREDENTIAL = "microcredential", _("Microcredential")


class CostComponent(models.TextChoices):
    """Parts of a price a funder may or may not pay. The register's offer has a fee, an exam
    fee and materials; the fee of an EVC procedure counts as ``evc`` as well as ``tuition``
    (a funder may pay EVC procedures only); ``other`` is for other costs a provider charges."""

    TUITION = "tuition", _("Tuition")
    EXAM = "exam", _("Exam")
    MATERIALS = "materials", _("Books and materials")
    EVC = "evc", _("EVC procedure")
    OTHER = "other", _("Other costs")


class Purpose(models.TextChoices):
    """Why a person follows a training. Seed 004: "aan het werk komen, door te groeien of over
    te stappen"; seed 002 distinguishes the current job from "een beroep in de toekomst"."""

    WORK = "work", _("Finding work")
    GROW = "grow", _("Growing in your current job")
    SWITCH = "switch", _("Moving to another occupation (a future occupation)")


class LabourPosition(models.TextChoices):
    EMPLOYED = "employed", _("Employed (permanent contract)")
    FLEX = "flex", _("Flex worker (temporary, agency, on call)")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    JOB_SEEKER = "job_seeker", _("Looking for work")
    ON_BENEFIT = "on_benefit", _("On benefit, not looking for work")


#: Positions of people who work (the new LLO scheme's priority for mkb workers, and others).
WORKING_POSITIONS = (LabourPosition.EMPLOYED, LabourPosition.FLEX, LabourPosition.SELF_EMPLOYED)


class Sector(models.TextChoices):
    """Sector of a person's work or of an organisation: one per SBI-2008 section of CBS
    (industry and trade split as O&O-funds and CAOs are: metal, food, retail), plus the finer
    sectors funds use. ``none``: no employer; ``other``: a sector llo does not know."""

    NONE = "none", _("No sector")
    AGRICULTURE = "agriculture", _("Agriculture and horticulture")
    MINING = "mining", _("Mining")
    METAL = "metal", _("Metal and technology")
    FOOD = "food", _("Food industry")
    MANUFACTURING = "manufacturing", _("Other industry")
    ENERGY = "energy", _("Energy")
    WATER_WASTE = "water_waste", _("Water and waste")
    CONSTRUCTION = "construction", _("Construction")
    RETAIL = "retail", _("Retail")
    WHOLESALE = "wholesale", _("Wholesale and car trade")
    TRANSPORT = "transport", _("Transport and storage")
    HOSPITALITY = "hospitality", _("Hotels and restaurants")
    ICT = "ict", _("ICT")
    FINANCE = "finance", _("Financial services")
    REAL_ESTATE = "real_estate", _("Real estate")
    BUSINESS_SERVICES = "business_services", _("Business services")
    BUSINESS_SUPPORT = "business_support", _("Employment agencies and business support")
    GOVERNMENT = "government", _("Government")
    EDUCATION = "education", _("Education")
    CARE = "care", _("Care and welfare")
    CULTURE_EVENTS = "culture_events", _("Culture, recreation and events")
    TECHNOLOGY = "technology", _("Technology")
    BAKERY = "bakery", _("Bakeries")
    LOGISTICS = "logistics", _("Logistics")
    OTHER = "other", _("Other sector")


#: The words inside a sentence, where they differ from the label with a small first letter.
_PHRASES: dict[str, dict[str, Any]] = {
    "OfferType": {
        "programme": _("a whole programme"),
        "course": _("a course"),
        "module": _("a part of a programme"),
        "evc": _("an EVC procedure"),
        "basic_skills": _("a basic-skills course"),
        "microcredential": _("a microcredential"),
    },
    "CostComponent": {
        "tuition": _("tuition fees"),
        "exam": _("exam fees"),
        "materials": _("books and materials"),
        "evc": _("an EVC procedure"),
        "other": _("other costs"),
    },
    "Purpose": {
        "work": _("getting into work"),
        "grow": _("growing in your work"),
        "switch": _("moving to other work"),
    },
    "LabourPosition": {
        "employed": _("employees with a permanent contract"),
        "flex": _("flex workers"),
        "self_employed": _("self-employed people"),
        "job_seeker": _("people looking for work"),
        "on_benefit": _("people on benefit who are not looking for work"),
    },
}

#: Every vocabulary by the name the rules use for it (``metadata: enum:`` in parameter files).
VOCABULARIES: dict[str, type[models.TextChoices]] = {
    "OfferType": OfferType,
    "CostComponent": CostComponent,
    "Purpose": Purpose,
    "LabourPosition": LabourPosition,
    "Sector": Sector,
}


def _small_first_letter(text: str) -> str:
    """'Metaal en techniek' -> 'metaal en techniek'; 'ICT' stays 'ICT'."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def label(vocabulary: str, code: str) -> str:
    """The label of a code in the active language; an unknown code as itself."""
    if vocabulary == "NLQF":
        try:
            return str(LEVEL_LABELS[Level(code)])
        except ValueError:
            return code
    choices = VOCABULARIES[vocabulary]
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def phrase(vocabulary: str, code: str) -> str:
    """The Dutch words for a code inside a sentence of a rule ("een cursus")."""
    with translation.override("nl"):
        words = _PHRASES.get(vocabulary, {}).get(code)
        if words is not None:
            return str(words)
        return _small_first_letter(label(vocabulary, code))


def codes(vocabulary: str) -> tuple[str, ...]:
    if vocabulary == "NLQF":
        return tuple(level.value for level in Level)
    return tuple(str(v) for v in VOCABULARIES[vocabulary].values)
