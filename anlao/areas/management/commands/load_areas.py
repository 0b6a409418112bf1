from pathlib import Path

from django.core.management.base import BaseCommand

from anlao.areas.services import DEFAULT_FILE, area_tree_load


class Command(BaseCommand):
    help = "Load (or refresh) the area tree from a CSV file; safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, path: str, **opts):
        n = area_tree_load(actor=None, path=Path(path))
        self.stdout.write(f"{n} areas loaded from {path}")
