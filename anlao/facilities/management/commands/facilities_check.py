"""Nightly: re-run every facility compliance rule and record the day's occupancy."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anlao.facilities.services import facilities_check_all


class Command(BaseCommand):
    help = "Re-check every active facility's compliance rules (run nightly)."

    def handle(self, *args, **options) -> None:
        counts = facilities_check_all()
        self.stdout.write(f"checked {counts['facilities']} facilities, "
                          f"{counts['findings']} findings")
