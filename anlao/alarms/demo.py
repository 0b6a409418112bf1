"""Demo devices and a month of alarms (``anlao seed`` step ``anlao.alarms.demo:seed``).

About 300 elders living alone get a watch or pendant of the demo partner (a share also a
movement sensor); a few devices are offline. A month of alarms is written with the steps an
operator would have taken (acknowledge, calls, dispatch or 120, close), and three alarms stay
open: a fresh one, one escalated to 上塘街道's officer, and one being handled. Deterministic
from ``seed``; skipped when the partner already has devices. No API token is created: partner
users create their own.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from anlao.accounts.models import Organisation, OrganisationType, User
from anlao.alarms.models import (
    Alarm,
    AlarmNotice,
    AlarmStep,
    Device,
    DeviceKind,
    Outcome,
    StepAction,
)
from anlao.core.roles import Role
from anlao.demo.world import PARTNER, SHANGTANG
from anlao.homecare.models import CaregiverProfile
from anlao.people.models import Elder, ElderStatus, LivingSituation

DEVICES = 300
SENSOR_SHARE = 0.4
OFFLINE_SHARE = 0.03
ALARMS_PER_DAY = 3
# (outcome, share, minutes to close from raise: low, high)
OUTCOMES = [(Outcome.FALSE_ALARM, 0.45, 3, 12), (Outcome.RESOLVED_BY_PHONE, 0.25, 5, 20),
            (Outcome.RESOLVED_ON_SITE, 0.20, 25, 70), (Outcome.SENT_TO_HOSPITAL, 0.10, 40, 150)]
KINDS = [("sos", 0.5), ("fall", 0.25), ("door", 0.1), ("other", 0.05), ("no_movement", 0.1)]
M = dt.timedelta(minutes=1)


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def seed(seed: int, stdout: Any) -> None:
    partner = Organisation.objects.filter(name=PARTNER, type=OrganisationType.PARTNER).first()
    if partner is None:
        stdout.write("  alarms: no demo partner organisation; skipped")
        return
    if Device.objects.filter(partner=partner).exists():
        stdout.write("  alarms: devices already present; skipped")
        return
    rng = random.Random(seed * 15485863 + 5)
    now = timezone.now().replace(microsecond=0)
    t0 = time.perf_counter()
    with transaction.atomic():
        devices = _devices(rng, partner, now)
        n = _history(rng, devices, now) + _open_alarms(rng, devices, now)
    stdout.write(f"  alarms: {len(devices)} devices, {n} alarms (3 open) "
                 f"in {time.perf_counter() - t0:.1f} s")


def _devices(rng: random.Random, partner: Organisation, now: dt.datetime) -> list[Device]:
    elders = list(Elder.objects.filter(status=ElderStatus.ACTIVE,
                                       living_situation=LivingSituation.LIVES_ALONE)
                  .order_by("id").values_list("id", flat=True))
    chosen = sorted(rng.sample(elders, min(DEVICES, len(elders))))
    rows = []
    for i, elder_id in enumerate(chosen, start=1):
        offline = rng.random() < OFFLINE_SHARE
        beat = now - (dt.timedelta(hours=rng.uniform(2, 48)) if offline
                      else dt.timedelta(minutes=rng.uniform(0, 30)))
        kind = DeviceKind.WATCH if rng.random() < 0.6 else DeviceKind.PENDANT
        rows.append(Device(partner=partner, elder_id=elder_id, kind=kind,
                           serial=f"AK-{kind[0].upper()}-{i:06d}", last_heartbeat_at=beat))
        if rng.random() < SENSOR_SHARE:
            moved = now - dt.timedelta(hours=rng.uniform(0, 8))
            rows.append(Device(partner=partner, elder_id=elder_id,
                               kind=DeviceKind.MOVEMENT_SENSOR, serial=f"AK-M-{i:06d}",
                               last_heartbeat_at=beat, last_movement_at=moved))
    Device.objects.bulk_create(rows, batch_size=1000)
    return list(Device.objects.filter(partner=partner)
                .select_related("elder__residence_area__parent").order_by("id"))


def _people() -> tuple[User | None, list[str]]:
    hotline = User.objects.filter(username="hotline").first()
    names = list(CaregiverProfile.objects.filter(is_active=True)
                 .values_list("caregiver__name", flat=True)[:50])
    return hotline, names or ["社区网格员"]


def _alarm(device: Device, kind: str, raised: dt.datetime) -> Alarm:
    if kind == "no_movement" and device.kind != DeviceKind.MOVEMENT_SENSOR:
        kind = "sos"  # only a movement sensor's elder gets no-movement alarms
    source = "no_movement" if kind == "no_movement" else "device"
    key = f"demo-{device.pk}-{raised:%Y%m%d%H%M%S}" if source == "device" else ""
    return Alarm(elder_id=device.elder_id, device=device, partner_id=device.partner_id,
                 source=source, kind=kind, raised_at=raised,
                 area_id=device.elder.residence_area_id, idempotency_key=key)


def _device_for(rng: random.Random, devices: list[Device], kind: str) -> Device:
    """A sensor for no-movement alarms, a watch or pendant for the rest."""
    sensor = kind == "no_movement"
    return rng.choice([d for d in devices if (d.kind == DeviceKind.MOVEMENT_SENSOR) == sensor]
                      or devices)


def _history(rng: random.Random, devices: list[Device], now: dt.datetime) -> int:
    hotline, responders = _people()
    alarms, plans = [], []
    for day in range(30, 0, -1):
        for _i in range(rng.randint(ALARMS_PER_DAY - 2, ALARMS_PER_DAY + 2)):
            raised = now - dt.timedelta(days=day, minutes=rng.randint(0, 24 * 60 - 1))
            kind = _pick(rng, KINDS)
            alarm = _alarm(_device_for(rng, devices, kind), kind, raised)
            outcome, _share, lo, hi = _pick(rng, [(o, o[1]) for o in OUTCOMES])
            ack = raised + dt.timedelta(seconds=rng.lognormvariate(4.6, 0.7))  # median ~100 s
            closed = max(ack + M, raised + rng.randint(lo, hi) * M)
            alarm.state, alarm.outcome = "closed", outcome
            alarm.acknowledged_at, alarm.acknowledged_by, alarm.closed_at = ack, hotline, closed
            if ack - raised > dt.timedelta(minutes=5):
                alarm.escalated_at = raised + 5 * M
            alarms.append(alarm)
            plans.append(outcome)
    Alarm.objects.bulk_create(alarms, batch_size=500)
    steps = []
    for alarm, outcome in zip(alarms, plans, strict=True):
        steps += _steps(rng, alarm, outcome, hotline, responders)
    AlarmStep.objects.bulk_create(steps, batch_size=1000)
    return len(alarms)


def _steps(rng: random.Random, a: Alarm, outcome: str, who: User | None,
           responders: list[str]) -> list[AlarmStep]:
    s = [AlarmStep(alarm=a, at=a.raised_at, action=StepAction.RAISED,
                   detail={"source": a.source, "kind": a.kind})]
    if a.escalated_at:
        s.append(AlarmStep(alarm=a, at=a.escalated_at, action=StepAction.ESCALATED))
    s.append(AlarmStep(alarm=a, actor=who, at=a.acknowledged_at, action=StepAction.ACKNOWLEDGED))
    call_at = a.acknowledged_at + M
    reached = outcome != Outcome.SENT_TO_HOSPITAL and rng.random() < 0.8
    s.append(AlarmStep(alarm=a, actor=who, at=call_at, action=StepAction.CALLED_ELDER,
                       detail={"result": "reached" if reached else "no_answer"}))
    if not reached:
        s.append(AlarmStep(alarm=a, actor=who, at=call_at + M, action=StepAction.CALLED_CONTACT,
                           detail={"result": "reached", "contact": "家属", "relation": "子女"}))
    if outcome == Outcome.RESOLVED_ON_SITE:
        s.append(AlarmStep(alarm=a, actor=who, at=call_at + 2 * M, action=StepAction.DISPATCHED,
                           detail={"name": rng.choice(responders), "kind": "caregiver",
                                   "distance_m": rng.randint(300, 2500)}))
    if outcome == Outcome.SENT_TO_HOSPITAL:
        s.append(AlarmStep(alarm=a, actor=who, at=call_at + 2 * M, action=StepAction.CALLED_120,
                           note="已呼叫120急救"))
    s.append(AlarmStep(alarm=a, actor=who, at=a.closed_at, action=StepAction.CLOSED,
                       detail={"outcome": outcome}))
    return s


def _open_alarms(rng: random.Random, devices: list[Device], now: dt.datetime) -> int:
    """A fresh alarm, one escalated to 上塘街道 (the demo street officer), one in handling."""
    hotline, _names = _people()
    in_street = [d for d in devices if d.elder.residence_area.parent.code == SHANGTANG] or devices
    fresh = _alarm(_device_for(rng, devices, "sos"), "sos", now - 2 * M)
    late = _alarm(_device_for(rng, in_street, "fall"), "fall", now - 9 * M)
    late.escalated_at = late.raised_at + 5 * M
    busy = _alarm(_device_for(rng, devices, "sos"), "sos", now - 14 * M)
    busy.state, busy.acknowledged_at, busy.acknowledged_by = "contacting", now - 13 * M, hotline
    Alarm.objects.bulk_create([fresh, late, busy])
    steps = [AlarmStep(alarm=a, at=a.raised_at, action=StepAction.RAISED,
                       detail={"source": a.source, "kind": a.kind}) for a in (fresh, late, busy)]
    steps += [AlarmStep(alarm=late, at=late.escalated_at, action=StepAction.ESCALATED),
              AlarmStep(alarm=busy, actor=hotline, at=busy.acknowledged_at,
                        action=StepAction.ACKNOWLEDGED),
              AlarmStep(alarm=busy, actor=hotline, at=now - 12 * M,
                        action=StepAction.CALLED_ELDER, detail={"result": "no_answer"})]
    AlarmStep.objects.bulk_create(steps)
    street_id = late.device.elder.residence_area.parent_id
    officers = User.objects.filter(role=Role.STREET_OFFICER, areas=street_id)
    AlarmNotice.objects.bulk_create([AlarmNotice(recipient=o, alarm=late,
                                                 created_at=late.escalated_at)
                                     for o in officers], ignore_conflicts=True)
    return 3
