# SPDX-License-Identifier: EUPL-1.2
"""Pages of credentials: the public verify page, the wallet, the provider's issue and status
page, exemptions; and the public JSON llo serves (DID documents, status lists, its context).
Each view resolves, calls one service or selector, renders."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from llo.core import audit
from llo.core.problems import Problem
from llo.core.roles import Role, role_required
from llo.core.timeutil import today
from llo.credentials import config, contexts, elm, jose, selectors, services
from llo.credentials.forms import EvcForm
from llo.credentials.limits import DEFAULT_LIMITS
from llo.credentials.models import Credential, Exemption
from llo.enrolment.models import Enrolment
from llo.people.models import Organisation, Person
from llo.register.models import Offer, OfferType

KIND_LABELS = {
    "microcredential": gettext_lazy("Microcredential"),
    "mbo_certificate": gettext_lazy("mbo certificate"),
    "evc": gettext_lazy("Experience certificate (EVC)"),
    "course": gettext_lazy("Course certificate"),
}


def _actor(request: HttpRequest) -> audit.Actor:
    return audit.actor_of(request)


def _visitor(request: HttpRequest) -> audit.Actor:
    """Who reads through a shared link: the logged-in user, or an anonymous verifier."""
    if request.user.is_authenticated:
        return audit.actor_of(request)
    return audit.Actor("anonymous:shared-link", role="verifier")


def _kind(value: str) -> str:
    return str(KIND_LABELS.get(value, value))


# --- public JSON ------------------------------------------------------------------------------


def _json(data: Any, content_type: str = "application/json") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type=content_type
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def platform_did(request: HttpRequest) -> HttpResponse:
    return _json(selectors.did_document_of(None), "application/did+json")


def issuer_did(request: HttpRequest, kvk: str) -> HttpResponse:
    found = selectors.did_document(config.issuer_did(kvk))
    if found is None:
        raise Http404
    return _json(found, "application/did+json")


def status_list(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.status_list_credential(pk)
    if found is None:
        raise Http404
    return _json(found, "application/vc+ld+json")


def llo_context(request: HttpRequest) -> HttpResponse:
    return _json(contexts.context_document(contexts.LLO_V1), "application/ld+json")


# --- verify (public) --------------------------------------------------------------------------


def _read_input(request: HttpRequest) -> str | bytes:
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size and upload.size > DEFAULT_LIMITS.max_bytes * 2:
            return b" " * (DEFAULT_LIMITS.max_bytes * 2 + 1)
        return upload.read(DEFAULT_LIMITS.max_bytes * 2 + 1)
    return request.POST.get("credential", "")


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Paste or upload a credential; see every check. No login."""
    result = None
    error = ""
    summary: dict[str, Any] = {}
    if request.method == "POST":
        data = _read_input(request)
        if not data or (isinstance(data, str) and not data.strip()):
            error = _("Paste a credential or choose a file.")
        else:
            result = selectors.verify_text(data)
            summary = _summary(result.credential)
    return render(
        request,
        "credentials/verify.html",
        {"result": result, "error": error, "summary": summary, "labels": CHECK_LABELS},
        status=400 if error else 200,
    )


CHECK_LABELS = {
    "signature": gettext_lazy("Signature"),
    "issuer": gettext_lazy("Issuer"),
    "status": gettext_lazy("Status"),
    "dates": gettext_lazy("Valid dates"),
    "schema": gettext_lazy("Open Badges 3.0 rules"),
}


def _summary(doc: dict[str, Any] | None) -> dict[str, Any]:
    if not isinstance(doc, dict):
        return {}
    from llo.credentials import ob3

    view = elm.to_ob3_view(doc) if elm.is_elm(doc) else doc
    ach = ob3.achievement_of(view)
    issuer = view["issuer"] if isinstance(view.get("issuer"), dict) else {}
    return {
        "title": str(ach.get("name", ""))[:300],
        "issuer": str(issuer.get("name", "") or ob3.issuer_id(view))[:300],
        "holder": elm.subject_name(view)[:200],
        "kind": _kind(str(ach.get("credentialKind", ""))),
        "issued": str(view.get("validFrom", ""))[:10],
    }


# --- the wallet (citizen) ---------------------------------------------------------------------


def _person(request: HttpRequest) -> Person:
    person = getattr(request.user, "person", None)
    if not isinstance(person, Person):
        raise Http404
    return person


def _mine(request: HttpRequest, value: str) -> Credential:
    person = getattr(request.user, "person", None)
    row = selectors.credential_of(person, value) if person else None
    if row is None:
        raise Http404
    return row


