"""The elder registry: elders, their contacts and households, and who serves them."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from anlao.core.masking import mask_id_number, mask_phone
from anlao.core.models import TimeStamped
from anlao.people.idnumbers import age_on


class LivingSituation(models.TextChoices):
    LIVES_ALONE = "lives_alone", _("lives alone")
    EMPTY_NEST = "empty_nest", _("empty nest")
    NO_FAMILY = "no_family", _("no family")
    WITH_FAMILY = "with_family", _("with family")


class ElderStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    DECEASED = "deceased", _("deceased")
    MOVED_OUT = "moved_out", _("moved out")


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


# The special categories of DOMAIN.md's glossary, as boolean columns (cheap to filter in bulk).
CATEGORY_FIELDS = (
    "extreme_poverty", "dibao", "near_dibao", "bereaved_one_child_family", "entitled_veteran",
)
CATEGORY_LABELS = {
    "extreme_poverty": _("extreme poverty"),
    "dibao": _("dibao"),
    "near_dibao": _("near-dibao"),
    "bereaved_one_child_family": _("bereaved one-child family"),
    "entitled_veteran": _("entitled veteran"),
    "disabled": _("disability"),
}
ALONE_SITUATIONS = (LivingSituation.LIVES_ALONE, LivingSituation.EMPTY_NEST,
                    LivingSituation.NO_FAMILY)


class Household(TimeStamped):
    """Elders living at one address as one household (户)."""

    address = models.CharField(_("address"), max_length=200)
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.address


class Elder(TimeStamped):
    name = models.CharField(_("name"), max_length=32, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, db_index=True)
    # Last four characters of ID and phone: indexed for the masked-tail search.
    id_tail = models.CharField(max_length=4, db_index=True, editable=False)
    birth_date = models.DateField(_("birth date"), db_index=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_tail = models.CharField(max_length=4, db_index=True, blank=True, editable=False)
    hukou_area = models.ForeignKey(
        "areas.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("hukou area"),
    )
    residence_area = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, related_name="residents",
        verbose_name=_("residence community"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    living_situation = models.CharField(
        _("living situation"), max_length=16, choices=LivingSituation.choices,
        default=LivingSituation.WITH_FAMILY, db_index=True,
    )
    extreme_poverty = models.BooleanField(_("extreme poverty"), default=False)
    dibao = models.BooleanField(_("dibao"), default=False)
    near_dibao = models.BooleanField(_("near-dibao"), default=False)
    bereaved_one_child_family = models.BooleanField(_("bereaved one-child family"), default=False)
    entitled_veteran = models.BooleanField(_("entitled veteran"), default=False)
    # 残疾等级 1 (most severe) … 4; empty when not disabled.
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), null=True,
                                                        blank=True)
    # Current ability level 0–4 (GB/T 42195-2022), set by the latest final assessment.
    ability_level = models.PositiveSmallIntegerField(_("ability level"), null=True, blank=True,
                                                     db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=ElderStatus.choices,
                              default=ElderStatus.ACTIVE, db_index=True)
    status_date = models.DateField(_("status date"), null=True, blank=True)
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="members", verbose_name=_("household"))
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(excluded_fields=["id_tail", "phone_tail"])

    class Meta:
        ordering = ["residence_area_id", "name", "id"]
        verbose_name = _("elder")
        verbose_name_plural = _("elders")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=Q(status="active"),
                name="one_active_elder_per_id_number",
            ),
        ]
        indexes = [models.Index(fields=["residence_area", "status"], name="elder_area_status")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.id_tail = self.id_number[-4:]
        self.phone_tail = self.phone[-4:] if self.phone else ""
        super().save(*args, **kwargs)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def age_on(self, on: dt.date) -> int:
        return age_on(self.birth_date, on)

    @property
    def categories(self) -> list[str]:
        names = [f for f in CATEGORY_FIELDS if getattr(self, f)]
        if self.disability_grade:
            names.append("disabled")
        return names


class ContactRelation(models.TextChoices):
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    RELATIVE = "relative", _("relative")
    NEIGHBOUR = "neighbour", _("neighbour")
    GUARDIAN = "guardian", _("legal guardian")
    OTHER = "other", _("other")


class Contact(TimeStamped):
    """A guardian or emergency contact of an elder."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=32)
    relation = models.CharField(_("relation"), max_length=16, choices=ContactRelation.choices)
    phone = models.CharField(_("phone"), max_length=20)
    is_guardian = models.BooleanField(_("guardian"), default=False)
    is_emergency = models.BooleanField(_("emergency contact"), default=True)

    class Meta:
        ordering = ["-is_guardian", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name

    @property
    def reveal_field(self) -> str:
        """The name the reveal form posts for this contact's phone."""
        return f"contact-{self.pk}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class ServiceLink(TimeStamped):
    """An organisation serving an elder (a provider's case); provider staff see these elders."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="service_links")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="service_links")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("service link")
        verbose_name_plural = _("service links")
        indexes = [models.Index(fields=["organisation", "end_date"], name="servicelink_org")]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.elder_id}"


class ElderImportStatus(models.TextChoices):
    VALIDATED = "validated", _("validated")
    COMMITTED = "committed", _("imported")
    CANCELLED = "cancelled", _("cancelled")
    FAILED = "failed", _("failed")


class ElderImport(TimeStamped):
    """One uploaded registry workbook: validated in full, then imported or cancelled.

    The rows (original cells, messages, cleaned values) are zlib-compressed JSON in the
    database rather than a file: a 50,000-row upload is a few MB, it needs no shared disk
    between web processes, and it is dropped on cancel (personal data is not kept longer
    than needed). Only the uploader sees a batch.
    """

    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("uploaded by"))
    file_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=ElderImportStatus.choices,
                              default=ElderImportStatus.VALIDATED, db_index=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    imported_rows = models.PositiveIntegerField(_("imported rows"), default=0)
    skipped_rows = models.PositiveIntegerField(_("skipped rows"), default=0)
    # The first rows with errors, for the review page without unpacking the payload.
    error_preview = models.JSONField(_("first errors"), default=list, blank=True)
    payload = models.BinaryField(_("rows"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("elder import")
        verbose_name_plural = _("elder imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class AbsenceKind(models.TextChoices):
    HOSPITAL = "hospital", _("in hospital")
    AWAY = "away", _("away from home")


class Absence(TimeStamped):
    """An elder away from home for a while (a hospital stay): home-care visits in that time are
    anomalies (homecare.visits.anomalies.elder_unavailable) and dispatch can tell the family."""

    elder = models.ForeignKey(Elder, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(_("kind"), max_length=12, choices=AbsenceKind.choices,
                            default=AbsenceKind.HOSPITAL)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)  # inclusive; open = still away
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["elder_id", "-start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")

    def __str__(self) -> str:
        return f"{self.elder_id} {self.kind} {self.start}–{self.end or ''}"
