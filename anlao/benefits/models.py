"""Monthly benefit runs and the entitlements they compute.

A run is a row with a state machine (draft → computed → reviewed → approved → exported);
each step is idempotent and re-runnable after a crash (ARCHITECTURE.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anlao.core.money import format_fen


class RunState(models.TextChoices):
    DRAFT = "draft", _("draft")
    COMPUTED = "computed", _("computed")
    REVIEWED = "reviewed", _("reviewed")
    APPROVED = "approved", _("approved")
    EXPORTED = "exported", _("exported")


FINAL_STATES = (RunState.APPROVED, RunState.EXPORTED)


class BenefitRun(models.Model):
    program = models.CharField(_("program"), max_length=64, db_index=True)
    policy_hash = models.CharField(_("policy version"), max_length=16, blank=True)
    policy_version = models.DateField(_("policy in force from"), null=True, blank=True)
    period = models.CharField(_("period"), max_length=7)  # YYYY-MM
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("district"))
    state = models.CharField(_("state"), max_length=16, choices=RunState.choices,
                             default=RunState.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    # Set while a computation holds the run, so two workers never compute it together.
    busy_since = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_step = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)
    elder_count = models.PositiveIntegerField(_("elders evaluated"), default=0)
    paid_count = models.PositiveIntegerField(_("elders paid"), default=0)
    total_fen = models.BigIntegerField(_("total (fen)"), default=0)
    # Diff against the previous period and totals per street and community (JSON-safe).
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-period", "program", "-id"]
        verbose_name = _("benefit run")
        verbose_name_plural = _("benefit runs")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "period", "area"],
                condition=Q(state__in=["approved", "exported"]),
                name="one_final_run_per_program_period_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.period} {self.area_id}"

    @property
    def total_display(self) -> str:
        return format_fen(self.total_fen)

    @property
    def state_css(self) -> str:
        return {"draft": "text-bg-secondary", "computed": "text-bg-info",
                "reviewed": "text-bg-primary", "approved": "text-bg-success",
                "exported": "text-bg-dark"}.get(self.state, "text-bg-light")

    @property
    def frozen(self) -> bool:
        return self.state in FINAL_STATES


class Entitlement(models.Model):
    """What one elder is owed by one run. Written in bulk; replaced whole on re-compute."""

    run = models.ForeignKey(BenefitRun, on_delete=models.CASCADE, related_name="entitlements")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    tier = models.CharField(_("tier"), max_length=64, blank=True)
    reasons = models.CharField(_("reason codes"), max_length=255, blank=True)
    street_code = models.CharField(max_length=12, blank=True)
    community_code = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = _("entitlement")
        verbose_name_plural = _("entitlements")
        constraints = [
            models.UniqueConstraint(fields=["run", "elder"], name="one_entitlement_per_run_elder"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.elder_id}: {self.amount_fen}"


class ChangeKind(models.TextChoices):
    NEW = "new", _("new")
    STOPPED = "stopped", _("stopped")
    CHANGED = "changed", _("amount changed")


class RunChange(models.Model):
    """One elder whose payment differs from the previous period's approved run."""

    run = models.ForeignKey(BenefitRun, on_delete=models.CASCADE, related_name="changes")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    kind = models.CharField(max_length=8, choices=ChangeKind.choices)
    reason = models.CharField(max_length=64, blank=True)
    old_fen = models.BigIntegerField(default=0)
    new_fen = models.BigIntegerField(default=0)
    old_tier = models.CharField(max_length=64, blank=True)
    new_tier = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["run", "kind"], name="runchange_run_kind")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.elder_id}: {self.kind}"
