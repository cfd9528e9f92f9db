# SPDX-License-Identifier: EUPL-1.2
"""Offers point at codes of the skills language (issue 17, issue 15 item 1).

Until now an offer named its occupations and skills in free text ("Lasser"). This migration
maps each name to a code: through the skills language (any Dutch label; a preferred label wins,
docs/decisions/017-skills-language.md), and for the names the demo register used that ESCO's
Dutch labels lack, through the table below. A name that maps to nothing is left out of the offer
and kept in an audit entry (``register.offer.terms_mapped``, with the old and new lists and the
names it could not map), so nothing is lost and staff can fix the offer. Earlier versions of an
offer (``OfferVersion``) keep the text they had: they are history.

PostgreSQL also gets GIN indexes on the two lists, so the regional portfolio finds the offers
for one occupation or skill without reading every offer.
"""

from django.db import migrations
from django.utils import timezone

#: Free-text names of the demo register (and of early imports) with no unique Dutch label.
LEGACY_OCCUPATIONS = {
    "cnc-verspaner": "7223.4",  # operator CNC-machine
    "installatiemonteur": "7126.4",  # verwarmingsmonteur
    "securityspecialist": "2529.7",  # ICT-beveiligingsingenieur
    "teamleider": "1219.4",  # afdelingsmanager
    "zorgmedewerker": "5321.1",  # zorghulp
}


def _map(texts, resolver, legacy):
    from llo.skills.codes import normalise
    from llo.skills.resolve import TermError

    codes, unmapped = [], []
    for text in texts or []:
        text = str(text)
        if not text.strip():
            continue
        code = legacy.get(normalise(text))
        if code is None:
            try:
                code = resolver.resolve(text)
            except TermError:
                unmapped.append(text)
                continue
        if code not in codes:
            codes.append(code)
    return codes, unmapped


def forwards(apps, schema_editor):
    from llo.skills.resolve import Resolver

    Offer = apps.get_model("register", "Offer")
    AuditEntry = apps.get_model("core", "AuditEntry")
    if not Offer.objects.exists():
        return
    occupations = Resolver("occupation", preload=True)
    skills = Resolver("skill", preload=True)
    at = timezone.now()
    changed, audits = [], []
    for offer in Offer.objects.only("id", "occupations", "skills").order_by("id").iterator(2000):
        old_occ, old_skills = list(offer.occupations or []), list(offer.skills or [])
        new_occ, lost_occ = _map(old_occ, occupations, LEGACY_OCCUPATIONS)
        new_skills, lost_skills = _map(old_skills, skills, {})
        if (new_occ, new_skills) == (old_occ, old_skills):
            continue
        offer.occupations, offer.skills = new_occ, new_skills
        changed.append(offer)
        audits.append(
            AuditEntry(
                at=at,
                actor="system:migration",
                action="register.offer.terms_mapped",
                subject_type="register.Offer",
                subject_id=str(offer.pk),
                purpose="offers point at codes of the skills language",
                before={"occupations": old_occ, "skills": old_skills},
                after={
                    "occupations": new_occ,
                    "skills": new_skills,
                    "unmapped": lost_occ + lost_skills,
                },
            )
        )
        if len(changed) >= 2000:
            Offer.objects.bulk_update(changed, ["occupations", "skills"])
            AuditEntry.objects.bulk_create(audits)
            changed, audits = [], []
    Offer.objects.bulk_update(changed, ["occupations", "skills"])
    AuditEntry.objects.bulk_create(audits)


GIN = """
CREATE INDEX IF NOT EXISTS register_offer_occupations_gin
    ON register_offer USING gin (occupations jsonb_path_ops);
CREATE INDEX IF NOT EXISTS register_offer_skills_gin
    ON register_offer USING gin (skills jsonb_path_ops);
"""
DROP_GIN = """
DROP INDEX IF EXISTS register_offer_occupations_gin;
DROP INDEX IF EXISTS register_offer_skills_gin;
"""


def gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN)


def drop_gin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_GIN)


class Migration(migrations.Migration):
    dependencies = [
        ("register", "0004_offer_learning_outcomes"),
        ("skills", "0002_load_packaged"),
        ("core", "0003_fewer_indexes"),
    ]
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(gin, drop_gin),
    ]
