"""Emergency help (助急): devices, heartbeats, alarms and each handling step. Owned by the
alarms engineer; see docs/alarms.md."""
