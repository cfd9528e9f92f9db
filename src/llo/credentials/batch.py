# SPDX-License-Identifier: EUPL-1.2
"""Batch signing of a cohort: many credentials of one achievement that differ only in a few
values (the learner's name, the credential id, the status index, the activity dates).

Everything that does not change is done once per cohort (decisions 009 and 020):

* the JSON-LD expansion (the shape's template, :mod:`llo.credentials.rdfc`);
* the canonical N-Quads: every statement without a varying value is serialised once and
  sorted; every statement with one becomes a format whose only fields are the varying values
  (as IRI, or escaped as literal text), filled with ``str.join`` (:func:`_joiner`);
  statements with the same varying subject sort next to each other in an order their
  constant text decides, so they are filled and merged as one block (checked per credential:
  no other line may start like a block);
* the blank-node labelling (RDFC-1.0 first-degree hashes): the hash of a node whose
  statements do not vary is made once, and the lines of the fixed statements with blank nodes
  once per order of the nodes;
* SHA-256 over the sorted fixed lines up to each place a credential's lines can go in, so per
  credential only the text from its first line on is hashed (SHA-256 is a stream);
* the hash of the proof configuration, the JWS header, the JSON text around the varying
  values and its base64url for each of the three ways a piece can meet base64's 3-byte
  groups, so per credential only the values and the bytes around them are encoded.

Per credential: the values are checked and escaped once, a few blocks and lines filled,
sorted, merged into the fixed lines by bisection and hashed from the first on, and both
Ed25519 signatures made with libsodium (:func:`signer`). The result is byte for byte what
:func:`eddsa.sign` and :func:`jose.sign` give for the whole document
(tests/credentials/test_batch.py): Ed25519 is deterministic, so even the proof values are
equal. A credential whose values the templates do not cover (a varying IRI that is not a
plain absolute IRI, values that make two statements with blank nodes one, two blank nodes
that hash alike) is signed one by one by those functions.
"""

from __future__ import annotations

import binascii
import copy
import datetime as dt
import string
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from hashlib import sha256
from typing import Any, NamedTuple

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from nacl.bindings import crypto_sign, crypto_sign_seed_keypair

from llo.credentials import eddsa, jose, rdfc
from llo.credentials.contexts import defined_terms
from llo.credentials.jose import compact_json
from llo.credentials.limits import DEFAULT_LIMITS, Limits
from llo.credentials.multibase import b58encode

Path = tuple[str | int, ...]
_MARK = "\u0000llo-value-{}\u0000"
_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FORMATTER = string.Formatter()


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


def _b64(data: bytes) -> bytes:
    """base64url of ``data`` (padding kept: only whole groups are encoded here)."""
    return binascii.b2a_base64(data, newline=False).translate(_URLSAFE)


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


Joiner = Callable[[Sequence[str]], str]


def _joiner(text: str) -> Joiner:
    """A function of the fields that gives ``text.format(*fields)`` (``text`` has ``{n}``
    fields only), made with ``str.join``: a format string is parsed again on every call,
    which for a block of statements costs several times the filling itself
    (bench/credentials). The field that occurs most often is the separator of the constant
    pieces; pieces with other fields are joined the same way, inside."""
    parsed = list(_FORMATTER.parse(text))
    if any(spec or conv for _lit, _f, spec, conv in parsed):
        raise ValueError("only plain {n} fields")
    counts = Counter(int(f) for _lit, f, _s, _c in parsed if f is not None)
    if not counts:
        const = "".join(lit for lit, _f, _s, _c in parsed)
        return lambda fields: const
    k = counts.most_common(1)[0][0]
    segments: list[list[tuple[str, str | None]]] = [[]]
    for lit, f, _s, _c in parsed:
        segments[-1].append((lit, None))
        if f is not None:
            if int(f) == k:
                segments.append([])
            else:
                segments[-1].append(("", f))
    parts: list[str] = []
    holes: list[tuple[int, Joiner]] = []
    for i, segment in enumerate(segments):
        if any(f is not None for _lit, f in segment):
            inner = "".join(
                _braces(lit) + (f"{{{f}}}" if f is not None else "") for lit, f in segment
            )
            holes.append((i, _joiner(inner)))
            parts.append("")
        else:
            parts.append("".join(lit for lit, _f in segment))
    if not holes:
        return lambda fields: fields[k].join(parts)

    def join(fields: Sequence[str]) -> str:
        filled = parts.copy()
        for i, inner in holes:
            filled[i] = inner(fields)
        return fields[k].join(filled)

    return join


