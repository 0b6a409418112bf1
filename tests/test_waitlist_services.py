"""Waitlist services: applying, offering, accepting, lapsing, withdrawing — and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anlao.core.errors import NotFound, PermissionDenied, ServiceError
from anlao.core.models import AuditLog
from anlao.facilities.models import OperationMode, Stay
from anlao.waitlist import services as s
from anlao.waitlist.models import WaitlistApplication, WaitlistEvent
from anlao.waitlist.policy import load_policy
from anlao.waitlist.queue import compute_queue
from anlao.waitlist.selectors import facility_events, queue_rows
from tests.personas import make_elder
from tests.waitlist_fixtures import make_home

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def home(world):
    return make_home(world)


def elder(world, seq, **extra):
    return make_elder(world.community_a1, name=f"测试老人{seq}", seq=seq, **extra)


def apply(world, e, home, hours=0, bed="nursing", actor=None):
    return s.waitlist_apply(actor=actor or world.worker_a1, elder_id=e.pk, facility_id=home.pk,
                            bed_category=bed, at=T0 + dt.timedelta(hours=hours))


def test_applying_sets_the_class_from_the_elders_data_and_logs_why(world, home):
    app = apply(world, elder(world, 1, dibao=True, ability_level=3), home)
    assert (app.class_code, app.status) == ("priority", "waiting")
    class_set = app.events.get(kind="class_set")
    assert class_set.data["rule"] == {"disabled_or_demented": True, "dibao": True}
    assert AuditLog.objects.filter(action="waitlist.apply", entity_id=str(app.pk)).exists()


def test_applying_twice_to_the_same_facility_is_refused_and_changes_nothing(world, home):
    e = elder(world, 1)
    apply(world, e, home)
    before = (WaitlistApplication.objects.count(), WaitlistEvent.objects.count())
    with pytest.raises(ServiceError, match="already on the waitlist"):
        apply(world, e, home, hours=5)
    assert (WaitlistApplication.objects.count(), WaitlistEvent.objects.count()) == before


def test_a_worker_of_another_community_cannot_apply_for_the_elder(world, home):
    with pytest.raises(NotFound):
        apply(world, elder(world, 1), home, actor=world.worker_b1)


def test_a_private_care_home_has_no_public_waitlist(world):
    private = make_home(world, mode=OperationMode.PRIVATE)
    with pytest.raises(NotFound):
        apply(world, elder(world, 1), private)


def test_an_offer_to_an_applicant_who_is_not_first_is_refused(world, home):
    apply(world, elder(world, 1, ability_level=2), home, hours=0)
    second = apply(world, elder(world, 2, ability_level=2), home, hours=1)
    n = WaitlistEvent.objects.count()
    with pytest.raises(ServiceError, match="first waiting applicant") as exc:
        s.waitlist_offer(actor=world.provider_manager, application_id=second.pk)
    assert exc.value.code == "not_first"
    assert WaitlistEvent.objects.count() == n


def test_a_higher_class_applying_later_takes_the_first_place(world, home):
    general = apply(world, elder(world, 1, ability_level=2), home, hours=0)
    poor = apply(world, elder(world, 2, extreme_poverty=True), home, hours=50)
    assert s.first_in_line(home.pk, "nursing") == poor.pk
    assert [r.entry.application_id for r in queue_rows(home.pk)] == [poor.pk, general.pk]


def test_the_offer_is_due_after_n_working_days_skipping_holidays(world, home):
    app = apply(world, elder(world, 1, ability_level=2), home)
    ev = s.waitlist_offer(actor=world.provider_manager, application_id=app.pk,
                          on=dt.date(2026, 2, 12))
    # Thu 12 Feb + 5: Fri 13, Sat 14 (调休), 15–23 off, Tue 24, Wed 25, Thu 26.
    assert ev.data["due"] == "2026-02-26"


def test_no_offer_without_a_free_bed_of_the_category(world):
    full = make_home(world, nursing_free=0)
    app = apply(world, elder(world, 1, ability_level=2), full)
    with pytest.raises(ServiceError, match="no free"):
        s.waitlist_offer(actor=world.provider_manager, application_id=app.pk)


def test_one_free_bed_is_offered_once(world, home):
    apply(world, elder(world, 1, ability_level=2), home)
    apply(world, elder(world, 2, ability_level=2), home, hours=1)
    s.waitlist_offer_next(actor=world.provider_manager, facility_id=home.pk,
                          bed_category="nursing")
    with pytest.raises(ServiceError, match="no free"):
        s.waitlist_offer_next(actor=world.provider_manager, facility_id=home.pk,
                              bed_category="nursing")


@pytest.mark.parametrize("who", ["street_officer_b", "other_provider_manager"])
def test_staff_of_another_area_or_operator_cannot_offer(world, home, who):
    app = apply(world, elder(world, 1), home)
    with pytest.raises(NotFound):
        s.waitlist_offer(actor=getattr(world, who), application_id=app.pk)


@pytest.mark.parametrize("who", ["worker_a1", "auditor", "caregiver"])
def test_roles_without_manage_cannot_offer(world, home, who):
    app = apply(world, elder(world, 1), home)
    with pytest.raises(PermissionDenied):
        s.waitlist_offer(actor=getattr(world, who), application_id=app.pk)


def test_accepting_admits_the_elder_to_a_bed(world, home):
    app = apply(world, elder(world, 1, ability_level=2), home)
    s.waitlist_offer(actor=world.street_officer_a, application_id=app.pk)
    app = s.waitlist_accept(actor=world.street_officer_a, application_id=app.pk)
    assert app.status == "admitted"
    assert Stay.objects.get(elder=app.elder).facility == home
    assert home.free_beds("nursing") == 0
    assert list(app.events.values_list("kind", flat=True)) == [
        "applied", "class_set", "offered", "accepted", "admitted"]


def test_an_offer_past_its_due_day_cannot_be_accepted_and_lapses(world, home):
    app = apply(world, elder(world, 1, ability_level=2), home)
    s.waitlist_offer(actor=world.provider_manager, application_id=app.pk,
                     on=dt.date(2026, 3, 2))
    with pytest.raises(ServiceError, match="ran out"):
        s.waitlist_accept(actor=world.provider_manager, application_id=app.pk,
                          on=dt.date(2026, 3, 10))
    assert s.waitlist_expire_offers(actor=world.provider_manager, facility_id=home.pk,
                                    today=dt.date(2026, 3, 9)) == 0
    assert s.waitlist_expire_offers(actor=world.provider_manager, facility_id=home.pk,
                                    today=dt.date(2026, 3, 10)) == 1
    app.refresh_from_db()
    assert (app.status, app.events.last().kind) == ("waiting", "lapsed")


def test_two_declines_take_the_application_off_the_queue(world, home):
    app = apply(world, elder(world, 1, ability_level=2), home)
    for _ in range(2):
        s.waitlist_offer(actor=world.provider_manager, application_id=app.pk)
        app = s.waitlist_decline(actor=world.provider_manager, application_id=app.pk,
                                 reason="family prefers to wait")
    assert app.status == "removed"


def test_two_withdrawals_in_a_year_bar_reapplying_for_a_year(world, home):
    e = elder(world, 1)
    for i in range(2):
        app = apply(world, e, home, hours=i)
        s.waitlist_withdraw(actor=world.worker_a1, application_id=app.pk, reason="moved")
    with pytest.raises(ServiceError, match="may not apply") as exc:
        apply(world, e, home, hours=3)
    assert exc.value.code == "barred"
    WaitlistEvent.objects.filter(kind="withdrawn").update(
        at=timezone.now() - dt.timedelta(days=400))
    s.waitlist_apply(actor=world.worker_a1, elder_id=e.pk, facility_id=home.pk,
                     bed_category="nursing")


def test_a_new_assessment_moves_the_applicant_up_with_a_logged_reason(world, home):
    apply(world, elder(world, 1, ability_level=2), home, hours=0)
    late = elder(world, 2, dibao=True, ability_level=0, birth=dt.date(1950, 1, 1))
    app = apply(world, late, home, hours=5)
    assert app.class_code == "other"
    late.ability_level = 3
    late.save()
    assert s.waitlist_reclassify(actor=world.worker_a1, application_id=app.pk)
    assert s.first_in_line(home.pk, "nursing") == app.pk
    assert app.events.last().reason == "reassessment"
    assert not s.waitlist_reclassify(actor=world.worker_a1, application_id=app.pk)


def test_the_cached_status_always_equals_the_queue_recomputed_from_the_log(world, home):
    apps = [apply(world, elder(world, i, ability_level=i % 3), home, hours=i)
            for i in range(1, 6)]
    s.waitlist_offer_next(actor=world.provider_manager, facility_id=home.pk,
                          bed_category="nursing")
    s.waitlist_withdraw(actor=world.worker_a1, application_id=apps[4].pk)
    replayed = {e.application_id: e.status
                for e in compute_queue(facility_events(home.pk), load_policy())}
    cached = dict(WaitlistApplication.objects.filter(status__in=["waiting", "offered"])
                  .values_list("id", "status"))
    assert replayed == cached and "offered" in cached.values()
