# SPDX-License-Identifier: EUPL-1.2
"""Write a checked taxonomy (:mod:`llo.skills.taxonomy`) in bulk.

Takes the model classes as arguments so the data migration can pass its historical models
(like ``llo.regions.reference.load``). Decides nothing: the caller has checked the files and
holds the transaction. Concepts are matched on their URI: a concept that exists is updated, a
new one inserted; a relations file replaces the relations of the occupations it names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from llo.skills.codes import normalise
from llo.skills.taxonomy import Issue, OccupationRow, SkillRow, Taxonomy

BATCH = 2000
T = TypeVar("T")
Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


def _chunks(items: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing(model: Any, uris: Iterable[str]) -> dict[str, tuple[int, str]]:
    """URI → (id, code) of the concepts llo holds already, for the given URIs."""
    found: dict[str, tuple[int, str]] = {}
    for part in _chunks(sorted(set(uris)), 900):
        for pk, uri, code in model.objects.filter(uri__in=part).values_list("id", "uri", "code"):
            found[uri] = (pk, code)
    return found


def code_conflicts(model: Any, rows: Sequence[OccupationRow | SkillRow], file: str) -> list[Issue]:
    """Codes that would change meaning: an existing concept with another code, or a code that
    another concept holds. Offers and statements store codes, so a code never moves."""
    issues: list[Issue] = []
    known = existing(model, (r.uri for r in rows))
    for row in rows:
        if row.uri in known and known[row.uri][1] != row.code:
            issues.append(
                Issue(file, 0, f"{row.uri} has code {known[row.uri][1]} in llo, not {row.code}")
            )
    wanted = {r.code: r.uri for r in rows}
    for part in _chunks(sorted(wanted), 900):
        for code, uri in model.objects.filter(code__in=part).values_list("code", "uri"):
            if wanted[code] != uri:
                issues.append(Issue(file, 0, f"code {code} belongs to {uri} in llo"))
    return issues


_OCC_FIELDS = ("isco_group", "preferred_label", "alt_labels", "hidden_labels", "description")
_SKILL_FIELDS = (
    "skill_type",
    "reuse_level",
    "preferred_label",
    "alt_labels",
    "hidden_labels",
    "description",
)


def _labels(row: OccupationRow | SkillRow) -> list[tuple[str, str, str]]:
    """(text, key, kind) of every label of a concept, each key once, preferred first."""
    out: list[tuple[str, str, str]] = []
    keys: set[str] = set()
    for kind, texts in (
        ("preferred", (row.preferred_label,)),
        ("alternative", row.alt_labels),
        ("hidden", row.hidden_labels),
    ):
        for text in texts:
            key = normalise(text)
            if key and key not in keys:
                keys.add(key)
                out.append((text[:255], key[:255], kind))
    return out


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _ids(model: Any, uris: Iterable[str]) -> dict[str, int]:
    return {uri: pk for uri, (pk, _code) in existing(model, uris).items()}


def _upsert(
    model: Any,
    label_model: Any,
    fk: str,
    rows: Sequence[OccupationRow | SkillRow],
    fields: tuple[str, ...],
    step: str,
    progress: Progress,
) -> dict[str, int]:
    known = existing(model, (r.uri for r in rows))
    total = len(rows)
    done = 0
    progress(step, 0, total)
    for part in _chunks(rows):
        new = []
        changed = []
        for row in part:
            values = {f: _plain(getattr(row, f)) for f in fields}
            values.update(code=row.code, uri=row.uri, source=row.source)
            if row.uri in known:
                changed.append(model(id=known[row.uri][0], **values))
            else:
                new.append(model(**values))
        if new:
            model.objects.bulk_create(new)
        if changed:
            model.objects.bulk_update(changed, fields)
        done += len(part)
        progress(step, done, total)
    ids = _ids(model, (r.uri for r in rows))
    # Labels: every label of the touched concepts, written again.
    touched = sorted(ids.values())
    for some in _chunks(touched, 900):
        label_model.objects.filter(**{f"{fk}__in": some}).delete()
    labels = [
        label_model(**{f"{fk}_id": ids[row.uri]}, text=text, key=key, kind=kind)
        for row in rows
        for text, key, kind in _labels(row)
    ]
    for written in _chunks(labels):
        label_model.objects.bulk_create(written)
    return ids


def write(
    taxonomy: Taxonomy,
    *,
    occupation_model: Any,
    skill_model: Any,
    relation_model: Any,
    occupation_label_model: Any,
    skill_label_model: Any,
    progress: Progress = _no_progress,
) -> dict[str, int]:
    """Write the taxonomy; returns counts. The caller holds the transaction."""
    _upsert(
        occupation_model,
        occupation_label_model,
        "occupation",
        taxonomy.occupations,
        _OCC_FIELDS,
        "occupations",
        progress,
    )
    _upsert(
        skill_model, skill_label_model, "skill", taxonomy.skills, _SKILL_FIELDS, "skills", progress
    )
    relations = taxonomy.relations
    if relations:
        occ_ids = _ids(occupation_model, (r.occupation_uri for r in relations))
        skill_ids = _ids(skill_model, (r.skill_uri for r in relations))
        for ids in _chunks(sorted(set(occ_ids.values())), 900):
            relation_model.objects.filter(occupation_id__in=ids).delete()
        total = len(relations)
        progress("relations", 0, total)
        done = 0
        for batch in _chunks(relations):
            relation_model.objects.bulk_create(
                [
                    relation_model(
                        occupation_id=occ_ids[r.occupation_uri],
                        skill_id=skill_ids[r.skill_uri],
                        relation_type=r.relation_type,
                    )
                    for r in batch
                ]
            )
            done += len(batch)
            progress("relations", done, total)
    return {
        "occupations": len(taxonomy.occupations),
        "skills": len(taxonomy.skills),
        "relations": len(relations),
    }


def add_labels(labels: Iterable[tuple[str, str]], occupation_model: Any, label_model: Any) -> int:
    """Add alternative labels to occupations (by code) where they lack them; returns how many
    were added. Used for llo's own Dutch names after the ESCO files are written."""
    wanted = list(labels)
    ids = dict(
        occupation_model.objects.filter(code__in=[c for _t, c in wanted]).values_list("code", "id")
    )
    missing = [c for _t, c in wanted if c not in ids]
    if missing:
        raise ValueError(f"llo's own labels name unknown occupations: {', '.join(missing)}")
    have = set(
        label_model.objects.filter(occupation_id__in=list(ids.values())).values_list(
            "occupation_id", "key"
        )
    )
    new = []
    for text, code in wanted:
        key = normalise(text)
        if (ids[code], key) not in have:
            have.add((ids[code], key))
            new.append(label_model(occupation_id=ids[code], text=text, key=key, kind="alternative"))
    label_model.objects.bulk_create(new)
    return len(new)
