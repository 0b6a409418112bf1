"""Create an API token for a user and print it once (for scripts and first setup)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anlao.accounts.selectors import user_by_username
from anlao.accounts.tokens import token_create
from anlao.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print its value (shown only this once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="A label to recognise the token by.")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = user_by_username(username)
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            _token, raw = token_create(actor=user, name=name)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(raw)
