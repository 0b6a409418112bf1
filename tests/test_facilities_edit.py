"""Facility create and edit pages: audited writes, field errors that change nothing, scope
(404 for another street's facility) and permission (403 for provider staff)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from anlao.accounts.models import Organisation, OrganisationType
from anlao.core.models import AuditLog
from anlao.facilities.models import Facility
from tests.test_facilities_services import make_facility

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def form_data(world, **changes) -> dict[str, str]:
    operator = Organisation.objects.get(name="康乐居家服务中心")
    data = {"name": "上塘颐养中心", "type": "street_centre", "operator": str(operator.pk),
            "operation_mode": "public_private_run", "area": str(world.community_a1.pk),
            "address": "上塘路1号", "lat": "30.3198", "lng": "120.1425",
            "floor_space_m2": "850", "opened_on": "2021-05-01", "is_registered": "on",
            "licence_number": "浙杭备2021-07", "star_rating": "", "star_rated_on": "",
            "insurance_policy": "", "insurance_expires_on": "",
            "services": "日间照料、助餐, 康复", "medical_setup": "none", "medical_partner": "",
            "full_time_staff": "2", "purchased_service_elders": "0",
            "older_share_percent": "23.5", "note": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(facility: Facility, **changes) -> dict[str, str]:
    """The edit form as the browser would send it back unchanged, plus ``changes``."""
    from anlao.facilities.forms import FacilityForm

    data = {}
    for name, value in FacilityForm.initial_for(facility).items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    data.update(changes)
    return data


def test_an_officer_records_a_facility_through_the_form_and_it_is_audited(world):
    r = client_for(world.street_officer_a).post("/facilities/new/", form_data(world))
    f = Facility.objects.get(name="上塘颐养中心")
    assert r.status_code == 302 and r["Location"] == f"/facilities/{f.pk}/"
    assert f.area == world.community_a1 and f.services == ["日间照料", "助餐", "康复"]
    assert str(f.floor_space_m2) == "850.0" and f.opened_on == dt.date(2021, 5, 1)
    row = AuditLog.objects.get(action="facility.create", entity_id=str(f.pk))
    assert row.actor == world.street_officer_a


def test_an_edit_saves_and_audits_only_the_changed_fields(world):
    f = make_facility(world, floor_space_m2="120.0", older_share_percent="12.50")
    r = client_for(world.street_officer_a).post(f"/facilities/{f.pk}/edit/",
                                                edit_data(f, name="拱宸桥颐养院"))
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.name == "拱宸桥颐养院" and f.licence_number == "L-1"
    row = AuditLog.objects.get(action="facility.update", entity_id=str(f.pk))
    assert row.actor == world.street_officer_a
    assert row.before["name"] == "拱宸养老院" and row.after["name"] == "拱宸桥颐养院"
    assert not {"floor_space_m2", "older_share_percent", "services", "lat"} & set(row.after)


def test_the_edit_form_starts_with_the_current_values(world):
    f = make_facility(world, services=["助餐", "康复"])
    body = client_for(world.street_officer_a).get(f"/facilities/{f.pk}/edit/").content.decode()
    assert 'value="拱宸养老院"' in body and 'value="助餐、康复"' in body
    assert 'value="L-1"' in body


def test_a_point_outside_the_city_shows_the_field_error_and_changes_nothing(world):
    f = make_facility(world)
    r = client_for(world.street_officer_a).post(
        f"/facilities/{f.pk}/edit/", edit_data(f, name="改了名", lat="120.14", lng="30.32"))
    assert r.status_code == 400
    assert "not in the city" in str(r.context["form"].errors["lat"])
    assert 'id="id_lat"' in r.content.decode() and "is-invalid" in r.content.decode()
    f.refresh_from_db()
    assert f.name == "拱宸养老院" and f.lat is None
    assert not AuditLog.objects.filter(action="facility.update").exists()


def test_a_future_opening_date_shows_the_field_error_and_records_nothing(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    r = client_for(world.street_officer_a).post(
        "/facilities/new/", form_data(world, opened_on=tomorrow.isoformat()))
    assert r.status_code == 400
    assert r.context["form"].errors["opened_on"] == ["This date is in the future."]
    assert not Facility.objects.filter(name="上塘颐养中心").exists()
    assert not AuditLog.objects.filter(action="facility.create").exists()


def test_a_number_that_is_not_a_number_is_a_field_error(world):
    r = client_for(world.street_officer_a).post(
        "/facilities/new/", form_data(world, lat="三十", full_time_staff="-1"))
    assert r.status_code == 400
    errors = r.context["form"].errors
    assert "lat" in errors and errors["full_time_staff"] == ["Enter a whole number, 0 or more."]
    assert not Facility.objects.exists()


def test_an_area_outside_the_jurisdiction_cannot_be_chosen(world):
    c = client_for(world.street_officer_a)
    body = c.get("/facilities/new/").content.decode()
    assert world.community_a2.name in body and world.community_b1.name not in body
    r = c.post("/facilities/new/", form_data(world, area=str(world.community_b1.pk)))
    assert r.status_code == 400 and "area" in r.context["form"].errors
    assert not Facility.objects.exists()


def test_partner_organisations_are_not_offered_as_operators(world):
    body = client_for(world.district_officer).get("/facilities/new/").content.decode()
    assert "康乐居家服务中心" in body and "安康智能设备" not in body
    partner = Organisation.objects.get(type=OrganisationType.PARTNER, name="安康智能设备")
    r = client_for(world.district_officer).post("/facilities/new/",
                                                form_data(world, operator=str(partner.pk)))
    assert r.status_code == 400 and "operator" in r.context["form"].errors


def test_a_street_officer_of_another_street_gets_404(world):
    f = make_facility(world, area=world.community_a1)
    c = client_for(world.street_officer_b)
    assert c.get(f"/facilities/{f.pk}/edit/").status_code == 404
    r = c.post(f"/facilities/{f.pk}/edit/", edit_data(f, name="祥符的"))
    assert r.status_code == 404
    f.refresh_from_db()
    assert f.name == "拱宸养老院"


def test_a_provider_manager_sees_the_own_facility_but_may_not_edit_or_create(world):
    own = make_facility(world, operator=world.provider)
    other = make_facility(world, operator=world.other_provider, name="夕阳红之家")
    c = client_for(world.provider_manager)
    # Their own facility is visible to them, so the refusal is 403; another's does not exist
    # for them (404), as on the detail page.
    assert c.get(f"/facilities/{own.pk}/").status_code == 200
    assert c.get(f"/facilities/{own.pk}/edit/").status_code == 403
    assert c.post(f"/facilities/{own.pk}/edit/", edit_data(own, name="x")).status_code == 403
    assert c.get(f"/facilities/{other.pk}/edit/").status_code == 404
    assert c.get("/facilities/new/").status_code == 403
    assert c.post("/facilities/new/", form_data(world)).status_code == 403
    own.refresh_from_db()
    assert own.name == "拱宸养老院" and Facility.objects.count() == 2


def test_new_and_edit_buttons_show_only_to_those_who_may_write(world):
    f = make_facility(world, operator=world.provider)
    officer, manager = client_for(world.street_officer_a), client_for(world.provider_manager)
    assert 'id="facility-new"' in officer.get("/facilities/").content.decode()
    assert 'id="facility-edit"' in officer.get(f"/facilities/{f.pk}/").content.decode()
    assert 'id="facility-new"' not in manager.get("/facilities/").content.decode()
    assert 'id="facility-edit"' not in manager.get(f"/facilities/{f.pk}/").content.decode()


@pytest.mark.zh
def test_field_errors_read_in_chinese_by_default(world):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    r = client_for(world.street_officer_a).post(
        "/facilities/new/", form_data(world, name="", opened_on=tomorrow.isoformat()))
    body = r.content.decode()
    assert r.status_code == 400
    assert "此项为必填项。" in body and "日期不能晚于今天。" in body


def test_street_offices_and_committees_are_offered_only_from_the_jurisdiction(world):
    for name, area in (("北文社区居委会", world.community_a1),
                       ("朝园社区居委会", world.community_b1)):
        Organisation.objects.create(name=name, type=OrganisationType.COMMUNITY_COMMITTEE,
                                    area=area)
    body = client_for(world.street_officer_a).get("/facilities/new/").content.decode()
    assert "北文社区居委会" in body and "朝园社区居委会" not in body
    assert "夕阳红服务社" in body  # providers work across streets


def test_saving_an_unchanged_facility_writes_no_audit_row(world):
    from anlao.core.models import AuditLog
    from anlao.facilities import services as fs
    from tests.waitlist_fixtures import make_home

    home = make_home(world)
    fs.facility_update(actor=world.district_officer, facility_id=home.pk,
                       data={"name": home.name})
    assert not AuditLog.objects.filter(action="facility.update").exists()
