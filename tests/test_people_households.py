"""Household links: two elders of one household, scoped, audited; refusals change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.models import AuditLog
from anlao.people.households import household_leave, household_link, household_members
from anlao.people.models import Household
from tests.personas import make_elder

pytestmark = pytest.mark.django_db


@pytest.fixture
def couple(world):
    wife = make_elder(world.community_a1, name="王秀英", seq=1)
    husband = make_elder(world.community_a1, name="李建国", birth=dt.date(1938, 6, 1), seq=2,
                         male=True)
    return wife, husband


def test_linking_two_elders_starts_a_household_and_audits_it(world, couple):
    wife, husband = couple
    household = household_link(actor=world.worker_a1, elder_id=wife.pk,
                               other_id_number=husband.id_number.lower())
    wife.refresh_from_db()
    husband.refresh_from_db()
    assert wife.household == husband.household == household
    assert [m.name for m in household_members(actor=world.worker_a1, elder=wife)] == ["李建国"]
    row = AuditLog.objects.get(action="household.link")
    assert row.after == {"members": sorted([wife.pk, husband.pk])}


def test_a_third_elder_joins_the_existing_household(world, couple):
    wife, husband = couple
    household_link(actor=world.worker_a1, elder_id=wife.pk, other_id_number=husband.id_number)
    son = make_elder(world.community_a1, name="李明", birth=dt.date(1960, 1, 2), seq=3, male=True)
    household_link(actor=world.worker_a1, elder_id=son.pk, other_id_number=wife.id_number)
    assert Household.objects.count() == 1
    wife.refresh_from_db()
    assert household_members(actor=world.worker_a1, elder=wife).count() == 2


def test_it_refuses_an_elder_outside_the_jurisdiction_and_changes_nothing(world, couple):
    wife, _ = couple
    stranger = make_elder(world.community_b1, name="赵六", seq=7)
    with pytest.raises(ServiceError, match="No active elder"):
        household_link(actor=world.worker_a1, elder_id=wife.pk,
                       other_id_number=stranger.id_number)
    with pytest.raises(NotFound):
        household_link(actor=world.worker_b1, elder_id=wife.pk,
                       other_id_number=stranger.id_number)
    assert not Household.objects.exists()
    assert not AuditLog.objects.filter(action="household.link").exists()


def test_it_refuses_linking_to_oneself_and_bad_numbers(world, couple):
    wife, _ = couple
    with pytest.raises(ServiceError, match="themselves"):
        household_link(actor=world.worker_a1, elder_id=wife.pk, other_id_number=wife.id_number)
    with pytest.raises(ServiceError):
        household_link(actor=world.worker_a1, elder_id=wife.pk, other_id_number="123")
    assert not Household.objects.exists()


def test_read_only_roles_cannot_link(world, couple):
    wife, husband = couple
    with pytest.raises(PermissionDenied):
        household_link(actor=world.auditor, elder_id=wife.pk, other_id_number=husband.id_number)


def test_leaving_keeps_the_household_for_the_others(world, couple):
    wife, husband = couple
    household_link(actor=world.worker_a1, elder_id=wife.pk, other_id_number=husband.id_number)
    household_leave(actor=world.worker_a1, elder_id=husband.pk)
    husband.refresh_from_db()
    wife.refresh_from_db()
    assert husband.household_id is None and wife.household_id is not None
    assert AuditLog.objects.filter(action="household.leave").count() == 1
    with pytest.raises(ServiceError):
        household_leave(actor=world.worker_a1, elder_id=husband.pk)


def test_the_detail_page_lists_members_and_links_by_id_number(world, couple, client):
    wife, husband = couple
    client.force_login(world.worker_a1)
    response = client.post(reverse("people:household_add", args=[wife.pk]),
                           {"id_number": husband.id_number})
    assert response.status_code == 302
    body = client.get(reverse("people:detail", args=[wife.pk])).content.decode()
    assert "李建国" in body and husband.id_number not in body
    bad = client.post(reverse("people:household_add", args=[wife.pk]), {"id_number": "1"})
    assert bad.status_code == 400
    assert "No active elder" in bad.content.decode()
