"""Editing a caregiver's basic record: the service (what may change, audit of changed fields
only, masked phones in the trail) and the page (scope 404, permission 403, field errors)."""

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ValidationFailed
from anlao.core.models import AuditLog
from anlao.workforce import services
from anlao.workforce.models import Caregiver
from tests.workforce_fixtures import employ, make_caregiver, make_facility

D = dt.date


@pytest.fixture
def cg(world):
    c = make_caregiver(world.community_a1, name="王丽")
    employ(c, make_facility(world, world.community_a1, operator=world.provider), D(2023, 1, 1))
    return c


def _client(client, user):
    client.force_login(user)
    return client


# --- service -----------------------------------------------------------------------------

def test_an_update_changes_the_fields_and_audits_only_what_changed(world, cg):
    services.caregiver_update(actor=world.street_officer_a, caregiver_id=cg.pk, name="王丽华",
                              phone="13900001111", area_id=world.community_a1.pk,
                              is_active=True)
    cg.refresh_from_db()
    assert cg.name == "王丽华" and cg.phone == "13900001111"
    row = AuditLog.objects.get(action="caregiver.update", entity_id=str(cg.pk))
    assert set(row.after) == {"name", "phone"}
    # The trail shows that the phone changed, masked like every page does.
    assert row.before["phone"] == "138****1234" and row.after["phone"] == "139****1111"


def test_an_update_that_changes_nothing_writes_no_audit_row(world, cg):
    services.caregiver_update(actor=world.street_officer_a, caregiver_id=cg.pk, name="王丽",
                              is_active=True)
    assert not AuditLog.objects.filter(action="caregiver.update").exists()


def test_the_id_number_and_birth_date_cannot_be_changed(world, cg):
    with pytest.raises(TypeError):
        services.caregiver_update(actor=world.street_officer_a, caregiver_id=cg.pk,
                                  id_number="330105198001010000")
    with pytest.raises(TypeError):
        services.caregiver_update(actor=world.street_officer_a, caregiver_id=cg.pk,
                                  birth_date=D(1990, 1, 1))


@pytest.mark.parametrize("field,value", [("name", "  "), ("phone", "138-0000"),
                                         ("name", "长" * 65)])
def test_bad_input_is_refused_and_changes_nothing(world, cg, field, value):
    with pytest.raises(ValidationFailed) as exc:
        services.caregiver_update(actor=world.street_officer_a, caregiver_id=cg.pk,
                                  **{field: value})
    assert field in exc.value.errors
    cg.refresh_from_db()
    assert (cg.name, cg.phone) == ("王丽", "13800001234")
    assert not AuditLog.objects.filter(action="caregiver.update").exists()


def test_a_record_moves_only_within_the_jurisdiction(world, cg):
    with pytest.raises(ValidationFailed) as exc:
        services.caregiver_update(actor=world.street_officer_a, caregiver_id=cg.pk,
                                  area_id=world.community_b1.pk)
    assert "area" in exc.value.errors
    services.caregiver_update(actor=world.street_officer_a, caregiver_id=cg.pk,
                              area_id=world.community_a2.pk)
    cg.refresh_from_db()
    assert cg.area == world.community_a2


def test_a_provider_manager_edits_their_caregiver_but_cannot_move_the_record(world, cg):
    services.caregiver_update(actor=world.provider_manager, caregiver_id=cg.pk, is_active=False)
    with pytest.raises(ValidationFailed) as exc:
        services.caregiver_update(actor=world.provider_manager, caregiver_id=cg.pk,
                                  area_id=world.community_a2.pk)
    assert "area" in exc.value.errors
    cg.refresh_from_db()
    assert cg.is_active is False and cg.area == world.community_a1


def test_scope_and_permission_are_enforced(world, cg):
    with pytest.raises(NotFound):
        services.caregiver_update(actor=world.street_officer_b, caregiver_id=cg.pk, name="x")
    with pytest.raises(NotFound):
        services.caregiver_update(actor=world.other_provider_manager, caregiver_id=cg.pk,
                                  name="x")
    with pytest.raises(PermissionDenied):
        services.caregiver_update(actor=world.caregiver, caregiver_id=cg.pk, name="x")
    assert Caregiver.objects.get(pk=cg.pk).name == "王丽"


# --- page --------------------------------------------------------------------------------

def test_the_edit_page_saves_and_keeps_the_phone_when_left_blank(world, cg, client):
    c = _client(client, world.street_officer_a)
    page = c.get(f"/workforce/caregivers/{cg.pk}/edit/").content.decode()
    assert "13800001234" not in page and "138****1234" in page
    r = c.post(f"/workforce/caregivers/{cg.pk}/edit/",
               {"name": "王丽华", "phone": "", "area": world.community_a1.pk, "is_active": "on"})
    assert r.status_code == 302 and r["Location"] == f"/workforce/caregivers/{cg.pk}/"
    cg.refresh_from_db()
    assert cg.name == "王丽华" and cg.phone == "13800001234" and cg.is_active
    assert AuditLog.objects.get(action="caregiver.update").after == {"name": "王丽华"}


def test_the_phone_can_be_removed_and_the_record_deactivated(world, cg, client):
    r = _client(client, world.street_officer_a).post(
        f"/workforce/caregivers/{cg.pk}/edit/",
        {"name": "王丽", "clear_phone": "on", "area": world.community_a1.pk})
    assert r.status_code == 302
    cg.refresh_from_db()
    assert cg.phone == "" and cg.is_active is False


def test_a_bad_phone_shows_the_field_error_and_changes_nothing(world, cg, client):
    r = _client(client, world.street_officer_a).post(
        f"/workforce/caregivers/{cg.pk}/edit/",
        {"name": "王丽华", "phone": "138 0000", "area": world.community_a1.pk, "is_active": "on"})
    assert r.status_code == 400
    assert r.context["form"].errors["phone"] == ["Phone must be digits only."]
    cg.refresh_from_db()
    assert cg.name == "王丽" and cg.phone == "13800001234"


def test_another_streets_officer_gets_404_and_a_caregiver_login_403(world, cg, client):
    assert _client(client, world.street_officer_b).get(
        f"/workforce/caregivers/{cg.pk}/edit/").status_code == 404
    r = _client(client, world.caregiver).post(f"/workforce/caregivers/{cg.pk}/edit/",
                                              {"name": "x", "is_active": "on"})
    assert r.status_code == 403
    assert Caregiver.objects.get(pk=cg.pk).name == "王丽"


def test_the_provider_manager_sees_no_area_choice(world, cg, client):
    c = _client(client, world.provider_manager)
    page = c.get(f"/workforce/caregivers/{cg.pk}/edit/").content.decode()
    assert 'id="id_area"' not in page and world.community_a1.name in page
    assert 'id="caregiver-edit"' in c.get(f"/workforce/caregivers/{cg.pk}/").content.decode()
