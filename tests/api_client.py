"""A small JSON client for the API tests: a persona's bearer token and JSON bodies."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from anlao.accounts.tokens import token_create


class ApiClient:
    """Calls /api/ as ``user`` with a fresh bearer token (or with ``raw`` as the token)."""

    def __init__(self, user: Any = None, *, raw: str | None = None, lang: str = "en"):
        self.client = Client()
        self.headers = {"Accept-Language": lang}
        if user is not None:
            _token, raw = token_create(actor=user, name="tests")
        if raw is not None:
            self.headers["Authorization"] = f"Bearer {raw}"
        self.raw = raw

    def get(self, url: str, **params: Any):
        return self.client.get(url, params, headers=self.headers)

    def send(self, method: str, url: str, body: Any = None):
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(method, url, data, content_type="application/json",
                                   headers=self.headers)

    def post(self, url: str, body: Any = None):
        return self.send("POST", url, body)

    def patch(self, url: str, body: Any = None):
        return self.send("PATCH", url, body)
