# SPDX-License-Identifier: EUPL-1.2
"""``llo claim_deposits``: make rights of every deposit line nobody has read yet, one deposit
per transaction, then drop the emptied partitions of large deposits (PostgreSQL). Run nightly
after ``expire_rights``; running twice changes nothing. A person's first read does the same
for their own lines at any time (decision 005)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from llo.accounts.models import DepositLine
from llo.accounts.store import lines


class Command(BaseCommand):
    help = "Make rights of deposit lines not read yet; drop emptied partitions."

    def handle(self, *args: Any, **options: Any) -> None:
        deposits = list(
            DepositLine.objects.values_list("deposit_id", flat=True).distinct().order_by()
        )
        made = 0
        for deposit_id in sorted(deposits):
            made += lines.claim_deposits([deposit_id])
        dropped = lines.drop_empty_partitions()
        self.stdout.write(
            f"{made} rights made from {len(deposits)} deposits; "
            f"{len(dropped)} emptied partitions dropped"
        )
