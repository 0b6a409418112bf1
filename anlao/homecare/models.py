"""Purchased home care, the "1+N" loop (seed 003's 虚拟养老院):

catalog → contracts → service credit → orders and care plans → dispatch → visits (EVV) →
anomalies and follow-up → monthly provider settlement.

One ``Order`` is one requested service occurrence; a recurring ``CarePlan`` materialises orders
day by day. Each accepted order has exactly one ``Visit``: the dispatcher's plan (caregiver,
sequence, planned times, pin) and the caregiver's record of it (check-in/out, GPS, code, tasks).
Money is integer fen; credit is the credit app's ledger (``anlao.credit``), never a stored
balance.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anlao.core.models import TimeStamped


class Category(models.TextChoices):
    EMERGENCY = "emergency", _("emergency help")  # 助急
    MEALS = "meals", _("meal help")  # 助餐
    CLEANING = "cleaning", _("cleaning help")  # 助洁
    BATHING = "bathing", _("bathing help")  # 助浴
    MOBILITY = "mobility", _("mobility help")  # 助行
    MEDICAL = "medical", _("medical help")  # 助医
    DAILY_CARE = "daily_care", _("daily living care")  # 生活照料
    HOUSEKEEPING = "housekeeping", _("housekeeping")  # 家政服务
    HEALTH = "health", _("health management")  # 健康管理
    COMPANIONSHIP = "companionship", _("emotional support")  # 精神慰藉


class Unit(models.TextChoices):
    VISIT = "visit", _("per visit")
    HOUR = "hour", _("per hour")


class ServiceItem(TimeStamped):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.VISIT)
    standard_minutes = models.PositiveIntegerField(_("standard duration (minutes)"))
    # A skill tag the caregiver must hold (e.g. "bathing", "nursing"); blank = anyone.
    required_skill = models.CharField(_("required skill"), max_length=32, blank=True)
    # workforce.SkillLevel code; blank = no certificate level required.
    min_level = models.CharField(_("minimum certificate level"), max_length=8, blank=True)
    price_fen = models.PositiveIntegerField(_("guide price (fen)"))
    tasks = models.JSONField(_("task checklist"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self) -> str:
        return self.name


class ContractState(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


class Contract(TimeStamped):
    """A provider's purchase contract with the bureau: period, streets, items and prices."""

    number = models.CharField(_("contract number"), max_length=32, unique=True)
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="homecare_contracts", verbose_name=_("provider"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))  # inclusive
    streets = models.ManyToManyField("areas.Area", related_name="homecare_contracts",
                                     verbose_name=_("streets served"))
    expected_visits = models.PositiveIntegerField(_("expected visits"), default=0)
    state = models.CharField(_("state"), max_length=8, choices=ContractState.choices,
                             default=ContractState.DRAFT)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-start", "number"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return self.number


class ContractItem(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    price_fen = models.PositiveIntegerField(_("contract price (fen)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contract", "item"],
                                               name="uniq_contract_item")]

    def __str__(self) -> str:
        return f"{self.contract_id}/{self.item_id}"


class CaregiverProfile(TimeStamped):
    """A workforce caregiver as a home-care worker: provider, skills, home, hours, login."""

    caregiver = models.OneToOneField("workforce.Caregiver", on_delete=models.PROTECT,
                                     related_name="homecare")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="homecare_caregivers", verbose_name=_("provider"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="caregiver_profile")
    skills = models.JSONField(_("skills"), default=list, blank=True)  # skill tags
    level = models.CharField(_("certificate level"), max_length=8, blank=True)
    home_lat = models.FloatField(_("home latitude"), null=True, blank=True)
    home_lng = models.FloatField(_("home longitude"), null=True, blank=True)
    # {"0": ["08:00", "17:00"], …} by ISO weekday 0=Monday; a missing day = not working.
    working_hours = models.JSONField(_("working hours"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["provider_id", "caregiver__name"]
        verbose_name = _("home-care worker")
        verbose_name_plural = _("home-care workers")

    def __str__(self) -> str:
        return self.caregiver.name


class Leave(models.Model):
    profile = models.ForeignKey(CaregiverProfile, on_delete=models.CASCADE,
                                related_name="leaves")
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))  # inclusive
    reason = models.CharField(_("reason"), max_length=64, blank=True)

    class Meta:
        ordering = ["profile_id", "start"]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


