# SPDX-License-Identifier: EUPL-1.2
"""``llo register_reindex``: rebuild the register search index (run it nightly: the next
start date and the static rank depend on today's date)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from rich.progress import Progress

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
