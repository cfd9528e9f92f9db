# SPDX-License-Identifier: EUPL-1.2
"""Who may issue which kind of credential, from the register (pure).

* every kind needs a provider that is admitted to the register (status ``admitted``);
* an **mbo-certificaat** only from an institution recognised for mbo (quality mark ``ocw``):
  WEB art. 7.4.6a, the certificate is part of a recognised mbo qualification (seed 001);
* an **ervaringscertificaat (EVC)** only from a provider with an EVC procedure in the
  register (offer type ``evc``) and a valid quality mark (the EVC quality code requires an
  accredited EVC provider; seed 001: "EVC-procedures toegestaan" within STAP);
* a **microcredential** needs a valid quality mark of any kind the register accepts (seed 000:
  microcredentials of recognised, quality-assured providers);
* a **course certificate** any admitted provider.

The same rule feeds the issue button, the verifier (``issuer_standing``) and the public list of
issuers that offline verifiers use, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

from llo.credentials.ob3 import Kind


def allowed_kinds(
    *, admitted: bool, marks: Iterable[str], offer_types: Iterable[str]
) -> frozenset[Kind]:
    if not admitted:
        return frozenset()
    marks = set(marks)
    types = set(offer_types)
    kinds = {Kind.COURSE}
    if marks:
        kinds.add(Kind.MICROCREDENTIAL)
        if "evc" in types:
            kinds.add(Kind.EVC)
    if "ocw" in marks:
        kinds.add(Kind.MBO_CERTIFICATE)
    return frozenset(kinds)