def signer(key: Ed25519PrivateKey) -> Callable[[bytes], bytes]:
    """Ed25519 signatures by ``key`` made with libsodium (PyNaCl): the same bytes as
    ``key.sign`` (RFC 8032 signatures are deterministic; checked here on a probe, and
    tests/credentials/test_batch.py holds every cohort credential to the one-by-one path,
    which signs with ``cryptography``) in 60 % of the time for the 64 bytes of a Data
    Integrity proof and 80 % for a 4 kB JWS (bench/credentials; decision 020)."""
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    _public, secret = crypto_sign_seed_keypair(seed)

    def sign(data: bytes) -> bytes:
        return crypto_sign(data, secret)[:64]

    probe = b"llo: batch signing of a cohort"
    return sign if sign(probe) == key.sign(probe) else key.sign


class Signed(NamedTuple):
    document: str  # the JSON-LD text with its eddsa-rdfc-2022 proof (compact JSON)
    jwt: str  # VC-JOSE of the same credential


class _Sorted:
    """Sorted canonical lines that are the same in every credential of a cohort, and
    SHA-256 over them up to each place a credential's own lines can go in.

    ``unique``: the lines of a dataset (a set: a statement that comes out equal to another
    is one statement); otherwise the lines of RDFC-1.0's Hash First Degree Quads, where two
    statements may give the same line and both count."""

    def __init__(self, lines: Sequence[str], unique: bool = True) -> None:
        self.lines = sorted(set(lines)) if unique else sorted(lines)
        self.unique = unique
        self.text = "".join(self.lines)
        self.offsets = [0]
        for line in self.lines:
            self.offsets.append(self.offsets[-1] + len(line))
        self._states: dict[int, Any] = {}
        self.whole = sha256(self.text.encode()).digest()

    def _state(self, pos: int) -> Any:
        state = self._states.get(pos)
        if state is None:
            state = sha256(self.text[: self.offsets[pos]].encode())
            self._states[pos] = state
        return state

    def digest(self, own: list[str]) -> bytes:
        """SHA-256 of these lines and ``own`` (sorted) merged."""
        lines, text, offsets = self.lines, self.text, self.offsets
        size = len(lines)
        unique = self.unique
        parts: list[str] = []
        first = prev = -1
        last = None
        for line in own:
            if unique:
                if line == last:
                    continue
                last = line
            pos = bisect_left(lines, line)
            if unique and pos < size and lines[pos] == line:
                continue
            if first < 0:
                first = prev = pos
            else:
                parts.append(text[offsets[prev] : offsets[pos]])
                prev = pos
            parts.append(line)
        if first < 0:
            return self.whole
        parts.append(text[offsets[prev] :])
        state = self._state(first).copy()
        state.update("".join(parts).encode())
        return state.digest()

    def digest_one(self, line: str) -> bytes:
        """:meth:`digest` of one line of a credential's own."""
        lines = self.lines
        pos = bisect_left(lines, line)
        if self.unique and pos < len(lines) and lines[pos] == line:
            return self.whole
        state = self._state(pos).copy()
        state.update((line + self.text[self.offsets[pos] :]).encode())
        return state.digest()

    def apart(self, subjects: list[str], singles: list[str], open_singles: list[int]) -> bool:
        """Whether blocks with these ``subjects`` (IRIs) hold: no two alike, and no other
        line, fixed or single, starts like one (then a block's lines are next to each
        other in the sorted whole, and in the order of the block)."""
        heads = [f"<{subject}> " for subject in subjects]
        if len(set(heads)) != len(heads):
            return False
        lines = self.lines
        size = len(lines)
        for head in heads:
            pos = bisect_left(lines, head)
            if pos < size and lines[pos].startswith(head):
                return False
            for n in open_singles:
                if singles[n].startswith(head):
                    return False
        return True


class _Labelling(NamedTuple):
    """What one labelling of the blank nodes gives: the fixed lines (with the fixed
    statements with blank nodes labelled), the blocks and single lines of a credential's
    own statements, and all of those one per line (when the blocks do not hold)."""

    fixed: _Sorted
    blocks: list[Joiner]
    block_fields: list[int]  # the field of each block's common subject
    singles: list[Joiner]
    open_singles: list[int]  # the singles that start with an IRI (could start like a block)
    lines: list[Joiner]  # one per statement


