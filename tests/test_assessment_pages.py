"""Assessment pages: who sees what (404 out of scope, 403 without the permission), the list
filters, an elder's history, asking an agency, and the review / reject / finalise buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anlao.assessments import services as s
from anlao.assessments.models import Assessment, AssessmentRequest
from tests.assessment_personas import TODAY, AssessWorld, build, full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world) -> AssessWorld:
    return build(world)


def as_user(client, user):
    client.force_login(user)
    return client


def draft(aw, answers=None, **data) -> Assessment:
    base = {"assessor_1": aw.assessor_1.pk, "assessor_2": aw.assessor_2.pk,
            "assessed_on": TODAY - dt.timedelta(days=1)}
    return s.assessment_create(actor=aw.assessor_1, elder_id=aw.elder_a1.pk,
                               data={**base, "answers": answers or {}, **data})


def submitted(aw, total: int = 60, **data) -> Assessment:
    a = draft(aw, full_answers(total), **data)
    return s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk)


def reviewed(aw, total: int = 60, **data) -> Assessment:
    a = submitted(aw, total, **data)
    return s.assessment_review(actor=aw.assessor_3, assessment_id=a.pk)


# --- scope --------------------------------------------------------------------------------

def test_the_list_shows_an_agency_only_its_own_assessments(aw, client):
    a = draft(aw)
    mine = as_user(client, aw.assessor_2).get(reverse("assessments:list"))
    assert mine.status_code == 200 and a.elder.name in mine.content.decode()
    other = as_user(client, aw.other_assessor).get(reverse("assessments:list"))
    assert other.status_code == 200 and a.elder.name not in other.content.decode()


def test_the_list_shows_area_staff_only_their_area(aw, client):
    draft(aw)
    assert aw.elder_a1.name in as_user(client, aw.worker_a1).get(
        reverse("assessments:list")).content.decode()
    assert aw.elder_a1.name not in as_user(client, aw.worker_b1).get(
        reverse("assessments:list")).content.decode()


def test_the_list_filters_by_state(aw, client):
    draft(aw)
    page = as_user(client, aw.worker_a1).get(reverse("assessments:list"), {"state": "final"})
    assert aw.elder_a1.name not in page.content.decode()
    page = client.get(reverse("assessments:list"), {"state": "draft"})
    assert aw.elder_a1.name in page.content.decode()


def test_the_list_filters_by_area(aw, client):
    draft(aw)
    page = as_user(client, aw.district_officer).get(
        reverse("assessments:list"), {"area": aw.street_b.code})
    assert aw.elder_a1.name not in page.content.decode()
    page = client.get(reverse("assessments:list"), {"area": aw.community_a1.code})
    assert aw.elder_a1.name in page.content.decode()


def test_an_agency_sees_waiting_elders_it_was_asked_to_assess(aw, client):
    page = as_user(client, aw.assessor_1).get(reverse("assessments:list")).content.decode()
    assert aw.elder_a1.name in page and aw.elder_b1.name not in page


def test_staff_without_the_permission_are_refused(aw, client):
    assert as_user(client, aw.provider_manager).get(
        reverse("assessments:list")).status_code == 403


@pytest.mark.parametrize("who", ["other_assessor", "worker_b1"])
def test_an_elder_or_assessment_out_of_scope_is_not_found(aw, client, who):
    a = draft(aw)
    as_user(client, getattr(aw, who))
    assert client.get(reverse("assessments:elder", args=[aw.elder_a1.pk])).status_code == 404
    assert client.get(reverse("assessments:detail", args=[a.pk])).status_code == 404
    assert client.get(reverse("assessments:pdf", args=[a.pk])).status_code == 404
    assert client.post(reverse("assessments:answers", args=[a.pk]),
                       {"B.1.1": "4"}).status_code == 404


def test_an_agency_cannot_open_an_elder_nobody_asked_it_about(aw, client):
    as_user(client, aw.assessor_1)
    assert client.get(reverse("assessments:elder", args=[aw.elder_b1.pk])).status_code == 404
    assert client.post(reverse("assessments:start", args=[aw.elder_b1.pk])).status_code == 404
    assert not Assessment.objects.exists()


# --- history and requests -----------------------------------------------------------------

def test_the_history_shows_the_current_level_and_superseded_ones(aw, client):
    first = reviewed(aw, 60)
    s.assessment_finalise(actor=aw.street_officer_a, assessment_id=first.pk)
    second = reviewed(aw, 20, reason="scheduled")
    s.assessment_finalise(actor=aw.street_officer_a, assessment_id=second.pk)
    page = as_user(client, aw.worker_a1).get(
        reverse("assessments:elder", args=[aw.elder_a1.pk])).content.decode()
    assert "superseded" in page or "已被取代" in page
    assert page.count(reverse("assessments:detail", args=[first.pk])) == 1
    assert 'id="current-level">' in page and "4" in page.split('id="current-level">')[1][:40]


def test_area_staff_ask_an_agency_and_the_agency_then_sees_the_elder(aw, client):
    url = reverse("assessments:request", args=[aw.elder_b1.pk])
    response = as_user(client, aw.worker_b1).post(url, {"agency": aw.agency.pk,
                                                        "reason": "first", "note": "跌倒后"})
    assert response.status_code == 302
    assert AssessmentRequest.objects.filter(elder=aw.elder_b1, agency=aw.agency).exists()
    as_user(client, aw.assessor_1)
    assert client.get(reverse("assessments:elder", args=[aw.elder_b1.pk])).status_code == 200


def test_a_request_without_an_agency_is_refused_and_nothing_is_written(aw, client):
    url = reverse("assessments:request", args=[aw.elder_b1.pk])
    response = as_user(client, aw.worker_b1).post(url, {"agency": "", "reason": "first"})
    assert response.status_code == 400
    assert not AssessmentRequest.objects.filter(elder=aw.elder_b1).exists()


def test_an_assessor_cannot_ask_for_assessments(aw, client):
    url = reverse("assessments:request", args=[aw.elder_a1.pk])
    assert as_user(client, aw.assessor_1).post(
        url, {"agency": aw.agency.pk, "reason": "first"}).status_code == 403


def test_area_staff_cannot_ask_about_an_elder_outside_their_area(aw, client):
    url = reverse("assessments:request", args=[aw.elder_a1.pk])
    assert as_user(client, aw.worker_b1).get(url).status_code == 404


# --- workflow buttons ---------------------------------------------------------------------

def test_an_assessor_gets_no_review_button_on_their_own_and_a_post_changes_nothing(aw, client):
    a = submitted(aw)
    as_user(client, aw.assessor_1)
    assert 'id="review-button"' not in client.get(
        reverse("assessments:detail", args=[a.pk])).content.decode()
    client.post(reverse("assessments:review", args=[a.pk]))
    assert Assessment.objects.get(pk=a.pk).state == "submitted"


def test_review_then_finalise_sets_the_elders_level(aw, client):
    a = submitted(aw, 60)
    as_user(client, aw.assessor_3)
    assert 'id="review-button"' in client.get(
        reverse("assessments:detail", args=[a.pk])).content.decode()
    client.post(reverse("assessments:review", args=[a.pk]))
    assert Assessment.objects.get(pk=a.pk).state == "reviewed"
    as_user(client, aw.street_officer_a)
    client.post(reverse("assessments:finalise", args=[a.pk]))
    aw.elder_a1.refresh_from_db()
    assert (Assessment.objects.get(pk=a.pk).state, aw.elder_a1.ability_level) == ("final", 2)


def test_a_worker_cannot_finalise(aw, client):
    a = reviewed(aw)
    response = as_user(client, aw.worker_a1).post(reverse("assessments:finalise", args=[a.pk]))
    assert response.status_code == 403
    assert Assessment.objects.get(pk=a.pk).state == "reviewed"


def test_a_rejection_needs_a_reason_and_shows_it_on_the_draft(aw, client):
    a = submitted(aw)
    as_user(client, aw.assessor_3)
    client.post(reverse("assessments:reject", args=[a.pk]), {"reason": ""})
    assert Assessment.objects.get(pk=a.pk).state == "submitted"
    client.post(reverse("assessments:reject", args=[a.pk]), {"reason": "B.2.4 与现场不符"})
    a.refresh_from_db()
    assert (a.state, a.rejection_reason) == ("draft", "B.2.4 与现场不符")
    page = as_user(client, aw.assessor_1).get(
        reverse("assessments:detail", args=[a.pk])).content.decode()
    assert 'id="rejection"' in page and "B.2.4 与现场不符" in page


def test_the_detail_shows_every_level_change_with_its_reason(aw, client):
    a = draft(aw, full_answers(70), dementia=True)
    s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk)
    page = as_user(client, aw.worker_a1).get(
        reverse("assessments:detail", args=[a.pk])).content.decode()
    assert 'id="level-changes"' in page and ("F00" in page)
