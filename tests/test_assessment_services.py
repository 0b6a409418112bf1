"""Assessment services: each state change and each refusal; nothing changes on a refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.assessments import services as s
from anlao.assessments.models import Assessment, RequestStatus
from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from tests.assessment_personas import TODAY, AssessWorld, build, full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world) -> AssessWorld:
    return build(world)


def draft(aw, **data) -> Assessment:
    base = {"assessed_on": TODAY - dt.timedelta(days=1), "assessor_1": aw.assessor_1.pk,
            "assessor_2": aw.assessor_2.pk}
    return s.assessment_create(actor=aw.assessor_1, elder_id=aw.elder_a1.pk,
                               data={**base, **data}, today=TODAY)


def to_reviewed(aw, total: int = 60, **data) -> Assessment:
    a = draft(aw, answers=full_answers(total), **data)
    s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk, today=TODAY)
    return s.assessment_review(actor=aw.assessor_3, assessment_id=a.pk)


def finalised(aw, total: int = 60, **data) -> Assessment:
    a = to_reviewed(aw, total, **data)
    return s.assessment_finalise(actor=aw.street_officer_a, assessment_id=a.pk, today=TODAY)


def test_a_draft_keeps_partial_answers_and_links_the_open_request(aw):
    a = draft(aw, answers={"B.1.1": 3})
    assert (a.state, a.answers, a.request_id, a.reason) == ("draft", {"B.1.1": 3},
                                                           aw.request.pk, "first")
    assert AuditLog.objects.filter(action="assessment.create", entity_id=str(a.pk)).exists()


def test_saving_answers_as_they_go_keeps_the_earlier_ones(aw):
    a = draft(aw, answers={"B.1.1": 3})
    s.assessment_save_answers(actor=aw.assessor_2, assessment_id=a.pk,
                              answers={"B.1.2": 4}, today=TODAY)
    a = s.assessment_save_answers(actor=aw.assessor_2, assessment_id=a.pk,
                                  answers={"B.1.1": None, "B.2.4": 2}, today=TODAY)
    assert a.answers == {"B.1.2": 4, "B.2.4": 2}


@pytest.mark.parametrize(("answers", "field"), [
    ({"B.2.4": 4}, "answers.B.2.4"), ({"B.3.7": -1}, "answers.B.3.7"),
    ({"B.9.9": 1}, "answers.B.9.9"), ({"B.1.1": "3"}, "answers.B.1.1")])
def test_it_refuses_an_out_of_range_answer_and_saves_nothing(aw, answers, field):
    a = draft(aw, answers={"B.1.1": 2})
    with pytest.raises(ValidationFailed) as exc:
        s.assessment_save_answers(actor=aw.assessor_1, assessment_id=a.pk, answers=answers,
                                  today=TODAY)
    assert field in exc.value.errors
    a.refresh_from_db()
    assert a.answers == {"B.1.1": 2}


@pytest.mark.parametrize(("when", "message"), [
    (TODAY + dt.timedelta(days=1), "future"), (dt.date(1939, 1, 1), "birth")])
def test_it_refuses_a_date_in_the_future_or_before_birth(aw, when, message):
    with pytest.raises(ValidationFailed) as exc:
        draft(aw, assessed_on=when)
    assert message in exc.value.errors["assessed_on"][0]
    assert not Assessment.objects.exists()


def test_it_refuses_an_assessor_who_is_not_on_the_agency(aw):
    with pytest.raises(ValidationFailed) as exc:
        draft(aw, assessor_2=aw.other_assessor.pk)
    assert "assessor_2" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        draft(aw, assessor_2=aw.assessor_1.pk)
    assert "different" in exc.value.errors["assessor_2"][0]
    assert not Assessment.objects.exists()


def test_submit_lists_every_missing_answer(aw):
    answers = full_answers(70)
    del answers["B.1.3"], answers["B.4.5"]
    a = draft(aw, answers=answers)
    with pytest.raises(ValidationFailed) as exc:
        s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk, today=TODAY)
    assert {"answers.B.1.3", "answers.B.4.5"} <= set(exc.value.errors)
    a.refresh_from_db()
    assert a.state == "draft" and a.total is None


def test_submit_needs_two_assessors(aw):
    a = draft(aw, answers=full_answers(70), assessor_2=None)
    with pytest.raises(ValidationFailed) as exc:
        s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk, today=TODAY)
    assert "assessor_2" in exc.value.errors


def test_submit_stores_the_whole_result(aw):
    a = draft(aw, answers=full_answers(70), dementia=True, risk_events={"fall": 2})
    a = s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk, today=TODAY)
    assert (a.state, a.total, a.initial_level, a.final_level) == ("submitted", 70, 1, 2)
    assert a.subtotals == {"B.1": 32, "B.2": 15, "B.3": 23, "B.4": 0}
    assert [c["rule"] for c in a.level_changes] == ["mental_disorder", "risk_events"]


def test_an_assessor_cannot_review_their_own_assessment(aw):
    a = draft(aw, answers=full_answers(60))
    s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk, today=TODAY)
    with pytest.raises(PermissionDenied):
        s.assessment_review(actor=aw.assessor_2, assessment_id=a.pk)
    assert Assessment.objects.get(pk=a.pk).state == "submitted"


def test_the_assessor_who_entered_it_cannot_review_it(aw):
    """assessor_3 types in an assessment that assessors 1 and 2 carried out: the review is
    someone else's."""
    base = {"assessed_on": TODAY - dt.timedelta(days=1), "assessor_1": aw.assessor_1.pk,
            "assessor_2": aw.assessor_2.pk, "answers": full_answers(60)}
    a = s.assessment_create(actor=aw.assessor_3, elder_id=aw.elder_a1.pk, data=base,
                            today=TODAY)
    s.assessment_submit(actor=aw.assessor_3, assessment_id=a.pk, today=TODAY)
    with pytest.raises(PermissionDenied):
        s.assessment_review(actor=aw.assessor_3, assessment_id=a.pk)
    assert Assessment.objects.get(pk=a.pk).state == "submitted"


