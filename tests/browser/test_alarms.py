"""The alarm queue in a real browser: the live SLA timer, then acknowledge and close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anlao.alarms.models import Alarm, AlarmState
from anlao.alarms.services import alarm_raise
from tests.alarms_fixtures import elder_with_device
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_an_operator_acknowledges_and_closes_an_alarm_from_the_queue(world, page, live_server):
    elder_with_device(world)
    now = timezone.now()
    # raised ten minutes ago: past ACK_MINUTES (5), so its timer must already be red
    alarm, _created = alarm_raise(actor=world.partner, kind="fall", device_serial="W-001",
                                  idempotency_key="b-1", at=now - dt.timedelta(minutes=10),
                                  now=now)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, world.hotline_a)
    page.goto(f"{live_server.url}/alarms/")

    timer = page.locator(f'[data-alarm-id="{alarm.pk}"] .alarm-timer')
    timer.wait_for()
    page.wait_for_function(
        "el => /^\\d+:\\d\\d$/.test(el.textContent.trim())", arg=timer.element_handle())
    assert "alarm-overdue" in timer.get_attribute("class")

    page.click(f'[data-alarm-id="{alarm.pk}"]')
    page.click("#acknowledge")
    page.wait_for_selector("#actions")
    assert page.locator('[data-state="acknowledged"]').count() == 1

    page.select_option("#outcome-select", "false_alarm")
    page.click("#close-alarm")
    page.wait_for_selector("#outcome")
    alarm.refresh_from_db()
    assert (alarm.state, alarm.outcome) == (AlarmState.CLOSED, "false_alarm")
    assert list(alarm.steps.values_list("action", flat=True)) == ["raised", "acknowledged",
                                                                   "closed"]
    page.goto(f"{live_server.url}/alarms/")
    page.wait_for_selector("#no-open-alarms")
    assert Alarm.objects.filter(state__in=["new", "acknowledged"]).count() == 0
