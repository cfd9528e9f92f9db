# SPDX-License-Identifier: EUPL-1.2
"""llo's VC-JOSE hot path against joserfc (issue 16 item 5): ``jose.sign`` builds the compact
JWS itself and ``jose.verify`` parses it itself (for speed), so both are held to joserfc here:
the same bytes signed, and every token joserfc accepts or refuses is accepted or refused the
same way, including every changed character."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jws import JWSRegistry

from llo.credentials import jose
from llo.credentials.errors import CredentialError
from tests.credentials.factories import world

REGISTRY = JWSRegistry(algorithms=[jose.ALG])


def _joserfc_sign(credential: dict[str, object], key: object, kid: str) -> str:
    payload = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode()
    header = {"alg": jose.ALG, "typ": jose.TYP, "cty": "vc", "kid": kid}
    return jws.serialize_compact(header, payload, key, registry=REGISTRY)  # type: ignore[arg-type]


def _joserfc_accepts(token: str, public: object) -> bool:
    try:
        obj = jws.extract_compact(token.encode(), registry=REGISTRY)
        return bool(jws.validate_compact(obj, public, registry=REGISTRY))  # type: ignore[arg-type]
    except (JoseError, ValueError, UnicodeError):
        return False


def _ours_accepts(token: str, public: object) -> bool:
    try:
        jose.verify(token, lambda *_a: public)  # type: ignore[arg-type,return-value]
    except CredentialError:
        return False
    return True


def test_the_same_bytes_as_joserfc() -> None:
    w = world()
    okp = jose.okp_private(w.key)
    credential = w.credential()
    credential["name"] = "Lassen \u2013 \u00e9\u00e9n week, \u201cMIG/MAG\u201d"  # UTF-8 stays
    assert jose.sign(credential, okp, w.vm) == _joserfc_sign(credential, okp, w.vm)
    header, back = jose.verify(jose.sign(credential, okp, w.vm), lambda *_a: w.key.public_key())
    assert back == credential
    assert header == {"alg": "Ed25519", "typ": "vc+jwt", "cty": "vc", "kid": w.vm}


def test_every_changed_character_is_refused_as_joserfc_refuses_it() -> None:
    w = world()
    token = jose.sign(w.credential(), jose.okp_private(w.key), w.vm)
    public = w.key.public_key()
    okp_public = jose.okp_public(public)
    assert _ours_accepts(token, public)
    for i, char in enumerate(token):
        for other in {"A", "B", "-", "_", "=", "+", "."} - {char}:
            changed = token[:i] + other + token[i + 1 :]
            assert not _ours_accepts(changed, public), (i, other)
            assert not _joserfc_accepts(changed, okp_public), (i, other)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "a.b",
        "a.b.c.d",
        "e30.e30.",
        "eyJhbGciOiJub25lIn0.e30.",  # alg none
        "W10.e30.AAAA",  # header is a list
        "eyJhbGciOiJFZDI1NTE5IiwidHlwIjoidmMrand0Iiwia2lkIjoieCIsImNyaXQiOlsiYiJdfQ.e30.AA",
        "€.e30.AA",
    ],
)
def test_malformed_tokens_are_refused(token: str) -> None:
    w = world()
    assert not _ours_accepts(token, w.key.public_key())


@settings(max_examples=60, deadline=None)
@given(name=st.text(max_size=200), n=st.integers(-(2**53), 2**53))
def test_any_credential_round_trips_and_matches_joserfc(name: str, n: int) -> None:
    w = world()
    okp = jose.okp_private(w.key)
    credential = {**w.credential(), "name": name, "llo-n": n}
    token = jose.sign(credential, okp, w.vm)
    assert token == _joserfc_sign(credential, okp, w.vm)
    assert _joserfc_accepts(token, jose.okp_public(w.key.public_key()))
    assert jose.verify(token, lambda *_a: w.key.public_key())[1] == credential


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(value=_JSON, big=st.integers(2**64, 2**80))
def test_compact_json_is_the_standard_librarys_bytes(value: object, big: int) -> None:
    # What jose.sign signs must not depend on the JSON library (orjson, with the standard
    # library for what orjson refuses, such as integers beyond 64 bits).
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    assert jose.compact_json(value) == expected
    wrapped = {"n": big, "v": value}
    assert (
        jose.compact_json(wrapped)
        == json.dumps(wrapped, ensure_ascii=False, separators=(",", ":")).encode()
    )