def test_who_changed_the_answers_cannot_review_them(aw):
    a = draft(aw)
    s.assessment_save_answers(actor=aw.assessor_3, assessment_id=a.pk,
                              answers=full_answers(60), today=TODAY)
    s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk, today=TODAY)
    with pytest.raises(PermissionDenied):
        s.assessment_review(actor=aw.assessor_3, assessment_id=a.pk)


def test_the_reviewer_cannot_also_finalise(aw):
    a = draft(aw, answers=full_answers(60))
    s.assessment_submit(actor=aw.assessor_1, assessment_id=a.pk, today=TODAY)
    s.assessment_review(actor=aw.street_officer_a, assessment_id=a.pk)
    with pytest.raises(PermissionDenied):
        s.assessment_finalise(actor=aw.street_officer_a, assessment_id=a.pk, today=TODAY)
    assert Assessment.objects.get(pk=a.pk).state == "reviewed"


def test_finalising_sets_the_elders_level_audited_and_closes_the_request(aw):
    a = finalised(aw, 60)
    aw.elder_a1.refresh_from_db()
    assert (a.state, a.is_current, aw.elder_a1.ability_level) == ("final", True, 2)
    assert AuditLog.objects.filter(action="elder.ability_level",
                                   entity_id=str(aw.elder_a1.pk)).exists()
    aw.request.refresh_from_db()
    assert aw.request.status == RequestStatus.DONE


def test_a_later_final_assessment_supersedes_and_the_old_one_stays(aw):
    first = finalised(aw, 60)
    second = finalised(aw, 20, reason="scheduled")
    first.refresh_from_db()
    aw.elder_a1.refresh_from_db()
    assert (first.state, first.is_current, second.is_current) == ("final", False, True)
    assert aw.elder_a1.ability_level == 4


def test_an_older_final_assessment_does_not_replace_the_current_level(aw):
    finalised(aw, 60)
    old = finalised(aw, 90, reason="scheduled", assessed_on=TODAY - dt.timedelta(days=400))
    aw.elder_a1.refresh_from_db()
    assert (old.is_current, aw.elder_a1.ability_level) == (False, 2)


def test_a_rejected_assessment_goes_back_to_draft_with_its_reason(aw):
    a = to_reviewed(aw)
    a = s.assessment_reject(actor=aw.street_officer_a, assessment_id=a.pk,
                            reason="B.1.3 与现场记录不符")
    assert (a.state, a.rejection_reason, a.total) == ("draft", "B.1.3 与现场记录不符", None)
    s.assessment_save_answers(actor=aw.assessor_1, assessment_id=a.pk, answers={"B.1.3": 2},
                              today=TODAY)


def test_a_rejection_needs_a_reason(aw):
    a = to_reviewed(aw)
    with pytest.raises(ServiceError):
        s.assessment_reject(actor=aw.street_officer_a, assessment_id=a.pk, reason=" ")
    assert Assessment.objects.get(pk=a.pk).state == "reviewed"


