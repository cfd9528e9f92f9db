# SPDX-License-Identifier: EUPL-1.2
"""Batch signing of a cohort gives exactly what signing one by one gives (Ed25519 is
deterministic: the proof values are equal too), and both forms verify: whatever the values
(quotes, braces, newlines, unicode), whatever lands in an IRI position (the general path
then), with values that make two statements one, two blank nodes alike, or a block of
statements no longer apart; and the W3C test vector's proof is reproduced by a cohort."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llo.credentials import batch, contexts, eddsa, jose, multibase, verify
from tests.credentials.factories import ISSUED, LIST_URL, achievement, world

pytestmark = pytest.mark.django_db(databases=[])

VARYING = [
    ("id",),
    ("credentialSubject", "identifier", 0, "identityHash"),
    ("credentialStatus", "id"),
    ("credentialStatus", "statusListIndex"),
]
NAME = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=40,
)
#: Text for the achievement (constant in a cohort): braces and percent signs too, which are
#: special in format strings.
TEXT = st.lists(
    st.sampled_from([*'ab {}%"\\\n\té€<>#:', "{0}", "}}", "{{"]), min_size=1, max_size=12
).map("".join)
IRI = st.sampled_from(
    [
        "urn:uuid:00000000-0000-4000-8000-000000000001",
        "https://llo.example.nl/credentials/status/1#7",  # the status entry's own id
        "https://llo.example.nl/aanbod/5f0c6d3e-8a4b-4c2e-9f1a-2b3c4d5e6f70",  # the achievement
        "did:web:llo.example.nl:issuers:90000009",  # the issuer
        "relative/path",  # not an absolute IRI: the general path
        "xsd:string",  # a compact IRI of the contexts: the general path
        "_:b0",  # a blank node label: the general path
        "https://example.org/{x}",  # a brace in an IRI: not a plain one
    ]
)


def _same_as_one_by_one(
    w: Any, cohort: batch.Cohort, values: list[str], doc: dict[str, Any]
) -> None:
    signed = cohort.sign(values)
    assert signed.document == jose.compact_json(eddsa.sign(doc, w.key, w.vm, ISSUED)).decode()
    assert signed.jwt == jose.sign(doc, jose.okp_private(w.key), w.vm)
    resolver = w.resolver()
    assert verify.verify_document(signed.document, resolver).valid
    assert verify.verify_document(signed.jwt, resolver).valid


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(NAME, min_size=1, max_size=5), start=st.integers(0, 10_000))
def test_cohort_equals_one_by_one(names: list[str], start: int) -> None:
    w = world()
    cohort = batch.Cohort(w.credential(), VARYING, w.key, w.vm, ISSUED)
    for n, name in enumerate(names):
        index = start + n
        doc = w.credential(
            index=index, name=name, id=f"urn:uuid:00000000-0000-4000-8000-{index:012d}"
        )
        values = [doc["id"], name, doc["credentialStatus"]["id"], str(index)]
        _same_as_one_by_one(w, cohort, values, doc)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=TEXT,
    outcome=TEXT,
    name=st.one_of(NAME, TEXT),
    credential_id=IRI,
    status_id=IRI,
)
def test_cohort_equals_one_by_one_whatever_the_values(
    title: str, outcome: str, name: str, credential_id: str, status_id: str
) -> None:
    """Braces and quotes in what the cohort shares; ids that are no plain IRI, or that are
    the id of another node of the credential (then its statements are no longer apart)."""
    w = world()
    shared = achievement(name=title, learning_outcomes=(outcome, "Je werkt veilig."))
    cohort = batch.Cohort(w.credential(achievement=shared), VARYING, w.key, w.vm, ISSUED)
    doc = w.credential(achievement=shared, name=name, id=credential_id)
    doc["credentialStatus"]["id"] = status_id
    _same_as_one_by_one(w, cohort, [credential_id, name, status_id, "7"], doc)


def test_values_that_make_two_statements_one() -> None:
    """A varying learning outcome equal to the fixed one: one statement in the dataset."""
    w = world()
    outcomes = ("Je last een hoeknaad volgens de WPS.", "Je werkt veilig.")
    prototype = w.credential(achievement=achievement(learning_outcomes=outcomes))
    path = ("credentialSubject", "achievement", "learningOutcome", 0)
    assert batch.leaf_paths(prototype).count(path) == 1
    cohort = batch.Cohort(prototype, [*VARYING, path], w.key, w.vm, ISSUED)
    for outcome in ("Je werkt veilig.", "Iets anders"):
        doc = w.credential(achievement=achievement(learning_outcomes=(outcome, "Je werkt veilig.")))
        values = [doc["id"], "Jan Hofstede", doc["credentialStatus"]["id"], "7", outcome]
        _same_as_one_by_one(w, cohort, values, doc)


def test_two_blank_nodes_alike_and_equal_statements_of_blank_nodes() -> None:
    """Two identity objects of a learner: when their values are equal the two blank nodes
    hash alike (RDFC-1.0's n-degree step: the general path)."""
    w = world()

    def doc_with(first: str, second: str) -> dict[str, Any]:
        doc = w.credential()
        ident = doc["credentialSubject"]["identifier"][0]
        doc["credentialSubject"]["identifier"] = [
            {**ident, "identityHash": first},
            {**ident, "identityHash": second},
        ]
        return doc

    varying = [
        ("credentialSubject", "identifier", 0, "identityHash"),
        ("credentialSubject", "identifier", 1, "identityHash"),
    ]
    cohort = batch.Cohort(doc_with("A", "B"), varying, w.key, w.vm, ISSUED)
    for first, second in (("Jan", "J. Hofstede"), ("Jan", "Jan"), ("B", "A")):
        _same_as_one_by_one(w, cohort, [first, second], doc_with(first, second))


def _example(subject: dict[str, Any]) -> dict[str, Any]:
    """A credential in the examples context's vocabulary (any term is defined there)."""
    return {
        "@context": [contexts.VC_V2, contexts.EXAMPLES_V2],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000009",
        "type": ["VerifiableCredential"],
        "issuer": "did:web:llo.example.nl:issuers:90000009",
        "validFrom": "2026-12-01T10:00:00Z",
        "credentialSubject": subject,
    }


def _same_bytes(cohort: batch.Cohort, values: list[str], doc: dict[str, Any]) -> None:
    w = world()
    signed = cohort.sign(values)
    assert signed.document == jose.compact_json(eddsa.sign(doc, w.key, w.vm, ISSUED)).decode()
    assert signed.jwt == jose.sign(doc, jose.okp_private(w.key), w.vm)
    eddsa.verify(json.loads(signed.document), lambda vm, created: w.key.public_key())


@pytest.mark.parametrize("tags", [["c", "d"], ["b", "d"], ["b", "b"], ["a", "b"], ["x", ""]])
def test_equal_values_in_statements_of_one_blank_node(tags: list[str]) -> None:
    """Two values of one property of a blank node that the varying values make equal: one
    statement, so the template's blank-node hashes do not hold (the general path). The two
    values are next to each other in the JSON (one byte between them for base64)."""
    w = world()
    varying = [("credentialSubject", "tags", 0), ("credentialSubject", "tags", 1)]
    cohort = batch.Cohort(_example({"tags": ["a", "b"]}), varying, w.key, w.vm, ISSUED)
    _same_bytes(cohort, tags, _example({"tags": tags}))


def test_equal_statements_of_a_blank_node_in_the_prototype() -> None:
    w = world()
    varying = [("credentialSubject", "name")]
    cohort = batch.Cohort(_example({"tags": ["b", "b"], "name": "A"}), varying, w.key, w.vm, ISSUED)
    for name in ("B", "b"):
        _same_bytes(cohort, [name], _example({"tags": ["b", "b"], "name": name}))


@pytest.mark.parametrize(
    ("subject", "kind", "name"),
    [
        ("did:example:1", "Jan", "Fatima"),
        ("did:example:2", "Jan", "Fatima"),  # the subject is the node of the single line
        ("did:example:1", "did:example:2", "Fatima"),
    ],
)
def test_a_block_and_a_single_line_that_start_alike(subject: str, kind: str, name: str) -> None:
    """The subject's statements are one block; the other node's only statement is a single
    line (its subject is fixed, its value varies). When the subject is that node, the single
    line starts like the block: one line per statement then."""
    w = world()

    def doc_with(subject: str, kind: str, name: str) -> dict[str, Any]:
        return _example(
            {
                "id": subject,
                "kind": kind,
                "knows": {"id": "did:example:2", "name": name},
            }
        )

    varying = [
        ("credentialSubject", "id"),
        ("credentialSubject", "kind"),
        ("credentialSubject", "knows", "name"),
    ]
    cohort = batch.Cohort(doc_with("did:example:1", "A", "B"), varying, w.key, w.vm, ISSUED)
    _same_bytes(cohort, [subject, kind, name], doc_with(subject, kind, name))


def test_a_blank_node_with_two_varying_statements() -> None:
    w = world()
    varying = [
        ("credentialSubject", "identifier", 0, "identityHash"),
        ("credentialSubject", "identifier", 0, "identityType"),
    ]
    cohort = batch.Cohort(w.credential(), varying, w.key, w.vm, ISSUED)
    for name, kind in (("Jan", "name"), ("jan@example.org", "emailAddress")):
        doc = w.credential(name=name)
        doc["credentialSubject"]["identifier"][0]["identityType"] = kind
        _same_as_one_by_one(w, cohort, [name, kind], doc)


def test_a_varying_value_that_is_part_of_the_shape_is_refused() -> None:
    """An id that is no plain IRI is expanded by pyld with the shape: a cohort cannot vary
    it (the credentials are signed one by one instead)."""
    w = world()
    with pytest.raises(ValueError, match="part of the shape"):
        batch.Cohort(w.credential(id="relative/path"), VARYING, w.key, w.vm, ISSUED)


def test_w3c_vector_reproduced_by_a_cohort() -> None:
    """A cohort made from another credential of the vector's shape signs the vector's
    values with the vector's proof value (so with its canonical N-Quads)."""
    expected = json.loads(contexts.standard_file("testvectors/eddsa-rdfc-2022_signedDataInt.json"))
    pair = json.loads(contexts.standard_file("testvectors/keyPair.json"))
    key = multibase.private_from_multikey(pair["privateKeyMultibase"])
    unsigned = {k: v for k, v in expected.items() if k != "proof"}
    other = json.loads(json.dumps(unsigned))
    other["id"] = "urn:uuid:00000000-0000-4000-8000-000000000001"
    other["credentialSubject"] = {"id": "did:example:other", "alumniOf": "Another School"}
    varying = [("id",), ("credentialSubject", "id"), ("credentialSubject", "alumniOf")]
    created = dt.datetime(2023, 2, 24, 23, 36, 38, tzinfo=dt.UTC)
    cohort = batch.Cohort(other, varying, key, expected["proof"]["verificationMethod"], created)
    values = [
        unsigned["id"],
        unsigned["credentialSubject"]["id"],
        unsigned["credentialSubject"]["alumniOf"],
    ]
    signed = json.loads(cohort.sign(values).document)
    assert signed == expected


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(
        st.one_of(st.integers(0, 4), st.text(alphabet=st.sampled_from(list("ab{}<> \n")))),
        max_size=12,
    )
)
def test_joiner_is_str_format(parts: list[int | str]) -> None:
    text = "".join(
        f"{{{p}}}" if isinstance(p, int) else p.replace("{", "{{").replace("}", "}}") for p in parts
    )
    fields = ["<zero>", "één", "{2}", "", "4"]
    assert batch._joiner(text)(fields) == text.format(*fields)


