"""Ability assessments (GB/T 42195-2022): requests to an agency, and the assessments themselves.

An assessment belongs to an elder, an assessment agency and two assessors. It moves
draft → submitted → reviewed → final, or is rejected back to draft with a reason. Only a final
one sets the elder's current level; a later final one supersedes it (``is_current``) and the
old one stays in the history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anlao.core.models import TimeStamped


class AssessmentReason(models.TextChoices):
    FIRST = "first", _("first assessment")
    SCHEDULED = "scheduled", _("scheduled reassessment")
    CHANGE_OF_CONDITION = "change_of_condition", _("change of condition")
    APPLICATION = "application", _("application for a service or the waitlist")
    APPEAL = "appeal", _("appeal")


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    REVIEWED = "reviewed", _("reviewed")
    FINAL = "final", _("final")


class AssessmentSource(models.TextChoices):
    ENTRY = "entry", _("entered")
    IMPORT = "import", _("imported")
    DEMO = "demo", _("demo data")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class AssessmentRequest(TimeStamped):
    """Area staff ask an agency to assess an elder. The agency's staff see the elders they were
    asked to assess, and only those. A change-of-condition request makes the elder due now."""

    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT,
                              related_name="assessment_requests", verbose_name=_("elder"))
    agency = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                               related_name="assessment_requests", verbose_name=_("agency"))
    reason = models.CharField(_("reason"), max_length=24, choices=AssessmentReason.choices)
    requested_on = models.DateField(_("requested on"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.OPEN)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("assessment request")
        verbose_name_plural = _("assessment requests")
        indexes = [
            models.Index(fields=["agency", "status"], name="assessreq_agency_status"),
            models.Index(fields=["elder", "status"], name="assessreq_elder_status"),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} → {self.agency_id} ({self.reason})"


class Assessment(TimeStamped):
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT,
                              related_name="assessments", verbose_name=_("elder"))
    agency = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                               related_name="assessments", verbose_name=_("agency"))
    request = models.ForeignKey(AssessmentRequest, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="assessments",
                                verbose_name=_("request"))
    reason = models.CharField(_("reason"), max_length=24, choices=AssessmentReason.choices)
    state = models.CharField(_("state"), max_length=12, choices=AssessmentState.choices,
                             default=AssessmentState.DRAFT, db_index=True)
    source = models.CharField(_("source"), max_length=8, choices=AssessmentSource.choices,
                              default=AssessmentSource.ENTRY)
    instrument_version = models.CharField(_("instrument"), max_length=32)
    assessed_on = models.DateField(_("assessment date"))
    assessor_1 = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("first assessor"))
    assessor_2 = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("second assessor"))
    # Item code ("B.1.1") → score. Partial while a draft; complete from submission on.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # C.4 inputs.
    coma = models.BooleanField(_("in a coma"), default=False)
    dementia = models.BooleanField(_("dementia (ICD-10 F00–F03)"), default=False)
    psychiatric_disorder = models.BooleanField(
        _("other mental disorder diagnosed by a psychiatrist"), default=False)
    diagnosis_note = models.CharField(_("diagnosis"), max_length=200, blank=True)
    # Care-risk event type ("fall", …) → count in the 30 days before the assessment.
    risk_events = models.JSONField(_("care-risk events"), default=dict, blank=True)
    # The result, stored whole when submitted (scoring.ScoreResult.as_dict()).
    subtotals = models.JSONField(_("subtotals"), default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("total score"), null=True, blank=True)
    initial_level = models.PositiveSmallIntegerField(_("initial level"), null=True, blank=True)
    level_changes = models.JSONField(_("level changes"), default=list, blank=True)
    final_level = models.PositiveSmallIntegerField(_("final level"), null=True, blank=True,
                                                   db_index=True)
    is_current = models.BooleanField(_("current"), default=False)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reviewed by"))
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("finalised by"))

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("ability assessment")
        verbose_name_plural = _("ability assessments")
        indexes = [
            models.Index(fields=["elder", "state", "assessed_on"], name="assess_elder_state"),
            models.Index(fields=["agency", "state"], name="assess_agency_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["elder"], condition=Q(is_current=True),
                                    name="one_current_assessment_per_elder"),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {self.assessed_on} ({self.state})"

    @property
    def is_editable(self) -> bool:
        return self.state == AssessmentState.DRAFT
