"""Ending a care plan: the service, the elder's credit page and the endpoint."""

from __future__ import annotations

import datetime as dt

import pytest

from anlao.core.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from anlao.core.models import AuditLog
from anlao.homecare.models import CarePlan, Order, OrderState, PlanState, VisitState
from anlao.homecare.orders import services as orders
from tests.alarms_fixtures import partner_token
from tests.homecare_fixtures import TODAY, active_contract, grant
from tests.personas import make_elder

NINE, ELEVEN = dt.time(9), dt.time(11)
END = dt.date(2026, 12, 2)  # after the Tuesday 1 Dec, before the Tuesday 8 Dec


@pytest.fixture
def plan(world):
    active_contract(world)
    elder = make_elder(world.community_a1)
    grant(elder, 20000)
    grant(elder, 30000, period=dt.date(2026, 12, 1))
    plan = orders.care_plan_create(actor=world.worker_a1, elder=elder.pk, item="BATH-HOME",
                                   weekdays=[1], window_start=NINE, window_end=ELEVEN,
                                   start=TODAY, today=TODAY)
    orders.care_plans_materialise(until=dt.date(2026, 12, 15), today=TODAY,
                                  plans=CarePlan.objects.filter(pk=plan.pk))
    return plan


def test_ending_a_plan_cancels_its_later_orders_and_is_audited(world, plan):
    ended = orders.care_plan_end(actor=world.worker_a1, plan_id=plan.pk, end=END)
    assert (ended.state, ended.end) == (PlanState.ENDED, END)
    states = dict(Order.objects.filter(care_plan=plan).values_list("date", "state"))
    assert states == {dt.date(2026, 11, 24): OrderState.ACCEPTED,
                      dt.date(2026, 12, 1): OrderState.ACCEPTED,
                      dt.date(2026, 12, 8): OrderState.CANCELLED,
                      dt.date(2026, 12, 15): OrderState.CANCELLED}
    later = Order.objects.get(care_plan=plan, date=dt.date(2026, 12, 8))
    assert later.visit.state == VisitState.CANCELLED
    entry = AuditLog.objects.get(action="care_plan.end", entity_id=str(plan.pk))
    assert len(entry.after["cancelled_orders"]) == 2
    assert orders.care_plans_materialise(until=dt.date(2026, 12, 31), today=TODAY)[
        "created"] == 0


def test_an_ended_plan_cannot_end_again_and_the_end_cannot_precede_the_start(world, plan):
    with pytest.raises(ValidationFailed):
        orders.care_plan_end(actor=world.worker_a1, plan_id=plan.pk,
                             end=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        orders.care_plan_end(actor=world.worker_a1, plan_id=plan.pk, end=None)
    orders.care_plan_end(actor=world.worker_a1, plan_id=plan.pk, end=END)
    with pytest.raises(ServiceError):
        orders.care_plan_end(actor=world.worker_a1, plan_id=plan.pk, end=END)


def test_outside_scope_is_not_found_and_a_role_without_the_right_is_refused(world, plan):
    for outsider in (world.worker_b1, world.xihu_worker):
        with pytest.raises(NotFound):
            orders.care_plan_end(actor=outsider, plan_id=plan.pk, end=END)
    with pytest.raises(PermissionDenied):
        orders.care_plan_end(actor=world.provider_manager, plan_id=plan.pk, end=END)
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE


def test_the_credit_page_offers_ending_with_a_confirmation(client, world, plan):
    client.force_login(world.worker_a1)
    url = f"/homecare/elders/{plan.elder_id}/credit/"
    body = client.get(url).content.decode()
    assert f'id="end-plan-{plan.pk}"' in body and "data-confirm=" in body
    r = client.post(f"/homecare/plans/{plan.pk}/end/", {"end": END.isoformat()})
    assert r.status_code == 302 and r.url == url
    plan.refresh_from_db()
    assert plan.state == PlanState.ENDED
    assert f'id="end-plan-{plan.pk}"' not in client.get(url).content.decode()


def test_the_page_action_is_403_without_the_right_and_404_outside_scope(client, world, plan):
    client.force_login(world.provider_manager)
    assert client.post(f"/homecare/plans/{plan.pk}/end/",
                       {"end": END.isoformat()}).status_code == 403
    for outsider in (world.worker_b1, world.xihu_worker):
        client.force_login(outsider)
        assert client.post(f"/homecare/plans/{plan.pk}/end/",
                           {"end": END.isoformat()}).status_code == 404
    plan.refresh_from_db()
    assert plan.state == PlanState.ACTIVE


def _api(client, user, pk, body):
    return client.post(f"/api/homecare/plans/{pk}/end", body, content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {partner_token(user)}")


def test_the_endpoint_ends_and_refuses(client, world, plan):
    body = {"end": END.isoformat()}
    assert _api(client, world.provider_manager, plan.pk, body).status_code == 403
    assert _api(client, world.xihu_worker, plan.pk, body).status_code == 404
    r = _api(client, world.worker_a1, plan.pk, body)
    assert r.status_code == 200
    assert r.json() == {"id": plan.pk, "elder_id": plan.elder_id,
                        "provider_id": world.provider.pk, "item": "BATH-HOME", "weekdays": [1],
                        "start": TODAY.isoformat(), "end": END.isoformat(), "state": "ended"}
    assert _api(client, world.worker_a1, plan.pk, body).status_code == 422
