# SPDX-License-Identifier: EUPL-1.2
"""The taxonomy packaged with llo (data/ATTRIBUTION.md): ESCO's 3,007 Dutch occupations and
llo's own small set of skills and relations. Loaded by a migration, so every database has it."""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Any

from llo.skills import taxonomy
from llo.skills.store import taxonomy as store

FILES = ("occupations_nl.csv", "skills_nl.csv", "occupationSkillRelations_nl.csv")
LLO_LABELS = "llo_labels.csv"


def read_packaged() -> taxonomy.Taxonomy:
    data = resources.files("llo.skills").joinpath("data")
    texts = [data.joinpath(name).read_text(encoding="utf-8-sig") for name in FILES]
    return taxonomy.read(occupations=texts[0], skills=texts[1], relations=texts[2])


def llo_labels() -> list[tuple[str, str]]:
    """(label, occupation code) of the Dutch names llo adds (data/llo_labels.csv)."""
    text = resources.files("llo.skills").joinpath(f"data/{LLO_LABELS}").read_text("utf-8")
    return [(row["label"], row["occupation"]) for row in csv.DictReader(io.StringIO(text))]


def load(
    occupation_model: Any,
    skill_model: Any,
    relation_model: Any,
    occupation_label_model: Any,
    skill_label_model: Any,
) -> dict[str, int]:
    """Insert or update the packaged taxonomy and llo's own labels; safe to run again."""
    counts = store.write(
        read_packaged(),
        occupation_model=occupation_model,
        skill_model=skill_model,
        relation_model=relation_model,
        occupation_label_model=occupation_label_model,
        skill_label_model=skill_label_model,
    )
    store.add_labels(llo_labels(), occupation_model, occupation_label_model)
    return counts