@role_required(Role.BURGER)
@require_http_methods(["GET", "POST"])
def wallet(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    error = ""
    if request.method == "POST":
        data = _read_input(request)
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        try:
            row = services.import_credential(actor=_actor(request), person=person, data=text)
        except Problem as exc:
            error = exc.detail
        else:
            messages.success(request, _("The credential is checked and added."))
            return redirect("credentials:detail", value=str(row.uuid))
    rows = selectors.wallet(person)
    return render(
        request,
        "credentials/wallet.html",
        {
            "rows": [(r, _kind(r.kind)) for r in rows],
            "error": error,
            "programmes": selectors.programmes_with_units(),
            "planned": selectors.exemption_programmes(person),
        },
        status=400 if error else 200,
    )


@role_required(Role.BURGER)
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, value: str) -> HttpResponse:
    row = _mine(request, value)
    share_url = ""
    error = ""
    if request.method == "POST":
        try:
            expires = dt.date.fromisoformat(request.POST.get("expires", ""))
        except ValueError:
            error = _("Give a date, for example 31-12-2027.")
        else:
            try:
                token = services.create_share_link(
                    actor=_actor(request), person=row.person, credential=row, expires=expires
                )
            except Problem as exc:
                error = exc.detail
            else:
                share_url = request.build_absolute_uri(f"/gedeeld/{token}")
    result = selectors.verify_text(row.document or row.jwt)
    return render(
        request,
        "credentials/detail.html",
        {
            "row": row,
            "kind": _kind(row.kind),
            "result": result,
            "labels": CHECK_LABELS,
            "summary": _summary(result.credential),
            "share_url": share_url,
            "error": error,
            "min_date": (today() + dt.timedelta(days=1)).isoformat(),
        },
        status=400 if error else 200,
    )


@role_required(Role.BURGER)
def download(request: HttpRequest, value: str, form: str) -> HttpResponse:
    row = _mine(request, value)
    if form == "jsonld" and row.document:
        response = HttpResponse(row.document, content_type="application/vc+ld+json")
        name = f"{row.uuid}.jsonld"
    elif form == "jwt" and row.jwt:
        response = HttpResponse(row.jwt, content_type="application/vc+jwt")
        name = f"{row.uuid}.jwt"
    elif form == "elm" and row.document and row.issuer is not None:
        from llo.credentials.services.keys import ensure_key, signing_key

        doc = json.loads(row.document)
        key = ensure_key(row.issuer, _actor(request))
        token = jose.sign(
            elm.export(doc), jose.okp_private(signing_key(key)), f"{key.did}#{key.fragment}"
        )
        response = HttpResponse(token, content_type="application/vc+jwt")
        name = f"{row.uuid}-elm.jwt"
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def shared(request: HttpRequest, token: str) -> HttpResponse:
    row = selectors.shared_read(_visitor(request), token)
    if row is None:
        return render(
            request,
            "web/error.html",
            {
                "title": _("This link does not work"),
                "message": _("The link has expired or does not exist."),
            },
            status=404,
        )
    result = selectors.verify_text(row.document or row.jwt)
    return render(
        request,
        "credentials/shared.html",
        {
            "row": row,
            "kind": _kind(row.kind),
            "result": result,
            "labels": CHECK_LABELS,
            "summary": _summary(result.credential),
        },
    )


@role_required(Role.BURGER)
@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    programme = Offer.objects.filter(
        pk=request.POST.get("programme") or 0, offer_type=OfferType.PROGRAMME
    ).first()
    if programme is None:
        raise Http404
    services.propose_exemptions(actor=_actor(request), person=person, programme=programme)
    return redirect("credentials:exemptions", pk=programme.pk)


