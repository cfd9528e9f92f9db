# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "llo.enrolment"
    label = "enrolment"
