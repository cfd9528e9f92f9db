# SPDX-License-Identifier: EUPL-1.2
"""Exemptions (vrijstellingen): llo proposes, the provider accepts or refuses with a reason,
and the price of the programme follows: :func:`exemption_reductions` is the price adjuster the
funding plan calls (``llo.accounts.price_adjusters``), :func:`price_after_exemptions` the
same price for the pages."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from llo.accounts import price_adjusters
from llo.core import audit
from llo.core.money import Money
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import now
from llo.credentials import matching
from llo.credentials.models import Credential, CredentialState, Exemption, ExemptionState
from llo.people.models import Organisation, Person
from llo.register.models import Offer, OfferType


def units_of(programme: Offer) -> list[Offer]:
    return list(programme.parts.exclude(state="removed").order_by("unit_code", "title", "pk"))


def unit_facts(unit: Offer) -> matching.UnitFacts:
    hours = int(unit.study_load_value) if unit.study_load_value is not None else None
    return matching.UnitFacts(
        unit.pk,
        unit.title,
        tuple(str(s) for s in unit.skills or []),
        tuple(str(o) for o in unit.learning_outcomes or []),
        unit.level,
        hours,
    )


def held_facts(person: Person) -> list[matching.HeldFacts]:
    rows = Credential.objects.filter(person=person, state=CredentialState.VALID)
    return [
        matching.HeldFacts(c.pk, c.title, tuple(c.skills), tuple(c.learning_outcomes), c.level)
        for c in rows
    ]


def explain(match: matching.Match, unit: Offer, credential: Credential) -> str:
    """The reason for a proposal, in B1."""
    parts = [
        _('Your certificate "%(credential)s" covers the unit "%(unit)s".')
        % {"credential": credential.title, "unit": unit.title}
    ]
    if match.skills:
        parts.append(_("Skills: %(skills)s.") % {"skills": ", ".join(match.skills)})
    if match.outcomes:
        parts.append(
            _("You can already do: %(outcomes)s.")
            % {"outcomes": "; ".join(o.rstrip(".") for o, _held in match.outcomes)}
        )
    return " ".join(parts)


def propose_exemptions(*, actor: audit.Actor, person: Person, programme: Offer) -> list[Exemption]:
    """Propose an exemption for every unit of ``programme`` that a valid credential of the
    person covers (once per unit); returns all exemptions of this programme for the person."""
    if programme.offer_type != OfferType.PROGRAMME:
        raise invalid(
            _("Exemptions are for a programme made of units."),
            [InvalidParam("programme", _("This is not a programme."), "not-programme")],
        )
    units = units_of(programme)
    by_id = {u.pk: u for u in units}
    with transaction.atomic():
        existing = set(
            Exemption.objects.filter(person=person, programme=programme).values_list(
                "unit_id", flat=True
            )
        )
        credentials = {c.pk: c for c in Credential.objects.filter(person=person)}
        at = now()
        for match in matching.propose([unit_facts(u) for u in units], held_facts(person)):
            if match.unit_id in existing:
                continue
            unit = by_id[match.unit_id]
            row = Exemption.objects.create(
                person=person,
                programme=programme,
                unit=unit,
                credential=credentials[match.credential_id],
                match={
                    "by": match.by,
                    "skills": list(match.skills),
                    "outcomes": [list(p) for p in match.outcomes],
                },
                reason=explain(match, unit, credentials[match.credential_id]),
                proposed_at=at,
            )
            audit.record(
                actor=actor,
                action="credentials.exemption.propose",
                subject=row,
                after={"unit": unit.pk, "credential": match.credential_id, "by": match.by},
            )
    return list(
        Exemption.objects.filter(person=person, programme=programme).select_related(
            "unit", "credential"
        )
    )


def decide_exemption(
    *,
    actor: audit.Actor,
    provider: Organisation,
    exemption: Exemption,
    accept: bool,
    reason: str,
) -> Exemption:
    """The provider of the programme accepts or refuses a proposed exemption (a refusal
    needs a reason the person can read)."""
    if exemption.programme.opleider.organisation_id != provider.pk:
        raise Problem(403, _("This programme is not yours."))
    reason = reason.strip()
    if not accept and not reason:
        text = _("Say why you refuse this exemption.")
        raise invalid(text, [InvalidParam("reason", text, "required")])
    with transaction.atomic():
        locked = Exemption.objects.select_for_update().get(pk=exemption.pk)
        if locked.state != ExemptionState.PROPOSED:
            raise Problem(409, _("This exemption has already been decided."), code="decided")
        if accept and locked.credential.state != CredentialState.VALID:
            text = _("The certificate behind this exemption is no longer valid. Refuse it.")
            raise invalid(text, [InvalidParam("reason", text, "credential-not-valid")])
        locked.state = ExemptionState.ACCEPTED if accept else ExemptionState.REFUSED
        locked.decision_reason = reason[:1000]
        locked.decided_at = now()
        locked.decided_by = actor.name
        locked.save(update_fields=["state", "decision_reason", "decided_at", "decided_by"])
        audit.record(
            actor=actor,
            action="credentials.exemption.decide",
            subject=locked,
            before={"state": ExemptionState.PROPOSED},
            after={"state": locked.state, "reason": reason},
        )
    return locked


def exemption_reductions(
    person_id: int, offers: Mapping[int, Mapping[str, int]]
) -> dict[int, list[price_adjusters.Reduction]]:
    """The price adjuster of credentials (registered in ``CredentialsConfig.ready()``): each
    unit the provider exempted takes its share of the course fee off this person's price of
    the programme (``matching.reductions``: in proportion to study load, rounded down). Exam
    and materials stay: the exam is still taken. One query for all ``offers`` (by offer id);
    a page of offers without accepted exemptions costs nothing more."""
    accepted: dict[int, list[int]] = {}
    # Only while the credential behind it is valid: a withdrawn or suspended certificate no
    # longer shows what the person can do, so its exemption no longer lowers the price.
    for programme_id, unit_id in Exemption.objects.filter(
        person_id=person_id,
        programme_id__in=list(offers),
        state=ExemptionState.ACCEPTED,
        credential__state=CredentialState.VALID,
    ).values_list("programme_id", "unit_id"):
        accepted.setdefault(programme_id, []).append(unit_id)
    out: dict[int, list[price_adjusters.Reduction]] = {}
    for programme in Offer.objects.filter(pk__in=list(accepted)):
        units = units_of(programme)
        titles = {u.pk: u.title for u in units}
        shares = matching.reductions(
            offers[programme.pk].get("tuition", 0),
            [unit_facts(u) for u in units],
            sorted(accepted[programme.pk]),
        )
        out[programme.pk] = [
            price_adjusters.Reduction(
                "exemption",
                "tuition",
                share.reduction_cents,
                _('Exemption for "%(unit)s": %(amount)s less.')
                % {"unit": titles[share.unit_id], "amount": Money(share.reduction_cents).format()},
                titles[share.unit_id],
            )
            for share in shares
        ]
    return out


def price_after_exemptions(
    person_id: int, offer_id: int, components: Mapping[str, int]
) -> price_adjusters.AdjustedPrice:
    """The price components of ``offer`` for this person after the exemptions the provider
    accepted (unchanged when the offer is no programme or nothing was accepted): the same
    reductions the funding plan takes, so every funder and the person see the lower price."""
    return price_adjusters.apply(
        components, exemption_reductions(person_id, {offer_id: components}).get(offer_id, [])
    )
