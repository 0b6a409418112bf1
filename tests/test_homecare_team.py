"""The provider's team page: managers edit their own caregivers' hours, skills and leave."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from anlao.core.models import AuditLog
from anlao.homecare.models import CaregiverProfile, Leave
from anlao.workforce.models import Caregiver, Employment
from tests.personas import make_id_number

pytestmark = pytest.mark.django_db


def _profile(world, org, name="周丽", seq=1) -> CaregiverProfile:
    c = Caregiver.objects.create(name=name, id_number=make_id_number(dt.date(1975, 1, 1),
                                                                    seq=seq),
                                 birth_date=dt.date(1975, 1, 1), sex="F", area=world.street_a)
    Employment.objects.create(caregiver=c, employer=org, start=dt.date(2024, 1, 1))
    return CaregiverProfile.objects.create(caregiver=c, provider=org, skills=["general"],
                                           working_hours={"0": ["08:00", "17:00"]})


def _form(**over):
    data = {"skills": "bathing, nursing", "level": "level4", "home_lat": "30.31",
            "home_lng": "120.14"}
    for d in range(7):
        data[f"from_{d}"], data[f"until_{d}"] = ("08:00", "16:00") if d < 5 else ("", "")
    data.update(over)
    return data


def test_a_manager_sets_skills_hours_and_home_of_their_caregiver(client, world):
    p = _profile(world, world.provider)
    client.force_login(world.provider_manager)
    response = client.post(reverse("homecare:team_profile", args=[p.pk]), _form())
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.skills == ["bathing", "nursing"] and p.level == "level4"
    assert p.working_hours == {str(d): ["08:00", "16:00"] for d in range(5)}
    assert (p.home_lat, p.home_lng) == (30.31, 120.14)
    assert AuditLog.objects.filter(action="caregiver_profile.save").exists()


def test_an_end_before_the_start_is_shown_and_nothing_changes(client, world):
    p = _profile(world, world.provider)
    client.force_login(world.provider_manager)
    response = client.post(reverse("homecare:team_profile", args=[p.pk]),
                           _form(from_0="17:00", until_0="08:00"))
    assert response.status_code == 400 and "end after the start" in response.content.decode()
    p.refresh_from_db()
    assert p.working_hours == {"0": ["08:00", "17:00"]}


def test_another_providers_caregiver_is_not_found(client, world):
    p = _profile(world, world.other_provider)
    client.force_login(world.provider_manager)
    assert client.get(reverse("homecare:team_profile", args=[p.pk])).status_code == 404
    assert client.post(reverse("homecare:team_leave", args=[p.pk]),
                       {"start": "2026-12-01"}).status_code == 404


def test_a_caregiver_and_a_community_worker_may_not_edit_the_team(client, world):
    p = _profile(world, world.provider)
    for who in (world.caregiver, world.worker_a1):
        client.force_login(who)
        assert client.get(reverse("homecare:team_profile", args=[p.pk])).status_code == 403


def test_leave_is_recorded_and_listed(client, world):
    p = _profile(world, world.provider)
    client.force_login(world.provider_manager)
    client.post(reverse("homecare:team_leave", args=[p.pk]),
                {"start": "2026-12-01", "end": "2026-12-03", "reason": "年假"})
    assert list(Leave.objects.values_list("start", "end")) == [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 3))]
    page = client.get(reverse("homecare:team")).content.decode()
    assert "周丽" in page and "12-01–12-03" in page


def test_an_officer_picks_a_provider_first(client, world):
    p = _profile(world, world.provider)
    client.force_login(world.district_officer)
    assert world.provider.name in client.get(reverse("homecare:team")).content.decode()
    page = client.get(reverse("homecare:team") + f"?provider={world.provider.pk}")
    assert "周丽" in page.content.decode()
    assert client.get(reverse("homecare:team_profile", args=[p.pk])
                      + f"?provider={world.provider.pk}").status_code == 200


def test_an_officer_of_another_district_neither_sees_nor_edits_the_team(client, world):
    p = _profile(world, world.provider)
    client.force_login(world.xihu_officer)
    picker = client.get(reverse("homecare:team")).content.decode()
    assert world.provider.name not in picker
    for provider in (world.provider, world.xihu_provider):  # theirs, or naming their own
        query = f"?provider={provider.pk}"
        assert client.get(reverse("homecare:team") + query).status_code == (
            404 if provider == world.provider else 200)
        profile = reverse("homecare:team_profile", args=[p.pk]) + query
        assert client.get(profile).status_code == 404
        assert client.post(profile, _form(skills="nursing")).status_code == 404
        assert client.post(reverse("homecare:team_leave", args=[p.pk]) + query,
                           {"start": "2026-12-01", "end": "2026-12-02"}).status_code == 404
    p.refresh_from_db()
    assert p.skills == ["general"] and not Leave.objects.exists()
