# SPDX-License-Identifier: EUPL-1.2
"""Issue a credential where it is born: a completed enrolment (DESIGN.md section 3,
"completed with evidence (a credential)"). One by one from the provider's page, or a whole
cohort at once (batch signing: ``llo issue_credentials``)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import now, today
from llo.credentials import authority, batch, config, eddsa, jose, ob3
from llo.credentials.models import Credential, Source
from llo.credentials.services import keys
from llo.credentials.services.status import allocate_index
from llo.enrolment.lifecycle import Status as AppStatus
from llo.enrolment.models import Enrolment
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Opleider, ProviderStatus

DONE = (AppStatus.COMPLETED, AppStatus.PAID)

#: How a unit's study load converts to hours (1 ECTS = 28 hours, the Dutch norm in WHW
#: art. 7.4; SBU are study hours).
HOURS_PER_ECTS = 28

#: The criteria narrative of a kind, when the provider named no type of assessment (the
#: criteria are a required OB 3.0 field; the type of assessment is then left out, not guessed).
ASSESSMENT = {
    ob3.Kind.MICROCREDENTIAL: "Toets of praktijkopdracht, beoordeeld door de opleider",
    ob3.Kind.MBO_CERTIFICATE: "Examen volgens het examenplan van de mbo-instelling",
    ob3.Kind.EVC: "EVC-procedure: portfolio en praktijkbeoordeling door een assessor",
    ob3.Kind.COURSE: "Deelname: ten minste 80 % aanwezig",
}
PARTICIPATION = {
    "presential": "Op locatie",
    "online": "Online",
    "blended": "Deels online, deels op locatie",
    "hybrid": "Hybride",
    "work_based": "Op de werkplek",
}


def kind_for(offer: Offer) -> ob3.Kind:
    kind = ob3.KIND_OF_LEADS_TO.get(offer.leads_to)
    if kind is None:
        raise Problem(422, _("llo cannot issue a certificate for this offer."), code="not-issuable")
    return kind


def allowed(opleider: Opleider, on: dt.date, *, as_admitted: bool = False) -> frozenset[ob3.Kind]:
    """The kinds this provider may issue on ``on`` (the register's rule in
    :mod:`llo.credentials.authority`); ``as_admitted``: the kinds it may issue while admitted
    (the public list of issuers states the status beside them)."""
    return authority.allowed_kinds(
        admitted=as_admitted or opleider.status == ProviderStatus.ADMITTED,
        marks=[m.kind for m in opleider.quality_marks.all() if m.is_valid_on(on)],
        offer_types=opleider.offers.values_list("offer_type", flat=True).distinct(),
    )


def _hours(offer: Offer) -> int | None:
    if offer.study_load_value is None:
        return None
    value = offer.study_load_value
    if offer.study_load_unit == "ects":
        return int(value * HOURS_PER_ECTS)
    return int(value)


def achievement_for(offer: Offer, on: dt.date) -> ob3.Achievement:
    kind = kind_for(offer)
    level = offer.level.removeprefix("eqf_") if offer.level.startswith("eqf_") else ""
    if offer.level == "nlqf_4plus":
        level = "4"
    nlqf = "instap" if level == "0" else ("4+" if offer.level == "nlqf_4plus" else level)
    assessment = str(offer.get_assessment_type_display()) if offer.assessment_type else ""
    criteria = assessment or ASSESSMENT[kind]
    description = (offer.description or offer.title)[:2000]
    if offer.leads_to == "diploma":
        # A certificate of completion, not the diploma: no qualification level on it.
        level = nlqf = ""
        description = _(
            "You completed this training. The diploma itself comes from the school (DUO)."
        )
    # The EU elements as the provider gave them in the register (issue 16 item 4); what it
    # did not give is left out of the credential rather than made up.
    outcomes = [str(o) for o in (offer.learning_outcomes or [])]
    marks = [
        str(m.get_kind_display()) for m in offer.opleider.quality_marks.all() if m.is_valid_on(on)
    ]
    if offer.quality_assurance.strip():
        marks.insert(0, offer.quality_assurance.strip())
    stack = ""
    if offer.part_of_id is not None:
        stack = _("Part of %(programme)s. It can give an exemption there.") % {
            "programme": offer.part_of.title  # type: ignore[union-attr]
        }
    modes = [PARTICIPATION.get(m, m) for m in (offer.modes or [])]
    return ob3.Achievement(
        id=config.offer_url(offer.pk),
        kind=kind,
        name=offer.title,
        description=description,
        criteria=criteria,
        learning_outcomes=tuple(outcomes),
        workload_hours=_hours(offer),
        ects=offer.study_load_value if offer.study_load_unit == "ects" else None,
        eqf=level,
        nlqf=nlqf if level else "",
        assessment_type=assessment,
        participation_form=", ".join(modes),
        quality_assurance=tuple(marks),
        stackability=stack,
        skills=tuple(
            ob3.Alignment(s, config.skill_url(s), "llo vaardigheden") for s in offer.skills
        ),
        occupations=tuple(
            ob3.Alignment(o, config.occupation_url(o), "llo beroepen", "", "ext:Occupation")
            for o in offer.occupations
        ),
        register_offer=config.offer_url(offer.pk),
        unit_code=offer.unit_code,
        language=offer.language or "nl",
    )


def issuer_for(organisation: Organisation) -> ob3.Issuer:
    return ob3.Issuer(
        did=config.issuer_did(organisation.kvk),
        name=organisation.name,
        kvk=organisation.kvk,
        url=config.provider_url(organisation.kvk),
        register_url=config.provider_url(organisation.kvk),
    )


def issuable_enrolments(provider: Organisation) -> list[Enrolment]:
    """Completed enrolments of this provider's offers without a credential yet."""
    issued = Credential.objects.filter(enrolment__isnull=False).values("enrolment_id")
    return list(
        Enrolment.objects.filter(
            application__provider=provider, application__status__in=[s.value for s in DONE]
        )
        .exclude(pk__in=issued)
        .select_related("application__person", "application__offer")
        .order_by("ended_at", "pk")
    )


