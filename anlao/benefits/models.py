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
from anlao.core.rules import Status


class RunState(models.TextChoices):
    DRAFT = "draft", _("draft")
    COMPUTED = "computed", _("computed")
    REVIEWED = "reviewed", _("reviewed")
    APPROVED = "approved", _("approved")
    EXPORTED = "exported", _("exported")


FINAL_STATES = (RunState.APPROVED, RunState.EXPORTED)


class RunKind(models.TextChoices):
    REGULAR = "regular", _("regular run")
    # 补发: pays only failed payments (account since fixed) and back-pay owed, nobody else.
    SUPPLEMENTARY = "supplementary", _("supplementary run")


class BenefitRun(models.Model):
    program = models.CharField(_("program"), max_length=64, db_index=True)
    policy_hash = models.CharField(_("policy version"), max_length=16, blank=True)
    policy_version = models.DateField(_("policy in force from"), null=True, blank=True)
    period = models.CharField(_("period"), max_length=7)  # YYYY-MM
    kind = models.CharField(_("kind of run"), max_length=16, choices=RunKind.choices,
                            default=RunKind.REGULAR)
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
    # Set while a computation holds the run, so two workers never compute it together; the
    # worker beats on every step, and a claim silent for RUN_STALE_AFTER_SECONDS may be taken
    # over (core/runs.py).
    busy_since = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
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
                condition=Q(state__in=["approved", "exported"], kind="regular"),
                name="one_final_regular_run_per_program_period_area",
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

    # No database FK and no index of its own (bench/RESULTS.md): PostgreSQL checks an FK per
    # row, which doubled the COPY of millions of rows, and the (run, elder) unique index
    # already serves every lookup by run. Integrity is kept by the only writer
    # (writer.replace_rows: delete + insert inside the compute transaction, on a run row it
    # holds) and by deletes going through the ORM (on_delete=CASCADE is applied by Django).
    run = models.ForeignKey(BenefitRun, on_delete=models.CASCADE, related_name="entitlements",
                            db_constraint=False, db_index=False)
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


# ---- Payments and life verification (issue 7) -------------------------------------------


class PaymentAccount(models.Model):
    """An elder's bank account for benefits. Replacing it keeps the old row (history)."""

    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT,
                              related_name="payment_accounts")
    bank = models.CharField(_("bank"), max_length=32)  # a code of bankfiles.BANKS
    account_number = models.CharField(_("account number"), max_length=19)
    holder = models.CharField(_("account holder"), max_length=64)
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-active", "-created_at", "-id"]
        verbose_name = _("payment account")
        constraints = [
            models.UniqueConstraint(fields=["elder"], condition=Q(active=True),
                                    name="one_active_account_per_elder"),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id}: {self.bank} {self.masked}"

    @property
    def bank_name(self) -> str:
        from anlao.benefits.payments.bankfiles import BANKS  # bank data lives with the file formats

        return BANKS.get(self.bank, {}).get("name", self.bank)

    @property
    def masked(self) -> str:
        n = self.account_number
        return "*" * (len(n) - 4) + n[-4:] if len(n) > 4 else "****"


class VerifyMethod(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    WORKER_VISIT = "worker_visit", _("community worker visit")
    VIDEO = "video", _("video call")
    FACE = "face", _("partner face recognition")


class LifeVerification(models.Model):
    """One proof that an elder was alive on ``verified_on`` (生存认证)."""

    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT,
                              related_name="life_verifications")
    verified_on = models.DateField(_("verified on"))
    method = models.CharField(_("method"), max_length=16, choices=VerifyMethod.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    reference = models.CharField(_("partner reference"), max_length=64, blank=True)
    score = models.DecimalField(_("match score"), max_digits=5, decimal_places=4, null=True,
                                blank=True)
    # A partner's report: the partner organisation and its idempotency key (one row per key).
    partner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                related_name="+", null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-verified_on", "-id"]
        verbose_name = _("life verification")
        indexes = [models.Index(fields=["elder", "verified_on"], name="lifever_elder_day")]
        constraints = [models.UniqueConstraint(
            fields=["partner", "idempotency_key"], condition=~Q(idempotency_key=""),
            name="one_lifever_per_partner_key")]

    def __str__(self) -> str:
        return f"{self.elder_id}: {self.verified_on} {self.method}"


class Withheld(models.Model):
    """What a run would have paid an elder but for a missing life verification."""

    run = models.ForeignKey(BenefitRun, on_delete=models.CASCADE, related_name="withheld")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    amount_fen = models.BigIntegerField()
    community_code = models.CharField(max_length=12, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "elder"],
                                               name="one_withheld_per_run_elder")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.elder_id}: {self.amount_fen}"


