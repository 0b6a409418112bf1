from django.core.management.base import BaseCommand

from anlao.demo.selectors import demo_logins


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Print the demo logins: username, role, scope, password."

    def handle(self, *args, **opts):
        rows = [("username", "role", "scope", "password")]
        rows += [(r.username, r.role, r.scope, r.password) for r in demo_logins()]
        if len(rows) == 1:
            self.stdout.write("No demo logins yet: run `anlao seed` first.")
            return
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            self.stdout.write("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True))
                              .rstrip())
