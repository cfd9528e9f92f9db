# SPDX-License-Identifier: EUPL-1.2
"""Batch signing of a cohort: many credentials of one achievement that differ only in a few
values (the learner's name, the credential id, the status index, the activity dates).

Everything that does not change is done once per cohort: the JSON-LD expansion (the shape's
template, :mod:`llo.credentials.rdfc`), the canonical lines of every statement that uses no
varying value, the hash of the proof configuration, and the JSON text around the varying
values. Per credential only the statements with a varying value or a blank node are
serialised, merged into the sorted fixed lines, hashed and signed, and the JSON text and the
JWS are put together. The result is byte for byte what :func:`eddsa.sign` and a JWS over the
same JSON give (tests/credentials/test_batch.py); Ed25519 is deterministic, so even the proof
values are equal.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from llo.credentials import eddsa, jose, rdfc
from llo.credentials.limits import DEFAULT_LIMITS, Limits
from llo.credentials.multibase import b58encode

Path = tuple[str | int, ...]
_MARK = "\u0000llo-value-{}\u0000"


def leaf_paths(node: Any, path: Path = ()) -> list[Path]:
    """The paths of the text values of ``node`` in the order the template numbers them."""
    out: list[Path] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in rdfc._NOT_A_LEAF:
                continue
            out += leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += leaf_paths(value, (*path, i))
    elif isinstance(node, str):
        out.append(path)
    return out


def _set(doc: Any, path: Path, value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class Signed:
    document: str  # the JSON-LD text with its eddsa-rdfc-2022 proof (compact JSON)
    jwt: str  # VC-JOSE of the same credential


class Cohort:
    """Sign credentials shaped like ``prototype`` whose values differ only at ``varying``."""

    def __init__(
        self,
        prototype: dict[str, Any],
        varying: Sequence[Path],
        key: Ed25519PrivateKey,
        verification_method: str,
        created: dt.datetime,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        found = rdfc.fast_template(prototype, limits)
        if found is None:
            raise ValueError("this credential has no template: sign it one by one")
        template, leaves = found
        paths = leaf_paths(prototype)
        index = {p: i for i, p in enumerate(paths)}
        missing = [p for p in varying if p not in index]
        if missing:
            raise ValueError(f"not a text value of the prototype: {missing}")
        self.varying = list(varying)
        self._slots = [index[p] for p in varying]
        self._template = template
        self._leaves = list(leaves)
        slots = set(self._slots)
        fixed: list[str] = list(template.fixed_lines)
        self._dynamic: list[int] = []
        for n, quad in enumerate(template.quads):
            if template.blank[n] or template.deps[n] & slots:
                self._dynamic.append(n)
            else:
                fixed.append(rdfc._line(*rdfc._fill_one(quad, leaves)))
        self._fixed = sorted(set(fixed))
        self._blank_labels(template, leaves, slots)
        self._key = key
        stamp = eddsa._created(created)
        config = eddsa.proof_config(prototype, verification_method, stamp, "assertionMethod")
        self._head = hashlib.sha256(rdfc.canonize(config, limits).encode()).digest()
        self._proof_prefix = json.dumps(
            {k: v for k, v in config.items() if k != "@context"}, ensure_ascii=False,
            separators=(",", ":"),
        )[:-1] + ',"proofValue":"z'  # fmt: skip
        # The JSON text around the varying values (compact, as the JWS payload).
        marked = json.loads(json.dumps(prototype))
        for n, path in enumerate(self.varying):
            _set(marked, path, _MARK.format(n))
        text = json.dumps(marked, ensure_ascii=False, separators=(",", ":"))
        self._pieces: list[str] = []
        self._order: list[int] = []
        rest = text
        while True:
            at = [(rest.find(json.dumps(_MARK.format(n))), n) for n in range(len(self.varying))]
            at = [(i, n) for i, n in at if i >= 0]
            if not at:
                self._pieces.append(rest)
                break
            i, n = min(at)
            self._pieces.append(rest[:i])
            self._order.append(n)
            rest = rest[i + len(json.dumps(_MARK.format(n))) :]
        self._jws_head = _b64(
            json.dumps(
                {"alg": jose.ALG, "typ": jose.TYP, "cty": "vc", "kid": verification_method},
                separators=(",", ":"),
            ).encode()
        )

    def _blank_labels(self, template: rdfc.Template, leaves: list[str], slots: set[int]) -> None:
        """What RDFC-1.0's blank-node labelling (section 4.4-4.6, first-degree hashes) needs
        per credential, prepared once: the blank nodes come only from the template, so which
        statements mention which node is the same for every credential; a node whose
        statements use no varying value has the same hash in every credential. Per credential
        only the hashes of the other nodes are made, and the lines of the fixed statements
        with blank nodes are kept per labelling (bench/credentials: the labelling was a fifth
        of a cohort credential's own work beside the two signatures)."""
        self._plain_dynamic = [n for n in self._dynamic if not template.blank[n]]
        self._blank = [n for n in self._dynamic if template.blank[n]]
        self._blank_varying = {i for i, n in enumerate(self._blank) if template.deps[n] & slots}
        self._blank_quads = [rdfc._fill_one(template.quads[n], leaves) for n in self._blank]
        self._mentions = rdfc.blank_mentions(self._blank_quads)
        # Per node: the lines of its statements that do not change, relabelled for its hash,
        # and the indexes of those that do; the digest itself when none does.
        self._node_fixed: list[list[str]] = []
        self._node_varying: list[list[int]] = []
        self._node_digest: list[str | None] = []
        for node, indexes in self._mentions:
            fixed_lines = [
                self._relabelled(self._blank_quads[i], node)
                for i in indexes
                if i not in self._blank_varying
            ]
            varying = [i for i in indexes if i in self._blank_varying]
            self._node_fixed.append(fixed_lines)
            self._node_varying.append(varying)
            digest = None
            if not varying:
                digest = hashlib.sha256("".join(sorted(fixed_lines)).encode()).hexdigest()
            self._node_digest.append(digest)
        self._labelled_fixed: dict[tuple[str, ...], list[str]] = {}

    @staticmethod
    def _relabelled(quad: rdfc.Quad, node: str) -> str:
        s, p, o, g = quad
        first = rdfc._relabel_first
        return rdfc._line(first(s, node), p, first(o, node), first(g, node) if g else None)

    def _blank_lines(self, leaves: list[str]) -> list[str] | None:
        """The canonical lines of the statements with blank nodes (as
        ``rdfc._canonical_lines``); None when two nodes hash alike (the n-degree step)."""
        template = self._template
        quads = self._blank_quads.copy()
        for i in self._blank_varying:
            quads[i] = rdfc._fill_one(template.quads[self._blank[i]], leaves)
        if len(set(quads)) != len(quads):  # equal values made two statements one
            return rdfc._canonical_lines(list(dict.fromkeys(quads)), None)
        nodes = [node for node, _indexes in self._mentions]
        if len(nodes) == 1:
            labels = {nodes[0]: "_:c14n0"}
        else:
            digests = []
            for k, node in enumerate(nodes):
                digest = self._node_digest[k]
                if digest is None:
                    lines = self._node_fixed[k] + [
                        self._relabelled(quads[i], node) for i in self._node_varying[k]
                    ]
                    lines.sort()
                    digest = hashlib.sha256("".join(lines).encode()).hexdigest()
                digests.append(digest)
            if len(set(digests)) != len(digests):
                return None
            order = sorted(range(len(nodes)), key=digests.__getitem__)
            labels = {nodes[k]: f"_:c14n{rank}" for rank, k in enumerate(order)}
        key = tuple(labels[node] for node in nodes)
        fixed = self._labelled_fixed.get(key)
        if fixed is None:
            fixed = [
                self._labelled(quads[i], labels)
                for i in range(len(quads))
                if i not in self._blank_varying
            ]
            self._labelled_fixed[key] = fixed
        return fixed + [self._labelled(quads[i], labels) for i in self._blank_varying]

    @staticmethod
    def _labelled(quad: rdfc.Quad, labels: dict[str, str]) -> str:
        s, p, o, g = quad
        return rdfc._line(
            labels.get(s, s), p, labels.get(o, o), labels.get(g, g) if g is not None else None
        )

    def sign(self, values: Sequence[str]) -> Signed:
        """Both proofs of the credential with these ``values`` (in the order of
        ``varying``)."""
        leaves = self._leaves.copy()
        for slot, value in zip(self._slots, values, strict=True):
            leaves[slot] = value
        template = self._template
        plain = [
            rdfc._line(*rdfc._fill_one(template.quads[n], leaves)) for n in self._plain_dynamic
        ]
        labelled = self._blank_lines(leaves) if self._blank else []
        if labelled is None:
            raise ValueError("blank nodes need the n-degree step: sign this one by one")
        lines = self._fixed + plain + labelled
        lines.sort()
        if len(lines) != len(set(lines)):
            lines = sorted(set(lines))
        digest = hashlib.sha256("".join(lines).encode()).digest()
        proof_value = b58encode(self._key.sign(self._head + digest))
        parts = [self._pieces[0]]
        for n, piece in zip(self._order, self._pieces[1:], strict=True):
            parts.append(jose.compact_json(values[n]).decode())
            parts.append(piece)
        payload = "".join(parts)
        document = f'{payload[:-1]},"proof":{self._proof_prefix}{proof_value}"}}}}'
        signing_input = f"{self._jws_head}.{_b64(payload.encode())}"
        jwt = f"{signing_input}.{_b64(self._key.sign(signing_input.encode()))}"
        return Signed(document, jwt)
