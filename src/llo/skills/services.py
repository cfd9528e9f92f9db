# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the skills language: importing a taxonomy in ESCO's CSV layouts.

One transaction, with its audit record: a file with a broken relation, an unknown column or a
code that would change meaning is refused whole (:class:`TaxonomyError`), nothing is written.
"""

from __future__ import annotations

from typing import IO

from django.db import transaction

from llo.core import audit
from llo.skills import reference, selectors, taxonomy
from llo.skills.models import Occupation, OccupationLabel, OccupationSkill, Skill, SkillLabel
from llo.skills.store import taxonomy as store
from llo.skills.taxonomy import TaxonomyError

__all__ = ["TaxonomyError", "import_taxonomy"]


def import_taxonomy(
    *,
    actor: audit.Actor,
    occupations: IO[str] | str | None = None,
    skills: IO[str] | str | None = None,
    relations: IO[str] | str | None = None,
    names: tuple[str, str, str] = (
        "occupations_nl.csv",
        "skills_nl.csv",
        "occupationSkillRelations_nl.csv",
    ),
    progress: store.Progress = store._no_progress,
) -> dict[str, int]:
    """Check the files whole, then add or update their concepts and relations."""
    if occupations is None and skills is None and relations is None:
        raise TaxonomyError([taxonomy.Issue("-", 0, "give at least one file")])
    given = (occupations, skills, relations)
    with transaction.atomic():
        progress("checking", 0, 1)
        parsed = taxonomy.read(
            occupations=occupations,
            skills=skills,
            relations=relations,
            names=names,
            known_occupations=lambda uris: set(store.existing(Occupation, uris)),
            known_skills=lambda uris: set(store.existing(Skill, uris)),
        )
        issues = store.code_conflicts(Occupation, parsed.occupations, names[0])
        issues += store.code_conflicts(Skill, parsed.skills, names[1])
        if issues:
            raise TaxonomyError(issues)
        progress("checking", 1, 1)
        counts = store.write(
            parsed,
            occupation_model=Occupation,
            skill_model=Skill,
            relation_model=OccupationSkill,
            occupation_label_model=OccupationLabel,
            skill_label_model=SkillLabel,
            progress=progress,
        )
        # An ESCO import writes the labels of its occupations again: put llo's own back.
        store.add_labels(reference.llo_labels(), Occupation, OccupationLabel)
        audit.record(
            actor=actor,
            action="skills.taxonomy.imported",
            subject=("skills.Taxonomy", "import"),
            after={**counts, "files": [n for n, f in zip(names, given, strict=True) if f]},
        )
    selectors.clear_caches()
    return counts
