"""Ending a caregiver's job: the service, the caregiver page and the endpoint."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from anlao.workforce import services
from tests.api_client import ApiClient
from tests.personas import TODAY
from tests.workforce_fixtures import employ, make_caregiver, make_facility

START = dt.date(2023, 1, 1)


@pytest.fixture
def job(world):
    c = make_caregiver(world.community_a1, level="level4")
    return employ(c, make_facility(world, world.community_a1), START)


def test_ending_a_job_records_the_last_day_and_is_audited(world, job):
    e = services.employment_end(actor=world.worker_a1, employment_id=job.pk, end=TODAY)
    assert e.end == TODAY
    entry = AuditLog.objects.get(action="caregiver.employment_end")
    assert entry.after == {"employment": job.pk, "end": TODAY.isoformat()}


def test_the_end_is_a_date_not_before_the_start_and_a_job_ends_once(world, job):
    for bad in (None, START - dt.timedelta(days=1)):
        with pytest.raises(ValidationFailed):
            services.employment_end(actor=world.worker_a1, employment_id=job.pk, end=bad)
    services.employment_end(actor=world.worker_a1, employment_id=job.pk, end=TODAY)
    with pytest.raises(ServiceError):
        services.employment_end(actor=world.worker_a1, employment_id=job.pk, end=TODAY)


def test_outside_scope_and_another_caregivers_job_are_not_found(world, job):
    for outsider in (world.street_officer_b, world.xihu_officer):
        with pytest.raises(NotFound):
            services.employment_end(actor=outsider, employment_id=job.pk, end=TODAY)
    other = make_caregiver(world.community_a1)
    with pytest.raises(NotFound):
        services.employment_end(actor=world.worker_a1, employment_id=job.pk, end=TODAY,
                                caregiver_id=other.pk)
    with pytest.raises(PermissionDenied):
        services.employment_end(actor=world.auditor, employment_id=job.pk, end=TODAY)
    job.refresh_from_db()
    assert job.end is None


def test_the_caregiver_page_ends_a_job_with_a_confirmation(client, world, job):
    client.force_login(world.worker_a1)
    url = f"/workforce/caregivers/{job.caregiver_id}/"
    body = client.get(url).content.decode()
    assert f'id="end-job-{job.pk}"' in body and "data-confirm=" in body
    r = client.post(f"{url}employment_end/", {"employment": job.pk, "end": TODAY.isoformat()})
    assert r.status_code == 302 and r.url == url
    job.refresh_from_db()
    assert job.end == TODAY
    assert f'id="end-job-{job.pk}"' not in client.get(url).content.decode()


def test_the_page_action_is_403_without_the_right_and_404_outside_scope(client, world, job):
    url = f"/workforce/caregivers/{job.caregiver_id}/employment_end/"
    body = {"employment": job.pk, "end": TODAY.isoformat()}
    client.force_login(world.auditor)
    assert client.post(url, body).status_code == 403
    for outsider in (world.street_officer_b, world.xihu_officer):
        client.force_login(outsider)
        assert client.post(url, body).status_code == 404
    job.refresh_from_db()
    assert job.end is None


def test_the_endpoint_ends_and_refuses(world, job):
    url, body = f"/api/workforce/employments/{job.pk}/end", {"end": TODAY.isoformat()}
    assert ApiClient(world.auditor).send("POST", url, body).status_code == 403
    assert ApiClient(world.xihu_officer).send("POST", url, body).status_code == 404
    r = ApiClient(world.worker_a1).send("POST", url, body)
    assert r.status_code == 200
    assert r.json() == {"id": job.pk, "caregiver_id": job.caregiver_id,
                        "employer_id": job.employer_id, "facility_id": job.facility_id,
                        "role": "frontline_care", "start": START.isoformat(),
                        "end": TODAY.isoformat()}
    assert ApiClient(world.worker_a1).send("POST", url, body).status_code == 422