def _check(provider: Organisation, enrolment: Enrolment, on: dt.date) -> ob3.Kind:
    app = enrolment.application
    if app.provider_id != provider.pk:
        raise Problem(403, _("This enrolment is not at your organisation."))
    if app.status not in DONE:
        raise Problem(
            422,
            _("The training is not completed yet. Report the completion first."),
            code="not-completed",
        )
    if Credential.objects.filter(enrolment=enrolment).exists():
        raise Problem(
            409, _("A certificate has already been issued for this enrolment."), code="issued"
        )
    kind = kind_for(app.offer)
    opleider = Opleider.objects.filter(organisation=provider).first()
    if opleider is None or kind not in allowed(opleider, on):
        raise Problem(
            422,
            _("Your organisation may not issue this kind of certificate (see the register)."),
            code="not-allowed",
        )
    return kind


def _build(
    provider: Organisation,
    person: Any,
    offer: Offer,
    at: dt.datetime,
    status: tuple[Any, ...],
    *,
    started: dt.date | None = None,
    ended: dt.date | None = None,
    enrolment: Enrolment | None = None,
) -> tuple[Credential, dict[str, Any]]:
    credential_uuid = uuid.uuid4()
    status_list, index = status
    achievement = achievement_for(offer, at.date())
    doc = ob3.credential(
        id=f"urn:uuid:{credential_uuid}",
        issuer=issuer_for(provider),
        subject=ob3.Subject(person.display_name, started, ended),
        achievement=achievement,
        valid_from=at,
        status=(
            ob3.Status(
                config.status_list_url(status_list.pk), "message", index, status_list.status_size
            ),
        ),
    )
    row = Credential(
        uuid=credential_uuid,
        person=person,
        source=Source.ISSUED,
        issuer=provider,
        issuer_did=config.issuer_did(provider.kvk),
        issuer_name=provider.name,
        kind=achievement.kind.value,
        title=offer.title,
        offer=offer,
        enrolment=enrolment,
        status_list=status_list,
        status_index=index,
        issued_at=at,
        skills=list(offer.skills),
        learning_outcomes=list(achievement.learning_outcomes),
        level=offer.level,
        hours=achievement.workload_hours,
    )
    return row, doc


