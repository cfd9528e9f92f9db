# SPDX-License-Identifier: EUPL-1.2
"""RDF Dataset Canonicalization (W3C RDFC-1.0) of JSON-LD documents, within limits.

Two paths give the same bytes (a property test holds them to it):

* **the reference path**: pyld expands the document with the bundled contexts only
  (:mod:`llo.credentials.contexts`), in "safe mode" (a property its contexts do not define is an
  error, as in jsonld-signatures: an undefined field would otherwise be dropped and so left
  unsigned), turns it into RDF and canonicalises it with pyld's URDNA2015 (the algorithm
  RDFC-1.0 standardised), with a budget on the Hash N-Degree Quads work and on time;
* **the fast path**: JSON-LD expansion is the costly part, and it depends on a document's
  *shape* (its keys, array lengths, types and contexts), not on its text values. The first
  document of a shape is expanded once with every text value replaced by a placeholder; that
  gives a template of RDF statements. Later documents of the same shape fill the template
  with their values and only the (cheap) blank-node labelling and sorting is done per
  document. A value that lands where an IRI belongs is only trusted when it is a plain
  absolute IRI; otherwise it becomes part of the shape (so ``assertionMethod`` in a
  ``@vocab`` position is expanded by pyld as usual). When blank nodes cannot be told apart by
  their first-degree hashes, the reference path is used.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.nquads import escape

from llo.credentials.contexts import BUNDLED, check_contexts, defined_terms, document_loader
from llo.credentials.errors import CredentialError
from llo.credentials.limits import DEFAULT_LIMITS, Limits, check_depth

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# --- the reference path -----------------------------------------------------------------------


class _Budget(URDNA2015):
    """URDNA2015 that stops when a dataset makes it work too hard (RDFC-1.0 section 4.4)."""

    def __init__(self, limits: Limits, deadline: float) -> None:
        super().__init__()
        self._limits = limits
        self._deadline = deadline
        self._deep = 0

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        self._deep += 1
        if self._deep > self._limits.max_deep_hashes or time.monotonic() > self._deadline:
            raise CredentialError("too-much-work", f"{self._deep} deep hashes")
        return super().hash_n_degree_quads(id_, issuer)


def _dropped(name: str | None) -> None:
    raise CredentialError("undefined-term", str(name)[:200])


_resolved_contexts = jsonld.LRUCache(maxsize=64)


def _options() -> dict[str, Any]:
    return {
        "base": "",
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_resolved_contexts, document_loader),
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
        "produceGeneralizedRdf": False,
    }


def _cause(exc: BaseException) -> CredentialError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, CredentialError):
            return seen
        seen = seen.__cause__ or seen.__context__
    details = getattr(exc, "details", None)
    if isinstance(details, dict):
        for value in details.values():
            if isinstance(value, BaseException):
                found = _cause(value)
                if found:
                    return found
    return None


def to_dataset(doc: Any, limits: Limits = DEFAULT_LIMITS) -> dict[str, list[dict[str, Any]]]:
    """The RDF dataset of ``doc`` (pyld's form), expanded in safe mode."""
    processor = jsonld.JsonLdProcessor(on_property_dropped=_dropped)
    try:
        dataset = processor.to_rdf(doc, _options())
    except CredentialError:
        raise
    except RecursionError as exc:
        raise CredentialError("too-deep") from exc
    except Exception as exc:  # pyld raises JsonLdError and, on odd input, anything
        found = _cause(exc)
        if found is not None:
            raise found from exc
        raise CredentialError("jsonld", str(exc)[:200]) from exc
    count = sum(len(triples) for triples in dataset.values())
    if count > limits.max_quads:
        raise CredentialError("too-many-statements", f"{count} statements")
    return dataset


def reference_canonize(doc: Any, limits: Limits = DEFAULT_LIMITS) -> str:
    """RDFC-1.0 canonical N-Quads of ``doc`` with pyld alone (no template)."""
    check_depth(doc, limits)
    check_contexts(doc)
    deadline = time.monotonic() + limits.max_seconds
    dataset = to_dataset(doc, limits)
    try:
        return str(_Budget(limits, deadline).main(dataset, {"format": "application/n-quads"}))
    except CredentialError:
        raise
    except RecursionError as exc:
        raise CredentialError("too-much-work", "recursion") from exc


# --- the fast path ----------------------------------------------------------------------------

PLACEHOLDER = "urn:x-llo-placeholder:"
_PLACEHOLDER_RE = re.compile(r"urn:x-llo-placeholder:(\d+)\Z")
_SAFE_IRI = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):[^\x00-\x20<>\"{}|\\^`]*\Z")
#: Keys whose values shape the expansion: kept in the shape, never a placeholder.
_STRUCTURAL = frozenset({"type", "@type", "@language", "@direction", "@vocab", "@base"})
_NOT_A_LEAF = _STRUCTURAL | {"@context"}