def test_a_final_assessment_cannot_be_edited(aw):
    a = finalised(aw)
    with pytest.raises(ServiceError) as exc:
        s.assessment_save_answers(actor=aw.assessor_1, assessment_id=a.pk,
                                  answers={"B.1.1": 0}, today=TODAY)
    assert exc.value.code == "wrong_state"
    a.refresh_from_db()
    assert a.answers["B.1.1"] == 4


def test_finalising_with_one_assessor_is_refused(aw):
    a = to_reviewed(aw)
    Assessment.objects.filter(pk=a.pk).update(assessor_2=None)  # e.g. a bad legacy row
    with pytest.raises(ValidationFailed) as exc:
        s.assessment_finalise(actor=aw.street_officer_a, assessment_id=a.pk, today=TODAY)
    assert "assessor_2" in exc.value.errors
    aw.elder_a1.refresh_from_db()
    assert aw.elder_a1.ability_level is None


def test_steps_out_of_order_are_refused(aw):
    a = draft(aw, answers=full_answers(60))
    with pytest.raises(ServiceError) as exc:
        s.assessment_finalise(actor=aw.street_officer_a, assessment_id=a.pk, today=TODAY)
    assert exc.value.code == "wrong_state"
    with pytest.raises(ServiceError):
        s.assessment_review(actor=aw.assessor_3, assessment_id=a.pk)


def test_an_assessor_cannot_finalise(aw):
    a = to_reviewed(aw)
    with pytest.raises(PermissionDenied):
        s.assessment_finalise(actor=aw.assessor_3, assessment_id=a.pk, today=TODAY)


def test_an_agency_cannot_assess_an_elder_it_was_not_asked_to(aw):
    with pytest.raises(NotFound):
        s.assessment_create(actor=aw.assessor_1, elder_id=aw.elder_b1.pk, data={},
                            today=TODAY)


def test_another_agency_cannot_touch_the_assessment(aw):
    a = draft(aw, answers={"B.1.1": 3})
    with pytest.raises(NotFound):
        s.assessment_save_answers(actor=aw.other_assessor, assessment_id=a.pk,
                                  answers={"B.1.1": 0}, today=TODAY)


def test_an_officer_of_another_street_cannot_finalise(aw):
    a = to_reviewed(aw)
    with pytest.raises(NotFound):
        s.assessment_finalise(actor=aw.street_officer_b, assessment_id=a.pk, today=TODAY)


def test_a_request_goes_to_an_assessment_agency_only(aw):
    with pytest.raises(ValidationFailed) as exc:
        s.assessment_request_create(actor=aw.worker_b1, elder_id=aw.elder_b1.pk,
                                    agency_id=aw.provider.pk, reason="first", today=TODAY)
    assert "agency" in exc.value.errors
    req = s.assessment_request_create(actor=aw.worker_b1, elder_id=aw.elder_b1.pk,
                                      agency_id=aw.other_agency.pk, reason="appeal",
                                      today=TODAY)
    a = s.assessment_create(actor=aw.other_assessor, elder_id=aw.elder_b1.pk,
                            data={"assessor_1": aw.other_assessor.pk}, today=TODAY)
    assert (a.request_id, a.reason) == (req.pk, "appeal")


def test_coma_needs_consciousness_scored_zero(aw):
    with pytest.raises(ValidationFailed) as exc:
        draft(aw, coma=True, answers={"B.3.9": 2})
    assert "answers.B.3.9" in exc.value.errors


def test_a_final_assessment_reclassifies_the_elders_open_waitlist_application(
        aw, django_capture_on_commit_callbacks):
    from anlao.waitlist import services as ws
    from tests.waitlist_fixtures import make_home

    aw.elder_a1.dibao, aw.elder_a1.ability_level = True, 0
    aw.elder_a1.save()
    home = make_home(aw.world)
    app = ws.waitlist_apply(actor=aw.worker_a1, elder_id=aw.elder_a1.pk, facility_id=home.pk,
                            bed_category="nursing")
    assert app.class_code == "general"  # 80+ only
    with django_capture_on_commit_callbacks(execute=True):  # the waitlist reacts after commit
        finalised(aw, 20)  # level 4: disabled, and on dibao → priority
    app.refresh_from_db()
    assert app.class_code == "priority"
    assert (app.events.last().kind, app.events.last().reason) == ("class_set", "reassessment")
    assert AuditLog.objects.filter(action="waitlist.reclassify", entity_id=str(app.pk)).exists()
