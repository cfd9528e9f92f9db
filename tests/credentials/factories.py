# SPDX-License-Identifier: EUPL-1.2
"""Keys, DID documents, status lists and credentials for tests, without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from llo.credentials import did, eddsa, jose, multibase, ob3, statuslist, verify

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ISSUED = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
LIST_URL = "https://llo.example.nl/credentials/status/1"


def seeded_key(n: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32)


@dataclass
class World:
    key: Ed25519PrivateKey
    issuer_did: str
    platform_key: Ed25519PrivateKey
    platform_did: str
    bits: bytearray
    kinds: tuple[str, ...] = ("microcredential", "evc")
    issuer_status: str = "admitted"

    @property
    def vm(self) -> str:
        return f"{self.issuer_did}#key-1"

    def did_doc(self) -> dict[str, Any]:
        return did.document(
            self.issuer_did,
            [did.KeySpec("key-1", multibase.public_multikey(self.key.public_key()), T0)],
        )

    def status_list(self) -> dict[str, Any]:
        unsigned = statuslist.list_credential(
            LIST_URL, self.platform_did, "revocation", self.bits, "2026-01-01T00:00:00Z"
        )
        return eddsa.sign(unsigned, self.platform_key, f"{self.platform_did}#key-1", T0)

    def resolver(self) -> verify.OfflineResolver:
        platform_doc = did.document(
            self.platform_did,
            [did.KeySpec("key-1", multibase.public_multikey(self.platform_key.public_key()), T0)],
        )
        return verify.OfflineResolver(
            {self.issuer_did: self.did_doc(), self.platform_did: platform_doc},
            {LIST_URL: self.status_list()},
            {self.issuer_did: {"status": self.issuer_status, "kinds": list(self.kinds)}},
        )

    def credential(self, index: int = 7, name: str = "Jan Hofstede", **kw: Any) -> dict[str, Any]:
        return ob3.credential(
            id=kw.pop("id", "urn:uuid:6a2b8f2e-2f1c-4a59-9d1a-1d7f5c0e0a01"),
            issuer=ob3.Issuer(
                self.issuer_did,
                "Academie Vakwerk",
                "90000009",
                "https://academievakwerk.example",
                "https://llo.example.nl/opleiders/90000009",
            ),
            subject=ob3.Subject(name, dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
            achievement=kw.pop("achievement", achievement()),
            valid_from=kw.pop("valid_from", ISSUED),
            valid_until=kw.pop("valid_until", None),
            status=(ob3.Status(LIST_URL, "revocation", index),),
        )

    def signed(self, **kw: Any) -> dict[str, Any]:
        return eddsa.sign(self.credential(**kw), self.key, self.vm, ISSUED)

    def jwt(self, **kw: Any) -> str:
        return jose.sign(self.credential(**kw), jose.okp_private(self.key), self.vm)


def achievement(**kw: Any) -> ob3.Achievement:
    data: dict[str, Any] = {
        "id": "https://llo.example.nl/aanbod/5f0c6d3e-8a4b-4c2e-9f1a-2b3c4d5e6f70",
        "kind": ob3.Kind.MICROCREDENTIAL,
        "name": "Lassen MIG/MAG (microcredential)",
        "description": "Lassen met MIG/MAG volgens een lasmethodebeschrijving.",
        "criteria": "Praktijkexamen bij Academie Vakwerk.",
        "learning_outcomes": ("Je last een hoeknaad volgens de WPS.", "Je werkt veilig."),
        "workload_hours": 120,
        "eqf": "3",
        "nlqf": "3",
        "assessment_type": "Praktijkexamen",
        "participation_form": "Op locatie",
        "quality_assurance": ("NRTO-keurmerk",),
        "skills": (ob3.Alignment("Lassen", "https://llo.example.nl/vaardigheden/lassen", "llo"),),
        "occupations": (
            ob3.Alignment(
                "Lasser", "https://llo.example.nl/beroepen/lasser", "llo", "", "ext:Occupation"
            ),
        ),
        "register_offer": "https://llo.example.nl/aanbod/5f0c6d3e-8a4b-4c2e-9f1a-2b3c4d5e6f70",
    }
    data.update(kw)
    return ob3.Achievement(**data)


def world() -> World:
    return World(
        key=seeded_key(1),
        issuer_did=did.did_web("llo.example.nl", "issuers", "90000009"),
        platform_key=seeded_key(2),
        platform_did=did.did_web("llo.example.nl"),
        bits=statuslist.empty(),
    )
