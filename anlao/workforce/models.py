"""Caregivers (养老护理员), their employment, qualifications and training; quarterly claims.

``Caregiver`` is a person record, not a login. It carries no facility-specific data, so the
home-care app can reuse it (its skills, working hours and home location hang off it there).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anlao.core.models import TimeStamped


class SkillLevel(models.TextChoices):
    # Lower number = higher level, as in the national occupational standard.
    LEVEL5 = "level5", _("Level 5 / junior worker")
    LEVEL4 = "level4", _("Level 4 / intermediate worker")
    LEVEL3 = "level3", _("Level 3 / senior worker")
    LEVEL2 = "level2", _("Level 2 / technician")
    LEVEL1 = "level1", _("Level 1 / senior technician")


# Rank for "highest level held": level1 outranks level5.
LEVEL_RANK = {SkillLevel.LEVEL5: 1, SkillLevel.LEVEL4: 2, SkillLevel.LEVEL3: 3,
              SkillLevel.LEVEL2: 4, SkillLevel.LEVEL1: 5}


class CertificateKind(models.TextChoices):
    SKILL = "skill", _("elderly-care worker skill level")
    NURSE = "nurse", _("nurse licence")
    HEALTH_MANAGER = "health_manager", _("health manager")
    OTHER = "other", _("other certificate")


class WorkRole(models.TextChoices):
    FRONTLINE = "frontline_care", _("frontline care")
    MANAGEMENT = "management", _("care management")
    OTHER = "other", _("other work")


class Caregiver(TimeStamped):
    name = models.CharField(_("name"), max_length=64)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Where the record is kept (the employer's area when first recorded): scoping for area staff.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="caregivers",
                             verbose_name=_("area"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")

    def __str__(self) -> str:
        return self.name


class Employment(TimeStamped):
    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE,
                                  related_name="employments")
    employer = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                 related_name="caregiver_employments", verbose_name=_("employer"))
    # SET_NULL: a facility record removed (never in normal use: it is deactivated) must not
    # take the caregiver's employment history with it; the employer stays.
    facility = models.ForeignKey("facilities.Facility", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="caregiver_employments",
                                 verbose_name=_("facility"))
    role = models.CharField(_("role"), max_length=16, choices=WorkRole.choices,
                            default=WorkRole.FRONTLINE)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)  # inclusive; open = still employed

    class Meta:
        ordering = ["caregiver_id", "start"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")


class Certificate(TimeStamped):
    """A skill-level certificate (kind=skill with ``level``) or another licence."""

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE,
                                  related_name="certificates")
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    level = models.CharField(_("skill level"), max_length=8, choices=SkillLevel.choices,
                             blank=True)
    number = models.CharField(_("certificate number"), max_length=64)
    issuer = models.CharField(_("issuer"), max_length=128)
    issued_on = models.DateField(_("issued on"))

    class Meta:
        ordering = ["caregiver_id", "issued_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")


class TrainingRecord(TimeStamped):
    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("course"), max_length=128)
    provider = models.CharField(_("training provider"), max_length=128, blank=True)
    start = models.DateField(_("start"))
    hours = models.PositiveIntegerField(_("hours"), default=0)
    passed = models.BooleanField(_("passed"), default=True)

    class Meta:
        ordering = ["caregiver_id", "-start"]


class ContestResult(TimeStamped):
    """E.g. seed 002: 市第三届养老管护人员职业技能培训及竞赛 (June 2023)."""

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="contests")
    contest = models.CharField(_("contest"), max_length=128)
    held_on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=64)

    class Meta:
        ordering = ["caregiver_id", "-held_on"]


class BatchState(models.TextChoices):
    DRAFT = "draft", _("draft")
    COMPUTED = "computed", _("computed")
    APPROVED = "approved", _("approved")
    EXPORTED = "exported", _("exported")


class ClaimBatch(TimeStamped):
    """One quarter's subsidy claims for the facilities in one area (a district or street)."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT,
                             related_name="caregiver_claims", verbose_name=_("area"))
    state = models.CharField(_("state"), max_length=12, choices=BatchState.choices,
                             default=BatchState.DRAFT)
    policy_digest = models.CharField(max_length=64, blank=True)
    total_fen = models.BigIntegerField(_("total (fen)"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "area__path"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter", "area"],
                                    name="workforce_one_batch_per_quarter_area"),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter} {self.area}"

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"


class ClaimLine(models.Model):
    batch = models.ForeignKey(ClaimBatch, on_delete=models.CASCADE, related_name="lines")
    caregiver = models.ForeignKey(Caregiver, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey("facilities.Facility", null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    months_paid = models.PositiveSmallIntegerField(default=0)
    post_fen = models.BigIntegerField(default=0)
    bonus_fen = models.BigIntegerField(default=0)
    total_fen = models.BigIntegerField(default=0)
    # {"months": [{"month": "2025-01", "level": "level4", "employed": true, "fen": …, "why": …}],
    #  "bonus": {...}, "breaks": [...]} — see subsidy.explain
    explanation = models.JSONField(default=dict)

    class Meta:
        ordering = ["batch_id", "caregiver__name", "id"]

    def __str__(self) -> str:
        return f"{self.batch} · {self.caregiver_id}"
