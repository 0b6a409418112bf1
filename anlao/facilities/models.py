"""Elderly-care facilities, their rooms and beds, stays (occupancy) and compliance findings.

Occupancy is a counter per room (``Room.occupied``) kept by the admit/discharge services, with
a ``Stay`` row per admitted elder; imported inventories carry occupied counts for residents who
are not (yet) in the registry, so the counter is the truth and stays explain it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from django.utils.translation import gettext_lazy as _

from anlao.core.models import TimeStamped
from anlao.core.rules import Status


class FacilityType(models.TextChoices):
    CARE_HOME = "care_home", _("care home")
    STREET_CENTRE = "street_centre", _("street care centre")
    COMMUNITY_STATION = "community_station", _("community station / day-care centre")
    RURAL_MUTUAL_AID = "rural_mutual_aid", _("rural mutual-aid home")
    EMBEDDED_MINI = "embedded_mini", _("embedded mini care home")
    CANTEEN = "canteen", _("canteen or meal point")


class OperationMode(models.TextChoices):
    PUBLIC = "public", _("public")
    PUBLIC_PRIVATE_RUN = "public_private_run", _("public-built, private-run")
    PRIVATE = "private", _("private")


class MedicalSetup(models.TextChoices):
    NONE = "none", _("none")
    AGREEMENT = "agreement", _("agreement with a medical institution")
    CLINIC = "clinic", _("on-site clinic")
    INDEPENDENT = "independent", _("independent medical institution")


class BedCategory(models.TextChoices):
    GENERAL = "general", _("general")
    NURSING = "nursing", _("nursing")


class Facility(TimeStamped):
    name = models.CharField(_("name"), max_length=128)
    type = models.CharField(_("type"), max_length=24, choices=FacilityType.choices,
                            db_index=True)
    operator = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="facilities",
        verbose_name=_("operator"),
    )
    operation_mode = models.CharField(_("operation mode"), max_length=24,
                                      choices=OperationMode.choices,
                                      default=OperationMode.PUBLIC)
    # The community (or street) the facility is in; scoping follows it.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="facilities",
                             verbose_name=_("area"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    floor_space_m2 = models.DecimalField(_("floor space (m²)"), max_digits=10, decimal_places=1,
                                         null=True, blank=True)
    opened_on = models.DateField(_("opening date"), null=True, blank=True)
    is_registered = models.BooleanField(_("registered / filed"), default=True)
    licence_number = models.CharField(_("licence or filing number"), max_length=64, blank=True)
    star_rating = models.PositiveSmallIntegerField(_("star rating"), null=True, blank=True)
    star_rated_on = models.DateField(_("star rating date"), null=True, blank=True)
    insurance_policy = models.CharField(_("liability insurance policy"), max_length=64,
                                        blank=True)
    insurance_expires_on = models.DateField(_("insurance expiry"), null=True, blank=True)
    services = models.JSONField(_("services offered"), default=list, blank=True)
    medical_setup = models.CharField(_("medical set-up"), max_length=16,
                                     choices=MedicalSetup.choices, default=MedicalSetup.NONE)
    medical_partner = models.CharField(_("medical institution"), max_length=128, blank=True)
    # Not yet elsewhere in the system: entered with the facility (see docs/facilities.md).
    full_time_staff = models.PositiveIntegerField(_("full-time care staff"), default=0)
    purchased_service_elders = models.PositiveIntegerField(
        _("elders with purchased services"), default=0)
    older_share_percent = models.DecimalField(
        _("share of people aged 60+ in the street (%)"), max_digits=5, decimal_places=2,
        null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["area__path", "name", "id"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name

    def bed_counts(self) -> dict[str, int]:
        """beds, nursing_beds, occupied, occupied_nursing, free, free_nursing, free_general."""
        return bed_counts(self.rooms.all())

    def free_beds(self, category: str | None = None) -> int:
        rooms = self.rooms.all()
        if category:
            rooms = rooms.filter(bed_category=category)
        agg = rooms.aggregate(free=Sum(F("beds") - F("occupied")))
        return agg["free"] or 0


def bed_counts(rooms: models.QuerySet) -> dict[str, int]:
    nursing = Q(bed_category=BedCategory.NURSING)
    # Aggregate aliases must not shadow the field names, hence the t_ prefix.
    agg = rooms.aggregate(
        t_beds=Sum("beds"), t_occupied=Sum("occupied"),
        t_nursing_beds=Sum("beds", filter=nursing),
        t_occupied_nursing=Sum("occupied", filter=nursing),
    )
    out = {k[2:]: v or 0 for k, v in agg.items()}
    out["free"] = out["beds"] - out["occupied"]
    out["free_nursing"] = out["nursing_beds"] - out["occupied_nursing"]
    out["free_general"] = out["free"] - out["free_nursing"]
    return out


class Room(models.Model):
    """A room (or wing) with beds of one category."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="rooms")
    label = models.CharField(_("room"), max_length=32)
    bed_category = models.CharField(_("bed category"), max_length=16,
                                    choices=BedCategory.choices, default=BedCategory.GENERAL)
    beds = models.PositiveIntegerField(_("beds"), default=0)
    occupied = models.PositiveIntegerField(_("occupied"), default=0)

    class Meta:
        ordering = ["facility_id", "label"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["facility", "label"], name="room_label_unique"),
            models.CheckConstraint(condition=Q(occupied__lte=F("beds")),
                                   name="room_occupied_within_beds"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def free(self) -> int:
        return self.beds - self.occupied


class Stay(TimeStamped):
    """One elder's stay in a facility bed, from admission to discharge."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="stays")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="stays")
    elder = models.ForeignKey("people.Elder", on_delete=models.PROTECT, related_name="stays")
    bed_category = models.CharField(_("bed category"), max_length=16,
                                    choices=BedCategory.choices)
    admitted_on = models.DateField(_("admitted on"))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)

    class Meta:
        ordering = ["-admitted_on", "id"]
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        constraints = [
            models.UniqueConstraint(fields=["elder"], condition=Q(discharged_on__isnull=True),
                                    name="one_open_stay_per_elder"),
        ]


class OccupancyRecord(models.Model):
    """Beds and occupancy of a facility on a day (last change of the day wins)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE,
                                 related_name="occupancy_records")
    on = models.DateField(_("date"))
    beds = models.PositiveIntegerField(default=0)
    nursing_beds = models.PositiveIntegerField(default=0)
    occupied = models.PositiveIntegerField(default=0)
    occupied_nursing = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["facility_id", "on"]
        constraints = [models.UniqueConstraint(fields=["facility", "on"],
                                               name="occupancy_one_per_day")]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.on}"


class Severity(models.TextChoices):
    ERROR = "error", _("breach")
    WARNING = "warning", _("warning")


class ComplianceFinding(models.Model):
    """A broken compliance rule; the set for a facility is replaced on every check, a
    reviewer's decision on the same rule carried over (anlao.core.rules)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(_("rule"), max_length=32, db_index=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    message = models.CharField(_("message"), max_length=255)
    params = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked at"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN)
    note = models.CharField(_("note"), max_length=255, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["facility_id", "rule"]
        verbose_name = _("compliance finding")
        verbose_name_plural = _("compliance findings")

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"

    @property
    def text(self) -> str:
        """The message in the current language (``message`` is as of the check)."""
        from anlao.facilities.compliance import describe

        return describe(self.rule, self.params)


STANDING = ~Q(status=Status.DISMISSED)  # the findings that still count against a facility
