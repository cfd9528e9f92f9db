# SPDX-License-Identifier: EUPL-1.2
"""Issue, verify, revoke, suspend, rotate, share and import through the services, on both
databases; every change with its audit record."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from llo.core.models import AuditEntry
from llo.core.problems import Problem
from llo.credentials import config, elm, jose, selectors, services, statuslist, verify
from llo.credentials.models import Credential, CredentialState
from llo.register.models import ProviderStatus
from tests.credentials.conftest import ACTOR, completed, person
from tests.credentials.factories import world as offline_world
from tests.enrolment.conftest import World

pytestmark = pytest.mark.django_db


def _issue(world: World) -> Credential:
    return services.issue_for_enrolment(
        actor=ACTOR, provider=world.provider, enrolment=completed(world)
    )


def test_issue_on_completion_gives_both_forms_that_verify(world: World) -> None:
    row = _issue(world)
    assert row.kind == "microcredential"
    assert row.person.display_name
    doc = json.loads(row.document)
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    ach = doc["credentialSubject"]["achievement"]
    assert ach["registerOffer"] == config.offer_url(world.offer.pk)
    assert ach["eqfLevel"] == "3"
    assert ach["workloadHours"] == 120
    assert doc["issuer"]["address"]["addressCountryCode"] == "NL"
    for data in (row.document, row.jwt):
        result = selectors.verify_text(data)
        assert result.valid, result.as_json()
    assert AuditEntry.objects.filter(action="credentials.issue", subject_id=str(row.pk)).exists()


def test_issue_refused_twice_and_for_others_and_before_completion(world: World) -> None:
    done = completed(world)
    services.issue_for_enrolment(actor=ACTOR, provider=world.provider, enrolment=done)
    with pytest.raises(Problem) as twice:
        services.issue_for_enrolment(actor=ACTOR, provider=world.provider, enrolment=done)
    assert twice.value.status == 409
    from tests.enrolment.conftest import make_provider

    other = make_provider("Andere school")
    with pytest.raises(Problem) as foreign:
        services.issue_for_enrolment(actor=ACTOR, provider=other.organisation, enrolment=done)
    assert foreign.value.status == 403
    assert Credential.objects.count() == 1


def test_kind_the_register_does_not_allow_is_refused(world: World) -> None:
    world.offer.leads_to = "mbo_certificate"  # needs an OCW recognition
    world.offer.save()
    with pytest.raises(Problem) as refused:
        _issue(world)
    assert refused.value.code == "not-allowed"
    assert not Credential.objects.exists()


def test_revoke_and_suspend_show_everywhere(world: World) -> None:
    row = _issue(world)
    services.suspend(actor=ACTOR, provider=world.provider, credential=row, reason="Onderzoek")
    result = selectors.verify_text(row.document)
    assert (result.valid, result.status) == (False, "suspended")
    services.reinstate(actor=ACTOR, provider=world.provider, credential=row)
    assert selectors.verify_text(row.jwt).valid
    with pytest.raises(Problem):
        services.revoke(actor=ACTOR, provider=world.provider, credential=row, reason=" ")
    services.revoke(actor=ACTOR, provider=world.provider, credential=row, reason="Fraude")
    row.refresh_from_db()
    assert row.state == CredentialState.REVOKED
    for data in (row.document, row.jwt):
        result = selectors.verify_text(data)
        assert (result.valid, result.status) == (False, "revoked")
    listed = selectors.status_list_credential(row.status_list_id or 0)
    assert listed is not None
    value = statuslist.value_in_list(listed, "message", row.status_index or 0, 2)
    assert value == statuslist.REVOKED
    with pytest.raises(Problem) as again:
        services.reinstate(actor=ACTOR, provider=world.provider, credential=row)
    assert again.value.status == 409


def test_removed_or_suspended_provider(world: World) -> None:
    row = _issue(world)
    opleider = world.opleider
    opleider.status = ProviderStatus.SUSPENDED
    opleider.status_changed_at = row.issued_at + dt.timedelta(days=1)
    opleider.save()
    assert selectors.verify_text(row.document).valid  # issued before the suspension
    opleider.status = ProviderStatus.REMOVED
    opleider.save()
    result = selectors.verify_text(row.document)
    assert (result.valid, result.first_failure.code if result.first_failure else "") == (
        False,
        "removed-issuer",
    )


def test_rotated_key_old_credentials_still_verify(world: World) -> None:
    old = _issue(world)
    services.rotate_key(world.provider, ACTOR)
    new = _issue(world)
    assert json.loads(new.document)["proof"]["verificationMethod"].endswith("#key-2")
    document = selectors.did_document(config.issuer_did(world.provider.kvk))
    assert document is not None
    assert len(document["verificationMethod"]) == 2
    assert "expires" in document["verificationMethod"][0]
    assert selectors.verify_text(old.document).valid
    assert selectors.verify_text(new.document).valid


def test_offline_verification_with_the_did_document_and_status_list(world: World) -> None:
    row = _issue(world)
    doc = json.loads(row.document)
    selectors.status_list_credential(row.status_list_id or 0)  # llo's own key exists now
    resolver = verify.OfflineResolver(
        {
            row.issuer_did: selectors.did_document(row.issuer_did) or {},
            config.platform_did(): selectors.did_document(config.platform_did()) or {},
        },
        {
            config.status_list_url(row.status_list_id or 0): selectors.status_list_credential(
                row.status_list_id or 0
            )
            or {}
        },
        {e["did"]: e for e in json.loads(json.dumps(selectors.issuers()))},
    )
    result = verify.verify_document(doc, resolver)
    assert result.valid, [(c.check, c.code, c.detail) for c in result.checks]


def test_share_link_expires(world: World) -> None:
    row = _issue(world)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    token = services.create_share_link(
        actor=ACTOR, person=row.person, credential=row, expires=tomorrow
    )
    assert selectors.shared(token) == row
    assert selectors.shared(token + "x") is None
    with pytest.raises(Problem):
        services.create_share_link(
            actor=ACTOR, person=row.person, credential=row, expires=dt.date.today()
        )


def test_import_external_credential_verified_first() -> None:
    w = offline_world()
    from llo.credentials import did, eddsa, multibase

    key_did = f"did:key:{multibase.public_multikey(w.key.public_key())}"
    w.issuer_did = key_did
    unsigned = w.credential()
    unsigned.pop("credentialStatus")
    signed = eddsa.sign(
        unsigned,
        w.key,
        f"{key_did}#{key_did.removeprefix('did:key:')}",
        dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    holder = person()
    row = services.import_credential(actor=ACTOR, person=holder, data=json.dumps(signed))
    assert (row.source, row.imported_form, row.issuer_did) == ("imported", "jsonld", key_did)
    result = selectors.verify_text(row.document)
    assert result.valid
    assert any(c.code == "external-issuer" for c in result.checks)
    tampered = json.loads(json.dumps(signed))
    tampered["credentialSubject"]["achievement"]["name"] = "Lassen (alles)"
    with pytest.raises(Problem) as refused:
        services.import_credential(actor=ACTOR, person=holder, data=json.dumps(tampered))
    assert refused.value.status == 422
    assert refused.value.invalid_params[0].code == "signature"
    assert Credential.objects.filter(person=holder).count() == 1
    with pytest.raises(Problem) as twice:
        services.import_credential(actor=ACTOR, person=holder, data=json.dumps(signed))
    assert twice.value.status == 409
    assert did  # the did:key document is worked out from the identifier


def test_elm_export_imports_into_a_wallet(world: World) -> None:
    row = _issue(world)
    from llo.credentials.services.keys import ensure_key, signing_key

    key = ensure_key(world.provider, ACTOR)
    exported = elm.export(json.loads(row.document))
    assert exported["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    spec = exported["credentialSubject"]["hasClaim"][0]["specifiedBy"]
    assert spec["volumeOfLearning"] == "PT120H"
    assert spec["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/3"
    token = jose.sign(exported, jose.okp_private(signing_key(key)), f"{key.did}#{key.fragment}")
    other = person()
    imported = services.import_credential(actor=ACTOR, person=other, data=token)
    assert (imported.imported_form, imported.kind, imported.hours) == (
        "elm",
        "microcredential",
        120,
    )


def test_cohort_issue_in_batches(world: World) -> None:
    done = [completed(world) for _ in range(3)]
    seen: list[int] = []
    rows = services.issue_cohort(
        actor=ACTOR, provider=world.provider, enrolments=done, progress=seen.append, chunk=2
    )
    assert len(rows) == 3
    assert seen == [2, 1]
    assert len({r.status_index for r in rows}) == 3
    assert all(selectors.verify_text(r.document).valid for r in rows)


def test_issue_credentials_command(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    for _ in range(3):
        completed(world)
    out = StringIO()
    call_command("issue_credentials", "--kvk", world.provider.kvk, "--chunk", "2", stdout=out)
    text = out.getvalue()
    assert "issued 2/3" in text
    assert "Issued 3 certificates" in text
    again = StringIO()
    call_command("issue_credentials", "--kvk", world.provider.kvk, stdout=again)
    assert "Nothing to issue" in again.getvalue()
    with pytest.raises(CommandError):
        call_command("issue_credentials", "--kvk", "12345678")


def test_a_changed_status_list_is_checked_again(world: World) -> None:
    """The verifier remembers a verified status list by its exact text: a withdrawal makes
    a new list, which is checked (and says withdrawn) at once."""
    row = _issue(world)
    assert selectors.verify_text(row.document).valid
    assert selectors.verify_text(row.document).valid  # the remembered list
    services.revoke(actor=ACTOR, provider=world.provider, credential=row, reason="Fout")
    assert selectors.verify_text(row.document).status == "revoked"
