# SPDX-License-Identifier: EUPL-1.2
"""One active application per person and start date, one funding per application and right
(issue 14, finding 1: 20 parallel applications on one preview reserved twice).

A database that already holds a duplicate (the race happened) cannot get the index; the first
step names the applications to resolve by hand (cancel one, which releases its money), rather
than failing on the index with a message that names no application."""

from django.db import migrations, models
from django.db.models import Count, Q

#: lifecycle.ACTIVE when this migration was written, as plain text so that a later change of
#: the code cannot change what this migration did.
ACTIVE = [
    "applied",
    "completed",
    "dropped_out",
    "enrolled",
    "granted",
    "not_completed",
    "paid",
    "started",
    "waiting",
]


def refuse_duplicates(apps, schema_editor):  # type: ignore[no-untyped-def]
    Application = apps.get_model("enrolment", "Application")
    Funding = apps.get_model("enrolment", "Funding")
    twice = list(
        Application.objects.filter(status__in=ACTIVE)
        .values("person_id", "offering_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)[:20]
    )
    funded_twice = list(
        Funding.objects.values("application_id", "right_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)[:20]
    )
    if twice or funded_twice:
        raise RuntimeError(
            "Cannot add the uniqueness of applications: resolve these first (cancel the "
            "duplicate application, which releases its money; `llo check_ledger` lists them "
            f"all): active applications per person and start date {twice}; "
            f"fundings per application and right {funded_twice}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("enrolment", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=Q(status__in=ACTIVE),
                fields=("person", "offering"),
                name="enrolment_application_one_active",
            ),
        ),
        migrations.AddConstraint(
            model_name="funding",
            constraint=models.UniqueConstraint(
                fields=("application", "right"), name="enrolment_funding_once_per_right"
            ),
        ),
    ]
