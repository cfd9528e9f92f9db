# SPDX-License-Identifier: EUPL-1.2
"""The funder pages speak Dutch (B1) by default; the accounts catalogue is complete."""

from __future__ import annotations

import pytest
from django.test import Client

from llo.people.models import User
from tests.accounts.conftest import make_org


@pytest.mark.django_db
@pytest.mark.urls("tests.accounts.urls")
def test_the_budget_form_is_in_dutch() -> None:
    user = User.objects.create_user(
        username="werkgever:nl", role="werkgever", organisation=make_org()
    )
    client = Client()
    client.force_login(user)
    html = client.get("/financier/budgetten/nieuw").content.decode()
    assert "Nieuw budget maken" in html
    assert "Eigen bijdrage van de persoon (%)" in html
