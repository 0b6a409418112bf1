import time

from django.core.management.base import BaseCommand, CommandError

from anlao.core.errors import ServiceError
from anlao.demo.services import demo_seed
from anlao.demo.steps import run_extra_steps


class Command(BaseCommand):
    help = "Build the demo city (Gongshu): areas, organisations, demo logins and N elders."

    def add_arguments(self, parser):
        parser.add_argument("--elders", type=int, default=60_000, help="how many elders")
        parser.add_argument("--seed", type=int, default=1, help="same seed → same data")
        parser.add_argument("--reset", action="store_true",
                            help="remove existing elders (and their records) first")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when the registry already has elders")
        parser.add_argument("--no-extra-steps", action="store_true",
                            help="skip the other apps' registered demo steps")

    def handle(self, *args, elders: int, seed: int, reset: bool, if_empty: bool,
               no_extra_steps: bool, **opts):
        started = time.perf_counter()
        try:
            result = demo_seed(elders=elders, seed=seed, reset=reset, if_empty=if_empty,
                               stdout=self.stdout)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        if result.skipped:
            return
        if not no_extra_steps:
            run_extra_steps(seed, self.stdout)
        self.stdout.write(self.style.SUCCESS(
            f"demo city ready in {time.perf_counter() - started:.1f} s: {result.elders:,} "
            f"elders ({result.seconds:.1f} s) and the other apps' data "
            "(logins: anlao demo_logins)"))
