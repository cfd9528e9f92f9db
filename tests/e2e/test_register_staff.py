# SPDX-License-Identifier: EUPL-1.2
"""Register staff suspend a provider in a real browser, with a public reason (JOURNEYS.md:
register staff act "with a public reason"); the pages pass axe-core's WCAG 2.2 AA rules, also
with a field error."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from llo.people.models import Organisation, OrganisationKind
from llo.register.models import Opleider, ProviderStatus
from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.test_browser import log_in_as, nl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_register_staff_suspend_a_provider_with_a_public_reason(
    app: str, new_context: Callable[..., BrowserContext]
) -> None:
    org = Organisation.objects.create(
        kvk="81999999", name="Lasacademie Test", kind=OrganisationKind.PROVIDER
    )
    Opleider.objects.create(organisation=org, kind="private")
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "register")

    page.get_by_role("link", name=nl("Training providers: status and quality marks")).click()
    expect(page.locator("h1")).to_have_text(nl("Training providers in the register"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Lasacademie Test").click()
    page.wait_for_url(f"{app}/beheer/opleiders/81999999")

    # Without a reason: the message stands beside the field, nothing changes.
    page.locator("#id_status-status").select_option("suspended")
    page.locator("form[action$='/status'] button[type=submit]").click()
    expect(page.locator("#id_status-reason-error")).to_contain_text(nl("Give a public reason."))
    expect(page.locator("#id_status-reason")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title(re.compile("^" + re.escape(nl("Error:"))))
    assert_no_axe_violations(page)
    assert Opleider.objects.get(organisation=org).status == ProviderStatus.ADMITTED

    page.locator("#id_status-reason").fill("Het keurmerk is ingetrokken.")
    page.locator("form[action$='/status'] button[type=submit]").click()
    page.wait_for_url(f"{app}/beheer/opleiders/81999999")
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    assert_no_axe_violations(page)
    assert Opleider.objects.get(organisation=org).status == ProviderStatus.SUSPENDED

    # The public page shows the status and the reason.
    page.goto(f"{app}/opleiders/81999999")
    expect(page.locator("main")).to_contain_text("Het keurmerk is ingetrokken.")
