"""Cancelling an assessment request: the service, the elder's history page and the endpoint."""

from __future__ import annotations

import pytest

from anlao.assessments.models import RequestStatus
from anlao.assessments.services import assessment_request_cancel
from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.models import AuditLog
from tests.alarms_fixtures import partner_token
from tests.assessment_personas import build


@pytest.fixture
def aw(world):
    return build(world)


def test_area_staff_cancel_an_open_request_once_and_it_is_audited(aw):
    req = assessment_request_cancel(actor=aw.worker_a1, request_id=aw.request.pk, note="moved")
    assert req.status == RequestStatus.CANCELLED
    assert AuditLog.objects.filter(action="assessment_request.cancel",
                                   entity_id=str(req.pk)).exists()
    with pytest.raises(ServiceError):
        assessment_request_cancel(actor=aw.worker_a1, request_id=aw.request.pk)


def test_outside_scope_is_not_found_and_assessors_may_not_cancel(aw):
    for outsider in (aw.worker_b1, aw.xihu_worker):
        with pytest.raises(NotFound):
            assessment_request_cancel(actor=outsider, request_id=aw.request.pk)
    with pytest.raises(PermissionDenied):
        assessment_request_cancel(actor=aw.assessor_1, request_id=aw.request.pk)
    aw.request.refresh_from_db()
    assert aw.request.status == RequestStatus.OPEN


def test_the_history_page_offers_cancel_with_a_confirmation_and_cancels(client, aw):
    client.force_login(aw.worker_a1)
    body = client.get(f"/assessments/elders/{aw.elder_a1.pk}/").content.decode()
    assert f'id="cancel-request-{aw.request.pk}"' in body and "data-confirm=" in body
    r = client.post(f"/assessments/requests/{aw.request.pk}/cancel/")
    assert r.status_code == 302 and r.url == f"/assessments/elders/{aw.elder_a1.pk}/"
    aw.request.refresh_from_db()
    assert aw.request.status == RequestStatus.CANCELLED
    body = client.get(r.url).content.decode()
    assert f'id="cancel-request-{aw.request.pk}"' not in body


def test_the_page_action_is_403_without_the_right_and_404_outside_scope(client, aw):
    client.force_login(aw.assessor_1)
    assert client.post(f"/assessments/requests/{aw.request.pk}/cancel/").status_code == 403
    for outsider in (aw.worker_b1, aw.xihu_worker):
        client.force_login(outsider)
        assert client.post(f"/assessments/requests/{aw.request.pk}/cancel/").status_code == 404
    aw.request.refresh_from_db()
    assert aw.request.status == RequestStatus.OPEN


def _api(client, user, pk):
    return client.post(f"/api/assessments/requests/{pk}/cancel",
                       HTTP_AUTHORIZATION=f"Bearer {partner_token(user)}")


def test_the_endpoint_cancels_and_refuses(client, aw):
    assert _api(client, aw.assessor_1, aw.request.pk).status_code == 403
    assert _api(client, aw.xihu_worker, aw.request.pk).status_code == 404
    r = _api(client, aw.worker_a1, aw.request.pk)
    assert r.status_code == 200
    assert (r.json()["id"], r.json()["status"]) == (aw.request.pk, "cancelled")
    assert _api(client, aw.worker_a1, aw.request.pk).status_code == 422
