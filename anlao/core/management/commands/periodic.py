"""``anlao periodic``: run the periodic jobs that are due (see anlao/core/periodic.py)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from anlao.core.periodic import run_due


class Command(BaseCommand):
    help = "Run due periodic jobs once (for cron, every minute) or keep running with --loop."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="check every --interval seconds")
        parser.add_argument("--interval", type=int, default=30)

    def handle(self, *args, loop: bool = False, interval: int = 30, **opts) -> None:
        while True:
            for run in run_due():
                state = "ok" if run.ok else "FAILED"
                self.stdout.write(f"{run.job} {run.slot:%Y-%m-%d %H:%M} {state}: "
                                  f"{run.result.splitlines()[-1] if run.result else ''}")
            if not loop:
                return
            time.sleep(interval)