# The credit ledger (anlao.credit) names a visit's lines by this source.
VISIT_CREDIT_SOURCE = "homecare.visit"


class Channel(models.TextChoices):
    COMMUNITY = "community", _("community worker")
    HOTLINE = "hotline", _("hotline")
    PORTAL = "portal", _("family portal")
    PARTNER = "partner", _("partner API")
    # An unplanned visit started by a caregiver at the door (no order beforehand): the visit
    # raises the ``no_order`` anomaly and is paid only after review.
    CAREGIVER = "caregiver", _("unplanned, started by the caregiver")


class PlanState(models.TextChoices):
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")


class CarePlan(TimeStamped):
    """A recurring order, e.g. bathing every Tuesday 09:00–11:00."""

    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="care_plans")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="care_plans")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="care_plans")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    weekdays = models.JSONField(_("weekdays"), default=list)  # ISO 0=Monday … 6=Sunday
    window_start = models.TimeField(_("from"))
    window_end = models.TimeField(_("until"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=PlanState.choices,
                             default=PlanState.ACTIVE)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["elder_id", "id"]
        verbose_name = _("care plan")
        verbose_name_plural = _("care plans")


class OrderState(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    CANCELLED = "cancelled", _("cancelled")
    DONE = "done", _("done")


class Order(TimeStamped):
    """One requested service on one day. Refused requests are not stored (the caller gets why)."""

    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="orders")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="homecare_orders", verbose_name=_("provider"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="orders")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    care_plan = models.ForeignKey(CarePlan, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="orders")
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    date = models.DateField(_("service date"), db_index=True)
    window_start = models.TimeField(_("from"))
    window_end = models.TimeField(_("until"))
    minutes = models.PositiveIntegerField(_("planned minutes"))
    price_fen = models.PositiveIntegerField(_("price (fen)"))  # contract price × units
    credit_fen = models.PositiveIntegerField(_("covered by credit (fen)"), default=0)
    copay_fen = models.PositiveIntegerField(_("co-pay (fen)"), default=0)
    state = models.CharField(_("state"), max_length=12, choices=OrderState.choices,
                             default=OrderState.ACCEPTED, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-date", "window_start", "id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["care_plan", "date"],
                                    condition=models.Q(care_plan__isnull=False),
                                    name="uniq_plan_day"),
            models.UniqueConstraint(fields=["created_by", "idempotency_key"],
                                    condition=~models.Q(idempotency_key=""),
                                    name="uniq_order_idempotency"),
        ]


class VisitState(models.TextChoices):
    UNASSIGNED = "unassigned", _("not assigned")
    ASSIGNED = "assigned", _("assigned")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")
    MISSED = "missed", _("missed")


class Review(models.TextChoices):
    PENDING = "pending", _("pending")  # not yet checked, or an anomaly is open
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


