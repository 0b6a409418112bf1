"""The demo logins: they log in with the documented password and see only their scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from anlao.accounts.models import User
from anlao.accounts.views import LANDINGS
from anlao.demo.services import demo_seed
from anlao.demo.world import DEMO_PASSWORD, LOGINS
from anlao.people.selectors import elders_visible


@pytest.fixture
def demo(db):
    demo_seed(elders=3000, seed=1, today=dt.date(2026, 11, 24))


def _login(client, username):
    return client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD},
                       REMOTE_ADDR="10.0.0.9")


def test_each_demo_login_logs_in_with_the_documented_password(client, demo):
    for login in LOGINS:
        resp = _login(client, login.username)
        # each role lands on its own work (issue 20); the others on the dashboard
        role = User.objects.get(username=login.username).role
        assert resp.status_code == 302, login.username
        assert resp.url == reverse(LANDINGS.get(role, "home")), login.username
        client.post(reverse("logout"))


def test_the_community_worker_sees_only_their_community(demo):
    worker = User.objects.get(username="community_worker")
    seen = elders_visible(actor=worker)
    assert seen.exists()
    assert set(seen.values_list("residence_area__code", flat=True)) == {"330105001001"}


def test_the_two_community_workers_see_disjoint_elders(client, demo):
    mine = elders_visible(actor=User.objects.get(username="community_worker"))
    other = elders_visible(actor=User.objects.get(username="community_worker_2")).first()
    assert not mine.filter(pk=other.pk).exists()
    _login(client, "community_worker")
    assert client.get(reverse("people:detail", args=[other.pk])).status_code == 404


def test_the_street_officer_sees_the_street_and_the_district_officer_all(demo):
    street = elders_visible(actor=User.objects.get(username="street_officer"))
    codes = set(street.values_list("residence_area__code", flat=True))
    assert codes and all(c.startswith("330105001") for c in codes)
    district = elders_visible(actor=User.objects.get(username="district_officer")).count()
    assert district == 3000 > street.count()


def test_provider_staff_see_the_few_hundred_elders_their_provider_serves(demo):
    manager = elders_visible(actor=User.objects.get(username="provider_manager"))
    caregiver = elders_visible(actor=User.objects.get(username="caregiver"))
    assert 0 < manager.count() == caregiver.count() <= 300
    codes = set(manager.values_list("residence_area__parent__code", flat=True))
    assert codes <= {"330105001000", "330105002000"}  # the provider's two streets


def test_demo_logins_lists_another_app_login_only_with_the_demo_password(demo):
    User.objects.create_user("assessor_x", password=DEMO_PASSWORD, role="assessor")
    User.objects.create_user("assessor_a", password="something-else-42", role="assessor")
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "assessor_x" in out.getvalue() and "assessor_a" not in out.getvalue()


def test_demo_logins_prints_username_role_scope_and_password(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in LOGINS:
        assert login.username in text
    assert "北文社区" in text and "朝园社区" in text and DEMO_PASSWORD in text
