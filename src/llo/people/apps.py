# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "llo.people"
    label = "people"