class Visit(TimeStamped):
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="visit")
    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="homecare_visits")
    date = models.DateField(_("date"), db_index=True)
    # --- the dispatcher's plan -----------------------------------------------------------
    caregiver = models.ForeignKey(CaregiverProfile, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="visits",
                                  verbose_name=_("caregiver"))
    sequence = models.PositiveSmallIntegerField(null=True, blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    travel_seconds = models.PositiveIntegerField(default=0)  # from the previous stop
    pinned = models.BooleanField(_("pinned"), default=False)
    unassigned_reason = models.CharField(_("why not assigned"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=VisitState.choices,
                             default=VisitState.UNASSIGNED, db_index=True)
    # Bumped on every dispatcher write: two dispatchers → one conditional UPDATE wins.
    version = models.PositiveIntegerField(default=0)
    # --- the caregiver's record (EVV) ----------------------------------------------------
    check_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    check_in_lat = models.FloatField(null=True, blank=True)
    check_in_lng = models.FloatField(null=True, blank=True)
    check_in_distance_m = models.PositiveIntegerField(null=True, blank=True)
    check_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    check_out_lat = models.FloatField(null=True, blank=True)
    check_out_lng = models.FloatField(null=True, blank=True)
    check_out_distance_m = models.PositiveIntegerField(null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)  # one-time confirmation code
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)  # wrong guesses; 5 burn it
    confirmed_at = models.DateTimeField(_("confirmed by the elder"), null=True, blank=True)
    tasks_done = models.JSONField(_("tasks done"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    review = models.CharField(_("review"), max_length=8, choices=Review.choices,
                              default=Review.PENDING, db_index=True)

    class Meta:
        ordering = ["date", "caregiver_id", "sequence", "id"]
        indexes = [models.Index(fields=["provider", "date"])]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")


class DispatchPlan(TimeStamped):
    """The latest solve of one provider's day (its visits carry the assignment)."""

    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="dispatch_plans")
    date = models.DateField(_("date"))
    exploration_level = models.PositiveSmallIntegerField(default=2)
    served = models.PositiveIntegerField(default=0)
    unassigned = models.PositiveIntegerField(default=0)
    travel_seconds = models.PositiveIntegerField(default=0)
    solve_ms = models.PositiveIntegerField(default=0)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "date"],
                                               name="uniq_dispatch_day")]


class AnomalyState(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")  # the visit stands and is paid
    REJECTED = "rejected", _("rejected")  # the visit is not paid


class Anomaly(TimeStamped):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="anomalies")
    rule = models.CharField(_("rule"), max_length=32, db_index=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=AnomalyState.choices,
                             default=AnomalyState.OPEN, db_index=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "rule"],
                                               name="uniq_visit_rule")]


class FollowUpMethod(models.TextChoices):
    CALL = "call", _("phone call")
    RATING = "rating", _("rating by the elder or family")
    VISIT = "visit", _("home visit")


class FollowUp(TimeStamped):
    """回访: a sampled visit's satisfaction check."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="follow_up")
    method = models.CharField(_("method"), max_length=8, choices=FollowUpMethod.choices,
                              blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)  # null = sampled, not yet done


class SettlementState(models.TextChoices):
    COMPUTED = "computed", _("computed")
    APPROVED = "approved", _("approved")
    EXPORTED = "exported", _("exported")


class Settlement(TimeStamped):
    """A provider's monthly statement, computed from verified visits only."""

    provider = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="settlements", verbose_name=_("provider"))
    period = models.DateField(_("month"))
    state = models.CharField(_("state"), max_length=10, choices=SettlementState.choices,
                             default=SettlementState.COMPUTED)
    visits = models.PositiveIntegerField(_("visits"), default=0)
    gross_fen = models.BigIntegerField(_("gross (fen)"), default=0)
    copay_fen = models.BigIntegerField(_("co-pay (fen)"), default=0)
    excluded_fen = models.BigIntegerField(_("excluded (fen)"), default=0)
    payable_fen = models.BigIntegerField(_("payable (fen)"), default=0)
    digest = models.CharField(max_length=64, blank=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    computed_at = models.DateTimeField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "provider_id"]
        constraints = [models.UniqueConstraint(fields=["provider", "period"],
                                               name="uniq_settlement_month")]


class SettlementLine(models.Model):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="lines")
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="+")
    price_fen = models.PositiveIntegerField()
    copay_fen = models.PositiveIntegerField(default=0)
    payable_fen = models.PositiveIntegerField(default=0)
    # blank = paid; otherwise why the visit is excluded (e.g. "anomaly_rejected")
    excluded_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["settlement_id", "visit_id"]
        constraints = [models.UniqueConstraint(fields=["settlement", "visit"],
                                               name="uniq_settlement_visit")]

    def __str__(self) -> str:
        return f"{self.settlement_id}/{self.visit_id}"
