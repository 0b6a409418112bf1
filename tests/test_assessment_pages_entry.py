"""The step form: starting a draft, autosave of each answer, the running subtotal, the
details step, what is missing, and the submit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anlao.assessments import services as s
from anlao.assessments.models import Assessment
from tests.assessment_personas import TODAY, AssessWorld, build, full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world) -> AssessWorld:
    return build(world)


@pytest.fixture
def draft(aw) -> Assessment:
    return s.assessment_create(actor=aw.assessor_1, elder_id=aw.elder_a1.pk,
                               data={"assessor_1": aw.assessor_1.pk})


def test_starting_opens_a_draft_with_the_actor_as_first_assessor(aw, client):
    client.force_login(aw.assessor_1)
    response = client.post(reverse("assessments:start", args=[aw.elder_a1.pk]))
    a = Assessment.objects.get()
    assert response.url == reverse("assessments:step", args=[a.pk, 1])
    assert (a.state, a.assessor_1_id, a.reason) == ("draft", aw.assessor_1.pk, "first")


def test_area_staff_cannot_start_an_assessment(aw, client):
    client.force_login(aw.worker_a1)
    assert client.post(reverse("assessments:start", args=[aw.elder_a1.pk])).status_code == 403
    assert not Assessment.objects.exists()


@pytest.mark.zh
def test_each_step_shows_the_items_with_their_help_scale(aw, client, draft):
    client.force_login(aw.assessor_1)
    page = client.get(reverse("assessments:step", args=[draft.pk, 1])).content.decode()
    assert page.count('name="B.1.1"') == 5 and 'name="B.2.1"' not in page
    assert "独立使用器具将食物送进口中并咽下" in page  # B.1.1's 4-point wording


def test_autosave_stores_an_answer_and_answers_the_running_subtotal(aw, client, draft):
    client.force_login(aw.assessor_2)
    url = reverse("assessments:answers", args=[draft.pk])
    client.post(url, {"dimension": "B.1", "B.1.1": "4"})
    response = client.post(url, {"dimension": "B.1", "B.1.1": "4", "B.1.2": "3"})
    assert response.status_code == 200
    assert 'id="subtotal">7<' in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {"B.1.1": 4, "B.1.2": 3}


@pytest.mark.parametrize("value", ["7", "x"])
def test_autosave_refuses_a_bad_score_and_keeps_what_was_saved(aw, client, draft, value):
    s.assessment_save_answers(actor=aw.assessor_1, assessment_id=draft.pk, answers={"B.1.1": 2})
    client.force_login(aw.assessor_1)
    response = client.post(reverse("assessments:answers", args=[draft.pk]),
                           {"dimension": "B.1", "B.1.1": value})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.answers == {"B.1.1": 2}


def test_autosave_after_submission_is_refused(aw, client, draft):
    s.assessment_update(actor=aw.assessor_1, assessment_id=draft.pk, data={
        "answers": full_answers(50), "assessor_2": aw.assessor_2.pk})
    s.assessment_submit(actor=aw.assessor_1, assessment_id=draft.pk)
    client.force_login(aw.assessor_1)
    response = client.post(reverse("assessments:answers", args=[draft.pk]), {"B.1.1": "0"})
    assert response.status_code == 409
    assert Assessment.objects.get(pk=draft.pk).answers["B.1.1"] == 4


def test_next_saves_the_step_and_goes_on_without_javascript(aw, client, draft):
    client.force_login(aw.assessor_1)
    response = client.post(reverse("assessments:step", args=[draft.pk, 2]),
                           {"B.2.1": "4", "B.2.4": "3"})
    assert response.url == reverse("assessments:step", args=[draft.pk, 3])
    assert Assessment.objects.get(pk=draft.pk).answers == {"B.2.1": 4, "B.2.4": 3}


def test_the_details_step_sets_conditions_events_and_assessors(aw, client, draft):
    client.force_login(aw.assessor_1)
    response = client.post(reverse("assessments:step", args=[draft.pk, 5]), {
        "assessed_on": (TODAY - dt.timedelta(days=1)).isoformat(), "reason": "first",
        "assessor_1": aw.assessor_1.pk, "assessor_2": aw.assessor_2.pk, "dementia": "on",
        "risk_fall": "2", "risk_choking": ""})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.assessor_2_id, draft.dementia, draft.risk_events) == (
        aw.assessor_2.pk, True, {"fall": 2})


def test_the_details_step_refuses_an_assessor_of_another_agency(aw, client, draft):
    client.force_login(aw.assessor_1)
    response = client.post(reverse("assessments:step", args=[draft.pk, 5]), {
        "assessed_on": TODAY.isoformat(), "reason": "first",
        "assessor_1": aw.assessor_1.pk, "assessor_2": aw.other_assessor.pk})
    assert response.status_code == 400
    assert Assessment.objects.get(pk=draft.pk).assessor_2_id is None


def test_the_check_step_lists_what_is_missing(aw, client, draft):
    answers = full_answers(60)
    del answers["B.3.4"]
    s.assessment_save_answers(actor=aw.assessor_1, assessment_id=draft.pk, answers=answers)
    client.force_login(aw.assessor_1)
    page = client.get(reverse("assessments:step", args=[draft.pk, 6])).content.decode()
    assert 'id="missing"' in page and "B.3.4" in page
    assert "B.3.3" not in page.split('id="missing"')[1].split("</ul>")[0]
    assert 'id="submit-assessment" disabled' in page


def test_submit_refuses_an_incomplete_draft_and_lists_the_gaps(aw, client, draft):
    client.force_login(aw.assessor_1)
    response = client.post(reverse("assessments:submit", args=[draft.pk]))
    assert response.status_code == 400 and "B.4.5" in response.content.decode()
    assert Assessment.objects.get(pk=draft.pk).state == "draft"


def test_submit_of_a_complete_draft(aw, client, draft):
    s.assessment_update(actor=aw.assessor_1, assessment_id=draft.pk, data={
        "answers": full_answers(50), "assessor_2": aw.assessor_2.pk})
    client.force_login(aw.assessor_1)
    response = client.post(reverse("assessments:submit", args=[draft.pk]))
    assert response.url == reverse("assessments:detail", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.state, draft.total, draft.final_level) == ("submitted", 50, 2)


def test_another_agencys_assessor_cannot_edit(aw, client, draft):
    client.force_login(aw.other_assessor)
    assert client.get(reverse("assessments:step", args=[draft.pk, 1])).status_code == 404


def test_area_staff_can_see_but_not_edit_a_draft(aw, client, draft):
    client.force_login(aw.worker_a1)
    assert client.get(reverse("assessments:detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("assessments:step", args=[draft.pk, 1])).status_code == 403