@role_required(Role.BURGER)
def exemptions(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    programme = Offer.objects.filter(pk=pk, offer_type=OfferType.PROGRAMME).first()
    if programme is None:
        raise Http404
    rows = list(
        Exemption.objects.filter(person=person, programme=programme).select_related(
            "unit", "credential"
        )
    )
    return render(
        request,
        "credentials/exemptions.html",
        {
            "programme": programme,
            "rows": rows,
            "plan": selectors.programme_plan(person, programme, today()),
            "offering": selectors.next_offering(programme, today()),
        },
    )


# --- the provider -----------------------------------------------------------------------------


def _org(request: HttpRequest) -> Organisation:
    org = getattr(request.user, "organisation", None)
    if org is None:
        raise Http404
    return org


def _provider_page(
    request: HttpRequest, org: Organisation, *, refused: tuple[int, str] | None = None
) -> HttpResponse:
    """The provider's page; ``refused``: an exemption whose decision was refused, with the
    reason shown beside its field."""
    overview = selectors.provider_overview(_actor(request), org)
    proposals = overview.proposals
    for row in proposals:
        row.error = refused[1] if refused and refused[0] == row.pk else ""  # type: ignore[attr-defined]
    return render(
        request,
        "credentials/provider.html",
        {
            "issuable": overview.issuable,
            "issued": [(c, _kind(c.kind)) for c in overview.issued],
            "proposals": proposals,
        },
        status=400 if refused else 200,
    )


@role_required(Role.OPLEIDER)
def provider_page(request: HttpRequest) -> HttpResponse:
    return _provider_page(request, _org(request))


@role_required(Role.OPLEIDER)
@require_POST
def provider_issue(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request)
    enrolment = Enrolment.objects.filter(pk=pk, application__provider=org).first()
    if enrolment is None:
        raise Http404
    try:
        services.issue_for_enrolment(actor=_actor(request), provider=org, enrolment=enrolment)
    except Problem as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, _("The certificate is issued. The student sees it in the learning overview.")
        )
    return redirect("credentials:provider")


@role_required(Role.ASSESSOR)
@require_http_methods(["GET", "POST"])
def evc_page(request: HttpRequest) -> HttpResponse:
    """The assessor (an EVC provider's staff in the role ``assessor``, given to the provider
    through ``people.RoleGrant``) gives a candidate the ervaringscertificaat at the end of an
    EVC procedure. Not the provider's own role: the decision that someone can do the work is
    the assessor's, and it is audited as theirs."""
    org = _org(request)
    procedures = services.evc_procedures(org)
    form = EvcForm(request.POST if request.method == "POST" else None, procedures=procedures)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row = services.issue_evc(
                    actor=_actor(request),
                    provider=org,
                    offer=form.offer(),
                    bsn=form.cleaned_data["bsn"],
                    birth_date=form.cleaned_data["birth_date"],
                    assessed_on=form.cleaned_data["assessed_on"],
                )
            except Problem as exc:
                for param in exc.invalid_params:
                    form.add_problem(param.name, param.reason)
                if not exc.invalid_params:
                    form.add_error(None, exc.detail)
                status = exc.status
            else:
                messages.success(
                    request,
                    _(
                        '%(name)s has the certificate "%(title)s" now. It is in their '
                        "learning overview."
                    )
                    % {"name": row.person.display_name, "title": row.title},
                )
                return redirect("credentials:evc")
        else:
            status = 400
    issued = selectors.issued_evc(_actor(request), org)
    return render(
        request,
        "credentials/evc.html",
        {
            "form": form,
            "procedures": procedures,
            "issued": issued,
            "max_date": today().isoformat(),
        },
        status=status,
    )


@role_required(Role.OPLEIDER)
@require_POST
def provider_status(request: HttpRequest, value: str) -> HttpResponse:
    org = _org(request)
    row = selectors.credential_by_uuid(value)
    if row is None or row.issuer_id != org.pk:
        raise Http404
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    actor = _actor(request)
    try:
        if action == "revoke":
            services.revoke(actor=actor, provider=org, credential=row, reason=reason)
            messages.success(request, _("The certificate is withdrawn."))
        elif action == "suspend":
            services.suspend(actor=actor, provider=org, credential=row, reason=reason)
            messages.success(request, _("The certificate is suspended."))
        elif action == "reinstate":
            services.reinstate(actor=actor, provider=org, credential=row)
            messages.success(request, _("The certificate is valid again."))
        else:
            raise Http404
    except Problem as exc:
        messages.error(request, exc.detail)
    return redirect("credentials:provider")


@role_required(Role.OPLEIDER)
@require_POST
def provider_decide(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request)
    row = Exemption.objects.filter(pk=pk, programme__opleider__organisation=org).first()
    if row is None:
        raise Http404
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_exemption(
            actor=_actor(request),
            provider=org,
            exemption=row,
            accept=accept,
            reason=request.POST.get("reason", ""),
        )
    except Problem as exc:
        beside = next((p.reason for p in exc.invalid_params if p.name == "reason"), "")
        if beside:
            return _provider_page(request, org, refused=(row.pk, beside))
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("The exemption is accepted.")
            if accept
            else _("The exemption is refused. The student sees your reason."),
        )
    return redirect("credentials:provider")
