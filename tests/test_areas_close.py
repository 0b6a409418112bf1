"""Closing an area (divisions merge): the service, the area-tree page and the endpoint."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.areas.models import Area
from anlao.areas.services import area_close
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from anlao.core.roles import Role
from tests.alarms_fixtures import partner_token
from tests.personas import TODAY, _user

END = TODAY + dt.timedelta(days=30)


@pytest.fixture
def xihu_admin(world):
    """A city administrator whose jurisdiction is 西湖区 only: 拱墅区's areas are not theirs."""
    return _user("xihu_admin", Role.CITY_ADMIN, [world.xihu])


def test_a_city_admin_closes_a_leaf_area_and_it_is_audited(world):
    area = area_close(actor=world.city_admin, area_id=world.community_b1.pk, valid_to=END)
    assert area.valid_to == END
    assert world.community_b1 in Area.objects.current(TODAY)
    assert world.community_b1 not in Area.objects.current(END)
    assert AuditLog.objects.filter(action="area.close", entity_id=str(area.pk)).exists()


def test_an_area_with_current_areas_under_it_stays_open(world):
    with pytest.raises(ServiceError) as exc:
        area_close(actor=world.city_admin, area_id=world.street_b.pk, valid_to=END)
    assert exc.value.code == "area_has_children"


def test_the_end_must_be_a_date_after_the_start(world):
    for bad in (None, dt.date(1999, 1, 1)):
        with pytest.raises(ValidationFailed):
            area_close(actor=world.city_admin, area_id=world.community_b1.pk, valid_to=bad)


def test_only_area_managers_inside_their_jurisdiction_may_close(world, xihu_admin):
    with pytest.raises(PermissionDenied):
        area_close(actor=world.district_officer, area_id=world.community_b1.pk, valid_to=END)
    with pytest.raises(NotFound):
        area_close(actor=xihu_admin, area_id=world.community_b1.pk, valid_to=END)
    world.community_b1.refresh_from_db()
    assert world.community_b1.valid_to is None


def test_the_page_lists_the_tree_and_closes_with_a_confirmation(client, world):
    client.force_login(world.city_admin)
    body = client.get("/areas/").content.decode()
    assert 'id="area-tree-link"' in body and f'data-area="{world.community_b1.code}"' in body
    assert f'action="/areas/{world.community_b1.pk}/close/"' in body and "data-confirm=" in body
    assert f'action="/areas/{world.street_b.pk}/close/"' not in body  # has areas under it
    r = client.post(f"/areas/{world.community_b1.pk}/close/", {"valid_to": END.isoformat()})
    assert r.status_code == 302 and r.url == "/areas/"
    world.community_b1.refresh_from_db()
    assert world.community_b1.valid_to == END


def test_the_page_is_403_without_the_right_and_404_for_another_district(client, world,
                                                                        xihu_admin):
    client.force_login(world.district_officer)
    assert client.get("/areas/").status_code == 403
    assert client.post(f"/areas/{world.community_b1.pk}/close/",
                       {"valid_to": END.isoformat()}).status_code == 403
    client.force_login(xihu_admin)
    assert world.community_b1.code not in client.get("/areas/").content.decode()
    assert client.post(f"/areas/{world.community_b1.pk}/close/",
                       {"valid_to": END.isoformat()}).status_code == 404


def _api(client, user, code, body):
    return client.post(f"/api/areas/{code}/close", body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {partner_token(user)}")


def test_the_endpoint_closes_and_refuses(client, world, xihu_admin):
    code = world.community_b1.code
    assert _api(client, world.district_officer, code,
                {"valid_to": END.isoformat()}).status_code == 403
    assert _api(client, xihu_admin, code, {"valid_to": END.isoformat()}).status_code == 404
    assert _api(client, world.city_admin, world.street_b.code,
                {"valid_to": END.isoformat()}).status_code == 422
    r = _api(client, world.city_admin, code, {"valid_to": END.isoformat()})
    assert r.status_code == 200
    assert r.json() == {"code": code, "name": world.community_b1.name, "level": "community",
                        "parent_code": world.street_b.code, "valid_from": "2000-01-01",
                        "valid_to": END.isoformat()}
