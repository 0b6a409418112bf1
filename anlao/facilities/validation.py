"""Checking facility data: pure, shared by the form, the API, the Excel import and services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from anlao.facilities.models import FacilityType, MedicalSetup, OperationMode

# (field, required) — the editable fields of a facility, in form order.
FIELDS = (
    "name", "type", "operator", "operation_mode", "area", "address", "lat", "lng",
    "floor_space_m2", "opened_on", "is_registered", "licence_number", "star_rating",
    "star_rated_on", "insurance_policy", "insurance_expires_on", "services", "medical_setup",
    "medical_partner", "full_time_staff", "purchased_service_elders", "older_share_percent",
    "note",
)
# Hangzhou and its surroundings; a point outside is a typo (swapped lat/lng, missing digits).
LAT_RANGE = (29.0, 31.5)
LNG_RANGE = (118.0, 121.5)


def _add(errors: dict[str, list[str]], field: str, msg: str) -> None:
    errors.setdefault(field, []).append(msg)


def _check_choices(d: dict[str, Any], errors: dict[str, list[str]]) -> None:
    for field, choices in (("type", FacilityType), ("operation_mode", OperationMode),
                           ("medical_setup", MedicalSetup)):
        if field in d and d[field] not in choices.values:
            _add(errors, field, _("Choose one of the listed values."))


def _check_numbers(d: dict[str, Any], errors: dict[str, list[str]]) -> None:
    for field in ("full_time_staff", "purchased_service_elders"):
        v = d.get(field)
        if v is not None and (not isinstance(v, int) or v < 0):
            _add(errors, field, _("Enter a whole number, 0 or more."))
    star = d.get("star_rating")
    if star is not None and not (isinstance(star, int) and 1 <= star <= 5):
        _add(errors, "star_rating", _("A star rating is 1 to 5."))
    share = d.get("older_share_percent")
    if share is not None and not (Decimal(0) <= Decimal(share) <= Decimal(100)):
        _add(errors, "older_share_percent", _("A share is between 0 and 100."))
    space = d.get("floor_space_m2")
    if space is not None and Decimal(space) <= 0:
        _add(errors, "floor_space_m2", _("Floor space must be more than 0."))


def _check_place(d: dict[str, Any], errors: dict[str, list[str]]) -> None:
    lat, lng = d.get("lat"), d.get("lng")
    if (lat is None) != (lng is None):
        _add(errors, "lat", _("Give both latitude and longitude, or neither."))
    elif lat is not None and not (LAT_RANGE[0] <= lat <= LAT_RANGE[1]
                                  and LNG_RANGE[0] <= lng <= LNG_RANGE[1]):
        _add(errors, "lat", _("This point is not in the city; check latitude and longitude."))


def clean_facility(d: dict[str, Any], *, today: dt.date, partial: bool = False
                   ) -> dict[str, list[str]]:
    """Errors (field → messages) in already-typed facility data; empty when it is fine."""
    errors: dict[str, list[str]] = {}
    if (not partial or "name" in d) and not str(d.get("name") or "").strip():
        _add(errors, "name", _("Enter a name."))
    for field in ("type", "operator", "area"):
        if (not partial or field in d) and not d.get(field):
            _add(errors, field, _("This field is required."))
    _check_choices(d, errors)
    _check_numbers(d, errors)
    _check_place(d, errors)
    for field in ("opened_on", "star_rated_on"):
        if d.get(field) and d[field] > today:
            _add(errors, field, _("This date is in the future."))
    if d.get("star_rating") and not d.get("star_rated_on") and not partial:
        _add(errors, "star_rated_on", _("Give the date of the star rating."))
    if d.get("medical_setup") == MedicalSetup.AGREEMENT and not d.get("medical_partner"):
        _add(errors, "medical_partner", _("Name the medical institution of the agreement."))
    return errors