# A component of a template statement: text as it is, an IRI slot or a literal slot.
_Const = tuple[str, str]  # ("c", "<iri>" | "_:b0" | '"lit"^^<dt>')
_IriSlot = tuple[str, int]  # ("i", leaf index)
_LitSlot = tuple[str, int, str]  # ("l", leaf index, '^^<dt>' | '@lang' | '')
_Comp = Any


@dataclass(frozen=True)
class Template:
    quads: tuple[tuple[_Comp, _Comp, _Comp, _Comp | None], ...]
    iri_slots: frozenset[int]
    #: Blank node -> the statements of ``quads`` that mention it, once per mention (RDFC-1.0
    #: 4.6). Blank nodes come only from the template (a value is never one): fixed per shape.
    mentions: tuple[tuple[str, tuple[int, ...]], ...] = ()
    #: Statements with neither a value nor a blank node: the same canonical line in every
    #: document of the shape, so serialised once ("canonicalise the fixed parts once").
    fixed_lines: tuple[str, ...] = ()
    #: Per statement of ``quads``: the values it uses, and whether it has a blank node.
    deps: tuple[frozenset[int], ...] = ()
    blank: tuple[bool, ...] = ()
    #: The last document's values and lines, to reuse the lines of statements whose values
    #: did not change (a cohort shares its achievement and issuer). One immutable tuple, so
    #: threads see either the old or the new memo, never half of one.
    memo: list[Any] = field(default_factory=lambda: [None], compare=False, hash=False)


class _Unusable(Exception):
    """This shape cannot be templated; use the reference path."""


def _freeze(value: Any) -> Any:
    if type(value) is list and all(type(v) is str for v in value):
        return tuple(value)
    if isinstance(value, list):
        return ("l", *(_freeze(v) for v in value))
    if isinstance(value, dict):
        return ("d", *((k, _freeze(v)) for k, v in value.items()))
    return ("v", type(value).__name__, value)