def _plan_blocks(formats: list[str]) -> tuple[list[tuple[int, str]], list[str]]:
    """Statements whose subject is the same varying IRI ``<{k}>`` come out next to each
    other when sorted, in an order their constant text decides (when it does), so they can
    be one format and one item to merge: a block. Returns the blocks and the formats left
    single. Whether a block holds for a credential's values is checked per credential
    (no other line may start like it)."""
    groups: dict[int, list[tuple[str, bool, str]]] = {}
    singles: list[str] = []
    for text in formats:
        parsed = list(_FORMATTER.parse(text))
        if (
            len(parsed) >= 2
            and parsed[0][0] == "<"
            and parsed[0][1] is not None
            and parsed[0][1].isdigit()
            and parsed[1][0].startswith("> ")
        ):
            # the constant text after the subject up to the next field; whether one follows
            groups.setdefault(int(parsed[0][1]), []).append(
                (parsed[1][0], parsed[1][1] is not None, text)
            )
        else:
            singles.append(text)
    blocks: list[tuple[int, str]] = []
    for field, members in groups.items():
        decided = all(
            a[: min(len(a), len(b))] != b[: min(len(a), len(b))]
            for n, (a, _fa, _ta) in enumerate(members)
            for b, _fb, _tb in members[n + 1 :]
        )
        if decided and len(members) > 1:
            members.sort()
            blocks.append((field, "".join(text for _c, _f, text in members)))
        else:
            singles += [text for _c, _f, text in members]
    return blocks, singles


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
        if len(set(varying)) != len(varying):
            raise ValueError("a path is named twice")
        self.varying = list(varying)
        self._prototype = copy.deepcopy(prototype)
        self._key = key
        self._sign = signer(key)
        self._vm = verification_method
        self._created = created
        self._okp: Any = None
        self._compile_rdf(template, leaves, [index[p] for p in varying])
        stamp = eddsa._created(created)
        config = eddsa.proof_config(prototype, verification_method, stamp, "assertionMethod")
        self._head = sha256(rdfc.canonize(config, limits).encode()).digest()
        proof = jose.compact_json({k: v for k, v in config.items() if k != "@context"})
        self._proof_prefix = b',"proof":' + proof[:-1] + b',"proofValue":"z'
        self._compile_json()
        self._terms = defined_terms()
        self._jws_head = jose._header_segment(verification_method) + b"."

    # --- compiling the canonical N-Quads ---------------------------------------------------

    def _compile_rdf(self, template: rdfc.Template, leaves: list[str], slots: list[int]) -> None:
        """Per statement of the template, its canonical line or its format string. The
        fields of a format string are the varying values: ``{2j}`` the j-th as an IRI (as it
        is), ``{2j+1}`` as the text of a literal (escaped)."""
        at = {slot: j for j, slot in enumerate(slots)}
        used = set().union(*template.deps) if template.deps else set()
        if not set(slots) <= used:
            # A varying value that no statement holds as a value: the prototype's value was
            # taken into the shape (an IRI that is not a plain absolute one) and would not
            # change with the credential's.
            raise ValueError("a varying value is part of the shape: sign these one by one")
        self._as_iri = [False] * len(slots)
        self._as_literal = [False] * len(slots)

        def piece(comp: Any, relabel: dict[str, str] | None = None) -> tuple[str, bool]:
            kind = comp[0]
            if kind == "c":
                text = comp[1]
                if relabel is not None and text.startswith("_:"):
                    text = relabel.get(text, text)
                return _braces(text), False
            if comp[1] in at:
                j = at[comp[1]]
                if kind == "i":
                    self._as_iri[j] = True
                    return f"<{{{2 * j}}}>", True
                self._as_literal[j] = True
                return f'"{{{2 * j + 1}}}"{_braces(comp[2])}', True
            if kind == "i":
                return _braces(f"<{leaves[comp[1]]}>"), False
            return _braces(f'"{rdfc._literal(leaves[comp[1]])}"{comp[2]}'), False

        def line(quad: Any, relabel: dict[str, str] | None = None) -> tuple[str, bool]:
            s, p, o, g = quad
            parts = [piece(s, relabel), piece(p), piece(o, relabel)]
            if g is not None:
                parts.append(piece(g, relabel))
            text = " ".join(t for t, _v in parts) + " .\n"
            varies = any(v for _t, v in parts)
            return (text if varies else text.replace("{{", "{").replace("}}", "}")), varies

        self._line = line
        fixed: list[str] = list(template.fixed_lines)
        plain: list[str] = []  # format strings of statements without a blank node
        blank: list[Any] = []
        for n, quad in enumerate(template.quads):
            if template.blank[n]:
                blank.append(quad)
                continue
            text, varies = line(quad)
            (plain if varies else fixed).append(text)
        self._fixed = fixed
        self._plain = plain
        # Statements with blank nodes: as they are (original labels), to find the nodes and
        # the statements that values could make equal.
        seen: set[str] = set()
        quads: list[Any] = []
        raw: list[tuple[str, bool]] = []
        for quad in blank:
            text, varies = line(quad)
            if not varies:
                if text in seen:
                    continue  # the prototype's values made two statements one
                seen.add(text)
            quads.append(quad)
            raw.append((text, varies))
        self._blank = quads
        positions = [[piece(c) if c is not None else ("", False) for c in quad] for quad in quads]
        #: Pairs of statements that some values make equal (then the dataset has one
        #: statement fewer, and the blank-node hashes of the template no longer hold): every
        #: position equal, or holding a varying value. Checked per credential.
        self._collisions = [
            (_joiner(raw[i][0]), _joiner(raw[k][0]))
            for i in range(len(quads))
            for k in range(i + 1, len(quads))
            if (raw[i][1] or raw[k][1])
            and all(x == y or x[1] or y[1] for x, y in zip(positions[i], positions[k], strict=True))
        ]
        mentions: dict[str, list[int]] = {}
        for i, (s, _p, o, g) in enumerate(quads):
            for comp in (s, o, g):
                if comp is not None and comp[0] == "c" and comp[1].startswith("_:"):
                    mentions.setdefault(comp[1], []).append(i)
        self._nodes = list(mentions)
        # Per node (RDFC-1.0 4.6, Hash First Degree Quads): the lines of its statements with
        # itself as _:a and other nodes as _:z, the fixed ones sorted and hashed up to each
        # place, the varying ones as formats; the hash itself when none varies.
        self._node_parts: list[tuple[str | None, _Sorted, list[Any]]] = []
        for node, indexes in mentions.items():
            relabel = {other: ("_:a" if other == node else "_:z") for other in mentions}
            fixed_lines: list[str] = []
            formats: list[str] = []
            for i in indexes:
                text, varies = line(quads[i], relabel)
                (formats if varies else fixed_lines).append(text)
            lines = _Sorted(fixed_lines, unique=False)
            digest = None if formats else lines.whole.hex()
            self._node_parts.append((digest, lines, [_joiner(f) for f in formats]))
        self._one_order = tuple(range(len(self._nodes)))
        self._labellings: dict[tuple[int, ...], _Labelling] = {}

    def _labelling(self, order: tuple[int, ...]) -> _Labelling:
        """The lines and formats of a credential whose blank nodes are labelled in this
        ``order`` (node ``order[r]`` is ``_:c14n{r}``)."""
        found = self._labellings.get(order)
        if found is None:
            labels = {self._nodes[k]: f"_:c14n{rank}" for rank, k in enumerate(order)}
            lines = list(self._fixed)
            formats = list(self._plain)
            for quad in self._blank:
                text, varies = self._line(quad, labels)
                (formats if varies else lines).append(text)
            blocks, singles = _plan_blocks(formats)
            found = _Labelling(
                _Sorted(lines),
                [_joiner(text) for _field, text in blocks],
                [field for field, _text in blocks],
                [_joiner(text) for text in singles],
                [n for n, text in enumerate(singles) if text.startswith("<")],
                [_joiner(text) for text in formats],
            )
            self._labellings[order] = found
        return found

    # --- compiling the JSON and the JWS payload ---------------------------------------------

    def _compile_json(self) -> None:
        marked = copy.deepcopy(self._prototype)
        for n, path in enumerate(self.varying):
            _set(marked, path, _MARK.format(n))
        text = jose.compact_json(marked)
        self._pieces: list[bytes] = []
        self._order: list[int] = []
        marks = [jose.compact_json(_MARK.format(n)) for n in range(len(self.varying))]
        rest = text
        while True:
            at = [(rest.find(m), n) for n, m in enumerate(marks)]
            at = [(i, n) for i, n in at if i >= 0]
            if not at:
                self._pieces.append(rest)
                break
            i, n = min(at)
            self._pieces.append(rest[:i])
            self._order.append(n)
            rest = rest[i + len(marks[n]) :]
        # base64url of the pieces: the first from its start, each other one for each number
        # of its bytes (0, 1, 2) that complete the group begun by the value before it.
        first = self._pieces[0]
        whole = len(first) - len(first) % 3
        self._b64_first = (_b64(first[:whole]), first[whole:])
        self._b64_pieces: list[list[tuple[bytes, bytes] | None]] = []
        for piece in self._pieces[1:]:
            ways: list[tuple[bytes, bytes] | None] = []
            for need in range(3):
                if len(piece) < need:
                    ways.append(None)
                    continue
                end = need + (len(piece) - need) // 3 * 3
                ways.append((_b64(piece[need:end]), piece[end:]))
            self._b64_pieces.append(ways)
        # The document is the payload without its closing brace, then the proof.
        self._gaps = [
            (n, piece, ways)
            for n, piece, ways in zip(self._order, self._pieces[1:], self._b64_pieces, strict=True)
        ]
        # The document: the payload without its closing brace, then the proof.
        self._closing = self._pieces[-1][:-1] + self._proof_prefix

    # --- per credential ---------------------------------------------------------------------

    def _fields(self, values: Sequence[str]) -> list[str] | None:
        """The format fields of these values; None when one needs the general path."""
        if len(values) != len(self.varying):
            raise ValueError(f"{len(self.varying)} values expected, got {len(values)}")
        fields: list[str] = []
        append = fields.append
        safe, terms = rdfc._SAFE_IRI.match, self._terms
        for value, as_iri, as_literal in zip(values, self._as_iri, self._as_literal, strict=True):
            if type(value) is not str:
                raise TypeError("a varying value is text")
            if as_iri:
                # rdfc._safe_iri: what the template trusts in an IRI position
                m = safe(value)
                if m is None or m.group(1) in terms or rdfc.PLACEHOLDER in value:
                    return None
            append(value)
            append(rdfc._literal(value) if as_literal else value)
        return fields

    def _canonical_hash(self, fields: list[str]) -> bytes | None:
        """SHA-256 of the canonical N-Quads of the credential; None when it needs the
        general path."""
        for one, other in self._collisions:
            if one(fields) == other(fields):
                return None
        if len(self._node_parts) > 1:
            hashes = []
            for digest, lines, formats in self._node_parts:
                if digest is None:
                    if len(formats) == 1:
                        digest = lines.digest_one(formats[0](fields)).hex()
                    else:
                        own = [f(fields) for f in formats]
                        own.sort()
                        digest = lines.digest(own).hex()
                hashes.append(digest)
            if len(set(hashes)) != len(hashes):
                return None  # two nodes alike: the n-degree step
            order = tuple(sorted(range(len(hashes)), key=hashes.__getitem__))
        else:
            order = self._one_order
        plan = self._labellings.get(order) or self._labelling(order)
        fixed = plan.fixed
        if plan.blocks:
            singles = [f(fields) for f in plan.singles]
            if fixed.apart([fields[k] for k in plan.block_fields], singles, plan.open_singles):
                own = [f(fields) for f in plan.blocks]
                own += singles
                own.sort()
                return fixed.digest(own)
        # No blocks, or they do not hold for these values: one line per statement.
        own = [f(fields) for f in plan.lines]
        own.sort()
        return fixed.digest(own)

    def sign(self, values: Sequence[str]) -> Signed:
        """Both proofs of the credential with these ``values`` (in the order of
        ``varying``)."""
        fields = self._fields(values)
        digest = self._canonical_hash(fields) if fields is not None else None
        if digest is None:
            return self._one_by_one(values)
        sign = self._sign
        proof_value = b58encode(sign(self._head + digest)).encode()
        encoded = [compact_json(value) for value in values]
        payload = [self._pieces[0]]
        head, carry = self._b64_first
        b64 = [self._jws_head, head]
        for n, piece, ways in self._gaps:
            value = encoded[n]
            payload.append(value)
            payload.append(piece)
            group = carry + value
            need = -len(group) % 3
            way = ways[need]
            if way is None:  # a piece too short to complete the group
                carry = group + piece
                continue
            b64.append(_b64(group + piece[:need]))
            b64.append(way[0])
            carry = way[1]
        b64.append(_b64(carry).rstrip(b"="))
        signing_input = b"".join(b64)
        signature = _b64(sign(signing_input)).rstrip(b"=")
        payload[-1] = self._closing
        payload.append(proof_value)
        payload.append(b'"}}')
        return Signed(
            b"".join(payload).decode(), (signing_input + b"." + signature).decode("ascii")
        )

    def _one_by_one(self, values: Sequence[str]) -> Signed:
        """The general path (:func:`eddsa.sign`, :func:`jose.sign`) for a credential whose
        values the cohort's templates do not cover."""
        doc = self.document(values)
        signed = eddsa.sign(doc, self._key, self._vm, self._created)
        if self._okp is None:
            self._okp = jose.okp_private(self._key)
        return Signed(jose.compact_json(signed).decode(), jose.sign(doc, self._okp, self._vm))

    def document(self, values: Sequence[str]) -> dict[str, Any]:
        """The unsigned credential with these ``values``."""
        doc = copy.deepcopy(self._prototype)
        for path, value in zip(self.varying, values, strict=True):
            _set(doc, path, value)
        return doc
