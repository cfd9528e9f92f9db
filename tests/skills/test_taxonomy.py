# SPDX-License-Identifier: EUPL-1.2
"""The skills language: the packaged ESCO occupations, the import of ESCO's CSV layouts (all or
nothing), and the code rules the funders' conditions rely on."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from llo.core.audit import Actor
from llo.core.models import AuditEntry
from llo.skills import codes, services, taxonomy
from llo.skills.models import Occupation, OccupationLabel, OccupationSkill, Skill
from llo.skills.reference import read_packaged

SKILLS_HEADER = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,scopeNote,definition,inScheme,description\n"
)
RELATIONS_HEADER = "occupationUri,relationType,skillType,skillUri\n"


OCCUPATIONS_HEADER = (
    "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,regulatedProfessionNote,scopeNote,definition,inScheme,description,code\n"
)


def _skill(uri: str, label: str, alt: str = "") -> str:
    return (
        f"KnowledgeSkillCompetence,{uri},skill/competence,sector-specific,{label},"
        f'"{alt}",,released,,,,,\n'
    )


# --- pure: codes ------------------------------------------------------------------------------


def test_ancestors_of_an_esco_code_run_up_to_the_isco_major_group() -> None:
    assert codes.ancestors("7212.3.1") == ("7212.3.1", "7212.3", "7212", "721", "72", "7")
    assert codes.ancestors("7212") == ("7212", "721", "72", "7")


@pytest.mark.parametrize(
    ("occupations", "listed", "meets"),
    [
        (["7212.3"], ["7212"], True),  # a welder is in ISCO unit group 7212
        (["7212.3.4"], ["7212.3"], True),  # a spot welder is a narrower welder
        (["7212.3"], ["72"], True),  # sub-major group 72
        (["7212.3"], ["7213"], False),
        (["7212.3"], ["7212.4"], False),
        (["5223.4", "7212.3"], ["7212"], True),  # any occupation of the offer may meet it
        ([], ["7212"], False),
    ],
)
def test_meets_is_membership_in_the_listed_group(
    occupations: list[str], listed: list[str], meets: bool
) -> None:
    assert codes.meets(occupations, listed) is meets


def test_normalise_ignores_case_accents_and_spacing() -> None:
    assert codes.normalise("  Mécanicien   LANDBOUWmachines ") == "mecanicien landbouwmachines"


# --- pure: reading the files ------------------------------------------------------------------


def test_the_packaged_taxonomy_has_the_3007_esco_occupations_and_is_consistent() -> None:
    parsed = read_packaged()
    assert len(parsed.occupations) == 3007
    assert all(o.code.split(".")[0] == o.isco_group for o in parsed.occupations)
    assert {o.source for o in parsed.occupations} == {"esco"}
    assert {s.source for s in parsed.skills} == {"llo"}  # hand-made, never invented ESCO URIs
    assert len(parsed.skills) == 50
    assert len(parsed.relations) == 144


def test_a_relation_to_an_unknown_occupation_or_skill_is_named_with_its_line() -> None:
    relations = (
        RELATIONS_HEADER
        + "http://data.europa.eu/esco/occupation/nope,essential,skill/competence,urn:x:a\n"
        + "http://data.europa.eu/esco/occupation/nope2,sometimes,skill/competence,urn:x:a\n"
    )
    with pytest.raises(taxonomy.TaxonomyError) as caught:
        taxonomy.read(skills=SKILLS_HEADER + _skill("urn:x:a", "a"), relations=relations)
    messages = [str(i) for i in caught.value.issues]
    assert (
        "occupationSkillRelations_nl.csv, line 2: occupationUri "
        "http://data.europa.eu/esco/occupation/nope is not a known occupation"
    ) in messages
    assert any("line 3: relationType 'sometimes'" in m for m in messages)


def test_missing_columns_and_a_broken_quote_are_refused() -> None:
    with pytest.raises(taxonomy.TaxonomyError, match="missing column"):
        taxonomy.read(relations="occupationUri,skillUri\nx,y\n")
    broken = SKILLS_HEADER + 'x,urn:x:a,skill/competence,,"unclosed,,,,,,,,\n'
    with pytest.raises(taxonomy.TaxonomyError, match=r"broken CSV|preferredLabel"):
        taxonomy.read(skills=broken)


def test_an_occupation_code_outside_its_isco_group_is_refused() -> None:
    row = "Occupation,http://data.europa.eu/esco/occupation/x,7213,lasser,,,released,,,,,,,7212.3\n"
    with pytest.raises(taxonomy.TaxonomyError, match="does not lie in ISCO group"):
        taxonomy.read(occupations=OCCUPATIONS_HEADER + row)


# --- with the database ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_migration_loaded_the_occupations_skills_and_relations() -> None:
    assert Occupation.objects.count() == 3007
    assert Skill.objects.count() == 50
    assert OccupationSkill.objects.count() == 144
    lasser = Occupation.objects.get(code="7212.3")
    assert lasser.preferred_label == "lasser"
    assert lasser.isco_group == "7212"
    assert OccupationLabel.objects.filter(occupation=lasser, key="gaslasser").exists()


@pytest.mark.django_db
def test_a_broken_relations_file_imports_nothing_and_says_why() -> None:
    lasser_uri = Occupation.objects.get(code="7212.3").uri
    skills = SKILLS_HEADER + _skill("http://data.europa.eu/esco/skill/abc-1", "onderwater lassen")
    relations = (
        RELATIONS_HEADER
        + f"{lasser_uri},optional,skill/competence,http://data.europa.eu/esco/skill/abc-1\n"
        + f"{lasser_uri},essential,skill/competence,http://data.europa.eu/esco/skill/missing\n"
    )
    before_rel = OccupationSkill.objects.count()
    with pytest.raises(services.TaxonomyError) as caught:
        services.import_taxonomy(actor=Actor.system("test"), skills=skills, relations=relations)
    assert [i.line for i in caught.value.issues] == [3]
    # Nothing half-imported: not the good skill, not the good relation, no audit row.
    assert not Skill.objects.filter(code="abc-1").exists()
    assert OccupationSkill.objects.count() == before_rel
    assert not AuditEntry.objects.filter(action="skills.taxonomy.imported").exists()


@pytest.mark.django_db
def test_a_good_import_adds_skills_replaces_relations_and_is_audited() -> None:
    lasser = Occupation.objects.get(code="7212.3")
    skills = SKILLS_HEADER + _skill(
        "http://data.europa.eu/esco/skill/abc-1", "onderwater lassen", "natlassen"
    )
    relations = (
        RELATIONS_HEADER
        + f"{lasser.uri},optional,skill/competence,http://data.europa.eu/esco/skill/abc-1\n"
        + f"{lasser.uri},essential,skill/competence,urn:llo:skill:lassen\n"
    )
    counts = services.import_taxonomy(
        actor=Actor.system("test"), skills=skills, relations=relations
    )
    assert counts == {"occupations": 0, "skills": 1, "relations": 2}
    skill = Skill.objects.get(code="abc-1")
    assert skill.source == "esco"
    assert skill.labels.filter(key="natlassen").exists()
    # The relations file replaces the relations of the occupations it names.
    relations_now = OccupationSkill.objects.filter(occupation=lasser)
    assert sorted(relations_now.values_list("skill__code", "relation_type")) == [
        ("abc-1", "optional"),
        ("lassen", "essential"),
    ]
    assert AuditEntry.objects.filter(action="skills.taxonomy.imported").count() == 1


@pytest.mark.django_db
def test_a_code_never_changes_meaning() -> None:
    row = "Occupation,http://data.europa.eu/esco/occupation/o,7212,nieuwe lasser,,,,,,,,,,7212.3\n"
    with pytest.raises(services.TaxonomyError, match=r"code 7212\.3 belongs to"):
        services.import_taxonomy(actor=Actor.system("test"), occupations=OCCUPATIONS_HEADER + row)


@pytest.mark.django_db
def test_the_command_shows_every_problem_and_fails(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "rel.csv"
    path.write_text(RELATIONS_HEADER + "x,essential,skill/competence,y\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_taxonomy", relations=path, stderr=err, stdout=io.StringIO())
    assert "line 2: occupationUri x is not a known occupation" in err.getvalue()
