"""The facility form: parses input into the typed data of validation.FIELDS.

It only turns text into values (numbers, dates, an area, an operator); what is valid for a
facility — ranges, dates not in the future, the area in the actor's jurisdiction — is decided by
``validation.clean_facility`` and the services, whose errors are put back on the fields.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anlao.accounts.models import Organisation, OrganisationType
from anlao.accounts.selectors import organisation_by_id, organisations_where
from anlao.areas.models import Area, AreaLevel
from anlao.areas.selectors import area_by_id, areas_for
from anlao.core.form_errors import ServiceErrorsMixin
from anlao.facilities.models import Facility, FacilityType, MedicalSetup, OperationMode
from anlao.facilities.validation import FIELDS, clean_facility

# Who runs facilities: providers, care organisations and canteens from anywhere (they bid across
# the district); for public ones the bureau, or a street office or community committee of the
# actor's own jurisdiction. Not assessment agencies or partners. In this order on the form.
OPERATOR_TYPES = (
    OrganisationType.PROVIDER, OrganisationType.CARE_FACILITY, OrganisationType.CANTEEN,
    OrganisationType.BUREAU, OrganisationType.STREET_OFFICE,
    OrganisationType.COMMUNITY_COMMITTEE,
)
LOCAL_OPERATOR_TYPES = (OrganisationType.STREET_OFFICE, OrganisationType.COMMUNITY_COMMITTEE)
# Services are free text entered by the bureau (the model has no choices); people type
# Chinese or Western separators alike.
SERVICE_SEPARATORS = re.compile(r"[,，、;；\n]+")
DATE_WIDGET = {"type": "date"}


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))


def _area_choices(actor: Any, current: Area | None) -> list[Any]:
    """Streets and their communities in the actor's jurisdiction, one <optgroup> per street."""
    areas = list(areas_for(actor=actor).filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY])
                 .select_related("parent"))
    if current is not None and all(a.pk != current.pk for a in areas):
        areas.append(current)
    groups: dict[str, list[tuple[str, str]]] = {}
    for a in sorted(areas, key=lambda a: a.path):
        if a.level == AreaLevel.STREET:
            groups.setdefault(a.name, []).insert(
                0, (str(a.pk), _("%(street)s (street level)") % {"street": a.name}))
        else:
            street = a.parent.name if a.parent_id else ""
            groups.setdefault(street, []).append((str(a.pk), a.name))
    return [("", "—"), *groups.items()]


def _operator_choices(actor: Any, current: Organisation | None) -> list[Any]:
    q = Q(type__in=OPERATOR_TYPES) & (~Q(type__in=LOCAL_OPERATOR_TYPES)
                                      | Q(area__in=areas_for(actor=actor).values("id")))
    q = Q(is_active=True) & q
    if current is not None:
        q |= Q(pk=current.pk)  # an imported operator of another kind stays selectable
    labels = dict(OrganisationType.choices)
    rank = {t: i for i, t in enumerate(OPERATOR_TYPES)}
    groups: dict[str, list[tuple[str, str]]] = {}
    orgs = sorted(organisations_where(q), key=lambda o: (rank.get(o.type, 99), o.name))
    for org in orgs:
        groups.setdefault(str(labels.get(org.type, org.type)), []).append((str(org.pk), org.name))
    return [("", "—"), *groups.items()]


class FacilityForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Facility name"), max_length=128)
    type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *FacilityType.choices])
    operator = forms.TypedChoiceField(label=_("Operator"), coerce=int)
    operation_mode = forms.ChoiceField(label=_("Operation mode"), choices=OperationMode.choices,
                                       initial=OperationMode.PUBLIC)
    area = forms.TypedChoiceField(label=_("Community or street"), coerce=int)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, help_text=_("e.g. 30.3198"),
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    lng = forms.FloatField(label=_("Longitude"), required=False, help_text=_("e.g. 120.1425"),
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    floor_space_m2 = forms.DecimalField(label=_("Floor space (m²)"), required=False,
                                        max_digits=10, decimal_places=1)
    opened_on = _date_field(_("Opening date"))
    is_registered = forms.BooleanField(label=_("Registered / filed"), required=False,
                                       initial=True)
    licence_number = forms.CharField(label=_("Licence or filing number"), max_length=64,
                                     required=False)
    star_rating = forms.TypedChoiceField(
        label=_("Star rating"), required=False, coerce=int, empty_value=None,
        choices=[("", _("not rated")), *((str(n), "★" * n) for n in range(1, 6))])
    star_rated_on = _date_field(_("Star rating date"))
    insurance_policy = forms.CharField(label=_("Liability insurance policy"), max_length=64,
                                       required=False)
    insurance_expires_on = _date_field(_("Insurance expiry"))
    services = forms.CharField(
        label=_("Services offered"), required=False, max_length=500,
        help_text=_("Separate with commas or 、, e.g. 日间照料、助餐、康复"))
    medical_setup = forms.ChoiceField(label=_("Medical set-up"), choices=MedicalSetup.choices,
                                      initial=MedicalSetup.NONE)
    medical_partner = forms.CharField(label=_("Medical institution"), max_length=128,
                                      required=False)
    full_time_staff = forms.IntegerField(label=_("Full-time care staff"), required=False,
                                         initial=0)
    purchased_service_elders = forms.IntegerField(
        label=_("Elders with purchased services"), required=False, initial=0,
        help_text=_("Community stations: one manager per 100 such elders."))
    older_share_percent = forms.DecimalField(
        label=_("Share aged 60+ (%)"), required=False, max_digits=5, decimal_places=2,
        help_text=_("Street centres: the street's share of people aged 60 or more."))
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, actor: Any, facility: Facility | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facility = facility
        self.fields["area"].choices = _area_choices(actor, facility.area if facility else None)
        self.fields["operator"].choices = _operator_choices(
            actor, facility.operator if facility else None)
        for name, field in self.fields.items():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else (
                "form-select" if isinstance(field, forms.ChoiceField) else "form-control")
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"id_{name}")

    @classmethod
    def initial_for(cls, facility: Facility) -> dict[str, Any]:
        initial = {name: getattr(facility, name) for name in FIELDS}
        initial["operator"] = facility.operator_id
        initial["area"] = facility.area_id
        initial["services"] = "、".join(facility.services or [])
        return initial

    def clean(self) -> dict[str, Any]:
        """When some fields do not even parse, the service is not called: check the rest here
        with the same rules, so one round trip shows every error."""
        cleaned = super().clean()
        if self.errors:
            today = timezone.localdate()
            for name, messages in clean_facility(self._typed(), today=today).items():
                if name in self.fields and name not in self.errors:
                    for message in messages:
                        self.add_error(name, message)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The typed values validation.FIELDS describes: model instances, lists, Decimals."""
        return self._typed()

    def _typed(self) -> dict[str, Any]:
        d = {name: self.cleaned_data.get(name) for name in FIELDS}
        d["operator"] = organisation_by_id(d["operator"])
        d["area"] = area_by_id(d["area"])
        d["services"] = [s.strip() for s in SERVICE_SEPARATORS.split(d["services"] or "")
                         if s.strip()]
        for name in ("full_time_staff", "purchased_service_elders"):
            d[name] = 0 if d[name] is None else d[name]
        # As stored, so an unchanged value is not audited as a change (120 vs 120.0).
        for name, places in (("floor_space_m2", "0.1"), ("older_share_percent", "0.01")):
            if d[name] is not None:
                d[name] = d[name].quantize(Decimal(places))
        return d

