"""Audit and access logs: who may read them, the one scoping rule, filters, readable diffs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anlao.accounts.models import User
from anlao.core.audit import audit, log_access
from anlao.core.errors import PermissionDenied
from anlao.core.models import AccessLog, AuditLog
from anlao.core.roles import Role
from anlao.core.selectors import LogFilters, access_rows_for, audit_rows_for
from tests.personas import make_elder


@pytest.fixture
def west(world) -> dict:
    """A second district (西湖区) with its own auditor and community worker."""
    district, community = world.xihu, world.community_x

    def user(name, role, area):
        u = User.objects.create_user(username=name, password="x", role=role)
        u.areas.set([area])
        return u

    return {"district": district, "community": community,
            "auditor": user("west_auditor", Role.AUDITOR, district),
            "worker": user("west_worker", Role.COMMUNITY_WORKER, community)}


@pytest.fixture
def rows(world, west) -> dict:
    home_elder = make_elder(world.community_a1, name="张桂兰", seq=1)
    west_elder = make_elder(west["community"], name="钱玉珍", seq=2)
    return {
        "home_worker": audit(actor=world.worker_a1, action="elder.update", obj=home_elder,
                             before={"phone": "13812345678", "dibao": False},
                             after={"phone": "13900001111", "dibao": True}),
        "provider": audit(actor=world.provider_manager, action="elder.update", obj=home_elder,
                          before={"note": ""}, after={"note": "visited"}),
        "city_on_home": audit(actor=world.city_admin, action="elder.update", obj=home_elder,
                              before={"note": "visited"}, after={"note": "ok"}),
        "west_worker": audit(actor=west["worker"], action="elder.update", obj=west_elder,
                             before={"note": ""}, after={"note": "西湖"}),
        "city_on_west": audit(actor=world.city_admin, action="elder.create", obj=west_elder,
                              after={"id_number": west_elder.id_number}),
        "system": audit(actor=None, action="area.load", entity="areas.area", entity_id="x"),
        "home_elder": home_elder, "west_elder": west_elder,
    }


def _ids(qs) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_a_district_auditor_sees_their_district_only(world, west, rows):
    seen = _ids(audit_rows_for(actor=world.auditor))
    assert {rows["home_worker"].pk, rows["provider"].pk, rows["city_on_home"].pk} <= seen
    assert rows["west_worker"].pk not in seen
    assert rows["city_on_west"].pk not in seen  # a city admin's edit of a west elder
    assert rows["system"].pk not in seen


def test_an_auditor_of_another_district_sees_none_of_ours(world, west, rows):
    seen = _ids(audit_rows_for(actor=west["auditor"]))
    assert seen == {rows["west_worker"].pk, rows["city_on_west"].pk}


def test_a_city_admin_sees_both_districts_and_a_superuser_everything(world, west, rows):
    city_seen = _ids(audit_rows_for(actor=world.city_admin))
    assert {rows["home_worker"].pk, rows["west_worker"].pk, rows["city_on_west"].pk} <= city_seen
    assert rows["system"].pk not in city_seen
    assert _ids(audit_rows_for(actor=world.root)) == _ids(AuditLog.objects.all())


@pytest.mark.parametrize("persona", ["worker_a1", "street_officer_a", "provider_manager",
                                     "caregiver"])
def test_it_refuses_roles_without_audit_view(world, persona):
    with pytest.raises(PermissionDenied):
        audit_rows_for(actor=getattr(world, persona))
    with pytest.raises(PermissionDenied):
        access_rows_for(actor=getattr(world, persona))


def test_the_access_log_follows_the_same_rule(world, west, rows):
    ours = log_access(actor=world.worker_a1, obj=rows["home_elder"], field="id_number",
                      reason="visit")
    theirs = log_access(actor=west["worker"], obj=rows["west_elder"], field="phone",
                        reason="call")
    assert _ids(access_rows_for(actor=world.auditor)) == {ours.pk}
    assert _ids(access_rows_for(actor=west["auditor"])) == {theirs.pk}


def test_filters_narrow_the_rows(world, west, rows):
    auditor = world.auditor
    by_actor = audit_rows_for(actor=auditor, filters=LogFilters(actor="worker_a"))
    assert _ids(by_actor) == {rows["home_worker"].pk}
    assert audit_rows_for(actor=auditor, filters=LogFilters(action="elder.update")).count() == 3
    assert audit_rows_for(actor=auditor, filters=LogFilters(action="elder.")).count() == 3
    assert audit_rows_for(actor=auditor, filters=LogFilters(action="contact.add")).count() == 0
    home_id = str(rows["home_elder"].pk)
    assert audit_rows_for(actor=auditor, filters=LogFilters(entity="people.elder",
                                              entity_id=home_id)).count() == 3
    AuditLog.objects.filter(pk=rows["provider"].pk).update(
        at=timezone.now() - dt.timedelta(days=10))
    today = timezone.localdate()
    recent = _ids(audit_rows_for(actor=auditor,
                                 filters=LogFilters(date_from=today - dt.timedelta(days=1))))
    assert rows["provider"].pk not in recent and rows["home_worker"].pk in recent
    old = _ids(audit_rows_for(actor=auditor,
                              filters=LogFilters(date_to=today - dt.timedelta(days=5))))
    assert old == {rows["provider"].pk}


# --- pages ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["audit_log", "access_log"])
def test_the_pages_refuse_a_community_worker(client, world, name):
    client.force_login(world.worker_a1)
    assert client.get(reverse(name)).status_code == 403


def test_the_nav_link_is_hidden_from_a_community_worker(client, world):
    client.force_login(world.worker_a1)
    assert reverse("audit_log") not in client.get(reverse("home")).content.decode()
    client.force_login(world.auditor)
    assert reverse("audit_log") in client.get(reverse("home")).content.decode()


def test_the_audit_page_filters_and_masks_personal_values(client, world, west, rows):
    client.force_login(world.auditor)
    resp = client.get(reverse("audit_log"), {"actor": "worker_a1"})
    assert resp.status_code == 200
    assert [r["row"].pk for r in resp.context["rows"]] == [rows["home_worker"].pk]
    html = resp.content.decode()
    assert "138****5678" in html and "139****1111" in html
    assert "13812345678" not in html and "13900001111" not in html
    diff = {c["key"]: c for c in resp.context["rows"][0]["diff"]}
    assert diff["dibao"]["changed"] and diff["dibao"]["after"] is True


def test_the_audit_page_never_shows_another_districts_rows(client, world, west, rows):
    client.force_login(west["auditor"])
    html = client.get(reverse("audit_log")).content.decode()
    assert "西湖" in html and "worker_a1" not in html


def test_the_audit_page_paginates(client, world, settings):
    settings.PAGE_SIZE = 2
    for i in range(5):
        audit(actor=world.worker_a1, action="elder.update", entity="people.elder",
              entity_id=str(i))
    client.force_login(world.auditor)
    resp = client.get(reverse("audit_log"), {"page": 3})
    assert resp.context["page"].number == 3 and len(resp.context["rows"]) == 1
    assert resp.context["page"].paginator.count == 5


def test_a_bad_date_is_ignored_not_a_crash(client, world, rows):
    client.force_login(world.auditor)
    resp = client.get(reverse("audit_log"), {"date_from": "2026-13-45"})
    assert resp.status_code == 200 and resp.context["form"].errors


def test_the_access_page_lists_reveals(client, world, west, rows):
    log_access(actor=world.worker_a1, obj=rows["home_elder"], field="id_number",
               reason="home visit")
    client.force_login(world.district_officer)
    resp = client.get(reverse("access_log"))
    assert resp.status_code == 200
    assert "home visit" in resp.content.decode()
    assert AccessLog.objects.count() == 1
