# SPDX-License-Identifier: EUPL-1.2
"""The notifications page of whoever is logged in (a person or an organisation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from llo.notifications import selectors, services


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    recipient = services.Recipient.of_user(request.user)
    if recipient is None:
        raise Http404
    return render(
        request,
        "notifications/inbox.html",
        {
            "items": selectors.inbox(recipient),
            "unread": selectors.unread_count(recipient),
            "address": selectors.address(recipient),
        },
    )


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    recipient = services.Recipient.of_user(request.user)
    if recipient is None:
        raise Http404
    count = services.mark_read(recipient)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")
