"""The portal does not tell registered numbers from others — same answer, same work, also
past the per-number limit — and limits code requests and checks per address and overall,
slowing a busy address down and logging bursts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from anlao.core.errors import ServiceError
from anlao.people.models import Contact
from anlao.portal import services, throttle
from anlao.portal.models import LoginCode, OutboxMessage, PortalAttempt
from tests.personas import make_elder

pytestmark = pytest.mark.django_db
REGISTERED, UNREGISTERED = "13955550001", "13900000000"


@pytest.fixture
def family(world, monkeypatch):
    elder = make_elder(world.community_a1, name="张桂兰", seq=1)
    Contact.objects.create(elder=elder, name="张伟", relation="child", phone=REGISTERED)
    pauses: list[float] = []
    monkeypatch.setattr(throttle, "pause", pauses.append)
    return pauses


def _shape(text: str, phone: str) -> str:
    text = text.replace(phone, "<phone>").replace(phone[-4:], "<tail>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def _answers(phone: str, times: int, ip_base: str) -> list[tuple[int, str, str]]:
    out = []
    for i in range(times):
        c = Client(REMOTE_ADDR=f"{ip_base}.{i + 1}")
        r = c.post(reverse("portal:start"), {"phone": phone})
        out.append((r.status_code, _shape(r.get("Location", ""), phone),
                    _shape(r.content.decode(), phone)))
    return out


def test_requests_answer_the_same_for_registered_and_unregistered_numbers(family):
    registered = _answers(REGISTERED, 7, "10.1.0")
    unregistered = _answers(UNREGISTERED, 7, "10.2.0")
    assert registered == unregistered
    assert [s for s, _l, _b in registered] == [302] * 5 + [400] * 2  # the per-number limit


def _statements(queries: list[dict]) -> list[str]:
    """Each statement with its values and savepoint names blanked; the savepoint's end (kept
    for a registered number, rolled back for another) is one statement either way."""
    out = [re.sub(r"'[^']*'|\b\d+\b|\bs\d+_x\d+\b", "?", q["sql"]) for q in queries]
    return [re.sub(r"^(RELEASE|ROLLBACK TO) SAVEPOINT", "END SAVEPOINT", s) for s in out]


def test_a_request_does_the_same_work_either_way(family):
    with CaptureQueriesContext(connection) as registered:
        services.portal_request_code(phone=REGISTERED, ip="10.3.0.1")
    with CaptureQueriesContext(connection) as unregistered:
        services.portal_request_code(phone=UNREGISTERED, ip="10.3.0.2")
    assert _statements(registered.captured_queries) == _statements(
        unregistered.captured_queries)
    # and still: no code is kept, no message is sent, for a number nobody registered
    assert set(LoginCode.objects.values_list("phone", flat=True)) == {REGISTERED}
    assert set(OutboxMessage.objects.values_list("phone", flat=True)) == {REGISTERED}


def test_a_wrong_code_does_the_same_work_and_answers_the_same(family):
    services.portal_request_code(phone=REGISTERED, ip="10.4.0.1")
    services.portal_request_code(phone=UNREGISTERED, ip="10.4.0.2")
    answers, work = [], []
    for phone in (REGISTERED, UNREGISTERED):
        with CaptureQueriesContext(connection) as q, pytest.raises(ServiceError) as exc:
            services.portal_verify_code(phone=phone, code="000000", ip="10.4.0.3")
        answers.append((exc.value.code, exc.value.message))
        work.append(_statements(q.captured_queries))
    assert answers[0] == answers[1] and work[0] == work[1]


def test_one_address_is_limited_slowed_and_logged(family, caplog, settings):
    settings.PORTAL_CODE_REQUESTS_PER_IP = 10
    with caplog.at_level("WARNING", logger="anlao.portal"):
        for i in range(10):
            services.portal_request_code(phone=f"139000000{i:02d}", ip="10.5.0.1")
        with pytest.raises(ServiceError, match="Too many"):
            services.portal_request_code(phone=REGISTERED, ip="10.5.0.1")
    assert family == [0] * 5 + [1, 2, 3, 4, 5]  # a second more each time past half
    assert "burst" in caplog.text
    services.portal_request_code(phone=REGISTERED, ip="10.5.0.2")  # another address is fine


def test_all_addresses_together_are_limited(family, settings):
    settings.PORTAL_CODE_REQUESTS_PER_HOUR = 3
    for i in range(3):
        services.portal_request_code(phone=f"139000000{i:02d}", ip=f"10.6.0.{i}")
    with pytest.raises(ServiceError, match="Too many"):
        services.portal_request_code(phone=REGISTERED, ip="10.6.0.9")


def test_code_checks_are_limited_per_address(family, settings):
    settings.PORTAL_CODE_CHECKS_PER_IP = 3
    for _ in range(3):
        with pytest.raises(ServiceError, match="wrong"):
            services.portal_verify_code(phone=UNREGISTERED, code="000000", ip="10.7.0.1")
    with pytest.raises(ServiceError, match="Too many"):
        services.portal_verify_code(phone=REGISTERED, code="000000", ip="10.7.0.1")


def test_attempts_keep_no_phone_numbers(family):
    _answers(UNREGISTERED, 2, "10.3.0")
    _answers(REGISTERED, 2, "10.4.0")
    stored = set(PortalAttempt.objects.values_list("phone", flat=True))
    assert stored == {throttle.phone_key(UNREGISTERED), throttle.phone_key(REGISTERED)}
    assert UNREGISTERED not in stored and REGISTERED not in stored
