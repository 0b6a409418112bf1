"""The EVV pages: who may open them, what they show, and that bad input changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from anlao.core.models import AccessLog
from anlao.homecare.models import Anomaly, FollowUp, Review, VisitState
from tests.visits_fixtures import HOME, build_day, other_caregiver_user


@pytest.fixture
def day(world):
    return build_day(world, timezone.localdate())


def client_for(client, user):
    client.force_login(user)
    return client


def test_my_route_shows_todays_visit_with_a_masked_address(client, day):
    r = client_for(client, day.world.caregiver).get(reverse("homecare:my_route"))
    html = r.content.decode()
    assert r.status_code == 200 and day.elder.name in html
    assert day.elder.address not in html and "geo:" not in html
    assert "data-evv-geo" in html and "协助洗浴" in html


def test_revealing_the_address_logs_and_shows_it_with_a_map_link(client, day):
    c = client_for(client, day.world.caregiver)
    r = c.post(reverse("homecare:visit_reveal", args=[day.visit.pk]), {"back": "route"})
    assert r.status_code == 302
    html = c.get(reverse("homecare:my_route")).content.decode()
    assert day.elder.address in html and f"geo:{HOME[0]:.6f},{HOME[1]:.6f}" in html
    assert AccessLog.objects.filter(actor=day.world.caregiver, field="address").count() == 1


def test_check_in_and_out_through_the_page(client, day):
    c = client_for(client, day.world.caregiver)
    url = reverse("homecare:visit_check_in", args=[day.visit.pk])
    assert c.post(url, {"lat": HOME[0], "lng": HOME[1]}).status_code == 302
    day.visit.refresh_from_db()
    assert day.visit.state == VisitState.IN_PROGRESS
    c.post(reverse("homecare:visit_check_out", args=[day.visit.pk]), {"no_gps": "1"})
    day.visit.refresh_from_db()
    assert day.visit.state == VisitState.DONE


def test_a_missing_position_is_explained_and_changes_nothing(client, day):
    c = client_for(client, day.world.caregiver)
    r = c.post(reverse("homecare:visit_check_in", args=[day.visit.pk]), {"lat": "", "lng": ""},
               follow=True)
    assert "No GPS position" in r.content.decode()
    day.visit.refresh_from_db()
    assert day.visit.state == VisitState.ASSIGNED


def test_a_caregiver_of_another_provider_gets_404(client, day, world):
    c = client_for(client, other_caregiver_user(world))
    assert c.get(reverse("homecare:route_visit", args=[day.visit.pk])).status_code == 404
    r = c.post(reverse("homecare:visit_check_in", args=[day.visit.pk]),
               {"lat": HOME[0], "lng": HOME[1]})
    assert r.status_code == 404
    day.visit.refresh_from_db()
    assert day.visit.check_in_at is None


def test_a_worker_has_no_route_and_cannot_review(client, day, world):
    c = client_for(client, world.worker_a1)
    assert c.get(reverse("homecare:my_route")).status_code == 403
    assert c.get(reverse("homecare:anomalies")).status_code == 403
    a = Anomaly.objects.create(visit=day.visit, rule="too_short", detail="5 min")
    assert c.post(reverse("homecare:anomaly_review", args=[a.pk]),
                  {"decision": "accept"}).status_code == 403
    assert Anomaly.objects.get(pk=a.pk).state == "open"


def test_an_officer_reviews_on_the_anomaly_page(client, day, world):
    a = Anomaly.objects.create(visit=day.visit, rule="too_short", detail="5 min < 50% × 60 min")
    c = client_for(client, world.street_officer_a)
    html = c.get(reverse("homecare:anomalies") + "?rule=too_short").content.decode()
    assert f'id="anomaly-{a.pk}"' in html and "visit too short" in html
    r = c.post(reverse("homecare:anomaly_review", args=[a.pk]),
               {"decision": "reject", "note": "家属称未上门", "back": "rule=too_short"})
    assert r.status_code == 302 and r["Location"].endswith("?rule=too_short")
    assert Anomaly.objects.get(pk=a.pk).state == "rejected"
    day.visit.refresh_from_db()
    assert day.visit.review == Review.REJECTED
    other = client_for(client, world.street_officer_b).get(reverse("homecare:anomalies"))
    assert f'id="anomaly-{a.pk}"' not in other.content.decode()


def test_followup_worklist_and_ratings_pages(client, day, world):
    fu = FollowUp.objects.create(visit=day.visit)
    c = client_for(client, world.hotline_a)
    assert f'id="followup-{fu.pk}"' in c.get(reverse("homecare:followups")).content.decode()
    c.post(reverse("homecare:followup_record", args=[fu.pk]),
           {"outcome": "done", "method": "call", "rating": "5", "comment": "好"})
    assert FollowUp.objects.get(pk=fu.pk).rating == 5
    html = c.get(reverse("homecare:ratings")).content.decode()
    assert world.provider.name in html and "5.00" in html
    caregiver = client_for(client, world.caregiver)
    assert caregiver.get(reverse("homecare:followups")).status_code == 403
    assert caregiver.get(reverse("homecare:ratings")).status_code == 403
    manager = client_for(client, world.provider_manager).get(reverse("homecare:ratings"))
    assert world.provider.name in manager.content.decode()
