# SPDX-License-Identifier: EUPL-1.2
"""``llo register_reindex``: rebuild the register search index (run it nightly: the next
start date and the static rank depend on today's date), and check that the offer-term table
still says what the offers' lists say (docs/decisions/019-offer-terms-table.md; written again
when it does not)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from rich.progress import Progress

from llo.core.audit import Actor
from llo.register import services
from llo.register.models import Offer, OfferState
from llo.register.search import indexer


class Command(BaseCommand):
    help = "Rebuild the search index of the register."

    def handle(self, *args: Any, **options: Any) -> None:
        total = Offer.objects.filter(state=OfferState.PUBLISHED).count()
        with Progress(transient=True) as progress, transaction.atomic():
            task = progress.add_task("Indexing offers", total=total)
            count = indexer.rebuild(progress=lambda n: progress.advance(task, n))
        self.stdout.write(f"{count} offers indexed.")
        drift = services.check_terms(actor=Actor.system("register_reindex"))
        if drift.none:
            self.stdout.write("Occupations and skills of the offers: in step.")
        else:
            self.stderr.write(
                f"Occupations and skills of the offers were out of step ({drift.missing} rows "
                f"missing, {drift.extra} too many; offers {list(drift.offers)}): written again."
            )
