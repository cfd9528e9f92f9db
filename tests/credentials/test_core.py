# SPDX-License-Identifier: EUPL-1.2
"""The core without a database: the W3C test vectors exactly, both proof forms, every check,
and bad input that gives "invalid" with its reason (never a crash, a hang or the network)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llo.credentials import contexts, eddsa, multibase, rdfc, statuslist, verify
from llo.credentials.errors import CredentialError
from llo.credentials.verify import Check, Outcome
from tests.credentials.factories import ISSUED, achievement, world

pytestmark = pytest.mark.django_db(databases=[])


def vector(name: str) -> str:
    return contexts.standard_file(f"testvectors/{name}").decode()


# --- the W3C test vectors (vc-di-eddsa, TestVectors/eddsa-rdfc-2022) ---------------------------


def test_w3c_vector_canonical_document_and_proof_exactly() -> None:
    signed = json.loads(vector("eddsa-rdfc-2022_signedDataInt.json"))
    proof = signed.pop("proof")
    assert rdfc.canonize(signed) == vector("eddsa-rdfc-2022_canonDocDataInt.txt")
    assert rdfc.reference_canonize(signed) == vector("eddsa-rdfc-2022_canonDocDataInt.txt")
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = signed["@context"]
    assert rdfc.canonize(config) == vector("eddsa-rdfc-2022_proofCanonDataInt.txt")


def test_w3c_vector_signature_reproduced_and_verified() -> None:
    pair = json.loads(vector("keyPair.json"))
    key = multibase.private_from_multikey(pair["privateKeyMultibase"])
    assert multibase.public_multikey(key.public_key()) == pair["publicKeyMultibase"]
    expected = json.loads(vector("eddsa-rdfc-2022_signedDataInt.json"))
    unsigned = {k: v for k, v in expected.items() if k != "proof"}
    did_key = f"did:key:{pair['publicKeyMultibase']}"
    created = dt.datetime(2023, 2, 24, 23, 36, 38, tzinfo=dt.UTC)
    ours = eddsa.sign(unsigned, key, f"{did_key}#{pair['publicKeyMultibase']}", created)
    assert ours["proof"] == expected["proof"]
    from llo.credentials import did

    info = eddsa.verify(
        expected,
        lambda vm, created: did.key_from_document(did.did_key_document(did_key), vm, created),
    )
    assert info.verification_method.startswith(did_key)
    # The vector's issuer is not the key's controller: llo's verifier says so.
    result = verify.verify_document(json.dumps(expected), verify.OfflineResolver())
    assert (result.valid, result.checks[0].code) == (False, "unknown-key")


def test_w3c_employment_vector_needs_a_context_we_do_not_have() -> None:
    result = verify.verify_document(
        vector("eddsa-rdfc-2022_employ_signedDataInt.json"), verify.OfflineResolver()
    )
    assert not result.valid
    assert result.checks[0].code == "unknown-context"
    assert "citizenship" in result.checks[0].detail


# --- llo's credentials -------------------------------------------------------------------------


def test_valid_credential_passes_every_named_check_in_both_forms() -> None:
    w = world()
    for data in (json.dumps(w.signed()), w.jwt()):
        result = verify.verify_document(data, w.resolver(), now=ISSUED + dt.timedelta(days=1))
        assert result.valid, result.as_json()
        assert [c.check for c in result.checks] == list(Check)
        assert all(c.outcome == Outcome.PASSED for c in result.checks)


def test_fast_path_equals_pyld_for_llo_credentials() -> None:
    w = world()
    doc = w.credential()
    assert rdfc.canonize(doc) == rdfc.reference_canonize(doc)


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=30,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=TEXT,
    outcomes=st.lists(TEXT, max_size=4),
    offer=st.sampled_from(
        [
            "https://llo.example.nl/aanbod/1",
            "urn:uuid:0b7f1f2a-1111-4222-8333-944455556666",
            "relative/path",
            "_:blank",
            "xsd:string",
            "did:web:example.com",
        ]
    ),
    hours=st.integers(0, 5000),
    same=st.booleans(),
)
def test_fast_path_equals_pyld_for_any_values(
    name: str, outcomes: list[str], offer: str, hours: int, same: bool
) -> None:
    """The template path gives pyld's bytes whatever the text (quotes, newlines, tabs,
    unicode), whatever lands in an IRI position, and with equal values in a set."""
    w = world()
    if same and outcomes:
        outcomes = [outcomes[0]] * len(outcomes)
    doc = w.credential(
        name=name,
        achievement=achievement(
            learning_outcomes=tuple(outcomes), register_offer=offer, workload_hours=hours
        ),
    )
    refused = ""
    try:
        expected = rdfc.reference_canonize(doc)
    except CredentialError as exc:
        refused = exc.code
    if refused:
        with pytest.raises(CredentialError) as caught:
            rdfc.canonize(doc)
        assert caught.value.code == refused
    else:
        assert rdfc.canonize(doc) == expected


def test_any_changed_value_breaks_the_proof() -> None:
    w = world()
    signed = w.signed()
    resolver = w.resolver()
    paths: list[tuple[object, ...]] = []

    def walk(node: object, path: tuple[object, ...]) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k not in ("@context", "proof"):
                    walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))
        else:
            paths.append(path)

    walk(signed, ())
    assert len(paths) > 40
    for path in paths:
        doc = copy.deepcopy(signed)
        node = doc
        for p in path[:-1]:
            node = node[p]  # type: ignore[index]
        value = node[path[-1]]  # type: ignore[index]
        node[path[-1]] = (  # type: ignore[index]
            value + "x"
            if isinstance(value, str)
            else (not value if isinstance(value, bool) else value + 1)
        )
        result = verify.verify_document(doc, resolver)
        assert not result.valid, path
        assert result.checks[0].outcome == Outcome.FAILED, path


def test_any_changed_character_of_the_jwt_breaks_it() -> None:
    w = world()
    token = w.jwt()
    resolver = w.resolver()
    for i in range(0, len(token) - 2, 7):
        if token[i] == ".":
            continue
        changed = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        result = verify.verify_document(changed, resolver)
        assert not result.valid, i


def test_added_field_outside_the_vocabulary_is_refused() -> None:
    """An undefined field would be dropped by JSON-LD and so not signed: refuse it."""
    w = world()
    doc = w.signed()
    doc["credentialSubject"]["grade"] = "10"
    result = verify.verify_document(doc, w.resolver())
    assert result.checks[0].code == "undefined-term"


@pytest.mark.parametrize(
    ("change", "check", "code"),
    [
        ("revoked", Check.STATUS, "revoked"),
        ("expired", Check.DATES, "expired"),
        ("future", Check.DATES, "not-yet-valid"),
        ("unknown_issuer", Check.ISSUER, "unknown-issuer"),
        ("removed_issuer", Check.ISSUER, "removed-issuer"),
        ("not_allowed", Check.ISSUER, "not-allowed"),
        ("no_status_list", Check.STATUS, "status-unavailable"),
        ("no_did", Check.SIGNATURE, "unresolvable-did"),
    ],
)
def test_each_failure_is_named(change: str, check: Check, code: str) -> None:
    w = world()
    kw: dict[str, object] = {}
    if change == "expired":
        kw["valid_until"] = ISSUED + dt.timedelta(days=30)
    if change == "future":
        kw["valid_from"] = ISSUED + dt.timedelta(days=400)
    if change == "revoked":
        statuslist.set_bit(w.bits, 7, True)
    if change == "removed_issuer":
        w.issuer_status = "removed"
    if change == "not_allowed":
        w.kinds = ("course",)
    signed = w.signed(**kw)
    resolver = w.resolver()
    if change == "unknown_issuer":
        resolver.issuers = {}
    if change == "no_status_list":
        resolver.status_lists = {}
    if change == "no_did":
        resolver.documents.pop(w.issuer_did)
    result = verify.verify_document(signed, resolver, now=ISSUED + dt.timedelta(days=60))
    assert not result.valid
    failed = result.first_failure
    assert failed is not None
    assert (failed.check, failed.code) == (check, code)
    assert failed.reason  # a sentence for people


def test_rotated_key_keeps_old_credentials_valid_and_refuses_new_ones() -> None:
    from llo.credentials import did

    w = world()
    old = w.signed()
    retired = ISSUED + dt.timedelta(days=1)
    new_key = world().platform_key
    document = did.document(
        w.issuer_did,
        [
            did.KeySpec("key-1", multibase.public_multikey(w.key.public_key()), ISSUED, retired),
            did.KeySpec("key-2", multibase.public_multikey(new_key.public_key()), retired),
        ],
    )
    resolver = w.resolver()
    resolver.documents[w.issuer_did] = document
    assert verify.verify_document(old, resolver).valid
    late = eddsa.sign(w.credential(), w.key, w.vm, retired + dt.timedelta(hours=1))
    result = verify.verify_document(late, resolver)
    assert result.checks[0].code == "key-revoked"
    fresh = eddsa.sign(w.credential(), new_key, f"{w.issuer_did}#key-2", retired)
    assert verify.verify_document(fresh, resolver).valid


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ('{"a":' * 10_000 + "1" + "}" * 10_000, "too-deep"),
        ("[" * 10_000 + "]" * 10_000, "too-deep"),
        (json.dumps({"a": "x" * 400_000}), "too-large"),
        ("not json at all {", "not-json"),
        ("[1, 2, 3]", "not-object"),
        (b"\xff\xfe{}", "not-json"),
        ("a.b.c", "bad-jwt"),
    ],
    ids=["deep-objects", "deep-arrays", "huge", "not-json", "array", "not-utf8", "bad-jwt"],
)
def test_bad_input_is_invalid_with_a_reason(data: str | bytes, code: str) -> None:
    started = time.monotonic()
    result = verify.verify_document(data, verify.OfflineResolver())
    assert not result.valid
    assert result.checks[0].code == code
    assert time.monotonic() - started < 5


def test_deep_json_within_the_size_limit_is_refused() -> None:
    deep: dict[str, object] = {"@context": [contexts.VC_V2]}
    node = deep
    for _ in range(200):
        node["credentialSubject"] = {}
        node = node["credentialSubject"]  # type: ignore[assignment]
    result = verify.verify_document(deep, verify.OfflineResolver())
    assert result.checks[0].code == "too-deep"


def test_unknown_context_is_refused_without_a_network_call() -> None:
    w = world()
    doc = w.signed()
    doc["@context"] = [*doc["@context"], "https://evil.example/context.jsonld"]
    result = verify.verify_document(doc, w.resolver())
    assert result.checks[0].code == "unknown-context"
    with pytest.raises(CredentialError):
        contexts.document_loader("https://www.w3.org/2018/credentials/v1")


def test_poison_graph_stops_within_its_budget() -> None:
    """RDFC-1.0 section 4.4: blank nodes that only differ by their neighbours make the
    n-degree step explode; the budget stops it with "too much work"."""
    nodes = [
        {"@id": f"_:n{i}", "http://ex.org/p": [{"@id": f"_:n{(i + j) % 12}"} for j in (1, 2, 3)]}
        for i in range(12)
    ]
    doc = {"@context": contexts.VC_V2, "@graph": nodes}
    started = time.monotonic()
    with pytest.raises(CredentialError) as caught:
        rdfc.canonize(doc)
    assert caught.value.code in ("too-much-work", "undefined-term")
    assert time.monotonic() - started < 10


def test_status_list_bits() -> None:
    bits = statuslist.empty()
    assert len(bits) * 8 >= statuslist.MIN_ENTRIES
    statuslist.set_bit(bits, 0, True)
    statuslist.set_bit(bits, 131_071, True)
    decoded = statuslist.decode(statuslist.encode(bits))
    assert decoded[0] == 0x80
    assert decoded[-1] == 0x01
    assert statuslist.get_bit(decoded, 0)
    assert not statuslist.get_bit(decoded, 1)
    statuslist.set_bit(bits, 0, False)
    assert not statuslist.get_bit(bits, 0)


def _b58_by_digit(data: bytes) -> str:
    """The definition, one digit at a time (the reference for the chunked encoder)."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(alphabet[r])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


@given(data=st.binary(max_size=80))
def test_base58_is_the_digit_by_digit_definition(data: bytes) -> None:
    assert multibase.b58encode(data) == _b58_by_digit(data)
    assert multibase.b58decode(multibase.b58encode(data)) == data
