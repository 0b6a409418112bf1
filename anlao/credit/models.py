"""The service-credit ledger's one table: signed lines per elder and month, never a balance.

Every line names its source: a benefit run (``run``, and ``source`` "benefits.run"), or any
consumer's record as ``source`` (an app-qualified name such as "homecare.visit") plus
``source_id``. Month-end lines (expire, roll-over) and adjustments have no source. The ledger
knows nothing about its consumers: it never imports them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

RUN_SOURCE = "benefits.run"


class CreditUnit(models.TextChoices):
    FEN = "fen", _("yuan (fen)")
    MINUTE = "minute", _("hours (minutes)")


class CreditKind(models.TextChoices):
    GRANT = "grant", _("monthly grant")
    SPEND = "spend", _("spent on a visit")
    REFUND = "refund", _("refund of a rejected visit")
    EXPIRE = "expire", _("expired")
    ROLLOVER = "rollover", _("rolled over")
    ADJUST = "adjust", _("adjustment")
    HOLD = "hold", _("held for an order")
    RELEASE = "release", _("hold released")


# A hold earmarks credit without spending it: holds and their releases are not in the balance.
HOLD_KINDS = (CreditKind.HOLD, CreditKind.RELEASE)


class CreditEntry(models.Model):
    """One line of an elder's service-credit ledger; the balance is the sum of ``amount``
    over the lines that are not holds."""

    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT,
                              related_name="credit_entries")
    period = models.DateField(_("month"))  # first day of the month the line belongs to
    unit = models.CharField(_("unit"), max_length=8, choices=CreditUnit.choices,
                            default=CreditUnit.FEN)
    # A bucket: credit for one category of service (the consumer's code); blank = any.
    category = models.CharField(_("category"), max_length=16, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CreditKind.choices)
    amount = models.BigIntegerField(_("amount"))  # signed: grants +, spends −
    run = models.ForeignKey("benefits.BenefitRun", null=True, blank=True,
                            on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=32, blank=True)
    source_id = models.BigIntegerField(_("source record"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        db_table = "homecare_creditentry"  # moved from home care; the table kept its name
        ordering = ["elder_id", "period", "id"]
        indexes = [models.Index(fields=["elder", "period"], name="homecare_cr_elder_i_8f9b68_idx")]
        constraints = [
            # a run grants once per elder, unit and category; a source line is written once
            # per elder, unit and kind (a visit is spent once, an order held once)
            models.UniqueConstraint(fields=["elder", "run", "unit", "category"],
                                    condition=models.Q(kind="grant"), name="uniq_credit_grant"),
            models.UniqueConstraint(fields=["source", "source_id", "elder", "unit", "kind"],
                                    condition=models.Q(source_id__isnull=False),
                                    name="uniq_credit_source_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.period:%Y-%m} {self.kind} {self.amount}"
