# SPDX-License-Identifier: EUPL-1.2
"""Turn what a person or a file says (a code, a URI, or any Dutch label) into one code, or say
clearly why not: unknown, ambiguous, or a group where an occupation is meant.

The rule for labels: a preferred label wins over alternative labels, an alternative label over
a search term (ESCO's hidden labels). "magazijnmedewerker" is the preferred name of one ESCO
occupation and another name of two more; whoever types it means the first. Within the first
kind of label that matches, several occupations make the text ambiguous
(docs/decisions/017-skills-language.md).

:class:`Resolver` looks labels up in the database one by one (forms, the API) or, with
``preload=True``, in memory (imports of many offers, the data migration).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from llo.skills import selectors
from llo.skills.codes import is_esco_code, is_isco_code, normalise
from llo.skills.models import LabelKind, Occupation, OccupationLabel, Skill, SkillLabel

_NAMED_CODE = re.compile(r"^.*\((?P<code>\d{4}(\.\d{1,3})+)\)$")


class TermError(ValueError):
    """Why a text could not be resolved. ``code`` is a stable machine code (``unknown``,
    ``ambiguous``, ``group``); ``reason`` a B1 sentence for the person who typed it."""

    def __init__(self, text: str, code: str, reason: str, candidates: tuple[str, ...] = ()):
        super().__init__(reason)
        self.text = text
        self.code = code
        self.reason = reason
        self.candidates = candidates


@dataclass(frozen=True)
class _Hit:
    code: str
    kind: str
    label: str  # the concept's preferred label


class Resolver:
    """Resolves occupation or skill texts. One instance per request or per import."""

    def __init__(self, what: str = "occupation", *, preload: bool = False) -> None:
        if what not in ("occupation", "skill"):
            raise ValueError(what)
        self.what = what
        self.model = Occupation if what == "occupation" else Skill
        self.label_model = OccupationLabel if what == "occupation" else SkillLabel
        self._labels: dict[str, list[_Hit]] | None = None
        self._codes: dict[str, str] | None = None
        self._uris: dict[str, str] | None = None
        self._cache: dict[str, str | TermError] = {}
        if preload:
            self._load()

    def _load(self) -> None:
        labels: dict[str, list[_Hit]] = defaultdict(list)
        fk = self.what
        for key, kind, code, preferred in self.label_model.objects.values_list(
            "key", "kind", f"{fk}__code", f"{fk}__preferred_label"
        ):
            labels[key].append(_Hit(code, kind, preferred))
        self._labels = dict(labels)
        self._codes = dict(self.model.objects.values_list("code", "preferred_label"))
        self._uris = dict(self.model.objects.values_list("uri", "code"))

    # --- lookups (memory or database) -----------------------------------------------------

    def _by_label(self, key: str) -> list[_Hit]:
        if self._labels is not None:
            return self._labels.get(key, [])
        fk = self.what
        return [
            _Hit(code, kind, preferred)
            for kind, code, preferred in self.label_model.objects.filter(key=key).values_list(
                "kind", f"{fk}__code", f"{fk}__preferred_label"
            )
        ]

    def _by_code(self, code: str) -> str | None:
        if self._codes is not None:
            return code if code in self._codes else None
        return code if self.model.objects.filter(code=code).exists() else None

    def _by_uri(self, uri: str) -> str | None:
        if self._uris is not None:
            return self._uris.get(uri)
        return self.model.objects.filter(uri=uri).values_list("code", flat=True).first()

    # --- resolving ------------------------------------------------------------------------

    def resolve(self, text: str) -> str:
        """The code meant by ``text``; raises :class:`TermError`."""
        text = " ".join(str(text).split())
        if text in self._cache:
            found = self._cache[text]
            if isinstance(found, TermError):
                raise found
            return found
        try:
            code = self._resolve(text)
        except TermError as exc:
            self._cache[text] = exc
            raise
        self._cache[text] = code
        return code

    def _resolve(self, text: str) -> str:
        if not text:
            raise TermError(text, "required", _("Fill in a name."))
        # "banketbakker (7512.3)": a name with its code, as the choices of an ambiguous name
        # and a form's current value show it; the code decides.
        named = _NAMED_CODE.match(text)
        if named and self.what == "occupation" and self._by_code(named["code"]):
            return named["code"]
        if "://" in text or text.startswith("urn:"):
            found = self._by_uri(text)
            if found is None:
                raise self._unknown(text)
            return found
        if self.what == "occupation" and is_esco_code(text):
            found = self._by_code(text)
            if found is None:
                raise TermError(
                    text,
                    "unknown",
                    _("There is no occupation with code %(code)s.") % {"code": text},
                )
            return found
        if self.what == "occupation" and is_isco_code(text):
            examples = [t.label for t in self._group_examples(text)]
            raise TermError(
                text,
                "group",
                _(
                    "%(code)s is a group of occupations, not one occupation. Choose one, "
                    "such as: %(examples)s."
                )
                % {"code": text, "examples": ", ".join(examples[:5]) or "-"},
                tuple(examples[:5]),
            )
        if self.what == "skill":
            found = self._by_code(text)
            if found is not None:
                return found
        hits = self._by_label(normalise(text))
        # A preferred name wins over another name, another name over a search term; within
        # the first kind that matches, one occupation is an answer, several are a question.
        for kind in (LabelKind.PREFERRED, LabelKind.ALTERNATIVE, LabelKind.HIDDEN):
            codes = sorted({h.code for h in hits if h.kind == kind})
            if len(codes) == 1:
                return codes[0]
            if len(codes) > 1:
                return self._ambiguous(text, self._distinct_names(codes, hits))
        raise self._unknown(text)

    def _group_examples(self, group: str) -> list[selectors.Term]:
        found = selectors.isco_group(group)
        if found is None:
            return []
        depth = min(t.code.count(".") for t in found.occupations)
        return [t for t in found.occupations if t.code.count(".") == depth]

    def _distinct_names(self, codes: list[str], hits: list[_Hit]) -> list[str]:
        """Names a person can type to choose: the preferred label, or the code when two
        concepts share a preferred label (four ESCO occupations do)."""
        names = {h.code: h.label for h in hits}
        missing = [c for c in codes if c not in names]
        if missing:
            labels = (
                selectors.occupation_labels(missing)
                if self.what == "occupation"
                else selectors.skill_labels(missing)
            )
            names.update(labels)
        counts: dict[str, int] = defaultdict(int)
        for c in codes:
            counts[normalise(names.get(c, c))] += 1
        out = []
        for c in codes:
            name = names.get(c, c)
            out.append(name if counts[normalise(name)] == 1 else f"{name} ({c})")
        return out

    def _ambiguous(self, text: str, names: list[str]) -> str:
        shown = names[:8]
        if self.what == "occupation":
            reason = _(
                "'%(text)s' fits more than one occupation: %(names)s. Type the name of the one "
                "you mean."
            )
        else:
            reason = _(
                "'%(text)s' fits more than one skill: %(names)s. Type the name of the one you mean."
            )
        raise TermError(
            text, "ambiguous", reason % {"text": text, "names": "; ".join(shown)}, tuple(shown)
        )

    def _unknown(self, text: str) -> TermError:
        found = (
            selectors.search_occupations(text, 5)
            if self.what == "occupation"
            else selectors.search_skills(text, 5)
        )
        names = tuple(dict.fromkeys(m.label for m in found)) or self._close(text)
        if self.what == "occupation":
            reason = _("We do not know the occupation '%(text)s'.") % {"text": text}
        else:
            reason = _("We do not know the skill '%(text)s'.") % {"text": text}
        if names:
            reason += " " + _("Did you mean: %(names)s?") % {"names": "; ".join(names)}
        return TermError(text, "unknown", reason, names)

    def _close(self, text: str) -> tuple[str, ...]:
        """Typo tolerance for the suggestions: preferred names that look like the text."""
        if self._codes is not None:
            names = list(self._codes.values())
        else:
            names = list(self.model.objects.values_list("preferred_label", flat=True))
        by_key = {normalise(n): n for n in names}
        close = difflib.get_close_matches(normalise(text), list(by_key), n=5, cutoff=0.8)
        return tuple(by_key[k] for k in close)

    def resolve_all(self, texts: Iterable[str]) -> tuple[list[str], list[TermError]]:
        """Codes of every text that resolves (each once, in order) and the errors of the rest."""
        codes: list[str] = []
        errors: list[TermError] = []
        for text in texts:
            if not str(text).strip():
                continue
            try:
                code = self.resolve(text)
            except TermError as exc:
                errors.append(exc)
                continue
            if code not in codes:
                codes.append(code)
        return codes, errors


def resolve_occupation(text: str) -> str:
    return Resolver("occupation").resolve(text)


def resolve_skill(text: str) -> str:
    return Resolver("skill").resolve(text)


def resolve_listed_code(text: str) -> str:
    """For a funder's condition or a sector list: an ISCO-08 group code (any level) that has
    occupations, or an ESCO occupation (by code, URI or label)."""
    text = " ".join(str(text).split())
    if is_isco_code(text):
        if selectors.isco_group(text) is None:
            raise TermError(
                text,
                "unknown",
                _("There is no group of occupations with code %(code)s.") % {"code": text},
            )
        return text
    return Resolver("occupation").resolve(text)
