"""The audit and access pages render every kind of row the demo city writes.

The demo runs every app's demo step, so it writes the same kinds of audit rows a bureau's first
month does (batch computations with reverse relations in their snapshots, exports without a
record number, reveals of ID numbers). The auditor must be able to read each of them.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from anlao.accounts.models import User
from anlao.core.audit import log_access
from anlao.core.models import AccessLog, AuditLog
from anlao.people.models import Elder


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """A small demo city, built once for this module and removed after it."""
    with django_db_blocker.unblock():
        call_command("seed", elders=400, seed=11, stdout=io.StringIO())
        admin = User.objects.create_superuser("audit_reader", password="x")
        log_access(actor=admin, obj=Elder.objects.order_by("pk").first(), field="id_number",
                   reason="audit demo test")
        exporter = Client()
        exporter.force_login(admin)  # an export is audited without a record number
        assert exporter.get(reverse("people:export")).status_code == 200
        yield admin
        call_command("flush", interactive=False, verbosity=0)
        from anlao.areas.services import area_tree_load

        area_tree_load(actor=None)


@pytest.fixture
def reader(demo_city, client, db, settings):
    settings.PAGE_SIZE = 500
    client.force_login(demo_city)
    return client


def _kinds(model, *fields) -> list[tuple]:
    return list(model.objects.order_by(*fields).values_list(*fields).distinct())


def test_the_demo_writes_many_kinds_of_audit_rows(demo_city, db):
    kinds = _kinds(AuditLog, "entity", "action")
    assert len(kinds) >= 15, kinds
    assert ("people.elder", "elder.export") in kinds


def test_every_kind_of_audit_row_renders(reader):
    kinds = _kinds(AuditLog, "entity", "action")
    for entity, action in kinds:
        response = reader.get(reverse("audit_log"), {"entity": entity, "action": action})
        assert response.status_code == 200, (entity, action)
        assert entity in response.content.decode(), (entity, action)


def test_rows_without_a_record_number_render_without_a_link(reader):
    blank = AuditLog.objects.filter(entity_id="").first()
    assert blank is not None
    response = reader.get(reverse("audit_log"), {"entity": blank.entity})
    assert response.status_code == 200


def test_every_kind_of_access_row_renders(reader):
    kinds = _kinds(AccessLog, "entity")
    assert kinds
    for (entity,) in kinds:
        response = reader.get(reverse("access_log"), {"entity": entity})
        assert response.status_code == 200, entity
