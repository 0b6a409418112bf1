"""Alarm test data on top of tests/personas.py: elders with devices, a fixed clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from anlao.accounts.tokens import token_create
from anlao.alarms.models import Device, DeviceKind
from anlao.people.models import Contact, LivingSituation
from tests.personas import World, make_elder

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=SH)


def elder_with_device(world: World, community=None, *, seq: int = 1, serial: str = "W-001",
                      kind: str = DeviceKind.WATCH, partner=None, alone: bool = True,
                      **extra) -> Device:
    """An elder of ``community`` (default A1) wearing a device of ``partner`` (default the
    first partner persona's organisation)."""
    situation = LivingSituation.LIVES_ALONE if alone else LivingSituation.WITH_FAMILY
    elder = make_elder(community or world.community_a1, seq=seq, living_situation=situation,
                       lat=30.3025, lng=120.1671, **extra)
    Contact.objects.create(elder=elder, name="李明", relation="child", phone="13900001111")
    return Device.objects.create(partner=partner or world.partner.organisation, elder=elder,
                                 kind=kind, serial=serial, last_heartbeat_at=NOW)


def partner_token(user) -> str:
    _token, raw = token_create(actor=user, name="devices")
    return raw
