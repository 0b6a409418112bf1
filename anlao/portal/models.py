"""The family portal's sign-in: one-time codes sent to a phone number the community recorded as
an elder's contact, and the outbox a real SMS gateway would drain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginCode(models.Model):
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone[-4:]} {self.created_at:%Y-%m-%d %H:%M}"


class OutboxMessage(models.Model):
    """A text message to send. Without a gateway (demo) the codes are read from here."""

    phone = models.CharField(_("phone"), max_length=20)
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone[-4:]}: {self.text[:20]}"


class PortalAttempt(models.Model):
    """One code request or code check, kept an hour or more: the per-number, per-address and
    overall limits count these, the same way for registered and unregistered numbers."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("code request")
        CHECK = "check", _("code check")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)
    refused = models.BooleanField(_("refused"), default=False)

    class Meta:
        indexes = [models.Index(fields=["kind", "at"]), models.Index(fields=["kind", "ip", "at"]),
                   models.Index(fields=["kind", "phone", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.phone[-4:]} {self.ip} {self.at:%Y-%m-%d %H:%M}"
