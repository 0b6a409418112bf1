"""Run every registered rule set that can run on its own (anlao.core.rules), or one app's."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anlao.core import rules


class Command(BaseCommand):
    help = "Run the registered rules and store their findings (idempotent; safe to repeat)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--app", help="only this app's rule sets (e.g. facilities)")

    def handle(self, *args: Any, **options: Any) -> None:
        sets = rules.rulesets(options["app"])
        if not sets:
            self.stderr.write(f"no rule sets registered for {options['app']!r}")
            return
        results = rules.run_all(app=options["app"])
        for s in sets:
            if s.name in results:
                self.stdout.write(f"{s.name}: {results[s.name]}")
            else:
                self.stdout.write(f"{s.name}: not run here. {s.run_note}")