def _context_key(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Unusable("an inline context")
    for url in value:
        if url not in BUNDLED:
            raise CredentialError("unknown-context", url[:200])
    return tuple(value)


def _shape(node: Any, leaves: list[str], depth: int, max_depth: int) -> Any:
    """The shape of ``node`` (its text values appended to ``leaves``, in the order
    :func:`_probe` numbers them); checks the depth and the contexts on the way, so the fast
    path walks the document once. Text values are handled inline: they are most nodes."""
    kind = type(node)
    if kind is dict:
        if depth > max_depth:
            raise CredentialError("too-deep", f"deeper than {max_depth} levels")
        items: list[Any] = []
        append = items.append
        for key, value in node.items():
            if type(value) is str and key not in _NOT_A_LEAF:
                leaves.append(value)
                append(key)
            elif key == "@context":
                append((key, _context_key(value)))
            elif key in _STRUCTURAL:
                append((key, _freeze(value)))
            else:
                append((key, _shape(value, leaves, depth + 1, max_depth)))
        return ("d", *items)
    if kind is list:
        if depth > max_depth:
            raise CredentialError("too-deep", f"deeper than {max_depth} levels")
        return ("l", *(_shape(v, leaves, depth + 1, max_depth) for v in node))
    if kind is str:
        leaves.append(node)
        return "s"
    if isinstance(node, dict | list | str):  # subclasses: the slow, general way
        return _shape(json.loads(json.dumps(node)), leaves, depth, max_depth)
    return ("v", kind.__name__, node)


def _probe(node: Any, counter: list[int], keep: dict[int, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                value if key == "@context" or key in _STRUCTURAL else _probe(value, counter, keep)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_probe(v, counter, keep) for v in node]
    if isinstance(node, str):
        i = counter[0]
        counter[0] += 1
        return keep.get(i, f"{PLACEHOLDER}{i}")
    return node


def _component(term: dict[str, Any], literal_ok: bool) -> _Comp:
    kind = term["type"]
    value = term["value"]
    if kind == "IRI":
        m = _PLACEHOLDER_RE.match(value)
        if m:
            return ("i", int(m.group(1)))
        if PLACEHOLDER in value:
            raise _Unusable("a placeholder inside an IRI")
        return ("c", f"<{value}>")
    if kind == "blank node":
        return ("c", value)
    if not literal_ok:
        raise _Unusable("a literal in a subject position")
    datatype = term.get("datatype", XSD_STRING)
    if datatype == RDF_LANGSTRING:
        suffix = "@" + term["language"] if term.get("language") else ""
    elif datatype != XSD_STRING:
        if PLACEHOLDER in datatype:
            raise _Unusable("a placeholder datatype")
        suffix = f"^^<{datatype}>"
    else:
        suffix = ""
    m = _PLACEHOLDER_RE.match(value)
    if m:
        return ("l", int(m.group(1)), suffix)
    if PLACEHOLDER in value:
        raise _Unusable("a placeholder inside a literal")
    return ("c", f'"{escape(value)}"{suffix}')


def _template(doc: Any, keep: dict[int, str], limits: Limits) -> Template:
    probe = _probe(doc, [0], keep)
    dataset = to_dataset(probe, limits)
    quads = []
    iri_slots: set[int] = set()
    for graph, triples in dataset.items():
        graph_comp: _Comp | None = None
        if graph != "@default":
            graph_comp = ("c", graph if graph.startswith("_:") else f"<{graph}>")
            if PLACEHOLDER in graph:
                raise _Unusable("a placeholder graph name")
        for triple in triples:
            if PLACEHOLDER in triple["predicate"]["value"]:
                raise _Unusable("a placeholder predicate")
            s = _component(triple["subject"], literal_ok=False)
            p = ("c", f"<{triple['predicate']['value']}>")
            o = _component(triple["object"], literal_ok=True)
            for comp in (s, o):
                if comp[0] == "i":
                    iri_slots.add(comp[1])
            quads.append((s, p, o, graph_comp))
    fixed: list[str] = []
    dynamic = []
    for quad in quads:
        comps = [c for c in quad if c is not None]
        if all(c[0] == "c" for c in comps) and not any(c[1].startswith("_:") for c in comps):
            g = quad[3]
            fixed.append(_line(quad[0][1], quad[1][1], quad[2][1], g[1] if g else None))
        else:
            dynamic.append(quad)
    mentions: dict[str, list[int]] = {}
    for i, quad in enumerate(dynamic):
        for comp in (quad[0], quad[2], quad[3]):
            if comp is not None and comp[0] == "c" and comp[1].startswith("_:"):
                mentions.setdefault(comp[1], []).append(i)
    deps: tuple[frozenset[int], ...] = tuple(
        frozenset(int(c[1]) for c in quad if c is not None and c[0] != "c") for quad in dynamic
    )
    blank = tuple(
        any(c is not None and c[0] == "c" and c[1].startswith("_:") for c in quad)
        for quad in dynamic
    )
    return Template(
        tuple(dynamic),
        frozenset(iri_slots),
        tuple((node, tuple(idx)) for node, idx in mentions.items()),
        tuple(fixed),
        deps,
        blank,
    )


class _TemplateCache:
    """Shape -> template, least recently used out; ``None`` marks a shape to skip."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._items: OrderedDict[Any, Template | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Template | bool | None:
        with self._lock:
            if key not in self._items:
                return False
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Any, template: Template | None) -> None:
        with self._lock:
            self._items[key] = template
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_cache = _TemplateCache()


def clear_cache() -> None:
    _cache.clear()


def _safe_iri(value: str) -> bool:
    m = _SAFE_IRI.match(value)
    if m is None:
        return False
    return m.group(1) not in defined_terms() and PLACEHOLDER not in value


_ESCAPE = re.compile(r'[\\"\n\r\t]')


def _literal(value: str) -> str:
    return escape(value) if _ESCAPE.search(value) else value


Quad = tuple[str, str, str, str | None]


def _fill(template: Template, leaves: Sequence[str]) -> tuple[list[Quad], bool]:
    """The template's statements with these values; and whether two came out equal (then
    the blank-node index of the template no longer holds)."""
    out: list[Quad] = []
    for s, p, o, g in template.quads:
        subject = s[1] if s[0] == "c" else f"<{leaves[s[1]]}>"
        kind = o[0]
        if kind == "c":
            obj = o[1]
        elif kind == "i":
            obj = f"<{leaves[o[1]]}>"
        else:
            obj = f'"{_literal(leaves[o[1]])}"{o[2]}'
        out.append((subject, p[1], obj, g[1] if g else None))
    unique = list(dict.fromkeys(out))  # two equal values in a set are one statement in RDF
    return unique, len(unique) != len(out)


def _fill_one(quad: tuple[_Comp, _Comp, _Comp, _Comp | None], leaves: Sequence[str]) -> Quad:
    s, p, o, g = quad
    subject = s[1] if s[0] == "c" else f"<{leaves[s[1]]}>"
    kind = o[0]
    if kind == "c":
        obj = o[1]
    elif kind == "i":
        obj = f"<{leaves[o[1]]}>"
    else:
        obj = f'"{_literal(leaves[o[1]])}"{o[2]}'
    return (subject, p[1], obj, g[1] if g else None)


def canonize_template(template: Template, leaves: Sequence[str]) -> str | None:
    """RDFC-1.0 of a document of ``template``'s shape with these values; statements whose
    values are those of the previous document keep their line (no serialising again).
    ``None`` when blank nodes need the n-degree step."""
    memo = template.memo[0]
    if memo is not None and len(memo[0]) == len(leaves):
        old_leaves, old_lines = memo
        changed = {i for i, (a, b) in enumerate(zip(leaves, old_leaves, strict=True)) if a != b}
    else:
        old_lines, changed = None, None
    lines: list[str | None] = []
    out: list[str] = []
    with_blank: list[Quad] = []
    for n, quad in enumerate(template.quads):
        if template.blank[n]:
            with_blank.append(_fill_one(quad, leaves))
            lines.append(None)
            continue
        if old_lines is not None and changed is not None and not (template.deps[n] & changed):
            line = old_lines[n]
        else:
            line = _line(*_fill_one(quad, leaves))
        lines.append(line)
        out.append(line)
    template.memo[0] = (tuple(leaves), lines)
    with_blank = list(dict.fromkeys(with_blank))
    labelled = _canonical_lines(with_blank, None)
    if labelled is None:
        return None
    out += template.fixed_lines
    out += labelled
    out = list(set(out))  # a statement twice (equal values in a set) is one statement
    out.sort()
    return "".join(out)


def _line(s: str, p: str, o: str, g: str | None) -> str:
    return f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"


def blank_mentions(quads: Sequence[Quad]) -> list[tuple[str, list[int]]]:
    mentions: dict[str, list[int]] = {}
    for i, (s, _p, o, g) in enumerate(quads):
        for comp in (s, o, g):
            if comp is not None and comp.startswith("_:"):
                mentions.setdefault(comp, []).append(i)
    return list(mentions.items())


def canonize_quads(
    quads: Sequence[Quad],
    mentions: Sequence[tuple[str, Sequence[int]]] | None = None,
    fixed: Sequence[str] = (),
) -> str | None:
    """RDFC-1.0 of serialised statements (``fixed``: canonical lines of statements without a
    blank node, ready) when every blank node has its own first-degree hash (the usual case);
    ``None`` when the n-degree step would be needed."""
    lines = _canonical_lines(quads, mentions)
    if lines is None:
        return None
    if fixed:
        lines = list(set(lines) | set(fixed))  # a filled statement may equal a fixed one
    lines.sort()
    return "".join(lines)


def _canonical_lines(
    quads: Sequence[Quad], mentions: Sequence[tuple[str, Sequence[int]]] | None
) -> list[str] | None:
    """The canonical lines (unsorted) of these statements, blank nodes labelled by their
    first-degree hashes; None when two blank nodes hash alike (the n-degree step)."""
    if mentions is None:
        mentions = blank_mentions(quads)
    labels: dict[str, str] = {}
    if len(mentions) == 1:
        labels[mentions[0][0]] = "_:c14n0"  # one blank node: its label needs no hash
    elif mentions:
        by_hash: dict[str, str] = {}
        for node, indexes in mentions:
            lines = []
            for i in indexes:
                s, p, o, g = quads[i]
                lines.append(
                    _line(
                        _relabel_first(s, node),
                        p,
                        _relabel_first(o, node),
                        _relabel_first(g, node) if g is not None else None,
                    )
                )
            lines.sort()
            digest = hashlib.sha256("".join(lines).encode()).hexdigest()
            if digest in by_hash:
                return None
            by_hash[digest] = node
        for n, digest in enumerate(sorted(by_hash)):
            labels[by_hash[digest]] = f"_:c14n{n}"
    if not labels:
        return [_line(s, p, o, g) for s, p, o, g in quads]
    return [
        _line(
            labels.get(s, s),
            p,
            labels.get(o, o),
            labels.get(g, g) if g is not None else None,
        )
        for s, p, o, g in quads
    ]


def _relabel_first(comp: str, node: str) -> str:
    if comp.startswith("_:"):
        return "_:a" if comp == node else "_:z"
    return comp


def fast_template(doc: Any, limits: Limits) -> tuple[Template, list[str]] | None:
    """``doc``'s shape's template and its values (None: not templatable)."""
    leaves: list[str] = []
    try:
        base = _shape(doc, leaves, 1, limits.max_depth)
    except _Unusable:
        return None
    info = _cache.get(base)
    if info is False:
        try:
            info = _template(doc, {}, limits)
        except _Unusable:
            info = None
        _cache.put(base, info)
    if info is None:
        return None
    assert isinstance(info, Template)
    keep = {i: leaves[i] for i in sorted(info.iri_slots) if not _safe_iri(leaves[i])}
    template = info
    if keep:
        key = (base, tuple(keep.items()))
        found = _cache.get(key)
        if found is False:
            try:
                found = _template(doc, keep, limits)
            except _Unusable:
                found = None
            _cache.put(key, found)
        if found is None:
            return None
        assert isinstance(found, Template)
        template = found
    return template, leaves


def fast_quads(doc: Any, limits: Limits) -> list[Quad] | None:
    """The statements of ``doc`` through its shape's template (for tests and tools)."""
    found = fast_template(doc, limits)
    if found is None:
        return None
    template, leaves = found
    quads, _merged = _fill(template, leaves)
    return quads


def canonize(doc: Any, limits: Limits = DEFAULT_LIMITS) -> str:
    """The RDFC-1.0 canonical N-Quads of the JSON-LD document ``doc``.

    Raises CredentialError for an unknown context, an undefined term, too many statements
    or too much work; never fetches anything.
    """
    fast = fast_template(doc, limits)
    if fast is not None:
        template, leaves = fast
        count = len(template.quads) + len(template.fixed_lines)
        if count > limits.max_quads:
            raise CredentialError("too-many-statements", f"{count} statements")
        result = canonize_template(template, leaves)
        if result is not None:
            return result
    return reference_canonize(doc, limits)
