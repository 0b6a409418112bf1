"""``anlao alarms_sweep``: raise no-movement alarms and escalate unacknowledged ones, once.

Safe to run every minute from cron or a systemd timer, and from several machines at once:
each alarm is escalated once and an elder has at most one open no-movement alarm.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anlao.alarms.sweeps import alarms_sweep


class Command(BaseCommand):
    help = "Run the alarm sweeps once: no-movement alarms, then escalation of unacknowledged."

    def handle(self, *args, **opts) -> None:
        result = alarms_sweep()
        self.stdout.write(f"no-movement alarms raised: {result['no_movement']}, "
                          f"alarms escalated: {result['escalated']}")
