"""Pages, API answers and downloads with personal data are not cached; a refused attempt
(another district's elder: 404; a permission: 403) is in the access log; the order export
and the settlement downloads are audited like the others."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from anlao.core.models import AccessLog, AuditLog
from anlao.homecare.settlement.services import settlement_compute
from tests.api_client import ApiClient
from tests.personas import make_elder
from tests.settlement_fixtures import NOW, OCTOBER, october

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_pages_api_answers_and_exports_are_not_stored(world):
    elder = make_elder(world.community_a1)
    c = _client(world.street_officer_a)
    for url in (reverse("people:detail", args=[elder.pk]), reverse("people:list"),
                reverse("people:export"), "/homecare/orders/export.xlsx"):
        assert c.get(url)["Cache-Control"] == "no-store", url
    assert ApiClient(world.street_officer_a).get(
        f"/api/elders/{elder.pk}")["Cache-Control"] == "no-store"


def test_another_districts_elder_answers_404_and_the_attempt_is_logged(world):
    elder = make_elder(world.community_x)
    assert _client(world.street_officer_a).get(
        reverse("people:detail", args=[elder.pk])).status_code == 404
    row = AccessLog.objects.get()
    assert (row.actor, row.field, row.entity, row.entity_id) == (
        world.street_officer_a, "refused", "people:detail", str(elder.pk))
    assert row.reason == f"404 GET /elders/{elder.pk}/"


def test_a_refused_permission_is_logged(world):
    elder = make_elder(world.community_a1)
    assert _client(world.caregiver).get(
        f"/benefits/elders/{elder.pk}/payment/").status_code == 403
    row = AccessLog.objects.get()
    assert (row.actor, row.field, row.entity_id) == (world.caregiver, "refused", str(elder.pk))
    assert row.reason.startswith("403 GET")


def test_a_refused_api_call_is_logged_with_the_token_user(world):
    elder = make_elder(world.community_x)
    assert ApiClient(world.worker_a1).get(f"/api/elders/{elder.pk}").status_code == 404
    assert AccessLog.objects.get().actor == world.worker_a1


def test_anonymous_visitors_and_unknown_paths_are_not_logged(world, client):
    client.get("/elders/1/")
    _client(world.worker_a1).get("/no-such-page/")
    assert not AccessLog.objects.exists()


def test_the_order_export_is_audited_with_its_filters_and_rows(world):
    october(world)
    c = _client(world.district_officer)
    assert c.get("/homecare/orders/export.xlsx?state=done").status_code == 200
    row = AuditLog.objects.get(action="order.export")
    assert row.actor == world.district_officer
    assert row.after["filters"] == {"state": "done"} and row.after["rows"] > 0


def test_settlement_downloads_are_audited(world):
    october(world)
    s = settlement_compute(actor=world.district_officer, provider=world.provider,
                           period=OCTOBER, now=NOW)
    c = _client(world.district_officer)
    assert c.get(f"/homecare/settlements/{s.pk}/statement.xlsx").status_code == 200
    rows = AuditLog.objects.filter(action="settlement.download", entity_id=str(s.pk))
    assert list(rows.values_list("after__format", flat=True)) == ["xlsx"]
