# SPDX-License-Identifier: EUPL-1.2
"""Open reference data: the skills language (no login). Occupations and skills are found by
any Dutch label; every code comes with its Dutch name."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from llo.core.problems import not_found
from llo.skills import selectors

router = Router(tags=["skills"])


class TermOut(Schema):
    code: str
    label: str


class OccupationMatchOut(Schema):
    code: str
    label: str
    matchedLabel: str = Field(description="The label that matched the search (may be another name)")
    iscoGroup: str


class SkillMatchOut(Schema):
    code: str
    label: str
    matchedLabel: str


class OccupationOut(Schema):
    code: str = Field(description="ESCO code, for example 7212.3")
    label: str
    uri: str
    iscoGroup: str = Field(description="ISCO-08 unit group")
    iscoGroupLabel: str
    altLabels: list[str]
    description: str
    source: str
    essentialSkills: list[TermOut]
    optionalSkills: list[TermOut]


class SkillOut(Schema):
    code: str
    label: str
    uri: str
    skillType: str
    altLabels: list[str]
    description: str
    source: str
    essentialFor: list[TermOut]
    optionalFor: list[TermOut]


class IscoGroupOut(Schema):
    code: str
    label: str
    occupations: list[TermOut]


class TermSearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=200, description="Any Dutch label, or part of it")
    limit: int = Field(20, ge=1, le=100)


def _terms(terms: tuple[selectors.Term, ...]) -> list[dict[str, str]]:
    return [{"code": t.code, "label": t.label} for t in terms]


@router.get(
    "/occupations", response=list[OccupationMatchOut], summary="Find occupations by any Dutch label"
)
def search_occupations(
    request: HttpRequest, params: Query[TermSearchParams]
) -> list[dict[str, str]]:
    return [
        {"code": m.code, "label": m.label, "matchedLabel": m.matched, "iscoGroup": m.isco_group}
        for m in selectors.search_occupations(params.q, params.limit)
    ]


@router.get("/occupations/{code}", response=OccupationOut, summary="One occupation and its skills")
def get_occupation(request: HttpRequest, code: str) -> dict[str, object]:
    found = selectors.occupation(code)
    if found is None:
        raise not_found(f"There is no occupation with code '{code}'.")
    return {
        "code": found.code,
        "label": found.label,
        "uri": found.uri,
        "iscoGroup": found.isco_group,
        "iscoGroupLabel": found.isco_group_label,
        "altLabels": list(found.alt_labels),
        "description": found.description,
        "source": found.source,
        "essentialSkills": _terms(found.essential),
        "optionalSkills": _terms(found.optional),
    }


@router.get("/skills", response=list[SkillMatchOut], summary="Find skills by any Dutch label")
def search_skills(request: HttpRequest, params: Query[TermSearchParams]) -> list[dict[str, str]]:
    return [
        {"code": m.code, "label": m.label, "matchedLabel": m.matched}
        for m in selectors.search_skills(params.q, params.limit)
    ]


@router.get("/skills/{code}", response=SkillOut, summary="One skill and who needs it")
def get_skill(request: HttpRequest, code: str) -> dict[str, object]:
    found = selectors.skill(code)
    if found is None:
        raise not_found(f"There is no skill with code '{code}'.")
    return {
        "code": found.code,
        "label": found.label,
        "uri": found.uri,
        "skillType": found.skill_type,
        "altLabels": list(found.alt_labels),
        "description": found.description,
        "source": found.source,
        "essentialFor": _terms(found.essential_for),
        "optionalFor": _terms(found.optional_for),
    }


@router.get(
    "/isco-groups/{code}", response=IscoGroupOut, summary="An ISCO-08 group and its occupations"
)
def get_isco_group(request: HttpRequest, code: str) -> dict[str, object]:
    found = selectors.isco_group(code)
    if found is None:
        raise not_found(f"There is no ISCO-08 group '{code}' with occupations.")
    return {"code": found.code, "label": found.label, "occupations": _terms(found.occupations)}
