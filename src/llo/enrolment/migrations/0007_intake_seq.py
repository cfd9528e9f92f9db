# SPDX-License-Identifier: EUPL-1.2
"""Each intake entry's number in its window (decision 016): the lottery draws on it instead
of the global id. Entries decided before it existed get their number in arrival order (id
order within the window), in one set-based statement that PostgreSQL and SQLite (3.33+: UPDATE
... FROM, window functions) both run; undecided entries get theirs from the allocator."""

from django.db import migrations, models

NUMBER_DECIDED = """
UPDATE enrolment_intakeentry SET seq = numbered.n
FROM (
    SELECT id, ROW_NUMBER() OVER (PARTITION BY window_id ORDER BY id) AS n
    FROM enrolment_intakeentry WHERE outcome <> ''
) AS numbered
WHERE enrolment_intakeentry.id = numbered.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("enrolment", "0006_application_fewer_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="intakeentry",
            name="seq",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunSQL(NUMBER_DECIDED, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="intakeentry",
            constraint=models.UniqueConstraint(
                fields=("window", "seq"), name="enrolment_intake_seq_unique"
            ),
        ),
    ]
