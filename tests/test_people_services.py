"""Registry services: every write audited with before/after; bad input refused, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AccessLog, AuditLog
from anlao.people import services
from anlao.people.models import Contact, Elder, ElderStatus
from tests.personas import TODAY, make_elder, make_id_number

BIRTH = dt.date(1945, 6, 1)


def _data(world, **over):
    data = {
        "name": "李建国", "id_number": make_id_number(BIRTH, seq=7, male=True),
        "phone": "13900001111", "residence_area": world.community_a1.code,
        "address": "上塘社区3幢201室", "living_situation": "lives_alone", "dibao": True,
    }
    data.update(over)
    return data


def _people_audit():
    return AuditLog.objects.filter(entity__startswith="people.")


def _counts():
    return Elder.objects.count(), AuditLog.objects.count(), Elder.history.count()


# --- create ------------------------------------------------------------------------------

def test_create_writes_the_elder_and_an_audit_row_with_the_after_values(world):
    elder = services.elder_create(actor=world.worker_a1, data=_data(world), today=TODAY)
    assert elder.birth_date == BIRTH and elder.sex == "M"
    assert elder.id_tail == elder.id_number[-4:] and elder.phone_tail == "1111"
    row = AuditLog.objects.get(action="elder.create")
    assert row.actor == world.worker_a1
    assert row.entity == "people.elder" and row.entity_id == str(elder.pk)
    assert row.before is None
    assert row.after["id_number"] == elder.id_number and row.after["dibao"] is True
    assert row.after["residence_area_id"] == world.community_a1.pk


def test_create_accepts_lower_case_x_and_a_matching_birth_date_and_sex(world):
    number = "11010519491231002X"
    elder = services.elder_create(
        actor=world.worker_a1, today=TODAY,
        data=_data(world, id_number=number.lower(), birth_date="1949-12-31", sex="女"),
    )
    assert elder.id_number == number and elder.sex == "F"


@pytest.mark.parametrize("sex", ["M", "m", "男", "male"])
def test_create_accepts_every_spelling_of_a_matching_sex(world, sex):
    elder = services.elder_create(actor=world.worker_a1, data=_data(world, sex=sex), today=TODAY)
    assert elder.sex == "M"


@pytest.mark.parametrize(("over", "field"), [
    ({"id_number": "110105194912310021"}, "id_number"),  # bad check digit
    ({"id_number": "12345"}, "id_number"),
    ({"id_number": make_id_number(dt.date(1990, 1, 1))}, "id_number"),  # under 60
    ({"birth_date": "1950-01-01"}, "birth_date"),  # does not match the ID
    ({"sex": "F"}, "sex"),
    ({"sex": "unknown"}, "sex"),
    ({"phone": "12345"}, "phone"),
    ({"name": ""}, "name"),
    ({"residence_area": ""}, "residence_area"),
    ({"residence_area": "999999999999"}, "residence_area"),
    ({"living_situation": "on_the_moon"}, "living_situation"),
    ({"disability_grade": "7"}, "disability_grade"),
    ({"near_dibao": True}, "near_dibao"),  # both dibao and near-dibao
    ({"lat": "north"}, "lat"),
    ({"lat": "95"}, "lat"),
    ({"lng": "nan"}, "lng"),
])
def test_create_refuses_bad_input_and_writes_nothing(world, over, field):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.elder_create(actor=world.worker_a1, data=_data(world, **over), today=TODAY)
    assert field in exc.value.errors
    assert all(isinstance(m, str) and m for m in exc.value.errors[field])
    assert _counts() == before


def test_create_refuses_a_community_outside_the_jurisdiction(world):
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.elder_create(actor=world.worker_a1, today=TODAY,
                              data=_data(world, residence_area=world.community_b1.code))
    assert "residence_area" in exc.value.errors
    assert _counts() == before


def test_create_refuses_a_second_active_record_for_one_id_number(world):
    existing = make_elder(world.community_a2, seq=3)
    before = _counts()
    with pytest.raises(ValidationFailed) as exc:
        services.elder_create(actor=world.street_officer_a, today=TODAY,
                              data=_data(world, id_number=existing.id_number))
    assert "id_number" in exc.value.errors
    assert _counts() == before


def test_a_moved_out_elders_id_number_can_be_registered_again(world):
    old = make_elder(world.community_a1, seq=3, status=ElderStatus.MOVED_OUT,
                     status_date=dt.date(2024, 5, 1))
    new = services.elder_create(actor=world.worker_a1, today=TODAY,
                                data=_data(world, id_number=old.id_number, sex=""))
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.status == ElderStatus.MOVED_OUT  # the old record is kept


@pytest.mark.parametrize("persona", ["caregiver", "provider_manager", "auditor"])
def test_create_refuses_roles_without_write_permission(world, persona):
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.elder_create(actor=getattr(world, persona), data=_data(world), today=TODAY)
    assert _counts() == before


# --- update ------------------------------------------------------------------------------

def test_update_audits_only_the_changed_fields_with_before_and_after(world):
    elder = make_elder(world.community_a1)
    services.elder_update(actor=world.worker_a1, elder_id=elder.pk, today=TODAY,
                          data={"phone": "13700002222", "entitled_veteran": True})
    row = AuditLog.objects.get(action="elder.update")
    assert row.before == {"phone": "13812345678", "entitled_veteran": False}
    assert row.after == {"phone": "13700002222", "entitled_veteran": True}
    elder.refresh_from_db()
    assert elder.phone_tail == "2222"
    assert elder.history.count() == 2


def test_update_of_the_id_number_alone_derives_the_new_birth_date_and_sex(world):
    elder = make_elder(world.community_a1)
    new_number = make_id_number(dt.date(1950, 2, 3), seq=9, male=True)
    services.elder_update(actor=world.worker_a1, elder_id=elder.pk, today=TODAY,
                          data={"id_number": new_number})
    elder.refresh_from_db()
    assert (elder.id_number, elder.birth_date, elder.sex) == (new_number, dt.date(1950, 2, 3), "M")


def test_update_refuses_an_id_number_held_by_another_active_elder(world):
    other = make_elder(world.community_a1, seq=5)
    elder = make_elder(world.community_a1, seq=6)
    with pytest.raises(ValidationFailed) as exc:
        services.elder_update(actor=world.worker_a1, elder_id=elder.pk, today=TODAY,
                              data={"id_number": other.id_number})
    assert "id_number" in exc.value.errors
    assert not _people_audit().exists()


def test_update_refuses_moving_an_elder_out_of_the_jurisdiction(world):
    elder = make_elder(world.community_a1)
    with pytest.raises(ValidationFailed):
        services.elder_update(actor=world.worker_a1, elder_id=elder.pk, today=TODAY,
                              data={"residence_area": world.community_b1.code})
    elder.refresh_from_db()
    assert elder.residence_area == world.community_a1
    assert not _people_audit().exists()


def test_update_of_an_elder_out_of_scope_is_not_found(world):
    elder = make_elder(world.community_b1)
    with pytest.raises(NotFound):
        services.elder_update(actor=world.worker_a1, elder_id=elder.pk, data={"name": "x"})
    assert not _people_audit().exists()


# --- status ------------------------------------------------------------------------------

def test_marking_an_elder_deceased_keeps_the_record_and_audits_the_change(world):
    elder = make_elder(world.community_a1)
    on = dt.date(2025, 1, 9)
    services.elder_set_status(actor=world.worker_a1, elder_id=elder.pk,
                              status=ElderStatus.DECEASED, on=on, note="家属告知")
    elder.refresh_from_db()
    assert elder.status == ElderStatus.DECEASED and elder.status_date == on
    row = AuditLog.objects.get(action="elder.status.deceased")
    assert row.before == {"status": "active", "status_date": None}
    assert row.after == {"status": "deceased", "status_date": "2025-01-09"}
    assert row.note == "家属告知"


def test_a_deceased_elders_status_cannot_change(world):
    elder = make_elder(world.community_a1, status=ElderStatus.DECEASED,
                       status_date=dt.date(2025, 1, 1))
    with pytest.raises(ServiceError):
        services.elder_set_status(actor=world.worker_a1, elder_id=elder.pk,
                                  status=ElderStatus.ACTIVE, on=dt.date(2025, 2, 1))
    assert not _people_audit().exists()


@pytest.mark.parametrize(("status", "on", "field"), [
    ("vanished", dt.date(2025, 1, 1), "status"),
    (ElderStatus.ACTIVE, dt.date(2025, 1, 1), "status"),  # already active
    (ElderStatus.MOVED_OUT, dt.date(2999, 1, 1), "status_date"),
    (ElderStatus.MOVED_OUT, dt.date(1900, 1, 1), "status_date"),
])
def test_status_change_refuses_bad_input(world, status, on, field):
    elder = make_elder(world.community_a1)
    with pytest.raises(ServiceError) as exc:
        services.elder_set_status(actor=world.worker_a1, elder_id=elder.pk, status=status, on=on)
    assert exc.value.field == field
    elder.refresh_from_db()
    assert elder.status == ElderStatus.ACTIVE
    assert not _people_audit().exists()


def test_reactivating_a_moved_out_elder_is_refused_while_the_id_is_active_elsewhere(world):
    old = make_elder(world.community_a1, seq=3, status=ElderStatus.MOVED_OUT,
                     status_date=dt.date(2024, 5, 1))
    make_elder(world.community_a2, seq=3)  # same ID number, active
    with pytest.raises(ValidationFailed):
        services.elder_set_status(actor=world.street_officer_a, elder_id=old.pk,
                                  status=ElderStatus.ACTIVE, on=dt.date(2025, 1, 1))
    old.refresh_from_db()
    assert old.status == ElderStatus.MOVED_OUT


# --- reveal ------------------------------------------------------------------------------

def test_reveal_returns_the_full_value_and_logs_who_whose_and_why(world):
    elder = make_elder(world.community_a1)
    value = services.elder_reveal(actor=world.worker_a1, elder_id=elder.pk, field="id_number",
                                  reason="verification", note="上门核实身份", ip="10.0.0.8")
    assert value == elder.id_number
    log = AccessLog.objects.get()
    assert (log.actor, log.entity, log.entity_id, log.field, log.reason, log.ip) == (
        world.worker_a1, "people.elder", str(elder.pk), "id_number", "verification: 上门核实身份",
        "10.0.0.8")


@pytest.mark.parametrize(("field", "reason"), [("id_number", ""), ("id_number", " x "),
                                               ("note", "想看看")])
def test_reveal_refuses_without_a_reason_or_for_other_fields(world, field, reason):
    elder = make_elder(world.community_a1)
    with pytest.raises(ServiceError):
        services.elder_reveal(actor=world.worker_a1, elder_id=elder.pk, field=field,
                              reason=reason)
    assert not AccessLog.objects.exists()


def test_reveal_of_an_elder_out_of_scope_is_not_found_and_not_logged(world):
    elder = make_elder(world.community_b1)
    with pytest.raises(NotFound):
        services.elder_reveal(actor=world.worker_a1, elder_id=elder.pk, field="phone",
                              reason="verification")
    assert not AccessLog.objects.exists()


# --- contacts ----------------------------------------------------------------------------

def test_contact_add_and_remove_are_audited(world):
    elder = make_elder(world.community_a1)
    contact = services.contact_add(actor=world.worker_a1, elder_id=elder.pk, name=" 王小明 ",
                                   relation="child", phone="138 0000 1234", is_guardian=True)
    assert (contact.name, contact.phone) == ("王小明", "13800001234")
    added = AuditLog.objects.get(action="contact.add")
    assert added.after["elder_id"] == elder.pk and added.after["phone"] == "13800001234"
    services.contact_remove(actor=world.worker_a1, elder_id=elder.pk, contact_id=contact.pk)
    assert not Contact.objects.exists()
    removed = AuditLog.objects.get(action="contact.remove")
    assert removed.before["name"] == "王小明" and removed.after is None
    assert removed.entity_id == str(contact.pk)


@pytest.mark.parametrize(("over", "field"), [
    ({"name": ""}, "name"), ({"name": "名" * 33}, "name"), ({"phone": "110"}, "phone"),
    ({"relation": "boss"}, "relation"),
])
def test_contact_add_refuses_bad_input(world, over, field):
    elder = make_elder(world.community_a1)
    args = {"name": "王小明", "relation": "child", "phone": "13800001234", **over}
    with pytest.raises(ValidationFailed) as exc:
        services.contact_add(actor=world.worker_a1, elder_id=elder.pk, **args)
    assert field in exc.value.errors
    assert not Contact.objects.exists() and not _people_audit().exists()


def test_contact_of_another_elder_cannot_be_removed_through_this_one(world):
    elder = make_elder(world.community_a1, seq=1)
    other = make_elder(world.community_a1, seq=2)
    contact = Contact.objects.create(elder=other, name="甲", relation="child", phone="13800001234")
    with pytest.raises(ServiceError):
        services.contact_remove(actor=world.worker_a1, elder_id=elder.pk, contact_id=contact.pk)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_add_for_an_elder_out_of_scope_is_not_found(world):
    elder = make_elder(world.community_b1)
    with pytest.raises(NotFound):
        services.contact_add(actor=world.worker_a1, elder_id=elder.pk, name="甲",
                             relation="child", phone="13800001234")
    assert not Contact.objects.exists()