class BackPay(models.Model):
    """A month an elder was stopped for missing verification, paid later by ``run``."""

    run = models.ForeignKey(BenefitRun, on_delete=models.CASCADE, related_name="backpays")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    month = models.CharField(max_length=7)  # YYYY-MM of the run that withheld it
    amount_fen = models.BigIntegerField()
    reason = models.CharField(max_length=32, default="not_verified")
    community_code = models.CharField(max_length=12, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "elder", "month"],
                                               name="one_backpay_per_run_elder_month")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.elder_id} {self.month}: {self.amount_fen}"


class PaymentKind(models.TextChoices):
    REGULAR = "regular", _("regular")
    BACKPAY = "backpay", _("back-pay")
    CARRIED = "carried", _("carried over")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("sent to the bank")
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")
    HELD = "held", _("held: no account")


class Payment(models.Model):
    """One line of an exported run's bank file (the account is copied: the file is frozen)."""

    run = models.ForeignKey(BenefitRun, on_delete=models.PROTECT, related_name="payments")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    line = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=PaymentKind.choices)
    amount_fen = models.BigIntegerField()
    bank = models.CharField(max_length=32, blank=True)
    account_number = models.CharField(max_length=19, blank=True)
    holder = models.CharField(max_length=64, blank=True)
    community_code = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=8, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    fail_reason = models.CharField(max_length=128, blank=True)
    carried_from = models.OneToOneField("self", on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="carried_to")
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "line"]
        constraints = [models.UniqueConstraint(fields=["run", "line"],
                                               name="one_payment_per_run_line")]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.line}: {self.amount_fen}"


class Recovery(models.TextChoices):
    OPEN = "open", _("open")
    RECOVERING = "recovering", _("partly recovered")
    RECOVERED = "recovered", _("fully recovered")
    WRITTEN_OFF = "written_off", _("written off")


class Overpayment(models.Model):
    """Money paid for months after an elder's death or moving out, and its recovery."""

    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    source_run = models.ForeignKey(BenefitRun, on_delete=models.PROTECT, related_name="+")
    found_by = models.ForeignKey(BenefitRun, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField()
    months = models.PositiveSmallIntegerField(default=1)
    reason = models.CharField(max_length=32)
    status = models.CharField(max_length=12, choices=Recovery.choices, default=Recovery.OPEN)
    recovered_fen = models.BigIntegerField(default=0)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["elder", "source_run"],
                                               name="one_overpayment_per_elder_run")]

    def __str__(self) -> str:
        return f"{self.elder_id}/{self.source_run_id}: {self.amount_fen}"

    @property
    def amount_display(self) -> str:
        return format_fen(self.amount_fen)

    @property
    def recovered_display(self) -> str:
        return format_fen(self.recovered_fen)


# ---- Checks against fraud and error (issue 7) ---------------------------------------------


class CheckFinding(models.Model):
    """One elder flagged by one named check (anlao.benefits.checks.rules) in one run.

    Replaced whole each time the run is computed; a reviewer's decision on the same rule and
    elder is carried over so nobody has to dismiss the same finding every month.
    """

    run = models.ForeignKey(BenefitRun, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(_("rule"), max_length=32)
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    detail = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    note = models.CharField(_("note"), max_length=255, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule", "elder_id"]
        verbose_name = _("check finding")
        constraints = [models.UniqueConstraint(fields=["run", "rule", "elder"],
                                               name="one_finding_per_run_rule_elder")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.rule}/{self.elder_id}: {self.status}"


# ---- Supplementary runs and recovery by deduction (issue 7) ------------------------------


class Resend(models.Model):
    """A failed or held payment that a supplementary run pays again (its claim on the line).

    One claim per payment (unique): a line claimed here is not carried by a regular export,
    and a line already carried cannot be claimed (payments._lines, supplementary.py).
    """

    run = models.ForeignKey(BenefitRun, on_delete=models.CASCADE, related_name="resends")
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="resend")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    amount_fen = models.BigIntegerField()
    community_code = models.CharField(max_length=12, blank=True)

    def __str__(self) -> str:
        return f"{self.run_id}: {self.payment_id} {self.amount_fen}"


class Deduction(models.Model):
    """Part of an open overpayment withheld from what a regular run pays the elder.

    Replaced with the run's other rows on every compute (so a recompute never deducts
    twice); counted as recovered on the overpayment when the run is exported.
    """

    run = models.ForeignKey(BenefitRun, on_delete=models.CASCADE, related_name="deductions")
    overpayment = models.ForeignKey(Overpayment, on_delete=models.PROTECT,
                                    related_name="deductions")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="+",
                              db_constraint=False)
    amount_fen = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "overpayment"],
                                               name="one_deduction_per_run_overpayment")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.overpayment_id}: {self.amount_fen}"

    @property
    def amount_display(self) -> str:
        return format_fen(self.amount_fen)
