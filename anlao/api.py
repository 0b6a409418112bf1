"""The JSON API root (django-ninja). Each app contributes a router."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="anlao API", version="1", urls_namespace="api")
