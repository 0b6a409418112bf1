"""Alarms API: partners' devices post alarms and heartbeats; staff read the queue."""

from ninja import Router

router = Router(tags=["alarms"])
