"""The OpenAPI spec loads and lists every endpoint; the docs page uses no CDN."""

from __future__ import annotations

from django.test import Client

EXPECTED = {
    "/api/me": {"get"},
    "/api/areas": {"get"},
    "/api/elders": {"get", "post"},
    "/api/elders/{elder_id}": {"get", "patch"},
    "/api/elders/{elder_id}/reveal": {"post"},
    "/api/elders/{elder_id}/status": {"post"},
}


def test_the_spec_lists_every_endpoint(db):
    r = Client().get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    # other apps add their own routers; these are the registry's
    assert {p: set(paths.get(p, {})) for p in EXPECTED} == EXPECTED


def test_the_spec_declares_both_authentications(db):
    schemes = Client().get("/api/openapi.json").json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_the_spec_documents_the_error_shape(db):
    spec = Client().get("/api/openapi.json").json()
    responses = spec["paths"]["/api/elders/{elder_id}"]["get"]["responses"]
    assert {"200", "401", "404"} <= set(responses)
    assert set(spec["components"]["schemas"]["ErrorOut"]["properties"]) == {
        "code", "message", "field", "errors"}


def test_the_docs_page_loads_assets_locally(db):
    html = Client().get("/api/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html
