"""The assessments API: the workflow end to end, response shapes and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anlao.assessments import services as s
from anlao.assessments.models import Assessment, AssessmentSource, AssessmentState
from tests.api_client import ApiClient
from tests.assessment_personas import AssessWorld, build, full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world) -> AssessWorld:
    return build(world)
URL = "/api/assessments"


def start(aw, answers=None) -> dict:
    r = ApiClient(aw.assessor_1).post(URL, {
        "elder_id": aw.elder_a1.pk, "assessor_1": aw.assessor_1.pk,
        "assessor_2": aw.assessor_2.pk, "answers": answers or {"B.1.1": 3}})
    assert r.status_code == 201, r.json()
    return r.json()


def test_the_workflow_through_the_api_sets_the_level(aw):
    body = start(aw)
    assert body["state"] == "draft" and len(body["missing"]) == 25
    aid = body["id"]
    api = ApiClient(aw.assessor_1)
    r = api.send("PUT", f"{URL}/{aid}/answers", {"answers": full_answers(50)})
    assert r.status_code == 200 and r.json()["missing"] == []
    assert api.post(f"{URL}/{aid}/submit").json()["final_level"] == 2
    assert ApiClient(aw.assessor_3).post(f"{URL}/{aid}/review").json()["state"] == "reviewed"
    r = ApiClient(aw.street_officer_a).post(f"{URL}/{aid}/finalise")
    assert r.status_code == 200 and r.json()["is_current"] is True
    hist = ApiClient(aw.worker_a1).get(f"{URL}/elders/{aw.elder_a1.pk}").json()
    assert hist["elder"]["ability_level"] == 2 and hist["current_assessment_id"] == aid


def test_missing_answers_at_submit_are_listed_in_the_error(aw):
    aid = start(aw)["id"]
    r = ApiClient(aw.assessor_1).post(f"{URL}/{aid}/submit")
    assert r.status_code == 422
    assert len([k for k in r.json()["errors"] if k.startswith("answers.")]) == 25


def test_an_out_of_range_answer_is_a_422_naming_the_item(aw):
    aid = start(aw)["id"]
    r = ApiClient(aw.assessor_1).send("PUT", f"{URL}/{aid}/answers", {"answers": {"B.4.4": 4}})
    assert r.status_code == 422 and r.json()["field"] == "answers.B.4.4"


def test_the_instrument_lists_26_items_with_chinese_and_english(aw):
    body = ApiClient(aw.worker_a1).get(f"{URL}/instrument").json()
    items = [i for d in body["dimensions"] for i in d["items"]]
    assert len(items) == 26 and items[0]["options"][0]["zh"] and items[0]["en"] == "Eating"


def test_an_agency_sees_only_its_own_assessments(aw):
    aid = start(aw)["id"]
    assert ApiClient(aw.other_assessor).get(f"{URL}/{aid}").status_code == 404
    assert ApiClient(aw.other_assessor).get(URL).json()["count"] == 0
    assert ApiClient(aw.assessor_2).get(URL).json()["count"] == 1


def test_an_agency_sees_only_the_elders_it_was_asked_to_assess(aw):
    api = ApiClient(aw.assessor_1)
    assert api.get(f"{URL}/elders/{aw.elder_a1.pk}").status_code == 200
    assert api.get(f"{URL}/elders/{aw.elder_b1.pk}").status_code == 404
    r = api.post(URL, {"elder_id": aw.elder_b1.pk})
    assert r.status_code == 404


def test_area_staff_see_assessments_of_their_elders_only(aw):
    aid = start(aw)["id"]
    assert ApiClient(aw.worker_a1).get(f"{URL}/{aid}").status_code == 200
    assert ApiClient(aw.worker_b1).get(f"{URL}/{aid}").status_code == 404
    assert ApiClient(aw.provider_manager).get(f"{URL}/{aid}").status_code == 404


def test_area_staff_cannot_write_assessments(aw):
    r = ApiClient(aw.worker_a1).post(URL, {"elder_id": aw.elder_a1.pk})
    assert r.status_code == 403


def test_a_community_worker_requests_an_assessment_and_the_agency_then_sees_the_elder(aw):
    r = ApiClient(aw.worker_b1).post(f"{URL}/requests", {
        "elder_id": aw.elder_b1.pk, "agency_id": aw.other_agency.pk,
        "reason": "change_of_condition"})
    assert r.status_code == 201 and r.json()["status"] == "open"
    api = ApiClient(aw.other_assessor)
    assert api.get(f"{URL}/elders/{aw.elder_b1.pk}").status_code == 200
    assert api.get(f"{URL}/requests", status="open").json()["count"] == 1
    due = ApiClient(aw.worker_b1).get(f"{URL}/due").json()
    assert [row["elder"]["id"] for row in due["results"]] == [aw.elder_b1.pk]
    assert due["results"][0]["change_of_condition"] is True


def _final(aw, elder, assessed_on: dt.date, level_total: int) -> Assessment:
    """A final, current assessment written directly (fixture data)."""
    Assessment.objects.filter(elder=elder, is_current=True).update(is_current=False)
    return Assessment.objects.create(
        elder=elder, agency=aw.agency, reason="scheduled", state=AssessmentState.FINAL,
        source=AssessmentSource.IMPORT, instrument_version="2022.1", assessed_on=assessed_on,
        answers=full_answers(level_total), total=level_total, final_level=2, is_current=True)


def test_due_lists_overdue_and_soon_due_elders_of_the_area(aw):
    today = timezone.localdate()
    _final(aw, aw.elder_a1, today - dt.timedelta(days=400), 50)
    _final(aw, aw.elder_b1, today - dt.timedelta(days=100), 50)
    body = ApiClient(aw.district_officer).get(f"{URL}/due").json()
    assert [r["elder"]["id"] for r in body["results"]] == [aw.elder_a1.pk]
    assert body["results"][0]["overdue"] is True
    assert ApiClient(aw.street_officer_b).get(f"{URL}/due").json()["count"] == 0
    assert ApiClient(aw.district_officer).get(
        f"{URL}/due", area=aw.street_b.code).json()["count"] == 0


def test_never_assessed_lists_elders_without_any_assessment(aw):
    start(aw)
    body = ApiClient(aw.district_officer).get(f"{URL}/never-assessed").json()
    assert [r["id"] for r in body["results"]] == [aw.elder_b1.pk]


def test_statistics_count_levels_per_street_and_finals_per_agency_month(aw):
    today = timezone.localdate()
    _final(aw, aw.elder_a1, today, 50)
    aw.elder_a1.ability_level = 2
    aw.elder_a1.save()
    rows = ApiClient(aw.district_officer).get(f"{URL}/stats/levels").json()
    by_code = {r["code"]: r for r in rows}
    assert by_code[aw.street_a.code]["levels"]["2"] == 1
    assert by_code[aw.street_a.code]["share"] == 1.0
    assert by_code[aw.street_b.code]["assessed"] == 0
    months = ApiClient(aw.district_officer).get(f"{URL}/stats/agency-months").json()
    assert months == [{"agency_id": aw.agency.pk, "agency": "安评中心",
                       "month": today.replace(day=1).isoformat(), "count": 1}]
    assert ApiClient(aw.street_officer_b).get(f"{URL}/stats/agency-months").json() == []


def test_level_changes_come_with_a_reason_in_the_request_language(aw):
    a = s.assessment_create(actor=aw.assessor_1, elder_id=aw.elder_a1.pk, data={
        "assessor_1": aw.assessor_1.pk, "assessor_2": aw.assessor_2.pk,
        "answers": full_answers(70), "dementia": True})
    s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk)
    change = ApiClient(aw.assessor_1).get(f"{URL}/{a.pk}").json()["level_changes"][0]
    assert change["rule"] == "mental_disorder" and "Dementia" in change["reason"]