def _of_enrolment(
    provider: Organisation, enrolment: Enrolment, at: dt.datetime
) -> tuple[Credential, dict[str, Any]]:
    return _build(
        provider,
        enrolment.application.person,
        enrolment.application.offer,
        at,
        allocate_index(),
        started=enrolment.started_at.date() if enrolment.started_at else None,
        ended=enrolment.ended_at.date() if enrolment.ended_at else None,
        enrolment=enrolment,
    )


#: The values that differ between the credentials of one cohort (batch.Cohort).
VARYING = (
    ("id",),
    ("credentialSubject", "identifier", 0, "identityHash"),
    ("credentialSubject", "activityStartDate"),
    ("credentialSubject", "activityEndDate"),
    ("credentialStatus", "id"),
    ("credentialStatus", "statusListIndex"),
)


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        try:
            doc = doc[step]
        except (KeyError, IndexError, TypeError):
            return None
    return doc


def _cohorts(docs: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Credentials that are equal but for the varying values, by their common text."""
    groups: dict[str, list[int]] = {}
    for n, doc in enumerate(docs):
        rest = json.loads(json.dumps(doc))
        for path in VARYING:
            if isinstance(_get(rest, path), str):
                parent = _get(rest, path[:-1])
                parent[path[-1]] = ""
        key = (
            json.dumps(rest, sort_keys=True)
            + "|"
            + ",".join(str(isinstance(_get(doc, p), str)) for p in VARYING)
        )
        groups.setdefault(key, []).append(n)
    return groups


def _sign_and_store(
    actor: audit.Actor,
    provider: Organisation,
    built: list[tuple[Credential, dict[str, Any]]],
    at: dt.datetime,
) -> list[Credential]:
    """Both proofs for every credential of a batch (batch signing per cohort), stored with
    an audit record each (inside the caller's transaction)."""
    key = keys.ensure_key(provider, actor)
    secret = keys.signing_key(key)
    vm = f"{key.did}#{key.fragment}"
    docs = [doc for _row, doc in built]
    for members in _cohorts(docs).values():
        first = docs[members[0]]
        varying = [p for p in VARYING if isinstance(_get(first, p), str)]
        try:
            cohort = batch.Cohort(first, varying, secret, vm, at)
        except ValueError:
            cohort = None
        for n in members:
            row, doc = built[n]
            if cohort is not None:
                signed = cohort.sign([_get(doc, p) for p in varying])
                row.document, row.jwt = signed.document, signed.jwt
            else:  # no template for this shape: one by one, the reference way
                row.document = json.dumps(eddsa.sign(doc, secret, vm, at), ensure_ascii=False)
                row.jwt = jose.sign(doc, jose.okp_private(secret), vm)
    rows = [row for row, _doc in built]
    Credential.objects.bulk_create(rows)
    out = []
    for row in Credential.objects.filter(uuid__in=[r.uuid for r in rows]).order_by("pk"):
        audit.record(
            actor=actor,
            action="credentials.issue",
            subject=row,
            after={"kind": row.kind, "enrolment": row.enrolment_id, "key": vm},
        )
        out.append(row)
    return out


def issue_cohort(
    *,
    actor: audit.Actor,
    provider: Organisation,
    enrolments: Sequence[Enrolment],
    progress: Callable[[int], None] | None = None,
    chunk: int = 500,
) -> list[Credential]:
    """Issue credentials for many completed enrolments: batch signing of each cohort
    (:mod:`llo.credentials.batch`: what all share is canonicalised once), in chunks of
    ``chunk``, each chunk one transaction with its audit records."""
    at = now().replace(microsecond=0)
    keys.ensure_key(provider, actor)
    out: list[Credential] = []
    for start in range(0, len(enrolments), chunk):
        part = enrolments[start : start + chunk]
        with transaction.atomic():
            for enrolment in part:
                _check(provider, enrolment, at.date())
            built = [_of_enrolment(provider, e, at) for e in part]
            out += _sign_and_store(actor, provider, built, at)
        if progress:
            progress(len(part))
    return out


def issue_for_enrolment(
    *, actor: audit.Actor, provider: Organisation, enrolment: Enrolment
) -> Credential:
    """Issue the credential of one completed enrolment (both proof forms)."""
    return issue_cohort(actor=actor, provider=provider, enrolments=[enrolment])[0]


def issue_assessment(
    *,
    actor: audit.Actor,
    provider: Organisation,
    person: Person,
    offer: Offer,
    assessed_on: dt.date,
) -> Credential:
    """An ervaringscertificaat: the assessor's decision at the end of an EVC procedure is the
    evidence (no course enrolment; seed 001, "EVC-procedures"). Only for the provider's own
    EVC offers, and only once per person and offer."""
    at = now().replace(microsecond=0)
    if offer.opleider.organisation_id != provider.pk:
        raise Problem(403, _("This EVC procedure is not yours."))
    if kind_for(offer) != ob3.Kind.EVC:
        raise Problem(
            422, _("Only an EVC procedure gives an experience certificate."), code="not-evc"
        )
    opleider = offer.opleider
    if ob3.Kind.EVC not in allowed(opleider, at.date()):
        raise Problem(
            422,
            _("Your organisation may not issue this kind of certificate (see the register)."),
            code="not-allowed",
        )
    with transaction.atomic():
        if Credential.objects.filter(person=person, offer=offer, source=Source.ISSUED).exists():
            raise Problem(409, _("This person already has this certificate."), code="issued")
        built = [_build(provider, person, offer, at, allocate_index(), ended=assessed_on)]
        return _sign_and_store(actor, provider, built, at)[0]


def evc_procedures(provider: Organisation) -> list[Offer]:
    """The provider's own EVC procedures in the register (what its assessors certify)."""
    return [
        o
        for o in Offer.objects.filter(opleider__organisation=provider)
        .exclude(state="removed")
        .select_related("opleider")
        .order_by("title", "pk")
        if ob3.KIND_OF_LEADS_TO.get(o.leads_to) == ob3.Kind.EVC
    ]


def issue_evc(
    *,
    actor: audit.Actor,
    provider: Organisation,
    offer: Offer | None,
    bsn: str,
    birth_date: dt.date,
    assessed_on: dt.date,
) -> Credential:
    """The assessor's page: find the candidate by BSN and date of birth (both must match, so
    a typing error never gives someone else a certificate; the answer does not say which one
    was wrong) and issue the ervaringscertificaat of ``offer`` (:func:`issue_assessment`).
    Refusals name the field they are about (``invalidParams``)."""
    problems = []
    if offer is None or offer.opleider.organisation_id != provider.pk:
        problems.append(
            InvalidParam("procedure", _("Choose one of your EVC procedures."), "unknown")
        )
    if assessed_on > today():
        problems.append(
            InvalidParam(
                "assessedOn", _("The date of the assessment cannot be in the future."), "future"
            )
        )
    person = None
    try:
        person = Person.objects.by_bsn(bsn)
    except ValueError:
        problems.append(
            InvalidParam(
                "bsn", _("This BSN is not right. A BSN has 9 digits. Check the number."), "invalid"
            )
        )
    else:
        if person is None or person.birth_date != birth_date:
            text = _("We cannot find a person with this BSN and date of birth. Check both.")
            problems.append(InvalidParam("bsn", text, "not-found"))
            person = None
    if problems:
        raise invalid(_("The certificate was not issued. Check the fields."), problems)
    assert offer is not None
    assert person is not None
    try:
        return issue_assessment(
            actor=actor, provider=provider, person=person, offer=offer, assessed_on=assessed_on
        )
    except Problem as exc:
        if exc.code == "issued":
            raise invalid(exc.detail, [InvalidParam("procedure", exc.detail, "issued")]) from None
        raise
