"""Emergency help (助急): devices, heartbeats, alarms and each handling step. Owned by the
alarms engineer; see docs/alarms.md.

An ``Alarm`` moves new → acknowledged → contacting → dispatched → closed; every move and every
call is an ``AlarmStep`` (append-only), so the timeline and the response-time statistics are
read from records, never typed in. ``AlarmNotice`` is the row an escalation leaves on a street
officer's queue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anlao.core.models import TimeStamped


class DeviceKind(models.TextChoices):
    WATCH = "watch", _("smart watch")
    PENDANT = "pendant", _("emergency pendant")
    DOOR_SENSOR = "door_sensor", _("door sensor")
    MOVEMENT_SENSOR = "movement_sensor", _("movement sensor")


# Devices whose events mean "the elder is up and about" for the no-movement sweep.
MOVEMENT_KINDS = (DeviceKind.MOVEMENT_SENSOR, DeviceKind.DOOR_SENSOR)


class Device(TimeStamped):
    """A partner's device installed for one elder. The serial is the partner's own."""

    partner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                related_name="alarm_devices", verbose_name=_("partner"))
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT,
                              related_name="alarm_devices", verbose_name=_("elder"))
    kind = models.CharField(_("kind"), max_length=16, choices=DeviceKind.choices)
    serial = models.CharField(_("serial number"), max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True,
                                             db_index=True)
    last_movement_at = models.DateTimeField(_("last movement"), null=True, blank=True)

    class Meta:
        ordering = ["partner_id", "serial"]
        verbose_name = _("alarm device")
        verbose_name_plural = _("alarm devices")
        constraints = [models.UniqueConstraint(fields=["partner", "serial"],
                                               name="alarm_device_serial_per_partner")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"


class AlarmSource(models.TextChoices):
    DEVICE = "device", _("device")
    HOTLINE = "hotline", _("hotline call")
    NO_MOVEMENT = "no_movement", _("no-movement check")


class AlarmKind(models.TextChoices):
    SOS = "sos", _("SOS button")
    FALL = "fall", _("fall detected")
    NO_MOVEMENT = "no_movement", _("no movement")
    DOOR = "door", _("door left open")
    OTHER = "other", _("other")


class AlarmState(models.TextChoices):
    NEW = "new", pgettext_lazy("alarm state", "new")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    CONTACTING = "contacting", _("contacting")
    DISPATCHED = "dispatched", _("help dispatched")
    CLOSED = "closed", _("closed")


OPEN_STATES = (AlarmState.NEW, AlarmState.ACKNOWLEDGED, AlarmState.CONTACTING,
               AlarmState.DISPATCHED)


class Outcome(models.TextChoices):
    FALSE_ALARM = "false_alarm", _("false alarm")
    RESOLVED_BY_PHONE = "resolved_by_phone", _("resolved by phone")
    RESOLVED_ON_SITE = "resolved_on_site", _("resolved on site")
    SENT_TO_HOSPITAL = "sent_to_hospital", _("taken to hospital")
    OTHER = "other", _("other")


class Alarm(TimeStamped):
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="alarms",
                              verbose_name=_("elder"))
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="alarms", verbose_name=_("device"))
    # The partner whose device sent it: the namespace of its idempotency keys.
    partner = models.ForeignKey("accounts.Organisation", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=12, choices=AlarmSource.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=AlarmKind.choices)
    raised_at = models.DateTimeField(_("raised"), db_index=True)
    # The elder's residence community when raised: what scopes the alarm to area staff.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("community"))
    state = models.CharField(_("state"), max_length=12, choices=AlarmState.choices,
                             default=AlarmState.NEW, db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        constraints = [
            # A repeated device message makes one alarm.
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"],
                condition=Q(partner__isnull=False) & ~Q(idempotency_key=""),
                name="alarm_idempotency_per_partner"),
            # A double-submitted hotline form makes one alarm.
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=Q(partner__isnull=True) & ~Q(idempotency_key=""),
                name="alarm_idempotency_per_operator"),
            # At most one open no-movement alarm per elder, even with two sweeps at once.
            models.UniqueConstraint(
                fields=["elder"],
                condition=Q(source="no_movement") & ~Q(state="closed"),
                name="alarm_one_open_no_movement"),
        ]
        indexes = [models.Index(fields=["state", "raised_at"], name="alarm_state_raised")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state != AlarmState.CLOSED


class StepAction(models.TextChoices):
    RAISED = "raised", _("raised")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    CALLED_ELDER = "called_elder", _("called the elder")
    CALLED_CONTACT = "called_contact", _("called a contact")
    DISPATCHED = "dispatched", _("dispatched a responder")
    CALLED_120 = "called_120", _("called 120")
    ESCALATED = "escalated", _("escalated to the street")
    CLOSED = "closed", _("closed")


class CallResult(models.TextChoices):
    REACHED = "reached", _("reached")
    NO_ANSWER = "no_answer", _("no answer")
    BUSY = "busy", _("line busy")
    WRONG_NUMBER = "wrong_number", _("wrong number")


class AppendOnly(Exception):
    pass


class AlarmStep(models.Model):
    """One thing done about an alarm. Never updated or deleted: it is the evidence."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="steps")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")  # None = the system
    at = models.DateTimeField(_("when"))
    action = models.CharField(_("action"), max_length=16, choices=StepAction.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # e.g. {"result": "no_answer", "contact": "李明"} or {"responder": "caregiver:3", …}
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("alarm step")
        verbose_name_plural = _("alarm steps")

    def __str__(self) -> str:
        return f"{self.get_action_display()} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("alarm steps are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("alarm steps are append-only")


class AlarmNotice(models.Model):
    """An escalated alarm on a street officer's queue (the notification row)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="alarm_notices")
    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["recipient", "alarm"],
                                               name="alarm_notice_once")]

    def __str__(self) -> str:
        return f"{self.recipient_id} ← {self.alarm_id}"
