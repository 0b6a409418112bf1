"""`anlao benefits_run --program … [--program …] --period 2026-04 --district 330105 --user …`:
synchronous. Several programs are computed as one batch that reads the registry once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from anlao.accounts.models import User
from anlao.accounts.selectors import user_by_username
from anlao.benefits.models import BenefitRun
from anlao.benefits.runs.selectors import open_regular_run
from anlao.benefits.runs.services import run_create, runs_compute
from anlao.core.errors import ServiceError
from anlao.core.money import format_fen


class Command(BaseCommand):
    help = "Create (or reuse the open) run for a program, month and district, and compute it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--program", required=True, action="append",
                            help="program code; repeat for a batch (the registry is read once)")
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--district", required=True, help="district area code, e.g. 330105")
        parser.add_argument("--user", required=True, help="username acting (audited)")

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = user_by_username(opts["user"], active_only=True)
        if actor is None:
            raise CommandError(f"no active user {opts['user']!r}")
        try:
            runs = [self._run(actor, program, opts) for program in opts["program"]]
            runs = runs_compute(actor=actor, run_ids=[r.pk for r in runs],
                                progress=self._progress)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        for run in runs:
            self.stdout.write(self.style.SUCCESS(
                f"run {run.pk} {run.program}: {run.elder_count} elders, {run.paid_count} paid, "
                f"{format_fen(run.total_fen)}; changes {run.summary.get('diff', {})}"))

    def _run(self, actor: User, program: str, opts: dict[str, Any]) -> BenefitRun:
        open_run = open_regular_run(actor=actor, program=program, period=opts["period"],
                                    district_code=opts["district"])
        if open_run is not None:
            return open_run
        return run_create(actor=actor, program=program, period=opts["period"],
                          district_code=opts["district"])

    def _progress(self, step: str, done: int, total: int) -> None:
        self.stdout.write(f"  {step}: {done:,}/{total:,}")
