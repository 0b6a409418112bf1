"""Hospital stays: recorded by area staff in scope, shown on the elder's page, and a home-care
visit during one is an elder_unavailable anomaly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anlao.core.errors import NotFound, ValidationFailed
from anlao.core.models import AuditLog
from anlao.people.absences import absence_end, absence_record
from anlao.people.models import Absence
from tests.personas import make_elder

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


def test_a_worker_records_a_hospital_stay_and_the_return(world):
    e = make_elder(world.community_a1, seq=1)
    a = absence_record(actor=world.worker_a1, elder_id=e.pk, kind="hospital",
                       start=dt.date(2026, 11, 20), note="浙大二院", today=TODAY)
    assert (a.kind, a.end) == ("hospital", None)
    absence_end(actor=world.worker_a1, elder_id=e.pk, absence_id=a.pk, end=dt.date(2026, 11, 23))
    a.refresh_from_db()
    assert a.end == dt.date(2026, 11, 23)
    assert AuditLog.objects.filter(action__startswith="absence.").count() == 2


def test_an_end_before_the_start_is_refused_and_nothing_is_written(world):
    e = make_elder(world.community_a1, seq=1)
    with pytest.raises(ValidationFailed) as exc:
        absence_record(actor=world.worker_a1, elder_id=e.pk, kind="hospital",
                       start=dt.date(2026, 11, 20), end=dt.date(2026, 11, 19), today=TODAY)
    assert "end" in exc.value.errors and not Absence.objects.exists()


def test_a_worker_of_another_community_cannot_record_one(world):
    e = make_elder(world.community_b1, seq=1)
    with pytest.raises(NotFound):
        absence_record(actor=world.worker_a1, elder_id=e.pk, kind="hospital",
                       start=TODAY, today=TODAY)


def test_the_elder_page_lists_it_and_records_one(client, world):
    e = make_elder(world.community_a1, seq=1)
    client.force_login(world.worker_a1)
    client.post(reverse("people:absence_add", args=[e.pk]),
                {"kind": "hospital", "start": "2026-11-20", "note": "浙大二院"})
    page = client.get(reverse("people:detail", args=[e.pk])).content.decode()
    assert "浙大二院" in page and "still away" in page


def test_a_visit_during_a_hospital_stay_is_an_anomaly(world):
    from anlao.homecare.visits import services as visits
    from tests.visits_fixtures import HOME, NOW, build_day

    day = build_day(world)
    absence_record(actor=world.worker_a1, elder_id=day.elder.pk, kind="hospital",
                   start=NOW.date() - dt.timedelta(days=2), today=NOW.date())
    visits.visit_check_in(actor=world.caregiver, visit=day.visit.pk, lat=HOME[0], lng=HOME[1],
                          now=NOW)
    v = visits.visit_check_out(actor=world.caregiver, visit=day.visit.pk, lat=HOME[0],
                               lng=HOME[1], now=NOW + dt.timedelta(minutes=55))
    assert dict(v.anomalies.values_list("rule", "detail")) == {"elder_unavailable": "hospital"}
