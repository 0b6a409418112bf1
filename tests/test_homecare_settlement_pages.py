"""Settlement pages and downloads: permissions, 404 out of scope, shape of the files."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from anlao.homecare.models import Settlement
from anlao.homecare.settlement.services import settlement_approve, settlement_compute
from tests.settlement_fixtures import NOW, OCTOBER, october

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _settle(world, provider=None):
    return settlement_compute(actor=world.district_officer, provider=provider or world.provider,
                              period=OCTOBER, now=NOW)


def test_an_officer_computes_from_the_list_page(client, world):
    october(world)
    _login(client, world.district_officer)
    page = client.get(reverse("homecare:settlements"))
    assert page.status_code == 200 and b"compute-form" in page.content
    r = client.post(reverse("homecare:settlement_compute"),
                    {"provider": world.provider.pk, "period": "2026-10"})
    s = Settlement.objects.get(provider=world.provider)
    assert r.status_code == 302 and r.url == reverse("homecare:settlement", args=[s.pk])
    detail = client.get(r.url)
    assert b"four-eyes-note" in detail.content and b'id="approve"' not in detail.content


def test_a_bad_month_is_a_message_not_a_settlement(client, world):
    october(world)
    _login(client, world.district_officer)
    r = client.post(reverse("homecare:settlement_compute"),
                    {"provider": world.provider.pk, "period": "soon"}, follow=True)
    assert b"YYYY-MM" in r.content
    assert not Settlement.objects.exists()


def test_the_provider_manager_sees_its_settlement_but_not_the_others(client, world):
    october(world)
    mine, theirs = _settle(world), _settle(world, world.other_provider)
    _login(client, world.provider_manager)
    listing = client.get(reverse("homecare:settlements"))
    assert b"compute-form" not in listing.content
    assert client.get(reverse("homecare:settlement", args=[mine.pk])).status_code == 200
    assert client.get(reverse("homecare:settlement", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("homecare:settlement_xlsx", args=[theirs.pk])).status_code == 404
    r = client.post(reverse("homecare:settlement_approve", args=[mine.pk]))
    assert r.status_code == 404
    mine.refresh_from_db()
    assert mine.state == "computed"


def test_a_caregiver_has_no_settlement_pages(client, world):
    _login(client, world.caregiver)
    assert client.get(reverse("homecare:settlements")).status_code == 404


def test_the_excel_statement_reconciles(client, world):
    from openpyxl import load_workbook

    october(world)
    s = settlement_approve(actor=world.city_admin, settlement_id=_settle(world).pk, now=NOW)
    _login(client, world.district_officer)
    r = client.get(reverse("homecare:settlement_xlsx", args=[s.pk]))
    assert r.status_code == 200 and r["Content-Disposition"].endswith('.xlsx"')
    wb = load_workbook(io.BytesIO(r.content))
    summary = dict(wb.worksheets[0].iter_rows(values_only=True))
    assert summary["Payable (yuan)"] == 213.0
    rows = list(wb.worksheets[1].iter_rows(min_row=2, values_only=True))
    visits = [row for row in rows if isinstance(row[0], int)]
    assert len(visits) == 7
    assert sum(row[10] for row in visits) == 213
    assert rows[-1][10] == "=SUM(K2:K8)"


def test_the_pdf_statement_is_a_pdf(client, world):
    october(world)
    s = _settle(world)
    _login(client, world.provider_manager)
    r = client.get(reverse("homecare:settlement_pdf", args=[s.pk]))
    assert r.status_code == 200 and r.content[:5] == b"%PDF-"


def test_the_dashboard_page_renders_for_an_officer_and_a_provider(client, world):
    october(world)
    for user in (world.district_officer, world.provider_manager):
        client.logout()
        _login(client, user)
        r = client.get(reverse("homecare:stats") + "?month=2026-10")
        assert r.status_code == 200
        assert b"homecare-stats-data" in r.content and b"on-time-rate" in r.content


def test_the_main_dashboard_links_to_the_home_care_dashboard(client, world):
    october(world)
    _login(client, world.district_officer)
    r = client.get("/")
    assert b"homecare-dashboard-card" in r.content
    assert reverse("homecare:stats").encode() in r.content