@settings(max_examples=200, deadline=None)
@given(
    fixed=st.lists(st.text(alphabet="abc<>_:", max_size=4).map(lambda s: s + " .\n")),
    own=st.lists(st.text(alphabet="abc<>_:", max_size=4).map(lambda s: s + " .\n")),
    unique=st.booleans(),
)
def test_merged_digest_is_the_digest_of_the_sorted_lines(
    fixed: list[str], own: list[str], unique: bool
) -> None:
    lines = batch._Sorted(fixed, unique=unique)
    whole = sorted(set(fixed) | set(own)) if unique else sorted(fixed + own)
    expected = hashlib.sha256("".join(whole).encode()).digest()
    assert lines.digest(sorted(own)) == expected
    if len(own) == 1:
        assert lines.digest_one(own[0]) == expected


def test_a_path_that_is_no_value_is_refused() -> None:
    w = world()
    with pytest.raises(ValueError, match="not a text value"):
        batch.Cohort(w.credential(), [("nope",)], w.key, w.vm, ISSUED)
    with pytest.raises(ValueError, match="twice"):
        batch.Cohort(w.credential(), [("id",), ("id",)], w.key, w.vm, ISSUED)


def test_a_status_list_url_is_a_constant_of_the_cohort() -> None:
    w = world()
    cohort = batch.Cohort(w.credential(), VARYING, w.key, w.vm, ISSUED)
    signed = json.loads(cohort.sign(["urn:uuid:1", "Jan", f"{LIST_URL}#9", "9"]).document)
    assert signed["credentialStatus"]["statusListCredential"] == LIST_URL
