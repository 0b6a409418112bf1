"""Cross-cutting tables: the audit trail of writes and the access log of reveals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditLog(models.Model):
    """One row per write, in the same transaction as the write (append-only)."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    entity = models.CharField(_("entity"), max_length=64, db_index=True)
    entity_id = models.CharField(_("entity id"), max_length=64, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.entity}#{self.entity_id}"


class AccessLog(models.Model):
    """Who saw a full personal value (ID number, phone, address), whose, when and why."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("actor"),
    )
    entity = models.CharField(_("entity"), max_length=64, db_index=True)
    entity_id = models.CharField(_("entity id"), max_length=64, db_index=True)
    field = models.CharField(_("field"), max_length=64)
    reason = models.CharField(_("reason"), max_length=255)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        who = self.actor_id
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.entity}#{self.entity_id}.{self.field}"


class PeriodicRun(models.Model):
    """One run of a periodic job in one time slot. The unique slot is the lock: however many
    schedulers run, each slot of each job runs once."""

    job = models.CharField(_("job"), max_length=64)
    slot = models.DateTimeField(_("slot"))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), null=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="uniq_job_slot")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M}"
