"""response_stats on known data: counts and nearest-rank median/p90 minutes per street."""

from __future__ import annotations

import datetime as dt

from anlao.alarms.models import Alarm
from anlao.alarms.selectors import percentile, response_stats
from tests.alarms_fixtures import NOW
from tests.personas import make_elder

MIN = dt.timedelta(minutes=1)


def _alarm(elder, *, ack=None, close=None, escalated=False, days_ago=1):
    raised = NOW - dt.timedelta(days=days_ago)
    return Alarm.objects.create(
        elder=elder, source="hotline", kind="sos", raised_at=raised, area=elder.residence_area,
        state="closed" if close is not None else ("acknowledged" if ack is not None else "new"),
        acknowledged_at=raised + ack * MIN if ack is not None else None,
        closed_at=raised + close * MIN if close is not None else None,
        escalated_at=raised + 6 * MIN if escalated else None)


def test_percentile_is_nearest_rank():
    assert percentile([], 50) is None
    assert percentile([4, 1, 3, 2], 50) == 2
    assert percentile(list(range(1, 11)), 90) == 9
    assert percentile([7], 90) == 7


def test_stats_per_street_and_total(world):
    a = make_elder(world.community_a1, seq=1)
    b = make_elder(world.community_b1, seq=2)
    for ack, close in [(1, 10), (2, 20), (3, 30), (10, 40)]:
        _alarm(a, ack=ack, close=close)
    _alarm(a, escalated=True)  # still new
    _alarm(b, ack=4)  # acknowledged, open
    _alarm(b, ack=1, close=5, days_ago=40)  # before "since"
    rows = response_stats(actor=world.district_officer, since=NOW - dt.timedelta(days=30))
    by = {r.code: r for r in rows}
    sa, sb, total = by[world.street_a.code], by[world.street_b.code], rows[-1]
    assert (sa.count, sa.acknowledged, sa.closed, sa.open, sa.escalated) == (5, 4, 4, 1, 1)
    assert (sa.ack_median, sa.ack_p90, sa.close_median, sa.close_p90) == (2, 10, 20, 40)
    assert (sb.count, sb.acknowledged, sb.closed, sb.close_median) == (1, 1, 0, None)
    assert (total.code, total.count, total.acknowledged, total.ack_median) == ("", 6, 5, 3)


def test_stats_are_scoped_to_the_actor(world):
    _alarm(make_elder(world.community_a1, seq=1), ack=1)
    _alarm(make_elder(world.community_b1, seq=2), ack=1)
    rows = response_stats(actor=world.street_officer_b, since=NOW - dt.timedelta(days=30))
    assert [r.code for r in rows] == [world.street_b.code, ""]
    assert rows[-1].count == 1
    since = NOW - dt.timedelta(days=30)
    assert response_stats(actor=world.provider_manager, since=since)[-1].count == 0


def test_the_queue_puts_unacknowledged_first_then_sos_and_falls_then_the_oldest(world):
    from anlao.alarms.selectors import alarms_open

    e = make_elder(world.community_a1, seq=1)

    def make(kind, state, minutes_ago):
        return Alarm.objects.create(elder=e, source="hotline", kind=kind, state=state,
                                    raised_at=NOW - minutes_ago * MIN, area=e.residence_area)

    handled = make("sos", "acknowledged", 30)
    door_old = make("door", "new", 20)
    sos_new = make("sos", "new", 1)
    fall_old = make("fall", "new", 10)
    make("sos", "closed", 5)
    assert list(alarms_open(actor=world.hotline_a)) == [fall_old, sos_new, door_old, handled]
