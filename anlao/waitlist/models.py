"""The public care-home waitlist: applications and their append-only event log.

The log (``WaitlistEvent``) is the truth: the queue is recomputed from a facility's events by
``anlao.waitlist.queue.compute_queue``. ``WaitlistApplication.status`` and ``class_code`` are a
cache of that replay, written by the services after every event, for filtering and stats.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anlao.core.models import TimeStamped


class ApplicationStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    OFFERED = "offered", _("bed offered")
    ACCEPTED = "accepted", _("offer accepted")
    ADMITTED = "admitted", _("admitted")
    WITHDRAWN = "withdrawn", _("withdrawn")
    REMOVED = "removed", _("removed after declined offers")


ACTIVE_STATUSES = ("waiting", "offered", "accepted")


class EventKind(models.TextChoices):
    APPLIED = "applied", _("applied")
    CLASS_SET = "class_set", _("class set")
    OFFERED = "offered", _("bed offered")
    ACCEPTED = "accepted", _("offer accepted")
    DECLINED = "declined", _("offer declined")
    LAPSED = "lapsed", _("offer lapsed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    ADMITTED = "admitted", _("admitted")


class WaitlistApplication(TimeStamped):
    facility = models.ForeignKey("facilities.Facility", on_delete=models.PROTECT,
                                 related_name="waitlist_applications",
                                 verbose_name=_("facility"))
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT,
                              related_name="waitlist_applications", verbose_name=_("elder"))
    bed_category = models.CharField(_("bed category"), max_length=16)
    applied_at = models.DateTimeField(_("application time"))
    class_code = models.CharField(_("class"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.WAITING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["facility_id", "applied_at", "id"]
        verbose_name = _("waitlist application")
        verbose_name_plural = _("waitlist applications")
        constraints = [
            # The service refuses a second application with a message; this is the backstop.
            models.UniqueConstraint(fields=["facility", "elder"],
                                    condition=Q(status__in=ACTIVE_STATUSES),
                                    name="waitlist_one_active_per_facility"),
        ]
        indexes = [models.Index(fields=["facility", "status"], name="waitlist_fac_status")]

    def __str__(self) -> str:
        return f"{self.elder_id}@{self.facility_id}"


class WaitlistEvent(models.Model):
    """One change to an application. Append-only: never updated or deleted."""

    facility = models.ForeignKey("facilities.Facility", on_delete=models.PROTECT,
                                 related_name="waitlist_events")
    application = models.ForeignKey(WaitlistApplication, on_delete=models.PROTECT,
                                    related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(_("time"))
    data = models.JSONField(default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["id"]
        verbose_name = _("waitlist event")
        verbose_name_plural = _("waitlist events")
        indexes = [models.Index(fields=["facility", "id"], name="waitlist_event_fac")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.application_id}"
