"""``anlao periodic``: run the periodic jobs that are due (see anlao/core/periodic.py).

With ``--loop`` it keeps running: SIGTERM or SIGINT lets the job under way finish, starts no
other and exits cleanly (a second signal stops at once); stale database connections are closed
around every round, as the ``worker`` command does.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from anlao.core.periodic import run_due

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Command(BaseCommand):
    help = "Run due periodic jobs once (for cron, every minute) or keep running with --loop."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="check every --interval seconds")
        parser.add_argument("--interval", type=int, default=30)

    def handle(self, *args, loop: bool = False, interval: int = 30, **opts) -> None:
        self.stopping = threading.Event()
        if not loop:
            self._round()
            return
        previous = {sig: signal.signal(sig, self._shutdown) for sig in STOP_SIGNALS}
        try:
            while not self.stopping.is_set():
                close_old_connections()
                self._round()
                close_old_connections()
                self.stopping.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("periodic: stopped")

    def _round(self) -> None:
        for run in run_due(stop=self.stopping.is_set):
            state = "ok" if run.ok else "FAILED"
            self.stdout.write(f"{run.job} {run.slot:%Y-%m-%d %H:%M} {state}: "
                              f"{run.result.splitlines()[-1] if run.result else ''}")

    def _shutdown(self, signum: int, frame: FrameType | None) -> None:
        self.stdout.write(f"periodic: {signal.strsignal(signum)}, finishing the current job")
        self.stopping.set()
        for sig in STOP_SIGNALS:  # a second signal ends the process at once
            signal.signal(sig, signal.SIG_DFL)
