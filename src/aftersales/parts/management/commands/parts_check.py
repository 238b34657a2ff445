"""``manage.py parts_check``: prove every stock balance is the sum of its ledger moves (R-7.2).

Prints each balance that differs and exits with status 1 when any does, so a cron job or CI
step fails loudly; prints the number of balances checked otherwise.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from aftersales.parts.models import StockBalance
from aftersales.parts.selectors import stock_ledger_mismatches


class Command(BaseCommand):
    help = "Check that every stock balance equals the sum of its stock moves."

    def handle(self, *args: Any, **options: Any) -> None:
        mismatches = stock_ledger_mismatches()
        for part_id, warehouse_id, on_hand, ledger_on_hand, reserved, ledger_reserved in mismatches:
            self.stdout.write(
                f"part {part_id} warehouse {warehouse_id}: on hand {on_hand} (ledger {ledger_on_hand}), "
                f"reserved {reserved} (ledger {ledger_reserved})"
            )
        if mismatches:
            raise CommandError(f"{len(mismatches)} stock balance(s) differ from the ledger.")
        self.stdout.write(f"{StockBalance.objects.count()} stock balances match the ledger.")
