"""Every API answer that is an error is JSON in the one envelope, and the spec documents it.

Django's own CSRF page (HTML) used to answer a POST to an API path that matches no operation,
such as one with a non-integer id, because the catch-all 404 view was not CSRF-exempt.
"""

from __future__ import annotations

import json

from django.test import Client

from anlao.accounts.tokens import token_create
from anlao.api import api
from tests.api_client import ApiClient
from tests.personas import make_elder

ERROR_KEYS = {"code", "message", "field", "errors"}
DOCUMENTED = {"400", "401", "403", "404", "409", "422"}


def _token_client(user) -> tuple[Client, dict[str, str]]:
    _token, raw = token_create(actor=user, name="tests")
    return Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {raw}",
                                              "Accept-Language": "en"}


def test_a_token_post_with_a_non_integer_id_is_a_json_404(world):
    client, headers = _token_client(world.worker_a1)
    r = client.post("/api/elders/abc/reveal", {"field": "phone", "reason": "回访"},
                    content_type="application/json", headers=headers)
    assert r.status_code == 404
    assert r["Content-Type"].startswith("application/json")
    assert r.json() == {"code": "not_found", "message": "Not found.", "field": None,
                        "errors": None}


def test_a_token_post_to_an_unknown_path_is_a_json_404(world):
    client, headers = _token_client(world.worker_a1)
    r = client.generic("PATCH", "/api/no-such-thing", "{}", content_type="application/json",
                       headers=headers)
    assert r.status_code == 404
    assert set(r.json()) == ERROR_KEYS


def test_a_session_post_with_a_non_integer_id_and_no_csrf_is_a_json_403(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.worker_a1)
    r = client.post("/api/elders/abc/reveal", {"field": "phone", "reason": "回访"},
                    content_type="application/json", headers={"Accept-Language": "en"})
    assert r.status_code == 403
    assert r["Content-Type"].startswith("application/json")
    assert r.json()["code"] == "csrf_failed"
    assert set(r.json()) == ERROR_KEYS


def test_a_token_write_needs_no_csrf_token(world):
    elder = make_elder(world.community_a1)
    client, headers = _token_client(world.worker_a1)
    r = client.post(f"/api/elders/{elder.pk}/reveal",
                    {"field": "phone", "reason": "service", "note": "回访"},
                    content_type="application/json", headers=headers)
    assert r.status_code == 200


def test_invalid_json_is_a_400_in_the_envelope(world):
    elder = make_elder(world.community_a1)
    client, headers = _token_client(world.worker_a1)
    r = client.post(f"/api/elders/{elder.pk}/reveal", "{not json",
                    content_type="application/json", headers=headers)
    assert r.status_code == 400
    assert r.json()["code"] == "bad_request"
    assert set(r.json()) == ERROR_KEYS


def test_a_body_that_is_not_an_object_is_a_json_error(world):
    r = ApiClient(world.worker_a1).post("/api/elders", [1, 2])
    assert r.status_code in (400, 422)
    assert set(r.json()) == ERROR_KEYS


def test_an_unexpected_exception_is_a_json_500(world, monkeypatch):
    import anlao.api as root

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(root, "areas_for", boom)
    client = ApiClient(world.worker_a1)
    client.client.raise_request_exception = False
    r = client.get("/api/areas")
    assert r.status_code == 500
    assert r.json()["code"] == "server_error"
    assert set(r.json()) == ERROR_KEYS
    assert "boom" not in json.dumps(r.json())


def test_every_operation_documents_the_error_statuses(db):
    spec = api.get_openapi_schema()
    missing = {}
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            responses = {str(k): v for k, v in operation["responses"].items()}
            lacking = DOCUMENTED - set(responses)
            wrong = {s for s in DOCUMENTED & set(responses)
                     if "ErrorOut" not in json.dumps(responses[s])}
            if lacking or wrong:
                missing[f"{method.upper()} {path}"] = sorted(lacking | wrong)
    assert missing == {}


def test_a_conflict_is_a_json_409(rf):
    from anlao.core.errors import Conflict

    r = api.on_exception(rf.get("/api/me"), Conflict("This visit was changed by someone else."))
    assert r.status_code == 409
    assert json.loads(r.content)["code"] == "conflict"


def test_a_body_over_the_upload_limit_is_a_json_400(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    elder = make_elder(world.community_a1)
    r = ApiClient(world.worker_a1).post(f"/api/elders/{elder.pk}/reveal",
                                        {"field": "phone", "reason": "回访" * 100})
    assert r.status_code == 400
    assert set(r.json()) == ERROR_KEYS
