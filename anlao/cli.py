"""The ``anlao`` console script: Django's manage.py under a friendlier name.

``anlao seed``, ``anlao worker``, ``anlao migrate`` … are management commands.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["anlao", *(sys.argv[1:] if argv is None else argv)])
    return 0
