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

    def sign(self, values: Sequence[str]) -> Signed:
        """Both proofs of the credential with these ``values`` (in the order of
        ``varying``)."""
        leaves = self._leaves.copy()
        for slot, value in zip(self._slots, values, strict=True):
            leaves[slot] = value
        template = self._template
        plain: list[str] = []
        with_blank: list[rdfc.Quad] = []
        for n in self._dynamic:
            quad = rdfc._fill_one(template.quads[n], leaves)
            if template.blank[n]:
                with_blank.append(quad)
            else:
                plain.append(rdfc._line(*quad))
        labelled = rdfc._canonical_lines(list(dict.fromkeys(with_blank)), None)
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
            parts.append(json.dumps(values[n], ensure_ascii=False))
            parts.append(piece)
        payload = "".join(parts)
        document = f'{payload[:-1]},"proof":{self._proof_prefix}{proof_value}"}}}}'
        signing_input = f"{self._jws_head}.{_b64(payload.encode())}"
        jwt = f"{signing_input}.{_b64(self._key.sign(signing_input.encode()))}"
        return Signed(document, jwt)
